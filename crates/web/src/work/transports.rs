//! Special trains (返岗专列) and chartered buses (点对点包车): the vehicles, their manifests
//! (never more people than seats), the pickup plan at arrival, printable.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use yizhan_core::access::{Actor, Permission};
use yizhan_core::error::OnField;
use yizhan_core::mask::mask_id_number;
use yizhan_core::work::transport::{TransportInput, TransportKind, validate_transport};
use yizhan_store::work::transports::{self, Passenger, Transport};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::kit::extract::{FormBody, Id, RawBody, json_form};
use crate::kit::layout::Layout;
use crate::kit::listing::{ListQuery, Listing, listing};
use crate::kit::options;
use crate::kit::render;
use crate::policy::deny;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "transports/list.html")]
struct ListPage {
    layout: Layout,
    list: Listing<(Transport, String)>,
    can_manage: bool,
    kinds: Vec<(&'static str, String)>,
    f: TransportInput,
    error: Option<String>,
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    f: TransportInput,
    e: Option<&WebError>,
    query: &ListQuery,
) -> Result<ListPage, WebError> {
    let tr = ctx.tr();
    let rows = transports::list(&state.db)
        .await?
        .into_iter()
        .map(|t| {
            let k = tr.t(t.kind.label_key()).to_owned();
            (t, k)
        })
        .collect();
    Ok(ListPage {
        layout: Layout::new(state, ctx, "transport.title"),
        list: listing(
            &tr,
            "/transports",
            &[],
            query,
            rows,
            |(t, k)| vec![t.name.as_str(), t.origin.as_str(), t.arrival_place.as_str(), k],
            &[
                ("name", |a, b| a.0.name.cmp(&b.0.name)),
                ("departs_on", |a, b| a.0.departs_on.cmp(&b.0.departs_on)),
                ("booked", |a, b| a.0.booked.cmp(&b.0.booked)),
            ],
        )?,
        can_manage: ctx.user()?.has(Permission::TransportManage),
        kinds: options(&tr, TransportKind::ALL, TransportKind::as_str, TransportKind::label_key),
        f,
        error: e.map(|e| e.message(&tr)),
    })
}

/// `GET /transports`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let f = TransportInput { kind: "train".into(), ..Default::default() };
    render::page(&list_page(&state, &ctx, f, None, &query).await?)
}

/// `POST /transports`.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    FormBody(f): FormBody<TransportInput>,
) -> Result<Response, WebError> {
    let result = async {
        let t = validate_transport(&f, yizhan_store::db::now())?;
        Ok::<_, WebError>(transports::create(&state.db, &Actor::from(ctx.user()?), &t).await?)
    }
    .await;
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/transports/{id}")).into_response()),
        Err(e) if e.is_correctable() => {
            let page = list_page(&state, &ctx, f, Some(&e), &ListQuery::default()).await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// One employer's pickup at arrival: who collects how many, and whom.
pub struct Pickup {
    pub enterprise: String,
    pub seats: Vec<i64>,
}

#[derive(Template)]
#[template(path = "transports/show.html")]
struct ShowPage {
    layout: Layout,
    t: Transport,
    kind: String,
    arrives: String,
    passengers: Vec<Passenger>,
    pickups: Vec<Pickup>,
    can_manage: bool,
    error: Option<String>,
}

async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    e: Option<&WebError>,
) -> Result<ShowPage, WebError> {
    let tr = ctx.tr();
    let t = transports::get(&state.db, id).await?;
    let mut passengers = transports::manifest(&state.db, id).await?;
    for p in &mut passengers {
        p.id_number = mask_id_number(&p.id_number);
        p.phone = yizhan_core::mask::mask_phone(&p.phone);
    }
    let mut pickups: Vec<Pickup> = Vec::new();
    for p in &passengers {
        match pickups.iter_mut().find(|x| x.enterprise == p.enterprise) {
            Some(x) => x.seats.push(p.seat_no),
            None => {
                pickups.push(Pickup { enterprise: p.enterprise.clone(), seats: vec![p.seat_no] })
            }
        }
    }
    Ok(ShowPage {
        layout: Layout::new(state, ctx, "transport.title"),
        kind: tr.t(t.kind.label_key()).to_owned(),
        arrives: t.arrives_at.map(yizhan_core::time::local_display).unwrap_or_default(),
        can_manage: ctx.user()?.has(Permission::TransportManage),
        error: e.map(|e| e.message(&tr)),
        passengers,
        pickups,
        t,
    })
}

/// `GET /transports/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    render::page(&show_page(&state, &ctx, id, None).await?)
}

#[derive(Deserialize, Default)]
pub struct BoardForm {
    /// The worker by ID number (a clerk types it) …
    #[serde(default)]
    id_number: String,
    /// … or by id (the API).
    #[serde(default)]
    worker_id: String,
}

async fn board_one(state: &AppState, ctx: &Ctx, id: i64, f: &BoardForm) -> Result<i64, WebError> {
    let transport = transports::get(&state.db, id).await?;
    let worker = if f.worker_id.trim().is_empty() {
        let number = yizhan_core::validate::parse_id_card(
            &f.id_number,
            yizhan_core::time::local_date(yizhan_store::db::now()),
        )
        .on("id_number")?
        .number;
        yizhan_store::work::returning_workers::by_id_number(&state.db, &number).await?.ok_or(
            WebError::Rule {
                field: Some("id_number".into()),
                key: "error.transport_unknown_worker",
            },
        )?
    } else {
        let wid =
            yizhan_core::validate::parse_int(&f.worker_id, 1, i64::MAX, "1").on("worker_id")?;
        yizhan_store::work::returning_workers::get(&state.db, wid).await?
    };
    if !ctx.user()?.can(Permission::TransportManage, worker.target()) {
        return Err(deny(state, ctx, &format!("worker {}", worker.id), WebError::NotFound).await);
    }
    yizhan_core::work::transport::check_boarding(
        transport.departs_on,
        yizhan_core::time::local_date(yizhan_store::db::now()),
    )?;
    Ok(transports::board(&state.db, &Actor::from(ctx.user()?), id, worker.id).await?)
}

/// `POST /transports/{id}/manifest`: a worker onto the lowest free seat.
pub async fn board(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<BoardForm>,
) -> Result<Response, WebError> {
    match board_one(&state, &ctx, id, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/transports/{id}#manifest")).into_response()),
        Err(e) if e.is_correctable() => {
            let page = show_page(&state, &ctx, id, Some(&e)).await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `POST /api/v1/transports/{id}/manifest` `{"worker_id": 12}` → 201 `{"id": seat}`; 422 when
/// full or the worker is already on board.
pub async fn api_board(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Response, WebError> {
    let f: BoardForm = json_form(&body)?;
    Ok(crate::kit::created(board_one(&state, &ctx, id, &f).await?))
}
