//! 入住预排 for the district's command: the lists ports and offices send, imported; the people on
//! them, paged and searched on the server; the proposal of a station for each (free beds,
//! categories, parties kept together), confirmed in one action; one person (with their party)
//! moved to another station or taken off the list. JSON twins for each.

use askama::Template;
use axum::Json;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use yizhan_core::access::Actor;
use yizhan_core::error::OnField;
use yizhan_core::mask::{doc_tail, mask_name};
use yizhan_core::station::allocation::{Proposal, Unplaced, propose, takes_of};
use yizhan_core::station::guest::parse_optional_date;
use yizhan_core::station::intake::{ArrivalState, columns};
use yizhan_core::validate::{Invalid, required_text};
use yizhan_store::station::arrivals::{self, Arrival, ArrivalFilter};
use yizhan_store::station::stations;

use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::jobs::import_job::What;
use crate::kit::export::{self, Cell};
use crate::kit::extract::{FormBody, Id, RawBody, json_from};
use crate::kit::layout::Layout;
use crate::kit::listing::json_page;
use crate::kit::pager::{PER_PAGE, Pager, page_of};
use crate::kit::refused::Refused;
use crate::kit::render;
use crate::state::AppState;
use crate::station::guests::category_label;
use crate::station::transfer_dispatch::district_wide;
use crate::work::worker_import::{self, ARRIVALS};

/// `?q=&state=&day=&station=&page=` of an arrivals list.
#[derive(Debug, Default, Deserialize)]
pub struct ArrivalQuery {
    pub q: Option<String>,
    pub state: Option<String>,
    pub day: Option<String>,
    pub page: Option<String>,
    /// After a confirmation: how many were allocated and how many could not be.
    pub placed: Option<usize>,
    pub unplaced: Option<usize>,
}

/// The query read: a state or a day that is not one is refused by name.
pub struct Asked {
    pub q: String,
    pub state: Option<ArrivalState>,
    pub day: Option<chrono::NaiveDate>,
    pub page: i64,
}

pub fn asked(q: &ArrivalQuery) -> Result<Asked, WebError> {
    let state = match q.state.as_deref().map(str::trim).unwrap_or_default() {
        "" => None,
        s => {
            Some(ArrivalState::parse(s).ok_or(Invalid::BadFormat { hint: "planned" }).on("state")?)
        }
    };
    let day = parse_optional_date(q.day.as_deref().unwrap_or_default()).on("day")?;
    Ok(Asked {
        q: q.q.as_deref().map(str::trim).unwrap_or_default().to_owned(),
        state,
        day,
        page: page_of(q.page.as_deref())?,
    })
}

impl Asked {
    pub fn filter(&self, station_id: Option<i64>) -> ArrivalFilter<'_> {
        ArrivalFilter {
            station_id,
            state: self.state,
            day: self.day,
            search: Some(self.q.as_str()).filter(|q| !q.is_empty()),
        }
    }

    /// The pager of a list of `total` at `path`, its links keeping the filters.
    pub fn pager(&self, tr: &Tr, path: &str, total: i64) -> Pager {
        let state = self.state.map(|s| s.as_str().to_owned()).unwrap_or_default();
        let day = self.day.map(|d| d.to_string()).unwrap_or_default();
        let kept = [("q", self.q.as_str()), ("state", state.as_str()), ("day", day.as_str())];
        Pager::new(tr, path, &kept, self.page, total)
    }

    /// The page asked of the arrivals `station_id` narrows to (all: the district's), and how
    /// many the filters find.
    pub async fn found(
        &self,
        state: &AppState,
        station_id: Option<i64>,
    ) -> Result<(Vec<Arrival>, i64), WebError> {
        let f = self.filter(station_id);
        let total = arrivals::count(&state.db, &f).await?;
        let rows = arrivals::page(&state.db, &f, PER_PAGE, Pager::offset(self.page)).await?;
        Ok((rows, total))
    }
}

/// An arrival as lists show it: masked.
pub struct Line {
    pub id: i64,
    pub name: String,
    pub tail: String,
    pub category: String,
    pub party: String,
    pub expected_on: String,
    pub port: String,
    pub state: ArrivalState,
    pub state_word: String,
    pub tone: &'static str,
    pub station: String,
    pub open: bool,
}

