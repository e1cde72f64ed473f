//! Writes error bodies: JSON under `/api/`, an HTML page elsewhere. 5xx details go to the log only.

use askama::Template;
use axum::Json;
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::layout::Layout;
use crate::policy::urlencode;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    status: u16,
    message: String,
}

fn log(e: &WebError) {
    match e {
        WebError::Internal(m) => tracing::error!(error = %m, "internal error"),
        WebError::Unavailable(m) => tracing::warn!(error = %m, "database unavailable"),
        WebError::StorageFull(m) => {
            tracing::error!(error = %m, "the database's disk is full: writes fail until space is freed")
        }
        _ => {}
    }
}

fn json(tr: &Tr, e: &WebError) -> Response {
    let mut body = serde_json::json!({ "code": e.code(), "message": e.message(tr) });
    if let Some(f) = e.field() {
        body["field"] = f.into();
    }
    // Every refused field, so that a client can mark each one (a single refusal is a list of one).
    if matches!(e, WebError::Invalid { .. } | WebError::Rule { .. } | WebError::Many(_)) {
        body["errors"] = e
            .each()
            .into_iter()
            .map(|one| serde_json::json!({ "field": one.field(), "message": one.message(tr) }))
            .collect();
    }
    (e.status(), Json(serde_json::json!({ "error": body }))).into_response()
}

/// Before the context exists (CSRF refusals, session lookup failures).
pub fn error(tr: &Tr, is_api: bool, e: WebError) -> Response {
    log(&e);
    if is_api {
        return json(tr, &e);
    }
    let page = ErrorPage {
        layout: Layout::bare(*tr, "error.title"),
        status: e.status().as_u16(),
        message: e.message(tr),
    };
    match page.render() {
        Ok(html) => (e.status(), Html(html)).into_response(),
        Err(_) => (e.status(), e.message(tr)).into_response(),
    }
}

pub async fn error_with_ctx(state: &AppState, ctx: &Ctx, e: WebError) -> Response {
    log(&e);
    let tr = ctx.tr();
    if ctx.is_api() {
        return json(&tr, &e);
    }
    if matches!(e, WebError::Unauthenticated) {
        return Redirect::to(&format!("/login?next={}", urlencode(&ctx.path))).into_response();
    }
    let page = ErrorPage {
        layout: Layout::refused(state, ctx, "error.title"),
        status: e.status().as_u16(),
        message: e.message(&tr),
    };
    match page.render() {
        Ok(html) => (e.status(), Html(html)).into_response(),
        Err(_) => (e.status(), e.message(&tr)).into_response(),
    }
}

/// Renders a page template into a response.
pub fn page(t: &impl Template) -> Result<Response, WebError> {
    Ok(Html(t.render()?).into_response())
}

/// A form's page: as first shown (200), or shown again with what was refused (the refusal's
/// status, 422 for a correctable one).
pub fn form_page(t: &impl Template, refused: Option<&WebError>) -> Result<Response, WebError> {
    let status = refused.map(|e| e.status()).unwrap_or(axum::http::StatusCode::OK);
    Ok((status, page(t)?).into_response())
}
