//! Economic indicators (经济指标): the district's monthly figures — 规上工业增加值, 进出口总额 … —
//! charted against their targets and the same month last year with the year-on-year growth;
//! the table month by month and as .xlsx; entered in a form or imported from .xlsx/.csv (all
//! rows or none) by the district-wide command. Reading needs `ReportsRead`, writing
//! `IndicatorsWrite` held district-wide (the figures are the district's, not a street's).

use crate::kit::extract::Query;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Redirect, Response};
use serde::{Deserialize, Serialize};
use yizhan_core::access::{Actor, Permission, Target};
use yizhan_core::error::OnField;
use yizhan_core::validate::{parse_choice, parse_int};
use yizhan_core::work::indicator::{
    FigureInput, Indicator, MonthRow, check_rows, columns, format_amount, format_permille,
    map_headers, validate_figure, year_table,
};
use yizhan_core::work::worker_import::{Problem, RowError};
use yizhan_store::work::indicators;

use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::export::{self, Cell};
use crate::kit::layout::Layout;
use crate::kit::options;
use crate::kit::render;
use crate::kit::sheet::read_upload;
use crate::kit::today;
use crate::state::AppState;
use crate::work::worker_import::ReportLine;

/// An import file may be this large (years of monthly figures fit in a few kilobytes).
pub const UPLOAD_LIMIT: usize = 4 * 1024 * 1024;

/// `?indicator=…&year=…`; both optional.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Pick {
    #[serde(default)]
    indicator: String,
    #[serde(default)]
    year: String,
}

/// The indicator and year asked for: by default the first indicator and its newest year with
/// figures (this year when it has none).
async fn pick(state: &AppState, p: &Pick) -> Result<(Indicator, i32), WebError> {
    let indicator = if p.indicator.trim().is_empty() {
        Indicator::IndustrialAddedValue
    } else {
        parse_choice(&p.indicator, Indicator::parse, "industrial_added_value").on("indicator")?
    };
    let this_year = i64::from(chrono::Datelike::year(&today()));
    let year = if p.year.trim().is_empty() {
        match indicators::years(&state.db, indicator).await?.first() {
            Some(y) => *y,
            None => this_year as i32,
        }
    } else {
        parse_int(&p.year, i64::from(yizhan_core::work::indicator::FIRST_YEAR), this_year, "2020")
            .on("year")? as i32
    };
    Ok((indicator, year))
}

async fn table(
    state: &AppState,
    indicator: Indicator,
    year: i32,
) -> Result<Vec<MonthRow>, WebError> {
    let figures: Vec<_> = indicators::two_years(&state.db, indicator, year)
        .await?
        .iter()
        .filter_map(indicators::Row::figure)
        .collect();
    Ok(year_table(year, &figures))
}

/// Writing is for the district-wide command: a street's commander is refused, and audited.
async fn district_wide(state: &AppState, ctx: &Ctx) -> Result<(), WebError> {
    if ctx.user()?.can(Permission::IndicatorsWrite, Target::District) {
        return Ok(());
    }
    Err(crate::policy::deny(state, ctx, "indicators", WebError::Forbidden).await)
}

fn amount(v: Option<i64>) -> String {
    v.map(format_amount).unwrap_or_else(|| "—".into())
}

fn permille(v: Option<i64>) -> String {
    v.map(format_permille).unwrap_or_else(|| "—".into())
}

/// Hundredths as a number of the unit, for the chart, the API and .xlsx.
fn number(v: Option<i64>) -> Option<f64> {
    v.map(|v| v as f64 / 100.0)
}

/// Permille as a number of percent.
fn percent(v: Option<i64>) -> Option<f64> {
    v.map(|v| v as f64 / 10.0)
}

/// One line of the table, in words.
pub struct Line {
    pub month: String,
    pub value: String,
    pub target: String,
    pub pct: String,
    pub met: Option<bool>,
    pub last_year: String,
    pub yoy: String,
    pub ytd: String,
    pub ytd_yoy: String,
    pub trough: bool,
}

fn line(r: &MonthRow) -> Line {
    Line {
        month: r.month.to_string(),
        value: amount(r.value),
        target: amount(r.target),
        pct: permille(r.pct_of_target),
        met: r.met,
        last_year: amount(r.last_year),
        yoy: permille(r.yoy),
        ytd: amount(r.ytd),
        ytd_yoy: permille(r.ytd_yoy),
        trough: r.trough,
    }
}

