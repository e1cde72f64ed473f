//! Working groups (工作组), the command team (专班) and the people who staff a station, with
//! their closed-loop status (闭环管理): staff who live inside the loop are tested daily and
//! monitored for a while after they leave it.

use crate::validate::date::{optional, planned_for};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::care::roster::Pattern;
use crate::error::{DomainError, OnField};
use crate::validate::{
    Invalid, optional_text, parse_choice, parse_int, parse_optional_date, parse_phone,
    required_text,
};

/// The duty pattern and minimum headcount per shift of the eleven groups of the seed station,
/// in the order of their names (`care.usual_groups` in the words file: public health, medical,
/// counselling, foreign affairs, police, fire, security, disinfection, office, registration,
/// front desk).
const USUAL_DUTIES: [(Pattern, i64); 11] = [
    (Pattern::TwoTwelves, 1),
    (Pattern::ThreeEights, 2),
    (Pattern::TwoTwelves, 1),
    (Pattern::TwoTwelves, 1),
    (Pattern::ThreeEights, 1),
    (Pattern::TwoTwelves, 1),
    (Pattern::ThreeEights, 2),
    (Pattern::TwoTwelves, 1),
    (Pattern::TwoTwelves, 1),
    (Pattern::ThreeEights, 1),
    (Pattern::ThreeEights, 1),
];

/// The eleven groups of the seed station with their usual duty pattern and minimum headcount per
/// shift; the demo and a new station's "create the usual groups" button use them.
pub fn usual_groups() -> Vec<(&'static str, Pattern, i64)> {
    let names = crate::words::words("care.usual_groups");
    names.iter().zip(USUAL_DUTIES).map(|(n, (p, min))| (*n, p, min)).collect()
}

/// How exposed a post is; high-risk posts are tested daily and stay in the loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PostRisk {
    High,
    Medium,
    Low,
}

impl PostRisk {
    pub const ALL: [PostRisk; 3] = [PostRisk::High, PostRisk::Medium, PostRisk::Low];
    pub fn as_str(self) -> &'static str {
        match self {
            PostRisk::High => "high",
            PostRisk::Medium => "medium",
            PostRisk::Low => "low",
        }
    }
    pub fn parse(s: &str) -> Option<PostRisk> {
        PostRisk::ALL.into_iter().find(|k| k.as_str() == s)
    }
    pub fn label_key(self) -> &'static str {
        match self {
            PostRisk::High => "staff.risk.high",
            PostRisk::Medium => "staff.risk.medium",
            PostRisk::Low => "staff.risk.low",
        }
    }
}
stored_code!(PostRisk);

/// Where a person stands in the closed loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LoopStatus {
    /// Works outside the loop (e.g. the police post at the gate).
    NotInLoop,
    /// Lives and works inside the loop.
    InLoop,
    /// Left the loop; still monitored until `monitor_until`.
    Monitoring,
    /// Monitoring over.
    Ended,
}

impl LoopStatus {
    pub const ALL: [LoopStatus; 4] =
        [LoopStatus::NotInLoop, LoopStatus::InLoop, LoopStatus::Monitoring, LoopStatus::Ended];
    pub fn as_str(self) -> &'static str {
        match self {
            LoopStatus::NotInLoop => "not_in_loop",
            LoopStatus::InLoop => "in_loop",
            LoopStatus::Monitoring => "monitoring",
            LoopStatus::Ended => "ended",
        }
    }
    pub fn parse(s: &str) -> Option<LoopStatus> {
        LoopStatus::ALL.into_iter().find(|k| k.as_str() == s)
    }
    pub fn label_key(self) -> &'static str {
        match self {
            LoopStatus::NotInLoop => "staff.loop.not_in_loop",
            LoopStatus::InLoop => "staff.loop.in_loop",
            LoopStatus::Monitoring => "staff.loop.monitoring",
            LoopStatus::Ended => "staff.loop.ended",
        }
    }
}
stored_code!(LoopStatus);

