//! 阳性处置: the cases a person may see (a station its own, the command every one), open first,
//! each step with its deadline said in words and in red when past it; one case's page with the
//! form of each step not done yet.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;
use yizhan_core::access::{Actor, Permission, Target};
use yizhan_core::mask::mask_name;
use yizhan_core::station::case::{Step, StepInput, is_overdue, validate_step};
use yizhan_core::time::local_display;
use yizhan_store::station::cases::{self, Case, CaseStep};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::export::{self, Cell};
use crate::kit::extract::Query;
use crate::kit::extract::{FormBody, Id, RawBody, json_from};
use crate::kit::layout::Layout;
use crate::kit::listing::{ListQuery, Listing, listing};
use crate::kit::refused::Refused;
use crate::kit::render;
use crate::policy::deny;
use crate::state::AppState;

fn target(c: &Case) -> Target {
    Target::Station { id: c.station_id, street: c.street_id }
}

/// A step as a line: its name, when due, done or not, in words and a tone.
pub struct StepLine {
    pub step: &'static str,
    pub name: String,
    pub due: String,
    pub done: bool,
    pub state: String,
    pub tone: &'static str,
    pub detail: String,
}

fn step_line(tr: &Tr, s: &CaseStep, now: chrono::DateTime<chrono::Utc>) -> StepLine {
    let overdue = is_overdue(s.due_at, s.done_at, now);
    let (state, tone) = match (s.done_at, overdue) {
        (Some(at), _) => (tr.f("case.done_at", &[("at", &local_display(at))]), "ok"),
        (None, true) => (tr.t("case.overdue").to_owned(), "danger"),
        (None, false) => (tr.t("case.pending").to_owned(), "warning"),
    };
    let detail: serde_json::Value =
        s.detail.as_deref().and_then(|d| serde_json::from_str(d).ok()).unwrap_or_default();
    let said: Vec<String> = detail
        .as_object()
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k, v)))
                .map(|(k, v)| match k.as_str() {
                    "result" => tr.t(&format!("test.result.{v}")).to_owned(),
                    "handover_at" => chrono::DateTime::parse_from_rfc3339(v)
                        .map(|t| local_display(t.with_timezone(&chrono::Utc)))
                        .unwrap_or_else(|_| v.to_owned()),
                    _ => v.to_owned(),
                })
                .collect()
        })
        .unwrap_or_default();
    StepLine {
        step: s.step.as_str(),
        name: tr.t(s.step.label_key()).to_owned(),
        due: local_display(s.due_at),
        done: s.done_at.is_some(),
        state,
        tone,
        detail: said.join(tr.t("punct.list_sep")),
    }
}

/// A case as the list shows it.
pub struct Row {
    pub id: i64,
    pub station: String,
    pub room: String,
    pub name: String,
    pub opened: String,
    /// 阳性 or 疑似（发热升级）.
    pub reason: String,
    pub closed: bool,
    pub steps: Vec<StepLine>,
}

#[derive(Template)]
#[template(path = "cases/list.html")]
struct ListPage {
    layout: Layout,
    /// Open first, the latest first; 50 a page, searched by station, room, kind or state.
    list: Listing<Row>,
}

/// The cases the person may see, each with its steps: open first, the latest first.
async fn visible_cases(
    state: &AppState,
    ctx: &Ctx,
) -> Result<Vec<(Case, Vec<CaseStep>)>, WebError> {
    let p = ctx.user()?;
    let mut out = Vec::new();
    for c in cases::all(&state.db, 500).await? {
        if p.can(Permission::GuestsRead, target(&c)) {
            let steps = cases::steps(&state.db, c.id).await?;
            out.push((c, steps));
        }
    }
    Ok(out)
}

