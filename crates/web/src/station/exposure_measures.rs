//! Measures for the people on a case's exposure list: the form on each line of the case's page
//! (a guest: extend, test now, test daily, move; a staff member: home quarantine), what was
//! ordered, by whom, and the JSON twins. Ordered by those who approve a period (lead, medical,
//! command), in the most local role they hold.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;
use yizhan_core::access::{Actor, Permission, Target};
use yizhan_core::station::exposure::Kind;
use yizhan_core::station::exposure_measure::{Measure, MeasureInput, validate_measure};
use yizhan_core::time::local_display;
use yizhan_store::station::cases::Case;
use yizhan_store::station::exposure_measures::{self, Taken};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::extract::{FormBody, Id, RawBody, json_from};
use crate::state::AppState;
use crate::station::cases::{ExposedRow, show_page, visible};
use crate::station::guests::{Option2, room_choices};

fn target(c: &Case) -> Target {
    Target::Station { id: c.station_id, street: c.street_id }
}

/// What the exposure list's measure forms offer, and whether the person may order.
pub struct Panel {
    pub may_order: bool,
    /// (value, word) of the measures for a guest.
    pub guest_measures: Vec<(&'static str, String)>,
    pub rooms: Vec<Option2>,
    /// The station's staff, (id, name), for a staff line's form.
    pub staff: Vec<(i64, String)>,
}

/// A measure said in words: what, with what it did ("7 天", the room), who ordered it and when.
fn said(tr: &Tr, t: &Taken, rooms: &[(i64, String)]) -> String {
    let d: serde_json::Value = serde_json::from_str(&t.detail).unwrap_or_default();
    let mut words = vec![tr.t(t.measure.label_key()).to_owned()];
    if let Some(days) = d["days"].as_i64() {
        words.push(tr.f("exposure.measure_days", &[("days", &days.to_string())]));
    }
    match d["tests_added"].as_i64() {
        Some(0) => words.push(tr.t("exposure.measure_tests_none").to_owned()),
        Some(n) => words.push(tr.f("exposure.measure_tests", &[("count", &n.to_string())])),
        None => {}
    }
    if let Some(room) = d["room_id"].as_i64() {
        let number = rooms.iter().find(|r| r.0 == room).map(|r| r.1.as_str()).unwrap_or("");
        words.push(number.to_owned());
    }
    words.push(format!("{} · {}", t.decided_by, local_display(t.decided_at)));
    words.join(tr.t("punct.list_sep"))
}

/// The panel for `c`'s page, and each line's staff record (by name) and measures taken.
pub async fn panel(
    state: &AppState,
    ctx: &Ctx,
    c: &Case,
    rows: &mut [ExposedRow],
) -> Result<Panel, WebError> {
    let tr = ctx.tr();
    let staff: Vec<(i64, String)> = yizhan_store::care::staff::list(&state.db, c.station_id)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let rooms: Vec<(i64, String)> = yizhan_store::station::rooms::list(&state.db, c.station_id)
        .await?
        .into_iter()
        .map(|r| (r.id, r.number))
        .collect();
    let taken = exposure_measures::of_case(&state.db, c.id).await?;
    for r in rows.iter_mut() {
        if r.is_staff {
            r.staff_id = staff.iter().find(|s| s.1 == r.name).map(|s| s.0);
        }
        r.taken = taken
            .iter()
            .filter(|t| match t.person_kind {
                Kind::Guest => t.guest_id.is_some() && t.guest_id == r.guest_id,
                _ => t.staff_id.is_some() && t.staff_id == r.staff_id,
            })
            .map(|t| said(&tr, t, &rooms))
            .collect();
    }
    let may_order = ctx.user()?.can(Permission::ReleaseApprove, target(c)) && c.closed_at.is_none();
    Ok(Panel {
        may_order,
        guest_measures: Measure::for_kind(Kind::Guest)
            .iter()
            .map(|m| (m.as_str(), tr.t(m.label_key()).to_owned()))
            .collect(),
        rooms: if may_order { room_choices(state, &tr, c.station_id, None).await? } else { vec![] },
        staff,
    })
}

async fn order(state: &AppState, ctx: &Ctx, c: &Case, i: &MeasureInput) -> Result<i64, WebError> {
    let o = validate_measure(i)?;
    let role =
        crate::station::stays::approver(state, ctx, target(c), &format!("case {} measure", c.id))
            .await?;
    let actor = Actor::from(ctx.user()?);
    Ok(exposure_measures::take(&state.db, &actor, c, role, &o).await?)
}

/// `POST /cases/{id}/measures`.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(i): FormBody<MeasureInput>,
) -> Result<Response, WebError> {
    let c = visible(&state, &ctx, id, Permission::ReleaseApprove).await?;
    match order(&state, &ctx, &c, &i).await {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{id}#exposed")).into_response()),
        Err(e) if e.is_correctable() => {
            let days = yizhan_core::station::exposure::DEFAULT_DAYS;
            show_page(&state, &ctx, c, days, Some(&e)).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct ApiMeasure {
    pub id: i64,
    pub person_kind: Kind,
    pub guest_id: Option<i64>,
    pub staff_id: Option<i64>,
    pub action: Measure,
    /// What it did: the stay, days, room, tests added, shifts removed.
    pub detail: serde_json::Value,
    pub note: Option<String>,
    pub decided_by: String,
    pub decided_at: String,
}

/// `GET /api/v1/cases/{id}/measures`.
pub async fn api_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<Vec<ApiMeasure>>, WebError> {
    let c = visible(&state, &ctx, id, Permission::GuestsRead).await?;
    let out = exposure_measures::of_case(&state.db, c.id)
        .await?
        .into_iter()
        .map(|t| ApiMeasure {
            id: t.id,
            person_kind: t.person_kind,
            guest_id: t.guest_id,
            staff_id: t.staff_id,
            action: t.measure,
            detail: serde_json::from_str(&t.detail).unwrap_or_default(),
            note: t.note,
            decided_by: t.decided_by,
            decided_at: t.decided_at.to_rfc3339(),
        })
        .collect();
    Ok(Json(out))
}

/// `POST /api/v1/cases/{id}/measures`: 201 with the measure's id.
pub async fn api_create(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Response, WebError> {
    #[derive(serde::Deserialize)]
    struct Body {
        kind: String,
        person_id: serde_json::Value,
        action: String,
        #[serde(default)]
        days: serde_json::Value,
        #[serde(default)]
        room_id: serde_json::Value,
        #[serde(default)]
        note: String,
    }
    let c = visible(&state, &ctx, id, Permission::ReleaseApprove).await?;
    let b: Body = json_from(&body)?;
    let text = crate::station::rooms::json::text;
    let i = MeasureInput {
        kind: b.kind,
        person_id: text(&b.person_id),
        action: b.action,
        days: text(&b.days),
        room_id: text(&b.room_id),
        note: b.note,
    };
    let id = order(&state, &ctx, &c, &i).await?;
    Ok(crate::kit::created(id))
}
