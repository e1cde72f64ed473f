//! Resumption review (复工申请与审核): the enterprise applies with its prevention plan filed, the
//! command of its street or of the district approves or rejects with a reason, and the
//! enterprise reports that it has resumed once approved. Who may take which step from which
//! status is decided here, and nowhere else.
//!
//! ```text
//!   not_started ──apply (enterprise, plan filed)──▶ applied
//!   applied ──approve (command, reason)──▶ approved
//!   applied ──reject (command, reason)──▶ not_started   (the reason kept and shown; apply again)
//!   approved ──resume (enterprise reports; or the command records)──▶ resumed
//! ```
//!
//! A rejection goes back to `not_started` rather than to a state of its own: the enterprise is
//! not resuming and may apply again, the statistics (which count the resumed) are unchanged,
//! and the decision, its reason, who and when are kept with the enterprise and in the audit log.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::access::{Permission, Principal, Target};
use crate::error::{DomainError, OnField};
use crate::validate::{Invalid, parse_optional_date, required_text};
use crate::work::enterprise::{EnterpriseInput, Resumption};

/// In whose name a step is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// The enterprise's own account.
    Enterprise,
    /// A commander whose scope holds the enterprise: its street's or the district's.
    Command,
}

code_enum!(
    /// A step of the review. Labels are the buttons.
    Step, "resumption.step.", [
        Apply => "apply",
        Approve => "approve",
        Reject => "reject",
        Resume => "resume",
    ]
);

code_enum!(
    /// The command's last decision on an application, kept with the enterprise.
    Decision, "resumption.decision.", [
        Approved => "approved",
        Rejected => "rejected",
    ]
);

impl Step {
    /// The decision a review step records (approve, reject), if it is one.
    pub fn decision(self) -> Option<Decision> {
        match self {
            Step::Approve => Some(Decision::Approved),
            Step::Reject => Some(Decision::Rejected),
            Step::Apply | Step::Resume => None,
        }
    }
}

/// The step is not this caller's to take (an enterprise approving itself, the command applying
/// for an enterprise).
pub const KEY_NOT_YOURS: &str = "error.resumption_not_yours";
/// The status does not allow this step (applying twice, approving what nobody applied for).
pub const KEY_WRONG_STEP: &str = "error.resumption_wrong_step";
/// Somebody else moved the status between reading and writing: nothing was saved.
pub const KEY_MOVED: &str = "error.resumption_moved";
/// An application needs the prevention plan filed first.
pub const KEY_PLAN_FIRST: &str = "error.resumption_plan_first";
/// The enterprise's own account cannot change the status or its dates in the edit form.
pub const KEY_FORM_LOCKED: &str = "error.resumption_form_locked";
pub const RULE_KEYS: &[&str] =
    &[KEY_NOT_YOURS, KEY_WRONG_STEP, KEY_MOVED, KEY_PLAN_FIRST, KEY_FORM_LOCKED];

fn rule(field: &'static str, key: &'static str) -> DomainError {
    DomainError::Rule { field: Some(field), key }
}

/// Who may take a step: the enterprise applies and reports resumed; the command approves,
/// rejects, and may record resumed too (it approved; an on-site check may confirm it).
pub fn may_take(party: Party, step: Step) -> bool {
    matches!(
        (party, step),
        (Party::Enterprise, Step::Apply | Step::Resume)
            | (Party::Command, Step::Approve | Step::Reject | Step::Resume)
    )
}

/// Where a step leads from a status, whoever takes it; `None` when the status does not allow it.
pub fn transition(from: Resumption, step: Step) -> Option<Resumption> {
    use Resumption::*;
    match (step, from) {
        (Step::Apply, NotStarted) => Some(Applied),
        (Step::Approve, Applied) => Some(Approved),
        (Step::Reject, Applied) => Some(NotStarted),
        (Step::Resume, Approved) => Some(Resumed),
        _ => None,
    }
}

/// A step decided on: the store writes `to` only where the status is still `from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Move {
    pub step: Step,
    pub from: Resumption,
    pub to: Resumption,
}

/// The move a step makes, if one of the caller's `parties` may take it from `from`. Errors
/// name `resumption` (not yours, or not from this status) or `plan` (apply without a filed
/// prevention plan).
pub fn next(
    parties: &[Party],
    from: Resumption,
    step: Step,
    plan_filed: bool,
) -> Result<Move, DomainError> {
    if !parties.iter().any(|p| may_take(*p, step)) {
        return Err(rule("resumption", KEY_NOT_YOURS));
    }
    let to = transition(from, step).ok_or(rule("resumption", KEY_WRONG_STEP))?;
    if step == Step::Apply && !plan_filed {
        return Err(rule("plan", KEY_PLAN_FIRST));
    }
    Ok(Move { step, from, to })
}

