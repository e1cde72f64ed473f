//! A station's queue of guests' requests (issue 20): open ones first by deadline, late ones in
//! red, each with the working group it was routed to; staff take one in hand or answer it, and
//! the guest sees the state and the answer on their page.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use yizhan_core::access::{Actor, Permission};
use yizhan_core::error::OnField;
use yizhan_core::mask::mask_name;
use yizhan_core::station::guest_request::{AnswerInput, RequestState, validate_answer};
use yizhan_store::station::guest_requests::{self, Filter, Request};
use yizhan_store::station::stations::Station;

use crate::auth::Ctx;
use crate::error::WebError;
use crate::kit::export::{self, Cell};
use crate::kit::extract::{FormBody, Id};
use crate::kit::layout::Layout;
use crate::kit::pager::{PER_PAGE, Pager, page_of};
use crate::kit::refused::Refused;
use crate::kit::render;
use crate::policy::deny;
use crate::state::AppState;
use crate::station::guest_page::request_tone;
use crate::station::stations::visible;

pub struct Line {
    pub id: i64,
    pub room: String,
    pub name: String,
    pub kind: String,
    pub body: String,
    pub group: String,
    pub at: String,
    pub due: String,
    pub state: String,
    pub tone: &'static str,
    pub late: bool,
    pub open: bool,
    pub answer: String,
}

fn line(tr: &crate::i18n::Tr, r: &Request, now: chrono::DateTime<chrono::Utc>) -> Line {
    let tone = request_tone(r, now);
    Line {
        id: r.id,
        room: r.room_number.clone(),
        name: mask_name(&r.guest_name),
        kind: match &r.relative_name {
            Some(n) => format!("{} · {n}", tr.t("request.from_relative")),
            None => tr.t(r.kind.label_key()).to_owned(),
        },
        body: r.body.clone(),
        group: r.group_name.clone().unwrap_or_else(|| tr.t("request.whole_station").to_owned()),
        at: yizhan_core::time::local_display(r.created_at),
        due: yizhan_core::time::local_display(r.due_at),
        state: tr.t(r.state.label_key()).to_owned(),
        tone,
        late: tone == "danger",
        open: r.state != RequestState::Done,
        answer: r.answer.clone().unwrap_or_default(),
    }
}

/// The answers offered while typing one (any text may be written instead).
const ANSWER_TEMPLATES: &[&str] = &[
    "request.template.at_door",
    "request.template.medical_call",
    "request.template.on_the_way",
    "request.template.counsellor_call",
    "request.template.lead_reply",
    "request.template.family_told",
];

#[derive(Template)]
#[template(path = "requests/list.html")]
struct ListPage {
    layout: Layout,
    station: Station,
    lines: Vec<Line>,
    pager: Pager,
    all: bool,
    /// The working group shown (none: every group), and the station's groups to choose from.
    group: Option<i64>,
    groups: Vec<(i64, String)>,
    open: i64,
    late: i64,
    may_answer: bool,
    /// Answers a station gives often, offered as the answer is typed.
    templates: Vec<String>,
    refused: Refused,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    pub all: Option<String>,
    pub page: Option<String>,
    /// One working group's requests (its id); none: every group's.
    pub group: Option<String>,
}

impl ListQuery {
    fn filter(&self) -> Result<Filter, WebError> {
        let group = match self.group.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(g) => {
                Some(yizhan_core::validate::number::parse_int(g, 1, i64::MAX, "3").on("group")?)
            }
        };
        Ok(Filter { open_only: self.all.as_deref().is_none_or(|v| v.is_empty()), group })
    }
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    station: Station,
    q: &ListQuery,
    e: Option<&WebError>,
) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let f = q.filter()?;
    let all = !f.open_only;
    let page = page_of(q.page.as_deref())?;
    let total = guest_requests::count(&state.db, station.id, f).await?;
    let now = yizhan_store::db::now();
    let lines = guest_requests::page(&state.db, station.id, f, PER_PAGE, Pager::offset(page))
        .await?
        .iter()
        .map(|r| line(&tr, r, now))
        .collect();
    let path = format!("/stations/{}/requests", station.id);
    let page = ListPage {
        layout: Layout::new(state, ctx, "request.title"),
        pager: Pager::new(
            &tr,
            &path,
            &[("all", if all { "1" } else { "" }), ("group", q.group.as_deref().unwrap_or(""))],
            page,
            total,
        ),
        lines,
        all,
        group: f.group,
        groups: yizhan_store::care::staff::groups(&state.db, station.id)
            .await?
            .into_iter()
            .map(|g| (g.id, g.name))
            .collect(),
        open: guest_requests::count(&state.db, station.id, Filter::open()).await?,
        late: guest_requests::overdue_count(&state.db, station.id).await?,
        may_answer: ctx.user()?.can(Permission::GuestsWrite, station.target()),
        templates: ANSWER_TEMPLATES.iter().map(|k| ctx.tr().t(k).to_owned()).collect(),
        station,
        refused: Refused::of(e, &tr),
    };
    render::form_page(&page, e)
}

