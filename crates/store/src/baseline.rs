//! Bare statements the benches measure the application against: the same rows written the
//! fastest ways we know with sqlx alone, no checks, no audit. The application never calls it.

use chrono::{DateTime, Utc};
use sqlx::{AssertSqlSafe, Postgres, Sqlite};
use yizhan_core::work::returning_worker::NewWorker;

use crate::db::{Backend, Db, Marks, Result, sqlite_time};
use crate::work::returning_workers::bind_worker;

/// One way to put a batch of workers in, each batch its own transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerInsert {
    /// Multi-row INSERT with `$n` placeholders, this many rows a statement.
    Numbered(usize),
    /// Multi-row INSERT with anonymous `?` placeholders (SQLite), this many rows a statement.
    Anonymous(usize),
    /// One prepared single-row INSERT, run once per row inside the transaction.
    SingleRow,
    /// The batch as one JSON parameter, unpacked by `json_each` (SQLite).
    Json,
    /// The batch as one array per column, unpacked by `UNNEST` (PostgreSQL).
    Unnest,
    /// `COPY … FROM STDIN` straight into the table (PostgreSQL; no conflict handling).
    Copy,
}

impl WorkerInsert {
    pub fn for_sqlite() -> Vec<WorkerInsert> {
        use WorkerInsert::*;
        vec![Numbered(50), Anonymous(50), Anonymous(200), Anonymous(1000), SingleRow, Json]
    }
    /// (A single-row INSERT a row ran at 5,219 rows/s on PostgreSQL, 0.15 of the fastest: left
    /// out, it would take minutes.)
    pub fn for_postgres() -> Vec<WorkerInsert> {
        use WorkerInsert::*;
        vec![Numbered(50), Numbered(1000), Unnest, Copy]
    }
}

const COLUMNS: &str = "enterprise_id, name, id_number, phone, province, city, transport, \
     arrival_date, status, health, import_run_id, created_at, updated_at";

/// `rows` groups of the 13 columns' placeholders: `$n` or `?` as the way asks, whatever the
/// database (SQLite takes both).
fn values(rows: usize, numbered: bool) -> String {
    let dialect = if numbered { Backend::Postgres } else { Backend::Sqlite };
    Marks::new(dialect).rows(rows, 13)
}

/// Inserts `workers` the way `how` says, one transaction per `batch` rows; returns rows put in.
pub async fn insert_workers(
    db: &Db,
    how: WorkerInsert,
    workers: &[NewWorker],
    batch: usize,
    run: Option<i64>,
) -> Result<u64> {
    let at = crate::db::now();
    let mut n = 0;
    for chunk in workers.chunks(batch) {
        n += match db {
            Db::Sqlite(s) => sqlite(&s.pool, how, chunk, at, run).await?,
            Db::Postgres(p) => postgres(p, how, chunk, at, run).await?,
        };
    }
    Ok(n)
}

