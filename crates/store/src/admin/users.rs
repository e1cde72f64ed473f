//! User accounts and their role grants.

use chrono::{DateTime, Utc};
use serde::Serialize;
use yizhan_core::access::{Actor, Grant, Principal, Role, Scope, ScopeKind};

use crate::admin::audit::{self, Entry};
use crate::db::{Conn, Db, Result, Tx, now, q};
use crate::error::StoreError;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    #[serde(skip)]
    pub password_hash: String,
    pub must_change_password: bool,
    pub active: bool,
    /// A system's account: no password sign-in, API tokens instead.
    pub service: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct GrantRow {
    role: String,
    scope_kind: String,
    scope_id: Option<i64>,
}

/// A new account: the password is already hashed by the caller.
pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub must_change_password: bool,
    pub grants: &'a [Grant],
}

pub async fn count(db: &Db) -> Result<i64> {
    let (n,): (i64,) = db.fetch_one(q("SELECT COUNT(*) FROM users")).await?;
    Ok(n)
}

pub async fn create(db: &Db, actor: &Actor, u: &NewUser<'_>) -> Result<User> {
    insert(db, actor, u, false).await
}

/// Creates a service account (a system's): its password hash is a marker no password matches,
/// and sign-in refuses it anyway; it calls the API with tokens (`api_tokens`).
pub async fn create_service(db: &Db, actor: &Actor, u: &NewUser<'_>) -> Result<User> {
    insert(
        db,
        actor,
        &NewUser { password_hash: SERVICE_HASH, must_change_password: false, ..*u },
        true,
    )
    .await
}

/// What a service account has for a password hash: not a PHC string, so nothing verifies.
pub const SERVICE_HASH: &str = "!service";

async fn insert(db: &Db, actor: &Actor, u: &NewUser<'_>, service: bool) -> Result<User> {
    let mut tx = db.begin().await?;
    let t = now();
    let user: User = tx
        .fetch_one(
            q("INSERT INTO users (username, display_name, password_hash, must_change_password, active, service, created_at, updated_at)
               VALUES ($1, $2, $3, $4, TRUE, $5, $6, $6) RETURNING *")
            .bind(u.username)
            .bind(u.display_name)
            .bind(u.password_hash)
            .bind(u.must_change_password)
            .bind(service)
            .bind(t),
        )
        .await?;
    insert_grants(&mut tx, user.id, u.grants).await?;
    audit::append(
        &mut tx,
        actor,
        Entry::new("user.create", "user", user.id).detail(serde_json::json!({
            "username": user.username, "grants": u.grants, "service": service,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(user)
}

async fn insert_grants(tx: &mut Tx, user_id: i64, grants: &[Grant]) -> Result<()> {
    for g in grants {
        tx.execute(
            q("INSERT INTO user_roles (user_id, role, scope_kind, scope_id) VALUES ($1, $2, $3, $4)")
                .bind(user_id)
                .bind(g.role.as_str())
                .bind(g.scope.kind().as_str())
                .bind(g.scope.id()),
        )
        .await?;
    }
    Ok(())
}

pub async fn get(db: &Db, id: i64) -> Result<User> {
    db.fetch_one(q("SELECT * FROM users WHERE id = $1").bind(id)).await
}

pub async fn find_by_username(db: &Db, username: &str) -> Result<Option<User>> {
    db.fetch_optional(q("SELECT * FROM users WHERE username = $1").bind(username)).await
}

pub async fn list(db: &Db) -> Result<Vec<User>> {
    db.fetch_all(q("SELECT * FROM users ORDER BY username")).await
}

pub async fn grants(conn: &mut Conn, user_id: i64) -> Result<Vec<Grant>> {
    let rows: Vec<GrantRow> = conn
        .fetch_all(
            q("SELECT role, scope_kind, scope_id FROM user_roles WHERE user_id = $1 ORDER BY id")
                .bind(user_id),
        )
        .await?;
    rows.into_iter()
        .map(|r| {
            let role = Role::parse(&r.role);
            let scope =
                ScopeKind::parse(&r.scope_kind).and_then(|k| Scope::from_parts(k, r.scope_id));
            match (role, scope) {
                (Some(role), Some(scope)) => Ok(Grant { role, scope }),
                _ => Err(StoreError::Other(format!(
                    "bad grant row for user {user_id}: {} {}",
                    r.role, r.scope_kind
                ))),
            }
        })
        .collect()
}

pub async fn grants_of(db: &Db, user_id: i64) -> Result<Vec<Grant>> {
    grants(&mut db.conn().await?, user_id).await
}

pub async fn principal(db: &Db, user: &User) -> Result<Principal> {
    Ok(Principal {
        user_id: user.id,
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        grants: grants_of(db, user.id).await?,
        must_change_password: user.must_change_password,
    })
}

/// Replaces name, grants and active flag; deactivating ends every session of the account.
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: i64,
    display_name: &str,
    active: bool,
    grants: &[Grant],
) -> Result<User> {
    let mut tx = db.begin().await?;
    let user: User = tx
        .fetch_one(
            q("UPDATE users SET display_name = $1, active = $2, updated_at = $3 WHERE id = $4 RETURNING *")
                .bind(display_name)
                .bind(active)
                .bind(now())
                .bind(id),
        )
        .await?;
    tx.execute(q("DELETE FROM user_roles WHERE user_id = $1").bind(id)).await?;
    insert_grants(&mut tx, id, grants).await?;
    if !active {
        tx.execute(q("DELETE FROM sessions WHERE user_id = $1").bind(id)).await?;
    }
    audit::append(
        &mut tx,
        actor,
        Entry::new("user.update", "user", id).detail(serde_json::json!({
            "display_name": display_name, "active": active, "grants": grants,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(user)
}

/// Sets a new password hash. `keep_session` survives; every other session of the user ends.
pub async fn set_password(
    db: &Db,
    actor: &Actor,
    id: i64,
    password_hash: &str,
    must_change: bool,
    keep_session: Option<&str>,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let n = tx
        .execute(
            q("UPDATE users SET password_hash = $1, must_change_password = $2, updated_at = $3 WHERE id = $4")
                .bind(password_hash)
                .bind(must_change)
                .bind(now())
                .bind(id),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    tx.execute(
        q("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(id)
            .bind(keep_session.unwrap_or("")),
    )
    .await?;
    audit::append(
        &mut tx,
        actor,
        Entry::new("user.password", "user", id)
            .detail(serde_json::json!({ "must_change": must_change })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
