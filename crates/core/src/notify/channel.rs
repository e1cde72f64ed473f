//! A channel as a person enters it: every field checked, every refusal reported at once.

use serde::Deserialize;

use super::address::{self, MailServer};
use super::{ChannelKind, Severity};
use crate::error::{DomainError, OnField, Refusals};
use crate::validate::{Invalid, optional_text, parse_choice, parse_int, required_text};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ChannelInput {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub secret: String,
    #[serde(default)]
    pub min_severity: String,
    #[serde(default)]
    pub per_minute: String,
    /// E-mail: the addresses it writes to; SMS: mobiles it always texts, besides those on duty.
    #[serde(default)]
    pub recipients: String,
    /// E-mail: the address its mail comes from.
    #[serde(default)]
    pub mail_from: String,
    /// SMS: the body a gateway takes by POST (empty: GET, everything in the address).
    #[serde(default)]
    pub request_body: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidChannel {
    pub kind: ChannelKind,
    pub name: String,
    pub url: String,
    pub secret: Option<String>,
    pub min_severity: Severity,
    pub per_minute: i64,
    pub recipients: Vec<String>,
    pub sender: String,
    pub body: String,
}

/// What an SMS gateway's address and body must name: the mobile and the text.
pub const SMS_MOBILE: &str = "{mobile}";
pub const SMS_TEXT: &str = "{text}";

/// The address as `kind` takes it: a mail server for e-mail, a web address for the rest.
fn address_of(kind: Option<ChannelKind>, s: &str) -> Result<String, Invalid> {
    match kind {
        Some(ChannelKind::Email) => address::mail_server(s).map(|_| s.trim().to_owned()),
        Some(ChannelKind::Sms) => {
            address::web(s, "https://sms.example.cn/send?mobile={mobile}&text={text}")
        }
        _ => address::web(s, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"),
    }
}

/// The mail server a stored e-mail channel's address names.
pub fn mail_server_of(url: &str) -> Result<MailServer, Invalid> {
    address::mail_server(url)
}

/// The secret as `kind` takes it: SMS gateways' header lines, one line for the rest.
fn secret_of(kind: Option<ChannelKind>, s: &str) -> Result<Option<String>, Invalid> {
    match kind {
        Some(ChannelKind::Sms) => {
            if s.chars().count() > 2000 {
                return Err(Invalid::TooLong { max: 2000 });
            }
            let lines = address::header_lines(s)?;
            Ok((!lines.is_empty()).then(|| s.trim().to_owned()))
        }
        _ => optional_text(s, 200),
    }
}

pub fn validate_channel(i: &ChannelInput) -> Result<ValidChannel, DomainError> {
    let mut r = Refusals::default();
    let kind = r.check(parse_choice(&i.kind, ChannelKind::parse, "wecom").on("kind"));
    let name = r.check(required_text(&i.name, 60).on("name"));
    let url = r.check(address_of(kind, &i.url).on("url"));
    let secret = r.check(secret_of(kind, &i.secret).on("secret"));
    let min_severity =
        r.check(parse_choice(&i.min_severity, Severity::parse, "danger").on("min_severity"));
    let per_minute = r.check(parse_int(&i.per_minute, 1, 10_000, "20").on("per_minute"));
    // A DingTalk robot with 加签 refuses unsigned messages; a webhook without a secret cannot
    // prove where its body came from.
    if matches!(kind, Some(ChannelKind::Webhook)) && matches!(secret, Some(None)) {
        r.refuse(DomainError::Rule { field: Some("secret"), key: "error.webhook_needs_secret" });
    }
    let (recipients, sender, body) = match kind {
        Some(ChannelKind::Email) => (
            r.check(address::list_of(&i.recipients, address::email).on("recipients")),
            r.check(address::email(&i.mail_from).on("mail_from")),
            Some(String::new()),
        ),
        Some(ChannelKind::Sms) => {
            let body = r.check(optional_text_lines(&i.request_body, 2000).on("request_body"));
            // The gateway must be told whom to text and what.
            if let (Some(url), Some(body)) = (&url, &body) {
                let names = |p: &str| url.contains(p) || body.contains(p);
                if !names(SMS_MOBILE) || !names(SMS_TEXT) {
                    r.refuse(DomainError::Rule {
                        field: Some("request_body"),
                        key: "error.sms_needs_placeholders",
                    });
                }
            }
            (
                r.check(address::list_of(&i.recipients, address::mobile).on("recipients")),
                Some(String::new()),
                body,
            )
        }
        _ => (Some(vec![]), Some(String::new()), Some(String::new())),
    };
    // An e-mail channel writes to someone; an empty list would send nothing, silently.
    if matches!(kind, Some(ChannelKind::Email)) && recipients.as_ref().is_some_and(Vec::is_empty) {
        r.refuse(DomainError::Invalid { field: "recipients", error: Invalid::Empty });
    }
    r.finish()?;
    // Past `finish` each value is there.
    let accepted = || {
        Some(ValidChannel {
            kind: kind?,
            name: name?,
            url: url?,
            secret: secret?,
            min_severity: min_severity?,
            per_minute: per_minute?,
            recipients: recipients?,
            sender: sender?,
            body: body?,
        })
    };
    accepted().ok_or(DomainError::Invalid { field: "kind", error: Invalid::Empty })
}

/// Text of several lines (a request body), trimmed; blank is empty.
fn optional_text_lines(s: &str, max_chars: usize) -> Result<String, Invalid> {
    let t = s.trim();
    if let Some(c) = t.chars().find(|&c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(Invalid::BadChars { found: c });
    }
    if t.chars().count() > max_chars {
        return Err(Invalid::TooLong { max: max_chars });
    }
    Ok(t.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(kind: &str, url: &str, secret: &str) -> ChannelInput {
        ChannelInput {
            kind: kind.into(),
            name: "医疗组群".into(),
            url: url.into(),
            secret: secret.into(),
            min_severity: "danger".into(),
            per_minute: "20".into(),
            ..Default::default()
        }
    }

    #[test]
    fn good_channels_pass() {
        let c = validate_channel(&input(
            "wecom",
            " https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x ",
            "",
        ))
        .unwrap();
        assert_eq!((c.kind, c.secret, c.per_minute), (ChannelKind::WeCom, None, 20));
        assert!(c.url.starts_with("https://qyapi"));
        let d = validate_channel(&input(
            "dingtalk",
            "https://oapi.dingtalk.com/robot/send?access_token=t",
            "SECx",
        ))
        .unwrap();
        assert_eq!(d.secret.as_deref(), Some("SECx"));
        assert!(validate_channel(&input("webhook", "http://10.0.0.5:8080/in", "k")).is_ok());
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let bad = ChannelInput {
            kind: "slack".into(),
            name: " ".into(),
            url: "ftp://x".into(),
            secret: String::new(),
            min_severity: "loud".into(),
            per_minute: "0".into(),
            ..Default::default()
        };
        let e = validate_channel(&bad).unwrap_err();
        let fields: Vec<_> = e.each().iter().filter_map(|e| e.field()).collect();
        assert_eq!(fields, ["kind", "name", "url", "min_severity", "per_minute"]);
        for url in ["https://", "https:///path", "https://a b", "qyapi.weixin.qq.com/x"] {
            let e = validate_channel(&input("wecom", url, "")).unwrap_err();
            assert_eq!(e.field(), Some("url"), "{url}");
        }
        let e = validate_channel(&input("webhook", "https://x.example/in", "")).unwrap_err();
        assert_eq!(e.field(), Some("secret"));
    }

    #[test]
    fn mail_and_sms_channels_name_whom_they_reach() {
        let mail = ChannelInput {
            recipients: "duty@zhuohui.cn, lead@zhuohui.cn".into(),
            mail_from: "yizhan@zhuohui.cn".into(),
            ..input("email", "smtp://yizhan@zhuohui.cn@smtp.zhuohui.cn", "pw")
        };
        let c = validate_channel(&mail).unwrap();
        assert_eq!(c.recipients, ["duty@zhuohui.cn", "lead@zhuohui.cn"]);
        assert_eq!((c.sender.as_str(), c.secret.as_deref()), ("yizhan@zhuohui.cn", Some("pw")));
        let e = validate_channel(&ChannelInput {
            recipients: String::new(),
            mail_from: "nobody".into(),
            ..input("email", "https://smtp.zhuohui.cn", "")
        })
        .unwrap_err();
        let fields: Vec<_> = e.each().iter().filter_map(|e| e.field()).collect();
        assert_eq!(fields, ["url", "mail_from", "recipients"]);

        let sms = ChannelInput {
            recipients: "13800138000".into(),
            request_body: "{\"phone\":\"{mobile}\",\"content\":\"{text}\"}".into(),
            ..input("sms", "https://sms.example.cn/v1/send", "Authorization: Bearer k\nX-Id: 7")
        };
        let s = validate_channel(&sms).unwrap();
        assert_eq!(s.recipients, ["13800138000"]);
        assert_eq!(s.secret.as_deref(), Some("Authorization: Bearer k\nX-Id: 7"));
        assert!(s.body.contains("{mobile}"));
        let get = input("sms", "https://sms.example.cn/send?to={mobile}&msg={text}", "");
        assert_eq!(validate_channel(&get).unwrap().body, "");
        let e = validate_channel(&ChannelInput {
            recipients: "12345".into(),
            ..input("sms", "https://sms.example.cn/send?to={mobile}", "Bearer k")
        })
        .unwrap_err();
        let fields: Vec<_> = e.each().iter().filter_map(|e| e.field()).collect();
        assert_eq!(fields, ["secret", "request_body", "recipients"]);
        // Robots ignore what only mail and SMS use.
        let w = ChannelInput {
            recipients: "x".into(),
            ..input("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x", "")
        };
        assert_eq!(validate_channel(&w).unwrap().recipients, Vec::<String>::new());
    }
}
