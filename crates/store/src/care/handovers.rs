//! Shift handovers (交接班): what the outgoing shift of a group writes, the open items it
//! passes on, and the incoming shift's acknowledgement.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use yizhan_core::access::Actor;

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Result, now, q};
use crate::error::StoreError;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Handover {
    pub id: i64,
    pub group_id: i64,
    pub group_name: String,
    pub station_id: i64,
    pub day: NaiveDate,
    pub shift: i64,
    pub notes: String,
    pub written_by_id: Option<i64>,
    pub written_by: String,
    pub written_at: DateTime<Utc>,
    pub acknowledged_by: Option<String>,
    pub acknowledged_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Item {
    pub id: i64,
    pub handover_id: i64,
    pub text: String,
    pub carried_from: Option<i64>,
    pub done_at: Option<DateTime<Utc>>,
    pub done_by: Option<String>,
}

const SELECT: &str =
    "SELECT h.id, h.group_id, g.name AS group_name, g.station_id, h.day, h.shift, h.notes,
        h.written_by_id, h.written_by, h.written_at, h.acknowledged_by, h.acknowledged_at
   FROM handovers h JOIN working_groups g ON g.id = h.group_id";

pub async fn get(db: &Db, id: i64) -> Result<Handover> {
    db.fetch_one(crate::db::q_dynamic(format!("{SELECT} WHERE h.id = $1")).bind(id)).await
}

/// The latest handovers of a station, newest first.
pub async fn recent(db: &Db, station_id: i64, limit: i64) -> Result<Vec<Handover>> {
    db.fetch_all(
        crate::db::q_dynamic(format!(
            "{SELECT} WHERE g.station_id = $1 ORDER BY h.day DESC, h.shift DESC, h.id DESC LIMIT $2"
        ))
        .bind(station_id)
        .bind(limit),
    )
    .await
}

pub async fn items(db: &Db, handover_id: i64) -> Result<Vec<Item>> {
    db.fetch_all(
        q("SELECT id, handover_id, text, carried_from, done_at, done_by FROM handover_items
            WHERE handover_id = $1 ORDER BY id")
        .bind(handover_id),
    )
    .await
}

/// Writes the handover of a group's shift. The open items of the group's previous handover
/// are carried into this one (and closed there as "carried"), so nothing is dropped between
/// shifts; `new_items` are added after them. One handover per group and shift.
pub async fn write(
    db: &Db,
    actor: &Actor,
    group_id: i64,
    day: NaiveDate,
    shift: i64,
    notes: &str,
    new_items: &[String],
) -> Result<i64> {
    let mut tx = db.begin().await?;
    let t = now();
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO handovers (group_id, day, shift, notes, written_by_id, written_by, written_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
            .bind(group_id)
            .bind(day)
            .bind(shift)
            .bind(notes)
            .bind(actor.user_id)
            .bind(actor.name.as_str())
            .bind(t),
        )
        .await?;
    let open: Vec<(i64, String)> = tx
        .fetch_all(
            q("SELECT i.id, i.text FROM handover_items i JOIN handovers h ON h.id = i.handover_id
                WHERE h.group_id = $1 AND h.id <> $2 AND i.done_at IS NULL ORDER BY i.id")
            .bind(group_id)
            .bind(id),
        )
        .await?;
    for (from, text) in &open {
        tx.execute(
            q("INSERT INTO handover_items (handover_id, text, carried_from) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(text.as_str())
                .bind(*from),
        )
        .await?;
        tx.execute(
            q("UPDATE handover_items SET done_at = $1, done_by = $2 WHERE id = $3")
                .bind(t)
                .bind("→")
                .bind(*from),
        )
        .await?;
    }
    for text in new_items {
        tx.execute(
            q("INSERT INTO handover_items (handover_id, text) VALUES ($1, $2)")
                .bind(id)
                .bind(text.as_str()),
        )
        .await?;
    }
    audit::append(
        &mut tx,
        actor,
        Entry::new("handover.write", "handover", id).detail(serde_json::json!({
            "group_id": group_id, "day": day, "shift": shift, "carried": open.len(), "new": new_items.len(),
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The incoming shift confirms it read the handover: once, and not by the person who wrote it.
pub async fn acknowledge(db: &Db, actor: &Actor, id: i64) -> Result<()> {
    let h = get(db, id).await?;
    if h.acknowledged_at.is_some() {
        return Err(StoreError::rule(None, "error.handover_already_acknowledged"));
    }
    if h.written_by_id.is_some() && h.written_by_id == actor.user_id {
        return Err(StoreError::rule(None, "error.handover_own"));
    }
    let mut tx = db.begin().await?;
    let n = tx
        .execute(
            q("UPDATE handovers SET acknowledged_by_id = $1, acknowledged_by = $2, acknowledged_at = $3
                WHERE id = $4 AND acknowledged_at IS NULL")
            .bind(actor.user_id)
            .bind(actor.name.as_str())
            .bind(now())
            .bind(id),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::rule(None, "error.handover_already_acknowledged"));
    }
    audit::append(&mut tx, actor, Entry::new("handover.acknowledge", "handover", id)).await?;
    tx.commit().await
}

/// Marks an open item done.
pub async fn item_done(db: &Db, actor: &Actor, item_id: i64) -> Result<i64> {
    let mut tx = db.begin().await?;
    let (handover_id,): (i64,) = tx
        .fetch_one(q("SELECT handover_id FROM handover_items WHERE id = $1").bind(item_id))
        .await?;
    tx.execute(
        q("UPDATE handover_items SET done_at = $1, done_by = $2 WHERE id = $3 AND done_at IS NULL")
            .bind(now())
            .bind(actor.name.as_str())
            .bind(item_id),
    )
    .await?;
    audit::append(&mut tx, actor, Entry::new("handover.item_done", "handover_item", item_id))
        .await?;
    tx.commit().await?;
    Ok(handover_id)
}

/// The handover an item belongs to (its station is what the object-scope check needs).
pub async fn item_handover(db: &Db, item_id: i64) -> Result<i64> {
    let (h,): (i64,) = db
        .fetch_one(q("SELECT handover_id FROM handover_items WHERE id = $1").bind(item_id))
        .await?;
    Ok(h)
}
