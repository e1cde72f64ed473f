//! Difficulty tickets (困难诉求): an enterprise raises one; the command routes it to a
//! department and records the resolution; the time to resolve is shown; .xlsx.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use yizhan_core::access::{Actor, Permission};
use yizhan_core::error::OnField;
use yizhan_core::work::difficulty::{Category, TicketInput, TicketStatus, validate_ticket};
use yizhan_store::work::difficulties::{self, Ticket};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::export::{self, Cell};
use crate::kit::extract::{FormBody, Id};
use crate::kit::layout::Layout;
use crate::kit::listing::{ListQuery, Listing, listing};
use crate::kit::options;
use crate::kit::render;
use crate::state::AppState;
use crate::work::picker::{Picker, enterprise_field};

pub struct Row {
    pub t: Ticket,
    pub category: String,
    pub status: String,
    pub hours: Option<i64>,
}

fn row(tr: &Tr, t: Ticket) -> Row {
    Row {
        category: tr.t(t.category.label_key()).to_owned(),
        status: tr.t(t.status.label_key()).to_owned(),
        hours: t.hours_to_resolve(),
        t,
    }
}

pub(crate) async fn rows(state: &AppState, ctx: &Ctx) -> Result<Vec<Row>, WebError> {
    let p = ctx.user()?;
    let tr = ctx.tr();
    Ok(difficulties::list(&state.db)
        .await?
        .into_iter()
        .filter(|t| p.can(Permission::EnterprisesRead, t.target()))
        .map(|t| row(&tr, t))
        .collect())
}

#[derive(Template)]
#[template(path = "difficulties/list.html")]
struct ListPage {
    layout: Layout,
    list: Listing<Row>,
    /// The enterprise a ticket is raised for, searched (a district has 20,000).
    picker: Option<Picker>,
    categories: Vec<(&'static str, String)>,
    f: RaiseForm,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct RaiseForm {
    #[serde(default)]
    enterprise_id: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    description: String,
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    f: RaiseForm,
    e: Option<&WebError>,
    query: &ListQuery,
) -> Result<ListPage, WebError> {
    let tr = ctx.tr();
    Ok(ListPage {
        layout: Layout::new(state, ctx, "difficulty.title"),
        list: listing(
            &tr,
            "/difficulties",
            &[],
            query,
            rows(state, ctx).await?,
            |r| vec![r.t.enterprise.as_str(), r.t.description.as_str(), &r.category, &r.status],
            &[
                ("enterprise", |a, b| a.t.enterprise.cmp(&b.t.enterprise)),
                ("status", |a, b| a.status.cmp(&b.status)),
                ("hours", |a, b| a.hours.cmp(&b.hours)),
            ],
        )?,
        picker: enterprise_field(state, ctx, &f.enterprise_id).await?,
        categories: options(&tr, Category::ALL, Category::as_str, Category::label_key),
        f,
        error: e.map(|e| e.message(&tr)),
    })
}

/// `GET /difficulties`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    render::page(&list_page(&state, &ctx, RaiseForm::default(), None, &query).await?)
}

/// `POST /difficulties`.
pub async fn raise(
    State(state): State<AppState>,
    ctx: Ctx,
    FormBody(f): FormBody<RaiseForm>,
) -> Result<Response, WebError> {
    let result = async {
        let t = validate_ticket(&TicketInput {
            category: f.category.clone(),
            description: f.description.clone(),
        })?;
        let id = yizhan_core::validate::parse_int(&f.enterprise_id, 1, i64::MAX, "1")
            .on("enterprise_id")?;
        let writable = match yizhan_store::work::enterprises::get(&state.db, id).await {
            Ok(e) => ctx.user()?.can(Permission::EnterprisesWrite, e.target()),
            Err(yizhan_store::StoreError::NotFound) => false,
            Err(e) => return Err(e.into()),
        };
        if !writable {
            return Err(WebError::Rule {
                field: Some("enterprise_id".into()),
                key: "error.enterprise_out_of_scope",
            });
        }
        Ok(difficulties::raise(&state.db, &Actor::from(ctx.user()?), id, &t).await?)
    }
    .await;
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/difficulties/{id}")).into_response()),
        Err(e) if e.is_correctable() => {
            let page = list_page(&state, &ctx, f, Some(&e), &ListQuery::default()).await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "difficulties/show.html")]
struct ShowPage {
    layout: Layout,
    r: Row,
    can_handle: bool,
    error: Option<String>,
}

async fn visible(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    perm: Permission,
) -> Result<Ticket, WebError> {
    let t = difficulties::get(&state.db, id).await?;
    crate::policy::require(state, ctx, perm, t.target(), format!("difficulty {id}")).await?;
    Ok(t)
}

/// `GET /difficulties/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let t = visible(&state, &ctx, id, Permission::EnterprisesRead).await?;
    render::page(&ShowPage {
        layout: Layout::new(&state, &ctx, "difficulty.title"),
        can_handle: ctx.user()?.can(Permission::DifficultiesHandle, t.target()),
        r: row(&ctx.tr(), t),
        error: None,
    })
}

#[derive(Deserialize, Default)]
pub struct StepForm {
    /// `routed` (with the department) or `resolved` (with the resolution).
    #[serde(default)]
    to: String,
    #[serde(default)]
    text: String,
}

/// `POST /difficulties/{id}/step`.
pub async fn step(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<StepForm>,
) -> Result<Response, WebError> {
    let t = visible(&state, &ctx, id, Permission::DifficultiesHandle).await?;
    let result = async {
        let to =
            yizhan_core::validate::parse_choice(&f.to, TicketStatus::parse, "routed").on("to")?;
        let text = yizhan_core::validate::required_text(&f.text, 1000).on("text")?;
        difficulties::step(&state.db, &Actor::from(ctx.user()?), id, to, &text).await?;
        Ok::<_, WebError>(())
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/difficulties/{id}")).into_response()),
        Err(e) if e.is_correctable() => {
            let tr = ctx.tr();
            let page = ShowPage {
                layout: Layout::new(&state, &ctx, "difficulty.title"),
                can_handle: true,
                error: Some(e.message(&tr)),
                r: row(&tr, t),
            };
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `GET /difficulties/export.xlsx`.
pub async fn export(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let data: Vec<Vec<Cell>> = rows(&state, &ctx)
        .await?
        .into_iter()
        .map(|r| {
            vec![
                Cell::from(r.t.enterprise.clone()),
                Cell::from(r.category),
                Cell::from(r.t.description.clone()),
                Cell::from(r.status),
                Cell::from(r.t.department.clone().unwrap_or_default()),
                Cell::from(r.t.resolution.clone().unwrap_or_default()),
                Cell::from(yizhan_core::time::local_display(r.t.raised_at)),
                Cell::from(r.hours.map(|h| h.to_string()).unwrap_or_default()),
            ]
        })
        .collect();
    export::station_list(
        &tr,
        tr.t("rectification.district"),
        "difficulty.title",
        &[
            "field.enterprise_id",
            "difficulty.category",
            "difficulty.description",
            "field.status",
            "difficulty.department",
            "difficulty.resolution",
            "difficulty.raised_at",
            "difficulty.hours",
        ],
        &data,
    )
}
