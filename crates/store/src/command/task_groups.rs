//! Special task groups (专责小组) and their tasks.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use yizhan_core::access::Actor;
use yizhan_core::command::task_group::{NewGroup, NewTask, TaskStatus};

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Result, now, q};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Group {
    pub id: i64,
    pub name: String,
    pub leader: String,
    pub duties: Option<String>,
    pub tasks: i64,
    pub open: i64,
}

pub async fn list(db: &Db) -> Result<Vec<Group>> {
    db.fetch_all(q("SELECT g.id, g.name, g.leader, g.duties,
               (SELECT COUNT(*) FROM group_tasks t WHERE t.group_id = g.id) AS tasks,
               (SELECT COUNT(*) FROM group_tasks t WHERE t.group_id = g.id AND t.status <> 'done') AS open
          FROM task_groups g ORDER BY g.id"))
        .await
}

pub async fn get(db: &Db, id: i64) -> Result<Group> {
    db.fetch_one(
        q("SELECT g.id, g.name, g.leader, g.duties,
               (SELECT COUNT(*) FROM group_tasks t WHERE t.group_id = g.id) AS tasks,
               (SELECT COUNT(*) FROM group_tasks t WHERE t.group_id = g.id AND t.status <> 'done') AS open
          FROM task_groups g WHERE g.id = $1")
        .bind(id),
    )
    .await
}

pub async fn create(db: &Db, actor: &Actor, g: &NewGroup) -> Result<i64> {
    let mut tx = db.begin().await?;
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO task_groups (name, leader, duties, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
                .bind(g.name.as_str())
                .bind(g.leader.as_str())
                .bind(g.duties.as_deref())
                .bind(actor.name.as_str())
                .bind(now()),
        )
        .await?;
    audit::append(&mut tx, actor, Entry::new("task_group.create", "task_group", id)).await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Task {
    pub id: i64,
    pub group_id: i64,
    pub title: String,
    pub owner: String,
    pub due_on: Option<NaiveDate>,
    #[sqlx(try_from = "String")]
    pub status: yizhan_core::command::task_group::TaskStatus,
    pub note: Option<String>,
    pub updated_by: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
}

pub async fn tasks(db: &Db, group_id: i64) -> Result<Vec<Task>> {
    db.fetch_all(
        q("SELECT id, group_id, title, owner, due_on, status, note, updated_by, updated_at FROM group_tasks
            WHERE group_id = $1
            ORDER BY CASE WHEN status = 'done' THEN 1 ELSE 0 END, due_on IS NULL, due_on, id")
        .bind(group_id),
    )
    .await
}

pub async fn get_task(db: &Db, id: i64) -> Result<Task> {
    db.fetch_one(
        q("SELECT id, group_id, title, owner, due_on, status, note, updated_by, updated_at FROM group_tasks WHERE id = $1")
            .bind(id),
    )
    .await
}

pub async fn add_task(db: &Db, actor: &Actor, group_id: i64, t: &NewTask) -> Result<i64> {
    let mut tx = db.begin().await?;
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO group_tasks (group_id, title, owner, due_on, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
                .bind(group_id)
                .bind(t.title.as_str())
                .bind(t.owner.as_str())
                .bind(t.due_on)
                .bind(actor.name.as_str())
                .bind(now()),
        )
        .await?;
    audit::append(&mut tx, actor, Entry::new("task.create", "group_task", id)).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn set_status(
    db: &Db,
    actor: &Actor,
    id: i64,
    status: TaskStatus,
    note: Option<&str>,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let n = tx
        .execute(
            q("UPDATE group_tasks SET status = $1, note = $2, updated_by = $3, updated_at = $4 WHERE id = $5")
                .bind(status.as_str())
                .bind(note)
                .bind(actor.name.as_str())
                .bind(now())
                .bind(id),
        )
        .await?;
    if n == 0 {
        return Err(crate::error::StoreError::NotFound);
    }
    audit::append(
        &mut tx,
        actor,
        Entry::new("task.status", "group_task", id)
            .detail(serde_json::json!({ "status": status.as_str() })),
    )
    .await?;
    tx.commit().await
}
