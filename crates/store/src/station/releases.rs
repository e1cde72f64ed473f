//! Release (解除隔离) as a list: the open stays whose period ends by a day, each with the facts
//! its release is judged on, and the stays released since a time with their certificates.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use yizhan_core::station::release::{Blocker, ReleaseFacts, check_release};

use crate::db::{Db, Result, q, q_dynamic};

/// What a stay's release is judged on, counted in SQL (the same for one stay and for a list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ReleaseCounts {
    pub scheduled_tests: i64,
    pub negative_tests: i64,
    /// Not sampled, awaiting a result, or invalid (to be taken again).
    pub pending_tests: i64,
    pub positive_tests: i64,
    pub open_alerts: i64,
}

impl ReleaseCounts {
    pub fn facts(&self, today: NaiveDate, planned_release: NaiveDate) -> ReleaseFacts {
        ReleaseFacts {
            today,
            planned_release,
            scheduled_tests: self.scheduled_tests,
            negative_tests: self.negative_tests,
            pending_or_missing_tests: self.pending_tests,
            positive_tests: self.positive_tests,
            open_alerts: self.open_alerts,
        }
    }
}

/// The counts of the stay `s`, as columns.
const COUNTS: &str = "
    (SELECT COUNT(*) FROM stay_tests t WHERE t.stay_id = s.id) AS scheduled_tests,
    (SELECT COUNT(*) FROM stay_tests t WHERE t.stay_id = s.id AND t.result = 'negative') AS negative_tests,
    (SELECT COUNT(*) FROM stay_tests t
      WHERE t.stay_id = s.id AND (t.result IS NULL OR t.result = 'invalid')) AS pending_tests,
    (SELECT COUNT(*) FROM stay_tests t WHERE t.stay_id = s.id AND t.result = 'positive') AS positive_tests,
    (SELECT COUNT(*) FROM alerts a WHERE a.stay_id = s.id AND a.closed_at IS NULL) AS open_alerts";

pub async fn counts_of(db: &Db, stay_id: i64) -> Result<ReleaseCounts> {
    let sql = format!("SELECT {COUNTS} FROM stays s WHERE s.id = $1");
    db.fetch_one(q_dynamic(sql).bind(stay_id)).await
}

/// An open stay due for release, with who is in it (unmasked: the web layer masks).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct DueStay {
    pub id: i64,
    pub guest_id: i64,
    pub guest_name: String,
    pub doc_number: String,
    pub room_number: String,
    pub checked_in_at: DateTime<Utc>,
    pub planned_release: NaiveDate,
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub counts: ReleaseCounts,
}

impl DueStay {
    /// What still blocks this stay's release on `today` (core's rule); empty when it may go.
    pub fn blockers(&self, today: NaiveDate) -> Vec<Blocker> {
        check_release(&self.counts.facts(today, self.planned_release)).err().unwrap_or_default()
    }
}

/// The station's open stays planned to end on or before `until`, the earliest first.
pub async fn due(db: &Db, station_id: i64, until: NaiveDate) -> Result<Vec<DueStay>> {
    let sql = format!(
        "SELECT s.id, s.guest_id, g.name AS guest_name, g.doc_number, r.number AS room_number,
                s.checked_in_at, s.planned_release, {COUNTS}
           FROM stays s JOIN guests g ON g.id = s.guest_id JOIN rooms r ON r.id = s.room_id
          WHERE s.station_id = $1 AND s.ended_at IS NULL AND s.planned_release <= $2
          ORDER BY s.planned_release, s.checked_in_at, s.id"
    );
    db.fetch_all(q_dynamic(sql).bind(station_id).bind(until)).await
}

/// A released stay and its certificate.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Released {
    pub id: i64,
    pub guest_id: i64,
    pub guest_name: String,
    pub doc_number: String,
    pub room_number: String,
    pub ended_at: DateTime<Utc>,
    pub number: String,
}

/// The station's stays released since `since`, the latest first.
pub async fn released_since(
    db: &Db,
    station_id: i64,
    since: DateTime<Utc>,
) -> Result<Vec<Released>> {
    db.fetch_all(
        q("SELECT s.id, s.guest_id, g.name AS guest_name, g.doc_number, r.number AS room_number,
                  s.ended_at, c.number
             FROM stays s JOIN guests g ON g.id = s.guest_id JOIN rooms r ON r.id = s.room_id
             JOIN certificates c ON c.stay_id = s.id
            WHERE s.station_id = $1 AND s.outcome = 'released' AND s.ended_at >= $2
            ORDER BY s.ended_at DESC, s.id DESC")
        .bind(station_id)
        .bind(since),
    )
    .await
}
