//! Disinfection areas and records, terminal disinfection tied to room states, and the
//! medical-waste ledger.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use yizhan_core::access::Actor;
use yizhan_core::care::disinfection::{
    KEY_ALREADY_VERIFIED, KEY_NOT_TERMINAL, NewArea, NewRecord, NewWaste, Place, check_verifier,
};
use yizhan_core::error::DomainError;
use yizhan_core::station::room::{Cause, RoomState};

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Result, now, q};
use crate::error::StoreError;
use crate::station::rooms;
use yizhan_core::care::disinfection::AreaKind;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct Area {
    pub id: i64,
    pub station_id: i64,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub kind: AreaKind,
    pub every_hours: i64,
    pub last_done: Option<DateTime<Utc>>,
}

pub async fn areas(db: &Db, station_id: i64) -> Result<Vec<Area>> {
    db.fetch_all(
        q("SELECT a.id, a.station_id, a.name, a.kind, a.every_hours,
                  (SELECT MAX(r.done_at) FROM disinfection_records r WHERE r.area_id = a.id) AS last_done
             FROM disinfection_areas a WHERE a.station_id = $1 ORDER BY a.id")
        .bind(station_id),
    )
    .await
}

pub async fn create_area(db: &Db, actor: &Actor, station_id: i64, a: &NewArea) -> Result<i64> {
    let mut tx = db.begin().await?;
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO disinfection_areas (station_id, name, kind, every_hours, created_at)
               VALUES ($1, $2, $3, $4, $5) RETURNING id")
            .bind(station_id)
            .bind(a.name.as_str())
            .bind(a.kind.as_str())
            .bind(a.every_hours)
            .bind(now()),
        )
        .await?;
    audit::append(&mut tx, actor, Entry::new("disinfection.area", "disinfection_area", id)).await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct Record {
    pub id: i64,
    pub station_id: i64,
    pub area_id: Option<i64>,
    pub room_id: Option<i64>,
    /// The area's name or the room's number.
    pub place: String,
    pub agent: String,
    pub concentration: i64,
    pub minutes: i64,
    pub operator: String,
    pub done_at: DateTime<Utc>,
    pub recorded_by_id: Option<i64>,
    pub recorded_by: String,
    pub verifier: Option<String>,
    pub verified_at: Option<DateTime<Utc>>,
}

const RECORD_SELECT: &str =
    "SELECT d.id, d.station_id, d.area_id, d.room_id, COALESCE(a.name, r.number) AS place,
        d.agent, d.concentration, d.minutes, d.operator, d.done_at, d.recorded_by_id, d.recorded_by,
        d.verifier, d.verified_at
   FROM disinfection_records d
   LEFT JOIN disinfection_areas a ON a.id = d.area_id
   LEFT JOIN rooms r ON r.id = d.room_id";

pub async fn get(db: &Db, id: i64) -> Result<Record> {
    db.fetch_one(crate::db::q_dynamic(format!("{RECORD_SELECT} WHERE d.id = $1")).bind(id)).await
}

/// The station's latest records, newest first.
pub async fn recent(db: &Db, station_id: i64, limit: i64) -> Result<Vec<Record>> {
    db.fetch_all(
        crate::db::q_dynamic(format!(
            "{RECORD_SELECT} WHERE d.station_id = $1 ORDER BY d.done_at DESC, d.id DESC LIMIT $2"
        ))
        .bind(station_id)
        .bind(limit),
    )
    .await
}

/// Files a record. For a room it is the terminal disinfection: the room must be awaiting it,
/// and moves to disinfected in the same transaction (the state machine refuses otherwise, and
/// then nothing is saved).
pub async fn record(db: &Db, actor: &Actor, station_id: i64, r: &NewRecord) -> Result<i64> {
    let (area, room) = match r.place {
        Place::Area(a) => (Some(a), None),
        Place::Room(room) => (None, Some(room)),
    };
    let mut tx = db.begin().await?;
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO disinfection_records (station_id, area_id, room_id, agent, concentration, minutes, operator,
                                                 done_at, recorded_by_id, recorded_by)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id")
            .bind(station_id)
            .bind(area)
            .bind(room)
            .bind(r.agent.as_str())
            .bind(r.concentration)
            .bind(r.minutes)
            .bind(r.operator.as_str())
            .bind(r.done_at)
            .bind(actor.user_id)
            .bind(actor.name.as_str()),
        )
        .await?;
    if let Some(room) = room {
        let reason = format!("#{id}");
        rooms::transition(
            &mut tx,
            actor,
            room,
            RoomState::Disinfected,
            Cause::Disinfected,
            Some(&reason),
        )
        .await?;
    }
    audit::append(
        &mut tx,
        actor,
        Entry::new("disinfection.record", "disinfection", id)
            .detail(serde_json::json!({ "area_id": area, "room_id": room })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A second person verifies a terminal disinfection; the room becomes ready in the same
/// transaction.
pub async fn verify(db: &Db, actor: &Actor, id: i64) -> Result<()> {
    let rec = get(db, id).await?;
    let refuse = |key| StoreError::Refused(DomainError::Rule { field: Some("verifier"), key });
    let Some(room) = rec.room_id else {
        return Err(refuse(KEY_NOT_TERMINAL));
    };
    if rec.verified_at.is_some() {
        return Err(refuse(KEY_ALREADY_VERIFIED));
    }
    check_verifier(&rec.operator, rec.recorded_by_id, &actor.name, actor.user_id)?;
    let mut tx = db.begin().await?;
    let n = tx
        .execute(
            q("UPDATE disinfection_records SET verifier_id = $1, verifier = $2, verified_at = $3
                WHERE id = $4 AND verified_at IS NULL")
            .bind(actor.user_id)
            .bind(actor.name.as_str())
            .bind(now())
            .bind(id),
        )
        .await?;
    if n == 0 {
        return Err(refuse(KEY_ALREADY_VERIFIED));
    }
    let reason = format!("#{id}");
    rooms::transition(&mut tx, actor, room, RoomState::Ready, Cause::Verified, Some(&reason))
        .await?;
    audit::append(&mut tx, actor, Entry::new("disinfection.verify", "disinfection", id)).await?;
    tx.commit().await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Waste {
    pub id: i64,
    pub day: NaiveDate,
    pub bags: i64,
    pub weight_tenths: i64,
    pub contractor: String,
    pub handed_by: String,
    pub received_by: String,
    pub recorded_by: String,
}

pub async fn record_waste(db: &Db, actor: &Actor, station_id: i64, w: &NewWaste) -> Result<i64> {
    let mut tx = db.begin().await?;
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO waste_handovers (station_id, day, bags, weight_tenths, contractor, handed_by, received_by,
                                            recorded_by, recorded_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
            .bind(station_id)
            .bind(w.day)
            .bind(w.bags)
            .bind(w.weight_tenths)
            .bind(w.contractor.as_str())
            .bind(w.handed_by.as_str())
            .bind(w.received_by.as_str())
            .bind(actor.name.as_str())
            .bind(now()),
        )
        .await?;
    audit::append(&mut tx, actor, Entry::new("waste.record", "waste", id)).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn waste(db: &Db, station_id: i64, limit: i64) -> Result<Vec<Waste>> {
    db.fetch_all(
        q("SELECT id, day, bags, weight_tenths, contractor, handed_by, received_by, recorded_by
             FROM waste_handovers WHERE station_id = $1 ORDER BY day DESC, id DESC LIMIT $2")
        .bind(station_id)
        .bind(limit),
    )
    .await
}
