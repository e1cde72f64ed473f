//! Guests of a station: the list (masked), registration (a known document opens the existing
//! record instead), the guest's page with stays, relatives and audited PII reveal.

pub mod json;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use yizhan_core::access::{Actor, Permission, Principal};
use yizhan_core::mask::{mask_id_number, mask_name, mask_phone};
use yizhan_core::station::guest::{
    ExemptionStatus, GuestCategory, GuestInput, RelativeInput, age_on, validate_guest,
    validate_relative,
};
use yizhan_core::station::quarantine::stay_day;
use yizhan_core::station::stay::Outcome;
use yizhan_core::time::local_display;
use yizhan_core::validate::{DocType, Sex};
use yizhan_store::admin::audit::{self, Entry};
use yizhan_store::station::guests::{self, Guest, GuestFilter, Relative};
use yizhan_store::station::stations::Station;
use yizhan_store::{station::policies, station::rooms, station::stays};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::export::{self, Cell};
use crate::kit::extract::{FormBody, Id, Query};
use crate::kit::layout::Layout;
use crate::kit::pager::{PER_PAGE, Pager, page_of};
use crate::kit::refused::Refused;
use crate::kit::render;
use crate::kit::today;
use crate::policy::deny;
use crate::state::AppState;
use crate::station::stations::visible;

/// A guest the user may act on with `perm`, or 404.
pub async fn visible_guest(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    perm: Permission,
) -> Result<Guest, WebError> {
    let g = guests::get(&state.db, id).await?;
    if !ctx.user()?.can(perm, g.target()) {
        return Err(deny(state, ctx, &format!("guest {id}"), WebError::NotFound).await);
    }
    Ok(g)
}

/// What a guest looks like on screen and in the API: masked unless `revealed`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct GuestView {
    pub id: i64,
    pub station_id: i64,
    pub name: String,
    pub doc_type: DocType,
    pub doc_number: String,
    pub phone: String,
    pub phone2: Option<String>,
    pub sex: Sex,
    pub age: i64,
    pub region: String,
    pub category: GuestCategory,
    pub pregnant: bool,
    pub chronic_disease: Option<String>,
    pub medical_notes: Option<String>,
    pub employer: Option<String>,
    pub plate_cn: Option<String>,
    pub plate_hk: Option<String>,
    pub exemption_status: Option<String>,
    pub stay_id: Option<i64>,
    pub room_number: Option<String>,
    pub revealed: bool,
}

impl GuestView {
    /// Health details are shown only to those who may unmask (not to viewers or inspectors).
    pub fn of(g: &Guest, p: &Principal, revealed: bool, today: chrono::NaiveDate) -> GuestView {
        let health = p.can(Permission::PiiReveal, g.target());
        GuestView {
            id: g.id,
            station_id: g.station_id,
            name: if revealed { g.name.clone() } else { mask_name(&g.name) },
            doc_type: g.doc_type,
            doc_number: if revealed { g.doc_number.clone() } else { mask_id_number(&g.doc_number) },
            phone: if revealed { g.phone.clone() } else { mask_phone(&g.phone) },
            phone2: g.phone2.as_ref().map(|p| if revealed { p.clone() } else { mask_phone(p) }),
            sex: g.sex,
            age: age_on(g.birth_date, today),
            region: g.region.clone(),
            category: g.category,
            pregnant: health && g.pregnant,
            chronic_disease: if health { g.chronic_disease.clone() } else { None },
            medical_notes: if health { g.medical_notes.clone() } else { None },
            employer: g.employer.clone(),
            plate_cn: g.plate_cn.clone(),
            plate_hk: g.plate_hk.clone(),
            exemption_status: g.exemption_status.clone(),
            stay_id: g.stay_id,
            room_number: g.room_number.clone(),
            revealed,
        }
    }
}

pub fn category_label(tr: &Tr, c: GuestCategory) -> String {
    tr.t(&format!("guest.category.{c}")).to_owned()
}

pub fn doc_label(tr: &Tr, d: DocType) -> String {
    tr.t(&format!("guest.doc.{d}")).to_owned()
}

pub struct Row {
    pub v: GuestView,
    /// The document's last four (尾号): what tells apart two guests of one masked name.
    pub tail: String,
    pub category: String,
    pub day: Option<i64>,
    pub release: Option<String>,
}

#[derive(Template)]
#[template(path = "guests/list.html")]
struct ListPage {
    layout: Layout,
    station: Station,
    rows: Vec<Row>,
    pager: Pager,
    q: String,
    all: bool,
    can_write: bool,
}

