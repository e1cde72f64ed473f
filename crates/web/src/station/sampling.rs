//! Nucleic-acid tests of a station: the due list, sampling (tube barcode), results one by one or
//! imported from the lab's .xlsx/.csv with a per-row report (all rows or none).

use askama::Template;
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use yizhan_core::access::{Actor, Permission};
use yizhan_core::mask::mask_name;
use yizhan_core::station::sampling::{RowError, parse_results};
use yizhan_store::station::sampling::{self, DueTest};
use yizhan_store::station::stations::Station;

use crate::auth::Ctx;
use crate::error::WebError;
use crate::kit::extract::{FormBody, Id, Query};
use crate::kit::layout::Layout;
use crate::kit::render;
use crate::kit::sheet::read_upload;
use crate::kit::today;
use crate::policy::deny;
use crate::state::AppState;
use crate::station::stations::visible;

/// A bad row of a results sheet, said in the reader's language (on the page and in the API's
/// report).
#[derive(Debug, serde::Serialize)]
pub struct ReportLine {
    pub row: usize,
    pub column: String,
    pub message: String,
}

pub fn report_lines(tr: &crate::i18n::Tr, errors: Vec<RowError>) -> Vec<ReportLine> {
    errors
        .into_iter()
        .map(|e| ReportLine { message: tr.text(&e.text), row: e.row, column: e.column })
        .collect()
}

/// A test the user may act on with `perm`, or 404.
pub async fn visible_test(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    perm: Permission,
) -> Result<yizhan_store::station::stays::Stay, WebError> {
    let t = sampling::get(&state.db, id).await?;
    let s = yizhan_store::station::stays::get(&state.db, t.stay_id).await?;
    if !ctx.user()?.can(perm, s.target()) {
        return Err(deny(state, ctx, &format!("test {id}"), WebError::NotFound).await);
    }
    Ok(s)
}

pub struct DueRow {
    pub t: DueTest,
    pub name: String,
    pub overdue: bool,
    pub result_label: String,
}

#[derive(Template)]
#[template(path = "nat/due.html")]
struct DuePage {
    layout: Layout,
    station: Station,
    day: NaiveDate,
    rows: Vec<DueRow>,
    sampled: usize,
    with_result: usize,
    can_record: bool,
    report: Vec<ReportLine>,
    imported: Option<usize>,
}

#[derive(Deserialize)]
pub struct DueQuery {
    day: Option<String>,
}

async fn due_page(
    state: &AppState,
    ctx: &Ctx,
    station: Station,
    day: NaiveDate,
    report: Vec<RowError>,
    imported: Option<usize>,
) -> Result<DuePage, WebError> {
    let tr = ctx.tr();
    let rows: Vec<DueRow> = sampling::due(&state.db, station.id, day)
        .await?
        .into_iter()
        .map(|t| DueRow {
            name: mask_name(&t.guest_name),
            overdue: t.due_date < day,
            result_label: t.result.map(|r| tr.t(r.label_key()).to_owned()).unwrap_or_default(),
            t,
        })
        .collect();
    let report = report_lines(&tr, report);
    Ok(DuePage {
        sampled: rows.iter().filter(|r| r.t.barcode.is_some()).count(),
        with_result: rows.iter().filter(|r| r.t.result.is_some()).count(),
        can_record: ctx.user()?.can(Permission::TestsRecord, station.target()),
        layout: Layout::new(state, ctx, "nat.title"),
        station,
        day,
        rows,
        report,
        imported,
    })
}

/// `GET /stations/{id}/tests`.
pub async fn due(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(q): Query<DueQuery>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::GuestsRead).await?;
    let day = q
        .day
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .unwrap_or_else(today);
    render::page(&due_page(&state, &ctx, station, day, Vec::new(), None).await?)
}

#[derive(Deserialize, Default)]
pub struct SampleForm {
    #[serde(default)]
    barcode: String,
}

