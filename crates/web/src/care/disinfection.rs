//! Disinfection (消杀) of a station: routine areas with their schedule and overdue alerts,
//! terminal disinfection of rooms awaiting it and its verification by a second person, the
//! records, and the medical-waste hand-over ledger.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;
use yizhan_core::access::{Actor, Permission};
use yizhan_core::care::disinfection::{
    AreaInput, AreaKind, Place, RecordInput, WasteInput, is_overdue, next_due, validate_area,
    validate_record, validate_waste,
};
use yizhan_core::station::room::RoomState;
use yizhan_core::time::local_display;
use yizhan_store::care::disinfection::{self, Area, Record, Waste};
use yizhan_store::station::rooms::Room;
use yizhan_store::station::stations::Station;

use crate::auth::Ctx;
use crate::error::WebError;
use crate::kit::export::{self, Cell};
use crate::kit::extract::{FormBody, Id, RawBody, json_form};
use crate::kit::layout::Layout;
use crate::kit::render;
use crate::kit::today;
use crate::policy::require;
use crate::state::AppState;
use crate::station::stations::visible;

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct AreaView {
    #[serde(flatten)]
    pub a: Area,
    pub kind_label: String,
    pub last: String,
    pub next: String,
    pub overdue: bool,
}

async fn area_views(
    state: &AppState,
    ctx: &Ctx,
    station_id: i64,
) -> Result<Vec<AreaView>, WebError> {
    let tr = ctx.tr();
    let now = yizhan_store::db::now();
    Ok(disinfection::areas(&state.db, station_id)
        .await?
        .into_iter()
        .map(|a| AreaView {
            kind_label: tr.t(a.kind.label_key()).to_owned(),
            last: a.last_done.map(local_display).unwrap_or_default(),
            next: local_display(next_due(a.last_done, a.every_hours, now)),
            overdue: is_overdue(a.last_done, a.every_hours, now),
            a,
        })
        .collect())
}

pub struct RecordRow {
    pub r: Record,
    pub at: String,
    pub verified: String,
}

#[derive(Template)]
#[template(path = "disinfection/show.html")]
struct ShowPage {
    layout: Layout,
    station: Station,
    areas: Vec<AreaView>,
    overdue: usize,
    awaiting: Vec<Room>,
    to_verify: Vec<RecordRow>,
    records: Vec<RecordRow>,
    waste: Vec<Waste>,
    kinds: Vec<(&'static str, String)>,
    f: RecordInput,
    fw: WasteInput,
    fa: AreaInput,
    can_record: bool,
    can_verify: bool,
    can_manage: bool,
    error: Option<String>,
}

fn blank_record() -> RecordInput {
    RecordInput {
        agent: yizhan_core::words::word("disinfection.agent").into(),
        concentration: "500".into(),
        minutes: "30".into(),
        done_at: yizhan_core::time::local_format(yizhan_store::db::now(), "%Y-%m-%dT%H:%M"),
        ..Default::default()
    }
}

fn blank_waste() -> WasteInput {
    WasteInput { day: today().to_string(), ..Default::default() }
}

fn blank_area() -> AreaInput {
    AreaInput { kind: "corridor".into(), every_hours: "4".into(), ..Default::default() }
}

async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    station: Station,
    forms: (RecordInput, WasteInput, AreaInput),
    e: Option<&WebError>,
) -> Result<ShowPage, WebError> {
    let tr = ctx.tr();
    let p = ctx.user()?;
    let rooms = yizhan_store::station::rooms::list(&state.db, station.id).await?;
    let row = |r: Record| RecordRow {
        at: local_display(r.done_at),
        verified: r.verified_at.map(local_display).unwrap_or_default(),
        r,
    };
    let records: Vec<RecordRow> =
        disinfection::recent(&state.db, station.id, 50).await?.into_iter().map(row).collect();
    let disinfected: Vec<i64> =
        rooms.iter().filter(|r| r.state == RoomState::Disinfected).map(|r| r.id).collect();
    let to_verify = disinfection::recent(&state.db, station.id, 500)
        .await?
        .into_iter()
        .filter(|r| {
            r.verified_at.is_none() && r.room_id.is_some_and(|id| disinfected.contains(&id))
        })
        .map(row)
        .collect();
    let areas = area_views(state, ctx, station.id).await?;
    Ok(ShowPage {
        layout: Layout::new(state, ctx, "disinfection.title"),
        overdue: areas.iter().filter(|a| a.overdue).count(),
        areas,
        awaiting: rooms
            .into_iter()
            .filter(|r| r.state == RoomState::AwaitingDisinfection)
            .collect(),
        to_verify,
        records,
        waste: disinfection::waste(&state.db, station.id, 50).await?,
        kinds: AreaKind::ALL.iter().map(|k| (k.as_str(), tr.t(k.label_key()).to_owned())).collect(),
        f: forms.0,
        fw: forms.1,
        fa: forms.2,
        can_record: p.can(Permission::HygieneRecord, station.target()),
        can_verify: p.can(Permission::HygieneVerify, station.target()),
        can_manage: p.can(Permission::StaffManage, station.target()),
        error: e.map(|e| e.message(&tr)),
        station,
    })
}

