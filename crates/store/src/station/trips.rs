//! Drivers' trips (出车) and violations: out and back on the station's timeline (the board's
//! movements), one trip out at a time per stay (a unique index); a late return and a return day
//! without a sample told once; a violation kept with what it proposes, a suspension applied to
//! the guest's exemption at once.

use chrono::{DateTime, Utc};
use serde::Serialize;
use yizhan_core::access::Actor;
use yizhan_core::error::DomainError;
use yizhan_core::notify::Severity;
use yizhan_core::station::guest::GuestCategory;
use yizhan_core::station::stay::StayEventKind;
use yizhan_core::station::trip::{NewTrip, Proposal};
use yizhan_core::time::local_date;

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Result, Tx, now, q, q_dynamic};
use crate::notify::outbox::{self, Event};
use crate::station::stays;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct Trip {
    pub id: i64,
    pub stay_id: i64,
    pub station_id: i64,
    pub plate: String,
    pub port: String,
    pub destination: String,
    pub out_at: DateTime<Utc>,
    pub expected_back_at: DateTime<Utc>,
    pub back_at: Option<DateTime<Utc>>,
    pub out_by: String,
    pub back_by: Option<String>,
    /// The driver's record and room, for a list.
    pub guest_id: i64,
    pub room_number: String,
}

const SELECT: &str = "SELECT t.*, s.guest_id, r.number AS room_number
   FROM driver_trips t JOIN stays s ON s.id = t.stay_id JOIN rooms r ON r.id = s.room_id";

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Violation {
    pub id: i64,
    pub stay_id: i64,
    pub what: String,
    #[sqlx(try_from = "String")]
    pub proposal: Proposal,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

pub async fn get(db: &Db, id: i64) -> Result<Trip> {
    db.fetch_one(q_dynamic(format!("{SELECT} WHERE t.id = $1")).bind(id)).await
}

pub async fn of_stay(db: &Db, stay_id: i64) -> Result<Vec<Trip>> {
    db.fetch_all(
        q_dynamic(format!("{SELECT} WHERE t.stay_id = $1 ORDER BY t.out_at DESC, t.id DESC"))
            .bind(stay_id),
    )
    .await
}

/// The station's drivers out on a run now, the one expected back first first.
pub async fn out_now(db: &Db, station_id: i64) -> Result<Vec<Trip>> {
    db.fetch_all(
        q_dynamic(format!(
            "{SELECT} WHERE t.station_id = $1 AND t.back_at IS NULL ORDER BY t.expected_back_at, t.id"
        ))
        .bind(station_id),
    )
    .await
}

/// A page of the station's runs, the latest first; and how many there are.
pub async fn of_station(
    db: &Db,
    station_id: i64,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Trip>, i64)> {
    let rows = db
        .fetch_all(
            q_dynamic(format!(
                "{SELECT} WHERE t.station_id = $1 ORDER BY t.out_at DESC, t.id DESC LIMIT {} OFFSET {}",
                limit.clamp(1, 500_000),
                offset.max(0)
            ))
            .bind(station_id),
        )
        .await?;
    let (n,): (i64,) = db
        .fetch_one(q("SELECT COUNT(*) FROM driver_trips WHERE station_id = $1").bind(station_id))
        .await?;
    Ok((rows, n))
}

pub async fn violations(db: &Db, stay_id: i64) -> Result<Vec<Violation>> {
    db.fetch_all(
        q("SELECT * FROM driver_violations WHERE stay_id = $1 ORDER BY id DESC").bind(stay_id),
    )
    .await
}

/// The guest's category of the open stay `stay_id`, locked (the guest's row, as every stay
/// operation takes it first); refused when the stay is closed.
async fn open_driver(tx: &mut Tx, stay_id: i64) -> Result<stays::Stay> {
    stays::lock_stay(tx, stay_id).await?;
    let stay = stays::get_tx(tx, stay_id).await?;
    if !stay.is_open() {
        return Err(DomainError::Rule { field: None, key: "error.stay_closed" }.into());
    }
    let (category,): (String,) =
        tx.fetch_one(q("SELECT category FROM guests WHERE id = $1").bind(stay.guest_id)).await?;
    if category != GuestCategory::CrossBorderDriver.as_str() {
        return Err(DomainError::Rule { field: None, key: "error.not_a_driver" }.into());
    }
    Ok(stay)
}

/// A driver in an open stay leaves for a run; a second trip while one is out is refused.
pub async fn out(db: &Db, actor: &Actor, stay_id: i64, t: &NewTrip) -> Result<Trip> {
    let mut tx = db.begin().await?;
    let stay = open_driver(&mut tx, stay_id).await?;
    let at = now();
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO driver_trips (stay_id, station_id, plate, port, destination, out_at, expected_back_at, out_by)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
            .bind(stay.id)
            .bind(stay.station_id)
            .bind(t.plate.as_str())
            .bind(t.port.as_str())
            .bind(t.destination.as_str())
            .bind(at)
            .bind(at + chrono::Duration::hours(t.hours))
            .bind(actor.name.as_str()),
        )
        .await
        .map_err(|e| match e {
            crate::StoreError::Conflict { .. } => {
                DomainError::Rule { field: None, key: "error.trip_already_out" }.into()
            }
            other => other,
        })?;
    let detail = serde_json::json!({ "trip": id, "port": t.port, "plate": t.plate });
    stays::event(
        &mut tx,
        actor,
        stay.id,
        stay.station_id,
        StayEventKind::TripOut,
        stay.room_id,
        detail,
    )
    .await?;
    audit::append(
        &mut tx,
        actor,
        Entry::new("trip.out", "stay", stay.id).detail(serde_json::json!({ "trip": id })),
    )
    .await?;
    tx.commit().await?;
    get(db, id).await
}

