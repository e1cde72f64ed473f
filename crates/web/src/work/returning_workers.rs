//! Returning workers (返岗人员): the register in the reader's scope, paged and filtered in SQL,
//! ID numbers and phones masked, the health declaration shown only as declared or not; one
//! person registered by hand and moved along; .xlsx.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use yizhan_core::access::{Actor, Permission};
use yizhan_core::error::OnField;
use yizhan_core::mask::{mask_id_number, mask_phone};
use yizhan_core::work::returning_worker::{Transport, WorkerInput, WorkerStatus, validate_worker};
use yizhan_store::work::Within;
use yizhan_store::work::returning_workers::{self, Filter, Worker};

use crate::work::picker::{Picker, enterprise_field};
use crate::work::scope_of;

use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::export::{self, Cell};
use crate::kit::extract::{FormBody, Id, Query};
use crate::kit::layout::Layout;
use crate::kit::options;
use crate::kit::render;
use crate::kit::today;
use crate::state::AppState;

const PAGE: i64 = 100;

/// The widest register this person reads: the district, a street, or one enterprise.
async fn visible(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    perm: Permission,
) -> Result<Worker, WebError> {
    let w = returning_workers::get(&state.db, id).await?;
    crate::policy::require(state, ctx, perm, w.target(), format!("worker {id}")).await?;
    Ok(w)
}

/// A worker as listed: masked, labels translated.
#[derive(Serialize, schemars::JsonSchema)]
pub struct View {
    pub id: i64,
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub province: String,
    pub city: String,
    pub enterprise: String,
    pub transport: String,
    pub arrival_date: Option<chrono::NaiveDate>,
    pub status: String,
    pub status_code: String,
    pub health_declared: bool,
}

fn view(tr: &Tr, w: Worker) -> View {
    View {
        id: w.id,
        id_number: mask_id_number(&w.id_number),
        phone: mask_phone(&w.phone),
        transport: tr.t(w.transport.label_key()).to_owned(),
        status: tr.t(w.status.label_key()).to_owned(),
        status_code: w.status.to_string(),
        health_declared: w.health.is_some(),
        name: w.name,
        province: w.province,
        city: w.city,
        enterprise: w.enterprise,
        arrival_date: w.arrival_date,
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    /// A full ID number, a phone number, or the start of a name.
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    province: String,
    #[serde(default)]
    page: String,
    /// The id the page starts after: the next page's link carries the last id of this one, so
    /// that page 10,000 is read from the id index at the cost of page 1 (an OFFSET of 500,000
    /// took 200 ms on PostgreSQL).
    #[serde(default)]
    after: String,
}

impl ListQuery {
    fn filter(&self) -> Filter {
        Filter {
            status: (!self.status.is_empty()).then(|| self.status.clone()),
            province: (!self.province.is_empty()).then(|| self.province.clone()),
            search: Some(self.q.trim().chars().take(40).collect::<String>())
                .filter(|q| !q.is_empty()),
        }
    }
    /// The page asked for, 1 when none. Bounded so that its offset fits (an unbounded one
    /// overflowed: `?page=9223372036854775807` panicked the handler; found by API fuzzing).
    fn page(&self) -> Result<i64, WebError> {
        crate::kit::pager::page_of(Some(&self.page))
    }

    fn after(&self) -> Result<Option<i64>, WebError> {
        match self.after.trim() {
            "" => Ok(None),
            a => {
                Ok(Some(yizhan_core::validate::parse_int(a, 0, i64::MAX / 2, "1200").on("after")?))
            }
        }
    }

    /// Page `page` of the workers within the scope: from the id it starts after when the link
    /// says, else by its offset.
    async fn rows(
        &self,
        state: &AppState,
        within: Within,
        page: i64,
        total: i64,
    ) -> Result<Vec<Worker>, WebError> {
        let f = self.filter();
        let offset = (page - 1) * PAGE;
        Ok(match self.after()? {
            Some(after) => {
                returning_workers::list_after(&state.db, within, &f, after, PAGE).await?
            }
            None => {
                returning_workers::list_of(&state.db, within, &f, PAGE, offset, Some(total)).await?
            }
        })
    }
}

/// The id the page after one holding `rows` starts after, when there may be one.
fn next_after(rows: &[Worker]) -> Option<i64> {
    (rows.len() as i64 == PAGE).then(|| rows.last().map(|w| w.id)).flatten()
}

#[derive(Template)]
#[template(path = "workers/list.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<View>,
    total: i64,
    page: i64,
    pages: i64,
    /// The last id on this page, for the next page's link.
    next_after: Option<i64>,
    statuses: Vec<(&'static str, String)>,
    q: ListQuery,
    query: String,
    can_write: bool,
}

/// `GET /workers`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let within = scope_of(&ctx)?;
    let f = q.filter();
    let total = returning_workers::count(&state.db, within, &f).await?;
    let page = q.page()?;
    let found = q.rows(&state, within, page, total).await?;
    let next_after = next_after(&found);
    let rows = found.into_iter().map(|w| view(&tr, w)).collect();
    render::page(&ListPage {
        layout: Layout::new(&state, &ctx, "worker.title"),
        next_after,
        rows,
        total,
        page,
        pages: (total + PAGE - 1) / PAGE,
        statuses: options(&tr, WorkerStatus::ALL, WorkerStatus::as_str, WorkerStatus::label_key),
        query: serde_urlencoded::to_string([
            ("q", &q.q),
            ("status", &q.status),
            ("province", &q.province),
        ])
        .unwrap_or_default(),
        can_write: ctx.user()?.has(Permission::EnterprisesWrite),
        q,
    })
}

