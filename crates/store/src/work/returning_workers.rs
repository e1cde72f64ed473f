//! Returning workers: the register, filtered and paged in SQL (a district's list runs to a
//! million rows), scoped to an enterprise or a street where the reader is.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use yizhan_core::access::{Actor, Target};
use yizhan_core::work::returning_worker::NewWorker;

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Marks, Result, Tx, now, q, q_dynamic};
use yizhan_core::work::returning_worker::Transport;
use yizhan_core::work::returning_worker::WorkerStatus;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Worker {
    pub id: i64,
    pub enterprise_id: i64,
    pub enterprise: String,
    pub street_id: i64,
    pub name: String,
    /// Unmasked: the web layer masks it.
    pub id_number: String,
    pub phone: String,
    pub province: String,
    pub city: String,
    #[sqlx(try_from = "String")]
    pub transport: Transport,
    pub arrival_date: Option<NaiveDate>,
    #[sqlx(try_from = "String")]
    pub status: WorkerStatus,
    pub health: Option<String>,
    pub updated_at: DateTime<Utc>,
}

impl Worker {
    pub fn target(&self) -> Target {
        Target::Enterprise { id: self.enterprise_id, street: self.street_id }
    }
}

pub use super::Within;

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Option<String>,
    pub province: Option<String>,
    /// A full ID number, a phone number, or the start of a name (read from an index: a
    /// district's register is a million rows).
    pub search: Option<String>,
}

const SELECT: &str =
    "SELECT w.id, w.enterprise_id, e.name AS enterprise, e.street_id, w.name, w.id_number, w.phone,
        w.province, w.city, w.transport, w.arrival_date, w.status, w.health, w.updated_at
   FROM returning_workers w JOIN enterprises e ON e.id = w.enterprise_id";

/// `$1` the scope id (0: none), `$2` status or '', `$3` province or '', `$4` the search or '',
/// `$5` the end of a name search's range.
fn conditions(within: Within) -> String {
    let scope = match within {
        Within::District => "$1 = 0",
        Within::Street(_) => "e.street_id = $1",
        Within::Enterprise(_) => "w.enterprise_id = $1",
    };
    format!(
        "WHERE {scope} AND ($2 = '' OR w.status = $2) AND ($3 = '' OR w.province = $3)
           AND ($4 = '' OR w.id_number = UPPER($4) OR w.phone = $4 OR (w.name >= $4 AND w.name < $5))"
    )
}

fn scope_id(within: Within) -> i64 {
    within.id()
}

/// Binds the scope and filter (`$1`–`$5`).
fn bind(query: crate::db::Q, within: Within, f: &Filter) -> crate::db::Q {
    let search = f.search.as_deref().map(str::trim).unwrap_or_default().to_owned();
    // Names from `search` up to (not including) the next name that does not start with it.
    let end = format!("{search}\u{10FFFF}");
    query
        .bind(scope_id(within))
        .bind(f.status.clone().unwrap_or_default())
        .bind(f.province.clone().unwrap_or_default())
        .bind(search)
        .bind(end)
}

/// The workers within the scope and filter (`$1`–`$5` bound), then `tail` (order, paging).
fn scoped(tail: &str, within: Within, f: &Filter) -> crate::db::Q {
    bind(q_dynamic(format!("{SELECT} {} {tail}", conditions(within))), within, f)
}

pub async fn list(
    db: &Db,
    within: Within,
    f: &Filter,
    limit: i64,
    offset: i64,
) -> Result<Vec<Worker>> {
    list_of(db, within, f, limit, offset, None).await
}

/// `list`, told how many rows the list has (the page has counted them already): a deep page of
/// the whole register whose ids have no gaps starts at the smallest id plus its offset, found
/// on the index in no time (an OFFSET of 500,000 on the id index took 140 ms on PostgreSQL).
pub async fn list_of(
    db: &Db,
    within: Within,
    f: &Filter,
    limit: i64,
    offset: i64,
    total: Option<i64>,
) -> Result<Vec<Worker>> {
    if within == Within::District && unfiltered(f) && offset > 0 {
        if let Some(total) = total {
            let (lo, hi): (Option<i64>, Option<i64>) =
                db.fetch_one(q("SELECT MIN(id), MAX(id) FROM returning_workers")).await?;
            if let (Some(lo), Some(hi)) = (lo, hi)
                && hi - lo + 1 == total
            {
                // No gaps: the row at `offset` has id `lo + offset`.
                return db
                    .fetch_all(
                        scoped("AND w.id >= $7 ORDER BY w.id LIMIT $6", within, f)
                            .bind(limit)
                            .bind(lo + offset),
                    )
                    .await;
            }
        }
        // A deep page of the whole register: its first id is found on the id index alone, then
        // the page is read from there (an OFFSET over a million joined rows took a second).
        return db
            .fetch_all(
                scoped(
                    "AND w.id >= (SELECT id FROM returning_workers ORDER BY id LIMIT 1 OFFSET $7)
                     ORDER BY w.id LIMIT $6",
                    within,
                    f,
                )
                .bind(limit)
                .bind(offset),
            )
            .await;
    }
    db.fetch_all(scoped("ORDER BY w.id LIMIT $6 OFFSET $7", within, f).bind(limit).bind(offset))
        .await
}

