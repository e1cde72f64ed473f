//! Bulk import of returning workers from .xlsx or .csv with Chinese headers: every row checked,
//! then either all or nothing, or only the valid rows, as the importer chose; the error report
//! (row, column, problem) shown and kept for download.

use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use tokio::io::AsyncWriteExt;
use yizhan_core::access::Actor;
use yizhan_core::work::worker_import::{ImportKind, ImportMode, ImportStatus, RowError, columns};
use yizhan_store::work::import_runs::{self, ImportRun};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::jobs::import_job::{self, Job, KEPT_PROBLEMS, What, employers_of};
use crate::kit::export::{self, Cell};
use crate::kit::extract::Id;
use crate::kit::layout::Layout;
use crate::kit::listing::{ListQuery, Listing, listing};
use crate::kit::render;
use crate::kit::today;
use crate::state::AppState;

/// An import file may be this large: a million rows of .csv is about 110 MB, an .xlsx of them
/// less. The file goes to a temporary file as it arrives, never into memory.
pub const UPLOAD_LIMIT: usize = 256 * 1024 * 1024;

/// Lines of the report shown in the page (the .xlsx has them all).
const SHOWN: i64 = 500;

/// How long the upload waits for its run before sending the importer to the progress page.
const WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// One line of the report, in words.
pub struct ReportLine {
    pub row: i64,
    pub column: String,
    pub message: String,
}

impl ReportLine {
    /// The report of an import: each problem with its row and column, put in words.
    pub fn all(
        tr: &Tr,
        errors: &[RowError],
        words: fn(&Tr, &RowError) -> String,
    ) -> Vec<ReportLine> {
        errors
            .iter()
            .map(|e| ReportLine {
                row: e.row as i64,
                column: e.column.clone(),
                message: words(tr, e),
            })
            .collect()
    }
}

/// Where an import of one kind lives: the list it fills, its upload and template, and the
/// address of its runs.
pub struct ImportSpec {
    pub kind: ImportKind,
    pub back_href: &'static str,
    pub back_title: &'static str,
    pub action: &'static str,
    pub template_href: &'static str,
    /// `{base}/{id}` is a run's page, with `/progress` and `/report.xlsx` below it.
    pub base: &'static str,
}

pub const WORKERS: ImportSpec = ImportSpec {
    kind: ImportKind::Workers,
    back_href: "/workers",
    back_title: "worker.title",
    action: "/workers/import",
    template_href: "/workers/import/template.xlsx",
    base: "/imports",
};

pub const ARRIVALS: ImportSpec = ImportSpec {
    kind: ImportKind::Arrivals,
    back_href: "/arrivals",
    back_title: "arrival.title",
    action: "/arrivals/import",
    template_href: "/arrivals/import/template.xlsx",
    base: "/arrivals/imports",
};

fn spec_of(kind: ImportKind) -> &'static ImportSpec {
    match kind {
        ImportKind::Workers => &WORKERS,
        ImportKind::Arrivals => &ARRIVALS,
    }
}

#[derive(Template)]
#[template(path = "workers/import.html")]
pub struct ImportPage {
    spec: &'static ImportSpec,
    layout: Layout,
    outcome: Option<String>,
    lines: Vec<ReportLine>,
    run: Option<i64>,
    error: Option<String>,
    /// A run still going: (its id, permille, rows read so far).
    running: Option<(i64, i64, i64)>,
    /// More problems than the page shows.
    more: i64,
    /// This person's runs, newest first, 50 a page and searched by file name: to come back to one.
    recent: Listing<import_runs::ImportRun>,
}

/// How many of a person's runs the page keeps (a year of daily imports and more).
const RECENT_RUNS: i64 = 1000;

async fn recent(
    state: &AppState,
    ctx: &Ctx,
    spec: &'static ImportSpec,
    query: &ListQuery,
) -> Result<Listing<import_runs::ImportRun>, WebError> {
    let runs: Vec<ImportRun> = import_runs::of_user(&state.db, ctx.user()?.user_id, RECENT_RUNS)
        .await?
        .into_iter()
        .filter(|r| r.kind == spec.kind)
        .collect();
    listing(&ctx.tr(), spec.action, &[], query, runs, |r| vec![r.file_name.as_str()], &[])
}

