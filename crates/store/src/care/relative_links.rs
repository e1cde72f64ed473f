//! Relatives' links (issue 20), the deliveries booked through them and their messages to the
//! front desk. Tokens are kept only as SHA-256. A booking joins the delivery log when the gate
//! receives it; a message is a request of the stay, marked as the relative's.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use yizhan_core::access::{Actor, Target};
use yizhan_core::care::relative_link::{BookingState, NewBooking, NewLink, Window, expires_at};
use yizhan_core::care::relatives::{DeliveryStatus, NewDelivery};
use yizhan_core::station::guest_request::{NewRequest, RequestKind};

use crate::admin::audit::{self, Entry};
use crate::admin::sessions::hash_token;
use crate::db::{Db, Result, now, q, q_dynamic};
use crate::error::StoreError;

/// A link with what the relative's page shows of the stay.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct RelativeLink {
    pub id: i64,
    pub stay_id: i64,
    pub station_id: i64,
    pub street_id: i64,
    pub station: String,
    /// The guest's name, unmasked: the web layer masks.
    pub guest_name: String,
    pub relative_name: String,
    pub relation: String,
    pub share_health: bool,
    pub created_by: String,
    pub consent: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub checked_in_at: DateTime<Utc>,
    pub planned_release: NaiveDate,
    pub ended_at: Option<DateTime<Utc>>,
}

impl RelativeLink {
    pub fn good(&self, at: DateTime<Utc>) -> bool {
        yizhan_core::care::relative_link::link_good(
            self.revoked_at.is_some(),
            self.expires_at,
            self.ended_at.is_none(),
            at,
        )
    }

    pub fn target(&self) -> Target {
        Target::Station { id: self.station_id, street: self.street_id }
    }
}

/// The actor a relative's writes are recorded under (the audit names the link, not the person).
pub fn relative_actor(link_id: i64) -> Actor {
    Actor { user_id: None, name: format!("relative:link:{link_id}") }
}

/// Who made a link on the guest's page.
pub const BY_GUEST: &str = "guest";

const SELECT: &str = "SELECT l.id, l.stay_id, s.station_id, st.street_id, st.name AS station,
        g.name AS guest_name, l.relative_name, l.relation, l.share_health, l.created_by, l.consent,
        l.created_at, l.expires_at, l.revoked_at, l.last_used_at, s.checked_in_at,
        s.planned_release, s.ended_at
   FROM relative_links l JOIN stays s ON s.id = l.stay_id JOIN guests g ON g.id = s.guest_id
   JOIN stations st ON st.id = s.station_id";

