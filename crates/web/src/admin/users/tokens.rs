//! API tokens of service accounts (admin): issued with a label, a lifetime and a budget a
//! minute, shown once, revocable; pages and API share `issue` and `revoke`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use yizhan_core::access::Actor;
use yizhan_core::error::OnField;
use yizhan_core::time::local_display;
use yizhan_core::validate::{parse_int, required_text};
use yizhan_store::StoreError;
use yizhan_store::admin::api_tokens::{self, ApiToken, NewToken};
use yizhan_store::admin::users;

use super::{Secret, Typed, after_secret, saved_page};
use crate::auth::Ctx;
use crate::auth::password::random_token;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::extract::{FormBody, Id, JsonBody, RawBody, json_form};
use crate::state::AppState;

/// What a token's issue form sends (page and API alike).
#[derive(Deserialize, Default, Clone)]
pub struct TokenInput {
    #[serde(default)]
    pub label: String,
    /// Days the token lives, 1–365 (blank: 90).
    #[serde(default)]
    pub days: String,
    /// Calls a minute, 1–100,000 (blank: 600).
    #[serde(default)]
    pub calls_per_minute: String,
}

/// Every field checked at once; the label, the expiry and the budget.
fn validate(f: &TokenInput, now: DateTime<Utc>) -> Result<(String, DateTime<Utc>, i64), WebError> {
    let or = |s: &str, default: &'static str| {
        if s.trim().is_empty() { default.to_owned() } else { s.trim().to_owned() }
    };
    let label = required_text(&f.label, 60).on("label");
    let days = parse_int(&or(&f.days, "90"), 1, 365, "90").on("days");
    let per_minute =
        parse_int(&or(&f.calls_per_minute, "600"), 1, 100_000, "600").on("calls_per_minute");
    match (label, days, per_minute) {
        (Ok(l), Ok(d), Ok(p)) => Ok((l, now + chrono::Duration::days(d), p)),
        (l, d, p) => Err(WebError::Many(
            [l.err(), d.err(), p.err()].into_iter().flatten().map(WebError::from).collect(),
        )),
    }
}

/// Issues a token to service account `user_id`; the secret, to be shown once. A person's
/// account is refused on its field: people sign in with their password.
pub async fn issue(
    state: &AppState,
    ctx: &Ctx,
    user_id: i64,
    f: &TokenInput,
) -> Result<(ApiToken, String), WebError> {
    let user = users::get(&state.db, user_id).await?;
    let (label, expires_at, per_minute) = validate(f, yizhan_store::db::now())?;
    if !user.service {
        return Err(WebError::Rule { field: Some("label".into()), key: "error.token_person" });
    }
    let secret = format!("yz_{}", random_token());
    let token = api_tokens::create(
        &state.db,
        &Actor::from(ctx.user()?),
        &NewToken { user_id, label: &label, secret: &secret, per_minute, expires_at },
    )
    .await?;
    Ok((token, secret))
}

/// Revokes token `token` of account `user_id` (another account's token: 404).
pub async fn revoke(
    state: &AppState,
    ctx: &Ctx,
    user_id: i64,
    token: i64,
) -> Result<ApiToken, WebError> {
    match api_tokens::revoke(&state.db, &Actor::from(ctx.user()?), user_id, token).await {
        Err(StoreError::NotFound) => Err(WebError::NotFound),
        other => Ok(other?),
    }
}

/// A token as the account's page lists it: its state in words.
pub struct TokenRow {
    pub t: ApiToken,
    /// `live`, `expired` or `revoked`.
    pub state: &'static str,
    pub state_label: String,
    /// When it expires and was last used, in local time.
    pub expires: String,
    pub last_used: Option<String>,
}

pub fn rows(tr: &Tr, tokens: Vec<ApiToken>) -> Vec<TokenRow> {
    let now = yizhan_store::db::now();
    tokens
        .into_iter()
        .map(|t| {
            let state = match (t.revoked_at, t.live(now)) {
                (Some(_), _) => "revoked",
                (None, true) => "live",
                (None, false) => "expired",
            };
            TokenRow {
                state,
                state_label: tr.t(&format!("token.state.{state}")).to_owned(),
                expires: local_display(t.expires_at),
                last_used: t.last_used_at.map(local_display),
                t,
            }
        })
        .collect()
}

/// `POST /admin/users/{id}/tokens`: the account's page again, the new secret shown once.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<TokenInput>,
) -> Result<Response, WebError> {
    let done = issue(&state, &ctx, id, &f).await.map(|(_, secret)| Secret::Token(secret));
    after_secret(&state, &ctx, id, done, Typed::Token(f)).await
}

#[derive(Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    token: String,
}

/// `POST /admin/users/{id}/tokens/revoke` with the token's id.
pub async fn revoke_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<RevokeForm>,
) -> Result<Response, WebError> {
    let token = parse_int(&f.token, 1, i64::MAX, "3").on("token")?;
    revoke(&state, &ctx, id, token).await?;
    let u = users::get(&state.db, id).await?;
    saved_page(&state, &ctx, &u, None, None).await
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct Issued {
    token: ApiToken,
    /// The secret for `Authorization: Bearer`: shown this once, kept only as its hash.
    secret: String,
}

/// `GET /api/v1/users/{id}/tokens`: the account's tokens (no secrets), the newest first.
pub async fn api_list(
    State(state): State<AppState>,
    Id(id): Id,
) -> Result<Json<Vec<ApiToken>>, WebError> {
    users::get(&state.db, id).await?;
    Ok(Json(api_tokens::of_user(&state.db, id).await?))
}

/// `POST /api/v1/users/{id}/tokens` with `{"label", "days", "calls_per_minute"}`: 201 and the
/// secret.
pub async fn api_create(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Response, WebError> {
    let f: TokenInput = json_form(&body)?;
    let (token, secret) = issue(&state, &ctx, id, &f).await?;
    Ok((StatusCode::CREATED, Json(Issued { token, secret })).into_response())
}

#[derive(Deserialize)]
pub struct RevokeBody {
    token: i64,
}

/// `POST /api/v1/users/{id}/tokens/revoke` with `{"token": ID}`.
pub async fn api_revoke(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    JsonBody(b): JsonBody<RevokeBody>,
) -> Result<Json<ApiToken>, WebError> {
    Ok(Json(revoke(&state, &ctx, id, b.token).await?))
}
