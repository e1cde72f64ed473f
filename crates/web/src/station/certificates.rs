//! Release certificates (解除隔离证明): printable, numbered, with a QR link anyone can open to
//! check that the number is real (the public page shows no personal data beyond a masked name).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use yizhan_core::access::{Actor, Permission};
use yizhan_core::mask::mask_name;
use yizhan_core::station::release::code_matches;
use yizhan_core::time::{local_date, local_display};
use yizhan_store::admin::audit::{self, Entry};
use yizhan_store::{station::guests, station::stations, station::stays};

use crate::auth::Ctx;
use crate::auth::limits::Purpose;
use crate::error::WebError;
use crate::kit::extract::{Id, Query};
use crate::kit::layout::Layout;
use crate::kit::render;
use crate::state::AppState;
use crate::station::rooms::{origin, qr_svg};
use crate::station::stays::visible_stay;

#[derive(Template)]
#[template(path = "certificates/show.html")]
struct CertificatePage {
    layout: Layout,
    number: String,
    code: String,
    /// The holder's own paper: full name and document number (masked only on the public check).
    name: String,
    doc_type: String,
    doc: String,
    station: String,
    body: String,
    checked_in: String,
    released: String,
    days: i64,
    issued_on: String,
    qr: String,
}

/// A date as a certificate writes it (2026年12月04日).
fn written_date(tr: &crate::i18n::Tr, d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    tr.f(
        "certificate.date",
        &[
            ("y", &d.year().to_string()),
            ("m", &format!("{:02}", d.month())),
            ("d", &format!("{:02}", d.day())),
        ],
    )
}

/// `GET /stays/{id}/certificate`.
/// The certificate shows the holder's full name and document number: opening it is a reveal,
/// audited like any other.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Id(id): Id,
) -> Result<Response, WebError> {
    let s = visible_stay(&state, &ctx, id, Permission::GuestsRead).await?;
    let c = stays::certificate_of(&state.db, id).await?.ok_or(WebError::NotFound)?;
    audit::record(
        &state.db,
        &Actor::from(ctx.user()?),
        Entry::new("guest.reveal", "guest", s.guest_id)
            .detail(serde_json::json!({"why": "certificate", "stay": id})),
    )
    .await?;
    let layout = Layout::about(&state, &ctx, "certificate.title", Some(s.station_id));
    certificate_page(&state, &ctx, &headers, &s, c, layout).await
}

/// The certificate of stay `s`, as staff print it and the released guest downloads it.
pub(crate) async fn certificate_page(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    s: &stays::Stay,
    c: stays::Certificate,
    layout: Layout,
) -> Result<Response, WebError> {
    let g = guests::get(&state.db, s.guest_id).await?;
    let station = stations::get(&state.db, s.station_id).await?;
    let tr = ctx.tr();
    let url = format!("{}/verify/{}?c={}", origin(state, headers), c.number, c.code);
    let from = local_date(s.checked_in_at);
    let to = s.ended_at.map(local_date).unwrap_or(from);
    let doc_type = crate::station::guests::doc_label(&tr, g.doc_type);
    let body = tr.f(
        "certificate.body",
        &[
            ("name", &g.name),
            ("doc_type", &doc_type),
            ("doc", &g.doc_number),
            ("from", &written_date(&tr, from)),
            ("station", &station.name),
            ("to", &written_date(&tr, to)),
        ],
    );
    render::page(&CertificatePage {
        layout,
        name: g.name,
        doc_type,
        doc: g.doc_number,
        station: station.name,
        body,
        checked_in: local_display(s.checked_in_at),
        released: s.ended_at.map(local_display).unwrap_or_default(),
        days: (to - from).num_days(),
        issued_on: written_date(&tr, local_date(c.issued_at)),
        qr: qr_svg(&url)?,
        number: c.number,
        code: c.code,
    })
}

#[derive(Template)]
#[template(path = "certificates/verify.html")]
struct VerifyPage {
    layout: Layout,
    valid: bool,
    number: String,
    name: String,
    station: String,
    checked_in: String,
    released: String,
}

#[derive(Deserialize)]
pub struct VerifyQuery {
    c: Option<String>,
}

/// `GET /verify/{number}`.
/// Public: is this certificate real? Answers with as little as proves it. The number and its
/// random code must both match; a wrong code and an unknown number get the same page, and a
/// client checking more than a person would is slowed (`Purpose::Verify`).
pub async fn verify(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Query(q): Query<VerifyQuery>,
) -> Result<Response, WebError> {
    if !state.limits.allow(Purpose::Verify, ctx.client) {
        return Err(WebError::Throttled);
    }
    let found = match stays::certificate_by_number(&state.db, &number).await? {
        Some(c) if q.c.as_deref().is_some_and(|given| code_matches(&c.code, given)) => Some(c),
        _ => None,
    };
    let mut page = VerifyPage {
        layout: Layout::new(&state, &ctx, "certificate.verify"),
        valid: false,
        number: number.chars().take(40).collect(),
        name: String::new(),
        station: String::new(),
        checked_in: String::new(),
        released: String::new(),
    };
    if let Some(c) = found {
        let s = stays::get(&state.db, c.stay_id).await?;
        let g = guests::get(&state.db, s.guest_id).await?;
        page.valid = true;
        page.name = mask_name(&g.name);
        page.station = stations::get(&state.db, s.station_id).await?.name;
        // Dates only: enough to match the paper, no more.
        page.checked_in = local_date(s.checked_in_at).to_string();
        page.released = s.ended_at.map(|t| local_date(t).to_string()).unwrap_or_default();
    }
    render::page(&page)
}
