//! Directives, their recipients' reading and confirmation, reminders and attachments.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use yizhan_core::access::Actor;
use yizhan_core::command::directive::{
    KEY_NOT_PUBLISHED, KEY_PUBLISHED, NewDirective, RecipientKind,
};
use yizhan_core::error::DomainError;

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Result, now, q, q_dynamic};
use crate::error::StoreError;
use yizhan_core::command::directive::{DirectiveKind, DirectiveStatus};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct Directive {
    pub id: i64,
    pub title: String,
    #[sqlx(try_from = "String")]
    pub kind: DirectiveKind,
    pub body: String,
    pub deadline: NaiveDate,
    #[sqlx(try_from = "String")]
    pub status: DirectiveStatus,
    pub created_by: String,
    pub published_at: Option<DateTime<Utc>>,
}

impl Directive {
    pub fn published(&self) -> bool {
        self.status == DirectiveStatus::Published
    }
}

fn refuse(key: &'static str) -> StoreError {
    StoreError::Refused(DomainError::Rule { field: None, key })
}

pub async fn create(db: &Db, actor: &Actor, d: &NewDirective) -> Result<i64> {
    let mut tx = db.begin().await?;
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO directives (title, kind, body, deadline, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
                .bind(d.title.as_str())
                .bind(d.kind.as_str())
                .bind(d.body.as_str())
                .bind(d.deadline)
                .bind(actor.name.as_str())
                .bind(now()),
        )
        .await?;
    for (kind, target) in &d.recipients {
        tx.execute(
            q("INSERT INTO directive_recipients (directive_id, kind, target_id) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(kind.as_str())
                .bind(*target),
        )
        .await?;
    }
    audit::append(&mut tx, actor, Entry::new("directive.draft", "directive", id)).await?;
    tx.commit().await?;
    Ok(id)
}

const SELECT: &str =
    "SELECT id, title, kind, body, deadline, status, created_by, published_at FROM directives";

pub async fn get(db: &Db, id: i64) -> Result<Directive> {
    db.fetch_one(q_dynamic(format!("{SELECT} WHERE id = $1")).bind(id)).await
}

pub async fn list(db: &Db) -> Result<Vec<Directive>> {
    db.fetch_all(q_dynamic(format!("{SELECT} ORDER BY id DESC"))).await
}

/// How far each directive's recipients have got: one row per directive that has recipients.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Tally {
    pub directive_id: i64,
    pub recipients: i64,
    pub acknowledged: i64,
    pub reminders: i64,
}

/// Every directive's tally in one pass over the recipients (a directive can have thousands).
pub async fn tallies(db: &Db) -> Result<Vec<Tally>> {
    db.fetch_all(q(
        "SELECT directive_id, COUNT(*) AS recipients, COUNT(acknowledged_at) AS acknowledged,
                COALESCE(MAX(reminders), 0) AS reminders
           FROM directive_recipients GROUP BY directive_id",
    ))
    .await
}

