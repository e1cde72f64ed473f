//! Enterprises and their prevention plans.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use yizhan_core::access::{Actor, Target};
use yizhan_core::error::DomainError;
use yizhan_core::work::enterprise::{NewEnterprise, Resumption};
use yizhan_core::work::resumption::{KEY_MOVED, Move, Progress, Step};

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Result, Tx, now, q, q_dynamic};
use crate::error::StoreError;
use yizhan_core::work::enterprise::Industry;
use yizhan_core::work::resumption::Decision;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct Enterprise {
    pub id: i64,
    pub uscc: String,
    pub name: String,
    pub street_id: i64,
    pub street: String,
    #[sqlx(try_from = "String")]
    pub industry: Industry,
    pub above_scale: bool,
    pub headcount: i64,
    pub contact_name: String,
    /// Unmasked: the web layer masks it before it leaves the server.
    pub contact_phone: String,
    #[sqlx(try_from = "String")]
    pub resumption: Resumption,
    pub applied_on: Option<NaiveDate>,
    pub approved_on: Option<NaiveDate>,
    pub resumed_on: Option<NaiveDate>,
    pub has_plan: bool,
    /// The command's last decision on an application (`approved`, `rejected`), its reason,
    /// who and when; kept after a rejection so the enterprise sees why.
    #[sqlx(try_from = "crate::code::NullableCode")]
    pub review_decision: Option<Decision>,
    pub review_reason: Option<String>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl Enterprise {
    pub fn target(&self) -> Target {
        Target::Enterprise { id: self.id, street: self.street_id }
    }

    pub fn status(&self) -> Resumption {
        self.resumption
    }

    pub fn progress(&self) -> Progress {
        Progress {
            status: self.status(),
            applied_on: self.applied_on,
            approved_on: self.approved_on,
            resumed_on: self.resumed_on,
        }
    }
}

const SELECT: &str = "SELECT e.id, e.uscc, e.name, e.street_id, t.name AS street, e.industry, e.above_scale,
        e.headcount, e.contact_name, e.contact_phone, e.resumption, e.applied_on, e.approved_on,
        e.resumed_on, EXISTS (SELECT 1 FROM enterprise_plans p WHERE p.enterprise_id = e.id) AS has_plan,
        e.review_decision, e.review_reason, e.reviewed_by, e.reviewed_at, e.updated_at
   FROM enterprises e JOIN streets t ON t.id = e.street_id";

pub async fn get(db: &Db, id: i64) -> Result<Enterprise> {
    db.fetch_one(q_dynamic(format!("{SELECT} WHERE e.id = $1")).bind(id)).await
}

/// Every enterprise, by street then name (the web layer keeps those in the reader's scope).
pub async fn list(db: &Db) -> Result<Vec<Enterprise>> {
    db.fetch_all(q_dynamic(format!("{SELECT} ORDER BY e.street_id, e.name"))).await
}

/// Which enterprises a list shows: a search (part of the name, or the start of the credit code),
/// a street, an industry, a resumption status, above-scale only.
#[derive(Debug, Clone, Default)]
pub struct EnterpriseFilter {
    pub search: String,
    pub street_id: Option<i64>,
    pub industry: Option<Industry>,
    pub resumption: Option<Resumption>,
    pub above_scale: bool,
}

/// The orders a list may be read in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum EnterpriseSort {
    /// By street, then name (the register's order).
    #[default]
    Street,
    Name,
    /// The largest first.
    Headcount,
    /// The last changed first.
    Updated,
    /// The oldest application first (the review queue).
    Applied,
}

impl EnterpriseSort {
    /// `searched`: a text search narrows the rows. Then the name order is not read off the name
    /// index: walking 200,000 names in order for the few that match (or none) took 141 ms on the
    /// city where reading the matches and sorting them takes 57.
    fn order_by(self, searched: bool) -> &'static str {
        match self {
            EnterpriseSort::Street => "ORDER BY e.street_id, e.name, e.id",
            EnterpriseSort::Name if searched => "ORDER BY e.name || '', e.id",
            EnterpriseSort::Name => "ORDER BY e.name, e.id",
            EnterpriseSort::Headcount => "ORDER BY e.headcount DESC, e.id",
            EnterpriseSort::Updated => "ORDER BY e.updated_at DESC, e.id DESC",
            EnterpriseSort::Applied => "ORDER BY e.applied_on, e.id",
        }
    }
}

