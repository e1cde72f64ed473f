//! Rooms of a station: the grid by floor coloured by state, one room's page (beds, state
//! changes, history, QR code), single and bulk creation, editing.

pub mod json;

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use yizhan_core::access::{Actor, Permission};
use yizhan_core::station::room::{
    BulkRoomsInput, RoomInput, RoomKind, RoomState, StateChangeInput, allowed_manual_targets,
    validate_bulk, validate_room, validate_state_change,
};
use yizhan_store::station::rooms::{self, Room, RoomEvent};
use yizhan_store::station::stations::Station;
use yizhan_store::{station::guests, station::stays};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::export::{self, Cell};
use crate::kit::extract::{FormBody, Id, Query};
use crate::kit::layout::Layout;
use crate::kit::render;
use crate::policy::deny;
use crate::state::AppState;
use crate::station::stations::visible;

/// A room the user may act on with `perm`, or 404.
pub async fn visible_room(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    perm: Permission,
) -> Result<Room, WebError> {
    let r = rooms::get(&state.db, id).await?;
    if !ctx.user()?.can(perm, r.target()) {
        return Err(deny(state, ctx, &format!("room {id}"), WebError::NotFound).await);
    }
    Ok(r)
}

pub fn state_label(tr: &Tr, s: RoomState) -> String {
    tr.t(s.label_key()).to_owned()
}

fn kind_label(tr: &Tr, k: RoomKind) -> String {
    tr.t(k.label_key()).to_owned()
}

pub struct Cell2 {
    pub id: i64,
    pub number: String,
    pub state: String,
    pub label: String,
    pub occupied: i64,
    pub beds: i64,
    /// The strongest open alert of its guests: (code, tone, word).
    pub alert: Option<(&'static str, &'static str, String)>,
}

pub struct Floor {
    pub floor: i64,
    pub rooms: Vec<Cell2>,
}

pub struct StateCount {
    pub state: &'static str,
    pub label: String,
    pub count: usize,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "rooms/grid.html")]
struct GridPage {
    layout: Layout,
    station: Station,
    floors: Vec<Floor>,
    counts: Vec<StateCount>,
    floor_options: Vec<(i64, bool)>,
    total: usize,
    beds: yizhan_core::station::room::Beds,
    can_manage: bool,
}

#[derive(Deserialize)]
pub struct GridQuery {
    state: Option<String>,
    floor: Option<String>,
}

/// `GET /stations/{id}/rooms`.
pub async fn grid(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(q): Query<GridQuery>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::StationsRead).await?;
    let tr = ctx.tr();
    let all = rooms::list(&state.db, id).await?;
    let want_state = q.state.as_deref().and_then(RoomState::parse);
    let want_floor = q.floor.as_deref().and_then(|f| f.parse::<i64>().ok());
    let counts = RoomState::ALL
        .iter()
        .map(|s| StateCount {
            state: s.as_str(),
            label: tr.t(s.label_key()).to_owned(),
            count: all.iter().filter(|r| r.state == *s).count(),
            selected: want_state == Some(*s),
        })
        .collect();
    let mut floor_options: Vec<(i64, bool)> = Vec::new();
    for r in &all {
        if !floor_options.iter().any(|(f, _)| *f == r.floor) {
            floor_options.push((r.floor, want_floor == Some(r.floor)));
        }
    }
    let alerts = yizhan_store::station::health::open_alerts_by_room(&state.db, id).await?;
    let mut floors: Vec<Floor> = Vec::new();
    for r in all.iter().filter(|r| {
        want_state.is_none_or(|s| r.state == s) && want_floor.is_none_or(|f| r.floor == f)
    }) {
        let cell = Cell2 {
            id: r.id,
            number: r.number.clone(),
            label: state_label(&tr, r.state),
            state: r.state.as_str().to_owned(),
            occupied: r.occupied,
            beds: r.beds,
            alert: alerts.get(&r.id).map(|a| {
                let (tone, word) = crate::kit::tone::sign(&tr, *a);
                (a.as_str(), tone, word)
            }),
        };
        match floors.iter_mut().find(|f| f.floor == r.floor) {
            Some(f) => f.rooms.push(cell),
            None => floors.push(Floor { floor: r.floor, rooms: vec![cell] }),
        }
    }
    floors.sort_by_key(|f| std::cmp::Reverse(f.floor));
    render::page(&GridPage {
        can_manage: ctx.user()?.can(Permission::RoomsManage, station.target()),
        layout: Layout::new(&state, &ctx, "rooms.title"),
        total: all.len(),
        beds: rooms::beds(&all),
        station,
        floors,
        counts,
        floor_options,
    })
}