fn chart(tr: &Tr, rows: &[MonthRow], unit: &str) -> String {
    let data =
        |f: fn(&MonthRow) -> Option<i64>| rows.iter().map(|r| number(f(r))).collect::<Vec<_>>();
    let marks: Vec<_> = rows
        .iter()
        .filter(|r| r.trough)
        .map(|r| serde_json::json!({ "x": r.month.to_string(), "y": percent(r.yoy), "label": tr.t("indicator.trough") }))
        .collect();
    serde_json::json!({
        "days": rows.iter().map(|r| r.month.to_string()).collect::<Vec<_>>(),
        "axes": [ { "name": unit, "suffix": "" }, { "name": tr.t("indicator.yoy"), "suffix": "%" } ],
        "series": [
            { "name": tr.t("indicator.value"), "type": "bar", "data": data(|r| r.value) },
            { "name": tr.t("indicator.target"), "type": "line", "data": data(|r| r.target) },
            { "name": tr.t("indicator.last_year"), "type": "line", "data": data(|r| r.last_year) },
            { "name": tr.t("indicator.yoy"), "type": "line", "axis": 1,
              "data": rows.iter().map(|r| percent(r.yoy)).collect::<Vec<_>>(), "marks": marks },
        ],
    })
    .to_string()
    // The JSON sits in a <script type="application/json">: nothing in it may close that tag.
    .replace("</", "<\\/")
}

#[derive(Template)]
#[template(path = "indicators/show.html")]
struct Page {
    layout: Layout,
    indicators: Vec<(&'static str, String)>,
    indicator: &'static str,
    name: String,
    unit: String,
    year: i32,
    years: Vec<i32>,
    months: Vec<Line>,
    chart: String,
    can_write: bool,
    f: FigureInput,
    error: Option<String>,
    outcome: Option<String>,
    /// An import's report.
    lines: Vec<ReportLine>,
}

impl Page {
    fn year_selected(&self, y: &i32) -> bool {
        *y == self.year
    }
}

/// The page for (indicator, year), with the form, an error or an import's outcome.
async fn page(
    state: &AppState,
    ctx: &Ctx,
    (indicator, year): (Indicator, i32),
    f: FigureInput,
    error: Option<&WebError>,
    outcome: Option<String>,
    report: Vec<ReportLine>,
) -> Result<Page, WebError> {
    let tr = ctx.tr();
    let p = ctx.user()?;
    let rows = table(state, indicator, year).await?;
    let unit = tr.t(indicator.unit().label_key()).to_owned();
    let this_year = chrono::Datelike::year(&today());
    let mut years = indicators::years(&state.db, indicator).await?;
    for y in [this_year, year] {
        if !years.contains(&y) {
            years.push(y);
        }
    }
    years.sort_unstable_by(|a, b| b.cmp(a));
    Ok(Page {
        layout: Layout::new(state, ctx, "indicator.title"),
        indicators: options(&tr, Indicator::ALL, Indicator::as_str, Indicator::label_key),
        indicator: indicator.as_str(),
        name: tr.t(indicator.label_key()).to_owned(),
        chart: chart(&tr, &rows, &unit),
        months: rows.iter().map(line).collect(),
        unit,
        year,
        years,
        can_write: p.can(Permission::IndicatorsWrite, Target::District),
        f,
        error: error.map(|e| e.message(&tr)),
        outcome,
        lines: report,
    })
}

/// A blank form for this indicator and the last month.
fn blank(indicator: Indicator) -> FigureInput {
    let last = today() - chrono::Duration::days(i64::from(chrono::Datelike::day(&today())));
    FigureInput {
        indicator: indicator.as_str().into(),
        month: yizhan_core::work::indicator::Month::of(last).to_string(),
        ..Default::default()
    }
}

/// `GET /indicators?indicator=…&year=…`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<Pick>,
) -> Result<Response, WebError> {
    let picked = pick(&state, &q).await?;
    render::page(&page(&state, &ctx, picked, blank(picked.0), None, None, Vec::new()).await?)
}