/// The WHERE clause of a scope and filter: `$1` the scope id, `$2`–`$8` the filter (`bind`).
fn where_of(within: super::Within) -> String {
    use super::Within;
    let scope = match within {
        Within::District => "$1 = 0",
        Within::Street(_) => "e.street_id = $1",
        Within::Enterprise(_) => "e.id = $1",
    };
    format!(
        "WHERE {scope} AND ($2 = '' OR e.name LIKE $3 ESCAPE '\\' OR e.uscc LIKE $4 ESCAPE '\\')
           AND ($5 = 0 OR e.street_id = $5) AND ($6 = '' OR e.industry = $6)
           AND ($7 = '' OR e.resumption = $7) AND ($8 = 0 OR e.above_scale = TRUE)"
    )
}

fn bind(query: crate::db::Q, within: super::Within, f: &EnterpriseFilter) -> crate::db::Q {
    let search = f.search.trim();
    query
        .bind(within.id())
        .bind(search.to_owned())
        .bind(crate::db::contains_pattern(search))
        .bind(format!("{}%", crate::db::escape_like(&search.to_uppercase())))
        .bind(f.street_id.unwrap_or(0))
        .bind(f.industry.map(|i| i.as_str()).unwrap_or_default())
        .bind(f.resumption.map(|r| r.as_str()).unwrap_or_default())
        .bind(i64::from(f.above_scale))
}

/// A page of the enterprises in `within` that `f` finds, in `sort`'s order.
pub async fn page(
    db: &Db,
    within: super::Within,
    f: &EnterpriseFilter,
    sort: EnterpriseSort,
    limit: i64,
    offset: i64,
) -> Result<Vec<Enterprise>> {
    let sql = format!(
        "{SELECT} {} {} LIMIT {} OFFSET {}",
        where_of(within),
        sort.order_by(!f.search.trim().is_empty()),
        limit.clamp(1, 100_000),
        offset.max(0)
    );
    db.fetch_all(bind(q_dynamic(sql), within, f)).await
}

/// The ids of every enterprise `f` finds in `within`, up to `limit` (a directive to all the
/// logistics firms of a street).
pub async fn ids(
    db: &Db,
    within: super::Within,
    f: &EnterpriseFilter,
    limit: i64,
) -> Result<Vec<i64>> {
    let sql = format!(
        "SELECT e.id FROM enterprises e {} ORDER BY e.id LIMIT {}",
        where_of(within),
        limit.clamp(1, 100_000)
    );
    let rows: Vec<(i64,)> = db.fetch_all(bind(q_dynamic(sql), within, f)).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// The enterprises of these ids that exist, by name.
pub async fn by_ids(db: &Db, ids: &[i64]) -> Result<Vec<Enterprise>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // Numbers only, so they are written into the statement rather than bound one by one.
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    db.fetch_all(q_dynamic(format!("{SELECT} WHERE e.id IN ({}) ORDER BY e.name", list.join(","))))
        .await
}

/// An enterprise as an import's employer column names it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Employer {
    pub id: i64,
    pub street_id: i64,
    pub uscc: String,
    pub name: String,
}

impl Employer {
    pub fn target(&self) -> Target {
        Target::Enterprise { id: self.id, street: self.street_id }
    }
}

/// The enterprises of `streets` and of `ids`, or every one (`all`): four columns, not the whole
/// record — a clerk's upload of a hundred workers read all 20,000 enterprises of the district
/// in full first, 150 of its 170 ms (issue 21).
pub async fn employers(db: &Db, all: bool, streets: &[i64], ids: &[i64]) -> Result<Vec<Employer>> {
    // Numbers only, so they are written into the statement rather than bound one by one.
    let list = |v: &[i64]| {
        if v.is_empty() {
            "NULL".to_owned()
        } else {
            v.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
        }
    };
    let scope = if all {
        String::new()
    } else {
        format!("WHERE street_id IN ({}) OR id IN ({})", list(streets), list(ids))
    };
    db.fetch_all(q_dynamic(format!("SELECT id, street_id, uscc, name FROM enterprises {scope}")))
        .await
}

