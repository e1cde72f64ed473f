//! Stations (驿站) as reference data.

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, OnField};
use crate::validate::{Invalid, parse_phone, required_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StationKind {
    /// A hotel run as a closed-loop station (健康驿站).
    Hotel,
    /// A purpose-built centralized quarantine site (集中隔离点).
    Centralized,
    Other,
}

impl StationKind {
    pub const ALL: [StationKind; 3] =
        [StationKind::Hotel, StationKind::Centralized, StationKind::Other];
    pub fn as_str(self) -> &'static str {
        match self {
            StationKind::Hotel => "hotel",
            StationKind::Centralized => "centralized",
            StationKind::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<StationKind> {
        StationKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}
stored_code!(StationKind);

/// Raw input from a form or the API, all text so that every error can name its field.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StationInput {
    #[serde(default)]
    pub street_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub capacity: String,
    #[serde(default)]
    pub contact_name: String,
    #[serde(default)]
    pub contact_phone: String,
    /// Checkbox semantics: absent means inactive only when `active_present` is set.
    #[serde(default)]
    pub active: Option<String>,
}

/// A validated station.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStation {
    pub street_id: i64,
    pub name: String,
    pub address: String,
    pub kind: StationKind,
    pub capacity: i64,
    pub contact_name: String,
    pub contact_phone: String,
    pub active: bool,
}

/// Largest plausible station, in beds; a typo like 50000 is refused.
pub const MAX_CAPACITY: i64 = 5000;

pub fn parse_id(s: &str) -> Result<i64, Invalid> {
    let t = s.trim();
    if t.is_empty() {
        return Err(Invalid::Empty);
    }
    t.parse::<i64>().ok().filter(|v| *v > 0).ok_or(Invalid::BadFormat { hint: "1" })
}

pub fn validate_station(i: &StationInput) -> Result<NewStation, DomainError> {
    let street_id = parse_id(&i.street_id).on("street_id")?;
    let name = required_text(&i.name, 60).on("name")?;
    let address = required_text(&i.address, 200).on("address")?;
    let kind =
        StationKind::parse(i.kind.trim()).ok_or(Invalid::BadFormat { hint: "hotel" }).on("kind")?;
    let capacity = parse_count(&i.capacity, MAX_CAPACITY).on("capacity")?;
    let contact_name = required_text(&i.contact_name, 30).on("contact_name")?;
    let contact_phone = parse_phone(&i.contact_phone).on("contact_phone")?.display();
    let active = match i.active.as_deref().map(str::trim) {
        None | Some("true" | "on" | "1") => true,
        Some("false" | "off" | "0") => false,
        Some(_) => {
            return Err(DomainError::Invalid {
                field: "active",
                error: Invalid::BadFormat { hint: "true" },
            });
        }
    };
    Ok(NewStation { street_id, name, address, kind, capacity, contact_name, contact_phone, active })
}

/// A whole number in 0..=max.
pub fn parse_count(s: &str, max: i64) -> Result<i64, Invalid> {
    let t = s.trim();
    if t.is_empty() {
        return Err(Invalid::Empty);
    }
    let v: i64 = t.parse().map_err(|_| Invalid::BadFormat { hint: "120" })?;
    if !(0..=max).contains(&v) {
        return Err(Invalid::OutOfRange { min: "0".into(), max: max.to_string() });
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> StationInput {
        StationInput {
            street_id: "3".into(),
            name: " 卓汇健康驿站 ".into(),
            address: "龙岗区吉华街道".into(),
            kind: "hotel".into(),
            capacity: "120".into(),
            contact_name: "王主任".into(),
            contact_phone: "138 0013 8000".into(),
            active: None,
        }
    }

    #[test]
    fn a_good_station_is_normalised() {
        let s = validate_station(&good()).unwrap();
        assert_eq!(s.name, "卓汇健康驿站");
        assert_eq!(s.contact_phone, "13800138000");
        assert_eq!(s.capacity, 120);
        assert!(s.active);
    }

    #[test]
    fn each_bad_field_is_named() {
        type Spoil = fn(&mut StationInput);
        let cases: [(&str, Spoil); 7] = [
            ("street_id", |i| i.street_id = "x".into()),
            ("name", |i| i.name = "  ".into()),
            ("address", |i| i.address = String::new()),
            ("kind", |i| i.kind = "castle".into()),
            ("capacity", |i| i.capacity = "-1".into()),
            ("contact_phone", |i| i.contact_phone = "12345".into()),
            ("active", |i| i.active = Some("maybe".into())),
        ];
        for (field, spoil) in cases {
            let mut i = good();
            spoil(&mut i);
            let e = validate_station(&i).unwrap_err();
            assert_eq!(e.field(), Some(field), "{e:?}");
        }
    }

    #[test]
    fn capacity_bounds() {
        assert_eq!(parse_count("0", 10), Ok(0));
        assert_eq!(parse_count("10", 10), Ok(10));
        assert!(parse_count("11", 10).is_err());
        assert!(parse_count("1.5", 10).is_err());
    }
}