fn row(tr: &Tr, c: Case, steps: &[CaseStep]) -> Row {
    let now = yizhan_store::db::now();
    Row {
        id: c.id,
        station: c.station,
        room: c.room_number,
        name: mask_name(&c.guest_name),
        opened: local_display(c.opened_at),
        reason: tr.t(&format!("case.reason.{}", c.reason)).to_owned(),
        closed: c.closed_at.is_some(),
        steps: steps.iter().map(|s| step_line(tr, s, now)).collect(),
    }
}

/// `GET /cases` (`?q=&page=`); the page follows changes live (`data-live`).
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let rows = visible_cases(&state, &ctx)
        .await?
        .into_iter()
        .map(|(c, steps)| row(&tr, c, &steps))
        .collect();
    let state_word = |r: &Row| if r.closed { "case.closed" } else { "case.open" };
    let list = listing(
        &tr,
        "/cases",
        &[],
        &query,
        rows,
        |r| vec![r.station.as_str(), r.room.as_str(), r.reason.as_str(), tr.t(state_word(r))],
        &[],
    )?;
    render::page(&ListPage { layout: Layout::new(&state, &ctx, "case.title"), list })
}

/// `GET /cases/export.xlsx`: every case the person may see, as the report states them.
pub async fn export(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let now = yizhan_store::db::now();
    let facts: Vec<_> = visible_cases(&state, &ctx)
        .await?
        .into_iter()
        .map(|(c, steps)| {
            let timed: Vec<_> = steps.iter().map(|s| (s.step, s.due_at, s.done_at)).collect();
            let names = (c.station, c.room_number, c.reason);
            yizhan_core::station::case::fact(names, c.opened_at, c.closed_at, &timed, now)
        })
        .collect();
    let headers = crate::station::case_facts::headers(&tr);
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    let rows: Vec<Vec<Cell>> = crate::station::case_facts::rows(&tr, &facts)
        .into_iter()
        .map(|r| r.into_iter().map(Cell::Text).collect())
        .collect();
    export::xlsx(tr.t("case.title"), tr.t("case.title"), &headers, &rows)
}

/// Case `id` if the person may see its station's guests; else 404.
pub async fn visible(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    perm: Permission,
) -> Result<Case, WebError> {
    let c = cases::get(&state.db, id).await?;
    if !ctx.user()?.can(perm, target(&c)) {
        return Err(deny(state, ctx, &format!("case {id}"), WebError::NotFound).await);
    }
    Ok(c)
}

/// A person on the exposure list: who (a guest or relative masked), as what, and why.
pub struct ExposedRow {
    pub kind: String,
    pub name: String,
    pub guest_id: Option<i64>,
    pub is_staff: bool,
    /// The station's staff record of that name, for a staff member.
    pub staff_id: Option<i64>,
    /// (reason's word, its evidence).
    pub why: Vec<(String, String)>,
    /// The measures taken for this person, in words.
    pub taken: Vec<String>,
}

fn exposed_rows(tr: &Tr, all: Vec<yizhan_core::station::exposure::Exposed>) -> Vec<ExposedRow> {
    use yizhan_core::station::exposure::Kind;
    all.into_iter()
        .map(|x| ExposedRow {
            kind: tr.t(x.kind.label_key()).to_owned(),
            name: if x.kind == Kind::Staff { x.name } else { mask_name(&x.name) },
            guest_id: x.guest_id,
            is_staff: x.kind == Kind::Staff,
            staff_id: None,
            taken: Vec::new(),
            why: x
                .evidence
                .into_iter()
                .map(|e| (tr.t(e.reason.label_key()).to_owned(), e.what))
                .collect(),
        })
        .collect()
}

#[derive(serde::Deserialize, Default)]
pub struct ExposureQuery {
    days: Option<String>,
}

#[derive(Template)]
#[template(path = "cases/show.html")]
struct ShowPage {
    layout: Layout,
    c: Row,
    exposed: Vec<ExposedRow>,
    /// The window: days before the positive sample.
    days: i64,
    guest_id: i64,
    may_record: bool,
    m: crate::station::exposure_measures::Panel,
    refused: Refused,
}

