//! A positive case's response (阳性处置): the steps the emergency plan times from the moment the
//! case opens, and what each step records when it is done.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, OnField, Refusals};
use crate::validate::{Invalid, optional_text, parse_local_datetime, required_text};

code_enum!(
    /// A step of the response, in the order it is usually done.
    Step, "case.step.", [
        /// 上报指挥部: who at the command was told.
        Report => "report",
        /// 复核: a second sample, when the policy samples twice.
        Confirm => "confirm",
        /// 闭环转运: vehicle, escort, hospital, handover and who received the person.
        Transfer => "transfer",
        /// 终末消毒: the room and the corridor.
        Disinfect => "disinfect",
        /// 解封: the room released after the disinfection was checked.
        Unseal => "unseal",
    ]
);

/// The steps of a case and the minutes after its opening by which each is due: reported within
/// an hour, transferred within two, disinfected within four, re-sampled within six (when the
/// policy samples twice), unsealed within three days — unless the station's positive-case plan
/// sets its own (`plan`), then in the order they fall due.
pub fn schedule(double_sampling: bool, plan: &[(Step, i64)]) -> Vec<(Step, i64)> {
    let mut s = vec![(Step::Report, 60)];
    if double_sampling {
        s.push((Step::Confirm, 360));
    }
    s.extend([(Step::Transfer, 120), (Step::Disinfect, 240), (Step::Unseal, 72 * 60)]);
    for (step, minutes) in &mut s {
        if let Some((_, m)) = plan.iter().find(|(p, _)| p == step) {
            *minutes = *m;
        }
    }
    s.sort_by_key(|(_, m)| *m);
    s
}

/// A case as a report or a notice states it: where, why, since when, how far its response has
/// gone and which steps were past their time (none of the person's details).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CaseFact {
    pub station: String,
    pub room: String,
    /// positive or fever_escalated.
    pub reason: String,
    pub opened_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Steps done of all.
    pub done: i64,
    pub steps: i64,
    /// Steps not done by their time, as of the report's end.
    pub overdue: Vec<Step>,
}

/// A step with when it was due and when it was done.
pub type Timed = (Step, DateTime<Utc>, Option<DateTime<Utc>>);

/// The fact of a case from its steps as of `at`.
pub fn fact(
    (station, room, reason): (String, String, String),
    opened_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
    steps: &[Timed],
    at: DateTime<Utc>,
) -> CaseFact {
    let done_by = |d: &Option<DateTime<Utc>>| d.is_some_and(|d| d <= at);
    CaseFact {
        station,
        room,
        reason,
        opened_at,
        closed_at: closed_at.filter(|c| *c <= at),
        done: steps.iter().filter(|(_, _, d)| done_by(d)).count() as i64,
        steps: steps.len() as i64,
        overdue: steps
            .iter()
            .filter(|(_, due, d)| {
                *due < at && !done_by(d) || d.is_some_and(|d| d > *due && *due < at)
            })
            .map(|(s, _, _)| *s)
            .collect(),
    }
}

/// What a step's form sends; each step reads the fields it needs.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StepInput {
    #[serde(default)]
    pub step: String,
    #[serde(default)]
    pub reported_to: String,
    #[serde(default)]
    pub result: String,
    #[serde(default)]
    pub vehicle: String,
    #[serde(default)]
    pub escort: String,
    #[serde(default)]
    pub hospital: String,
    #[serde(default)]
    pub handover_at: String,
    #[serde(default)]
    pub receiver: String,
    #[serde(default)]
    pub note: String,
}

/// A step done, with what it records (kept as JSON on the step).
#[derive(Debug, Clone, PartialEq)]
pub struct StepDone {
    pub step: Step,
    pub detail: serde_json::Value,
}

/// Checks a step's record at `now`: every field the step needs, every refusal at once; a
/// handover in the future is refused.
pub fn validate_step(i: &StepInput, now: DateTime<Utc>) -> Result<StepDone, DomainError> {
    let step =
        Step::parse(i.step.trim()).ok_or(Invalid::BadFormat { hint: "report" }).on("step")?;
    let mut r = Refusals::default();
    let note = r.check(optional_text(&i.note, 200).on("note")).flatten();
    let mut detail = serde_json::json!({ "note": note });
    match step {
        Step::Report => {
            let to = r.check(required_text(&i.reported_to, 60).on("reported_to"));
            detail["reported_to"] = to.into();
        }
        Step::Confirm => {
            let result = r.check(
                match i.result.trim() {
                    "positive" | "negative" => Ok(i.result.trim().to_owned()),
                    "" => Err(Invalid::Empty),
                    _ => Err(Invalid::BadFormat { hint: "positive" }),
                }
                .on("result"),
            );
            detail["result"] = result.into();
        }
        Step::Transfer => {
            detail["vehicle"] = r.check(required_text(&i.vehicle, 30).on("vehicle")).into();
            detail["escort"] = r.check(required_text(&i.escort, 60).on("escort")).into();
            detail["hospital"] = r.check(required_text(&i.hospital, 60).on("hospital")).into();
            let at = r.check(parse_local_datetime(&i.handover_at, now).on("handover_at"));
            detail["handover_at"] = at.map(|t| t.to_rfc3339()).into();
            detail["receiver"] = r.check(required_text(&i.receiver, 60).on("receiver")).into();
        }
        Step::Disinfect | Step::Unseal => {}
    }
    r.finish()?;
    Ok(StepDone { step, detail })
}

