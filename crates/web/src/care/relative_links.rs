//! Relatives' links (issue 20) as the guest and the station make and end them: the guest on
//! their own page (making it is their consent), staff on the guest's record with the consent
//! written down. The link is shown once, as an address and a QR code to send on; the store
//! keeps its hash. The gate receives what relatives booked, and it joins the delivery log.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use yizhan_core::access::{Actor, Permission};
use yizhan_core::care::relative_link::{LinkInput, NewLink, validate_link};
use yizhan_core::time::local_display;
use yizhan_store::care::relative_links::{self, RelativeLink};

use crate::auth::Ctx;
use crate::auth::password::random_token;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::extract::{FormBody, Id};
use crate::kit::layout::Layout;
use crate::kit::render;
use crate::policy::require;
use crate::state::AppState;
use crate::station::guest_page::{home, throttle, writable};
use crate::station::rooms::{origin, qr_svg};
use crate::station::stays::{back_to_guest, visible_stay};
use yizhan_store::station::guest_links::guest_actor;

/// A link in one line, as the guest and staff see it.
pub struct LinkLine {
    pub id: i64,
    /// 李四（配偶）
    pub who: String,
    pub state: String,
    pub tone: &'static str,
    pub good: bool,
    /// Until when it works, when it is the last used, and whether it shows test results.
    pub facts: String,
}

pub fn link_lines(tr: &Tr, links: &[RelativeLink], now: DateTime<Utc>) -> Vec<LinkLine> {
    links
        .iter()
        .map(|l| {
            let good = l.good(now);
            let (key, tone) = match (good, l.revoked_at.is_some()) {
                (true, _) => ("relative_link.good", "ok"),
                (false, true) => ("relative_link.revoked", "muted"),
                (false, false) => ("relative_link.expired", "muted"),
            };
            let mut facts = format!(
                "{} {}",
                tr.t("relative_link.until"),
                local_display(l.expires_at.min(l.ended_at.unwrap_or(l.expires_at)))
            );
            if let Some(u) = l.last_used_at {
                facts.push_str(&format!(
                    " · {} {}",
                    tr.t("relative_link.last_used"),
                    local_display(u)
                ));
            }
            if l.share_health {
                facts.push_str(&format!(" · {}", tr.t("relative_link.shares_health")));
            }
            LinkLine {
                id: l.id,
                who: format!("{}（{}）", l.relative_name, l.relation),
                state: tr.t(key).to_owned(),
                tone,
                good,
                facts,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "relative_page/made.html")]
struct MadePage {
    layout: Layout,
    who: String,
    url: String,
    qr: String,
    back: String,
}

/// Who makes a link, and the page to go back to from it.
pub(crate) struct Maker {
    pub by: Actor,
    /// The guest on their own page (else staff, with the consent written down).
    pub by_guest: bool,
    pub back: String,
}

/// Makes a link for stay `stay_id` (the same relative's old link stops) and shows it once, to
/// send on. Not kept by any cache: the page holds the secret.
pub(crate) async fn make(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    m: Maker,
    stay_id: i64,
    l: &NewLink,
) -> Result<Response, WebError> {
    let token = random_token();
    relative_links::create(&state.db, &m.by, m.by_guest, stay_id, l, &token).await?;
    let url = format!("{}/r/{token}", origin(state, headers));
    let page = MadePage {
        layout: Layout::new(state, ctx, "relative_link.made"),
        who: format!("{}（{}）", l.relative_name, l.relation),
        qr: qr_svg(&url)?,
        url,
        back: m.back,
    };
    Ok(([(axum::http::header::CACHE_CONTROL, "no-store")], render::page(&page)?).into_response())
}

/// `POST /stays/{id}/relative-links` (`relative_name`, `relation`, `share_health`, `consent`):
/// staff make a relative's link on the guest's consent, which they write down.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Id(id): Id,
    FormBody(i): FormBody<LinkInput>,
) -> Result<Response, WebError> {
    let s = visible_stay(&state, &ctx, id, Permission::GuestsWrite).await?;
    let l = match validate_link(&i, true) {
        Ok(l) => l,
        Err(e) => return back_to_guest(&state, &ctx, &s, Err(e.into())).await,
    };
    let m = Maker {
        by: Actor::from(ctx.user()?),
        by_guest: false,
        back: format!("/guests/{}", s.guest_id),
    };
    make(&state, &ctx, &headers, m, s.id, &l).await
}

/// `POST /relative-links/{id}/revoke`: staff end a relative's link.
pub async fn revoke(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let l = relative_links::get(&state.db, id).await?;
    let s = visible_stay(&state, &ctx, l.stay_id, Permission::GuestsWrite).await?;
    relative_links::revoke(&state.db, &Actor::from(ctx.user()?), l.id).await?;
    Ok(Redirect::to(&format!("/guests/{}", s.guest_id)).into_response())
}

/// `POST /delivery-bookings/{id}/receive`: what a relative booked is at the gate; it joins the
/// delivery log, to be disinfected before it reaches the room.
pub async fn receive_booking(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let b = relative_links::booking(&state.db, id).await?;
    let station = yizhan_store::station::stations::get(&state.db, b.station_id).await?;
    require(&state, &ctx, Permission::CareRecord, station.target(), format!("booking {id}"))
        .await?;
    relative_links::receive(&state.db, &Actor::from(ctx.user()?), id).await?;
    Ok(Redirect::to(&format!("/stations/{}/relatives", b.station_id)).into_response())
}

/// `POST /g/relatives` (`relative_name`, `relation`, `share_health`): the guest makes a link for
/// a relative on their own page.
pub async fn guest_create(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    FormBody(i): FormBody<LinkInput>,
) -> Result<Response, WebError> {
    throttle(&state, &ctx)?;
    let link = match writable(&state, &ctx, &headers).await? {
        Ok(link) => link,
        Err(page) => return Ok(page),
    };
    let l = match validate_link(&i, false) {
        Ok(l) => l,
        Err(e) => return home(&state, &ctx, &link, None, Some(&e.into())).await,
    };
    let m = Maker { by: guest_actor(link.stay_id), by_guest: true, back: "/g".into() };
    make(&state, &ctx, &headers, m, link.stay_id, &l).await
}

/// Which link to end, as the guest's page sends it.
#[derive(serde::Deserialize, Default)]
pub struct RevokeInput {
    #[serde(default)]
    pub link: String,
}

/// `POST /g/relatives/revoke` (`link`): the guest ends a link of their own stay (another stay's
/// is not found).
pub async fn guest_revoke(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    FormBody(i): FormBody<RevokeInput>,
) -> Result<Response, WebError> {
    throttle(&state, &ctx)?;
    let link = match writable(&state, &ctx, &headers).await? {
        Ok(link) => link,
        Err(page) => return Ok(page),
    };
    let id: i64 = i.link.trim().parse().map_err(|_| WebError::NotFound)?;
    let l = relative_links::get(&state.db, id).await?;
    if l.stay_id != link.stay_id {
        return Err(WebError::NotFound);
    }
    relative_links::revoke(&state.db, &guest_actor(link.stay_id), l.id).await?;
    Ok(Redirect::to("/g").into_response())
}
