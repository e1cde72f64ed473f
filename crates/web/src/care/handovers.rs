//! Shift handovers (交接班): the outgoing shift writes notes and open items, the open items of
//! the last handover travel on, and someone of the incoming shift acknowledges.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use yizhan_core::access::{Actor, Permission};
use yizhan_core::care::roster::Pattern;
use yizhan_core::error::OnField;
use yizhan_core::time::local_display;
use yizhan_core::validate::{parse_int, parse_optional_date, required_text};
use yizhan_store::care::handovers::{self, Handover, Item};

use crate::auth::Ctx;
use crate::care::roster::shift_label;
use crate::care::staff::visible_group;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::extract::{FormBody, Id};
use crate::kit::today;
use crate::policy::require;
use crate::state::AppState;

pub struct HandoverView {
    pub h: Handover,
    pub shift: String,
    pub written: String,
    pub acknowledged: String,
    pub items: Vec<Item>,
}

/// The latest handovers of a station with their items.
pub async fn views(
    state: &AppState,
    tr: &Tr,
    station_id: i64,
) -> Result<Vec<HandoverView>, WebError> {
    let groups = yizhan_store::care::staff::groups(&state.db, station_id).await?;
    let mut out = Vec::new();
    for h in handovers::recent(&state.db, station_id, 12).await? {
        let pattern = groups
            .iter()
            .find(|g| g.id == h.group_id)
            .map(|g| g.pattern())
            .unwrap_or(Pattern::TwoTwelves);
        out.push(HandoverView {
            shift: format!("{} {}", h.day, shift_label(tr, pattern, h.shift as u8)),
            written: local_display(h.written_at),
            acknowledged: h.acknowledged_at.map(local_display).unwrap_or_default(),
            items: handovers::items(&state.db, h.id).await?,
            h,
        });
    }
    Ok(out)
}

#[derive(Deserialize, Default)]
pub struct HandoverForm {
    #[serde(default)]
    day: String,
    #[serde(default)]
    shift: String,
    #[serde(default)]
    notes: String,
    /// Open items, one per line.
    #[serde(default)]
    items: String,
}

/// `POST /groups/{id}/handovers`.
pub async fn write(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<HandoverForm>,
) -> Result<Response, WebError> {
    let g = visible_group(&state, &ctx, id, Permission::DutyRecord).await?;
    let day = parse_optional_date(&f.day).on("day")?.unwrap_or_else(today);
    let shift = parse_int(&f.shift, 0, g.pattern().shifts().len() as i64 - 1, "0").on("shift")?;
    let notes = required_text(&f.notes, 2000).on("notes")?;
    let items: Vec<String> = f
        .items
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| required_text(l, 200).on("items"))
        .collect::<Result<_, _>>()?;
    handovers::write(&state.db, &Actor::from(ctx.user()?), g.id, day, shift, &notes, &items)
        .await?;
    Ok(Redirect::to(&format!("/stations/{}/roster#handovers", g.station_id)).into_response())
}

async fn station_of(state: &AppState, ctx: &Ctx, h: &Handover) -> Result<(), WebError> {
    let st = yizhan_store::station::stations::get(&state.db, h.station_id).await?;
    require(state, ctx, Permission::DutyRecord, st.target(), format!("handover {}", h.id)).await
}

/// `POST /handovers/{id}/ack`.
pub async fn acknowledge(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let h = handovers::get(&state.db, id).await?;
    station_of(&state, &ctx, &h).await?;
    handovers::acknowledge(&state.db, &Actor::from(ctx.user()?), id).await?;
    Ok(Redirect::to(&format!("/stations/{}/roster#handovers", h.station_id)).into_response())
}

/// `POST /handover-items/{id}/done`.
pub async fn item_done(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let h = handovers::get(&state.db, handovers::item_handover(&state.db, id).await?).await?;
    station_of(&state, &ctx, &h).await?;
    handovers::item_done(&state.db, &Actor::from(ctx.user()?), id).await?;
    Ok(Redirect::to(&format!("/stations/{}/roster#handovers", h.station_id)).into_response())
}
