//! A relative's page (issue 20), opened from the link a guest sent: no account. The link goes to
//! a cookie at once (`/r/{token}` → `/r`), so the address bar holds no secret. The page says
//! whether their person is still in the stay and when they may leave — test results only when
//! the guest allowed it — takes a delivery booked for a window (it joins the station's delivery
//! log at the gate) and a message to the front desk, and shows where each stands. A link
//! revoked, expired or of a closed stay says 已失效.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Duration;
use yizhan_core::care::relative_link::{
    BOOKING_DAYS_AHEAD, BookingInput, MessageInput, Window, validate_booking, validate_message,
};
use yizhan_core::mask::mask_name;
use yizhan_core::station::quarantine::stay_day;
use yizhan_core::time::local_date;
use yizhan_store::care::relative_links::{self, Booking, RelativeLink};
use yizhan_store::station::{guest_requests, stays};

use crate::auth::context::with_cookie;
use crate::auth::{Ctx, cookies};
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::extract::FormBody;
use crate::kit::layout::Layout;
use crate::kit::refused::Refused;
use crate::kit::render;
use crate::state::AppState;
use crate::station::guest_page::{
    RequestLine, TestLine, limit, request_lines, test_line, well_formed,
};

/// The cookie holding the relative's link on their phone.
pub const LINK: &str = "yz_relative";

/// The cookie lives as long as a link may.
const COOKIE_AGE: i64 = 31 * 24 * 3600;

fn relative_limit(state: &AppState, ctx: &Ctx) -> Result<(), WebError> {
    limit(state, ctx, crate::auth::limits::Purpose::RelativePage)
}

/// `GET /r/{token}`: the link kept in a cookie, then the page without it in the address.
pub async fn open(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    relative_limit(&state, &ctx)?;
    if !well_formed(&token) {
        return Err(WebError::NotFound);
    }
    let cookie = cookies::set(LINK, &token, Some(COOKIE_AGE), state.config.secure_cookies, false);
    Ok(with_cookie(Redirect::to("/r"), &cookie))
}

#[derive(Template)]
#[template(path = "relative_page/gone.html")]
struct GonePage {
    layout: Layout,
    /// A link that no longer works (else: no link opened on this phone).
    gone: bool,
}

/// A booked delivery as the relative sees it.
pub struct BookingLine {
    pub item: String,
    pub when: String,
    pub state: String,
    pub tone: &'static str,
}

#[derive(Template)]
#[template(path = "relative_page/home.html")]
struct HomePage {
    layout: Layout,
    /// 李四（配偶）
    who: String,
    name: String,
    station: String,
    day: i64,
    days_left: i64,
    release: String,
    /// The tests, when the guest shares them.
    tests: Option<Vec<TestLine>>,
    days: Vec<String>,
    windows: Vec<(&'static str, String)>,
    bookings: Vec<BookingLine>,
    messages: Vec<RequestLine>,
    said: Option<String>,
    refused: Refused,
    fb: BookingInput,
}

fn gone(state: &AppState, ctx: &Ctx, status: StatusCode, gone: bool) -> Result<Response, WebError> {
    let key = if gone { "relative_page.gone_title" } else { "relative_page.title" };
    let page = GonePage { layout: Layout::new(state, ctx, key), gone };
    Ok((status, render::page(&page)?).into_response())
}

/// The good link this browser holds; else the page to show instead.
async fn held(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
) -> Result<Result<RelativeLink, Response>, WebError> {
    let token = match cookies::get(headers, LINK) {
        None => return Ok(Err(gone(state, ctx, StatusCode::OK, false)?)),
        Some(t) if well_formed(&t) => t,
        Some(_) => return Ok(Err(gone(state, ctx, StatusCode::NOT_FOUND, true)?)),
    };
    match relative_links::find(&state.db, &token).await? {
        None => Ok(Err(gone(state, ctx, StatusCode::NOT_FOUND, true)?)),
        Some(l) if !l.good(yizhan_store::db::now()) => {
            Ok(Err(gone(state, ctx, StatusCode::GONE, true)?))
        }
        Some(l) => Ok(Ok(l)),
    }
}

/// `GET /r`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    relative_limit(&state, &ctx)?;
    match held(&state, &ctx, &headers).await? {
        Ok(l) => {
            relative_links::used(&state.db, l.id).await?;
            home(&state, &ctx, &l, None, None, BookingInput::default()).await
        }
        Err(page) => Ok(page),
    }
}

