//! 居家健康监测: the people released into home monitoring, street by street, with today's
//! follow-up and the days missed; one person's page with the follow-up form and every day.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use yizhan_core::access::{Actor, Permission, Target};
use yizhan_core::mask::{doc_tail, mask_name, mask_phone};
use yizhan_core::station::health::Symptom;
use yizhan_core::station::home_monitoring::{
    FollowUpInput, HomeTest, missed_days, validate_follow_up,
};
use yizhan_core::time::local_display;
use yizhan_store::station::home_monitoring::{self as store, Filter, Monitoring};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::export::{self, Cell};
use crate::kit::extract::{FormBody, Id, Query, RawBody, json_from};
use crate::kit::layout::Layout;
use crate::kit::pager::{PER_PAGE, Pager, page_of};
use crate::kit::refused::Refused;
use crate::kit::render;
use crate::kit::today;
use crate::policy::deny;
use crate::state::AppState;

/// A person on the list: masked, where from and whose, the period, today and the missed days.
pub struct Row {
    pub id: i64,
    pub name: String,
    pub doc_tail: String,
    pub phone: String,
    pub station: String,
    pub street: String,
    pub period: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// 第 n / N 天.
    pub day: String,
    pub today_done: bool,
    pub missed: Vec<NaiveDate>,
}

fn row(tr: &Tr, m: &Monitoring, reached: &[NaiveDate]) -> Row {
    let today = today();
    let n = (today - m.start_date).num_days() + 1;
    let of = (m.end_date - m.start_date).num_days() + 1;
    Row {
        id: m.id,
        name: mask_name(&m.guest_name),
        doc_tail: doc_tail(&m.doc_number),
        phone: mask_phone(&m.phone),
        station: m.station.clone(),
        street: m.street.clone(),
        period: format!("{} – {}", m.start_date, m.end_date),
        start: m.start_date,
        end: m.end_date,
        day: tr.f("monitor.day_of", &[("n", &n.clamp(1, of).to_string()), ("of", &of.to_string())]),
        today_done: reached.contains(&today),
        missed: missed_days(m.start_date, m.end_date, today, reached),
    }
}

/// The streets whose people `ctx` follows up: `None` for all of them (a district grant).
fn streets_of(ctx: &Ctx) -> Result<Option<Vec<i64>>, WebError> {
    let p = ctx.user()?;
    if p.can(Permission::HomeMonitoring, Target::District) {
        return Ok(None);
    }
    Ok(Some(
        p.grants
            .iter()
            .filter(|g| yizhan_core::access::role_allows(g.role, Permission::HomeMonitoring))
            .filter_map(|g| match g.scope {
                yizhan_core::access::Scope::Street(s) => Some(s),
                _ => None,
            })
            .collect(),
    ))
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    pub q: Option<String>,
    pub closed: Option<String>,
    pub page: Option<String>,
}

/// The page of rows `q` asks for, and how many there are.
async fn rows_of(
    state: &AppState,
    ctx: &Ctx,
    q: &ListQuery,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Row>, i64), WebError> {
    let streets = streets_of(ctx)?;
    let search = q.q.as_deref().map(str::trim).unwrap_or_default();
    let f = Filter {
        streets: streets.as_deref(),
        closed: q.closed.as_deref() == Some("1"),
        search: Some(search),
    };
    let (people, total) = store::page(&state.db, &f, limit, offset).await?;
    let ids: Vec<i64> = people.iter().map(|m| m.id).collect();
    let days = store::reached_days(&state.db, &ids).await?;
    let tr = ctx.tr();
    let rows = people
        .iter()
        .map(|m| {
            let reached: Vec<NaiveDate> =
                days.iter().filter(|(id, _)| *id == m.id).map(|(_, d)| *d).collect();
            row(&tr, m, &reached)
        })
        .collect();
    Ok((rows, total))
}

#[derive(Template)]
#[template(path = "home_monitoring/list.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<Row>,
    pager: Pager,
    q: String,
    closed: bool,
}

