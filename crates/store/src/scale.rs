//! Bulk rows for the scale datasets (`yizhan demo --scale district|city`): a generated history of
//! millions of rows, inserted thousands of parameters a statement (anonymous placeholders on
//! SQLite, see [`Marks`]) and without audit entries or
//! events — they record what people did, and nobody did this. The application never calls it.

use chrono::{DateTime, NaiveDate, Utc};

use crate::db::{Backend, Db, Marks, Q, Result, Tx, q, q_dynamic};

/// Parameters per statement: under SQLite's limit (32,766) and PostgreSQL's (65,535).
const PARAMS_PER_STATEMENT: usize = 12_000;

pub struct GuestRow {
    pub station_id: i64,
    pub doc_type: &'static str,
    pub doc_number: String,
    pub name: String,
    pub sex: &'static str,
    pub birth_date: NaiveDate,
    pub phone: String,
    pub region: &'static str,
    pub employer: &'static str,
    pub plate_cn: String,
    pub at: DateTime<Utc>,
}

pub struct StayRow {
    pub station_id: i64,
    pub guest_id: i64,
    pub room_id: i64,
    pub policy_id: i64,
    pub checked_in_at: DateTime<Utc>,
    pub planned_release: NaiveDate,
    pub ended_at: Option<DateTime<Utc>>,
    pub outcome: Option<&'static str>,
}

pub struct CheckRow {
    pub stay_id: i64,
    pub station_id: i64,
    pub day: NaiveDate,
    pub slot: &'static str,
    pub temperature: i64,
    pub recorded_by: &'static str,
    pub recorded_at: DateTime<Utc>,
}

pub struct TestRow {
    pub stay_id: i64,
    pub day: i64,
    pub due_date: NaiveDate,
    pub barcode: Option<String>,
    pub sampled_at: Option<DateTime<Utc>>,
    pub sampled_by: Option<&'static str>,
    pub result: Option<&'static str>,
}

pub struct EnterpriseRow {
    pub uscc: String,
    pub name: String,
    pub street_id: i64,
    pub industry: &'static str,
    pub above_scale: bool,
    pub headcount: i64,
    pub contact_name: String,
    pub contact_phone: String,
    pub resumption: &'static str,
    pub applied_on: Option<NaiveDate>,
    pub approved_on: Option<NaiveDate>,
    pub resumed_on: Option<NaiveDate>,
    pub at: DateTime<Utc>,
}

/// `INSERT INTO {head} VALUES (…), (…)` for `rows`, as many rows a statement as fit in
/// `PARAMS_PER_STATEMENT`; `bind` binds one row's `cols` values in column order.
async fn insert_rows<R>(
    tx: &mut Tx,
    head: &'static str,
    cols: usize,
    rows: &[R],
    bind: impl Fn(Q, &R) -> Q,
) -> Result<()> {
    for chunk in rows.chunks((PARAMS_PER_STATEMENT / cols).max(1)) {
        let values = Marks::new(tx.backend()).rows(chunk.len(), cols);
        let mut query = q_dynamic(format!("INSERT INTO {head} VALUES {values}"));
        for row in chunk {
            query = bind(query, row);
        }
        tx.execute(query).await?;
    }
    Ok(())
}

/// Inserts one station's guests and returns their ids in the order given.
pub async fn guests(db: &Db, station_id: i64, rows: &[GuestRow]) -> Result<Vec<i64>> {
    let mut tx = db.begin().await?;
    let (before,): (i64,) = tx.fetch_one(q("SELECT COALESCE(MAX(id), 0) FROM guests")).await?;
    insert_rows(
        &mut tx,
        "guests (station_id, doc_type, doc_number, name, sex, birth_date, phone, region, category,
                 pregnant, employer, plate_cn, exemption_status, created_at, updated_at)",
        15,
        rows,
        |query, g| {
            query
                .bind(g.station_id)
                .bind(g.doc_type)
                .bind(g.doc_number.as_str())
                .bind(g.name.as_str())
                .bind(g.sex)
                .bind(g.birth_date)
                .bind(g.phone.as_str())
                .bind(g.region)
                .bind("cross_border_driver")
                .bind(false)
                .bind(g.employer)
                .bind(g.plate_cn.as_str())
                .bind("valid")
                .bind(g.at)
                .bind(g.at)
        },
    )
    .await?;
    let ids: Vec<(i64,)> = tx
        .fetch_all(
            q("SELECT id FROM guests WHERE station_id = $1 AND id > $2 ORDER BY id")
                .bind(station_id)
                .bind(before),
        )
        .await?;
    tx.commit().await?;
    Ok(ids.into_iter().map(|(id,)| id).collect())
}

/// Inserts stays (single-bed rooms: bed 1) and returns their ids in the order given.
pub async fn stays(db: &Db, rows: &[StayRow]) -> Result<Vec<i64>> {
    let mut tx = db.begin().await?;
    let (before,): (i64,) = tx.fetch_one(q("SELECT COALESCE(MAX(id), 0) FROM stays")).await?;
    insert_rows(
        &mut tx,
        "stays (station_id, guest_id, room_id, bed_no, policy_id, checked_in_at, planned_release,
                ended_at, outcome)",
        9,
        rows,
        |query, s| {
            query
                .bind(s.station_id)
                .bind(s.guest_id)
                .bind(s.room_id)
                .bind(1i64)
                .bind(s.policy_id)
                .bind(s.checked_in_at)
                .bind(s.planned_release)
                .bind(s.ended_at)
                .bind(s.outcome)
        },
    )
    .await?;
    let ids: Vec<(i64,)> =
        tx.fetch_all(q("SELECT id FROM stays WHERE id > $1 ORDER BY id").bind(before)).await?;
    tx.commit().await?;
    Ok(ids.into_iter().map(|(id,)| id).collect())
}

