//! What becomes urgent with time alone, with no write to announce it: a station's rectification
//! or directive past its deadline, a room left waiting for its terminal disinfection. Any node
//! may scan (the dispatcher does, every minute); the outbox's and the centre's uniqueness make
//! each one told once (a rectification again after each reopening, a room again each time it
//! waits).

use chrono::{DateTime, NaiveDate, Utc};
use yizhan_core::notify::Severity;

use crate::db::{Db, Result, q};
use crate::notify::outbox::{self, Event, Scopes};

#[derive(sqlx::FromRow)]
struct Rectification {
    id: i64,
    station_id: i64,
    station: String,
    finding: String,
    deadline: NaiveDate,
    reopened: i64,
}

/// How long a room may wait for its terminal disinfection before the station is told.
pub const DISINFECTION_WAIT_HOURS: i64 = 4;

/// Tells of everything overdue at `at` (`today` its local date) not told of yet; returns how
/// many it told.
pub async fn scan(db: &Db, today: NaiveDate, at: DateTime<Utc>) -> Result<usize> {
    Ok(rectifications(db, today, at).await?
        + directives(db, today, at).await?
        + rooms(db, at).await?)
}

/// What is late, for [`tell`].
struct Late<'a> {
    source: &'a str,
    source_id: i64,
    event: String,
    station_id: i64,
    facts: serde_json::Value,
}

/// Writes one warning at `at`, heard by the station (or the nearest wider group) and, with
/// `street`, its street's command too.
async fn tell(db: &Db, l: Late<'_>, at: DateTime<Utc>, street: bool) -> Result<()> {
    let e = Event {
        source: l.source,
        source_id: l.source_id,
        event: &l.event,
        severity: Severity::Warning,
        station_id: Some(l.station_id),
        facts: &l.facts,
        at,
    };
    let mut tx = db.begin().await?;
    let mut scopes = Scopes::nearest(&mut tx, l.station_id).await?;
    scopes.street |= street;
    outbox::enqueue(&mut tx, &e, scopes, None).await?;
    tx.commit().await
}

async fn rectifications(db: &Db, today: NaiveDate, at: DateTime<Utc>) -> Result<usize> {
    let late: Vec<Rectification> = db
        .fetch_all(
            q("SELECT r.id, r.station_id, s.name AS station, r.finding, r.deadline, r.reopened
                 FROM rectifications r JOIN stations s ON s.id = r.station_id
                WHERE r.unit_kind = 'station' AND r.status <> 'closed' AND r.deadline < $1
                  AND NOT EXISTS (SELECT 1 FROM inbox i WHERE i.source = 'rectification'
                                     AND i.source_id = r.id AND i.event = 'overdue:' || r.reopened)
                ORDER BY r.deadline, r.id LIMIT 200")
            .bind(today),
        )
        .await?;
    let mut told = 0;
    for r in late {
        let facts = serde_json::json!({
            "station": r.station, "finding": r.finding, "deadline": r.deadline,
            "days": (today - r.deadline).num_days(), "at": at,
            "link": format!("/rectifications/{}", r.id),
        });
        let late = Late {
            source: "rectification",
            source_id: r.id,
            event: format!("overdue:{}", r.reopened),
            station_id: r.station_id,
            facts,
        };
        // The station that must act, and the street's command that ordered it and checks it.
        tell(db, late, at, true).await?;
        told += 1;
    }
    Ok(told)
}

#[derive(sqlx::FromRow)]
struct Unconfirmed {
    id: i64,
    title: String,
    deadline: NaiveDate,
    station_id: i64,
    station: String,
}

/// Directives a station has not confirmed by their deadline: the station hears, once.
async fn directives(db: &Db, today: NaiveDate, at: DateTime<Utc>) -> Result<usize> {
    let late: Vec<Unconfirmed> = db
        .fetch_all(
            q("SELECT d.id, d.title, d.deadline, r.target_id AS station_id, s.name AS station
                 FROM directives d JOIN directive_recipients r ON r.directive_id = d.id
                 JOIN stations s ON s.id = r.target_id
                WHERE d.status = 'published' AND r.kind = 'station' AND r.acknowledged_at IS NULL
                  AND d.deadline < $1
                  AND NOT EXISTS (SELECT 1 FROM inbox i WHERE i.source = 'directive'
                                     AND i.source_id = d.id AND i.event = 'overdue:' || r.target_id)
                ORDER BY d.deadline, d.id LIMIT 200")
            .bind(today),
        )
        .await?;
    for d in &late {
        let facts = serde_json::json!({
            "station": d.station, "title": d.title, "deadline": d.deadline,
            "days": (today - d.deadline).num_days(), "at": at,
            "link": format!("/directives/{}", d.id),
        });
        let late = Late {
            source: "directive",
            source_id: d.id,
            event: format!("overdue:{}", d.station_id),
            station_id: d.station_id,
            facts,
        };
        tell(db, late, at, false).await?;
    }
    Ok(late.len())
}

#[derive(sqlx::FromRow)]
struct Waiting {
    id: i64,
    station_id: i64,
    station: String,
    number: String,
    updated_at: DateTime<Utc>,
}

/// Rooms waiting for their terminal disinfection longer than [`DISINFECTION_WAIT_HOURS`]: the
/// station hears, once each time a room waits.
async fn rooms(db: &Db, at: DateTime<Utc>) -> Result<usize> {
    let since = at - chrono::Duration::hours(DISINFECTION_WAIT_HOURS);
    let waiting: Vec<Waiting> = db
        .fetch_all(
            q("SELECT r.id, r.station_id, s.name AS station, r.number, r.updated_at
                 FROM rooms r JOIN stations s ON s.id = r.station_id
                WHERE r.state = 'awaiting_disinfection' AND r.updated_at <= $1
                ORDER BY r.updated_at, r.id LIMIT 200")
            .bind(since),
        )
        .await?;
    let mut told = 0;
    for r in waiting {
        // One episode of waiting is known by when it began.
        let event = format!("waiting:{}", r.updated_at.timestamp());
        let (seen,): (i64,) = db
            .fetch_one(
                q("SELECT COUNT(*) FROM inbox WHERE source = 'room' AND source_id = $1 AND event = $2")
                    .bind(r.id)
                    .bind(event.as_str()),
            )
            .await?;
        if seen > 0 {
            continue;
        }
        let facts = serde_json::json!({
            "station": r.station, "room": r.number, "since": r.updated_at,
            "hours": (at - r.updated_at).num_hours(), "at": at,
            "link": format!("/stations/{}/disinfection", r.station_id),
        });
        let late = Late { source: "room", source_id: r.id, event, station_id: r.station_id, facts };
        tell(db, late, at, false).await?;
        told += 1;
    }
    Ok(told)
}
