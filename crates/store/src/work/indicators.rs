//! Economic indicators: one figure per indicator and month, entered again to correct it (an
//! upsert on the unique (indicator, month)), each change audited with what it replaced; an
//! import writes all its rows in one transaction or none.

use chrono::{DateTime, Utc};
use serde::Serialize;
use yizhan_core::access::Actor;
use yizhan_core::work::indicator::{Figure, Indicator, Month, NewFigure};

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Result, Tx, now, q};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Row {
    pub id: i64,
    pub indicator: String,
    /// `YYYY-MM`.
    pub month: String,
    /// Hundredths of the unit.
    pub value: i64,
    pub target: Option<i64>,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

impl Row {
    /// The figure for the derived rules (None for a month the CHECK would have refused).
    pub fn figure(&self) -> Option<Figure> {
        let (y, m) = self.month.split_once('-')?;
        Some(Figure {
            month: Month::new(y.parse().ok()?, m.parse().ok()?)?,
            value: self.value,
            target: self.target,
        })
    }
}

/// The figures of `indicator` in `year` and the year before, by month.
pub async fn two_years(db: &Db, indicator: Indicator, year: i32) -> Result<Vec<Row>> {
    db.fetch_all(
        q("SELECT id, indicator, month, value, target, updated_by, updated_at FROM indicator_figures
            WHERE indicator = $1 AND month >= $2 AND month <= $3 ORDER BY month")
        .bind(indicator.as_str())
        .bind(format!("{:04}-01", year - 1))
        .bind(format!("{year:04}-12")),
    )
    .await
}

/// The years `indicator` has figures for, newest first.
pub async fn years(db: &Db, indicator: Indicator) -> Result<Vec<i32>> {
    let rows: Vec<(String,)> = db
        .fetch_all(
            q("SELECT DISTINCT substr(month, 1, 4) AS y FROM indicator_figures WHERE indicator = $1
                ORDER BY y DESC")
            .bind(indicator.as_str()),
        )
        .await?;
    Ok(rows.into_iter().filter_map(|(y,)| y.parse().ok()).collect())
}

/// Enters one month's figure, replacing the one already there; returns whether it replaced one.
pub async fn set(db: &Db, actor: &Actor, f: &NewFigure) -> Result<bool> {
    let mut tx = db.begin().await?;
    let replaced = set_in(&mut tx, actor, f, "indicator.set").await?;
    tx.commit().await?;
    Ok(replaced)
}

/// Enters every figure, in one transaction: all or none.
pub async fn import(db: &Db, actor: &Actor, figures: &[NewFigure]) -> Result<usize> {
    let mut tx = db.begin().await?;
    for f in figures {
        set_in(&mut tx, actor, f, "indicator.import").await?;
    }
    tx.commit().await?;
    Ok(figures.len())
}

async fn set_in(tx: &mut Tx, actor: &Actor, f: &NewFigure, action: &str) -> Result<bool> {
    let month = f.month.to_string();
    let before: Option<(i64, Option<i64>)> = tx
        .fetch_optional(
            q("SELECT value, target FROM indicator_figures WHERE indicator = $1 AND month = $2")
                .bind(f.indicator.as_str())
                .bind(month.clone()),
        )
        .await?;
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO indicator_figures (indicator, month, value, target, updated_by, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6)
               ON CONFLICT (indicator, month) DO UPDATE SET value = excluded.value, target = excluded.target,
                   updated_by = excluded.updated_by, updated_at = excluded.updated_at
               RETURNING id")
            .bind(f.indicator.as_str())
            .bind(month.clone())
            .bind(f.value)
            .bind(f.target)
            .bind(actor.name.as_str())
            .bind(now()),
        )
        .await?;
    audit::append(
        tx,
        actor,
        Entry::new(action, "indicator_figure", id).detail(serde_json::json!({
            "indicator": f.indicator.as_str(),
            "month": month,
            "value": f.value,
            "target": f.target,
            "before": before.map(|(value, target)| serde_json::json!({ "value": value, "target": target })),
        })),
    )
    .await?;
    Ok(before.is_some())
}
