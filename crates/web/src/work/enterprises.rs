//! Enterprises (企业) resuming work: the register with resumption status and dates, the filed
//! prevention plan, .xlsx. An enterprise's own account sees and changes only that enterprise;
//! a street sees its own; contact phones are masked. Resumption moves by review
//! (`yizhan_core::work::resumption`): the enterprise applies and reports resumed, the command of its
//! street or the district approves or rejects with a reason; pages and API share `take_step`.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use yizhan_core::access::{Actor, Permission, Target};
use yizhan_core::command::directive::MAX_ATTACHMENT;
use yizhan_core::error::OnField;
use yizhan_core::mask::mask_phone;
use yizhan_core::time::local_display;
use yizhan_core::validate::{Invalid, parse_choice, parse_int};
use yizhan_core::work::enterprise::{EnterpriseInput, Industry, Resumption, validate_enterprise};
use yizhan_core::work::resumption::{
    self, Decision, KEY_MOVED, KEY_WRONG_STEP, Party, ReviewInput, Step, lock_form, validate_review,
};
use yizhan_store::station::stations::Street;
use yizhan_store::work::enterprises::{self, Enterprise, EnterpriseFilter, EnterpriseSort, Plan};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::export::{self, Cell};
use crate::kit::extract::{FormBody, Id, Query, RawBody, json_form};
use crate::kit::layout::Layout;
use crate::kit::options;
use crate::kit::pager::{PER_PAGE, Pager, page_of};
use crate::kit::render;
use crate::kit::today;
use crate::policy::deny;
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
    /// The last review's decision, translated ("" when never reviewed).
    pub review_label: String,
    /// Rejected and not applied again since: the reason is what the enterprise has to fix.
    pub rejected: bool,
}

fn view(tr: &Tr, mut e: Enterprise) -> View {
    e.contact_phone = mask_phone(&e.contact_phone);
    View {
        industry_label: tr.t(e.industry.label_key()).to_owned(),
        resumption_label: tr.t(e.resumption.label_key()).to_owned(),
        review_label: e.review_decision.map(|d| tr.t(d.label_key()).to_owned()).unwrap_or_default(),
        rejected: e.status() == Resumption::NotStarted
            && e.review_decision == Some(Decision::Rejected),
        e,
    }
}

/// When the last review happened, as shown (local time).
impl View {
    pub fn reviewed_at(&self) -> String {
        self.e.reviewed_at.map(local_display).unwrap_or_default()
    }
}

/// A list's search, filters, order and page, as the address carries them.
#[derive(Deserialize, Default)]
pub struct Filter {
    /// Part of the name, or the start of the credit code.
    #[serde(default)]
    q: String,
    #[serde(default)]
    street: String,
    #[serde(default)]
    industry: String,
    #[serde(default)]
    resumption: String,
    /// `1`: above-scale (规上) only.
    #[serde(default)]
    above_scale: String,
    /// `street` (default), `name`, `headcount` or `updated`.
    #[serde(default)]
    sort: String,
    #[serde(default)]
    page: String,
}

impl Filter {
    /// The store's filter; an unknown street, industry or status is refused on its field.
    fn store(&self) -> Result<EnterpriseFilter, WebError> {
        let blank = |s: &str| s.trim().is_empty();
        Ok(EnterpriseFilter {
            search: self.q.trim().chars().take(50).collect(),
            street_id: if blank(&self.street) {
                None
            } else {
                Some(parse_int(&self.street, 1, i64::MAX, "3").on("street")?)
            },
            industry: if blank(&self.industry) {
                None
            } else {
                Some(
                    parse_choice(&self.industry, Industry::parse, "manufacturing")
                        .on("industry")?,
                )
            },
            resumption: if blank(&self.resumption) {
                None
            } else {
                Some(
                    parse_choice(&self.resumption, Resumption::parse, "resumed")
                        .on("resumption")?,
                )
            },
            above_scale: self.above_scale == "1",
        })
    }

