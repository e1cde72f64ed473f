//! Incidents (事故) and complaints (投诉): ledgers that feed the KPI counters.

use chrono::{DateTime, Utc};
use serde::Serialize;
use yizhan_core::access::Actor;
use yizhan_core::care::incident::{
    ComplaintStatus, NewComplaint, NewIncident, check_complaint_step,
};

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Result, now, q};
use crate::error::StoreError;
use yizhan_core::care::incident::ComplaintSource;
use yizhan_core::care::incident::IncidentKind;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct Incident {
    pub id: i64,
    pub station_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: IncidentKind,
    pub occurred_at: DateTime<Utc>,
    pub place: String,
    pub description: String,
    pub injured: i64,
    pub action_taken: Option<String>,
    pub reported_by: String,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by: Option<String>,
    pub close_note: Option<String>,
}

pub async fn record_incident(
    db: &Db,
    actor: &Actor,
    station_id: i64,
    i: &NewIncident,
) -> Result<i64> {
    let mut tx = db.begin().await?;
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO incidents (station_id, kind, occurred_at, place, description, injured, action_taken, reported_by, created_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
            .bind(station_id)
            .bind(i.kind.as_str())
            .bind(i.occurred_at)
            .bind(i.place.as_str())
            .bind(i.description.as_str())
            .bind(i.injured)
            .bind(i.action_taken.clone())
            .bind(actor.name.as_str())
            .bind(now()),
        )
        .await?;
    // The station's group hears of it in the same transaction (what and where, never who).
    let (station,): (String,) =
        tx.fetch_one(q("SELECT name FROM stations WHERE id = $1").bind(station_id)).await?;
    let facts = serde_json::json!({
        "station": station, "kind": i.kind.as_str(), "place": i.place, "injured": i.injured, "at": i.occurred_at,
        "link": format!("/incidents/{id}"),
    });
    let e = crate::notify::outbox::Event {
        source: "incident",
        source_id: id,
        event: "recorded",
        severity: yizhan_core::notify::severity_of_incident(i.kind, i.injured),
        station_id: Some(station_id),
        facts: &facts,
        at: i.occurred_at,
    };
    crate::notify::outbox::enqueue_nearest(&mut tx, &e).await?;
    audit::append(
        &mut tx,
        actor,
        Entry::new("incident.record", "incident", id)
            .detail(serde_json::json!({ "station_id": station_id, "kind": i.kind.as_str() })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn incidents(db: &Db, station_id: i64) -> Result<Vec<Incident>> {
    db.fetch_all(
        q("SELECT id, station_id, kind, occurred_at, place, description, injured, action_taken, reported_by,
                  closed_at, closed_by, close_note
             FROM incidents WHERE station_id = $1 ORDER BY occurred_at DESC, id DESC")
        .bind(station_id),
    )
    .await
}

pub async fn incident(db: &Db, id: i64) -> Result<Incident> {
    db.fetch_one(
        q("SELECT id, station_id, kind, occurred_at, place, description, injured, action_taken, reported_by,
                  closed_at, closed_by, close_note
             FROM incidents WHERE id = $1")
        .bind(id),
    )
    .await
}

/// Closes an incident once, after review; a second close is refused with its own message.
pub async fn close_incident(db: &Db, actor: &Actor, id: i64, note: &str) -> Result<()> {
    let mut tx = db.begin().await?;
    let n = tx
        .execute(
            q("UPDATE incidents SET closed_at = $1, closed_by = $2, close_note = $3 WHERE id = $4 AND closed_at IS NULL")
                .bind(now())
                .bind(actor.name.as_str())
                .bind(note)
                .bind(id),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Refused(yizhan_core::error::DomainError::Rule {
            field: Some("note"),
            key: yizhan_core::care::incident::KEY_INCIDENT_CLOSED,
        }));
    }
    audit::append(&mut tx, actor, Entry::new("incident.close", "incident", id)).await?;
    tx.commit().await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct Complaint {
    pub id: i64,
    pub station_id: i64,
    pub stay_id: Option<i64>,
    pub room_number: Option<String>,
    #[sqlx(try_from = "String")]
    pub source: ComplaintSource,
    pub complainant: String,
    pub topic: String,
    pub detail: String,
    #[sqlx(try_from = "String")]
    pub status: ComplaintStatus,
    pub received_at: DateTime<Utc>,
    pub received_by: String,
    pub resolution: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolved_by: Option<String>,
}

impl Complaint {
    pub fn status(&self) -> ComplaintStatus {
        self.status
    }
}

const COMPLAINT_SELECT: &str = "SELECT c.id, c.station_id, c.stay_id, r.number AS room_number, c.source, c.complainant,
        c.topic, c.detail, c.status, c.received_at, c.received_by, c.resolution, c.resolved_at, c.resolved_by
   FROM complaints c LEFT JOIN stays s ON s.id = c.stay_id LEFT JOIN rooms r ON r.id = s.room_id";

pub async fn record_complaint(
    db: &Db,
    actor: &Actor,
    station_id: i64,
    c: &NewComplaint,
) -> Result<i64> {
    let mut tx = db.begin().await?;
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO complaints (station_id, stay_id, source, complainant, topic, detail, status, received_at, received_by)
               VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8) RETURNING id")
            .bind(station_id)
            .bind(c.stay_id)
            .bind(c.source.as_str())
            .bind(c.complainant.as_str())
            .bind(c.topic.as_str())
            .bind(c.detail.as_str())
            .bind(now())
            .bind(actor.name.as_str()),
        )
        .await?;
    audit::append(
        &mut tx,
        actor,
        Entry::new("complaint.record", "complaint", id)
            .detail(serde_json::json!({ "station_id": station_id, "stay_id": c.stay_id })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn complaints(db: &Db, station_id: i64) -> Result<Vec<Complaint>> {
    db.fetch_all(
        crate::db::q_dynamic(format!(
            "{COMPLAINT_SELECT} WHERE c.station_id = $1 ORDER BY CASE WHEN c.status = 'resolved' THEN 1 ELSE 0 END, c.received_at DESC"
        ))
        .bind(station_id),
    )
    .await
}

pub async fn complaint(db: &Db, id: i64) -> Result<Complaint> {
    db.fetch_one(crate::db::q_dynamic(format!("{COMPLAINT_SELECT} WHERE c.id = $1")).bind(id)).await
}

/// Moves a complaint along (in progress, resolved with a resolution). The update is conditional
/// on the status read, so two people resolving at once cannot both succeed.
pub async fn step_complaint(
    db: &Db,
    actor: &Actor,
    id: i64,
    to: ComplaintStatus,
    resolution: Option<&str>,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let (from,): (String,) =
        tx.fetch_one(q("SELECT status FROM complaints WHERE id = $1").bind(id)).await?;
    let from = ComplaintStatus::try_from(from)?;
    check_complaint_step(from, to, resolution)?;
    let resolved = to == ComplaintStatus::Resolved;
    let n = tx
        .execute(
            q("UPDATE complaints SET status = $1, resolution = $2, resolved_at = $3, resolved_by = $4
                WHERE id = $5 AND status = $6")
            .bind(to.as_str())
            .bind(resolution.filter(|_| resolved).map(str::to_owned))
            .bind(resolved.then(now))
            .bind(resolved.then(|| actor.name.clone()))
            .bind(id)
            .bind(from.as_str()),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Conflict {
            constraint: "complaint_status_changed".into(),
            field: "status".into(),
        });
    }
    audit::append(
        &mut tx,
        actor,
        Entry::new("complaint.status", "complaint", id)
            .detail(serde_json::json!({ "from": from.as_str(), "to": to.as_str() })),
    )
    .await?;
    tx.commit().await
}
