//! Enterprises (企业) resuming work: the register with resumption status and dates, the filed
//! prevention plan, .xlsx. An enterprise's own account sees and changes only that enterprise;
//! a street sees its own; contact phones are masked.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use yizhan_core::access::{Actor, Permission, Target};
use yizhan_core::directive::MAX_ATTACHMENT;
use yizhan_core::enterprise::{EnterpriseInput, Industry, Resumption, validate_enterprise};
use yizhan_core::mask::mask_phone;
use yizhan_store::enterprises::{self, Enterprise, Plan};
use yizhan_store::stations::Street;

use crate::auth::Ctx;
use crate::error::WebError;
use crate::export::{self, Cell};
use crate::extract::{FormBody, Id, Query};
use crate::i18n::Tr;
use crate::pages::guests::today;
use crate::pages::layout::Layout;
use crate::pages::staff::{label_of, options};
use crate::policy::deny;
use crate::render;
use crate::state::AppState;

pub const UPLOAD_LIMIT: usize = MAX_ATTACHMENT + 64 * 1024;

async fn visible(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    perm: Permission,
) -> Result<Enterprise, WebError> {
    let e = enterprises::get(&state.db, id).await?;
    crate::policy::require(state, ctx, perm, e.target(), format!("enterprise {id}")).await?;
    Ok(e)
}

/// An enterprise as shown and exported: labels translated, the phone masked.
#[derive(Serialize)]
pub struct View {
    #[serde(flatten)]
    pub e: Enterprise,
    pub industry_label: String,
    pub resumption_label: String,
}

fn view(tr: &Tr, mut e: Enterprise) -> View {
    e.contact_phone = mask_phone(&e.contact_phone);
    View {
        industry_label: label_of(tr, &e.industry, Industry::parse, Industry::label_key),
        resumption_label: label_of(tr, &e.resumption, Resumption::parse, Resumption::label_key),
        e,
    }
}

#[derive(Deserialize, Default)]
pub struct Filter {
    #[serde(default)]
    street: String,
    #[serde(default)]
    resumption: String,
    /// `1`: above-scale (规上) only.
    #[serde(default)]
    above_scale: String,
}

async fn rows(state: &AppState, ctx: &Ctx, f: &Filter) -> Result<Vec<View>, WebError> {
    let p = ctx.user()?;
    let tr = ctx.tr();
    Ok(enterprises::list(&state.db)
        .await?
        .into_iter()
        .filter(|e| p.can(Permission::EnterprisesRead, e.target()))
        .filter(|e| f.street.is_empty() || f.street == e.street_id.to_string())
        .filter(|e| f.resumption.is_empty() || f.resumption == e.resumption)
        .filter(|e| f.above_scale != "1" || e.above_scale)
        .map(|e| view(&tr, e))
        .collect())
}

#[derive(Template)]
#[template(path = "enterprises/list.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<View>,
    resumed: usize,
    streets: Vec<Street>,
    statuses: Vec<(&'static str, String)>,
    f: Filter,
    can_create: bool,
    query: String,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(f): Query<Filter>,
) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let rows = rows(&state, &ctx, &f).await?;
    let streets = writable_or_readable_streets(&state, &ctx, Permission::EnterprisesRead).await?;
    render::page(&ListPage {
        layout: Layout::new(&state, &ctx, "enterprise.title"),
        resumed: rows.iter().filter(|r| r.e.resumption == "resumed").count(),
        can_create: !writable_or_readable_streets(&state, &ctx, Permission::EnterprisesWrite)
            .await?
            .is_empty(),
        statuses: options(
            &tr,
            Resumption::ALL,
            Resumption::as_str,
            Resumption::label_key,
        ),
        query: serde_urlencoded::to_string([
            ("street", &f.street),
            ("resumption", &f.resumption),
            ("above_scale", &f.above_scale),
        ])
        .unwrap_or_default(),
        streets,
        rows,
        f,
    })
}

