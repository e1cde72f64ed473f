//! One palette for the whole product: danger, warning, info, ok, neutral, and positive — the
//! strongest signal, its own colour above a fever. A tone is a CSS class (`tone-…` in app.css),
//! always shown with a word, never colour alone.

use yizhan_core::station::attention::Reason;
use yizhan_core::station::health::AlertReason;

use crate::i18n::Tr;

/// The tone of an alert: a positive test is `positive`, any reading's alert `danger`.
/// A test on a guest's calendar: a positive in the positive's colour, a negative ok, an invalid
/// sample a warning (sample again), sampled and waiting info, not sampled yet none.
pub fn of_test(
    result: Option<yizhan_core::station::sampling::TestResult>,
    sampled: bool,
) -> &'static str {
    use yizhan_core::station::sampling::TestResult::*;
    match (result, sampled) {
        (Some(Positive), _) => "positive",
        (Some(Negative), _) => "ok",
        (Some(Invalid), _) => "warning",
        (None, true) => "info",
        (None, false) => "neutral",
    }
}

pub fn of_alert(a: AlertReason) -> &'static str {
    match a {
        AlertReason::Positive => "positive",
        AlertReason::Fever | AlertReason::Symptoms | AlertReason::FeverAndSymptoms => "danger",
    }
}

/// The tone of a notification's severity: critical is the positive's own, then danger,
/// warning, information.
pub fn of_severity(s: yizhan_core::notify::Severity) -> &'static str {
    use yizhan_core::notify::Severity;
    match s {
        Severity::Critical => "positive",
        Severity::Danger => "danger",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// What an alert signals, to show: its tone and its word (发热, 核酸阳性 …).
pub fn sign(tr: &Tr, a: AlertReason) -> (&'static str, String) {
    (of_alert(a), tr.t(a.label_key()).to_owned())
}

/// The tone of what blocks a release: a positive test its own, an open alert danger, tests
/// still to come a warning, days still to serve only information.
pub fn of_blocker(b: yizhan_core::station::release::Blocker) -> &'static str {
    use yizhan_core::station::release::Blocker;
    match b {
        Blocker::PositiveResult => "positive",
        Blocker::OpenAlerts { .. } => "danger",
        Blocker::TestsNotAllNegative { .. } => "warning",
        Blocker::PeriodNotComplete { .. } => "info",
    }
}

/// The tone of an inspection item's result: a fail is danger (it becomes a rectification).
pub fn of_inspection(o: yizhan_core::command::inspection::Outcome) -> &'static str {
    use yizhan_core::command::inspection::Outcome;
    match o {
        Outcome::Pass => "ok",
        Outcome::Fail => "danger",
        Outcome::NotApplicable => "neutral",
    }
}

/// The tone of a reason for attention: a positive test its own, a fever or symptoms danger,
/// what is overdue or a high psychological risk a warning, what is only watched info or neutral
/// (so chronic disease never looks like a positive test).
pub fn of_reason(r: Reason) -> &'static str {
    match r {
        Reason::TestPositive => "positive",
        Reason::Fever | Reason::Symptoms => "danger",
        Reason::CheckOverdue | Reason::TestOverdue | Reason::HighPsychRisk => "warning",
        Reason::TestPending | Reason::Manual | Reason::OpenComplaint => "info",
        Reason::Elderly | Reason::Child | Reason::Pregnant | Reason::ChronicDisease => "neutral",
    }
}

/// The tone of a post's exposure risk (高/中/低风险岗位): high is a warning, not a fever.
pub fn of_post_risk(r: &yizhan_core::care::staff::PostRisk) -> &'static str {
    use yizhan_core::care::staff::PostRisk;
    match *r {
        PostRisk::High => "warning",
        PostRisk::Medium => "info",
        PostRisk::Low => "neutral",
    }
}

/// The tone of a psychological risk from counselling: high is danger (someone must act).
pub fn of_psych_risk(r: &yizhan_core::care::counselling::Risk) -> &'static str {
    use yizhan_core::care::counselling::Risk;
    match *r {
        Risk::High => "danger",
        Risk::Medium => "warning",
        Risk::Low => "ok",
    }
}

/// The tone of a staff member's test of the day: overdue or missed is danger.
pub fn of_staff_test(s: &yizhan_core::care::staff::TestState) -> &'static str {
    use yizhan_core::care::staff::TestState;
    match *s {
        TestState::Overdue | TestState::Missed => "danger",
        TestState::Pending => "warning",
        TestState::Done => "ok",
        TestState::NotDue => "neutral",
    }
}

/// The tone of an incident's kind: fire and an escape attempt are danger.
pub fn of_incident(k: &yizhan_core::care::incident::IncidentKind) -> &'static str {
    use yizhan_core::care::incident::IncidentKind;
    match *k {
        IncidentKind::Fire | IncidentKind::EscapeAttempt => "danger",
        IncidentKind::Accident | IncidentKind::Security => "warning",
        IncidentKind::Other => "info",
    }
}

/// The tone of a complaint: open is a warning until someone answers it.
pub fn of_complaint(s: &yizhan_core::care::incident::ComplaintStatus) -> &'static str {
    use yizhan_core::care::incident::ComplaintStatus;
    match *s {
        ComplaintStatus::Open => "warning",
        ComplaintStatus::InProgress => "info",
        ComplaintStatus::Resolved => "ok",
    }
}

/// The tone of a relative's delivery: refused is danger, delivered done.
pub fn of_delivery(s: &yizhan_core::care::relatives::DeliveryStatus) -> &'static str {
    use yizhan_core::care::relatives::DeliveryStatus;
    match *s {
        DeliveryStatus::Refused => "danger",
        DeliveryStatus::Received | DeliveryStatus::Disinfected => "info",
        DeliveryStatus::Delivered => "ok",
    }
}

/// The tone of an emergency plan's readiness (`never`, `due`, `ready`): never drilled is danger.
pub fn of_readiness(code: &str) -> &'static str {
    match code {
        "never" => "danger",
        "due" => "warning",
        _ => "ok",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yizhan_core::care::{counselling::Risk, incident::IncidentKind, staff::TestState};

    #[test]
    fn what_needs_action_is_danger_and_what_is_done_is_ok() {
        assert_eq!(of_psych_risk(&Risk::High), "danger");
        assert_eq!(of_psych_risk(&Risk::Low), "ok");
        assert_eq!(of_staff_test(&TestState::Overdue), "danger");
        assert_eq!(of_staff_test(&TestState::Done), "ok");
        assert_eq!(of_incident(&IncidentKind::Fire), "danger");
        assert_eq!(of_readiness("never"), "danger");
        assert_eq!(of_readiness("ready"), "ok");
        // A positive test outranks a fever; a chronic disease is never alarming.
        assert_eq!(of_reason(Reason::TestPositive), "positive");
        assert_eq!(of_reason(Reason::Fever), "danger");
        assert_eq!(of_reason(Reason::ChronicDisease), "neutral");
    }

    #[test]
    fn a_positive_test_is_in_its_own_colour_and_every_state_has_one() {
        use yizhan_core::station::sampling::TestResult::*;
        assert_eq!(of_test(Some(Positive), true), "positive");
        assert_eq!(of_test(Some(Negative), true), "ok");
        assert_eq!(of_test(Some(Invalid), true), "warning");
        assert_eq!(of_test(None, true), "info");
        assert_eq!(of_test(None, false), "neutral");
    }
}