async fn sqlite(
    pool: &sqlx::SqlitePool,
    how: WorkerInsert,
    chunk: &[NewWorker],
    at: DateTime<Utc>,
    run: Option<i64>,
) -> Result<u64> {
    let at = sqlite_time(&at);
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let mut n = 0;
    match how {
        WorkerInsert::Numbered(per) | WorkerInsert::Anonymous(per) => {
            let numbered = matches!(how, WorkerInsert::Numbered(_));
            for rows in chunk.chunks(per) {
                let sql = format!(
                    "INSERT INTO returning_workers ({COLUMNS}) VALUES {} ON CONFLICT (id_number) DO NOTHING",
                    values(rows.len(), numbered)
                );
                let mut q = sqlx::query::<Sqlite>(AssertSqlSafe(sql));
                for w in rows {
                    q = bind_worker!(q, w, run, at.as_str(), at.as_str());
                }
                n += q.execute(&mut *tx).await?.rows_affected();
            }
        }
        WorkerInsert::SingleRow => {
            let sql = format!(
                "INSERT INTO returning_workers ({COLUMNS}) VALUES {} ON CONFLICT (id_number) DO NOTHING",
                values(1, false)
            );
            for w in chunk {
                let q = sqlx::query::<Sqlite>(AssertSqlSafe(sql.clone()));
                n += bind_worker!(q, w, run, at.as_str(), at.as_str())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
        }
        WorkerInsert::Json => {
            let rows: Vec<serde_json::Value> = chunk
                .iter()
                .map(|w| {
                    serde_json::json!([
                        w.enterprise_id,
                        w.name,
                        w.id_number,
                        w.phone,
                        w.province,
                        w.city,
                        w.transport.as_str(),
                        w.arrival_date.map(|d| d.to_string()),
                        w.status.as_str(),
                        w.health
                    ])
                })
                .collect();
            let json = serde_json::to_string(&rows).unwrap_or_default();
            n += sqlx::query::<Sqlite>(AssertSqlSafe(format!(
                "INSERT INTO returning_workers ({COLUMNS})
                 SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6,
                        value->>7, value->>8, value->>9, ?3, ?2, ?2
                 FROM json_each(?1) WHERE true ON CONFLICT (id_number) DO NOTHING"
            )))
            .bind(json)
            .bind(at.as_str())
            .bind(run)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        WorkerInsert::Unnest | WorkerInsert::Copy => {}
    }
    tx.commit().await?;
    Ok(n)
}

async fn postgres(
    pool: &sqlx::PgPool,
    how: WorkerInsert,
    chunk: &[NewWorker],
    at: DateTime<Utc>,
    run: Option<i64>,
) -> Result<u64> {
    let mut tx = pool.begin().await?;
    let mut n = 0;
    match how {
        WorkerInsert::Numbered(per) | WorkerInsert::Anonymous(per) => {
            for rows in chunk.chunks(per) {
                let sql = format!(
                    "INSERT INTO returning_workers ({COLUMNS}) VALUES {} ON CONFLICT (id_number) DO NOTHING",
                    values(rows.len(), true)
                );
                let mut q = sqlx::query::<Postgres>(AssertSqlSafe(sql));
                for w in rows {
                    q = bind_worker!(q, w, run, at, at);
                }
                n += q.execute(&mut *tx).await?.rows_affected();
            }
        }
        WorkerInsert::SingleRow => {
            let sql = format!(
                "INSERT INTO returning_workers ({COLUMNS}) VALUES {} ON CONFLICT (id_number) DO NOTHING",
                values(1, true)
            );
            for w in chunk {
                let q = sqlx::query::<Postgres>(AssertSqlSafe(sql.clone()));
                n += bind_worker!(q, w, run, at, at).execute(&mut *tx).await?.rows_affected();
            }
        }
        WorkerInsert::Unnest => {
            n += sqlx::query::<Postgres>(AssertSqlSafe(format!(
                "INSERT INTO returning_workers ({COLUMNS})
                 SELECT e, n, i, p, pr, c, t, a, s, h, $12, $11, $11
                 FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[],
                             $6::text[], $7::text[], $8::date[], $9::text[], $10::text[])
                      AS u(e, n, i, p, pr, c, t, a, s, h)
                 ON CONFLICT (id_number) DO NOTHING"
            )))
            .bind(chunk.iter().map(|w| w.enterprise_id).collect::<Vec<_>>())
            .bind(chunk.iter().map(|w| w.name.as_str()).collect::<Vec<_>>())
            .bind(chunk.iter().map(|w| w.id_number.as_str()).collect::<Vec<_>>())
            .bind(chunk.iter().map(|w| w.phone.as_str()).collect::<Vec<_>>())
            .bind(chunk.iter().map(|w| w.province).collect::<Vec<_>>())
            .bind(chunk.iter().map(|w| w.city.as_str()).collect::<Vec<_>>())
            .bind(chunk.iter().map(|w| w.transport.as_str()).collect::<Vec<_>>())
            .bind(chunk.iter().map(|w| w.arrival_date).collect::<Vec<_>>())
            .bind(chunk.iter().map(|w| w.status.as_str()).collect::<Vec<_>>())
            .bind(chunk.iter().map(|w| w.health.as_deref()).collect::<Vec<_>>())
            .bind(at)
            .bind(run)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        WorkerInsert::Copy => {
            let mut data = String::with_capacity(chunk.len() * 120);
            let at = at.to_rfc3339();
            let run = run.map(|r| r.to_string()).unwrap_or_else(|| "\\N".into());
            for w in chunk {
                use std::fmt::Write;
                let _ = writeln!(
                    data,
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{run}\t{at}\t{at}",
                    w.enterprise_id,
                    copy_text(&w.name),
                    copy_text(&w.id_number),
                    copy_text(&w.phone),
                    w.province,
                    copy_text(&w.city),
                    w.transport.as_str(),
                    w.arrival_date.map(|d| d.to_string()).unwrap_or_else(|| "\\N".into()),
                    w.status.as_str(),
                    w.health.as_deref().map(copy_text).unwrap_or_else(|| "\\N".into()),
                );
            }
            let mut copy =
                tx.copy_in_raw(&format!("COPY returning_workers ({COLUMNS}) FROM STDIN")).await?;
            copy.send(data.into_bytes()).await?;
            n += copy.finish().await?;
        }
        WorkerInsert::Json => {}
    }
    tx.commit().await?;
    Ok(n)
}

/// A value in COPY's text format: backslash, tab and line breaks escaped.
pub fn copy_text(s: &str) -> String {
    if !s.contains(['\\', '\t', '\n', '\r']) {
        return s.to_owned();
    }
    s.replace('\\', "\\\\").replace('\t', "\\t").replace('\n', "\\n").replace('\r', "\\r")
}
