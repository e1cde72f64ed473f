//! The body each channel takes. A group robot reads `msgtype` text with a content of at most
//! 2,048 bytes (WeCom) and may @ the person on duty by mobile number; a webhook for another
//! system gets the fields and an id to recognise a repeat.

use serde_json::{Value, json};

use super::ChannelKind;

/// The longest content a group robot accepts, in bytes of UTF-8.
pub const MAX_CONTENT: usize = 2048;

/// `s` cut to at most `max` bytes on a character boundary, with "…" when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max.saturating_sub('…'.len_utf8());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// What a notification says, before a channel shapes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Message<'a> {
    /// The notification's own id, stable across retries: a receiver that keeps it sees a repeat.
    pub key: &'a str,
    pub severity: super::Severity,
    pub text: &'a str,
    /// Where to open the alert (an absolute address when the deployment has one).
    pub link: &'a str,
    /// Mobile numbers to @ in the group (the person on duty); never written into the text.
    pub mention: &'a [String],
}

/// The JSON body for `kind`.
pub fn body(kind: ChannelKind, m: &Message) -> Value {
    let content = truncate(&format!("{}\n{}", m.text, m.link), MAX_CONTENT);
    match kind {
        ChannelKind::WeCom => json!({
            "msgtype": "text",
            "text": { "content": content, "mentioned_mobile_list": m.mention },
        }),
        ChannelKind::DingTalk => json!({
            "msgtype": "text",
            "text": { "content": content },
            "at": { "atMobiles": m.mention, "isAtAll": false },
        }),
        ChannelKind::Feishu => json!({ "msg_type": "text", "content": { "text": content } }),
        // Mail and SMS are shaped by their own senders; this is what another system reads.
        ChannelKind::Webhook | ChannelKind::Email | ChannelKind::Sms => json!({
            "id": m.key,
            "severity": m.severity.as_str(),
            "text": m.text,
            "link": m.link,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::Severity;

    fn msg<'a>(text: &'a str, mention: &'a [String]) -> Message<'a> {
        Message {
            key: "n-7",
            severity: Severity::Danger,
            text,
            link: "https://x/alerts/7",
            mention,
        }
    }

    #[test]
    fn each_channel_gets_its_own_shape() {
        let at = vec!["13800138000".to_owned()];
        let w = body(ChannelKind::WeCom, &msg("502 fever", &at));
        assert_eq!(w["msgtype"], "text");
        assert_eq!(w["text"]["content"], "502 fever\nhttps://x/alerts/7");
        assert_eq!(w["text"]["mentioned_mobile_list"][0], "13800138000");
        let d = body(ChannelKind::DingTalk, &msg("502 fever", &at));
        assert_eq!(d["at"]["atMobiles"][0], "13800138000");
        let f = body(ChannelKind::Feishu, &msg("502 fever", &[]));
        assert_eq!(f["msg_type"], "text");
        let h = body(ChannelKind::Webhook, &msg("502 fever", &[]));
        assert_eq!((h["id"].as_str(), h["severity"].as_str()), (Some("n-7"), Some("danger")));
    }

    #[test]
    fn content_is_cut_to_2048_bytes_on_a_character() {
        let long = "发热".repeat(800); // 4,800 bytes
        let w = body(ChannelKind::WeCom, &msg(&long, &[]));
        let c = w["text"]["content"].as_str().unwrap();
        assert!(c.len() <= MAX_CONTENT, "{}", c.len());
        assert!(c.ends_with('…'));
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcd", 3).len(), 3);
        assert_eq!(truncate("ab发", 4), "a…");
    }
}
