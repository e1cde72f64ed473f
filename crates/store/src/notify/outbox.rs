//! The outbox: notifications written in the transaction of the event that causes them, claimed
//! by a dispatcher on any node for a lease, and marked sent, to be tried again, or given up.
//! Exactly once per (event, channel): the rows are unique on it, a claim on PostgreSQL skips rows
//! another node holds (`FOR UPDATE SKIP LOCKED`; SQLite has one writer), and only the node that
//! holds a row's lease may record its outcome. A node killed mid-send leaves its lease to run
//! out; the next claim resends what it had not recorded, under the same key.

use chrono::{DateTime, Duration, Utc};
use yizhan_core::notify::Severity;

use crate::db::{Backend, Db, Result, Tx, q, q_dynamic};

/// What happened, for a notification to say: codes and words that identify no person (a room
/// number and an alert's kind, never a name, an ID number or a phone).
pub type Facts = serde_json::Value;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Notification {
    pub id: i64,
    pub channel_id: i64,
    pub source: String,
    pub source_id: i64,
    pub event: String,
    #[sqlx(try_from = "String")]
    pub severity: Severity,
    pub station_id: Option<i64>,
    pub facts: String,
    pub status: String,
    pub attempts: i64,
    pub next_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// The notification whose message carried this one in a digest (itself, for the first).
    pub digest_id: Option<i64>,
}

const COLUMNS: &str = "id, channel_id, source, source_id, event, severity, station_id, facts, \
    status, attempts, next_at, last_error, created_at, sent_at, digest_id";

/// Which of the channels that hold a station an event goes to: the station's own, its street's,
/// the district's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scopes {
    pub station: bool,
    pub street: bool,
    pub district: bool,
}

impl Scopes {
    pub const ALL: Scopes = Scopes { station: true, street: true, district: true };
    pub const DISTRICT: Scopes = Scopes { station: false, street: false, district: true };

    /// The station's own group; a station without one is heard where its street's (else the
    /// district's) group is.
    pub async fn nearest(tx: &mut Tx, station_id: i64) -> Result<Scopes> {
        let (own, street): (i64, i64) = tx
            .fetch_one(
                q("SELECT
                     (SELECT COUNT(*) FROM notification_channels WHERE active AND station_id = $1),
                     (SELECT COUNT(*) FROM notification_channels c JOIN stations st ON st.street_id = c.street_id
                       WHERE c.active AND c.station_id IS NULL AND st.id = $1)")
                .bind(station_id),
            )
            .await?;
        Ok(Scopes { station: own > 0, street: own == 0 && street > 0, district: own + street == 0 })
    }

    /// The street's group when the street has one, else the district's: for the street's own
    /// work (home monitoring), whatever the station's group.
    pub async fn street_or_district(tx: &mut Tx, street_id: i64) -> Result<Scopes> {
        let (n,): (i64,) = tx
            .fetch_one(
                q("SELECT COUNT(*) FROM notification_channels WHERE active AND station_id IS NULL AND street_id = $1")
                    .bind(street_id),
            )
            .await?;
        Ok(Scopes { station: false, street: n > 0, district: n == 0 })
    }

    /// Both: what either reaches.
    pub fn or(self, o: Scopes) -> Scopes {
        Scopes {
            station: self.station || o.station,
            street: self.street || o.street,
            district: self.district || o.district,
        }
    }
}

/// What happened, for the outbox: the source row, the event of it (one notification per event
/// and channel), how loud, the station it is about (none: the district's own business).
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub source: &'a str,
    pub source_id: i64,
    pub event: &'a str,
    pub severity: Severity,
    pub station_id: Option<i64>,
    pub facts: &'a Facts,
    pub at: DateTime<Utc>,
}

