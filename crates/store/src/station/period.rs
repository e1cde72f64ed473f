//! A stay's period extended or shortened: the release date moved, the calendar of tests
//! recomputed (tests no longer needed and not yet taken dropped, new ones added), and the change
//! kept with the calendar as it stood, who approved it in which role, and why.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use yizhan_core::access::{Actor, Role};
use yizhan_core::error::DomainError;
use yizhan_core::station::period::PeriodChange;
use yizhan_core::station::quarantine::{calendar_of, release_after};
use yizhan_core::time::local_date;

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Result, Tx, now, q};
use crate::station::policies::PolicyRow;
use crate::station::stays::{self, Stay};

/// A change as kept.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Change {
    pub id: i64,
    pub stay_id: i64,
    pub old_days: i64,
    pub new_days: i64,
    pub old_release: NaiveDate,
    pub new_release: NaiveDate,
    pub reason: String,
    pub approved_role: String,
    /// The tests as they stood: `[{"day", "due_date", "result"}]`.
    pub old_calendar: String,
    pub changed_by: String,
    pub changed_at: DateTime<Utc>,
}

/// The length of `s`'s centralized period now, in days from check-in (its release is the day
/// after the last).
pub fn days_of(s: &Stay) -> i64 {
    (s.planned_release - local_date(s.checked_in_at)).num_days()
}

/// Changes the open stay `stay_id` to `c.days` days, approved by `actor` as `role`.
pub async fn change(
    db: &Db,
    actor: &Actor,
    stay_id: i64,
    c: &PeriodChange,
    role: Role,
) -> Result<Stay> {
    let mut tx = db.begin().await?;
    change_tx(&mut tx, actor, stay_id, c, role).await?;
    tx.commit().await?;
    stays::get(db, stay_id).await
}

/// [`change`] within `tx` (an exposure measure extends a stay with the measure's record).
pub(crate) async fn change_tx(
    tx: &mut Tx,
    actor: &Actor,
    stay_id: i64,
    c: &PeriodChange,
    role: Role,
) -> Result<()> {
    stays::lock_stay(tx, stay_id).await?;
    let stay = stays::get_tx(tx, stay_id).await?;
    if !stay.is_open() {
        return Err(DomainError::Rule { field: None, key: "error.stay_closed" }.into());
    }
    let policy: PolicyRow = tx
        .fetch_one(q("SELECT * FROM quarantine_policies WHERE id = $1").bind(stay.policy_id))
        .await?;
    let old: Vec<(i64, NaiveDate, Option<String>)> = tx
        .fetch_all(
            q("SELECT day, due_date, result FROM stay_tests WHERE stay_id = $1 ORDER BY day")
                .bind(stay_id),
        )
        .await?;
    let old_calendar: Vec<serde_json::Value> = old
        .iter()
        .map(|(day, due, result)| serde_json::json!({ "day": day, "due_date": due, "result": result }))
        .collect();
    let release = release_after(stay.checked_in_at, c.days);
    tx.execute(
        q("UPDATE stays SET planned_release = $1 WHERE id = $2").bind(release).bind(stay_id),
    )
    .await?;
    // A test already taken stays on the record, whatever the new period says.
    tx.execute(
        q("DELETE FROM stay_tests WHERE stay_id = $1 AND day > $2 AND sampled_at IS NULL")
            .bind(stay_id)
            .bind(c.days),
    )
    .await?;
    let calendar = calendar_of(&policy.policy(), stay.checked_in_at, c.days);
    crate::station::stays::insert_calendar(tx, stay_id, &calendar).await?;
    let old_days = days_of(&stay);
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO stay_changes (stay_id, old_days, new_days, old_release, new_release,
                   reason, approved_role, old_calendar, changed_by, changed_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id")
            .bind(stay_id)
            .bind(old_days)
            .bind(c.days)
            .bind(stay.planned_release)
            .bind(release)
            .bind(&c.reason)
            .bind(role.as_str())
            .bind(serde_json::Value::from(old_calendar).to_string())
            .bind(&actor.name)
            .bind(now()),
        )
        .await?;
    audit::append(
        tx,
        actor,
        Entry::new("stay.period", "stay", stay_id).detail(serde_json::json!({
            "change": id, "from_days": old_days, "to_days": c.days, "role": role.as_str(),
        })),
    )
    .await?;
    Ok(())
}

/// A stay's changes, oldest first.
pub async fn history(db: &Db, stay_id: i64) -> Result<Vec<Change>> {
    db.fetch_all(q("SELECT * FROM stay_changes WHERE stay_id = $1 ORDER BY id").bind(stay_id)).await
}
