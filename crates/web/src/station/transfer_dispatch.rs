//! A transfer on its way: the station it is addressed to refuses it, saying why, from its
//! 转运交接 page; the district's command sees every guest in transit on 转运调度 — where each was
//! sent, who refused it and why — and addresses it to a station. JSON twins for both.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use yizhan_core::access::{Actor, Permission, Target};
use yizhan_core::mask::mask_name;
use yizhan_core::station::transfer::{
    RouteKind, TransferInput, TransferState, validate_refusal, validate_transfer,
};
use yizhan_core::time::local_display;
use yizhan_store::station::transfer_routes::{self, Route};
use yizhan_store::station::transfers::{self, Transfer};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::export::{self, Cell};
use crate::kit::extract::{FormBody, Id, RawBody, json_from};
use crate::kit::layout::Layout;
use crate::kit::refused::Refused;
use crate::kit::render;
use crate::policy::deny;
use crate::state::AppState;

#[derive(Deserialize, Default)]
pub struct RefuseInput {
    #[serde(default)]
    pub reason: String,
}

/// Transfer `id` if it is addressed to a station where the person checks guests in (404 else),
/// with that station.
async fn addressed(state: &AppState, ctx: &Ctx, id: i64) -> Result<(Transfer, i64), WebError> {
    let t = transfers::get(&state.db, id).await?;
    if let (TransferState::InTransit, Some(to)) = (t.state, t.to_station_id) {
        let target = yizhan_store::station::stations::get(&state.db, to).await?.target();
        if ctx.user()?.can(Permission::GuestsWrite, target) {
            return Ok((t, to));
        }
    }
    Err(deny(state, ctx, &format!("transfer {id} refusal"), WebError::NotFound).await)
}

async fn do_refuse(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    station: i64,
    reason: &str,
) -> Result<(), WebError> {
    let reason = validate_refusal(reason)?;
    let actor = Actor::from(ctx.user()?);
    Ok(transfer_routes::refuse(&state.db, &actor, id, station, &reason).await?)
}

