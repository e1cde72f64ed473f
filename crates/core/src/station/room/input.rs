//! What people type to create, edit and change rooms: validated into domain values.

use super::*;
use crate::validate::parse_int;

pub const MIN_BEDS: i64 = 1;
pub const MAX_BEDS: i64 = 6;
pub const MAX_NUMBER_CHARS: usize = 10;
pub const MIN_FLOOR: i64 = -5;
pub const MAX_FLOOR: i64 = 200;
/// Most rooms created by one bulk request.
pub const MAX_BULK: i64 = 500;

/// Raw input from a form or the API, all text so that every error can name its field.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RoomInput {
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub floor: String,
    #[serde(default)]
    pub beds: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub note: String,
}

/// A validated room (its state starts as ready).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRoom {
    pub number: String,
    pub floor: i64,
    pub beds: i64,
    pub kind: RoomKind,
    pub note: Option<String>,
}

fn room_number_chars(s: &str) -> Result<String, Invalid> {
    let n = normalise_code(s);
    if let Some(c) =
        n.chars().find(|c| !(c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Err(Invalid::BadChars { found: c });
    }
    Ok(n)
}

/// A room number: 1–10 characters of A–Z, 0–9 and '-', starting with a letter
/// or digit. Full-width characters are folded, spaces dropped, letters upper-cased.
pub fn parse_room_number(s: &str) -> Result<String, Invalid> {
    let n = room_number_chars(s)?;
    if n.is_empty() {
        return Err(Invalid::Empty);
    }
    if n.chars().count() > MAX_NUMBER_CHARS {
        return Err(Invalid::TooLong { max: MAX_NUMBER_CHARS });
    }
    if n.starts_with('-') {
        return Err(Invalid::BadFormat { hint: "301" });
    }
    Ok(n)
}

pub fn parse_floor(s: &str) -> Result<i64, Invalid> {
    parse_int(s, MIN_FLOOR, MAX_FLOOR, "3")
}

pub fn parse_beds(s: &str) -> Result<i64, Invalid> {
    parse_int(s, MIN_BEDS, MAX_BEDS, "1")
}

fn parse_kind(s: &str) -> Result<RoomKind, Invalid> {
    let t = s.trim();
    if t.is_empty() {
        return Err(Invalid::Empty);
    }
    RoomKind::parse(t).ok_or(Invalid::BadFormat { hint: "single" })
}

pub fn validate_room(i: &RoomInput) -> Result<NewRoom, DomainError> {
    let number = parse_room_number(&i.number).on("number")?;
    let floor = parse_floor(&i.floor).on("floor")?;
    let beds = parse_beds(&i.beds).on("beds")?;
    let kind = parse_kind(&i.kind).on("kind")?;
    let note = optional_text(&i.note, 200).on("note")?;
    Ok(NewRoom { number, floor, beds, kind, note })
}

/// Many rooms of one floor at once: numbers `prefix + n` for n in `from..=to`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct BulkRoomsInput {
    #[serde(default)]
    pub floor: String,
    /// The first room number: its own name, so that an error on it is not labelled like a
    /// `from` date elsewhere (the JSON API still takes `from`/`to` too).
    #[serde(default)]
    pub first: String,
    #[serde(default)]
    pub last: String,
    #[serde(default)]
    pub beds: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub prefix: String,
}

/// Validates a bulk request and lists the rooms it creates. If `from` is typed
/// with leading zeros ("01"), every number is zero-padded to that width.
pub fn validate_bulk(i: &BulkRoomsInput) -> Result<Vec<NewRoom>, DomainError> {
    let floor = parse_floor(&i.floor).on("floor")?;
    let from_text = normalise_code(&i.first);
    let from = parse_int(&from_text, 0, 9_999_999_999, "301").on("first")?;
    let to = parse_int(&i.last, 0, 9_999_999_999, "330").on("last")?;
    let last = from.saturating_add(MAX_BULK - 1);
    if !(from..=last).contains(&to) {
        return Err(DomainError::Invalid {
            field: "last",
            error: Invalid::OutOfRange { min: from.to_string(), max: last.to_string() },
        });
    }
    let beds = parse_beds(&i.beds).on("beds")?;
    let kind = parse_kind(&i.kind).on("kind")?;
    let prefix = room_number_chars(&i.prefix).on("prefix")?;
    if prefix.starts_with('-') {
        return Err(DomainError::Invalid {
            field: "prefix",
            error: Invalid::BadFormat { hint: "A" },
        });
    }
    let width = if from_text.starts_with('0') { from_text.len() } else { 0 };
    let length_field = if prefix.is_empty() { "last" } else { "prefix" };
    (from..=to)
        .map(|n| {
            let number = format!("{prefix}{n:0width$}");
            if number.chars().count() > MAX_NUMBER_CHARS {
                return Err(DomainError::Invalid {
                    field: length_field,
                    error: Invalid::TooLong { max: MAX_NUMBER_CHARS },
                });
            }
            Ok(NewRoom { number, floor, beds, kind, note: None })
        })
        .collect()
}

/// A person's request to move a room to another state.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StateChangeInput {
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStateChange {
    pub to: RoomState,
    pub reason: String,
}

/// Validates a manual state change of a room currently in `from` holding
/// `occupied_beds` open stays. A reason (≤ 200 characters) is required.
pub fn validate_state_change(
    i: &StateChangeInput,
    from: RoomState,
    occupied_beds: i64,
) -> Result<NewStateChange, DomainError> {
    let to =
        RoomState::parse(i.state.trim()).ok_or(Invalid::BadFormat { hint: "ready" }).on("state")?;
    let reason = required_text(&i.reason, 200).on("reason")?;
    check_transition(from, to, Cause::Manual, occupied_beds)?;
    Ok(NewStateChange { to, reason })
}
