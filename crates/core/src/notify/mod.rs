//! Alerts that reach people: where a notification goes (a channel: a WeCom, Feishu or DingTalk
//! group robot, a signed webhook, e-mail or SMS), how loud it is, what each channel wants to receive, and
//! when a failed send is tried again. Pure: the outbox (store) keeps the rows and the dispatcher
//! (web) sends them.

pub mod address;
pub mod channel;
pub mod digest;
pub mod escalation;
pub mod payload;
pub mod retry;
pub mod sign;
pub mod subscription;

use crate::care::incident::IncidentKind;
use crate::station::health::AlertReason;

code_enum!(
    /// Where notifications go.
    ChannelKind, "channel.kind.", [
        WeCom => "wecom",
        Feishu => "feishu",
        DingTalk => "dingtalk",
        /// Another system's endpoint, the body signed with HMAC-SHA256.
        Webhook => "webhook",
        /// Mail over SMTP to a list of addresses.
        Email => "email",
        /// Text messages through an SMS gateway's HTTP API, to the people on duty.
        Sms => "sms",
    ]
);

code_enum!(
    /// How loud a notification is; a channel takes those at or above its threshold.
    Severity, "severity.", [
        Critical => "critical",
        Danger => "danger",
        Warning => "warning",
        Info => "info",
    ]
);

impl Severity {
    /// Higher is louder: a channel for `Danger` also gets `Critical`.
    pub fn rank(self) -> u8 {
        match self {
            Severity::Critical => 3,
            Severity::Danger => 2,
            Severity::Warning => 1,
            Severity::Info => 0,
        }
    }

    /// Whether a channel whose threshold is `self` takes a notification of `s`.
    pub fn admits(self, s: Severity) -> bool {
        s.rank() >= self.rank()
    }
}

/// How loud an alert is: a positive test is critical (everyone at once), a fever or symptoms
/// danger.
pub fn severity_of(a: AlertReason) -> Severity {
    match a {
        AlertReason::Positive => Severity::Critical,
        AlertReason::Fever | AlertReason::Symptoms | AlertReason::FeverAndSymptoms => {
            Severity::Danger
        }
    }
}

/// How loud an incident is: a fire, an escape attempt or anyone hurt is critical (everyone at
/// once), any other incident danger.
pub fn severity_of_incident(kind: IncidentKind, injured: i64) -> Severity {
    match kind {
        IncidentKind::Fire | IncidentKind::EscapeAttempt => Severity::Critical,
        _ if injured > 0 => Severity::Critical,
        _ => Severity::Danger,
    }
}

/// Whether a move of stock from `before` to `after` takes it to its minimum or below: the one
/// move that tells the station (later moves while it stays low do not tell it again).
pub fn crosses_low(before: i64, after: i64, low_threshold: i64) -> bool {
    use crate::care::supplies::is_low;
    is_low(after, low_threshold) && !is_low(before, low_threshold)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_incident_is_critical_when_it_burns_runs_or_hurts() {
        assert_eq!(severity_of_incident(IncidentKind::Fire, 0), Severity::Critical);
        assert_eq!(severity_of_incident(IncidentKind::EscapeAttempt, 0), Severity::Critical);
        assert_eq!(severity_of_incident(IncidentKind::Accident, 1), Severity::Critical);
        assert_eq!(severity_of_incident(IncidentKind::Accident, 0), Severity::Danger);
        assert_eq!(severity_of_incident(IncidentKind::Other, 0), Severity::Danger);
    }

    #[test]
    fn stock_tells_once_as_it_reaches_its_minimum() {
        assert!(crosses_low(12, 10, 10));
        assert!(crosses_low(50, 0, 10));
        assert!(!crosses_low(10, 8, 10), "already low");
        assert!(!crosses_low(30, 11, 10), "still above");
        assert!(!crosses_low(5, 40, 10), "stock came in");
    }

    #[test]
    fn a_channel_takes_what_is_at_least_as_loud_as_its_threshold() {
        assert!(Severity::Danger.admits(Severity::Critical));
        assert!(Severity::Danger.admits(Severity::Danger));
        assert!(!Severity::Danger.admits(Severity::Warning));
        assert!(Severity::Info.admits(Severity::Info));
        assert_eq!(severity_of(AlertReason::Positive), Severity::Critical);
        assert_eq!(severity_of(AlertReason::Fever), Severity::Danger);
        assert_eq!(ChannelKind::parse("dingtalk"), Some(ChannelKind::DingTalk));
        assert_eq!(ChannelKind::parse("slack"), None);
    }
}
