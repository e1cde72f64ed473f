//! A relative's link (亲属链接, issue 20): the guest — or staff, on the guest's consent, which is
//! then recorded — makes a link for one named relative. Through it the relative sees whether
//! their person is still in the stay and when they may leave (test results only if the guest
//! allows), books a delivery for a time window and writes to the front desk. A link expires,
//! and may be revoked at any time; one per relative.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Deserialize;

use crate::error::{DomainError, OnField, Refusals};
use crate::validate::{Invalid, date, required_text};

/// A link works this long at most (a stay is shorter; a longer one asks for a new link).
pub const LINK_DAYS: i64 = 30;

/// A delivery may be booked for today and the next few days.
pub const BOOKING_DAYS_AHEAD: i64 = 3;

pub const NAME_MAX: usize = 30;
pub const RELATION_MAX: usize = 20;
pub const ITEM_MAX: usize = 100;
pub const MESSAGE_MAX: usize = 300;

code_enum!(
    /// The window a delivery is brought to the gate in (the station's receiving hours).
    Window, "booking.window.", [
        Am => "am",
        Pm => "pm",
    ]
);

code_enum!(
    /// Where a booked delivery stands before it joins the delivery log.
    BookingState, "booking.state.", [
        Booked => "booked",
        Received => "received",
        Cancelled => "cancelled",
    ]
);

/// The link form, from the guest's page or the guest's record.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LinkInput {
    #[serde(default)]
    pub relative_name: String,
    #[serde(default)]
    pub relation: String,
    /// A checkbox: present when the guest lets the relative see test results.
    #[serde(default)]
    pub share_health: Option<String>,
    /// Staff only: how the guest consented (e.g. "住客当面同意").
    #[serde(default)]
    pub consent: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLink {
    pub relative_name: String,
    pub relation: String,
    pub share_health: bool,
    /// The consent as recorded by staff; `None` when the guest made the link.
    pub consent: Option<String>,
}

/// Every refusal at once. Staff must say how the guest consented; a guest's own link needs no
/// such record (making it is the consent).
pub fn validate_link(i: &LinkInput, by_staff: bool) -> Result<NewLink, DomainError> {
    let mut r = Refusals::default();
    let name = r.check(required_text(&i.relative_name, NAME_MAX).on("relative_name"));
    let relation = r.check(required_text(&i.relation, RELATION_MAX).on("relation"));
    let consent = if by_staff {
        r.check(required_text(&i.consent, 100).on("consent")).map(Some)
    } else {
        Some(None)
    };
    r.finish()?;
    match (name, relation, consent) {
        (Some(relative_name), Some(relation), Some(consent)) => Ok(NewLink {
            relative_name,
            relation,
            share_health: i.share_health.as_deref().is_some_and(|v| !v.is_empty()),
            consent,
        }),
        _ => Err(DomainError::Invalid { field: "relative_name", error: Invalid::Empty }),
    }
}

/// Until when a link made at `at` works (its stay's end ends it sooner).
pub fn expires_at(at: DateTime<Utc>) -> DateTime<Utc> {
    at + Duration::days(LINK_DAYS)
}

/// Whether a link is good at `now`: not revoked, not expired, its stay open.
pub fn link_good(
    revoked: bool,
    expires_at: DateTime<Utc>,
    stay_open: bool,
    now: DateTime<Utc>,
) -> bool {
    !revoked && stay_open && now < expires_at
}

/// The booking form on the relative's page.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct BookingInput {
    #[serde(default)]
    pub item: String,
    #[serde(default)]
    pub day: String,
    #[serde(default)]
    pub window: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBooking {
    pub item: String,
    pub day: NaiveDate,
    pub window: Window,
}

