//! Rooms of a station.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use yizhan_core::access::Permission;
use yizhan_core::station::room::{
    BulkRoomsInput, RoomInput, StateChangeInput, validate_bulk, validate_room,
};
use yizhan_store::station::rooms::{self, Room};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::kit::extract::{Id, RawBody, json_from};
use crate::state::AppState;
use crate::station::rooms::{change_state, create_rooms, save_room, visible_room};
use crate::station::stations::visible;

/// `GET /api/v1/stations/{id}/rooms`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<Vec<Room>>, WebError> {
    visible(&state, &ctx, id, Permission::StationsRead).await?;
    Ok(Json(rooms::list(&state.db, id).await?))
}

/// One room (`{"number", "floor", "beds", "kind", "note"}`) or a range
/// (`{"floor", "from", "to", "beds", "kind", "prefix"}`), told apart by `from`.
#[derive(Deserialize)]
#[serde(untagged)]
pub enum CreateBody {
    Bulk {
        floor: serde_json::Value,
        #[serde(alias = "from")]
        first: serde_json::Value,
        #[serde(alias = "to")]
        last: serde_json::Value,
        beds: serde_json::Value,
        kind: String,
        #[serde(default)]
        prefix: String,
    },
    One {
        number: serde_json::Value,
        floor: serde_json::Value,
        beds: serde_json::Value,
        kind: String,
        #[serde(default)]
        note: Option<String>,
    },
}

pub fn text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// `POST /api/v1/stations/{id}/rooms`.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Response, WebError> {
    visible(&state, &ctx, id, Permission::RoomsManage).await?;
    let new = match json_from::<CreateBody>(&body)? {
        CreateBody::Bulk { floor, first, last, beds, kind, prefix } => {
            validate_bulk(&BulkRoomsInput {
                floor: text(&floor),
                first: text(&first),
                last: text(&last),
                beds: text(&beds),
                kind,
                prefix,
            })?
        }
        CreateBody::One { number, floor, beds, kind, note } => vec![validate_room(&RoomInput {
            number: text(&number),
            floor: text(&floor),
            beds: text(&beds),
            kind,
            note: note.unwrap_or_default(),
        })?],
    };
    create_rooms(&state, &ctx, id, &new).await?;
    Ok((StatusCode::CREATED, Json(rooms::list(&state.db, id).await?)).into_response())
}

/// `GET /api/v1/rooms/{id}`.
pub async fn get(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<Room>, WebError> {
    Ok(Json(visible_room(&state, &ctx, id, Permission::StationsRead).await?))
}

#[derive(Deserialize)]
pub struct RoomBody {
    number: serde_json::Value,
    floor: serde_json::Value,
    beds: serde_json::Value,
    kind: String,
    #[serde(default)]
    note: Option<String>,
}

/// `PUT /api/v1/rooms/{id}`.
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Json<Room>, WebError> {
    let room = visible_room(&state, &ctx, id, Permission::RoomsManage).await?;
    let b: RoomBody = json_from(&body)?;
    let input = RoomInput {
        number: text(&b.number),
        floor: text(&b.floor),
        beds: text(&b.beds),
        kind: b.kind,
        note: b.note.unwrap_or_default(),
    };
    Ok(Json(save_room(&state, &ctx, &room, &input).await?))
}

/// `POST /api/v1/rooms/{id}/state`.
pub async fn set_state(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Json<Room>, WebError> {
    let room = visible_room(&state, &ctx, id, Permission::RoomsOperate).await?;
    let input: StateChangeInput = json_from(&body)?;
    Ok(Json(change_state(&state, &ctx, &room, &input).await?))
}
