//! The daily situation report (日报) pages: the archive, one day's report (page, .xlsx, .docx,
//! JSON), and producing a day's report by hand.

use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use yizhan_core::access::{Actor, Permission, Target};
use yizhan_core::command::report::Figures;
use yizhan_core::error::OnField;
use yizhan_store::command::reports::{self, Archived, Entry};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::jobs::daily_report::{self, Report};
use crate::kit::docx::{self, Docx};
use crate::kit::export::{self, Cell};
use crate::kit::extract::FormBody;
use crate::kit::layout::Layout;
use crate::kit::listing::{ListQuery, Listing, listing};
use crate::kit::render;
use crate::kit::today;
use crate::policy::deny;
use crate::state::AppState;

type Column = (&'static str, fn(&Figures) -> i64);

/// The report's columns, in the order of the page, the sheet and the document.
pub const COLUMNS: &[Column] = &[
    ("report.rooms_total", |f| f.rooms_total),
    ("report.rooms_occupied", |f| f.rooms_occupied),
    ("report.rooms_free", |f| f.rooms_free),
    ("report.rooms_awaiting", |f| f.rooms_awaiting),
    ("report.rooms_out_of_service", |f| f.rooms_out_of_service),
    ("report.guests_in_stay", |f| f.guests_in_stay),
    ("report.guests_new", |f| f.guests_new),
    ("report.guests_released", |f| f.guests_released),
    ("report.guests_transferred", |f| f.guests_transferred),
    ("report.tests_due", |f| f.tests_due),
    ("report.tests_done", |f| f.tests_done),
    ("report.tests_pending", |f| f.tests_pending),
    ("report.tests_positive", |f| f.tests_positive),
    ("report.abnormal_temperatures", |f| f.abnormal_temperatures),
    ("report.key_attention", |f| f.key_attention),
    ("report.staff_on_duty", |f| f.staff_on_duty),
    ("report.staff_tests_done", |f| f.staff_tests_done),
    ("report.staff_tests_missed", |f| f.staff_tests_missed),
    ("report.incidents", |f| f.incidents),
    ("report.complaints", |f| f.complaints),
    ("report.counselling", |f| f.counselling),
    ("report.requests", |f| f.requests),
    ("report.requests_in_time", |f| f.requests_in_time),
    ("report.supplies_low", |f| f.supplies_low),
    ("report.inspections", |f| f.inspections),
    ("report.overdue_rectifications", |f| f.overdue_rectifications),
];

/// The report covers the whole district: only district-wide holders of `perm` (a street's
/// commander is refused, and the refusal is audited).
async fn district_wide(state: &AppState, ctx: &Ctx, perm: Permission) -> Result<(), WebError> {
    if ctx.user()?.can(perm, Target::District) {
        return Ok(());
    }
    Err(deny(state, ctx, "daily report", WebError::Forbidden).await)
}

fn parse_day(s: &str) -> Result<NaiveDate, WebError> {
    Ok(yizhan_core::station::guest::parse_date(s).on("day")?)
}

/// The day's archived report for a district-wide reader, or 404.
async fn load(state: &AppState, ctx: &Ctx, day: &str) -> Result<(Report, Archived), WebError> {
    district_wide(state, ctx, Permission::ReportsRead).await?;
    let day = parse_day(day).map_err(|_| WebError::NotFound)?;
    daily_report::archived(state, day).await?.ok_or(WebError::NotFound)
}

pub struct Line {
    pub name: String,
    pub street: String,
    pub values: Vec<i64>,
    /// Translated names of what is missing (empty: complete).
    pub missing: Vec<String>,
    pub categories: String,
}

fn line(tr: &Tr, f: &Figures, name: String) -> Line {
    Line {
        name,
        street: f.street.clone(),
        values: COLUMNS.iter().map(|(_, get)| get(f)).collect(),
        missing: f.missing.iter().map(|k| tr.t(k).to_owned()).collect(),
        categories: f
            .by_category
            .iter()
            .map(|(k, n)| format!("{} {n}", tr.t(&format!("guest.category.{k}"))))
            .collect::<Vec<_>>()
            .join("、"),
    }
}

fn lines(tr: &Tr, r: &Report) -> (Vec<Line>, Line) {
    let stations = r.stations.iter().map(|f| line(tr, f, f.station.clone())).collect();
    let mut district = line(tr, &r.district, tr.t("report.district").to_owned());
    // The district's "missing" lists incomplete stations by name, not by key.
    district.missing = r.district.missing.clone();
    (stations, district)
}

fn title(tr: &Tr, day: NaiveDate) -> String {
    tr.f("report.title_of", &[("day", &day.format("%Y-%m-%d").to_string())])
}

#[derive(Template)]
#[template(path = "reports/list.html")]
struct ListPage {
    layout: Layout,
    /// A year of days, 50 a page, searched by date (2026-03 finds March).
    list: Listing<(Entry, String)>,
    can_generate: bool,
    yesterday: String,
    error: Option<String>,
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    e: Option<&WebError>,
    query: &ListQuery,
) -> Result<ListPage, WebError> {
    let days: Vec<(Entry, String)> = reports::archive(&state.db, 366)
        .await?
        .into_iter()
        .map(|e| {
            let day = e.day.to_string();
            (e, day)
        })
        .collect();
    let list = listing(&ctx.tr(), "/reports", &[], query, days, |(_, d)| vec![d.as_str()], &[])?;
    Ok(ListPage {
        layout: Layout::new(state, ctx, "report.title"),
        list,
        can_generate: ctx.user()?.can(Permission::ReportsGenerate, Target::District),
        yesterday: (today() - chrono::Duration::days(1)).to_string(),
        error: e.map(|e| e.message(&ctx.tr())),
    })
}

/// `GET /reports`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    district_wide(&state, &ctx, Permission::ReportsRead).await?;
    render::page(&list_page(&state, &ctx, None, &query).await?)
}