/// Streets where this person may do `perm` (an enterprise's own account has none).
async fn writable_or_readable_streets(
    state: &AppState,
    ctx: &Ctx,
    perm: Permission,
) -> Result<Vec<Street>, WebError> {
    let p = ctx.user()?;
    Ok(yizhan_store::stations::streets(&state.db)
        .await?
        .into_iter()
        .filter(|s| p.can(perm, Target::Street(s.id)))
        .collect())
}

pub async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(f): Query<Filter>,
) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let yes = tr.t("common.yes").to_owned();
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let data: Vec<Vec<Cell>> = rows(&state, &ctx, &f)
        .await?
        .into_iter()
        .map(|v| {
            vec![
                Cell::from(v.e.uscc.clone()),
                Cell::from(v.e.name.clone()),
                Cell::from(v.e.street.clone()),
                Cell::from(v.industry_label),
                Cell::from(if v.e.above_scale {
                    yes.clone()
                } else {
                    String::new()
                }),
                Cell::from(v.e.headcount),
                Cell::from(v.e.contact_name.clone()),
                Cell::from(v.e.contact_phone.clone()),
                Cell::from(v.resumption_label),
                Cell::from(date(v.e.applied_on)),
                Cell::from(date(v.e.approved_on)),
                Cell::from(date(v.e.resumed_on)),
                Cell::from(if v.e.has_plan {
                    yes.clone()
                } else {
                    String::new()
                }),
            ]
        })
        .collect();
    export::station_list(
        &tr,
        tr.t("rectification.district"),
        "enterprise.title",
        &[
            "field.uscc",
            "field.name",
            "field.street_id",
            "field.industry",
            "field.above_scale",
            "field.headcount",
            "field.contact_name",
            "field.contact_phone",
            "field.resumption",
            "field.applied_on",
            "field.approved_on",
            "field.resumed_on",
            "enterprise.plan",
        ],
        &data,
    )
}

