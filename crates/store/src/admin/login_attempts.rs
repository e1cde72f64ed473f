//! Login attempts, counted per user name (existing or not) and per client address for
//! throttling.

use chrono::{DateTime, Utc};

use crate::db::{Db, Result, now, q};

pub async fn record(db: &Db, username: &str, client: &str, ok: bool) -> Result<()> {
    db.execute(
        q("INSERT INTO login_attempts (username, client, at, ok) VALUES ($1, $2, $3, $4)")
            .bind(username)
            .bind(client)
            .bind(now())
            .bind(ok),
    )
    .await?;
    Ok(())
}

/// Failures on a name since `since`, counting only those after its last success.
pub async fn failures_since(db: &Db, username: &str, since: DateTime<Utc>) -> Result<i64> {
    let (n,): (i64,) = db
        .fetch_one(
            q("SELECT COUNT(*) FROM login_attempts
               WHERE username = $1 AND ok = FALSE AND at >= $2
                 AND at > COALESCE((SELECT MAX(at) FROM login_attempts WHERE username = $1 AND ok = TRUE), $2)")
            .bind(username)
            .bind(since),
        )
        .await?;
    Ok(n)
}

/// Failures from a client since `since`, over every name.
pub async fn client_failures_since(db: &Db, client: &str, since: DateTime<Utc>) -> Result<i64> {
    let (n,): (i64,) = db
        .fetch_one(
            q("SELECT COUNT(*) FROM login_attempts WHERE client = $1 AND ok = FALSE AND at >= $2")
                .bind(client)
                .bind(since),
        )
        .await?;
    Ok(n)
}

/// Attempts older than `before` carry no information any more.
pub async fn purge(db: &Db, before: DateTime<Utc>) -> Result<u64> {
    db.execute(q("DELETE FROM login_attempts WHERE at < $1").bind(before)).await
}
