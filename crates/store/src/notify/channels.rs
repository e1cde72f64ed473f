//! Notification channels: a group robot, a webhook, e-mail or SMS, for the district, a street or a station.
//! The address (which holds the robot's key) and the signing secret arrive sealed; this layer
//! never sees them in the clear.

use chrono::{DateTime, Utc};
use serde::Serialize;
use yizhan_core::access::Actor;
use yizhan_core::notify::{ChannelKind, Severity};

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Result, now, q, q_dynamic};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Channel {
    pub id: i64,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub kind: ChannelKind,
    pub street_id: Option<i64>,
    pub station_id: Option<i64>,
    #[sqlx(try_from = "String")]
    pub min_severity: Severity,
    pub per_minute: i64,
    #[serde(skip)]
    pub url_sealed: String,
    /// What may be shown of the address: its host and the last characters of its key.
    pub url_hint: String,
    #[serde(skip)]
    pub secret_sealed: Option<String>,
    /// E-mail addresses, or mobiles an SMS channel always texts; one per line.
    #[serde(skip)]
    pub recipients: String,
    /// The address an e-mail channel's mail comes from.
    pub sender: String,
    /// What an SMS gateway takes by POST (empty: GET).
    #[serde(skip)]
    pub body: String,
    pub active: bool,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// A channel to add, its address and secret already sealed.
#[derive(Debug, Clone)]
pub struct NewChannel {
    pub name: String,
    pub kind: ChannelKind,
    pub street_id: Option<i64>,
    pub station_id: Option<i64>,
    pub min_severity: Severity,
    pub per_minute: i64,
    pub url_sealed: String,
    pub url_hint: String,
    pub secret_sealed: Option<String>,
    pub recipients: Vec<String>,
    pub sender: String,
    pub body: String,
}

impl Channel {
    /// Its fixed recipients, one each.
    pub fn recipients(&self) -> Vec<&str> {
        self.recipients.lines().filter(|l| !l.is_empty()).collect()
    }
}

const SELECT: &str = "SELECT id, name, kind, street_id, station_id, min_severity, per_minute,
    url_sealed, url_hint, secret_sealed, recipients, sender, body, active, created_by, created_at
    FROM notification_channels";

pub async fn create(db: &Db, actor: &Actor, c: &NewChannel) -> Result<i64> {
    let mut tx = db.begin().await?;
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO notification_channels (name, kind, street_id, station_id, min_severity,
                   per_minute, url_sealed, url_hint, secret_sealed, recipients, sender, body,
                   active, created_by, created_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, TRUE, $13, $14)
               RETURNING id")
            .bind(&c.name)
            .bind(c.kind.as_str())
            .bind(c.street_id)
            .bind(c.station_id)
            .bind(c.min_severity.as_str())
            .bind(c.per_minute)
            .bind(&c.url_sealed)
            .bind(&c.url_hint)
            .bind(c.secret_sealed.clone())
            .bind(c.recipients.join("\n"))
            .bind(&c.sender)
            .bind(&c.body)
            .bind(&actor.name)
            .bind(now()),
        )
        .await?;
    audit::append(&mut tx, actor, Entry::new("channel.create", "channel", id)).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn get(db: &Db, id: i64) -> Result<Channel> {
    db.fetch_one(q_dynamic(format!("{SELECT} WHERE id = $1")).bind(id)).await
}

pub async fn list(db: &Db) -> Result<Vec<Channel>> {
    db.fetch_all(q_dynamic(format!("{SELECT} ORDER BY id"))).await
}

/// Stops (or restarts) a channel; what it still holds is not sent while it is stopped.
pub async fn set_active(db: &Db, actor: &Actor, id: i64, active: bool) -> Result<()> {
    let mut tx = db.begin().await?;
    tx.execute(
        q("UPDATE notification_channels SET active = $1 WHERE id = $2").bind(active).bind(id),
    )
    .await?;
    let action = if active { "channel.start" } else { "channel.stop" };
    audit::append(&mut tx, actor, Entry::new(action, "channel", id)).await?;
    tx.commit().await
}
