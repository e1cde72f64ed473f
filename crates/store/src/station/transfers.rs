//! Transfers to another station (转运至其他驿站): the sending stay ended and the guest in transit,
//! then accepted by a receiving station into a bed, once. The transfer's row is the lock: a
//! second acceptance waits on it and finds the guest taken; the database keeps one transfer in
//! transit per guest, and a guest in transit cannot be checked in again at home.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use yizhan_core::access::Actor;
use yizhan_core::error::DomainError;
use yizhan_core::station::quarantine::{calendar_of, release_after};
use yizhan_core::station::stay::Outcome;
use yizhan_core::station::transfer::{TransferOrder, TransferState, days_left};
use yizhan_core::time::local_date;

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Result, Tx, now, q, q_dynamic};
use crate::error::StoreError;
use crate::station::guests::REGISTRATION;
use crate::station::policies::PolicyRow;
use crate::station::stays::{self, CheckIn, Stay};

/// A transfer with the names a list shows (the guest's unmasked: the web layer masks).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Transfer {
    pub id: i64,
    pub stay_id: i64,
    pub guest_id: i64,
    pub guest_name: String,
    pub doc_number: String,
    #[sqlx(try_from = "String")]
    pub category: yizhan_core::station::guest::GuestCategory,
    pub from_station_id: i64,
    pub from_station: String,
    pub to_station_id: Option<i64>,
    pub to_station: Option<String>,
    pub reason: String,
    #[sqlx(try_from = "String")]
    pub state: TransferState,
    pub sent_by: String,
    pub sent_at: DateTime<Utc>,
    pub planned_release: NaiveDate,
    pub policy_code: String,
    pub accepted_stay_id: Option<i64>,
    pub accepted_by: Option<String>,
    pub accepted_at: Option<DateTime<Utc>>,
}

const SELECT: &str = "SELECT t.id, t.stay_id, t.guest_id, g.name AS guest_name, g.doc_number, g.category,
        t.from_station_id, fs.name AS from_station, t.to_station_id, ts.name AS to_station, t.reason,
        t.state, t.sent_by, t.sent_at, s.planned_release, p.code AS policy_code,
        t.accepted_stay_id, t.accepted_by, t.accepted_at
   FROM stay_transfers t
   JOIN guests g ON g.id = t.guest_id
   JOIN stays s ON s.id = t.stay_id
   JOIN quarantine_policies p ON p.id = s.policy_id
   JOIN stations fs ON fs.id = t.from_station_id
   LEFT JOIN stations ts ON ts.id = t.to_station_id";

pub async fn get(db: &Db, id: i64) -> Result<Transfer> {
    db.fetch_one(q_dynamic(format!("{SELECT} WHERE t.id = $1")).bind(id)).await
}

/// Guests on their way to `station_id`: addressed to it, or to any station (not one it refused);
/// the oldest first.
pub async fn incoming(db: &Db, station_id: i64) -> Result<Vec<Transfer>> {
    db.fetch_all(
        q_dynamic(format!(
            "{SELECT} WHERE t.state = 'in_transit' AND (t.to_station_id = $1 OR t.to_station_id IS NULL)
                        AND t.from_station_id <> $1
                        AND NOT EXISTS (SELECT 1 FROM transfer_routes r WHERE r.transfer_id = t.id
                                         AND r.kind = 'refused' AND r.station_id = $1)
              ORDER BY t.sent_at, t.id"
        ))
        .bind(station_id),
    )
    .await
}

/// Every guest in transit in the district, the oldest first (the command's dispatch).
pub async fn in_transit(db: &Db) -> Result<Vec<Transfer>> {
    db.fetch_all(q_dynamic(format!(
        "{SELECT} WHERE t.state = 'in_transit' ORDER BY t.sent_at, t.id"
    )))
    .await
}

/// A page of the transfers out of and into `station_id`, the latest first.
pub async fn of_station(
    db: &Db,
    station_id: i64,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Transfer>, i64)> {
    let rows = db
        .fetch_all(
            q_dynamic(format!(
                "{SELECT} WHERE t.from_station_id = $1 OR (t.state = 'accepted' AND t.to_station_id = $1)
                  ORDER BY t.sent_at DESC, t.id DESC LIMIT {} OFFSET {}",
                limit.clamp(1, 500),
                offset.max(0)
            ))
            .bind(station_id),
        )
        .await?;
    let (n,): (i64,) = db
        .fetch_one(
            q("SELECT COUNT(*) FROM stay_transfers
                WHERE from_station_id = $1 OR (state = 'accepted' AND to_station_id = $1)")
            .bind(station_id),
        )
        .await?;
    Ok((rows, n))
}

/// The transfers a guest's record took part in: sent from it, or arrived as it.
pub async fn of_guest(db: &Db, guest_id: i64) -> Result<Vec<Transfer>> {
    db.fetch_all(
        q_dynamic(format!(
            "{SELECT} WHERE t.guest_id = $1
                OR t.accepted_stay_id IN (SELECT id FROM stays WHERE guest_id = $1)
              ORDER BY t.sent_at DESC, t.id DESC"
        ))
        .bind(guest_id),
    )
    .await
}

/// How many guests are on the road between stations now (counted at no station).
pub async fn in_transit_count(db: &Db) -> Result<i64> {
    let (n,): (i64,) =
        db.fetch_one(q("SELECT COUNT(*) FROM stay_transfers WHERE state = 'in_transit'")).await?;
    Ok(n)
}

/// Ends the open stay `stay_id` as transferred and puts the guest in transit.
pub async fn send(db: &Db, actor: &Actor, stay_id: i64, o: &TransferOrder) -> Result<Transfer> {
    let mut tx = db.begin().await?;
    if let Some(to) = o.to_station {
        let found: Option<(i64,)> =
            tx.fetch_optional(q("SELECT id FROM stations WHERE id = $1").bind(to)).await?;
        if found.is_none() {
            return Err(DomainError::Rule {
                field: Some("station_id"),
                key: "error.station_unknown",
            }
            .into());
        }
    }
    let stay =
        stays::end(&mut tx, actor, stay_id, Outcome::TransferredOther, Some(&o.reason)).await?;
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO stay_transfers (stay_id, guest_id, from_station_id, to_station_id, reason, state, sent_by, sent_at)
               VALUES ($1, $2, $3, $4, $5, 'in_transit', $6, $7) RETURNING id")
            .bind(stay.id)
            .bind(stay.guest_id)
            .bind(stay.station_id)
            .bind(o.to_station)
            .bind(o.reason.as_str())
            .bind(actor.name.as_str())
            .bind(now()),
        )
        .await?;
    audit::append(
        &mut tx,
        actor,
        Entry::new("stay.transfer_out", "stay", stay.id)
            .detail(serde_json::json!({ "transfer": id, "to_station": o.to_station })),
    )
    .await?;
    tx.commit().await?;
    get(db, id).await
}