pub async fn publish(db: &Db, actor: &Actor, id: i64) -> Result<()> {
    let mut tx = db.begin().await?;
    let n = tx
        .execute(
            q("UPDATE directives SET status = 'published', published_at = $1 WHERE id = $2 AND status = 'draft'")
                .bind(now())
                .bind(id),
        )
        .await?;
    if n == 0 {
        return Err(refuse(KEY_PUBLISHED));
    }
    audit::append(&mut tx, actor, Entry::new("directive.publish", "directive", id)).await?;
    tx.commit().await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct Recipient {
    pub directive_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: yizhan_core::command::directive::RecipientKind,
    pub target_id: i64,
    /// The street's, station's or enterprise's name.
    pub name: Option<String>,
    pub read_at: Option<DateTime<Utc>>,
    pub read_by: Option<String>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<String>,
    pub reminders: i64,
    pub reminded_at: Option<DateTime<Utc>>,
}

const RECIPIENTS: &str = "SELECT r.directive_id, r.kind, r.target_id,
        CASE r.kind WHEN 'street' THEN (SELECT name FROM streets WHERE id = r.target_id)
                    WHEN 'station' THEN (SELECT name FROM stations WHERE id = r.target_id)
                    WHEN 'enterprise' THEN (SELECT name FROM enterprises WHERE id = r.target_id) END AS name,
        r.read_at, r.read_by, r.acknowledged_at, r.acknowledged_by, r.reminders, r.reminded_at
   FROM directive_recipients r";

pub async fn recipients(db: &Db, id: i64) -> Result<Vec<Recipient>> {
    db.fetch_all(
        q_dynamic(format!(
            "{RECIPIENTS} WHERE r.directive_id = $1 ORDER BY r.kind DESC, r.target_id"
        ))
        .bind(id),
    )
    .await
}

/// The recipient rows of published directives addressed to one unit.
pub async fn for_unit(db: &Db, kind: RecipientKind, target: i64) -> Result<Vec<Recipient>> {
    db.fetch_all(
        q_dynamic(format!(
            "{RECIPIENTS} JOIN directives d ON d.id = r.directive_id
              WHERE r.kind = $1 AND r.target_id = $2 AND d.status = 'published'
              ORDER BY r.directive_id DESC"
        ))
        .bind(kind.as_str())
        .bind(target),
    )
    .await
}

/// Records the first reading by the unit (later readings change nothing).
pub async fn mark_read(
    db: &Db,
    actor: &Actor,
    id: i64,
    kind: RecipientKind,
    target: i64,
) -> Result<()> {
    db.execute(
        q("UPDATE directive_recipients SET read_at = $1, read_by = $2
            WHERE directive_id = $3 AND kind = $4 AND target_id = $5 AND read_at IS NULL")
        .bind(now())
        .bind(actor.name.as_str())
        .bind(id)
        .bind(kind.as_str())
        .bind(target),
    )
    .await?;
    Ok(())
}

/// The unit confirms it has received and will carry it out (once; reading is implied).
pub async fn acknowledge(
    db: &Db,
    actor: &Actor,
    d: &Directive,
    kind: RecipientKind,
    target: i64,
) -> Result<()> {
    if !d.published() {
        return Err(refuse(KEY_NOT_PUBLISHED));
    }
    let mut tx = db.begin().await?;
    let n = tx
        .execute(
            q("UPDATE directive_recipients SET acknowledged_at = $1, acknowledged_by = $2,
                      read_at = COALESCE(read_at, $1), read_by = COALESCE(read_by, $2)
                WHERE directive_id = $3 AND kind = $4 AND target_id = $5 AND acknowledged_at IS NULL")
            .bind(now())
            .bind(actor.name.as_str())
            .bind(d.id)
            .bind(kind.as_str())
            .bind(target),
        )
        .await?;
    if n == 0 {
        // Already confirmed (by a colleague, or twice): nothing to do.
        return Ok(());
    }
    audit::append(
        &mut tx,
        actor,
        Entry::new("directive.acknowledge", "directive", d.id)
            .detail(serde_json::json!({ "kind": kind.as_str(), "target_id": target })),
    )
    .await?;
    tx.commit().await
}

/// Reminds every recipient that has not confirmed; returns how many were reminded.
pub async fn remind(db: &Db, actor: &Actor, d: &Directive) -> Result<u64> {
    if !d.published() {
        return Err(refuse(KEY_NOT_PUBLISHED));
    }
    let mut tx = db.begin().await?;
    let n = tx
        .execute(
            q("UPDATE directive_recipients SET reminders = reminders + 1, reminded_at = $1
                WHERE directive_id = $2 AND acknowledged_at IS NULL")
            .bind(now())
            .bind(d.id),
        )
        .await?;
    audit::append(
        &mut tx,
        actor,
        Entry::new("directive.remind", "directive", d.id)
            .detail(serde_json::json!({ "reminded": n })),
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct File {
    pub id: i64,
    pub directive_id: i64,
    pub name: String,
    pub content_type: String,
    pub bytes: i64,
    pub sha256: String,
}

pub async fn add_file(
    db: &Db,
    actor: &Actor,
    d: &Directive,
    name: &str,
    content_type: &str,
    sha256: &str,
    data: &[u8],
) -> Result<i64> {
    if d.published() {
        return Err(refuse(KEY_PUBLISHED));
    }
    let mut tx = db.begin().await?;
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO directive_files (directive_id, name, content_type, bytes, sha256, data, uploaded_by, uploaded_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
            .bind(d.id)
            .bind(name)
            .bind(content_type)
            .bind(data.len() as i64)
            .bind(sha256)
            .bind(data)
            .bind(actor.name.as_str())
            .bind(now()),
        )
        .await?;
    audit::append(
        &mut tx,
        actor,
        Entry::new("directive.attach", "directive", d.id)
            .detail(serde_json::json!({ "file_id": id, "sha256": sha256 })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn files(db: &Db, directive_id: i64) -> Result<Vec<File>> {
    db.fetch_all(
        q("SELECT id, directive_id, name, content_type, bytes, sha256 FROM directive_files WHERE directive_id = $1 ORDER BY id")
            .bind(directive_id),
    )
    .await
}

pub async fn file(db: &Db, id: i64) -> Result<(File, Vec<u8>)> {
    let f: File = db
        .fetch_one(
            q("SELECT id, directive_id, name, content_type, bytes, sha256 FROM directive_files WHERE id = $1").bind(id),
        )
        .await?;
    let (data,): (Vec<u8>,) =
        db.fetch_one(q("SELECT data FROM directive_files WHERE id = $1").bind(id)).await?;
    Ok((f, data))
}
