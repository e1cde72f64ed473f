//! 出车登记: a cross-border driver out on a run and back (from the guest's page), the station's
//! drivers out now and the record of runs (paged, exported), and a violation with what it
//! proposes for the exemption.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use yizhan_core::access::{Actor, Permission};
use yizhan_core::station::trip::{
    TripInput, ViolationInput, is_late, validate_trip, validate_violation,
};
use yizhan_core::time::local_display;
use yizhan_store::station::stations::Station;
use yizhan_store::station::stays::Stay;
use yizhan_store::station::trips::{self, Trip};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::kit::export::{self, Cell};
use crate::kit::extract::{FormBody, Id, Query, RawBody, json_from};
use crate::kit::layout::Layout;
use crate::kit::pager::{PER_PAGE, Pager, page_of};
use crate::kit::render;
use crate::state::AppState;
use crate::station::stations::visible;
use crate::station::stays::{back_to_guest, visible_stay};

async fn do_out(state: &AppState, ctx: &Ctx, s: &Stay, i: &TripInput) -> Result<Trip, WebError> {
    let t = validate_trip(i)?;
    Ok(trips::out(&state.db, &Actor::from(ctx.user()?), s.id, &t).await?)
}

/// `POST /stays/{id}/trips`: the driver leaves for a run.
pub async fn out(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(i): FormBody<TripInput>,
) -> Result<Response, WebError> {
    let s = visible_stay(&state, &ctx, id, Permission::GuestsWrite).await?;
    let done = do_out(&state, &ctx, &s, &i).await.map(|_| s.clone());
    back_to_guest(&state, &ctx, &s, done).await
}

/// Trip `id` and its stay, if the person may record at its station; else 404.
async fn visible_trip(state: &AppState, ctx: &Ctx, id: i64) -> Result<(Trip, Stay), WebError> {
    let t = trips::get(&state.db, id).await?;
    let s = visible_stay(state, ctx, t.stay_id, Permission::GuestsWrite).await?;
    Ok((t, s))
}

/// `POST /trips/{id}/back`: the driver is back.
pub async fn back(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let (t, s) = visible_trip(&state, &ctx, id).await?;
    let done = trips::back(&state.db, &Actor::from(ctx.user()?), t.id).await;
    back_to_guest(&state, &ctx, &s, done.map(|_| s.clone()).map_err(WebError::from)).await
}

/// `POST /stays/{id}/violations`: the lead records a violation and what it proposes.
pub async fn violation(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(i): FormBody<ViolationInput>,
) -> Result<Response, WebError> {
    let s = visible_stay(&state, &ctx, id, Permission::ExemptionManage).await?;
    let done = match validate_violation(&i) {
        Ok((what, proposal)) => {
            trips::violation(&state.db, &Actor::from(ctx.user()?), s.id, &what, proposal)
                .await
                .map(|_| s.clone())
                .map_err(WebError::from)
        }
        Err(e) => Err(e.into()),
    };
    back_to_guest(&state, &ctx, &s, done).await
}

/// A run as the station's list shows it.
pub struct Row {
    pub guest_id: i64,
    pub room: String,
    pub plate: String,
    pub port: String,
    pub destination: String,
    pub out: String,
    pub expected: String,
    pub back: String,
    pub late: bool,
}

fn rows(all: Vec<Trip>) -> Vec<Row> {
    let now = yizhan_store::db::now();
    all.into_iter()
        .map(|t| Row {
            guest_id: t.guest_id,
            room: t.room_number,
            late: is_late(t.expected_back_at, t.back_at, now),
            plate: t.plate,
            port: t.port,
            destination: t.destination,
            out: local_display(t.out_at),
            expected: local_display(t.expected_back_at),
            back: t.back_at.map(local_display).unwrap_or_default(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "trips/list.html")]
struct ListPage {
    layout: Layout,
    station: Station,
    out_now: Vec<Row>,
    history: Vec<Row>,
    pager: Pager,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    page: Option<String>,
}

/// `GET /stations/{id}/trips`: the drivers out now (late ones marked), and every run, 50 a page.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::GuestsRead).await?;
    let page = page_of(q.page.as_deref())?;
    let out_now = rows(trips::out_now(&state.db, id).await?);
    let (all, total) = trips::of_station(&state.db, id, PER_PAGE, Pager::offset(page)).await?;
    let path = format!("/stations/{id}/trips");
    render::page(&ListPage {
        layout: Layout::new(&state, &ctx, "trip.title"),
        pager: Pager::new(&ctx.tr(), &path, &[], page, total),
        out_now,
        history: rows(all),
        station,
    })
}

/// `GET /stations/{id}/trips/export.xlsx`.
pub async fn export_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::GuestsRead).await?;
    let tr = ctx.tr();
    let (all, _) = trips::of_station(&state.db, id, 500_000, 0).await?;
    let cells: Vec<Vec<Cell>> = rows(all)
        .into_iter()
        .map(|r| {
            let late = match (r.late, r.back.is_empty()) {
                (true, true) => tr.t("trip.late"),
                (true, false) => tr.t("trip.came_late"),
                (false, _) => "",
            };
            vec![
                r.room.into(),
                r.plate.into(),
                r.port.into(),
                r.destination.into(),
                r.out.into(),
                r.expected.into(),
                r.back.into(),
                late.into(),
            ]
        })
        .collect();
    export::station_list(
        &tr,
        &station.name,
        "trip.title",
        &[
            "field.room_id",
            "field.plate",
            "field.port",
            "field.destination",
            "trip.out_at",
            "trip.expected_at",
            "trip.back_at",
            "trip.late",
        ],
        &cells,
    )
}

/// `POST /api/v1/stays/{id}/trips`: the trip as recorded.
pub async fn api_out(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Response, WebError> {
    #[derive(Deserialize)]
    struct Body {
        #[serde(default)]
        plate: String,
        #[serde(default)]
        port: String,
        #[serde(default)]
        destination: String,
        #[serde(default)]
        hours: serde_json::Value,
    }
    let s = visible_stay(&state, &ctx, id, Permission::GuestsWrite).await?;
    let b: Body = json_from(&body)?;
    let i = TripInput {
        plate: b.plate,
        port: b.port,
        destination: b.destination,
        hours: crate::station::rooms::json::text(&b.hours),
    };
    let t = do_out(&state, &ctx, &s, &i).await?;
    Ok((StatusCode::CREATED, Json(t)).into_response())
}

/// `POST /api/v1/trips/{id}/back`.
pub async fn api_back(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<Trip>, WebError> {
    let (t, _) = visible_trip(&state, &ctx, id).await?;
    Ok(Json(trips::back(&state.db, &Actor::from(ctx.user()?), t.id).await?))
}
