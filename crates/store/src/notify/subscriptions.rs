//! A person's own notification settings (订阅); no row means their role's default.

use yizhan_core::access::Actor;
use yizhan_core::notify::Severity;
use yizhan_core::notify::subscription::Subscription;

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Result, now, q};

#[derive(sqlx::FromRow)]
struct Row {
    #[sqlx(try_from = "String")]
    min_severity: Severity,
    station_id: Option<i64>,
    street_id: Option<i64>,
    quiet_from: Option<i64>,
    quiet_to: Option<i64>,
}

/// The person's settings, if they have saved any.
pub async fn get(db: &Db, user_id: i64) -> Result<Option<Subscription>> {
    let row: Option<Row> = db
        .fetch_optional(
            q("SELECT min_severity, station_id, street_id, quiet_from, quiet_to
                 FROM subscriptions WHERE user_id = $1")
            .bind(user_id),
        )
        .await?;
    Ok(row.map(|r| Subscription {
        min_severity: r.min_severity,
        station_id: r.station_id,
        street_id: r.street_id,
        quiet: r.quiet_from.zip(r.quiet_to).map(|(f, t)| {
            (u32::try_from(f).unwrap_or_default(), u32::try_from(t).unwrap_or_default())
        }),
    }))
}

/// Saves the person's settings (theirs only: `actor` is the person), audited.
pub async fn save(db: &Db, actor: &Actor, user_id: i64, s: &Subscription) -> Result<()> {
    let mut tx = db.begin().await?;
    tx.execute(
        q("INSERT INTO subscriptions (user_id, min_severity, station_id, street_id, quiet_from, quiet_to, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (user_id) DO UPDATE SET min_severity = excluded.min_severity,
               station_id = excluded.station_id, street_id = excluded.street_id,
               quiet_from = excluded.quiet_from, quiet_to = excluded.quiet_to,
               updated_at = excluded.updated_at")
        .bind(user_id)
        .bind(s.min_severity.as_str())
        .bind(s.station_id)
        .bind(s.street_id)
        .bind(s.quiet.map(|q| i64::from(q.0)))
        .bind(s.quiet.map(|q| i64::from(q.1)))
        .bind(now()),
    )
    .await?;
    audit::append(
        &mut tx,
        actor,
        Entry::new("subscription.save", "user", user_id)
            .detail(serde_json::json!({ "min_severity": s.min_severity.as_str() })),
    )
    .await?;
    tx.commit().await
}
