//! Change notification. Each node polls the audit log's newest sequence number (one indexed
//! query every 250 ms) and wakes its board streams when it moves. Every write in Yizhan appends
//! to the audit log in the same transaction, so this sees changes made through any node, on
//! SQLite and PostgreSQL alike, without LISTEN/NOTIFY.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream};
use tokio::sync::watch;
use yizhan_store::Db;

use crate::auth::Ctx;
use crate::board::tokens::board_access;
use crate::error::WebError;
use crate::kit::extract::Id;
use crate::state::AppState;

pub const POLL: Duration = Duration::from_millis(250);

/// Starts the poller; it stops by itself once every receiver (every app state) is gone.
pub fn watch_changes(db: Db) -> watch::Receiver<i64> {
    let (tx, rx) = watch::channel(0);
    tokio::spawn(async move {
        let mut last = -1;
        loop {
            if tx.is_closed() {
                break;
            }
            match yizhan_store::station::board::change_marker(&db).await {
                Ok(seq) if seq != last => {
                    last = seq;
                    let _ = tx.send(seq);
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "board change poll failed"),
            }
            tokio::time::sleep(POLL).await;
        }
    });
    rx
}

/// `event: change` whenever anything changed (the page then fetches a fresh snapshot), and a
/// keep-alive comment every 10 s so the page knows the line is up.
fn changes(rx: watch::Receiver<i64>) -> impl Stream<Item = Result<Event, Infallible>> {
    let event = |seq: i64| Ok(Event::default().event("change").data(seq.to_string()));
    stream::unfold((rx, true), move |(mut rx, first)| async move {
        if !first && rx.changed().await.is_err() {
            return None;
        }
        let seq = *rx.borrow_and_update();
        Some((event(seq), (rx, false)))
    })
}

/// `GET /board/{id}/events`.
pub async fn events(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Id(id): Id,
) -> Result<Response, WebError> {
    board_access(&state, &ctx, &headers, Some(id)).await?;
    Ok(stream(&state))
}

/// The change stream as a response.
pub fn stream(state: &AppState) -> Response {
    let mut resp = Sse::new(changes(state.changes.clone()))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(10)).text("ping"))
        .into_response();
    // Proxies must not buffer the stream.
    resp.headers_mut().insert("x-accel-buffering", axum::http::HeaderValue::from_static("no"));
    resp
}
