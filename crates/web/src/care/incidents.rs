//! Incidents (事故: accident, security, fire, escape attempt) and complaints (投诉) of a station:
//! both ledgers on one page, with their exports and API. They feed the KPI counters and key
//! attention (an open complaint about a stay).

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use yizhan_core::access::{Actor, Permission};
use yizhan_core::care::incident::{
    ComplaintInput, ComplaintSource, ComplaintStatus, IncidentInput, IncidentKind,
    validate_complaint, validate_incident,
};
use yizhan_core::mask::mask_name;
use yizhan_core::time::local_display;
use yizhan_store::care::incidents::{self, Complaint, Incident};
use yizhan_store::station::stations::Station;

use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::export::{self, Cell};
use crate::kit::extract::{FormBody, Id, RawBody, json_form};
use crate::kit::layout::Layout;
use crate::kit::render;
use crate::policy::require;
use crate::state::AppState;
use crate::station::stations::visible;

pub struct IncidentRow {
    pub i: Incident,
    pub kind: String,
    pub at: String,
}

pub struct ComplaintRow {
    pub c: Complaint,
    pub source: String,
    pub status: String,
    pub at: String,
}

fn incident_rows(tr: &Tr, list: Vec<Incident>) -> Vec<IncidentRow> {
    list.into_iter()
        .map(|i| IncidentRow {
            kind: tr.t(i.kind.label_key()).to_owned(),
            at: local_display(i.occurred_at),
            i,
        })
        .collect()
}

fn complaint_rows(tr: &Tr, list: Vec<Complaint>) -> Vec<ComplaintRow> {
    list.into_iter()
        .map(|c| ComplaintRow {
            source: tr.t(c.source.label_key()).to_owned(),
            status: tr.t(c.status.label_key()).to_owned(),
            at: local_display(c.received_at),
            c,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "incidents/list.html")]
struct ListPage {
    layout: Layout,
    station: Station,
    incidents: Vec<IncidentRow>,
    complaints: Vec<ComplaintRow>,
    fi: IncidentInput,
    fc: ComplaintInput,
    kinds: Vec<(&'static str, String)>,
    sources: Vec<(&'static str, String)>,
    stays: Vec<(i64, String)>,
    can_record: bool,
    can_close: bool,
    error: Option<String>,
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    station: Station,
    fi: IncidentInput,
    fc: ComplaintInput,
    e: Option<&WebError>,
) -> Result<ListPage, WebError> {
    let tr = ctx.tr();
    let p = ctx.user()?;
    let stays = yizhan_store::station::attention::facts(&state.db, station.id, crate::kit::today())
        .await?
        .into_iter()
        .map(|f| (f.stay_id, format!("{} {}", f.room_number, mask_name(&f.guest_name))))
        .collect();
    Ok(ListPage {
        layout: Layout::new(state, ctx, "incidents.title"),
        incidents: incident_rows(&tr, incidents::incidents(&state.db, station.id).await?),
        complaints: complaint_rows(&tr, incidents::complaints(&state.db, station.id).await?),
        can_record: p.can(Permission::IncidentsRecord, station.target()),
        can_close: p.can(Permission::IncidentsClose, station.target()),
        kinds: IncidentKind::ALL
            .iter()
            .map(|k| (k.as_str(), tr.t(k.label_key()).to_owned()))
            .collect(),
        sources: ComplaintSource::ALL
            .iter()
            .map(|k| (k.as_str(), tr.t(k.label_key()).to_owned()))
            .collect(),
        stays,
        station,
        fi,
        fc,
        error: e.map(|e| e.message(&tr)),
    })
}

fn blank_incident() -> IncidentInput {
    IncidentInput {
        kind: "accident".into(),
        occurred_at: yizhan_core::time::local_format(yizhan_store::db::now(), "%Y-%m-%dT%H:%M"),
        injured: "0".into(),
        ..Default::default()
    }
}

fn blank_complaint() -> ComplaintInput {
    ComplaintInput { source: "guest".into(), ..Default::default() }
}

/// `GET /stations/{id}/incidents`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::StaffRead).await?;
    render::page(
        &list_page(&state, &ctx, station, blank_incident(), blank_complaint(), None).await?,
    )
}

async fn redisplay(
    state: &AppState,
    ctx: &Ctx,
    station: Station,
    fi: IncidentInput,
    fc: ComplaintInput,
    e: WebError,
) -> Result<Response, WebError> {
    if !e.is_correctable() {
        return Err(e);
    }
    let page = list_page(state, ctx, station, fi, fc, Some(&e)).await?;
    Ok((e.status(), render::page(&page)?).into_response())
}

async fn record_incident_for(
    state: &AppState,
    ctx: &Ctx,
    station_id: i64,
    f: &IncidentInput,
) -> Result<i64, WebError> {
    let i = validate_incident(f, yizhan_store::db::now())?;
    Ok(incidents::record_incident(&state.db, &Actor::from(ctx.user()?), station_id, &i).await?)
}

/// A complaint may name a stay, and only one of this station's.
async fn record_complaint_for(
    state: &AppState,
    ctx: &Ctx,
    station_id: i64,
    f: &ComplaintInput,
) -> Result<i64, WebError> {
    let c = validate_complaint(f)?;
    if let Some(stay_id) = c.stay_id {
        let same = yizhan_store::station::stays::get(&state.db, stay_id)
            .await
            .map(|s| s.station_id == station_id)
            .unwrap_or(false);
        if !same {
            return Err(WebError::Rule {
                field: Some("stay_id".into()),
                key: "error.stay_not_in_station",
            });
        }
    }
    Ok(incidents::record_complaint(&state.db, &Actor::from(ctx.user()?), station_id, &c).await?)
}

/// `POST /stations/{id}/incidents`.
pub async fn record_incident(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<IncidentInput>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::IncidentsRecord).await?;
    match record_incident_for(&state, &ctx, id, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/stations/{id}/incidents")).into_response()),
        Err(e) => redisplay(&state, &ctx, station, f, blank_complaint(), e).await,
    }
}

/// `POST /stations/{id}/complaints`.
pub async fn record_complaint(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<ComplaintInput>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::IncidentsRecord).await?;
    match record_complaint_for(&state, &ctx, id, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/stations/{id}/incidents")).into_response()),
        Err(e) => redisplay(&state, &ctx, station, blank_incident(), f, e).await,
    }
}

