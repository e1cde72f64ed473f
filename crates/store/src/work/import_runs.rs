//! Import runs: a bulk import as a job row that any node can read (progress while it runs, the
//! outcome after), its problems one row each, and the sweep that takes back what a dead node's
//! all-or-nothing run had half done.

use chrono::{DateTime, Utc};
use serde::Serialize;

use yizhan_core::work::worker_import::{ImportKind, ImportMode, ImportStatus};

use crate::db::{Db, Result, now, q, q_dynamic};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ImportRun {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub kind: ImportKind,
    #[sqlx(try_from = "String")]
    pub mode: ImportMode,
    pub file_name: String,
    #[sqlx(try_from = "String")]
    pub status: ImportStatus,
    /// How far through the file, in thousandths.
    pub permille: i64,
    pub rows_read: i64,
    pub imported: i64,
    pub rows_bad: i64,
    pub problems: i64,
    /// Why a failed run failed, in the importer's words.
    pub failure: Option<String>,
    pub user_id: i64,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl ImportRun {
    pub fn running(&self) -> bool {
        self.status == ImportStatus::Running
    }
}

/// The counts a run reports as it goes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub rows_read: i64,
    pub imported: i64,
    pub rows_bad: i64,
    pub problems: i64,
}

/// One problem of a run: the sheet row, the column's header and the message.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ProblemLine {
    pub row_no: i64,
    pub column_name: String,
    pub message: String,
}

const SELECT: &str =
    "SELECT id, kind, mode, file_name, status, permille, rows_read, imported, rows_bad,
    problems, failure, user_id, created_at, finished_at FROM import_runs";

pub async fn start(
    db: &Db,
    user_id: i64,
    kind: ImportKind,
    mode: ImportMode,
    file_name: &str,
) -> Result<i64> {
    let at = now();
    let (id,): (i64,) = db
        .fetch_one(
            q("INSERT INTO import_runs (kind, mode, file_name, status, permille, rows_read, imported,
                   rows_bad, problems, user_id, created_at, updated_at)
               VALUES ($1, $2, $3, 'running', 0, 0, 0, 0, 0, $4, $5, $5) RETURNING id")
            .bind(kind.as_str())
            .bind(mode.as_str())
            .bind(file_name)
            .bind(user_id)
            .bind(at),
        )
        .await?;
    Ok(id)
}

