//! Display tokens: a lead or commander creates one per station; the TV opens the board with it
//! once (it becomes a cookie, so the URL in the browser's history holds no secret afterwards).

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use yizhan_core::access::{Actor, Permission};
use yizhan_store::station::board::{self, BoardToken};
use yizhan_store::station::stations::{self, Station};

use crate::auth::context::with_cookie;
use crate::auth::password::random_token;
use crate::auth::{Ctx, cookies};
use crate::error::WebError;
use crate::kit::extract::{FormBody, Id};
use crate::kit::layout::Layout;
use crate::kit::render;
use crate::policy::deny;
use crate::state::AppState;
use crate::station::rooms::origin;
use crate::station::stations::visible;

/// May this request see station `id`'s board? A signed-in reader of the station, or a TV whose
/// token is for this station and not revoked. A revoked token gets its own answer.
pub async fn board_access(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    id: Option<i64>,
) -> Result<(), WebError> {
    if let Some(p) = &ctx.principal {
        // A station that does not exist and one the person may not read get the same 404.
        let target = match id {
            Some(id) => match stations::get(&state.db, id).await {
                Ok(s) => Some(s.target()),
                Err(yizhan_store::StoreError::NotFound) => None,
                Err(e) => return Err(e.into()),
            },
            None => Some(yizhan_core::access::Target::District),
        };
        if target.is_some_and(|t| p.can(Permission::StationsRead, t)) {
            return Ok(());
        }
    }
    let Some(token) = cookies::get(headers, cookies::BOARD) else {
        // Signed in without the right: another station's board is as absent as a missing
        // one (404); the district board simply is not theirs (403).
        if ctx.principal.is_some() {
            return Err(match id {
                Some(id) => deny(state, ctx, &format!("board {id}"), WebError::NotFound).await,
                None => deny(state, ctx, "board district", WebError::Forbidden).await,
            });
        }
        return Err(WebError::Unauthenticated);
    };
    match board::find_token(&state.db, &token).await? {
        Some(t) if t.revoked_at.is_some() => {
            Err(WebError::Rule { field: None, key: "board.revoked" })
        }
        Some(t) if t.station_id == id => Ok(()),
        _ => Err(WebError::NotFound),
    }
}

#[derive(Deserialize)]
pub struct TokenQuery {
    pub token: Option<String>,
}

/// `/board/{id}?token=…` stores the token as a cookie and comes back without it.
pub fn token_handoff(state: &AppState, id: i64, q: &TokenQuery) -> Option<Response> {
    token_handoff_to(state, &format!("/board/{id}"), q)
}

pub fn token_handoff_to(state: &AppState, back: &str, q: &TokenQuery) -> Option<Response> {
    let token = q.token.as_deref()?.trim();
    if token.len() != 64 || !token.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let cookie = format!(
        "{}; Max-Age=31536000",
        cookies::set(cookies::BOARD, token, None, state.config.secure_cookies, false)
    );
    Some(with_cookie(Redirect::to(back), &cookie))
}

pub struct TokenRow {
    pub t: BoardToken,
    pub created: String,
    pub used: String,
}

#[derive(Template)]
#[template(path = "board/tokens.html")]
struct TokensPage {
    layout: Layout,
    station: Station,
    rows: Vec<TokenRow>,
    new_url: Option<String>,
}

async fn tokens_page(
    state: &AppState,
    ctx: &Ctx,
    station: Station,
    new_url: Option<String>,
) -> Result<Response, WebError> {
    let rows = board::tokens(&state.db, station.id)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            created: yizhan_core::time::local_display(t.created_at),
            used: t.last_used_at.map(yizhan_core::time::local_display).unwrap_or_default(),
            t,
        })
        .collect();
    render::page(&TokensPage {
        layout: Layout::new(state, ctx, "board.tokens"),
        station,
        rows,
        new_url,
    })
}

/// `GET /stations/{id}/boards`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::BoardsManage).await?;
    tokens_page(&state, &ctx, station, None).await
}

#[derive(Deserialize, Default)]
pub struct NewToken {
    #[serde(default)]
    label: String,
}

/// `POST /stations/{id}/boards`.
/// Creates a token and shows its URL once (only the hash is kept).
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Id(id): Id,
    FormBody(f): FormBody<NewToken>,
) -> Result<Response, WebError> {
    use yizhan_core::error::OnField;
    let station = visible(&state, &ctx, id, Permission::BoardsManage).await?;
    let label = yizhan_core::validate::required_text(&f.label, 40).on("label")?;
    let token = random_token();
    board::create_token(&state.db, &Actor::from(ctx.user()?), Some(id), &label, &token).await?;
    let url = format!("{}/board/{id}?token={token}", origin(&state, &headers));
    tokens_page(&state, &ctx, station, Some(url)).await
}

/// `POST /boards/{id}/revoke`.
pub async fn revoke(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let t = board::get_token(&state.db, id).await?;
    let station_id = t.station_id.ok_or(WebError::NotFound)?;
    let station = stations::get(&state.db, station_id).await?;
    if !ctx.user()?.can(Permission::BoardsManage, station.target()) {
        return Err(deny(&state, &ctx, &format!("board token {id}"), WebError::NotFound).await);
    }
    board::revoke_token(&state.db, &Actor::from(ctx.user()?), id).await?;
    Ok(Redirect::to(&format!("/stations/{station_id}/boards")).into_response())
}
