//! A guest transferred to another station (转运至其他驿站): where to and why, checked; the period
//! the receiving station continues; the states a transfer goes through.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::error::{DomainError, OnField, Refusals};
use crate::station::stations::parse_id;
use crate::validate::required_text;

code_enum!(
    /// Sent and not yet in a bed, or accepted into one.
    TransferState, "transfer.state.", [
        InTransit => "in_transit",
        Accepted => "accepted",
    ]
);

code_enum!(
    /// What happened to a transfer on its way: a station refused it (it goes back to the
    /// command), or the command addressed it to a station.
    RouteKind, "transfer.route.", [
        Refused => "refused",
        Redirected => "redirected",
    ]
);

/// Why a receiving station refuses a guest addressed to it (no bed for a family, not a
/// drivers' station…): required.
pub fn validate_refusal(reason: &str) -> Result<String, DomainError> {
    required_text(reason, 200).on("reason")
}

/// The choice "any station of the district": the command allocates, the first to accept takes.
pub const ANY_STATION: &str = "any";

#[derive(Debug, Clone, Default, Deserialize)]
pub struct TransferInput {
    /// A station's id, or [`ANY_STATION`].
    #[serde(default)]
    pub station_id: String,
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferOrder {
    /// `None`: any station of the district.
    pub to_station: Option<i64>,
    pub reason: String,
}

/// Checks a transfer out of station `from`: a station other than this one (or any), and why;
/// every refusal at once.
pub fn validate_transfer(i: &TransferInput, from: i64) -> Result<TransferOrder, DomainError> {
    let mut r = Refusals::default();
    let to = if i.station_id.trim() == ANY_STATION {
        Some(None)
    } else {
        r.check(parse_id(&i.station_id).on("station_id")).map(Some)
    };
    if to == Some(Some(from)) {
        r.refuse(DomainError::Rule {
            field: Some("station_id"),
            key: "error.transfer_same_station",
        });
    }
    let reason = r.check(required_text(&i.reason, 200).on("reason"));
    r.finish()?;
    match (to, reason) {
        (Some(to_station), Some(reason)) => Ok(TransferOrder { to_station, reason }),
        _ => {
            Err(DomainError::Rule { field: Some("station_id"), key: "error.transfer_same_station" })
        }
    }
}

/// The days a receiving station keeps a guest who arrives on `arrival` (day 1 there) with the
/// period ending before `planned_release`: the rest of the period, and at least the day of arrival
/// (a guest whose period ran out on the road is still seen, and tested, once).
pub fn days_left(planned_release: NaiveDate, arrival: NaiveDate) -> i64 {
    (planned_release - arrival).num_days().max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(station: &str, reason: &str) -> TransferInput {
        TransferInput { station_id: station.into(), reason: reason.into() }
    }

    #[test]
    fn a_transfer_names_another_station_or_any_and_a_reason() {
        assert_eq!(
            validate_transfer(&input("7", "本站整体终末消毒"), 3).unwrap(),
            TransferOrder { to_station: Some(7), reason: "本站整体终末消毒".into() }
        );
        assert_eq!(validate_transfer(&input(" any ", "满员"), 3).unwrap().to_station, None);
        let e = validate_transfer(&input("3", ""), 3).unwrap_err();
        let fields: Vec<_> = e.each().iter().filter_map(|e| e.field()).collect();
        assert_eq!(fields, ["station_id", "reason"]);
        for bad in ["", "0", "-2", "x", "any station"] {
            assert_eq!(
                validate_transfer(&input(bad, "x"), 3).unwrap_err().field(),
                Some("station_id")
            );
        }
    }

    #[test]
    fn a_refusal_says_why() {
        assert_eq!(validate_refusal(" 无家庭房 ").unwrap(), "无家庭房");
        assert_eq!(validate_refusal("  ").unwrap_err().field(), Some("reason"));
        assert_eq!(validate_refusal(&"长".repeat(201)).unwrap_err().field(), Some("reason"));
    }

    #[test]
    fn the_receiving_station_keeps_the_rest_of_the_period() {
        let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        assert_eq!(days_left(d(12, 20), d(12, 10)), 10);
        assert_eq!(days_left(d(12, 11), d(12, 10)), 1);
        assert_eq!(days_left(d(12, 10), d(12, 10)), 1, "ran out on the road: one day, tested");
        assert_eq!(days_left(d(12, 1), d(12, 10)), 1);
    }
}
