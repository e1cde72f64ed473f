//! Key attention (重点关注): the facts each open stay is judged on, manual flags, follow-up notes.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use yizhan_core::access::Actor;

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Result, now, q};
use crate::error::StoreError;

/// Everything the attention rules need about an open stay, in one row.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct StayFacts {
    pub stay_id: i64,
    pub guest_id: i64,
    pub guest_name: String,
    pub birth_date: NaiveDate,
    pub pregnant: bool,
    pub chronic_disease: Option<String>,
    /// The guest's category code (cross_border_driver, …): the daily report counts them.
    pub category: String,
    pub room_number: String,
    pub checked_in_at: DateTime<Utc>,
    pub open_fever_alerts: i64,
    pub open_symptom_alerts: i64,
    pub positive_tests: i64,
    pub pending_tests: i64,
    pub overdue_tests: i64,
    pub manual_flags: i64,
    pub latest_temperature: Option<i64>,
    /// The risk judged at the latest counselling session, if any.
    pub psych_risk: Option<String>,
    pub open_complaints: i64,
    /// Which of today's and yesterday's morning and afternoon readings were taken, as the bits
    /// of [`Taken`] (one range read of the stay's last two days instead of four look-ups).
    pub readings_taken: i64,
}

/// The bits of [`StayFacts::readings_taken`].
#[derive(Debug, Clone, Copy)]
pub enum Taken {
    AmToday = 1,
    PmToday = 2,
    AmYesterday = 4,
    PmYesterday = 8,
}

impl StayFacts {
    pub fn taken(&self, reading: Taken) -> bool {
        self.readings_taken & reading as i64 != 0
    }
}

