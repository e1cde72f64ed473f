//! The audit log: append-only (database triggers refuse UPDATE/DELETE) and hash-chained, so an
//! edit made behind the application's back is found by `verify`.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use yizhan_core::access::Actor;

use crate::db::{Db, Result, Tx, now, q, sqlite_time};

/// Advisory-lock key that serialises audit appends on PostgreSQL.
const AUDIT_LOCK: i64 = 0x59_5a_41_55; // "YZAU"
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct AuditRow {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

/// One entry to append. `detail` is JSON and must never hold ID numbers, phones or passwords.
pub struct Entry<'a> {
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: Option<String>,
    pub detail: serde_json::Value,
}

impl<'a> Entry<'a> {
    pub fn new(action: &'a str, object_type: &'a str, object_id: impl ToString) -> Self {
        Entry {
            action,
            object_type,
            object_id: Some(object_id.to_string()),
            detail: serde_json::Value::Null,
        }
    }
    pub fn detail(mut self, detail: serde_json::Value) -> Self {
        self.detail = detail;
        self
    }
}

#[allow(clippy::too_many_arguments)]
fn chain_hash(
    prev: &str,
    seq: i64,
    at: &DateTime<Utc>,
    actor_id: Option<i64>,
    actor: &str,
    action: &str,
    object_type: &str,
    object_id: Option<&str>,
    detail: &str,
) -> String {
    let mut h = Sha256::new();
    // Fields are separated by a byte that cannot occur in UTF-8 text, so no two rows collide.
    for part in [
        prev,
        &seq.to_string(),
        &sqlite_time(at),
        &actor_id.map(|i| i.to_string()).unwrap_or_default(),
        actor,
        action,
        object_type,
        object_id.unwrap_or(""),
        detail,
    ] {
        h.update(part.as_bytes());
        h.update([0xff]);
    }
    hex::encode(h.finalize())
}

/// Where each kind of object belongs: the SQL that gives the station of the object whose id is
/// `$11`. An entry about any other kind (a policy, an account, the district) has no station.
const STATION_OF: &[(&str, &str)] = &[
    ("station", "$11"),
    ("stay", "SELECT station_id FROM stays WHERE id = $11"),
    ("guest", "SELECT station_id FROM guests WHERE id = $11"),
    ("room", "SELECT station_id FROM rooms WHERE id = $11"),
    ("alert", "SELECT station_id FROM alerts WHERE id = $11"),
    ("case", "SELECT station_id FROM cases WHERE id = $11"),
    (
        "test",
        "SELECT s.station_id FROM stay_tests t JOIN stays s ON s.id = t.stay_id WHERE t.id = $11",
    ),
    (
        "flag",
        "SELECT s.station_id FROM attention_flags f JOIN stays s ON s.id = f.stay_id WHERE f.id = $11",
    ),
    ("guest_request", "SELECT station_id FROM guest_requests WHERE id = $11"),
    ("home_monitoring", "SELECT station_id FROM home_monitoring WHERE id = $11"),
    ("board_token", "SELECT station_id FROM board_tokens WHERE id = $11"),
    ("planned_arrival", "SELECT station_id FROM planned_arrivals WHERE id = $11"),
    ("transfer", "SELECT from_station_id FROM stay_transfers WHERE id = $11"),
    ("working_group", "SELECT station_id FROM working_groups WHERE id = $11"),
    ("staff", "SELECT station_id FROM staff WHERE id = $11"),
    ("supply_item", "SELECT station_id FROM supply_items WHERE id = $11"),
    ("meal", "SELECT station_id FROM meals WHERE id = $11"),
    ("delivery", "SELECT station_id FROM deliveries WHERE id = $11"),
    ("delivery_booking", "SELECT station_id FROM delivery_bookings WHERE id = $11"),
    ("incident", "SELECT station_id FROM incidents WHERE id = $11"),
    ("complaint", "SELECT station_id FROM complaints WHERE id = $11"),
    (
        "handover",
        "SELECT g.station_id FROM handovers h JOIN working_groups g ON g.id = h.group_id
          WHERE h.id = $11",
    ),
    (
        "handover_item",
        "SELECT g.station_id FROM handover_items i JOIN handovers h ON h.id = i.handover_id
           JOIN working_groups g ON g.id = h.group_id WHERE i.id = $11",
    ),
    ("disinfection_area", "SELECT station_id FROM disinfection_areas WHERE id = $11"),
    ("disinfection", "SELECT station_id FROM disinfection_records WHERE id = $11"),
    ("waste", "SELECT station_id FROM waste_handovers WHERE id = $11"),
    ("emergency_plan", "SELECT station_id FROM emergency_plans WHERE id = $11"),
    ("inspection", "SELECT station_id FROM inspections WHERE id = $11"),
    ("rectification", "SELECT station_id FROM rectifications WHERE id = $11"),
];

