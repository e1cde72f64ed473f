//! Quarantine policies as dated data, and the day arithmetic of a stay
//! (docs/design.md §3). Days are Asia/Shanghai calendar days: the day of check-in is
//! day 1, whatever the hour.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, OnField};
use crate::station::guest::{parse_date, parse_flag, parse_optional_date};
use crate::time::local_date;
use crate::validate::date::{optional, planned_for};
use crate::validate::{Invalid, optional_text, required_text};

/// How test samples are taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SampleType {
    /// 鼻拭子.
    Nasal,
    /// 咽拭子.
    Throat,
    /// 鼻咽拭子 / both.
    NasalThroat,
}

impl SampleType {
    pub const ALL: [SampleType; 3] =
        [SampleType::Nasal, SampleType::Throat, SampleType::NasalThroat];
    pub fn as_str(self) -> &'static str {
        match self {
            SampleType::Nasal => "nasal",
            SampleType::Throat => "throat",
            SampleType::NasalThroat => "nasal_throat",
        }
    }
    pub fn parse(s: &str) -> Option<SampleType> {
        SampleType::ALL.into_iter().find(|t| t.as_str() == s)
    }
}
stored_code!(SampleType);

/// One version of a quarantine policy. Several versions may share a `code`;
/// the one in force on a date is chosen by [`policy_in_force`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarantinePolicy {
    /// Stable identifier such as `14+7` or `driver`.
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// Days of centralized quarantine at the station.
    pub centralized_days: i64,
    /// Days of home quarantine / monitoring after release.
    pub home_days: i64,
    /// 1-based days of the centralized period on which a test is due;
    /// sorted, without duplicates, each in `1..=centralized_days`.
    /// Not used when `daily_test` is set.
    pub test_days: Vec<i64>,
    /// A test every day of the centralized period.
    pub daily_test: bool,
    pub sample_type: SampleType,
    /// 双采双检: two samples per test, processed separately.
    pub double_sampling: bool,
    pub valid_from: NaiveDate,
    /// Last day in force (inclusive); `None` = open-ended.
    pub valid_to: Option<NaiveDate>,
}

impl QuarantinePolicy {
    /// `test_days` as typed in a form: `1,4,7,14`.
    pub fn test_days_text(&self) -> String {
        self.test_days.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
    }

    /// Whether the policy is in force on `on` (both ends inclusive).
    pub fn in_force_on(&self, on: NaiveDate) -> bool {
        in_force(self.valid_from, self.valid_to, on)
    }
}

/// Is a version valid from `from` (to `to`, both days included) in force on `on`?
pub fn in_force(from: NaiveDate, to: Option<NaiveDate>, on: NaiveDate) -> bool {
    from <= on && to.is_none_or(|to| on <= to)
}

/// The policies a fresh installation starts with.
pub fn seeded_policies() -> Vec<QuarantinePolicy> {
    let from = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap_or(NaiveDate::MIN);
    let policy = |code: &str,
                  name_zh: &str,
                  name_en: &str,
                  centralized_days: i64,
                  home_days: i64,
                  test_days: &[i64],
                  daily_test: bool,
                  double_sampling: bool| QuarantinePolicy {
        code: code.to_owned(),
        name_zh: name_zh.to_owned(),
        name_en: name_en.to_owned(),
        centralized_days,
        home_days,
        test_days: test_days.to_vec(),
        daily_test,
        sample_type: SampleType::Throat,
        double_sampling,
        valid_from: from,
        valid_to: None,
    };
    vec![
        policy(
            "14+7",
            crate::words::word("policy.14+7"),
            "14 days centralized quarantine + 7 days home monitoring",
            14,
            7,
            &[1, 4, 7, 14],
            false,
            true,
        ),
        policy(
            "7+3",
            crate::words::word("policy.7+3"),
            "7 days centralized quarantine + 3 days home monitoring",
            7,
            3,
            &[1, 2, 3, 5, 7],
            false,
            false,
        ),
        policy(
            "5+3",
            crate::words::word("policy.5+3"),
            "5 days centralized quarantine + 3 days home quarantine",
            5,
            3,
            &[1, 2, 3, 5],
            false,
            false,
        ),
        policy(
            "driver",
            crate::words::word("policy.driver"),
            "Cross-border drivers, closed loop (daily test)",
            14,
            0,
            &[],
            true,
            false,
        ),
    ]
}

