//! Inspections (督导检查): checklists, planning (announced or unannounced), carrying one out
//! item by item on a phone, and who may see what. An unannounced inspection is invisible —
//! list, page, API, photos, orders, counts — to everyone but the inspecting side (the
//! district's command, or the street that planned it) until the team starts it on site.

use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;
use yizhan_core::access::{Actor, Permission, Target};
use yizhan_core::command::inspection::{
    InspectionInput, InspectionKind, NewInspection, TemplateInput, Unit, bad_line,
    inspecting_street, validate_inspection, validate_template,
};
use yizhan_store::command::inspections::{
    self, Inspection, Item, ResultRow, Template as Checklist,
};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::kit::extract::{FormBody, Id};
use crate::kit::layout::Layout;
use crate::kit::listing::{ListQuery, Listing, listing};
use crate::kit::options;
use crate::kit::render;
use crate::kit::today;
use crate::policy::deny;
use crate::state::AppState;
use crate::work::picker::{Field, Picker, Search, picker};

/// May this person see this inspection? `yizhan_core::command::inspection::may_see`: by scope, and an
/// unannounced one before it starts only by the inspecting side.
pub(crate) fn may_see(ctx: &Ctx, i: &Inspection) -> Result<bool, WebError> {
    Ok(i.seen_by(&ctx.user()?.grants))
}

/// The inspection if this person may see it and, for `manage`, carry it out (start, record,
/// finish, photos, orders); 404 otherwise (audited), so a hidden one does not exist for them.
pub(crate) async fn visible_inspection(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    manage: bool,
) -> Result<Inspection, WebError> {
    let i = inspections::get(&state.db, id).await?;
    let ok = may_see(ctx, &i)?
        && (!manage || ctx.user()?.can(Permission::InspectionsManage, i.target()));
    if !ok {
        return Err(deny(state, ctx, &format!("inspection {id}"), WebError::NotFound).await);
    }
    Ok(i)
}

pub struct Row {
    pub i: Inspection,
    pub kind: String,
    pub status: String,
}

impl Row {
    /// What the list's search looks in: the unit, the checklist, the team.
    fn texts(&self) -> Vec<&str> {
        vec![&self.kind, &self.status, &self.i.template_name, &self.i.station_name, &self.i.team]
    }
}

fn row(ctx: &Ctx, i: Inspection) -> Row {
    let tr = ctx.tr();
    let status = match (&i.started_at, &i.finished_at) {
        (_, Some(_)) => "inspection.status.finished",
        (Some(_), None) => "inspection.status.under_way",
        (None, None) => "inspection.status.planned",
    };
    Row { kind: tr.t(i.kind.label_key()).to_owned(), status: tr.t(status).to_owned(), i }
}

#[derive(Template)]
#[template(path = "inspections/list.html")]
struct ListPage {
    layout: Layout,
    list: Listing<Row>,
    can_manage: bool,
    templates: Vec<Checklist>,
    /// (group label, [(value `kind:id`, name)]) of the units this person may inspect.
    units: Vec<(String, Vec<(String, String)>)>,
    /// The enterprises this person may inspect, searched.
    unit_picker: Option<Picker>,
    kinds: Vec<(&'static str, String)>,
    f: InspectionInput,
    error: Option<String>,
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    f: InspectionInput,
    e: Option<&WebError>,
    query: &ListQuery,
) -> Result<ListPage, WebError> {
    let tr = ctx.tr();
    let p = ctx.user()?;
    let mut rows = Vec::new();
    for i in inspections::list(&state.db).await? {
        if may_see(ctx, &i)? {
            rows.push(row(ctx, i));
        }
    }
    let can_manage = p.has(Permission::InspectionsManage);
    let units = if can_manage { inspectable_units(state, p, &tr).await? } else { Vec::new() };
    // Enterprises are searched (a district has 20,000), not listed.
    let unit_picker = if can_manage && crate::work::within(p).is_some() {
        let chosen = [f.unit.clone()];
        Some(picker(state, ctx, Field::Unit, Search::default(), &chosen).await?)
    } else {
        None
    };
    let list = listing(
        &tr,
        "/inspections",
        &[],
        query,
        rows,
        Row::texts,
        &[
            ("planned_on", |a, b| a.i.planned_on.cmp(&b.i.planned_on)),
            ("unit", |a, b| a.i.station_name.cmp(&b.i.station_name)),
            ("status", |a, b| a.status.cmp(&b.status)),
        ],
    )?;
    Ok(ListPage {
        layout: Layout::new(state, ctx, "inspection.title"),
        list,
        can_manage,
        templates: if can_manage { inspections::templates(&state.db).await? } else { Vec::new() },
        units,
        unit_picker,
        kinds: options(&tr, InspectionKind::ALL, InspectionKind::as_str, InspectionKind::label_key),
        f,
        error: e.map(|e| e.message(&tr)),
    })
}

/// Stations and streets this person may inspect, grouped for the form's select (enterprises are
/// searched in the form's picker).
async fn inspectable_units(
    state: &AppState,
    p: &yizhan_core::access::Principal,
    tr: &crate::i18n::Tr,
) -> Result<Vec<(String, Vec<(String, String)>)>, WebError> {
    let may = |t: Target| p.can(Permission::InspectionsManage, t);
    let stations = yizhan_store::station::stations::list(&state.db)
        .await?
        .into_iter()
        .filter(|s| may(s.target()))
        .map(|s| (format!("station:{}", s.id), s.name))
        .collect();
    let streets = yizhan_store::station::stations::streets(&state.db)
        .await?
        .into_iter()
        .filter(|s| may(Target::Street(s.id)))
        .map(|s| (format!("street:{}", s.id), s.name))
        .collect();
    Ok(vec![
        (tr.t("directive.recipient.station").to_owned(), stations),
        (tr.t("directive.recipient.street").to_owned(), streets),
    ])
}

/// Whom the unit belongs to, or a field error when it does not exist.
async fn unit_target(state: &AppState, unit: Unit) -> Result<Target, WebError> {
    let missing = || WebError::Rule { field: Some("unit".into()), key: "error.unit_out_of_scope" };
    Ok(match unit {
        Unit::Station(id) => yizhan_store::station::stations::get(&state.db, id)
            .await
            .map_err(|_| missing())?
            .target(),
        Unit::Street(id) => {
            yizhan_store::station::stations::street(&state.db, id).await.map_err(|_| missing())?;
            Target::Street(id)
        }
        Unit::Enterprise(id) => yizhan_store::work::enterprises::get(&state.db, id)
            .await
            .map_err(|_| missing())?
            .target(),
    })
}

/// `GET /inspections`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let f = InspectionInput {
        kind: "unannounced".into(),
        planned_on: today().to_string(),
        ..Default::default()
    };
    render::page(&list_page(&state, &ctx, f, None, &query).await?)
}