/// `GET /stations/{id}/rooms/export.xlsx`.
pub async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::StationsRead).await?;
    let tr = ctx.tr();
    let rows: Vec<Vec<Cell>> = rooms::list(&state.db, id)
        .await?
        .into_iter()
        .map(|r| {
            vec![
                r.number.clone().into(),
                r.floor.into(),
                kind_label(&tr, r.kind).into(),
                r.beds.into(),
                r.occupied.into(),
                state_label(&tr, r.state).into(),
                r.note.clone().unwrap_or_default().into(),
            ]
        })
        .collect();
    export::station_list(
        &tr,
        &station.name,
        "rooms.title",
        &[
            "field.number",
            "field.floor",
            "field.room_kind",
            "field.beds",
            "rooms.occupied",
            "field.state",
            "field.note",
        ],
        &rows,
    )
}

pub struct BedRow {
    pub bed_no: i64,
    pub guest: Option<(i64, String)>,
}

pub struct EventRow {
    pub at: String,
    pub from: String,
    pub to: String,
    pub cause: String,
    pub reason: String,
    pub actor: String,
}

#[derive(Template)]
#[template(path = "rooms/show.html")]
struct ShowPage {
    layout: Layout,
    room: Room,
    station_name: String,
    state_label: String,
    kind_label: String,
    beds: Vec<BedRow>,
    targets: Vec<(&'static str, String)>,
    events: Vec<EventRow>,
    can_operate: bool,
    can_manage: bool,
    error: Option<String>,
}

fn event_rows(tr: &Tr, events: Vec<RoomEvent>) -> Vec<EventRow> {
    events
        .into_iter()
        .map(|e| EventRow {
            at: yizhan_core::time::local_display(e.at),
            from: state_label(tr, e.from_state),
            to: state_label(tr, e.to_state),
            cause: tr.t(e.cause.label_key()).to_owned(),
            // The system's own reason is stored in Chinese (the record's language); said in the
            // reader's. A person's reason is shown as written.
            reason: match e.reason {
                Some(r) => {
                    ["room.reason.positive", "room.reason.unsealed", "room.reason.fever_escalated"]
                        .into_iter()
                        .find(|k| r == yizhan_core::words::word(k))
                        .map_or(r, |k| tr.t(k).to_owned())
                }
                None => String::new(),
            },
            actor: e.actor,
        })
        .collect()
}

async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    room: Room,
    error: Option<&WebError>,
) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let p = ctx.user()?;
    let station = yizhan_store::station::stations::get(&state.db, room.station_id).await?;
    let open = stays::open_in_room(&state.db, room.id).await?;
    let mut beds = Vec::new();
    for bed_no in 1..=room.beds {
        let guest = match open.iter().find(|s| s.bed_no == bed_no) {
            Some(s) => {
                let g = guests::get(&state.db, s.guest_id).await?;
                Some((g.id, yizhan_core::mask::mask_name(&g.name)))
            }
            None => None,
        };
        beds.push(BedRow { bed_no, guest });
    }
    let targets = allowed_manual_targets(room.state(), room.occupied)
        .into_iter()
        .map(|s| (s.as_str(), tr.t(s.label_key()).to_owned()))
        .collect();
    let page = ShowPage {
        layout: Layout::about(state, ctx, "rooms.room", Some(station.id)),
        station_name: station.name,
        state_label: state_label(&tr, room.state),
        kind_label: kind_label(&tr, room.kind),
        beds,
        targets,
        events: event_rows(&tr, rooms::events(&state.db, room.id, 50).await?),
        can_operate: p.can(Permission::RoomsOperate, room.target()),
        can_manage: p.can(Permission::RoomsManage, room.target()),
        error: error.map(|e| e.message(&tr)),
        room,
    };
    render::form_page(&page, error)
}

