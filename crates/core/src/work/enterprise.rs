//! Enterprises (企业) resuming work (复工复产): identity by unified social credit code, street,
//! industry, above-scale flag (规上), headcount, contact, and where resumption stands, with the
//! date of each step.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::error::{DomainError, OnField};
use crate::validate::{
    parse_choice, parse_int, parse_optional_date, parse_phone, parse_uscc, required_text,
};

code_enum!(
    /// Industry, as the district's statistics group them.
    Industry, "enterprise.industry.", [
        Manufacturing => "manufacturing",
        Logistics => "logistics",
        Construction => "construction",
        Trade => "trade",
        Catering => "catering",
        Technology => "technology",
        Services => "services",
        Other => "other",
    ]
);

code_enum!(
    /// Where resumption stands: 未复工 → 已申请 → 已批准 → 已复工.
    Resumption, "enterprise.resumption.", [
        NotStarted => "not_started",
        Applied => "applied",
        Approved => "approved",
        Resumed => "resumed",
    ]
);

pub const KEY_DATES: &str = "error.enterprise_dates";
pub const KEY_DATE_MISSING: &str = "error.enterprise_date_missing";

#[derive(Debug, Clone, Default, Deserialize)]
pub struct EnterpriseInput {
    #[serde(default)]
    pub uscc: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub street_id: String,
    #[serde(default)]
    pub industry: String,
    /// A checkbox: "on" (or "true") when above scale.
    #[serde(default)]
    pub above_scale: String,
    #[serde(default)]
    pub headcount: String,
    #[serde(default)]
    pub contact_name: String,
    #[serde(default)]
    pub contact_phone: String,
    #[serde(default)]
    pub resumption: String,
    #[serde(default)]
    pub applied_on: String,
    #[serde(default)]
    pub approved_on: String,
    #[serde(default)]
    pub resumed_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEnterprise {
    pub uscc: String,
    pub name: String,
    pub street_id: i64,
    pub industry: Industry,
    pub above_scale: bool,
    pub headcount: i64,
    pub contact_name: String,
    /// As entered, normalised ("13800138000", "+852 91234567").
    pub contact_phone: String,
    pub resumption: Resumption,
    pub applied_on: Option<NaiveDate>,
    pub approved_on: Option<NaiveDate>,
    pub resumed_on: Option<NaiveDate>,
}

/// The dates a status needs: each step reached has its date, none lies in the future, and
/// they come in order (applied ≤ approved ≤ resumed). Steps not reached keep no date.
fn check_dates(e: &NewEnterprise, today: NaiveDate) -> Result<(), DomainError> {
    let need = [
        ("applied_on", e.applied_on, Resumption::Applied),
        ("approved_on", e.approved_on, Resumption::Approved),
        ("resumed_on", e.resumed_on, Resumption::Resumed),
    ];
    let rank = |r: Resumption| Resumption::ALL.iter().position(|x| *x == r).unwrap_or(0);
    let mut last: Option<NaiveDate> = None;
    for (field, date, step) in need {
        let reached = rank(e.resumption) >= rank(step);
        crate::validate::date::optional(date, today, crate::validate::date::happened_on)
            .on(field)?;
        match (reached, date) {
            (true, None) => {
                return Err(DomainError::Rule { field: Some(field), key: KEY_DATE_MISSING });
            }
            (true, Some(d)) => {
                if last.is_some_and(|l| d < l) {
                    return Err(DomainError::Rule { field: Some(field), key: KEY_DATES });
                }
                last = Some(d);
            }
            _ => {}
        }
    }
    Ok(())
}

pub fn validate_enterprise(
    i: &EnterpriseInput,
    today: NaiveDate,
) -> Result<NewEnterprise, DomainError> {
    let e = NewEnterprise {
        uscc: parse_uscc(&i.uscc).on("uscc")?,
        name: required_text(&i.name, 100).on("name")?,
        street_id: parse_int(&i.street_id, 1, i64::MAX, "1").on("street_id")?,
        industry: parse_choice(&i.industry, Industry::parse, "manufacturing").on("industry")?,
        above_scale: crate::words::is("yes", i.above_scale.trim()),
        headcount: parse_int(&i.headcount, 0, 1_000_000, "120").on("headcount")?,
        contact_name: required_text(&i.contact_name, 40).on("contact_name")?,
        contact_phone: parse_phone(&i.contact_phone).on("contact_phone")?.display(),
        resumption: parse_choice(&i.resumption, Resumption::parse, "not_started")
            .on("resumption")?,
        applied_on: parse_optional_date(&i.applied_on).on("applied_on")?,
        approved_on: parse_optional_date(&i.approved_on).on("approved_on")?,
        resumed_on: parse_optional_date(&i.resumed_on).on("resumed_on")?,
    };
    check_dates(&e, today)?;
    // Dates of steps not reached are dropped rather than kept half-true.
    let rank = |r: Resumption| Resumption::ALL.iter().position(|x| *x == r).unwrap_or(0);
    let keep = |step: Resumption, d: Option<NaiveDate>| {
        if rank(e.resumption) >= rank(step) { d } else { None }
    };
    Ok(NewEnterprise {
        applied_on: keep(Resumption::Applied, e.applied_on),
        approved_on: keep(Resumption::Approved, e.approved_on),
        resumed_on: keep(Resumption::Resumed, e.resumed_on),
        ..e
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> EnterpriseInput {
        EnterpriseInput {
            uscc: "91350100M000100Y43".into(),
            name: "深圳市龙岗区某电子有限公司".into(),
            street_id: "2".into(),
            industry: "manufacturing".into(),
            above_scale: "on".into(),
            headcount: "860".into(),
            contact_name: "王经理".into(),
            contact_phone: "13800138000".into(),
            resumption: "resumed".into(),
            applied_on: "2020-02-10".into(),
            approved_on: "2020-02-12".into(),
            resumed_on: "2020-02-17".into(),
        }
    }

    fn today() -> NaiveDate {
        "2020-03-01".parse().unwrap()
    }

    #[test]
    fn step_dates_lie_between_2020_and_today() {
        for (bad, field) in [("0001-01-01", "applied_on"), ("2019-12-31", "applied_on")] {
            let mut e = input();
            e.resumption = "applied".into();
            e.applied_on = bad.into();
            let err = validate_enterprise(&e, today()).unwrap_err();
            assert_eq!(err.field(), Some(field), "{bad}");
        }
    }

    #[test]
    fn a_resumed_enterprise_has_its_three_dates_in_order() {
        let e = validate_enterprise(&input(), today()).unwrap();
        assert!(e.above_scale);
        assert_eq!(e.resumption, Resumption::Resumed);
        assert_eq!(e.resumed_on, Some("2020-02-17".parse().unwrap()));
        let mut bad = input();
        bad.approved_on = "2020-02-20".into();
        assert_eq!(validate_enterprise(&bad, today()).unwrap_err().field(), Some("resumed_on"));
        let mut missing = input();
        missing.approved_on = String::new();
        assert_eq!(
            validate_enterprise(&missing, today()).unwrap_err().field(),
            Some("approved_on")
        );
        let mut future = input();
        future.resumed_on = "2020-03-02".into();
        assert_eq!(validate_enterprise(&future, today()).unwrap_err().field(), Some("resumed_on"));
    }

    #[test]
    fn dates_of_steps_not_reached_are_dropped_and_identity_is_checked() {
        let mut applied = input();
        applied.resumption = "applied".into();
        let e = validate_enterprise(&applied, today()).unwrap();
        assert_eq!((e.approved_on, e.resumed_on), (None, None));
        let mut bad = input();
        bad.uscc = "91350100M000100Y44".into();
        assert_eq!(validate_enterprise(&bad, today()).unwrap_err().field(), Some("uscc"));
        let mut bad = input();
        bad.contact_phone = "12345".into();
        assert_eq!(validate_enterprise(&bad, today()).unwrap_err().field(), Some("contact_phone"));
        let mut bad = input();
        bad.industry = "mining".into();
        assert_eq!(validate_enterprise(&bad, today()).unwrap_err().field(), Some("industry"));
        let mut small = input();
        small.above_scale = String::new();
        assert!(!validate_enterprise(&small, today()).unwrap().above_scale);
    }
}

/// What resumption statistics need of enterprises that share these facts: `count` of them (the
/// store counts them in SQL, so that a district's 20,000 enterprises are a few hundred facts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatFacts {
    pub group: String,
    pub above_scale: bool,
    pub resumed_on: Option<NaiveDate>,
    pub count: i64,
}

/// Resumption in one group (a street, an industry, or all), as of a day.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Rate {
    pub group: String,
    pub total: i64,
    pub resumed: i64,
    pub above_total: i64,
    pub above_resumed: i64,
}

impl Rate {
    /// Per mille (‰): 1000 = all resumed; 0 when the group is empty.
    pub fn permille(resumed: i64, total: i64) -> i64 {
        if total <= 0 { 0 } else { (resumed * 1000 + total / 2) / total }
    }
    pub fn rate(&self) -> i64 {
        Rate::permille(self.resumed, self.total)
    }
    pub fn above_rate(&self) -> i64 {
        Rate::permille(self.above_resumed, self.above_total)
    }
}

/// Resumption per group as of `day` (resumed on or before it), groups in first-seen order,
/// and the sum of all as the last line (group "").
pub fn rates(facts: &[StatFacts], day: NaiveDate) -> Vec<Rate> {
    let mut out: Vec<Rate> = Vec::new();
    let mut all = Rate::default();
    for f in facts {
        let done = f.resumed_on.is_some_and(|d| d <= day);
        let idx = match out.iter().position(|r| r.group == f.group) {
            Some(i) => i,
            None => {
                out.push(Rate { group: f.group.clone(), ..Default::default() });
                out.len() - 1
            }
        };
        for r in [&mut out[idx], &mut all] {
            r.total += f.count;
            r.resumed += i64::from(done) * f.count;
            if f.above_scale {
                r.above_total += f.count;
                r.above_resumed += i64::from(done) * f.count;
            }
        }
    }
    out.push(all);
    out
}

/// The district's rate, all and above-scale, for each day from `from` to `to` (‰).
pub fn over_time(
    facts: &[StatFacts],
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(NaiveDate, i64, i64)> {
    from.iter_days()
        .take_while(|d| *d <= to)
        .map(|d| {
            let all = rates(facts, d).pop().unwrap_or_default();
            (d, all.rate(), all.above_rate())
        })
        .collect()
}

#[cfg(test)]
mod stat_tests {
    use super::*;

    fn f(group: &str, above: bool, day: Option<&str>) -> StatFacts {
        StatFacts {
            group: group.into(),
            above_scale: above,
            resumed_on: day.map(|d| d.parse().unwrap()),
            count: 1,
        }
    }

    #[test]
    fn rates_per_group_and_over_time() {
        let facts = [
            f("吉华街道", true, Some("2020-02-10")),
            f("吉华街道", false, None),
            f("平湖街道", true, Some("2020-02-20")),
            f("吉华街道", true, Some("2020-03-01")),
        ];
        let r = rates(&facts, "2020-02-29".parse().unwrap());
        assert_eq!(r.len(), 3);
        assert_eq!((r[0].group.as_str(), r[0].total, r[0].resumed), ("吉华街道", 3, 1));
        assert_eq!(r[0].rate(), 333);
        assert_eq!((r[0].above_total, r[0].above_resumed, r[0].above_rate()), (2, 1, 500));
        let all = &r[2];
        assert_eq!((all.group.as_str(), all.total, all.resumed, all.above_rate()), ("", 4, 2, 667));
        let t = over_time(&facts, "2020-02-09".parse().unwrap(), "2020-03-01".parse().unwrap());
        assert_eq!(t.len(), 22);
        assert_eq!(t[0].1, 0);
        assert_eq!(t[1].1, 250);
        assert_eq!(t.last().unwrap().1, 750);
        assert_eq!(t.last().unwrap().2, 1000);
        assert_eq!(Rate::permille(0, 0), 0);
    }
}