/// Raw policy form, all text so that every error can name its field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct PolicyInput {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name_zh: String,
    /// Blank means: same as `name_zh`.
    #[serde(default)]
    pub name_en: Option<String>,
    #[serde(default)]
    pub centralized_days: String,
    #[serde(default)]
    pub home_days: String,
    /// e.g. `1,4,7,14` (also `，`, `、` or spaces as separators).
    #[serde(default)]
    pub test_days: String,
    /// Checkbox.
    #[serde(default)]
    pub daily_test: Option<String>,
    #[serde(default)]
    pub sample_type: String,
    /// Checkbox.
    #[serde(default)]
    pub double_sampling: Option<String>,
    #[serde(default)]
    pub valid_from: String,
    #[serde(default)]
    pub valid_to: Option<String>,
}

impl From<&QuarantinePolicy> for PolicyInput {
    /// Pre-fills an edit form; validating the result gives back the policy.
    fn from(p: &QuarantinePolicy) -> Self {
        let flag = |b: bool| Some(if b { "true" } else { "false" }.to_owned());
        PolicyInput {
            code: p.code.clone(),
            name_zh: p.name_zh.clone(),
            name_en: Some(p.name_en.clone()),
            centralized_days: p.centralized_days.to_string(),
            home_days: p.home_days.to_string(),
            test_days: p.test_days_text(),
            daily_test: flag(p.daily_test),
            sample_type: p.sample_type.as_str().to_owned(),
            double_sampling: flag(p.double_sampling),
            valid_from: p.valid_from.to_string(),
            valid_to: p.valid_to.map(|d| d.to_string()),
        }
    }
}

pub const CODE_MAX: usize = 20;
pub const POLICY_NAME_MAX: usize = 60;
pub const MAX_CENTRALIZED_DAYS: i64 = 60;
pub const MAX_HOME_DAYS: i64 = 60;
const TEST_DAYS_HINT: &str = "1,4,7,14";

/// Policy code: ASCII letters, digits and `+ - _`, at most [`CODE_MAX`].
fn parse_code(s: &str) -> Result<String, Invalid> {
    let t = s.trim();
    if t.is_empty() {
        return Err(Invalid::Empty);
    }
    if let Some(c) =
        t.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '_')))
    {
        return Err(Invalid::BadChars { found: c });
    }
    if t.len() > CODE_MAX {
        return Err(Invalid::TooLong { max: CODE_MAX });
    }
    Ok(t.to_owned())
}

/// A whole number in `min..=max`.
fn parse_days(s: &str, min: i64, max: i64) -> Result<i64, Invalid> {
    let t = s.trim();
    if t.is_empty() {
        return Err(Invalid::Empty);
    }
    let v: i64 = t.parse().map_err(|_| Invalid::BadFormat { hint: "14" })?;
    if !(min..=max).contains(&v) {
        return Err(Invalid::OutOfRange { min: min.to_string(), max: max.to_string() });
    }
    Ok(v)
}

/// Test days as a sorted, de-duplicated list, each in `1..=centralized_days`.
fn parse_test_days(s: &str, centralized_days: i64) -> Result<Vec<i64>, Invalid> {
    let folded: String = s
        .chars()
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            '，' | '、' | ';' | '；' => ',',
            _ => c,
        })
        .collect();
    let mut days = Vec::new();
    for token in folded.split(|c: char| c == ',' || c.is_whitespace()).filter(|t| !t.is_empty()) {
        let d: i64 = token.parse().map_err(|_| Invalid::BadFormat { hint: TEST_DAYS_HINT })?;
        if !(1..=centralized_days).contains(&d) {
            return Err(Invalid::OutOfRange { min: "1".into(), max: centralized_days.to_string() });
        }
        days.push(d);
    }
    days.sort_unstable();
    days.dedup();
    Ok(days)
}