    fn sort(&self) -> Result<EnterpriseSort, WebError> {
        Ok(match self.sort.trim() {
            "" | "street" => EnterpriseSort::Street,
            "name" => EnterpriseSort::Name,
            "headcount" => EnterpriseSort::Headcount,
            "updated" => EnterpriseSort::Updated,
            _ => {
                return Err(WebError::invalid(
                    "sort",
                    Invalid::BadFormat { hint: "street, name, headcount, updated" }.text(),
                ));
            }
        })
    }

    /// The search and filters, for links that keep them (the pager, the export).
    fn params(&self) -> [(&'static str, &str); 6] {
        [
            ("q", &self.q),
            ("street", &self.street),
            ("industry", &self.industry),
            ("resumption", &self.resumption),
            ("above_scale", &self.above_scale),
            ("sort", &self.sort),
        ]
    }
}

/// One page of the list (`limit` rows from `offset`), the count it is out of and how many of
/// those have resumed.
async fn rows(
    state: &AppState,
    ctx: &Ctx,
    f: &Filter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<View>, i64, i64), WebError> {
    let tr = ctx.tr();
    let within = crate::work::scope_of(ctx)?;
    let filter = f.store()?;
    let (total, resumed) = enterprises::count(&state.db, within, &filter).await?;
    let page = enterprises::page(&state.db, within, &filter, f.sort()?, limit, offset).await?;
    Ok((page.into_iter().map(|e| view(&tr, e)).collect(), total, resumed))
}

#[derive(Template)]
#[template(path = "enterprises/list.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<View>,
    total: i64,
    resumed: i64,
    pager: Pager,
    streets: Vec<Street>,
    industries: Vec<(&'static str, String)>,
    statuses: Vec<(&'static str, String)>,
    sorts: Vec<(&'static str, String)>,
    f: Filter,
    can_create: bool,
    query: String,
    /// Applications waiting for this reviewer, when the person reviews.
    pending: Option<usize>,
}

/// `GET /enterprises`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(f): Query<Filter>,
) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let page = page_of(Some(&f.page))?;
    let (rows, total, resumed) = rows(&state, &ctx, &f, PER_PAGE, Pager::offset(page)).await?;
    let streets = writable_or_readable_streets(&state, &ctx, Permission::EnterprisesRead).await?;
    let pending = if ctx.user()?.has(Permission::ResumptionReview) {
        Some(queue_rows(&state, &ctx).await?.len())
    } else {
        None
    };
    render::page(&ListPage {
        layout: Layout::new(&state, &ctx, "enterprise.title"),
        pending,
        resumed,
        total,
        pager: Pager::new(&tr, "/enterprises", &f.params(), page, total),
        can_create: !writable_or_readable_streets(&state, &ctx, Permission::EnterprisesWrite)
            .await?
            .is_empty(),
        industries: options(&tr, Industry::ALL, Industry::as_str, Industry::label_key),
        statuses: options(&tr, Resumption::ALL, Resumption::as_str, Resumption::label_key),
        sorts: ["street", "name", "headcount", "updated"]
            .iter()
            .map(|k| (*k, tr.t(&format!("enterprise.sort.{k}")).to_owned()))
            .collect(),
        query: serde_urlencoded::to_string(f.params()).unwrap_or_default(),
        streets,
        rows,
        f,
    })
}

/// The most rows an export writes.
const EXPORT_ROWS: i64 = 100_000;

/// Streets where this person may do `perm` (an enterprise's own account has none).
async fn writable_or_readable_streets(
    state: &AppState,
    ctx: &Ctx,
    perm: Permission,
) -> Result<Vec<Street>, WebError> {
    let p = ctx.user()?;
    Ok(yizhan_store::station::stations::streets(&state.db)
        .await?
        .into_iter()
        .filter(|s| p.can(perm, Target::Street(s.id)))
        .collect())
}

/// `GET /enterprises/export.xlsx`.
pub async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(f): Query<Filter>,
) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let yes = tr.t("common.yes").to_owned();
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    // The whole list as filtered (a district's register: 20,000 rows).
    let data: Vec<Vec<Cell>> = rows(&state, &ctx, &f, EXPORT_ROWS, 0)
        .await?
        .0
        .into_iter()
        .map(|v| {
            vec![
                Cell::from(v.e.uscc.clone()),
                Cell::from(v.e.name.clone()),
                Cell::from(v.e.street.clone()),
                Cell::from(v.industry_label),
                Cell::from(if v.e.above_scale { yes.clone() } else { String::new() }),
                Cell::from(v.e.headcount),
                Cell::from(v.e.contact_name.clone()),
                Cell::from(v.e.contact_phone.clone()),
                Cell::from(v.resumption_label),
                Cell::from(date(v.e.applied_on)),
                Cell::from(date(v.e.approved_on)),
                Cell::from(date(v.e.resumed_on)),
                Cell::from(if v.e.has_plan { yes.clone() } else { String::new() }),
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
    /// The status is not this person's to set here (the enterprise's own account): shown, not
    /// editable; it moves by applying and by the command's review.
    locked: Option<String>,
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    f: EnterpriseInput,
    e: Option<&WebError>,
) -> Result<FormPage, WebError> {
    let tr = ctx.tr();
    let p = ctx.user()?;
    let mut streets = yizhan_store::station::stations::streets(&state.db).await?;
    let mut locked = None;
    match id {
        None => streets.retain(|s| p.can(Permission::EnterprisesWrite, Target::Street(s.id))),
        Some(id) => {
            let stored = enterprises::get(&state.db, id).await?;
            if !resumption::parties(p, stored.target()).contains(&Party::Command) {
                locked = Some(tr.t(stored.resumption.label_key()).to_owned());
            }
        }
    }
    Ok(FormPage {
        layout: Layout::new(state, ctx, "enterprise.title"),
        locked,
        id,
        f,
        streets,
        industries: options(&tr, Industry::ALL, Industry::as_str, Industry::label_key),
        statuses: options(&tr, Resumption::ALL, Resumption::as_str, Resumption::label_key),
        error: e.map(|e| e.message(&tr)),
    })
}

/// Registering a new enterprise is for the district and the streets; an enterprise's own
/// account edits itself only.
async fn may_register(state: &AppState, ctx: &Ctx) -> Result<(), WebError> {
    if writable_or_readable_streets(state, ctx, Permission::EnterprisesWrite).await?.is_empty() {
        return Err(deny(state, ctx, "enterprise register", WebError::Forbidden).await);
    }
    Ok(())
}

/// `GET /enterprises/new`.
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
        industry: e.industry.to_string(),
        above_scale: if e.above_scale { "on".into() } else { String::new() },
        headcount: e.headcount.to_string(),
        contact_name: e.contact_name.clone(),
        contact_phone: e.contact_phone.clone(),
        resumption: e.resumption.as_str().to_owned(),
        applied_on: date(e.applied_on),
        approved_on: date(e.approved_on),
        resumed_on: date(e.resumed_on),
    }
}

