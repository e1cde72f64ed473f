//! Room-card links to a guest's own page, the browsers that proved themselves on them, and what
//! guests report of themselves. Tokens and device secrets are kept only as SHA-256; a link is
//! good while its stay is open and it is not revoked (a new card, a room change, the check-out).

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use yizhan_core::access::Actor;
use yizhan_core::station::guest_link::{LinkState, link_state};
use yizhan_core::station::health::{NewHealthCheck, Slot, raises_alert};

use crate::admin::audit::{self, Entry};
use crate::admin::sessions::hash_token;
use crate::db::{Db, Result, Tx, now, q};

/// A link with what its page shows of the stay. Holds the document number for the second
/// factor: never serialised to the page.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GuestLink {
    pub id: i64,
    pub stay_id: i64,
    pub station_id: i64,
    pub station: String,
    pub guest_id: i64,
    pub name: String,
    pub doc_number: String,
    pub room_number: String,
    pub checked_in_at: DateTime<Utc>,
    pub planned_release: NaiveDate,
    pub ended_at: Option<DateTime<Utc>>,
    pub outcome: Option<String>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub failures: i64,
    pub locked_until: Option<DateTime<Utc>>,
    /// The station's notice to its guests.
    pub guest_notice: String,
}

impl GuestLink {
    /// What the link opens at `now`: the page, the page read only after a release, or nothing.
    pub fn state(&self, now: DateTime<Utc>) -> LinkState {
        link_state(
            self.revoked_at.is_some(),
            self.ended_at,
            self.outcome.as_deref() == Some("released"),
            now,
        )
    }
}

/// The actor a guest's own writes are recorded under (the audit names the stay, not the person).
pub fn guest_actor(stay_id: i64) -> Actor {
    Actor { user_id: None, name: format!("guest:stay:{stay_id}") }
}

/// Makes a new link for stay `stay_id` (an open stay), revoking the ones before it: one printed
/// card works at a time. `token` is the secret printed; only its hash is kept.
pub async fn create(db: &Db, actor: &Actor, stay_id: i64, token: &str) -> Result<i64> {
    let mut tx = db.begin().await?;
    crate::station::health::station_of_open(&mut tx, stay_id).await?;
    let at = now();
    revoke_of_stay(&mut tx, stay_id, at).await?;
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO guest_links (stay_id, token_hash, created_by, created_at)
               VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(stay_id)
            .bind(hash_token(token))
            .bind(actor.name.as_str())
            .bind(at),
        )
        .await?;
    audit::append(&mut tx, actor, Entry::new("guest_link.create", "stay", stay_id)).await?;
    tx.commit().await?;
    Ok(id)
}

/// Revokes every link of a stay still good (a room change, a check-out, a new card).
pub(crate) async fn revoke_of_stay(tx: &mut Tx, stay_id: i64, at: DateTime<Utc>) -> Result<u64> {
    tx.execute(
        q("UPDATE guest_links SET revoked_at = $1 WHERE stay_id = $2 AND revoked_at IS NULL")
            .bind(at)
            .bind(stay_id),
    )
    .await
}

/// Revokes the stay's links by a person's decision, audited.
pub async fn revoke(db: &Db, actor: &Actor, stay_id: i64) -> Result<u64> {
    let mut tx = db.begin().await?;
    let n = revoke_of_stay(&mut tx, stay_id, now()).await?;
    audit::append(&mut tx, actor, Entry::new("guest_link.revoke", "stay", stay_id)).await?;
    tx.commit().await?;
    Ok(n)
}

const SELECT: &str = "SELECT l.id, l.stay_id, s.station_id, st.name AS station, s.guest_id, g.name,
        g.doc_number, r.number AS room_number, s.checked_in_at, s.planned_release, s.ended_at,
        s.outcome, l.revoked_at, l.failures, l.locked_until, st.guest_notice
   FROM guest_links l JOIN stays s ON s.id = l.stay_id JOIN guests g ON g.id = s.guest_id
   JOIN rooms r ON r.id = s.room_id JOIN stations st ON st.id = s.station_id";

/// The link whose token is `token`, good or not (a printed card of a closed stay says so).
pub async fn find(db: &Db, token: &str) -> Result<Option<GuestLink>> {
    db.fetch_optional(
        crate::db::q_dynamic(format!("{SELECT} WHERE l.token_hash = $1")).bind(hash_token(token)),
    )
    .await
}