#[derive(Deserialize, Default)]
pub struct CloseForm {
    #[serde(default)]
    note: String,
}

/// `POST /incidents/{id}/close`.
pub async fn close_incident(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<CloseForm>,
) -> Result<Response, WebError> {
    let i = incidents::incident(&state.db, id).await?;
    let station = visible(&state, &ctx, i.station_id, Permission::IncidentsClose)
        .await
        .map_err(|_| WebError::NotFound)?;
    use yizhan_core::error::OnField;
    let note = yizhan_core::validate::required_text(&f.note, 500).on("note")?;
    incidents::close_incident(&state.db, &Actor::from(ctx.user()?), id, &note).await?;
    Ok(Redirect::to(&format!("/stations/{}/incidents", station.id)).into_response())
}

#[derive(Deserialize, Default)]
pub struct StepForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    resolution: String,
}

/// `POST /complaints/{id}/status`.
pub async fn step_complaint(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<StepForm>,
) -> Result<Response, WebError> {
    let c = incidents::complaint(&state.db, id).await?;
    let station = yizhan_store::station::stations::get(&state.db, c.station_id).await?;
    let perm = Permission::IncidentsRecord;
    require(&state, &ctx, perm, station.target(), format!("complaint {id}")).await?;
    let p = ctx.user()?;
    use yizhan_core::error::OnField;
    let to = yizhan_core::validate::parse_choice(&f.status, ComplaintStatus::parse, "resolved")
        .on("status")?;
    let resolution = yizhan_core::validate::optional_text(&f.resolution, 2000).on("resolution")?;
    incidents::step_complaint(&state.db, &Actor::from(p), id, to, resolution.as_deref()).await?;
    Ok(Redirect::to(&format!("/stations/{}/incidents", c.station_id)).into_response())
}