#[derive(Debug, Clone, Default, Deserialize)]
pub struct GroupInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub pattern: String,
    #[serde(default)]
    pub min_per_shift: String,
    #[serde(default)]
    pub duties: String,
    /// The floors the group works on (负责楼层), e.g. "3-5, 8"; blank for the whole station.
    #[serde(default)]
    pub floors: String,
    #[serde(default)]
    pub is_command: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGroup {
    pub name: String,
    pub pattern: Pattern,
    pub min_per_shift: i64,
    pub duties: Option<String>,
    /// As [`parse_floors`] writes them back: "3-5,8".
    pub floors: Option<String>,
    pub is_command: bool,
}

/// Checks a working group; every refusal at once.
pub fn validate_group(i: &GroupInput) -> Result<NewGroup, DomainError> {
    let mut r = crate::error::Refusals::default();
    let name = r.check(required_text(&i.name, 30).on("name"));
    let pattern = r.check(parse_choice(&i.pattern, Pattern::parse, "two_twelves").on("pattern"));
    let min_per_shift = r.check(parse_int(&i.min_per_shift, 1, 20, "2").on("min_per_shift"));
    let duties = r.check(optional_text(&i.duties, 500).on("duties"));
    let floors = r.check(parse_floors(&i.floors).on("floors"));
    r.finish()?;
    match (name, pattern, min_per_shift, duties, floors) {
        (Some(name), Some(pattern), Some(min_per_shift), Some(duties), Some(floors)) => {
            Ok(NewGroup {
                name,
                pattern,
                min_per_shift,
                duties,
                floors: (!floors.is_empty()).then(|| floors_text(&floors)),
                is_command: matches!(i.is_command.as_deref(), Some("on" | "true" | "1")),
            })
        }
        _ => Err(DomainError::Invalid { field: "name", error: Invalid::Empty }),
    }
}

/// The highest floor a building is taken to have.
pub const MAX_FLOOR: i64 = 200;