/// `GET /rooms/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let room = visible_room(&state, &ctx, id, Permission::StationsRead).await?;
    show_page(&state, &ctx, room, None).await
}

/// Validates and applies a manual state change; shared with the API.
pub async fn change_state(
    state: &AppState,
    ctx: &Ctx,
    room: &Room,
    input: &StateChangeInput,
) -> Result<Room, WebError> {
    let change = validate_state_change(input, room.state(), room.occupied)?;
    Ok(rooms::set_state(
        &state.db,
        &Actor::from(ctx.user()?),
        room.id,
        change.to,
        Some(&change.reason),
    )
    .await?)
}

/// `POST /rooms/{id}/state`.
pub async fn set_state(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(input): FormBody<StateChangeInput>,
) -> Result<Response, WebError> {
    let room = visible_room(&state, &ctx, id, Permission::RoomsOperate).await?;
    match change_state(&state, &ctx, &room, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/rooms/{id}")).into_response()),
        Err(e) if e.is_correctable() => show_page(&state, &ctx, room, Some(&e)).await,
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "rooms/form.html")]
struct FormPage {
    layout: Layout,
    station: Station,
    action: String,
    room: RoomInput,
    bulk: BulkRoomsInput,
    is_new: bool,
    kinds: Vec<(&'static str, String)>,
    error: Option<String>,
}

/// New-room forms post to the station (`/stations/{id}/rooms`), edits to the room itself.
fn form_page(
    state: &AppState,
    ctx: &Ctx,
    station: Station,
    action: String,
    room: RoomInput,
    bulk: BulkRoomsInput,
    err: Option<&WebError>,
) -> FormPage {
    let tr = ctx.tr();
    let is_new = action.starts_with("/stations/");
    FormPage {
        layout: Layout::about(
            state,
            ctx,
            if is_new { "rooms.new" } else { "rooms.edit" },
            Some(station.id),
        ),
        station,
        action,
        room,
        bulk,
        is_new,
        kinds: [RoomKind::Single, RoomKind::Family, RoomKind::BarrierFree]
            .iter()
            .map(|k| (k.as_str(), tr.t(k.label_key()).to_owned()))
            .collect(),
        error: err.map(|e| e.message(&tr)),
    }
}

fn defaults() -> (RoomInput, BulkRoomsInput) {
    (
        RoomInput { beds: "1".into(), kind: "single".into(), ..Default::default() },
        BulkRoomsInput { beds: "1".into(), kind: "single".into(), ..Default::default() },
    )
}

/// `GET /stations/{id}/rooms/new`.
pub async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::RoomsManage).await?;
    let (room, bulk) = defaults();
    render::page(&form_page(
        &state,
        &ctx,
        station,
        format!("/stations/{id}/rooms"),
        room,
        bulk,
        None,
    ))
}

/// Creates rooms after checking none of the numbers is taken (the database would refuse too,
/// but this way the message names the numbers).
pub async fn create_rooms(
    state: &AppState,
    ctx: &Ctx,
    station_id: i64,
    new: &[yizhan_core::station::room::NewRoom],
) -> Result<Vec<i64>, WebError> {
    let numbers: Vec<String> = new.iter().map(|r| r.number.clone()).collect();
    let taken = rooms::taken_numbers(&state.db, station_id, &numbers).await?;
    if !taken.is_empty() {
        return Err(WebError::invalid(
            "number",
            yizhan_core::text::Text::new("invalid.rooms_exist").with_list("numbers", taken),
        ));
    }
    Ok(rooms::create_many(&state.db, &Actor::from(ctx.user()?), station_id, new).await?)
}

