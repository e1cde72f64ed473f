//! Special task groups (专责小组) of the district command — e.g. 督导检查组, 物资保障组,
//! 复工复产组 — each with its tasks, their owners, due dates and status.

use crate::validate::date::{optional, planned_for};
use chrono::NaiveDate;
use serde::Deserialize;

use crate::error::{DomainError, OnField};
use crate::validate::{optional_text, parse_choice, required_text};

code_enum!(
    /// Where a task stands.
    TaskStatus, "task.status.", [
        Open => "open",
        InProgress => "in_progress",
        Done => "done",
        Blocked => "blocked",
    ]
);

pub const KEY_DUE_PAST: &str = "error.task_due_past";
pub const KEY_BLOCKED_NOTE: &str = "error.task_blocked_note";

/// Not done and past its due day.
pub fn is_overdue(status: TaskStatus, due: Option<NaiveDate>, today: NaiveDate) -> bool {
    status != TaskStatus::Done && due.is_some_and(|d| d < today)
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct GroupInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub leader: String,
    #[serde(default)]
    pub duties: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGroup {
    pub name: String,
    pub leader: String,
    pub duties: Option<String>,
}

pub fn validate_group(i: &GroupInput) -> Result<NewGroup, DomainError> {
    Ok(NewGroup {
        name: required_text(&i.name, 40).on("name")?,
        leader: required_text(&i.leader, 40).on("leader")?,
        duties: optional_text(&i.duties, 1000).on("duties")?,
    })
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct TaskInput {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub due_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTask {
    pub title: String,
    pub owner: String,
    pub due_on: Option<NaiveDate>,
}

pub fn validate_task(i: &TaskInput, today: NaiveDate) -> Result<NewTask, DomainError> {
    let due_on = crate::station::guest::parse_optional_date(&i.due_on)
        .and_then(|d| optional(d, today, planned_for))
        .on("due_on")?;
    if due_on.is_some_and(|d| d < today) {
        return Err(DomainError::Rule { field: Some("due_on"), key: KEY_DUE_PAST });
    }
    Ok(NewTask {
        title: required_text(&i.title, 200).on("title")?,
        owner: required_text(&i.owner, 40).on("owner")?,
        due_on,
    })
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct StatusInput {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub note: String,
}

/// A new status; "blocked" must say what blocks it.
pub fn validate_status(i: &StatusInput) -> Result<(TaskStatus, Option<String>), DomainError> {
    let status = parse_choice(&i.status, TaskStatus::parse, "in_progress").on("status")?;
    let note = optional_text(&i.note, 500).on("note")?;
    if status == TaskStatus::Blocked && note.is_none() {
        return Err(DomainError::Rule { field: Some("note"), key: KEY_BLOCKED_NOTE });
    }
    Ok((status, note))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn tasks_need_a_title_an_owner_and_no_past_due_day() {
        let today = d("2026-03-10");
        let ok = TaskInput {
            title: "排查各驿站三区两通道设置".into(),
            owner: "督导组 孙科长".into(),
            due_on: "2026-03-12".into(),
        };
        assert_eq!(validate_task(&ok, today).unwrap().due_on, Some(d("2026-03-12")));
        let open_ended = TaskInput { due_on: String::new(), ..ok.clone() };
        assert_eq!(validate_task(&open_ended, today).unwrap().due_on, None);
        let past = TaskInput { due_on: "2026-03-09".into(), ..ok.clone() };
        assert_eq!(validate_task(&past, today).unwrap_err().field(), Some("due_on"));
        let nobody = TaskInput { owner: "".into(), ..ok };
        assert_eq!(validate_task(&nobody, today).unwrap_err().field(), Some("owner"));
    }

    #[test]
    fn blocked_needs_a_reason_and_overdue_ignores_done() {
        let blocked = StatusInput { status: "blocked".into(), note: String::new() };
        assert_eq!(validate_status(&blocked).unwrap_err().field(), Some("note"));
        let done = StatusInput { status: "done".into(), note: String::new() };
        assert_eq!(validate_status(&done).unwrap(), (TaskStatus::Done, None));
        let today = d("2026-03-10");
        assert!(is_overdue(TaskStatus::Open, Some(d("2026-03-09")), today));
        assert!(!is_overdue(TaskStatus::Done, Some(d("2026-03-09")), today));
        assert!(!is_overdue(TaskStatus::Open, None, today));
        assert!(!is_overdue(TaskStatus::Blocked, Some(today), today));
    }
}