/// `POST /indicators`: one month's figure, replacing the one entered before.
pub async fn set(
    State(state): State<AppState>,
    ctx: Ctx,
    crate::kit::extract::FormBody(f): crate::kit::extract::FormBody<FigureInput>,
) -> Result<Response, WebError> {
    district_wide(&state, &ctx).await?;
    let result = async {
        let figure = validate_figure(&f, today())?;
        indicators::set(&state.db, &Actor::from(ctx.user()?), &figure).await?;
        Ok::<_, WebError>(figure)
    }
    .await;
    match result {
        Ok(figure) => Ok(Redirect::to(&format!(
            "/indicators?indicator={}&year={}",
            figure.indicator.as_str(),
            figure.month.year
        ))
        .into_response()),
        Err(e) if e.is_correctable() => {
            let indicator =
                Indicator::parse(f.indicator.trim()).unwrap_or(Indicator::IndustrialAddedValue);
            let year =
                pick(&state, &Pick { indicator: indicator.as_str().into(), year: String::new() })
                    .await?
                    .1;
            let page = page(&state, &ctx, (indicator, year), f, Some(&e), None, Vec::new()).await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

fn words(tr: &Tr, e: &RowError) -> String {
    match &e.error {
        Problem::Field(d) => WebError::from(d.clone()).message(tr),
        Problem::DuplicateInFile(first) => {
            tr.f("indicator.duplicate_in_file", &[("row", &first.to_string())])
        }
        Problem::UnknownEmployer | Problem::AlreadyRegistered => String::new(),
    }
}

/// `POST /indicators/import?_csrf=…` with `file`: every row checked; saved only when all are
/// good, otherwise the report (row, column, problem) and nothing saved.
pub async fn import(
    State(state): State<AppState>,
    ctx: Ctx,
    form: crate::kit::upload::Form,
) -> Result<Response, WebError> {
    district_wide(&state, &ctx).await?;
    let tr = ctx.tr();
    let default = pick(&state, &Pick::default()).await?;
    let refuse = async |e: WebError| -> Result<Response, WebError> {
        let page =
            page(&state, &ctx, default, blank(default.0), Some(&e), None, Vec::new()).await?;
        Ok((e.status(), render::page(&page)?).into_response())
    };
    let upload = match crate::kit::upload::read(form).await {
        Ok(u) => u,
        Err(e) if e.is_correctable() => return refuse(e).await,
        Err(e) => return Err(e),
    };
    let sheet = match read_upload(upload.name.clone(), upload.bytes).await {
        Ok(s) => s,
        Err(e) => return refuse(e).await,
    };
    let Some((header, rows)) = sheet.split_first() else {
        return refuse(WebError::Rule { field: Some("file".into()), key: "import.empty" }).await;
    };
    let mapping = match map_headers(header) {
        Ok(m) => m,
        Err(missing) => {
            let text = yizhan_core::text::Text::new("import.missing_columns")
                .with_list("columns", missing.into_iter().map(str::to_owned).collect());
            return refuse(WebError::invalid("file", text)).await;
        }
    };
    let (good, errors) = check_rows(&mapping, rows, today());
    if good.is_empty() && errors.is_empty() {
        return refuse(WebError::Rule { field: Some("file".into()), key: "import.empty" }).await;
    }
    let read = good.len() + {
        let mut bad: Vec<usize> = errors.iter().map(|e| e.row).collect();
        bad.dedup();
        bad.len()
    };
    if errors.is_empty() {
        let figures: Vec<_> = good.iter().map(|(_, f)| *f).collect();
        indicators::import(&state.db, &Actor::from(ctx.user()?), &figures).await?;
        let first = figures[0];
        let year = figures.iter().map(|f| f.month.year).max().unwrap_or(first.month.year);
        let outcome = tr.f("indicator.import_done", &[("read", &read.to_string())]);
        let page = page(
            &state,
            &ctx,
            (first.indicator, year),
            blank(first.indicator),
            None,
            Some(outcome),
            Vec::new(),
        )
        .await?;
        return render::page(&page);
    }
    let report = ReportLine::all(&tr, &errors, words);
    let bad = read - good.len();
    let outcome =
        tr.f("indicator.import_refused", &[("read", &read.to_string()), ("bad", &bad.to_string())]);
    let page = page(&state, &ctx, default, blank(default.0), None, Some(outcome), report).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render::page(&page)?).into_response())
}

/// `GET /indicators/import/template.xlsx`: the headers the import reads and example rows.
pub async fn template(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    district_wide(&state, &ctx).await?;
    let tr = ctx.tr();
    let headers: Vec<&str> = columns().iter().map(|(_, names)| names[0]).collect();
    let rows = vec![
        vec![
            Cell::from(Indicator::IndustrialAddedValue.sheet_names()[0]),
            Cell::from("2020-03"),
            Cell::from(212.35),
            Cell::from(205.0),
        ],
        vec![
            Cell::from(Indicator::ImportExport.sheet_names()[0]),
            Cell::from("2020-03"),
            Cell::from(318.6),
            Cell::from(""),
        ],
    ];
    export::xlsx(tr.t("indicator.template"), tr.t("indicator.title"), &headers, &rows)
}

/// `GET /indicators/export.xlsx?indicator=…&year=…`: the table as shown.
pub async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<Pick>,
) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let (indicator, year) = pick(&state, &q).await?;
    let rows = table(&state, indicator, year).await?;
    let real = |v: Option<i64>| number(v).map(Cell::from).unwrap_or_else(|| Cell::from(""));
    let text = |v: Option<i64>| {
        v.map(|v| Cell::from(format_permille(v))).unwrap_or_else(|| Cell::from(""))
    };
    let data: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| {
            vec![
                Cell::from(r.month.to_string()),
                real(r.value),
                real(r.target),
                text(r.pct_of_target),
                real(r.last_year),
                text(r.yoy),
                real(r.ytd),
                text(r.ytd_yoy),
                Cell::from(if r.trough { tr.t("indicator.trough") } else { "" }),
            ]
        })
        .collect();
    let unit = tr.t(indicator.unit().label_key());
    let headers: Vec<String> = [
        "indicator.month",
        "indicator.value",
        "indicator.target",
        "indicator.pct_of_target",
        "indicator.last_year",
        "indicator.yoy",
        "indicator.ytd",
        "indicator.ytd_yoy",
        "indicator.trough",
    ]
    .iter()
    .enumerate()
    .map(|(i, k)| match i {
        1 | 2 | 4 | 6 => format!("{}（{unit}）", tr.t(k)),
        _ => tr.t(k).to_owned(),
    })
    .collect();
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    export::xlsx(
        &format!("{}-{year}", tr.t(indicator.label_key())),
        tr.t("indicator.title"),
        &headers,
        &data,
    )
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct ApiMonth {
    month: String,
    value: Option<f64>,
    target: Option<f64>,
    /// Percent of the target reached.
    pct_of_target: Option<f64>,
    met: Option<bool>,
    last_year: Option<f64>,
    /// Year-on-year growth, percent.
    yoy: Option<f64>,
    ytd: Option<f64>,
    ytd_last_year: Option<f64>,
    ytd_yoy: Option<f64>,
    trough: bool,
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct ApiView {
    indicator: &'static str,
    name: String,
    unit: String,
    year: i32,
    months: Vec<ApiMonth>,
}

/// `GET /api/v1/indicators?indicator=…&year=…`: the twelve months, amounts in the unit.
pub async fn api(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<Pick>,
) -> Result<Json<ApiView>, WebError> {
    let tr = ctx.tr();
    let (indicator, year) = pick(&state, &q).await?;
    let rows = table(&state, indicator, year).await?;
    Ok(Json(ApiView {
        indicator: indicator.as_str(),
        name: tr.t(indicator.label_key()).to_owned(),
        unit: tr.t(indicator.unit().label_key()).to_owned(),
        year,
        months: rows
            .iter()
            .map(|r| ApiMonth {
                month: r.month.to_string(),
                value: number(r.value),
                target: number(r.target),
                pct_of_target: percent(r.pct_of_target),
                met: r.met,
                last_year: number(r.last_year),
                yoy: percent(r.yoy),
                ytd: number(r.ytd),
                ytd_last_year: number(r.ytd_last_year),
                ytd_yoy: percent(r.ytd_yoy),
                trough: r.trough,
            })
            .collect(),
    }))
}
