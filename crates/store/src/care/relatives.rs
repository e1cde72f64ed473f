//! Relatives' contact log and deliveries.

use chrono::{DateTime, Utc};
use serde::Serialize;
use yizhan_core::access::Actor;
use yizhan_core::care::relatives::{DeliveryStatus, NewContact, NewDelivery, check_delivery_step};

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Result, Tx, now, q};
use crate::error::StoreError;
use yizhan_core::care::relatives::Channel;
use yizhan_core::care::relatives::Direction;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Contact {
    pub id: i64,
    pub stay_id: i64,
    pub room_number: String,
    pub guest_name: String,
    pub relative_name: String,
    #[sqlx(try_from = "String")]
    pub channel: Channel,
    #[sqlx(try_from = "String")]
    pub direction: Direction,
    pub topic: String,
    pub outcome: Option<String>,
    pub staff: String,
    pub at: DateTime<Utc>,
}

pub async fn record_contact(
    db: &Db,
    actor: &Actor,
    station_id: i64,
    c: &NewContact,
) -> Result<i64> {
    let mut tx = db.begin().await?;
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO relative_contacts (station_id, stay_id, relative_name, channel, direction, topic, outcome, staff, at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
            .bind(station_id)
            .bind(c.stay_id)
            .bind(c.relative_name.as_str())
            .bind(c.channel.as_str())
            .bind(c.direction.as_str())
            .bind(c.topic.as_str())
            .bind(c.outcome.clone())
            .bind(actor.name.as_str())
            .bind(now()),
        )
        .await?;
    audit::append(&mut tx, actor, Entry::new("relatives.contact", "stay", c.stay_id)).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn contacts(db: &Db, station_id: i64, limit: i64) -> Result<Vec<Contact>> {
    db.fetch_all(
        q("SELECT c.id, c.stay_id, r.number AS room_number, g.name AS guest_name, c.relative_name, c.channel,
                  c.direction, c.topic, c.outcome, c.staff, c.at
             FROM relative_contacts c JOIN stays s ON s.id = c.stay_id JOIN rooms r ON r.id = s.room_id
             JOIN guests g ON g.id = s.guest_id
            WHERE c.station_id = $1 ORDER BY c.at DESC, c.id DESC LIMIT $2")
        .bind(station_id)
        .bind(limit),
    )
    .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Delivery {
    pub id: i64,
    pub station_id: i64,
    pub stay_id: i64,
    pub room_number: String,
    pub guest_name: String,
    pub sender: String,
    pub item: String,
    #[sqlx(try_from = "String")]
    pub status: DeliveryStatus,
    pub received_by: String,
    pub received_at: DateTime<Utc>,
    pub disinfected_by: Option<String>,
    pub disinfected_at: Option<DateTime<Utc>>,
    pub delivered_by: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub note: Option<String>,
}

const DELIVERY_SELECT: &str = "SELECT d.id, d.station_id, d.stay_id, r.number AS room_number, g.name AS guest_name,
        d.sender, d.item, d.status, d.received_by, d.received_at, d.disinfected_by, d.disinfected_at,
        d.delivered_by, d.delivered_at, d.note
   FROM deliveries d JOIN stays s ON s.id = d.stay_id JOIN rooms r ON r.id = s.room_id
   JOIN guests g ON g.id = s.guest_id";

pub async fn receive(db: &Db, actor: &Actor, station_id: i64, d: &NewDelivery) -> Result<i64> {
    let mut tx = db.begin().await?;
    let id = receive_tx(&mut tx, actor, station_id, d).await?;
    audit::append(&mut tx, actor, Entry::new("delivery.receive", "delivery", id)).await?;
    tx.commit().await?;
    Ok(id)
}

/// A delivery received at the gate, to be disinfected, within `tx` (also a relative's booking
/// as it arrives). Returns its id.
pub(crate) async fn receive_tx(
    tx: &mut Tx,
    actor: &Actor,
    station_id: i64,
    d: &NewDelivery,
) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO deliveries (station_id, stay_id, sender, item, status, received_by, received_at)
               VALUES ($1, $2, $3, $4, 'received', $5, $6) RETURNING id")
            .bind(station_id)
            .bind(d.stay_id)
            .bind(d.sender.as_str())
            .bind(d.item.as_str())
            .bind(actor.name.as_str())
            .bind(now()),
        )
        .await?;
    Ok(id)
}

pub async fn deliveries(db: &Db, station_id: i64, limit: i64) -> Result<Vec<Delivery>> {
    db.fetch_all(
        crate::db::q_dynamic(format!(
            "{DELIVERY_SELECT} WHERE d.station_id = $1
              ORDER BY CASE WHEN d.status IN ('received', 'disinfected') THEN 0 ELSE 1 END, d.received_at DESC LIMIT $2"
        ))
        .bind(station_id)
        .bind(limit),
    )
    .await
}

pub async fn delivery(db: &Db, id: i64) -> Result<Delivery> {
    db.fetch_one(crate::db::q_dynamic(format!("{DELIVERY_SELECT} WHERE d.id = $1")).bind(id)).await
}

/// Moves a delivery one step, conditional on the status read (two people cannot both deliver).
pub async fn step(
    db: &Db,
    actor: &Actor,
    id: i64,
    to: DeliveryStatus,
    note: Option<&str>,
) -> Result<()> {
    let d = delivery(db, id).await?;
    let from = d.status;
    check_delivery_step(from, to, note)?;
    let t = now();
    let sql = match to {
        DeliveryStatus::Disinfected => {
            "UPDATE deliveries SET status = $1, disinfected_by = $2, disinfected_at = $3, note = COALESCE($4, note) WHERE id = $5 AND status = $6"
        }
        DeliveryStatus::Delivered => {
            "UPDATE deliveries SET status = $1, delivered_by = $2, delivered_at = $3, note = COALESCE($4, note) WHERE id = $5 AND status = $6"
        }
        _ => {
            "UPDATE deliveries SET status = $1, delivered_by = $2, delivered_at = $3, note = $4 WHERE id = $5 AND status = $6"
        }
    };
    let mut tx = db.begin().await?;
    let n = tx
        .execute(
            q(sql)
                .bind(to.as_str())
                .bind(actor.name.as_str())
                .bind(t)
                .bind(note.map(str::to_owned))
                .bind(id)
                .bind(from.as_str()),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Conflict {
            constraint: "delivery_status_changed".into(),
            field: "status".into(),
        });
    }
    audit::append(
        &mut tx,
        actor,
        Entry::new("delivery.step", "delivery", id)
            .detail(serde_json::json!({ "to": to.as_str() })),
    )
    .await?;
    tx.commit().await
}
