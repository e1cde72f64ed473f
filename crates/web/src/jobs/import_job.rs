//! A bulk import (returning workers, planned arrivals) as a job: the sheet streamed from its file a thousand rows
//! at a time, each batch checked (the register looked up once a batch) and inserted, the
//! problems kept as they are found, progress written to the run for any node to show. The page
//! and `yizhan import` both run it. Memory stays bounded whatever the file's length: a batch, the
//! checker's 16 bytes per ID number seen, and (for .xlsx) the sheet's shared strings.
//!
//! All or nothing: rows go in as they pass until the first bad row; if any row is bad the rows
//! this run brought in are taken back at the end, and if the node dies half way the sweep takes
//! them back once the run's heartbeat has stopped.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use yizhan_core::access::{Actor, Permission, Principal};
use yizhan_core::station::intake::{self, NewArrival};
use yizhan_core::text::Text;
use yizhan_core::work::returning_worker::NewWorker;
use yizhan_core::work::worker_import::{
    self, Checked, ImportKind, ImportMode, ImportStatus, Mapping, Problem, RowError,
};
use yizhan_store::admin::audit::{self, Entry};
use yizhan_store::station::arrivals;
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
    /// What the rows are, with what checking them needs.
    pub what: What,
    pub actor: Actor,
    /// The importer's language, for the problems' wording.
    pub lang: Lang,
    pub today: NaiveDate,
}

/// What an import brings in.
pub enum What {
    /// Returning workers, for the importer's employers (by name and by code).
    Workers { employers: HashMap<String, i64> },
    /// Planned arrivals; the codes of the policies in force.
    Arrivals { policies: HashSet<String> },
}

impl What {
    fn kind(&self) -> ImportKind {
        match self {
            What::Workers { .. } => ImportKind::Workers,
            What::Arrivals { .. } => ImportKind::Arrivals,
        }
    }
}

/// One kind of sheet: how its header is read, its rows checked (with what the store already
/// holds for a batch's keys) and put in, and taken back.
trait Rows: Send {
    type Good: Send + Sync;
    type Known: Send;
    /// The field whose column a row lost to a concurrent writer is reported under.
    const KEY_FIELD: &'static str;
    fn columns(&self, header: &[String]) -> Result<Mapping, Vec<&'static str>>;
    fn start(&mut self, mapping: Mapping);
    fn column_of(&self, field: &str) -> String;
    fn key(&self, cells: &[String]) -> Option<String>;
    fn known(
        &self,
        db: &Db,
        keys: &[String],
    ) -> impl Future<Output = Result<Self::Known, WebError>> + Send;
    fn check(&mut self, row: usize, cells: &[String], known: &Self::Known) -> Checked<Self::Good>;
    /// Puts rows in; returns the keys of those someone else put in meanwhile.
    fn insert(
        &self,
        db: &Db,
        run_id: i64,
        good: &[Self::Good],
    ) -> impl Future<Output = Result<Vec<String>, WebError>> + Send;
    fn key_of(good: &Self::Good) -> &str;
    fn lost() -> Problem;
}

struct WorkerRows {
    employers: HashMap<String, i64>,
    today: NaiveDate,
    checker: Option<worker_import::Checker>,
}

impl Rows for WorkerRows {
    type Good = NewWorker;
    type Known = HashSet<String>;
    const KEY_FIELD: &'static str = "id_number";
    fn columns(&self, header: &[String]) -> Result<Mapping, Vec<&'static str>> {
        worker_import::map_headers(header)
    }
    fn start(&mut self, mapping: Mapping) {
        self.checker = Some(worker_import::Checker::new(
            mapping,
            std::mem::take(&mut self.employers),
            self.today,
        ));
    }
    fn column_of(&self, field: &str) -> String {
        self.checker.as_ref().map(|c| c.column_of(field)).unwrap_or_default()
    }
    fn key(&self, cells: &[String]) -> Option<String> {
        self.checker.as_ref().and_then(|c| c.id_number(cells))
    }
    async fn known(&self, db: &Db, keys: &[String]) -> Result<HashSet<String>, WebError> {
        Ok(returning_workers::existing_ids(db, keys).await?)
    }
    fn check(
        &mut self,
        row: usize,
        cells: &[String],
        known: &HashSet<String>,
    ) -> Checked<NewWorker> {
        match self.checker.as_mut() {
            Some(c) => c.check(row, cells, known),
            None => Checked::Blank,
        }
    }
    async fn insert(
        &self,
        db: &Db,
        run_id: i64,
        good: &[NewWorker],
    ) -> Result<Vec<String>, WebError> {
        Ok(returning_workers::insert_batch(db, Some(run_id), good).await?)
    }
    fn key_of(good: &NewWorker) -> &str {
        &good.id_number
    }
    fn lost() -> Problem {
        Problem::AlreadyRegistered
    }
}

struct ArrivalRows {
    policies: HashSet<String>,
    today: NaiveDate,
    checker: Option<intake::Checker>,
}

