//! Twice-daily health checks and the alerts they raise.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use yizhan_core::access::Actor;
use yizhan_core::station::health::{AlertReason, NewHealthCheck, Slot, raises_alert};
use yizhan_core::station::stay::StayEventKind;

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Result, Tx, now, q};
use crate::error::StoreError;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct HealthCheck {
    pub id: i64,
    pub stay_id: i64,
    pub station_id: i64,
    pub day: NaiveDate,
    pub slot: String,
    /// Tenths of a degree Celsius (365 = 36.5 °C).
    pub temperature: i64,
    pub symptoms: String,
    pub note: Option<String>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct Alert {
    pub id: i64,
    pub station_id: i64,
    pub stay_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: AlertReason,
    pub detail: String,
    pub raised_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by: Option<String>,
    pub close_note: Option<String>,
    /// The escalation rules' version it follows, and the working group that hears of it first.
    pub rules_id: Option<i64>,
    pub owner_group_id: Option<i64>,
    /// Acknowledged (已知悉): by whom and when; its escalation stopped then.
    pub acked_at: Option<DateTime<Utc>>,
    pub acked_by: Option<String>,
    /// The next level of its escalation and when it is due (none: all sent, acknowledged or closed).
    pub next_level: i64,
    pub next_level_at: Option<DateTime<Utc>>,
    /// Raised by the guest's own report (本人自报), for staff to confirm with their reading.
    pub self_reported: bool,
}

/// Opens an alert of `kind` for the stay unless one of that kind is already open.
pub async fn raise(
    tx: &mut Tx,
    station_id: i64,
    stay_id: i64,
    kind: AlertReason,
    detail: &str,
) -> Result<Option<i64>> {
    let kind = kind.as_str();
    let open: Option<(i64,)> = tx
        .fetch_optional(
            q("SELECT id FROM alerts WHERE stay_id = $1 AND kind = $2 AND closed_at IS NULL")
                .bind(stay_id)
                .bind(kind),
        )
        .await?;
    if open.is_some() {
        return Ok(None);
    }
    // The alert is also a movement on the station's timeline (the wall board's feed).
    tx.execute(
        q("INSERT INTO stay_events (stay_id, station_id, kind, room_id, detail, actor, at)
           SELECT id, station_id, $4, room_id, $2, 'system', $3 FROM stays WHERE id = $1")
        .bind(stay_id)
        .bind(serde_json::json!({ "kind": kind }).to_string())
        .bind(now())
        .bind(StayEventKind::Alert.as_str()),
    )
    .await?;
    let at = now();
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO alerts (station_id, stay_id, kind, detail, raised_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
                .bind(station_id)
                .bind(stay_id)
                .bind(kind)
                .bind(detail)
                .bind(at),
        )
        .await?;
    // Its escalation starts in the same transaction: the first notifications exist exactly when
    // the alert does.
    crate::notify::escalation::start(tx, id).await?;
    Ok(Some(id))
}

/// The station of open stay `stay_id`; a closed stay is refused, a missing one not found.
pub(crate) async fn station_of_open(tx: &mut Tx, stay_id: i64) -> Result<i64> {
    let open: Option<(i64, Option<DateTime<Utc>>)> = tx
        .fetch_optional(q("SELECT station_id, ended_at FROM stays WHERE id = $1").bind(stay_id))
        .await?;
    match open {
        Some((sid, None)) => Ok(sid),
        Some((_, Some(_))) => Err(StoreError::rule(None, "error.stay_closed")),
        None => Err(StoreError::NotFound),
    }
}

/// Records (or corrects) the reading of one slot; a fever or symptom opens an alert.
pub async fn record(
    db: &Db,
    actor: &Actor,
    stay_id: i64,
    day: NaiveDate,
    slot: Slot,
    c: &NewHealthCheck,
) -> Result<(HealthCheck, Option<i64>)> {
    let mut tx = db.begin().await?;
    let station_id = station_of_open(&mut tx, stay_id).await?;
    let symptoms: Vec<&str> = c.symptoms.iter().map(|s| s.as_str()).collect();
    let check: HealthCheck = tx
        .fetch_one(
            q("INSERT INTO health_checks (stay_id, station_id, day, slot, temperature, symptoms, note, recorded_by, recorded_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
               ON CONFLICT (stay_id, day, slot) DO UPDATE SET temperature = excluded.temperature,
                   symptoms = excluded.symptoms, note = excluded.note, recorded_by = excluded.recorded_by,
                   recorded_at = excluded.recorded_at
               RETURNING *")
            .bind(stay_id)
            .bind(station_id)
            .bind(day)
            .bind(slot.as_str())
            .bind(c.temperature.0)
            .bind(symptoms.join(","))
            .bind(c.note.clone())
            .bind(actor.name.as_str())
            .bind(now()),
        )
        .await?;
    let alert = match raises_alert(c.temperature, &c.symptoms) {
        Some(reason) => {
            let detail = format!("{} {}", c.temperature, symptoms.join(","));
            raise(&mut tx, station_id, stay_id, reason, detail.trim()).await?
        }
        None => None,
    };
    audit::append(
        &mut tx,
        actor,
        Entry::new("health.record", "stay", stay_id).detail(serde_json::json!({
            "day": day, "slot": slot.as_str(), "alert": alert,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok((check, alert))
}

/// Readings of a station's stays on one day.
pub async fn of_station_day(db: &Db, station_id: i64, day: NaiveDate) -> Result<Vec<HealthCheck>> {
    db.fetch_all(
        q("SELECT * FROM health_checks WHERE station_id = $1 AND day = $2")
            .bind(station_id)
            .bind(day),
    )
    .await
}

pub async fn of_stay(db: &Db, stay_id: i64) -> Result<Vec<HealthCheck>> {
    db.fetch_all(
        q("SELECT * FROM health_checks WHERE stay_id = $1 ORDER BY day DESC, slot DESC")
            .bind(stay_id),
    )
    .await
}

pub async fn open_alerts(db: &Db, station_id: i64) -> Result<Vec<Alert>> {
    db.fetch_all(
        q("SELECT * FROM alerts WHERE station_id = $1 AND closed_at IS NULL ORDER BY raised_at DESC")
            .bind(station_id),
    )
    .await
}

#[derive(sqlx::FromRow)]
struct RoomAlert {
    room_id: i64,
    #[sqlx(try_from = "String")]
    kind: AlertReason,
}

/// For each room of the station with an open alert, the strongest (a positive above a fever):
/// a room lights up on the grid and the board until its alerts are closed.
pub async fn open_alerts_by_room(db: &Db, station_id: i64) -> Result<HashMap<i64, AlertReason>> {
    let rows: Vec<RoomAlert> = db
        .fetch_all(
            q("SELECT s.room_id, a.kind FROM alerts a JOIN stays s ON s.id = a.stay_id
                WHERE a.station_id = $1 AND a.closed_at IS NULL")
            .bind(station_id),
        )
        .await?;
    let mut by_room: HashMap<i64, AlertReason> = HashMap::new();
    for r in rows {
        let k = by_room.get(&r.room_id).map_or(r.kind, |k| k.stronger(r.kind));
        by_room.insert(r.room_id, k);
    }
    Ok(by_room)
}

pub async fn alerts_of_stay(db: &Db, stay_id: i64) -> Result<Vec<Alert>> {
    db.fetch_all(q("SELECT * FROM alerts WHERE stay_id = $1 ORDER BY raised_at DESC").bind(stay_id))
        .await
}

pub async fn get_alert(db: &Db, id: i64) -> Result<Alert> {
    db.fetch_one(q("SELECT * FROM alerts WHERE id = $1").bind(id)).await
}

/// Closes an alert with what was done about it.
pub async fn close_alert(db: &Db, actor: &Actor, id: i64, note: &str) -> Result<()> {
    crate::station::attention::close(
        db,
        actor,
        crate::station::attention::Closable::Alert,
        id,
        note,
    )
    .await
}

/// A reading with where and whom, for exports.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CheckLine {
    pub day: NaiveDate,
    pub slot: String,
    pub room_number: String,
    pub guest_name: String,
    pub temperature: i64,
    pub symptoms: String,
    pub recorded_by: String,
}

pub async fn lines_of_station(
    db: &Db,
    station_id: i64,
    since: NaiveDate,
) -> Result<Vec<CheckLine>> {
    db.fetch_all(
        q("SELECT h.day, h.slot, r.number AS room_number, g.name AS guest_name, h.temperature, h.symptoms, h.recorded_by
             FROM health_checks h JOIN stays s ON s.id = h.stay_id JOIN guests g ON g.id = s.guest_id
             JOIN rooms r ON r.id = s.room_id
            WHERE h.station_id = $1 AND h.day >= $2 ORDER BY h.day DESC, h.slot DESC, r.number")
        .bind(station_id)
        .bind(since),
    )
    .await
}
