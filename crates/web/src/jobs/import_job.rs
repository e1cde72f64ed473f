//! A bulk import (returning workers, planned arrivals) as a job: the sheet streamed from its file a
//! thousand rows at a time, each batch checked (what the store holds for its keys looked up where
//! a constraint cannot decide), put in a few batches a transaction while the next are checked,
//! the problems kept as they are found, progress written to the run for any node to show. The
//! page and `yizhan import` both run it. Memory stays bounded whatever the file's length: a
//! transaction's rows, the checker's 16 bytes per ID number seen, and (for .xlsx) the sheet's
//! shared strings.
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
    type Good: Send + Sync + 'static;
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
        db: &Db,
        run_id: i64,
        good: &[Self::Good],
    ) -> impl Future<Output = Result<Vec<String>, WebError>> + Send;
    /// Of these keys, those the store holds already: asked for rows that will not go in (an
    /// all-or-nothing run after its first bad row), so that the report still names them.
    fn taken(
        db: &Db,
        keys: &[String],
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
    /// Nothing looked up: the register's unique ID number decides as the rows go in, and a row
    /// already registered comes back from the insert as lost and is reported as such. Looking
    /// a batch up first cost as much as a third of the insert (2.6 ms a thousand rows). Rows
    /// that will not go in are looked up instead ([`Rows::taken`]).
    async fn known(&self, _db: &Db, _keys: &[String]) -> Result<HashSet<String>, WebError> {
        Ok(HashSet::new())
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
    async fn insert(db: &Db, run_id: i64, good: &[NewWorker]) -> Result<Vec<String>, WebError> {
        Ok(returning_workers::insert_batch(db, Some(run_id), good).await?)
    }
    async fn taken(db: &Db, keys: &[String]) -> Result<Vec<String>, WebError> {
        Ok(returning_workers::existing_ids(db, keys).await?)
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
    async fn insert(db: &Db, run_id: i64, good: &[NewArrival]) -> Result<Vec<String>, WebError> {
        Ok(arrivals::insert_batch(db, Some(run_id), good).await?)
    }
    /// The list was looked up before the rows were checked.
    async fn taken(_db: &Db, _keys: &[String]) -> Result<Vec<String>, WebError> {
        Ok(Vec::new())
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
    let u = p.units_for(Permission::EnterprisesWrite);
    let mut employers = HashMap::new();
    for e in yizhan_store::work::enterprises::employers(db, u.district, &u.streets, &u.enterprises)
        .await?
    {
        // The grants chose the rows; the policy still decides each one.
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

/// Rows put in a transaction: a few batches, not one. Each commit waits for the disk (4 ms
/// here), which at a thousand rows a commit was a third of a bare insert's time; larger, the
/// import would hold the one write lock of a SQLite database longer than a check-in at the
/// front desk should wait (about 50 ms at this size).
pub const ROWS_PER_TRANSACTION: usize = 5_000;

/// Checked rows on their way in, with their row numbers.
struct Sent<G> {
    good: Vec<G>,
    rows: Vec<usize>,
}

/// Rows being put in by a task of its own while the next are checked: the database's work and
/// ours overlap (the import ran at 0.57 of a bare INSERT one after the other).
type InFlight<G> = tokio::task::JoinHandle<Result<(Sent<G>, Vec<String>), WebError>>;

async fn go<R: Rows>(
    db: &Db,
    job: &Job,
    kind: R,
    tr: &Tr,
    counts: &mut Counts,
    on_progress: &mut (dyn FnMut(Counts, i64) + Send),
) -> Result<(), WebError> {
    let mut run = Run {
        kind,
        kept: 0,
        pending: Sent { good: Vec::new(), rows: Vec::new() },
        in_flight: None,
    };
    let outcome = run.batches(db, job, tr, counts, on_progress).await;
    // Never leave a batch going in behind the caller's back (it may be about to take the
    // run's rows back).
    let settled = run.settle(db, job, tr, counts).await;
    outcome.and(settled)
}

struct Run<R: Rows> {
    kind: R,
    /// Problem lines written so far.
    kept: i64,
    /// Rows checked and not yet sent in.
    pending: Sent<R::Good>,
    in_flight: Option<InFlight<R::Good>>,
}

impl<R: Rows> Run<R> {
    async fn batches(
        &mut self,
        db: &Db,
        job: &Job,
        tr: &Tr,
        counts: &mut Counts,
        on_progress: &mut (dyn FnMut(Counts, i64) + Send),
    ) -> Result<(), WebError> {
        let mut rows_in = sheet::stream(job.path.clone(), &job.file_name);
        let mut started = false;
        let mut beat = Instant::now();
        while let Some(batch) = rows_in.recv().await {
            let batch = batch?;
            let mut rows = batch.rows.into_iter();
            if !started {
                let Some((_, header)) = rows.next() else {
                    continue;
                };
                let mapping = self.kind.columns(&header).map_err(|missing| {
                    WebError::invalid(
                        "file",
                        Text::new("import.missing_columns")
                            .with_list("columns", missing.into_iter().map(str::to_owned).collect()),
                    )
                })?;
                self.kind.start(mapping);
                started = true;
            }
            let rows: Vec<(usize, Vec<String>)> = rows.collect();
            let keys: Vec<String> = rows.iter().filter_map(|(_, c)| self.kind.key(c)).collect();
            let known = self.kind.known(db, &keys).await?;
            let sent = &mut self.pending;
            let mut lines = Vec::new();
            for (row, cells) in &rows {
                match self.kind.check(*row, cells, &known) {
                    Checked::Blank => {}
                    Checked::Good(w) => {
                        counts.rows_read += 1;
                        sent.rows.push(*row);
                        sent.good.push(w);
                    }
                    Checked::Bad(errors) => {
                        counts.rows_read += 1;
                        counts.rows_bad += 1;
                        for e in &errors {
                            note(self.kept, e, tr, &mut lines, counts);
                        }
                    }
                }
            }
            self.write_lines(db, job, &lines).await?;
            if self.pending.good.len() >= ROWS_PER_TRANSACTION {
                self.send(db, job, tr, counts).await?;
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
        self.send(db, job, tr, counts).await
    }

    /// Sends the rows checked so far in (unless a bad row has stopped an all-or-nothing run),
    /// once the transaction before has gone in.
    async fn send(
        &mut self,
        db: &Db,
        job: &Job,
        tr: &Tr,
        counts: &mut Counts,
    ) -> Result<(), WebError> {
        self.settle(db, job, tr, counts).await?;
        let sent =
            std::mem::replace(&mut self.pending, Sent { good: Vec::new(), rows: Vec::new() });
        if sent.good.is_empty() {
            return Ok(());
        }
        if job.valid_only || counts.rows_bad == 0 {
            let (db, run_id) = (db.clone(), job.run_id);
            self.in_flight = Some(tokio::spawn(async move {
                let lost = R::insert(&db, run_id, &sent.good).await?;
                Ok((sent, lost))
            }));
            return Ok(());
        }
        // Not going in: the register is asked instead, so that the report names every problem.
        let keys: Vec<String> = sent.good.iter().map(|g| R::key_of(g).to_owned()).collect();
        let taken = R::taken(db, &keys).await?;
        self.report_lost(db, job, tr, counts, &sent, &taken).await
    }

    /// Waits for the batch in flight, if any, and counts what went in and what was lost.
    async fn settle(
        &mut self,
        db: &Db,
        job: &Job,
        tr: &Tr,
        counts: &mut Counts,
    ) -> Result<(), WebError> {
        let Some(handle) = self.in_flight.take() else {
            return Ok(());
        };
        let (sent, lost) = handle.await.map_err(|e| WebError::Internal(e.to_string()))??;
        counts.imported += (sent.good.len() - lost.len()) as i64;
        self.report_lost(db, job, tr, counts, &sent, &lost).await
    }

    /// Reports the rows of `sent` whose keys are in `lost` as taken already.
    async fn report_lost(
        &mut self,
        db: &Db,
        job: &Job,
        tr: &Tr,
        counts: &mut Counts,
        sent: &Sent<R::Good>,
        lost: &[String],
    ) -> Result<(), WebError> {
        if lost.is_empty() {
            return Ok(());
        }
        // Registered already, or put in by someone else meanwhile.
        let lost: HashSet<&str> = lost.iter().map(String::as_str).collect();
        let mut lines = Vec::new();
        for (w, row) in sent.good.iter().zip(&sent.rows) {
            if lost.contains(R::key_of(w)) {
                counts.rows_bad += 1;
                let e = RowError {
                    row: *row,
                    column: self.kind.column_of(R::KEY_FIELD),
                    error: R::lost(),
                };
                note(self.kept, &e, tr, &mut lines, counts);
            }
        }
        self.write_lines(db, job, &lines).await
    }

    async fn write_lines(
        &mut self,
        db: &Db,
        job: &Job,
        lines: &[ProblemLine],
    ) -> Result<(), WebError> {
        if !lines.is_empty() {
            import_runs::add_problems(db, job.run_id, self.kept, lines).await?;
            self.kept += lines.len() as i64;
        }
        Ok(())
    }
}

/// Counts a problem, and keeps its line while fewer than `KEPT_PROBLEMS` are kept (`kept` written
/// already, `lines` waiting).
fn note(kept: i64, e: &RowError, tr: &Tr, lines: &mut Vec<ProblemLine>, counts: &mut Counts) {
    counts.problems += 1;
    if kept + (lines.len() as i64) < KEPT_PROBLEMS {
        lines.push(ProblemLine {
            row_no: e.row as i64,
            column_name: e.column.clone(),
            message: words(tr, e),
        });
    }
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
