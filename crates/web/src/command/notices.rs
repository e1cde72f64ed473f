//! Notices (通报): the command drafts a notice for a period and scope, reads it with the
//! records as they are, and publishes it; the content is then frozen and the units in scope
//! can read it. Printable page, .docx and JSON.

use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;
use yizhan_core::access::{Actor, Permission, Scope, Target};
use yizhan_core::command::notice::{Content, NoticeInput, compose, validate_notice};
use yizhan_store::command::notices::{self, Notice};
use yizhan_store::station::stations::Street;

use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::docx::{self, Docx};
use crate::kit::extract::{FormBody, Id, RawBody, json_form};
use crate::kit::layout::Layout;
use crate::kit::listing::{ListQuery, Listing, listing};
use crate::kit::render;
use crate::kit::today;
use crate::policy::deny;
use crate::state::AppState;

/// Drafts: the command in scope. Published: a district-wide notice to everyone who reads
/// inspections; a street's notice to the readers of that street and the stations in it.
async fn may_read(state: &AppState, ctx: &Ctx, n: &Notice) -> Result<bool, WebError> {
    let p = ctx.user()?;
    if p.can(Permission::InspectionsManage, n.target()) {
        return Ok(true);
    }
    if !n.published() {
        return Ok(false);
    }
    let Some(street) = n.street_id else {
        return Ok(p.has(Permission::InspectionsRead));
    };
    if p.can(Permission::InspectionsRead, Target::Street(street)) {
        return Ok(true);
    }
    for g in &p.grants {
        if !yizhan_core::access::role_allows(g.role, Permission::InspectionsRead) {
            continue;
        }
        let unit_street = match g.scope {
            Scope::Station(id) => {
                Some(yizhan_store::station::stations::get(&state.db, id).await?.street_id)
            }
            Scope::Enterprise(id) => {
                Some(yizhan_store::work::enterprises::get(&state.db, id).await?.street_id)
            }
            _ => None,
        };
        if unit_street == Some(street) {
            return Ok(true);
        }
    }
    Ok(false)
}

async fn visible(state: &AppState, ctx: &Ctx, id: i64, manage: bool) -> Result<Notice, WebError> {
    let n = notices::get(&state.db, id).await?;
    let ok = if manage {
        ctx.user()?.can(Permission::InspectionsManage, n.target())
    } else {
        may_read(state, ctx, &n).await?
    };
    if !ok {
        return Err(deny(state, ctx, &format!("notice {id}"), WebError::NotFound).await);
    }
    Ok(n)
}

/// The notice's content: frozen when published, from the records while a draft.
async fn content(state: &AppState, n: &Notice) -> Result<Content, WebError> {
    if let Some(body) = n.body.as_deref().filter(|_| n.published()) {
        return serde_json::from_str(body)
            .map_err(|e| WebError::Internal(format!("notice {} body: {e}", n.id)));
    }
    let today = today();
    let mut c = compose(
        notices::units(&state.db, n.period_from, n.period_to, n.street_id, today).await?,
        notices::findings(&state.db, n.period_from, n.period_to, n.street_id, today).await?,
    );
    let (from, to) = (
        yizhan_core::time::day_start_utc(n.period_from),
        yizhan_core::time::day_start_utc(n.period_to + chrono::Duration::days(1)),
    );
    c.cases = yizhan_store::station::cases::facts(&state.db, from, to, n.street_id).await?;
    Ok(c)
}

fn scope_name(tr: &Tr, n: &Notice) -> String {
    n.street.clone().unwrap_or_else(|| tr.t("rectification.district").to_owned())
}

#[derive(Template)]
#[template(path = "notices/list.html")]
struct ListPage {
    layout: Layout,
    list: Listing<(Notice, String, String)>,
    can_manage: bool,
    streets: Vec<Street>,
    f: NoticeInput,
    error: Option<String>,
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    f: NoticeInput,
    e: Option<&WebError>,
    query: &ListQuery,
) -> Result<ListPage, WebError> {
    let tr = ctx.tr();
    let p = ctx.user()?;
    let mut rows = Vec::new();
    for n in notices::list(&state.db).await? {
        if may_read(state, ctx, &n).await? {
            let status = tr.t(n.status.label_key()).to_owned();
            let scope = scope_name(&tr, &n);
            rows.push((n, scope, status));
        }
    }
    let can_manage = p.has(Permission::InspectionsManage);
    let list = listing(
        &tr,
        "/notices",
        &[],
        query,
        rows,
        |(n, scope, status)| vec![n.title.as_str(), scope, status],
        &[
            ("title", |a, b| a.0.title.cmp(&b.0.title)),
            ("period", |a, b| a.0.period_from.cmp(&b.0.period_from)),
        ],
    )?;
    Ok(ListPage {
        layout: Layout::new(state, ctx, "notice.title"),
        list,
        can_manage,
        streets: if can_manage {
            yizhan_store::station::stations::streets(&state.db)
                .await?
                .into_iter()
                .filter(|s| p.can(Permission::InspectionsManage, Target::Street(s.id)))
                .collect()
        } else {
            Vec::new()
        },
        f,
        error: e.map(|e| e.message(&tr)),
    })
}

