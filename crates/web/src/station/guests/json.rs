//! Guests and stays. Guests are masked unless revealed (and every reveal is audited).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use yizhan_core::access::{Actor, Permission};
use yizhan_core::error::OnField;
use yizhan_core::station::guest::{GuestInput, parse_flag};
use yizhan_store::admin::audit::{self, Entry};
use yizhan_store::station::guests;

use crate::auth::Ctx;
use crate::error::WebError;
use crate::kit::extract::{Id, Query, RawBody, json_from};
use crate::kit::listing::json_page;
use crate::kit::pager::{PER_PAGE, Pager, page_of};
use crate::kit::today;
use crate::state::AppState;
use crate::station::guests::{GuestView, register, save, visible_guest};
use crate::station::stations::visible;

#[derive(Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    /// A flag as forms send it (`true`/`false`, `1`/`0`, `on`/`off`); anything else is a 422 on
    /// `all`.
    #[serde(default)]
    all: String,
    page: Option<String>,
}

/// `GET /api/v1/stations/{id}/guests?q=&all=&page=`: 50 a page as the page lists them (those in
/// a stay by room), paged in SQL; the total in `X-Total-Count`, the neighbours in `Link`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    visible(&state, &ctx, id, Permission::GuestsRead).await?;
    let p = ctx.user()?;
    let all = parse_flag(&q.all).on("all")?;
    let page = page_of(q.page.as_deref())?;
    let f = guests::GuestFilter { search: q.q.as_deref(), only_in_stay: !all };
    let total = guests::count(&state.db, id, &f).await?;
    let found = guests::page(&state.db, id, &f, PER_PAGE, Pager::offset(page)).await?;
    let rows: Vec<GuestView> = found.iter().map(|g| GuestView::of(g, p, false, today())).collect();
    let search = q.q.clone().unwrap_or_default();
    let params = [("q", search.as_str()), ("all", if all { "true" } else { "" })];
    let path = format!("/api/v1/stations/{id}/guests");
    Ok(json_page(&rows, &Pager::new(&ctx.tr(), &path, &params, page, total)))
}

/// `POST /api/v1/stations/{id}/guests`.
/// 201 with the new guest, or 409 naming the existing guest with that document.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Response, WebError> {
    visible(&state, &ctx, id, Permission::GuestsWrite).await?;
    let i: GuestInput = json_from(&body)?;
    let p = ctx.user()?;
    match register(&state, &ctx, id, &i).await? {
        Ok(g) => {
            Ok((StatusCode::CREATED, Json(GuestView::of(&g, p, false, today()))).into_response())
        }
        Err(existing) => {
            let e = WebError::Rule { field: Some("doc_number".into()), key: "error.guest_exists" };
            let body = json!({
                "error": { "code": "conflict", "message": e.message(&ctx.tr()), "field": "doc_number" },
                "existing": GuestView::of(&existing, p, false, today()),
            });
            Ok((StatusCode::CONFLICT, Json(body)).into_response())
        }
    }
}

/// `GET /api/v1/guests/{id}`.
pub async fn get(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<GuestView>, WebError> {
    let g = visible_guest(&state, &ctx, id, Permission::GuestsRead).await?;
    Ok(Json(GuestView::of(&g, ctx.user()?, false, today())))
}

/// `PUT /api/v1/guests/{id}`.
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Json<GuestView>, WebError> {
    let g = visible_guest(&state, &ctx, id, Permission::GuestsWrite).await?;
    let i: GuestInput = json_from(&body)?;
    let g = save(&state, &ctx, &g, &i).await?;
    Ok(Json(GuestView::of(&g, ctx.user()?, false, today())))
}

/// `POST /api/v1/guests/{id}/reveal`.
/// The full document number and phones, once; the reveal is in the audit log.
pub async fn reveal(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<GuestView>, WebError> {
    let g = visible_guest(&state, &ctx, id, Permission::PiiReveal).await?;
    audit::record(&state.db, &Actor::from(ctx.user()?), Entry::new("guest.reveal", "guest", id))
        .await?;
    Ok(Json(GuestView::of(&g, ctx.user()?, true, today())))
}
