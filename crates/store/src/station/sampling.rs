//! Nucleic-acid tests (核酸): sampling and results on the stay's calendar. A positive result
//! opens an alert and seals the room, in the same transaction.

use chrono::NaiveDate;
use serde::Serialize;
use yizhan_core::access::Actor;
use yizhan_core::station::room::{Cause, RoomState};

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Result, Tx, now, q};
use crate::error::StoreError;
use crate::station::stays::StayTest;
use crate::station::{health, rooms};
use yizhan_core::station::health::AlertReason;
use yizhan_core::station::sampling::TestResult;

/// A test due, with where to find the guest.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct DueTest {
    pub id: i64,
    pub stay_id: i64,
    pub day: i64,
    pub due_date: NaiveDate,
    pub barcode: Option<String>,
    #[sqlx(try_from = "crate::code::NullableCode")]
    pub result: Option<TestResult>,
    pub guest_id: i64,
    pub guest_name: String,
    pub room_number: String,
}

/// Tests of open stays due on `day`, plus earlier ones never sampled (overdue).
pub async fn due(db: &Db, station_id: i64, day: NaiveDate) -> Result<Vec<DueTest>> {
    db.fetch_all(
        q("SELECT t.id, t.stay_id, t.day, t.due_date, t.barcode, t.result, g.id AS guest_id, g.name AS guest_name,
                  r.number AS room_number
             FROM stay_tests t
             JOIN stays s ON s.id = t.stay_id
             JOIN guests g ON g.id = s.guest_id
             JOIN rooms r ON r.id = s.room_id
            WHERE s.station_id = $1 AND s.ended_at IS NULL
              AND (t.due_date = $2 OR (t.due_date < $2 AND t.sampled_at IS NULL))
            ORDER BY r.number, t.due_date")
        .bind(station_id)
        .bind(day),
    )
    .await
}

pub async fn get(db: &Db, id: i64) -> Result<StayTest> {
    db.fetch_one(q("SELECT * FROM stay_tests WHERE id = $1").bind(id)).await
}

/// Records the tube barcode of a sample. Barcodes are unique among open tests of the station.
pub async fn sample(db: &Db, actor: &Actor, test_id: i64, barcode: &str) -> Result<()> {
    let mut tx = db.begin().await?;
    let (station_id,): (i64,) = tx
        .fetch_one(
            q("SELECT s.station_id FROM stay_tests t JOIN stays s ON s.id = t.stay_id WHERE t.id = $1").bind(test_id),
        )
        .await?;
    let clash: Option<(i64,)> = tx
        .fetch_optional(
            q("SELECT t.id FROM stay_tests t JOIN stays s ON s.id = t.stay_id
               WHERE s.station_id = $1 AND t.barcode = $2 AND t.id <> $3")
            .bind(station_id)
            .bind(barcode)
            .bind(test_id),
        )
        .await?;
    if clash.is_some() {
        return Err(StoreError::Conflict { constraint: "barcode".into(), field: "barcode".into() });
    }
    tx.execute(
        q("UPDATE stay_tests SET barcode = $1, sampled_at = $2, sampled_by = $3 WHERE id = $4")
            .bind(barcode)
            .bind(now())
            .bind(actor.name.as_str())
            .bind(test_id),
    )
    .await?;
    audit::append(&mut tx, actor, Entry::new("test.sample", "test", test_id)).await?;
    tx.commit().await
}

/// Records a result; positive opens an alert and seals the guest's room.
pub async fn set_result(db: &Db, actor: &Actor, test_id: i64, result: TestResult) -> Result<()> {
    set_results(db, actor, &[(test_id, result)]).await
}

/// Records many results in one transaction: all of them or none (bulk import).
pub async fn set_results(db: &Db, actor: &Actor, results: &[(i64, TestResult)]) -> Result<()> {
    let mut tx = db.begin().await?;
    for (test_id, result) in results {
        apply_result(&mut tx, actor, *test_id, *result).await?;
    }
    tx.commit().await
}

async fn apply_result(tx: &mut Tx, actor: &Actor, test_id: i64, result: TestResult) -> Result<()> {
    let row: Option<(i64, i64, i64, Option<String>)> = tx
        .fetch_optional(
            q("SELECT t.stay_id, s.station_id, s.room_id, t.barcode FROM stay_tests t JOIN stays s ON s.id = t.stay_id WHERE t.id = $1")
                .bind(test_id),
        )
        .await?;
    let Some((stay_id, station_id, room_id, barcode)) = row else {
        return Err(StoreError::NotFound);
    };
    if barcode.is_none() {
        return Err(yizhan_core::error::DomainError::Rule {
            field: Some("result"),
            key: "error.not_sampled",
        }
        .into());
    }
    tx.execute(
        q("UPDATE stay_tests SET result = $1, result_at = $2 WHERE id = $3")
            .bind(result.as_str())
            .bind(now())
            .bind(test_id),
    )
    .await?;
    if result == TestResult::Positive {
        health::raise(tx, station_id, stay_id, AlertReason::Positive, "").await?;
        crate::station::cases::open(tx, station_id, stay_id, room_id, "positive").await?;
        let room = rooms::get_in_tx(tx, room_id).await?;
        if room.state() != RoomState::Sealed {
            rooms::transition(
                tx,
                actor,
                room_id,
                RoomState::Sealed,
                Cause::Positive,
                Some(yizhan_core::words::word("room.reason.positive")),
            )
            .await?;
        }
    }
    audit::append(
        tx,
        actor,
        Entry::new("test.result", "test", test_id)
            .detail(serde_json::json!({ "result": result.as_str() })),
    )
    .await?;
    Ok(())
}

/// The open test of a station holding this barcode (for bulk result import).
pub async fn by_barcode(db: &Db, station_id: i64, barcode: &str) -> Result<Option<StayTest>> {
    db.fetch_optional(
        q("SELECT t.* FROM stay_tests t JOIN stays s ON s.id = t.stay_id WHERE s.station_id = $1 AND t.barcode = $2")
            .bind(station_id)
            .bind(barcode),
    )
    .await
}
