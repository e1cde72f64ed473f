//! Station exports to .xlsx: stays and health checks, masked by default. `?unmasked=1` gives full
//! names and document numbers to those allowed to unmask, and the export is audited.

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use yizhan_core::access::{Actor, Permission};
use yizhan_core::mask::{mask_id_number, mask_name};
use yizhan_core::time::local_display;
use yizhan_store::admin::audit::{self, Entry};
use yizhan_store::{station::health, station::stays};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::kit::export::{self, Cell};
use crate::kit::extract::{Id, Query};
use crate::kit::today;
use crate::state::AppState;
use crate::station::stations::visible;

#[derive(Deserialize)]
pub struct ExportQuery {
    unmasked: Option<String>,
}

/// Masked unless asked for and allowed; an unmasked export is written to the audit log.
async fn unmasked(
    state: &AppState,
    ctx: &Ctx,
    station_id: i64,
    q: &ExportQuery,
    what: &str,
) -> Result<bool, WebError> {
    if q.unmasked.is_none() {
        return Ok(false);
    }
    let station = visible(state, ctx, station_id, Permission::GuestsRead).await?;
    if !ctx.user()?.can(Permission::PiiReveal, station.target()) {
        return Err(crate::policy::deny(state, ctx, "unmasked export", WebError::Forbidden).await);
    }
    audit::record(
        &state.db,
        &Actor::from(ctx.user()?),
        Entry::new("export.unmasked", "station", station.id)
            .detail(serde_json::json!({ "what": what })),
    )
    .await?;
    Ok(true)
}

/// `GET /stations/{id}/stays/export.xlsx`.
pub async fn stays_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(q): Query<ExportQuery>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::GuestsRead).await?;
    let full = unmasked(&state, &ctx, id, &q, "stays").await?;
    let tr = ctx.tr();
    let rows: Vec<Vec<Cell>> = stays::lines_of_station(&state.db, id)
        .await?
        .into_iter()
        .map(|s| {
            vec![
                (if full { s.guest_name.clone() } else { mask_name(&s.guest_name) }).into(),
                (if full { s.doc_number.clone() } else { mask_id_number(&s.doc_number) }).into(),
                s.room_number.into(),
                s.policy_code.into(),
                local_display(s.checked_in_at).into(),
                s.planned_release.to_string().into(),
                s.ended_at.map(local_display).unwrap_or_default().into(),
                s.outcome
                    .map(|o| tr.t(&format!("outcome.{o}")).to_owned())
                    .unwrap_or_default()
                    .into(),
            ]
        })
        .collect();
    export::station_list(
        &tr,
        &station.name,
        "stays.history",
        &[
            "field.name",
            "field.doc_number",
            "field.room_id",
            "field.policy_id",
            "stays.checked_in",
            "guests.release",
            "stays.ended",
            "field.outcome",
        ],
        &rows,
    )
}

/// `GET /stations/{id}/health/export.xlsx`.
pub async fn health_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(q): Query<ExportQuery>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::GuestsRead).await?;
    let full = unmasked(&state, &ctx, id, &q, "health").await?;
    let tr = ctx.tr();
    let since = today() - chrono::Duration::days(30);
    let rows: Vec<Vec<Cell>> = health::lines_of_station(&state.db, id, since)
        .await?
        .into_iter()
        .map(|h| {
            let symptoms: Vec<&str> = h
                .symptoms
                .split(',')
                .filter_map(yizhan_core::station::health::Symptom::parse)
                .map(|s| tr.t(s.label_key()))
                .collect();
            vec![
                h.day.to_string().into(),
                tr.t(&format!("slot.{}", h.slot)).to_owned().into(),
                h.room_number.into(),
                (if full { h.guest_name.clone() } else { mask_name(&h.guest_name) }).into(),
                format!("{}.{}", h.temperature / 10, h.temperature % 10).into(),
                symptoms.join("、").into(),
                // The fever said in words in the day's list, as on the round.
                yizhan_core::station::health::sign_of(h.temperature, &h.symptoms)
                    .map(|a| tr.t(a.label_key()).to_owned())
                    .unwrap_or_default()
                    .into(),
                h.recorded_by.into(),
            ]
        })
        .collect();
    export::station_list(
        &tr,
        &station.name,
        "health.readings",
        &[
            "field.day",
            "field.slot",
            "field.room_id",
            "field.name",
            "field.temperature",
            "field.symptoms",
            "health.sign",
            "audit.actor",
        ],
        &rows,
    )
}
