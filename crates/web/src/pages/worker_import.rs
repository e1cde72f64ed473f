//! Bulk import of returning workers from .xlsx or .csv with Chinese headers: every row checked,
//! then either all or nothing, or only the valid rows, as the importer chose; the error report
//! (row, column, problem) shown and kept for download.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Response};
use yizhan_core::access::{Actor, Permission};
use yizhan_core::worker_import::{COLUMNS, Problem, RowError, check_rows, map_headers};
use yizhan_store::returning_workers;

use crate::auth::Ctx;
use crate::error::WebError;
use crate::export::{self, Cell};
use crate::extract::Id;
use crate::i18n::Tr;
use crate::pages::guests::today;
use crate::pages::layout::Layout;
use crate::pages::nat::read_sheet;
use crate::render;
use crate::state::AppState;

/// An import file may be this large (a few hundred thousand rows of .xlsx).
pub const UPLOAD_LIMIT: usize = 64 * 1024 * 1024;

/// One line of the report, in words.
pub struct ReportLine {
    pub row: usize,
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
                row: e.row,
                column: e.column.clone(),
                message: words(tr, e),
            })
            .collect()
    }
}

fn words(tr: &Tr, e: &RowError) -> String {
    match &e.error {
        Problem::Field(d) => WebError::from(d.clone()).message(tr),
        Problem::UnknownEmployer => tr.t("import.unknown_employer").to_owned(),
        Problem::DuplicateInFile(first) => {
            tr.f("import.duplicate_in_file", &[("row", &first.to_string())])
        }
        Problem::AlreadyRegistered => tr.t("import.already_registered").to_owned(),
    }
}

#[derive(Template)]
#[template(path = "workers/import.html")]
struct ImportPage {
    layout: Layout,
    outcome: Option<String>,
    lines: Vec<ReportLine>,
    run: Option<i64>,
    error: Option<String>,
}

pub async fn form(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    render::page(&ImportPage {
        layout: Layout::new(&state, &ctx, "import.title"),
        outcome: None,
        lines: Vec::new(),
        run: None,
        error: None,
    })
}

/// `GET /workers/import/template.xlsx`: the headers the import reads, and one example row.
pub async fn template(ctx: Ctx) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let headers: Vec<&str> = COLUMNS.iter().map(|(_, names)| names[0]).collect();
    let example = [
        "李春花",
        "11010519491231002X",
        "13800138000",
        "云南省",
        "昭通",
        "深圳市某某电子有限公司",
        "专列",
        "2020-02-20",
        "已上岗",
        "无发热、咳嗽",
    ];
    let rows = vec![example.iter().map(|v| Cell::from(*v)).collect()];
    export::xlsx(
        tr.t("import.template"),
        tr.t("worker.title"),
        &headers,
        &rows,
    )
}

