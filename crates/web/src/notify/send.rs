//! One notification to one channel over HTTP: the body the channel takes, DingTalk's signed
//! address, a webhook's signature header, and the answer read as the robots write it (HTTP 200
//! with `errcode` 0; Feishu says `code`).

use std::time::Duration;

use yizhan_core::care::incident::IncidentKind;
use yizhan_core::notify::digest::compose;
use yizhan_core::notify::payload::{Message, body};
use yizhan_core::notify::{ChannelKind, Severity, sign};
use yizhan_core::station::health::AlertReason;
use yizhan_store::notify::channels::Channel;
use yizhan_store::notify::outbox::Notification;

use crate::i18n::Tr;
use crate::notify::{mail, seal, sms};
use crate::policy::urlencode;
use crate::state::WebConfig;

/// Chooses rustls's cryptography for the process, before any HTTP client is made (reqwest is
/// built without one; a second choice is refused, and that is fine). ring, deprecated in rustls
/// for want of post-quantum key exchange, because the alternative (aws-lc) needs cmake to build,
/// and the robots speak classical TLS anyway.
pub fn install_tls() {
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// An HTTP client for the channels: TLS with the system's roots, a short timeout (a robot that
/// does not answer in 10 s is tried again later, not waited for).
pub fn client() -> reqwest::Client {
    install_tls();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .connect_timeout(Duration::from_secs(5))
        .build()
        .unwrap_or_default()
}

/// What a notification says, in Chinese (the group's language): the station, the room or place
/// and what happened — never a name, an ID number or a phone.
pub fn text(tr: &Tr, n: &Notification) -> String {
    let facts: serde_json::Value = serde_json::from_str(&n.facts).unwrap_or_default();
    say(tr, &n.source, n.severity, &facts)
}

/// What an event of `source` says, from its facts (a notification's, or the centre's item's).
pub fn say(tr: &Tr, source: &str, severity: Severity, facts: &serde_json::Value) -> String {
    let s = |k: &str| match &facts[k] {
        serde_json::Value::String(v) => v.clone(),
        serde_json::Value::Null => String::new(),
        v => v.to_string(),
    };
    let at = chrono::DateTime::parse_from_rfc3339(&s("at"))
        .map(|t| yizhan_core::time::local_format(t.with_timezone(&chrono::Utc), "%m-%d %H:%M"))
        .unwrap_or_default();
    let loud = tr.t(severity.label_key());
    match source {
        "incident" => {
            let what = IncidentKind::parse(&s("kind"))
                .map(|k| tr.t(k.label_key()).to_owned())
                .unwrap_or_else(|| s("kind"));
            tr.f(
                "notify.incident",
                &[
                    ("severity", loud),
                    ("station", &s("station")),
                    ("what", &what),
                    ("place", &s("place")),
                    ("injured", &s("injured")),
                    ("at", &at),
                ],
            )
        }
        "supply" => tr.f(
            "notify.supply_low",
            &[
                ("severity", loud),
                ("station", &s("station")),
                ("item", &s("item")),
                ("stock", &s("stock")),
                ("unit", &s("unit")),
                ("low", &s("low")),
            ],
        ),
        "counselling" => tr.f(
            "notify.psych_risk",
            &[("severity", loud), ("station", &s("station")), ("room", &s("room"))],
        ),
        "rectification" => tr.f(
            "notify.rectification_overdue",
            &[
                ("severity", loud),
                ("station", &s("station")),
                ("finding", &s("finding")),
                ("deadline", &s("deadline")),
                ("days", &s("days")),
            ],
        ),
        "directive" => tr.f(
            "notify.directive_overdue",
            &[
                ("severity", loud),
                ("station", &s("station")),
                ("title", &s("title")),
                ("deadline", &s("deadline")),
                ("days", &s("days")),
            ],
        ),
        "room" => tr.f(
            "notify.room_waiting",
            &[
                ("severity", loud),
                ("station", &s("station")),
                ("room", &s("room")),
                ("hours", &s("hours")),
            ],
        ),
        "round" => {
            let slot = yizhan_core::station::health::Slot::parse(&s("slot"))
                .map(|x| tr.t(x.label_key()).to_owned())
                .unwrap_or_default();
            tr.f(
                "notify.round_missed",
                &[
                    ("severity", loud),
                    ("station", &s("station")),
                    ("day", &s("day")),
                    ("slot", &slot),
                    ("count", &s("count")),
                    ("rooms", &s("rooms")),
                ],
            )
        }
        "sampling" => tr.f(
            "notify.sampling_missed",
            &[
                ("severity", loud),
                ("station", &s("station")),
                ("day", &s("day")),
                ("count", &s("count")),
                ("rooms", &s("rooms")),
            ],
        ),
        "report" => {
            let missing: Vec<&str> = facts["missing"]
                .as_array()
                .map(|a| a.iter().filter_map(|k| k.as_str()).map(|k| tr.t(k)).collect())
                .unwrap_or_default();
            tr.f(
                "notify.report_incomplete",
                &[
                    ("severity", loud),
                    ("station", &s("station")),
                    ("day", &s("day")),
                    ("missing", &missing.join(tr.t("punct.list_sep"))),
                ],
            )
        }
        "import" => {
            let why = match s("failure") {
                f if f.is_empty() => tr.f("notify.import_refused", &[("bad", &s("bad"))]),
                f => f,
            };
            tr.f("notify.import_failed", &[("severity", loud), ("file", &s("file")), ("why", &why)])
        }
        "case" if facts["escalated"].as_bool() == Some(true) => tr.f(
            "notify.case_escalated",
            &[("severity", loud), ("station", &s("station")), ("room", &s("room"))],
        ),
        "case" => {
            let step = yizhan_core::station::case::Step::parse(&s("step"))
                .map(|x| tr.t(x.label_key()).to_owned())
                .unwrap_or_default();
            tr.f(
                "notify.case_overdue",
                &[
                    ("severity", loud),
                    ("station", &s("station")),
                    ("room", &s("room")),
                    ("step", &step),
                    ("due", &s("due")),
                ],
            )
        }
        "transfer" => tr.f(
            if facts["refused"].as_bool() == Some(true) {
                "notify.transfer_refused"
            } else {
                "notify.transfer_redirected"
            },
            &[("severity", loud), ("station", &s("station")), ("reason", &s("reason"))],
        ),
        "trip" => match facts["late"].as_bool() {
            Some(true) => tr.f(
                "notify.trip_late",
                &[
                    ("severity", loud),
                    ("station", &s("station")),
                    ("room", &s("room")),
                    ("port", &s("port")),
                    ("expected", &s("expected")),
                ],
            ),
            _ => tr.f(
                "notify.trip_untested",
                &[
                    ("severity", loud),
                    ("station", &s("station")),
                    ("room", &s("room")),
                    ("day", &s("day")),
                ],
            ),
        },
        "home" => match facts["kind"].as_str() {
            Some(kind) => {
                let what = AlertReason::parse(kind)
                    .map(|k| tr.t(k.label_key()).to_owned())
                    .unwrap_or_else(|| kind.to_owned());
                tr.f(
                    "notify.home_concern",
                    &[
                        ("severity", loud),
                        ("street", &s("street")),
                        ("station", &s("station")),
                        ("what", &what),
                        ("day", &s("day")),
                    ],
                )
            }
            None => tr.f(
                "notify.home_missed",
                &[
                    ("severity", loud),
                    ("street", &s("street")),
                    ("station", &s("station")),
                    ("day", &s("day")),
                    ("count", &s("count")),
                ],
            ),
        },
        "guest" => {
            let what = yizhan_core::station::guest_request::RequestKind::parse(&s("kind"))
                .map(|k| tr.t(k.label_key()).to_owned())
                .unwrap_or_else(|| s("kind"));
            let group = match s("group") {
                g if g.is_empty() => tr.t("request.whole_station").to_owned(),
                g => g,
            };
            let key = if facts["late"].as_bool() == Some(true) {
                "notify.request_late"
            } else {
                "notify.request_new"
            };
            tr.f(
                key,
                &[
                    ("severity", loud),
                    ("station", &s("station")),
                    ("room", &s("room")),
                    ("what", &what),
                    ("group", &group),
                    ("due", &s("due")),
                ],
            )
        }
        // What the failed channel could not say, said by the others.
        "channel" => tr.f(
            "notify.channel_given_up",
            &[
                ("severity", loud),
                ("channel", &s("channel")),
                ("what", &say(tr, &s("failed_source"), severity, facts)),
            ],
        ),
        _ => alert_text(tr, severity, facts, &at),
    }
}

fn alert_text(tr: &Tr, severity: Severity, facts: &serde_json::Value, at: &str) -> String {
    let s = |k: &str| facts[k].as_str().unwrap_or_default().to_owned();
    let what = AlertReason::parse(&s("kind"))
        .map(|k| tr.t(k.label_key()).to_owned())
        .unwrap_or_else(|| s("kind"));
    let raised = tr.f(
        "notify.alert_raised",
        &[
            ("severity", tr.t(severity.label_key())),
            ("station", &s("station")),
            ("room", &s("room")),
            ("what", &what),
            ("detail", &crate::station::health::detail_words(&s("detail"), tr)),
            ("at", at),
        ],
    );
    // A later level says why it is there: nobody has acknowledged the alert for so long.
    match facts["level"].as_i64() {
        Some(level) if level > 0 => {
            let minutes = facts["after"].as_i64().unwrap_or_default().to_string();
            format!(
                "{}{raised}",
                tr.f("notify.escalated", &[("level", &level.to_string()), ("minutes", &minutes)])
            )
        }
        _ => raised,
    }
}

/// The mobile numbers a notification @-mentions (the people on duty its level reaches).
fn mention(facts: &serde_json::Value) -> Vec<String> {
    facts["mention"]
        .as_array()
        .map(|a| a.iter().filter_map(|m| m.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// Sends `n` to `c`. Err says why, for the outbox's record (no secret in it).
pub async fn send(
    client: &reqwest::Client,
    config: &WebConfig,
    c: &Channel,
    n: &Notification,
    tr: &Tr,
) -> Result<(), String> {
    let facts = serde_json::from_str::<serde_json::Value>(&n.facts).unwrap_or_default();
    let link = facts["link"].as_str().unwrap_or("/").to_owned();
    let key = format!("yizhan-notification-{}", n.id);
    let m = Outgoing { key: &key, severity: n.severity, text: &text(tr, n), path: &link };
    deliver(client, config, c, &m, &mention(&facts)).await
}

/// Sends `batch` to `c` as one digest message: a head saying how many, a line for each while
/// they fit, the count of the rest, and the link to the notification centre; every mobile any of
/// them @-mentions is @-mentioned once.
pub async fn send_digest(
    client: &reqwest::Client,
    config: &WebConfig,
    c: &Channel,
    batch: &[Notification],
    tr: &Tr,
) -> Result<(), String> {
    let count = batch.len().to_string();
    let head = tr.f("notify.digest", &[("count", &count)]);
    let lines: Vec<String> = batch.iter().map(|n| text(tr, n)).collect();
    let all = compose(&head, &lines, |n| tr.f("notify.digest_more", &[("count", &n.to_string())]));
    let severity =
        batch.iter().map(|n| n.severity).max_by_key(|s| s.rank()).unwrap_or(Severity::Info);
    let mut mentioned: Vec<String> = Vec::new();
    for n in batch {
        let facts = serde_json::from_str::<serde_json::Value>(&n.facts).unwrap_or_default();
        for m in mention(&facts) {
            if !mentioned.contains(&m) {
                mentioned.push(m);
            }
        }
    }
    let key = format!("yizhan-digest-{}", batch.first().map(|n| n.id).unwrap_or_default());
    let out = Outgoing { key: &key, severity, text: &all, path: "/inbox" };
    deliver(client, config, c, &out, &mentioned).await
}

/// A message before its channel shapes it: its key (a receiver sees a repeat by it), how loud,
/// what it says and the path to open.
#[derive(Debug, Clone, Copy)]
pub struct Outgoing<'a> {
    pub key: &'a str,
    pub severity: yizhan_core::notify::Severity,
    pub text: &'a str,
    pub path: &'a str,
}

/// Delivers one message to `c` (a notification, or the test a person asks for): the body the
/// channel takes, its signature, the answer read as the channel writes it.
pub async fn deliver(
    client: &reqwest::Client,
    config: &WebConfig,
    c: &Channel,
    out: &Outgoing<'_>,
    mention: &[String],
) -> Result<(), String> {
    let Outgoing { key: key_id, severity, text, path } = *out;
    let key = config.secret_key.as_ref();
    let mut url = seal::open(key, &c.url_sealed)
        .map_err(|_| "the channel's address does not open".to_owned())?;
    let secret = match &c.secret_sealed {
        Some(s) => {
            Some(seal::open(key, s).map_err(|_| "the channel's secret does not open".to_owned())?)
        }
        None => None,
    };
    let link =
        format!("{}{path}", config.public_url.as_deref().unwrap_or_default().trim_end_matches('/'));
    match c.kind {
        ChannelKind::Email => {
            return mail::send(config, c, &url, secret.as_deref(), key_id, text, &link).await;
        }
        ChannelKind::Sms => {
            let short = sms::short(text, &link);
            return sms::send(client, c, &url, secret.as_deref(), key_id, &short, mention).await;
        }
        _ => {}
    }
    let m = Message { key: key_id, severity, text, link: &link, mention };
    let payload = body(c.kind, &m);
    let bytes = serde_json::to_vec(&payload).map_err(|e| e.to_string())?;
    let now = yizhan_store::db::now();
    if let (ChannelKind::DingTalk, Some(secret)) = (c.kind, &secret) {
        let ts = now.timestamp_millis();
        let sep = if url.contains('?') { '&' } else { '?' };
        url = format!("{url}{sep}timestamp={ts}&sign={}", urlencode(&sign::dingtalk(secret, ts)));
    }
    let mut req = client
        .post(&url)
        .header("content-type", "application/json")
        .header("idempotency-key", key_id);
    if let (ChannelKind::Webhook, Some(secret)) = (c.kind, &secret) {
        req = req.header("x-yizhan-signature", sign::webhook(secret, now.timestamp(), &bytes));
    }
    let resp = req.body(bytes).send().await.map_err(|e| {
        // The error may carry the address, and the address holds the robot's key.
        if e.is_timeout() {
            "no answer within 10 s".to_owned()
        } else {
            "could not connect".to_owned()
        }
    })?;
    let status = resp.status();
    let answer = resp.text().await.unwrap_or_default();
    if !status.is_success() {
        return Err(format!(
            "HTTP {}: {}",
            status.as_u16(),
            answer.chars().take(200).collect::<String>()
        ));
    }
    if c.kind == ChannelKind::Webhook {
        return Ok(());
    }
    // Robots answer 200 and say in the body whether they took it (WeCom 45009: too many).
    let v: serde_json::Value = serde_json::from_str(&answer).unwrap_or_default();
    let code = v.get("errcode").or_else(|| v.get("code")).and_then(|c| c.as_i64()).unwrap_or(0);
    if code == 0 {
        Ok(())
    } else {
        let msg = v.get("errmsg").or_else(|| v.get("msg")).and_then(|m| m.as_str()).unwrap_or("");
        Err(format!("errcode {code}: {}", msg.chars().take(200).collect::<String>()))
    }
}
