//! What a person wants to hear in the app (订阅): from which severity up, for which of their
//! stations or streets, and quiet hours in which only danger still pops up. A person sets their
//! own; until they do, their role's default holds.

use serde::Deserialize;

use super::Severity;
use crate::access::Role;
use crate::error::{DomainError, OnField, Refusals};
use crate::validate::{Invalid, parse_choice};

/// A person's settings, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subscription {
    pub min_severity: Severity,
    /// Narrowed to one station or one street (within what the person reads), or all of it.
    pub station_id: Option<i64>,
    pub street_id: Option<i64>,
    /// Minutes after local midnight; both or neither. A span that wraps midnight (22:00–07:00)
    /// is the night.
    pub quiet: Option<(u32, u32)>,
}

/// The default for someone with these roles: a station's people hear warnings too (a supply at
/// its minimum is theirs to fix); the command hears danger and up; nobody is quiet.
pub fn default_for(roles: &[Role]) -> Subscription {
    let station = roles.iter().any(|r| {
        matches!(
            r,
            Role::StationLead | Role::StationStaff | Role::Medical | Role::Counsellor | Role::Admin
        )
    });
    Subscription {
        min_severity: if station { Severity::Warning } else { Severity::Danger },
        station_id: None,
        street_id: None,
        quiet: None,
    }
}

/// Whether local minute `now` (0..1440) lies in the quiet span `[from, to)`.
pub fn in_quiet(quiet: Option<(u32, u32)>, now: u32) -> bool {
    match quiet {
        None => false,
        Some((from, to)) if from <= to => from <= now && now < to,
        Some((from, to)) => now >= from || now < to,
    }
}

/// Whether an item of `severity` pops up on the person's screen at local minute `now`: at or
/// above their threshold, and in quiet hours only danger and critical — quiet never silences
/// danger.
pub fn pops_up(s: &Subscription, severity: Severity, now: u32) -> bool {
    s.min_severity.admits(severity)
        && (!in_quiet(s.quiet, now) || Severity::Danger.admits(severity))
}

/// "22:30" as minutes after midnight.
fn clock(s: &str) -> Result<u32, Invalid> {
    let t = s.trim();
    if t.is_empty() {
        return Err(Invalid::Empty);
    }
    let bad = || Invalid::BadFormat { hint: "22:00" };
    let (h, m) = t.split_once(':').ok_or_else(bad)?;
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 23 || m > 59 || m.to_string().len() > 2 || t.len() > 5 {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// "08:05" from minutes after midnight.
pub fn clock_text(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct SubscriptionInput {
    #[serde(default)]
    pub min_severity: String,
    /// "station:7", "street:2" or "" (all the person reads).
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub quiet_from: String,
    #[serde(default)]
    pub quiet_to: String,
}

/// Checks the form, every refusal at once. `may` says whether the person reads a station
/// (`true`) or street (`false`) of that id.
pub fn validate_subscription(
    i: &SubscriptionInput,
    may: impl Fn(bool, i64) -> bool,
) -> Result<Subscription, DomainError> {
    let mut r = Refusals::default();
    let min_severity =
        r.check(parse_choice(&i.min_severity, Severity::parse, "warning").on("min_severity"));
    let scope = match i.scope.trim().split_once(':') {
        None if i.scope.trim().is_empty() => Some((None, None)),
        Some(("station", id)) => {
            id.parse().ok().filter(|id| may(true, *id)).map(|id| (Some(id), None))
        }
        Some(("street", id)) => {
            id.parse().ok().filter(|id| may(false, *id)).map(|id| (None, Some(id)))
        }
        _ => None,
    };
    if scope.is_none() {
        r.refuse(DomainError::Rule { field: Some("scope"), key: "error.subscription_scope" });
    }
    let quiet = match (i.quiet_from.trim().is_empty(), i.quiet_to.trim().is_empty()) {
        (true, true) => Some(None),
        _ => {
            let from = r.check(clock(&i.quiet_from).on("quiet_from"));
            let to = r.check(clock(&i.quiet_to).on("quiet_to"));
            match (from, to) {
                (Some(f), Some(t)) if f == t => {
                    r.refuse(DomainError::Rule {
                        field: Some("quiet_to"),
                        key: "error.quiet_same_time",
                    });
                    None
                }
                (Some(f), Some(t)) => Some(Some((f, t))),
                _ => None,
            }
        }
    };
    r.finish()?;
    let ((station_id, street_id), quiet, min_severity) = (
        scope.unwrap_or_default(),
        quiet.unwrap_or_default(),
        min_severity.unwrap_or(Severity::Warning),
    );
    Ok(Subscription { min_severity, station_id, street_id, quiet })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(sev: &str, scope: &str, from: &str, to: &str) -> SubscriptionInput {
        SubscriptionInput {
            min_severity: sev.into(),
            scope: scope.into(),
            quiet_from: from.into(),
            quiet_to: to.into(),
        }
    }

    #[test]
    fn quiet_hours_wrap_midnight_and_never_silence_danger() {
        let night = Some((22 * 60, 7 * 60));
        assert!(in_quiet(night, 23 * 60));
        assert!(in_quiet(night, 3 * 60));
        assert!(!in_quiet(night, 7 * 60));
        assert!(!in_quiet(night, 12 * 60));
        let lunch = Some((12 * 60, 13 * 60));
        assert!(in_quiet(lunch, 12 * 60 + 30) && !in_quiet(lunch, 13 * 60));
        let s = Subscription {
            min_severity: Severity::Warning,
            station_id: None,
            street_id: None,
            quiet: night,
        };
        assert!(pops_up(&s, Severity::Warning, 12 * 60));
        assert!(!pops_up(&s, Severity::Warning, 3 * 60), "a warning waits for the morning");
        assert!(pops_up(&s, Severity::Danger, 3 * 60), "a fever at 3 a.m. still pops up");
        assert!(pops_up(&s, Severity::Critical, 3 * 60));
        assert!(!pops_up(&s, Severity::Info, 12 * 60), "below the threshold");
    }

    #[test]
    fn roles_start_from_their_own_threshold() {
        assert_eq!(default_for(&[Role::Medical]).min_severity, Severity::Warning);
        assert_eq!(default_for(&[Role::Commander]).min_severity, Severity::Danger);
        assert_eq!(
            default_for(&[Role::Viewer, Role::StationStaff]).min_severity,
            Severity::Warning
        );
    }

    #[test]
    fn the_form_is_read_with_every_refusal_at_once() {
        let may = |station: bool, id: i64| station && id == 7;
        let ok =
            validate_subscription(&input("danger", "station:7", "22:00", "07:30"), may).unwrap();
        assert_eq!(ok.quiet, Some((1320, 450)));
        assert_eq!((ok.station_id, ok.min_severity), (Some(7), Severity::Danger));
        let none = validate_subscription(&input("info", "", "", ""), may).unwrap();
        assert_eq!((none.quiet, none.station_id, none.street_id), (None, None, None));
        let e = validate_subscription(&input("loud", "station:8", "25:00", ""), may).unwrap_err();
        let fields: Vec<_> = e.each().iter().map(|x| x.field()).collect();
        assert_eq!(
            fields,
            [Some("min_severity"), Some("scope"), Some("quiet_from"), Some("quiet_to")]
        );
        let e =
            validate_subscription(&input("info", "street:7", "08:00", "08:00"), may).unwrap_err();
        let fields: Vec<_> = e.each().iter().map(|x| x.field()).collect();
        assert_eq!(fields, [Some("scope"), Some("quiet_to")]);
        assert_eq!(clock_text(450), "07:30");
    }
}