/// The import page of `spec`'s kind, empty or saying what was refused.
pub async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    spec: &'static ImportSpec,
    query: &ListQuery,
    error: Option<String>,
) -> Result<Response, WebError> {
    render::page(&ImportPage {
        spec,
        layout: Layout::new(state, ctx, "import.title"),
        outcome: None,
        lines: Vec::new(),
        run: None,
        error,
        running: None,
        more: 0,
        recent: recent(state, ctx, spec, query).await?,
    })
}

/// `GET /workers/import`.
pub async fn form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    form_page(&state, &ctx, &WORKERS, &query, None).await
}

/// `GET /workers/import/template.xlsx`: the headers the import reads, and one example row.
pub async fn template(ctx: Ctx) -> Result<Response, WebError> {
    template_of(&ctx, &columns(), "worker.example", "worker.title")
}

/// A sheet's template: the headers an import of it reads (the first name of each), and the
/// example row under `example` in the words file.
pub fn template_of(
    ctx: &Ctx,
    columns: &[(&'static str, &'static [&'static str])],
    example: &str,
    title: &str,
) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let headers: Vec<&str> = columns.iter().map(|(_, names)| names[0]).collect();
    let example = yizhan_core::words::words(example);
    let rows = vec![example.iter().map(|v| Cell::from(*v)).collect()];
    export::xlsx(tr.t("import.template"), tr.t(title), &headers, &rows)
}

/// `POST /workers/import?_csrf=…` with `file` and `mode` (`all` or `valid`): the file is written
/// to a temporary file as it arrives, the run starts as a job, and the page either shows its
/// outcome (if done within a few seconds) or sends the importer to its progress page.
pub async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, WebError> {
    let p = ctx.user()?.clone();
    let what = What::Workers { employers: employers_of(&state.db, &p).await? };
    start(&state, &ctx, &WORKERS, what, form).await
}

/// Spools the uploaded file and runs the import of `spec`'s kind as a job (see [`upload`]).
pub async fn start(
    state: &AppState,
    ctx: &Ctx,
    spec: &'static ImportSpec,
    what: What,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, WebError> {
    let p = ctx.user()?.clone();
    let mut form = form.map_err(|_| WebError::BadRequest("multipart/form-data".into()))?;
    let (mut file, mut mode) = (None, "all".to_owned());
    while let Some(mut field) = form.next_field().await.map_err(|_| WebError::TooLarge)? {
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or("import.xlsx").to_owned();
                let spool = Spool::new(&name);
                let mut out = tokio::fs::File::from_std(spool.open()?);
                let mut size = 0usize;
                while let Some(chunk) = field.chunk().await.map_err(|_| WebError::TooLarge)? {
                    size += chunk.len();
                    out.write_all(&chunk).await.map_err(spool_error)?;
                }
                out.flush().await.map_err(spool_error)?;
                if size > 0 {
                    file = Some((name, spool));
                }
            }
            Some("mode") => mode = field.text().await.map_err(|_| WebError::TooLarge)?,
            _ => {}
        }
    }
    let Some((name, spool)) = file else {
        let e = WebError::invalid("file", yizhan_core::text::Text::new("invalid.choose_file"));
        let tr = ctx.tr();
        let page = form_page(state, ctx, spec, &ListQuery::default(), Some(e.message(&tr))).await?;
        return Ok((e.status(), page).into_response());
    };
    let valid_only = mode == "valid";
    let run_id = import_runs::start(
        &state.db,
        p.user_id,
        spec.kind,
        if valid_only { ImportMode::Valid } else { ImportMode::All },
        &name,
    )
    .await?;
    let job = Job {
        run_id,
        path: spool.path.clone(),
        file_name: name,
        valid_only,
        what,
        actor: Actor::from(&p),
        lang: ctx.lang,
        today: today(),
    };
    let db = state.db.clone();
    let task = tokio::spawn(async move {
        let done = import_job::run(&db, &job, &mut |_, _| {}).await;
        drop(spool);
        if let Err(e) = &done {
            tracing::error!(run = job.run_id, error = %e, "import run could not be recorded");
        }
    });
    if tokio::time::timeout(WAIT, task).await.is_err() {
        return Ok(Redirect::to(&format!("{}/{run_id}", spec.base)).into_response());
    }
    run_page(state, ctx, run_id).await
}

fn spool_error(e: std::io::Error) -> WebError {
    WebError::Internal(format!("import spool: {e}"))
}

/// A file uploaded for an import, removed when the run is over (readable by this process only:
/// it holds ID numbers).
struct Spool {
    path: std::path::PathBuf,
}

impl Spool {
    fn new(name: &str) -> Spool {
        let ext = if name.to_lowercase().ends_with(".csv") { "csv" } else { "xlsx" };
        let path =
            std::env::temp_dir().join(format!("yizhan-import-{}.{ext}", rand::random::<u64>()));
        Spool { path }
    }

    fn open(&self) -> Result<std::fs::File, WebError> {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&self.path)
            .map_err(spool_error)
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The run, if it is this person's own (another's is not found).
async fn own_run(state: &AppState, ctx: &Ctx, id: i64) -> Result<ImportRun, WebError> {
    let run = import_runs::get(&state.db, id).await?;
    if run.user_id != ctx.user()?.user_id {
        return Err(
            crate::policy::deny(state, ctx, &format!("import {id}"), WebError::NotFound).await
        );
    }
    Ok(run)
}

async fn run_page(state: &AppState, ctx: &Ctx, id: i64) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let run = own_run(state, ctx, id).await?;
    let lines: Vec<ReportLine> = import_runs::problems(&state.db, id, SHOWN)
        .await?
        .into_iter()
        .map(|l| ReportLine { row: l.row_no, column: l.column_name, message: l.message })
        .collect();
    let figures = [
        ("read", run.rows_read.to_string()),
        ("imported", run.imported.to_string()),
        ("bad", run.rows_bad.to_string()),
    ];
    let args: Vec<(&str, &str)> = figures.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let outcome = match run.status {
        ImportStatus::Running | ImportStatus::Failed => None,
        ImportStatus::Interrupted => Some(tr.f("import.interrupted", &args)),
        ImportStatus::Done if run.mode == ImportMode::All && run.rows_bad > 0 => {
            Some(tr.f("import.nothing_imported", &args))
        }
        ImportStatus::Done => Some(tr.f("import.done", &args)),
    };
    let status = if run.running() || (run.status == ImportStatus::Done && run.rows_bad == 0) {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let spec = spec_of(run.kind);
    let page = ImportPage {
        spec,
        layout: Layout::new(state, ctx, "import.title"),
        outcome,
        more: (run.problems - lines.len() as i64).max(0),
        lines,
        run: Some(id),
        error: run.failure.clone(),
        running: run.running().then_some((id, run.permille, run.rows_read)),
        recent: recent(state, ctx, spec, &ListQuery::default()).await?,
    };
    Ok((status, render::page(&page)?).into_response())
}

/// `GET /imports/{id}` and `GET /arrivals/imports/{id}`: one's own run, its progress while it runs and its outcome after.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    run_page(&state, &ctx, id).await
}

/// `GET /imports/{id}/progress` and `GET /arrivals/imports/{id}/progress`: where one's own run stands, for the page to poll.
pub async fn progress(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let run = own_run(&state, &ctx, id).await?;
    Ok(axum::Json(serde_json::json!({
        "status": run.status,
        "permille": run.permille,
        "rows_read": run.rows_read,
        "imported": run.imported,
        "rows_bad": run.rows_bad,
    }))
    .into_response())
}

/// `GET /imports/{id}/report.xlsx` and `GET /arrivals/imports/{id}/report.xlsx`: the report of
/// one's own import.
pub async fn report(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let run = own_run(&state, &ctx, id).await?;
    let tr = ctx.tr();
    let rows: Vec<Vec<Cell>> = import_runs::problems(&state.db, id, KEPT_PROBLEMS)
        .await?
        .into_iter()
        .map(|l| vec![Cell::from(l.row_no), Cell::from(l.column_name), Cell::from(l.message)])
        .collect();
    export::xlsx(
        &format!("{}-{}", tr.t("import.report"), run.file_name),
        tr.t("import.report"),
        &[tr.t("import.row"), tr.t("import.column"), tr.t("import.problem")],
        &rows,
    )
}
