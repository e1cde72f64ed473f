//! Counselling (心理咨询, 心理调适): sessions with a guest and the risk the counsellor judged.
//! The notes are confidential: only counsellors read them (`Permission::CounselNotes`).

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, OnField};
use crate::validate::{parse_choice, parse_int, parse_local_datetime, required_text};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    Low,
    Medium,
    High,
}

impl Risk {
    pub const ALL: [Risk; 3] = [Risk::Low, Risk::Medium, Risk::High];
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Low => "low",
            Risk::Medium => "medium",
            Risk::High => "high",
        }
    }
    pub fn parse(s: &str) -> Option<Risk> {
        Risk::ALL.into_iter().find(|k| k.as_str() == s)
    }
    pub fn label_key(self) -> &'static str {
        match self {
            Risk::Low => "counselling.risk.low",
            Risk::Medium => "counselling.risk.medium",
            Risk::High => "counselling.risk.high",
        }
    }
}
stored_code!(Risk);

#[derive(Debug, Clone, Default, Deserialize)]
pub struct SessionInput {
    #[serde(default)]
    pub held_at: String,
    #[serde(default)]
    pub minutes: String,
    #[serde(default)]
    pub risk: String,
    #[serde(default)]
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    pub held_at: DateTime<Utc>,
    pub minutes: i64,
    pub risk: Risk,
    pub notes: String,
}

pub fn validate_session(i: &SessionInput, now: DateTime<Utc>) -> Result<NewSession, DomainError> {
    Ok(NewSession {
        held_at: parse_local_datetime(&i.held_at, now).on("held_at")?,
        minutes: parse_int(&i.minutes, 1, 480, "30").on("minutes")?,
        risk: parse_choice(&i.risk, Risk::parse, "low").on("risk")?,
        notes: required_text(&i.notes, 4000).on("notes")?,
    })
}

/// A guest's current risk is the one judged at their latest session: a high risk that a later
/// session lowered no longer puts them in key attention.
pub fn current_risk<'a>(
    sessions: impl IntoIterator<Item = (&'a DateTime<Utc>, Risk)>,
) -> Option<Risk> {
    sessions.into_iter().max_by_key(|(at, _)| **at).map(|(_, r)| r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_validate_field_by_field() {
        let now: DateTime<Utc> = "2026-01-02T12:00:00Z".parse().unwrap();
        let good = SessionInput {
            held_at: "2026-01-02 09:00".into(),
            minutes: "45".into(),
            risk: "high".into(),
            notes: "睡眠差，担心家人".into(),
        };
        let s = validate_session(&good, now).unwrap();
        assert_eq!(s.risk, Risk::High);
        assert_eq!(s.minutes, 45);
        for (f, field) in [
            (SessionInput { held_at: "昨天".into(), ..good.clone() }, "held_at"),
            (SessionInput { minutes: "0".into(), ..good.clone() }, "minutes"),
            (SessionInput { minutes: "481".into(), ..good.clone() }, "minutes"),
            (SessionInput { risk: "severe".into(), ..good.clone() }, "risk"),
            (SessionInput { notes: " ".into(), ..good.clone() }, "notes"),
        ] {
            assert_eq!(validate_session(&f, now).unwrap_err().field(), Some(field));
        }
    }

    #[test]
    fn the_latest_session_decides() {
        let a: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
        let b: DateTime<Utc> = "2026-01-02T00:00:00Z".parse().unwrap();
        assert_eq!(current_risk([(&b, Risk::Low), (&a, Risk::High)]), Some(Risk::Low));
        assert_eq!(current_risk([(&a, Risk::Low), (&b, Risk::High)]), Some(Risk::High));
        assert_eq!(current_risk([]), None);
    }
}
