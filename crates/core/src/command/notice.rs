//! Notices (通报): for a period and a scope (the district or one street), what the inspections
//! found, unit by unit and by severity, with the state of the rectifications. A draft shows the
//! records as they are; publishing freezes the content, and a published notice never changes.

use crate::validate::date::{happened_on, planned_for};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::command::rectification::{Severity, Status};
use crate::error::{DomainError, OnField};
use crate::validate::{optional_text, parse_int, required_text};

code_enum!(
    /// Draft (command only) or published (also to the units in scope).
    NoticeStatus, "notice.status.", [
        Draft => "draft",
        Published => "published",
    ]
);

pub const KEY_PERIOD_ORDER: &str = "error.notice_period_order";
pub const KEY_PERIOD_LONG: &str = "error.notice_period_long";
pub const KEY_PUBLISHED: &str = "error.notice_published";
/// A notice covers at most a year.
pub const MAX_DAYS: i64 = 366;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct NoticeInput {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub period_from: String,
    #[serde(default)]
    pub period_to: String,
    /// A street id, or empty for the whole district.
    #[serde(default)]
    pub street_id: String,
    /// The command's words: what was done well, what must change.
    #[serde(default)]
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotice {
    pub title: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub street_id: Option<i64>,
    pub summary: Option<String>,
}

/// A notice reports a period that has begun (it may run to the end of a week still under way).
pub fn validate_notice(i: &NoticeInput, today: NaiveDate) -> Result<NewNotice, DomainError> {
    let title = required_text(&i.title, 100).on("title")?;
    let from = crate::station::guest::parse_date(&i.period_from)
        .and_then(|d| happened_on(d, today))
        .on("period_from")?;
    let to = crate::station::guest::parse_date(&i.period_to)
        .and_then(|d| planned_for(d, today))
        .on("period_to")?;
    if to < from {
        return Err(DomainError::Rule { field: Some("period_to"), key: KEY_PERIOD_ORDER });
    }
    if (to - from).num_days() >= MAX_DAYS {
        return Err(DomainError::Rule { field: Some("period_to"), key: KEY_PERIOD_LONG });
    }
    let street_id = if i.street_id.trim().is_empty() {
        None
    } else {
        Some(parse_int(&i.street_id, 1, i64::MAX, "1").on("street_id")?)
    };
    Ok(NewNotice {
        title,
        period_from: from,
        period_to: to,
        street_id,
        summary: optional_text(&i.summary, 4000).on("summary")?,
    })
}

/// One inspected unit's line in a notice.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UnitLine {
    /// station, street or enterprise (older published notices: stations only).
    #[serde(default)]
    pub kind: String,
    /// The unit's id (a station's, street's or enterprise's, by `kind`).
    pub station_id: i64,
    pub station: String,
    pub street: String,
    pub inspections: i64,
    pub findings: i64,
    pub minor: i64,
    pub major: i64,
    pub critical: i64,
    /// Failed items with no rectification ordered yet.
    pub unordered: i64,
    pub closed: i64,
    pub overdue: i64,
}

/// One finding, as listed in the notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FindingLine {
    pub station: String,
    pub topic: String,
    pub item: String,
    pub finding: String,
    /// None when no rectification was ordered ("" in the JSON).
    #[serde(with = "crate::error::code_or_empty")]
    #[schemars(with = "String")]
    pub severity: Option<Severity>,
    /// The rectification's status ("" in the JSON when none was ordered).
    #[serde(with = "crate::error::code_or_empty")]
    #[schemars(with = "String")]
    pub status: Option<Status>,
    pub deadline: Option<NaiveDate>,
    pub overdue: bool,
}

/// What a notice says: the units inspected (worst first) with the district's totals, and the
/// findings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Content {
    pub units: Vec<UnitLine>,
    pub total: UnitLine,
    pub findings: Vec<FindingLine>,
    /// The positive cases in force in the period and scope (older notices have none).
    #[serde(default)]
    pub cases: Vec<crate::station::case::CaseFact>,
}

/// Puts the inspected units in order — most critical, then major findings, then overdue, then
/// name — drops units not inspected in the period, and sums them.
pub fn compose(mut units: Vec<UnitLine>, findings: Vec<FindingLine>) -> Content {
    units.retain(|u| u.inspections > 0);
    units.sort_by(|a, b| {
        (b.critical, b.major, b.overdue, b.findings)
            .cmp(&(a.critical, a.major, a.overdue, a.findings))
            .then_with(|| a.station.cmp(&b.station))
    });
    let mut total = UnitLine::default();
    for u in &units {
        total.inspections += u.inspections;
        total.findings += u.findings;
        total.minor += u.minor;
        total.major += u.major;
        total.critical += u.critical;
        total.unordered += u.unordered;
        total.closed += u.closed;
        total.overdue += u.overdue;
    }
    Content { units, total, findings, cases: Vec::new() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        "2026-03-10".parse().unwrap()
    }

    #[test]
    fn a_period_has_begun_and_ends_within_a_year() {
        let mut i = input();
        i.period_from = "2026-03-11".into();
        i.period_to = "2026-03-12".into();
        assert_eq!(validate_notice(&i, today()).unwrap_err().field(), Some("period_from"));
        i.period_from = "0001-01-01".into();
        assert_eq!(validate_notice(&i, today()).unwrap_err().field(), Some("period_from"));
    }

    fn input() -> NoticeInput {
        NoticeInput {
            title: "关于3月上旬健康驿站督导检查情况的通报".into(),
            period_from: "2026-03-01".into(),
            period_to: "2026-03-10".into(),
            street_id: String::new(),
            summary: "总体平稳。".into(),
        }
    }

    #[test]
    fn a_notice_needs_a_title_and_an_ordered_period() {
        let n = validate_notice(&input(), today()).unwrap();
        assert_eq!(n.street_id, None);
        assert_eq!((n.period_to - n.period_from).num_days(), 9);
        let mut bad = input();
        bad.period_to = "2026-02-28".into();
        assert_eq!(validate_notice(&bad, today()).unwrap_err().field(), Some("period_to"));
        bad.period_to = "2027-03-02".into();
        assert_eq!(validate_notice(&bad, today()).unwrap_err().field(), Some("period_to"));
        let mut bad = input();
        bad.title = "  ".into();
        assert_eq!(validate_notice(&bad, today()).unwrap_err().field(), Some("title"));
        let mut bad = input();
        bad.street_id = "x".into();
        assert_eq!(validate_notice(&bad, today()).unwrap_err().field(), Some("street_id"));
        let mut street = input();
        street.street_id = "3".into();
        assert_eq!(validate_notice(&street, today()).unwrap().street_id, Some(3));
    }

    #[test]
    fn units_are_ranked_worst_first_and_summed() {
        let u = |name: &str, inspections, critical, major, overdue| UnitLine {
            station: name.into(),
            inspections,
            findings: critical + major,
            critical,
            major,
            overdue,
            ..Default::default()
        };
        let c = compose(
            vec![
                u("甲", 1, 0, 2, 0),
                u("乙", 2, 1, 0, 0),
                u("丙", 0, 0, 0, 0),
                u("丁", 1, 0, 2, 1),
            ],
            vec![],
        );
        let names: Vec<&str> = c.units.iter().map(|u| u.station.as_str()).collect();
        assert_eq!(names, ["乙", "丁", "甲"]);
        assert_eq!((c.total.inspections, c.total.findings, c.total.overdue), (4, 5, 1));
    }
}
