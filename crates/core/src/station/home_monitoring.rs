//! Home health monitoring (居家健康监测) after a release: the days it runs, a street's daily
//! follow-up (contacted or not, temperature and symptoms, a test), and which days were missed.

use chrono::{Duration, NaiveDate};
use serde::Deserialize;

use crate::error::{DomainError, OnField, Refusals};
use crate::station::health::{AlertReason, HealthCheckInput, NewHealthCheck, raises_alert};
use crate::validate::{Invalid, optional_text, required_text};

/// The first and last day of `home_days` days of monitoring after a release on `released_on`
/// (the release day is its first day). `None` when the policy has no home days.
pub fn home_period(released_on: NaiveDate, home_days: i64) -> Option<(NaiveDate, NaiveDate)> {
    (home_days > 0).then(|| (released_on, released_on + Duration::days(home_days - 1)))
}

code_enum!(
    /// A test taken at home, as the follow-up heard of it.
    HomeTest, "monitor.test.", [
        Negative => "negative",
        Pending => "pending",
        Positive => "positive",
    ]
);

#[derive(Debug, Clone, Default, Deserialize)]
pub struct FollowUpInput {
    /// "1" when the person was reached.
    #[serde(default)]
    pub contacted: String,
    #[serde(default)]
    pub temperature: String,
    #[serde(default)]
    pub symptoms: Vec<String>,
    /// Blank, or a [`HomeTest`] code.
    #[serde(default)]
    pub test: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowUp {
    /// Reached: what they said, and a test if one was taken.
    Reached { check: NewHealthCheck, test: Option<HomeTest> },
    /// Not reached, and why (a missed day all the same).
    NotReached { note: String },
}

impl FollowUp {
    /// What the follow-up found that a person must act on: a fever or symptoms, or a positive.
    pub fn concern(&self) -> Option<AlertReason> {
        match self {
            FollowUp::Reached { test: Some(HomeTest::Positive), .. } => Some(AlertReason::Positive),
            FollowUp::Reached { check, .. } => raises_alert(check.temperature, &check.symptoms),
            FollowUp::NotReached { .. } => None,
        }
    }
}

/// Checks a follow-up: reached, with a temperature (and symptoms, a test); or not reached, with
/// why. Every refusal at once.
pub fn validate_follow_up(i: &FollowUpInput) -> Result<FollowUp, DomainError> {
    let reached = matches!(i.contacted.trim(), "1" | "on" | "true");
    if !reached {
        let note = required_text(&i.note, 200).on("note")?;
        return Ok(FollowUp::NotReached { note });
    }
    let mut r = Refusals::default();
    let check = r.check(crate::station::health::validate_health_check(&HealthCheckInput {
        temperature: i.temperature.clone(),
        symptoms: i.symptoms.clone(),
        note: String::new(),
    }));
    let test = match i.test.trim() {
        "" => None,
        t => r.check(HomeTest::parse(t).ok_or(Invalid::BadFormat { hint: "negative" }).on("test")),
    };
    let note = r.check(optional_text(&i.note, 200).on("note"));
    r.finish()?;
    match (check, note) {
        (Some(mut check), Some(note)) => {
            check.note = note;
            Ok(FollowUp::Reached { check, test })
        }
        _ => Err(DomainError::Invalid { field: "temperature", error: Invalid::Empty }),
    }
}

/// The days from `start` up to yesterday (and not past `end`) on which nobody reached the
/// person: `reached` holds the days someone did.
pub fn missed_days(
    start: NaiveDate,
    end: NaiveDate,
    today: NaiveDate,
    reached: &[NaiveDate],
) -> Vec<NaiveDate> {
    let last = end.min(today - Duration::days(1));
    start.iter_days().take_while(|d| *d <= last).filter(|d| !reached.contains(d)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn reached(t: &str, symptoms: &[&str], test: &str) -> FollowUpInput {
        FollowUpInput {
            contacted: "1".into(),
            temperature: t.into(),
            symptoms: symptoms.iter().map(|s| (*s).to_owned()).collect(),
            test: test.into(),
            note: String::new(),
        }
    }

    #[test]
    fn the_period_starts_on_the_release_day() {
        assert_eq!(home_period(d(12, 20), 7), Some((d(12, 20), d(12, 26))));
        assert_eq!(home_period(d(12, 20), 1), Some((d(12, 20), d(12, 20))));
        assert_eq!(home_period(d(12, 20), 0), None, "a policy without home days");
    }

    #[test]
    fn a_follow_up_is_reached_with_a_temperature_or_not_reached_with_why() {
        let ok = validate_follow_up(&reached("36.6", &[], "negative")).unwrap();
        assert_eq!(ok.concern(), None);
        assert!(matches!(ok, FollowUp::Reached { test: Some(HomeTest::Negative), .. }));
        let fever = validate_follow_up(&reached("37.8", &["cough"], "")).unwrap();
        assert_eq!(fever.concern(), Some(AlertReason::FeverAndSymptoms));
        let pos = validate_follow_up(&reached("36.5", &[], "positive")).unwrap();
        assert_eq!(pos.concern(), Some(AlertReason::Positive));
        let away = FollowUpInput { note: "电话未接通".into(), ..Default::default() };
        assert_eq!(
            validate_follow_up(&away).unwrap(),
            FollowUp::NotReached { note: "电话未接通".into() }
        );
        assert_eq!(
            validate_follow_up(&FollowUpInput::default()).unwrap_err().field(),
            Some("note")
        );
        let e = validate_follow_up(&reached("", &["sneeze"], "maybe")).unwrap_err();
        let fields: Vec<_> = e.each().iter().filter_map(|e| e.field()).collect();
        assert_eq!(fields, ["temperature", "test"]);
    }

    #[test]
    fn a_day_nobody_reached_the_person_is_missed_once_it_is_over() {
        let (start, end) = (d(12, 1), d(12, 7));
        assert_eq!(missed_days(start, end, d(12, 1), &[]), Vec::<NaiveDate>::new(), "day 1 runs");
        assert_eq!(missed_days(start, end, d(12, 3), &[d(12, 1)]), vec![d(12, 2)]);
        assert_eq!(missed_days(start, end, d(12, 3), &[d(12, 1), d(12, 2)]), vec![]);
        let all: Vec<NaiveDate> = start.iter_days().take(7).collect();
        assert_eq!(missed_days(start, end, d(12, 30), &all), vec![], "after the end: none");
        assert_eq!(missed_days(start, end, d(12, 30), &[]).len(), 7, "not past the end");
    }
}
