//! Stations: list, detail, create and edit, scoped to what the user may see.

pub mod json;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use yizhan_core::access::{Actor, Permission, Target};
use yizhan_core::station::guest::GuestCategory;
use yizhan_core::station::room::RoomState;
use yizhan_core::station::stations::{StationInput, StationKind, validate_station};
use yizhan_store::station::stations::{self, Station, Street};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::export::{self, Cell};
use crate::kit::extract::{FormBody, Id};
use crate::kit::layout::Layout;
use crate::kit::listing::{ListQuery, Listing, Order, listing, matches};
use crate::kit::render;
use crate::policy::deny;
use crate::state::AppState;

/// A station the user may see, or 404 (never 403: another station's existence is not disclosed).
pub async fn visible(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    perm: Permission,
) -> Result<Station, WebError> {
    let p = ctx.user()?;
    let s = stations::get(&state.db, id).await?;
    if !p.can(perm, s.target()) {
        return Err(deny(state, ctx, &format!("station {id}"), WebError::NotFound).await);
    }
    Ok(s)
}

/// Streets in which the user may create or move stations.
pub async fn writable_streets(state: &AppState, ctx: &Ctx) -> Result<Vec<Street>, WebError> {
    let p = ctx.user()?;
    Ok(stations::streets(&state.db)
        .await?
        .into_iter()
        .filter(|s| p.can(Permission::StationsWrite, Target::Street(s.id)))
        .collect())
}

pub fn kind_label(tr: &Tr, kind: StationKind) -> String {
    tr.t(&format!("station.kind.{kind}")).to_owned()
}

#[derive(Template)]
#[template(path = "stations/list.html")]
struct ListPage {
    layout: Layout,
    list: Listing<Station>,
    can_create: bool,
    /// Streets with at least one visible station, and how many.
    streets: Vec<(Street, usize)>,
    street: Option<i64>,
    total_beds: i64,
}

impl ListPage {
    fn kind(&self, k: &StationKind) -> String {
        kind_label(&self.layout.tr, *k)
    }
    fn summary(&self) -> String {
        self.layout.tr.f(
            "stations.summary",
            &[("count", &self.list.found.to_string()), ("beds", &self.total_beds.to_string())],
        )
    }
    fn is_street(&self, id: &i64) -> bool {
        self.street == Some(*id)
    }
}

/// The columns the stations can be sorted by.
pub(crate) const ORDERS: &[Order<Station>] = &[
    ("name", |a, b| a.name.cmp(&b.name)),
    ("street", |a, b| a.street_name.cmp(&b.street_name)),
    ("capacity", |a, b| a.capacity.cmp(&b.capacity)),
];

/// What the search of stations looks in.
pub(crate) fn texts(s: &Station) -> Vec<&str> {
    vec![&s.name, &s.address, &s.contact_name, &s.street_name]
}

#[derive(serde::Deserialize)]
pub struct StreetQuery {
    street: Option<String>,
}