/// How many enterprises `f` finds in `within`, and how many of those have resumed: from the
/// counters (migration 0057) unless a text search or one enterprise's own view asks for rows.
pub async fn count(db: &Db, within: super::Within, f: &EnterpriseFilter) -> Result<(i64, i64)> {
    use super::Within;
    if f.search.trim().is_empty() && !matches!(within, Within::Enterprise(_)) {
        return db
            .fetch_one(
                q("SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT),
                          CAST(COALESCE(SUM(CASE WHEN resumption = 'resumed' THEN n ELSE 0 END), 0) AS BIGINT)
                     FROM enterprise_counts
                    WHERE ($1 = 0 OR street_id = $1) AND ($2 = 0 OR street_id = $2)
                      AND ($3 = '' OR industry = $3) AND ($4 = '' OR resumption = $4)
                      AND ($5 = 0 OR above_scale = TRUE)")
                .bind(within.id())
                .bind(f.street_id.unwrap_or(0))
                .bind(f.industry.map(|i| i.as_str()).unwrap_or_default())
                .bind(f.resumption.map(|r| r.as_str()).unwrap_or_default())
                .bind(i64::from(f.above_scale)),
            )
            .await;
    }
    let sql = format!(
        "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN e.resumption = 'resumed' THEN 1 ELSE 0 END), 0) AS BIGINT)
           FROM enterprises e {}",
        where_of(within)
    );
    db.fetch_one(bind(q_dynamic(sql), within, f)).await
}

/// How resumption statistics group enterprises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatGroup {
    /// By street (its name).
    Street,
    /// By industry (its code).
    Industry,
    /// All together.
    All,
}

/// The enterprises of `within`, counted by group, above-scale and the day they resumed: the
/// facts of `core::work::enterprise::rates` and `over_time`, a few hundred rows for a district.
pub async fn stat_facts(
    db: &Db,
    within: super::Within,
    group: StatGroup,
) -> Result<Vec<yizhan_core::work::enterprise::StatFacts>> {
    // (what is selected as the group, what it adds to GROUP BY): PostgreSQL refuses to group
    // by a constant, so "all" adds nothing.
    let (key, by) = match group {
        StatGroup::Street => ("t.name", "t.name, "),
        StatGroup::Industry => ("e.industry", "e.industry, "),
        StatGroup::All => ("''", ""),
    };
    let sql = format!(
        "SELECT {key} AS grp, e.above_scale, e.resumed_on, COUNT(*) AS n
           FROM enterprises e JOIN streets t ON t.id = e.street_id {}
          GROUP BY {by}e.above_scale, e.resumed_on ORDER BY MIN(e.street_id), {by}e.resumed_on",
        where_of(within)
    );
    let rows: Vec<(String, bool, Option<NaiveDate>, i64)> =
        db.fetch_all(bind(q_dynamic(sql), within, &EnterpriseFilter::default())).await?;
    Ok(rows
        .into_iter()
        .map(|(group, above_scale, resumed_on, count)| yizhan_core::work::enterprise::StatFacts {
            group,
            above_scale,
            resumed_on,
            count,
        })
        .collect())
}

