//! A bulk import of returning workers as a job: the sheet streamed from its file a thousand rows
//! at a time, each batch checked (the register looked up once a batch) and inserted, the
//! problems kept as they are found, progress written to the run for any node to show. The page
//! and `yizhan import` both run it. Memory stays bounded whatever the file's length: a batch, the
//! checker's 16 bytes per ID number seen, and (for .xlsx) the sheet's shared strings.
//!
//! All or nothing: rows go in as they pass until the first bad row; if any row is bad the rows
//! this run brought in are taken back at the end, and if the node dies half way the sweep takes
//! them back once the run's heartbeat has stopped.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use yizhan_core::access::{Actor, Permission, Principal};
use yizhan_core::text::Text;
use yizhan_core::work::worker_import::{
    Checked, Checker, ImportMode, ImportStatus, Problem, RowError, map_headers,
};
use yizhan_store::admin::audit::{self, Entry};
use yizhan_store::work::import_runs::{self, Counts, ImportRun, ProblemLine};
use yizhan_store::{Db, work::returning_workers};

use crate::error::WebError;
use crate::i18n::{Lang, Tr};
use crate::kit::sheet;

/// Problems kept per run (the counts go on); a file wrong from top to bottom needs fixing, not a
/// report of a million lines.
pub const KEPT_PROBLEMS: i64 = 100_000;

/// A running run whose heartbeat is older than this was on a node that died.
pub const STALE_AFTER: Duration = Duration::from_secs(120);

/// One import to run.
pub struct Job {
    pub run_id: i64,
    pub path: PathBuf,
    pub file_name: String,
    /// Import the valid rows (else all or nothing).
    pub valid_only: bool,
    /// The importer's employers, by name and by code.
    pub employers: HashMap<String, i64>,
    pub actor: Actor,
    /// The importer's language, for the problems' wording.
    pub lang: Lang,
    pub today: NaiveDate,
}

/// The enterprises a person may register workers for, by name and by credit code.
pub async fn employers_of(db: &Db, p: &Principal) -> Result<HashMap<String, i64>, WebError> {
    let mut employers = HashMap::new();
    for e in yizhan_store::work::enterprises::list(db).await? {
        if p.can(Permission::EnterprisesWrite, e.target()) {
            employers.insert(e.uscc.clone(), e.id);
            employers.insert(e.name.clone(), e.id);
        }
    }
    Ok(employers)
}

/// A problem in the importer's words.
pub fn words(tr: &Tr, e: &RowError) -> String {
    match &e.error {
        Problem::Field(d) => WebError::of_person(d.clone()).message(tr),
        Problem::UnknownEmployer => tr.t("import.unknown_employer").to_owned(),
        Problem::DuplicateInFile(first) => {
            tr.f("import.duplicate_in_file", &[("row", &first.to_string())])
        }
        Problem::AlreadyRegistered => tr.t("import.already_registered").to_owned(),
    }
}

/// Runs the job to its end and returns the finished run. `on_progress` hears the counts and
/// the permille read after every batch (the command line draws its bar with it).
pub async fn run(
    db: &Db,
    job: &Job,
    on_progress: &mut (dyn FnMut(Counts, i64) + Send),
) -> Result<ImportRun, WebError> {
    let tr = Tr::new(job.lang);
    let mut counts = Counts::default();
    let outcome = go(db, job, &tr, &mut counts, on_progress).await;
    // All or nothing: a run that ended with bad rows, or failed, leaves nothing behind.
    let failed = outcome.is_err();
    if !job.valid_only && (failed || counts.rows_bad > 0) && counts.imported > 0 {
        returning_workers::remove_run_rows(db, job.run_id).await?;
        counts.imported = 0;
    }
    let failure = outcome.err().map(|e| e.message(&tr));
    let status = if failed { ImportStatus::Failed } else { ImportStatus::Done };
    import_runs::finish(db, job.run_id, status, counts, failure.as_deref()).await?;
    audit::record(
        db,
        &job.actor,
        Entry::new("worker.import", "import_run", job.run_id).detail(serde_json::json!({
            "status": status,
            "mode": if job.valid_only { "valid" } else { "all" },
            "rows": counts.rows_read,
            "imported": counts.imported,
            "bad": counts.rows_bad,
        })),
    )
    .await?;
    Ok(import_runs::get(db, job.run_id).await?)
}

