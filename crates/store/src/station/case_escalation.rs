//! A fever the medical officer escalates (发热升级处置): the stay's case opened as a suspected one
//! with the same timed steps as a positive's, the room sealed, the command told at once. A stay
//! with a case keeps it; a later positive of the stay is the same case.

use yizhan_core::access::Actor;
use yizhan_core::notify::Severity;
use yizhan_core::station::health::AlertReason;
use yizhan_core::station::room::{Cause, RoomState};

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Result, now, q};
use crate::error::StoreError;
use crate::notify::outbox::{self, Event, Scopes};
use crate::station::{cases, rooms};

/// Opens the case of fever alert `alert_id`'s stay; returns the case's id.
pub async fn escalate(db: &Db, actor: &Actor, alert_id: i64) -> Result<i64> {
    let mut tx = db.begin().await?;
    let (stay_id, station_id, kind): (i64, i64, String) = tx
        .fetch_one(q("SELECT stay_id, station_id, kind FROM alerts WHERE id = $1").bind(alert_id))
        .await?;
    if AlertReason::parse(&kind) != Some(AlertReason::Fever) {
        return Err(StoreError::rule(None, "error.case_not_fever"));
    }
    crate::station::stays::lock_stay(&mut tx, stay_id).await?;
    let stay = crate::station::stays::get_tx(&mut tx, stay_id).await?;
    if !stay.is_open() {
        return Err(StoreError::rule(None, "error.stay_closed"));
    }
    let had: Option<(i64,)> =
        tx.fetch_optional(q("SELECT id FROM cases WHERE stay_id = $1").bind(stay_id)).await?;
    if had.is_some() {
        return Err(StoreError::rule(None, "error.case_exists"));
    }
    let id = cases::open(&mut tx, station_id, stay_id, stay.room_id, "fever_escalated").await?;
    let room = rooms::get_in_tx(&mut tx, stay.room_id).await?;
    if room.state() != RoomState::Sealed {
        let reason = yizhan_core::words::word("room.reason.fever_escalated");
        rooms::transition(&mut tx, actor, room.id, RoomState::Sealed, Cause::Manual, Some(reason))
            .await?;
    }
    let (station,): (String,) =
        tx.fetch_one(q("SELECT name FROM stations WHERE id = $1").bind(station_id)).await?;
    let at = now();
    let facts = serde_json::json!({
        "station": station, "room": room.number, "escalated": true, "link": format!("/cases/{id}"),
    });
    let e = Event {
        source: "case",
        source_id: id,
        event: "escalated",
        severity: Severity::Danger,
        station_id: Some(station_id),
        facts: &facts,
        at,
    };
    outbox::enqueue(&mut tx, &e, Scopes::ALL, None).await?;
    audit::append(
        &mut tx,
        actor,
        Entry::new("case.escalate", "case", id)
            .detail(serde_json::json!({ "alert": alert_id, "stay": stay_id })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
