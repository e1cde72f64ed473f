//! A transfer on its way: the station it is addressed to refuses it, with why (it goes back to
//! the command, addressed to any station), or the command addresses it to a station (转运调度).
//! Each is kept in order, audited and told: a refusal to the sending station and the command, a
//! new address to that station. Only a transfer still in transit moves; the row is the lock, so
//! a refusal and an acceptance at once cannot both happen.

use chrono::{DateTime, Utc};
use serde::Serialize;
use yizhan_core::access::Actor;
use yizhan_core::notify::Severity;
use yizhan_core::station::transfer::RouteKind;

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Result, Tx, now, q};
use crate::error::StoreError;
use crate::notify::outbox::{self, Event, Scopes};

/// A step of a transfer's way, with the station's name.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Route {
    pub id: i64,
    pub transfer_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: RouteKind,
    pub station_id: Option<i64>,
    pub station: Option<String>,
    pub reason: Option<String>,
    pub decided_by: String,
    pub decided_at: DateTime<Utc>,
}

/// The way of transfer `id` so far, oldest first.
pub async fn of_transfer(db: &Db, id: i64) -> Result<Vec<Route>> {
    db.fetch_all(
        q("SELECT r.id, r.transfer_id, r.kind, r.station_id, s.name AS station, r.reason,
                  r.decided_by, r.decided_at
             FROM transfer_routes r LEFT JOIN stations s ON s.id = r.station_id
            WHERE r.transfer_id = $1 ORDER BY r.id")
        .bind(id),
    )
    .await
}

/// Station `station` refuses transfer `id`, addressed to it and still in transit.
pub async fn refuse(db: &Db, actor: &Actor, id: i64, station: i64, reason: &str) -> Result<()> {
    let mut tx = db.begin().await?;
    let n = tx
        .execute(
            q("UPDATE stay_transfers SET to_station_id = NULL
                WHERE id = $1 AND state = 'in_transit' AND to_station_id = $2")
            .bind(id)
            .bind(station),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::rule(None, "error.transfer_not_addressed"));
    }
    let route = record(&mut tx, actor, id, RouteKind::Refused, Some(station), Some(reason)).await?;
    let (from, name): (i64, String) = tx
        .fetch_one(
            q("SELECT t.from_station_id, s.name FROM stay_transfers t JOIN stations s ON s.id = $2
                WHERE t.id = $1")
            .bind(id)
            .bind(station),
        )
        .await?;
    let facts = serde_json::json!({
        "station": name, "refused": true, "reason": reason, "link": "/transfers",
    });
    // A person on the road with nowhere to go: the command reads it as danger.
    tell(&mut tx, id, route, Some(from), Severity::Danger, &facts).await?;
    tx.commit().await
}

/// The command addresses transfer `id`, still in transit, to `to` (none: any station). A
/// station that refused it already, or the one that sent it, is refused.
pub async fn redirect(
    db: &Db,
    actor: &Actor,
    id: i64,
    to: Option<i64>,
    reason: &str,
) -> Result<()> {
    let mut tx = db.begin().await?;
    if let Some(to) = to {
        let active: Option<(bool,)> =
            tx.fetch_optional(q("SELECT active FROM stations WHERE id = $1").bind(to)).await?;
        if active.is_none_or(|a| !a.0) {
            return Err(StoreError::rule(Some("station_id"), "error.not_found"));
        }
        let before: Option<(i64,)> = tx
            .fetch_optional(
                q("SELECT id FROM transfer_routes WHERE transfer_id = $1 AND kind = 'refused' AND station_id = $2")
                    .bind(id)
                    .bind(to),
            )
            .await?;
        if before.is_some() {
            return Err(StoreError::rule(Some("station_id"), "error.transfer_refused_there"));
        }
    }
    let n = tx
        .execute(
            q("UPDATE stay_transfers SET to_station_id = $2
                WHERE id = $1 AND state = 'in_transit' AND from_station_id <> COALESCE($2, 0)")
            .bind(id)
            .bind(to),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::rule(None, "error.transfer_taken"));
    }
    let route = record(&mut tx, actor, id, RouteKind::Redirected, to, Some(reason)).await?;
    if let Some(to) = to {
        let (name,): (String,) =
            tx.fetch_one(q("SELECT name FROM stations WHERE id = $1").bind(to)).await?;
        let facts = serde_json::json!({
            "station": name, "redirected": true, "reason": reason,
            "link": format!("/stations/{to}/transfers"),
        });
        tell(&mut tx, id, route, Some(to), Severity::Warning, &facts).await?;
    }
    tx.commit().await
}

async fn record(
    tx: &mut Tx,
    actor: &Actor,
    id: i64,
    kind: RouteKind,
    station: Option<i64>,
    reason: Option<&str>,
) -> Result<i64> {
    let (route,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO transfer_routes (transfer_id, kind, station_id, reason, decided_by, decided_at)
               VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
            .bind(id)
            .bind(kind.as_str())
            .bind(station)
            .bind(reason)
            .bind(actor.name.as_str())
            .bind(now()),
        )
        .await?;
    let action = format!("transfer.{}", kind.as_str());
    let detail = serde_json::json!({ "station_id": station, "route": route });
    audit::append(tx, actor, Entry::new(&action, "transfer", id).detail(detail)).await?;
    Ok(route)
}

/// Tells `station` (the sender of a refused transfer, or the new addressee), its street and the
/// district, once per route.
async fn tell(
    tx: &mut Tx,
    id: i64,
    route: i64,
    station: Option<i64>,
    severity: Severity,
    facts: &serde_json::Value,
) -> Result<()> {
    let event = format!("route:{route}");
    let e = Event {
        source: "transfer",
        source_id: id,
        event: &event,
        severity,
        station_id: station,
        facts,
        at: now(),
    };
    outbox::enqueue(tx, &e, Scopes::ALL, None).await?;
    Ok(())
}
