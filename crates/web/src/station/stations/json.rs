//! Streets and stations.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use yizhan_core::access::{Permission, Target};
use yizhan_core::station::stations::StationInput;
use yizhan_store::station::stations::{self, Station, Street};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::kit::extract::{Id, JsonBody, Query, RawBody, json_from};
use crate::kit::listing::{ListQuery, listing};
use crate::state::AppState;
use crate::station::rooms::json::text;
use crate::station::stations::{save, visible};

/// `GET /api/v1/streets`.
pub async fn streets(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<Street>>, WebError> {
    let p = ctx.user()?;
    let all = stations::streets(&state.db).await?;
    let stations = stations::list(&state.db).await?;
    // A street is listed when the user sees it or any station in it.
    Ok(Json(
        all.into_iter()
            .filter(|s| {
                p.can(Permission::StationsRead, Target::Street(s.id))
                    || stations.iter().any(|st| {
                        st.street_id == s.id && p.can(Permission::StationsRead, st.target())
                    })
            })
            .collect(),
    ))
}

/// `GET /api/v1/stations?q=&page=&sort=`: 50 a page, the total in `X-Total-Count`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let p = ctx.user()?;
    let rows: Vec<Station> = stations::list(&state.db)
        .await?
        .into_iter()
        .filter(|s| p.can(Permission::StationsRead, s.target()))
        .collect();
    Ok(listing(&ctx.tr(), "/api/v1/stations", &[], &query, rows, super::texts, super::ORDERS)?
        .json())
}

/// `GET /api/v1/stations/{id}`.
pub async fn get(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<Station>, WebError> {
    Ok(Json(visible(&state, &ctx, id, Permission::StationsRead).await?))
}

/// JSON numbers and booleans are accepted as well as strings.
#[derive(Deserialize)]
pub struct StationBody {
    street_id: serde_json::Value,
    name: String,
    address: String,
    kind: String,
    capacity: serde_json::Value,
    contact_name: String,
    contact_phone: String,
    #[serde(default)]
    active: Option<bool>,
}

impl From<StationBody> for StationInput {
    fn from(b: StationBody) -> Self {
        StationInput {
            street_id: text(&b.street_id),
            name: b.name,
            address: b.address,
            kind: b.kind,
            capacity: text(&b.capacity),
            contact_name: b.contact_name,
            contact_phone: b.contact_phone,
            active: b.active.map(|a| a.to_string()),
        }
    }
}

/// `POST /api/v1/stations`.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    JsonBody(b): JsonBody<StationBody>,
) -> Result<Response, WebError> {
    let s = save(&state, &ctx, None, &b.into()).await?;
    Ok((StatusCode::CREATED, Json(s)).into_response())
}

/// `PUT /api/v1/stations/{id}`.
/// Scope first, body second: someone outside the station's scope learns nothing from the body check.
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Json<Station>, WebError> {
    visible(&state, &ctx, id, Permission::StationsWrite).await?;
    let b: StationBody = json_from(&body)?;
    Ok(Json(save(&state, &ctx, Some(id), &b.into()).await?))
}