pub fn validate_policy(
    input: &PolicyInput,
    today: NaiveDate,
) -> Result<QuarantinePolicy, DomainError> {
    let i = input;
    let code = parse_code(&i.code).on("code")?;
    let name_zh = required_text(&i.name_zh, POLICY_NAME_MAX).on("name_zh")?;
    let name_en = optional_text(i.name_en.as_deref().unwrap_or(""), POLICY_NAME_MAX)
        .on("name_en")?
        .unwrap_or_else(|| name_zh.clone());
    let centralized_days =
        parse_days(&i.centralized_days, 1, MAX_CENTRALIZED_DAYS).on("centralized_days")?;
    let home_days = parse_days(&i.home_days, 0, MAX_HOME_DAYS).on("home_days")?;
    let daily_test = parse_flag(i.daily_test.as_deref().unwrap_or("")).on("daily_test")?;
    let test_days = parse_test_days(&i.test_days, centralized_days).on("test_days")?;
    if test_days.is_empty() && !daily_test {
        return Err(DomainError::Invalid { field: "test_days", error: Invalid::Empty });
    }
    let sample_type = match i.sample_type.trim() {
        "" => Err(Invalid::Empty),
        t => SampleType::parse(t).ok_or(Invalid::BadFormat { hint: "throat" }),
    }
    .on("sample_type")?;
    let double_sampling =
        parse_flag(i.double_sampling.as_deref().unwrap_or("")).on("double_sampling")?;
    let valid_from =
        parse_date(&i.valid_from).and_then(|d| planned_for(d, today)).on("valid_from")?;
    let valid_to = parse_optional_date(i.valid_to.as_deref().unwrap_or(""))
        .and_then(|d| optional(d, today, planned_for))
        .on("valid_to")?;
    if valid_to.is_some_and(|to| to < valid_from) {
        return Err(DomainError::Rule {
            field: Some("valid_to"),
            key: "error.valid_to_before_valid_from",
        });
    }
    Ok(QuarantinePolicy {
        code,
        name_zh,
        name_en,
        centralized_days,
        home_days,
        test_days,
        daily_test,
        sample_type,
        double_sampling,
        valid_from,
        valid_to,
    })
}

/// The version of policy `code` in force on `on`: its `[valid_from, valid_to]`
/// contains the date; if several do, the latest `valid_from` wins.
pub fn policy_in_force<'a>(
    policies: &'a [QuarantinePolicy],
    code: &str,
    on: NaiveDate,
) -> Option<&'a QuarantinePolicy> {
    policies.iter().filter(|p| p.code == code && p.in_force_on(on)).max_by_key(|p| p.valid_from)
}

/// A test due on day `day` (1-based) of a stay, which is `date` in Shanghai.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TestDue {
    pub day: i64,
    pub date: NaiveDate,
}

/// The Shanghai date of day `day` (1-based) of a stay that began on `day1`.
fn nth_day(day1: NaiveDate, day: i64) -> NaiveDate {
    let offset = u64::try_from(day - 1).unwrap_or(0);
    day1.checked_add_days(Days::new(offset)).unwrap_or(NaiveDate::MAX)
}

/// The date the person may leave: the day after the last centralized day
/// (day 1 + `centralized_days`).
pub fn planned_release(policy: &QuarantinePolicy, checked_in: DateTime<Utc>) -> NaiveDate {
    release_after(checked_in, policy.centralized_days)
}

/// The date a stay of `days` days that began at `checked_in` ends: day 1 + `days`.
pub fn release_after(checked_in: DateTime<Utc>, days: i64) -> NaiveDate {
    nth_day(local_date(checked_in), days + 1)
}

/// Every test due during the centralized period, in day order.
pub fn test_calendar(policy: &QuarantinePolicy, checked_in: DateTime<Utc>) -> Vec<TestDue> {
    calendar_of(policy, checked_in, policy.centralized_days)
}

