//! Difficulty tickets: raised by an enterprise, routed, resolved; each step a conditional
//! update on the status it leaves.

use chrono::{DateTime, Utc};
use serde::Serialize;
use yizhan_core::access::{Actor, Target};
use yizhan_core::work::difficulty::{NewTicket, TicketStatus, next};

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Result, now, q, q_dynamic};
use crate::error::StoreError;
use yizhan_core::work::difficulty::Category;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Ticket {
    pub id: i64,
    pub enterprise_id: i64,
    pub enterprise: String,
    pub street_id: i64,
    #[sqlx(try_from = "String")]
    pub category: Category,
    pub description: String,
    #[sqlx(try_from = "String")]
    pub status: TicketStatus,
    pub department: Option<String>,
    pub resolution: Option<String>,
    pub raised_by: String,
    pub raised_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
}

impl Ticket {
    pub fn target(&self) -> Target {
        Target::Enterprise { id: self.enterprise_id, street: self.street_id }
    }
    /// Hours from raising to resolving.
    pub fn hours_to_resolve(&self) -> Option<i64> {
        self.resolved_at.map(|r| (r - self.raised_at).num_hours())
    }
}

const SELECT: &str = "SELECT d.id, d.enterprise_id, e.name AS enterprise, e.street_id, d.category, d.description, d.status,
        d.department, d.resolution, d.raised_by, d.raised_at, d.resolved_at
   FROM difficulties d JOIN enterprises e ON e.id = d.enterprise_id";

pub async fn list(db: &Db) -> Result<Vec<Ticket>> {
    db.fetch_all(q_dynamic(format!(
        "{SELECT} ORDER BY CASE d.status WHEN 'resolved' THEN 1 ELSE 0 END, d.raised_at DESC"
    )))
    .await
}

pub async fn get(db: &Db, id: i64) -> Result<Ticket> {
    db.fetch_one(q_dynamic(format!("{SELECT} WHERE d.id = $1")).bind(id)).await
}

pub async fn raise(db: &Db, actor: &Actor, enterprise_id: i64, t: &NewTicket) -> Result<i64> {
    let mut tx = db.begin().await?;
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO difficulties (enterprise_id, category, description, raised_by, raised_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
                .bind(enterprise_id)
                .bind(t.category.as_str())
                .bind(t.description.as_str())
                .bind(actor.name.as_str())
                .bind(now()),
        )
        .await?;
    audit::append(&mut tx, actor, Entry::new("difficulty.raise", "difficulty", id)).await?;
    tx.commit().await?;
    Ok(id)
}

/// Routes to `department` (again, if need be) or resolves with `text`.
pub async fn step(db: &Db, actor: &Actor, id: i64, to: TicketStatus, text: &str) -> Result<()> {
    let mut tx = db.begin().await?;
    let (status,): (String,) =
        tx.fetch_one(q("SELECT status FROM difficulties WHERE id = $1").bind(id)).await?;
    let from = TicketStatus::try_from(status)?;
    next(from, to).map_err(StoreError::Refused)?;
    let sql = match to {
        TicketStatus::Resolved => {
            "UPDATE difficulties SET status = 'resolved', resolution = $1, resolved_by = $2, resolved_at = $3
              WHERE id = $4 AND status = $5"
        }
        _ => {
            "UPDATE difficulties SET status = 'routed', department = $1, resolved_by = $2, resolved_at = NULL
              WHERE id = $4 AND status = $5 AND $3 IS NOT NULL"
        }
    };
    let n = tx
        .execute(
            q_dynamic(sql.to_owned())
                .bind(text)
                .bind(actor.name.as_str())
                .bind(now())
                .bind(id)
                .bind(from.as_str()),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Refused(yizhan_core::error::DomainError::Rule {
            field: None,
            key: yizhan_core::work::difficulty::KEY_WRONG_STEP,
        }));
    }
    audit::append(
        &mut tx,
        actor,
        Entry::new("difficulty.step", "difficulty", id)
            .detail(serde_json::json!({ "to": to.as_str() })),
    )
    .await?;
    tx.commit().await
}
