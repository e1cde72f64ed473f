//! Change notification. Every write in Yizhan appends to the audit log in its transaction; each
//! node reads the log's newest sequence number when woken — at a commit of this process, at a
//! commit of another node (PostgreSQL `LISTEN/NOTIFY`, `store::changes`) or every 250 ms
//! should a wake-up be lost — and, when it moved, every station's change mark (migration 0054).
//! A station's board stream wakes only when its station's mark moved: in a city, every write
//! woke every TV, and each one's fetch rebuilt a snapshot (issue 21).

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;
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

/// What the watcher saw last: the audit sequence (anything written) and each station's mark.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    pub seq: i64,
    pub marks: Arc<HashMap<i64, i64>>,
}

/// What a board is up to date with: its station's mark, or the whole sequence for the district
/// and for a station the marks do not know (yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    Mark(i64),
    Seq(i64),
}

impl Changes {
    pub fn version(&self, station: Option<i64>) -> Version {
        match station.and_then(|s| self.marks.get(&s)) {
            Some(m) => Version::Mark(*m),
            None => Version::Seq(self.seq),
        }
    }
}

/// Starts the watcher; it stops by itself once every receiver (every app state) is gone.
pub fn watch_changes(db: Db) -> watch::Receiver<Changes> {
    let (tx, rx) = watch::channel(Changes::default());
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
            match read(&db, last).await {
                Ok(Some(seen)) => {
                    last = seen.seq;
                    let _ = tx.send(seen);
                }
                Ok(None) => {}
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

/// The sequence and the marks when the sequence moved past `last`. The sequence is read first:
/// marks read after it are at least as new, and a write in between moves it again.
async fn read(db: &Db, last: i64) -> Result<Option<Changes>, yizhan_store::StoreError> {
    let seq = yizhan_store::station::board::change_marker(db).await?;
    if seq == last {
        return Ok(None);
    }
    let marks = yizhan_store::station::board::station_marks(db).await?;
    Ok(Some(Changes { seq, marks: Arc::new(marks.into_iter().collect()) }))
}

/// `event: change` whenever what `station` shows (the district: anything) changed — the page then
/// fetches a fresh snapshot — and a keep-alive comment every 10 s so the page knows the line is up.
fn changes(
    rx: watch::Receiver<Changes>,
    station: Option<i64>,
) -> impl Stream<Item = Result<Event, Infallible>> {
    let event = |seq: i64| Ok(Event::default().event("change").data(seq.to_string()));
    stream::unfold((rx, None), move |(mut rx, sent)| async move {
        loop {
            if sent.is_some() && rx.changed().await.is_err() {
                return None;
            }
            let now = rx.borrow_and_update().clone();
            let version = now.version(station);
            if sent != Some(version) {
                return Some((event(now.seq), (rx, Some(version))));
            }
        }
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
    Ok(stream(&state, Some(id)))
}

/// The change stream of a station's board, or of anything (`None`), as a response.
pub fn stream(state: &AppState, station: Option<i64>) -> Response {
    let mut resp = Sse::new(changes(state.changes.clone(), station))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(10)).text("ping"))
        .into_response();
    // Proxies must not buffer the stream.
    resp.headers_mut().insert("x-accel-buffering", axum::http::HeaderValue::from_static("no"));
    resp
}