#[derive(Deserialize, Default)]
pub struct GenerateForm {
    #[serde(default)]
    day: String,
}

/// `POST /reports`: produce (or reproduce) a day's report now; today's is "so far".
pub async fn generate(
    State(state): State<AppState>,
    ctx: Ctx,
    FormBody(f): FormBody<GenerateForm>,
) -> Result<Response, WebError> {
    district_wide(&state, &ctx, Permission::ReportsGenerate).await?;
    let result = async {
        let day = parse_day(&f.day)?;
        if day > today() {
            return Err(WebError::Rule {
                field: Some("day".into()),
                key: "error.report_future_day",
            });
        }
        daily_report::generate(&state, &Actor::from(ctx.user()?), day).await?;
        Ok(day)
    }
    .await;
    match result {
        Ok(day) => Ok(Redirect::to(&format!("/reports/{day}")).into_response()),
        Err(e) if e.is_correctable() => {
            let page = list_page(&state, &ctx, Some(&e), &ListQuery::default()).await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "reports/show.html")]
struct ShowPage {
    layout: Layout,
    heading: String,
    day: NaiveDate,
    headers: Vec<&'static str>,
    stations: Vec<Line>,
    district: Line,
    generated: String,
    case_headers: Vec<String>,
    case_rows: Vec<Vec<String>>,
}

/// `GET /reports/{day}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(day): Path<String>,
) -> Result<Response, WebError> {
    let (r, a) = load(&state, &ctx, &day).await?;
    let tr = ctx.tr();
    let (stations, district) = lines(&tr, &r);
    render::page(&ShowPage {
        layout: Layout::new(&state, &ctx, "report.title"),
        heading: title(&tr, r.day),
        day: r.day,
        headers: COLUMNS.iter().map(|(k, _)| *k).collect(),
        stations,
        district,
        case_headers: crate::station::case_facts::headers(&tr),
        case_rows: crate::station::case_facts::rows(&tr, &r.cases),
        generated: format!(
            "{} {}",
            yizhan_core::time::local_display(a.generated_at),
            a.generated_by
        ),
    })
}