/// `GET /enterprises/{id}/edit`.
pub async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let e = visible(&state, &ctx, id, Permission::EnterprisesWrite).await?;
    render::page(&form_page(&state, &ctx, Some(id), input_of(&e), None).await?)
}

/// Someone else moved the status first (or it never allowed the step): 409, explained.
fn conflict(e: WebError) -> WebError {
    match e {
        WebError::Rule { field, key } if key == KEY_MOVED || key == KEY_WRONG_STEP => {
            WebError::Taken { field: field.unwrap_or_else(|| "resumption".into()), key }
        }
        other => other,
    }
}

/// `POST /enterprises` (new), `POST /enterprises/{id}` and `PUT /api/v1/enterprises/{id}` (edit)
/// share the checks: the status locked for whoever is not the command (blanks take the stored
/// values, a change is refused naming the field), valid input, the (new) street in the writer's
/// scope, and the status still the one checked when the write lands.
async fn save_op(
    state: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    f: &mut EnterpriseInput,
) -> Result<i64, WebError> {
    let p = ctx.user()?;
    let stored = match id {
        Some(id) => Some(enterprises::get(&state.db, id).await?),
        None => None,
    };
    if let Some(e) = &stored {
        lock_form(&resumption::parties(p, e.target()), &e.progress(), f)?;
    }
    let n = validate_enterprise(f, today())?;
    let target = match id {
        Some(id) => Target::Enterprise { id, street: n.street_id },
        None => Target::Street(n.street_id),
    };
    if !p.can(Permission::EnterprisesWrite, target) {
        return Err(WebError::Rule {
            field: Some("street_id".into()),
            key: "error.street_out_of_scope",
        });
    }
    let actor = Actor::from(p);
    Ok(match stored {
        Some(e) => {
            enterprises::update(&state.db, &actor, e.id, e.status(), &n)
                .await
                .map_err(|e| conflict(e.into()))?;
            e.id
        }
        None => enterprises::create(&state.db, &actor, &n).await?,
    })
}

