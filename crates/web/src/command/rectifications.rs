//! Rectification orders (整改): ordered from an inspection's failed items, reported fixed by
//! the responsible station with photos, verified and closed (销号) or reopened by the
//! inspectors. Past its deadline and not closed, an order is overdue and shows red.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use yizhan_core::access::{Actor, Permission, Principal, Role, Scope, role_allows};
use yizhan_core::command::inspection::Unit;
use yizhan_core::command::rectification::{
    Action, OrderInput, ReplyInput, Status, validate_order, validate_submission, validate_verdict,
};
use yizhan_store::command::inspections::Inspection;
use yizhan_store::command::photos::{self, Photo};
use yizhan_store::command::rectifications::{self, Rectification};

use crate::auth::Ctx;
use crate::command::inspections::visible_inspection;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::export::{self, Cell};
use crate::kit::extract::{FormBody, Id, Query, RawBody, json_form};
use crate::kit::layout::Layout;
use crate::kit::listing::{ListQuery, Listing, listing};
use crate::kit::render;
use crate::kit::today;
use crate::policy::deny;
use crate::state::AppState;

/// Does this person act for the unit itself — the station's lead, the enterprise's own
/// account, the street's commander — and not merely hold it in scope from above?
pub(crate) fn acts_for_unit(p: &Principal, unit: Unit) -> bool {
    p.grants.iter().any(|g| {
        let allowed = role_allows(g.role, Permission::RectificationsSubmit);
        match (unit, g.scope) {
            (Unit::Station(id), Scope::Station(s)) => allowed && s == id,
            (Unit::Enterprise(id), Scope::Enterprise(e)) => allowed && e == id,
            (Unit::Street(id), Scope::Street(s)) => allowed && g.role == Role::Commander && s == id,
            _ => false,
        }
    })
}

/// The order if this person may see it (as its inspection) and, for `need`, act on it.
/// Reporting a fix (`RectificationsSubmit`) is for the responsible unit itself.
pub(crate) async fn visible_rectification(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    need: Permission,
) -> Result<Rectification, WebError> {
    let r = rectifications::get(&state.db, id).await?;
    let p = ctx.user()?;
    let sees = r.seen_by(&p.grants);
    let unit_side = need != Permission::RectificationsSubmit || acts_for_unit(p, r.unit());
    if !sees || !p.can(need, r.target()) || !unit_side {
        return Err(deny(state, ctx, &format!("rectification {id}"), WebError::NotFound).await);
    }
    Ok(r)
}

pub struct Row {
    pub r: Rectification,
    pub severity: String,
    pub status: String,
    pub overdue: bool,
}

pub fn row(tr: &Tr, r: Rectification) -> Row {
    Row {
        severity: tr.t(r.severity.label_key()).to_owned(),
        status: tr.t(r.status.label_key()).to_owned(),
        overdue: r.overdue(today()),
        r,
    }
}

#[derive(Deserialize, Default)]
pub struct Filter {
    /// `1`: only the overdue ones (the link behind the red count).
    #[serde(default)]
    overdue: String,
    /// `1`: include closed orders.
    #[serde(default)]
    all: String,
    /// Only this station's orders (the link from a station's line on the district board).
    #[serde(default)]
    station: String,
}

pub(crate) async fn rows(state: &AppState, ctx: &Ctx, f: &Filter) -> Result<Vec<Row>, WebError> {
    let tr = ctx.tr();
    let mut out = Vec::new();
    for r in rectifications::list(&state.db).await? {
        if !r.seen_by(&ctx.user()?.grants)
            || (!f.station.is_empty()
                && Some(f.station.as_str()) != r.station_id.map(|s| s.to_string()).as_deref())
        {
            continue;
        }
        let row = row(&tr, r);
        let closed = row.r.status() == Status::Closed;
        if (f.overdue == "1" && !row.overdue) || (closed && f.all != "1" && f.overdue != "1") {
            continue;
        }
        out.push(row);
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "rectifications/list.html")]
struct ListPage {
    layout: Layout,
    list: Listing<Row>,
    overdue: usize,
    only_overdue: bool,
    all: bool,
}