fn unfiltered(f: &Filter) -> bool {
    f.status.is_none() && f.province.is_none() && f.search.is_none()
}

/// The next `limit` workers after id `after`, in id order: a list of any length read page by
/// page at the same cost for every page (an export of a million rows).
pub async fn list_after(
    db: &Db,
    within: Within,
    f: &Filter,
    after: i64,
    limit: i64,
) -> Result<Vec<Worker>> {
    db.fetch_all(scoped("AND w.id > $6 ORDER BY w.id LIMIT $7", within, f).bind(after).bind(limit))
        .await
}

pub async fn count(db: &Db, within: Within, f: &Filter) -> Result<i64> {
    // The whole district unfiltered: the total the triggers keep (migration 0058), not ten
    // million rows counted.
    if within == Within::District && unfiltered(f) {
        let (n,): (i64,) = db.fetch_one(q("SELECT n FROM worker_total WHERE id = 1")).await?;
        return Ok(n);
    }
    let sql = format!(
        "SELECT COUNT(*) FROM returning_workers w JOIN enterprises e ON e.id = w.enterprise_id {}",
        conditions(within)
    );
    let (n,): (i64,) = db.fetch_one(bind(q_dynamic(sql), within, f)).await?;
    Ok(n)
}

/// How many returning workers are at each status, district-wide (statuses with none left out).
pub async fn by_status(db: &Db) -> Result<Vec<(WorkerStatus, i64)>> {
    let rows: Vec<(String, i64)> =
        db.fetch_all(q("SELECT status, COUNT(*) FROM returning_workers GROUP BY status")).await?;
    Ok(rows.into_iter().filter_map(|(s, n)| Some((WorkerStatus::parse(&s)?, n))).collect())
}

pub async fn get(db: &Db, id: i64) -> Result<Worker> {
    db.fetch_one(q_dynamic(format!("{SELECT} WHERE w.id = $1")).bind(id)).await
}

pub async fn create(db: &Db, actor: &Actor, w: &NewWorker) -> Result<i64> {
    let mut tx = db.begin().await?;
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO returning_workers (enterprise_id, name, id_number, phone, province, city, transport,
                   arrival_date, status, health, created_at, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id")
            .bind(w.enterprise_id)
            .bind(w.name.as_str())
            .bind(w.id_number.as_str())
            .bind(w.phone.as_str())
            .bind(w.province)
            .bind(w.city.as_str())
            .bind(w.transport.as_str())
            .bind(w.arrival_date)
            .bind(w.status.as_str())
            .bind(w.health.as_deref())
            .bind(now()),
        )
        .await?;
    // The audit entry names the record, never the person.
    audit::append(&mut tx, actor, Entry::new("worker.create", "returning_worker", id)).await?;
    tx.commit().await?;
    Ok(id)
}

/// Moves a worker along (booked, arrived with the date, at work).
pub async fn set_status(
    db: &Db,
    actor: &Actor,
    id: i64,
    status: yizhan_core::work::returning_worker::WorkerStatus,
    arrival: Option<NaiveDate>,
) -> Result<()> {
    let mut tx = db.begin().await?;
    tx.execute(
        q("UPDATE returning_workers SET status = $1, arrival_date = COALESCE($2, arrival_date), updated_at = $3 WHERE id = $4")
            .bind(status.as_str())
            .bind(arrival)
            .bind(now())
            .bind(id),
    )
    .await?;
    audit::append(
        &mut tx,
        actor,
        Entry::new("worker.status", "returning_worker", id)
            .detail(serde_json::json!({ "status": status.as_str() })),
    )
    .await?;
    tx.commit().await
}

/// Binds a checked worker's columns in `INSERT` order, then the import run and the time(s)
/// given (`$n` placeholders may share one, anonymous ones cannot). Any statement type with a
/// `bind` method: ours, or sqlx's in the benches' bare baselines.
macro_rules! bind_worker {
    ($query:expr, $w:expr, $run:expr $(, $at:expr)+) => {
        $query
            .bind($w.enterprise_id)
            .bind($w.name.as_str())
            .bind($w.id_number.as_str())
            .bind($w.phone.as_str())
            .bind($w.province)
            .bind($w.city.as_str())
            .bind($w.transport.as_str())
            .bind($w.arrival_date)
            .bind($w.status.as_str())
            .bind($w.health.as_deref())
            .bind($run)
            $(.bind($at))+
    };
}
pub(crate) use bind_worker;

