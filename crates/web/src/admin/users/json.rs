//! Accounts (admin) and the audit log.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use yizhan_core::access::{Actor, Grant};
use yizhan_store::admin::audit::{self, AuditRow, Verdict};
use yizhan_store::admin::users::{self, User};

use crate::admin::users::{create_user, update_user, validate_grants};
use crate::auth::Ctx;
use crate::error::WebError;
use crate::kit::extract::{Id, JsonBody, Query};
use crate::kit::listing::{ListQuery, listing};
use crate::state::AppState;

#[derive(Serialize, schemars::JsonSchema)]
pub struct UserView {
    #[serde(flatten)]
    user: User,
    grants: Vec<Grant>,
}

async fn view(state: &AppState, user: User) -> Result<UserView, WebError> {
    let grants = users::grants_of(&state.db, user.id).await?;
    Ok(UserView { user, grants })
}

/// `GET /api/v1/users?q=&page=&sort=`: 50 a page, the total in `X-Total-Count`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let mut out = Vec::new();
    for u in users::list(&state.db).await? {
        out.push(view(&state, u).await?);
    }
    let list = listing(
        &ctx.tr(),
        "/api/v1/users",
        &[],
        &query,
        out,
        |v| vec![v.user.username.as_str(), v.user.display_name.as_str()],
        &[
            ("username", |a, b| a.user.username.cmp(&b.user.username)),
            ("display_name", |a, b| a.user.display_name.cmp(&b.user.display_name)),
        ],
    )?;
    Ok(list.json())
}

/// `GET /api/v1/users/{id}`.
pub async fn get(State(state): State<AppState>, Id(id): Id) -> Result<Json<UserView>, WebError> {
    let u = users::get(&state.db, id).await?;
    Ok(Json(view(&state, u).await?))
}

#[derive(Deserialize)]
pub struct GrantBody {
    role: String,
    scope: String,
}

#[derive(Deserialize)]
pub struct NewUserBody {
    username: String,
    display_name: String,
    grants: Vec<GrantBody>,
    /// A system's account (no password; API tokens instead).
    #[serde(default)]
    service: bool,
}

fn pairs(g: &[GrantBody]) -> Vec<(String, String)> {
    g.iter().map(|g| (g.role.clone(), g.scope.clone())).collect()
}

/// `POST /api/v1/users`.
/// Returns a person's one-time password once (it is never stored or shown again); a service
/// account has none (`null`): issue it a token.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    JsonBody(b): JsonBody<NewUserBody>,
) -> Result<Response, WebError> {
    let grants = validate_grants(&state, &pairs(&b.grants)).await?;
    let actor = Actor::from(ctx.user()?);
    let (user, password) =
        create_user(&state, &actor, &b.username, &b.display_name, &grants, b.service).await?;
    let v = view(&state, user).await?;
    Ok((StatusCode::CREATED, Json(Created { user: v, one_time_password: password }))
        .into_response())
}

/// A new account, and a person's one-time password (a system's account has none: `null`).
#[derive(Serialize, schemars::JsonSchema)]
pub struct Created {
    user: UserView,
    one_time_password: Option<String>,
}

#[derive(Deserialize)]
pub struct UpdateUserBody {
    display_name: String,
    active: bool,
    grants: Vec<GrantBody>,
}

/// `PUT /api/v1/users/{id}`.
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    JsonBody(b): JsonBody<UpdateUserBody>,
) -> Result<Json<UserView>, WebError> {
    users::get(&state.db, id).await?;
    let u = update_user(&state, &ctx, id, &b.display_name, b.active, &pairs(&b.grants)).await?;
    Ok(Json(view(&state, u).await?))
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct AuditPage {
    /// With `verify=1`: whether the chain holds (a pass over the whole log).
    verdict: Option<serde_json::Value>,
    rows: Vec<AuditRow>,
    /// The `before` of the next (older) page, when there is one.
    next_before: Option<i64>,
}

/// `GET /api/v1/audit`: 50 entries a page from the newest (`before=SEQ` for older ones), `q` to
/// search, `verify=1` to verify the chain.
pub async fn audit_log(
    State(state): State<AppState>,
    Query(aq): Query<crate::admin::audit::AuditQuery>,
) -> Result<Json<AuditPage>, WebError> {
    let verdict = if aq.verify == "1" {
        Some(match audit::verify(&state.db).await? {
            Verdict::Intact { rows } => json!({ "intact": true, "rows": rows }),
            Verdict::Broken { seq, reason } => {
                json!({ "intact": false, "first_broken_seq": seq, "reason": reason })
            }
        })
    } else {
        None
    };
    let rows = audit::page(&state.db, &aq.search(), aq.before()?, 50).await?;
    let next_before = (rows.len() == 50).then(|| rows.last().map(|r| r.seq)).flatten();
    Ok(Json(AuditPage { verdict, rows, next_before }))
}
