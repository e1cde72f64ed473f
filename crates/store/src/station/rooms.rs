//! Rooms, their beds and their states (房态). Every state change is a row in `room_events`.

use chrono::{DateTime, Utc};
use serde::Serialize;
use yizhan_core::access::{Actor, Target};
use yizhan_core::station::room::{Cause, NewRoom, RoomState, check_transition};

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Result, Tx, now, q, q_dynamic};
use crate::error::StoreError;
use yizhan_core::station::room::RoomKind;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct Room {
    pub id: i64,
    pub station_id: i64,
    pub street_id: i64,
    pub number: String,
    pub floor: i64,
    pub beds: i64,
    #[sqlx(try_from = "String")]
    pub kind: RoomKind,
    #[sqlx(try_from = "String")]
    pub state: RoomState,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Open stays in the room now.
    pub occupied: i64,
}

impl Room {
    pub fn target(&self) -> Target {
        Target::Station { id: self.station_id, street: self.street_id }
    }
    pub fn state(&self) -> RoomState {
        self.state
    }
    pub fn free_beds(&self) -> i64 {
        (self.beds - self.occupied).max(0)
    }
}

/// A station's beds counted from its rooms (`core::station::room::beds_of`).
pub fn beds(rooms: &[Room]) -> yizhan_core::station::room::Beds {
    yizhan_core::station::room::beds_of(rooms.iter().map(|r| (r.state, r.beds, r.occupied)))
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct RoomEvent {
    pub id: i64,
    pub room_id: i64,
    #[sqlx(try_from = "String")]
    pub from_state: RoomState,
    #[sqlx(try_from = "String")]
    pub to_state: RoomState,
    #[sqlx(try_from = "String")]
    pub cause: Cause,
    pub reason: Option<String>,
    pub actor: String,
    pub at: DateTime<Utc>,
}

const ROOM_SELECT: &str =
    "SELECT r.id, r.station_id, st.street_id, r.number, r.floor, r.beds, r.kind, r.state, r.note,
        r.created_at, r.updated_at,
        (SELECT COUNT(*) FROM stays s WHERE s.room_id = r.id AND s.ended_at IS NULL) AS occupied
   FROM rooms r JOIN stations st ON st.id = r.station_id";

pub async fn list(db: &Db, station_id: i64) -> Result<Vec<Room>> {
    db.fetch_all(
        q_dynamic(format!("{ROOM_SELECT} WHERE r.station_id = $1 ORDER BY r.floor, r.number"))
            .bind(station_id),
    )
    .await
}

pub async fn get(db: &Db, id: i64) -> Result<Room> {
    db.fetch_one(q_dynamic(format!("{ROOM_SELECT} WHERE r.id = $1")).bind(id)).await
}

pub async fn get_in_tx(tx: &mut Tx, id: i64) -> Result<Room> {
    tx.fetch_one(q_dynamic(format!("{ROOM_SELECT} WHERE r.id = $1")).bind(id)).await
}

pub async fn events(db: &Db, room_id: i64, limit: i64) -> Result<Vec<RoomEvent>> {
    db.fetch_all(
        q("SELECT id, room_id, from_state, to_state, cause, reason, actor, at FROM room_events
           WHERE room_id = $1 ORDER BY at DESC, id DESC LIMIT $2")
        .bind(room_id)
        .bind(limit),
    )
    .await
}

/// Room numbers of the station that are already taken, among `numbers`.
pub async fn taken_numbers(db: &Db, station_id: i64, numbers: &[String]) -> Result<Vec<String>> {
    let existing: Vec<(String,)> =
        db.fetch_all(q("SELECT number FROM rooms WHERE station_id = $1").bind(station_id)).await?;
    Ok(existing.into_iter().map(|(n,)| n).filter(|n| numbers.contains(n)).collect())
}

async fn insert(tx: &mut Tx, station_id: i64, r: &NewRoom) -> Result<i64> {
    let t = now();
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO rooms (station_id, number, floor, beds, kind, state, note, created_at, updated_at)
               VALUES ($1, $2, $3, $4, $5, 'ready', $6, $7, $7) RETURNING id")
            .bind(station_id)
            .bind(r.number.as_str())
            .bind(r.floor)
            .bind(r.beds)
            .bind(r.kind.as_str())
            .bind(r.note.clone())
            .bind(t),
        )
        .await?;
    for bed in 1..=r.beds {
        tx.execute(q("INSERT INTO beds (room_id, bed_no) VALUES ($1, $2)").bind(id).bind(bed))
            .await?;
    }
    Ok(id)
}

/// Creates rooms in one transaction: all of them or none.
pub async fn create_many(
    db: &Db,
    actor: &Actor,
    station_id: i64,
    rooms: &[NewRoom],
) -> Result<Vec<i64>> {
    let mut tx = db.begin().await?;
    let mut ids = Vec::with_capacity(rooms.len());
    for r in rooms {
        ids.push(insert(&mut tx, station_id, r).await?);
    }
    let numbers: Vec<&str> = rooms.iter().map(|r| r.number.as_str()).collect();
    audit::append(
        &mut tx,
        actor,
        Entry::new("room.create", "station", station_id)
            .detail(serde_json::json!({ "rooms": numbers })),
    )
    .await?;
    tx.commit().await?;
    Ok(ids)
}

/// Edits number, floor, kind, note and bed count. Beds that any stay ever used cannot be removed.
pub async fn update(db: &Db, actor: &Actor, id: i64, r: &NewRoom) -> Result<Room> {
    let mut tx = db.begin().await?;
    let before = get_in_tx(&mut tx, id).await?;
    if r.beds < before.beds {
        let (used,): (i64,) = tx
            .fetch_one(
                q("SELECT COUNT(*) FROM stays WHERE room_id = $1 AND bed_no > $2")
                    .bind(id)
                    .bind(r.beds),
            )
            .await?;
        if used > 0 {
            return Err(StoreError::Conflict {
                constraint: "fk_stays_bed".into(),
                field: "beds".into(),
            });
        }
        tx.execute(q("DELETE FROM beds WHERE room_id = $1 AND bed_no > $2").bind(id).bind(r.beds))
            .await?;
    }
    for bed in before.beds + 1..=r.beds {
        tx.execute(q("INSERT INTO beds (room_id, bed_no) VALUES ($1, $2)").bind(id).bind(bed))
            .await?;
    }
    tx.execute(
        q("UPDATE rooms SET number = $1, floor = $2, beds = $3, kind = $4, note = $5, updated_at = $6 WHERE id = $7")
            .bind(r.number.as_str())
            .bind(r.floor)
            .bind(r.beds)
            .bind(r.kind.as_str())
            .bind(r.note.clone())
            .bind(now())
            .bind(id),
    )
    .await?;
    audit::append(
        &mut tx,
        actor,
        Entry::new("room.update", "room", id).detail(serde_json::json!({
            "number": r.number, "floor": r.floor, "beds": r.beds, "kind": r.kind.as_str(),
        })),
    )
    .await?;
    tx.commit().await?;
    get(db, id).await
}

/// Moves a room to `to` inside the caller's transaction, after the state machine agrees.
/// The update is conditional on the state read, so a concurrent change makes it fail cleanly.
pub async fn transition(
    tx: &mut Tx,
    actor: &Actor,
    room_id: i64,
    to: RoomState,
    cause: Cause,
    reason: Option<&str>,
) -> Result<RoomState> {
    let room = get_in_tx(tx, room_id).await?;
    transition_from(tx, actor, &room, to, cause, reason).await
}

/// [`transition`] of a room the caller has just read under its lock (one read fewer).
pub async fn transition_from(
    tx: &mut Tx,
    actor: &Actor,
    room: &Room,
    to: RoomState,
    cause: Cause,
    reason: Option<&str>,
) -> Result<RoomState> {
    let room_id = room.id;
    let from = room.state();
    // The rule counts the guests the room holds once the change is done; a check-in is not
    // written yet when we get here, every other cause already is.
    let occupied = if cause == Cause::CheckIn { room.occupied + 1 } else { room.occupied };
    check_transition(from, to, cause, occupied)?;
    if from == to {
        return Ok(from);
    }
    let n = tx
        .execute(
            q("UPDATE rooms SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4")
                .bind(to.as_str())
                .bind(now())
                .bind(room_id)
                .bind(from.as_str()),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Conflict {
            constraint: "room_state_changed".into(),
            field: "state".into(),
        });
    }
    tx.execute(
        q("INSERT INTO room_events (room_id, from_state, to_state, cause, reason, actor_id, actor, at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(room_id)
        .bind(from.as_str())
        .bind(to.as_str())
        .bind(cause.as_str())
        .bind(reason)
        .bind(actor.user_id)
        .bind(actor.name.as_str())
        .bind(now()),
    )
    .await?;
    Ok(from)
}

/// A person changes a room's state (maintenance, disinfected, ready, sealed…), with a reason.
pub async fn set_state(
    db: &Db,
    actor: &Actor,
    room_id: i64,
    to: RoomState,
    reason: Option<&str>,
) -> Result<Room> {
    let mut tx = db.begin().await?;
    let from = transition(&mut tx, actor, room_id, to, Cause::Manual, reason).await?;
    audit::append(
        &mut tx,
        actor,
        Entry::new("room.state", "room", room_id).detail(serde_json::json!({
            "from": from.as_str(), "to": to.as_str(), "reason": reason,
        })),
    )
    .await?;
    tx.commit().await?;
    get(db, room_id).await
}
