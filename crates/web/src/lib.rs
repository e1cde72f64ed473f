//! Yizhan's web layer: routes, pages, JSON API, authentication and authorization, i18n, assets.
//!
//! Request path: security headers → metrics/log → context (session, language, CSRF) → the
//! route's policy (`policy::enforce`) → handler → domain (yizhan-core) → store (yizhan-store).

pub mod admin;
pub mod api;
pub mod assets;
pub mod auth;
pub mod board;
pub mod care;
pub mod command;
pub mod error;
pub mod i18n;
pub mod jobs;
pub mod kit;
pub mod metrics;
pub mod notify;
pub mod ops;
pub mod policy;
pub mod security;
pub mod state;
pub mod station;
pub mod work;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use yizhan_store::Db;

use crate::error::WebError;
use crate::policy::{Policy, RouteInfo, Routes};
pub use crate::state::{AppState, WebConfig};

/// Every route of the application, each with its policy.
pub fn routes(state: AppState) -> (Router<AppState>, Vec<RouteInfo>) {
    use Policy::*;
    Routes::new(state)
        // operations, assets and the API document
        .get("/healthz", Public, ops::healthz)
        .get("/metrics", Public, ops::metrics)
        .get("/assets/{name}", Public, assets::serve)
        .get("/api/v1/openapi.json", Public, api::openapi::serve)
        .get("/api/docs", Public, api::docs::page)
        .then(admin::routes::add)
        .then(station::routes::add)
        .then(board::routes::add)
        .then(care::routes::add)
        .then(command::routes::add)
        .then(work::routes::add)
        .finish()
}

async fn not_found() -> WebError {
    WebError::NotFound
}

/// The whole application for a database.
pub fn app(db: Db, config: WebConfig) -> Router {
    build(db, config).0
}

/// The application and its route table (for tests and the OpenAPI document).
pub fn build(db: Db, config: WebConfig) -> (Router, Arc<Vec<RouteInfo>>) {
    let (router, table, _) = build_with_state(db, config);
    (router, table)
}

/// The application and the state it runs on (benchmarks call domain functions beside it).
pub fn build_with_state(db: Db, config: WebConfig) -> (Router, Arc<Vec<RouteInfo>>, AppState) {
    let changes = board::watch_changes(db.clone());
    let state = AppState {
        db,
        config: Arc::new(config),
        hasher: Default::default(),
        metrics: Default::default(),
        routes: Arc::new(Vec::new()),
        changes,
        snapshots: Default::default(),
        limits: Default::default(),
        refusals: Default::default(),
        district_work: Default::default(),
        district_work_turn: Default::default(),
    };
    let (router, info) = routes(state.clone());
    let state = AppState { routes: Arc::new(info), ..state };
    let table = state.routes.clone();
    let router = router
        .fallback(not_found)
        .layer(from_fn_with_state(state.clone(), auth::context::context))
        .layer(DefaultBodyLimit::max(state.config.body_limit))
        .layer(from_fn_with_state(state.clone(), metrics::track))
        .layer(from_fn(security::headers))
        .with_state(state.clone());
    (router, table, state)
}