fn blanks() -> (RecordInput, WasteInput, AreaInput) {
    (blank_record(), blank_waste(), blank_area())
}

/// `GET /stations/{id}/disinfection`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::StaffRead).await?;
    render::page(&show_page(&state, &ctx, station, blanks(), None).await?)
}

async fn redisplay(
    state: &AppState,
    ctx: &Ctx,
    station: Station,
    forms: (RecordInput, WasteInput, AreaInput),
    result: Result<(), WebError>,
) -> Result<Response, WebError> {
    match result {
        Ok(()) => {
            Ok(Redirect::to(&format!("/stations/{}/disinfection", station.id)).into_response())
        }
        Err(e) if e.is_correctable() => {
            let page = show_page(state, ctx, station, forms, Some(&e)).await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// Validates and files a record; the area or room must be this station's.
async fn record_for(
    state: &AppState,
    ctx: &Ctx,
    station_id: i64,
    f: &RecordInput,
) -> Result<i64, WebError> {
    let r = validate_record(f, yizhan_store::db::now())?;
    let ours = match r.place {
        Place::Room(id) => yizhan_store::station::rooms::get(&state.db, id)
            .await
            .is_ok_and(|room| room.station_id == station_id),
        Place::Area(id) => {
            disinfection::areas(&state.db, station_id).await?.iter().any(|a| a.id == id)
        }
    };
    if !ours {
        return Err(WebError::Rule {
            field: Some("target".into()),
            key: "error.place_not_in_station",
        });
    }
    Ok(disinfection::record(&state.db, &Actor::from(ctx.user()?), station_id, &r).await?)
}

/// `POST /stations/{id}/disinfection`.
pub async fn record(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<RecordInput>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::HygieneRecord).await?;
    let result = record_for(&state, &ctx, id, &f).await.map(|_| ());
    redisplay(&state, &ctx, station, (f, blank_waste(), blank_area()), result).await
}

/// `POST /stations/{id}/disinfection/areas`.
pub async fn create_area(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<AreaInput>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::StaffManage).await?;
    let result = async {
        let a = validate_area(&f)?;
        disinfection::create_area(&state.db, &Actor::from(ctx.user()?), id, &a).await?;
        Ok(())
    }
    .await;
    redisplay(&state, &ctx, station, (blank_record(), blank_waste(), f), result).await
}

/// `POST /stations/{id}/waste`.
pub async fn record_waste(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<WasteInput>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::HygieneRecord).await?;
    let result = async {
        let w = validate_waste(&f, today())?;
        disinfection::record_waste(&state.db, &Actor::from(ctx.user()?), id, &w).await?;
        Ok(())
    }
    .await;
    redisplay(&state, &ctx, station, (blank_record(), f, blank_area()), result).await
}

