//! Enterprises (企业) resuming work: the register with resumption status and dates, the filed
//! prevention plan, .xlsx. An enterprise's own account sees and changes only that enterprise;
//! a street sees its own; contact phones are masked. Resumption moves by review
//! (`yizhan_core::work::resumption`): the enterprise applies and reports resumed, the command of its
//! street or the district approves or rejects with a reason; pages and API share `take_step`.
//!
//! By room: `register` (the list, its search, .xlsx and API), `form` (register and edit),
//! `review` (apply, approve or reject, report resumed; the queue), `plan` (the prevention plan).

mod form;
mod plan;
pub mod register;
mod review;

pub use form::*;
pub use plan::*;
pub use register::*;
pub use review::*;

use register::writable_or_readable_streets;

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
#[derive(Serialize, schemars::JsonSchema)]
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

/// `GET /api/v1/enterprises/{id}`.
pub async fn api_show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<View>, WebError> {
    let e = visible(&state, &ctx, id, Permission::EnterprisesRead).await?;
    Ok(Json(view(&ctx.tr(), e)))
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