pub fn tone_of(s: ArrivalState) -> &'static str {
    match s {
        ArrivalState::Planned => "warning",
        ArrivalState::Allocated => "info",
        ArrivalState::Arrived => "ok",
        ArrivalState::Cancelled => "muted",
    }
}

pub fn line(tr: &Tr, a: &Arrival) -> Line {
    Line {
        id: a.id,
        name: mask_name(&a.name),
        tail: doc_tail(&a.doc_number),
        category: category_label(tr, a.category),
        party: a.party.clone().unwrap_or_default(),
        expected_on: a.expected_on.to_string(),
        port: a.port.clone(),
        state: a.state,
        state_word: tr.t(a.state.label_key()).to_owned(),
        tone: tone_of(a.state),
        station: a.station.clone().unwrap_or_default(),
        open: matches!(a.state, ArrivalState::Planned | ArrivalState::Allocated),
    }
}

/// A station's line in the proposal.
pub struct StationLine {
    pub id: i64,
    pub name: String,
    pub takes: String,
    pub free_beds: i64,
    pub proposed: i64,
}

/// The proposal as the page shows it.
pub struct ProposalView {
    pub waiting: usize,
    pub stations: Vec<StationLine>,
    pub placed: usize,
    /// (reason in words, how many).
    pub unplaced: Vec<(String, usize)>,
    pub fingerprint: String,
}

async fn proposal(state: &AppState) -> Result<(Proposal, usize), WebError> {
    let waiting = arrivals::waiting(&state.db).await?;
    let rooms = arrivals::rooms(&state.db).await?;
    Ok((propose(&waiting, &rooms), waiting.len()))
}

fn unplaced_words(tr: &Tr, p: &Proposal) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    for (_, why) in &p.unplaced {
        let said = match why {
            Unplaced::NoStationTakes(c) => {
                tr.f(why.label_key(), &[("category", &category_label(tr, *c))])
            }
            Unplaced::NoBeds => tr.t(why.label_key()).to_owned(),
        };
        match out.iter_mut().find(|(w, _)| *w == said) {
            Some((_, n)) => *n += 1,
            None => out.push((said, 1)),
        }
    }
    out
}

async fn proposal_view(state: &AppState, tr: &Tr) -> Result<ProposalView, WebError> {
    let (p, waiting) = proposal(state).await?;
    let rooms = arrivals::rooms(&state.db).await?;
    let per = p.per_station();
    let all = stations::list(&state.db).await?;
    let stations = all
        .iter()
        .filter(|s| s.active)
        .map(|s| StationLine {
            id: s.id,
            name: s.name.clone(),
            takes: takes_words(tr, &s.takes),
            free_beds: rooms.iter().find(|r| r.station_id == s.id).map_or(0, |r| r.free_beds),
            proposed: per.get(&s.id).copied().unwrap_or(0),
        })
        .collect();
    Ok(ProposalView {
        waiting,
        stations,
        placed: p.placed.len(),
        unplaced: unplaced_words(tr, &p),
        fingerprint: p.fingerprint(),
    })
}

/// The categories a station takes, in words ("every category" when it names none).
pub fn takes_words(tr: &Tr, stored: &str) -> String {
    let takes = takes_of(stored);
    if takes.is_empty() {
        return tr.t("arrival.takes_all").to_owned();
    }
    takes.iter().map(|c| category_label(tr, *c)).collect::<Vec<_>>().join(tr.t("punct.list_sep"))
}

#[derive(Template)]
#[template(path = "arrivals/list.html")]
struct ListPage {
    layout: Layout,
    proposal: ProposalView,
    lines: Vec<Line>,
    pager: Pager,
    q: String,
    state: String,
    day: String,
    states: Vec<(&'static str, String)>,
    /// Active stations, (id, name).
    stations: Vec<(i64, String)>,
    /// What the last confirmation did, in words.
    done: Option<String>,
    refused: Refused,
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    q: &ArrivalQuery,
    done: Option<String>,
    e: Option<&WebError>,
) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let a = asked(q)?;
    let (found, total) = a.found(state, None).await?;
    let page = ListPage {
        layout: Layout::new(state, ctx, "arrival.title"),
        proposal: proposal_view(state, &tr).await?,
        lines: found.iter().map(|x| line(&tr, x)).collect(),
        pager: a.pager(&tr, "/arrivals", total),
        q: a.q.clone(),
        state: a.state.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        day: a.day.map(|d| d.to_string()).unwrap_or_default(),
        states: ArrivalState::ALL
            .iter()
            .map(|s| (s.as_str(), tr.t(s.label_key()).to_owned()))
            .collect(),
        stations: stations::list(&state.db)
            .await?
            .into_iter()
            .filter(|s| s.active)
            .map(|s| (s.id, s.name))
            .collect(),
        done,
        refused: Refused::of(e, &tr),
    };
    render::form_page(&page, e)
}

