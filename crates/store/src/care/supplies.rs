//! Supplies and their stock, meals and special diets.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use yizhan_core::access::Actor;
use yizhan_core::care::supplies::{Diet, KEY_INSUFFICIENT, NewItem, NewMeal, NewMovement};
use yizhan_core::error::DomainError;

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Result, now, q};
use crate::error::StoreError;
use yizhan_core::care::supplies::Category;
use yizhan_core::care::supplies::Meal;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct Item {
    pub id: i64,
    pub station_id: i64,
    pub street_id: i64,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub category: Category,
    pub unit: String,
    pub low_threshold: i64,
    pub stock: i64,
    pub updated_at: DateTime<Utc>,
}

impl Item {
    pub fn target(&self) -> yizhan_core::access::Target {
        yizhan_core::access::Target::Station { id: self.station_id, street: self.street_id }
    }
    pub fn is_low(&self) -> bool {
        yizhan_core::care::supplies::is_low(self.stock, self.low_threshold)
    }
}

const ITEM_SELECT: &str =
    "SELECT i.id, i.station_id, st.street_id, i.name, i.category, i.unit, i.low_threshold,
        i.stock, i.updated_at
   FROM supply_items i JOIN stations st ON st.id = i.station_id";

pub async fn items(db: &Db, station_id: i64) -> Result<Vec<Item>> {
    db.fetch_all(
        crate::db::q_dynamic(format!(
            "{ITEM_SELECT} WHERE i.station_id = $1 ORDER BY i.category, i.name"
        ))
        .bind(station_id),
    )
    .await
}

pub async fn item(db: &Db, id: i64) -> Result<Item> {
    db.fetch_one(crate::db::q_dynamic(format!("{ITEM_SELECT} WHERE i.id = $1")).bind(id)).await
}

pub async fn create_item(db: &Db, actor: &Actor, station_id: i64, i: &NewItem) -> Result<i64> {
    let mut tx = db.begin().await?;
    let t = now();
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO supply_items (station_id, name, category, unit, low_threshold, stock, created_at, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id")
            .bind(station_id)
            .bind(i.name.as_str())
            .bind(i.category.as_str())
            .bind(i.unit.as_str())
            .bind(i.low_threshold)
            .bind(i.stock)
            .bind(t),
        )
        .await?;
    if i.stock > 0 {
        tx.execute(
            q("INSERT INTO supply_movements (item_id, delta, stock_after, reason, actor, at) VALUES ($1, $2, $2, $3, $4, $5)")
                .bind(id)
                .bind(i.stock)
                .bind(yizhan_core::words::word("supplies.opening_stock"))
                .bind(actor.name.as_str())
                .bind(t),
        )
        .await?;
    }
    audit::append(&mut tx, actor, Entry::new("supplies.item", "supply_item", id)).await?;
    tx.commit().await?;
    Ok(id)
}