/// `POST /workers/import?_csrf=…` with `file` and `mode` (`all` or `valid`).
pub async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let p = ctx.user()?;
    let mut form = form.map_err(|_| WebError::BadRequest("multipart/form-data".into()))?;
    let (mut file, mut mode) = (None, "all".to_owned());
    while let Some(field) = form.next_field().await.map_err(|_| WebError::TooLarge)? {
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or("import.xlsx").to_owned();
                file = Some((name, field.bytes().await.map_err(|_| WebError::TooLarge)?));
            }
            Some("mode") => mode = field.text().await.map_err(|_| WebError::TooLarge)?,
            _ => {}
        }
    }
    let page = |outcome: Option<String>,
                lines: Vec<ReportLine>,
                run: Option<i64>,
                error: Option<String>| ImportPage {
        layout: Layout::new(&state, &ctx, "import.title"),
        outcome,
        lines,
        run,
        error,
    };
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        let e = WebError::Invalid {
            field: "file".into(),
            message_zh: "请选择文件".into(),
            message_en: "choose a file".into(),
        };
        return Ok((
            e.status(),
            render::page(&page(None, Vec::new(), None, Some(e.message(&tr))))?,
        )
            .into_response());
    };
    let valid_only = mode == "valid";
    let sheet = read_sheet(&name, &bytes)?;
    let Some((header, rows)) = sheet.split_first() else {
        let msg = tr.t("import.empty").to_owned();
        return Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            render::page(&page(None, Vec::new(), None, Some(msg)))?,
        )
            .into_response());
    };
    let mapping = match map_headers(header) {
        Ok(m) => m,
        Err(missing) => {
            let msg = tr.f(
                "import.missing_columns",
                &[("columns", &missing.join("、"))],
            );
            return Ok((
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                render::page(&page(None, Vec::new(), None, Some(msg)))?,
            )
                .into_response());
        }
    };
    // The importer's own employers, by name and by code.
    let mut employers = HashMap::new();
    for e in yizhan_store::enterprises::list(&state.db).await? {
        if p.can(Permission::EnterprisesWrite, e.target()) {
            employers.insert(e.uscc.clone(), e.id);
            employers.insert(e.name.clone(), e.id);
        }
    }
    let id_col = mapping.fields.iter().position(|f| *f == Some("id_number"));
    let ids: Vec<String> = rows
        .iter()
        .filter_map(|r| {
            id_col
                .and_then(|c| r.get(c))
                .map(|v| v.trim().to_uppercase())
        })
        .filter(|v| !v.is_empty())
        .collect();
    let registered = returning_workers::existing_ids(&state.db, &ids).await?;
    let (good, errors) = check_rows(&mapping, rows, &employers, &registered, today());
    let imported = if errors.is_empty() || valid_only {
        let workers: Vec<_> = good.into_iter().map(|(_, w)| w).collect();
        returning_workers::import(&state.db, &Actor::from(p), &workers).await?
    } else {
        0
    };
    let lines = ReportLine::all(&tr, &errors, words);
    let report = serde_json::to_string(
        &lines
            .iter()
            .map(|l| (l.row, &l.column, &l.message))
            .collect::<Vec<_>>(),
    )
    .map_err(|e| WebError::Internal(format!("report json: {e}")))?;
    let read = rows
        .iter()
        .filter(|r| r.iter().any(|c| !c.trim().is_empty()))
        .count();
    let run = returning_workers::record_run(
        &state.db,
        p.user_id,
        if valid_only { "valid" } else { "all" },
        &name,
        read as i64,
        imported as i64,
        &report,
    )
    .await?;
    let bad_rows = {
        let mut r: Vec<usize> = errors.iter().map(|e| e.row).collect();
        r.dedup();
        r.len()
    };
    let outcome = tr.f(
        if imported == 0 && !errors.is_empty() {
            "import.nothing_imported"
        } else {
            "import.done"
        },
        &[
            ("read", &read.to_string()),
            ("imported", &imported.to_string()),
            ("bad", &bad_rows.to_string()),
        ],
    );
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((
        status,
        render::page(&page(Some(outcome), lines, Some(run), None))?,
    )
        .into_response())
}

/// `GET /imports/{id}/report.xlsx`: the report of one's own import.
pub async fn report(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let run = returning_workers::run(&state.db, id).await?;
    if run.user_id != ctx.user()?.user_id {
        return Err(
            crate::policy::deny(&state, &ctx, &format!("import {id}"), WebError::NotFound).await,
        );
    }
    let tr = ctx.tr();
    let lines: Vec<(usize, String, String)> = serde_json::from_str(&run.report)
        .map_err(|e| WebError::Internal(format!("report {id}: {e}")))?;
    let rows: Vec<Vec<Cell>> = lines
        .into_iter()
        .map(|(row, column, message)| {
            vec![
                Cell::from(row as i64),
                Cell::from(column),
                Cell::from(message),
            ]
        })
        .collect();
    export::xlsx(
        &format!("{}-{}", tr.t("import.report"), run.file_name),
        tr.t("import.report"),
        &[
            tr.t("import.row"),
            tr.t("import.column"),
            tr.t("import.problem"),
        ],
        &rows,
    )
}
