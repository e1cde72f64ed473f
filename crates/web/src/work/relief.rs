//! Relief applications (惠企政策): rent reduction (减免租金) and other measures, applied for by
//! an enterprise, approved or rejected (with a reason) by the command; totals and .xlsx.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use yizhan_core::access::{Actor, Permission};
use yizhan_core::work::relief::{
    Landlord, ReliefInput, ReliefKind, ReliefStatus, validate_decision, validate_relief,
};
use yizhan_store::work::relief::{self, Application};

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
    pub a: Application,
    pub kind: String,
    pub landlord: String,
    pub status: String,
}

fn row(tr: &Tr, a: Application) -> Row {
    Row {
        kind: tr.t(a.kind.label_key()).to_owned(),
        landlord: a.landlord.map(|l| tr.t(l.label_key()).to_owned()).unwrap_or_default(),
        status: tr.t(a.status.label_key()).to_owned(),
        a,
    }
}

pub(crate) async fn rows(state: &AppState, ctx: &Ctx) -> Result<Vec<Row>, WebError> {
    let p = ctx.user()?;
    let tr = ctx.tr();
    Ok(relief::list(&state.db)
        .await?
        .into_iter()
        .filter(|a| p.can(Permission::EnterprisesRead, a.target()))
        .map(|a| row(&tr, a))
        .collect())
}

#[derive(Template)]
#[template(path = "relief/list.html")]
struct ListPage {
    layout: Layout,
    list: Listing<Row>,
    approved_total: i64,
    can_decide: bool,
    /// The enterprise that applies, searched (a district has 20,000).
    picker: Option<Picker>,
    kinds: Vec<(&'static str, String)>,
    landlords: Vec<(&'static str, String)>,
    f: ReliefInput,
    error: Option<String>,
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    f: ReliefInput,
    e: Option<&WebError>,
    query: &ListQuery,
) -> Result<ListPage, WebError> {
    let tr = ctx.tr();
    let p = ctx.user()?;
    let rows = rows(state, ctx).await?;
    Ok(ListPage {
        layout: Layout::new(state, ctx, "relief.title"),
        can_decide: p.has(Permission::ReliefDecide),
        approved_total: rows
            .iter()
            .filter(|r| r.a.status == ReliefStatus::Approved)
            .map(|r| r.a.amount)
            .sum(),
        list: listing(
            &tr,
            "/relief",
            &[],
            query,
            rows,
            |r| vec![r.a.enterprise.as_str(), r.kind.as_str(), r.status.as_str()],
            &[
                ("enterprise", |a, b| a.a.enterprise.cmp(&b.a.enterprise)),
                ("amount", |a, b| a.a.amount.cmp(&b.a.amount)),
                ("status", |a, b| a.status.cmp(&b.status)),
            ],
        )?,
        picker: enterprise_field(state, ctx, &f.enterprise_id).await?,
        kinds: options(&tr, ReliefKind::ALL, ReliefKind::as_str, ReliefKind::label_key),
        landlords: options(&tr, Landlord::ALL, Landlord::as_str, Landlord::label_key),
        f,
        error: e.map(|e| e.message(&tr)),
    })
}

/// `GET /relief`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let f =
        ReliefInput { kind: "rent".into(), landlord: "state_owned".into(), ..Default::default() };
    render::page(&list_page(&state, &ctx, f, None, &query).await?)
}

/// `POST /relief`.
pub async fn apply(
    State(state): State<AppState>,
    ctx: Ctx,
    FormBody(f): FormBody<ReliefInput>,
) -> Result<Response, WebError> {
    let result = async {
        let r = validate_relief(&f)?;
        let e = yizhan_store::work::enterprises::get(&state.db, r.enterprise_id).await.map_err(
            |_| WebError::Rule {
                field: Some("enterprise_id".into()),
                key: "error.enterprise_out_of_scope",
            },
        )?;
        if !ctx.user()?.can(Permission::EnterprisesWrite, e.target()) {
            return Err(WebError::Rule {
                field: Some("enterprise_id".into()),
                key: "error.enterprise_out_of_scope",
            });
        }
        Ok(relief::apply(&state.db, &Actor::from(ctx.user()?), &r).await?)
    }
    .await;
    match result {
        Ok(_) => Ok(Redirect::to("/relief").into_response()),
        Err(e) if e.is_correctable() => {
            let page = list_page(&state, &ctx, f, Some(&e), &ListQuery::default()).await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
pub struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
}

/// `POST /relief/{id}/decide`: approve, or reject with a reason; once.
pub async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<DecisionForm>,
) -> Result<Response, WebError> {
    let a = relief::get(&state.db, id).await?;
    crate::policy::require(
        &state,
        &ctx,
        Permission::ReliefDecide,
        a.target(),
        format!("relief {id}"),
    )
    .await?;
    let result = async {
        let (status, note) = validate_decision(&f.decision, &f.note)?;
        relief::decide(&state.db, &Actor::from(ctx.user()?), id, status, note.as_deref()).await?;
        Ok::<_, WebError>(())
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to("/relief").into_response()),
        Err(e) if e.is_correctable() => {
            let page =
                list_page(&state, &ctx, ReliefInput::default(), Some(&e), &ListQuery::default())
                    .await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `GET /relief/export.xlsx`.
pub async fn export(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let data: Vec<Vec<Cell>> = rows(&state, &ctx)
        .await?
        .into_iter()
        .map(|r| {
            vec![
                Cell::from(r.a.enterprise.clone()),
                Cell::from(r.kind),
                Cell::from(r.a.property.clone().or(r.a.measure.clone()).unwrap_or_default()),
                Cell::from(r.landlord),
                Cell::from(r.a.months.unwrap_or_default()),
                Cell::from(r.a.monthly_rent.unwrap_or_default()),
                Cell::from(r.a.amount),
                Cell::from(r.status),
                Cell::from(r.a.decision_note.clone().unwrap_or_default()),
            ]
        })
        .collect();
    export::station_list(
        &tr,
        tr.t("rectification.district"),
        "relief.title",
        &[
            "field.enterprise_id",
            "relief.kind",
            "relief.subject",
            "relief.landlord",
            "relief.months",
            "relief.monthly_rent",
            "relief.amount",
            "field.status",
            "relief.note",
        ],
        &data,
    )
}