/// `POST /stations/{id}/rooms`.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(room): FormBody<RoomInput>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::RoomsManage).await?;
    let result = async {
        let new = validate_room(&room)?;
        create_rooms(&state, &ctx, id, std::slice::from_ref(&new)).await
    }
    .await;
    match result {
        Ok(ids) => Ok(Redirect::to(&format!("/rooms/{}", ids[0])).into_response()),
        Err(e) if e.is_correctable() => {
            let page = form_page(
                &state,
                &ctx,
                station,
                format!("/stations/{id}/rooms"),
                room,
                defaults().1,
                Some(&e),
            );
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `POST /stations/{id}/rooms/bulk`.
pub async fn create_bulk(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(bulk): FormBody<BulkRoomsInput>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::RoomsManage).await?;
    let result = async {
        let new = validate_bulk(&bulk)?;
        create_rooms(&state, &ctx, id, &new).await
    }
    .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/stations/{id}/rooms")).into_response()),
        Err(e) if e.is_correctable() => {
            let page = form_page(
                &state,
                &ctx,
                station,
                format!("/stations/{id}/rooms"),
                defaults().0,
                bulk,
                Some(&e),
            );
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `GET /rooms/{id}/edit`.
pub async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let room = visible_room(&state, &ctx, id, Permission::RoomsManage).await?;
    let station = yizhan_store::station::stations::get(&state.db, room.station_id).await?;
    let input = RoomInput {
        number: room.number.clone(),
        floor: room.floor.to_string(),
        beds: room.beds.to_string(),
        kind: room.kind.to_string(),
        note: room.note.clone().unwrap_or_default(),
    };
    render::page(&form_page(
        &state,
        &ctx,
        station,
        format!("/rooms/{id}"),
        input,
        defaults().1,
        None,
    ))
}

/// Validates and saves an edit; shared with the API. Renumbering onto a taken number is refused.
pub async fn save_room(
    state: &AppState,
    ctx: &Ctx,
    room: &Room,
    input: &RoomInput,
) -> Result<Room, WebError> {
    let new = validate_room(input)?;
    if new.number != room.number {
        let taken =
            rooms::taken_numbers(&state.db, room.station_id, std::slice::from_ref(&new.number))
                .await?;
        if !taken.is_empty() {
            return Err(WebError::Conflict { field: "number".into() });
        }
    }
    rooms::update(&state.db, &Actor::from(ctx.user()?), room.id, &new).await.map_err(|e| {
        match WebError::from(e) {
            WebError::Conflict { field } if field == "beds" => {
                WebError::Rule { field: Some("beds".into()), key: "error.beds_in_use" }
            }
            other => other,
        }
    })
}

/// `POST /rooms/{id}`.
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(input): FormBody<RoomInput>,
) -> Result<Response, WebError> {
    let room = visible_room(&state, &ctx, id, Permission::RoomsManage).await?;
    match save_room(&state, &ctx, &room, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/rooms/{id}")).into_response()),
        Err(e) if e.is_correctable() => {
            let station = yizhan_store::station::stations::get(&state.db, room.station_id).await?;
            let page = form_page(
                &state,
                &ctx,
                station,
                format!("/rooms/{id}"),
                input,
                defaults().1,
                Some(&e),
            );
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// The address a phone reaches: the configured public URL, or the host the request came to.
pub fn origin(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(u) = &state.config.public_url {
        return u.trim_end_matches('/').to_owned();
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1:8080");
    let scheme = if state.config.secure_cookies { "https" } else { "http" };
    format!("{scheme}://{host}")
}

/// `GET /rooms/{id}/qr.svg`.
/// A QR code (SVG) that opens the room's page: staff at the door scan it.
pub async fn qr(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let room = visible_room(&state, &ctx, id, Permission::StationsRead).await?;
    let url = format!("{}/rooms/{}", origin(&state, &headers), room.id);
    Ok(([(header::CONTENT_TYPE, "image/svg+xml")], qr_svg(&url)?).into_response())
}

/// A QR code for `url` as an SVG document.
pub fn qr_svg(url: &str) -> Result<String, WebError> {
    let code =
        qrcode::QrCode::new(url.as_bytes()).map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build())
}
