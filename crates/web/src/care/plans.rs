//! Emergency plans (应急预案) of a station: the readiness view (each kind's version in force and
//! the age of its last drill), publishing a new version, one plan's step checklist with its
//! versions and drills, recording a drill.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use yizhan_core::access::{Actor, Permission};
use yizhan_core::care::plans::{
    DrillInput, PlanInput, PlanKind, Readiness, readiness, validate_drill, validate_plan,
};
use yizhan_core::time::local_display;
use yizhan_store::care::plans::{self, Drill, Plan};
use yizhan_store::station::stations::Station;

use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::export::{self, Cell};
use crate::kit::extract::{FormBody, Id};
use crate::kit::layout::Layout;
use crate::kit::options;
use crate::kit::render;
use crate::kit::today;
use crate::policy::require;
use crate::state::AppState;
use crate::station::stations::visible;

pub struct ReadyRow {
    pub p: Plan,
    pub kind: String,
    pub code: &'static str,
    pub label: String,
}

fn ready_label(tr: &Tr, r: Readiness) -> (&'static str, String) {
    match r {
        Readiness::Never => ("never", tr.t("plans.never_drilled").to_owned()),
        Readiness::Ready { days_since } => {
            ("ready", tr.f("plans.days_since", &[("days", &days_since.to_string())]))
        }
        Readiness::Due { days_since } => {
            ("due", tr.f("plans.due", &[("days", &days_since.to_string())]))
        }
    }
}

async fn ready_rows(state: &AppState, tr: &Tr, station_id: i64) -> Result<Vec<ReadyRow>, WebError> {
    Ok(plans::current(&state.db, station_id)
        .await?
        .into_iter()
        .map(|p| {
            let (code, label) = ready_label(tr, readiness(p.last_drill, today()));
            ReadyRow { kind: tr.t(p.kind.label_key()).to_owned(), code, label, p }
        })
        .collect())
}

#[derive(Template)]
#[template(path = "plans/list.html")]
struct ListPage {
    layout: Layout,
    station: Station,
    rows: Vec<ReadyRow>,
    kinds: Vec<(&'static str, String)>,
    f: PlanInput,
    can_manage: bool,
    error: Option<String>,
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    station: Station,
    f: PlanInput,
    e: Option<&WebError>,
) -> Result<ListPage, WebError> {
    let tr = ctx.tr();
    Ok(ListPage {
        layout: Layout::new(state, ctx, "plans.title"),
        rows: ready_rows(state, &tr, station.id).await?,
        kinds: options(&tr, PlanKind::ALL, PlanKind::as_str, PlanKind::label_key),
        can_manage: ctx.user()?.can(Permission::StaffManage, station.target()),
        error: e.map(|e| e.message(&tr)),
        station,
        f,
    })
}

/// `GET /stations/{id}/plans`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::StaffRead).await?;
    let f = PlanInput { kind: "positive_case".into(), ..Default::default() };
    render::page(&list_page(&state, &ctx, station, f, None).await?)
}

/// `POST /stations/{id}/plans`.
pub async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<PlanInput>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::StaffManage).await?;
    let result = async {
        let p = validate_plan(&f)?;
        Ok::<_, WebError>(plans::publish(&state.db, &Actor::from(ctx.user()?), id, &p).await?)
    }
    .await;
    match result {
        Ok(plan) => Ok(Redirect::to(&format!("/plans/{plan}")).into_response()),
        Err(e) if e.is_correctable() => {
            let page = list_page(&state, &ctx, station, f, Some(&e)).await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn visible_plan(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    perm: Permission,
) -> Result<(Plan, Station), WebError> {
    let p = plans::get(&state.db, id).await?;
    let station = yizhan_store::station::stations::get(&state.db, p.station_id).await?;
    require(state, ctx, perm, station.target(), format!("plan {id}")).await?;
    Ok((p, station))
}

#[derive(Template)]
#[template(path = "plans/show.html")]
struct ShowPage {
    layout: Layout,
    station: Station,
    p: Plan,
    kind: String,
    published: String,
    readiness: (&'static str, String),
    versions: Vec<Plan>,
    drills: Vec<Drill>,
    f: DrillInput,
    /// A positive-case plan's time limit per step: (step, within, set by the plan).
    limits: Vec<(String, String, bool)>,
    can_manage: bool,
    error: Option<String>,
}

/// A positive-case plan's limits as a case at the station is timed (with a second sample).
fn limits_of(tr: &crate::i18n::Tr, p: &Plan) -> Vec<(String, String, bool)> {
    if p.kind != yizhan_core::care::plans::PlanKind::PositiveCase {
        return Vec::new();
    }
    let set = yizhan_core::care::plans::minutes_from(p.case_minutes.as_deref());
    yizhan_core::station::case::schedule(true, &set)
        .into_iter()
        .map(|(step, m)| {
            let within = tr.f("plans.within_minutes", &[("minutes", &m.to_string())]);
            (tr.t(step.label_key()).to_owned(), within, set.iter().any(|x| x.0 == step))
        })
        .collect()
}

async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    p: Plan,
    station: Station,
    f: DrillInput,
    e: Option<&WebError>,
) -> Result<ShowPage, WebError> {
    let tr = ctx.tr();
    Ok(ShowPage {
        layout: Layout::new(state, ctx, "plans.title"),
        kind: tr.t(p.kind.label_key()).to_owned(),
        published: local_display(p.published_at),
        readiness: ready_label(&tr, readiness(p.last_drill, today())),
        limits: limits_of(&tr, &p),
        versions: plans::versions(&state.db, station.id, p.kind.as_str()).await?,
        drills: plans::drills(&state.db, station.id, p.kind.as_str()).await?,
        can_manage: ctx.user()?.can(Permission::StaffManage, station.target()),
        error: e.map(|e| e.message(&tr)),
        station,
        p,
        f,
    })
}

/// `GET /plans/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let (p, station) = visible_plan(&state, &ctx, id, Permission::StaffRead).await?;
    let f = DrillInput { held_on: today().to_string(), ..Default::default() };
    render::page(&show_page(&state, &ctx, p, station, f, None).await?)
}

/// `POST /plans/{id}/drills`.
pub async fn record_drill(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<DrillInput>,
) -> Result<Response, WebError> {
    let (p, station) = visible_plan(&state, &ctx, id, Permission::StaffManage).await?;
    let result = async {
        let d = validate_drill(&f, today())?;
        Ok::<_, WebError>(plans::record_drill(&state.db, &Actor::from(ctx.user()?), id, &d).await?)
    }
    .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/plans/{id}")).into_response()),
        Err(e) if e.is_correctable() => {
            let page = show_page(&state, &ctx, p, station, f, Some(&e)).await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `GET /stations/{id}/plans/export.xlsx`.
/// The readiness view as .xlsx.
pub async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::StaffRead).await?;
    let tr = ctx.tr();
    let rows: Vec<Vec<Cell>> = ready_rows(&state, &tr, id)
        .await?
        .into_iter()
        .map(|r| {
            vec![
                Cell::from(r.kind),
                Cell::from(r.p.title.clone()),
                Cell::from(r.p.version),
                Cell::from(r.p.steps().len() as i64),
                Cell::from(r.p.last_drill.map(|d| d.to_string()).unwrap_or_default()),
                Cell::from(r.label),
            ]
        })
        .collect();
    export::station_list(
        &tr,
        &station.name,
        "plans.title",
        &[
            "field.kind",
            "field.title",
            "plans.version",
            "plans.steps",
            "plans.last_drill",
            "plans.readiness",
        ],
        &rows,
    )
}
