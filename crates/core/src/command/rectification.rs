//! Rectification orders (整改) issued from an inspection's failed items: the responsible unit
//! fixes the finding by a deadline and submits evidence; the inspectors verify and close it
//! (销号) or reopen it. An order past its deadline and not closed is overdue and escalates.

use crate::validate::date::planned_for;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::error::{DomainError, OnField};
use crate::validate::{optional_text, parse_choice, parse_int, required_text};

code_enum!(
    /// How serious a finding is; notices count findings by severity.
    Severity, "rectification.severity.", [
        Minor => "minor",
        Major => "major",
        Critical => "critical",
    ]
);

code_enum!(
    /// Where an order stands.
    Status, "rectification.status.", [
        Open => "open",
        Submitted => "submitted",
        Closed => "closed",
        Reopened => "reopened",
    ]
);

/// What someone does to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The responsible unit reports the fix, with evidence.
    Submit,
    /// The inspectors accept the fix (销号).
    Close,
    /// The inspectors find the fix insufficient.
    Reopen,
}

pub const KEY_WRONG_STATE: &str = "error.rectification_wrong_state";
pub const KEY_DEADLINE_PAST: &str = "error.rectification_deadline_past";
pub const KEY_REOPEN_REASON: &str = "error.rectification_reopen_reason";
pub const KEY_NOT_FAILED: &str = "error.rectification_not_failed";

/// The lifecycle: open/reopened → submitted → closed, or back to reopened.
pub fn next(status: Status, action: Action) -> Result<Status, DomainError> {
    use Action::*;
    use Status::*;
    match (status, action) {
        (Open | Reopened, Submit) => Ok(Submitted),
        (Submitted, Close) => Ok(Closed),
        (Submitted, Reopen) => Ok(Reopened),
        _ => Err(DomainError::Rule { field: None, key: KEY_WRONG_STATE }),
    }
}

/// Not closed and the deadline has passed (the deadline day itself is still in time).
pub fn is_overdue(status: Status, deadline: NaiveDate, today: NaiveDate) -> bool {
    status != Status::Closed && deadline < today
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct OrderInput {
    #[serde(default)]
    pub item_id: String,
    #[serde(default)]
    pub severity: String,
    #[serde(default)]
    pub responsible: String,
    #[serde(default)]
    pub deadline: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder {
    pub item_id: i64,
    pub severity: Severity,
    pub responsible: String,
    pub deadline: NaiveDate,
}

pub fn validate_order(i: &OrderInput, today: NaiveDate) -> Result<NewOrder, DomainError> {
    let deadline = crate::station::guest::parse_date(&i.deadline)
        .and_then(|d| planned_for(d, today))
        .on("deadline")?;
    if deadline < today {
        return Err(DomainError::Rule { field: Some("deadline"), key: KEY_DEADLINE_PAST });
    }
    Ok(NewOrder {
        item_id: parse_int(&i.item_id, 1, i64::MAX, "1").on("item_id")?,
        severity: parse_choice(&i.severity, Severity::parse, "minor").on("severity")?,
        responsible: required_text(&i.responsible, 60).on("responsible")?,
        deadline,
    })
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReplyInput {
    /// What was done (submit), or why it is reopened (reopen); optional when closing.
    #[serde(default)]
    pub text: String,
    /// `close` or `reopen` when verifying.
    #[serde(default)]
    pub decision: String,
}

/// The responsible unit's report of the fix.
pub fn validate_submission(i: &ReplyInput) -> Result<String, DomainError> {
    required_text(&i.text, 1000).on("text")
}

/// The inspectors' verdict: closing may carry a remark, reopening must say why.
pub fn validate_verdict(i: &ReplyInput) -> Result<(Action, Option<String>), DomainError> {
    let action = match i.decision.as_str() {
        "close" => Action::Close,
        "reopen" => Action::Reopen,
        _ => {
            return Err(crate::validate::Invalid::BadFormat { hint: "close" }).on("decision");
        }
    };
    let text = optional_text(&i.text, 1000).on("text")?;
    if action == Action::Reopen && text.is_none() {
        return Err(DomainError::Rule { field: Some("text"), key: KEY_REOPEN_REASON });
    }
    Ok((action, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_lifecycle_allows_only_its_own_steps() {
        use Action::*;
        use Status::*;
        assert_eq!(next(Open, Submit), Ok(Submitted));
        assert_eq!(next(Submitted, Close), Ok(Closed));
        assert_eq!(next(Submitted, Reopen), Ok(Reopened));
        assert_eq!(next(Reopened, Submit), Ok(Submitted));
        for (s, a) in [
            (Open, Close),
            (Open, Reopen),
            (Reopened, Close),
            (Submitted, Submit),
            (Closed, Submit),
            (Closed, Reopen),
            (Closed, Close),
        ] {
            assert!(next(s, a).is_err(), "{s:?} {a:?}");
        }
    }

    #[test]
    fn overdue_means_past_the_deadline_and_not_closed() {
        let today = d("2026-03-10");
        assert!(!is_overdue(Status::Open, d("2026-03-10"), today));
        assert!(is_overdue(Status::Open, d("2026-03-09"), today));
        assert!(is_overdue(Status::Submitted, d("2026-03-01"), today));
        assert!(is_overdue(Status::Reopened, d("2026-03-01"), today));
        assert!(!is_overdue(Status::Closed, d("2026-03-01"), today));
    }

    #[test]
    fn an_order_needs_a_future_deadline_and_a_responsible_unit() {
        let today = d("2026-03-10");
        let good = OrderInput {
            item_id: "3".into(),
            severity: "major".into(),
            responsible: "卓悦驿站 保障组".into(),
            deadline: "2026-03-13".into(),
        };
        let o = validate_order(&good, today).unwrap();
        assert_eq!((o.item_id, o.severity), (3, Severity::Major));
        let past = OrderInput { deadline: "2026-03-09".into(), ..good.clone() };
        assert_eq!(validate_order(&past, today).unwrap_err().field(), Some("deadline"));
        let nobody = OrderInput { responsible: " ".into(), ..good.clone() };
        assert_eq!(validate_order(&nobody, today).unwrap_err().field(), Some("responsible"));
        let severity = OrderInput { severity: "huge".into(), ..good };
        assert_eq!(validate_order(&severity, today).unwrap_err().field(), Some("severity"));
    }

    #[test]
    fn reopening_needs_a_reason_closing_does_not() {
        let close = ReplyInput { decision: "close".into(), text: String::new() };
        assert_eq!(validate_verdict(&close), Ok((Action::Close, None)));
        let reopen = ReplyInput { decision: "reopen".into(), text: String::new() };
        assert_eq!(validate_verdict(&reopen).unwrap_err().field(), Some("text"));
        let bad = ReplyInput { decision: "maybe".into(), text: "x".into() };
        assert_eq!(validate_verdict(&bad).unwrap_err().field(), Some("decision"));
        assert!(validate_submission(&ReplyInput::default()).is_err());
    }
}