fn table(tr: &Tr, r: &Report) -> (Vec<String>, Vec<Vec<String>>) {
    let mut headers = vec![tr.t("field.street_id").to_owned(), tr.t("field.station_id").to_owned()];
    headers.extend(COLUMNS.iter().map(|(k, _)| tr.t(k).to_owned()));
    headers.push(tr.t("report.categories").to_owned());
    headers.push(tr.t("report.missing").to_owned());
    let (stations, district) = lines(tr, r);
    let rows = stations
        .iter()
        .chain(std::iter::once(&district))
        .map(|l| {
            let mut row = vec![l.street.clone(), l.name.clone()];
            row.extend(l.values.iter().map(i64::to_string));
            row.push(l.categories.clone());
            row.push(l.missing.join("、"));
            row
        })
        .collect();
    (headers, rows)
}

/// `GET /reports/{day}/export.xlsx`.
pub async fn export_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(day): Path<String>,
) -> Result<Response, WebError> {
    let (r, _) = load(&state, &ctx, &day).await?;
    let tr = ctx.tr();
    let (headers, rows) = table(&tr, &r);
    let rows: Vec<Vec<Cell>> = rows
        .into_iter()
        .map(|row| {
            row.into_iter()
                .enumerate()
                .map(|(i, v)| match v.parse::<i64>() {
                    Ok(n) if (2..2 + COLUMNS.len()).contains(&i) => Cell::Int(n),
                    _ => Cell::Text(v),
                })
                .collect()
        })
        .collect();
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    export::xlsx(&title(&tr, r.day), tr.t("report.title"), &headers, &rows)
}

/// `GET /reports/{day}/export.docx`.
pub async fn export_docx(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(day): Path<String>,
) -> Result<Response, WebError> {
    let (r, a) = load(&state, &ctx, &day).await?;
    let tr = ctx.tr();
    let (headers, rows) = table(&tr, &r);
    let mut doc = Docx::new().title(&title(&tr, r.day)).para(&tr.f(
        "report.as_of",
        &[
            ("day", &r.day.format("%Y-%m-%d").to_string()),
            ("at", &yizhan_core::time::local_display(a.generated_at)),
        ],
    ));
    if !r.complete() {
        doc =
            doc.para(&format!("{}：{}", tr.t("report.incomplete"), r.district.missing.join("、")));
    }
    let doc = crate::station::case_facts::section(&tr, doc.table(&headers, &rows), &r.cases);
    Ok(docx::download(&title(&tr, r.day), doc.finish()?))
}

/// A station's figures as the API answers them: what is missing both as codes (`missing`,
/// stable for programs) and as text in the caller's language (`missing_text`, for people).
#[derive(Serialize, schemars::JsonSchema)]
pub struct FiguresJson<'a> {
    #[serde(flatten)]
    figures: &'a Figures,
    missing_text: Vec<String>,
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct ReportJson<'a> {
    day: NaiveDate,
    stations: Vec<FiguresJson<'a>>,
    district: FiguresJson<'a>,
    cases: &'a [yizhan_core::station::case::CaseFact],
}

/// `GET /api/v1/reports/{day}`: the archived report's figures.
pub async fn api_show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(day): Path<String>,
) -> Result<Response, WebError> {
    let r = load(&state, &ctx, &day).await?.0;
    let tr = ctx.tr();
    let (stations, district) = lines(&tr, &r);
    let json = ReportJson {
        day: r.day,
        stations: r
            .stations
            .iter()
            .zip(stations)
            .map(|(f, l)| FiguresJson { figures: f, missing_text: l.missing })
            .collect(),
        district: FiguresJson { figures: &r.district, missing_text: district.missing },
        cases: &r.cases,
    };
    Ok(Json(json).into_response())
}