pub async fn sample_test(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    barcode: &str,
) -> Result<(), WebError> {
    use yizhan_core::error::OnField;
    let barcode = yizhan_core::validate::required_text(barcode, 40).on("barcode")?.to_uppercase();
    sampling::sample(&state.db, &Actor::from(ctx.user()?), id, &barcode).await.map_err(|e| {
        match WebError::from(e) {
            WebError::Conflict { .. } => {
                WebError::Taken { field: "barcode".into(), key: "error.barcode_used" }
            }
            other => other,
        }
    })
}

/// `POST /tests/{id}/sample`.
pub async fn sample(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<SampleForm>,
) -> Result<Response, WebError> {
    let s = visible_test(&state, &ctx, id, Permission::TestsRecord).await?;
    sample_test(&state, &ctx, id, &f.barcode).await?;
    Ok(Redirect::to(&format!("/stations/{}/tests", s.station_id)).into_response())
}

#[derive(Deserialize, Default)]
pub struct ResultForm {
    #[serde(default)]
    result: String,
}

pub async fn record_result(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    result: &str,
) -> Result<(), WebError> {
    use yizhan_core::error::OnField;
    let r = yizhan_core::station::sampling::parse_result(result)
        .ok_or(yizhan_core::validate::Invalid::BadFormat { hint: "negative" })
        .on("result")?;
    Ok(sampling::set_result(&state.db, &Actor::from(ctx.user()?), id, r).await?)
}

/// `POST /tests/{id}/result`.
pub async fn result(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<ResultForm>,
) -> Result<Response, WebError> {
    let s = visible_test(&state, &ctx, id, Permission::TestsRecord).await?;
    record_result(&state, &ctx, id, &f.result).await?;
    Ok(Redirect::to(&format!("/stations/{}/tests", s.station_id)).into_response())
}

/// Applies a results sheet: every row must match a sampled tube of this station, else nothing is
/// saved and the report lists each bad row.
pub async fn import_results(
    state: &AppState,
    ctx: &Ctx,
    station_id: i64,
    sheet: &[Vec<String>],
) -> Result<Result<usize, Vec<RowError>>, WebError> {
    let (good, mut bad) = match parse_results(sheet) {
        Ok(x) => x,
        Err(e) => return Ok(Err(vec![e])),
    };
    let mut apply = Vec::new();
    for r in &good {
        match sampling::by_barcode(&state.db, station_id, &r.barcode).await? {
            Some(t) => apply.push((t.id, r.result.to_owned())),
            None => bad.push(RowError {
                row: r.row,
                column: "barcode".into(),
                text: yizhan_core::text::Text::new("sampling.barcode_unknown")
                    .with("barcode", &r.barcode),
            }),
        }
    }
    if !bad.is_empty() {
        bad.sort_by_key(|e| e.row);
        return Ok(Err(bad));
    }
    sampling::set_results(&state.db, &Actor::from(ctx.user()?), &apply).await?;
    Ok(Ok(apply.len()))
}

/// `POST /stations/{id}/tests/import`.
/// The upload is read only after the scope check: a malformed body tells an outsider nothing.
pub async fn import(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::TestsRecord).await?;
    let mut form = form.map_err(|_| WebError::BadRequest("multipart/form-data".into()))?;

    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = form.next_field().await.map_err(|_| WebError::TooLarge)? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("upload.xlsx").to_owned();
            let bytes = field.bytes().await.map_err(|_| WebError::TooLarge)?;
            file = Some((name, bytes.to_vec()));
        }
    }
    let (name, bytes) =
        file.ok_or(WebError::invalid("file", yizhan_core::text::Text::new("invalid.choose_file")))?;
    let sheet = read_upload(name, bytes).await?;
    let (report, imported) = match import_results(&state, &ctx, id, &sheet).await? {
        Ok(n) => (Vec::new(), Some(n)),
        Err(report) => (report, None),
    };
    let status = if imported.is_some() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = due_page(&state, &ctx, station, today(), report, imported).await?;
    Ok((status, render::page(&page)?).into_response())
}
