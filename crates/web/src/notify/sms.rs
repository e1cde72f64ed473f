//! One message by SMS: the gateway's address (and body, when it takes a POST) with `{mobile}` and
//! `{text}` filled in, once for each mobile — those the channel always texts and the people on
//! duty the level @-mentions. Gateways are plain HTTP APIs: any 2xx is taken as accepted.

use yizhan_core::notify::address::header_lines;
use yizhan_core::notify::channel::{SMS_MOBILE, SMS_TEXT};
use yizhan_store::notify::channels::Channel;

use crate::policy::urlencode;

/// The longest text sent, in characters: three segments of a Chinese SMS.
pub const MAX_CHARS: usize = 200;

/// How a body's placeholders are written: JSON string content, or form-encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Json,
    Form,
}

fn shape(body: &str, headers: &[(String, String)]) -> Shape {
    let declared = headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("content-type"));
    match declared {
        Some((_, v)) if v.contains("json") => Shape::Json,
        Some(_) => Shape::Form,
        None if body.trim_start().starts_with(['{', '[']) => Shape::Json,
        None => Shape::Form,
    }
}

/// `template` with the mobile and the text in, each escaped as `escape` writes it.
fn fill(template: &str, mobile: &str, text: &str, escape: impl Fn(&str) -> String) -> String {
    template.replace(SMS_MOBILE, &escape(mobile)).replace(SMS_TEXT, &escape(text))
}

fn json_inner(s: &str) -> String {
    let quoted = serde_json::Value::from(s).to_string();
    quoted[1..quoted.len() - 1].to_owned()
}

/// The text as an SMS carries it: cut to [`MAX_CHARS`], the link kept when it fits.
pub fn short(text: &str, link: &str) -> String {
    let whole = format!("{text} {link}");
    if whole.chars().count() <= MAX_CHARS {
        return whole;
    }
    let room = MAX_CHARS.saturating_sub(link.chars().count() + 2);
    format!("{}… {link}", text.chars().take(room).collect::<String>())
}

/// Texts `text` to each of `c`'s mobiles and `mention`. Stops at the first refusal (the whole
/// message is tried again later; each mobile's request carries its own idempotency key).
pub async fn send(
    client: &reqwest::Client,
    c: &Channel,
    url: &str,
    headers: Option<&str>,
    key: &str,
    text: &str,
    mention: &[String],
) -> Result<(), String> {
    let headers = header_lines(headers.unwrap_or_default())
        .map_err(|_| "the gateway's header lines are not valid".to_owned())?;
    let mut mobiles: Vec<&str> = c.recipients();
    for m in mention {
        if !mobiles.contains(&m.as_str()) {
            mobiles.push(m);
        }
    }
    let total = mobiles.len();
    for (i, mobile) in mobiles.into_iter().enumerate() {
        let address = fill(url, mobile, text, urlencode);
        let mut req = if c.body.is_empty() {
            client.get(&address)
        } else {
            let body = match shape(&c.body, &headers) {
                Shape::Json => fill(&c.body, mobile, text, json_inner),
                Shape::Form => fill(&c.body, mobile, text, urlencode),
            };
            let kind = match shape(&c.body, &headers) {
                Shape::Json => "application/json",
                Shape::Form => "application/x-www-form-urlencoded",
            };
            client.post(&address).header("content-type", kind).body(body)
        };
        req = req.header("idempotency-key", format!("{key}-{}", i + 1));
        for (n, v) in &headers {
            req = req.header(n.as_str(), v.as_str());
        }
        // The error may carry the address, and the address may hold the gateway's key.
        let resp = req.send().await.map_err(|e| {
            let why = if e.is_timeout() { "no answer within 10 s" } else { "could not connect" };
            format!("{why} ({} of {total})", i + 1)
        })?;
        let status = resp.status();
        if !status.is_success() {
            let answer = resp.text().await.unwrap_or_default();
            return Err(format!(
                "HTTP {} ({} of {total}): {}",
                status.as_u16(),
                i + 1,
                answer.chars().take(200).collect::<String>()
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_escaped_for_where_they_stand() {
        let t = "502 发热 \"38.6\" & more";
        assert_eq!(
            fill("{\"to\":\"{mobile}\",\"msg\":\"{text}\"}", "13800138000", t, json_inner),
            "{\"to\":\"13800138000\",\"msg\":\"502 发热 \\\"38.6\\\" & more\"}"
        );
        let q = fill("https://g/send?to={mobile}&m={text}", "+85291234567", "a b&c", urlencode);
        assert_eq!(q, "https://g/send?to=%2B85291234567&m=a+b%26c");
        assert_eq!(shape("{\"a\":1}", &[]), Shape::Json);
        assert_eq!(shape("to={mobile}", &[]), Shape::Form);
        let ct = vec![("Content-Type".to_owned(), "application/json; charset=utf-8".to_owned())];
        assert_eq!(shape("to={mobile}", &ct), Shape::Json);
    }

    #[test]
    fn a_long_text_is_cut_and_keeps_its_link() {
        let s = short(&"发热".repeat(200), "https://yz.cn/alerts/7");
        assert_eq!(s.chars().count(), MAX_CHARS);
        assert!(s.ends_with("… https://yz.cn/alerts/7"), "{s}");
        assert_eq!(short("502 fever", "/a/1"), "502 fever /a/1");
    }
}
