//! Disinfection (消杀): routine schedules per area, records with agent, concentration and
//! duration, terminal disinfection of rooms (终末消毒) checked by a second person, and the
//! medical-waste hand-over ledger (医疗废物交接) with two signatures.

use crate::validate::date::happened_on;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, OnField};
use crate::validate::{parse_choice, parse_int, parse_local_datetime, required_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AreaKind {
    Corridor,
    Lift,
    Public,
    Other,
}

impl AreaKind {
    pub const ALL: [AreaKind; 4] =
        [AreaKind::Corridor, AreaKind::Lift, AreaKind::Public, AreaKind::Other];
    pub fn as_str(self) -> &'static str {
        match self {
            AreaKind::Corridor => "corridor",
            AreaKind::Lift => "lift",
            AreaKind::Public => "public",
            AreaKind::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<AreaKind> {
        AreaKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
    pub fn label_key(self) -> &'static str {
        match self {
            AreaKind::Corridor => "disinfection.area.corridor",
            AreaKind::Lift => "disinfection.area.lift",
            AreaKind::Public => "disinfection.area.public",
            AreaKind::Other => "disinfection.area.other",
        }
    }
}
stored_code!(AreaKind);

#[derive(Debug, Clone, Default, Deserialize)]
pub struct AreaInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub every_hours: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewArea {
    pub name: String,
    pub kind: AreaKind,
    pub every_hours: i64,
}

pub fn validate_area(i: &AreaInput) -> Result<NewArea, DomainError> {
    Ok(NewArea {
        name: required_text(&i.name, 30).on("name")?,
        kind: parse_choice(&i.kind, AreaKind::parse, "corridor").on("kind")?,
        every_hours: parse_int(&i.every_hours, 1, 168, "4").on("every_hours")?,
    })
}

/// What was disinfected, how, and by whom. `target` says where: `area:ID` or `room:ID`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RecordInput {
    #[serde(default)]
    pub target: String,
    #[serde(default)]
    pub agent: String,
    /// Effective chlorine (or other agent) concentration, mg/L.
    #[serde(default)]
    pub concentration: String,
    #[serde(default)]
    pub minutes: String,
    /// The person who did it (消杀人员), as written on the paper record.
    #[serde(default)]
    pub operator: String,
    #[serde(default)]
    pub done_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Area(i64),
    Room(i64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRecord {
    pub place: Place,
    pub agent: String,
    pub concentration: i64,
    pub minutes: i64,
    pub operator: String,
    pub done_at: DateTime<Utc>,
}

fn parse_place(s: &str) -> Result<Place, crate::validate::Invalid> {
    let bad = crate::validate::Invalid::BadFormat { hint: "room:12" };
    let (kind, id) = s.trim().split_once(':').ok_or(bad.clone())?;
    let id: i64 = id.parse().map_err(|_| bad.clone())?;
    match kind {
        "area" if id > 0 => Ok(Place::Area(id)),
        "room" if id > 0 => Ok(Place::Room(id)),
        _ => Err(bad),
    }
}

pub fn validate_record(i: &RecordInput, now: DateTime<Utc>) -> Result<NewRecord, DomainError> {
    if i.target.trim().is_empty() {
        return Err(crate::validate::Invalid::Empty).on("target");
    }
    Ok(NewRecord {
        place: parse_place(&i.target).on("target")?,
        agent: required_text(&i.agent, 30).on("agent")?,
        concentration: parse_int(&i.concentration, 1, 20_000, "500").on("concentration")?,
        minutes: parse_int(&i.minutes, 1, 1440, "30").on("minutes")?,
        operator: required_text(&i.operator, 30).on("operator")?,
        done_at: parse_local_datetime(&i.done_at, now).on("done_at")?,
    })
}

pub const KEY_VERIFIER_IS_OPERATOR: &str = "error.verifier_is_operator";
pub const KEY_NOT_TERMINAL: &str = "error.disinfection_not_terminal";
pub const KEY_ALREADY_VERIFIED: &str = "error.disinfection_already_verified";
pub const KEY_SAME_SIGNATURE: &str = "error.waste_same_signature";
pub const RULE_KEYS: &[&str] =
    &[KEY_VERIFIER_IS_OPERATOR, KEY_NOT_TERMINAL, KEY_ALREADY_VERIFIED, KEY_SAME_SIGNATURE];

fn same_person(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.split_whitespace().collect::<String>();
    norm(a) == norm(b)
}

/// The evaluation of a terminal disinfection is a second pair of eyes: the person who verifies
/// is neither the one who did it nor the one who recorded it.
pub fn check_verifier(
    operator: &str,
    recorded_by_id: Option<i64>,
    verifier: &str,
    verifier_id: Option<i64>,
) -> Result<(), DomainError> {
    let own_record = recorded_by_id.is_some() && recorded_by_id == verifier_id;
    if own_record || same_person(operator, verifier) {
        return Err(DomainError::Rule { field: Some("verifier"), key: KEY_VERIFIER_IS_OPERATOR });
    }
    Ok(())
}

/// When an area is next due: `every_hours` after its last record, or now if it never had one.
pub fn next_due(
    last: Option<DateTime<Utc>>,
    every_hours: i64,
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    last.map(|t| t + chrono::Duration::hours(every_hours)).unwrap_or(now)
}

pub fn is_overdue(last: Option<DateTime<Utc>>, every_hours: i64, now: DateTime<Utc>) -> bool {
    last.is_none_or(|t| t + chrono::Duration::hours(every_hours) < now)
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct WasteInput {
    #[serde(default)]
    pub day: String,
    #[serde(default)]
    pub bags: String,
    /// Kilograms, one decimal ("12.5").
    #[serde(default)]
    pub weight_kg: String,
    #[serde(default)]
    pub contractor: String,
    #[serde(default)]
    pub handed_by: String,
    #[serde(default)]
    pub received_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWaste {
    pub day: NaiveDate,
    pub bags: i64,
    /// Tenths of a kilogram.
    pub weight_tenths: i64,
    pub contractor: String,
    pub handed_by: String,
    pub received_by: String,
}

/// "12.5" kg → 125 tenths; at most one decimal, up to 10 000 kg.
fn parse_kg(s: &str) -> Result<i64, crate::validate::Invalid> {
    use crate::validate::Invalid;
    let t = s.trim();
    if t.is_empty() {
        return Err(Invalid::Empty);
    }
    let (whole, frac) = t.split_once('.').unwrap_or((t, "0"));
    if frac.len() > 1 {
        return Err(Invalid::TooManyDecimals { max: 1 });
    }
    let tenths = parse_int(whole, 0, 10_000, "12.5")? * 10 + parse_int(frac, 0, 9, "12.5")?;
    if tenths > 100_000 {
        return Err(Invalid::OutOfRange { min: "0".into(), max: "10000".into() });
    }
    Ok(tenths)
}

pub fn validate_waste(i: &WasteInput, today: NaiveDate) -> Result<NewWaste, DomainError> {
    let day =
        crate::station::guest::parse_date(&i.day).and_then(|d| happened_on(d, today)).on("day")?;
    let w = NewWaste {
        day,
        bags: parse_int(&i.bags, 0, 10_000, "6").on("bags")?,
        weight_tenths: parse_kg(&i.weight_kg).on("weight_kg")?,
        contractor: required_text(&i.contractor, 60).on("contractor")?,
        handed_by: required_text(&i.handed_by, 30).on("handed_by")?,
        received_by: required_text(&i.received_by, 30).on("received_by")?,
    };
    if same_person(&w.handed_by, &w.received_by) {
        return Err(DomainError::Rule { field: Some("received_by"), key: KEY_SAME_SIGNATURE });
    }
    Ok(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-01-02T12:00:00Z".parse().unwrap()
    }

    fn good() -> RecordInput {
        RecordInput {
            target: "room:12".into(),
            agent: "含氯消毒剂".into(),
            concentration: "1000".into(),
            minutes: "30".into(),
            operator: "刘师傅".into(),
            done_at: "2026-01-02 10:00".into(),
        }
    }

    #[test]
    fn records_validate_field_by_field() {
        let r = validate_record(&good(), now()).unwrap();
        assert_eq!(r.place, Place::Room(12));
        assert_eq!(r.concentration, 1000);
        let area =
            validate_record(&RecordInput { target: "area:3".into(), ..good() }, now()).unwrap();
        assert_eq!(area.place, Place::Area(3));
        for (i, field) in [
            (RecordInput { target: String::new(), ..good() }, "target"),
            (RecordInput { target: "room:x".into(), ..good() }, "target"),
            (RecordInput { target: "floor:3".into(), ..good() }, "target"),
            (RecordInput { target: "room:0".into(), ..good() }, "target"),
            (RecordInput { agent: String::new(), ..good() }, "agent"),
            (RecordInput { concentration: "0".into(), ..good() }, "concentration"),
            (RecordInput { concentration: "20001".into(), ..good() }, "concentration"),
            (RecordInput { minutes: "1441".into(), ..good() }, "minutes"),
            (RecordInput { operator: " ".into(), ..good() }, "operator"),
            (RecordInput { done_at: "2026-01-03 10:00".into(), ..good() }, "done_at"),
        ] {
            assert_eq!(validate_record(&i, now()).unwrap_err().field(), Some(field), "{i:?}");
        }
    }

    #[test]
    fn a_second_person_verifies() {
        assert!(check_verifier("刘师傅", Some(1), "王医生", Some(2)).is_ok());
        // The operator by name (spaces do not make another person) or the recorder by account.
        assert!(check_verifier("刘 师傅", Some(1), "刘师傅", Some(2)).is_err());
        assert!(check_verifier("刘师傅", Some(2), "王医生", Some(2)).is_err());
        assert!(check_verifier("刘师傅", None, "王医生", None).is_ok());
        assert_eq!(
            check_verifier("刘师傅", Some(1), "刘师傅", Some(2)).unwrap_err(),
            DomainError::Rule { field: Some("verifier"), key: KEY_VERIFIER_IS_OPERATOR }
        );
    }

    #[test]
    fn areas_fall_due() {
        let n = now();
        assert!(is_overdue(None, 4, n));
        assert!(!is_overdue(Some(n - chrono::Duration::hours(4)), 4, n));
        assert!(is_overdue(
            Some(n - chrono::Duration::hours(4) - chrono::Duration::seconds(1)),
            4,
            n
        ));
        assert_eq!(next_due(Some(n), 4, n), n + chrono::Duration::hours(4));
        assert_eq!(next_due(None, 4, n), n);
        let a = validate_area(&AreaInput {
            name: "3楼走廊".into(),
            kind: "corridor".into(),
            every_hours: "4".into(),
        })
        .unwrap();
        assert_eq!((a.kind, a.every_hours), (AreaKind::Corridor, 4));
        let bad = validate_area(&AreaInput {
            name: "x".into(),
            kind: "corridor".into(),
            every_hours: "0".into(),
        });
        assert_eq!(bad.unwrap_err().field(), Some("every_hours"));
    }

    #[test]
    fn waste_needs_two_signatures() {
        let today = NaiveDate::from_ymd_opt(2026, 1, 2).unwrap();
        let good = WasteInput {
            day: "2026-01-02".into(),
            bags: "6".into(),
            weight_kg: "12.5".into(),
            contractor: "深圳市医疗废物处置中心".into(),
            handed_by: "刘师傅".into(),
            received_by: "陈司机".into(),
        };
        let w = validate_waste(&good, today).unwrap();
        assert_eq!((w.bags, w.weight_tenths), (6, 125));
        assert_eq!(
            validate_waste(&WasteInput { weight_kg: "3".into(), ..good.clone() }, today)
                .unwrap()
                .weight_tenths,
            30
        );
        for (i, field) in [
            (WasteInput { day: "2026-01-03".into(), ..good.clone() }, "day"),
            (WasteInput { bags: "-1".into(), ..good.clone() }, "bags"),
            (WasteInput { weight_kg: "1.25".into(), ..good.clone() }, "weight_kg"),
            (WasteInput { weight_kg: "abc".into(), ..good.clone() }, "weight_kg"),
            (WasteInput { contractor: String::new(), ..good.clone() }, "contractor"),
            (WasteInput { received_by: "刘 师傅".into(), ..good.clone() }, "received_by"),
        ] {
            assert_eq!(validate_waste(&i, today).unwrap_err().field(), Some(field), "{i:?}");
        }
    }
}
