//! Special trains (返岗专列) and chartered buses (点对点包车) bringing workers back: each with
//! its seats, a manifest that never holds more people than seats, and the pickup plan at
//! arrival (which employer collects whom, where, when).

use crate::validate::date::planned_for;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use crate::error::{DomainError, OnField};
use crate::validate::{optional_text, parse_choice, parse_int, parse_plate, required_text};

code_enum!(
    /// A special train or a chartered bus.
    TransportKind, "transport.kind.", [
        Train => "train",
        Bus => "bus",
    ]
);

pub const KEY_FULL: &str = "error.transport_full";
pub const KEY_ALREADY_ON: &str = "error.transport_worker_booked";

#[derive(Debug, Clone, Default, Deserialize)]
pub struct TransportInput {
    #[serde(default)]
    pub kind: String,
    /// 车次 (e.g. "K4158 返岗专列") or the bus's route name.
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub origin: String,
    #[serde(default)]
    pub departs_on: String,
    #[serde(default)]
    pub capacity: String,
    /// Trains: carriages.
    #[serde(default)]
    pub carriages: String,
    /// Buses: plate and driver.
    #[serde(default)]
    pub plate: String,
    #[serde(default)]
    pub driver: String,
    /// Where and when it arrives (the pickup point).
    #[serde(default)]
    pub arrival_place: String,
    #[serde(default)]
    pub arrives_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTransport {
    pub kind: TransportKind,
    pub name: String,
    pub origin: String,
    pub departs_on: NaiveDate,
    pub capacity: i64,
    pub carriages: Option<i64>,
    pub plate: Option<String>,
    pub driver: Option<String>,
    pub arrival_place: String,
    pub arrives_at: Option<DateTime<Utc>>,
}

/// The largest load: a 16-carriage train.
pub const MAX_CAPACITY: i64 = 2000;

pub fn validate_transport(
    i: &TransportInput,
    now: DateTime<Utc>,
) -> Result<NewTransport, DomainError> {
    let kind = parse_choice(&i.kind, TransportKind::parse, "train").on("kind")?;
    let (carriages, plate, driver) = match kind {
        TransportKind::Train => {
            (Some(parse_int(&i.carriages, 1, 30, "12").on("carriages")?), None, None)
        }
        TransportKind::Bus => (
            None,
            Some(parse_plate(&i.plate).on("plate")?),
            Some(required_text(&i.driver, 40).on("driver")?),
        ),
    };
    let arrives_at = if i.arrives_at.trim().is_empty() {
        None
    } else {
        // A plan may lie in the future: check the format against a far-away "now".
        let far = now + chrono::Duration::days(3650);
        Some(crate::validate::parse_local_datetime(&i.arrives_at, far).on("arrives_at")?)
    };
    Ok(NewTransport {
        kind,
        name: required_text(&i.name, 60).on("name")?,
        origin: required_text(&i.origin, 40).on("origin")?,
        departs_on: crate::station::guest::parse_date(&i.departs_on)
            .and_then(|d| planned_for(d, crate::time::local_date(now)))
            .on("departs_on")?,
        capacity: parse_int(
            &i.capacity,
            1,
            if kind == TransportKind::Bus { 70 } else { MAX_CAPACITY },
            "50",
        )
        .on("capacity")?,
        carriages,
        plate,
        driver,
        arrival_place: optional_text(&i.arrival_place, 60).on("arrival_place")?.unwrap_or_default(),
        arrives_at,
    })
}

/// A seat can be taken up to the day the vehicle leaves (China Standard Time); after that its
/// manifest is a record of who travelled, not a booking.
pub fn check_boarding(departs_on: NaiveDate, today: NaiveDate) -> Result<(), DomainError> {
    if departs_on < today {
        return Err(DomainError::Rule { field: None, key: KEY_DEPARTED });
    }
    Ok(())
}

pub const KEY_DEPARTED: &str = "error.transport_departed";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boarding_closes_when_the_vehicle_has_left() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert!(check_boarding(d("2020-02-20"), d("2020-02-19")).is_ok());
        assert!(check_boarding(d("2020-02-20"), d("2020-02-20")).is_ok());
        assert_eq!(
            check_boarding(d("2020-02-20"), d("2020-04-02")),
            Err(DomainError::Rule { field: None, key: KEY_DEPARTED })
        );
    }

    #[test]
    fn a_train_needs_carriages_a_bus_a_plate_and_a_driver() {
        let now = chrono::Utc::now();
        let train = TransportInput {
            kind: "train".into(),
            name: "K4158 返岗专列".into(),
            origin: "云南 昆明".into(),
            departs_on: "2020-02-20".into(),
            capacity: "600".into(),
            carriages: "12".into(),
            arrival_place: "深圳东站".into(),
            arrives_at: "2020-02-21 08:30".into(),
            ..Default::default()
        };
        let t = validate_transport(&train, now).unwrap();
        assert_eq!((t.capacity, t.carriages, t.plate), (600, Some(12), None));
        let no_carriages = TransportInput { carriages: String::new(), ..train.clone() };
        assert_eq!(validate_transport(&no_carriages, now).unwrap_err().field(), Some("carriages"));
        let bus = TransportInput {
            kind: "bus".into(),
            capacity: "45".into(),
            plate: "粤B12345".into(),
            driver: "张师傅".into(),
            carriages: String::new(),
            ..train.clone()
        };
        assert_eq!(validate_transport(&bus, now).unwrap().plate.as_deref(), Some("粤B12345"));
        let big_bus = TransportInput { capacity: "80".into(), ..bus.clone() };
        assert_eq!(validate_transport(&big_bus, now).unwrap_err().field(), Some("capacity"));
        let no_plate = TransportInput { plate: "ABC".into(), ..bus };
        assert_eq!(validate_transport(&no_plate, now).unwrap_err().field(), Some("plate"));
    }
}