async fn save(
    state: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    mut f: EnterpriseInput,
) -> Result<Response, WebError> {
    match save_op(state, ctx, id, &mut f).await {
        Ok(id) => Ok(Redirect::to(&format!("/enterprises/{id}")).into_response()),
        Err(e) if e.is_correctable() => {
            let page = form_page(state, ctx, id, f, Some(&e)).await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `POST /enterprises`.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    FormBody(f): FormBody<EnterpriseInput>,
) -> Result<Response, WebError> {
    may_register(&state, &ctx).await?;
    save(&state, &ctx, None, f).await
}

/// `POST /enterprises/{id}`.
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
    /// The steps this person may take now (buttons): apply, approve/reject, resume.
    may_apply: bool,
    may_review: bool,
    may_resume: bool,
    /// The status is the enterprise's to report (its own account), or the command's to record.
    as_enterprise: bool,
    error: Option<String>,
    /// The reason typed with a refused review, offered again.
    reason: String,
}

async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    e: Enterprise,
    error: Option<&WebError>,
    reason: String,
) -> Result<ShowPage, WebError> {
    let p = ctx.user()?;
    let tr = ctx.tr();
    let parties = resumption::parties(p, e.target());
    // A button is offered where the step is this person's and the status allows it; a missing
    // plan is said next to the apply button rather than hiding it.
    let offered = |step: Step| {
        parties.iter().any(|party| resumption::may_take(*party, step))
            && resumption::transition(e.status(), step).is_some()
    };
    Ok(ShowPage {
        layout: Layout::new(state, ctx, "enterprise.title"),
        plan: enterprises::plan(&state.db, e.id).await?,
        can_write: p.can(Permission::EnterprisesWrite, e.target()),
        may_apply: offered(Step::Apply),
        may_review: offered(Step::Approve),
        may_resume: offered(Step::Resume),
        as_enterprise: parties.contains(&Party::Enterprise),
        error: error.map(|e| e.message(&tr)),
        reason,
        v: view(&tr, e),
    })
}

/// `GET /enterprises/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let e = visible(&state, &ctx, id, Permission::EnterprisesRead).await?;
    render::page(&show_page(&state, &ctx, e, None, String::new()).await?)
}

/// The enterprise and the parties this person acts as on it; 404 (audited) when none — the
/// enterprise is not theirs, whatever the route's permission.
async fn acting(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
) -> Result<(Enterprise, Vec<Party>), WebError> {
    let e = enterprises::get(&state.db, id).await?;
    let parties = resumption::parties(ctx.user()?, e.target());
    if parties.is_empty() {
        return Err(deny(state, ctx, &format!("enterprise {id}"), WebError::NotFound).await);
    }
    Ok((e, parties))
}