/// The event's notifications, in its transaction: one row for every active channel of the
/// `scopes` that holds the station (the district's, the station's street's, the station's own),
/// whose threshold the severity meets, but `except` (a channel that cannot be told of its own
/// failure). Returns how many. Writing the same event twice adds nothing.
pub async fn enqueue(
    tx: &mut Tx,
    e: &Event<'_>,
    scopes: Scopes,
    except: Option<i64>,
) -> Result<u64> {
    // The centre keeps it too, whichever channels take it.
    crate::notify::inbox::record(tx, e).await?;
    // The channel's threshold as a rank, so "danger and up" is one comparison.
    let rank = "CASE c.min_severity WHEN 'critical' THEN 3 WHEN 'danger' THEN 2 WHEN 'warning' THEN 1 ELSE 0 END";
    tx.execute(
        q_dynamic(format!(
            "INSERT INTO notifications (channel_id, source, source_id, event, severity, station_id,
                 facts, status, attempts, next_at, created_at)
             SELECT c.id, $1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7
               FROM notification_channels c
              WHERE c.active
                AND {rank} <= $8
                AND c.id <> $12
                AND (($9 AND c.station_id = $5)
                  OR ($10 AND c.station_id IS NULL AND c.street_id = (SELECT street_id FROM stations WHERE id = $5))
                  OR ($11 AND c.station_id IS NULL AND c.street_id IS NULL))
             ON CONFLICT (source, source_id, event, channel_id) DO NOTHING"
        ))
        .bind(e.source)
        .bind(e.source_id)
        .bind(e.event)
        .bind(e.severity.as_str())
        .bind(e.station_id)
        .bind(e.facts.to_string())
        .bind(e.at)
        .bind(i64::from(e.severity.rank()))
        .bind(scopes.station)
        .bind(scopes.street)
        .bind(scopes.district)
        .bind(except.unwrap_or(0)),
    )
    .await
}

/// An event at a station, heard in the station's own group (or the nearest wider one).
pub async fn enqueue_nearest(tx: &mut Tx, e: &Event<'_>) -> Result<u64> {
    let scopes = match e.station_id {
        Some(st) => Scopes::nearest(tx, st).await?,
        None => Scopes::DISTRICT,
    };
    enqueue(tx, e, scopes, None).await
}

/// What a notification held back by its channel's rate says it waits for (not an error).
pub const HELD: &str = "rate";

