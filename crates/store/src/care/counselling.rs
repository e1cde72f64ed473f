//! Counselling sessions. Two shapes on purpose: `Summary` (no notes) for everyone who may see a
//! guest, `Session` (with notes) only reached through the counsellor-only handlers.

use chrono::{DateTime, Utc};
use serde::Serialize;
use yizhan_core::access::Actor;
use yizhan_core::care::counselling::NewSession;

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Result, now, q};
use yizhan_core::care::counselling::Risk;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Summary {
    pub id: i64,
    pub stay_id: i64,
    pub counsellor: String,
    pub held_at: DateTime<Utc>,
    pub minutes: i64,
    #[sqlx(try_from = "String")]
    pub risk: Risk,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct Session {
    pub id: i64,
    pub stay_id: i64,
    pub counsellor: String,
    pub held_at: DateTime<Utc>,
    pub minutes: i64,
    #[sqlx(try_from = "String")]
    pub risk: Risk,
    pub notes: String,
}

pub async fn record(
    db: &Db,
    actor: &Actor,
    station_id: i64,
    stay_id: i64,
    s: &NewSession,
) -> Result<i64> {
    let mut tx = db.begin().await?;
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO counselling_sessions (station_id, stay_id, counsellor_id, counsellor, held_at, minutes, risk, notes, created_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
            .bind(station_id)
            .bind(stay_id)
            .bind(actor.user_id.unwrap_or(0))
            .bind(actor.name.as_str())
            .bind(s.held_at)
            .bind(s.minutes)
            .bind(s.risk.as_str())
            .bind(s.notes.as_str())
            .bind(now()),
        )
        .await?;
    // A high risk tells the station (the room, never the notes).
    if s.risk == yizhan_core::care::counselling::Risk::High {
        let (station, room): (String, String) = tx
            .fetch_one(
                q("SELECT s.name, r.number FROM stays st JOIN stations s ON s.id = st.station_id
                     JOIN rooms r ON r.id = st.room_id WHERE st.id = $1")
                .bind(stay_id),
            )
            .await?;
        let facts = serde_json::json!({
            "station": station, "room": room, "at": s.held_at,
            "link": format!("/stations/{station_id}/attention"),
        });
        let e = crate::notify::outbox::Event {
            source: "counselling",
            source_id: id,
            event: "high_risk",
            severity: yizhan_core::notify::Severity::Warning,
            station_id: Some(station_id),
            facts: &facts,
            at: s.held_at,
        };
        crate::notify::outbox::enqueue_nearest(&mut tx, &e).await?;
    }
    // The risk goes to the audit log (it drives key attention); the notes never do.
    audit::append(
        &mut tx,
        actor,
        Entry::new("counselling.record", "stay", stay_id)
            .detail(serde_json::json!({ "session_id": id, "risk": s.risk.as_str() })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Sessions of a stay without their notes, newest first.
pub async fn summaries(db: &Db, stay_id: i64) -> Result<Vec<Summary>> {
    db.fetch_all(
        q("SELECT id, stay_id, counsellor, held_at, minutes, risk FROM counselling_sessions
            WHERE stay_id = $1 ORDER BY held_at DESC, id DESC")
        .bind(stay_id),
    )
    .await
}

/// Sessions of a stay with their notes: for counsellors only.
pub async fn with_notes(db: &Db, stay_id: i64) -> Result<Vec<Session>> {
    db.fetch_all(
        q("SELECT id, stay_id, counsellor, held_at, minutes, risk, notes FROM counselling_sessions
            WHERE stay_id = $1 ORDER BY held_at DESC, id DESC")
        .bind(stay_id),
    )
    .await
}
