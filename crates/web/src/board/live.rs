//! Change notification. Every write in Yizhan appends to the audit log in its transaction; each
//! node reads the log's newest sequence number when woken — at a commit of this process, at a
//! commit of another node (PostgreSQL `LISTEN/NOTIFY`, `store::changes`) or every 250 ms
//! should a wake-up be lost — and wakes its board streams when it moved.

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

/// Starts the watcher; it stops by itself once every receiver (every app state) is gone.
pub fn watch_changes(db: Db) -> watch::Receiver<i64> {
    let (tx, rx) = watch::channel(0);
    tokio::spawn(async move {
        let relay = yizhan_store::changes::relay(&db);
        let mut last = -1;
        loop {
            if tx.is_closed() {
                break;
            }
            let woken = db.commits().notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            match yizhan_store::station::board::change_marker(&db).await {
                Ok(seq) if seq != last => {
                    last = seq;
                    let _ = tx.send(seq);
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "board change poll failed"),
            }
            tokio::select! {
                () = &mut woken => {}
                () = tokio::time::sleep(POLL) => {}
            }
        }
        if let Some(r) = relay {
            r.abort();
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
