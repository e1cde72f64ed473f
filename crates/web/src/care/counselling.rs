//! Counselling (心理咨询) of one stay: the counsellor's page with the confidential notes. Every
//! handler here needs `CounselNotes`, which only counsellors hold; everyone else sees the
//! summary (time, counsellor, risk) on the guest page and in key attention.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use yizhan_core::access::{Actor, Permission};
use yizhan_core::care::counselling::{Risk, SessionInput, validate_session};
use yizhan_core::mask::mask_name;
use yizhan_core::time::local_display;
use yizhan_store::care::counselling::{self, Session};
use yizhan_store::station::stays::Stay;

use crate::auth::Ctx;
use crate::error::WebError;
use crate::kit::extract::{FormBody, Id, RawBody, json_form};
use crate::kit::layout::Layout;
use crate::kit::render;
use crate::state::AppState;
use crate::station::stays::visible_stay;

pub struct SessionRow {
    pub s: Session,
    pub at: String,
    pub risk: String,
}

#[derive(Template)]
#[template(path = "counselling/show.html")]
struct ShowPage {
    layout: Layout,
    stay: Stay,
    name: String,
    sessions: Vec<SessionRow>,
    f: SessionInput,
    risks: Vec<(&'static str, String)>,
    error: Option<String>,
}

async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    stay: Stay,
    f: SessionInput,
    e: Option<&WebError>,
) -> Result<ShowPage, WebError> {
    let tr = ctx.tr();
    let g = yizhan_store::station::guests::get(&state.db, stay.guest_id).await?;
    let sessions = counselling::with_notes(&state.db, stay.id)
        .await?
        .into_iter()
        .map(|s| SessionRow {
            at: local_display(s.held_at),
            risk: tr.t(s.risk.label_key()).to_owned(),
            s,
        })
        .collect();
    Ok(ShowPage {
        layout: Layout::new(state, ctx, "counselling.title"),
        name: mask_name(&g.name),
        stay,
        sessions,
        f,
        risks: Risk::ALL.iter().map(|r| (r.as_str(), tr.t(r.label_key()).to_owned())).collect(),
        error: e.map(|e| e.message(&tr)),
    })
}

fn blank() -> SessionInput {
    SessionInput {
        held_at: yizhan_core::time::local_format(yizhan_store::db::now(), "%Y-%m-%dT%H:%M"),
        minutes: "30".into(),
        risk: "low".into(),
        notes: String::new(),
    }
}

/// `GET /stays/{id}/counselling`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let stay = visible_stay(&state, &ctx, id, Permission::CounselNotes).await?;
    render::page(&show_page(&state, &ctx, stay, blank(), None).await?)
}

async fn record_for(
    state: &AppState,
    ctx: &Ctx,
    stay: &Stay,
    f: &SessionInput,
) -> Result<i64, WebError> {
    let s = validate_session(f, yizhan_store::db::now())?;
    Ok(counselling::record(&state.db, &Actor::from(ctx.user()?), stay.station_id, stay.id, &s)
        .await?)
}

/// `POST /stays/{id}/counselling`.
pub async fn record(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<SessionInput>,
) -> Result<Response, WebError> {
    let stay = visible_stay(&state, &ctx, id, Permission::CounselNotes).await?;
    match record_for(&state, &ctx, &stay, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/stays/{id}/counselling")).into_response()),
        Err(e) if e.is_correctable() => {
            let page = show_page(&state, &ctx, stay, f, Some(&e)).await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `GET /api/v1/stays/{id}/counselling`: sessions with notes, counsellors only.
pub async fn api_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<Vec<Session>>, WebError> {
    visible_stay(&state, &ctx, id, Permission::CounselNotes).await?;
    Ok(Json(counselling::with_notes(&state.db, id).await?))
}

/// `POST /api/v1/stays/{id}/counselling`.
pub async fn api_record(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Response, WebError> {
    let stay = visible_stay(&state, &ctx, id, Permission::CounselNotes).await?;
    let f: SessionInput = json_form(&body)?;
    let id = record_for(&state, &ctx, &stay, &f).await?;
    Ok(crate::kit::created(id))
}
