//! Incidents (事故: accidents, security, fire, escape attempts) and complaints (投诉). Both feed
//! the KPI counters: accidents are incidents of kind accident; complaints are every complaint.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, OnField};
use crate::validate::{
    optional_text, parse_choice, parse_int, parse_local_datetime, required_text,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IncidentKind {
    Accident,
    Security,
    Fire,
    EscapeAttempt,
    Other,
}

impl IncidentKind {
    pub const ALL: [IncidentKind; 5] = [
        IncidentKind::Accident,
        IncidentKind::Security,
        IncidentKind::Fire,
        IncidentKind::EscapeAttempt,
        IncidentKind::Other,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentKind::Accident => "accident",
            IncidentKind::Security => "security",
            IncidentKind::Fire => "fire",
            IncidentKind::EscapeAttempt => "escape_attempt",
            IncidentKind::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<IncidentKind> {
        IncidentKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
    pub fn label_key(self) -> &'static str {
        match self {
            IncidentKind::Accident => "incident.kind.accident",
            IncidentKind::Security => "incident.kind.security",
            IncidentKind::Fire => "incident.kind.fire",
            IncidentKind::EscapeAttempt => "incident.kind.escape_attempt",
            IncidentKind::Other => "incident.kind.other",
        }
    }
}
stored_code!(IncidentKind);

#[derive(Debug, Clone, Default, Deserialize)]
pub struct IncidentInput {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub occurred_at: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub injured: String,
    #[serde(default)]
    pub action_taken: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewIncident {
    pub kind: IncidentKind,
    pub occurred_at: DateTime<Utc>,
    pub place: String,
    pub description: String,
    pub injured: i64,
    pub action_taken: Option<String>,
}

pub fn validate_incident(
    i: &IncidentInput,
    now: DateTime<Utc>,
) -> Result<NewIncident, DomainError> {
    let injured = if i.injured.trim().is_empty() {
        0
    } else {
        parse_int(&i.injured, 0, 1000, "0").on("injured")?
    };
    Ok(NewIncident {
        kind: parse_choice(&i.kind, IncidentKind::parse, "accident").on("kind")?,
        occurred_at: parse_local_datetime(&i.occurred_at, now).on("occurred_at")?,
        place: required_text(&i.place, 60).on("place")?,
        description: required_text(&i.description, 2000).on("description")?,
        injured,
        action_taken: optional_text(&i.action_taken, 2000).on("action_taken")?,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintSource {
    Guest,
    Relative,
    Other,
}

impl ComplaintSource {
    pub const ALL: [ComplaintSource; 3] =
        [ComplaintSource::Guest, ComplaintSource::Relative, ComplaintSource::Other];
    pub fn as_str(self) -> &'static str {
        match self {
            ComplaintSource::Guest => "guest",
            ComplaintSource::Relative => "relative",
            ComplaintSource::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<ComplaintSource> {
        ComplaintSource::ALL.into_iter().find(|k| k.as_str() == s)
    }
    pub fn label_key(self) -> &'static str {
        match self {
            ComplaintSource::Guest => "complaint.source.guest",
            ComplaintSource::Relative => "complaint.source.relative",
            ComplaintSource::Other => "complaint.source.other",
        }
    }
}
stored_code!(ComplaintSource);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintStatus {
    Open,
    InProgress,
    Resolved,
}

impl ComplaintStatus {
    pub const ALL: [ComplaintStatus; 3] =
        [ComplaintStatus::Open, ComplaintStatus::InProgress, ComplaintStatus::Resolved];
    pub fn as_str(self) -> &'static str {
        match self {
            ComplaintStatus::Open => "open",
            ComplaintStatus::InProgress => "in_progress",
            ComplaintStatus::Resolved => "resolved",
        }
    }
    pub fn parse(s: &str) -> Option<ComplaintStatus> {
        ComplaintStatus::ALL.into_iter().find(|k| k.as_str() == s)
    }
    pub fn label_key(self) -> &'static str {
        match self {
            ComplaintStatus::Open => "complaint.status.open",
            ComplaintStatus::InProgress => "complaint.status.in_progress",
            ComplaintStatus::Resolved => "complaint.status.resolved",
        }
    }
}
stored_code!(ComplaintStatus);

pub const KEY_COMPLAINT_RESOLVED: &str = "error.complaint_already_resolved";
pub const KEY_COMPLAINT_SAME: &str = "error.complaint_same_status";
pub const KEY_RESOLUTION_NEEDED: &str = "error.complaint_resolution_needed";
pub const KEY_INCIDENT_CLOSED: &str = "error.incident_already_closed";
pub const RULE_KEYS: &[&str] =
    &[KEY_COMPLAINT_RESOLVED, KEY_COMPLAINT_SAME, KEY_RESOLUTION_NEEDED, KEY_INCIDENT_CLOSED];

/// open → in progress → resolved (or open → resolved); a resolved complaint stays resolved, and
/// resolving needs the resolution written down.
pub fn check_complaint_step(
    from: ComplaintStatus,
    to: ComplaintStatus,
    resolution: Option<&str>,
) -> Result<(), DomainError> {
    let rule = |key| DomainError::Rule { field: Some("status"), key };
    if from == ComplaintStatus::Resolved {
        return Err(rule(KEY_COMPLAINT_RESOLVED));
    }
    if from == to {
        return Err(rule(KEY_COMPLAINT_SAME));
    }
    if to == ComplaintStatus::Open {
        return Err(rule(KEY_COMPLAINT_SAME));
    }
    if to == ComplaintStatus::Resolved && resolution.is_none_or(|r| r.trim().is_empty()) {
        return Err(DomainError::Rule { field: Some("resolution"), key: KEY_RESOLUTION_NEEDED });
    }
    Ok(())
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ComplaintInput {
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub complainant: String,
    #[serde(default)]
    pub topic: String,
    #[serde(default)]
    pub detail: String,
    /// Optional: the stay the complaint is about (by id, within the same station).
    #[serde(default)]
    pub stay_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewComplaint {
    pub source: ComplaintSource,
    pub complainant: String,
    pub topic: String,
    pub detail: String,
    pub stay_id: Option<i64>,
}

pub fn validate_complaint(i: &ComplaintInput) -> Result<NewComplaint, DomainError> {
    let stay_id = if i.stay_id.trim().is_empty() {
        None
    } else {
        Some(parse_int(&i.stay_id, 1, i64::MAX, "1").on("stay_id")?)
    };
    Ok(NewComplaint {
        source: parse_choice(&i.source, ComplaintSource::parse, "guest").on("source")?,
        complainant: required_text(&i.complainant, 30).on("complainant")?,
        topic: required_text(&i.topic, 60).on("topic")?,
        detail: required_text(&i.detail, 2000).on("detail")?,
        stay_id,
    })
}

#[cfg(test)]
mod tests {
    use super::ComplaintStatus::*;
    use super::*;

    #[test]
    fn complaint_steps() {
        assert!(check_complaint_step(Open, InProgress, None).is_ok());
        assert!(check_complaint_step(Open, Resolved, Some("已更换餐食")).is_ok());
        assert!(check_complaint_step(InProgress, Resolved, Some("已答复")).is_ok());
        let key = |r: Result<(), DomainError>| match r.unwrap_err() {
            DomainError::Rule { key, .. } => key,
            e => panic!("{e:?}"),
        };
        assert_eq!(key(check_complaint_step(Resolved, InProgress, None)), KEY_COMPLAINT_RESOLVED);
        assert_eq!(key(check_complaint_step(Open, Open, None)), KEY_COMPLAINT_SAME);
        assert_eq!(key(check_complaint_step(InProgress, Open, None)), KEY_COMPLAINT_SAME);
        assert_eq!(key(check_complaint_step(Open, Resolved, Some("  "))), KEY_RESOLUTION_NEEDED);
        assert_eq!(
            check_complaint_step(Open, Resolved, None).unwrap_err().field(),
            Some("resolution")
        );
    }

    #[test]
    fn incidents_validate_field_by_field() {
        let now: DateTime<Utc> = "2026-01-02T12:00:00Z".parse().unwrap();
        let good = IncidentInput {
            kind: "accident".into(),
            occurred_at: "2026-01-02 09:10".into(),
            place: "3楼走廊".into(),
            description: "住客滑倒，左手擦伤".into(),
            injured: "1".into(),
            action_taken: "医疗组处置".into(),
        };
        let n = validate_incident(&good, now).unwrap();
        assert_eq!((n.kind, n.injured), (IncidentKind::Accident, 1));
        assert_eq!(
            validate_incident(&IncidentInput { injured: String::new(), ..good.clone() }, now)
                .unwrap()
                .injured,
            0
        );
        for (f, field) in [
            (IncidentInput { kind: "flood".into(), ..good.clone() }, "kind"),
            (
                IncidentInput { occurred_at: "2026-01-03 09:10".into(), ..good.clone() },
                "occurred_at",
            ),
            (IncidentInput { place: String::new(), ..good.clone() }, "place"),
            (IncidentInput { description: String::new(), ..good.clone() }, "description"),
            (IncidentInput { injured: "-1".into(), ..good.clone() }, "injured"),
        ] {
            assert_eq!(validate_incident(&f, now).unwrap_err().field(), Some(field));
        }
    }

    #[test]
    fn complaints_validate_field_by_field() {
        let good = ComplaintInput {
            source: "relative".into(),
            complainant: "李女士".into(),
            topic: "送物延误".into(),
            detail: "上午送的药下午才收到".into(),
            stay_id: "12".into(),
        };
        assert_eq!(validate_complaint(&good).unwrap().stay_id, Some(12));
        for (f, field) in [
            (ComplaintInput { source: "boss".into(), ..good.clone() }, "source"),
            (ComplaintInput { complainant: String::new(), ..good.clone() }, "complainant"),
            (ComplaintInput { topic: String::new(), ..good.clone() }, "topic"),
            (ComplaintInput { detail: String::new(), ..good.clone() }, "detail"),
            (ComplaintInput { stay_id: "x".into(), ..good.clone() }, "stay_id"),
        ] {
            assert_eq!(validate_complaint(&f).unwrap_err().field(), Some(field));
        }
    }
}
