//! Check-in, room change and check-out, from the guest's page and the API.

pub mod json;

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use yizhan_core::access::{Actor, Permission};
use yizhan_core::station::release::{ReleaseFacts, check_release};
use yizhan_core::station::stay::{
    CheckInInput, CheckOutInput, Outcome, validate_check_in, validate_check_out,
};
use yizhan_core::text::Text;
use yizhan_store::station::guests::{self, Guest};
use yizhan_store::station::stays::{self, CheckIn, Stay};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::kit::extract::{FormBody, Id};
use crate::kit::today;
use crate::policy::deny;
use crate::state::AppState;
use crate::station::guests::{show_page, visible_guest};

/// A stay the user may act on with `perm`, or 404.
pub async fn visible_stay(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    perm: Permission,
) -> Result<Stay, WebError> {
    let s = stays::get(&state.db, id).await?;
    if !ctx.user()?.can(perm, s.target()) {
        return Err(deny(state, ctx, &format!("stay {id}"), WebError::NotFound).await);
    }
    Ok(s)
}

pub async fn do_check_in(
    state: &AppState,
    ctx: &Ctx,
    g: &Guest,
    i: &CheckInInput,
) -> Result<Stay, WebError> {
    let (room_id, policy_id) = validate_check_in(i)?;
    let stay = stays::check_in(
        &state.db,
        &Actor::from(ctx.user()?),
        &CheckIn {
            station_id: g.station_id,
            guest_id: g.id,
            room_id,
            policy_id,
            at: yizhan_store::db::now(),
        },
    )
    .await
    .map_err(|e| match WebError::from(e) {
        // The database's unique indexes speak in columns; say it the way a clerk would.
        WebError::Conflict { field } if field == "guest_id" => {
            WebError::Taken { field: "guest_id".into(), key: "error.guest_in_stay" }
        }
        WebError::Conflict { field } if field == "room_id" => {
            WebError::Taken { field: "room_id".into(), key: "error.room_full" }
        }
        WebError::Rule { key: "error.room_full", .. } => {
            WebError::Taken { field: "room_id".into(), key: "error.room_full" }
        }
        // Another station's room id looks like no room at all.
        WebError::NotFound => {
            WebError::Rule { field: Some("room_id".into()), key: "error.room_not_ready" }
        }
        other => other,
    })?;
    Ok(stay)
}