/// `GET /home-monitoring`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let page = page_of(q.page.as_deref())?;
    let (rows, total) = rows_of(&state, &ctx, &q, PER_PAGE, Pager::offset(page)).await?;
    let search = q.q.clone().unwrap_or_default();
    let closed = q.closed.as_deref() == Some("1");
    let keep = [("q", search.as_str()), ("closed", if closed { "1" } else { "" })];
    render::page(&ListPage {
        layout: Layout::new(&state, &ctx, "monitor.title"),
        pager: Pager::new(&ctx.tr(), "/home-monitoring", &keep, page, total),
        rows,
        q: search,
        closed,
    })
}

/// `GET /home-monitoring/export.xlsx`: the list as filtered, masked.
pub async fn export_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let (rows, _) = rows_of(&state, &ctx, &q, 500_000, 0).await?;
    let cells: Vec<Vec<Cell>> = rows
        .into_iter()
        .map(|r| {
            vec![
                r.name.into(),
                r.doc_tail.into(),
                r.phone.into(),
                r.street.into(),
                r.station.into(),
                r.period.into(),
                r.day.into(),
                tr.t(if r.today_done { "monitor.today_done" } else { "monitor.today_due" }).into(),
                (r.missed.len() as i64).into(),
            ]
        })
        .collect();
    let headers: Vec<&str> = [
        "field.person_name",
        "guests.doc_tail",
        "field.phone",
        "monitor.street",
        "monitor.station",
        "monitor.period",
        "monitor.day",
        "monitor.today",
        "monitor.missed",
    ]
    .iter()
    .map(|k| tr.t(k))
    .collect();
    export::xlsx(tr.t("monitor.title"), tr.t("monitor.title"), &headers, &cells)
}

/// Monitoring `id` if `ctx` follows up its street, or 404.
async fn visible(state: &AppState, ctx: &Ctx, id: i64) -> Result<Monitoring, WebError> {
    let m = store::get(&state.db, id).await?;
    if !ctx.user()?.can(Permission::HomeMonitoring, Target::Street(m.street_id)) {
        return Err(deny(state, ctx, &format!("home monitoring {id}"), WebError::NotFound).await);
    }
    Ok(m)
}

/// A day of the person's monitoring as the page lists it, the latest first.
pub struct DayLine {
    pub day: String,
    /// A palette tone and its word: 已随访, 未联系上, 漏访, 发热 …
    pub tone: &'static str,
    pub word: String,
    pub detail: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "home_monitoring/show.html")]
struct ShowPage {
    layout: Layout,
    row: Row,
    open: bool,
    days: Vec<DayLine>,
    symptoms: Vec<(&'static str, String)>,
    tests: Vec<(&'static str, String)>,
    refused: Refused,
}

async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    m: Monitoring,
    error: Option<&WebError>,
) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let all = store::follow_ups(&state.db, m.id).await?;
    let reached: Vec<NaiveDate> = all.iter().filter(|f| f.reached).map(|f| f.day).collect();
    let row = row(&tr, &m, &reached);
    let mut days: Vec<(NaiveDate, DayLine)> = all
        .iter()
        .map(|f| {
            let sign =
                f.temperature.and_then(|t| yizhan_core::station::health::sign_of(t, &f.symptoms));
            let (tone, word) = match (f.reached, f.test.as_deref(), sign) {
                (false, _, _) => ("warning", tr.t("monitor.not_reached").to_owned()),
                (true, Some("positive"), _) => {
                    ("positive", tr.t("monitor.test.positive").to_owned())
                }
                (true, _, Some(s)) => {
                    (crate::kit::tone::of_alert(s), tr.t(s.label_key()).to_owned())
                }
                (true, _, None) => ("ok", tr.t("monitor.reached").to_owned()),
            };
            let mut detail = Vec::new();
            if let Some(t) = f.temperature {
                detail.push(format!("{:.1} ℃", t as f64 / 10.0));
            }
            for s in f.symptoms.split(',').filter_map(Symptom::parse) {
                detail.push(tr.t(s.label_key()).to_owned());
            }
            if let Some(t) = f.test.as_deref().and_then(HomeTest::parse) {
                detail.push(tr.t(t.label_key()).to_owned());
            }
            detail.extend(f.note.clone());
            let line = DayLine {
                day: f.day.to_string(),
                tone,
                word,
                detail: detail.join(tr.t("punct.list_sep")),
                by: format!("{} {}", f.recorded_by, local_display(f.recorded_at)),
            };
            (f.day, line)
        })
        .collect();
    for d in &row.missed {
        if !days.iter().any(|(x, _)| x == d) {
            let line = DayLine {
                day: d.to_string(),
                tone: "danger",
                word: tr.t("monitor.missed_day").to_owned(),
                detail: String::new(),
                by: String::new(),
            };
            days.push((*d, line));
        }
    }
    days.sort_by_key(|d| std::cmp::Reverse(d.0));
    let page = ShowPage {
        layout: Layout::new(state, ctx, "monitor.title"),
        open: m.is_open(),
        row,
        days: days.into_iter().map(|(_, l)| l).collect(),
        symptoms: Symptom::ALL
            .iter()
            .map(|s| (s.as_str(), tr.t(s.label_key()).to_owned()))
            .collect(),
        tests: HomeTest::ALL.iter().map(|t| (t.as_str(), tr.t(t.label_key()).to_owned())).collect(),
        refused: Refused::of(error, &tr),
    };
    render::form_page(&page, error)
}

