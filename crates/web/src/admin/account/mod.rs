//! The signed-in user's own password.

pub mod json;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::auth::{Ctx, login};
use crate::error::WebError;
use crate::kit::extract::FormBody;
use crate::kit::layout::Layout;
use crate::kit::render;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "account/password.html")]
struct PasswordPage {
    layout: Layout,
    must_change: bool,
    done: bool,
    error: Option<String>,
}

/// `GET /account/password`.
pub async fn form(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    render::page(&PasswordPage {
        must_change: ctx.user()?.must_change_password,
        layout: Layout::new(&state, &ctx, "password.title"),
        done: false,
        error: None,
    })
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    repeat: String,
}

/// `POST /account/password`.
pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    FormBody(f): FormBody<PasswordForm>,
) -> Result<Response, WebError> {
    let p = ctx.user()?;
    let hash = ctx.session_hash.clone().unwrap_or_default();
    match login::change_password(&state, p, &hash, &f.current, &f.new, &f.repeat).await {
        Ok(()) => {
            let mut ctx = ctx.clone();
            if let Some(p) = ctx.principal.as_mut() {
                p.must_change_password = false;
            }
            render::page(&PasswordPage {
                layout: Layout::new(&state, &ctx, "password.title"),
                must_change: false,
                done: true,
                error: None,
            })
        }
        Err(e) if e.is_correctable() => {
            let page = PasswordPage {
                must_change: p.must_change_password,
                layout: Layout::new(&state, &ctx, "password.title"),
                done: false,
                error: Some(e.message(&ctx.tr())),
            };
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}