/// How many enterprises there are and how many had resumed by `day`, all and above-scale
/// (规上), counted in SQL: the district board's figures without reading 20,000 rows.
pub async fn resumption_on(db: &Db, day: NaiveDate) -> Result<yizhan_core::work::enterprise::Rate> {
    let (total, resumed, above_total, above_resumed): (i64, i64, i64, i64) = db
        .fetch_one(
            q("SELECT COUNT(*),
                      CAST(COALESCE(SUM(CASE WHEN resumed_on <= $1 THEN 1 ELSE 0 END), 0) AS BIGINT),
                      CAST(COALESCE(SUM(CASE WHEN above_scale THEN 1 ELSE 0 END), 0) AS BIGINT),
                      CAST(COALESCE(SUM(CASE WHEN above_scale AND resumed_on <= $1 THEN 1 ELSE 0 END), 0) AS BIGINT)
               FROM enterprises")
            .bind(day),
        )
        .await?;
    Ok(yizhan_core::work::enterprise::Rate {
        group: String::new(),
        total,
        resumed,
        above_total,
        above_resumed,
    })
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

/// Rewrites the record if its status is still `from`; the number of rows written.
async fn replace(tx: &mut Tx, id: i64, from: Resumption, e: &NewEnterprise) -> Result<u64> {
    tx.execute(
        values(
            "UPDATE enterprises SET uscc = $1, name = $2, street_id = $3, industry = $4, above_scale = $5,
                 headcount = $6, contact_name = $7, contact_phone = $8, resumption = $9, applied_on = $10,
                 approved_on = $11, resumed_on = $12, updated_at = $13
             WHERE id = $14 AND resumption = $15",
            e,
        )
        .bind(id)
        .bind(from.as_str()),
    )
    .await
}

pub async fn create(db: &Db, actor: &Actor, e: &NewEnterprise) -> Result<i64> {
    let mut tx = db.begin().await?;
    let id = insert(&mut tx, e).await?;
    audit::append(&mut tx, actor, Entry::new("enterprise.create", "enterprise", id)).await?;
    tx.commit().await?;
    Ok(id)
}

/// Saves the edit form. `from` is the status the form was checked against: the write lands
/// only if it is still the stored one, so a review committed meanwhile is never overwritten.
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: i64,
    from: Resumption,
    e: &NewEnterprise,
) -> Result<()> {
    let mut tx = db.begin().await?;
    if replace(&mut tx, id, from, e).await? == 0 {
        return Err(missing_or_moved(&mut tx, id).await);
    }
    audit::append(
        &mut tx,
        actor,
        Entry::new("enterprise.update", "enterprise", id).detail(serde_json::json!({
            "from": from.as_str(),
            "resumption": e.resumption.as_str(),
        })),
    )
    .await?;
    tx.commit().await
}

/// Why a conditional write touched nothing: no such enterprise, or its status moved on.
async fn missing_or_moved(tx: &mut Tx, id: i64) -> StoreError {
    match tx.fetch_optional::<(i64,)>(q("SELECT id FROM enterprises WHERE id = $1").bind(id)).await
    {
        Ok(None) => StoreError::NotFound,
        Ok(Some(_)) => moved(),
        Err(e) => e,
    }
}

fn moved() -> StoreError {
    StoreError::Refused(DomainError::Rule { field: Some("resumption"), key: KEY_MOVED })
}

/// One step of the resumption review, as the domain decided it (`yizhan_core::work::resumption::next`).
/// The update is conditional on the status still being `m.from`: of two reviewers deciding at
/// once exactly one lands, the other is refused (`KEY_MOVED`) and nothing of theirs is saved.
/// `day` is the step's date; `reason` the review's.
pub async fn take_step(
    db: &Db,
    actor: &Actor,
    id: i64,
    m: Move,
    reason: Option<&str>,
    day: NaiveDate,
) -> Result<()> {
    let Move { step, from, to } = m;
    let at = now();
    // Each statement sets what its step changes; all end in `WHERE id = $1 AND resumption = $2`.
    let cond = "WHERE id = $1 AND resumption = $2";
    let query = match step {
        Step::Apply => q_dynamic(format!(
            "UPDATE enterprises SET resumption = $3, applied_on = $4, approved_on = NULL, resumed_on = NULL,
                 updated_at = $5 {cond}"
        ))
        .bind(id)
        .bind(from.as_str())
        .bind(to.as_str())
        .bind(day)
        .bind(at),
        Step::Approve | Step::Reject => q_dynamic(format!(
            "UPDATE enterprises SET resumption = $3, approved_on = $4,
                 applied_on = CASE WHEN $3 = 'not_started' THEN NULL ELSE applied_on END, resumed_on = NULL,
                 review_decision = $5, review_reason = $6, reviewed_by = $7, reviewed_at = $8, updated_at = $8
             {cond}"
        ))
        .bind(id)
        .bind(from.as_str())
        .bind(to.as_str())
        .bind((step == Step::Approve).then_some(day))
        .bind(step.decision().map(|d| d.as_str()))
        .bind(reason)
        .bind(actor.name.as_str())
        .bind(at),
        Step::Resume => q_dynamic(format!(
            "UPDATE enterprises SET resumption = $3, resumed_on = $4, updated_at = $5 {cond}"
        ))
        .bind(id)
        .bind(from.as_str())
        .bind(to.as_str())
        .bind(day)
        .bind(at),
    };
    let mut tx = db.begin().await?;
    let n = tx.execute(query).await?;
    if n == 0 {
        return Err(missing_or_moved(&mut tx, id).await);
    }
    audit::append(
        &mut tx,
        actor,
        Entry::new(
            match step {
                Step::Apply => "enterprise.apply",
                Step::Approve => "enterprise.approve",
                Step::Reject => "enterprise.reject",
                Step::Resume => "enterprise.resume",
            },
            "enterprise",
            id,
        )
        .detail(serde_json::json!({
            "from": from.as_str(),
            "to": to.as_str(),
            "reason": reason,
        })),
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