/// Progress of a running run; also its heartbeat (a run that stops beating was on a dead node).
pub async fn progress(db: &Db, id: i64, c: Counts, permille: i64) -> Result<()> {
    db.execute(
        q("UPDATE import_runs SET rows_read = $1, imported = $2, rows_bad = $3, problems = $4,
               permille = $5, updated_at = $6 WHERE id = $7 AND status = 'running'")
        .bind(c.rows_read)
        .bind(c.imported)
        .bind(c.rows_bad)
        .bind(c.problems)
        .bind(permille.clamp(0, 1000))
        .bind(now())
        .bind(id),
    )
    .await?;
    Ok(())
}

/// Keeps problems `first_seq`, `first_seq + 1`, … of a run.
pub async fn add_problems(db: &Db, id: i64, first_seq: i64, lines: &[ProblemLine]) -> Result<()> {
    let mut tx = db.begin().await?;
    for (n, chunk) in lines.chunks(100).enumerate() {
        // seq, row, column, message: four a line after the run id.
        let values: Vec<String> = (0..chunk.len())
            .map(|r| {
                let b = r * 4 + 2;
                format!("($1, ${}, ${}, ${}, ${})", b, b + 1, b + 2, b + 3)
            })
            .collect();
        let mut query = q_dynamic(format!(
            "INSERT INTO import_problems (run_id, seq, row_no, column_name, message) VALUES {}",
            values.join(", ")
        ))
        .bind(id);
        for (i, l) in chunk.iter().enumerate() {
            query = query
                .bind(first_seq + (n * 100 + i) as i64)
                .bind(l.row_no)
                .bind(l.column_name.as_str())
                .bind(l.message.as_str());
        }
        tx.execute(query).await?;
    }
    tx.commit().await
}

/// Ends a run (`done` or `failed`), once: a run the sweep has already called interrupted stays so.
pub async fn finish(
    db: &Db,
    id: i64,
    status: ImportStatus,
    c: Counts,
    failure: Option<&str>,
) -> Result<bool> {
    let at = now();
    let mut tx = db.begin().await?;
    let finished: Option<(i64, String)> = tx
        .fetch_optional(
            q("UPDATE import_runs SET status = $1, rows_read = $2, imported = $3, rows_bad = $4,
                   problems = $5, failure = $6, permille = 1000, updated_at = $7, finished_at = $7
               WHERE id = $8 AND status = 'running'
               RETURNING user_id, file_name")
            .bind(status.as_str())
            .bind(c.rows_read)
            .bind(c.imported)
            .bind(c.rows_bad)
            .bind(c.problems)
            .bind(failure)
            .bind(at)
            .bind(id),
        )
        .await?;
    // An import that did not land is told to whoever started it, in the centre (the bell), not
    // to any group: it is their file.
    if let Some((user_id, file)) = &finished
        && (status == ImportStatus::Failed || (c.rows_bad > 0 && c.imported == 0))
    {
        let facts = serde_json::json!({
            "file": file,
            "bad": c.rows_bad,
            "failure": failure.unwrap_or_default(),
            "link": format!("/imports/{id}"),
        });
        let e = crate::notify::outbox::Event {
            source: "import",
            source_id: id,
            event: "failed",
            severity: yizhan_core::notify::Severity::Warning,
            station_id: None,
            facts: &facts,
            at,
        };
        crate::notify::inbox::record_for(&mut tx, &e, *user_id).await?;
    }
    tx.commit().await?;
    Ok(finished.is_some())
}

/// A person's latest runs, newest first: where they find an import they started earlier.
pub async fn of_user(db: &Db, user_id: i64, limit: i64) -> Result<Vec<ImportRun>> {
    db.fetch_all(
        q_dynamic(format!("{SELECT} WHERE user_id = $1 ORDER BY id DESC LIMIT $2"))
            .bind(user_id)
            .bind(limit),
    )
    .await
}

pub async fn get(db: &Db, id: i64) -> Result<ImportRun> {
    db.fetch_one(q_dynamic(format!("{SELECT} WHERE id = $1")).bind(id)).await
}

/// The first `limit` problems of a run, in the sheet's order (a row found registered as it
/// went in is reported after rows checked later).
pub async fn problems(db: &Db, id: i64, limit: i64) -> Result<Vec<ProblemLine>> {
    db.fetch_all(
        q("SELECT row_no, column_name, message FROM import_problems WHERE run_id = $1
           ORDER BY row_no, seq LIMIT $2")
        .bind(id)
        .bind(limit),
    )
    .await
}

/// Runs still `running` whose heartbeat stopped before `cutoff`: marks each interrupted (one
/// node wins each) and returns them, so the caller can take back an all-or-nothing run's rows.
pub async fn claim_stale(db: &Db, cutoff: DateTime<Utc>) -> Result<Vec<ImportRun>> {
    let stale: Vec<ImportRun> = db
        .fetch_all(
            q_dynamic(format!("{SELECT} WHERE status = 'running' AND updated_at < $1"))
                .bind(cutoff),
        )
        .await?;
    let mut claimed = Vec::new();
    for run in stale {
        let n = db
            .execute(
                q("UPDATE import_runs SET status = 'interrupted', finished_at = $1,
                       imported = CASE WHEN mode = 'all' THEN 0 ELSE imported END
                   WHERE id = $2 AND status = 'running' AND updated_at < $3")
                .bind(now())
                .bind(run.id)
                .bind(cutoff),
            )
            .await?;
        if n == 1 {
            claimed.push(run);
        }
    }
    Ok(claimed)
}
