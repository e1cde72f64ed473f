//! A channel as a person enters it: every field checked, every refusal reported at once.

use serde::Deserialize;

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
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidChannel {
    pub kind: ChannelKind,
    pub name: String,
    pub url: String,
    pub secret: Option<String>,
    pub min_severity: Severity,
    pub per_minute: i64,
}

/// An address a robot or a system listens at: `https://` (or `http://` inside a private
/// network), a host, no spaces, at most 1,000 characters.
fn address(s: &str) -> Result<String, Invalid> {
    let t = required_text(s, 1000)?;
    let rest = t.strip_prefix("https://").or_else(|| t.strip_prefix("http://"));
    match rest {
        Some(r) if !r.is_empty() && !r.starts_with('/') && !t.contains(char::is_whitespace) => {
            Ok(t)
        }
        _ => Err(Invalid::BadFormat {
            hint: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…",
        }),
    }
}

pub fn validate_channel(i: &ChannelInput) -> Result<ValidChannel, DomainError> {
    let mut r = Refusals::default();
    let kind = r.check(parse_choice(&i.kind, ChannelKind::parse, "wecom").on("kind"));
    let name = r.check(required_text(&i.name, 60).on("name"));
    let url = r.check(address(&i.url).on("url"));
    let secret = r.check(optional_text(&i.secret, 200).on("secret"));
    let min_severity =
        r.check(parse_choice(&i.min_severity, Severity::parse, "danger").on("min_severity"));
    let per_minute = r.check(parse_int(&i.per_minute, 1, 10_000, "20").on("per_minute"));
    // A DingTalk robot with 加签 refuses unsigned messages; a webhook without a secret cannot
    // prove where its body came from.
    if matches!(kind, Some(ChannelKind::Webhook)) && matches!(secret, Some(None)) {
        r.refuse(DomainError::Rule { field: Some("secret"), key: "error.webhook_needs_secret" });
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
        })
    };
    accepted().ok_or(DomainError::Invalid { field: "kind", error: Invalid::Empty })
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
}