/// Whether a step due at `due` and not done is overdue at `now`.
pub fn is_overdue(due: DateTime<Utc>, done: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    done.is_none() && now > due
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_times_each_step_and_confirms_only_under_double_sampling() {
        let steps: Vec<Step> = schedule(false, &[]).into_iter().map(|(s, _)| s).collect();
        assert_eq!(steps, [Step::Report, Step::Transfer, Step::Disinfect, Step::Unseal]);
        let twice = schedule(true, &[]);
        assert_eq!(twice[3], (Step::Confirm, 360), "in the order they fall due");
        assert_eq!(twice[0], (Step::Report, 60), "reported within the hour");
    }

    #[test]
    fn a_fact_counts_what_was_done_by_then_and_what_ran_late() {
        let t0: DateTime<Utc> = "2026-12-01T00:00:00Z".parse().unwrap();
        let h = |n: i64| t0 + chrono::Duration::hours(n);
        let steps = [
            (Step::Report, h(1), Some(h(0))),   // in time
            (Step::Transfer, h(2), Some(h(3))), // done, but late
            (Step::Disinfect, h(4), None),      // not done, past its time at h(5)
            (Step::Unseal, h(72), None),        // not yet due
        ];
        let names = ("A".into(), "301".into(), "positive".into());
        let f = fact(names.clone(), t0, None, &steps, h(5));
        assert_eq!((f.done, f.steps), (2, 4));
        assert_eq!(f.overdue, [Step::Transfer, Step::Disinfect]);
        // As of h(1:30), the transfer was neither done nor late yet.
        let early = fact(names, t0, Some(h(80)), &steps, h(1) + chrono::Duration::minutes(30));
        assert_eq!((early.done, early.overdue.len(), early.closed_at), (1, 0, None));
    }

    #[test]
    fn the_stations_plan_sets_its_own_limits_and_the_rest_keep_the_usual() {
        let plan = [(Step::Report, 30), (Step::Disinfect, 90), (Step::Confirm, 600)];
        assert_eq!(
            schedule(false, &plan),
            [
                (Step::Report, 30),
                (Step::Disinfect, 90),
                (Step::Transfer, 120),
                (Step::Unseal, 4320)
            ],
            "no second sample under a single-sample policy, whatever the plan says"
        );
        assert_eq!(schedule(true, &plan)[3], (Step::Confirm, 600));
    }

    #[test]
    fn a_transfer_records_vehicle_escort_hospital_handover_and_receiver() {
        let now = Utc::now();
        let i = StepInput {
            step: "transfer".into(),
            vehicle: "120 负压救护车 粤B12345".into(),
            escort: "医疗组 王医生".into(),
            hospital: "市第三人民医院".into(),
            handover_at: crate::time::local_display(now - chrono::Duration::minutes(10)),
            receiver: "发热门诊 李护士".into(),
            note: String::new(),
            ..Default::default()
        };
        let d = validate_step(&i, now).unwrap();
        assert_eq!(d.step, Step::Transfer);
        assert_eq!(d.detail["hospital"], "市第三人民医院");
        let e = validate_step(&StepInput { step: "transfer".into(), ..Default::default() }, now)
            .unwrap_err();
        let fields: Vec<_> = e.each().iter().filter_map(|e| e.field()).collect();
        assert_eq!(fields, ["vehicle", "escort", "hospital", "handover_at", "receiver"]);
        let future = StepInput {
            handover_at: crate::time::local_display(now + chrono::Duration::hours(2)),
            ..i
        };
        assert_eq!(validate_step(&future, now).unwrap_err().field(), Some("handover_at"));
    }

    #[test]
    fn each_step_asks_what_it_needs() {
        let now = Utc::now();
        let s = |step: &str| StepInput { step: step.into(), ..Default::default() };
        assert_eq!(validate_step(&s("report"), now).unwrap_err().field(), Some("reported_to"));
        assert_eq!(validate_step(&s("confirm"), now).unwrap_err().field(), Some("result"));
        assert!(validate_step(&s("disinfect"), now).is_ok());
        assert_eq!(validate_step(&s("bury"), now).unwrap_err().field(), Some("step"));
        let t = Utc::now();
        assert!(is_overdue(t, None, t + chrono::Duration::seconds(1)));
        assert!(!is_overdue(t, Some(t), t + chrono::Duration::hours(1)));
    }
}
