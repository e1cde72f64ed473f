//! Sessions live in the database so that any node can serve any request.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::db::{Db, Result, now, q};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Session {
    pub token_hash: String,
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

/// Only the hash of the cookie's token is stored: a leaked database does not leak sessions.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub async fn create(db: &Db, token: &str, user_id: i64, csrf_token: &str) -> Result<()> {
    let t = now();
    db.execute(
        q("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)")
            .bind(hash_token(token))
            .bind(user_id)
            .bind(csrf_token)
            .bind(t),
    )
    .await?;
    Ok(())
}

pub async fn find(db: &Db, token: &str) -> Result<Option<Session>> {
    db.fetch_optional(q("SELECT * FROM sessions WHERE token_hash = $1").bind(hash_token(token)))
        .await
}

pub async fn touch(db: &Db, token_hash: &str, at: DateTime<Utc>) -> Result<()> {
    db.execute(
        q("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2").bind(at).bind(token_hash),
    )
    .await?;
    Ok(())
}

pub async fn delete(db: &Db, token_hash: &str) -> Result<()> {
    db.execute(q("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash)).await?;
    Ok(())
}

/// Removes sessions idle since `idle_before` or created before `created_before`.
pub async fn purge_expired(
    db: &Db,
    idle_before: DateTime<Utc>,
    created_before: DateTime<Utc>,
) -> Result<u64> {
    db.execute(
        q("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
            .bind(idle_before)
            .bind(created_before),
    )
    .await
}

/// Test hook and admin tool: move a session's clock, as if time had passed.
pub async fn backdate(
    db: &Db,
    token: &str,
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
) -> Result<()> {
    db.execute(
        q("UPDATE sessions SET created_at = $1, last_seen_at = $2 WHERE token_hash = $3")
            .bind(created_at)
            .bind(last_seen_at)
            .bind(hash_token(token)),
    )
    .await?;
    Ok(())
}

pub fn now_utc() -> DateTime<Utc> {
    now()
}
