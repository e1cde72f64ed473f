//! The room card (房卡) a station prints for a guest at check-in: the QR code of a link to the
//! guest's own page (issue 20). Printing a card makes a new link and revokes the one before; the
//! secret is in the card only (the store keeps its hash), so a lost card is replaced, not shown
//! again. Staff may also revoke the link without a new card.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use yizhan_core::access::{Actor, Permission};
use yizhan_core::mask::mask_name;
use yizhan_store::station::{guest_links, guests};

use crate::auth::Ctx;
use crate::auth::password::random_token;
use crate::error::WebError;
use crate::kit::extract::Id;
use crate::kit::layout::Layout;
use crate::kit::render;
use crate::state::AppState;
use crate::station::rooms::{origin, qr_svg};
use crate::station::stays::visible_stay;

#[derive(Template)]
#[template(path = "stays/card.html")]
struct CardPage {
    layout: Layout,
    guest_id: i64,
    station: String,
    room: String,
    name: String,
    qr: String,
    url: String,
    /// The card says it in the other language too: guests come from across the border.
    other: crate::i18n::Tr,
}

/// `POST /stays/{id}/card`: a new card (the old one stops working), shown once to print.
pub async fn print(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Id(id): Id,
) -> Result<Response, WebError> {
    let s = visible_stay(&state, &ctx, id, Permission::GuestsWrite).await?;
    let token = random_token();
    guest_links::create(&state.db, &Actor::from(ctx.user()?), s.id, &token).await?;
    let g = guests::get(&state.db, s.guest_id).await?;
    let station = yizhan_store::station::stations::get(&state.db, s.station_id).await?;
    let url = format!("{}/g/{token}", origin(&state, &headers));
    let page = CardPage {
        layout: Layout::new(&state, &ctx, "guest_page.card"),
        guest_id: g.id,
        station: station.name,
        room: s.room_number.clone(),
        name: mask_name(&g.name),
        qr: qr_svg(&url)?,
        url,
        other: crate::i18n::Tr::new(if ctx.tr().is_zh() {
            crate::i18n::Lang::En
        } else {
            crate::i18n::Lang::Zh
        }),
    };
    // The card holds a secret: not kept by any cache.
    Ok(([(axum::http::header::CACHE_CONTROL, "no-store")], render::page(&page)?).into_response())
}

/// `POST /stays/{id}/card/revoke`: the guest's page stops working until a new card is printed.
pub async fn revoke(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let s = visible_stay(&state, &ctx, id, Permission::GuestsWrite).await?;
    guest_links::revoke(&state.db, &Actor::from(ctx.user()?), s.id).await?;
    Ok(Redirect::to(&format!("/guests/{}", s.guest_id)).into_response())
}
