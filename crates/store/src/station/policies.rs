//! Quarantine policies as dated data (14+7, 7+3, 5+3, drivers…).

use chrono::NaiveDate;
use serde::Serialize;
use yizhan_core::station::quarantine::{QuarantinePolicy, SampleType, seeded_policies};

use crate::db::{Db, Result, Tx, q};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct PolicyRow {
    pub id: i64,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub centralized_days: i64,
    pub home_days: i64,
    pub test_days: String,
    pub daily_test: bool,
    #[sqlx(try_from = "String")]
    pub sample_type: SampleType,
    pub double_sampling: bool,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

impl PolicyRow {
    /// The domain value, for computing calendars.
    pub fn policy(&self) -> QuarantinePolicy {
        QuarantinePolicy {
            code: self.code.clone(),
            name_zh: self.name_zh.clone(),
            name_en: self.name_en.clone(),
            centralized_days: self.centralized_days,
            home_days: self.home_days,
            test_days: self.test_days.split(',').filter_map(|d| d.trim().parse().ok()).collect(),
            daily_test: self.daily_test,
            sample_type: self.sample_type,
            double_sampling: self.double_sampling,
            valid_from: self.valid_from,
            valid_to: self.valid_to,
        }
    }
}

/// Publishes a policy (a new code, or a new dated version of an existing one), audited.
pub async fn create(
    db: &Db,
    actor: &yizhan_core::access::Actor,
    p: &QuarantinePolicy,
) -> Result<PolicyRow> {
    let mut tx = db.begin().await?;
    let id = insert(&mut tx, p).await?;
    crate::admin::audit::append(
        &mut tx,
        actor,
        crate::admin::audit::Entry::new("policy.create", "policy", id).detail(serde_json::json!({
            "code": p.code, "valid_from": p.valid_from, "centralized_days": p.centralized_days,
        })),
    )
    .await?;
    tx.commit().await?;
    get(db, id).await
}

pub async fn insert(tx: &mut Tx, p: &QuarantinePolicy) -> Result<i64> {
    let days: Vec<String> = p.test_days.iter().map(|d| d.to_string()).collect();
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO quarantine_policies (code, name_zh, name_en, centralized_days, home_days, test_days,
                   daily_test, sample_type, double_sampling, valid_from, valid_to)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id")
            .bind(p.code.as_str())
            .bind(p.name_zh.as_str())
            .bind(p.name_en.as_str())
            .bind(p.centralized_days)
            .bind(p.home_days)
            .bind(days.join(","))
            .bind(p.daily_test)
            .bind(p.sample_type.as_str())
            .bind(p.double_sampling)
            .bind(p.valid_from)
            .bind(p.valid_to),
        )
        .await?;
    Ok(id)
}

/// The seeded policies, once, on a new database.
pub async fn ensure_seeded(db: &Db) -> Result<()> {
    let mut tx = db.begin().await?;
    let (n,): (i64,) = tx.fetch_one(q("SELECT COUNT(*) FROM quarantine_policies")).await?;
    if n == 0 {
        for p in seeded_policies() {
            insert(&mut tx, &p).await?;
        }
    }
    tx.commit().await
}

pub async fn list(db: &Db) -> Result<Vec<PolicyRow>> {
    db.fetch_all(q("SELECT * FROM quarantine_policies ORDER BY code, valid_from")).await
}

pub async fn get(db: &Db, id: i64) -> Result<PolicyRow> {
    db.fetch_one(q("SELECT * FROM quarantine_policies WHERE id = $1").bind(id)).await
}

/// The version of `code` in force on `day` (the latest `valid_from` not after it).
pub async fn in_force(db: &Db, code: &str, day: NaiveDate) -> Result<Option<PolicyRow>> {
    db.fetch_optional(
        q("SELECT * FROM quarantine_policies
           WHERE code = $1 AND valid_from <= $2 AND (valid_to IS NULL OR valid_to >= $2)
           ORDER BY valid_from DESC LIMIT 1")
        .bind(code)
        .bind(day),
    )
    .await
}
