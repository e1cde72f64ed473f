//! 转运交接: a station's guests on their way in (addressed to it, or to any station), each
//! accepted into a bed with one action; and the transfers out of and into it, paged and exported.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use yizhan_core::access::{Actor, Permission};
use yizhan_core::error::OnField;
use yizhan_core::mask::{doc_tail, mask_name};
use yizhan_core::station::transfer::TransferState;
use yizhan_core::time::local_display;
use yizhan_store::station::stations::Station;
use yizhan_store::station::stays::Stay;
use yizhan_store::station::transfers::{self, Transfer};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::export::{self, Cell};
use crate::kit::extract::{FormBody, Id, Query};
use crate::kit::layout::Layout;
use crate::kit::pager::{PER_PAGE, Pager, page_of};
use crate::kit::refused::Refused;
use crate::kit::render;
use crate::policy::deny;
use crate::state::AppState;
use crate::station::guests::{Option2, room_choices};
use crate::station::stations::visible;

/// A transfer as a row: the guest masked, the other end named, its state in words and tone.
pub struct Row {
    pub id: i64,
    pub name: String,
    pub doc_tail: String,
    pub category: String,
    /// 转出 or 转入, seen from the station whose page this is.
    pub direction: String,
    /// The station at the other end (or "any station").
    pub other: String,
    pub reason: String,
    pub sent: String,
    pub accepted: String,
    pub planned_release: String,
    pub state: String,
    pub tone: &'static str,
    /// Addressed to this very station (it may refuse it), not to any.
    pub addressed: bool,
}

fn row(tr: &Tr, station: i64, t: &Transfer) -> Row {
    let out = t.from_station_id == station;
    let any = || tr.t("transfer.any_station").to_owned();
    Row {
        id: t.id,
        name: mask_name(&t.guest_name),
        doc_tail: doc_tail(&t.doc_number),
        category: crate::station::guests::category_label(tr, t.category),
        direction: tr.t(if out { "transfer.out" } else { "transfer.in" }).to_owned(),
        other: if out { t.to_station.clone().unwrap_or_else(any) } else { t.from_station.clone() },
        reason: t.reason.clone(),
        sent: local_display(t.sent_at),
        accepted: t.accepted_at.map(local_display).unwrap_or_default(),
        planned_release: t.planned_release.to_string(),
        state: tr.t(t.state.label_key()).to_owned(),
        tone: if t.state == TransferState::InTransit { "warning" } else { "ok" },
        addressed: t.state == TransferState::InTransit && t.to_station_id == Some(station),
    }
}

#[derive(Template)]
#[template(path = "transfers/list.html")]
pub(crate) struct ListPage {
    layout: Layout,
    station: Station,
    incoming: Vec<Row>,
    rooms: Vec<Option2>,
    may_accept: bool,
    history: Vec<Row>,
    pager: Pager,
    refused: Refused,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    page: Option<String>,
}

pub(crate) async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    station: Station,
    page: i64,
    error: Option<&WebError>,
) -> Result<ListPage, WebError> {
    let tr = ctx.tr();
    let incoming: Vec<Row> = transfers::incoming(&state.db, station.id)
        .await?
        .iter()
        .map(|t| row(&tr, station.id, t))
        .collect();
    let (history, total) =
        transfers::of_station(&state.db, station.id, PER_PAGE, Pager::offset(page)).await?;
    let path = format!("/stations/{}/transfers", station.id);
    Ok(ListPage {
        layout: Layout::new(state, ctx, "transfer.title"),
        incoming,
        rooms: room_choices(state, &tr, station.id, None).await?,
        may_accept: ctx.user()?.can(Permission::GuestsWrite, station.target()),
        history: history.iter().map(|t| row(&tr, station.id, t)).collect(),
        pager: Pager::new(&tr, &path, &[], page, total),
        refused: Refused::of(error, &tr),
        station,
    })
}

/// `GET /stations/{id}/transfers`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::GuestsRead).await?;
    let page = page_of(q.page.as_deref())?;
    render::page(&list_page(&state, &ctx, station, page, None).await?)
}

#[derive(Deserialize, Default)]
pub struct AcceptInput {
    #[serde(default)]
    pub room_id: String,
}

/// Transfer `id` if it is the person's to accept: one addressed to a station they check guests
/// into, or open to any; a transfer addressed elsewhere is no transfer to them (404).
pub async fn visible_transfer(state: &AppState, ctx: &Ctx, id: i64) -> Result<Transfer, WebError> {
    let p = ctx.user()?;
    let t = transfers::get(&state.db, id).await?;
    // Once accepted, every station it was offered to hears that it was taken; before that, only
    // the station it is addressed to (or any, when it is open to all) knows of it.
    let addressed = match (t.state, t.to_station_id) {
        (TransferState::InTransit, Some(to)) => {
            p.can(Permission::GuestsWrite, station_target(state, to).await?)
        }
        _ => p.has(Permission::GuestsWrite),
    };
    if !addressed {
        return Err(deny(state, ctx, &format!("transfer {id}"), WebError::NotFound).await);
    }
    Ok(t)
}