#[derive(Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    all: Option<String>,
    page: Option<String>,
}

/// The rows of a page of guests, masked as this person may see them.
fn rows(ctx: &Ctx, guests: Vec<Guest>) -> Result<Vec<Row>, WebError> {
    let p = ctx.user()?;
    let tr = ctx.tr();
    let today = today();
    let now = yizhan_store::db::now();
    Ok(guests
        .into_iter()
        .map(|g| Row {
            tail: yizhan_core::mask::doc_tail(&g.doc_number),
            category: category_label(&tr, g.category),
            day: g.stay_checked_in_at.map(|at| stay_day(at, now)),
            release: g.stay_planned_release.map(|d| d.to_string()),
            v: GuestView::of(&g, p, false, today),
        })
        .collect())
}

/// `GET /stations/{id}/guests`: paged and searched on the server, those in a stay first by room.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::GuestsRead).await?;
    let all = q.all.is_some();
    let page = page_of(q.page.as_deref())?;
    let f = GuestFilter { search: q.q.as_deref(), only_in_stay: !all };
    let total = guests::count(&state.db, id, &f).await?;
    let found = guests::page(&state.db, id, &f, PER_PAGE, Pager::offset(page)).await?;
    let search = q.q.clone().unwrap_or_default();
    let params = [("q", search.as_str()), ("all", if all { "1" } else { "" })];
    let tr = ctx.tr();
    render::page(&ListPage {
        can_write: ctx.user()?.can(Permission::GuestsWrite, station.target()),
        layout: Layout::new(&state, &ctx, "guests.title"),
        pager: Pager::new(&tr, &format!("/stations/{id}/guests"), &params, page, total),
        rows: rows(&ctx, found)?,
        station,
        q: search,
        all,
    })
}

/// `GET /stations/{id}/guests/export.xlsx`.
/// The guest list as .xlsx: masked, like the screen.
pub async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::GuestsRead).await?;
    let tr = ctx.tr();
    // Every guest the station has had, a thousand at a time.
    let everyone = GuestFilter { search: None, only_in_stay: false };
    let mut all = Vec::new();
    loop {
        let batch = guests::page(&state.db, id, &everyone, 1000, all.len() as i64).await?;
        let done = batch.len() < 1000;
        all.extend(batch);
        if done {
            break;
        }
    }
    let data: Vec<Vec<Cell>> = rows(&ctx, all)?
        .into_iter()
        .map(|r| {
            vec![
                r.v.name.into(),
                doc_label(&tr, r.v.doc_type).into(),
                r.v.doc_number.into(),
                r.v.phone.into(),
                r.category.into(),
                r.v.room_number.unwrap_or_default().into(),
                r.day.unwrap_or(0).into(),
                r.release.unwrap_or_default().into(),
            ]
        })
        .collect();
    let headers = [
        "field.name",
        "field.doc_type",
        "field.doc_number",
        "field.phone",
        "field.category",
        "field.room_id",
        "guests.day",
        "guests.release",
    ]
    .map(|k| tr.t(k));
    export::xlsx(
        &format!("{}-{}", station.name, tr.t("guests.title")),
        tr.t("guests.title"),
        &headers,
        &data,
    )
}