/// Which of these ID numbers are registered already.
pub async fn existing_ids(db: &Db, ids: &[String]) -> Result<Vec<String>> {
    let mut found = Vec::new();
    for chunk in ids.chunks(ROWS_PER_INSERT) {
        let mut query = q_dynamic(format!(
            "SELECT id_number FROM returning_workers WHERE id_number IN ({})",
            Marks::new(db.backend()).list(chunk.len())
        ));
        for id in chunk {
            query = query.bind(id.as_str());
        }
        let rows: Vec<(String,)> = db.fetch_all(query).await?;
        found.extend(rows.into_iter().map(|(id,)| id));
    }
    Ok(found)
}

/// Rows a multi-row INSERT carries: a whole batch of the import (13 parameters a row, well
/// under either backend's limit). With anonymous placeholders ([`Marks`]) SQLite's cost per row
/// falls as statements grow: 63,000 rows/s at 50 rows, 99,000 at 1,000 (docs/benchmarks.md).
const ROWS_PER_INSERT: usize = 1000;

/// Inserts checked workers in one transaction, `ROWS_PER_INSERT` a statement, each tagged with the import
/// run that brought it (if any). An ID number registered meanwhile by someone else is left out,
/// not an error: the unique constraint decides, and the ID numbers left out are returned.
pub async fn insert_batch(db: &Db, run: Option<i64>, workers: &[NewWorker]) -> Result<Vec<String>> {
    let mut tx = db.begin().await?;
    let left_out = insert_in(&mut tx, run, workers).await?;
    tx.commit().await?;
    Ok(left_out)
}

async fn insert_in(tx: &mut Tx, run: Option<i64>, workers: &[NewWorker]) -> Result<Vec<String>> {
    let at = now();
    let mut inserted = 0u64;
    for chunk in workers.chunks(ROWS_PER_INSERT) {
        let mut query = q_dynamic(format!(
            "INSERT INTO returning_workers (enterprise_id, name, id_number, phone, province, city, transport,
                 arrival_date, status, health, import_run_id, created_at, updated_at) VALUES {}
             ON CONFLICT (id_number) DO NOTHING",
            Marks::new(tx.backend()).rows(chunk.len(), 13)
        ));
        for w in chunk {
            query = bind_worker!(query, w, run, at, at);
        }
        inserted += tx.execute(query).await?;
    }
    if inserted as usize == workers.len() {
        return Ok(Vec::new());
    }
    // Rare (another import raced this one): find out which rows lost.
    let ids: Vec<String> = workers.iter().map(|w| w.id_number.clone()).collect();
    let mut ours = std::collections::HashSet::new();
    for chunk in ids.chunks(ROWS_PER_INSERT) {
        let mut marks = Marks::new(tx.backend());
        let mut query = q_dynamic(format!(
            "SELECT id_number FROM returning_workers WHERE import_run_id IS NOT DISTINCT FROM {}
               AND created_at = {} AND id_number IN ({})",
            marks.one(),
            marks.one(),
            marks.list(chunk.len())
        ))
        .bind(run)
        .bind(at);
        for id in chunk {
            query = query.bind(id.as_str());
        }
        let rows: Vec<(String,)> = tx.fetch_all(query).await?;
        ours.extend(rows.into_iter().map(|(id,)| id));
    }
    Ok(ids.into_iter().filter(|id| !ours.contains(id)).collect())
}

/// Inserts workers outside any import run (seeding, tests), with one audit entry.
pub async fn import(db: &Db, actor: &Actor, workers: &[NewWorker]) -> Result<usize> {
    let mut tx = db.begin().await?;
    let left_out = insert_in(&mut tx, None, workers).await?;
    let n = workers.len() - left_out.len();
    audit::append(
        &mut tx,
        actor,
        Entry::new("worker.import", "returning_worker", 0).detail(serde_json::json!({ "rows": n })),
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}

/// Takes back the rows an import run brought in (an all-or-nothing run that did not finish).
pub async fn remove_run_rows(db: &Db, run: i64) -> Result<u64> {
    db.execute(q("DELETE FROM returning_workers WHERE import_run_id = $1").bind(run)).await
}

/// The worker with this ID number, if registered.
pub async fn by_id_number(db: &Db, id_number: &str) -> Result<Option<Worker>> {
    db.fetch_optional(q_dynamic(format!("{SELECT} WHERE w.id_number = $1")).bind(id_number)).await
}
