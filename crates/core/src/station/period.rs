//! A stay's period changed (延长或缩短集中隔离期): the number of days typed, why, checked
//! against the day the stay has reached; who may approve it.

use serde::Deserialize;

use crate::access::Role;
use crate::error::{DomainError, OnField, Refusals};
use crate::validate::{Invalid, parse_int, required_text};

/// The longest centralized period a stay may be given.
pub const MAX_DAYS: i64 = 90;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PeriodInput {
    /// The new length of the centralized period, in days from check-in (day 1).
    #[serde(default)]
    pub days: String,
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodChange {
    pub days: i64,
    pub reason: String,
}

/// Checks a change of a stay whose period is `current` days and which has reached day `today`:
/// a number of days other than the current, not ending before today (a stay cannot have ended
/// yesterday), with a reason; every refusal at once.
pub fn validate_period(
    i: &PeriodInput,
    current: i64,
    today: i64,
) -> Result<PeriodChange, DomainError> {
    let mut r = Refusals::default();
    let days = r.check(parse_int(&i.days, 1, MAX_DAYS, "21").on("days"));
    let reason = r.check(required_text(&i.reason, 200).on("reason"));
    match days {
        Some(d) if d == current => {
            r.refuse(DomainError::Rule { field: Some("days"), key: "error.period_unchanged" })
        }
        Some(d) if d < today => r.refuse(DomainError::Invalid {
            field: "days",
            error: Invalid::OutOfRange { min: today.to_string(), max: MAX_DAYS.to_string() },
        }),
        _ => {}
    }
    r.finish()?;
    match (days, reason) {
        (Some(days), Some(reason)) => Ok(PeriodChange { days, reason }),
        _ => Err(DomainError::Invalid { field: "days", error: Invalid::Empty }),
    }
}

/// The role in which a person approves a change, of those they hold at the station: the lead
/// before the medical group before the command (the most local decides).
pub fn approving_role(roles: &[Role]) -> Option<Role> {
    [Role::StationLead, Role::Medical, Role::Commander].into_iter().find(|r| roles.contains(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(days: &str, reason: &str) -> PeriodInput {
        PeriodInput { days: days.into(), reason: reason.into() }
    }

    #[test]
    fn a_change_needs_new_days_not_ending_in_the_past_and_a_reason() {
        assert_eq!(
            validate_period(&input("21", "同层出现阳性，延长观察"), 14, 5).unwrap(),
            PeriodChange { days: 21, reason: "同层出现阳性，延长观察".into() }
        );
        assert_eq!(validate_period(&input("7", "政策调整"), 14, 7).unwrap().days, 7, "ends today");
        let e = validate_period(&input("14", " "), 14, 5).unwrap_err();
        let fields: Vec<_> = e.each().iter().filter_map(|e| e.field()).collect();
        assert_eq!(fields, ["reason", "days"]);
        assert_eq!(validate_period(&input("4", "x"), 14, 5).unwrap_err().field(), Some("days"));
        for bad in ["0", "91", "abc", ""] {
            assert_eq!(validate_period(&input(bad, "x"), 14, 1).unwrap_err().field(), Some("days"));
        }
    }

    #[test]
    fn the_most_local_role_approves() {
        assert_eq!(approving_role(&[Role::Commander, Role::Medical]), Some(Role::Medical));
        assert_eq!(approving_role(&[Role::Medical, Role::StationLead]), Some(Role::StationLead));
        assert_eq!(approving_role(&[Role::StationStaff]), None);
    }
}