/// Reads floors as a station writes them: numbers and ranges separated by commas (full-width
/// too), "3-5, 8" or "3～5，8"; blank is none. Ranges merged, in order.
pub fn parse_floors(s: &str) -> Result<Vec<(i64, i64)>, Invalid> {
    let t: String = s.chars().map(crate::validate::fold_fullwidth).collect();
    let mut out: Vec<(i64, i64)> = Vec::new();
    for part in t.split([',', '\u{3001}', ';']).map(str::trim).filter(|p| !p.is_empty()) {
        let (a, b) = match part.split_once(['-', '~', '\u{81f3}']) {
            Some((a, b)) => (a.trim(), b.trim()),
            None => (part, part),
        };
        let floor = |x: &str| crate::validate::parse_int(x, -5, MAX_FLOOR, "3-5,8");
        let (a, b) = (floor(a)?, floor(b)?);
        if b < a {
            return Err(Invalid::BadFormat { hint: "3-5,8" });
        }
        out.push((a, b));
    }
    out.sort_unstable();
    let mut merged: Vec<(i64, i64)> = Vec::new();
    for (a, b) in out {
        match merged.last_mut() {
            Some(last) if a <= last.1 + 1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    Ok(merged)
}

/// Floors as they are kept and shown: "3-5,8".
pub fn floors_text(f: &[(i64, i64)]) -> String {
    f.iter()
        .map(|(a, b)| if a == b { a.to_string() } else { format!("{a}-{b}") })
        .collect::<Vec<_>>()
        .join(",")
}

/// Whether a group working on `floors` (as kept) is on `floor`. A group with none is on no
/// floor in particular (the gate's police, the office): nobody is listed as exposed for it.
pub fn covers_floor(floors: Option<&str>, floor: i64) -> bool {
    match floors.map(parse_floors) {
        Some(Ok(f)) => f.iter().any(|(a, b)| (*a..=*b).contains(&floor)),
        _ => false,
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct StaffInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub group_id: String,
    #[serde(default)]
    pub post: String,
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub post_risk: String,
    #[serde(default)]
    pub loop_status: String,
    #[serde(default)]
    pub loop_start: String,
    #[serde(default)]
    pub loop_end: String,
    #[serde(default)]
    pub monitor_until: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStaff {
    pub name: String,
    pub phone: String,
    pub group_id: Option<i64>,
    pub post: Option<String>,
    pub organisation: String,
    pub post_risk: PostRisk,
    pub loop_status: LoopStatus,
    pub loop_start: Option<NaiveDate>,
    pub loop_end: Option<NaiveDate>,
    pub monitor_until: Option<NaiveDate>,
}

pub const KEY_LOOP_END_BEFORE_START: &str = "error.loop_end_before_start";
pub const KEY_LOOP_START_NEEDED: &str = "error.loop_start_needed";
pub const KEY_MONITOR_BEFORE_END: &str = "error.monitor_before_loop_end";
pub const RULE_KEYS: &[&str] =
    &[KEY_LOOP_END_BEFORE_START, KEY_LOOP_START_NEEDED, KEY_MONITOR_BEFORE_END];

fn rule(field: &'static str, key: &'static str) -> DomainError {
    DomainError::Rule { field: Some(field), key }
}

pub fn validate_staff(i: &StaffInput, today: NaiveDate) -> Result<NewStaff, DomainError> {
    let day = |raw: &str, field: &'static str| {
        parse_optional_date(raw).and_then(|d| optional(d, today, planned_for)).on(field)
    };
    let group_id = if i.group_id.trim().is_empty() {
        None
    } else {
        Some(parse_int(&i.group_id, 1, i64::MAX, "1").on("group_id")?)
    };
    let s = NewStaff {
        name: required_text(&i.name, 30).on("name")?,
        phone: parse_phone(&i.phone).on("phone")?.display(),
        group_id,
        post: optional_text(&i.post, 30).on("post")?,
        organisation: required_text(&i.organisation, 60).on("organisation")?,
        post_risk: parse_choice(&i.post_risk, PostRisk::parse, "high").on("post_risk")?,
        loop_status: parse_choice(&i.loop_status, LoopStatus::parse, "in_loop")
            .on("loop_status")?,
        loop_start: day(&i.loop_start, "loop_start")?,
        loop_end: day(&i.loop_end, "loop_end")?,
        monitor_until: day(&i.monitor_until, "monitor_until")?,
    };
    if s.loop_status != LoopStatus::NotInLoop && s.loop_start.is_none() {
        return Err(rule("loop_start", KEY_LOOP_START_NEEDED));
    }
    if let (Some(a), Some(b)) = (s.loop_start, s.loop_end)
        && b < a
    {
        return Err(rule("loop_end", KEY_LOOP_END_BEFORE_START));
    }
    if let (Some(e), Some(m)) = (s.loop_end, s.monitor_until)
        && m < e
    {
        return Err(rule("monitor_until", KEY_MONITOR_BEFORE_END));
    }
    Ok(s)
}

/// Days of post-loop health monitoring after a person leaves the loop (the usual 7-day rule
/// for staff of centralised quarantine sites).
pub const MONITOR_DAYS: i64 = 7;

/// The monitoring end a form proposes when someone leaves the loop on `loop_end`.
pub fn default_monitor_until(loop_end: NaiveDate) -> NaiveDate {
    loop_end + chrono::Duration::days(MONITOR_DAYS)
}

/// What a staff test on `day` means: whether it is due at all, given where the person stands.
pub fn test_due(
    status: LoopStatus,
    risk: PostRisk,
    monitor_until: Option<NaiveDate>,
    day: NaiveDate,
) -> bool {
    match status {
        LoopStatus::InLoop => true,
        LoopStatus::Monitoring => monitor_until.is_none_or(|m| day <= m),
        LoopStatus::NotInLoop => risk == PostRisk::High,
        LoopStatus::Ended => false,
    }
}

code_enum!(
    /// What was recorded of a person's test of a day.
    StaffTestStatus, "staff_tests.state.", [
        Done => "done",
        /// Recorded as not taken.
        Missed => "missed",
    ]
);

/// Where a person's test of one day stands on the schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TestState {
    /// Not due that day (out of the loop, monitoring over).
    NotDue,
    Done,
    /// Recorded as not taken.
    Missed,
    /// Due today, not recorded yet.
    Pending,
    /// Due on a past day and never recorded.
    Overdue,
}

impl TestState {
    pub fn label_key(self) -> &'static str {
        match self {
            TestState::NotDue => "staff_tests.state.not_due",
            TestState::Done => "staff_tests.state.done",
            TestState::Missed => "staff_tests.state.missed",
            TestState::Pending => "staff_tests.state.pending",
            TestState::Overdue => "staff_tests.state.overdue",
        }
    }
}

/// The state of a day's test from whether it was due and what was recorded (`Some(true)` taken,
/// `Some(false)` recorded as missed).
pub fn test_state(
    due: bool,
    recorded: Option<bool>,
    day: NaiveDate,
    today: NaiveDate,
) -> TestState {
    match (recorded, due) {
        (Some(true), _) => TestState::Done,
        (Some(false), _) => TestState::Missed,
        (None, false) => TestState::NotDue,
        (None, true) if day < today => TestState::Overdue,
        (None, true) => TestState::Pending,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        "2026-01-05".parse().unwrap()
    }

    #[test]
    fn every_usual_group_has_a_name_and_a_duty() {
        let groups = usual_groups();
        assert_eq!(crate::words::words("care.usual_groups").len(), USUAL_DUTIES.len());
        assert_eq!(groups.len(), 11);
        assert_eq!(groups[1].0, "医疗组");
        assert_eq!((groups[1].1, groups[1].2), (Pattern::ThreeEights, 2));
    }

    #[test]
    fn closed_loop_dates_are_plausible() {
        for (field, bad) in [
            ("loop_start", "1999-12-31"),
            ("loop_end", "9999-12-31"),
            ("monitor_until", "2027-01-07"),
        ] {
            let mut i = good();
            match field {
                "loop_start" => i.loop_start = bad.into(),
                "loop_end" => i.loop_end = bad.into(),
                _ => i.monitor_until = bad.into(),
            }
            assert_eq!(field_of(validate_staff(&i, today())), Some(field), "{bad}");
        }
    }

    fn good() -> StaffInput {
        StaffInput {
            name: "王医生".into(),
            phone: "13800138000".into(),
            group_id: "3".into(),
            post: "医生".into(),
            organisation: "龙岗区人民医院".into(),
            post_risk: "high".into(),
            loop_status: "in_loop".into(),
            loop_start: "2026-01-01".into(),
            ..Default::default()
        }
    }

    fn field_of(r: Result<NewStaff, DomainError>) -> Option<&'static str> {
        r.err().and_then(|e| e.field())
    }

    #[test]
    fn a_good_person() {
        let s = validate_staff(&good(), today()).unwrap();
        assert_eq!(s.group_id, Some(3));
        assert_eq!(s.post_risk, PostRisk::High);
        assert_eq!(s.loop_status, LoopStatus::InLoop);
        assert_eq!(s.loop_start, NaiveDate::from_ymd_opt(2026, 1, 1));
    }

    #[test]
    fn bad_people_name_the_field() {
        type Change = fn(&mut StaffInput);
        let cases: Vec<(Change, &str)> = vec![
            (|i| i.name = " ".into(), "name"),
            (|i| i.phone = "12345".into(), "phone"),
            (|i| i.group_id = "x".into(), "group_id"),
            (|i| i.organisation = String::new(), "organisation"),
            (|i| i.post_risk = "extreme".into(), "post_risk"),
            (|i| i.loop_status = "inside".into(), "loop_status"),
            (|i| i.loop_start = String::new(), "loop_start"),
            (|i| i.loop_end = "2025-12-31".into(), "loop_end"),
            (
                |i| {
                    i.loop_end = "2026-01-10".into();
                    i.monitor_until = "2026-01-09".into();
                },
                "monitor_until",
            ),
        ];
        for (change, field) in cases {
            let mut i = good();
            change(&mut i);
            assert_eq!(field_of(validate_staff(&i, today())), Some(field), "{i:?}");
        }
    }

    #[test]
    fn outside_the_loop_needs_no_dates() {
        let mut i = good();
        i.loop_status = "not_in_loop".into();
        i.loop_start = String::new();
        assert!(validate_staff(&i, today()).is_ok());
    }

    #[test]
    fn groups() {
        let g = validate_group(&GroupInput {
            name: "医疗组".into(),
            pattern: "three_eights".into(),
            min_per_shift: "2".into(),
            floors: "8， 3～5,4".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(g.floors.as_deref(), Some("3-5,8"), "read as written, kept in order");
        assert_eq!(g.pattern, Pattern::ThreeEights);
        assert_eq!(g.min_per_shift, 2);
        let bad = validate_group(&GroupInput {
            name: "医疗组".into(),
            pattern: "four_sixes".into(),
            min_per_shift: "2".into(),
            ..Default::default()
        });
        assert_eq!(bad.unwrap_err().field(), Some("pattern"));
        let bad = validate_group(&GroupInput {
            name: "医疗组".into(),
            pattern: "two_twelves".into(),
            min_per_shift: "0".into(),
            ..Default::default()
        });
        assert_eq!(bad.unwrap_err().field(), Some("min_per_shift"));
    }

    #[test]
    fn test_states() {
        let today = NaiveDate::from_ymd_opt(2026, 1, 10).unwrap();
        let yesterday = today - chrono::Duration::days(1);
        assert_eq!(test_state(true, None, today, today), TestState::Pending);
        assert_eq!(test_state(true, None, yesterday, today), TestState::Overdue);
        assert_eq!(test_state(true, Some(true), yesterday, today), TestState::Done);
        assert_eq!(test_state(true, Some(false), today, today), TestState::Missed);
        assert_eq!(test_state(false, None, yesterday, today), TestState::NotDue);
    }

    #[test]
    fn who_is_tested_when() {
        let d = NaiveDate::from_ymd_opt(2026, 1, 10).unwrap();
        assert!(test_due(LoopStatus::InLoop, PostRisk::Low, None, d));
        assert!(test_due(LoopStatus::Monitoring, PostRisk::Low, Some(d), d));
        assert!(!test_due(
            LoopStatus::Monitoring,
            PostRisk::Low,
            Some(d - chrono::Duration::days(1)),
            d
        ));
        assert!(test_due(LoopStatus::NotInLoop, PostRisk::High, None, d));
        assert!(!test_due(LoopStatus::NotInLoop, PostRisk::Medium, None, d));
        assert!(!test_due(LoopStatus::Ended, PostRisk::High, None, d));
        assert_eq!(default_monitor_until(d), NaiveDate::from_ymd_opt(2026, 1, 17).unwrap());
    }

    #[test]
    fn floors_are_read_as_written_and_bad_ones_refused() {
        assert_eq!(parse_floors("").unwrap(), []);
        assert_eq!(parse_floors("3").unwrap(), [(3, 3)]);
        assert_eq!(parse_floors("3-5, 8").unwrap(), [(3, 5), (8, 8)]);
        assert_eq!(parse_floors("６～８、２").unwrap(), [(2, 2), (6, 8)], "full-width");
        assert_eq!(parse_floors("3至4,5").unwrap(), [(3, 5)], "adjacent merged");
        assert_eq!(floors_text(&parse_floors("8,3-5").unwrap()), "3-5,8");
        for bad in ["5-3", "three", "3-", "999", "1-2-3"] {
            assert!(parse_floors(bad).is_err(), "{bad}");
        }
        assert!(!covers_floor(None, 7) && !covers_floor(Some(""), 7), "no floors: on none");
        assert!(covers_floor(Some("3-5,8"), 4) && covers_floor(Some("3-5,8"), 8));
        assert!(!covers_floor(Some("3-5,8"), 6));
        let refused =
            validate_group(&GroupInput { floors: "x".into(), ..Default::default() }).unwrap_err();
        let fields: Vec<_> = refused.each().iter().filter_map(|e| e.field()).collect();
        assert_eq!(fields, ["name", "pattern", "min_per_shift", "floors"], "every refusal at once");
    }
}