/// `GET /arrivals`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ArrivalQuery>,
) -> Result<Response, WebError> {
    district_wide(&state, &ctx, "arrivals").await?;
    let done =
        match (q.placed, q.unplaced) {
            (Some(p), Some(u)) => Some(ctx.tr().f(
                "arrival.allocated",
                &[("placed", &p.to_string()), ("unplaced", &u.to_string())],
            )),
            _ => None,
        };
    list_page(&state, &ctx, &q, done, None).await
}

/// Every arrival a filter finds, a thousand at a time.
pub async fn everything(state: &AppState, f: &ArrivalFilter<'_>) -> Result<Vec<Arrival>, WebError> {
    let mut all = Vec::new();
    loop {
        let batch = arrivals::page(&state.db, f, 1000, all.len() as i64).await?;
        let done = batch.len() < 1000;
        all.extend(batch);
        if done {
            return Ok(all);
        }
    }
}

/// The rows of an arrivals export: masked like the screen.
pub fn export_rows(tr: &Tr, all: &[Arrival]) -> Vec<Vec<Cell>> {
    all.iter()
        .map(|a| {
            let l = line(tr, a);
            [l.name, l.tail, l.category, l.party, l.expected_on, l.port, l.state_word, l.station]
                .into_iter()
                .map(Cell::Text)
                .collect()
        })
        .collect()
}

pub const EXPORT_HEADERS: [&str; 8] = [
    "field.person_name",
    "guests.doc_tail",
    "field.category",
    "arrival.party",
    "arrival.expected_on",
    "arrival.port",
    "field.status",
    "arrival.station",
];

/// `GET /arrivals/export.xlsx`: the list as filtered, masked.
pub async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ArrivalQuery>,
) -> Result<Response, WebError> {
    district_wide(&state, &ctx, "arrivals").await?;
    let tr = ctx.tr();
    let a = asked(&q)?;
    let all = everything(&state, &a.filter(None)).await?;
    let headers = EXPORT_HEADERS.map(|k| tr.t(k));
    let title = tr.t("arrival.title");
    export::xlsx(title, title, &headers, &export_rows(&tr, &all))
}

/// `GET /arrivals/import`.
pub async fn import_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<crate::kit::listing::ListQuery>,
) -> Result<Response, WebError> {
    district_wide(&state, &ctx, "arrivals import").await?;
    worker_import::form_page(&state, &ctx, &ARRIVALS, &query, None).await
}

/// `GET /arrivals/import/template.xlsx`.
pub async fn template(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    district_wide(&state, &ctx, "arrivals template").await?;
    worker_import::template_of(&ctx, &columns(), "arrival.example", "arrival.title")
}

/// The codes of the policies in force today.
async fn policies_in_force(
    state: &AppState,
) -> Result<std::collections::HashSet<String>, WebError> {
    let today = crate::kit::today();
    Ok(yizhan_store::station::policies::list(&state.db)
        .await?
        .into_iter()
        .filter(|p| yizhan_core::station::quarantine::in_force(p.valid_from, p.valid_to, today))
        .map(|p| p.code)
        .collect())
}

