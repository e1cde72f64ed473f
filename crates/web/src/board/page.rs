//! The board page: static HTML; `board.js` fills it from the snapshot and the event stream.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use yizhan_store::station::stations;

use crate::auth::Ctx;
use crate::board::tokens::{TokenQuery, board_access, token_handoff};
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::extract::{Id, Query};
use crate::kit::render;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "board/station.html")]
struct BoardPage {
    tr: Tr,
    station_id: i64,
    station: String,
}

impl BoardPage {
    fn t<'a>(&self, key: &'a str) -> &'a str {
        self.tr.t(key)
    }
}

/// `GET /board/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Id(id): Id,
    Query(q): Query<TokenQuery>,
) -> Result<Response, WebError> {
    if let Some(r) = token_handoff(&state, id, &q) {
        return Ok(r);
    }
    board_access(&state, &ctx, &headers, Some(id)).await?;
    let station = stations::get(&state.db, id).await?;
    render::page(&BoardPage { tr: ctx.tr(), station_id: id, station: station.name })
}