/// Plans an inspection of a unit in the person's scope: its id. The page and the API call it.
pub(crate) async fn plan(
    state: &AppState,
    ctx: &Ctx,
    f: &InspectionInput,
) -> Result<i64, WebError> {
    let n = validate_inspection(f, today())?;
    let target = unit_target(state, n.unit).await?;
    if !ctx.user()?.can(Permission::InspectionsManage, target) {
        return Err(WebError::Rule { field: Some("unit".into()), key: "error.unit_out_of_scope" });
    }
    let n = NewInspection { inspector_street: inspecting_street(&ctx.user()?.grants, target), ..n };
    Ok(inspections::create(&state.db, &Actor::from(ctx.user()?), &n).await?)
}

/// `POST /inspections`.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    FormBody(f): FormBody<InspectionInput>,
) -> Result<Response, WebError> {
    match plan(&state, &ctx, &f).await {
        Ok(id) => Ok(Redirect::to(&format!("/inspections/{id}")).into_response()),
        Err(e) if e.is_correctable() => {
            let page = list_page(&state, &ctx, f, Some(&e), &ListQuery::default()).await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "inspections/templates.html")]
struct TemplatesPage {
    layout: Layout,
    templates: Vec<Checklist>,
    f: TemplateInput,
    error: Option<String>,
}

/// `GET /inspections/templates`.
pub async fn templates(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    render::page(&TemplatesPage {
        layout: Layout::new(&state, &ctx, "inspection.templates"),
        templates: inspections::templates(&state.db).await?,
        f: TemplateInput::default(),
        error: None,
    })
}

/// `POST /inspections/templates`.
pub async fn create_template(
    State(state): State<AppState>,
    ctx: Ctx,
    FormBody(f): FormBody<TemplateInput>,
) -> Result<Response, WebError> {
    let result = async {
        let t = validate_template(&f)?;
        Ok::<_, WebError>(
            inspections::create_template(&state.db, &Actor::from(ctx.user()?), &t).await?,
        )
    }
    .await;
    match result {
        Ok(_) => Ok(Redirect::to("/inspections/templates").into_response()),
        Err(e) if e.is_correctable() => {
            let tr = ctx.tr();
            let mut message = e.message(&tr);
            if let Some(line) = bad_line(&f.items) {
                message = tr.f("inspection.bad_line", &[("line", &line.to_string())]);
            }
            let page = TemplatesPage {
                layout: Layout::new(&state, &ctx, "inspection.templates"),
                templates: inspections::templates(&state.db).await?,
                f,
                error: Some(message),
            };
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

mod checklist;
pub(crate) use checklist::*;
pub mod json;

#[derive(Serialize, schemars::JsonSchema)]
pub struct ApiInspection {
    #[serde(flatten)]
    pub inspection: Inspection,
    pub items: Vec<Item>,
    pub results: Vec<ResultRow>,
}

/// `GET /api/v1/inspections/{id}`: the inspection with its checklist and results (404 to the
/// station before an unannounced one starts).
pub async fn api_show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<ApiInspection>, WebError> {
    visible_inspection(&state, &ctx, id, false).await?;
    Ok(Json(json::answer(&state, id).await?))
}