/// The driver of trip `id` is back.
pub async fn back(db: &Db, actor: &Actor, id: i64) -> Result<Trip> {
    let trip = get(db, id).await?;
    let mut tx = db.begin().await?;
    let stay = stays::get_tx(&mut tx, trip.stay_id).await?;
    let n = tx
        .execute(
            q("UPDATE driver_trips SET back_at = $1, back_by = $2 WHERE id = $3 AND back_at IS NULL")
                .bind(now())
                .bind(actor.name.as_str())
                .bind(id),
        )
        .await?;
    if n == 0 {
        return Err(DomainError::Rule { field: None, key: "error.trip_back_already" }.into());
    }
    let detail = serde_json::json!({ "trip": id, "port": trip.port });
    stays::event(
        &mut tx,
        actor,
        stay.id,
        stay.station_id,
        StayEventKind::TripBack,
        stay.room_id,
        detail,
    )
    .await?;
    audit::append(
        &mut tx,
        actor,
        Entry::new("trip.back", "stay", stay.id).detail(serde_json::json!({ "trip": id })),
    )
    .await?;
    tx.commit().await?;
    get(db, id).await
}

/// Keeps a violation of the driver in stay `stay_id`; a proposed suspension suspends the
/// exemption now (a revocation comes with the check-out as 取消豁免).
pub async fn violation(
    db: &Db,
    actor: &Actor,
    stay_id: i64,
    what: &str,
    proposal: Proposal,
) -> Result<Violation> {
    let mut tx = db.begin().await?;
    let stay = open_driver(&mut tx, stay_id).await?;
    let at = now();
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO driver_violations (stay_id, what, proposal, recorded_by, recorded_at)
               VALUES ($1, $2, $3, $4, $5) RETURNING id")
            .bind(stay.id)
            .bind(what)
            .bind(proposal.as_str())
            .bind(actor.name.as_str())
            .bind(at),
        )
        .await?;
    if proposal == Proposal::Suspend {
        set_exemption(&mut tx, stay.guest_id, "suspended", what, at).await?;
    }
    audit::append(
        &mut tx,
        actor,
        Entry::new("trip.violation", "stay", stay.id)
            .detail(serde_json::json!({ "violation": id, "proposal": proposal.as_str() })),
    )
    .await?;
    tx.commit().await?;
    db.fetch_one(q("SELECT * FROM driver_violations WHERE id = $1").bind(id)).await
}