#[derive(Template)]
#[template(path = "enterprises/form.html")]
struct FormPage {
    layout: Layout,
    id: Option<i64>,
    f: EnterpriseInput,
    streets: Vec<Street>,
    industries: Vec<(&'static str, String)>,
    statuses: Vec<(&'static str, String)>,
    error: Option<String>,
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    f: EnterpriseInput,
    e: Option<&WebError>,
) -> Result<FormPage, WebError> {
    let tr = ctx.tr();
    let mut streets = yizhan_store::stations::streets(&state.db).await?;
    if id.is_none() {
        let p = ctx.user()?;
        streets.retain(|s| p.can(Permission::EnterprisesWrite, Target::Street(s.id)));
    }
    Ok(FormPage {
        layout: Layout::new(state, ctx, "enterprise.title"),
        id,
        f,
        streets,
        industries: options(&tr, Industry::ALL, Industry::as_str, Industry::label_key),
        statuses: options(
            &tr,
            Resumption::ALL,
            Resumption::as_str,
            Resumption::label_key,
        ),
        error: e.map(|e| e.message(&tr)),
    })
}

/// Registering a new enterprise is for the district and the streets; an enterprise's own
/// account edits itself only.
async fn may_register(state: &AppState, ctx: &Ctx) -> Result<(), WebError> {
    if writable_or_readable_streets(state, ctx, Permission::EnterprisesWrite)
        .await?
        .is_empty()
    {
        return Err(deny(state, ctx, "enterprise register", WebError::Forbidden).await);
    }
    Ok(())
}

pub async fn new(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    may_register(&state, &ctx).await?;
    let f = EnterpriseInput {
        resumption: "not_started".into(),
        industry: "manufacturing".into(),
        ..Default::default()
    };
    render::page(&form_page(&state, &ctx, None, f, None).await?)
}

fn input_of(e: &Enterprise) -> EnterpriseInput {
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    EnterpriseInput {
        uscc: e.uscc.clone(),
        name: e.name.clone(),
        street_id: e.street_id.to_string(),
        industry: e.industry.clone(),
        above_scale: if e.above_scale {
            "on".into()
        } else {
            String::new()
        },
        headcount: e.headcount.to_string(),
        contact_name: e.contact_name.clone(),
        contact_phone: e.contact_phone.clone(),
        resumption: e.resumption.clone(),
        applied_on: date(e.applied_on),
        approved_on: date(e.approved_on),
        resumed_on: date(e.resumed_on),
    }
}

pub async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let e = visible(&state, &ctx, id, Permission::EnterprisesWrite).await?;
    render::page(&form_page(&state, &ctx, Some(id), input_of(&e), None).await?)
}

/// `POST /enterprises` (new) and `POST /enterprises/{id}` (edit) share the checks: valid input,
/// and the (new) street in the writer's scope.
async fn save(
    state: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    f: EnterpriseInput,
) -> Result<Response, WebError> {
    let result = async {
        let n = validate_enterprise(&f, today())?;
        let target = match id {
            Some(id) => Target::Enterprise {
                id,
                street: n.street_id,
            },
            None => Target::Street(n.street_id),
        };
        if !ctx.user()?.can(Permission::EnterprisesWrite, target) {
            return Err(WebError::Rule {
                field: Some("street_id".into()),
                key: "error.station_out_of_scope",
            });
        }
        let actor = Actor::from(ctx.user()?);
        Ok(match id {
            Some(id) => {
                enterprises::update(&state.db, &actor, id, &n).await?;
                id
            }
            None => enterprises::create(&state.db, &actor, &n).await?,
        })
    }
    .await;
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/enterprises/{id}")).into_response()),
        Err(e) if e.is_correctable() => {
            let page = form_page(state, ctx, id, f, Some(&e)).await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    FormBody(f): FormBody<EnterpriseInput>,
) -> Result<Response, WebError> {
    may_register(&state, &ctx).await?;
    save(&state, &ctx, None, f).await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<EnterpriseInput>,
) -> Result<Response, WebError> {
    visible(&state, &ctx, id, Permission::EnterprisesWrite).await?;
    save(&state, &ctx, Some(id), f).await
}

#[derive(Template)]
#[template(path = "enterprises/show.html")]
struct ShowPage {
    layout: Layout,
    v: View,
    plan: Option<Plan>,
    can_write: bool,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let e = visible(&state, &ctx, id, Permission::EnterprisesRead).await?;
    let can_write = ctx.user()?.can(Permission::EnterprisesWrite, e.target());
    render::page(&ShowPage {
        layout: Layout::new(&state, &ctx, "enterprise.title"),
        plan: enterprises::plan(&state.db, id).await?,
        v: view(&ctx.tr(), e),
        can_write,
    })
}

/// `POST /enterprises/{id}/plan?_csrf=…`: files the prevention plan (PDF, Word, picture).
pub async fn upload_plan(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    form: crate::upload::Form,
) -> Result<Response, WebError> {
    visible(&state, &ctx, id, Permission::EnterprisesWrite).await?;
    let upload = crate::upload::read(form).await?;
    let (content_type, sha) = crate::upload::document(&upload)?;
    enterprises::file_plan(
        &state.db,
        &Actor::from(ctx.user()?),
        id,
        &upload.name,
        content_type,
        &sha,
        &upload.bytes,
    )
    .await?;
    Ok(Redirect::to(&format!("/enterprises/{id}")).into_response())
}

/// `GET /enterprises/{id}/plan`: the filed plan, always as a download.
pub async fn download_plan(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    visible(&state, &ctx, id, Permission::EnterprisesRead).await?;
    let plan = enterprises::plan(&state.db, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let data = enterprises::plan_data(&state.db, id).await?;
    let encoded = crate::policy::urlencode(&plan.name).replace('+', "%20");
    Ok((
        [
            (header::CONTENT_TYPE, plan.content_type),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"plan\"; filename*=UTF-8''{encoded}"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox".to_owned(),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        data,
    )
        .into_response())
}

/// `GET /api/v1/enterprises`: the enterprises in the reader's scope (phones masked).
pub async fn api_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(f): Query<Filter>,
) -> Result<Json<Vec<View>>, WebError> {
    Ok(Json(rows(&state, &ctx, &f).await?))
}

/// `GET /api/v1/enterprises/{id}`.
pub async fn api_show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<View>, WebError> {
    let e = visible(&state, &ctx, id, Permission::EnterprisesRead).await?;
    Ok(Json(view(&ctx.tr(), e)))
}
