//! Emergency plans (应急预案), versioned per station and kind, each a checklist of steps; drills
//! (演练) against them; and readiness: how long ago each kind was last drilled.

use crate::validate::date::happened_on;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::error::{DomainError, OnField, Refusals};
use crate::station::case::Step;
use crate::validate::{Invalid, optional_text, parse_choice, parse_int, required_text};

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
    /// A positive-case plan's time limits, in minutes from the case's opening (blank: the
    /// usual one).
    #[serde(default)]
    pub minutes_report: String,
    #[serde(default)]
    pub minutes_transfer: String,
    #[serde(default)]
    pub minutes_disinfect: String,
    #[serde(default)]
    pub minutes_confirm: String,
    #[serde(default)]
    pub minutes_unseal: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPlan {
    pub kind: PlanKind,
    pub title: String,
    pub steps: Vec<String>,
    /// A positive-case plan's own time limits (the steps it sets; the rest keep the usual).
    pub case_minutes: Vec<(Step, i64)>,
}

/// The longest a case's step may be given: fourteen days.
pub const MAX_STEP_MINUTES: i64 = 14 * 24 * 60;

/// Checks a plan; every refusal at once.
pub fn validate_plan(i: &PlanInput) -> Result<NewPlan, DomainError> {
    let mut r = Refusals::default();
    let kind = r.check(parse_choice(&i.kind, PlanKind::parse, "fire").on("kind"));
    let title = r.check(required_text(&i.title, 60).on("title"));
    let steps: Vec<String> = i
        .steps
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .filter_map(|l| r.check(required_text(l, 200).on("steps")))
        .collect();
    if i.steps.trim().is_empty() {
        r.refuse(DomainError::Invalid { field: "steps", error: Invalid::Empty });
    } else if steps.len() > 50 {
        let error = Invalid::OutOfRange { min: "1".into(), max: "50".into() };
        r.refuse(DomainError::Invalid { field: "steps", error });
    }
    let mut case_minutes = Vec::new();
    if kind == Some(PlanKind::PositiveCase) {
        for (step, text, field) in [
            (Step::Report, &i.minutes_report, "minutes_report"),
            (Step::Transfer, &i.minutes_transfer, "minutes_transfer"),
            (Step::Disinfect, &i.minutes_disinfect, "minutes_disinfect"),
            (Step::Confirm, &i.minutes_confirm, "minutes_confirm"),
            (Step::Unseal, &i.minutes_unseal, "minutes_unseal"),
        ] {
            if text.trim().is_empty() {
                continue;
            }
            if let Some(m) = r.check(parse_int(text, 1, MAX_STEP_MINUTES, "60").on(field)) {
                case_minutes.push((step, m));
            }
        }
    }
    r.finish()?;
    match (kind, title) {
        (Some(kind), Some(title)) => Ok(NewPlan { kind, title, steps, case_minutes }),
        _ => Err(DomainError::Invalid { field: "title", error: Invalid::Empty }),
    }
}

/// A plan's time limits as kept: `{"report": 30, ...}`.
pub fn minutes_json(m: &[(Step, i64)]) -> Option<String> {
    (!m.is_empty()).then(|| {
        let o: serde_json::Map<String, serde_json::Value> =
            m.iter().map(|(s, v)| (s.as_str().to_owned(), (*v).into())).collect();
        serde_json::Value::Object(o).to_string()
    })
}

/// A plan's time limits read back; what cannot be read is left to the usual.
pub fn minutes_from(kept: Option<&str>) -> Vec<(Step, i64)> {
    let v: serde_json::Value = kept.and_then(|k| serde_json::from_str(k).ok()).unwrap_or_default();
    Step::ALL
        .iter()
        .filter_map(|s| v[s.as_str()].as_i64().map(|m| (*s, m)))
        .filter(|(_, m)| (1..=MAX_STEP_MINUTES).contains(m))
        .collect()
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
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
    fn a_positive_case_plan_sets_its_own_time_limits() {
        let i = PlanInput {
            kind: "positive_case".into(),
            title: "阳性处置预案".into(),
            steps: "上报\n转运".into(),
            minutes_report: "30".into(),
            minutes_transfer: " 90 ".into(),
            ..Default::default()
        };
        let p = validate_plan(&i).unwrap();
        assert_eq!(p.case_minutes, [(Step::Report, 30), (Step::Transfer, 90)]);
        let kept = minutes_json(&p.case_minutes);
        assert_eq!(minutes_from(kept.as_deref()), p.case_minutes, "read back as kept");
        assert!(minutes_from(Some("{\"report\": 0, \"unseal\": \"x\"}")).is_empty());
        // Another kind of plan keeps none; bad limits are each named, with the rest.
        let fire = PlanInput { kind: "fire".into(), ..i.clone() };
        assert!(validate_plan(&fire).unwrap().case_minutes.is_empty());
        let bad = PlanInput {
            title: String::new(),
            minutes_report: "0".into(),
            minutes_unseal: "99999".into(),
            ..i
        };
        let fields: Vec<_> =
            validate_plan(&bad).unwrap_err().each().iter().filter_map(|e| e.field()).collect();
        assert_eq!(fields, ["title", "minutes_report", "minutes_unseal"]);
    }

    #[test]
    fn plans_and_drills_validate() {
        let p = validate_plan(&PlanInput {
            kind: "fire".into(),
            title: "火灾疏散预案".into(),
            steps: "发现火情立即报告\n\n  启动疏散  \n清点人数".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(p.steps, ["发现火情立即报告", "启动疏散", "清点人数"]);
        let bad = validate_plan(&PlanInput {
            kind: "fire".into(),
            title: "x".into(),
            steps: " \n ".into(),
            ..Default::default()
        });
        assert_eq!(bad.unwrap_err().field(), Some("steps"));
        let bad = validate_plan(&PlanInput {
            kind: "flood".into(),
            title: "x".into(),
            steps: "a".into(),
            ..Default::default()
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
