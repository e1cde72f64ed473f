//! A service account's change hook (admin, issue 22): the address the change feed is pushed to,
//! and the secret its requests are signed with (shown once). Delivery: `jobs::event_hooks`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use yizhan_core::access::Actor;
use yizhan_core::error::OnField;
use yizhan_core::notify::address;
use yizhan_core::time::local_display;
use yizhan_store::admin::event_hooks::{self, EventHook};
use yizhan_store::admin::users;

use super::{Secret, Typed, after_secret, saved_page};
use crate::auth::Ctx;
use crate::auth::password::random_token;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::extract::{FormBody, Id, RawBody, json_form};
use crate::notify::seal;
use crate::state::AppState;

/// What a hook is set with.
#[derive(Deserialize, Default, Clone)]
pub struct HookInput {
    #[serde(default)]
    pub url: String,
}

/// Sets the hook of service account `user_id` to `f.url` with a new secret: the hook and the
/// secret, to be shown once. A person's account, or a system's that reads no station's guests,
/// is refused on the address. The hook carries what the account's feed carries (`reach_of`).
pub async fn set(
    state: &AppState,
    ctx: &Ctx,
    user_id: i64,
    f: &HookInput,
) -> Result<(EventHook, String), WebError> {
    let user = users::get(&state.db, user_id).await?;
    let url = address::web(&f.url, "https://platform.example.cn/yizhan/events").on("url")?;
    if !user.service {
        return Err(WebError::Rule { field: Some("url".into()), key: "error.token_person" });
    }
    let grants = users::grants_of(&state.db, user_id).await?;
    if crate::admin::events::reach_of(state, &grants).await?.is_none() {
        return Err(WebError::Rule { field: Some("url".into()), key: "error.hook_no_reach" });
    }
    let secret = format!("whsec_{}", random_token());
    let key = state.config.secret_key.as_ref();
    let (url_sealed, secret_sealed) = (seal::seal(key, &url)?, seal::seal(key, &secret)?);
    let hook = event_hooks::set(
        &state.db,
        &Actor::from(ctx.user()?),
        user_id,
        &url_sealed,
        &secret_sealed,
    )
    .await?;
    Ok((hook, secret))
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct SetHook {
    hook: EventHook,
    url: String,
    /// Signs every delivery (`X-Yizhan-Signature: t=UNIX,v1=HMAC-SHA256("UNIX." + body)`, hex):
    /// shown this once.
    secret: String,
}

/// `GET /api/v1/users/{id}/hook`: the account's hook and how its deliveries go (no secret), or
/// `null` when it has none.
pub async fn api_get(
    State(state): State<AppState>,
    Id(id): Id,
) -> Result<Json<Option<EventHook>>, WebError> {
    users::get(&state.db, id).await?;
    Ok(Json(event_hooks::of_user(&state.db, id).await?))
}

/// `PUT /api/v1/users/{id}/hook` with `{"url"}`: the hook, its address and its new secret. It
/// delivers the changes made from now on.
pub async fn api_set(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Response, WebError> {
    let f: HookInput = json_form(&body)?;
    let (hook, secret) = set(&state, &ctx, id, &f).await?;
    Ok((StatusCode::OK, Json(SetHook { hook, url: f.url.trim().to_owned(), secret }))
        .into_response())
}

/// `DELETE /api/v1/users/{id}/hook`: no more deliveries (204 whether or not it had one).
pub async fn api_remove(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<StatusCode, WebError> {
    users::get(&state.db, id).await?;
    event_hooks::remove(&state.db, &Actor::from(ctx.user()?), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The hook as the account's page shows it: how its deliveries go, in words.
pub struct HookRow {
    pub h: EventHook,
    /// `ok` (delivering), `failing` (tries since the last delivery).
    pub state: &'static str,
    pub state_label: String,
    pub next: String,
    pub last_ok: Option<String>,
}

impl HookRow {
    pub fn of(tr: &Tr, h: EventHook) -> HookRow {
        let state = if h.tries > 0 { "failing" } else { "ok" };
        HookRow {
            state,
            state_label: tr.t(&format!("hook.state.{state}")).to_owned(),
            next: local_display(h.next_at),
            last_ok: h.last_ok_at.map(local_display),
            h,
        }
    }
}

/// `POST /admin/users/{id}/hook`: the account's page again, the new signing secret shown once.
pub async fn set_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<HookInput>,
) -> Result<Response, WebError> {
    let done = set(&state, &ctx, id, &f).await.map(|(_, secret)| Secret::Hook(secret));
    after_secret(&state, &ctx, id, done, Typed::Hook(f)).await
}

/// `POST /admin/users/{id}/hook/remove`: no more deliveries; the account's page again.
pub async fn remove_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let u = users::get(&state.db, id).await?;
    event_hooks::remove(&state.db, &Actor::from(ctx.user()?), id).await?;
    saved_page(&state, &ctx, &u, None, None).await
}
