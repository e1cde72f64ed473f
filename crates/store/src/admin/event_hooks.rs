//! Change hooks of service accounts: the change feed pushed to a system's address instead of
//! polled (issue 22). One hook an account; claimed by one node at a time for a lease, so pages
//! go out in order; a page is marked delivered only once the receiver said yes (at least once:
//! a node killed after the POST and before the mark sends the page again, same delivery id).

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use yizhan_core::access::Actor;

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Result, now, q};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct EventHook {
    pub user_id: i64,
    #[serde(skip)]
    pub url_sealed: String,
    #[serde(skip)]
    pub secret_sealed: String,
    /// The last audit sequence number the receiver acknowledged.
    pub delivered_seq: i64,
    /// Failed deliveries since the last one that went through.
    pub tries: i64,
    pub next_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub last_ok_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "user_id, url_sealed, secret_sealed, delivered_seq, tries, next_at, \
    last_error, last_ok_at, created_at";

/// Sets (or replaces) the hook of service account `user_id`; it starts with the changes after
/// this moment. `NotFound` when the account is not a service account.
pub async fn set(
    db: &Db,
    actor: &Actor,
    user_id: i64,
    url_sealed: &str,
    secret_sealed: &str,
) -> Result<EventHook> {
    let mut tx = db.begin().await?;
    let at = now();
    tx.execute(q("DELETE FROM event_hooks WHERE user_id = $1").bind(user_id)).await?;
    let hook: Option<EventHook> = tx
        .fetch_optional(
            crate::db::q_dynamic(format!(
                "INSERT INTO event_hooks (user_id, url_sealed, secret_sealed, delivered_seq, next_at, created_at)
                 SELECT id, $2, $3, (SELECT COALESCE(MAX(seq), 0) FROM audit_log), $4, $4
                 FROM users WHERE id = $1 AND service = TRUE
                 RETURNING {COLUMNS}"
            ))
            .bind(user_id)
            .bind(url_sealed)
            .bind(secret_sealed)
            .bind(at),
        )
        .await?;
    let hook = hook.ok_or(crate::StoreError::NotFound)?;
    audit::append(&mut tx, actor, Entry::new("event_hook.set", "user", user_id)).await?;
    tx.commit().await?;
    Ok(hook)
}

/// Removes the hook of `user_id`; whether there was one.
pub async fn remove(db: &Db, actor: &Actor, user_id: i64) -> Result<bool> {
    let mut tx = db.begin().await?;
    let n = tx.execute(q("DELETE FROM event_hooks WHERE user_id = $1").bind(user_id)).await?;
    if n > 0 {
        audit::append(&mut tx, actor, Entry::new("event_hook.remove", "user", user_id)).await?;
    }
    tx.commit().await?;
    Ok(n > 0)
}

pub async fn of_user(db: &Db, user_id: i64) -> Result<Option<EventHook>> {
    db.fetch_optional(
        crate::db::q_dynamic(format!("SELECT {COLUMNS} FROM event_hooks WHERE user_id = $1"))
            .bind(user_id),
    )
    .await
}

/// Takes the next hook that is due and held by no node, for `lease`.
pub async fn claim(db: &Db, at: DateTime<Utc>, lease: Duration) -> Result<Option<EventHook>> {
    // Read first: every node asks every second, and most deployments have no hook at all; a
    // write transaction each time would take SQLite's write lock for nothing.
    let due: Option<(i64,)> = db
        .fetch_optional(
            q("SELECT user_id FROM event_hooks
               WHERE next_at <= $1 AND (lease_until IS NULL OR lease_until < $1) LIMIT 1")
            .bind(at),
        )
        .await?;
    if due.is_none() {
        return Ok(None);
    }
    let mut tx = db.begin().await?;
    let hook: Option<EventHook> = tx
        .fetch_optional(
            crate::db::q_dynamic(format!(
                "UPDATE event_hooks SET lease_until = $2
                 WHERE user_id = (SELECT user_id FROM event_hooks
                                  WHERE next_at <= $1 AND (lease_until IS NULL OR lease_until < $1)
                                  ORDER BY next_at, user_id LIMIT 1)
                   AND (lease_until IS NULL OR lease_until < $1)
                 RETURNING {COLUMNS}"
            ))
            .bind(at)
            .bind(at + lease),
        )
        .await?;
    tx.commit().await?;
    Ok(hook)
}

/// The receiver has the changes up to `seq` (or there were none to send up to it): the next
/// page is due at `next_at`.
pub async fn delivered(
    db: &Db,
    user_id: i64,
    seq: i64,
    sent: bool,
    next_at: DateTime<Utc>,
) -> Result<()> {
    let mut tx = db.begin().await?;
    tx.execute(
        q("UPDATE event_hooks SET delivered_seq = $2, tries = 0, next_at = $3, lease_until = NULL,
               last_error = CASE WHEN $4 THEN NULL ELSE last_error END,
               last_ok_at = CASE WHEN $4 THEN $5 ELSE last_ok_at END
           WHERE user_id = $1")
        .bind(user_id)
        .bind(seq)
        .bind(next_at)
        .bind(sent)
        .bind(now()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The receiver did not take the page: tried again at `next_at`, `error` kept (no secret in it).
pub async fn failed(db: &Db, user_id: i64, error: &str, next_at: DateTime<Utc>) -> Result<()> {
    let mut tx = db.begin().await?;
    tx.execute(
        q("UPDATE event_hooks SET tries = tries + 1, next_at = $2, lease_until = NULL, last_error = $3
           WHERE user_id = $1")
        .bind(user_id)
        .bind(next_at)
        .bind(error.chars().take(300).collect::<String>()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
