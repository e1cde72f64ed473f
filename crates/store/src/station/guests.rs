//! Guests (住客) of a station and their relatives. Documents are unique per station; the caller
//! offers the existing record instead of creating a second one.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use yizhan_core::access::{Actor, Target};
use yizhan_core::station::guest::{NewGuest, NewRelative};

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Q, Result, now, q, q_dynamic};
use yizhan_core::station::guest::GuestCategory;
use yizhan_core::validate::{DocType, Sex};

/// A guest as stored. Serialising this exposes PII: the web layer masks before it shows anything.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Guest {
    pub id: i64,
    pub station_id: i64,
    pub street_id: i64,
    #[sqlx(try_from = "String")]
    pub doc_type: DocType,
    pub doc_number: String,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub sex: Sex,
    pub birth_date: NaiveDate,
    pub phone: String,
    pub phone2: Option<String>,
    pub region: String,
    #[sqlx(try_from = "String")]
    pub category: GuestCategory,
    pub chronic_disease: Option<String>,
    pub pregnant: bool,
    pub medical_notes: Option<String>,
    pub employer: Option<String>,
    pub plate_cn: Option<String>,
    pub plate_hk: Option<String>,
    pub exemption_status: Option<String>,
    pub exemption_date: Option<NaiveDate>,
    pub exemption_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The open stay, if any.
    pub stay_id: Option<i64>,
    pub room_number: Option<String>,
    pub stay_checked_in_at: Option<DateTime<Utc>>,
    pub stay_planned_release: Option<NaiveDate>,
}

