//! One palette for the whole product: danger, warning, info, ok, neutral, and positive — the
//! strongest signal, its own colour above a fever. A tone is a CSS class (`tone-…` in app.css),
//! always shown with a word, never colour alone.

use yizhan_core::station::attention::Reason;
use yizhan_core::station::health::AlertReason;

use crate::i18n::Tr;

/// The tone of an alert: a positive test is `positive`, any reading's alert `danger`.
pub fn of_alert(a: AlertReason) -> &'static str {
    match a {
        AlertReason::Positive => "positive",
        AlertReason::Fever | AlertReason::Symptoms | AlertReason::FeverAndSymptoms => "danger",
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