/// Whether a browser holding `device` proved itself on link `id`.
pub async fn device_known(db: &Db, id: i64, device: &str) -> Result<bool> {
    let found: Option<(i64,)> = db
        .fetch_optional(
            q("SELECT id FROM guest_devices WHERE link_id = $1 AND device_hash = $2")
                .bind(id)
                .bind(hash_token(device)),
        )
        .await?;
    Ok(found.is_some())
}

/// A wrong answer to the second factor: the failures so far and the lock, as the rule says.
pub async fn failed(
    db: &Db,
    id: i64,
    failures: i64,
    locked_until: Option<DateTime<Utc>>,
) -> Result<()> {
    db.execute(
        q("UPDATE guest_links SET failures = $1, locked_until = $2 WHERE id = $3")
            .bind(failures)
            .bind(locked_until)
            .bind(id),
    )
    .await?;
    Ok(())
}

/// A browser proved itself: its device secret kept (hashed), the failures forgotten.
pub async fn add_device(db: &Db, id: i64, stay_id: i64, device: &str) -> Result<()> {
    let mut tx = db.begin().await?;
    let at = now();
    tx.execute(
        q("INSERT INTO guest_devices (link_id, device_hash, created_at) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(hash_token(device))
            .bind(at),
    )
    .await?;
    tx.execute(
        q("UPDATE guest_links SET failures = 0, locked_until = NULL, last_used_at = $1 WHERE id = $2")
            .bind(at)
            .bind(id),
    )
    .await?;
    audit::append(&mut tx, &guest_actor(stay_id), Entry::new("guest_link.device", "stay", stay_id))
        .await?;
    tx.commit().await
}

/// A reading a guest reports of themselves.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct SelfReport {
    pub day: NaiveDate,
    pub slot: String,
    pub temperature: i64,
    pub symptoms: String,
    pub reported_at: DateTime<Utc>,
}

/// Keeps the guest's own reading of a slot (a second one replaces the first); a fever or a
/// symptom raises the alert a staff reading would, marked self-reported. Returns the alert.
pub async fn self_report(
    db: &Db,
    stay_id: i64,
    day: NaiveDate,
    slot: Slot,
    c: &NewHealthCheck,
) -> Result<Option<i64>> {
    let mut tx = db.begin().await?;
    let station_id = crate::station::health::station_of_open(&mut tx, stay_id).await?;
    let symptoms: Vec<&str> = c.symptoms.iter().map(|s| s.as_str()).collect();
    tx.execute(
        q("INSERT INTO self_reports (stay_id, station_id, day, slot, temperature, symptoms, reported_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (stay_id, day, slot) DO UPDATE SET temperature = excluded.temperature,
               symptoms = excluded.symptoms, reported_at = excluded.reported_at")
        .bind(stay_id)
        .bind(station_id)
        .bind(day)
        .bind(slot.as_str())
        .bind(c.temperature.0)
        .bind(symptoms.join(","))
        .bind(now()),
    )
    .await?;
    let alert = match raises_alert(c.temperature, &c.symptoms) {
        Some(reason) => {
            let detail = format!("{} {}", c.temperature, symptoms.join(","));
            let id =
                crate::station::health::raise(&mut tx, station_id, stay_id, reason, detail.trim())
                    .await?;
            if let Some(id) = id {
                tx.execute(q("UPDATE alerts SET self_reported = TRUE WHERE id = $1").bind(id))
                    .await?;
            }
            id
        }
        None => None,
    };
    audit::append(
        &mut tx,
        &guest_actor(stay_id),
        Entry::new("health.self_report", "stay", stay_id).detail(serde_json::json!({
            "day": day, "slot": slot.as_str(), "alert": alert,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(alert)
}

/// A stay's own reports, the latest first.
pub async fn self_reports(db: &Db, stay_id: i64) -> Result<Vec<SelfReport>> {
    db.fetch_all(
        q("SELECT day, slot, temperature, symptoms, reported_at FROM self_reports
            WHERE stay_id = $1 ORDER BY day DESC, slot DESC")
        .bind(stay_id),
    )
    .await
}

/// The guests' own reports of a station's day, by stay and slot (shown beside staff readings).
pub async fn self_reports_of_day(
    db: &Db,
    station_id: i64,
    day: NaiveDate,
) -> Result<Vec<(i64, String, i64, String)>> {
    db.fetch_all(
        q("SELECT stay_id, slot, temperature, symptoms FROM self_reports
            WHERE station_id = $1 AND day = $2")
        .bind(station_id)
        .bind(day),
    )
    .await
}
