//! Stays (入住): check-in, room change, check-out. The database refuses a second open stay for a
//! guest and a second open stay on a bed; the room row is updated first so that concurrent
//! check-ins into one room queue behind each other on PostgreSQL as they do on SQLite.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use yizhan_core::access::{Actor, Target};
use yizhan_core::error::DomainError;
use yizhan_core::station::quarantine::{QuarantinePolicy, TestDue, planned_release, test_calendar};
use yizhan_core::station::room::{Cause, RoomState};
use yizhan_core::station::sampling::TestResult;
use yizhan_core::station::stay::{Outcome, StayEventKind, check_check_in, state_after_check_out};

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Marks, Result, Tx, now, q, q_dynamic};
use crate::error::StoreError;
use crate::station::{policies, rooms};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct Stay {
    pub id: i64,
    pub station_id: i64,
    pub street_id: i64,
    pub guest_id: i64,
    pub room_id: i64,
    pub room_number: String,
    pub bed_no: i64,
    pub policy_id: i64,
    pub policy_code: String,
    pub checked_in_at: DateTime<Utc>,
    pub planned_release: NaiveDate,
    pub ended_at: Option<DateTime<Utc>>,
    #[sqlx(try_from = "crate::code::NullableCode")]
    pub outcome: Option<Outcome>,
    pub outcome_reason: Option<String>,
}