/// The INSERT of an entry, its station looked up inside it (no round trip of its own).
fn insert_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        let whens: String = STATION_OF
            .iter()
            .map(|(kind, sql)| match *sql {
                "$11" => format!(" WHEN '{kind}' THEN $11"),
                sql => format!(" WHEN '{kind}' THEN ({sql})"),
            })
            .collect();
        format!(
            "INSERT INTO audit_log (seq, at, actor_id, actor, action, object_type, object_id, detail,
               prev_hash, hash, station_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, CASE $6{whens} END)"
        )
    })
}

/// Appends inside the caller's transaction, so the change and its record commit together.
pub async fn append(tx: &mut Tx, actor: &Actor, e: Entry<'_>) -> Result<i64> {
    tx.lock(AUDIT_LOCK).await?;
    let last: Option<(i64, String)> =
        tx.fetch_optional(q("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")).await?;
    let (seq, prev) = match last {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_owned()),
    };
    let at = now();
    let detail = if e.detail.is_null() { "{}".to_owned() } else { e.detail.to_string() };
    let hash = chain_hash(
        &prev,
        seq,
        &at,
        actor.user_id,
        &actor.name,
        e.action,
        e.object_type,
        e.object_id.as_deref(),
        &detail,
    );
    let object: Option<i64> = e.object_id.as_deref().and_then(|id| id.parse().ok());
    tx.execute(
        q(insert_sql())
            .bind(seq)
            .bind(at)
            .bind(actor.user_id)
            .bind(actor.name.as_str())
            .bind(e.action)
            .bind(e.object_type)
            .bind(e.object_id)
            .bind(detail)
            .bind(prev)
            .bind(hash)
            .bind(object),
    )
    .await?;
    Ok(seq)
}

/// Appends in a transaction of its own (logins, denials: events with no other write).
pub async fn record(db: &Db, actor: &Actor, e: Entry<'_>) -> Result<i64> {
    let mut tx = db.begin().await?;
    let seq = append(&mut tx, actor, e).await?;
    tx.commit().await?;
    Ok(seq)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every row checks out.
    Intact { rows: i64 },
    /// The first row whose content or link does not match.
    Broken { seq: i64, reason: String },
}

/// Walks the whole chain in pages and names the first broken row.
pub async fn verify(db: &Db) -> Result<Verdict> {
    let mut prev = GENESIS.to_owned();
    let mut expected_seq = 1;
    let mut rows = 0;
    loop {
        let page: Vec<AuditRow> = db
            .fetch_all(
                q("SELECT * FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT 1000")
                    .bind(expected_seq),
            )
            .await?;
        if page.is_empty() {
            return Ok(Verdict::Intact { rows });
        }
        for r in page {
            if r.seq != expected_seq {
                return Ok(Verdict::Broken {
                    seq: expected_seq,
                    reason: format!("row {expected_seq} is missing (next is {})", r.seq),
                });
            }
            if r.prev_hash != prev {
                return Ok(Verdict::Broken {
                    seq: r.seq,
                    reason: "link to the previous row does not match".into(),
                });
            }
            let h = chain_hash(
                &r.prev_hash,
                r.seq,
                &r.at,
                r.actor_id,
                &r.actor,
                &r.action,
                &r.object_type,
                r.object_id.as_deref(),
                &r.detail,
            );
            if h != r.hash {
                return Ok(Verdict::Broken {
                    seq: r.seq,
                    reason: "content does not match its hash".into(),
                });
            }
            prev = r.hash;
            expected_seq += 1;
            rows += 1;
        }
    }
}

/// The newest entries, for the admin page.
/// A page of the log, newest first: the entries before `before` (a sequence number; none: the
/// newest) that `search` finds — who did it, the start of what they did (`guest.`), or the kind
/// or id of what it was done to. Read by sequence from the top, so that a page costs the same at
/// any depth of a log of millions.
pub async fn page(db: &Db, search: &str, before: Option<i64>, limit: i64) -> Result<Vec<AuditRow>> {
    let search = search.trim();
    db.fetch_all(
        q("SELECT * FROM audit_log
            WHERE seq < $1
              AND ($2 = '' OR actor = $2 OR action LIKE $3 ESCAPE '\\' OR object_type = $2 OR object_id = $2)
            ORDER BY seq DESC LIMIT $4")
        .bind(before.unwrap_or(i64::MAX))
        .bind(search.to_owned())
        .bind(format!("{}%", crate::db::escape_like(search)))
        .bind(limit.clamp(1, 1000)),
    )
    .await
}

/// How many entries the log holds (sequence numbers have no gaps: the chain says so).
pub async fn last_seq(db: &Db) -> Result<i64> {
    let (n,): (Option<i64>,) = db.fetch_one(q("SELECT MAX(seq) FROM audit_log")).await?;
    Ok(n.unwrap_or(0))
}

pub async fn recent(db: &Db, limit: i64) -> Result<Vec<AuditRow>> {
    db.fetch_all(q("SELECT * FROM audit_log ORDER BY seq DESC LIMIT $1").bind(limit)).await
}
