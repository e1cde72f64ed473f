//! Emergency plans with their versions and drills; staff tests of the closed loop.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use yizhan_core::access::Actor;
use yizhan_core::care::plans::{NewDrill, NewPlan};

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Result, now, q};
use yizhan_core::care::plans::PlanKind;
use yizhan_core::care::staff::StaffTestStatus;
use yizhan_core::station::sampling::TestResult;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Plan {
    pub id: i64,
    pub station_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: PlanKind,
    pub version: i64,
    pub title: String,
    pub steps: String,
    /// A positive-case plan's time limits, as [`yizhan_core::care::plans::minutes_json`] keeps them.
    pub case_minutes: Option<String>,
    pub published_by: String,
    pub published_at: DateTime<Utc>,
    pub last_drill: Option<NaiveDate>,
    pub drills: i64,
}

impl Plan {
    pub fn steps(&self) -> Vec<&str> {
        self.steps.lines().collect()
    }
}

const PLAN_SELECT: &str = "SELECT p.id, p.station_id, p.kind, p.version, p.title, p.steps, p.case_minutes, p.published_by, p.published_at,
        (SELECT MAX(d.held_on) FROM drills d JOIN emergency_plans o ON o.id = d.plan_id
          WHERE o.station_id = p.station_id AND o.kind = p.kind) AS last_drill,
        (SELECT COUNT(*) FROM drills d WHERE d.plan_id = p.id) AS drills
   FROM emergency_plans p";

/// The version in force of each kind (the newest), with the last drill of that kind.
pub async fn current(db: &Db, station_id: i64) -> Result<Vec<Plan>> {
    db.fetch_all(
        crate::db::q_dynamic(format!(
            "{PLAN_SELECT} WHERE p.station_id = $1
               AND p.version = (SELECT MAX(v.version) FROM emergency_plans v WHERE v.station_id = p.station_id AND v.kind = p.kind)
             ORDER BY p.kind"
        ))
        .bind(station_id),
    )
    .await
}

pub async fn get(db: &Db, id: i64) -> Result<Plan> {
    db.fetch_one(crate::db::q_dynamic(format!("{PLAN_SELECT} WHERE p.id = $1")).bind(id)).await
}

/// Every version of a kind, newest first.
pub async fn versions(db: &Db, station_id: i64, kind: &str) -> Result<Vec<Plan>> {
    db.fetch_all(
        crate::db::q_dynamic(format!(
            "{PLAN_SELECT} WHERE p.station_id = $1 AND p.kind = $2 ORDER BY p.version DESC"
        ))
        .bind(station_id)
        .bind(kind),
    )
    .await
}

/// Publishes the next version of a kind. The version number comes from the table under the
/// unique (station, kind, version) index, so two leads publishing at once get 1 and 2, or one
/// of them a conflict to retry, never two plans with one number.
pub async fn publish(db: &Db, actor: &Actor, station_id: i64, p: &NewPlan) -> Result<i64> {
    let mut tx = db.begin().await?;
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO emergency_plans (station_id, kind, version, title, steps, case_minutes, published_by, published_at)
               VALUES ($1, $2, (SELECT COALESCE(MAX(version), 0) + 1 FROM emergency_plans WHERE station_id = $1 AND kind = $2),
                       $3, $4, $5, $6, $7) RETURNING id")
            .bind(station_id)
            .bind(p.kind.as_str())
            .bind(p.title.as_str())
            .bind(p.steps.join("\n"))
            .bind(yizhan_core::care::plans::minutes_json(&p.case_minutes))
            .bind(actor.name.as_str())
            .bind(now()),
        )
        .await?;
    audit::append(
        &mut tx,
        actor,
        Entry::new("plan.publish", "emergency_plan", id)
            .detail(serde_json::json!({ "kind": p.kind.as_str() })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Drill {
    pub id: i64,
    pub plan_id: i64,
    pub held_on: NaiveDate,
    pub participants: i64,
    pub minutes: i64,
    pub gaps: Option<String>,
    pub recorded_by: String,
}

pub async fn record_drill(db: &Db, actor: &Actor, plan_id: i64, d: &NewDrill) -> Result<i64> {
    let mut tx = db.begin().await?;
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO drills (plan_id, held_on, participants, minutes, gaps, recorded_by, recorded_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
            .bind(plan_id)
            .bind(d.held_on)
            .bind(d.participants)
            .bind(d.minutes)
            .bind(d.gaps.clone())
            .bind(actor.name.as_str())
            .bind(now()),
        )
        .await?;
    audit::append(&mut tx, actor, Entry::new("plan.drill", "emergency_plan", plan_id)).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn drills(db: &Db, station_id: i64, kind: &str) -> Result<Vec<Drill>> {
    db.fetch_all(
        q("SELECT d.id, d.plan_id, d.held_on, d.participants, d.minutes, d.gaps, d.recorded_by
             FROM drills d JOIN emergency_plans p ON p.id = d.plan_id
            WHERE p.station_id = $1 AND p.kind = $2 ORDER BY d.held_on DESC, d.id DESC")
        .bind(station_id)
        .bind(kind),
    )
    .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct StaffTest {
    pub staff_id: i64,
    pub day: NaiveDate,
    #[sqlx(try_from = "String")]
    pub status: StaffTestStatus,
    #[sqlx(try_from = "crate::code::NullableCode")]
    pub result: Option<TestResult>,
}

/// Records a staff member's test of a day: taken (with a result, if known) or missed. A second
/// record of the same day replaces the first (a missed test taken later in the day).
pub async fn record_staff_test(
    db: &Db,
    actor: &Actor,
    staff_id: i64,
    day: NaiveDate,
    taken: bool,
    result: Option<TestResult>,
) -> Result<()> {
    let mut tx = db.begin().await?;
    tx.execute(
        q("INSERT INTO staff_tests (staff_id, day, status, result, recorded_by, recorded_at)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (staff_id, day) DO UPDATE SET status = excluded.status, result = excluded.result,
               recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at")
        .bind(staff_id)
        .bind(day)
        .bind(if taken { StaffTestStatus::Done } else { StaffTestStatus::Missed }.as_str())
        .bind(result.map(TestResult::as_str))
        .bind(actor.name.as_str())
        .bind(now()),
    )
    .await?;
    audit::append(
        &mut tx,
        actor,
        Entry::new("staff.test", "staff", staff_id)
            .detail(serde_json::json!({ "day": day, "taken": taken })),
    )
    .await?;
    tx.commit().await
}

pub async fn staff_tests(
    db: &Db,
    station_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<StaffTest>> {
    db.fetch_all(
        q("SELECT t.staff_id, t.day, t.status, t.result FROM staff_tests t JOIN staff p ON p.id = t.staff_id
            WHERE p.station_id = $1 AND t.day >= $2 AND t.day <= $3")
        .bind(station_id)
        .bind(from)
        .bind(to),
    )
    .await
}