pub async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    c: Case,
    days: i64,
    error: Option<&WebError>,
) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let steps = cases::steps(&state.db, c.id).await?;
    let exposed = yizhan_store::station::exposure::of_case(&state.db, &c, days).await?;
    let mut exposed = exposed_rows(&tr, exposed);
    let m = crate::station::exposure_measures::panel(state, ctx, &c, &mut exposed).await?;
    let page = ShowPage {
        exposed,
        m,
        days,
        layout: Layout::new(state, ctx, "case.title"),
        may_record: ctx.user()?.can(Permission::AlertsClose, target(&c)) && c.closed_at.is_none(),
        guest_id: c.guest_id,
        c: row(&tr, c, &steps),
        refused: Refused::of(error, &tr),
    };
    render::form_page(&page, error)
}

/// `GET /cases/{id}` (`?days=` the window before the positive sample, 2 unless asked).
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(q): Query<ExposureQuery>,
) -> Result<Response, WebError> {
    use yizhan_core::error::OnField;
    use yizhan_core::station::exposure::{DEFAULT_DAYS, MAX_DAYS};
    let c = visible(&state, &ctx, id, Permission::GuestsRead).await?;
    let days = match q.days.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => yizhan_core::validate::parse_int(d, 0, MAX_DAYS, "2").on("days")?,
        None => DEFAULT_DAYS,
    };
    show_page(&state, &ctx, c, days, None).await
}

async fn do_step(state: &AppState, ctx: &Ctx, c: &Case, i: &StepInput) -> Result<(), WebError> {
    let d = validate_step(i, yizhan_store::db::now())?;
    Ok(cases::record(&state.db, &Actor::from(ctx.user()?), c.id, &d).await?)
}

/// `POST /cases/{id}/steps`: a step done (the lead or the medical group).
pub async fn step(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(i): FormBody<StepInput>,
) -> Result<Response, WebError> {
    let c = visible(&state, &ctx, id, Permission::AlertsClose).await?;
    match do_step(&state, &ctx, &c, &i).await {
        Ok(()) => Ok(Redirect::to(&format!("/cases/{id}")).into_response()),
        Err(e) if e.is_correctable() => {
            let days = yizhan_core::station::exposure::DEFAULT_DAYS;
            show_page(&state, &ctx, c, days, Some(&e)).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct ApiStep {
    pub step: Step,
    pub due_at: String,
    pub done_at: Option<String>,
    pub overdue: bool,
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct ApiCase {
    pub id: i64,
    pub station_id: i64,
    pub room_number: String,
    /// Masked.
    pub name: String,
    pub opened_at: String,
    pub closed: bool,
    pub steps: Vec<ApiStep>,
}

/// `GET /api/v1/cases`: the cases the person may see, open first, with their steps.
pub async fn api_list(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<ApiCase>>, WebError> {
    let now = yizhan_store::db::now();
    let out = visible_cases(&state, &ctx)
        .await?
        .into_iter()
        .map(|(c, steps)| ApiCase {
            id: c.id,
            station_id: c.station_id,
            room_number: c.room_number,
            name: mask_name(&c.guest_name),
            opened_at: c.opened_at.to_rfc3339(),
            closed: c.closed_at.is_some(),
            steps: steps
                .iter()
                .map(|s| ApiStep {
                    step: s.step,
                    due_at: s.due_at.to_rfc3339(),
                    done_at: s.done_at.map(|t| t.to_rfc3339()),
                    overdue: is_overdue(s.due_at, s.done_at, now),
                })
                .collect(),
        })
        .collect();
    Ok(Json(out))
}

/// `POST /api/v1/cases/{id}/steps`.
pub async fn api_step(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Response, WebError> {
    let c = visible(&state, &ctx, id, Permission::AlertsClose).await?;
    let i: StepInput = json_from(&body)?;
    do_step(&state, &ctx, &c, &i).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