/// The one operation behind the step pages and their API twins: the domain's decision for the
/// caller's parties, then the conditional write. Returns the enterprise as it now stands.
async fn take_step(
    state: &AppState,
    ctx: &Ctx,
    (e, parties): (Enterprise, Vec<Party>),
    step: Step,
    reason: Option<&str>,
) -> Result<Enterprise, WebError> {
    let m =
        resumption::next(&parties, e.status(), step, e.has_plan).map_err(|e| conflict(e.into()))?;
    enterprises::take_step(&state.db, &Actor::from(ctx.user()?), e.id, m, reason, today())
        .await
        .map_err(|e| conflict(e.into()))?;
    Ok(enterprises::get(&state.db, e.id).await?)
}

/// A step from a page: back to the enterprise (or the review queue), or the page again with
/// the refusal. `review` is the command's form, when the step is a review.
async fn step_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    step: Option<Step>,
    review: Option<&ReviewForm>,
) -> Result<Response, WebError> {
    let acting = acting(state, ctx, id).await?;
    let to_queue = review.is_some_and(|f| f.back == "queue");
    let result = match (step, review) {
        (Some(step), None) => take_step(state, ctx, acting, step, None).await,
        (_, Some(f)) => match review_of(f) {
            Ok((step, reason)) => take_step(state, ctx, acting, step, Some(&reason)).await,
            Err(e) => Err(e),
        },
        (None, None) => Err(WebError::BadRequest(String::new())),
    };
    match result {
        Ok(_) if to_queue => Ok(Redirect::to("/enterprises/review").into_response()),
        Ok(_) => Ok(Redirect::to(&format!("/enterprises/{id}")).into_response()),
        Err(e) if e.is_correctable() => {
            let page = if to_queue {
                render::page(&queue_page(state, ctx, Some(&e)).await?)?
            } else {
                let typed = review.map(|f| f.reason.clone()).unwrap_or_default();
                let ent = enterprises::get(&state.db, id).await?;
                render::page(&show_page(state, ctx, ent, Some(&e), typed).await?)?
            };
            Ok((e.status(), page).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `POST /enterprises/{id}/apply`: the enterprise applies to resume (its plan filed).
pub async fn apply(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    step_page(&state, &ctx, id, Some(Step::Apply), None).await
}

/// `POST /enterprises/{id}/resumed`: the enterprise reports (or the command records) that it
/// has resumed, once approved.
pub async fn resumed(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    step_page(&state, &ctx, id, Some(Step::Resume), None).await
}

#[derive(Deserialize, Default)]
pub struct ReviewForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
    /// `queue`: the form was sent from the review queue, go back there.
    #[serde(default)]
    back: String,
}

fn review_of(f: &ReviewForm) -> Result<(Step, String), WebError> {
    Ok(validate_review(&ReviewInput { decision: f.decision.clone(), reason: f.reason.clone() })?)
}

/// `POST /enterprises/{id}/review`: the command approves or rejects, with a reason.
pub async fn review(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<ReviewForm>,
) -> Result<Response, WebError> {
    step_page(&state, &ctx, id, None, Some(&f)).await
}

/// Applications waiting for this reviewer, oldest first.
async fn queue_rows(state: &AppState, ctx: &Ctx) -> Result<Vec<View>, WebError> {
    let p = ctx.user()?;
    let tr = ctx.tr();
    Ok(enterprises::applied(&state.db)
        .await?
        .into_iter()
        .filter(|e| p.can(Permission::ResumptionReview, e.target()))
        .map(|e| view(&tr, e))
        .collect())
}

#[derive(Template)]
#[template(path = "enterprises/review.html")]
struct QueuePage {
    layout: Layout,
    rows: Vec<View>,
    error: Option<String>,
}

async fn queue_page(
    state: &AppState,
    ctx: &Ctx,
    e: Option<&WebError>,
) -> Result<QueuePage, WebError> {
    Ok(QueuePage {
        layout: Layout::new(state, ctx, "resumption.queue"),
        rows: queue_rows(state, ctx).await?,
        error: e.map(|e| e.message(&ctx.tr())),
    })
}

/// `GET /enterprises/review`: the review queue (复工申请待审核) of the street or the district.
pub async fn queue(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    render::page(&queue_page(&state, &ctx, None).await?)
}

/// `POST /api/v1/enterprises/{id}/apply`.
pub async fn api_apply(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<View>, WebError> {
    let acting = acting(&state, &ctx, id).await?;
    let e = take_step(&state, &ctx, acting, Step::Apply, None).await?;
    Ok(Json(view(&ctx.tr(), e)))
}

/// `POST /api/v1/enterprises/{id}/resumed`.
pub async fn api_resumed(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<View>, WebError> {
    let acting = acting(&state, &ctx, id).await?;
    let e = take_step(&state, &ctx, acting, Step::Resume, None).await?;
    Ok(Json(view(&ctx.tr(), e)))
}

/// `POST /api/v1/enterprises/{id}/review` with `{"decision": "approve"|"reject", "reason"}`.
pub async fn api_review(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Json<View>, WebError> {
    let acting = acting(&state, &ctx, id).await?;
    let f: ReviewInput = json_form(&body)?;
    let (step, reason) = validate_review(&f)?;
    let e = take_step(&state, &ctx, acting, step, Some(&reason)).await?;
    Ok(Json(view(&ctx.tr(), e)))
}

/// `PUT /api/v1/enterprises/{id}`: the edit form's twin, with the same checks.
pub async fn api_update(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Json<View>, WebError> {
    visible(&state, &ctx, id, Permission::EnterprisesWrite).await?;
    let mut f: EnterpriseInput = json_form(&body)?;
    save_op(&state, &ctx, Some(id), &mut f).await?;
    let e = enterprises::get(&state.db, id).await?;
    Ok(Json(view(&ctx.tr(), e)))
}

/// `POST /enterprises/{id}/plan?_csrf=…`: files the prevention plan (PDF, Word, picture).
pub async fn upload_plan(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    form: crate::kit::upload::Form,
) -> Result<Response, WebError> {
    visible(&state, &ctx, id, Permission::EnterprisesWrite).await?;
    let upload = crate::kit::upload::read(form).await?;
    let (content_type, sha, name) = crate::kit::upload::document(&upload)?;
    enterprises::file_plan(
        &state.db,
        &Actor::from(ctx.user()?),
        id,
        &name,
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
    let plan = enterprises::plan(&state.db, id).await?.ok_or(WebError::NotFound)?;
    let data = enterprises::plan_data(&state.db, id).await?;
    let encoded = crate::policy::urlencode(&plan.name).replace('+', "%20");
    Ok((
        [
            (header::CONTENT_TYPE, plan.content_type),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"plan\"; filename*=UTF-8''{encoded}"),
            ),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox".to_owned()),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        data,
    )
        .into_response())
}

/// A page of the API's list: which page, how many there are, the rows.
#[derive(Serialize)]
pub struct ApiPage {
    pub total: i64,
    pub resumed: i64,
    pub page: i64,
    pub per_page: i64,
    pub enterprises: Vec<View>,
}

/// `GET /api/v1/enterprises`: a page of the enterprises in the reader's scope (phones masked),
/// searched and filtered like the page.
pub async fn api_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(f): Query<Filter>,
) -> Result<Json<ApiPage>, WebError> {
    let page = page_of(Some(&f.page))?;
    let (enterprises, total, resumed) =
        rows(&state, &ctx, &f, PER_PAGE, Pager::offset(page)).await?;
    Ok(Json(ApiPage { total, resumed, page, per_page: PER_PAGE, enterprises }))
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
