//! Quarantine policies: dated versions, the one in force is used at check-in.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use yizhan_core::access::{Actor, Permission};
use yizhan_core::station::quarantine::{PolicyInput, SampleType, validate_policy};
use yizhan_store::station::policies::{self, PolicyRow};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::kit::extract::FormBody;
use crate::kit::layout::Layout;
use crate::kit::render;
use crate::kit::today;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "policies/list.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<(PolicyRow, bool)>,
    can_manage: bool,
    input: PolicyInput,
    samples: Vec<(&'static str, String)>,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    input: PolicyInput,
    err: Option<&WebError>,
) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let today = today();
    let rows = policies::list(&state.db)
        .await?
        .into_iter()
        .map(|p| {
            let live = yizhan_core::station::quarantine::in_force(p.valid_from, p.valid_to, today);
            (p, live)
        })
        .collect();
    let page = ListPage {
        layout: Layout::new(state, ctx, "policies.title"),
        rows,
        can_manage: ctx.user()?.has(Permission::PoliciesManage),
        input,
        samples: SampleType::ALL
            .iter()
            .map(|s| (s.as_str(), tr.t(&format!("sample.{}", s.as_str())).to_owned()))
            .collect(),
        error: err.map(|e| e.message(&tr)),
    };
    render::form_page(&page, err)
}

/// `GET /policies`, `GET /api/v1/policies`.
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let input = PolicyInput {
        sample_type: "throat".into(),
        valid_from: today().to_string(),
        ..Default::default()
    };
    page(&state, &ctx, input, None).await
}

/// Validates and publishes; shared with the API.
pub async fn publish(
    state: &AppState,
    ctx: &Ctx,
    input: &PolicyInput,
) -> Result<PolicyRow, WebError> {
    // Policies apply district-wide: a street-scoped commander cannot publish one.
    if !ctx.user()?.can(Permission::PoliciesManage, yizhan_core::access::Target::District) {
        return Err(crate::policy::deny(state, ctx, "policy publish", WebError::Forbidden).await);
    }
    let p = validate_policy(input, today())?;

    Ok(policies::create(&state.db, &Actor::from(ctx.user()?), &p).await?)
}

/// `POST /policies`.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    FormBody(input): FormBody<PolicyInput>,
) -> Result<Response, WebError> {
    match publish(&state, &ctx, &input).await {
        Ok(_) => Ok(Redirect::to("/policies").into_response()),
        Err(e) if e.is_correctable() => page(&state, &ctx, input, Some(&e)).await,
        Err(e) => Err(e),
    }
}

/// The JSON API of policies.
pub mod json {
    use axum::Json;
    use axum::extract::State;
    use yizhan_store::station::policies::{self, PolicyRow};

    use crate::error::WebError;
    use crate::state::AppState;

    /// The policies in force and past, for a check-in's choice.
    pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<PolicyRow>>, WebError> {
        Ok(Json(policies::list(&state.db).await?))
    }
}