/// `GET /stations`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    crate::kit::extract::Query(q): crate::kit::extract::Query<StreetQuery>,
    crate::kit::extract::Query(query): crate::kit::extract::Query<ListQuery>,
) -> Result<Response, WebError> {
    let p = ctx.user()?;
    let visible: Vec<Station> = stations::list(&state.db)
        .await?
        .into_iter()
        .filter(|s| p.can(Permission::StationsRead, s.target()))
        .collect();
    let streets = stations::streets(&state.db)
        .await?
        .into_iter()
        .map(|st| {
            let n = visible.iter().filter(|s| s.street_id == st.id).count();
            (st, n)
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    let street = q.street.and_then(|s| s.parse::<i64>().ok());
    let rows: Vec<Station> = visible
        .into_iter()
        .filter(|s| street.is_none_or(|id| s.street_id == id))
        .filter(|s| matches(&query.search(), &texts(s)))
        .collect();
    let street_param = street.map(|s| s.to_string()).unwrap_or_default();
    render::page(&ListPage {
        can_create: !writable_streets(&state, &ctx).await?.is_empty(),
        layout: Layout::new(&state, &ctx, "stations.title"),
        total_beds: rows.iter().map(|s| s.capacity).sum(),
        list: listing(
            &ctx.tr(),
            "/stations",
            &[("street", &street_param)],
            &query,
            rows,
            texts,
            ORDERS,
        )?,
        streets,
        street,
    })
}

/// `GET /stations/export.xlsx`.
/// The stations the user may see, as .xlsx.
pub async fn export(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let p = ctx.user()?;
    let tr = ctx.tr();
    let rows: Vec<Vec<Cell>> = stations::list(&state.db)
        .await?
        .into_iter()
        .filter(|s| p.can(Permission::StationsRead, s.target()))
        .map(|s| {
            vec![
                s.name.clone().into(),
                s.street_name.clone().into(),
                kind_label(&tr, s.kind).into(),
                s.address.clone().into(),
                s.capacity.into(),
                s.contact_name.clone().into(),
                s.contact_phone.clone().into(),
                tr.t(if s.active { "common.yes" } else { "common.no" }).into(),
            ]
        })
        .collect();
    let headers = [
        "field.name",
        "field.street_id",
        "field.kind",
        "field.address",
        "field.capacity",
        "field.contact_name",
        "field.contact_phone",
        "field.active",
    ]
    .map(|k| tr.t(k));
    export::xlsx(tr.t("stations.title"), tr.t("stations.title"), &headers, &rows)
}

#[derive(Template)]
#[template(path = "stations/show.html")]
struct ShowPage {
    layout: Layout,
    s: Station,
    kind: String,
    can_edit: bool,
    /// The lead (or the command) writes what the guests' page says of the station.
    can_notice: bool,
    updated: String,
    to_do: Vec<ToDo>,
    /// The categories it takes, in words; and each category with whether it is ticked.
    takes: String,
    takes_choices: Vec<(&'static str, String, bool)>,
    /// People allocated to it and not yet come.
    expected: i64,
    /// Guests' requests open and late, for those who read its guests.
    requests: Option<(i64, i64)>,
    /// Guests on the key-attention list: (urgent, to watch).
    attention: Option<(usize, usize)>,
    /// Its beds, counted from its rooms as everywhere else.
    beds: yizhan_core::station::room::Beds,
}

/// Something at a station that needs a person, beyond the guests: a count and where to act.
pub struct ToDo {
    pub key: &'static str,
    pub count: usize,
    pub href: String,
}

/// Overdue disinfection, rooms waiting for terminal disinfection or its evaluation, supplies
/// at or below their threshold, deliveries not yet handed over or booked by relatives, guests'
/// requests past their deadline, plans never or not recently drilled. Only what is non-zero.
pub async fn to_do(state: &AppState, station_id: i64) -> Result<Vec<ToDo>, WebError> {
    use yizhan_core::care::plans::{Readiness, readiness};
    let db = &state.db;
    let now = yizhan_store::db::now();
    let today = yizhan_core::time::local_date(now);
    let rooms = yizhan_store::station::rooms::list(db, station_id).await?;
    let room_count = |st: RoomState| rooms.iter().filter(|r| r.state == st).count();
    let at = |page: &str| format!("/stations/{station_id}/{page}");
    let all = [
        (
            "todo.disinfection_overdue",
            yizhan_store::care::disinfection::areas(db, station_id)
                .await?
                .iter()
                .filter(|a| {
                    yizhan_core::care::disinfection::is_overdue(a.last_done, a.every_hours, now)
                })
                .count(),
            at("disinfection"),
        ),
        (
            "todo.awaiting_disinfection",
            room_count(RoomState::AwaitingDisinfection),
            at("disinfection"),
        ),
        ("todo.awaiting_evaluation", room_count(RoomState::Disinfected), at("disinfection")),
        (
            "todo.low_stock",
            yizhan_store::care::supplies::items(db, station_id)
                .await?
                .iter()
                .filter(|i| i.is_low())
                .count(),
            at("supplies"),
        ),
        (
            "todo.deliveries",
            yizhan_store::care::relatives::deliveries(db, station_id, 500)
                .await?
                .iter()
                .filter(|d| {
                    matches!(
                        d.status,
                        yizhan_core::care::relatives::DeliveryStatus::Received
                            | yizhan_core::care::relatives::DeliveryStatus::Disinfected
                    )
                })
                .count(),
            at("relatives"),
        ),
        (
            "todo.bookings",
            yizhan_store::care::relative_links::bookings_waiting(db, station_id).await?.len(),
            at("relatives"),
        ),
        (
            "todo.requests_late",
            usize::try_from(
                yizhan_store::station::guest_requests::overdue_count(db, station_id).await?,
            )
            .unwrap_or(0),
            at("requests"),
        ),
        (
            "todo.drills_due",
            yizhan_store::care::plans::current(db, station_id)
                .await?
                .iter()
                .filter(|p| !matches!(readiness(p.last_drill, today), Readiness::Ready { .. }))
                .count(),
            at("plans"),
        ),
    ];
    Ok(all
        .into_iter()
        .filter(|(_, n, _)| *n > 0)
        .map(|(key, count, href)| ToDo { key, count, href })
        .collect())
}

/// `GET /stations/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let s = visible(&state, &ctx, id, Permission::StationsRead).await?;
    let can_edit = ctx.user()?.can(Permission::StationsWrite, s.target());
    let to_do = if ctx.user()?.can(Permission::StaffRead, s.target()) {
        to_do(&state, s.id).await?
    } else {
        Vec::new()
    };
    let attention = if ctx.user()?.can(Permission::GuestsRead, s.target()) {
        let rows = crate::station::attention::list_rows(&state, s.id).await?;
        Some(crate::station::attention::counts(&rows))
    } else {
        None
    };
    let requests = if ctx.user()?.can(Permission::GuestsRead, s.target()) {
        use yizhan_store::station::guest_requests::{Filter, count, overdue_count};
        Some((count(&state.db, s.id, Filter::open()).await?, overdue_count(&state.db, s.id).await?))
    } else {
        None
    };
    let beds = yizhan_store::station::rooms::beds(
        &yizhan_store::station::rooms::list(&state.db, s.id).await?,
    );
    let tr = ctx.tr();
    let ticked = yizhan_core::station::allocation::takes_of(&s.takes);
    let expected = yizhan_store::station::arrivals::count(
        &state.db,
        &yizhan_store::station::arrivals::ArrivalFilter {
            station_id: Some(s.id),
            state: Some(yizhan_core::station::intake::ArrivalState::Allocated),
            ..Default::default()
        },
    )
    .await?;
    render::page(&ShowPage {
        takes: crate::station::arrivals::takes_words(&tr, &s.takes),
        takes_choices: GuestCategory::ALL
            .iter()
            .map(|c| {
                (c.as_str(), crate::station::guests::category_label(&tr, *c), ticked.contains(c))
            })
            .collect(),
        expected,
        requests,
        to_do,
        attention,
        beds,
        kind: kind_label(&ctx.tr(), s.kind),
        updated: yizhan_core::time::local_display(s.updated_at),
        layout: Layout::new(&state, &ctx, "stations.detail"),
        can_edit,
        can_notice: ctx.user()?.can(Permission::BoardsManage, s.target()),
        s,
    })
}

#[derive(Template)]
#[template(path = "stations/form.html")]
struct FormPage {
    layout: Layout,
    action: String,
    input: StationInput,
    streets: Vec<Street>,
    kinds: Vec<(&'static str, String)>,
    error: Option<String>,
    error_field: String,
    active: bool,
}

impl FormPage {
    fn selected_street(&self, id: &i64) -> bool {
        self.input.street_id == id.to_string()
    }
    fn invalid(&self, field: &str) -> bool {
        self.error_field == field
    }
}

fn form_page(
    state: &AppState,
    ctx: &Ctx,
    title: &str,
    action: String,
    input: StationInput,
    streets: Vec<Street>,
    err: Option<&WebError>,
) -> FormPage {
    let tr = ctx.tr();
    FormPage {
        layout: Layout::new(state, ctx, title),
        action,
        active: input.active.as_deref().is_none_or(|a| a == "true" || a == "on"),
        input,
        streets,
        kinds: StationKind::ALL.iter().map(|k| (k.as_str(), kind_label(&tr, *k))).collect(),
        error: err.map(|e| e.message(&tr)),
        error_field: err.and_then(|e| e.field()).unwrap_or("").to_owned(),
    }
}

/// `GET /stations/new`.
pub async fn new_form(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let streets = writable_streets(&state, &ctx).await?;
    if streets.is_empty() {
        return Err(deny(&state, &ctx, "station new", WebError::Forbidden).await);
    }
    let input = StationInput { kind: "hotel".into(), ..Default::default() };
    render::page(&form_page(&state, &ctx, "stations.new", "/stations".into(), input, streets, None))
}

/// The street a station is put in must be inside the user's scope.
pub fn check_street_scope(ctx: &Ctx, street_id: i64) -> Result<(), WebError> {
    if ctx.user()?.can(Permission::StationsWrite, Target::Street(street_id)) {
        Ok(())
    } else {
        Err(WebError::invalid("street_id", yizhan_core::text::Text::new("invalid.outside_scope")))
    }
}

/// Validates, checks scope, stores: creates when `id` is None, else updates. Shared with the API.
pub async fn save(
    state: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    input: &StationInput,
) -> Result<Station, WebError> {
    let new = validate_station(input)?;
    check_street_scope(ctx, new.street_id)?;
    let actor = Actor::from(ctx.user()?);
    Ok(match id {
        None => stations::create(&state.db, &actor, &new).await?,
        Some(id) => stations::update(&state.db, &actor, id, &new).await?,
    })
}

/// Saves a submitted form; a user error re-renders the form with the message and what was typed.
async fn submit(
    state: AppState,
    ctx: Ctx,
    id: Option<i64>,
    mut input: StationInput,
) -> Result<Response, WebError> {
    // An unticked checkbox sends nothing: on this form that means "inactive".
    if input.active.is_none() {
        input.active = Some("false".into());
    }
    match save(&state, &ctx, id, &input).await {
        Ok(s) => Ok(Redirect::to(&format!("/stations/{}", s.id)).into_response()),
        Err(e) if e.is_correctable() => {
            let streets = writable_streets(&state, &ctx).await?;
            let (title, action) = match id {
                None => ("stations.new", "/stations".to_owned()),
                Some(id) => ("stations.edit", format!("/stations/{id}")),
            };
            let page = form_page(&state, &ctx, title, action, input, streets, Some(&e));
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `POST /stations`.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    FormBody(input): FormBody<StationInput>,
) -> Result<Response, WebError> {
    submit(state, ctx, None, input).await
}

pub fn input_of(s: &Station) -> StationInput {
    StationInput {
        street_id: s.street_id.to_string(),
        name: s.name.clone(),
        address: s.address.clone(),
        kind: s.kind.to_string(),
        capacity: s.capacity.to_string(),
        contact_name: s.contact_name.clone(),
        contact_phone: s.contact_phone.clone(),
        active: Some(s.active.to_string()),
    }
}

/// `GET /stations/{id}/edit`.
pub async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let s = visible(&state, &ctx, id, Permission::StationsWrite).await?;
    let streets = writable_streets(&state, &ctx).await?;
    render::page(&form_page(
        &state,
        &ctx,
        "stations.edit",
        format!("/stations/{id}"),
        input_of(&s),
        streets,
        None,
    ))
}

/// `POST /stations/{id}`.
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(input): FormBody<StationInput>,
) -> Result<Response, WebError> {
    visible(&state, &ctx, id, Permission::StationsWrite).await?;
    submit(state, ctx, Some(id), input).await
}

/// `POST /stations/{id}/takes` (`takes`, repeated: category codes; none: every category).
pub async fn set_takes(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    axum::extract::RawForm(body): axum::extract::RawForm,
) -> Result<Response, WebError> {
    let s = visible(&state, &ctx, id, Permission::StationsWrite).await?;
    let mut takes = Vec::new();
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
        .map_err(|_| WebError::BadRequest("application/x-www-form-urlencoded".into()))?;
    for (k, v) in pairs {
        if k == "takes" {
            let c = GuestCategory::parse(v.trim())
                .ok_or(yizhan_core::validate::Invalid::BadFormat { hint: "cross_border_driver" });
            takes.push(yizhan_core::error::OnField::on(c, "takes")?);
        }
    }
    stations::set_takes(&state.db, &Actor::from(ctx.user()?), s.id, &takes).await?;
    Ok(Redirect::to(&format!("/stations/{}", s.id)).into_response())
}

#[derive(serde::Deserialize, Default)]
pub struct NoticeInput {
    #[serde(default)]
    pub guest_notice: String,
}

/// `POST /stations/{id}/guest-notice` (`guest_notice`): what the guests' own page says of the
/// station (meal times, rules, whom to call); empty says nothing.
pub async fn set_guest_notice(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(i): FormBody<NoticeInput>,
) -> Result<Response, WebError> {
    let s = visible(&state, &ctx, id, Permission::BoardsManage).await?;
    let text = yizhan_core::station::guest_link::validate_notice(&i.guest_notice)?;
    stations::set_guest_notice(&state.db, &Actor::from(ctx.user()?), s.id, &text).await?;
    Ok(Redirect::to(&format!("/stations/{}", s.id)).into_response())
}
