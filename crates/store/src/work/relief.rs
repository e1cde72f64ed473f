//! Relief applications and their decision (once: a conditional update on `submitted`).

use chrono::{DateTime, Utc};
use serde::Serialize;
use yizhan_core::access::{Actor, Target};
use yizhan_core::error::DomainError;
use yizhan_core::work::relief::{KEY_DECIDED, NewRelief, ReliefStatus, next};

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Result, now, q, q_dynamic};
use crate::error::StoreError;
use yizhan_core::work::relief::Landlord;
use yizhan_core::work::relief::ReliefKind;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Application {
    pub id: i64,
    pub enterprise_id: i64,
    pub enterprise: String,
    pub street_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: ReliefKind,
    pub property: Option<String>,
    #[sqlx(try_from = "crate::code::NullableCode")]
    pub landlord: Option<Landlord>,
    pub months: Option<i64>,
    pub monthly_rent: Option<i64>,
    pub measure: Option<String>,
    pub amount: i64,
    #[sqlx(try_from = "String")]
    pub status: ReliefStatus,
    pub decision_note: Option<String>,
    pub decided_by: Option<String>,
    pub applied_at: DateTime<Utc>,
}

impl Application {
    pub fn target(&self) -> Target {
        Target::Enterprise { id: self.enterprise_id, street: self.street_id }
    }
}

const SELECT: &str = "SELECT a.id, a.enterprise_id, e.name AS enterprise, e.street_id, a.kind, a.property, a.landlord,
        a.months, a.monthly_rent, a.measure, a.amount, a.status, a.decision_note, a.decided_by, a.applied_at
   FROM relief_applications a JOIN enterprises e ON e.id = a.enterprise_id";

pub async fn list(db: &Db) -> Result<Vec<Application>> {
    db.fetch_all(q_dynamic(format!(
        "{SELECT} ORDER BY CASE a.status WHEN 'submitted' THEN 0 ELSE 1 END, a.applied_at DESC"
    )))
    .await
}

pub async fn get(db: &Db, id: i64) -> Result<Application> {
    db.fetch_one(q_dynamic(format!("{SELECT} WHERE a.id = $1")).bind(id)).await
}

pub async fn apply(db: &Db, actor: &Actor, r: &NewRelief) -> Result<i64> {
    let mut tx = db.begin().await?;
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO relief_applications (enterprise_id, kind, property, landlord, months, monthly_rent, measure,
                   amount, applied_by, applied_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id")
            .bind(r.enterprise_id)
            .bind(r.kind.as_str())
            .bind(r.property.as_deref())
            .bind(r.landlord.map(|l| l.as_str()))
            .bind(r.months)
            .bind(r.monthly_rent)
            .bind(r.measure.as_deref())
            .bind(r.amount)
            .bind(actor.name.as_str())
            .bind(now()),
        )
        .await?;
    audit::append(&mut tx, actor, Entry::new("relief.apply", "relief", id)).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn decide(
    db: &Db,
    actor: &Actor,
    id: i64,
    status: ReliefStatus,
    note: Option<&str>,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let (from,): (String,) =
        tx.fetch_one(q("SELECT status FROM relief_applications WHERE id = $1").bind(id)).await?;
    let from = ReliefStatus::try_from(from)?;
    next(from, status).map_err(StoreError::Refused)?;
    // The status read is part of the condition: of two decisions at once, one finds it changed.
    let n = tx
        .execute(
            q("UPDATE relief_applications SET status = $1, decision_note = $2, decided_by = $3, decided_at = $4
                WHERE id = $5 AND status = $6")
            .bind(status.as_str())
            .bind(note)
            .bind(actor.name.as_str())
            .bind(now())
            .bind(id)
            .bind(from.as_str()),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Refused(DomainError::Rule { field: None, key: KEY_DECIDED }));
    }
    audit::append(
        &mut tx,
        actor,
        Entry::new("relief.decide", "relief", id)
            .detail(serde_json::json!({ "status": status.as_str() })),
    )
    .await?;
    tx.commit().await
}
