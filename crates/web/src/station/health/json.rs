//! Health readings, tests (核酸), key attention and alerts.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value, json};
use yizhan_core::access::{Actor, Permission};
use yizhan_core::error::OnField;
use yizhan_core::station::health::HealthCheckInput;
use yizhan_core::validate::parse_optional_date;
use yizhan_store::station::health;
use yizhan_store::station::sampling::{self, DueTest};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::kit::extract::{Id, Query, RawBody, json_from};
use crate::kit::today;
use crate::state::AppState;
use crate::station::attention::{AttentionRow, list_rows};
use crate::station::health::record_reading;
use crate::station::rooms::json::text;
use crate::station::sampling::{
    import_results, record_result, report_lines, sample_test, visible_test,
};
use crate::station::stations::visible;
use crate::station::stays::visible_stay;

#[derive(Deserialize)]
pub struct ReadingBody {
    temperature: Value,
    #[serde(default)]
    symptoms: Vec<String>,
    #[serde(default)]
    day: String,
    #[serde(default)]
    slot: String,
    #[serde(default)]
    note: String,
}

/// `POST /api/v1/stays/{id}/health`.
pub async fn record(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Json<Recorded>, WebError> {
    visible_stay(&state, &ctx, id, Permission::HealthRecord).await?;
    let b: ReadingBody = json_from(&body)?;
    let input =
        HealthCheckInput { temperature: text(&b.temperature), symptoms: b.symptoms, note: b.note };
    let (check, alert) = record_reading(&state, &ctx, id, &b.day, &b.slot, &input).await?;
    Ok(Json(Recorded { check, alert_id: alert }))
}

/// The reading as kept, and the alert it raised (a fever, a symptom), if any.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct Recorded {
    check: yizhan_store::station::health::HealthCheck,
    alert_id: Option<i64>,
}

/// How many results a list brought in (all of them, or none: a 422 names the bad lines).
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct Imported {
    imported: usize,
}

#[derive(Deserialize)]
pub struct DueQuery {
    day: Option<String>,
}

/// `GET /api/v1/stations/{id}/tests`.
/// Masked: the list carries the guest's name only as `张*卫`.
pub async fn due(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(q): Query<DueQuery>,
) -> Result<Json<Vec<DueTest>>, WebError> {
    visible(&state, &ctx, id, Permission::GuestsRead).await?;
    // No day is today; a day that is not a date is refused, not silently taken for today.
    let day =
        parse_optional_date(q.day.as_deref().unwrap_or_default()).on("day")?.unwrap_or_else(today);
    let mut rows = sampling::due(&state.db, id, day).await?;
    for r in &mut rows {
        r.guest_name = yizhan_core::mask::mask_name(&r.guest_name);
    }
    Ok(Json(rows))
}

#[derive(Deserialize)]
pub struct SampleBody {
    barcode: String,
}

/// `POST /api/v1/tests/{id}/sample`.
pub async fn sample(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Json<Value>, WebError> {
    visible_test(&state, &ctx, id, Permission::TestsRecord).await?;
    let b: SampleBody = json_from(&body)?;
    sample_test(&state, &ctx, id, &b.barcode).await?;
    Ok(Json(json!(sampling::get(&state.db, id).await?)))
}

#[derive(Deserialize)]
pub struct ResultBody {
    result: String,
}

/// `POST /api/v1/tests/{id}/result`.
pub async fn result(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Json<Value>, WebError> {
    visible_test(&state, &ctx, id, Permission::TestsRecord).await?;
    let b: ResultBody = json_from(&body)?;
    record_result(&state, &ctx, id, &b.result).await?;
    Ok(Json(json!(sampling::get(&state.db, id).await?)))
}

#[derive(Deserialize)]
pub struct ResultsBody {
    rows: Vec<ResultLine>,
}

#[derive(Deserialize)]
pub struct ResultLine {
    barcode: String,
    result: String,
}

/// `POST /api/v1/stations/{id}/tests/results`.
/// Many results at once, all or none; 422 with a per-row report when any row is wrong.
pub async fn results(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<axum::response::Response, WebError> {
    use axum::response::IntoResponse;
    visible(&state, &ctx, id, Permission::TestsRecord).await?;
    let b: ResultsBody = json_from(&body)?;
    let mut sheet = vec![vec!["barcode".to_owned(), "result".to_owned()]];
    sheet.extend(b.rows.into_iter().map(|r| vec![r.barcode, r.result]));
    Ok(match import_results(&state, &ctx, id, &sheet).await? {
        Ok(n) => Json(Imported { imported: n }).into_response(),
        Err(report) => {
            let body = json!({
                "error": { "code": "invalid", "message": ctx.tr().t("nat.import_failed"), "field": "rows" },
                "report": report_lines(&ctx.tr(), report),
            });
            (axum::http::StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
        }
    })
}

/// `GET /api/v1/stations/{id}/attention`.
pub async fn attention(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<Vec<AttentionRow>>, WebError> {
    visible(&state, &ctx, id, Permission::GuestsRead).await?;
    Ok(Json(list_rows(&state, id).await?))
}

#[derive(Deserialize)]
pub struct CloseBody {
    #[serde(default)]
    note: String,
}

/// `POST /api/v1/alerts/{id}/close`.
pub async fn close_alert(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Json<Value>, WebError> {
    let a = health::get_alert(&state.db, id).await?;
    visible_stay(&state, &ctx, a.stay_id, Permission::AlertsClose)
        .await
        .map_err(|_| WebError::NotFound)?;
    let b: CloseBody = json_from(&body)?;
    let note = yizhan_core::validate::required_text(&b.note, 500).on("note")?;
    health::close_alert(&state.db, &Actor::from(ctx.user()?), id, &note).await?;
    Ok(Json(json!(health::get_alert(&state.db, id).await?)))
}
