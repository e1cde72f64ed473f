//! A guest's own page, opened from the QR code of the room card (issue 20): no account. The
//! card's link is handed to a cookie at once (`/g/{token}` → `/g`), so the address bar and the
//! history hold no secret; a browser opening it for the first time answers the last four
//! characters of the document and keeps a device secret. The page shows the guest's own stay
//! only (masked name, room, days, test calendar) and takes their temperature and symptoms for
//! the current slot — kept beside the staff's reading, a fever raising the same alert, marked
//! self-reported. A card of a closed stay, or replaced, says 已失效.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use yizhan_core::mask::mask_name;
use yizhan_core::station::guest_link::{
    LinkState, after_failure, locked, second_factor_ok, validate_last4,
};
use yizhan_core::station::health::{HealthCheckInput, slot_at, validate_health_check};
use yizhan_core::station::quarantine::stay_day;
use yizhan_store::station::guest_links::{self, GuestLink};
use yizhan_store::station::stays;

use crate::auth::context::with_cookie;
use crate::auth::limits::Purpose;
use crate::auth::password::random_token;
use crate::auth::{Ctx, cookies};
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::extract::FormBody;
use crate::kit::layout::Layout;
use crate::kit::refused::Refused;
use crate::kit::render;
use crate::state::AppState;
use crate::station::health::{RecordForm, reading, symptom_options};

/// The cookie holding the card's link on the guest's phone.
pub const LINK: &str = "yz_guest";
/// The cookie holding the secret of a browser that proved itself on the link.
pub const DEVICE: &str = "yz_guest_device";

/// A year: the cookie outlives any stay; the link's own validity decides.
const COOKIE_AGE: i64 = 365 * 24 * 3600;

pub(crate) fn throttle(state: &AppState, ctx: &Ctx) -> Result<(), WebError> {
    limit(state, ctx, Purpose::GuestPage)
}

/// One request more of `purpose` from this client, or too many.
pub(crate) fn limit(state: &AppState, ctx: &Ctx, purpose: Purpose) -> Result<(), WebError> {
    if state.limits.allow(purpose, ctx.client) { Ok(()) } else { Err(WebError::Throttled) }
}

pub(crate) fn well_formed(token: &str) -> bool {
    token.len() == 64 && token.chars().all(|c| c.is_ascii_hexdigit())
}

/// `GET /g/{token}`: the card's link kept in a cookie, then the page without it in the address.
pub async fn open(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    throttle(&state, &ctx)?;
    if !well_formed(&token) {
        return Err(WebError::NotFound);
    }
    let cookie = cookies::set(LINK, &token, Some(COOKIE_AGE), state.config.secure_cookies, false);
    Ok(with_cookie(Redirect::to("/g"), &cookie))
}

#[derive(Template)]
#[template(path = "guest_page/verify.html")]
struct VerifyPage {
    layout: Layout,
    station: String,
    refused: Refused,
}

#[derive(Template)]
#[template(path = "guest_page/gone.html")]
struct GonePage {
    layout: Layout,
    /// A card that no longer works (else: no card scanned on this phone yet).
    gone: bool,
}

/// A test of the calendar as the guest sees it: a positive is told by a person, not the page.
pub struct TestLine {
    pub due: String,
    pub word: String,
    pub tone: &'static str,
}

