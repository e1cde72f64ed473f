//! The change feed, read from the audit log in its order (`yizhan_core::admin::events` says
//! which entries go out and what of them).

use chrono::{DateTime, Utc};
use serde::Serialize;
use yizhan_core::admin::events::in_feed;

use crate::db::{Db, Result, q, q_dynamic};

/// The most entries of the log one page reads, whether they go out or not: a follower behind
/// a night of sign-ins is not made to read them all in one request.
const SCAN: i64 = 2_000;

/// That an object changed, and how; the follower reads the object itself through the API.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct Event {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
}

/// A page of the feed. `next_after` is where the next page starts: past the entries read here,
/// those that do not go out included, so they are not read again.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Page {
    pub events: Vec<Event>,
    pub next_after: i64,
    /// More entries were there to read when the page was made (ask again at once).
    pub more: bool,
}

/// Whose changes a follower gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// Every change (a follower that reads the whole district).
    District,
    /// The changes about these stations (none: nothing).
    Stations(Vec<i64>),
}

/// Up to `limit` changes after sequence number `after` within `reach`, oldest first.
pub async fn after(db: &Db, reach: &Reach, after: i64, limit: i64) -> Result<Page> {
    let rows: Vec<Event> = match reach {
        Reach::District => {
            db.fetch_all(
                q("SELECT seq, at, action, object_type, object_id FROM audit_log
                   WHERE seq > $1 ORDER BY seq LIMIT $2")
                .bind(after)
                .bind(SCAN),
            )
            .await?
        }
        Reach::Stations(ids) if ids.is_empty() => Vec::new(),
        Reach::Stations(ids) => {
            let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
            db.fetch_all(
                q_dynamic(format!(
                    "SELECT seq, at, action, object_type, object_id FROM audit_log
                      WHERE station_id IN ({list}) AND seq > $1 ORDER BY seq LIMIT $2"
                ))
                .bind(after)
                .bind(SCAN),
            )
            .await?
        }
    };
    let scanned = rows.len() as i64;
    let mut page = Page { events: Vec::new(), next_after: after, more: scanned == SCAN };
    for row in rows {
        if page.events.len() as i64 == limit {
            page.more = true;
            break;
        }
        page.next_after = row.seq;
        if in_feed(&row.action) {
            page.events.push(row);
        }
    }
    Ok(page)
}