/// Accepts the guest of transfer `id` into a bed of `room_id` (a room of the receiving station):
/// the guest's record at that station found by document or copied there with their relatives,
/// a stay opened for the rest of the period (tested on arrival's calendar and on its last day).
/// A transfer already accepted, or addressed to another station, is refused.
pub async fn accept(db: &Db, actor: &Actor, id: i64, room_id: i64) -> Result<Stay> {
    let mut tx = db.begin().await?;
    let station: Option<(i64,)> =
        tx.fetch_optional(q("SELECT station_id FROM rooms WHERE id = $1").bind(room_id)).await?;
    let Some((station,)) = station else {
        return Err(
            DomainError::Rule { field: Some("room_id"), key: "error.room_not_ready" }.into()
        );
    };
    // The transfer's row first: a second acceptance, here or at another station, waits on it and
    // then no longer finds it in transit.
    let n = tx
        .execute(
            q("UPDATE stay_transfers SET state = state
                WHERE id = $1 AND state = 'in_transit'
                  AND (to_station_id IS NULL OR to_station_id = $2) AND from_station_id <> $2")
            .bind(id)
            .bind(station),
        )
        .await?;
    if n == 0 {
        return Err(DomainError::Rule { field: None, key: "error.transfer_taken" }.into());
    }
    let (sent_stay, sent_guest): (i64, i64) = tx
        .fetch_one(q("SELECT stay_id, guest_id FROM stay_transfers WHERE id = $1").bind(id))
        .await?;
    let sent = stays::get_tx(&mut tx, sent_stay).await?;
    let policy: PolicyRow = tx
        .fetch_one(q("SELECT * FROM quarantine_policies WHERE id = $1").bind(sent.policy_id))
        .await?;
    let guest = guest_at(&mut tx, sent_guest, station).await?;
    tx.execute(q("UPDATE guests SET region = region WHERE id = $1").bind(guest)).await?;
    let at = now();
    let days = days_left(sent.planned_release, local_date(at));
    let c =
        CheckIn { station_id: station, guest_id: guest, room_id, policy_id: sent.policy_id, at };
    let calendar = calendar_of(&policy.policy(), at, days);
    let stay = stays::open(
        &mut tx,
        actor,
        &c,
        &policy.code,
        release_after(at, days),
        &calendar,
        Some(sent.station_id),
    )
    .await?;
    tx.execute(
        q("UPDATE stay_transfers SET state = 'accepted', to_station_id = $1, accepted_stay_id = $2,
                  accepted_by = $3, accepted_at = $4 WHERE id = $5")
        .bind(station)
        .bind(stay)
        .bind(actor.name.as_str())
        .bind(at)
        .bind(id),
    )
    .await?;
    tx.commit().await?;
    stays::get(db, stay).await
}

/// The guest's record at `station`: the one with the same document, or a copy of the sending
/// station's record (with the relatives) made now. A guest whose record there is in a stay
/// already is refused.
async fn guest_at(tx: &mut Tx, guest: i64, station: i64) -> Result<i64> {
    let found: Option<(i64,)> = tx
        .fetch_optional(
            q("SELECT h.id FROM guests g JOIN guests h
                  ON h.doc_type = g.doc_type AND h.doc_number = g.doc_number AND h.station_id = $2
                WHERE g.id = $1")
            .bind(guest)
            .bind(station),
        )
        .await?;
    if let Some((id,)) = found {
        let open: Option<(i64,)> = tx
            .fetch_optional(
                q("SELECT id FROM stays WHERE guest_id = $1 AND ended_at IS NULL").bind(id),
            )
            .await?;
        if open.is_some() {
            return Err(StoreError::from(DomainError::Rule {
                field: None,
                key: "error.guest_in_stay",
            }));
        }
        return Ok(id);
    }
    let t = now();
    let (id,): (i64,) = tx
        .fetch_one(
            q_dynamic(format!(
                "INSERT INTO guests (station_id, {REGISTRATION}, created_at, updated_at)
                 SELECT $2, {REGISTRATION}, $3, $3 FROM guests WHERE id = $1 RETURNING id"
            ))
            .bind(guest)
            .bind(station)
            .bind(t),
        )
        .await?;
    tx.execute(
        q("INSERT INTO relatives (guest_id, name, relation, phone, created_at)
           SELECT $2, name, relation, phone, $3 FROM relatives WHERE guest_id = $1 ORDER BY id")
        .bind(guest)
        .bind(id)
        .bind(t),
    )
    .await?;
    Ok(id)
}