pub async fn health_checks(db: &Db, rows: &[CheckRow]) -> Result<()> {
    let mut tx = db.begin().await?;
    insert_rows(
        &mut tx,
        "health_checks (stay_id, station_id, day, slot, temperature, symptoms, recorded_by, recorded_at)",
        8,
        rows,
        |query, c| {
            query
                .bind(c.stay_id)
                .bind(c.station_id)
                .bind(c.day)
                .bind(c.slot)
                .bind(c.temperature)
                .bind("")
                .bind(c.recorded_by)
                .bind(c.recorded_at)
        },
    )
    .await?;
    tx.commit().await
}

pub async fn stay_tests(db: &Db, rows: &[TestRow]) -> Result<()> {
    let mut tx = db.begin().await?;
    insert_rows(
        &mut tx,
        "stay_tests (stay_id, day, due_date, barcode, sampled_at, sampled_by, result, result_at)",
        8,
        rows,
        |query, t| {
            query
                .bind(t.stay_id)
                .bind(t.day)
                .bind(t.due_date)
                .bind(t.barcode.as_deref())
                .bind(t.sampled_at)
                .bind(t.sampled_by)
                .bind(t.result)
                .bind(t.sampled_at.map(|s| s + chrono::Duration::hours(8)))
        },
    )
    .await?;
    tx.commit().await
}

pub async fn enterprises(db: &Db, rows: &[EnterpriseRow]) -> Result<()> {
    let mut tx = db.begin().await?;
    insert_rows(
        &mut tx,
        "enterprises (uscc, name, street_id, industry, above_scale, headcount, contact_name,
                      contact_phone, resumption, applied_on, approved_on, resumed_on, created_at, updated_at)",
        14,
        rows,
        |query, e| {
            query
                .bind(e.uscc.as_str())
                .bind(e.name.as_str())
                .bind(e.street_id)
                .bind(e.industry)
                .bind(e.above_scale)
                .bind(e.headcount)
                .bind(e.contact_name.as_str())
                .bind(e.contact_phone.as_str())
                .bind(e.resumption)
                .bind(e.applied_on)
                .bind(e.approved_on)
                .bind(e.resumed_on)
                .bind(e.at)
                .bind(e.at)
        },
    )
    .await?;
    tx.commit().await
}

/// Ids of the enterprises of a street, oldest first (workers are spread over them).
pub async fn enterprise_ids(db: &Db) -> Result<Vec<i64>> {
    let ids: Vec<(i64,)> = db.fetch_all(q("SELECT id FROM enterprises ORDER BY id")).await?;
    Ok(ids.into_iter().map(|(id,)| id).collect())
}

/// After the stays: a room with an open stay is occupied, one whose last guest left today waits
/// for disinfection, the rest are ready.
pub async fn settle_rooms(db: &Db, station_id: i64, today_start: DateTime<Utc>) -> Result<()> {
    let mut tx = db.begin().await?;
    tx.execute(
        q("UPDATE rooms SET state = CASE
              WHEN EXISTS (SELECT 1 FROM stays s WHERE s.room_id = rooms.id AND s.ended_at IS NULL) THEN 'occupied'
              WHEN EXISTS (SELECT 1 FROM stays s WHERE s.station_id = $1 AND s.ended_at >= $2
                                          AND s.room_id = rooms.id) THEN 'awaiting_disinfection'
              ELSE 'ready' END
            WHERE station_id = $1")
        .bind(station_id)
        .bind(today_start),
    )
    .await?;
    tx.commit().await
}

/// Rows per table and the database's size in bytes, for the dataset report.
pub async fn census(db: &Db) -> Result<Vec<(&'static str, i64)>> {
    let mut out = Vec::new();
    for (table, sql) in [
        ("stations", "SELECT COUNT(*) FROM stations"),
        ("rooms", "SELECT COUNT(*) FROM rooms"),
        ("guests", "SELECT COUNT(*) FROM guests"),
        ("stays", "SELECT COUNT(*) FROM stays"),
        ("health_checks", "SELECT COUNT(*) FROM health_checks"),
        ("stay_tests", "SELECT COUNT(*) FROM stay_tests"),
        ("enterprises", "SELECT COUNT(*) FROM enterprises"),
        ("returning_workers", "SELECT COUNT(*) FROM returning_workers"),
    ] {
        let (n,): (i64,) = db.fetch_one(q_dynamic(sql.to_owned())).await?;
        out.push((table, n));
    }
    Ok(out)
}

/// After a bulk load: PostgreSQL's statistics and visibility map, which autovacuum would only
/// make a while later. (SQLite's planner needs neither.)
pub async fn analyze(db: &Db) -> Result<()> {
    if db.backend() == Backend::Postgres {
        // VACUUM too, as autovacuum would in a day's running: the fold above left the counters'
        // changes table empty but 340 MB long on a city (every roll-up read it through, 59 ms),
        // and without the visibility map index-only reads go to the table.
        db.execute(q("VACUUM (ANALYZE)")).await?;
    }
    Ok(())
}

/// The database's size on disk, in bytes.
pub async fn database_bytes(db: &Db) -> Result<i64> {
    let sql = match db.backend() {
        Backend::Sqlite => {
            "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
        }
        Backend::Postgres => "SELECT pg_database_size(current_database())",
    };
    let (n,): (i64,) = db.fetch_one(q(sql)).await?;
    Ok(n)
}
