//! Relatives (三角沟通): the contact log and deliveries (亲友送物) of a station. Guests' names
//! are masked; a delivery reaches the room only after it was disinfected.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use yizhan_core::access::{Actor, Permission};
use yizhan_core::care::relatives::{
    Channel, ContactInput, DeliveryInput, DeliveryStatus, Direction, validate_contact,
    validate_delivery,
};
use yizhan_core::error::OnField;
use yizhan_core::mask::mask_name;
use yizhan_core::time::local_display;
use yizhan_core::validate::{optional_text, parse_choice};
use yizhan_store::care::relatives::{self, Contact, Delivery};
use yizhan_store::station::stations::Station;

use crate::auth::Ctx;
use crate::error::WebError;
use crate::kit::export::{self, Cell};
use crate::kit::extract::{FormBody, Id};
use crate::kit::layout::Layout;
use crate::kit::options;
use crate::kit::render;
use crate::kit::today;
use crate::policy::require;
use crate::state::AppState;
use crate::station::stations::visible;

pub struct ContactRow {
    pub c: Contact,
    pub guest: String,
    pub channel: String,
    pub direction: String,
    pub at: String,
}

pub struct DeliveryRow {
    pub d: Delivery,
    pub guest: String,
    pub status: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "relatives/show.html")]
struct ShowPage {
    layout: Layout,
    station: Station,
    contacts: Vec<ContactRow>,
    deliveries: Vec<DeliveryRow>,
    /// What relatives booked through their links, not yet at the gate: (id, when, room and
    /// masked guest, item, relative).
    bookings: Vec<(i64, String, String, String, String)>,
    stays: Vec<(i64, String)>,
    channels: Vec<(&'static str, String)>,
    directions: Vec<(&'static str, String)>,
    fc: ContactInput,
    fd: DeliveryInput,
    can_record: bool,
    error: Option<String>,
}

async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    station: Station,
    fc: ContactInput,
    fd: DeliveryInput,
    e: Option<&WebError>,
) -> Result<ShowPage, WebError> {
    let tr = ctx.tr();
    Ok(ShowPage {
        layout: Layout::new(state, ctx, "relatives.title"),
        contacts: contact_rows(ctx, relatives::contacts(&state.db, station.id, 100).await?),
        deliveries: delivery_rows(ctx, relatives::deliveries(&state.db, station.id, 100).await?),
        bookings: yizhan_store::care::relative_links::bookings_waiting(&state.db, station.id)
            .await?
            .iter()
            .map(|b| {
                (
                    b.id,
                    format!("{} {}", b.day, tr.t(b.time_window.label_key())),
                    format!("{} {}", b.room_number, mask_name(&b.guest_name)),
                    b.item.clone(),
                    format!("{}（{}）", b.relative_name, b.relation),
                )
            })
            .collect(),
        stays: yizhan_store::station::attention::facts(&state.db, station.id, today())
            .await?
            .into_iter()
            .map(|f| (f.stay_id, format!("{} {}", f.room_number, mask_name(&f.guest_name))))
            .collect(),
        channels: options(&tr, Channel::ALL, Channel::as_str, Channel::label_key),
        directions: options(&tr, Direction::ALL, Direction::as_str, Direction::label_key),
        can_record: ctx.user()?.can(Permission::CareRecord, station.target()),
        error: e.map(|e| e.message(&tr)),
        station,
        fc,
        fd,
    })
}

fn contact_rows(ctx: &Ctx, list: Vec<Contact>) -> Vec<ContactRow> {
    let tr = ctx.tr();
    list.into_iter()
        .map(|c| ContactRow {
            guest: mask_name(&c.guest_name),
            channel: tr.t(c.channel.label_key()).to_owned(),
            direction: tr.t(c.direction.label_key()).to_owned(),
            at: local_display(c.at),
            c,
        })
        .collect()
}

fn delivery_rows(ctx: &Ctx, list: Vec<Delivery>) -> Vec<DeliveryRow> {
    let tr = ctx.tr();
    list.into_iter()
        .map(|d| DeliveryRow {
            guest: mask_name(&d.guest_name),
            status: tr.t(d.status.label_key()).to_owned(),
            at: local_display(d.received_at),
            d,
        })
        .collect()
}

/// `GET /stations/{id}/relatives`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::StaffRead).await?;
    let fc = ContactInput {
        channel: "phone".into(),
        direction: "incoming".into(),
        ..Default::default()
    };
    render::page(&show_page(&state, &ctx, station, fc, DeliveryInput::default(), None).await?)
}

