//! A cross-border driver's trip (出车): the plate, the port, where to and within how many hours
//! back; a violation the lead records and what it proposes for the driver's exemption.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::error::{DomainError, OnField, Refusals};
use crate::validate::{Invalid, parse_hk_plate, parse_int, parse_plate, required_text};

/// The longest a driver may be out on one run.
pub const MAX_HOURS: i64 = 72;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct TripInput {
    #[serde(default)]
    pub plate: String,
    /// 口岸: the crossing (皇岗, 深圳湾 …).
    #[serde(default)]
    pub port: String,
    #[serde(default)]
    pub destination: String,
    /// Back within this many hours.
    #[serde(default)]
    pub hours: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTrip {
    pub plate: String,
    pub port: String,
    pub destination: String,
    /// Back within this many hours of leaving.
    pub hours: i64,
}

/// Checks a trip: a mainland or Hong Kong plate, the port, the destination, and back within 1 to
/// 72 hours; every refusal at once.
pub fn validate_trip(i: &TripInput) -> Result<NewTrip, DomainError> {
    let mut r = Refusals::default();
    let plate = r.check(
        parse_plate(&i.plate).or_else(|e| parse_hk_plate(&i.plate).map_err(|_| e)).on("plate"),
    );
    let port = r.check(required_text(&i.port, 40).on("port"));
    let destination = r.check(required_text(&i.destination, 60).on("destination"));
    let hours = r.check(parse_int(&i.hours, 1, MAX_HOURS, "12").on("hours"));
    r.finish()?;
    match (plate, port, destination, hours) {
        (Some(plate), Some(port), Some(destination), Some(hours)) => {
            Ok(NewTrip { plate, port, destination, hours })
        }
        _ => Err(DomainError::Invalid { field: "plate", error: Invalid::Empty }),
    }
}

code_enum!(
    /// What a violation proposes for the driver's exemption.
    Proposal, "trip.proposal.", [
        Warn => "warn",
        Suspend => "suspend",
        Revoke => "revoke",
    ]
);

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ViolationInput {
    #[serde(default)]
    pub what: String,
    #[serde(default)]
    pub proposal: String,
}

/// Checks a violation: what happened, and a proposal; every refusal at once.
pub fn validate_violation(i: &ViolationInput) -> Result<(String, Proposal), DomainError> {
    let mut r = Refusals::default();
    let what = r.check(required_text(&i.what, 200).on("what"));
    let proposal = r.check(
        Proposal::parse(i.proposal.trim())
            .ok_or(Invalid::BadFormat { hint: "suspend" })
            .on("proposal"),
    );
    r.finish()?;
    match (what, proposal) {
        (Some(w), Some(p)) => Ok((w, p)),
        _ => Err(DomainError::Invalid { field: "what", error: Invalid::Empty }),
    }
}

/// Whether a trip out since `out` and expected back at `expected` is late at `now`.
pub fn is_late(expected: DateTime<Utc>, back: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    back.unwrap_or(now) > expected
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(plate: &str, port: &str, dest: &str, hours: &str) -> TripInput {
        TripInput {
            plate: plate.into(),
            port: port.into(),
            destination: dest.into(),
            hours: hours.into(),
        }
    }

    #[test]
    fn a_trip_needs_a_plate_a_port_a_destination_and_hours_back() {
        let t = validate_trip(&input("粤ZAB12港", "皇岗口岸", "香港葵涌货柜码头", "10")).unwrap();
        assert_eq!((t.plate.as_str(), t.hours), ("粤ZAB12港", 10));
        assert_eq!(
            validate_trip(&input("AB 1234", "深圳湾", "元朗", "8")).unwrap().plate,
            "AB1234"
        );
        let e = validate_trip(&input("", "", "", "0")).unwrap_err();
        let fields: Vec<_> = e.each().iter().filter_map(|e| e.field()).collect();
        assert_eq!(fields, ["plate", "port", "destination", "hours"]);
        for bad in ["73", "x", "-1"] {
            let e = validate_trip(&input("粤ZAB12港", "皇岗", "葵涌", bad)).unwrap_err();
            assert_eq!(e.field(), Some("hours"), "{bad}");
        }
        assert_eq!(
            validate_trip(&input("粤ZIO12港", "皇岗", "葵涌", "8")).unwrap_err().field(),
            Some("plate")
        );
    }

    #[test]
    fn a_violation_says_what_and_proposes() {
        assert_eq!(
            validate_violation(&ViolationInput {
                what: "未按时返回".into(),
                proposal: "suspend".into()
            })
            .unwrap(),
            ("未按时返回".into(), Proposal::Suspend)
        );
        let e = validate_violation(&ViolationInput::default()).unwrap_err();
        let fields: Vec<_> = e.each().iter().filter_map(|e| e.field()).collect();
        assert_eq!(fields, ["what", "proposal"]);
    }

    #[test]
    fn late_is_after_the_expected_time() {
        use chrono::Duration;
        let t = Utc::now();
        assert!(!is_late(t, None, t), "exactly on time");
        assert!(is_late(t, None, t + Duration::minutes(1)));
        assert!(!is_late(t, Some(t - Duration::hours(1)), t + Duration::hours(5)), "came back");
    }
}