#[derive(Template)]
#[template(path = "guests/form.html")]
struct FormPage {
    layout: Layout,
    station: Station,
    action: String,
    i: GuestInput,
    doc_types: Vec<(&'static str, String)>,
    categories: Vec<(&'static str, String)>,
    exemptions: Vec<(&'static str, String)>,
    refused: Refused,
    existing: Option<i64>,
}

impl FormPage {
    fn opt<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
    fn is(&self, v: &Option<String>, want: &str) -> bool {
        v.as_deref() == Some(want)
    }
}

fn form_page(
    state: &AppState,
    ctx: &Ctx,
    station: Station,
    action: String,
    i: GuestInput,
    err: Option<&WebError>,
    existing: Option<i64>,
) -> FormPage {
    let tr = ctx.tr();
    FormPage {
        layout: Layout::new(
            state,
            ctx,
            if action.ends_with("/guests") { "guests.new" } else { "guests.edit" },
        ),
        station,
        action,
        i,
        doc_types: DocType::ALL.iter().map(|d| (d.as_str(), doc_label(&tr, *d))).collect(),
        categories: GuestCategory::ALL
            .iter()
            .map(|c| (c.as_str(), category_label(&tr, *c)))
            .collect(),
        exemptions: ExemptionStatus::ALL
            .iter()
            .map(|s| (s.as_str(), tr.t(&format!("exemption.{}", s.as_str())).to_owned()))
            .collect(),
        refused: Refused::of(err, &tr),
        existing,
    }
}

/// `GET /stations/{id}/guests/new`.
pub async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::GuestsWrite).await?;
    let i = GuestInput {
        doc_type: "id_card".into(),
        category: "cross_border_driver".into(),
        ..Default::default()
    };
    render::page(&form_page(&state, &ctx, station, format!("/stations/{id}/guests"), i, None, None))
}

/// Registers a guest; a document already registered here returns the existing record's id as a
/// conflict, so the page can offer it instead of creating a second one.
pub async fn register(
    state: &AppState,
    ctx: &Ctx,
    station_id: i64,
    i: &GuestInput,
) -> Result<Result<Guest, Guest>, WebError> {
    let new = validate_guest(i, today()).map_err(WebError::of_person)?;
    if let Some(existing) =
        guests::find_by_document(&state.db, station_id, new.doc_type.as_str(), &new.doc_number)
            .await?
    {
        return Ok(Err(existing));
    }
    Ok(Ok(guests::create(&state.db, &Actor::from(ctx.user()?), station_id, &new).await?))
}

/// `POST /stations/{id}/guests`.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(i): FormBody<GuestInput>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::GuestsWrite).await?;
    match register(&state, &ctx, id, &i).await {
        Ok(Ok(g)) => Ok(Redirect::to(&format!("/guests/{}", g.id)).into_response()),
        Ok(Err(existing)) => {
            let e = WebError::Rule { field: Some("doc_number".into()), key: "error.guest_exists" };
            let page = form_page(
                &state,
                &ctx,
                station,
                format!("/stations/{id}/guests"),
                i,
                Some(&e),
                Some(existing.id),
            );
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) if e.is_correctable() => {
            let page = form_page(
                &state,
                &ctx,
                station,
                format!("/stations/{id}/guests"),
                i,
                Some(&e),
                None,
            );
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

pub fn input_of(g: &Guest) -> GuestInput {
    GuestInput {
        doc_type: g.doc_type.to_string(),
        doc_number: g.doc_number.clone(),
        name: g.name.clone(),
        sex: Some(g.sex.to_string()),
        birth_date: Some(g.birth_date.to_string()),
        phone: g.phone.clone(),
        phone2: g.phone2.clone(),
        region: g.region.clone(),
        category: g.category.to_string(),
        chronic_disease: g.chronic_disease.clone(),
        pregnant: Some(g.pregnant.to_string()),
        medical_notes: g.medical_notes.clone(),
        employer: g.employer.clone(),
        plate_cn: g.plate_cn.clone(),
        plate_hk: g.plate_hk.clone(),
        exemption_status: g.exemption_status.clone(),
        exemption_date: g.exemption_date.map(|d| d.to_string()),
        exemption_reason: g.exemption_reason.clone(),
    }
}

/// `GET /guests/{id}/edit`.
/// Editing shows the full values (the editor needs them): that is a reveal, and it is audited.
pub async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let g = visible_guest(&state, &ctx, id, Permission::GuestsWrite).await?;
    audit::record(
        &state.db,
        &Actor::from(ctx.user()?),
        Entry::new("guest.reveal", "guest", id).detail(serde_json::json!({"why": "edit"})),
    )
    .await?;
    let station = yizhan_store::station::stations::get(&state.db, g.station_id).await?;
    render::page(&form_page(
        &state,
        &ctx,
        station,
        format!("/guests/{id}"),
        input_of(&g),
        None,
        None,
    ))
}

pub async fn save(
    state: &AppState,
    ctx: &Ctx,
    g: &Guest,
    i: &GuestInput,
) -> Result<Guest, WebError> {
    let new = validate_guest(i, today()).map_err(WebError::of_person)?;
    Ok(guests::update(&state.db, &Actor::from(ctx.user()?), g.id, &new).await?)
}

/// `POST /guests/{id}`.
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(i): FormBody<GuestInput>,
) -> Result<Response, WebError> {
    let g = visible_guest(&state, &ctx, id, Permission::GuestsWrite).await?;
    match save(&state, &ctx, &g, &i).await {
        Ok(_) => Ok(Redirect::to(&format!("/guests/{id}")).into_response()),
        Err(e) if e.is_correctable() => {
            let station = yizhan_store::station::stations::get(&state.db, g.station_id).await?;
            let page = form_page(&state, &ctx, station, format!("/guests/{id}"), i, Some(&e), None);
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

mod moves;
mod show;
pub use show::*;
