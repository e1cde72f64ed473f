//! API tokens of service accounts: a system (a provincial platform, a CDC system, a mini
//! program's back end) calls `/api/v1` with `Authorization: Bearer` under its account's grants.
//! Only the SHA-256 of a token is kept; it is shown once, when issued.

use chrono::{DateTime, Utc};
use serde::Serialize;
use yizhan_core::access::Actor;

use crate::admin::audit::{self, Entry};
use crate::admin::sessions::hash_token;
use crate::db::{Db, Result, now, q, q_dynamic};
use crate::error::StoreError;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    pub label: String,
    /// The token's first characters, to tell tokens apart (not a secret on its own).
    pub prefix: String,
    pub per_minute: i64,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl ApiToken {
    /// Usable at `at`: neither revoked nor expired.
    pub fn live(&self, at: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && at < self.expires_at
    }
}

const COLUMNS: &str = "id, user_id, label, prefix, per_minute, created_by, created_at, expires_at, revoked_at, last_used_at";

/// A token to issue: the secret itself is the caller's (random, shown once).
pub struct NewToken<'a> {
    pub user_id: i64,
    pub label: &'a str,
    pub secret: &'a str,
    pub per_minute: i64,
    pub expires_at: DateTime<Utc>,
}

/// Issues a token to a service account; `NotFound` when the account is not one (a person's
/// account never holds a token: it signs in with its password).
pub async fn create(db: &Db, actor: &Actor, t: &NewToken<'_>) -> Result<ApiToken> {
    let mut tx = db.begin().await?;
    let prefix: String = t.secret.chars().take(10).collect();
    let token: Option<ApiToken> = tx
        .fetch_optional(
            q_dynamic(format!(
                "INSERT INTO api_tokens (user_id, label, token_hash, prefix, per_minute, created_by, created_at, expires_at)
                 SELECT id, $2, $3, $4, $5, $6, $7, $8 FROM users WHERE id = $1 AND service = TRUE
                 RETURNING {COLUMNS}"
            ))
            .bind(t.user_id)
            .bind(t.label)
            .bind(hash_token(t.secret))
            .bind(&prefix)
            .bind(t.per_minute)
            .bind(actor.name.as_str())
            .bind(now())
            .bind(t.expires_at),
        )
        .await?;
    let token = token.ok_or(StoreError::NotFound)?;
    audit::append(
        &mut tx,
        actor,
        Entry::new("api_token.create", "user", t.user_id).detail(serde_json::json!({
            "token": token.id, "label": t.label, "prefix": prefix,
            "per_minute": t.per_minute, "expires_at": t.expires_at,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// The tokens of an account, the newest first.
pub async fn of_user(db: &Db, user_id: i64) -> Result<Vec<ApiToken>> {
    db.fetch_all(
        q_dynamic(format!("SELECT {COLUMNS} FROM api_tokens WHERE user_id = $1 ORDER BY id DESC"))
            .bind(user_id),
    )
    .await
}

/// Revokes one token of an account; revoking twice is not an error, another account's token
/// is `NotFound`.
pub async fn revoke(db: &Db, actor: &Actor, user_id: i64, id: i64) -> Result<ApiToken> {
    let mut tx = db.begin().await?;
    let n = tx
        .execute(
            q("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL")
                .bind(now())
                .bind(id)
                .bind(user_id),
        )
        .await?;
    let token: ApiToken = tx
        .fetch_optional(
            q_dynamic(format!("SELECT {COLUMNS} FROM api_tokens WHERE id = $1 AND user_id = $2"))
                .bind(id)
                .bind(user_id),
        )
        .await?
        .ok_or(StoreError::NotFound)?;
    if n > 0 {
        audit::append(
            &mut tx,
            actor,
            Entry::new("api_token.revoke", "user", user_id)
                .detail(serde_json::json!({ "token": id, "prefix": token.prefix })),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(token)
}

/// The token behind a secret, live or not (the caller refuses a dead one), marked used at
/// most once a minute: a system calling ten times a second writes nothing more for it.
pub async fn find(db: &Db, secret: &str) -> Result<Option<ApiToken>> {
    let t: Option<ApiToken> = db
        .fetch_optional(
            q_dynamic(format!("SELECT {COLUMNS} FROM api_tokens WHERE token_hash = $1"))
                .bind(hash_token(secret)),
        )
        .await?;
    let at = now();
    if let Some(t) = &t
        && t.live(at)
        && t.last_used_at.is_none_or(|u| at - u > chrono::Duration::seconds(60))
    {
        db.execute(q("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2").bind(at).bind(t.id))
            .await?;
    }
    Ok(t)
}