/// Every test due in a period of `days` days (the policy's, or one extended or shortened):
/// daily under a daily policy; otherwise the policy's test days that fall within it, and a
/// period changed from the policy's always one on its new last day, so no stay ends untested.
pub fn calendar_of(
    policy: &QuarantinePolicy,
    checked_in: DateTime<Utc>,
    days: i64,
) -> Vec<TestDue> {
    let day1 = local_date(checked_in);
    let mut on: Vec<i64> = if policy.daily_test {
        (1..=days).collect()
    } else {
        policy.test_days.iter().copied().filter(|d| *d <= days).collect()
    };
    if days != policy.centralized_days && days >= 1 && on.last() != Some(&days) {
        on.push(days);
    }
    on.into_iter().map(|day| TestDue { day, date: nth_day(day1, day) }).collect()
}

/// Which day of the stay `now` falls on (1 = the check-in date, Shanghai).
/// Zero or negative if `now` is on a date before check-in.
pub fn stay_day(checked_in: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (local_date(now) - local_date(checked_in)).num_days() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_is_in_force_from_its_first_day_to_its_last() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let (from, to) = (d("2021-01-10"), Some(d("2021-01-20")));
        assert!(!in_force(from, to, d("2021-01-09")));
        assert!(in_force(from, to, d("2021-01-10")));
        assert!(in_force(from, to, d("2021-01-20")));
        assert!(!in_force(from, to, d("2021-01-21")));
        assert!(in_force(from, None, d("2099-12-31")));
    }

    fn today() -> NaiveDate {
        "2022-06-20".parse().unwrap()
    }

    #[test]
    fn a_policy_takes_effect_within_a_year() {
        let mut i = good();
        i.valid_from = "2023-06-22".into();
        assert_eq!(validate_policy(&i, today()).unwrap_err().field(), Some("valid_from"));
        i.valid_from = "1970-01-01".into();
        assert_eq!(validate_policy(&i, today()).unwrap_err().field(), Some("valid_from"));
        i.valid_from = "2022-06-28".into();
        i.valid_to = Some("9999-12-31".into());
        assert_eq!(validate_policy(&i, today()).unwrap_err().field(), Some("valid_to"));
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn seeded(code: &str) -> QuarantinePolicy {
        seeded_policies().into_iter().find(|p| p.code == code).unwrap()
    }

    /// 01:30 on 11 January in Shanghai.
    fn check_in() -> DateTime<Utc> {
        at("2021-01-10T17:30:00Z")
    }

    fn good() -> PolicyInput {
        PolicyInput {
            code: " 7+3 ".into(),
            name_zh: "7天集中隔离+3天居家健康监测".into(),
            name_en: None,
            centralized_days: "7".into(),
            home_days: "3".into(),
            test_days: "7，5、1 2,3,3".into(),
            daily_test: None,
            sample_type: "nasal_throat".into(),
            double_sampling: Some("on".into()),
            valid_from: "2022-06-28".into(),
            valid_to: Some(String::new()),
        }
    }

    #[test]
    fn day_one_is_the_shanghai_date() {
        assert_eq!(local_date(check_in()), date(2021, 1, 11));
        assert_eq!(stay_day(check_in(), check_in()), 1);
        // 23:59 on the 11th in Shanghai is still day 1; 00:00 on the 12th is day 2.
        assert_eq!(stay_day(check_in(), at("2021-01-11T15:59:59Z")), 1);
        assert_eq!(stay_day(check_in(), at("2021-01-11T16:00:00Z")), 2);
        assert_eq!(stay_day(check_in(), at("2021-01-24T12:00:00Z")), 14);
        assert_eq!(stay_day(check_in(), at("2021-01-10T15:00:00Z")), 0);
    }

    #[test]
    fn calendar_14_plus_7() {
        let p = seeded("14+7");
        let cal = test_calendar(&p, check_in());
        assert_eq!(
            cal,
            vec![
                TestDue { day: 1, date: date(2021, 1, 11) },
                TestDue { day: 4, date: date(2021, 1, 14) },
                TestDue { day: 7, date: date(2021, 1, 17) },
                TestDue { day: 14, date: date(2021, 1, 24) },
            ]
        );
        assert_eq!(planned_release(&p, check_in()), date(2021, 1, 25));
        // Checked in on the afternoon of the 10th (Shanghai): one day earlier.
        let earlier = at("2021-01-10T08:00:00Z");
        assert_eq!(planned_release(&p, earlier), date(2021, 1, 24));
        assert_eq!(test_calendar(&p, earlier)[0].date, date(2021, 1, 10));
    }

    #[test]
    fn driver_calendar_is_daily() {
        let p = seeded("driver");
        let cal = test_calendar(&p, check_in());
        assert_eq!(cal.len(), 14);
        for (n, t) in cal.iter().enumerate() {
            let n = i64::try_from(n).unwrap();
            assert_eq!(t.day, n + 1);
            assert_eq!(stay_day(check_in(), at(&format!("{}T04:00:00Z", t.date))), t.day);
        }
        assert_eq!(cal[13].date, date(2021, 1, 24));
        assert_eq!(planned_release(&p, check_in()), date(2021, 1, 25));
    }

    #[test]
    fn shorter_policies() {
        let p = seeded("7+3");
        let days: Vec<NaiveDate> =
            test_calendar(&p, check_in()).into_iter().map(|t| t.date).collect();
        assert_eq!(days, [11, 12, 13, 15, 17].map(|d| date(2021, 1, d)).to_vec());
        assert_eq!(planned_release(&p, check_in()), date(2021, 1, 18));
        let p = seeded("5+3");
        assert_eq!(test_calendar(&p, check_in()).len(), 4);
        assert_eq!(planned_release(&p, check_in()), date(2021, 1, 16));
    }

    #[test]
    fn seeded_policies_are_valid() {
        let all = seeded_policies();
        assert_eq!(all.len(), 4);
        for p in &all {
            assert_eq!(validate_policy(&PolicyInput::from(p), today()).as_ref(), Ok(p));
            assert_eq!(p.valid_from, date(2020, 1, 1));
        }
        let p = seeded("14+7");
        assert_eq!(p.test_days_text(), "1,4,7,14");
        assert_eq!((p.centralized_days, p.home_days), (14, 7));
        assert!(p.double_sampling && !p.daily_test);
        assert_eq!(p.sample_type, SampleType::Throat);
        let d = seeded("driver");
        assert!(d.daily_test && d.test_days.is_empty());
        assert_eq!((d.centralized_days, d.home_days), (14, 0));
    }

    #[test]
    fn in_force_picks_the_dated_version() {
        let old = seeded("14+7");
        let mut old = old;
        old.valid_to = Some(date(2022, 6, 27));
        let mut new = old.clone();
        new.centralized_days = 10;
        new.valid_from = date(2022, 6, 28);
        new.valid_to = None;
        let policies = vec![new.clone(), old.clone(), seeded("driver")];
        let pick = |d| policy_in_force(&policies, "14+7", d);
        assert_eq!(pick(date(2019, 12, 31)), None);
        assert_eq!(pick(date(2020, 1, 1)), Some(&old));
        assert_eq!(pick(date(2022, 6, 27)), Some(&old));
        assert_eq!(pick(date(2022, 6, 28)), Some(&new));
        assert_eq!(pick(date(2030, 1, 1)), Some(&new));
        assert_eq!(policy_in_force(&policies, "7+3", date(2022, 1, 1)), None);
        // Overlapping versions: the later start wins.
        let mut overlap = old.clone();
        overlap.valid_to = None;
        let policies = vec![overlap.clone(), new.clone()];
        assert_eq!(policy_in_force(&policies, "14+7", date(2023, 1, 1)), Some(&new));
        assert_eq!(policy_in_force(&policies, "14+7", date(2021, 1, 1)), Some(&overlap));
    }

    #[test]
    fn a_good_policy_is_normalised() {
        let p = validate_policy(&good(), today()).unwrap();
        assert_eq!(p.code, "7+3");
        assert_eq!(p.name_en, p.name_zh);
        assert_eq!(p.test_days, vec![1, 2, 3, 5, 7]);
        assert_eq!(p.sample_type, SampleType::NasalThroat);
        assert!(p.double_sampling);
        assert!(!p.daily_test);
        assert_eq!(p.valid_from, date(2022, 6, 28));
        assert_eq!(p.valid_to, None);

        let mut i = good();
        i.daily_test = Some("true".into());
        i.test_days = String::new();
        i.valid_to = Some("2022-06-28".into());
        let p = validate_policy(&i, today()).unwrap();
        assert!(p.daily_test && p.test_days.is_empty());
        assert_eq!(test_calendar(&p, check_in()).len(), 7);
        assert_eq!(p.valid_to, Some(date(2022, 6, 28)));
    }

    #[test]
    fn each_bad_field_is_named() {
        type Spoil = fn(&mut PolicyInput);
        let cases: &[(&str, Spoil)] = &[
            ("code", |i| i.code = " ".into()),
            ("code", |i| i.code = "7 + 3".into()),
            ("code", |i| i.code = "x".repeat(21)),
            ("name_zh", |i| i.name_zh = String::new()),
            ("name_en", |i| i.name_en = Some("e".repeat(61))),
            ("centralized_days", |i| i.centralized_days = "0".into()),
            ("centralized_days", |i| i.centralized_days = "61".into()),
            ("centralized_days", |i| i.centralized_days = "7.5".into()),
            ("centralized_days", |i| i.centralized_days = String::new()),
            ("home_days", |i| i.home_days = "-1".into()),
            ("home_days", |i| i.home_days = "61".into()),
            ("home_days", |i| i.home_days = String::new()),
            ("daily_test", |i| i.daily_test = Some("yes".into())),
            ("test_days", |i| i.test_days = "1,8".into()),
            ("test_days", |i| i.test_days = "0,1".into()),
            ("test_days", |i| i.test_days = "1-3".into()),
            ("test_days", |i| i.test_days = " , ".into()),
            ("sample_type", |i| i.sample_type = String::new()),
            ("sample_type", |i| i.sample_type = "blood".into()),
            ("double_sampling", |i| i.double_sampling = Some("2".into())),
            ("valid_from", |i| i.valid_from = String::new()),
            ("valid_from", |i| i.valid_from = "2022-02-30".into()),
            ("valid_to", |i| i.valid_to = Some("someday".into())),
            ("valid_to", |i| i.valid_to = Some("2022-06-27".into())),
        ];
        for (field, spoil) in cases {
            let mut i = good();
            spoil(&mut i);
            let e = validate_policy(&i, today()).unwrap_err();
            assert_eq!(e.field(), Some(*field), "{e:?}");
        }
    }

    #[test]
    fn test_day_errors() {
        assert_eq!(
            parse_test_days("1,15", 14),
            Err(Invalid::OutOfRange { min: "1".into(), max: "14".into() })
        );
        assert_eq!(parse_test_days("１４，１", 14), Ok(vec![1, 14]));
        let mut i = good();
        i.valid_to = Some("2022-06-27".into());
        assert_eq!(
            validate_policy(&i, today()),
            Err(DomainError::Rule {
                field: Some("valid_to"),
                key: "error.valid_to_before_valid_from"
            })
        );
    }

    #[test]
    fn a_changed_period_keeps_the_policys_days_and_ends_with_a_test() {
        let p = seeded("14+7");
        let at = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 3, 1, 2, 0, 0).unwrap();
        let days = |n: i64| calendar_of(&p, at, n).iter().map(|t| t.day).collect::<Vec<_>>();
        assert_eq!(days(14), test_calendar(&p, at).iter().map(|t| t.day).collect::<Vec<_>>());
        assert_eq!(days(21), [1, 4, 7, 14, 21], "extended: one more on the last day");
        assert_eq!(days(10), [1, 4, 7, 10], "shortened: the last day tested");
        assert_eq!(days(7), [1, 4, 7]);
        assert_eq!(calendar_of(&p, at, 21)[4].date, NaiveDate::from_ymd_opt(2026, 3, 21).unwrap());
        assert_eq!(release_after(at, 21), NaiveDate::from_ymd_opt(2026, 3, 22).unwrap());
    }

    #[test]
    fn sample_type_names() {
        for t in SampleType::ALL {
            assert_eq!(SampleType::parse(t.as_str()), Some(t));
        }
        assert_eq!(SampleType::NasalThroat.as_str(), "nasal_throat");
    }
}
