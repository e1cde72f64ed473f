//! Enterprises and their prevention plans.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use yizhan_core::access::{Actor, Target};
use yizhan_core::enterprise::NewEnterprise;

use crate::audit::{self, Entry};
use crate::db::{Db, Result, Tx, now, q, q_dynamic};
use crate::error::StoreError;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Enterprise {
    pub id: i64,
    pub uscc: String,
    pub name: String,
    pub street_id: i64,
    pub street: String,
    pub industry: String,
    pub above_scale: bool,
    pub headcount: i64,
    pub contact_name: String,
    /// Unmasked: the web layer masks it before it leaves the server.
    pub contact_phone: String,
    pub resumption: String,
    pub applied_on: Option<NaiveDate>,
    pub approved_on: Option<NaiveDate>,
    pub resumed_on: Option<NaiveDate>,
    pub has_plan: bool,
    pub updated_at: DateTime<Utc>,
}

impl Enterprise {
    pub fn target(&self) -> Target {
        Target::Enterprise {
            id: self.id,
            street: self.street_id,
        }
    }
}

const SELECT: &str = "SELECT e.id, e.uscc, e.name, e.street_id, t.name AS street, e.industry, e.above_scale,
        e.headcount, e.contact_name, e.contact_phone, e.resumption, e.applied_on, e.approved_on,
        e.resumed_on, EXISTS (SELECT 1 FROM enterprise_plans p WHERE p.enterprise_id = e.id) AS has_plan,
        e.updated_at
   FROM enterprises e JOIN streets t ON t.id = e.street_id";

pub async fn get(db: &Db, id: i64) -> Result<Enterprise> {
    db.fetch_one(q_dynamic(format!("{SELECT} WHERE e.id = $1")).bind(id))
        .await
}

/// Every enterprise, by street then name (the web layer keeps those in the reader's scope).
pub async fn list(db: &Db) -> Result<Vec<Enterprise>> {
    db.fetch_all(q_dynamic(format!("{SELECT} ORDER BY e.street_id, e.name")))
        .await
}

/// The thirteen values both statements write, in order `$1…$13`.
fn values(sql: &str, e: &NewEnterprise) -> crate::db::Q {
    q_dynamic(sql.to_owned())
        .bind(e.uscc.as_str())
        .bind(e.name.as_str())
        .bind(e.street_id)
        .bind(e.industry.as_str())
        .bind(e.above_scale)
        .bind(e.headcount)
        .bind(e.contact_name.as_str())
        .bind(e.contact_phone.as_str())
        .bind(e.resumption.as_str())
        .bind(e.applied_on)
        .bind(e.approved_on)
        .bind(e.resumed_on)
        .bind(now())
}

async fn insert(tx: &mut Tx, e: &NewEnterprise) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(values(
            "INSERT INTO enterprises (uscc, name, street_id, industry, above_scale, headcount, contact_name,
                 contact_phone, resumption, applied_on, approved_on, resumed_on, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
            e,
        ))
        .await?;
    Ok(id)
}

async fn replace(tx: &mut Tx, id: i64, e: &NewEnterprise) -> Result<()> {
    let n = tx
        .execute(
            values(
                "UPDATE enterprises SET uscc = $1, name = $2, street_id = $3, industry = $4, above_scale = $5,
                     headcount = $6, contact_name = $7, contact_phone = $8, resumption = $9, applied_on = $10,
                     approved_on = $11, resumed_on = $12, updated_at = $13
                 WHERE id = $14",
                e,
            )
            .bind(id),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub async fn create(db: &Db, actor: &Actor, e: &NewEnterprise) -> Result<i64> {
    let mut tx = db.begin().await?;
    let id = insert(&mut tx, e).await?;
    audit::append(
        &mut tx,
        actor,
        Entry::new("enterprise.create", "enterprise", id),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update(db: &Db, actor: &Actor, id: i64, e: &NewEnterprise) -> Result<()> {
    let mut tx = db.begin().await?;
    replace(&mut tx, id, e).await?;
    audit::append(
        &mut tx,
        actor,
        Entry::new("enterprise.update", "enterprise", id)
            .detail(serde_json::json!({ "resumption": e.resumption.as_str() })),
    )
    .await?;
    tx.commit().await
}

/// Files (or replaces) the enterprise's prevention plan (防控方案).
pub async fn file_plan(
    db: &Db,
    actor: &Actor,
    id: i64,
    name: &str,
    content_type: &str,
    sha256: &str,
    data: &[u8],
) -> Result<()> {
    let mut tx = db.begin().await?;
    tx.execute(
        q("INSERT INTO enterprise_plans (enterprise_id, name, content_type, bytes, sha256, data, uploaded_by, uploaded_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (enterprise_id) DO UPDATE SET name = excluded.name, content_type = excluded.content_type,
               bytes = excluded.bytes, sha256 = excluded.sha256, data = excluded.data,
               uploaded_by = excluded.uploaded_by, uploaded_at = excluded.uploaded_at")
        .bind(id)
        .bind(name)
        .bind(content_type)
        .bind(data.len() as i64)
        .bind(sha256)
        .bind(data)
        .bind(actor.name.as_str())
        .bind(now()),
    )
    .await?;
    audit::append(
        &mut tx,
        actor,
        Entry::new("enterprise.plan", "enterprise", id)
            .detail(serde_json::json!({ "sha256": sha256 })),
    )
    .await?;
    tx.commit().await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Plan {
    pub name: String,
    pub content_type: String,
    pub bytes: i64,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
}

pub async fn plan(db: &Db, id: i64) -> Result<Option<Plan>> {
    db.fetch_optional(
        q("SELECT name, content_type, bytes, uploaded_by, uploaded_at FROM enterprise_plans WHERE enterprise_id = $1")
            .bind(id),
    )
    .await
}

pub async fn plan_data(db: &Db, id: i64) -> Result<Vec<u8>> {
    let (data,): (Vec<u8>,) = db
        .fetch_one(q("SELECT data FROM enterprise_plans WHERE enterprise_id = $1").bind(id))
        .await?;
    Ok(data)
}