fn booking_line(tr: &Tr, b: &Booking) -> BookingLine {
    use yizhan_core::care::relative_link::BookingState;
    let (word, tone) = match (b.state, b.delivery_status()) {
        (BookingState::Received, Some(d)) => {
            (tr.t(d.label_key()).to_owned(), crate::kit::tone::of_delivery(&d))
        }
        (s, _) => (tr.t(s.label_key()).to_owned(), "info"),
    };
    BookingLine {
        item: b.item.clone(),
        when: format!("{} {}", b.day, tr.t(b.time_window.label_key())),
        state: word,
        tone,
    }
}

async fn home(
    state: &AppState,
    ctx: &Ctx,
    l: &RelativeLink,
    said: Option<String>,
    e: Option<&WebError>,
    fb: BookingInput,
) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let now = yizhan_store::db::now();
    let today = local_date(now);
    let tests = if l.share_health {
        Some(stays::tests(&state.db, l.stay_id).await?.iter().map(|t| test_line(&tr, t)).collect())
    } else {
        None
    };
    let page = HomePage {
        layout: Layout::new(state, ctx, "relative_page.title"),
        who: format!("{}（{}）", l.relative_name, l.relation),
        name: mask_name(&l.guest_name),
        station: l.station.clone(),
        day: stay_day(l.checked_in_at, now),
        days_left: (l.planned_release - today).num_days().max(0),
        release: l.planned_release.to_string(),
        tests,
        days: (0..=BOOKING_DAYS_AHEAD).map(|n| (today + Duration::days(n)).to_string()).collect(),
        windows: Window::ALL.iter().map(|w| (w.as_str(), tr.t(w.label_key()).to_owned())).collect(),
        bookings: relative_links::bookings_of_link(&state.db, l.id)
            .await?
            .iter()
            .map(|b| booking_line(&tr, b))
            .collect(),
        messages: request_lines(
            &tr,
            &guest_requests::of_relative_link(&state.db, l.id).await?,
            now,
        ),
        said,
        refused: Refused::of(e, &tr),
        fb,
    };
    render::form_page(&page, e)
}

/// `POST /r/deliveries` (`item`, `day`, `window`): a delivery booked for a window.
pub async fn book(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    FormBody(i): FormBody<BookingInput>,
) -> Result<Response, WebError> {
    relative_limit(&state, &ctx)?;
    let l = match held(&state, &ctx, &headers).await? {
        Ok(l) => l,
        Err(page) => return Ok(page),
    };
    let b = match validate_booking(&i, local_date(yizhan_store::db::now())) {
        Ok(b) => b,
        Err(e) => return home(&state, &ctx, &l, None, Some(&e.into()), i).await,
    };
    relative_links::book(&state.db, &l, &b).await?;
    let said = ctx.tr().t("relative_page.booked").to_owned();
    home(&state, &ctx, &l, Some(said), None, BookingInput::default()).await
}

/// `POST /r/messages` (`message`): a message to the front desk, answered like a guest's request.
pub async fn message(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    FormBody(i): FormBody<MessageInput>,
) -> Result<Response, WebError> {
    relative_limit(&state, &ctx)?;
    let l = match held(&state, &ctx, &headers).await? {
        Ok(l) => l,
        Err(page) => return Ok(page),
    };
    let text = match validate_message(&i) {
        Ok(t) => t,
        Err(e) => {
            return home(&state, &ctx, &l, None, Some(&e.into()), BookingInput::default()).await;
        }
    };
    relative_links::message(&state.db, &l, &text).await?;
    let said = ctx.tr().t("relative_page.sent").to_owned();
    home(&state, &ctx, &l, Some(said), None, BookingInput::default()).await
}