impl Rows for ArrivalRows {
    type Good = NewArrival;
    type Known = HashSet<(String, NaiveDate)>;
    const KEY_FIELD: &'static str = "doc_number";
    fn columns(&self, header: &[String]) -> Result<Mapping, Vec<&'static str>> {
        intake::map_headers(header)
    }
    fn start(&mut self, mapping: Mapping) {
        self.checker =
            Some(intake::Checker::new(mapping, std::mem::take(&mut self.policies), self.today));
    }
    fn column_of(&self, field: &str) -> String {
        self.checker.as_ref().map(|c| c.column_of(field)).unwrap_or_default()
    }
    fn key(&self, cells: &[String]) -> Option<String> {
        self.checker.as_ref().and_then(|c| c.doc_number(cells))
    }
    async fn known(&self, db: &Db, keys: &[String]) -> Result<Self::Known, WebError> {
        Ok(arrivals::planned(db, keys).await?)
    }
    fn check(&mut self, row: usize, cells: &[String], known: &Self::Known) -> Checked<NewArrival> {
        match self.checker.as_mut() {
            Some(c) => c.check(row, cells, known),
            None => Checked::Blank,
        }
    }
    async fn insert(
        &self,
        db: &Db,
        run_id: i64,
        good: &[NewArrival],
    ) -> Result<Vec<String>, WebError> {
        Ok(arrivals::insert_batch(db, Some(run_id), good).await?)
    }
    fn key_of(good: &NewArrival) -> &str {
        &good.guest.doc_number
    }
    fn lost() -> Problem {
        Problem::Field(yizhan_core::error::DomainError::Rule {
            field: Some("doc_number"),
            key: "error.arrival_planned",
        })
    }
}

/// Takes back what all-or-nothing run `run_id` of `kind` brought in.
async fn take_back(db: &Db, kind: ImportKind, run_id: i64) -> Result<(), WebError> {
    match kind {
        ImportKind::Workers => returning_workers::remove_run_rows(db, run_id).await?,
        ImportKind::Arrivals => arrivals::remove_run_rows(db, run_id).await?,
    };
    Ok(())
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
    let outcome = match &job.what {
        What::Workers { employers } => {
            let rows = WorkerRows { employers: employers.clone(), today: job.today, checker: None };
            go(db, job, rows, &tr, &mut counts, on_progress).await
        }
        What::Arrivals { policies } => {
            let rows = ArrivalRows { policies: policies.clone(), today: job.today, checker: None };
            go(db, job, rows, &tr, &mut counts, on_progress).await
        }
    };
    // All or nothing: a run that ended with bad rows, or failed, leaves nothing behind.
    let failed = outcome.is_err();
    if !job.valid_only && (failed || counts.rows_bad > 0) && counts.imported > 0 {
        take_back(db, job.what.kind(), job.run_id).await?;
        counts.imported = 0;
    }
    let failure = outcome.err().map(|e| e.message(&tr));
    let status = if failed { ImportStatus::Failed } else { ImportStatus::Done };
    import_runs::finish(db, job.run_id, status, counts, failure.as_deref()).await?;
    audit::record(
        db,
        &job.actor,
        Entry::new(
            match job.what.kind() {
                ImportKind::Workers => "worker.import",
                ImportKind::Arrivals => "arrival.import",
            },
            "import_run",
            job.run_id,
        )
        .detail(serde_json::json!({
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

async fn go<R: Rows>(
    db: &Db,
    job: &Job,
    mut kind: R,
    tr: &Tr,
    counts: &mut Counts,
    on_progress: &mut (dyn FnMut(Counts, i64) + Send),
) -> Result<(), WebError> {
    let mut rows_in = sheet::stream(job.path.clone(), &job.file_name);
    let mut started = false;
    let mut kept = 0i64;
    let mut beat = Instant::now();
    while let Some(batch) = rows_in.recv().await {
        let batch = batch?;
        let mut rows = batch.rows.into_iter();
        if !started {
            let Some((_, header)) = rows.next() else {
                continue;
            };
            let mapping = kind.columns(&header).map_err(|missing| {
                WebError::invalid(
                    "file",
                    Text::new("import.missing_columns")
                        .with_list("columns", missing.into_iter().map(str::to_owned).collect()),
                )
            })?;
            kind.start(mapping);
            started = true;
        }
        let rows: Vec<(usize, Vec<String>)> = rows.collect();
        let keys: Vec<String> = rows.iter().filter_map(|(_, c)| kind.key(c)).collect();
        let known = kind.known(db, &keys).await?;
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
            match kind.check(*row, cells, &known) {
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
            let lost = kind.insert(db, job.run_id, &good).await?;
            counts.imported += (good.len() - lost.len()) as i64;
            // Put in by someone else between our look-up and our insert.
            for (w, row) in good.iter().zip(&good_rows) {
                if lost.iter().any(|k| k == R::key_of(w)) {
                    counts.rows_bad += 1;
                    let e = RowError {
                        row: *row,
                        column: kind.column_of(R::KEY_FIELD),
                        error: R::lost(),
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
    if !started {
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
            take_back(db, run.kind, run.id).await?;
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
