//! Yizhan's web layer: routes, pages, JSON API, authentication and authorization, i18n, assets.
//!
//! Request path: security headers → metrics/log → context (session, language, CSRF) → the
//! route's policy (`policy::enforce`) → handler → domain (yizhan-core) → store (yizhan-store).

pub mod api;
pub mod assets;
pub mod auth;
pub mod board;
mod care_routes;
mod command_routes;
pub mod daily_report;
pub mod docx;
mod work_routes;

pub mod error;
pub mod export;
pub mod extract;
pub mod i18n;
pub mod import_job;
pub mod kit;
pub mod metrics;
pub mod ops;
pub mod pages;
pub mod photo;
pub mod policy;
pub mod render;
pub mod security;
pub mod sheet;
pub mod state;
pub mod upload;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use yizhan_core::access::Permission;
use yizhan_store::Db;

use crate::error::WebError;
use crate::policy::{Policy, RouteInfo, Routes};
pub use crate::state::{AppState, WebConfig};

/// Every route of the application, each with its policy.
pub fn routes(state: AppState) -> (Router<AppState>, Vec<RouteInfo>) {
    use Permission::*;
    use Policy::*;
    Routes::new(state)
        // operations and assets
        .get("/healthz", Public, ops::healthz)
        .get("/metrics", Public, ops::metrics)
        .get("/assets/{name}", Public, assets::serve)
        // sign-in and account
        .get("/login", Public, pages::login::form)
        .post("/login", Public, pages::login::submit)
        .post("/logout", Pending, pages::login::logout)
        .post("/lang", Public, pages::login::set_lang)
        .get("/account/password", Pending, pages::account::form)
        .post("/account/password", Pending, pages::account::submit)
        .get("/", Login, pages::home::show)
        // stations
        .get("/stations", Perm(StationsRead), pages::stations::list)
        .get("/stations/new", Perm(StationsWrite), pages::stations::new_form)
        .get("/stations/export.xlsx", Perm(StationsRead), pages::stations::export)
        .post("/stations", Perm(StationsWrite), pages::stations::create)
        .get("/stations/{id}", Perm(StationsRead), pages::stations::show)
        .get("/stations/{id}/edit", Perm(StationsWrite), pages::stations::edit_form)
        .post("/stations/{id}", Perm(StationsWrite), pages::stations::update)
        // rooms
        .get("/stations/{id}/rooms", Perm(StationsRead), pages::rooms::grid)
        .get("/stations/{id}/rooms/export.xlsx", Perm(StationsRead), pages::rooms::export)
        .get("/stations/{id}/rooms/new", Perm(RoomsManage), pages::rooms::new_form)
        .post("/stations/{id}/rooms", Perm(RoomsManage), pages::rooms::create)
        .post("/stations/{id}/rooms/bulk", Perm(RoomsManage), pages::rooms::create_bulk)
        .get("/rooms/{id}", Perm(StationsRead), pages::rooms::show)
        .get("/rooms/{id}/qr.svg", Perm(StationsRead), pages::rooms::qr)
        .get("/rooms/{id}/edit", Perm(RoomsManage), pages::rooms::edit_form)
        .post("/rooms/{id}", Perm(RoomsManage), pages::rooms::update)
        .post("/rooms/{id}/state", Perm(RoomsOperate), pages::rooms::set_state)
        // guests and stays
        .get("/stations/{id}/guests", Perm(GuestsRead), pages::guests::list)
        .get("/stations/{id}/guests/export.xlsx", Perm(GuestsRead), pages::guests::export)
        .get("/stations/{id}/guests/new", Perm(GuestsWrite), pages::guests::new_form)
        .post("/stations/{id}/guests", Perm(GuestsWrite), pages::guests::create)
        .get("/guests/{id}", Perm(GuestsRead), pages::guests::show)
        .get("/guests/{id}/edit", Perm(GuestsWrite), pages::guests::edit_form)
        .post("/guests/{id}", Perm(GuestsWrite), pages::guests::update)
        .post("/guests/{id}/reveal", Perm(PiiReveal), pages::guests::reveal)
        .post("/guests/{id}/relatives", Perm(GuestsWrite), pages::guests::add_relative)
        .post("/guests/{id}/relatives/delete", Perm(GuestsWrite), pages::guests::remove_relative)
        .post("/guests/{id}/check-in", Perm(GuestsWrite), pages::stays::check_in)
        .post("/stays/{id}/move", Perm(GuestsWrite), pages::stays::move_room)
        .post("/stays/{id}/check-out", Perm(GuestsRead), pages::stays::check_out)
        // health round, tests, key attention, certificates
        .get("/stations/{id}/stays/export.xlsx", Perm(GuestsRead), pages::exports::stays_xlsx)
        .get("/stations/{id}/health/export.xlsx", Perm(GuestsRead), pages::exports::health_xlsx)
        .get("/stations/{id}/round", Perm(HealthRecord), pages::health::round)
        .post("/stays/{id}/health", Perm(HealthRecord), pages::health::record)
        .get("/stations/{id}/tests", Perm(GuestsRead), pages::nat::due)
        .post("/stations/{id}/tests/import", Perm(TestsRecord), pages::nat::import)
        .post("/tests/{id}/sample", Perm(TestsRecord), pages::nat::sample)
        .post("/tests/{id}/result", Perm(TestsRecord), pages::nat::result)
        .get("/stations/{id}/attention", Perm(GuestsRead), pages::attention::list)
        .post("/alerts/{id}/close", Perm(AlertsClose), pages::attention::close_alert)
        .post("/stays/{id}/flags", Perm(AttentionManage), pages::attention::flag)
        .post("/flags/{id}/close", Perm(AttentionManage), pages::attention::close_flag)
        .post("/stays/{id}/notes", Perm(AttentionManage), pages::attention::add_note)
        .get("/stays/{id}/certificate", Perm(GuestsRead), pages::certificates::show)
        .get("/verify/{number}", Public, pages::certificates::verify)
        .get("/policies", Login, pages::policies::list)
        .post("/policies", Perm(PoliciesManage), pages::policies::create)
        // wall board
        .get("/board/district", Board, board::district::show)
        .get("/board/district/events", Board, board::district::events)
        .get("/board/{id}", Board, board::page::show)
        .get("/board/{id}/events", Board, board::live::events)
        .get("/stations/{id}/boards", Perm(BoardsManage), board::tokens::list)
        .post("/stations/{id}/boards", Perm(BoardsManage), board::tokens::create)
        .post("/boards/{id}/revoke", Perm(BoardsManage), board::tokens::revoke)
        // administration
        .get("/admin/users", Perm(UsersManage), pages::users::list)
        .get("/admin/users/new", Perm(UsersManage), pages::users::new_form)
        .get("/admin/users/export.xlsx", Perm(UsersManage), pages::users::export)
        .post("/admin/users", Perm(UsersManage), pages::users::create)
        .get("/admin/users/{id}", Perm(UsersManage), pages::users::edit_form)
        .post("/admin/users/{id}", Perm(UsersManage), pages::users::update)
        .post("/admin/users/{id}/password", Perm(UsersManage), pages::users::reset_password)
        .get("/admin/audit", Perm(AuditRead), pages::audit::list)
        // JSON API
        .get("/api/v1/openapi.json", Public, api::openapi::serve)
        .get("/api/v1/session", Public, api::account::session)
        .post("/api/v1/session", Public, api::account::login)
        .delete("/api/v1/session", Pending, api::account::logout)
        .post("/api/v1/account/password", Pending, api::account::change_password)
        .get("/api/v1/streets", Perm(StationsRead), api::stations::streets)
        .get("/api/v1/stations", Perm(StationsRead), api::stations::list)
        .post("/api/v1/stations", Perm(StationsWrite), api::stations::create)
        .get("/api/v1/stations/{id}", Perm(StationsRead), api::stations::get)
        .put("/api/v1/stations/{id}", Perm(StationsWrite), api::stations::update)
        .get("/api/v1/stations/{id}/rooms", Perm(StationsRead), api::rooms::list)
        .post("/api/v1/stations/{id}/rooms", Perm(RoomsManage), api::rooms::create)
        .get("/api/v1/rooms/{id}", Perm(StationsRead), api::rooms::get)
        .put("/api/v1/rooms/{id}", Perm(RoomsManage), api::rooms::update)
        .post("/api/v1/rooms/{id}/state", Perm(RoomsOperate), api::rooms::set_state)
        .get("/api/v1/policies", Login, api::guests::policies)
        .get("/api/v1/stations/{id}/guests", Perm(GuestsRead), api::guests::list)
        .post("/api/v1/stations/{id}/guests", Perm(GuestsWrite), api::guests::create)
        .get("/api/v1/guests/{id}", Perm(GuestsRead), api::guests::get)
        .put("/api/v1/guests/{id}", Perm(GuestsWrite), api::guests::update)
        .post("/api/v1/guests/{id}/reveal", Perm(PiiReveal), api::guests::reveal)
        .post("/api/v1/guests/{id}/check-in", Perm(GuestsWrite), api::guests::check_in)
        .get("/api/v1/stays/{id}", Perm(GuestsRead), api::guests::get_stay)
        .post("/api/v1/stays/{id}/move", Perm(GuestsWrite), api::guests::move_room)
        .post("/api/v1/stays/{id}/check-out", Perm(GuestsRead), api::guests::check_out)
        .post("/api/v1/stays/{id}/health", Perm(HealthRecord), api::health::record)
        .get("/api/v1/stations/{id}/tests", Perm(GuestsRead), api::health::due)
        .post("/api/v1/stations/{id}/tests/results", Perm(TestsRecord), api::health::results)
        .post("/api/v1/tests/{id}/sample", Perm(TestsRecord), api::health::sample)
        .post("/api/v1/tests/{id}/result", Perm(TestsRecord), api::health::result)
        .get("/api/v1/stations/{id}/attention", Perm(GuestsRead), api::health::attention)
        .post("/api/v1/alerts/{id}/close", Perm(AlertsClose), api::health::close_alert)
        .get("/api/v1/stations/{id}/board", Board, board::snapshot::json)
        .get("/api/v1/district/board", Board, board::district::json)
        .get("/api/v1/stations/{id}/kpis", Perm(StationsRead), pages::kpis::api)
        .get("/api/v1/users", Perm(UsersManage), api::users::list)
        .post("/api/v1/users", Perm(UsersManage), api::users::create)
        .get("/api/v1/users/{id}", Perm(UsersManage), api::users::get)
        .put("/api/v1/users/{id}", Perm(UsersManage), api::users::update)
        .get("/api/v1/audit", Perm(AuditRead), api::users::audit_log)
        .then(care_routes::add)
        .then(command_routes::add)
        .then(work_routes::add)
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