async fn go(
    db: &Db,
    job: &Job,
    tr: &Tr,
    counts: &mut Counts,
    on_progress: &mut (dyn FnMut(Counts, i64) + Send),
) -> Result<(), WebError> {
    let mut rows_in = sheet::stream(job.path.clone(), &job.file_name);
    let mut checker: Option<Checker> = None;
    let mut kept = 0i64;
    let mut beat = Instant::now();
    while let Some(batch) = rows_in.recv().await {
        let batch = batch?;
        let mut rows = batch.rows.into_iter();
        if checker.is_none() {
            let Some((_, header)) = rows.next() else {
                continue;
            };
            let mapping = map_headers(&header).map_err(|missing| {
                WebError::invalid(
                    "file",
                    Text::new("import.missing_columns")
                        .with_list("columns", missing.into_iter().map(str::to_owned).collect()),
                )
            })?;
            checker = Some(Checker::new(mapping, job.employers.clone(), job.today));
        }
        let Some(ck) = checker.as_mut() else {
            continue;
        };
        let rows: Vec<(usize, Vec<String>)> = rows.collect();
        let ids: Vec<String> = rows.iter().filter_map(|(_, c)| ck.id_number(c)).collect();
        let registered = returning_workers::existing_ids(db, &ids).await?;
        let (mut good, mut good_rows, mut lines) = (Vec::new(), Vec::new(), Vec::new());
        let note = |e: &RowError, lines: &mut Vec<ProblemLine>, counts: &mut Counts| {
            counts.problems += 1;
            if kept + (lines.len() as i64) < KEPT_PROBLEMS {
                lines.push(ProblemLine {
                    row_no: e.row as i64,
                    column_name: e.column.clone(),
                    message: words(tr, e),
                });
            }
        };
        for (row, cells) in &rows {
            match ck.check(*row, cells, &registered) {
                Checked::Blank => {}
                Checked::Good(w) => {
                    counts.rows_read += 1;
                    good_rows.push(*row);
                    good.push(w);
                }
                Checked::Bad(errors) => {
                    counts.rows_read += 1;
                    counts.rows_bad += 1;
                    for e in &errors {
                        note(e, &mut lines, counts);
                    }
                }
            }
        }
        if job.valid_only || counts.rows_bad == 0 {
            let lost = returning_workers::insert_batch(db, Some(job.run_id), &good).await?;
            counts.imported += (good.len() - lost.len()) as i64;
            // Registered by someone else between our look-up and our insert.
            for (w, row) in good.iter().zip(&good_rows) {
                if lost.contains(&w.id_number) {
                    counts.rows_bad += 1;
                    let e = RowError {
                        row: *row,
                        column: ck.column_of("id_number"),
                        error: Problem::AlreadyRegistered,
                    };
                    note(&e, &mut lines, counts);
                }
            }
        }
        good.clear();
        if !lines.is_empty() {
            import_runs::add_problems(db, job.run_id, kept, &lines).await?;
            kept += lines.len() as i64;
        }
        if beat.elapsed() >= Duration::from_millis(500) {
            import_runs::progress(db, job.run_id, *counts, batch.permille).await?;
            beat = Instant::now();
        }
        on_progress(*counts, batch.permille);
    }
    if checker.is_none() {
        return Err(WebError::invalid("file", Text::new("import.empty")));
    }
    Ok(())
}

/// Takes back what runs on dead nodes left: each stale run is marked interrupted (one node
/// wins it) and, if it was all or nothing, its rows are removed. Returns the runs swept.
pub async fn sweep(db: &Db) -> Result<usize, WebError> {
    let cutoff = yizhan_store::db::now()
        - chrono::Duration::from_std(STALE_AFTER).unwrap_or(chrono::Duration::minutes(2));
    let runs = import_runs::claim_stale(db, cutoff).await?;
    for run in &runs {
        if run.mode == ImportMode::All {
            returning_workers::remove_run_rows(db, run.id).await?;
        }
        tracing::warn!(run = run.id, mode = %run.mode, "import run interrupted (its node stopped)");
    }
    Ok(runs.len())
}

/// Sweeps every minute for the life of the server.
pub async fn sweep_every_minute(db: Db) {
    let mut every = tokio::time::interval(Duration::from_secs(60));
    loop {
        every.tick().await;
        if let Err(e) = sweep(&db).await {
            tracing::warn!(error = %e, "import sweep failed; retrying next minute");
        }
    }
}