#[derive(Template)]
#[template(path = "guest_page/home.html")]
struct HomePage {
    layout: Layout,
    name: String,
    station: String,
    room: String,
    day: i64,
    release: String,
    slot_word: String,
    /// This slot's own report, in words, if made.
    reported: Option<String>,
    symptoms: Vec<(&'static str, String)>,
    tests: Vec<TestLine>,
    /// The last reports, in words, with their day and slot.
    history: Vec<String>,
    /// What the last report did: (tone, words).
    said: Option<(&'static str, String)>,
    refused: Refused,
    kinds: Vec<(&'static str, String)>,
    requests: Vec<RequestLine>,
    /// The relatives' links the guest (or staff) made.
    links: Vec<crate::care::relative_links::LinkLine>,
    links_revoke: &'static str,
    /// The stay is open (else released: read only, with the certificate).
    open: bool,
    /// The station's notice to its guests, if any.
    notice: String,
}

/// A request as its guest sees it: what, when, where it stands, the answer.
pub struct RequestLine {
    pub kind: String,
    pub body: String,
    pub at: String,
    pub state: String,
    pub tone: &'static str,
    pub answer: Option<String>,
}

/// Requests as the one who wrote them sees them.
pub(crate) fn request_lines(
    tr: &Tr,
    list: &[yizhan_store::station::guest_requests::Request],
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<RequestLine> {
    list.iter()
        .map(|r| RequestLine {
            kind: tr.t(r.kind.label_key()).to_owned(),
            body: r.body.clone(),
            at: yizhan_core::time::local_display(r.created_at),
            state: tr.t(r.state.label_key()).to_owned(),
            tone: request_tone(r, now),
            answer: r.answer.clone(),
        })
        .collect()
}

/// The tone of a request's state: done is ok, late is danger, the rest info.
pub fn request_tone(
    r: &yizhan_store::station::guest_requests::Request,
    now: chrono::DateTime<chrono::Utc>,
) -> &'static str {
    use yizhan_core::station::guest_request::{RequestState, overdue};
    if r.state == RequestState::Done {
        "ok"
    } else if overdue(r.state, r.due_at, now) {
        "danger"
    } else {
        "info"
    }
}

/// The link the browser holds, if any, as the store has it.
async fn link_of(state: &AppState, headers: &HeaderMap) -> Result<Option<GuestLink>, WebError> {
    match cookies::get(headers, LINK) {
        Some(t) if well_formed(&t) => Ok(guest_links::find(&state.db, &t).await?),
        _ => Ok(None),
    }
}

/// The link if this browser proved itself on it; else the page to show instead.
async fn proven(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
) -> Result<Result<GuestLink, Response>, WebError> {
    if cookies::get(headers, LINK).is_none() {
        return Ok(Err(scan_first(state, ctx)?));
    }
    let Some(link) = link_of(state, headers).await? else {
        return Ok(Err(gone(state, ctx, StatusCode::NOT_FOUND)?));
    };
    if link.state(yizhan_store::db::now()) == LinkState::Gone {
        return Ok(Err(gone(state, ctx, StatusCode::GONE)?));
    }
    let known = match cookies::get(headers, DEVICE) {
        Some(d) => guest_links::device_known(&state.db, link.id, &d).await?,
        None => false,
    };
    if !known {
        return Ok(Err(verify_page(state, ctx, &link, None)?));
    }
    Ok(Ok(link))
}

/// The link if its stay is still open, for a write; after a release the page, read only, says
/// so (410): nothing more is recorded.
pub(crate) async fn writable(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
) -> Result<Result<GuestLink, Response>, WebError> {
    match proven(state, ctx, headers).await? {
        Ok(link) if link.state(yizhan_store::db::now()) == LinkState::Open => Ok(Ok(link)),
        Ok(link) => {
            let page = home(state, ctx, &link, None, None).await?;
            Ok(Err((StatusCode::GONE, page).into_response()))
        }
        Err(page) => Ok(Err(page)),
    }
}

fn gone(state: &AppState, ctx: &Ctx, status: StatusCode) -> Result<Response, WebError> {
    let page = GonePage { layout: Layout::new(state, ctx, "guest_page.gone_title"), gone: true };
    Ok((status, render::page(&page)?).into_response())
}

/// No card scanned on this phone: what to do.
fn scan_first(state: &AppState, ctx: &Ctx) -> Result<Response, WebError> {
    render::page(&GonePage { layout: Layout::new(state, ctx, "guest_page.title"), gone: false })
}

fn verify_page(
    state: &AppState,
    ctx: &Ctx,
    link: &GuestLink,
    e: Option<&WebError>,
) -> Result<Response, WebError> {
    let page = VerifyPage {
        layout: Layout::new(state, ctx, "guest_page.title"),
        station: link.station.clone(),
        refused: Refused::of(e, &ctx.tr()),
    };
    render::form_page(&page, e)
}

/// `GET /g`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    throttle(&state, &ctx)?;
    match proven(&state, &ctx, &headers).await? {
        Ok(link) => home(&state, &ctx, &link, None, None).await,
        Err(page) => Ok(page),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct VerifyInput {
    #[serde(default)]
    pub last4: String,
}

/// `POST /g/verify` (`last4`): a right answer keeps this browser; five wrong ones in a row lock
/// the link for a quarter of an hour, whoever tries.
pub async fn verify(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    FormBody(i): FormBody<VerifyInput>,
) -> Result<Response, WebError> {
    throttle(&state, &ctx)?;
    if cookies::get(&headers, LINK).is_none() {
        return scan_first(&state, &ctx);
    }
    let Some(link) = link_of(&state, &headers).await? else {
        return gone(&state, &ctx, StatusCode::NOT_FOUND);
    };
    if link.state(yizhan_store::db::now()) == LinkState::Gone {
        return gone(&state, &ctx, StatusCode::GONE);
    }
    let now = yizhan_store::db::now();
    if locked(link.locked_until, now) {
        let e = WebError::Rule { field: Some("last4".into()), key: "guest_page.locked" };
        return verify_page(&state, &ctx, &link, Some(&e));
    }
    let typed = match validate_last4(&i.last4) {
        Ok(t) => t,
        Err(e) => return verify_page(&state, &ctx, &link, Some(&e.into())),
    };
    if !second_factor_ok(&link.doc_number, &typed) {
        let (failures, until) = after_failure(link.failures, now);
        guest_links::failed(&state.db, link.id, failures, until).await?;
        let key = if until.is_some() { "guest_page.locked" } else { "guest_page.wrong" };
        let e = WebError::Rule { field: Some("last4".into()), key };
        return verify_page(&state, &ctx, &link, Some(&e));
    }
    let device = random_token();
    guest_links::add_device(&state.db, link.id, link.stay_id, &device).await?;
    let cookie =
        cookies::set(DEVICE, &device, Some(COOKIE_AGE), state.config.secure_cookies, false);
    Ok(with_cookie(Redirect::to("/g"), &cookie))
}

/// `POST /g/health` (`temperature`, `symptom` repeated): the guest's own reading of this slot.
pub async fn report(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    FormBody(pairs): FormBody<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    throttle(&state, &ctx)?;
    let link = match writable(&state, &ctx, &headers).await? {
        Ok(link) => link,
        Err(page) => return Ok(page),
    };
    let f = RecordForm::from_pairs(pairs);
    let input =
        HealthCheckInput { temperature: f.temperature, symptoms: f.symptoms, note: String::new() };
    let check = match validate_health_check(&input) {
        Ok(c) => c,
        Err(e) => return home(&state, &ctx, &link, None, Some(&e.into())).await,
    };
    let (day, slot) = slot_at(yizhan_store::db::now(), &state.config.slots);
    guest_links::self_report(&state.db, link.stay_id, day, slot, &check).await?;
    let tr = ctx.tr();
    // A fever says so whether it opened the alert or one was open already.
    let said = match yizhan_core::station::health::raises_alert(check.temperature, &check.symptoms)
    {
        Some(_) => ("danger", tr.t("guest_page.reported_alert").to_owned()),
        None => ("ok", tr.t("guest_page.reported").to_owned()),
    };
    home(&state, &ctx, &link, Some(said), None).await
}

pub(crate) fn test_line(tr: &Tr, t: &stays::StayTest) -> TestLine {
    use yizhan_core::station::sampling::TestResult;
    let (key, tone) = match (t.result, t.sampled_at.is_some()) {
        (Some(TestResult::Negative), _) => ("test.result.negative", "ok"),
        // A positive (and a sample to take again) is told by a person.
        (Some(_), _) => ("guest_page.test_told", "info"),
        (None, true) => ("test.sampled", "info"),
        (None, false) => ("test.not_sampled", "muted"),
    };
    TestLine { due: t.due_date.to_string(), word: tr.t(key).to_owned(), tone }
}

pub(crate) async fn home(
    state: &AppState,
    ctx: &Ctx,
    link: &GuestLink,
    said: Option<(&'static str, String)>,
    e: Option<&WebError>,
) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let now = yizhan_store::db::now();
    let (day, slot) = slot_at(now, &state.config.slots);
    let own = guest_links::self_reports(&state.db, link.stay_id).await?;
    let slot_word = format!("{} {}", day, tr.t(slot.label_key()));
    let reported = own
        .iter()
        .find(|r| r.day == day && r.slot == slot.as_str())
        .map(|r| reading(r.temperature, &r.symptoms, &tr));
    let history = own
        .iter()
        .take(6)
        .map(|r| {
            let slot = yizhan_core::station::health::Slot::parse(&r.slot)
                .map(|s| tr.t(s.label_key()).to_owned())
                .unwrap_or_default();
            format!("{} {slot} · {}", r.day, reading(r.temperature, &r.symptoms, &tr))
        })
        .collect();
    let open = link.state(now) == LinkState::Open;
    // After the release only the tests taken are worth reading.
    let tests = stays::tests(&state.db, link.stay_id)
        .await?
        .iter()
        .filter(|t| open || t.sampled_at.is_some())
        .map(|t| test_line(&tr, t))
        .collect();
    let page = HomePage {
        layout: Layout::new(state, ctx, "guest_page.title"),
        name: mask_name(&link.name),
        station: link.station.clone(),
        room: link.room_number.clone(),
        day: stay_day(link.checked_in_at, now),
        release: match link.ended_at {
            Some(at) => yizhan_core::time::local_date(at).to_string(),
            None => link.planned_release.to_string(),
        },
        slot_word,
        reported,
        symptoms: symptom_options(&tr),
        tests,
        history,
        said,
        refused: Refused::of(e, &tr),
        kinds: yizhan_core::station::guest_request::RequestKind::ALL
            .iter()
            .map(|k| (k.as_str(), tr.t(k.label_key()).to_owned()))
            .collect(),
        requests: request_lines(
            &tr,
            &yizhan_store::station::guest_requests::of_stay(&state.db, link.stay_id).await?,
            now,
        ),
        links: crate::care::relative_links::link_lines(
            &tr,
            &yizhan_store::care::relative_links::of_stay(&state.db, link.stay_id).await?,
            now,
        ),
        links_revoke: "/g/relatives/revoke",
        open,
        notice: link.guest_notice.clone(),
    };
    render::form_page(&page, e)
}

/// `POST /g/requests` (`kind`, `text`): a request to the station, routed to its working group.
pub async fn request(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    FormBody(i): FormBody<yizhan_core::station::guest_request::RequestInput>,
) -> Result<Response, WebError> {
    throttle(&state, &ctx)?;
    let link = match writable(&state, &ctx, &headers).await? {
        Ok(link) => link,
        Err(page) => return Ok(page),
    };
    let r = match yizhan_core::station::guest_request::validate_request(&i) {
        Ok(r) => r,
        Err(e) => return home(&state, &ctx, &link, None, Some(&e.into())).await,
    };
    yizhan_store::station::guest_requests::create(&state.db, link.stay_id, &r).await?;
    let said = ("ok", ctx.tr().t("guest_page.request_sent").to_owned());
    home(&state, &ctx, &link, Some(said), None).await
}

/// `GET /g/certificate`: a released guest's own certificate (解除隔离证明) to keep or print, for a
/// week after the release. Holds the full name and document: the guest proved themselves with
/// the second factor, and the download is audited.
pub async fn certificate(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    throttle(&state, &ctx)?;
    let link = match proven(&state, &ctx, &headers).await? {
        Ok(link) => link,
        Err(page) => return Ok(page),
    };
    if link.state(yizhan_store::db::now()) != LinkState::Released {
        return Err(WebError::NotFound);
    }
    let c = stays::certificate_of(&state.db, link.stay_id).await?.ok_or(WebError::NotFound)?;
    let s = stays::get(&state.db, link.stay_id).await?;
    yizhan_store::admin::audit::record(
        &state.db,
        &guest_links::guest_actor(link.stay_id),
        yizhan_store::admin::audit::Entry::new("certificate.download", "stay", link.stay_id),
    )
    .await?;
    let layout = Layout::new(&state, &ctx, "certificate.title");
    let page =
        crate::station::certificates::certificate_page(&state, &ctx, &headers, &s, c, layout)
            .await?;
    Ok(([(axum::http::header::CACHE_CONTROL, "no-store")], page).into_response())
}