/// In whose names this person acts on an enterprise: as the enterprise itself (its own
/// account), as its command (a commander of its street or the district), both, or neither.
pub fn parties(p: &Principal, enterprise: Target) -> Vec<Party> {
    let mut out = Vec::new();
    if p.can(Permission::ResumptionApply, enterprise) {
        out.push(Party::Enterprise);
    }
    if p.can(Permission::ResumptionReview, enterprise) {
        out.push(Party::Command);
    }
    out
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReviewInput {
    /// `approve` or `reject`.
    #[serde(default)]
    pub decision: String,
    /// The review opinion (审核意见): required either way, shown to the enterprise.
    #[serde(default)]
    pub reason: String,
}

/// The command's decision: approve or reject, with a reason (≤ 500 characters) either way.
pub fn validate_review(i: &ReviewInput) -> Result<(Step, String), DomainError> {
    let step = match i.decision.trim() {
        "approve" => Step::Approve,
        "reject" => Step::Reject,
        _ => return Err(Invalid::BadFormat { hint: "approve" }).on("decision"),
    };
    let reason = required_text(&i.reason, 500).on("reason")?;
    Ok((step, reason))
}

/// An enterprise's status and the date of each step, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub status: Resumption,
    pub applied_on: Option<NaiveDate>,
    pub approved_on: Option<NaiveDate>,
    pub resumed_on: Option<NaiveDate>,
}

