//! Alerts that reach people: where a notification goes (a channel: a WeCom, Feishu or DingTalk
//! group robot, or a signed webhook), how loud it is, what each channel wants to receive, and
//! when a failed send is tried again. Pure: the outbox (store) keeps the rows and the dispatcher
//! (web) sends them.

pub mod channel;
pub mod escalation;
pub mod payload;
pub mod retry;
pub mod sign;

use crate::station::health::AlertReason;

code_enum!(
    /// Where notifications go.
    ChannelKind, "channel.kind.", [
        WeCom => "wecom",
        Feishu => "feishu",
        DingTalk => "dingtalk",
        /// Another system's endpoint, the body signed with HMAC-SHA256.
        Webhook => "webhook",
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

#[cfg(test)]
mod tests {
    use super::*;

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
