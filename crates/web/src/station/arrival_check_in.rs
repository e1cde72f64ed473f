//! A station's expected arrivals (预计到达): the people the command allocated to it, a party
//! together, each checked in with one action — the room proposed (a room already holding their
//! party if it has a bed, else the first free one), the registration taken from the list.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use yizhan_core::access::{Actor, Permission};
use yizhan_core::error::OnField;
use yizhan_core::station::intake::ArrivalState;
use yizhan_store::station::arrivals::{self, Arrival};
use yizhan_store::station::stations::Station;

use crate::auth::Ctx;
use crate::error::WebError;
use crate::kit::export;
use crate::kit::extract::{FormBody, Id, RawBody, json_from};
use crate::kit::layout::Layout;
use crate::kit::listing::json_page;
use crate::kit::pager::Pager;
use crate::kit::refused::Refused;
use crate::kit::render;
use crate::policy::deny;
use crate::state::AppState;
use crate::station::arrivals::{
    ArrivalQuery, EXPORT_HEADERS, Line, api_arrival, asked, everything, export_rows, line,
};
use crate::station::guests::{Option2, room_choices};
use crate::station::rooms::json::text;
use crate::station::stations::visible;

/// An expected arrival with the room proposed for them.
pub struct Expected {
    pub line: Line,
    pub rooms: Vec<Option2>,
    /// The person may check them in now: expected, and a room has a bed.
    pub checkable: bool,
}

#[derive(Template)]
#[template(path = "arrivals/station.html")]
struct StationPage {
    layout: Layout,
    station: Station,
    rows: Vec<Expected>,
    pager: Pager,
    q: String,
    state: String,
    states: Vec<(&'static str, String)>,
    /// Someone is expected and no room has a free bed.
    no_rooms: bool,
    refused: Refused,
}

/// The room proposed for `a`: one where their party already is, with a bed free; else the first.
fn proposed(rooms: &[Option2], party_rooms: &[(Option<String>, i64)], a: &Arrival) -> Vec<Option2> {
    let with_party = a.party.as_ref().and_then(|p| {
        party_rooms.iter().find(|(q, _)| q.as_ref() == Some(p)).map(|(_, room)| room.to_string())
    });
    let pick = with_party
        .filter(|r| rooms.iter().any(|o| o.value == *r))
        .or_else(|| rooms.first().map(|o| o.value.clone()));
    rooms
        .iter()
        .map(|o| Option2 {
            value: o.value.clone(),
            label: o.label.clone(),
            selected: Some(&o.value) == pick.as_ref(),
        })
        .collect()
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    station: Station,
    q: &ArrivalQuery,
    e: Option<&WebError>,
) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let mut a = asked(q)?;
    // What a station works from: who is still to come, unless it asks for more.
    if q.state.is_none() {
        a.state = Some(ArrivalState::Allocated);
    }
    let (found, total) = a.found(state, Some(station.id)).await?;
    let may_check_in = ctx.user()?.can(Permission::GuestsWrite, station.target());
    let rooms =
        if may_check_in { room_choices(state, &tr, station.id, None).await? } else { Vec::new() };
    let party_rooms = arrivals::party_rooms(&state.db, station.id).await?;
    let rows: Vec<Expected> = found
        .iter()
        .map(|x| Expected {
            line: line(&tr, x),
            rooms: proposed(&rooms, &party_rooms, x),
            checkable: may_check_in && x.state == ArrivalState::Allocated && !rooms.is_empty(),
        })
        .collect();
    let no_rooms = may_check_in
        && rooms.is_empty()
        && found.iter().any(|x| x.state == ArrivalState::Allocated);
    let path = format!("/stations/{}/arrivals", station.id);
    let page = StationPage {
        layout: Layout::new(state, ctx, "arrival.expected"),
        pager: a.pager(&tr, &path, total),
        rows,
        q: a.q.clone(),
        state: a.state.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        states: ArrivalState::ALL
            .iter()
            .map(|s| (s.as_str(), tr.t(s.label_key()).to_owned()))
            .collect(),
        station,
        no_rooms,
        refused: Refused::of(e, &tr),
    };
    render::form_page(&page, e)
}

/// `GET /stations/{id}/arrivals`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(q): Query<ArrivalQuery>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::GuestsRead).await?;
    page(&state, &ctx, station, &q, None).await
}