/// Sets a driver's exemption status (suspended, revoked) with its date and reason.
pub(crate) async fn set_exemption(
    tx: &mut Tx,
    guest_id: i64,
    status: &str,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        q("UPDATE guests SET exemption_status = $1, exemption_date = $2, exemption_reason = $3, updated_at = $4
            WHERE id = $5")
        .bind(status)
        .bind(local_date(at))
        .bind(reason)
        .bind(at)
        .bind(guest_id),
    )
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Due {
    id: i64,
    station_id: i64,
    station: String,
    room: String,
    port: String,
    expected_back_at: DateTime<Utc>,
}

const DUE: &str =
    "SELECT t.id, t.station_id, st.name AS station, r.number AS room, t.port, t.expected_back_at
   FROM driver_trips t JOIN stays s ON s.id = t.stay_id JOIN stations st ON st.id = t.station_id
   JOIN rooms r ON r.id = s.room_id";

/// Tells the station of every trip out past its time, and of every return day (before today)
/// with no sample taken from the driver; each once. Returns how many were told.
pub async fn sweep(db: &Db, at: DateTime<Utc>) -> Result<usize> {
    let mut told = 0;
    let late: Vec<Due> = db
        .fetch_all(
            q_dynamic(format!(
                "{DUE} WHERE t.back_at IS NULL AND t.expected_back_at < $1
                   AND NOT EXISTS (SELECT 1 FROM inbox i WHERE i.source = 'trip' AND i.source_id = t.id AND i.event = 'late')"
            ))
            .bind(at),
        )
        .await?;
    for d in late {
        let facts = serde_json::json!({
            "station": d.station, "room": d.room, "port": d.port,
            "expected": yizhan_core::time::local_display(d.expected_back_at), "late": true,
            "link": format!("/stations/{}/trips", d.station_id),
        });
        told += tell(db, &d, "late", Severity::Warning, &facts, at).await?;
    }
    let today = local_date(at);
    let untested: Vec<Due> = db
        .fetch_all(
            q_dynamic(format!(
                "{DUE} WHERE t.back_at IS NOT NULL AND t.back_at >= $1
                   AND NOT EXISTS (SELECT 1 FROM inbox i WHERE i.source = 'trip' AND i.source_id = t.id AND i.event = 'untested')"
            ))
            .bind(at - chrono::Duration::days(3)),
        )
        .await?;
    for d in untested {
        let t = get(db, d.id).await?;
        let Some(back) = t.back_at else { continue };
        let back_day = local_date(back);
        if back_day >= today {
            continue;
        }
        let sampled: Option<(i64,)> = db
            .fetch_optional(
                q("SELECT id FROM stay_tests WHERE stay_id = $1 AND due_date = $2 AND sampled_at IS NOT NULL")
                    .bind(t.stay_id)
                    .bind(back_day),
            )
            .await?;
        if sampled.is_none() {
            let facts = serde_json::json!({
                "station": d.station, "room": d.room, "port": d.port, "day": back_day.to_string(),
                "link": format!("/stations/{}/tests", d.station_id),
            });
            told += tell(db, &d, "untested", Severity::Danger, &facts, at).await?;
        }
    }
    Ok(told)
}

async fn tell(
    db: &Db,
    d: &Due,
    event: &str,
    severity: Severity,
    facts: &serde_json::Value,
    at: DateTime<Utc>,
) -> Result<usize> {
    let mut tx = db.begin().await?;
    let e = Event {
        source: "trip",
        source_id: d.id,
        event,
        severity,
        station_id: Some(d.station_id),
        facts,
        at,
    };
    outbox::enqueue_nearest(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(1)
}

/// Sets the exemption of the guest of a stay ended as 取消豁免, in the check-out's transaction.
pub(crate) async fn revoke_on_check_out(
    tx: &mut Tx,
    stay: &stays::Stay,
    reason: Option<&str>,
) -> Result<()> {
    set_exemption(tx, stay.guest_id, "revoked", reason.unwrap_or_default(), now()).await
}
