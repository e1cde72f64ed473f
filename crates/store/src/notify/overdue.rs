//! What becomes urgent with time alone, with no write to announce it: a station's rectification
//! past its deadline. Any node may scan (the dispatcher does, every minute); the outbox's and the
//! centre's uniqueness make each one told once (again after each reopening).

use chrono::{DateTime, NaiveDate, Utc};
use yizhan_core::notify::Severity;

use crate::db::{Db, Result, q};
use crate::notify::outbox::{self, Event, Scopes};

#[derive(sqlx::FromRow)]
struct Late {
    id: i64,
    station_id: i64,
    station: String,
    finding: String,
    deadline: NaiveDate,
    reopened: i64,
}

/// Tells of the station rectifications overdue on `today` that have not been told of; returns
/// how many it told.
pub async fn scan(db: &Db, today: NaiveDate, at: DateTime<Utc>) -> Result<usize> {
    let late: Vec<Late> = db
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
        let event = format!("overdue:{}", r.reopened);
        let e = Event {
            source: "rectification",
            source_id: r.id,
            event: &event,
            severity: Severity::Warning,
            station_id: Some(r.station_id),
            facts: &facts,
            at,
        };
        let mut tx = db.begin().await?;
        // The station that must act, and the street's command that ordered it and checks it.
        let scopes = Scopes::nearest(&mut tx, r.station_id).await?.or(Scopes {
            station: false,
            street: true,
            district: false,
        });
        outbox::enqueue(&mut tx, &e, scopes, None).await?;
        tx.commit().await?;
        told += 1;
    }
    Ok(told)
}
