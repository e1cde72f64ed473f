//! Emergency plans (应急预案), versioned per station and kind, each a checklist of steps; drills
//! (演练) against them; and readiness: how long ago each kind was last drilled.

use crate::validate::date::happened_on;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::error::{DomainError, OnField};
use crate::validate::{optional_text, parse_choice, parse_int, required_text};

code_enum!(
    /// What the plan is for.
    PlanKind, "plans.kind.", [
        PositiveCase => "positive_case",
        Fever => "fever",
        Fire => "fire",
        Escape => "escape",
        PowerOutage => "power_outage",
        Other => "other",
    ]
);

/// A plan not drilled for this many days is due for a drill.
pub const DRILL_EVERY_DAYS: i64 = 90;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PlanInput {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    /// One step per line.
    #[serde(default)]
    pub steps: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPlan {
    pub kind: PlanKind,
    pub title: String,
    pub steps: Vec<String>,
}

pub fn validate_plan(i: &PlanInput) -> Result<NewPlan, DomainError> {
    let steps: Vec<String> = i
        .steps
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| required_text(l, 200).on("steps"))
        .collect::<Result<_, _>>()?;
    if steps.is_empty() {
        return Err(crate::validate::Invalid::Empty).on("steps");
    }
    if steps.len() > 50 {
        return Err(crate::validate::Invalid::OutOfRange { min: "1".into(), max: "50".into() })
            .on("steps");
    }
    Ok(NewPlan {
        kind: parse_choice(&i.kind, PlanKind::parse, "fire").on("kind")?,
        title: required_text(&i.title, 60).on("title")?,
        steps,
    })
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct DrillInput {
    #[serde(default)]
    pub held_on: String,
    #[serde(default)]
    pub participants: String,
    #[serde(default)]
    pub minutes: String,
    #[serde(default)]
    pub gaps: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDrill {
    pub held_on: NaiveDate,
    pub participants: i64,
    pub minutes: i64,
    pub gaps: Option<String>,
}

pub fn validate_drill(i: &DrillInput, today: NaiveDate) -> Result<NewDrill, DomainError> {
    let held_on = crate::station::guest::parse_date(&i.held_on)
        .and_then(|d| happened_on(d, today))
        .on("held_on")?;
    Ok(NewDrill {
        held_on,
        participants: parse_int(&i.participants, 1, 1000, "20").on("participants")?,
        minutes: parse_int(&i.minutes, 1, 1440, "45").on("minutes")?,
        gaps: optional_text(&i.gaps, 2000).on("gaps")?,
    })
}

/// Readiness of one plan: never drilled, drilled within the interval, or due again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Readiness {
    Never,
    Ready { days_since: i64 },
    Due { days_since: i64 },
}

pub fn readiness(last_drill: Option<NaiveDate>, today: NaiveDate) -> Readiness {
    match last_drill {
        None => Readiness::Never,
        Some(d) => {
            let days_since = (today - d).num_days();
            if days_since > DRILL_EVERY_DAYS {
                Readiness::Due { days_since }
            } else {
                Readiness::Ready { days_since }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_and_drills_validate() {
        let p = validate_plan(&PlanInput {
            kind: "fire".into(),
            title: "火灾疏散预案".into(),
            steps: "发现火情立即报告\n\n  启动疏散  \n清点人数".into(),
        })
        .unwrap();
        assert_eq!(p.steps, ["发现火情立即报告", "启动疏散", "清点人数"]);
        let bad = validate_plan(&PlanInput {
            kind: "fire".into(),
            title: "x".into(),
            steps: " \n ".into(),
        });
        assert_eq!(bad.unwrap_err().field(), Some("steps"));
        let bad = validate_plan(&PlanInput {
            kind: "flood".into(),
            title: "x".into(),
            steps: "a".into(),
        });
        assert_eq!(bad.unwrap_err().field(), Some("kind"));
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let d = validate_drill(
            &DrillInput {
                held_on: "2026-03-01".into(),
                participants: "20".into(),
                minutes: "45".into(),
                gaps: String::new(),
            },
            today,
        )
        .unwrap();
        assert_eq!((d.participants, d.minutes, d.gaps), (20, 45, None));
        let bad = validate_drill(
            &DrillInput {
                held_on: "2026-03-02".into(),
                participants: "20".into(),
                minutes: "45".into(),
                gaps: String::new(),
            },
            today,
        );
        assert_eq!(bad.unwrap_err().field(), Some("held_on"));
        let bad = validate_drill(
            &DrillInput {
                held_on: "2026-03-01".into(),
                participants: "0".into(),
                minutes: "45".into(),
                gaps: String::new(),
            },
            today,
        );
        assert_eq!(bad.unwrap_err().field(), Some("participants"));
    }

    #[test]
    fn readiness_by_age_of_the_last_drill() {
        let today = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        assert_eq!(readiness(None, today), Readiness::Never);
        let d = |n| Some(today - chrono::Duration::days(n));
        assert_eq!(readiness(d(90), today), Readiness::Ready { days_since: 90 });
        assert_eq!(readiness(d(91), today), Readiness::Due { days_since: 91 });
        assert_eq!(readiness(d(0), today), Readiness::Ready { days_since: 0 });
    }
}