/// The stay a form names must be one of this station's.
async fn check_stay(state: &AppState, station_id: i64, stay_id: i64) -> Result<(), WebError> {
    let ours = yizhan_store::station::stays::get(&state.db, stay_id)
        .await
        .is_ok_and(|s| s.station_id == station_id);
    if ours {
        Ok(())
    } else {
        Err(WebError::Rule { field: Some("stay_id".into()), key: "error.stay_not_in_station" })
    }
}

async fn answer(
    state: &AppState,
    ctx: &Ctx,
    station: Station,
    forms: (ContactInput, DeliveryInput),
    result: Result<(), WebError>,
) -> Result<Response, WebError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/stations/{}/relatives", station.id)).into_response()),
        Err(e) if e.is_correctable() => {
            let page = show_page(state, ctx, station, forms.0, forms.1, Some(&e)).await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `POST /stations/{id}/contacts`.
pub async fn record_contact(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<ContactInput>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::CareRecord).await?;
    let result = async {
        let c = validate_contact(&f)?;
        check_stay(&state, id, c.stay_id).await?;
        relatives::record_contact(&state.db, &Actor::from(ctx.user()?), id, &c).await?;
        Ok(())
    }
    .await;
    answer(&state, &ctx, station, (f, DeliveryInput::default()), result).await
}

/// `POST /stations/{id}/deliveries`.
pub async fn receive(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<DeliveryInput>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::CareRecord).await?;
    let result = async {
        let d = validate_delivery(&f)?;
        check_stay(&state, id, d.stay_id).await?;
        relatives::receive(&state.db, &Actor::from(ctx.user()?), id, &d).await?;
        Ok(())
    }
    .await;
    answer(&state, &ctx, station, (ContactInput::default(), f), result).await
}

#[derive(Deserialize, Default)]
pub struct StepForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    note: String,
}

/// `POST /deliveries/{id}/step`.
pub async fn step(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<StepForm>,
) -> Result<Response, WebError> {
    let d = relatives::delivery(&state.db, id).await?;
    let station = yizhan_store::station::stations::get(&state.db, d.station_id).await?;
    require(&state, &ctx, Permission::CareRecord, station.target(), format!("delivery {id}"))
        .await?;
    let to = parse_choice(&f.status, DeliveryStatus::parse, "disinfected").on("status")?;
    let note = optional_text(&f.note, 200).on("note")?;
    relatives::step(&state.db, &Actor::from(ctx.user()?), id, to, note.as_deref()).await?;
    Ok(Redirect::to(&format!("/stations/{}/relatives", d.station_id)).into_response())
}

/// `GET /stations/{id}/contacts/export.xlsx`.
pub async fn export_contacts(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::StaffRead).await?;
    let tr = ctx.tr();
    let rows: Vec<Vec<Cell>> =
        contact_rows(&ctx, relatives::contacts(&state.db, id, 100_000).await?)
            .into_iter()
            .map(|r| {
                vec![
                    Cell::from(r.at),
                    Cell::from(r.c.room_number),
                    Cell::from(r.guest),
                    Cell::from(mask_name(&r.c.relative_name)),
                    Cell::from(r.channel),
                    Cell::from(r.direction),
                    Cell::from(r.c.topic),
                    Cell::from(r.c.outcome.unwrap_or_default()),
                    Cell::from(r.c.staff),
                ]
            })
            .collect();
    export::station_list(
        &tr,
        &station.name,
        "relatives.contacts",
        &[
            "audit.at",
            "field.room_id",
            "field.name",
            "field.relative_name",
            "field.channel",
            "field.direction",
            "field.topic",
            "field.contact_outcome",
            "relatives.staff",
        ],
        &rows,
    )
}

/// `GET /stations/{id}/deliveries/export.xlsx`.
pub async fn export_deliveries(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::StaffRead).await?;
    let tr = ctx.tr();
    let rows: Vec<Vec<Cell>> =
        delivery_rows(&ctx, relatives::deliveries(&state.db, id, 100_000).await?)
            .into_iter()
            .map(|r| {
                vec![
                    Cell::from(r.at),
                    Cell::from(r.d.room_number),
                    Cell::from(r.guest),
                    Cell::from(mask_name(&r.d.sender)),
                    Cell::from(r.d.item),
                    Cell::from(r.status),
                    Cell::from(r.d.disinfected_at.map(local_display).unwrap_or_default()),
                    Cell::from(r.d.delivered_at.map(local_display).unwrap_or_default()),
                    Cell::from(r.d.note.unwrap_or_default()),
                ]
            })
            .collect();
    export::station_list(
        &tr,
        &station.name,
        "deliveries.title",
        &[
            "deliveries.received_at",
            "field.room_id",
            "field.name",
            "field.sender",
            "field.item",
            "field.status",
            "deliveries.disinfected_at",
            "deliveries.delivered_at",
            "field.note",
        ],
        &rows,
    )
}