/// `GET /home-monitoring/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let m = visible(&state, &ctx, id).await?;
    show_page(&state, &ctx, m, None).await
}

async fn do_follow_up(
    state: &AppState,
    ctx: &Ctx,
    m: &Monitoring,
    i: &FollowUpInput,
) -> Result<(), WebError> {
    let f = validate_follow_up(i)?;
    Ok(store::follow_up(&state.db, &Actor::from(ctx.user()?), m, &f).await?)
}

/// `POST /home-monitoring/{id}/follow-ups`: today's follow-up, then the person's page again.
pub async fn follow_up(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(pairs): FormBody<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let m = visible(&state, &ctx, id).await?;
    // `symptom` repeats (a checklist), so the form is read as pairs.
    let mut i = FollowUpInput::default();
    for (k, v) in pairs {
        match k.as_str() {
            "contacted" => i.contacted = v,
            "temperature" => i.temperature = v,
            "symptom" if !v.is_empty() => i.symptoms.push(v),
            "test" => i.test = v,
            "note" => i.note = v,
            _ => {}
        }
    }
    match do_follow_up(&state, &ctx, &m, &i).await {
        Ok(()) => Ok(Redirect::to(&format!("/home-monitoring/{id}")).into_response()),
        Err(e) if e.is_correctable() => show_page(&state, &ctx, m, Some(&e)).await,
        Err(e) => Err(e),
    }
}

/// A person under monitoring through the API: masked.
#[derive(Serialize, schemars::JsonSchema)]
pub struct ApiRow {
    pub id: i64,
    pub name: String,
    pub street: String,
    pub station: String,
    pub start_date: String,
    pub end_date: String,
    pub today_done: bool,
    pub missed_days: Vec<String>,
}

/// `GET /api/v1/home-monitoring` (`?q=&closed=1&page=`): 50 a page, the total in X-Total-Count.
pub async fn api_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let page = page_of(q.page.as_deref())?;
    let (rows, total) = rows_of(&state, &ctx, &q, PER_PAGE, Pager::offset(page)).await?;
    let body: Vec<ApiRow> = rows
        .into_iter()
        .map(|r| ApiRow {
            id: r.id,
            name: r.name,
            street: r.street,
            station: r.station,
            start_date: r.start.to_string(),
            end_date: r.end.to_string(),
            today_done: r.today_done,
            missed_days: r.missed.iter().map(NaiveDate::to_string).collect(),
        })
        .collect();
    Ok(([("x-total-count", total.to_string())], Json(body)).into_response())
}

/// `POST /api/v1/home-monitoring/{id}/follow-ups`.
pub async fn api_follow_up(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Response, WebError> {
    #[derive(Deserialize)]
    struct Body {
        #[serde(default)]
        reached: bool,
        #[serde(default)]
        temperature: serde_json::Value,
        #[serde(default)]
        symptoms: Vec<String>,
        #[serde(default)]
        test: String,
        #[serde(default)]
        note: String,
    }
    let m = visible(&state, &ctx, id).await?;
    let b: Body = json_from(&body)?;
    let i = FollowUpInput {
        contacted: if b.reached { "1".into() } else { String::new() },
        temperature: crate::station::rooms::json::text(&b.temperature),
        symptoms: b.symptoms,
        test: b.test,
        note: b.note,
    };
    do_follow_up(&state, &ctx, &m, &i).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