impl Stay {
    pub fn target(&self) -> Target {
        Target::Station { id: self.station_id, street: self.street_id }
    }
    pub fn is_open(&self) -> bool {
        self.ended_at.is_none()
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct StayEvent {
    pub id: i64,
    pub stay_id: i64,
    pub station_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: StayEventKind,
    pub room_id: i64,
    pub detail: String,
    pub actor: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct StayTest {
    pub id: i64,
    pub stay_id: i64,
    pub day: i64,
    pub due_date: NaiveDate,
    pub barcode: Option<String>,
    pub sampled_at: Option<DateTime<Utc>>,
    pub sampled_by: Option<String>,
    #[sqlx(try_from = "crate::code::NullableCode")]
    pub result: Option<TestResult>,
    pub result_at: Option<DateTime<Utc>>,
}

const STAY_SELECT: &str = "SELECT s.id, s.station_id, st.street_id, s.guest_id, s.room_id, r.number AS room_number, s.bed_no,
        s.policy_id, p.code AS policy_code, s.checked_in_at, s.planned_release, s.ended_at, s.outcome, s.outcome_reason
   FROM stays s
   JOIN stations st ON st.id = s.station_id
   JOIN rooms r ON r.id = s.room_id
   JOIN quarantine_policies p ON p.id = s.policy_id";

pub async fn get(db: &Db, id: i64) -> Result<Stay> {
    db.fetch_one(q_dynamic(format!("{STAY_SELECT} WHERE s.id = $1")).bind(id)).await
}

pub(crate) async fn get_tx(tx: &mut Tx, id: i64) -> Result<Stay> {
    tx.fetch_one(q_dynamic(format!("{STAY_SELECT} WHERE s.id = $1")).bind(id)).await
}

pub async fn of_guest(db: &Db, guest_id: i64) -> Result<Vec<Stay>> {
    db.fetch_all(
        q_dynamic(format!("{STAY_SELECT} WHERE s.guest_id = $1 ORDER BY s.checked_in_at DESC"))
            .bind(guest_id),
    )
    .await
}

pub async fn open_in_room(db: &Db, room_id: i64) -> Result<Vec<Stay>> {
    db.fetch_all(
        q_dynamic(format!(
            "{STAY_SELECT} WHERE s.room_id = $1 AND s.ended_at IS NULL ORDER BY s.bed_no"
        ))
        .bind(room_id),
    )
    .await
}

pub async fn tests(db: &Db, stay_id: i64) -> Result<Vec<StayTest>> {
    db.fetch_all(q("SELECT * FROM stay_tests WHERE stay_id = $1 ORDER BY day").bind(stay_id)).await
}

pub async fn events(db: &Db, station_id: i64, limit: i64) -> Result<Vec<StayEvent>> {
    db.fetch_all(
        q("SELECT * FROM stay_events WHERE station_id = $1 ORDER BY at DESC, id DESC LIMIT $2")
            .bind(station_id)
            .bind(limit),
    )
    .await
}

pub(crate) async fn event(
    tx: &mut Tx,
    actor: &Actor,
    stay_id: i64,
    station_id: i64,
    kind: StayEventKind,
    room_id: i64,
    detail: serde_json::Value,
) -> Result<()> {
    tx.execute(
        q("INSERT INTO stay_events (stay_id, station_id, kind, room_id, detail, actor, at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(stay_id)
            .bind(station_id)
            .bind(kind.as_str())
            .bind(room_id)
            .bind(detail.to_string())
            .bind(actor.name.as_str())
            .bind(now()),
    )
    .await?;
    Ok(())
}

/// Takes a bed in `room_id` inside the transaction: the room must be in the station and ready (or
/// occupied with a free bed). The room row is written first: on PostgreSQL that row lock makes a
/// second clerk wait, then see the first clerk's stay and take the next bed or be refused.
/// Takes the guest's row lock, then the stay's: every stay operation locks guest, stay, rooms in
/// that order. The guest first because a check-in's new open stay and a move of the guest's
/// current one meet in the unique index of open stays per guest; without a common first lock
/// each held what the other waited for (a deadlock the randomized test found on PostgreSQL).
pub(crate) async fn lock_stay(tx: &mut Tx, stay_id: i64) -> Result<()> {
    tx.execute(
        q("UPDATE guests SET region = region WHERE id = (SELECT guest_id FROM stays WHERE id = $1)")
            .bind(stay_id),
    )
    .await?;
    tx.execute(q("UPDATE stays SET room_id = room_id WHERE id = $1").bind(stay_id)).await?;
    Ok(())
}

/// Takes the rooms' row locks, in id order (two clerks moving guests between the same two rooms
/// in opposite directions must not deadlock). Until the transaction ends, no one else checks in
/// to, moves into or vacates these rooms; what is read after this is current.
async fn lock_rooms(tx: &mut Tx, room_ids: &[i64]) -> Result<()> {
    let mut ids = room_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        tx.execute(q("UPDATE rooms SET updated_at = $1 WHERE id = $2").bind(now()).bind(id))
            .await?;
    }
    Ok(())
}

pub(crate) async fn take_bed(
    tx: &mut Tx,
    actor: &Actor,
    station_id: i64,
    room_id: i64,
) -> Result<i64> {
    // The lock and the station's check in one statement; read after the lock: another
    // check-in may have committed meanwhile.
    let locked = tx
        .execute(
            q("UPDATE rooms SET updated_at = $1 WHERE id = $2 AND station_id = $3")
                .bind(now())
                .bind(room_id)
                .bind(station_id),
        )
        .await?;
    if locked == 0 {
        return Err(StoreError::NotFound);
    }
    let room = rooms::get_in_tx(tx, room_id).await?;
    check_check_in(room.state(), room.beds, room.occupied)?;
    rooms::transition_from(tx, actor, &room, RoomState::Occupied, Cause::CheckIn, None).await?;
    let free: Option<(i64,)> = tx
        .fetch_optional(
            q("SELECT b.bed_no FROM beds b WHERE b.room_id = $1 AND b.bed_no <= $2
                 AND NOT EXISTS (SELECT 1 FROM stays s WHERE s.room_id = b.room_id AND s.bed_no = b.bed_no AND s.ended_at IS NULL)
               ORDER BY b.bed_no LIMIT 1")
            .bind(room_id)
            .bind(room.beds),
        )
        .await?;
    match free {
        Some((bed,)) => Ok(bed),
        None => Err(DomainError::Rule { field: Some("room_id"), key: "error.room_full" }.into()),
    }
}

/// After a guest leaves a room: an empty room goes to terminal disinfection.
async fn vacate(tx: &mut Tx, actor: &Actor, room_id: i64) -> Result<()> {
    // Counted under the room's lock: a check-in committing meanwhile is seen, not overwritten
    // (found by the randomized concurrency test on PostgreSQL).
    lock_rooms(tx, &[room_id]).await?;
    let room = rooms::get_in_tx(tx, room_id).await?;
    let to = state_after_check_out(room.state(), room.occupied)?;
    if to != room.state() {
        rooms::transition(tx, actor, room_id, to, Cause::CheckOut, None).await?;
    }
    Ok(())
}

pub struct CheckIn {
    pub station_id: i64,
    pub guest_id: i64,
    pub room_id: i64,
    pub policy_id: i64,
    pub at: DateTime<Utc>,
}

/// Checks a guest in. Two clerks putting two guests into the last bed at the same instant:
/// exactly one succeeds; the other gets `error.room_full` or a conflict on the bed.
pub async fn check_in(db: &Db, actor: &Actor, c: &CheckIn) -> Result<Stay> {
    // A policy that does not exist is the clerk's choice of policy, not a missing room.
    let policy = match policies::get(db, c.policy_id).await {
        Err(StoreError::NotFound) => {
            return Err(yizhan_core::error::DomainError::Rule {
                field: Some("policy_id"),
                key: "error.policy_unknown",
            }
            .into());
        }
        other => other?.policy(),
    };
    let mut tx = db.begin().await?;
    let id = check_in_tx(&mut tx, actor, c, &policy).await?;
    tx.commit().await?;
    get(db, id).await
}

/// Checks guest `c.guest_id` (of station `c.station_id`) in under `policy`, in the caller's
/// transaction: the guest locked, refused while in a stay or in transit, the stay opened with
/// its calendar. Returns the stay's id.
pub(crate) async fn check_in_tx(
    tx: &mut Tx,
    actor: &Actor,
    c: &CheckIn,
    policy: &QuarantinePolicy,
) -> Result<i64> {
    // Locks in one order everywhere, guest, stays, rooms: a check-in waits here for a guest's
    // open stay being closed or moved, rather than holding the room against it. Another
    // station's guest is not found.
    let locked = tx
        .execute(
            q("UPDATE guests SET region = region WHERE id = $1 AND station_id = $2")
                .bind(c.guest_id)
                .bind(c.station_id),
        )
        .await?;
    if locked == 0 {
        return Err(StoreError::NotFound);
    }
    tx.execute(
        q("UPDATE stays SET ended_at = ended_at WHERE guest_id = $1 AND ended_at IS NULL")
            .bind(c.guest_id),
    )
    .await?;
    let in_transit: Option<(i64,)> = tx
        .fetch_optional(
            q("SELECT id FROM stay_transfers WHERE guest_id = $1 AND state = 'in_transit'")
                .bind(c.guest_id),
        )
        .await?;
    if in_transit.is_some() {
        return Err(DomainError::Rule { field: None, key: "error.guest_in_transit" }.into());
    }
    let calendar = test_calendar(policy, c.at);
    let release = planned_release(policy, c.at);
    open(tx, actor, c, &policy.code, release, &calendar, None).await
}

/// Opens a stay in a bed of `c.room_id` with its release and calendar, and says so on the
/// station's timeline and in the audit (`from`: the station a transferred guest came from).
/// The caller holds the guest's lock.
pub(crate) async fn open(
    tx: &mut Tx,
    actor: &Actor,
    c: &CheckIn,
    policy_code: &str,
    release: NaiveDate,
    calendar: &[TestDue],
    from: Option<i64>,
) -> Result<i64> {
    let bed = take_bed(tx, actor, c.station_id, c.room_id).await?;
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO stays (station_id, guest_id, room_id, bed_no, policy_id, checked_in_at, planned_release)
               VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
            .bind(c.station_id)
            .bind(c.guest_id)
            .bind(c.room_id)
            .bind(bed)
            .bind(c.policy_id)
            .bind(c.at)
            .bind(release),
        )
        .await?;
    insert_calendar(tx, id, calendar).await?;
    let mut detail = serde_json::json!({ "bed": bed });
    let mut audited = serde_json::json!({
        "guest_id": c.guest_id, "room_id": c.room_id, "bed": bed, "policy": policy_code,
    });
    if let Some(station) = from {
        detail["from_station"] = station.into();
        audited["from_station"] = station.into();
    }
    event(tx, actor, id, c.station_id, StayEventKind::CheckIn, c.room_id, detail).await?;
    let action = if from.is_some() { "stay.transfer_in" } else { "stay.check_in" };
    audit::append(tx, actor, Entry::new(action, "stay", id).detail(audited)).await?;
    Ok(id)
}

/// Adds test days to a stay's calendar in one statement; a day already on it is kept as it is.
pub async fn insert_calendar(tx: &mut Tx, stay_id: i64, calendar: &[TestDue]) -> Result<()> {
    if calendar.is_empty() {
        return Ok(());
    }
    let mut query = q_dynamic(format!(
        "INSERT INTO stay_tests (stay_id, day, due_date) VALUES {}
         ON CONFLICT (stay_id, day) DO NOTHING",
        Marks::new(tx.backend()).rows(calendar.len(), 3)
    ));
    for due in calendar {
        query = query.bind(stay_id).bind(due.day).bind(due.date);
    }
    tx.execute(query).await?;
    Ok(())
}

/// Moves an open stay to another room of the same station.
pub async fn change_room(
    db: &Db,
    actor: &Actor,
    stay_id: i64,
    to_room: i64,
    reason: Option<&str>,
) -> Result<Stay> {
    let mut tx = db.begin().await?;
    change_room_tx(&mut tx, actor, stay_id, to_room, reason).await?;
    tx.commit().await?;
    get(db, stay_id).await
}

/// [`change_room`] within `tx` (an exposure measure moves a guest with the measure's record).
pub(crate) async fn change_room_tx(
    tx: &mut Tx,
    actor: &Actor,
    stay_id: i64,
    to_room: i64,
    reason: Option<&str>,
) -> Result<()> {
    // The stay's row first, then the rooms (the order check-in and check-out keep too).
    lock_stay(tx, stay_id).await?;
    let stay = get_tx(tx, stay_id).await?;
    if !stay.is_open() {
        return Err(DomainError::Rule { field: None, key: "error.stay_closed" }.into());
    }
    // A room card names its room: a move makes the old card useless (a new one is printed).
    crate::station::guest_links::revoke_of_stay(tx, stay_id, now()).await?;
    if stay.room_id == to_room {
        return Err(DomainError::Rule { field: Some("room_id"), key: "error.same_room" }.into());
    }
    lock_rooms(tx, &[stay.room_id, to_room]).await?;
    let bed = take_bed(tx, actor, stay.station_id, to_room).await?;
    tx.execute(
        q("UPDATE stays SET room_id = $1, bed_no = $2 WHERE id = $3 AND ended_at IS NULL")
            .bind(to_room)
            .bind(bed)
            .bind(stay_id),
    )
    .await?;
    vacate(tx, actor, stay.room_id).await?;
    event(
        tx,
        actor,
        stay_id,
        stay.station_id,
        StayEventKind::RoomChange,
        to_room,
        serde_json::json!({ "from_room": stay.room_id, "bed": bed, "reason": reason }),
    )
    .await?;
    audit::append(
        tx,
        actor,
        Entry::new("stay.room_change", "stay", stay_id).detail(
            serde_json::json!({ "from_room": stay.room_id, "to_room": to_room, "bed": bed }),
        ),
    )
    .await?;
    Ok(())
}

pub use crate::station::certificates::{Certificate, certificate_by_number, certificate_of};

/// Ends a stay with an outcome. The caller has checked release rules for `released`.
pub async fn check_out(
    db: &Db,
    actor: &Actor,
    stay_id: i64,
    outcome: Outcome,
    reason: Option<&str>,
) -> Result<Stay> {
    let mut tx = db.begin().await?;
    end(&mut tx, actor, stay_id, outcome, reason).await?;
    tx.commit().await?;
    get(db, stay_id).await
}

/// Ends the open stay `stay_id` inside the transaction: the room vacated, a release's
/// certificate issued, the timeline and the audit told. Returns the stay as it was.
pub(crate) async fn end(
    tx: &mut Tx,
    actor: &Actor,
    stay_id: i64,
    outcome: Outcome,
    reason: Option<&str>,
) -> Result<Stay> {
    // Lock, then read: a move committed meanwhile has changed the room this stay leaves.
    lock_stay(tx, stay_id).await?;
    let stay = get_tx(tx, stay_id).await?;
    let n = tx
        .execute(
            q("UPDATE stays SET ended_at = $1, outcome = $2, outcome_reason = $3 WHERE id = $4 AND ended_at IS NULL")
                .bind(now())
                .bind(outcome.as_str())
                .bind(reason)
                .bind(stay_id),
        )
        .await?;
    if n == 0 {
        return Err(DomainError::Rule { field: None, key: "error.stay_closed" }.into());
    }
    // The guest's page ends with the stay; a release leaves it readable a week, for the
    // certificate (`core::station::guest_link::link_state`).
    if outcome != Outcome::Released {
        crate::station::guest_links::revoke_of_stay(tx, stay_id, now()).await?;
    }
    vacate(tx, actor, stay.room_id).await?;
    if outcome == Outcome::Released {
        crate::station::certificates::issue(tx, actor, &stay).await?;
        crate::station::home_monitoring::open_after_release(tx, actor, &stay).await?;
    }
    if outcome == Outcome::ExemptionRevoked {
        crate::station::trips::revoke_on_check_out(tx, &stay, reason).await?;
    }
    event(
        tx,
        actor,
        stay_id,
        stay.station_id,
        StayEventKind::CheckOut,
        stay.room_id,
        serde_json::json!({ "outcome": outcome.as_str() }),
    )
    .await?;
    audit::append(
        tx,
        actor,
        Entry::new("stay.check_out", "stay", stay_id)
            .detail(serde_json::json!({ "outcome": outcome.as_str(), "reason": reason })),
    )
    .await?;
    Ok(stay)
}

/// A stay with who it was, for exports (unmasked: the web layer masks).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct StayLine {
    pub id: i64,
    pub guest_name: String,
    pub doc_number: String,
    pub room_number: String,
    pub policy_code: String,
    pub checked_in_at: DateTime<Utc>,
    pub planned_release: NaiveDate,
    pub ended_at: Option<DateTime<Utc>>,
    #[sqlx(try_from = "crate::code::NullableCode")]
    pub outcome: Option<Outcome>,
}

pub async fn lines_of_station(db: &Db, station_id: i64) -> Result<Vec<StayLine>> {
    db.fetch_all(
        q("SELECT s.id, g.name AS guest_name, g.doc_number, r.number AS room_number, p.code AS policy_code,
                  s.checked_in_at, s.planned_release, s.ended_at, s.outcome
             FROM stays s JOIN guests g ON g.id = s.guest_id JOIN rooms r ON r.id = s.room_id
             JOIN quarantine_policies p ON p.id = s.policy_id
            WHERE s.station_id = $1 ORDER BY s.checked_in_at DESC")
        .bind(station_id),
    )
    .await
}
