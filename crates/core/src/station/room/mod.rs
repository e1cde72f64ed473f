//! Rooms and room states (房态), with the state machine of docs/design.md §3.
//!
//! ```text
//! ready ──check-in──▶ occupied ──last check-out──▶ awaiting_disinfection
//!   ▲  ▲                                                 │ terminal-disinfection record only
//!   │  └──── verified by a second person ───── disinfected ◀┘
//!   └─▶ maintenance (manual, empty rooms only)
//! any ──positive / manual──▶ sealed ──manual, case transferred──▶ awaiting_disinfection
//! ```
//!
//! `occupied_beds` in this module always means the number of open stays in the
//! room **after** the event the cause describes: after a check-in it includes
//! the new guest, after a check-out it is the count remaining, and for the other
//! causes it is simply the current count.

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, OnField};
use crate::validate::{Invalid, normalise_code, optional_text, required_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoomState {
    /// 空闲可用: clean, evaluated, may receive guests.
    Ready,
    /// 在住: at least one open stay.
    Occupied,
    /// 待终末消毒: empty after the last guest left; terminal disinfection pending.
    AwaitingDisinfection,
    /// 消毒完成待评估: disinfected, waiting for the evaluation before reuse.
    Disinfected,
    /// 停用: out of service.
    Maintenance,
    /// 阳性封存: sealed after a positive result.
    Sealed,
}

impl RoomState {
    pub const ALL: [RoomState; 6] = [
        RoomState::Ready,
        RoomState::Occupied,
        RoomState::AwaitingDisinfection,
        RoomState::Disinfected,
        RoomState::Maintenance,
        RoomState::Sealed,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            RoomState::Ready => "ready",
            RoomState::Occupied => "occupied",
            RoomState::AwaitingDisinfection => "awaiting_disinfection",
            RoomState::Disinfected => "disinfected",
            RoomState::Maintenance => "maintenance",
            RoomState::Sealed => "sealed",
        }
    }
    pub fn parse(s: &str) -> Option<RoomState> {
        RoomState::ALL.into_iter().find(|k| k.as_str() == s)
    }
    /// Locale key, e.g. "room.state.awaiting_disinfection".
    pub fn label_key(self) -> &'static str {
        match self {
            RoomState::Ready => "room.state.ready",
            RoomState::Occupied => "room.state.occupied",
            RoomState::AwaitingDisinfection => "room.state.awaiting_disinfection",
            RoomState::Disinfected => "room.state.disinfected",
            RoomState::Maintenance => "room.state.maintenance",
            RoomState::Sealed => "room.state.sealed",
        }
    }
}
stored_code!(RoomState);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoomKind {
    Single,
    Family,
    /// 无障碍房.
    BarrierFree,
}

impl RoomKind {
    pub const ALL: [RoomKind; 3] = [RoomKind::Single, RoomKind::Family, RoomKind::BarrierFree];
    pub fn as_str(self) -> &'static str {
        match self {
            RoomKind::Single => "single",
            RoomKind::Family => "family",
            RoomKind::BarrierFree => "barrier_free",
        }
    }
    pub fn parse(s: &str) -> Option<RoomKind> {
        RoomKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
    /// Locale key, e.g. "room.kind.barrier_free".
    pub fn label_key(self) -> &'static str {
        match self {
            RoomKind::Single => "room.kind.single",
            RoomKind::Family => "room.kind.family",
            RoomKind::BarrierFree => "room.kind.barrier_free",
        }
    }
}
stored_code!(RoomKind);

/// Why a room changes state; stored with every room event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// A person chose the new state (the reason is recorded with the event).
    Manual,
    /// A guest was checked in.
    CheckIn,
    /// A guest was checked out or transferred out.
    CheckOut,
    /// A positive test result.
    Positive,
    /// A terminal-disinfection record was filed.
    Disinfected,
    /// A second person verified the terminal disinfection (效果评估).
    Verified,
}