/// `GET /workers/export.xlsx`: the list as filtered, streamed page by page (a district's register
/// runs to a million rows).
pub async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    const PAGE: i64 = 1000;
    let tr = ctx.tr();
    let within = scope_of(&ctx)?;
    let f = q.filter();
    let yes = tr.t("worker.declared").to_owned();
    let headers: Vec<&str> = [
        "worker.name",
        "field.id_number",
        "field.phone",
        "field.province",
        "field.city",
        "field.enterprise_id",
        "field.transport",
        "field.arrival_date",
        "field.status",
        "field.health",
    ]
    .iter()
    .map(|k| tr.t(k))
    .collect();
    let title = tr.t("worker.title");
    let mut sheet = export::StreamedSheet::start(title, &headers);
    let mut after = 0;
    loop {
        let page = returning_workers::list_after(&state.db, within, &f, after, PAGE).await?;
        let Some(last) = page.last() else {
            break;
        };
        after = last.id;
        let full = page.len() as i64 == PAGE;
        let rows = page
            .into_iter()
            .map(|w| {
                let v = view(&tr, w);
                vec![
                    Cell::from(v.name),
                    Cell::from(v.id_number),
                    Cell::from(v.phone),
                    Cell::from(v.province),
                    Cell::from(v.city),
                    Cell::from(v.enterprise),
                    Cell::from(v.transport),
                    Cell::from(v.arrival_date.map(|d| d.to_string()).unwrap_or_default()),
                    Cell::from(v.status),
                    Cell::from(if v.health_declared { yes.clone() } else { String::new() }),
                ]
            })
            .collect();
        sheet.write(rows).await?;
        // A city's register runs past a sheet's million rows: what does not fit is not read.
        if !full || sheet.is_full() {
            break;
        }
    }
    sheet.finish(&format!("{}-{title}", tr.t("rectification.district"))).await
}

#[derive(Template)]
#[template(path = "workers/form.html")]
struct FormPage {
    layout: Layout,
    f: WorkerInput,
    /// The employer, searched on the server (a district has 20,000 enterprises).
    employer: Option<Picker>,
    transports: Vec<(&'static str, String)>,
    statuses: Vec<(&'static str, String)>,
    provinces: &'static [&'static str],
    error: Option<String>,
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    f: WorkerInput,
    e: Option<&WebError>,
) -> Result<FormPage, WebError> {
    let tr = ctx.tr();
    Ok(FormPage {
        layout: Layout::new(state, ctx, "worker.title"),
        employer: enterprise_field(state, ctx, &f.enterprise_id).await?,
        f,
        transports: options(&tr, Transport::ALL, Transport::as_str, Transport::label_key),
        statuses: options(&tr, WorkerStatus::ALL, WorkerStatus::as_str, WorkerStatus::label_key),
        provinces: yizhan_core::work::returning_worker::provinces(),
        error: e.map(|e| e.message(&tr)),
    })
}

/// `GET /workers/new`.
pub async fn new(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let f = WorkerInput {
        transport: "train".into(),
        status: "registered".into(),
        ..Default::default()
    };
    render::page(&form_page(&state, &ctx, f, None).await?)
}

/// `POST /workers`.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    FormBody(f): FormBody<WorkerInput>,
) -> Result<Response, WebError> {
    let result = async {
        let w = validate_worker(&f, today()).map_err(WebError::of_person)?;
        let employer = yizhan_store::work::enterprises::get(&state.db, w.enterprise_id)
            .await
            .map_err(|_| WebError::Rule {
                field: Some("enterprise_id".into()),
                key: "error.enterprise_out_of_scope",
            })?;
        if !ctx.user()?.can(Permission::EnterprisesWrite, employer.target()) {
            return Err(WebError::Rule {
                field: Some("enterprise_id".into()),
                key: "error.enterprise_out_of_scope",
            });
        }
        Ok(returning_workers::create(&state.db, &Actor::from(ctx.user()?), &w).await?)
    }
    .await;
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/workers/{id}")).into_response()),
        Err(e) if e.is_correctable() => {
            let page = form_page(&state, &ctx, f, Some(&e)).await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "workers/show.html")]