/// `POST /transfers/{id}/refuse`: back to the station's 转运交接 page.
pub async fn refuse(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(i): FormBody<RefuseInput>,
) -> Result<Response, WebError> {
    let (_, station) = addressed(&state, &ctx, id).await?;
    match do_refuse(&state, &ctx, id, station, &i.reason).await {
        Ok(()) => Ok(Redirect::to(&format!("/stations/{station}/transfers")).into_response()),
        Err(e) if e.is_correctable() => {
            let s =
                crate::station::stations::visible(&state, &ctx, station, Permission::GuestsRead)
                    .await?;
            let page = crate::station::transfers::list_page(&state, &ctx, s, 1, Some(&e)).await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `POST /api/v1/transfers/{id}/refuse` (`{"reason"}`): 204.
pub async fn api_refuse(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Response, WebError> {
    let (_, station) = addressed(&state, &ctx, id).await?;
    let i: RefuseInput = json_from(&body)?;
    do_refuse(&state, &ctx, id, station, &i.reason).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Housing guests across stations (the dispatch, the arrivals' allocation) is the district's:
/// only district-wide holders of the permission; `what` names the refused page in the log.
pub(crate) async fn district_wide(state: &AppState, ctx: &Ctx, what: &str) -> Result<(), WebError> {
    if ctx.user()?.can(Permission::TransfersAllocate, Target::District) {
        return Ok(());
    }
    Err(deny(state, ctx, what, WebError::Forbidden).await)
}

/// A guest in transit as the dispatch shows them.
pub struct Line {
    pub id: i64,
    pub name: String,
    pub category: String,
    pub from_station_id: i64,
    pub from: String,
    /// The station it is addressed to, or "awaiting the command".
    pub to: String,
    pub waiting: bool,
    pub reason: String,
    pub sent: String,
    /// Each step of its way, in words.
    pub way: Vec<String>,
}

fn said(tr: &Tr, r: &Route) -> String {
    let station = r.station.clone().unwrap_or_else(|| tr.t("transfer.any_station").to_owned());
    let why = r.reason.clone().unwrap_or_default();
    format!(
        "{} · {station} · {why} · {} {}",
        tr.t(r.kind.label_key()),
        r.decided_by,
        local_display(r.decided_at)
    )
}

#[derive(Template)]
#[template(path = "transfers/dispatch.html")]
struct DispatchPage {
    layout: Layout,
    lines: Vec<Line>,
    /// Active stations, (id, name).
    stations: Vec<(i64, String)>,
    refused: Refused,
}

/// Every guest in transit, as the dispatch shows them, the oldest first.
async fn lines(state: &AppState, tr: &Tr) -> Result<Vec<Line>, WebError> {
    let mut lines = Vec::new();
    for t in transfers::in_transit(&state.db).await? {
        let way = transfer_routes::of_transfer(&state.db, t.id).await?;
        lines.push(Line {
            id: t.id,
            name: mask_name(&t.guest_name),
            category: crate::station::guests::category_label(tr, t.category),
            from_station_id: t.from_station_id,
            from: t.from_station.clone(),
            waiting: t.to_station_id.is_none(),
            to: t
                .to_station
                .clone()
                .unwrap_or_else(|| tr.t("transfer.awaiting_command").to_owned()),
            reason: t.reason.clone(),
            sent: local_display(t.sent_at),
            way: way.iter().map(|r| said(tr, r)).collect(),
        });
    }
    Ok(lines)
}

async fn dispatch_page(
    state: &AppState,
    ctx: &Ctx,
    e: Option<&WebError>,
) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let lines = lines(state, &tr).await?;
    let stations = yizhan_store::station::stations::list(&state.db)
        .await?
        .into_iter()
        .filter(|s| s.active)
        .map(|s| (s.id, s.name))
        .collect();
    let page = DispatchPage {
        layout: Layout::new(state, ctx, "transfer.dispatch_title"),
        lines,
        stations,
        refused: Refused::of(e, &tr),
    };
    render::form_page(&page, e)
}

/// `GET /transfers/export.xlsx`: every guest in transit with their way, masked.
pub async fn export(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    district_wide(&state, &ctx, "transfer dispatch").await?;
    let tr = ctx.tr();
    let headers = [
        "field.person_name",
        "field.category",
        "transfer.from_station",
        "transfer.to_station",
        "transfer.sent_at",
        "field.reason",
        "transfer.way",
    ]
    .map(|k| tr.t(k));
    let rows: Vec<Vec<Cell>> = lines(&state, &tr)
        .await?
        .into_iter()
        .map(|l| {
            [l.name, l.category, l.from, l.to, l.sent, l.reason, l.way.join("\n")]
                .into_iter()
                .map(Cell::Text)
                .collect()
        })
        .collect();
    let title = tr.t("transfer.dispatch_title");
    export::xlsx(title, title, &headers, &rows)
}

/// `GET /transfers`.
pub async fn dispatch(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    district_wide(&state, &ctx, "transfer dispatch").await?;
    dispatch_page(&state, &ctx, None).await
}

async fn do_redirect(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    i: &TransferInput,
) -> Result<(), WebError> {
    district_wide(state, ctx, "transfer dispatch").await?;
    let t = transfers::get(&state.db, id).await?;
    let o = validate_transfer(i, t.from_station_id)?;
    let actor = Actor::from(ctx.user()?);
    Ok(transfer_routes::redirect(&state.db, &actor, id, o.to_station, &o.reason).await?)
}

/// `POST /transfers/{id}/redirect` (`station_id`: a station or `any`; `reason`).
pub async fn redirect(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(i): FormBody<TransferInput>,
) -> Result<Response, WebError> {
    match do_redirect(&state, &ctx, id, &i).await {
        Ok(()) => Ok(Redirect::to("/transfers").into_response()),
        Err(e) if e.is_correctable() => dispatch_page(&state, &ctx, Some(&e)).await,
        Err(e) => Err(e),
    }
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct ApiInTransit {
    pub id: i64,
    /// Masked.
    pub name: String,
    pub from_station_id: i64,
    /// None: awaiting the command.
    pub to_station_id: Option<i64>,
    pub reason: String,
    pub sent_at: String,
    pub way: Vec<ApiRoute>,
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct ApiRoute {
    pub kind: RouteKind,
    pub station_id: Option<i64>,
    pub reason: Option<String>,
    pub decided_at: String,
}

/// `GET /api/v1/transfers`: every guest in transit, with their way so far.
pub async fn api_dispatch(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<ApiInTransit>>, WebError> {
    district_wide(&state, &ctx, "transfer dispatch").await?;
    let mut out = Vec::new();
    for t in transfers::in_transit(&state.db).await? {
        let way = transfer_routes::of_transfer(&state.db, t.id)
            .await?
            .into_iter()
            .map(|r| ApiRoute {
                kind: r.kind,
                station_id: r.station_id,
                reason: r.reason,
                decided_at: r.decided_at.to_rfc3339(),
            })
            .collect();
        out.push(ApiInTransit {
            id: t.id,
            name: mask_name(&t.guest_name),
            from_station_id: t.from_station_id,
            to_station_id: t.to_station_id,
            reason: t.reason,
            sent_at: t.sent_at.to_rfc3339(),
            way,
        });
    }
    Ok(Json(out))
}

/// `POST /api/v1/transfers/{id}/redirect` (`{"station_id": 3 | "any", "reason"}`): 204.
pub async fn api_redirect(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Response, WebError> {
    // Who asks first: a refused person learns nothing from the body's shape.
    district_wide(&state, &ctx, "transfer dispatch").await?;
    let i = crate::station::stays::json::transfer_input(&body)?;
    do_redirect(&state, &ctx, id, &i).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
