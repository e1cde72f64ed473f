//! Returning workers (返岗人员): who comes back to which employer, from where, how and when, and
//! where they stand (registered → booked → arrived → at work). The same rules check one person
//! typed in a form and each row of a bulk import.

use crate::validate::date::{optional, planned_for};
use chrono::NaiveDate;
use serde::Deserialize;

use crate::error::{DomainError, OnField};
use crate::validate::{
    Invalid, optional_text, parse_choice, parse_id_card, parse_phone, required_text,
};
use crate::words;

code_enum!(
    /// How they travel back.
    Transport, "worker.transport.", [
        Train => "train",
        Bus => "bus",
        OnTheirOwn => "own",
        Other => "other",
    ]
);

code_enum!(
    /// Where the return stands.
    WorkerStatus, "worker.status.", [
        Registered => "registered",
        Booked => "booked",
        Arrived => "arrived",
        AtWork => "at_work",
    ]
);

/// Provincial-level divisions, short names (北京 … 澳门).
pub fn provinces() -> &'static [&'static str] {
    words::words("province")
}

/// "云南省", "广西壮族自治区", "云南" → "云南"; unknown names are refused.
pub fn parse_province(s: &str) -> Result<&'static str, Invalid> {
    let t = s.trim();
    if t.is_empty() {
        return Err(Invalid::Empty);
    }
    let short = words::words("province.suffix")
        .iter()
        .fold(t, |acc, suffix| acc.strip_suffix(suffix).unwrap_or(acc));
    let hint = words::word("province.hint");
    provinces().iter().copied().find(|p| *p == short).ok_or(Invalid::BadFormat { hint })
}

pub const KEY_ARRIVAL_NEEDED: &str = "error.worker_arrival_needed";
pub const KEY_ARRIVAL_FUTURE: &str = "error.worker_arrival_future";

#[derive(Debug, Clone, Default, Deserialize)]
pub struct WorkerInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub province: String,
    #[serde(default)]
    pub city: String,
    /// The employer's id (from a form's select).
    #[serde(default)]
    pub enterprise_id: String,
    #[serde(default)]
    pub transport: String,
    #[serde(default)]
    pub arrival_date: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub health: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWorker {
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub province: &'static str,
    pub city: String,
    pub enterprise_id: i64,
    pub transport: Transport,
    pub arrival_date: Option<NaiveDate>,
    pub status: WorkerStatus,
    pub health: Option<String>,
}

pub fn validate_worker(i: &WorkerInput, today: NaiveDate) -> Result<NewWorker, DomainError> {
    validate_worker_fields(i, today).map_err(|mut errors| errors.remove(0))
}

/// Every field checked, every problem reported (an import's error report lists them all);
/// `Err` holds at least one error.
pub fn validate_worker_fields(
    i: &WorkerInput,
    today: NaiveDate,
) -> Result<NewWorker, Vec<DomainError>> {
    let mut errors = Vec::new();
    macro_rules! keep {
        ($e:expr) => {
            match $e {
                Ok(v) => Some(v),
                Err(e) => {
                    errors.push(e);
                    None
                }
            }
        };
    }
    let name = keep!(required_text(&i.name, 40).on("name"));
    let id_number = keep!(parse_id_card(&i.id_number, today).on("id_number").map(|c| c.number));
    let phone = keep!(parse_phone(&i.phone).on("phone").map(|p| p.display()));
    let province = keep!(parse_province(&i.province).on("province"));
    let city = keep!(required_text(&i.city, 30).on("city"));
    let enterprise_id =
        keep!(crate::validate::parse_int(&i.enterprise_id, 1, i64::MAX, "1").on("enterprise_id"));
    let transport = keep!(parse_choice(&i.transport, Transport::parse, "train").on("transport"));
    let status = keep!(parse_choice(&i.status, WorkerStatus::parse, "registered").on("status"));
    let arrival_date = keep!(
        crate::station::guest::parse_optional_date(&i.arrival_date)
            .and_then(|d| optional(d, today, planned_for))
            .on("arrival_date")
    );
    let health = keep!(optional_text(&i.health, 200).on("health"));
    if let (Some(status), Some(arrival)) = (status, arrival_date) {
        let arrived = matches!(status, WorkerStatus::Arrived | WorkerStatus::AtWork);
        if arrived && arrival.is_none() {
            errors.push(DomainError::Rule { field: Some("arrival_date"), key: KEY_ARRIVAL_NEEDED });
        } else if arrived && arrival.is_some_and(|d| d > today) {
            errors.push(DomainError::Rule { field: Some("arrival_date"), key: KEY_ARRIVAL_FUTURE });
        }
    }
    match (
        name,
        id_number,
        phone,
        province,
        city,
        enterprise_id,
        transport,
        status,
        arrival_date,
        health,
    ) {
        (
            Some(name),
            Some(id_number),
            Some(phone),
            Some(province),
            Some(city),
            Some(enterprise_id),
            Some(transport),
            Some(status),
            Some(arrival_date),
            Some(health),
        ) if errors.is_empty() => Ok(NewWorker {
            name,
            id_number,
            phone,
            province,
            city,
            enterprise_id,
            transport,
            arrival_date,
            status,
            health,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        "2020-03-01".parse().unwrap()
    }

    fn input() -> WorkerInput {
        WorkerInput {
            name: "李春花".into(),
            id_number: "11010519491231002X".into(),
            phone: "13800138000".into(),
            province: "云南省".into(),
            city: "昭通".into(),
            enterprise_id: "3".into(),
            transport: "train".into(),
            arrival_date: "2020-02-20".into(),
            status: "at_work".into(),
            health: "无发热、咳嗽".into(),
        }
    }

    #[test]
    fn provinces_by_short_or_full_name() {
        assert_eq!(parse_province("云南省"), Ok("云南"));
        assert_eq!(parse_province("广西壮族自治区"), Ok("广西"));
        assert_eq!(parse_province(" 四川 "), Ok("四川"));
        assert_eq!(parse_province("重庆市"), Ok("重庆"));
        assert_eq!(parse_province("新疆维吾尔自治区"), Ok("新疆"));
        assert!(parse_province("火星").is_err());
        assert_eq!(parse_province(""), Err(Invalid::Empty));
    }

    #[test]
    fn a_worker_is_checked_field_by_field() {
        let w = validate_worker(&input(), today()).unwrap();
        assert_eq!((w.province, w.status), ("云南", WorkerStatus::AtWork));
        for (field, bad) in [
            ("id_number", WorkerInput { id_number: "110105194912310021".into(), ..input() }),
            ("phone", WorkerInput { phone: "1380013".into(), ..input() }),
            ("province", WorkerInput { province: "火星".into(), ..input() }),
            ("transport", WorkerInput { transport: "plane".into(), ..input() }),
            ("arrival_date", WorkerInput { arrival_date: String::new(), ..input() }),
            ("arrival_date", WorkerInput { arrival_date: "2020-03-05".into(), ..input() }),
            ("enterprise_id", WorkerInput { enterprise_id: "x".into(), ..input() }),
            ("name", WorkerInput { name: " ".into(), ..input() }),
        ] {
            assert_eq!(validate_worker(&bad, today()).unwrap_err().field(), Some(field), "{field}");
        }
        // Registered and booked workers may have a planned arrival in the future.
        let planned =
            WorkerInput { status: "booked".into(), arrival_date: "2020-03-05".into(), ..input() };
        assert!(validate_worker(&planned, today()).is_ok());
    }
}