impl Guest {
    pub fn target(&self) -> Target {
        Target::Station { id: self.station_id, street: self.street_id }
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Relative {
    pub id: i64,
    pub guest_id: i64,
    pub name: String,
    pub relation: String,
    pub phone: String,
    pub created_at: DateTime<Utc>,
}

/// A guest's open stay is always at the guest's station (a transfer registers the guest anew at
/// the receiving one); saying so in the join lets PostgreSQL read one station's open stays for a
/// station's list instead of the whole city's (the guests page on the city: 103 → 1.6 ms).
const OPEN_STAY: &str = "LEFT JOIN stays s
     ON s.guest_id = g.id AND s.ended_at IS NULL AND s.station_id = g.station_id
   LEFT JOIN rooms r ON r.id = s.room_id";

fn guest_select() -> String {
    format!(
        "SELECT g.*, st.street_id, s.id AS stay_id, r.number AS room_number,
          s.checked_in_at AS stay_checked_in_at, s.planned_release AS stay_planned_release
   FROM guests g
   JOIN stations st ON st.id = g.station_id
   {OPEN_STAY}"
    )
}

/// The columns of a person's registration, named alike in every table that holds one (guests,
/// planned arrivals): a record is copied from one to another by `INSERT … SELECT` of these.
pub(crate) const REGISTRATION: &str = "doc_type, doc_number, name, sex, birth_date, phone, phone2,
    region, category, chronic_disease, pregnant, medical_notes, employer, plate_cn, plate_hk,
    exemption_status, exemption_date, exemption_reason";

/// Binds the guest's fields as $1..$19, the order both statements below use.
pub(crate) fn guest_fields(q: Q, g: &NewGuest) -> Q {
    let d = g.driver.as_ref();
    q.bind(g.doc_type.as_str())
        .bind(g.doc_number.as_str())
        .bind(g.name.as_str())
        .bind(g.sex.as_str())
        .bind(g.birth_date)
        .bind(g.phone.as_str())
        .bind(g.phone2.clone())
        .bind(g.region.as_str())
        .bind(g.category.as_str())
        .bind(g.chronic_disease.clone())
        .bind(g.pregnant)
        .bind(g.medical_notes.clone())
        .bind(d.map(|d| d.employer.clone()))
        .bind(d.and_then(|d| d.plate_cn.clone()))
        .bind(d.and_then(|d| d.plate_hk.clone()))
        .bind(d.map(|d| d.exemption_status.as_str()))
        .bind(d.and_then(|d| d.exemption_date))
        .bind(d.and_then(|d| d.exemption_reason.clone()))
}

pub async fn create(db: &Db, actor: &Actor, station_id: i64, g: &NewGuest) -> Result<Guest> {
    let mut tx = db.begin().await?;
    let t = now();
    let (id,): (i64,) = tx
        .fetch_one(
            guest_fields(
                q("INSERT INTO guests (doc_type, doc_number, name, sex, birth_date, phone, phone2, region, category,
                       chronic_disease, pregnant, medical_notes, employer, plate_cn, plate_hk, exemption_status,
                       exemption_date, exemption_reason, station_id, created_at, updated_at)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20)
                   RETURNING id"),
                g,
            )
            .bind(station_id)
            .bind(t),
        )
        .await?;
    // The audit record names the guest by id only: no name, document or phone in the log.
    audit::append(
        &mut tx,
        actor,
        Entry::new("guest.create", "guest", id).detail(
            serde_json::json!({ "station_id": station_id, "category": g.category.as_str() }),
        ),
    )
    .await?;
    tx.commit().await?;
    get(db, id).await
}

pub async fn update(db: &Db, actor: &Actor, id: i64, g: &NewGuest) -> Result<Guest> {
    let mut tx = db.begin().await?;
    let n = tx
        .execute(
            guest_fields(
                q("UPDATE guests SET doc_type = $1, doc_number = $2, name = $3, sex = $4, birth_date = $5, phone = $6,
                       phone2 = $7, region = $8, category = $9, chronic_disease = $10, pregnant = $11,
                       medical_notes = $12, employer = $13, plate_cn = $14, plate_hk = $15, exemption_status = $16,
                       exemption_date = $17, exemption_reason = $18, updated_at = $19 WHERE id = $20"),
                g,
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
        Entry::new("guest.update", "guest", id)
            .detail(serde_json::json!({ "category": g.category.as_str() })),
    )
    .await?;
    tx.commit().await?;
    get(db, id).await
}

pub async fn get(db: &Db, id: i64) -> Result<Guest> {
    db.fetch_one(q_dynamic(format!("{} WHERE g.id = $1", guest_select())).bind(id)).await
}

pub async fn find_by_document(
    db: &Db,
    station_id: i64,
    doc_type: &str,
    doc_number: &str,
) -> Result<Option<Guest>> {
    db.fetch_optional(
        q_dynamic(format!(
            "{} WHERE g.station_id = $1 AND g.doc_type = $2 AND g.doc_number = $3",
            guest_select()
        ))
        .bind(station_id)
        .bind(doc_type)
        .bind(doc_number),
    )
    .await
}

/// Guests of a station, newest first; `search` matches the name (any part, case-insensitive),
/// the full document number, or a room number.
/// Which guests a list shows: a search — part of the name, the full document number, the room,
/// or the document's last four or more characters — and whether those who have left count.
#[derive(Debug, Clone, Copy, Default)]
pub struct GuestFilter<'a> {
    pub search: Option<&'a str>,
    pub only_in_stay: bool,
}

/// The WHERE clause of `f` after `g.station_id = $1`, and what it binds from $2 on.
fn filtered(f: &GuestFilter<'_>) -> (String, Vec<String>) {
    let mut sql = String::from(" WHERE g.station_id = $1");
    if f.only_in_stay {
        sql.push_str(" AND s.id IS NOT NULL");
    }
    let mut binds = Vec::new();
    if let Some(t) = f.search.map(str::trim).filter(|t| !t.is_empty()) {
        sql.push_str(
            " AND (LOWER(g.name) LIKE LOWER($2) ESCAPE '\\' OR g.doc_number = UPPER($3) OR r.number = $3",
        );
        binds.push(crate::db::contains_pattern(t));
        binds.push(t.to_owned());
        // A document's tail (尾号) tells apart two guests of one masked name.
        if t.chars().count() >= 4 {
            sql.push_str(" OR g.doc_number LIKE $4");
            binds.push(format!("%{}", t.replace(['%', '_'], "").to_uppercase()));
        }
        sql.push(')');
    }
    (sql, binds)
}

/// A page of the station's guests: those in a stay first, by room number as a number (1001
/// after 320), then those who have left, the latest first.
pub async fn page(
    db: &Db,
    station_id: i64,
    f: &GuestFilter<'_>,
    limit: i64,
    offset: i64,
) -> Result<Vec<Guest>> {
    let (filter, binds) = filtered(f);
    let sql = format!(
        "{}{filter}
         ORDER BY (s.id IS NULL), LENGTH(r.number), r.number, g.created_at DESC, g.id DESC
         LIMIT {} OFFSET {}",
        guest_select(),
        limit.clamp(1, 5000),
        offset.max(0)
    );
    let mut query = q_dynamic(sql).bind(station_id);
    for b in binds {
        query = query.bind(b);
    }
    db.fetch_all(query).await
}

/// How many guests `f` finds.
pub async fn count(db: &Db, station_id: i64, f: &GuestFilter<'_>) -> Result<i64> {
    let (filter, binds) = filtered(f);
    let sql = format!("SELECT COUNT(*) FROM guests g {OPEN_STAY}{filter}");
    let mut query = q_dynamic(sql).bind(station_id);
    for b in binds {
        query = query.bind(b);
    }
    let (n,): (i64,) = db.fetch_one(query).await?;
    Ok(n)
}

/// The first `limit` guests `search` finds, as [`page`] orders them.
pub async fn list(
    db: &Db,
    station_id: i64,
    search: Option<&str>,
    only_in_stay: bool,
    limit: i64,
) -> Result<Vec<Guest>> {
    page(db, station_id, &GuestFilter { search, only_in_stay }, limit, 0).await
}

pub async fn relatives(db: &Db, guest_id: i64) -> Result<Vec<Relative>> {
    db.fetch_all(q("SELECT * FROM relatives WHERE guest_id = $1 ORDER BY id").bind(guest_id)).await
}

pub async fn add_relative(
    db: &Db,
    actor: &Actor,
    guest_id: i64,
    r: &NewRelative,
) -> Result<Relative> {
    let mut tx = db.begin().await?;
    let rel: Relative = tx
        .fetch_one(
            q("INSERT INTO relatives (guest_id, name, relation, phone, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING *")
                .bind(guest_id)
                .bind(r.name.as_str())
                .bind(r.relation.as_str())
                .bind(r.phone.as_str())
                .bind(now()),
        )
        .await?;
    audit::append(&mut tx, actor, Entry::new("relative.create", "guest", guest_id)).await?;
    tx.commit().await?;
    Ok(rel)
}

pub async fn remove_relative(
    db: &Db,
    actor: &Actor,
    guest_id: i64,
    relative_id: i64,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let n = tx
        .execute(
            q("DELETE FROM relatives WHERE id = $1 AND guest_id = $2")
                .bind(relative_id)
                .bind(guest_id),
        )
        .await?;
    if n == 0 {
        return Err(crate::StoreError::NotFound);
    }
    audit::append(&mut tx, actor, Entry::new("relative.delete", "guest", guest_id)).await?;
    tx.commit().await
}