async fn verify_for(state: &AppState, ctx: &Ctx, id: i64) -> Result<Record, WebError> {
    let rec = disinfection::get(&state.db, id).await?;
    let station = yizhan_store::station::stations::get(&state.db, rec.station_id).await?;
    require(state, ctx, Permission::HygieneVerify, station.target(), format!("disinfection {id}"))
        .await?;
    disinfection::verify(&state.db, &Actor::from(ctx.user()?), id).await?;
    Ok(rec)
}

/// `POST /disinfection/{id}/verify`.
pub async fn verify(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let rec = verify_for(&state, &ctx, id).await?;
    Ok(Redirect::to(&format!("/stations/{}/disinfection", rec.station_id)).into_response())
}

/// `GET /stations/{id}/disinfection/export.xlsx`.
pub async fn export_records(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::StaffRead).await?;
    let tr = ctx.tr();
    let rows: Vec<Vec<Cell>> = disinfection::recent(&state.db, id, 100_000)
        .await?
        .into_iter()
        .map(|r| {
            vec![
                Cell::from(local_display(r.done_at)),
                Cell::from(r.place),
                Cell::from(
                    tr.t(if r.room_id.is_some() {
                        "disinfection.terminal"
                    } else {
                        "disinfection.routine"
                    })
                    .to_owned(),
                ),
                Cell::from(r.agent),
                Cell::from(r.concentration),
                Cell::from(r.minutes),
                Cell::from(r.operator),
                Cell::from(r.verifier.unwrap_or_default()),
            ]
        })
        .collect();
    export::station_list(
        &tr,
        &station.name,
        "disinfection.records",
        &[
            "field.done_at",
            "disinfection.place",
            "disinfection.kind",
            "field.agent",
            "field.concentration",
            "field.minutes",
            "field.operator",
            "field.verifier",
        ],
        &rows,
    )
}

/// `GET /stations/{id}/waste/export.xlsx`.
pub async fn export_waste(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::StaffRead).await?;
    let tr = ctx.tr();
    let rows: Vec<Vec<Cell>> = disinfection::waste(&state.db, id, 100_000)
        .await?
        .into_iter()
        .map(|w| {
            vec![
                Cell::from(w.day.to_string()),
                Cell::from(w.bags),
                Cell::from(format!("{}.{}", w.weight_tenths / 10, w.weight_tenths % 10)),
                Cell::from(w.contractor),
                Cell::from(w.handed_by),
                Cell::from(w.received_by),
            ]
        })
        .collect();
    export::station_list(
        &tr,
        &station.name,
        "waste.title",
        &[
            "field.day",
            "field.bags",
            "field.weight_kg",
            "field.contractor",
            "field.handed_by",
            "field.received_by",
        ],
        &rows,
    )
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct ApiView {
    pub areas: Vec<AreaView>,
    pub records: Vec<Record>,
}

/// `GET /api/v1/stations/{id}/disinfection`: areas with next due and overdue, latest records.
pub async fn api_show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<ApiView>, WebError> {
    visible(&state, &ctx, id, Permission::StaffRead).await?;
    Ok(Json(ApiView {
        areas: area_views(&state, &ctx, id).await?,
        records: disinfection::recent(&state.db, id, 50).await?,
    }))
}

/// `POST /api/v1/stations/{id}/disinfection`.
pub async fn api_record(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Response, WebError> {
    visible(&state, &ctx, id, Permission::HygieneRecord).await?;
    let f: RecordInput = json_form(&body)?;
    let id = record_for(&state, &ctx, id, &f).await?;
    Ok(crate::kit::created(id))
}

/// `POST /api/v1/disinfection/{id}/verify`.
pub async fn api_verify(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<Record>, WebError> {
    verify_for(&state, &ctx, id).await?;
    Ok(Json(disinfection::get(&state.db, id).await?))
}