/// Moves stock in or out. The update only succeeds while the stock stays at or above zero, so
/// concurrent issues of the last units cannot both pass; returns the stock after.
pub async fn move_stock(db: &Db, actor: &Actor, item_id: i64, m: &NewMovement) -> Result<i64> {
    let mut tx = db.begin().await?;
    let t = now();
    let after: Option<(i64,)> = tx
        .fetch_optional(
            q("UPDATE supply_items SET stock = stock + $1, updated_at = $2
                WHERE id = $3 AND stock + $1 >= 0 RETURNING stock")
            .bind(m.delta)
            .bind(t)
            .bind(item_id),
        )
        .await?;
    let Some((after,)) = after else {
        return Err(StoreError::Refused(DomainError::Rule {
            field: Some("quantity"),
            key: KEY_INSUFFICIENT,
        }));
    };
    let (movement,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO supply_movements (item_id, delta, stock_after, reason, actor, at)
               VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
            .bind(item_id)
            .bind(m.delta)
            .bind(after)
            .bind(m.reason.clone())
            .bind(actor.name.as_str())
            .bind(t),
        )
        .await?;
    let (station_id, station, name, unit, low): (i64, String, String, String, i64) = tx
        .fetch_one(
            q("SELECT i.station_id, s.name, i.name, i.unit, i.low_threshold
                 FROM supply_items i JOIN stations s ON s.id = i.station_id WHERE i.id = $1")
            .bind(item_id),
        )
        .await?;
    // The move that takes it to its minimum tells the station's group, once.
    if yizhan_core::notify::crosses_low(after - m.delta, after, low) {
        let facts = serde_json::json!({
            "station": station, "item": name, "unit": unit, "stock": after, "low": low, "at": t,
            "link": format!("/stations/{station_id}/supplies"),
        });
        let e = crate::notify::outbox::Event {
            source: "supply",
            source_id: item_id,
            event: &format!("low:{movement}"),
            severity: yizhan_core::notify::Severity::Warning,
            station_id: Some(station_id),
            facts: &facts,
            at: t,
        };
        crate::notify::outbox::enqueue_nearest(&mut tx, &e).await?;
    }
    audit::append(
        &mut tx,
        actor,
        Entry::new("supplies.move", "supply_item", item_id)
            .detail(serde_json::json!({ "delta": m.delta, "after": after })),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Movement {
    pub id: i64,
    pub item_id: i64,
    pub item_name: String,
    pub delta: i64,
    pub stock_after: i64,
    pub reason: Option<String>,
    pub actor: String,
    pub at: DateTime<Utc>,
}

pub async fn movements(db: &Db, station_id: i64, limit: i64) -> Result<Vec<Movement>> {
    db.fetch_all(
        q("SELECT m.id, m.item_id, i.name AS item_name, m.delta, m.stock_after, m.reason, m.actor, m.at
             FROM supply_movements m JOIN supply_items i ON i.id = m.item_id
            WHERE i.station_id = $1 ORDER BY m.at DESC, m.id DESC LIMIT $2")
        .bind(station_id)
        .bind(limit),
    )
    .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct MealRow {
    pub id: i64,
    pub day: NaiveDate,
    #[sqlx(try_from = "String")]
    pub meal: Meal,
    pub portions: i64,
    pub special: i64,
    pub note: Option<String>,
    pub recorded_by: String,
}

pub async fn record_meal(db: &Db, actor: &Actor, station_id: i64, m: &NewMeal) -> Result<i64> {
    let mut tx = db.begin().await?;
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO meals (station_id, day, meal, portions, special, note, recorded_by, recorded_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
            .bind(station_id)
            .bind(m.day)
            .bind(m.meal.as_str())
            .bind(m.portions)
            .bind(m.special)
            .bind(m.note.clone())
            .bind(actor.name.as_str())
            .bind(now()),
        )
        .await?;
    audit::append(&mut tx, actor, Entry::new("meals.record", "meal", id)).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn meals(db: &Db, station_id: i64, limit: i64) -> Result<Vec<MealRow>> {
    db.fetch_all(
        q("SELECT id, day, meal, portions, special, note, recorded_by FROM meals
            WHERE station_id = $1
            ORDER BY day DESC, CASE meal WHEN 'dinner' THEN 0 WHEN 'lunch' THEN 1 ELSE 2 END LIMIT $2")
        .bind(station_id)
        .bind(limit),
    )
    .await
}

/// Sets (or replaces) a stay's special diet.
pub async fn set_diet(
    db: &Db,
    actor: &Actor,
    stay_id: i64,
    diet: Diet,
    note: Option<&str>,
) -> Result<()> {
    let mut tx = db.begin().await?;
    tx.execute(
        q("INSERT INTO stay_diets (stay_id, diet, note, set_by, set_at) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (stay_id) DO UPDATE SET diet = excluded.diet, note = excluded.note,
                                               set_by = excluded.set_by, set_at = excluded.set_at")
        .bind(stay_id)
        .bind(diet.as_str())
        .bind(note)
        .bind(actor.name.as_str())
        .bind(now()),
    )
    .await?;
    audit::append(
        &mut tx,
        actor,
        Entry::new("meals.diet", "stay", stay_id)
            .detail(serde_json::json!({ "diet": diet.as_str() })),
    )
    .await?;
    tx.commit().await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct DietRow {
    pub stay_id: i64,
    pub room_number: String,
    pub guest_name: String,
    #[sqlx(try_from = "String")]
    pub diet: Diet,
    pub note: Option<String>,
}

/// Special diets of the guests staying now, by room.
pub async fn diets(db: &Db, station_id: i64) -> Result<Vec<DietRow>> {
    db.fetch_all(
        q("SELECT d.stay_id, r.number AS room_number, g.name AS guest_name, d.diet, d.note
             FROM stay_diets d JOIN stays s ON s.id = d.stay_id JOIN rooms r ON r.id = s.room_id
             JOIN guests g ON g.id = s.guest_id
            WHERE s.station_id = $1 AND s.ended_at IS NULL ORDER BY r.number")
        .bind(station_id),
    )
    .await
}