impl Cause {
    pub const ALL: [Cause; 6] = [
        Cause::Manual,
        Cause::CheckIn,
        Cause::CheckOut,
        Cause::Positive,
        Cause::Disinfected,
        Cause::Verified,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Cause::Manual => "manual",
            Cause::CheckIn => "check_in",
            Cause::CheckOut => "check_out",
            Cause::Positive => "positive",
            Cause::Disinfected => "disinfected",
            Cause::Verified => "verified",
        }
    }
    pub fn parse(s: &str) -> Option<Cause> {
        Cause::ALL.into_iter().find(|k| k.as_str() == s)
    }
    /// Locale key, e.g. "room.cause.check_in".
    pub fn label_key(self) -> &'static str {
        match self {
            Cause::Manual => "room.cause.manual",
            Cause::CheckIn => "room.cause.check_in",
            Cause::CheckOut => "room.cause.check_out",
            Cause::Positive => "room.cause.positive",
            Cause::Disinfected => "room.cause.disinfected",
            Cause::Verified => "room.cause.verified",
        }
    }
}
stored_code!(Cause);

/// Occupied → ready/maintenance/awaiting/disinfected: the guests must be checked out first.
pub const KEY_OCCUPIED: &str = "error.room_occupied_checkout_first";
/// Awaiting disinfection → ready/maintenance: terminal disinfection first.
pub const KEY_NEEDS_DISINFECTION: &str = "error.room_needs_disinfection";
/// Skipping the evaluation (disinfection filed straight to ready, or disinfected → maintenance).
pub const KEY_NEEDS_EVALUATION: &str = "error.room_needs_evaluation";
/// Awaiting → disinfected by hand: only a terminal-disinfection record does that.
pub const KEY_NEEDS_DISINFECTION_RECORD: &str = "error.room_needs_disinfection_record";
/// Disinfected → ready by hand: a second person verifies the disinfection record instead.
pub const KEY_NEEDS_VERIFICATION: &str = "error.room_needs_verification";
/// Check-in into a room that is not ready (and not occupied with a free bed).
pub const KEY_NOT_READY: &str = "error.room_not_ready";
/// Check-in into an occupied room whose beds are all taken.
pub const KEY_FULL: &str = "error.room_full";
/// Sealed → anything but awaiting disinfection.
pub const KEY_SEALED: &str = "error.room_sealed";
/// Sealed → awaiting disinfection while guests are still in the room: transfer them first.
pub const KEY_SEALED_TRANSFER_FIRST: &str = "error.room_sealed_transfer_first";
/// A room becomes occupied only by checking a guest in, never by hand.
pub const KEY_OCCUPY_BY_CHECK_IN: &str = "error.room_occupy_by_check_in";
/// The room is already in that state.
pub const KEY_SAME_STATE: &str = "error.room_same_state";
/// Any other refused transition.
pub const KEY_TRANSITION: &str = "error.room_transition";

/// Every message key this module can produce; the web layer's locale test checks them.
pub const RULE_KEYS: &[&str] = &[
    KEY_OCCUPIED,
    KEY_NEEDS_DISINFECTION,
    KEY_NEEDS_EVALUATION,
    KEY_NEEDS_DISINFECTION_RECORD,
    KEY_NEEDS_VERIFICATION,
    KEY_NOT_READY,
    KEY_FULL,
    KEY_SEALED,
    KEY_SEALED_TRANSFER_FIRST,
    KEY_OCCUPY_BY_CHECK_IN,
    KEY_SAME_STATE,
    KEY_TRANSITION,
];

fn refuse(key: &'static str) -> Result<(), DomainError> {
    Err(DomainError::Rule { field: Some("state"), key })
}