/// `GET /rectifications`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(f): Query<Filter>,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let rows = rows(&state, &ctx, &f).await?;
    let overdue = rows.iter().filter(|r| r.overdue).count();
    let keep =
        [("overdue", f.overdue.as_str()), ("all", f.all.as_str()), ("station", f.station.as_str())];
    let list = listing(
        &ctx.tr(),
        "/rectifications",
        &keep,
        &query,
        rows,
        |r| vec![&r.r.station_name, &r.r.topic, &r.r.item, &r.r.finding, &r.r.responsible],
        &[
            ("deadline", |a, b| a.r.deadline.cmp(&b.r.deadline)),
            ("station", |a, b| a.r.station_name.cmp(&b.r.station_name)),
            ("status", |a, b| a.status.cmp(&b.status)),
        ],
    )?;
    render::page(&ListPage {
        layout: Layout::new(&state, &ctx, "rectification.title"),
        overdue,
        only_overdue: f.overdue == "1",
        all: f.all == "1",
        list,
    })
}

/// `GET /rectifications.xlsx`.
pub async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(f): Query<Filter>,
) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let yes = tr.t("common.yes").to_owned();
    let data: Vec<Vec<Cell>> = rows(&state, &ctx, &f)
        .await?
        .into_iter()
        .map(|r| {
            vec![
                Cell::from(r.r.station_name.clone()),
                Cell::from(format!("{} · {}", r.r.topic, r.r.item)),
                Cell::from(r.r.finding.clone()),
                Cell::from(r.severity),
                Cell::from(r.r.responsible.clone()),
                Cell::from(r.r.deadline.to_string()),
                Cell::from(r.status),
                Cell::from(if r.overdue { yes.clone() } else { String::new() }),
                Cell::from(r.r.reopened),
            ]
        })
        .collect();
    export::station_list(
        &tr,
        tr.t("rectification.district"),
        "rectification.title",
        &[
            "field.station_id",
            "field.item_id",
            "rectification.finding",
            "field.severity",
            "field.responsible",
            "field.deadline",
            "field.status",
            "rectification.overdue",
            "rectification.reopened",
        ],
        &data,
    )
}

#[derive(Template)]
#[template(path = "rectifications/show.html")]
struct ShowPage {
    layout: Layout,
    r: Row,
    photos: Vec<Photo>,
    can_submit: bool,
    can_verify: bool,
    f: ReplyInput,
    error: Option<String>,
}

async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    r: Rectification,
    f: ReplyInput,
    e: Option<&WebError>,
) -> Result<ShowPage, WebError> {
    let tr = ctx.tr();
    let p = ctx.user()?;
    let status = r.status();
    let photos = photos::of_inspection(&state.db, r.inspection_id)
        .await?
        .into_iter()
        .filter(|ph| ph.rectification_id == Some(r.id))
        .collect();
    Ok(ShowPage {
        layout: Layout::new(state, ctx, "rectification.title"),
        can_submit: acts_for_unit(p, r.unit()) && matches!(status, Status::Open | Status::Reopened),
        can_verify: p.can(Permission::InspectionsManage, r.target()) && status == Status::Submitted,
        photos,
        f,
        error: e.map(|e| e.message(&tr)),
        r: row(&tr, r),
    })
}

/// `GET /rectifications/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let r = visible_rectification(&state, &ctx, id, Permission::InspectionsRead).await?;
    render::page(&show_page(&state, &ctx, r, ReplyInput::default(), None).await?)
}

/// `POST /inspections/{id}/rectifications`: orders the fix of a failed item.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<OrderInput>,
) -> Result<Response, WebError> {
    let i = visible_inspection(&state, &ctx, id, true).await?;
    match order(&state, &ctx, &i, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/inspections/{id}#rectifications")).into_response()),
        Err(e) if e.is_correctable() => {
            crate::command::inspections::show_with_error(&state, &ctx, i, e).await
        }
        Err(e) => Err(e),
    }
}

/// Orders the fix of a failed item of inspection `i`: the order's id. The page and the API call it.
async fn order(
    state: &AppState,
    ctx: &Ctx,
    i: &Inspection,
    f: &OrderInput,
) -> Result<i64, WebError> {
    let o = validate_order(f, today())?;
    Ok(rectifications::create(&state.db, &Actor::from(ctx.user()?), i, &o).await?)
}

