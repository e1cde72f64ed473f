//! Special trains and chartered buses, their seats and manifests. Taking a seat is an insert
//! the database can refuse (seat taken, no such seat, worker already on board), retried on the
//! next free seat; a full vehicle has no free seat left, so capacity holds under any load.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use yizhan_core::access::Actor;
use yizhan_core::error::DomainError;
use yizhan_core::work::transport::{KEY_ALREADY_ON, KEY_FULL, NewTransport};

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Result, now, q};
use crate::error::StoreError;
use yizhan_core::work::transport::TransportKind;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Transport {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub kind: TransportKind,
    pub name: String,
    pub origin: String,
    pub departs_on: NaiveDate,
    pub capacity: i64,
    pub carriages: Option<i64>,
    pub plate: Option<String>,
    pub driver: Option<String>,
    pub arrival_place: String,
    pub arrives_at: Option<DateTime<Utc>>,
    pub booked: i64,
}

const SELECT: &str = "SELECT t.id, t.kind, t.name, t.origin, t.departs_on, t.capacity, t.carriages, t.plate, t.driver,
        t.arrival_place, t.arrives_at, (SELECT COUNT(*) FROM manifest m WHERE m.transport_id = t.id) AS booked
   FROM transports t";

pub async fn list(db: &Db) -> Result<Vec<Transport>> {
    db.fetch_all(crate::db::q_dynamic(format!("{SELECT} ORDER BY t.departs_on DESC, t.id DESC")))
        .await
}

pub async fn get(db: &Db, id: i64) -> Result<Transport> {
    db.fetch_one(crate::db::q_dynamic(format!("{SELECT} WHERE t.id = $1")).bind(id)).await
}

/// Creates the vehicle and one row per seat.
pub async fn create(db: &Db, actor: &Actor, t: &NewTransport) -> Result<i64> {
    let mut tx = db.begin().await?;
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO transports (kind, name, origin, departs_on, capacity, carriages, plate, driver, arrival_place,
                   arrives_at, created_by, created_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id")
            .bind(t.kind.as_str())
            .bind(t.name.as_str())
            .bind(t.origin.as_str())
            .bind(t.departs_on)
            .bind(t.capacity)
            .bind(t.carriages)
            .bind(t.plate.as_deref())
            .bind(t.driver.as_deref())
            .bind(t.arrival_place.as_str())
            .bind(t.arrives_at)
            .bind(actor.name.as_str())
            .bind(now()),
        )
        .await?;
    for chunk in (1..=t.capacity).collect::<Vec<_>>().chunks(400) {
        let values: Vec<String> = (0..chunk.len()).map(|i| format!("($1, ${})", i + 2)).collect();
        let mut query = crate::db::q_dynamic(format!(
            "INSERT INTO transport_seats (transport_id, seat_no) VALUES {}",
            values.join(", ")
        ))
        .bind(id);
        for seat in chunk {
            query = query.bind(*seat);
        }
        tx.execute(query).await?;
    }
    audit::append(&mut tx, actor, Entry::new("transport.create", "transport", id)).await?;
    tx.commit().await?;
    Ok(id)
}

fn refuse(key: &'static str) -> StoreError {
    StoreError::Refused(DomainError::Rule { field: Some("worker_id"), key })
}

/// Puts a worker on the lowest free seat and marks them booked; returns the seat. Refused when
/// the vehicle is full or the worker is already on one.
pub async fn board(db: &Db, actor: &Actor, transport_id: i64, worker_id: i64) -> Result<i64> {
    // Another clerk may take the same seat between our read and our write: try the next one.
    for _ in 0..20 {
        let mut tx = db.begin().await?;
        let free: Option<(i64,)> = tx
            .fetch_optional(
                q("SELECT s.seat_no FROM transport_seats s
                    WHERE s.transport_id = $1
                      AND NOT EXISTS (SELECT 1 FROM manifest m WHERE m.transport_id = s.transport_id AND m.seat_no = s.seat_no)
                    ORDER BY s.seat_no LIMIT 1")
                .bind(transport_id),
            )
            .await?;
        let Some((seat,)) = free else {
            return Err(refuse(KEY_FULL));
        };
        let inserted = tx
            .execute(
                q("INSERT INTO manifest (transport_id, seat_no, worker_id, added_by, added_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(transport_id)
                    .bind(seat)
                    .bind(worker_id)
                    .bind(actor.name.as_str())
                    .bind(now()),
            )
            .await;
        match inserted {
            Ok(_) => {}
            Err(StoreError::Conflict { constraint, .. }) if constraint.contains("worker") => {
                return Err(refuse(KEY_ALREADY_ON));
            }
            // The seat went to someone else meanwhile.
            Err(StoreError::Conflict { .. }) => continue,
            Err(e) => return Err(e),
        }
        tx.execute(
            q("UPDATE returning_workers SET status = 'booked', transport = (SELECT kind FROM transports WHERE id = $1),
                      updated_at = $2
                WHERE id = $3 AND status = 'registered'")
            .bind(transport_id)
            .bind(now())
            .bind(worker_id),
        )
        .await?;
        audit::append(
            &mut tx,
            actor,
            Entry::new("transport.board", "transport", transport_id)
                .detail(serde_json::json!({ "seat": seat })),
        )
        .await?;
        match tx.commit().await {
            Ok(()) => return Ok(seat),
            Err(StoreError::Conflict { .. }) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(StoreError::Unavailable("too many clerks on one vehicle at once; try again".into()))
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Passenger {
    pub seat_no: i64,
    pub worker_id: i64,
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub province: String,
    pub enterprise_id: i64,
    pub enterprise: String,
}

pub async fn manifest(db: &Db, transport_id: i64) -> Result<Vec<Passenger>> {
    db.fetch_all(
        q("SELECT m.seat_no, m.worker_id, w.name, w.id_number, w.phone, w.province, w.enterprise_id, e.name AS enterprise
             FROM manifest m JOIN returning_workers w ON w.id = m.worker_id JOIN enterprises e ON e.id = w.enterprise_id
            WHERE m.transport_id = $1 ORDER BY m.seat_no")
        .bind(transport_id),
    )
    .await
}