/// `POST /arrivals/import?_csrf=…` (`file`, `mode`).
pub async fn import(
    State(state): State<AppState>,
    ctx: Ctx,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, WebError> {
    district_wide(&state, &ctx, "arrivals import").await?;
    let what = What::Arrivals { policies: policies_in_force(&state).await? };
    worker_import::start(&state, &ctx, &ARRIVALS, what, form).await
}

#[derive(Deserialize, Default)]
pub struct ConfirmInput {
    /// The proposal's fingerprint as the person saw it.
    #[serde(default)]
    pub fingerprint: String,
}

/// Confirms the proposal the person saw: computed again, refused if it changed meanwhile.
async fn do_allocate(state: &AppState, ctx: &Ctx, seen: &str) -> Result<(usize, usize), WebError> {
    let (p, _) = proposal(state).await?;
    if seen.trim() != p.fingerprint() {
        return Err(WebError::Rule { field: None, key: "error.proposal_stale" });
    }
    if p.placed.is_empty() {
        return Err(WebError::Rule { field: None, key: "error.proposal_empty" });
    }
    let actor = Actor::from(ctx.user()?);
    arrivals::allocate(&state.db, &actor, &p.placed, false).await?;
    Ok((p.placed.len(), p.unplaced.len()))
}

/// `POST /arrivals/allocate` (`fingerprint`).
pub async fn allocate(
    State(state): State<AppState>,
    ctx: Ctx,
    FormBody(i): FormBody<ConfirmInput>,
) -> Result<Response, WebError> {
    district_wide(&state, &ctx, "arrivals allocation").await?;
    match do_allocate(&state, &ctx, &i.fingerprint).await {
        // Back to the list by GET, so reloading it does not confirm again.
        Ok((placed, unplaced)) => {
            Ok(Redirect::to(&format!("/arrivals?placed={placed}&unplaced={unplaced}"))
                .into_response())
        }
        Err(e) if e.is_correctable() => {
            list_page(&state, &ctx, &ArrivalQuery::default(), None, Some(&e)).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
pub struct AssignInput {
    #[serde(default)]
    pub station_id: String,
}

/// Moves arrival `id` and its party to a station that takes them, all or none.
async fn do_assign(state: &AppState, ctx: &Ctx, id: i64, i: &AssignInput) -> Result<(), WebError> {
    let station = yizhan_core::station::stations::parse_id(&i.station_id).on("station_id")?;
    let a = arrivals::get(&state.db, id).await?;
    if !matches!(a.state, ArrivalState::Planned | ArrivalState::Allocated) {
        return Err(WebError::Rule { field: None, key: "error.arrival_not_open" });
    }
    let s = match stations::get(&state.db, station).await {
        Ok(s) if s.active => s,
        _ => {
            return Err(WebError::Rule {
                field: Some("station_id".into()),
                key: "error.station_unknown",
            });
        }
    };
    let party = arrivals::party_of(&state.db, &a).await?;
    let takes = takes_of(&s.takes);
    if !takes.is_empty() && party.iter().any(|m| !takes.contains(&m.category)) {
        return Err(WebError::Rule {
            field: Some("station_id".into()),
            key: "error.station_takes_not",
        });
    }
    let pairs: Vec<(i64, i64)> =
        party.iter().filter(|m| m.station_id != Some(station)).map(|m| (m.id, station)).collect();
    if pairs.is_empty() {
        return Ok(());
    }
    let actor = Actor::from(ctx.user()?);
    arrivals::allocate(&state.db, &actor, &pairs, true).await?;
    Ok(())
}

/// `POST /arrivals/{id}/assign` (`station_id`).
pub async fn assign(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(i): FormBody<AssignInput>,
) -> Result<Response, WebError> {
    district_wide(&state, &ctx, "arrival assign").await?;
    let done = do_assign(&state, &ctx, id, &i).await;
    back_to_list(&state, &ctx, done).await
}

/// After a change on the list: back to it, or the list again saying what was refused.
async fn back_to_list(
    state: &AppState,
    ctx: &Ctx,
    done: Result<(), WebError>,
) -> Result<Response, WebError> {
    match done {
        Ok(()) => Ok(Redirect::to("/arrivals").into_response()),
        Err(e) if e.is_correctable() => {
            list_page(state, ctx, &ArrivalQuery::default(), None, Some(&e)).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
pub struct CancelInput {
    #[serde(default)]
    pub reason: String,
}

async fn do_cancel(state: &AppState, ctx: &Ctx, id: i64, i: &CancelInput) -> Result<(), WebError> {
    let reason = required_text(&i.reason, 200).on("reason")?;
    arrivals::get(&state.db, id).await?;
    let actor = Actor::from(ctx.user()?);
    Ok(arrivals::cancel(&state.db, &actor, id, &reason).await?)
}

/// `POST /arrivals/{id}/cancel` (`reason`).
pub async fn cancel(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(i): FormBody<CancelInput>,
) -> Result<Response, WebError> {
    district_wide(&state, &ctx, "arrival cancel").await?;
    let done = do_cancel(&state, &ctx, id, &i).await;
    back_to_list(&state, &ctx, done).await
}

/// An arrival as the API gives it: masked.
#[derive(Serialize, schemars::JsonSchema)]
pub struct ApiArrival {
    pub id: i64,
    pub name: String,
    pub doc_tail: String,
    pub category: yizhan_core::station::guest::GuestCategory,
    pub party: Option<String>,
    pub expected_on: String,
    pub port: String,
    pub policy_code: String,
    pub state: ArrivalState,
    pub station_id: Option<i64>,
    pub stay_id: Option<i64>,
}

pub fn api_arrival(a: Arrival) -> ApiArrival {
    ApiArrival {
        id: a.id,
        name: mask_name(&a.name),
        doc_tail: doc_tail(&a.doc_number),
        category: a.category,
        party: a.party,
        expected_on: a.expected_on.to_string(),
        port: a.port,
        policy_code: a.policy_code,
        state: a.state,
        station_id: a.station_id,
        stay_id: a.stay_id,
    }
}

/// `GET /api/v1/arrivals?q=&state=&day=&page=`: the whole list, paged (`X-Total-Count`).
pub async fn api_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ArrivalQuery>,
) -> Result<Response, WebError> {
    district_wide(&state, &ctx, "arrivals").await?;
    let tr = ctx.tr();
    let a = asked(&q)?;
    let (found, total) = a.found(&state, None).await?;
    let rows: Vec<ApiArrival> = found.into_iter().map(api_arrival).collect();
    Ok(json_page(&rows, &a.pager(&tr, "/api/v1/arrivals", total)))
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct ApiProposal {
    pub fingerprint: String,
    pub waiting: usize,
    /// (arrival, station).
    #[schemars(with = "Vec<[i64; 2]>")]
    pub placed: Vec<(i64, i64)>,
    pub unplaced: Vec<ApiUnplaced>,
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct ApiUnplaced {
    pub arrival_id: i64,
    /// `category` (no station takes it) or `beds`.
    pub reason: &'static str,
}

/// `GET /api/v1/arrivals/proposal`.
pub async fn api_proposal(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<ApiProposal>, WebError> {
    district_wide(&state, &ctx, "arrivals proposal").await?;
    let (p, waiting) = proposal(&state).await?;
    Ok(Json(ApiProposal {
        fingerprint: p.fingerprint(),
        waiting,
        unplaced: p
            .unplaced
            .iter()
            .map(|(id, why)| ApiUnplaced {
                arrival_id: *id,
                reason: match why {
                    Unplaced::NoStationTakes(_) => "category",
                    Unplaced::NoBeds => "beds",
                },
            })
            .collect(),
        placed: p.placed,
    }))
}

/// `POST /api/v1/arrivals/allocate` (`{"fingerprint"}`): `{"allocated", "unplaced"}`.
pub async fn api_allocate(
    State(state): State<AppState>,
    ctx: Ctx,
    RawBody(body): RawBody,
) -> Result<Response, WebError> {
    district_wide(&state, &ctx, "arrivals allocation").await?;
    let i: ConfirmInput = json_from(&body)?;
    let (placed, unplaced) = do_allocate(&state, &ctx, &i.fingerprint).await?;
    Ok(Json(Allocated { allocated: placed, unplaced }).into_response())
}

/// How many arrivals the confirmed proposal addressed to a station, and how many it could not.
#[derive(Serialize, schemars::JsonSchema)]
pub struct Allocated {
    allocated: usize,
    unplaced: usize,
}

/// `POST /api/v1/arrivals/{id}/assign` (`{"station_id"}`): 204.
pub async fn api_assign(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Response, WebError> {
    district_wide(&state, &ctx, "arrival assign").await?;
    let v: serde_json::Value = json_from(&body)?;
    let i = AssignInput { station_id: crate::station::rooms::json::text(&v["station_id"]) };
    do_assign(&state, &ctx, id, &i).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /api/v1/arrivals/{id}/cancel` (`{"reason"}`): 204.
pub async fn api_cancel(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Response, WebError> {
    district_wide(&state, &ctx, "arrival cancel").await?;
    let i: CancelInput = json_from(&body)?;
    do_cancel(&state, &ctx, id, &i).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