/// `GET /stations/{id}/arrivals/export.xlsx`: the station's arrivals as filtered, masked.
pub async fn export_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(q): Query<ArrivalQuery>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::GuestsRead).await?;
    let tr = ctx.tr();
    let a = asked(&q)?;
    let all = everything(&state, &a.filter(Some(station.id))).await?;
    let headers = EXPORT_HEADERS.map(|k| tr.t(k));
    let title = format!("{}-{}", station.name, tr.t("arrival.expected"));
    export::xlsx(&title, tr.t("arrival.expected"), &headers, &export_rows(&tr, &all))
}

/// `GET /api/v1/stations/{id}/arrivals?state=&q=&page=`.
pub async fn api_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(q): Query<ArrivalQuery>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::GuestsRead).await?;
    let tr = ctx.tr();
    let a = asked(&q)?;
    let (found, total) = a.found(&state, Some(station.id)).await?;
    let rows: Vec<_> = found.into_iter().map(api_arrival).collect();
    let path = format!("/api/v1/stations/{id}/arrivals");
    Ok(json_page(&rows, &a.pager(&tr, &path, total)))
}

/// Arrival `id` if it is allocated to a station where the person checks guests in (404 else).
async fn expected_here(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
) -> Result<(Arrival, Station), WebError> {
    let a = arrivals::get(&state.db, id).await?;
    if let Some(station) = a.station_id {
        let s = yizhan_store::station::stations::get(&state.db, station).await?;
        if ctx.user()?.can(Permission::GuestsWrite, s.target()) {
            return Ok((a, s));
        }
    }
    Err(deny(state, ctx, &format!("arrival {id}"), WebError::NotFound).await)
}

#[derive(Deserialize, Default)]
pub struct CheckInInput {
    #[serde(default)]
    pub room_id: String,
}

async fn do_check_in(
    state: &AppState,
    ctx: &Ctx,
    a: &Arrival,
    station: &Station,
    i: &CheckInInput,
) -> Result<yizhan_store::station::stays::Stay, WebError> {
    let room_id = yizhan_core::station::stations::parse_id(&i.room_id).on("room_id")?;
    let room = yizhan_store::station::rooms::get(&state.db, room_id).await;
    if room.map(|r| r.station_id).ok() != Some(station.id) {
        return Err(WebError::Rule { field: Some("room_id".into()), key: "error.room_not_ready" });
    }
    let actor = Actor::from(ctx.user()?);
    arrivals::check_in(&state.db, &actor, a.id, room_id).await.map_err(|e| {
        match WebError::from(e) {
            WebError::Conflict { field } if field == "room_id" => {
                WebError::Taken { field: "room_id".into(), key: "error.room_full" }
            }
            WebError::Rule { key: "error.room_full", .. } => {
                WebError::Taken { field: "room_id".into(), key: "error.room_full" }
            }
            other => other,
        }
    })
}

/// `POST /arrivals/{id}/check-in` (`room_id`): back to the station's expected arrivals.
pub async fn check_in(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(i): FormBody<CheckInInput>,
) -> Result<Response, WebError> {
    let (a, station) = expected_here(&state, &ctx, id).await?;
    match do_check_in(&state, &ctx, &a, &station, &i).await {
        Ok(_) => Ok(Redirect::to(&format!("/stations/{}/arrivals", station.id)).into_response()),
        Err(e) if e.is_correctable() => {
            page(&state, &ctx, station, &ArrivalQuery::default(), Some(&e)).await
        }
        Err(e) => Err(e),
    }
}

/// `POST /api/v1/arrivals/{id}/check-in` (`{"room_id"}`): 201 with the stay.
pub async fn api_check_in(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Response, WebError> {
    let (a, station) = expected_here(&state, &ctx, id).await?;
    let v: serde_json::Value = json_from(&body)?;
    let i = CheckInInput { room_id: text(&v["room_id"]) };
    let stay = do_check_in(&state, &ctx, &a, &station, &i).await?;
    let answer = CheckedIn {
        stay_id: stay.id,
        guest_id: stay.guest_id,
        room_id: stay.room_id,
        planned_release: stay.planned_release,
    };
    Ok((StatusCode::CREATED, axum::Json(answer)).into_response())
}

/// The stay an expected arrival's check-in opened.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct CheckedIn {
    stay_id: i64,
    guest_id: i64,
    room_id: i64,
    planned_release: chrono::NaiveDate,
}