/// `GET /notices`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let today = today();
    let f = NoticeInput {
        period_from: (today - chrono::Duration::days(6)).to_string(),
        period_to: today.to_string(),
        ..Default::default()
    };
    render::page(&list_page(&state, &ctx, f, None, &query).await?)
}

/// Drafts a notice of the district or of a street in the person's scope: its id. The page and
/// the API call it.
async fn draft(state: &AppState, ctx: &Ctx, f: &NoticeInput) -> Result<i64, WebError> {
    let n = validate_notice(f, today())?;
    let target = n.street_id.map_or(Target::District, Target::Street);
    if !ctx.user()?.can(Permission::InspectionsManage, target) {
        return Err(WebError::Rule {
            field: Some("street_id".into()),
            key: "error.street_out_of_scope",
        });
    }
    Ok(notices::create(&state.db, &Actor::from(ctx.user()?), &n).await?)
}

/// Publishes notice `n`: its content is fixed as it stands now.
async fn fix_and_publish(state: &AppState, ctx: &Ctx, n: &Notice) -> Result<(), WebError> {
    let c = content(state, n).await?;
    let body =
        serde_json::to_string(&c).map_err(|e| WebError::Internal(format!("notice json: {e}")))?;
    notices::publish(&state.db, &Actor::from(ctx.user()?), n.id, &body).await?;
    Ok(())
}