/// Facts of every open stay of a station, as of `today` (Shanghai date), by room. Each fact is
/// an index look-up by the stay (the readings of yesterday and today too, one range read,
/// rather than the station's readings sent over to be matched), so the cost is the stays'.
pub async fn facts(db: &Db, station_id: i64, today: NaiveDate) -> Result<Vec<StayFacts>> {
    db.fetch_all(
        q("SELECT s.id AS stay_id, g.id AS guest_id, g.name AS guest_name, g.birth_date,
                    g.pregnant, g.chronic_disease, g.category, r.number AS room_number, s.checked_in_at,
                  (SELECT COUNT(*) FROM alerts a WHERE a.stay_id = s.id AND a.closed_at IS NULL AND a.kind IN ('fever', 'fever_and_symptoms')) AS open_fever_alerts,
                  (SELECT COUNT(*) FROM alerts a WHERE a.stay_id = s.id AND a.closed_at IS NULL AND a.kind IN ('symptoms', 'fever_and_symptoms')) AS open_symptom_alerts,
                  (SELECT COUNT(*) FROM stay_tests t WHERE t.stay_id = s.id AND t.result = 'positive') AS positive_tests,
                  (SELECT COUNT(*) FROM stay_tests t WHERE t.stay_id = s.id AND t.sampled_at IS NOT NULL AND t.result IS NULL) AS pending_tests,
                  (SELECT COUNT(*) FROM stay_tests t WHERE t.stay_id = s.id AND t.sampled_at IS NULL AND t.due_date < $1) AS overdue_tests,
                  (SELECT COUNT(*) FROM attention_flags f WHERE f.stay_id = s.id AND f.closed_at IS NULL) AS manual_flags,
                  (SELECT h.temperature FROM health_checks h WHERE h.stay_id = s.id ORDER BY h.day DESC, h.slot DESC LIMIT 1) AS latest_temperature,
                  (SELECT c.risk FROM counselling_sessions c WHERE c.stay_id = s.id ORDER BY c.held_at DESC, c.id DESC LIMIT 1) AS psych_risk,
                  (SELECT COUNT(*) FROM complaints c WHERE c.stay_id = s.id AND c.status <> 'resolved') AS open_complaints,
                  COALESCE((SELECT SUM(CASE WHEN h.day = $1 AND h.slot = 'am' THEN 1
                                            WHEN h.day = $1 AND h.slot = 'pm' THEN 2
                                            WHEN h.day = $2 AND h.slot = 'am' THEN 4
                                            WHEN h.day = $2 AND h.slot = 'pm' THEN 8 ELSE 0 END)
                              FROM health_checks h WHERE h.stay_id = s.id AND h.day >= $2), 0) AS readings_taken
             FROM stays s
             JOIN guests g ON g.id = s.guest_id
             JOIN rooms r ON r.id = s.room_id
            WHERE s.ended_at IS NULL AND s.station_id = $3
            ORDER BY r.number")
            .bind(today)
            .bind(today - chrono::Duration::days(1))
            .bind(station_id),
    )
    .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Flag {
    pub id: i64,
    pub stay_id: i64,
    pub reason: String,
    pub flagged_by: String,
    pub flagged_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by: Option<String>,
    pub close_note: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Note {
    pub id: i64,
    pub stay_id: i64,
    pub note: String,
    pub author: String,
    pub at: DateTime<Utc>,
}

pub async fn flag(db: &Db, actor: &Actor, stay_id: i64, reason: &str) -> Result<i64> {
    let mut tx = db.begin().await?;
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO attention_flags (stay_id, reason, flagged_by, flagged_at) VALUES ($1, $2, $3, $4) RETURNING id")
                .bind(stay_id)
                .bind(reason)
                .bind(actor.name.as_str())
                .bind(now()),
        )
        .await?;
    audit::append(&mut tx, actor, Entry::new("attention.flag", "stay", stay_id)).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn get_flag(db: &Db, id: i64) -> Result<Flag> {
    db.fetch_one(q("SELECT * FROM attention_flags WHERE id = $1").bind(id)).await
}

/// A person closes a flag, saying what was done.
pub async fn close_flag(db: &Db, actor: &Actor, id: i64, note: &str) -> Result<()> {
    close(db, actor, Closable::Flag, id, note).await
}

/// Things a person closes with a note: a key-attention flag, an alert.
#[derive(Debug, Clone, Copy)]
pub enum Closable {
    Flag,
    Alert,
}

/// Closes an open flag or alert once (a second close is "not found"), audited.
pub async fn close(db: &Db, actor: &Actor, what: Closable, id: i64, note: &str) -> Result<()> {
    let (sql, action, object) = match what {
        Closable::Flag => (
            "UPDATE attention_flags SET closed_at = $1, closed_by = $2, close_note = $3 WHERE id = $4 AND closed_at IS NULL",
            "attention.close",
            "flag",
        ),
        Closable::Alert => (
            "UPDATE alerts SET closed_at = $1, closed_by = $2, close_note = $3, next_level_at = NULL WHERE id = $4 AND closed_at IS NULL",
            "alert.close",
            "alert",
        ),
    };
    let mut tx = db.begin().await?;
    let at = now();
    let n = tx.execute(q(sql).bind(at).bind(actor.name.as_str()).bind(note).bind(id)).await?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    if let Closable::Alert = what {
        crate::notify::escalation::event(&mut tx, id, "closed", actor.name.as_str(), at).await?;
    }
    audit::append(&mut tx, actor, Entry::new(action, object, id)).await?;
    tx.commit().await
}

pub async fn flags(db: &Db, stay_id: i64) -> Result<Vec<Flag>> {
    db.fetch_all(
        q("SELECT * FROM attention_flags WHERE stay_id = $1 ORDER BY flagged_at DESC")
            .bind(stay_id),
    )
    .await
}

pub async fn add_note(db: &Db, actor: &Actor, stay_id: i64, note: &str) -> Result<()> {
    let mut tx = db.begin().await?;
    tx.execute(
        q("INSERT INTO attention_notes (stay_id, note, author, at) VALUES ($1, $2, $3, $4)")
            .bind(stay_id)
            .bind(note)
            .bind(actor.name.as_str())
            .bind(now()),
    )
    .await?;
    audit::append(&mut tx, actor, Entry::new("attention.note", "stay", stay_id)).await?;
    tx.commit().await
}

pub async fn notes(db: &Db, stay_id: i64) -> Result<Vec<Note>> {
    db.fetch_all(
        q("SELECT * FROM attention_notes WHERE stay_id = $1 ORDER BY at DESC").bind(stay_id),
    )
    .await
}
