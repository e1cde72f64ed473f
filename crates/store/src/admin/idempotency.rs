//! Idempotency keys of the API: the first answer to a state-changing request sent with an
//! `Idempotency-Key`, kept 24 hours, so that a phone retrying on a flaky network gets that answer
//! again instead of doing the thing twice — on any node, both backends.

use chrono::{DateTime, Duration, Utc};

use crate::db::{Db, Result, now, q};

/// How long a key holds its answer.
pub fn lifetime() -> Duration {
    Duration::hours(24)
}

/// How long a first request may run before a retry takes its key over: its node died, or it
/// failed without an answer. Writes answer in milliseconds; an import's upload in seconds.
pub fn abandoned_after() -> Duration {
    Duration::minutes(5)
}

/// The request a key was first used for.
pub struct Request<'a> {
    /// The caller's account: keys are theirs alone.
    pub caller: i64,
    pub key: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub body_sha256: &'a str,
}

/// A kept answer.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Answer {
    pub status: i64,
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub body: Vec<u8>,
}

/// What a key says about a request.
#[derive(Debug)]
pub enum Claim {
    /// Never used (or expired): the request runs, and its answer is kept with `finish`.
    New,
    /// Used for the same request, which was answered: the answer again.
    Answered(Answer),
    /// Used for the same request, still running (on this node or another).
    Running,
    /// Used for another request (method, path or body differ).
    Other,
}

#[derive(sqlx::FromRow)]
struct Row {
    method: String,
    path: String,
    body_sha256: String,
    status: Option<i64>,
    content_type: Option<String>,
    location: Option<String>,
    body: Option<Vec<u8>>,
}

/// Takes the key for `r`, or says what it already holds. An expired key, or one whose first
/// request was abandoned without an answer, is taken afresh.
pub async fn claim(db: &Db, r: &Request<'_>) -> Result<Claim> {
    let at = now();
    let mut tx = db.begin().await?;
    tx.execute(
        q("DELETE FROM idempotency_keys WHERE caller = $1 AND request_key = $2
             AND (created_at < $3 OR (status IS NULL AND created_at < $4))")
        .bind(r.caller)
        .bind(r.key)
        .bind(at - lifetime())
        .bind(at - abandoned_after()),
    )
    .await?;
    let taken = tx
        .execute(
            q("INSERT INTO idempotency_keys (caller, request_key, method, path, body_sha256, created_at)
               VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (caller, request_key) DO NOTHING")
            .bind(r.caller)
            .bind(r.key)
            .bind(r.method)
            .bind(r.path)
            .bind(r.body_sha256)
            .bind(at),
        )
        .await?;
    let claim = if taken == 1 {
        Claim::New
    } else {
        let row: Row = tx
            .fetch_one(
                q("SELECT method, path, body_sha256, status, content_type, location, body
                     FROM idempotency_keys WHERE caller = $1 AND request_key = $2")
                .bind(r.caller)
                .bind(r.key),
            )
            .await?;
        if row.method != r.method || row.path != r.path || row.body_sha256 != r.body_sha256 {
            Claim::Other
        } else if let Some(status) = row.status {
            Claim::Answered(Answer {
                status,
                content_type: row.content_type,
                location: row.location,
                body: row.body.unwrap_or_default(),
            })
        } else {
            Claim::Running
        }
    };
    tx.commit().await?;
    Ok(claim)
}

/// Keeps the answer of the request that took the key.
pub async fn finish(db: &Db, caller: i64, key: &str, a: &Answer) -> Result<()> {
    db.execute(
        q("UPDATE idempotency_keys SET status = $1, content_type = $2, location = $3, body = $4
           WHERE caller = $5 AND request_key = $6")
        .bind(a.status)
        .bind(a.content_type.clone())
        .bind(a.location.clone())
        .bind(a.body.as_slice())
        .bind(caller)
        .bind(key),
    )
    .await?;
    Ok(())
}

/// Gives the key back (the request failed on the server's side: a retry may run it).
pub async fn release(db: &Db, caller: i64, key: &str) -> Result<()> {
    db.execute(
        q("DELETE FROM idempotency_keys WHERE caller = $1 AND request_key = $2 AND status IS NULL")
            .bind(caller)
            .bind(key),
    )
    .await?;
    Ok(())
}

/// Drops the keys older than their lifetime before `at`; how many.
pub async fn purge(db: &Db, at: DateTime<Utc>) -> Result<u64> {
    db.execute(q("DELETE FROM idempotency_keys WHERE created_at < $1").bind(at - lifetime())).await
}