/// Every refusal at once: what is brought, a day from today to three days ahead, a window.
pub fn validate_booking(i: &BookingInput, today: NaiveDate) -> Result<NewBooking, DomainError> {
    let mut r = Refusals::default();
    let item = r.check(required_text(&i.item, ITEM_MAX).on("item"));
    let day = r.check(
        match i.day.trim() {
            "" => Err(Invalid::Empty),
            d => crate::station::guest::parse_date(d)
                .and_then(|d| date::within(d, today, today + Duration::days(BOOKING_DAYS_AHEAD))),
        }
        .on("day"),
    );
    let window =
        r.check(crate::validate::parse_choice(&i.window, Window::parse, "am").on("window"));
    r.finish()?;
    match (item, day, window) {
        (Some(item), Some(day), Some(window)) => Ok(NewBooking { item, day, window }),
        _ => Err(DomainError::Invalid { field: "item", error: Invalid::Empty }),
    }
}

/// The message form on the relative's page.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MessageInput {
    #[serde(default)]
    pub message: String,
}

/// What a relative writes to the front desk: said, at most 300 characters.
pub fn validate_message(i: &MessageInput) -> Result<String, DomainError> {
    required_text(&i.message, MESSAGE_MAX).on("message")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields<T: std::fmt::Debug>(r: Result<T, DomainError>) -> Vec<&'static str> {
        r.unwrap_err().each().iter().filter_map(|e| e.field()).collect()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn staff_record_the_guests_consent_and_a_guest_need_not() {
        let i = LinkInput {
            relative_name: " 李四 ".into(),
            relation: "配偶".into(),
            share_health: Some("on".into()),
            consent: String::new(),
        };
        let own = validate_link(&i, false).unwrap();
        assert_eq!(own.relative_name, "李四");
        assert!(own.share_health);
        assert_eq!(own.consent, None);
        assert_eq!(fields(validate_link(&i, true)), vec!["consent"]);
        let ok = validate_link(&LinkInput { consent: "住客电话同意".into(), ..i.clone() }, true);
        assert_eq!(ok.unwrap().consent.as_deref(), Some("住客电话同意"));
        let none = validate_link(&LinkInput::default(), true);
        assert_eq!(fields(none), vec!["relative_name", "relation", "consent"]);
        let shy = validate_link(&LinkInput { share_health: None, ..i }, false).unwrap();
        assert!(!shy.share_health, "health is shared only when asked");
    }

    #[test]
    fn a_link_stops_at_its_end_its_revocation_or_its_stays_end() {
        let at = DateTime::parse_from_rfc3339("2026-12-06T10:00:00Z").unwrap().to_utc();
        let until = expires_at(at);
        assert_eq!(until, at + Duration::days(30));
        assert!(link_good(false, until, true, at));
        assert!(!link_good(false, until, true, until));
        assert!(!link_good(true, until, true, at));
        assert!(!link_good(false, until, false, at));
    }

    #[test]
    fn a_booking_is_for_the_next_days_in_a_window() {
        let today = day(2026, 12, 6);
        let ok =
            BookingInput { item: "水果".into(), day: "2026-12-09".into(), window: "pm".into() };
        let b = validate_booking(&ok, today).unwrap();
        assert_eq!((b.day, b.window), (day(2026, 12, 9), Window::Pm));
        let late = BookingInput { day: "2026-12-10".into(), ..ok.clone() };
        assert!(matches!(
            validate_booking(&late, today),
            Err(DomainError::Invalid { field: "day", error: Invalid::OutOfRange { .. } })
        ));
        let past = BookingInput { day: "2026-12-05".into(), ..ok.clone() };
        assert_eq!(fields(validate_booking(&past, today)), vec!["day"]);
        let bad =
            BookingInput { item: " ".into(), day: "12月9日".into(), window: "night".into() };
        assert_eq!(fields(validate_booking(&bad, today)), vec!["item", "day", "window"]);
    }

    #[test]
    fn a_message_is_said_and_short() {
        assert_eq!(
            validate_message(&MessageInput { message: " 请转告他按时吃药 ".into() }).unwrap(),
            "请转告他按时吃药"
        );
        assert_eq!(
            validate_message(&MessageInput::default()).unwrap_err().field(),
            Some("message")
        );
        let long = MessageInput { message: "字".repeat(301) };
        assert!(matches!(
            validate_message(&long),
            Err(DomainError::Invalid { field: "message", error: Invalid::TooLong { max: 300 } })
        ));
    }
}