struct ShowPage {
    layout: Layout,
    v: View,
    can_write: bool,
    statuses: Vec<(&'static str, String)>,
    error: Option<String>,
}

async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    w: Worker,
    e: Option<&WebError>,
) -> Result<ShowPage, WebError> {
    let tr = ctx.tr();
    Ok(ShowPage {
        layout: Layout::new(state, ctx, "worker.title"),
        can_write: ctx.user()?.can(Permission::EnterprisesWrite, w.target()),
        statuses: options(&tr, WorkerStatus::ALL, WorkerStatus::as_str, WorkerStatus::label_key),
        error: e.map(|e| e.message(&tr)),
        v: view(&tr, w),
    })
}

/// `GET /workers/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let w = visible(&state, &ctx, id, Permission::EnterprisesRead).await?;
    render::page(&show_page(&state, &ctx, w, None).await?)
}

#[derive(Deserialize, Default)]
pub struct StatusForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    arrival_date: String,
}

/// `POST /workers/{id}/status`: booked, arrived (with the day), at work.
pub async fn set_status(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<StatusForm>,
) -> Result<Response, WebError> {
    let w = visible(&state, &ctx, id, Permission::EnterprisesWrite).await?;
    let result = async {
        let status = yizhan_core::validate::parse_choice(&f.status, WorkerStatus::parse, "arrived")
            .on("status")?;
        let arrival =
            yizhan_core::validate::parse_optional_date(&f.arrival_date).on("arrival_date")?;
        let arrived = matches!(status, WorkerStatus::Arrived | WorkerStatus::AtWork);
        if arrived && arrival.or(w.arrival_date).is_none() {
            return Err(WebError::Rule {
                field: Some("arrival_date".into()),
                key: yizhan_core::work::returning_worker::KEY_ARRIVAL_NEEDED,
            });
        }
        if arrived && arrival.is_some_and(|d| d > today()) {
            return Err(WebError::Rule {
                field: Some("arrival_date".into()),
                key: yizhan_core::work::returning_worker::KEY_ARRIVAL_FUTURE,
            });
        }
        returning_workers::set_status(&state.db, &Actor::from(ctx.user()?), id, status, arrival)
            .await?;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/workers/{id}")).into_response()),
        Err(e) if e.is_correctable() => {
            let page = show_page(&state, &ctx, w, Some(&e)).await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct ApiPage {
    pub total: i64,
    pub page: i64,
    /// Pass as `after` (with `page` + 1) for the next page: read from the id index, as fast at
    /// any depth. None on the last page.
    pub next_after: Option<i64>,
    pub workers: Vec<View>,
}

/// `GET /api/v1/workers?q=&status=&province=&page=`: 100 a page, masked.
pub async fn api_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Json<ApiPage>, WebError> {
    let tr = ctx.tr();
    let within = scope_of(&ctx)?;
    let f = q.filter();
    let page = q.page()?;
    let total = returning_workers::count(&state.db, within, &f).await?;
    let found = q.rows(&state, within, page, total).await?;
    Ok(Json(ApiPage {
        total,
        page,
        next_after: next_after(&found),
        workers: found.into_iter().map(|w| view(&tr, w)).collect(),
    }))
}

/// `GET /api/v1/workers/{id}` (masked).
pub async fn api_show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<View>, WebError> {
    let w = visible(&state, &ctx, id, Permission::EnterprisesRead).await?;
    Ok(Json(view(&ctx.tr(), w)))
}