/// Whether `from → to` is allowed for `cause`. `occupied_beds` is the number of
/// open stays after the event (see the module documentation).
///
/// Capacity is not known here: a check-in into an occupied room is accepted by
/// this function, and [`crate::station::stay::check_check_in`] adds the free-bed check.
pub fn check_transition(
    from: RoomState,
    to: RoomState,
    cause: Cause,
    occupied_beds: i64,
) -> Result<(), DomainError> {
    use RoomState::*;
    if from == to {
        return match (cause, from) {
            // Another guest in a room with free beds.
            (Cause::CheckIn, Occupied) => Ok(()),
            // A guest leaves, others remain.
            (Cause::CheckOut, Occupied) if occupied_beds > 0 => Ok(()),
            (Cause::CheckOut, Occupied) => refuse(KEY_TRANSITION),
            // Roommates leave a sealed room; it stays sealed until released by hand.
            (Cause::CheckOut, Sealed) => Ok(()),
            // A second positive in an already sealed room changes nothing.
            (Cause::Positive, Sealed) => Ok(()),
            _ => refuse(KEY_SAME_STATE),
        };
    }
    match cause {
        Cause::CheckIn => match (from, to) {
            (Ready, Occupied) => Ok(()),
            (Sealed, _) => refuse(KEY_SEALED),
            (_, Occupied) => refuse(KEY_NOT_READY),
            _ => refuse(KEY_TRANSITION),
        },
        Cause::CheckOut => match (from, to) {
            (Occupied, AwaitingDisinfection) if occupied_beds == 0 => Ok(()),
            (Occupied, _) => refuse(KEY_OCCUPIED),
            (Sealed, _) => refuse(KEY_SEALED),
            _ => refuse(KEY_TRANSITION),
        },
        Cause::Positive => match to {
            Sealed => Ok(()),
            _ => refuse(KEY_TRANSITION),
        },
        Cause::Disinfected => match (from, to) {
            (AwaitingDisinfection, Disinfected) => Ok(()),
            (AwaitingDisinfection, Ready) => refuse(KEY_NEEDS_EVALUATION),
            (Sealed, _) => refuse(KEY_SEALED),
            _ => refuse(KEY_TRANSITION),
        },
        Cause::Verified => match (from, to) {
            (Disinfected, Ready) => Ok(()),
            _ => refuse(KEY_TRANSITION),
        },
        Cause::Manual => check_manual(from, to, occupied_beds),
    }
}

/// Manual transitions, `from != to`.
fn check_manual(from: RoomState, to: RoomState, occupied_beds: i64) -> Result<(), DomainError> {
    use RoomState::*;
    match (from, to) {
        (_, Sealed) => Ok(()),
        (Sealed, AwaitingDisinfection) if occupied_beds == 0 => Ok(()),
        (Sealed, AwaitingDisinfection) => refuse(KEY_SEALED_TRANSFER_FIRST),
        (Sealed, _) => refuse(KEY_SEALED),
        (_, Occupied) => refuse(KEY_OCCUPY_BY_CHECK_IN),
        (Occupied, _) => refuse(KEY_OCCUPIED),
        (Ready, Maintenance) | (Maintenance, Ready) if occupied_beds == 0 => Ok(()),
        (Ready, Maintenance) | (Maintenance, Ready) => refuse(KEY_OCCUPIED),
        (AwaitingDisinfection, Disinfected) => refuse(KEY_NEEDS_DISINFECTION_RECORD),
        (Disinfected, Ready) => refuse(KEY_NEEDS_VERIFICATION),
        (AwaitingDisinfection, Ready | Maintenance) => refuse(KEY_NEEDS_DISINFECTION),
        (Disinfected, Maintenance) => refuse(KEY_NEEDS_EVALUATION),
        _ => refuse(KEY_TRANSITION),
    }
}

/// The states a person may move a room to by hand, in [`RoomState::ALL`] order.
pub fn allowed_manual_targets(from: RoomState, occupied_beds: i64) -> Vec<RoomState> {
    RoomState::ALL
        .into_iter()
        .filter(|&to| check_transition(from, to, Cause::Manual, occupied_beds).is_ok())
        .collect()
}

/// A station's beds, counted from its rooms: the one truth the station page, the room grid, the
/// wall board and the district's figures all show.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Beds {
    /// Beds of the rooms in service (every room but those 停用).
    pub in_service: i64,
    /// Beds with a guest in them now.
    pub occupied: i64,
    /// Beds a guest could be checked into now: a free room's, and the empty ones of a room in use.
    pub free: i64,
    /// Rooms out of service (停用) and their beds, not counted above.
    pub out_of_service_rooms: i64,
    pub out_of_service_beds: i64,
}

