//! The JSON API of stays: check-in (under the guest), the stay with its test calendar, a room
//! change, a changed period and check-out. The same operations as the pages (`super::do_check_in` …).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use yizhan_core::access::Permission;
use yizhan_core::station::stay::{CheckInInput, CheckOutInput};
use yizhan_store::station::stays::{self, Stay, StayTest};

use super::{MoveInput, do_check_in, do_check_out, do_move, do_period, visible_stay};
use crate::auth::Ctx;
use crate::error::WebError;
use crate::kit::extract::{Id, RawBody, json_from};
use crate::state::AppState;
use crate::station::guests::visible_guest;
use crate::station::rooms::json::text;

#[derive(Serialize, schemars::JsonSchema)]
pub struct StayView {
    #[serde(flatten)]
    stay: Stay,
    tests: Vec<StayTest>,
}

pub(crate) async fn stay_view(state: &AppState, stay: Stay) -> Result<StayView, WebError> {
    let tests = stays::tests(&state.db, stay.id).await?;
    Ok(StayView { stay, tests })
}

#[derive(Deserialize)]
pub struct CheckInBody {
    room_id: serde_json::Value,
    policy_id: serde_json::Value,
}

/// `POST /api/v1/guests/{id}/check-in`.
pub async fn check_in(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Response, WebError> {
    let g = visible_guest(&state, &ctx, id, Permission::GuestsWrite).await?;
    let b: CheckInBody = json_from(&body)?;
    let stay = do_check_in(
        &state,
        &ctx,
        &g,
        &CheckInInput { room_id: text(&b.room_id), policy_id: text(&b.policy_id) },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(stay_view(&state, stay).await?)).into_response())
}

/// `GET /api/v1/stays/{id}`.
pub async fn get_stay(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<StayView>, WebError> {
    let s = visible_stay(&state, &ctx, id, Permission::GuestsRead).await?;
    Ok(Json(stay_view(&state, s).await?))
}

#[derive(Deserialize)]
pub struct MoveBody {
    room_id: serde_json::Value,
    #[serde(default)]
    reason: String,
}

/// `POST /api/v1/stays/{id}/move`.
pub async fn move_room(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Json<StayView>, WebError> {
    let s = visible_stay(&state, &ctx, id, Permission::GuestsWrite).await?;
    let b: MoveBody = json_from(&body)?;
    let s = do_move(&state, &ctx, &s, &MoveInput { room_id: text(&b.room_id), reason: b.reason })
        .await?;
    Ok(Json(stay_view(&state, s).await?))
}

/// `POST /api/v1/stays/{id}/check-out`.
pub async fn check_out(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Json<StayView>, WebError> {
    let s = visible_stay(&state, &ctx, id, Permission::GuestsRead).await?;
    let i: CheckOutInput = json_from(&body)?;
    let s = do_check_out(&state, &ctx, &s, &i).await?;
    Ok(Json(stay_view(&state, s).await?))
}

#[derive(Deserialize)]
pub struct PeriodBody {
    days: serde_json::Value,
    #[serde(default)]
    reason: String,
}

/// `POST /api/v1/stays/{id}/period`.
pub async fn period(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Json<StayView>, WebError> {
    let s = visible_stay(&state, &ctx, id, Permission::ReleaseApprove).await?;
    let b: PeriodBody = json_from(&body)?;
    let i = yizhan_core::station::period::PeriodInput { days: text(&b.days), reason: b.reason };
    let s = do_period(&state, &ctx, &s, &i).await?;
    Ok(Json(stay_view(&state, s).await?))
}

/// Where to and why, as a JSON body says it (`{"station_id": 3 | "any", "reason"}`): a transfer
/// sent, or the command's allocation of one.
pub fn transfer_input(
    body: &[u8],
) -> Result<yizhan_core::station::transfer::TransferInput, WebError> {
    #[derive(Deserialize)]
    struct Body {
        station_id: serde_json::Value,
        #[serde(default)]
        reason: String,
    }
    let b: Body = json_from(body)?;
    Ok(yizhan_core::station::transfer::TransferInput {
        station_id: text(&b.station_id),
        reason: b.reason,
    })
}

/// `POST /api/v1/stays/{id}/transfer` (`{"station_id": 3 | "any", "reason"}`): the guest in
/// transit.
pub async fn transfer(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Response, WebError> {
    let s = visible_stay(&state, &ctx, id, Permission::GuestsWrite).await?;
    let i = transfer_input(&body)?;
    let t = super::do_transfer(&state, &ctx, &s, &i).await?;
    Ok((StatusCode::CREATED, Json(crate::station::transfers::ApiTransfer::from(t))).into_response())
}

/// `POST /api/v1/transfers/{id}/accept` (`{"room_id"}`): the stay opened at the receiving
/// station.
pub async fn accept_transfer(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Response, WebError> {
    #[derive(Deserialize)]
    struct Body {
        room_id: serde_json::Value,
    }
    let t = crate::station::transfers::visible_transfer(&state, &ctx, id).await?;
    let b: Body = json_from(&body)?;
    let i = crate::station::transfers::AcceptInput { room_id: text(&b.room_id) };
    let s = crate::station::transfers::do_accept(&state, &ctx, &t, &i).await?;
    Ok((StatusCode::CREATED, Json(stay_view(&state, s).await?)).into_response())
}
