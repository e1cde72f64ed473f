//! The inspection's work through the API (issue 22, parity): plan, start, record each item's
//! result, finish — the same operations, scope checks and audit as the pages.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use yizhan_core::access::Actor;
use yizhan_core::command::inspection::InspectionInput;
use yizhan_store::command::inspections;

use super::{ApiInspection, RecordForm, left_unanswered, plan, record_one, visible_inspection};
use crate::auth::Ctx;
use crate::error::WebError;
use crate::kit::extract::{Id, RawBody, json_form};
use crate::state::AppState;

/// The inspection as `GET /api/v1/inspections/{id}` shows it.
pub(super) async fn answer(state: &AppState, id: i64) -> Result<ApiInspection, WebError> {
    let inspection = inspections::get(&state.db, id).await?;
    Ok(ApiInspection {
        items: inspections::items(&state.db, inspection.template_id).await?,
        results: inspections::results(&state.db, id).await?,
        inspection,
    })
}

/// `POST /api/v1/inspections` with `{"template_id", "unit", "kind", "planned_on", "team"}`:
/// 201 with the planned inspection.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    RawBody(body): RawBody,
) -> Result<Response, WebError> {
    let f: InspectionInput = json_form(&body)?;
    let id = plan(&state, &ctx, &f).await?;
    Ok((StatusCode::CREATED, Json(answer(&state, id).await?)).into_response())
}

/// `POST /api/v1/inspections/{id}/start`: the inspectors are on site.
pub async fn start(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<ApiInspection>, WebError> {
    visible_inspection(&state, &ctx, id, true).await?;
    inspections::start(&state.db, &Actor::from(ctx.user()?), id).await?;
    Ok(Json(answer(&state, id).await?))
}

/// `POST /api/v1/inspections/{id}/results` with `{"item_id", "result", "note"}`: one item's
/// result (again for the same item: replaced).
pub async fn record(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Json<ApiInspection>, WebError> {
    let i = visible_inspection(&state, &ctx, id, true).await?;
    let f: RecordForm = json_form(&body)?;
    record_one(&state, &ctx, &i, &f).await?;
    Ok(Json(answer(&state, id).await?))
}

/// `POST /api/v1/inspections/{id}/finish`: 422 on `results` while an item has none.
pub async fn finish(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<ApiInspection>, WebError> {
    let i = visible_inspection(&state, &ctx, id, true).await?;
    if i.finished_at.is_none() && !left_unanswered(&state, &i).await?.is_empty() {
        return Err(WebError::Rule {
            field: Some("results".into()),
            key: "error.inspection_unanswered",
        });
    }
    inspections::finish(&state.db, &Actor::from(ctx.user()?), &i).await?;
    Ok(Json(answer(&state, id).await?))
}
