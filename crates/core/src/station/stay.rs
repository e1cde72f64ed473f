//! Stays: the input and the rules of check-in, room change and check-out (what a stay does to
//! its room), how one ends, and the kinds of line on a station's timeline.

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, OnField};
use crate::station::room::{Cause, KEY_FULL, RoomState, check_transition};
use crate::station::stations::parse_id;
use crate::validate::{Invalid, optional_text};

code_enum!(
    /// A line of a station's timeline (the wall board's feed of movements).
    StayEventKind, "board.kind.", [
        CheckIn => "check_in",
        RoomChange => "room_change",
        CheckOut => "check_out",
        /// An alert raised for the guest (a reading or a positive test).
        Alert => "alert",
        /// A cross-border driver out on a run, and back.
        TripOut => "trip_out",
        TripBack => "trip_back",
    ]
);

/// How a stay ended (docs/design.md §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// 解除: period complete, every test negative.
    Released,
    /// 转运: fever or positive, taken to hospital.
    TransferredHospital,
    /// 劝返: sent back.
    TurnedBack,
    /// 取消豁免: a driver's exemption revoked.
    ExemptionRevoked,
    /// 转其他驿站.
    TransferredOther,
    Other,
}

impl Outcome {
    pub const ALL: [Outcome; 6] = [
        Outcome::Released,
        Outcome::TransferredHospital,
        Outcome::TurnedBack,
        Outcome::ExemptionRevoked,
        Outcome::TransferredOther,
        Outcome::Other,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Released => "released",
            Outcome::TransferredHospital => "transferred_hospital",
            Outcome::TurnedBack => "turned_back",
            Outcome::ExemptionRevoked => "exemption_revoked",
            Outcome::TransferredOther => "transferred_other",
            Outcome::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == s)
    }
    /// Every outcome but a release needs a reason written down.
    pub fn needs_reason(self) -> bool {
        self != Outcome::Released
    }
}
stored_code!(Outcome);

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CheckOutInput {
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub reason: String,
}

pub fn validate_check_out(i: &CheckOutInput) -> Result<(Outcome, Option<String>), DomainError> {
    let outcome = Outcome::parse(i.outcome.trim())
        .ok_or(Invalid::BadFormat { hint: "released" })
        .on("outcome")?;
    let reason = optional_text(&i.reason, 200).on("reason")?;
    if outcome.needs_reason() && reason.is_none() {
        return Err(Invalid::Empty).on("reason");
    }
    Ok((outcome, reason))
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CheckInInput {
    #[serde(default)]
    pub room_id: String,
    #[serde(default)]
    pub policy_id: String,
}

pub fn validate_check_in(i: &CheckInInput) -> Result<(i64, i64), DomainError> {
    Ok((parse_id(&i.room_id).on("room_id")?, parse_id(&i.policy_id).on("policy_id")?))
}

/// What a stay does to its room. Checks a check-in into a room in `state` with `beds` beds of which
/// `occupied_before` are taken, and returns the room's new state (occupied).
pub fn check_check_in(
    state: RoomState,
    beds: i64,
    occupied_before: i64,
) -> Result<RoomState, DomainError> {
    check_transition(state, RoomState::Occupied, Cause::CheckIn, occupied_before + 1)?;
    if occupied_before >= beds {
        return Err(DomainError::Rule { field: Some("state"), key: KEY_FULL });
    }
    Ok(RoomState::Occupied)
}

/// The state a room moves to when a guest leaves and `remaining` stays are
/// still open: awaiting disinfection once empty, otherwise unchanged (a sealed
/// room stays sealed until a person releases it).
pub fn state_after_check_out(from: RoomState, remaining: i64) -> Result<RoomState, DomainError> {
    let to = match from {
        RoomState::Occupied if remaining == 0 => RoomState::AwaitingDisinfection,
        other => other,
    };
    check_transition(from, to, Cause::CheckOut, remaining)?;
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::station::room::RoomState::*;

    #[test]
    fn check_in_and_out_helpers() {
        assert_eq!(check_check_in(Ready, 2, 0), Ok(Occupied));
        assert_eq!(check_check_in(Occupied, 2, 1), Ok(Occupied));
        let full = check_check_in(Occupied, 2, 2).unwrap_err();
        assert_eq!(full, DomainError::Rule { field: Some("state"), key: KEY_FULL });
        assert!(check_check_in(Maintenance, 2, 0).is_err());
        assert!(check_check_in(Sealed, 2, 0).is_err());

        assert_eq!(state_after_check_out(Occupied, 0), Ok(AwaitingDisinfection));
        assert_eq!(state_after_check_out(Occupied, 1), Ok(Occupied));
        assert_eq!(state_after_check_out(Sealed, 0), Ok(Sealed));
        assert!(state_after_check_out(Ready, 0).is_err());
    }

    #[test]
    fn outcomes_roundtrip_and_reasons_are_required_except_for_release() {
        for o in Outcome::ALL {
            assert_eq!(Outcome::parse(o.as_str()), Some(o));
        }
        let ok =
            validate_check_out(&CheckOutInput { outcome: "released".into(), reason: "".into() });
        assert_eq!(ok, Ok((Outcome::Released, None)));
        let e = validate_check_out(&CheckOutInput {
            outcome: "turned_back".into(),
            reason: " ".into(),
        })
        .unwrap_err();
        assert_eq!(e.field(), Some("reason"));
        let e =
            validate_check_out(&CheckOutInput { outcome: "escaped".into(), reason: "x".into() })
                .unwrap_err();
        assert_eq!(e.field(), Some("outcome"));
    }

    #[test]
    fn check_in_needs_a_room_and_a_policy() {
        assert_eq!(
            validate_check_in(&CheckInInput { room_id: "3".into(), policy_id: "1".into() }),
            Ok((3, 1))
        );
        assert_eq!(
            validate_check_in(&CheckInInput { room_id: "".into(), policy_id: "1".into() })
                .unwrap_err()
                .field(),
            Some("room_id")
        );
        assert_eq!(
            validate_check_in(&CheckInInput { room_id: "2".into(), policy_id: "x".into() })
                .unwrap_err()
                .field(),
            Some("policy_id")
        );
    }
}