/// `GET /stations/{id}/requests` (`?all=1`: answered ones too; `group`: one working group's).
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::GuestsRead).await?;
    list_page(&state, &ctx, station, &q, None).await
}

/// `GET /stations/{id}/requests/export.xlsx`: every request of the station, masked.
pub async fn export_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::GuestsRead).await?;
    let tr = ctx.tr();
    let now = yizhan_store::db::now();
    let rows: Vec<Vec<Cell>> =
        guest_requests::page(&state.db, station.id, Filter::default(), 5000, 0)
            .await?
            .iter()
            .map(|r| {
                let l = line(&tr, r, now);
                [l.room, l.name, l.kind, l.body, l.group, l.at, l.due, l.state, l.answer]
                    .into_iter()
                    .map(Cell::Text)
                    .collect()
            })
            .collect();
    let headers = [
        "field.room_id",
        "field.person_name",
        "field.kind",
        "request.body",
        "request.group",
        "request.at",
        "request.due",
        "field.status",
        "request.answer",
    ]
    .map(|k| tr.t(k));
    let title = format!("{}-{}", station.name, tr.t("request.title"));
    export::xlsx(&title, tr.t("request.title"), &headers, &rows)
}

/// Request `id` if the person answers for its station (404 else).
async fn answerable(state: &AppState, ctx: &Ctx, id: i64) -> Result<Request, WebError> {
    let r = guest_requests::get(&state.db, id).await?;
    if !ctx.user()?.can(Permission::GuestsWrite, r.target()) {
        return Err(deny(state, ctx, &format!("request {id}"), WebError::NotFound).await);
    }
    Ok(r)
}

async fn do_answer(
    state: &AppState,
    ctx: &Ctx,
    r: &Request,
    i: &AnswerInput,
) -> Result<(), WebError> {
    let (to, text) = validate_answer(i, r.state)?;
    let actor = Actor::from(ctx.user()?);
    Ok(guest_requests::answer(&state.db, &actor, r.id, r.state, to, text.as_deref()).await?)
}

/// `POST /requests/{id}` (`state`: in_progress or done; `answer`, required when done).
pub async fn answer(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(i): FormBody<AnswerInput>,
) -> Result<Response, WebError> {
    let r = answerable(&state, &ctx, id).await?;
    match do_answer(&state, &ctx, &r, &i).await {
        Ok(()) => Ok(Redirect::to(&format!("/stations/{}/requests", r.station_id)).into_response()),
        Err(e) if e.is_correctable() => {
            let station = visible(&state, &ctx, r.station_id, Permission::GuestsRead).await?;
            list_page(&state, &ctx, station, &ListQuery::default(), Some(&e)).await
        }
        Err(e) => Err(e),
    }
}

/// A request as the API gives it: the guest masked.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct ApiRequest {
    pub id: i64,
    pub stay_id: i64,
    pub room: String,
    pub name: String,
    pub kind: yizhan_core::station::guest_request::RequestKind,
    pub body: String,
    pub group_id: Option<i64>,
    pub state: RequestState,
    pub overdue: bool,
    pub due_at: String,
    pub created_at: String,
    pub answer: Option<String>,
    /// Set when a relative wrote it through their link.
    pub relative_name: Option<String>,
}

/// `GET /api/v1/stations/{id}/requests?all=1&group=&page=`: open ones by deadline (`all`:
/// answered too; `group`: one working group's).
pub async fn api_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::GuestsRead).await?;
    let f = q.filter()?;
    let page = page_of(q.page.as_deref())?;
    let total = guest_requests::count(&state.db, station.id, f).await?;
    let now = yizhan_store::db::now();
    let rows: Vec<ApiRequest> =
        guest_requests::page(&state.db, station.id, f, PER_PAGE, Pager::offset(page))
            .await?
            .into_iter()
            .map(|r| ApiRequest {
                overdue: yizhan_core::station::guest_request::overdue(r.state, r.due_at, now),
                id: r.id,
                stay_id: r.stay_id,
                room: r.room_number,
                name: mask_name(&r.guest_name),
                kind: r.kind,
                body: r.body,
                group_id: r.group_id,
                state: r.state,
                due_at: r.due_at.to_rfc3339(),
                created_at: r.created_at.to_rfc3339(),
                answer: r.answer,
                relative_name: r.relative_name,
            })
            .collect();
    let path = format!("/api/v1/stations/{id}/requests");
    let pager =
        Pager::new(&ctx.tr(), &path, &[("all", if !f.open_only { "1" } else { "" })], page, total);
    Ok(crate::kit::listing::json_page(&rows, &pager))
}

/// `POST /api/v1/requests/{id}` (`{"state", "answer"}`): 204.
pub async fn api_answer(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    crate::kit::extract::RawBody(body): crate::kit::extract::RawBody,
) -> Result<Response, WebError> {
    let r = answerable(&state, &ctx, id).await?;
    let i: AnswerInput = crate::kit::extract::json_from(&body)?;
    do_answer(&state, &ctx, &r, &i).await?;
    Ok(axum::http::StatusCode::NO_CONTENT.into_response())
}