/// Claims up to `limit` notifications due at `now` whose channel is active, for `node` until
/// `now + lease`, only `only`'s when named (the rest of a burst a digest is about to carry,
/// including what waits for room in the channel's minute);
/// each claim counts as an attempt. Rows another node holds are skipped.
pub async fn claim(
    db: &Db,
    node: &str,
    now: DateTime<Utc>,
    lease: Duration,
    limit: i64,
    only: Option<i64>,
) -> Result<Vec<Notification>> {
    // 0: every channel.
    let channel_id = only.unwrap_or(0);
    let lock = match db.backend() {
        Backend::Postgres => "FOR UPDATE OF n SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let mut tx = db.begin().await?;
    let rows = tx
        .fetch_all(
            q_dynamic(format!(
                "UPDATE notifications SET claimed_by = $1, lease_until = $2, attempts = attempts + 1
                  WHERE id IN (
                     SELECT n.id FROM notifications n
                       JOIN notification_channels c ON c.id = n.channel_id
                      WHERE n.status = 'pending' AND c.active
                        AND (n.next_at <= $3 OR ($5 <> 0 AND n.last_error = '{HELD}'))
                        AND (n.lease_until IS NULL OR n.lease_until <= $3)
                        AND ($5 = 0 OR n.channel_id = $5)
                      ORDER BY n.next_at, n.id LIMIT $4 {lock})
                  RETURNING {COLUMNS}"
            ))
            .bind(node)
            .bind(now + lease)
            .bind(now)
            .bind(limit)
            .bind(channel_id),
        )
        .await?;
    tx.commit().await?;
    // RETURNING keeps no order on PostgreSQL; they leave in the order they were written (an
    // alert's escalation never before its raising, though a hold moved the latter's time).
    let mut rows: Vec<Notification> = rows;
    rows.sort_by_key(|n| n.id);
    Ok(rows)
}

/// How many messages a channel has sent since `since` (its rate over the last minute): a digest
/// is one message, however many notifications it carried.
pub async fn sent_since(db: &Db, channel_id: i64, since: DateTime<Utc>) -> Result<i64> {
    let (n,): (i64,) = db
        .fetch_one(
            q("SELECT COUNT(*) FROM notifications
                WHERE channel_id = $1 AND sent_at > $2 AND (digest_id IS NULL OR digest_id = id)")
            .bind(channel_id)
            .bind(since),
        )
        .await?;
    Ok(n)
}

/// Records `ids` sent together in one digest message led by the first, by the node that holds
/// their claims; returns how many it still held.
pub async fn record_digest(db: &Db, ids: &[i64], node: &str, now: DateTime<Utc>) -> Result<u64> {
    let Some(&lead) = ids.first() else { return Ok(0) };
    let mut tx = db.begin().await?;
    let mut n = 0;
    for &id in ids {
        n += tx
            .execute(
                q("UPDATE notifications
                      SET status = 'sent', sent_at = $3, lease_until = NULL, last_error = NULL,
                          digest_id = $4
                    WHERE id = $1 AND claimed_by = $2 AND status = 'pending'")
                .bind(id)
                .bind(node)
                .bind(now)
                .bind(lead),
            )
            .await?;
    }
    tx.commit().await?;
    Ok(n)
}

/// The outcome of a send, recorded by the node that holds the lease (false: it no longer does,
/// and records nothing).
pub enum Outcome<'a> {
    Sent,
    /// Try again at this time (a failure, or the channel's rate is spent).
    Again {
        at: DateTime<Utc>,
        error: &'a str,
        counts: bool,
    },
    /// No more tries.
    GiveUp {
        error: &'a str,
    },
}

pub async fn record(
    db: &Db,
    id: i64,
    node: &str,
    now: DateTime<Utc>,
    outcome: Outcome<'_>,
) -> Result<bool> {
    let gave_up = matches!(outcome, Outcome::GiveUp { .. });
    let stmt = match outcome {
        Outcome::Sent => q(
            "UPDATE notifications SET status = 'sent', sent_at = $3, lease_until = NULL, last_error = NULL
              WHERE id = $1 AND claimed_by = $2 AND status = 'pending'",
        )
        .bind(id)
        .bind(node)
        .bind(now),
        Outcome::Again { at, error, counts } => q(
            "UPDATE notifications SET next_at = $3, last_error = $4, lease_until = NULL,
                    attempts = attempts - $5
              WHERE id = $1 AND claimed_by = $2 AND status = 'pending'",
        )
        .bind(id)
        .bind(node)
        .bind(at)
        .bind(error)
        .bind(if counts { 0i64 } else { 1 }),
        Outcome::GiveUp { error } => q(
            "UPDATE notifications SET status = 'failed', last_error = $3, lease_until = NULL
              WHERE id = $1 AND claimed_by = $2 AND status = 'pending'",
        )
        .bind(id)
        .bind(node)
        .bind(error),
    };
    let mut tx = db.begin().await?;
    let n = tx.execute(stmt).await?;
    if n == 1 && gave_up {
        tell_of_failure(&mut tx, id, now).await?;
    }
    tx.commit().await?;
    Ok(n == 1)
}

/// A notification given up is an alert of its own: the district's other channels hear which
/// channel failed and what it could not say, so a dead robot does not go unnoticed. (A failure
/// to tell of a failure is not told again.)
async fn tell_of_failure(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> Result<()> {
    let n: Notification = tx
        .fetch_one(q_dynamic(format!("SELECT {COLUMNS} FROM notifications WHERE id = $1")).bind(id))
        .await?;
    if n.source == "channel" {
        return Ok(());
    }
    let (name,): (String,) = tx
        .fetch_one(q("SELECT name FROM notification_channels WHERE id = $1").bind(n.channel_id))
        .await?;
    let mut facts: Facts = serde_json::from_str(&n.facts).unwrap_or_default();
    facts["failed_source"] = n.source.clone().into();
    facts["channel"] = name.into();
    facts["link"] = "/admin/channels".into();
    let e = Event {
        source: "channel",
        source_id: n.id,
        event: "given_up",
        severity: Severity::Danger,
        station_id: n.station_id,
        facts: &facts,
        at: now,
    };
    enqueue(tx, &e, Scopes::DISTRICT, Some(n.channel_id)).await?;
    Ok(())
}

/// The notifications of one event, oldest first (an alert's timeline, a test's check).
pub async fn of_source(db: &Db, source: &str, source_id: i64) -> Result<Vec<Notification>> {
    db.fetch_all(
        q_dynamic(format!(
            "SELECT {COLUMNS} FROM notifications WHERE source = $1 AND source_id = $2 ORDER BY id"
        ))
        .bind(source)
        .bind(source_id),
    )
    .await
}

/// How many of each channel's notifications are in each state: (channel, status, count).
pub async fn tallies(db: &Db) -> Result<Vec<(i64, String, i64)>> {
    db.fetch_all(q(
        "SELECT channel_id, status, COUNT(*) FROM notifications GROUP BY channel_id, status",
    ))
    .await
}