/// `POST /notices`.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    FormBody(f): FormBody<NoticeInput>,
) -> Result<Response, WebError> {
    match draft(&state, &ctx, &f).await {
        Ok(id) => Ok(Redirect::to(&format!("/notices/{id}")).into_response()),
        Err(e) if e.is_correctable() => {
            let page = list_page(&state, &ctx, f, Some(&e), &ListQuery::default()).await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// A finding as shown: its labels translated.
pub struct FindingView {
    pub f: yizhan_core::command::notice::FindingLine,
    pub severity: String,
    pub status: String,
}

fn views(tr: &Tr, c: &Content) -> Vec<FindingView> {
    c.findings
        .iter()
        .map(|f| FindingView {
            severity: match f.severity {
                Some(s) => tr.t(s.label_key()).to_owned(),
                None => tr.t("notice.unordered").to_owned(),
            },
            status: f.status.map(|s| tr.t(s.label_key()).to_owned()).unwrap_or_default(),
            f: f.clone(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "notices/show.html")]
struct ShowPage {
    layout: Layout,
    n: Notice,
    scope: String,
    c: Content,
    findings: Vec<FindingView>,
    can_publish: bool,
    published: String,
    case_headers: Vec<String>,
    case_rows: Vec<Vec<String>>,
}

/// `GET /notices/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let n = visible(&state, &ctx, id, false).await?;
    let tr = ctx.tr();
    let c = content(&state, &n).await?;
    render::page(&ShowPage {
        layout: Layout::new(&state, &ctx, "notice.title"),
        scope: scope_name(&tr, &n),
        findings: views(&tr, &c),
        case_headers: crate::station::case_facts::headers(&tr),
        case_rows: crate::station::case_facts::rows(&tr, &c.cases),
        can_publish: !n.published() && ctx.user()?.can(Permission::InspectionsManage, n.target()),
        published: n.published_at.map(yizhan_core::time::local_display).unwrap_or_default(),
        c,
        n,
    })
}

/// `POST /notices/{id}/publish`.
pub async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let n = visible(&state, &ctx, id, true).await?;
    fix_and_publish(&state, &ctx, &n).await?;
    Ok(Redirect::to(&format!("/notices/{id}")).into_response())
}

/// `GET /notices/{id}/export.docx`.
pub async fn export_docx(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let n = visible(&state, &ctx, id, false).await?;
    let tr = ctx.tr();
    let c = content(&state, &n).await?;
    let period = format!("{} — {}", n.period_from, n.period_to);
    let mut doc = Docx::new().title(&n.title).para(&tr.f(
        "notice.lead",
        &[
            ("period", &period),
            ("scope", &scope_name(&tr, &n)),
            ("inspections", &c.total.inspections.to_string()),
            ("findings", &c.total.findings.to_string()),
            ("overdue", &c.total.overdue.to_string()),
        ],
    ));
    if !n.published() {
        doc = doc.para(tr.t("notice.draft_mark"));
    }
    if let Some(s) = &n.summary {
        doc = doc.para(s);
    }
    let unit_headers: Vec<String> = [
        "field.station_id",
        "field.street_id",
        "notice.inspections",
        "notice.findings",
        "rectification.severity.critical",
        "rectification.severity.major",
        "rectification.severity.minor",
        "notice.unordered",
        "rectification.status.closed",
        "rectification.overdue",
    ]
    .iter()
    .map(|k| tr.t(k).to_owned())
    .collect();
    let unit_rows: Vec<Vec<String>> = c
        .units
        .iter()
        .chain(std::iter::once(&c.total))
        .map(|u| {
            let name = if u.station.is_empty() {
                tr.t("report.district").to_owned()
            } else {
                u.station.clone()
            };
            vec![
                name,
                u.street.clone(),
                u.inspections.to_string(),
                u.findings.to_string(),
                u.critical.to_string(),
                u.major.to_string(),
                u.minor.to_string(),
                u.unordered.to_string(),
                u.closed.to_string(),
                u.overdue.to_string(),
            ]
        })
        .collect();
    let finding_headers: Vec<String> = [
        "field.station_id",
        "field.item_id",
        "rectification.finding",
        "field.severity",
        "field.status",
        "field.deadline",
    ]
    .iter()
    .map(|k| tr.t(k).to_owned())
    .collect();
    let finding_rows: Vec<Vec<String>> = views(&tr, &c)
        .into_iter()
        .map(|v| {
            vec![
                v.f.station,
                format!("{} · {}", v.f.topic, v.f.item),
                v.f.finding,
                v.severity,
                if v.f.overdue {
                    format!("{}（{}）", v.status, tr.t("rectification.overdue"))
                } else {
                    v.status
                },
                v.f.deadline.map(|d| d.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    let doc = doc
        .heading(tr.t("notice.by_unit"))
        .table(&unit_headers, &unit_rows)
        .heading(tr.t("notice.finding_list"))
        .table(&finding_headers, &finding_rows);
    let bytes = crate::station::case_facts::section(&tr, doc, &c.cases).finish()?;
    Ok(docx::download(&n.title, bytes))
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct ApiNotice {
    #[serde(flatten)]
    pub notice: Notice,
    pub content: Content,
}

/// `GET /api/v1/notices/{id}`.
pub async fn api_show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<ApiNotice>, WebError> {
    visible(&state, &ctx, id, false).await?;
    Ok(Json(api_answer(&state, id).await?))
}

/// Notice `id` as the API shows it: its content (fixed once published), without the stored copy.
async fn api_answer(state: &AppState, id: i64) -> Result<ApiNotice, WebError> {
    let mut n = notices::get(&state.db, id).await?;
    let content = content(state, &n).await?;
    n.body = None;
    Ok(ApiNotice { notice: n, content })
}

/// `POST /api/v1/notices` with `{"title", "period_from", "period_to", "street_id", "summary"}`:
/// 201 with the draft and what it finds so far.
pub async fn api_create(
    State(state): State<AppState>,
    ctx: Ctx,
    RawBody(body): RawBody,
) -> Result<Response, WebError> {
    let f: NoticeInput = json_form(&body)?;
    let id = draft(&state, &ctx, &f).await?;
    Ok((StatusCode::CREATED, Json(api_answer(&state, id).await?)).into_response())
}

/// `POST /api/v1/notices/{id}/publish`: published, its content fixed from now on.
pub async fn api_publish(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<ApiNotice>, WebError> {
    let n = visible(&state, &ctx, id, true).await?;
    fix_and_publish(&state, &ctx, &n).await?;
    Ok(Json(api_answer(&state, id).await?))
}