/// `GET /stations/{id}/incidents/export.xlsx`.
pub async fn export_incidents(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::StaffRead).await?;
    let tr = ctx.tr();
    let rows: Vec<Vec<Cell>> = incident_rows(&tr, incidents::incidents(&state.db, id).await?)
        .into_iter()
        .map(|r| {
            vec![
                Cell::from(r.at),
                Cell::from(r.kind),
                Cell::from(r.i.place),
                Cell::from(r.i.description),
                Cell::from(r.i.injured),
                Cell::from(r.i.action_taken.unwrap_or_default()),
                Cell::from(r.i.reported_by),
                Cell::from(r.i.closed_at.map(local_display).unwrap_or_default()),
                Cell::from(r.i.close_note.unwrap_or_default()),
            ]
        })
        .collect();
    export::station_list(
        &tr,
        &station.name,
        "incidents.incidents",
        &[
            "incidents.occurred_at",
            "incidents.kind",
            "incidents.place",
            "incidents.description",
            "incidents.injured",
            "incidents.action_taken",
            "incidents.reported_by",
            "incidents.closed_at",
            "incidents.close_note",
        ],
        &rows,
    )
}

/// `GET /stations/{id}/complaints/export.xlsx`.
pub async fn export_complaints(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::StaffRead).await?;
    let tr = ctx.tr();
    let rows: Vec<Vec<Cell>> = complaint_rows(&tr, incidents::complaints(&state.db, id).await?)
        .into_iter()
        .map(|r| {
            vec![
                Cell::from(r.at),
                Cell::from(r.source),
                Cell::from(mask_name(&r.c.complainant)),
                Cell::from(r.c.room_number.unwrap_or_default()),
                Cell::from(r.c.topic),
                Cell::from(r.c.detail),
                Cell::from(r.status),
                Cell::from(r.c.resolution.unwrap_or_default()),
                Cell::from(r.c.resolved_at.map(local_display).unwrap_or_default()),
            ]
        })
        .collect();
    export::station_list(
        &tr,
        &station.name,
        "complaints.title",
        &[
            "complaints.received_at",
            "complaints.source",
            "complaints.complainant",
            "field.room_id",
            "complaints.topic",
            "complaints.detail",
            "complaints.status",
            "complaints.resolution",
            "complaints.resolved_at",
        ],
        &rows,
    )
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct Ledgers {
    pub incidents: Vec<Incident>,
    pub complaints: Vec<Complaint>,
}

/// `GET /api/v1/stations/{id}/incidents`: both ledgers (complainants' names masked).
pub async fn api_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<Ledgers>, WebError> {
    visible(&state, &ctx, id, Permission::StaffRead).await?;
    let mut complaints = incidents::complaints(&state.db, id).await?;
    for c in &mut complaints {
        c.complainant = mask_name(&c.complainant);
    }
    Ok(Json(Ledgers { incidents: incidents::incidents(&state.db, id).await?, complaints }))
}

/// `POST /api/v1/stations/{id}/incidents`.
pub async fn api_record_incident(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Response, WebError> {
    visible(&state, &ctx, id, Permission::IncidentsRecord).await?;
    let f: IncidentInput = json_form(&body)?;
    let id = record_incident_for(&state, &ctx, id, &f).await?;
    Ok(crate::kit::created(id))
}

/// `POST /api/v1/stations/{id}/complaints`.
pub async fn api_record_complaint(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Response, WebError> {
    visible(&state, &ctx, id, Permission::IncidentsRecord).await?;
    let f: ComplaintInput = json_form(&body)?;
    let id = record_complaint_for(&state, &ctx, id, &f).await?;
    Ok(crate::kit::created(id))
}
