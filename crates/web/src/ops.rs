//! Operations endpoints: health and metrics.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use yizhan_core::admin::account::same_secret;

use crate::state::AppState;

/// 200 when the database answers, 503 otherwise (for load balancers).
pub async fn healthz(State(state): State<AppState>) -> Response {
    match yizhan_store::maintenance::ping(&state.db).await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
        }
    }
}

/// The metrics on the application's own address: only with `Authorization: Bearer` and the
/// configured `--metrics-token`; without one configured, or with a wrong one, the route does
/// not exist (404). Route names and counts tell an outsider what is used and when.
pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let sent = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match (&state.config.metrics_token, sent) {
        (Some(token), Some(sent)) if same_secret(token, sent.trim()) => metrics_text(&state),
        _ => crate::error::WebError::NotFound.into_response(),
    }
}

fn metrics_text(state: &AppState) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics.render()).into_response()
}

/// The router of `--metrics-listen`: the metrics alone, unauthenticated, on an address only
/// the monitoring network reaches.
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route(
            "/metrics",
            axum::routing::get(|State(s): State<AppState>| async move { metrics_text(&s) }),
        )
        .with_state(state)
}
