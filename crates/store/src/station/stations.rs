//! Reference data: the district, its streets, and the stations in them.

use chrono::{DateTime, Utc};
use serde::Serialize;
use yizhan_core::access::{Actor, Target};
use yizhan_core::station::stations::{NewStation, StationKind};

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Q, Result, now, q};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct District {
    pub id: i64,
    pub name: String,
    pub code: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct Street {
    pub id: i64,
    pub district_id: i64,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct Station {
    pub id: i64,
    pub street_id: i64,
    pub street_name: String,
    pub name: String,
    pub address: String,
    #[sqlx(try_from = "String")]
    pub kind: StationKind,
    pub capacity: i64,
    pub contact_name: String,
    pub contact_phone: String,
    pub active: bool,
    /// The categories of guests it takes (codes joined by commas; empty: every one).
    pub takes: String,
    /// What the guests' own page says of the station (meal times, rules); empty: nothing.
    pub guest_notice: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Station {
    pub fn target(&self) -> Target {
        Target::Station { id: self.id, street: self.street_id }
    }
}

const STATION_SELECT: &str =
    "SELECT s.id, s.street_id, t.name AS street_name, s.name, s.address, s.kind, s.capacity,
        s.contact_name, s.contact_phone, s.active, s.takes, s.guest_notice, s.created_at, s.updated_at
   FROM stations s JOIN streets t ON t.id = s.street_id";

pub async fn district(db: &Db) -> Result<Option<District>> {
    db.fetch_optional(q("SELECT * FROM district ORDER BY id LIMIT 1")).await
}

/// Creates the district and its streets if the district does not exist yet; returns it.
pub async fn ensure_district(
    db: &Db,
    actor: &Actor,
    name: &str,
    code: &str,
    streets: &[&str],
) -> Result<District> {
    if let Some(d) = district(db).await? {
        return Ok(d);
    }
    let mut tx = db.begin().await?;
    let d: District = tx
        .fetch_one(
            q("INSERT INTO district (name, code) VALUES ($1, $2) RETURNING *")
                .bind(name)
                .bind(code),
        )
        .await?;
    for s in streets {
        tx.execute(
            q("INSERT INTO streets (district_id, name) VALUES ($1, $2)").bind(d.id).bind(*s),
        )
        .await?;
    }
    audit::append(
        &mut tx,
        actor,
        Entry::new("district.create", "district", d.id)
            .detail(serde_json::json!({ "name": name, "streets": streets })),
    )
    .await?;
    tx.commit().await?;
    Ok(d)
}

pub async fn streets(db: &Db) -> Result<Vec<Street>> {
    db.fetch_all(q("SELECT * FROM streets ORDER BY id")).await
}

pub async fn street(db: &Db, id: i64) -> Result<Street> {
    db.fetch_one(q("SELECT * FROM streets WHERE id = $1").bind(id)).await
}

pub async fn list(db: &Db) -> Result<Vec<Station>> {
    db.fetch_all(crate::db::q_dynamic(format!("{STATION_SELECT} ORDER BY s.street_id, s.name")))
        .await
}

pub async fn get(db: &Db, id: i64) -> Result<Station> {
    db.fetch_one(crate::db::q_dynamic(format!("{STATION_SELECT} WHERE s.id = $1")).bind(id)).await
}

/// Binds a station's fields as $1..$8, the order both statements below use.
fn station_fields(q: Q, s: &NewStation) -> Q {
    q.bind(s.street_id)
        .bind(s.name.as_str())
        .bind(s.address.as_str())
        .bind(s.kind.as_str())
        .bind(s.capacity)
        .bind(s.contact_name.as_str())
        .bind(s.contact_phone.as_str())
        .bind(s.active)
}

pub async fn create(db: &Db, actor: &Actor, s: &NewStation) -> Result<Station> {
    let mut tx = db.begin().await?;
    let t = now();
    let (id,): (i64,) = tx
        .fetch_one(
            station_fields(q("INSERT INTO stations (street_id, name, address, kind, capacity, contact_name, contact_phone, active, created_at, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id"),
            s,
        )
            .bind(t),
        )
        .await?;
    audit::append(
        &mut tx,
        actor,
        Entry::new("station.create", "station", id).detail(serde_json::json!({
            "name": s.name, "street_id": s.street_id, "kind": s.kind.as_str(), "capacity": s.capacity,
        })),
    )
    .await?;
    tx.commit().await?;
    get(db, id).await
}

pub async fn update(db: &Db, actor: &Actor, id: i64, s: &NewStation) -> Result<Station> {
    let mut tx = db.begin().await?;
    let n = tx
        .execute(
            station_fields(q("UPDATE stations SET street_id = $1, name = $2, address = $3, kind = $4, capacity = $5,
                    contact_name = $6, contact_phone = $7, active = $8, updated_at = $9 WHERE id = $10"),
            s,
        )
            .bind(now())
            .bind(id),
        )
        .await?;
    if n == 0 {
        return Err(crate::StoreError::NotFound);
    }
    audit::append(
        &mut tx,
        actor,
        Entry::new("station.update", "station", id).detail(serde_json::json!({
            "name": s.name, "street_id": s.street_id, "kind": s.kind.as_str(),
            "capacity": s.capacity, "active": s.active,
        })),
    )
    .await?;
    tx.commit().await?;
    get(db, id).await
}

/// Sets the categories of guests station `id` takes (empty: every one), audited.
pub async fn set_takes(
    db: &Db,
    actor: &Actor,
    id: i64,
    takes: &[yizhan_core::station::guest::GuestCategory],
) -> Result<Station> {
    let stored = yizhan_core::station::allocation::takes_stored(takes);
    let mut tx = db.begin().await?;
    let n = tx
        .execute(
            q("UPDATE stations SET takes = $1, updated_at = $2 WHERE id = $3")
                .bind(stored.as_str())
                .bind(now())
                .bind(id),
        )
        .await?;
    if n == 0 {
        return Err(crate::StoreError::NotFound);
    }
    audit::append(
        &mut tx,
        actor,
        Entry::new("station.takes", "station", id).detail(serde_json::json!({ "takes": stored })),
    )
    .await?;
    tx.commit().await?;
    get(db, id).await
}

/// Sets what station `id` tells its guests on their own page, audited.
pub async fn set_guest_notice(db: &Db, actor: &Actor, id: i64, notice: &str) -> Result<()> {
    let mut tx = db.begin().await?;
    let n = tx
        .execute(
            q("UPDATE stations SET guest_notice = $1, updated_at = $2 WHERE id = $3")
                .bind(notice)
                .bind(now())
                .bind(id),
        )
        .await?;
    if n == 0 {
        return Err(crate::StoreError::NotFound);
    }
    audit::append(&mut tx, actor, Entry::new("station.guest_notice", "station", id)).await?;
    tx.commit().await
}
