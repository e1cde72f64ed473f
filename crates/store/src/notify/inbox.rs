//! The in-app notification centre (通知中心): every event that notifies is kept once, whatever
//! channels there are, and read by the people whose scope holds its station; each person's
//! place (the newest they have seen) says what is unread.

use chrono::{DateTime, Utc};
use serde::Serialize;
use yizhan_core::notify::Severity;

use crate::db::{Db, Result, Tx, q, q_dynamic};
use crate::notify::outbox::Event;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Item {
    pub id: i64,
    pub source: String,
    pub source_id: i64,
    pub event: String,
    #[sqlx(try_from = "String")]
    pub severity: Severity,
    pub station_id: Option<i64>,
    pub facts: String,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, source, source_id, event, severity, station_id, facts, created_at";

/// Keeps the event for the centre, in its transaction (once per event).
pub async fn record(tx: &mut Tx, e: &Event<'_>) -> Result<()> {
    insert(tx, e, None).await
}

/// Keeps an event for one person only (an import they started), in its transaction.
pub async fn record_for(tx: &mut Tx, e: &Event<'_>, user_id: i64) -> Result<()> {
    insert(tx, e, Some(user_id)).await
}

async fn insert(tx: &mut Tx, e: &Event<'_>, user_id: Option<i64>) -> Result<()> {
    tx.execute(
        q("INSERT INTO inbox (source, source_id, event, severity, station_id, street_id, facts, created_at, user_id)
           VALUES ($1, $2, $3, $4, $5, (SELECT street_id FROM stations WHERE id = $5), $6, $7, $8)
           ON CONFLICT (source, source_id, event) DO NOTHING")
        .bind(e.source)
        .bind(e.source_id)
        .bind(e.event)
        .bind(e.severity.as_str())
        .bind(e.station_id)
        .bind(e.facts.to_string())
        .bind(e.at)
        .bind(user_id),
    )
    .await?;
    Ok(())
}

/// What a person reads: every station (the district), some streets' and some stations', and
/// whether the channels' own failures (the administrator's business).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reach {
    pub district: bool,
    pub streets: Vec<i64>,
    pub stations: Vec<i64>,
    pub channels: bool,
    /// The quietest severity read (its rank: info 0 … critical 3).
    pub min_rank: u8,
    /// Narrowed (by the person) to one station (`true`) or street of what the rest reaches.
    pub narrow: Option<(bool, i64)>,
    /// The person, who also reads what was addressed to them alone (whatever the rest says).
    pub user_id: Option<i64>,
}

impl Reach {
    /// As SQL over the inbox's columns; ids are numbers, written in place.
    fn sql(&self) -> String {
        let list = |ids: &[i64]| ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let mut any = vec!["FALSE".to_owned()];
        // What names a person belongs to nobody's scope.
        let scoped = "user_id IS NULL";
        if self.district {
            any.push("station_id IS NOT NULL".into());
        }
        if !self.streets.is_empty() {
            any.push(format!("street_id IN ({})", list(&self.streets)));
        }
        if !self.stations.is_empty() {
            any.push(format!("station_id IN ({})", list(&self.stations)));
        }
        if self.channels {
            any.push("source = 'channel'".into());
        }
        let rank = "CASE severity WHEN 'critical' THEN 3 WHEN 'danger' THEN 2 WHEN 'warning' THEN 1 ELSE 0 END";
        let narrow = match self.narrow {
            Some((true, id)) => format!(" AND station_id = {id}"),
            Some((false, id)) => format!(" AND street_id = {id}"),
            None => String::new(),
        };
        let theirs = match self.user_id {
            Some(id) => format!(" OR user_id = {id}"),
            None => String::new(),
        };
        // Whole in parentheses: callers AND it with more.
        format!(
            "((({}) AND {scoped} AND {rank} >= {}{narrow}){theirs})",
            any.join(" OR "),
            self.min_rank
        )
    }

    /// Reads nothing at all.
    pub fn is_empty(&self) -> bool {
        !self.district
            && self.streets.is_empty()
            && self.stations.is_empty()
            && !self.channels
            && self.user_id.is_none()
    }
}

/// A page of what the person reads, newest first, and how many in all.
pub async fn page(db: &Db, r: &Reach, offset: i64, limit: i64) -> Result<(Vec<Item>, i64)> {
    let w = r.sql();
    let rows = db
        .fetch_all(
            q_dynamic(format!(
                "SELECT {COLUMNS} FROM inbox WHERE {w} ORDER BY id DESC LIMIT $1 OFFSET $2"
            ))
            .bind(limit)
            .bind(offset),
        )
        .await?;
    let (total,): (i64,) =
        db.fetch_one(q_dynamic(format!("SELECT COUNT(*) FROM inbox WHERE {w}"))).await?;
    Ok((rows, total))
}

/// The newest the person has seen (0: nothing yet).
pub async fn seen(db: &Db, user_id: i64) -> Result<i64> {
    let row: Option<(i64,)> = db
        .fetch_optional(q("SELECT seen_id FROM inbox_reads WHERE user_id = $1").bind(user_id))
        .await?;
    Ok(row.map_or(0, |(s,)| s))
}

/// How many the person has not seen, and the newest of them after `after` (at most `limit`),
/// oldest first: what a page that has shown up to `after` should now announce.
pub async fn unread(
    db: &Db,
    user_id: i64,
    r: &Reach,
    after: i64,
    limit: i64,
) -> Result<(i64, Vec<Item>)> {
    let seen = seen(db, user_id).await?;
    let w = r.sql();
    let (count,): (i64,) = db
        .fetch_one(
            q_dynamic(format!("SELECT COUNT(*) FROM inbox WHERE {w} AND id > $1")).bind(seen),
        )
        .await?;
    let mut newest: Vec<Item> = db
        .fetch_all(
            q_dynamic(format!(
                "SELECT {COLUMNS} FROM inbox WHERE {w} AND id > $1 ORDER BY id DESC LIMIT $2"
            ))
            .bind(seen.max(after))
            .bind(limit),
        )
        .await?;
    newest.reverse();
    Ok((count, newest))
}

/// The person has seen everything up to `upto` (never moves back).
pub async fn mark_read(db: &Db, user_id: i64, upto: i64, at: DateTime<Utc>) -> Result<()> {
    db.execute(
        q("INSERT INTO inbox_reads (user_id, seen_id, at) VALUES ($1, $2, $3)
           ON CONFLICT (user_id) DO UPDATE SET
             seen_id = CASE WHEN excluded.seen_id > inbox_reads.seen_id THEN excluded.seen_id ELSE inbox_reads.seen_id END,
             at = excluded.at")
        .bind(user_id)
        .bind(upto)
        .bind(at),
    )
    .await?;
    Ok(())
}
