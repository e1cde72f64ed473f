//! 待解除: the stays whose period ends today or tomorrow (or has already ended), each with what
//! still blocks its release and, when nothing does, one button to release; and the releases of
//! the day with their certificates.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;
use yizhan_core::access::Permission;
use yizhan_core::mask::{doc_tail, mask_name};
use yizhan_core::station::release::Blocker;
use yizhan_core::station::stay::CheckOutInput;
use yizhan_core::time::{day_start_utc, local_display};
use yizhan_store::station::releases::{self, DueStay};
use yizhan_store::station::stations::Station;

use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::extract::Id;
use crate::kit::layout::Layout;
use crate::kit::refused::Refused;
use crate::kit::render;
use crate::kit::today;
use crate::kit::tone::of_blocker;
use crate::state::AppState;
use crate::station::stations::visible;
use crate::station::stays::{do_check_out, visible_stay};

pub struct DueRow {
    pub stay_id: i64,
    pub guest_id: i64,
    pub room: String,
    pub name: String,
    pub doc_tail: String,
    pub checked_in: String,
    pub planned: String,
    /// 今天, 明天, or 已到期 n 天.
    pub when: String,
    pub overdue: bool,
    /// (tone, words) of each blocker; empty when it may be released.
    pub blockers: Vec<(&'static str, String)>,
}

fn due_row(tr: &Tr, d: DueStay) -> DueRow {
    let today = today();
    let days = (d.planned_release - today).num_days();
    let when = match days {
        0 => tr.t("release.today").to_owned(),
        1 => tr.t("release.tomorrow").to_owned(),
        n if n < 0 => tr.f("release.days_over", &[("n", &(-n).to_string())]),
        n => tr.f("release.in_days", &[("n", &n.to_string())]),
    };
    let blockers = d
        .blockers(today)
        .into_iter()
        .map(|b| (of_blocker(b), tr.f(b.key(), &[("count", &b.count().unwrap_or(0).to_string())])))
        .collect();
    DueRow {
        stay_id: d.id,
        guest_id: d.guest_id,
        room: d.room_number,
        name: mask_name(&d.guest_name),
        doc_tail: doc_tail(&d.doc_number),
        checked_in: yizhan_core::time::local_date(d.checked_in_at).to_string(),
        planned: d.planned_release.to_string(),
        when,
        overdue: days < 0,
        blockers,
    }
}

pub struct ReleasedRow {
    pub stay_id: i64,
    pub room: String,
    pub name: String,
    pub doc_tail: String,
    pub at: String,
    pub number: String,
}

#[derive(Template)]
#[template(path = "releases/list.html")]
struct ListPage {
    layout: Layout,
    station: Station,
    due: Vec<DueRow>,
    /// How many may be released now.
    ready: usize,
    released: Vec<ReleasedRow>,
    may_release: bool,
    refused: Refused,
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    station: Station,
    error: Option<&WebError>,
) -> Result<ListPage, WebError> {
    let tr = ctx.tr();
    let day = today();
    let due: Vec<DueRow> = releases::due(&state.db, station.id, day + chrono::Duration::days(1))
        .await?
        .into_iter()
        .map(|d| due_row(&tr, d))
        .collect();
    let released = releases::released_since(&state.db, station.id, day_start_utc(day))
        .await?
        .into_iter()
        .map(|r| ReleasedRow {
            stay_id: r.id,
            room: r.room_number,
            name: mask_name(&r.guest_name),
            doc_tail: doc_tail(&r.doc_number),
            at: local_display(r.ended_at),
            number: r.number,
        })
        .collect();
    Ok(ListPage {
        layout: Layout::new(state, ctx, "release.title"),
        may_release: ctx.user()?.can(Permission::ReleaseApprove, station.target()),
        ready: due.iter().filter(|d| d.blockers.is_empty()).count(),
        due,
        released,
        refused: Refused::of(error, &tr),
        station,
    })
}

/// `GET /stations/{id}/releases`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::GuestsRead).await?;
    render::page(&list_page(&state, &ctx, station, None).await?)
}

/// `POST /stays/{id}/release`: release from the list (a medical officer or the lead), and back
/// to it; a release something still blocks is refused there, saying what.
pub async fn release(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let s = visible_stay(&state, &ctx, id, Permission::ReleaseApprove).await?;
    let released = CheckOutInput { outcome: "released".into(), reason: String::new() };
    match do_check_out(&state, &ctx, &s, &released).await {
        Ok(_) => Ok(Redirect::to(&format!("/stations/{}/releases", s.station_id)).into_response()),
        Err(e) if e.is_correctable() => {
            let station = yizhan_store::station::stations::get(&state.db, s.station_id).await?;
            let page = list_page(&state, &ctx, station, Some(&e)).await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct ApiDue {
    pub stay_id: i64,
    pub guest_id: i64,
    pub room_number: String,
    /// Masked.
    pub name: String,
    pub planned_release: String,
    /// What blocks the release (`kind` and its number); empty when it may be released.
    pub blockers: Vec<Blocker>,
}

/// `GET /api/v1/stations/{id}/releases`: the stays due for release by tomorrow, with what blocks
/// each.
pub async fn api_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<Vec<ApiDue>>, WebError> {
    let station = visible(&state, &ctx, id, Permission::GuestsRead).await?;
    let day = today();
    let due = releases::due(&state.db, station.id, day + chrono::Duration::days(1)).await?;
    Ok(Json(
        due.into_iter()
            .map(|d| ApiDue {
                blockers: d.blockers(day),
                stay_id: d.id,
                guest_id: d.guest_id,
                room_number: d.room_number,
                name: mask_name(&d.guest_name),
                planned_release: d.planned_release.to_string(),
            })
            .collect(),
    ))
}
