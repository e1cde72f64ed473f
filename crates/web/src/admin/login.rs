//! Login, logout and the language switch.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::auth::context::with_cookie;
use crate::auth::{Ctx, cookies, login};
use crate::error::WebError;
use crate::i18n::Lang;
use crate::kit::extract::{FormBody, Query};
use crate::kit::layout::Layout;
use crate::kit::render;
use crate::policy::safe_next;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    error: Option<String>,
    username: String,
    next: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// `GET /login`.
pub async fn form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NextQuery>,
) -> Result<Response, WebError> {
    if ctx.principal.is_some() {
        return Ok(Redirect::to(&safe_next(q.next.as_deref())).into_response());
    }
    render::page(&LoginPage {
        layout: Layout::new(&state, &ctx, "login.title"),
        error: None,
        username: String::new(),
        next: safe_next(q.next.as_deref()),
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// `POST /login`.
pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    FormBody(f): FormBody<LoginForm>,
) -> Result<Response, WebError> {
    let next = safe_next(f.next.as_deref());
    match login::sign_in(&state, ctx.client, &f.username, &f.password).await {
        Ok(s) => {
            let target = if s.principal.must_change_password {
                "/account/password".to_owned()
            } else {
                next
            };
            let cookie = cookies::session(&s.token, state.config.secure_cookies);
            Ok(with_cookie(Redirect::to(&target), &cookie))
        }
        Err(e @ (WebError::Rule { .. } | WebError::Throttled)) => {
            let page = LoginPage {
                layout: Layout::new(&state, &ctx, "login.title"),
                error: Some(e.message(&ctx.tr())),
                username: f.username.trim().to_owned(),
                next,
            };
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `POST /logout`.
pub async fn logout(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    if let (Some(p), Some(h)) = (&ctx.principal, &ctx.session_hash) {
        login::sign_out(&state, p, h).await?;
    }
    Ok(with_cookie(
        Redirect::to("/login"),
        &cookies::clear(cookies::SESSION, state.config.secure_cookies),
    ))
}

#[derive(Deserialize)]
pub struct LangForm {
    lang: String,
    next: Option<String>,
}

/// `POST /lang`.
pub async fn set_lang(
    State(state): State<AppState>,
    FormBody(f): FormBody<LangForm>,
) -> Result<Response, WebError> {
    let lang = Lang::from_code(&f.lang).ok_or_else(|| WebError::BadRequest("lang".into()))?;
    let cookie = cookies::set(
        cookies::LANG,
        lang.code(),
        Some(365 * 24 * 3600),
        state.config.secure_cookies,
        false,
    );
    Ok(with_cookie((StatusCode::SEE_OTHER, [("location", safe_next(f.next.as_deref()))]), &cookie))
}