/// Reads a form into the step it asks for and its text.
type ParseStep =
    fn(&ReplyInput) -> Result<(Action, Option<String>), yizhan_core::error::DomainError>;

/// Takes the step `f` asks for on order `id` (already found visible).
async fn act(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    f: &ReplyInput,
    parse: ParseStep,
) -> Result<(), WebError> {
    let (action, text) = parse(f)?;
    let actor = Actor::from(ctx.user()?);
    rectifications::act(&state.db, &actor, id, action, text.as_deref()).await?;
    Ok(())
}

async fn step(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    need: Permission,
    f: ReplyInput,
    parse: ParseStep,
) -> Result<Response, WebError> {
    let r = visible_rectification(state, ctx, id, need).await?;
    match act(state, ctx, id, &f, parse).await {
        Ok(()) => Ok(Redirect::to(&format!("/rectifications/{id}")).into_response()),
        Err(e) if e.is_correctable() => {
            let page = show_page(state, ctx, r, f, Some(&e)).await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// The submission's step: what was done, required.
fn submission(f: &ReplyInput) -> Result<(Action, Option<String>), yizhan_core::error::DomainError> {
    Ok((Action::Submit, Some(validate_submission(f)?)))
}

/// `POST /rectifications/{id}/submit`: the station reports the fix.
pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<ReplyInput>,
) -> Result<Response, WebError> {
    step(&state, &ctx, id, Permission::RectificationsSubmit, f, submission).await
}

/// `POST /rectifications/{id}/verify`: the inspectors close it (销号) or reopen it.
pub async fn verify(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<ReplyInput>,
) -> Result<Response, WebError> {
    step(&state, &ctx, id, Permission::InspectionsManage, f, validate_verdict).await
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct ApiRectification {
    #[serde(flatten)]
    pub rectification: Rectification,
    pub overdue: bool,
    pub photos: Vec<Photo>,
}

/// `GET /api/v1/rectifications/{id}`.
pub async fn api_show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<ApiRectification>, WebError> {
    visible_rectification(&state, &ctx, id, Permission::InspectionsRead).await?;
    Ok(Json(api_answer(&state, id).await?))
}

/// Order `id` as the API shows it: with whether it is overdue and its photos.
async fn api_answer(state: &AppState, id: i64) -> Result<ApiRectification, WebError> {
    let r = rectifications::get(&state.db, id).await?;
    let photos = photos::of_inspection(&state.db, r.inspection_id)
        .await?
        .into_iter()
        .filter(|ph| ph.rectification_id == Some(id))
        .collect();
    Ok(ApiRectification { overdue: r.overdue(today()), rectification: r, photos })
}

/// `POST /api/v1/inspections/{id}/rectifications` with `{"item_id", "severity", "responsible",
/// "deadline"}`: 201 with the order for a failed item.
pub async fn api_create(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Response, WebError> {
    let i = visible_inspection(&state, &ctx, id, true).await?;
    let f: OrderInput = json_form(&body)?;
    let order_id = order(&state, &ctx, &i, &f).await?;
    Ok((StatusCode::CREATED, Json(api_answer(&state, order_id).await?)).into_response())
}

/// `POST /api/v1/rectifications/{id}/submit` with `{"text"}`: the unit reports the fix.
pub async fn api_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Json<ApiRectification>, WebError> {
    api_step(&state, &ctx, id, Permission::RectificationsSubmit, &body, submission).await
}

/// `POST /api/v1/rectifications/{id}/verify` with `{"decision": "close" | "reopen", "text"}`.
pub async fn api_verify(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Json<ApiRectification>, WebError> {
    api_step(&state, &ctx, id, Permission::InspectionsManage, &body, validate_verdict).await
}

/// The API's step on order `id`: found visible for `need`, the JSON body parsed, the step
/// taken, the order answered.
async fn api_step(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    need: Permission,
    body: &[u8],
    parse: ParseStep,
) -> Result<Json<ApiRectification>, WebError> {
    visible_rectification(state, ctx, id, need).await?;
    act(state, ctx, id, &json_form(body)?, parse).await?;
    Ok(Json(api_answer(state, id).await?))
}
