//! What a guest asks of the station from their own page (issue 20): a meal problem, daily
//! necessities, medicine, a counsellor, a complaint, anything else. Each goes to the working
//! group that answers it, with a deadline by its kind, and the guest sees where it stands.

use chrono::{DateTime, Duration, Utc};

use crate::error::{DomainError, OnField, Refusals};
use crate::validate::{Invalid, optional_text, required_text};
use crate::words;

code_enum!(
    /// What a guest asks for.
    RequestKind, "request.kind.", [
        Meal => "meal",
        Necessities => "necessities",
        Medicine => "medicine",
        Counselling => "counselling",
        Complaint => "complaint",
        Other => "other",
    ]
);

code_enum!(
    /// Where a request stands, as the guest sees it.
    RequestState, "request.state.", [
        Received => "received",
        InProgress => "in_progress",
        Done => "done",
    ]
);

pub const TEXT_MAX: usize = 300;

impl RequestKind {
    /// How long the station has to answer: medicine soonest, a complaint within a day.
    pub fn due_minutes(self) -> i64 {
        match self {
            RequestKind::Medicine => 30,
            RequestKind::Meal => 60,
            RequestKind::Necessities => 120,
            RequestKind::Counselling | RequestKind::Other => 240,
            RequestKind::Complaint => 24 * 60,
        }
    }

    pub fn due_at(self, at: DateTime<Utc>) -> DateTime<Utc> {
        at + Duration::minutes(self.due_minutes())
    }
}

/// A request as the guest's form sends it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct RequestInput {
    #[serde(default)]
    pub kind: String,
    /// What is needed, in the guest's words.
    #[serde(default)]
    pub need: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    pub kind: RequestKind,
    pub text: String,
}

/// Every refusal at once: the kind, and what is asked (always said, at most 300 characters).
pub fn validate_request(i: &RequestInput) -> Result<NewRequest, DomainError> {
    let mut r = Refusals::default();
    let kind = r.check(
        match i.kind.trim() {
            "" => Err(Invalid::Empty),
            k => RequestKind::parse(k).ok_or(Invalid::BadFormat { hint: "medicine" }),
        }
        .on("kind"),
    );
    let text = r.check(required_text(&i.need, TEXT_MAX).on("need"));
    r.finish()?;
    match (kind, text) {
        (Some(kind), Some(text)) => Ok(NewRequest { kind, text }),
        _ => Err(DomainError::Invalid { field: "kind", error: Invalid::Empty }),
    }
}

/// A station's answer: the new state and what it says (required when done).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AnswerInput {
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub answer: String,
}

pub fn validate_answer(
    i: &AnswerInput,
    from: RequestState,
) -> Result<(RequestState, Option<String>), DomainError> {
    let mut r = Refusals::default();
    let to = r.check(
        match i.state.trim() {
            "" => Err(Invalid::Empty),
            s => RequestState::parse(s).ok_or(Invalid::BadFormat { hint: "done" }),
        }
        .on("state"),
    );
    let answer = r.check(optional_text(&i.answer, TEXT_MAX).on("answer"));
    if let Some(to) = to {
        if from == RequestState::Done || to == RequestState::Received || to == from {
            r.refuse(DomainError::Rule { field: Some("state"), key: "error.request_state" });
        }
        if to == RequestState::Done && answer.as_ref().is_some_and(Option::is_none) {
            r.refuse(DomainError::Invalid { field: "answer", error: Invalid::Empty });
        }
    }
    r.finish()?;
    match (to, answer) {
        (Some(to), Some(answer)) => Ok((to, answer)),
        _ => Err(DomainError::Invalid { field: "state", error: Invalid::Empty }),
    }
}

/// The working group that answers `kind` among a station's groups (id, name): the first whose
/// name the words file gives for the kind (`request.group.*`); else none (the whole station).
pub fn group_for(kind: RequestKind, groups: &[(i64, String)]) -> Option<i64> {
    let names = words::words(&format!("request.group.{}", kind.as_str()));
    names.iter().find_map(|n| groups.iter().find(|(_, g)| g == n).map(|(id, _)| *id))
}

/// Overdue: not done and past its deadline.
pub fn overdue(state: RequestState, due_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    state != RequestState::Done && now > due_at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_says_its_kind_and_what_is_asked_and_every_refusal_comes_at_once() {
        let ok =
            validate_request(&RequestInput { kind: "medicine".into(), need: " 降压药 ".into() })
                .unwrap();
        assert_eq!((ok.kind, ok.text.as_str()), (RequestKind::Medicine, "降压药"));
        let e =
            validate_request(&RequestInput { kind: "pizza".into(), need: "".into() }).unwrap_err();
        let fields: Vec<_> = e.each().iter().map(|x| x.field()).collect();
        assert_eq!(fields, vec![Some("kind"), Some("need")]);
        let long = "药".repeat(301);
        assert!(validate_request(&RequestInput { kind: "other".into(), need: long }).is_err());
    }

    #[test]
    fn medicine_is_answered_soonest_and_a_complaint_within_a_day() {
        let at = DateTime::parse_from_rfc3339("2026-12-06T10:00:00Z").unwrap().to_utc();
        assert_eq!(RequestKind::Medicine.due_at(at).to_rfc3339(), "2026-12-06T10:30:00+00:00");
        assert_eq!(RequestKind::Complaint.due_minutes(), 1440);
        assert!(overdue(RequestState::Received, at, at + Duration::minutes(1)));
        assert!(!overdue(RequestState::Done, at, at + Duration::minutes(1)));
        assert!(!overdue(RequestState::InProgress, at, at));
    }

    #[test]
    fn each_kind_goes_to_the_group_that_answers_it() {
        let groups =
            vec![(1, "前台组".to_owned()), (2, "医疗组".to_owned()), (3, "心理咨询组".to_owned())];
        assert_eq!(group_for(RequestKind::Medicine, &groups), Some(2));
        assert_eq!(group_for(RequestKind::Counselling, &groups), Some(3));
        assert_eq!(group_for(RequestKind::Complaint, &groups), Some(1));
        assert_eq!(group_for(RequestKind::Medicine, &[(9, "安保组".to_owned())]), None);
    }

    #[test]
    fn an_answer_moves_forward_and_done_says_what_was_done() {
        let a = |s: &str, t: &str| AnswerInput { state: s.into(), answer: t.into() };
        assert_eq!(
            validate_answer(&a("in_progress", ""), RequestState::Received).unwrap(),
            (RequestState::InProgress, None)
        );
        assert_eq!(
            validate_answer(&a("done", "已送到门口"), RequestState::InProgress)
                .unwrap()
                .1
                .as_deref(),
            Some("已送到门口")
        );
        let e = validate_answer(&a("done", ""), RequestState::Received).unwrap_err();
        assert_eq!(e.field(), Some("answer"));
        assert!(validate_answer(&a("received", "x"), RequestState::InProgress).is_err());
        assert!(validate_answer(&a("in_progress", "x"), RequestState::Done).is_err());
        assert!(validate_answer(&a("later", "x"), RequestState::Received).is_err());
    }
}