/// The edit form and resumption. The command may correct the status and its dates there (it is
/// the reviewer; the change is audited). Anyone else — the enterprise's own account — may not
/// change them at all: a blank field keeps the stored value (the enterprise's form does not
/// show them), and a value other than the stored one is refused, naming the field. Fills the
/// blanks in `i` so that the form validates as the stored record.
pub fn lock_form(
    parties: &[Party],
    stored: &Progress,
    i: &mut EnterpriseInput,
) -> Result<(), DomainError> {
    if parties.contains(&Party::Command) {
        return Ok(());
    }
    let sent = i.resumption.trim();
    if sent.is_empty() {
        i.resumption = stored.status.as_str().to_owned();
    } else if Resumption::parse(sent) != Some(stored.status) {
        return Err(rule("resumption", KEY_FORM_LOCKED));
    }
    for (field, value, kept) in [
        ("applied_on", &mut i.applied_on, stored.applied_on),
        ("approved_on", &mut i.approved_on, stored.approved_on),
        ("resumed_on", &mut i.resumed_on, stored.resumed_on),
    ] {
        if value.trim().is_empty() {
            *value = kept.map(|d| d.to_string()).unwrap_or_default();
        } else if parse_optional_date(value).ok() != Some(kept) {
            return Err(rule(field, KEY_FORM_LOCKED));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::{Grant, Role, Scope};
    use Party::{Command, Enterprise};
    use Resumption::*;

    #[test]
    fn known_good_moves() {
        for (party, from, step, to) in [
            (Enterprise, NotStarted, Step::Apply, Applied),
            (Command, Applied, Step::Approve, Approved),
            (Command, Applied, Step::Reject, NotStarted),
            (Enterprise, Approved, Step::Resume, Resumed),
            (Command, Approved, Step::Resume, Resumed),
        ] {
            assert_eq!(
                next(&[party], from, step, true),
                Ok(Move { step, from, to }),
                "{party:?} {step:?} from {from:?}"
            );
        }
        // A rejected enterprise is back at not_started and applies again.
        let back = next(&[Command], Applied, Step::Reject, true).unwrap().to;
        assert_eq!(next(&[Enterprise], back, Step::Apply, true).map(|m| m.to), Ok(Applied));
    }

    #[test]
    fn an_enterprise_never_reviews_itself_and_the_command_does_not_apply() {
        for from in Resumption::ALL.iter().copied() {
            for step in [Step::Approve, Step::Reject] {
                assert_eq!(
                    next(&[Enterprise], from, step, true),
                    Err(rule("resumption", KEY_NOT_YOURS)),
                    "{step:?} from {from:?}"
                );
            }
            assert_eq!(
                next(&[Command], from, Step::Apply, true),
                Err(rule("resumption", KEY_NOT_YOURS)),
                "apply from {from:?}"
            );
            // Nobody in particular (a viewer) takes no step at all.
            for step in Step::ALL.iter().copied() {
                assert_eq!(next(&[], from, step, true), Err(rule("resumption", KEY_NOT_YOURS)));
            }
        }
    }

    #[test]
    fn known_bad_moves_are_refused_naming_the_field() {
        for (party, from, step) in [
            // No skipping: resumed only after approval, approval only of an application.
            (Enterprise, NotStarted, Step::Resume),
            (Enterprise, Applied, Step::Resume),
            (Command, NotStarted, Step::Approve),
            (Command, NotStarted, Step::Reject),
            (Command, Applied, Step::Resume),
            // No going round twice.
            (Enterprise, Applied, Step::Apply),
            (Enterprise, Approved, Step::Apply),
            (Enterprise, Resumed, Step::Apply),
            (Enterprise, Resumed, Step::Resume),
            (Command, Approved, Step::Approve),
            (Command, Approved, Step::Reject),
            (Command, Resumed, Step::Approve),
            (Command, Resumed, Step::Reject),
        ] {
            assert_eq!(
                next(&[party], from, step, true),
                Err(rule("resumption", KEY_WRONG_STEP)),
                "{party:?} {step:?} from {from:?}"
            );
        }
        assert_eq!(
            next(&[Enterprise], NotStarted, Step::Apply, false),
            Err(rule("plan", KEY_PLAN_FIRST))
        );
        // The plan matters only to an application.
        assert_eq!(next(&[Command], Applied, Step::Approve, false).map(|m| m.to), Ok(Approved));
    }

    #[test]
    fn the_transition_table_is_exactly_four_moves() {
        let mut moves = 0;
        for from in Resumption::ALL.iter().copied() {
            for step in Step::ALL.iter().copied() {
                if transition(from, step).is_some() {
                    moves += 1;
                }
            }
        }
        assert_eq!(moves, 4);
        assert_eq!(Step::Approve.decision(), Some(Decision::Approved));
        assert_eq!(Step::Reject.decision(), Some(Decision::Rejected));
        assert_eq!(Step::Apply.decision(), None);
    }

    fn who(role: Role, scope: Scope) -> Principal {
        Principal {
            user_id: 1,
            username: "u".into(),
            display_name: "U".into(),
            grants: vec![Grant { role, scope }],
            must_change_password: false,
        }
    }

    #[test]
    fn parties_follow_role_and_scope() {
        let e1 = Target::Enterprise { id: 1, street: 10 };
        let e2 = Target::Enterprise { id: 2, street: 20 };
        let own = who(Role::Enterprise, Scope::Enterprise(1));
        assert_eq!(parties(&own, e1), vec![Enterprise]);
        assert_eq!(parties(&own, e2), vec![]);
        let street = who(Role::Commander, Scope::Street(10));
        assert_eq!(parties(&street, e1), vec![Command]);
        assert_eq!(parties(&street, e2), vec![]);
        assert_eq!(parties(&who(Role::Commander, Scope::District), e2), vec![Command]);
        for role in [Role::Viewer, Role::Inspector, Role::Admin] {
            assert_eq!(parties(&who(role, Scope::District), e1), vec![], "{role:?}");
        }
    }

    #[test]
    fn reviews_need_a_decision_and_a_reason() {
        let ok = |d: &str, r: &str| {
            validate_review(&ReviewInput { decision: d.into(), reason: r.into() })
        };
        assert_eq!(
            ok("approve", " 方案齐全，同意复工 "),
            Ok((Step::Approve, "方案齐全，同意复工".into()))
        );
        assert_eq!(
            ok("reject", "防控方案缺少返岗员工健康管理内容"),
            Ok((Step::Reject, "防控方案缺少返岗员工健康管理内容".into()))
        );
        assert_eq!(ok("reject", "  ").unwrap_err().field(), Some("reason"));
        assert_eq!(ok("approve", "").unwrap_err().field(), Some("reason"));
        assert_eq!(ok("approved", "x").unwrap_err().field(), Some("decision"));
        assert_eq!(ok("", "x").unwrap_err().field(), Some("decision"));
        assert_eq!(ok("reject", &"长".repeat(501)).unwrap_err().field(), Some("reason"));
    }

    fn stored() -> Progress {
        Progress {
            status: Applied,
            applied_on: "2020-02-10".parse().ok(),
            approved_on: None,
            resumed_on: None,
        }
    }

    #[test]
    fn the_enterprise_cannot_set_its_status_in_the_form() {
        // Blank: the stored status and dates are kept.
        let mut i = EnterpriseInput::default();
        lock_form(&[Enterprise], &stored(), &mut i).unwrap();
        assert_eq!(
            (i.resumption.as_str(), i.applied_on.as_str(), i.approved_on.as_str()),
            ("applied", "2020-02-10", "")
        );
        // The same values again: fine.
        let mut same = EnterpriseInput {
            resumption: "applied".into(),
            applied_on: "2020-02-10".into(),
            ..Default::default()
        };
        assert_eq!(lock_form(&[Enterprise], &stored(), &mut same), Ok(()));
        // A hostile form: approved, resumed, or back to not started.
        for status in ["approved", "resumed", "not_started", "nonsense"] {
            let mut i = EnterpriseInput {
                resumption: status.into(),
                approved_on: "2020-02-12".into(),
                ..Default::default()
            };
            assert_eq!(
                lock_form(&[Enterprise], &stored(), &mut i),
                Err(rule("resumption", KEY_FORM_LOCKED)),
                "{status}"
            );
        }
        // A date other than the stored one, the status untouched.
        let mut i = EnterpriseInput {
            resumption: "applied".into(),
            approved_on: "2020-02-12".into(),
            ..Default::default()
        };
        assert_eq!(
            lock_form(&[Enterprise], &stored(), &mut i),
            Err(rule("approved_on", KEY_FORM_LOCKED))
        );
        let mut i = EnterpriseInput { applied_on: "2020-02-09".into(), ..Default::default() };
        assert_eq!(lock_form(&[], &stored(), &mut i), Err(rule("applied_on", KEY_FORM_LOCKED)));
        // The command corrects freely (the form validates the dates as before).
        let mut i = EnterpriseInput { resumption: "resumed".into(), ..Default::default() };
        assert_eq!(lock_form(&[Command], &stored(), &mut i), Ok(()));
        assert_eq!(i.resumption, "resumed");
    }
}
