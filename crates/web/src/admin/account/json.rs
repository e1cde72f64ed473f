//! Session (login/logout), the current user, the user's own password.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use yizhan_core::access::Principal;

use crate::auth::context::with_cookie;
use crate::auth::{Ctx, cookies, login};
use crate::error::WebError;
use crate::kit::extract::JsonBody;
use crate::state::AppState;

/// `GET /api/v1/session`.
/// Who am I, and the CSRF token to send as `X-CSRF-Token` on every state-changing request.
pub async fn session(ctx: Ctx) -> Json<SessionAnswer> {
    Json(SessionAnswer { user: ctx.principal, csrf_token: ctx.csrf, lang: ctx.lang.code() })
}

/// Who is signed in (`null`: nobody), the token to send, and the language of the answers.
#[derive(Serialize, schemars::JsonSchema)]
pub struct SessionAnswer {
    user: Option<Principal>,
    csrf_token: String,
    lang: &'static str,
}

/// The signed-in person and the session's CSRF token.
#[derive(Serialize, schemars::JsonSchema)]
pub struct SignedIn {
    user: Principal,
    csrf_token: String,
}

#[derive(Deserialize)]
pub struct Credentials {
    username: String,
    password: String,
}

/// `POST /api/v1/session`.
pub async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    JsonBody(c): JsonBody<Credentials>,
) -> Result<Response, WebError> {
    let s = login::sign_in(&state, ctx.client, &c.username, &c.password).await?;
    let cookie = cookies::session(&s.token, state.config.secure_cookies);
    Ok(with_cookie(Json(SignedIn { user: s.principal, csrf_token: s.csrf }), &cookie))
}

/// `DELETE /api/v1/session`.
pub async fn logout(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let p = ctx.user()?;
    login::sign_out(&state, p, ctx.session_hash.as_deref().unwrap_or_default()).await?;
    Ok(with_cookie(
        axum::http::StatusCode::NO_CONTENT.into_response(),
        &cookies::clear(cookies::SESSION, state.config.secure_cookies),
    ))
}

#[derive(Deserialize)]
pub struct PasswordChange {
    current: String,
    new: String,
}

/// `POST /api/v1/account/password`.
pub async fn change_password(
    State(state): State<AppState>,
    ctx: Ctx,
    JsonBody(b): JsonBody<PasswordChange>,
) -> Result<Response, WebError> {
    let p = ctx.user()?;
    let hash = ctx.session_hash.clone().unwrap_or_default();
    login::change_password(&state, p, &hash, &b.current, &b.new, &b.new).await?;
    Ok(axum::http::StatusCode::NO_CONTENT.into_response())
}