/// Counts the beds of rooms given as (state, beds, occupied).
pub fn beds_of(rooms: impl IntoIterator<Item = (RoomState, i64, i64)>) -> Beds {
    let mut b = Beds::default();
    for (state, beds, occupied) in rooms {
        if state == RoomState::Maintenance {
            b.out_of_service_rooms += 1;
            b.out_of_service_beds += beds;
            continue;
        }
        b.in_service += beds;
        b.occupied += occupied;
        b.free += match state {
            RoomState::Ready => beds,
            RoomState::Occupied => (beds - occupied).max(0),
            _ => 0,
        };
    }
    b
}

mod input;
pub use input::*;

#[cfg(test)]
mod tests {
    use super::RoomState::*;
    use super::*;

    fn key_of(r: Result<(), DomainError>) -> Result<(), &'static str> {
        r.map_err(|e| match e {
            DomainError::Rule { field: Some("state"), key } => key,
            other => panic!("unexpected error {other:?}"),
        })
    }

    #[test]
    fn every_manual_pair() {
        type Row = (RoomState, RoomState, i64, Result<(), &'static str>);
        let t: &[Row] = &[
            (Ready, Ready, 0, Err(KEY_SAME_STATE)),
            (Ready, Occupied, 0, Err(KEY_OCCUPY_BY_CHECK_IN)),
            (Ready, AwaitingDisinfection, 0, Err(KEY_TRANSITION)),
            (Ready, Disinfected, 0, Err(KEY_TRANSITION)),
            (Ready, Maintenance, 0, Ok(())),
            (Ready, Maintenance, 1, Err(KEY_OCCUPIED)),
            (Ready, Sealed, 0, Ok(())),
            (Occupied, Ready, 2, Err(KEY_OCCUPIED)),
            (Occupied, Occupied, 2, Err(KEY_SAME_STATE)),
            (Occupied, AwaitingDisinfection, 2, Err(KEY_OCCUPIED)),
            (Occupied, AwaitingDisinfection, 0, Err(KEY_OCCUPIED)),
            (Occupied, Disinfected, 2, Err(KEY_OCCUPIED)),
            (Occupied, Maintenance, 2, Err(KEY_OCCUPIED)),
            (Occupied, Sealed, 2, Ok(())),
            (AwaitingDisinfection, Ready, 0, Err(KEY_NEEDS_DISINFECTION)),
            (AwaitingDisinfection, Occupied, 0, Err(KEY_OCCUPY_BY_CHECK_IN)),
            (AwaitingDisinfection, AwaitingDisinfection, 0, Err(KEY_SAME_STATE)),
            (AwaitingDisinfection, Disinfected, 0, Err(KEY_NEEDS_DISINFECTION_RECORD)),
            (AwaitingDisinfection, Maintenance, 0, Err(KEY_NEEDS_DISINFECTION)),
            (AwaitingDisinfection, Sealed, 0, Ok(())),
            (Disinfected, Ready, 0, Err(KEY_NEEDS_VERIFICATION)),
            (Disinfected, Occupied, 0, Err(KEY_OCCUPY_BY_CHECK_IN)),
            (Disinfected, AwaitingDisinfection, 0, Err(KEY_TRANSITION)),
            (Disinfected, Disinfected, 0, Err(KEY_SAME_STATE)),
            (Disinfected, Maintenance, 0, Err(KEY_NEEDS_EVALUATION)),
            (Disinfected, Sealed, 0, Ok(())),
            (Maintenance, Ready, 0, Ok(())),
            (Maintenance, Ready, 1, Err(KEY_OCCUPIED)),
            (Maintenance, Occupied, 0, Err(KEY_OCCUPY_BY_CHECK_IN)),
            (Maintenance, AwaitingDisinfection, 0, Err(KEY_TRANSITION)),
            (Maintenance, Disinfected, 0, Err(KEY_TRANSITION)),
            (Maintenance, Maintenance, 0, Err(KEY_SAME_STATE)),
            (Maintenance, Sealed, 0, Ok(())),
            (Sealed, Ready, 0, Err(KEY_SEALED)),
            (Sealed, Occupied, 0, Err(KEY_SEALED)),
            (Sealed, AwaitingDisinfection, 0, Ok(())),
            (Sealed, AwaitingDisinfection, 1, Err(KEY_SEALED_TRANSFER_FIRST)),
            (Sealed, Disinfected, 0, Err(KEY_SEALED)),
            (Sealed, Maintenance, 0, Err(KEY_SEALED)),
            (Sealed, Sealed, 0, Err(KEY_SAME_STATE)),
        ];
        // Every (from, to) pair appears at least once.
        for from in RoomState::ALL {
            for to in RoomState::ALL {
                assert!(t.iter().any(|r| r.0 == from && r.1 == to), "{from:?} → {to:?} missing");
            }
        }
        for &(from, to, beds, want) in t {
            let got = key_of(check_transition(from, to, Cause::Manual, beds));
            assert_eq!(got, want, "{from:?} → {to:?} with {beds} beds");
        }
    }

    #[test]
    fn automatic_causes() {
        type Row = (RoomState, RoomState, Cause, i64, Result<(), &'static str>);
        let t: &[Row] = &[
            (Ready, Occupied, Cause::CheckIn, 1, Ok(())),
            (Occupied, Occupied, Cause::CheckIn, 2, Ok(())),
            (AwaitingDisinfection, Occupied, Cause::CheckIn, 1, Err(KEY_NOT_READY)),
            (Disinfected, Occupied, Cause::CheckIn, 1, Err(KEY_NOT_READY)),
            (Maintenance, Occupied, Cause::CheckIn, 1, Err(KEY_NOT_READY)),
            (Sealed, Occupied, Cause::CheckIn, 1, Err(KEY_SEALED)),
            (Ready, Sealed, Cause::CheckIn, 1, Err(KEY_TRANSITION)),
            (Ready, Ready, Cause::CheckIn, 1, Err(KEY_SAME_STATE)),
            (Occupied, AwaitingDisinfection, Cause::CheckOut, 0, Ok(())),
            (Occupied, AwaitingDisinfection, Cause::CheckOut, 1, Err(KEY_OCCUPIED)),
            (Occupied, Occupied, Cause::CheckOut, 1, Ok(())),
            (Occupied, Occupied, Cause::CheckOut, 0, Err(KEY_TRANSITION)),
            (Occupied, Ready, Cause::CheckOut, 0, Err(KEY_OCCUPIED)),
            (Sealed, Sealed, Cause::CheckOut, 0, Ok(())),
            (Sealed, AwaitingDisinfection, Cause::CheckOut, 0, Err(KEY_SEALED)),
            (Ready, AwaitingDisinfection, Cause::CheckOut, 0, Err(KEY_TRANSITION)),
            (Ready, Sealed, Cause::Positive, 0, Ok(())),
            (Occupied, Sealed, Cause::Positive, 2, Ok(())),
            (Sealed, Sealed, Cause::Positive, 2, Ok(())),
            (Occupied, Ready, Cause::Positive, 2, Err(KEY_TRANSITION)),
            (AwaitingDisinfection, Disinfected, Cause::Disinfected, 0, Ok(())),
            (AwaitingDisinfection, Ready, Cause::Disinfected, 0, Err(KEY_NEEDS_EVALUATION)),
            (Sealed, Disinfected, Cause::Disinfected, 0, Err(KEY_SEALED)),
            (Occupied, Disinfected, Cause::Disinfected, 1, Err(KEY_TRANSITION)),
            (Disinfected, Disinfected, Cause::Disinfected, 0, Err(KEY_SAME_STATE)),
        ];
        for &(from, to, cause, beds, want) in t {
            let got = key_of(check_transition(from, to, cause, beds));
            assert_eq!(got, want, "{from:?} → {to:?} by {cause:?} with {beds}");
        }
    }

    #[test]
    fn every_produced_key_is_listed() {
        for from in RoomState::ALL {
            for to in RoomState::ALL {
                for cause in Cause::ALL {
                    for beds in 0..3 {
                        if let Err(DomainError::Rule { key, .. }) =
                            check_transition(from, to, cause, beds)
                        {
                            assert!(RULE_KEYS.contains(&key), "{key}");
                        }
                    }
                }
            }
        }
        assert!(RULE_KEYS.contains(&KEY_FULL));
    }

    #[test]
    fn manual_targets_for_the_ui() {
        assert_eq!(allowed_manual_targets(Ready, 0), vec![Maintenance, Sealed]);
        assert_eq!(allowed_manual_targets(Occupied, 1), vec![Sealed]);
        // Terminal disinfection moves on only through its record and a second person's check.
        assert_eq!(allowed_manual_targets(AwaitingDisinfection, 0), vec![Sealed]);
        assert_eq!(allowed_manual_targets(Disinfected, 0), vec![Sealed]);
        assert_eq!(allowed_manual_targets(Maintenance, 0), vec![Ready, Sealed]);
        assert_eq!(allowed_manual_targets(Sealed, 0), vec![AwaitingDisinfection]);
        assert!(allowed_manual_targets(Sealed, 1).is_empty());
    }

    #[test]
    fn beds_come_from_rooms_and_free_means_free_now() {
        let b = beds_of([
            (Ready, 2, 0),
            (Occupied, 3, 1),
            (Occupied, 1, 1),
            (AwaitingDisinfection, 2, 0),
            (Disinfected, 1, 0),
            (Sealed, 1, 1),
            (Maintenance, 4, 0),
        ]);
        assert_eq!(
            b,
            Beds {
                in_service: 10,
                occupied: 3,
                free: 4,
                out_of_service_rooms: 1,
                out_of_service_beds: 4
            }
        );
        assert_eq!(beds_of([]), Beds::default());
    }

    #[test]
    fn names_round_trip() {
        for s in RoomState::ALL {
            assert_eq!(RoomState::parse(s.as_str()), Some(s));
            assert_eq!(s.label_key(), format!("room.state.{}", s.as_str()));
        }
        for k in RoomKind::ALL {
            assert_eq!(RoomKind::parse(k.as_str()), Some(k));
            assert_eq!(k.label_key(), format!("room.kind.{}", k.as_str()));
        }
        for c in Cause::ALL {
            assert_eq!(Cause::parse(c.as_str()), Some(c));
            assert_eq!(c.label_key(), format!("room.cause.{}", c.as_str()));
        }
        assert_eq!(RoomState::parse("Ready"), None);
    }

    fn good() -> RoomInput {
        RoomInput {
            number: " ３０１a ".into(),
            floor: "3".into(),
            beds: "2".into(),
            kind: "family".into(),
            note: "".into(),
        }
    }

    #[test]
    fn a_good_room_is_normalised() {
        let r = validate_room(&good()).unwrap();
        assert_eq!(r.number, "301A");
        assert_eq!(r.floor, 3);
        assert_eq!(r.beds, 2);
        assert_eq!(r.kind, RoomKind::Family);
        assert_eq!(r.note, None);
        let mut i = good();
        i.floor = "-2".into();
        i.number = "B2-01".into();
        i.note = " 靠近电梯 ".into();
        let r = validate_room(&i).unwrap();
        assert_eq!((r.floor, r.number.as_str()), (-2, "B2-01"));
        assert_eq!(r.note.as_deref(), Some("靠近电梯"));
    }

    #[test]
    fn each_bad_room_field_is_named() {
        type Spoil = fn(&mut RoomInput);
        let cases: [(&str, Spoil); 13] = [
            ("number", |i| i.number = " ".into()),
            ("number", |i| i.number = "3#1".into()),
            ("number", |i| i.number = "ABCDEFGHIJK".into()),
            ("number", |i| i.number = "-301".into()),
            ("floor", |i| i.floor = "".into()),
            ("floor", |i| i.floor = "-6".into()),
            ("floor", |i| i.floor = "201".into()),
            ("floor", |i| i.floor = "3.5".into()),
            ("beds", |i| i.beds = "0".into()),
            ("beds", |i| i.beds = "7".into()),
            ("kind", |i| i.kind = "suite".into()),
            ("kind", |i| i.kind = "".into()),
            ("note", |i| i.note = "字".repeat(201)),
        ];
        for (field, spoil) in cases {
            let mut i = good();
            spoil(&mut i);
            let e = validate_room(&i).unwrap_err();
            assert_eq!(e.field(), Some(field), "{e:?}");
        }
    }

    #[test]
    fn number_and_int_edges() {
        assert_eq!(parse_room_number("ABCDEFGHIJ").as_deref(), Ok("ABCDEFGHIJ"));
        assert_eq!(parse_floor("-5"), Ok(-5));
        assert_eq!(parse_floor("200"), Ok(200));
        assert_eq!(parse_floor("-"), Err(Invalid::BadFormat { hint: "3" }));
        assert_eq!(parse_beds("６"), Ok(6));
        assert!(parse_floor("99999999999999999999999").is_err());
    }

    fn bulk() -> BulkRoomsInput {
        BulkRoomsInput {
            floor: "3".into(),
            first: "301".into(),
            last: "330".into(),
            beds: "1".into(),
            kind: "single".into(),
            prefix: "".into(),
        }
    }

    #[test]
    fn bulk_creates_numbered_rooms() {
        let rooms = validate_bulk(&bulk()).unwrap();
        assert_eq!(rooms.len(), 30);
        assert_eq!(rooms[0].number, "301");
        assert_eq!(rooms[29].number, "330");
        assert!(rooms.iter().all(|r| r.floor == 3 && r.beds == 1));

        let mut i = bulk();
        i.prefix = "b-".into();
        i.first = "01".into();
        i.last = "12".into();
        let rooms = validate_bulk(&i).unwrap();
        assert_eq!(rooms.len(), 12);
        assert_eq!(rooms[0].number, "B-01");
        assert_eq!(rooms[11].number, "B-12");

        let mut i = bulk();
        i.last = "301".into();
        assert_eq!(validate_bulk(&i).unwrap().len(), 1);
        i.last = "800".into();
        assert_eq!(validate_bulk(&i).unwrap().len(), 500);
    }

    #[test]
    fn each_bad_bulk_field_is_named() {
        type Spoil = fn(&mut BulkRoomsInput);
        let cases: [(&str, Spoil); 10] = [
            ("floor", |i| i.floor = "x".into()),
            ("first", |i| i.first = "".into()),
            ("first", |i| i.first = "-1".into()),
            ("last", |i| i.last = "300".into()),
            ("last", |i| i.last = "801".into()),
            ("beds", |i| i.beds = "9".into()),
            ("kind", |i| i.kind = "x".into()),
            ("prefix", |i| i.prefix = "楼".into()),
            ("prefix", |i| i.prefix = "-A".into()),
            ("prefix", |i| i.prefix = "ABCDEFGH".into()),
        ];
        for (field, spoil) in cases {
            let mut i = bulk();
            spoil(&mut i);
            let e = validate_bulk(&i).unwrap_err();
            assert_eq!(e.field(), Some(field), "{e:?}");
        }
        let mut i = bulk();
        i.first = "12345678901".into();
        i.last = "12345678901".into();
        assert_eq!(validate_bulk(&i).unwrap_err().field(), Some("first"));
        i.first = "1234567890".into();
        i.last = "1234567890".into();
        assert_eq!(validate_bulk(&i).unwrap().len(), 1);
    }

    #[test]
    fn manual_change_needs_a_reason() {
        let ok = StateChangeInput { state: "maintenance".into(), reason: "空调维修".into() };
        assert_eq!(
            validate_state_change(&ok, Ready, 0),
            Ok(NewStateChange { to: Maintenance, reason: "空调维修".into() })
        );
        let e = validate_state_change(&ok, Occupied, 1).unwrap_err();
        assert_eq!(e.field(), Some("state"));
        let mut no_reason = ok.clone();
        no_reason.reason = " ".into();
        assert_eq!(
            validate_state_change(&no_reason, Ready, 0).unwrap_err().field(),
            Some("reason")
        );
        let mut bad = ok;
        bad.state = "clean".into();
        assert_eq!(validate_state_change(&bad, Ready, 0).unwrap_err().field(), Some("state"));
    }
}