/// `POST /guests/{id}/check-in`.
pub async fn check_in(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(i): FormBody<CheckInInput>,
) -> Result<Response, WebError> {
    let g = visible_guest(&state, &ctx, id, Permission::GuestsWrite).await?;
    match do_check_in(&state, &ctx, &g, &i).await {
        Ok(_) => Ok(Redirect::to(&format!("/guests/{id}")).into_response()),
        Err(e) if e.is_correctable() => show_page(&state, &ctx, g, false, Some(&e)).await,
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
pub struct MoveInput {
    #[serde(default)]
    pub room_id: String,
    #[serde(default)]
    pub reason: String,
}

pub async fn do_move(
    state: &AppState,
    ctx: &Ctx,
    s: &Stay,
    i: &MoveInput,
) -> Result<Stay, WebError> {
    use yizhan_core::error::OnField;
    let room_id = yizhan_core::station::stations::parse_id(&i.room_id).on("room_id")?;
    let reason = yizhan_core::validate::required_text(&i.reason, 200).on("reason")?;
    let room = yizhan_store::station::rooms::get(&state.db, room_id).await.map_err(|_| {
        WebError::Rule { field: Some("room_id".into()), key: "error.room_not_ready" }
    })?;
    if room.station_id != s.station_id {
        return Err(WebError::Rule { field: Some("room_id".into()), key: "error.room_not_ready" });
    }
    stays::change_room(&state.db, &Actor::from(ctx.user()?), s.id, room_id, Some(&reason))
        .await
        .map_err(|e| match WebError::from(e) {
            WebError::Conflict { .. } | WebError::Rule { key: "error.room_full", .. } => {
                WebError::Taken { field: "room_id".into(), key: "error.room_full" }
            }

            other => other,
        })
}

/// `POST /stays/{id}/move`.
pub async fn move_room(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(i): FormBody<MoveInput>,
) -> Result<Response, WebError> {
    let s = visible_stay(&state, &ctx, id, Permission::GuestsWrite).await?;
    let done = do_move(&state, &ctx, &s, &i).await;
    back_to_guest(&state, &ctx, &s, done).await
}

/// After a change made on the guest's page: back to it, or the page again saying what was
/// refused.
pub(crate) async fn back_to_guest(
    state: &AppState,
    ctx: &Ctx,
    s: &Stay,
    done: Result<Stay, WebError>,
) -> Result<Response, WebError> {
    match done {
        Ok(_) => Ok(Redirect::to(&format!("/guests/{}", s.guest_id)).into_response()),
        Err(e) if e.is_correctable() => {
            let g = guests::get(&state.db, s.guest_id).await?;
            show_page(state, ctx, g, false, Some(&e)).await
        }
        Err(e) => Err(e),
    }
}

/// `POST /stays/{id}/period`: the centralized period extended or shortened.
pub async fn period(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(i): FormBody<yizhan_core::station::period::PeriodInput>,
) -> Result<Response, WebError> {
    let s = visible_stay(&state, &ctx, id, Permission::ReleaseApprove).await?;
    let done = do_period(&state, &ctx, &s, &i).await;
    back_to_guest(&state, &ctx, &s, done).await
}

/// Changes an open stay's period: checked against the day it has reached, approved in the most
/// local role the person holds at its station (lead, medical, command), the calendar recomputed.
pub async fn do_period(
    state: &AppState,
    ctx: &Ctx,
    s: &Stay,
    i: &yizhan_core::station::period::PeriodInput,
) -> Result<Stay, WebError> {
    use yizhan_core::station::period::validate_period;
    use yizhan_store::station::period;
    let p = ctx.user()?;
    let today =
        yizhan_core::station::quarantine::stay_day(s.checked_in_at, yizhan_store::db::now());
    let c = validate_period(i, period::days_of(s), today)?;
    let role = approver(state, ctx, s.target(), &format!("stay {} period", s.id)).await?;
    Ok(period::change(&state.db, &Actor::from(p), s.id, &c, role).await?)
}

/// The role in which the person approves a change at `target` (a period, an exposure measure):
/// the most local of theirs that may approve there; else refused and `what` logged.
pub async fn approver(
    state: &AppState,
    ctx: &Ctx,
    target: yizhan_core::access::Target,
    what: &str,
) -> Result<yizhan_core::access::Role, WebError> {
    let roles: Vec<yizhan_core::access::Role> = ctx
        .user()?
        .grants
        .iter()
        .filter(|g| {
            yizhan_core::access::role_allows(g.role, Permission::ReleaseApprove)
                && g.scope.covers(target)
        })
        .map(|g| g.role)
        .collect();
    match yizhan_core::station::period::approving_role(&roles) {
        Some(role) => Ok(role),
        None => Err(deny(state, ctx, what, WebError::Forbidden).await),
    }
}

/// The facts a release is judged on, read from the stay's test calendar and alerts.
pub async fn release_facts(state: &AppState, s: &Stay) -> Result<ReleaseFacts, WebError> {
    let counts = yizhan_store::station::releases::counts_of(&state.db, s.id).await?;
    Ok(counts.facts(today(), s.planned_release))
}

/// Ends a stay. A release is allowed only when the period is complete and every test negative;
/// otherwise every blocker is listed at once.
pub async fn do_check_out(
    state: &AppState,
    ctx: &Ctx,
    s: &Stay,
    i: &CheckOutInput,
) -> Result<Stay, WebError> {
    // Staff end stays; a medical user or the lead approves releases. Anyone else: no.
    let p = ctx.user()?;
    let (may_end, may_release) =
        (p.can(Permission::GuestsWrite, s.target()), p.can(Permission::ReleaseApprove, s.target()));
    if !may_end && !may_release {
        return Err(
            deny(state, ctx, &format!("stay {} check-out", s.id), WebError::Forbidden).await
        );
    }
    let (outcome, reason) = validate_check_out(i)?;
    if outcome == Outcome::Released && !may_release {
        return Err(WebError::Rule {
            field: Some("outcome".into()),
            key: "error.release_needs_medical",
        });
    }
    if outcome != Outcome::Released && !may_end {
        return Err(WebError::Rule {
            field: Some("outcome".into()),
            key: "error.medical_releases_only",
        });
    }
    if outcome == Outcome::Released
        && let Err(blockers) = check_release(&release_facts(state, s).await?)
    {
        let clauses = blockers
            .iter()
            .map(|b| Text::new(b.key()).with("count", b.count().unwrap_or(0)))
            .collect();
        return Err(WebError::invalid(
            "outcome",
            Text::new("release.blockers").with_clauses("blockers", clauses),
        ));
    }
    Ok(stays::check_out(&state.db, &Actor::from(ctx.user()?), s.id, outcome, reason.as_deref())
        .await?)
}

/// `POST /stays/{id}/check-out`.
pub async fn check_out(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(i): FormBody<CheckOutInput>,
) -> Result<Response, WebError> {
    let s = visible_stay(&state, &ctx, id, Permission::GuestsRead).await?;
    let done = do_check_out(&state, &ctx, &s, &i).await;
    back_to_guest(&state, &ctx, &s, done).await
}

/// Sends the open stay's guest to another station (or any): the stay ends as transferred and
/// the guest is in transit until a station accepts them.
pub async fn do_transfer(
    state: &AppState,
    ctx: &Ctx,
    s: &Stay,
    i: &yizhan_core::station::transfer::TransferInput,
) -> Result<yizhan_store::station::transfers::Transfer, WebError> {
    let o = yizhan_core::station::transfer::validate_transfer(i, s.station_id)?;
    Ok(yizhan_store::station::transfers::send(&state.db, &Actor::from(ctx.user()?), s.id, &o)
        .await?)
}

/// `POST /stays/{id}/transfer`.
pub async fn transfer(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(i): FormBody<yizhan_core::station::transfer::TransferInput>,
) -> Result<Response, WebError> {
    let s = visible_stay(&state, &ctx, id, Permission::GuestsWrite).await?;
    let done = do_transfer(&state, &ctx, &s, &i).await.map(|_| s.clone());
    back_to_guest(&state, &ctx, &s, done).await
}