/// Accepts transfer `t` (visible to the person) into a room they may check guests into.
pub async fn do_accept(
    state: &AppState,
    ctx: &Ctx,
    t: &Transfer,
    i: &AcceptInput,
) -> Result<Stay, WebError> {
    let p = ctx.user()?;
    let id = t.id;
    let room_id = yizhan_core::station::stations::parse_id(&i.room_id).on("room_id")?;
    let room = yizhan_store::station::rooms::get(&state.db, room_id).await.map_err(|_| {
        WebError::Rule { field: Some("room_id".into()), key: "error.room_not_ready" }
    })?;
    if !p.can(Permission::GuestsWrite, station_target(state, room.station_id).await?) {
        return Err(WebError::Rule { field: Some("room_id".into()), key: "error.room_not_ready" });
    }
    transfers::accept(&state.db, &Actor::from(p), id, room_id).await.map_err(|e| {
        match WebError::from(e) {
            WebError::Conflict { .. } | WebError::Rule { key: "error.room_full", .. } => {
                WebError::Taken { field: "room_id".into(), key: "error.room_full" }
            }
            other => other,
        }
    })
}

async fn station_target(
    state: &AppState,
    id: i64,
) -> Result<yizhan_core::access::Target, WebError> {
    Ok(yizhan_store::station::stations::get(&state.db, id).await?.target())
}

/// `POST /transfers/{id}/accept`: into a bed, then to the guest's page at this station; refused
/// on the list, saying why (the room is full, another station took the guest first).
pub async fn accept(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(i): FormBody<AcceptInput>,
) -> Result<Response, WebError> {
    let t = visible_transfer(&state, &ctx, id).await?;
    match do_accept(&state, &ctx, &t, &i).await {
        Ok(s) => Ok(Redirect::to(&format!("/guests/{}", s.guest_id)).into_response()),
        Err(e) if e.is_correctable() => {
            let room = i.room_id.trim().parse::<i64>().unwrap_or(0);
            // Back to the list of the station the room is at, or else the one the transfer is
            // addressed to (a room that does not exist names none).
            let station = match yizhan_store::station::rooms::get(&state.db, room).await {
                Ok(r) => r.station_id,
                Err(_) => match t.to_station_id {
                    Some(s) => s,
                    None => return Err(e),
                },
            };
            let station = visible(&state, &ctx, station, Permission::GuestsRead).await?;
            let page = list_page(&state, &ctx, station, 1, Some(&e)).await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `GET /stations/{id}/transfers/export.xlsx`: every transfer out of and into the station,
/// masked.
pub async fn export_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::GuestsRead).await?;
    let tr = ctx.tr();
    let (all, _) = transfers::of_station(&state.db, id, 500_000, 0).await?;
    let rows: Vec<Vec<Cell>> = all
        .iter()
        .map(|t| {
            let r = row(&tr, id, t);
            vec![
                r.name.into(),
                r.doc_tail.into(),
                r.category.into(),
                r.direction.into(),
                r.other.into(),
                r.reason.into(),
                r.sent.into(),
                r.state.into(),
                r.accepted.into(),
                r.planned_release.into(),
            ]
        })
        .collect();
    export::station_list(
        &tr,
        &station.name,
        "transfer.title",
        &[
            "field.person_name",
            "guests.doc_tail",
            "field.category",
            "transfer.direction",
            "transfer.other_station",
            "field.reason",
            "transfer.sent_at",
            "transfer.state_label",
            "transfer.accepted_at",
            "stays.planned_release",
        ],
        &rows,
    )
}

/// A transfer through the API: the guest masked.
#[derive(Serialize, schemars::JsonSchema)]
pub struct ApiTransfer {
    pub id: i64,
    pub name: String,
    pub from_station_id: i64,
    pub to_station_id: Option<i64>,
    pub reason: String,
    pub state: TransferState,
    pub sent_at: String,
    pub planned_release: String,
    pub accepted_stay_id: Option<i64>,
}

impl From<Transfer> for ApiTransfer {
    fn from(t: Transfer) -> ApiTransfer {
        ApiTransfer {
            id: t.id,
            name: mask_name(&t.guest_name),
            from_station_id: t.from_station_id,
            to_station_id: t.to_station_id,
            reason: t.reason,
            state: t.state,
            sent_at: t.sent_at.to_rfc3339(),
            planned_release: t.planned_release.to_string(),
            accepted_stay_id: t.accepted_stay_id,
        }
    }
}

/// `GET /api/v1/stations/{id}/transfers/incoming`.
pub async fn api_incoming(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<Vec<ApiTransfer>>, WebError> {
    let station = visible(&state, &ctx, id, Permission::GuestsRead).await?;
    let all = transfers::incoming(&state.db, station.id).await?;
    Ok(Json(all.into_iter().map(ApiTransfer::from).collect()))
}