/// A link for one relative of the open stay `stay_id`; a link the same relative held is
/// revoked (one per relative). `by` is the guest's or the staff member's actor; `token` the
/// secret handed over, only its hash kept. Returns the link's id.
pub async fn create(
    db: &Db,
    by: &Actor,
    by_guest: bool,
    stay_id: i64,
    l: &NewLink,
    token: &str,
) -> Result<i64> {
    let mut tx = db.begin().await?;
    crate::station::health::station_of_open(&mut tx, stay_id).await?;
    let at = now();
    tx.execute(
        q("UPDATE relative_links SET revoked_at = $1
            WHERE stay_id = $2 AND relative_name = $3 AND revoked_at IS NULL")
        .bind(at)
        .bind(stay_id)
        .bind(l.relative_name.as_str()),
    )
    .await?;
    let created_by = if by_guest { BY_GUEST } else { by.name.as_str() };
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO relative_links (stay_id, relative_name, relation, token_hash,
                   share_health, created_by, consent, created_at, expires_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
            .bind(stay_id)
            .bind(l.relative_name.as_str())
            .bind(l.relation.as_str())
            .bind(hash_token(token))
            .bind(l.share_health)
            .bind(created_by)
            .bind(l.consent.clone())
            .bind(at)
            .bind(expires_at(at)),
        )
        .await?;
    audit::append(
        &mut tx,
        by,
        Entry::new("relative_link.create", "stay", stay_id).detail(serde_json::json!({
            "link": id, "share_health": l.share_health, "consent": l.consent,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn get(db: &Db, id: i64) -> Result<RelativeLink> {
    db.fetch_one(q_dynamic(format!("{SELECT} WHERE l.id = $1")).bind(id)).await
}

/// The link whose token is `token`, good or not.
pub async fn find(db: &Db, token: &str) -> Result<Option<RelativeLink>> {
    db.fetch_optional(
        q_dynamic(format!("{SELECT} WHERE l.token_hash = $1")).bind(hash_token(token)),
    )
    .await
}

/// A stay's links, good ones first, the latest first.
pub async fn of_stay(db: &Db, stay_id: i64) -> Result<Vec<RelativeLink>> {
    db.fetch_all(
        q_dynamic(format!(
            "{SELECT} WHERE l.stay_id = $1 ORDER BY (l.revoked_at IS NOT NULL), l.id DESC"
        ))
        .bind(stay_id),
    )
    .await
}

/// Revokes link `id`, audited under `by` (the guest or staff).
pub async fn revoke(db: &Db, by: &Actor, id: i64) -> Result<()> {
    let mut tx = db.begin().await?;
    let (stay_id,): (i64,) =
        tx.fetch_one(q("SELECT stay_id FROM relative_links WHERE id = $1").bind(id)).await?;
    tx.execute(
        q("UPDATE relative_links SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now())
            .bind(id),
    )
    .await?;
    audit::append(
        &mut tx,
        by,
        Entry::new("relative_link.revoke", "stay", stay_id)
            .detail(serde_json::json!({ "link": id })),
    )
    .await?;
    tx.commit().await
}

/// The relative opened the page.
pub async fn used(db: &Db, id: i64) -> Result<()> {
    db.execute(q("UPDATE relative_links SET last_used_at = $1 WHERE id = $2").bind(now()).bind(id))
        .await?;
    Ok(())
}

/// A delivery booked through a link, with the delivery it became at the gate.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Booking {
    pub id: i64,
    pub link_id: i64,
    pub stay_id: i64,
    pub station_id: i64,
    pub room_number: String,
    pub guest_name: String,
    pub relative_name: String,
    pub relation: String,
    pub item: String,
    pub day: NaiveDate,
    #[sqlx(try_from = "String")]
    pub time_window: Window,
    #[sqlx(try_from = "String")]
    pub state: BookingState,
    pub delivery_id: Option<i64>,
    /// The delivery's status once received.
    pub delivery_status: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl Booking {
    pub fn delivery_status(&self) -> Option<DeliveryStatus> {
        self.delivery_status.as_deref().and_then(DeliveryStatus::parse)
    }
}

const BOOKING_SELECT: &str = "SELECT b.id, b.link_id, b.stay_id, b.station_id,
        r.number AS room_number, g.name AS guest_name, l.relative_name, l.relation, b.item, b.day,
        b.time_window, b.state, b.delivery_id, d.status AS delivery_status, b.created_at
   FROM delivery_bookings b JOIN relative_links l ON l.id = b.link_id
   JOIN stays s ON s.id = b.stay_id JOIN rooms r ON r.id = s.room_id
   JOIN guests g ON g.id = s.guest_id LEFT JOIN deliveries d ON d.id = b.delivery_id";

/// A delivery booked through a good link. Returns the booking's id.
pub async fn book(db: &Db, link: &RelativeLink, b: &NewBooking) -> Result<i64> {
    let mut tx = db.begin().await?;
    crate::station::health::station_of_open(&mut tx, link.stay_id).await?;
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO delivery_bookings (link_id, stay_id, station_id, item, day, time_window,
                   state, created_at)
               VALUES ($1, $2, $3, $4, $5, $6, 'booked', $7) RETURNING id")
            .bind(link.id)
            .bind(link.stay_id)
            .bind(link.station_id)
            .bind(b.item.as_str())
            .bind(b.day)
            .bind(b.window.as_str())
            .bind(now()),
        )
        .await?;
    audit::append(
        &mut tx,
        &relative_actor(link.id),
        Entry::new("delivery.book", "delivery_booking", id)
            .detail(serde_json::json!({ "stay_id": link.stay_id, "day": b.day })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn booking(db: &Db, id: i64) -> Result<Booking> {
    db.fetch_one(q_dynamic(format!("{BOOKING_SELECT} WHERE b.id = $1")).bind(id)).await
}

/// The bookings made through one link, the latest first.
pub async fn bookings_of_link(db: &Db, link_id: i64) -> Result<Vec<Booking>> {
    db.fetch_all(
        q_dynamic(format!("{BOOKING_SELECT} WHERE b.link_id = $1 ORDER BY b.id DESC"))
            .bind(link_id),
    )
    .await
}

/// A station's bookings not yet at the gate, by day and window.
pub async fn bookings_waiting(db: &Db, station_id: i64) -> Result<Vec<Booking>> {
    db.fetch_all(
        q_dynamic(format!(
            "{BOOKING_SELECT} WHERE b.station_id = $1 AND b.state = 'booked'
              ORDER BY b.day, b.time_window, b.id"
        ))
        .bind(station_id),
    )
    .await
}

/// The gate received a booked delivery: it joins the delivery log as received (to be
/// disinfected), once — a booking received meanwhile by someone else is refused. Returns the
/// delivery's id.
pub async fn receive(db: &Db, actor: &Actor, booking_id: i64) -> Result<i64> {
    let b = booking(db, booking_id).await?;
    let mut tx = db.begin().await?;
    let d = NewDelivery {
        stay_id: b.stay_id,
        sender: format!("{}（{}）", b.relative_name, b.relation),
        item: b.item.clone(),
    };
    let delivery = crate::care::relatives::receive_tx(&mut tx, actor, b.station_id, &d).await?;
    let n = tx
        .execute(
            q("UPDATE delivery_bookings SET state = 'received', delivery_id = $1
                WHERE id = $2 AND state = 'booked'")
            .bind(delivery)
            .bind(booking_id),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::rule(Some("state"), "error.booking_state"));
    }
    audit::append(
        &mut tx,
        actor,
        Entry::new("delivery.receive", "delivery", delivery)
            .detail(serde_json::json!({ "booking": booking_id })),
    )
    .await?;
    tx.commit().await?;
    Ok(delivery)
}

/// A relative's message to the front desk: a request of the stay of the kind "other", routed
/// and timed as the guest's own would be. Returns the request's id.
pub async fn message(db: &Db, link: &RelativeLink, text: &str) -> Result<i64> {
    let mut tx = db.begin().await?;
    let r = NewRequest { kind: RequestKind::Other, text: text.to_owned() };
    let id = crate::station::guest_requests::create_tx(
        &mut tx,
        link.stay_id,
        &r,
        Some(link.id),
        &relative_actor(link.id),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
