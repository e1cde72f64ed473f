//! The daily report's figures from the records, its archive, and job claims.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use yizhan_core::command::report::Figures;
use yizhan_core::time::day_start_utc;

use yizhan_core::access::Actor;

use crate::admin::audit::{self, Entry as AuditEntry};
use crate::db::{Db, Result, now, q};

#[derive(sqlx::FromRow)]
struct Row {
    station_id: i64,
    station: String,
    street: String,
    guests_in_stay: i64,
    guests_new: i64,
    guests_released: i64,
    guests_transferred: i64,
    health_checks: i64,
    abnormal_temperatures: i64,
    staff_on_duty: i64,
    staff_tests_done: i64,
    staff_tests_missed: i64,
    incidents: i64,
    complaints: i64,
    counselling: i64,
    requests: i64,
    requests_in_time: i64,
    supplies_low: i64,
    inspections: i64,
    overdue_rectifications: i64,
}

/// The stations a day's report covers (those in service), for work done beside [`figures`].
pub async fn reported_stations(db: &Db) -> Result<Vec<i64>> {
    let ids: Vec<(i64,)> =
        db.fetch_all(q("SELECT id FROM stations WHERE active = TRUE ORDER BY id")).await?;
    Ok(ids.into_iter().map(|(id,)| id).collect())
}

/// Every active station's figures for `day`, except key attention (derived by the rules in
/// `yizhan_core::station::attention`) and guests by category, both filled in by the caller from
/// its one read of the open stays. `$2..$3` is the day in UTC.
pub async fn figures(db: &Db, day: NaiveDate) -> Result<Vec<Figures>> {
    let from = day_start_utc(day);
    let to = day_start_utc(day + chrono::Duration::days(1));
    let rows: Vec<Row> = db
        .fetch_all(
            q("SELECT st.id AS station_id, st.name AS station, t.name AS street,
                 (SELECT COUNT(*) FROM stays s WHERE s.station_id = st.id AND s.ended_at IS NULL) AS guests_in_stay,
                 (SELECT COUNT(*) FROM stays s WHERE s.station_id = st.id AND s.checked_in_at >= $2 AND s.checked_in_at < $3) AS guests_new,
                 (SELECT COUNT(*) FROM stays s WHERE s.station_id = st.id AND s.ended_at >= $2 AND s.ended_at < $3 AND s.outcome = 'released') AS guests_released,
                 (SELECT COUNT(*) FROM stays s WHERE s.station_id = st.id AND s.ended_at >= $2 AND s.ended_at < $3 AND s.outcome IN ('transferred_hospital', 'transferred_other')) AS guests_transferred,
                 (SELECT COUNT(*) FROM health_checks h WHERE h.station_id = st.id AND h.day = $1) AS health_checks,
                 (SELECT COUNT(*) FROM health_checks h WHERE h.station_id = st.id AND h.day = $1 AND h.temperature >= 373) AS abnormal_temperatures,
                 (SELECT COUNT(DISTINCT r.staff_id) FROM roster_shifts r JOIN working_groups g ON g.id = r.group_id WHERE g.station_id = st.id AND r.day = $1) AS staff_on_duty,
                 (SELECT COUNT(*) FROM staff_tests x JOIN staff p ON p.id = x.staff_id WHERE p.station_id = st.id AND x.day = $1 AND x.status = 'done') AS staff_tests_done,
                 (SELECT COUNT(*) FROM staff_tests x JOIN staff p ON p.id = x.staff_id WHERE p.station_id = st.id AND x.day = $1 AND x.status = 'missed') AS staff_tests_missed,
                 (SELECT COUNT(*) FROM incidents i WHERE i.station_id = st.id AND i.occurred_at >= $2 AND i.occurred_at < $3) AS incidents,
                 (SELECT COUNT(*) FROM complaints c WHERE c.station_id = st.id AND c.received_at >= $2 AND c.received_at < $3) AS complaints,
                 (SELECT COUNT(*) FROM counselling_sessions c WHERE c.station_id = st.id AND c.held_at >= $2 AND c.held_at < $3) AS counselling,
                 (SELECT COUNT(*) FROM guest_requests x WHERE x.station_id = st.id AND x.created_at >= $2 AND x.created_at < $3) AS requests,
                 (SELECT COUNT(*) FROM guest_requests x WHERE x.station_id = st.id AND x.created_at >= $2 AND x.created_at < $3 AND x.done_at IS NOT NULL AND x.done_at <= x.due_at) AS requests_in_time,
                 (SELECT COUNT(*) FROM supply_items x WHERE x.station_id = st.id AND x.stock <= x.low_threshold) AS supplies_low,
                 (SELECT COUNT(*) FROM inspections i WHERE i.station_id = st.id AND i.started_at >= $2 AND i.started_at < $3) AS inspections,
                 (SELECT COUNT(*) FROM rectifications x WHERE x.station_id = st.id AND x.status <> 'closed' AND x.deadline <= $1) AS overdue_rectifications
               FROM stations st JOIN streets t ON t.id = st.street_id
              WHERE st.active = TRUE
              ORDER BY t.id, st.name")
            .bind(day)
            .bind(from)
            .bind(to),
        )
        .await?;
    let tests = tests_by_station(db, day, from, to).await?;
    let rooms = rooms_by_station(db).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let t = tests.get(&r.station_id).copied().unwrap_or_default();
            let rooms = rooms.get(&r.station_id).copied().unwrap_or_default();
            Figures {
                // Filled in with key attention, from the same read of the open stays.
                by_category: Default::default(),
                station_id: r.station_id,
                station: r.station,
                street: r.street,
                rooms_total: rooms.total,
                rooms_occupied: rooms.occupied,
                rooms_free: rooms.free,
                rooms_awaiting: rooms.awaiting,
                rooms_out_of_service: rooms.out_of_service,
                guests_in_stay: r.guests_in_stay,
                guests_new: r.guests_new,
                guests_released: r.guests_released,
                guests_transferred: r.guests_transferred,
                tests_due: t.due,
                tests_done: t.done,
                tests_pending: t.pending,
                tests_positive: t.positive,
                health_checks: r.health_checks,
                abnormal_temperatures: r.abnormal_temperatures,
                key_attention: 0,
                staff_on_duty: r.staff_on_duty,
                staff_tests_done: r.staff_tests_done,
                staff_tests_missed: r.staff_tests_missed,
                incidents: r.incidents,
                complaints: r.complaints,
                counselling: r.counselling,
                requests: r.requests,
                requests_in_time: r.requests_in_time,
                supplies_low: r.supplies_low,
                inspections: r.inspections,
                overdue_rectifications: r.overdue_rectifications,
                missing: Vec::new(),
            }
        })
        .collect())
}

/// A station's rooms by where they stand now.
#[derive(Clone, Copy, Default)]
struct Rooms {
    total: i64,
    occupied: i64,
    free: i64,
    awaiting: i64,
    out_of_service: i64,
}

/// Every station's rooms counted in one pass over the rooms (five look-ups of each station's
/// rooms before).
async fn rooms_by_station(db: &Db) -> Result<HashMap<i64, Rooms>> {
    use yizhan_core::station::room::RoomState::{self, *};
    let counted: Vec<(i64, String, i64)> = db
        .fetch_all(q("SELECT station_id, state, COUNT(*) FROM rooms GROUP BY station_id, state"))
        .await?;
    let mut by: HashMap<i64, Rooms> = HashMap::new();
    for (station, state, n) in counted {
        let r = by.entry(station).or_default();
        r.total += n;
        // The table's CHECK admits only the known states.
        let Some(state) = RoomState::parse(&state) else { continue };
        *match state {
            Occupied => &mut r.occupied,
            Ready => &mut r.free,
            AwaitingDisinfection | Disinfected => &mut r.awaiting,
            Maintenance | Sealed => &mut r.out_of_service,
        } += n;
    }
    Ok(by)
}

/// A station's tests in the day's report: due that day, sampled of those, waiting for a result
/// (of any day), positive (results of that day).
#[derive(Clone, Copy, Default)]
struct Tests {
    due: i64,
    done: i64,
    pending: i64,
    positive: i64,
}

/// Every station's tests, each figure one pass over the day's tests, the pending ones or the
/// positives (each by its index) rather than a walk through every station's history. The
/// station is looked up per test so that the planner starts from the tests' index (joined, it
/// would walk every stay in station order to save the grouping).
async fn tests_by_station(
    db: &Db,
    day: NaiveDate,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<HashMap<i64, Tests>> {
    let mut by: HashMap<i64, Tests> = HashMap::new();
    let due: Vec<(i64, i64, i64)> = db
        .fetch_all(
            q("SELECT (SELECT s.station_id FROM stays s WHERE s.id = x.stay_id),
                      COUNT(*), SUM(CASE WHEN x.sampled_at IS NOT NULL THEN 1 ELSE 0 END)
                 FROM stay_tests x WHERE x.due_date = $1 GROUP BY 1")
            .bind(day),
        )
        .await?;
    for (station, n, done) in due {
        let t = by.entry(station).or_default();
        (t.due, t.done) = (n, done);
    }
    let pending: Vec<(i64, i64)> = db
        .fetch_all(q("SELECT (SELECT s.station_id FROM stays s WHERE s.id = x.stay_id), COUNT(*)
                        FROM stay_tests x WHERE x.sampled_at IS NOT NULL AND x.result IS NULL GROUP BY 1"))
        .await?;
    for (station, n) in pending {
        by.entry(station).or_default().pending = n;
    }
    let positive: Vec<(i64, i64)> = db
        .fetch_all(
            q("SELECT (SELECT s.station_id FROM stays s WHERE s.id = x.stay_id), COUNT(*)
                 FROM stay_tests x
                WHERE x.result = 'positive' AND x.result_at >= $1 AND x.result_at < $2 GROUP BY 1")
            .bind(from)
            .bind(to),
        )
        .await?;
    for (station, n) in positive {
        by.entry(station).or_default().positive = n;
    }
    Ok(by)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Archived {
    pub day: NaiveDate,
    pub complete: bool,
    pub body: String,
    pub generated_by: String,
    pub generated_at: DateTime<Utc>,
}

/// A station whose figures in the day's report are incomplete, and what its message says.
pub struct Incomplete {
    pub station_id: i64,
    pub facts: serde_json::Value,
}

/// Archives the day's report (a regeneration replaces it; the audit log keeps who did it), and
/// tells each station whose figures are incomplete, in the same transaction (once per station
/// and day, however often the report is made again).
pub async fn save(
    db: &Db,
    actor: &Actor,
    day: NaiveDate,
    complete: bool,
    body: &str,
    incomplete: &[Incomplete],
) -> Result<()> {
    let mut tx = db.begin().await?;
    let event = format!("incomplete:{day}");
    for i in incomplete {
        let e = crate::notify::outbox::Event {
            source: "report",
            source_id: i.station_id,
            event: &event,
            severity: yizhan_core::notify::Severity::Warning,
            station_id: Some(i.station_id),
            facts: &i.facts,
            at: now(),
        };
        crate::notify::outbox::enqueue_nearest(&mut tx, &e).await?;
    }
    tx.execute(
        q("INSERT INTO daily_reports (day, complete, body, generated_by, generated_at) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (day) DO UPDATE SET complete = excluded.complete, body = excluded.body,
               generated_by = excluded.generated_by, generated_at = excluded.generated_at")
        .bind(day)
        .bind(complete)
        .bind(body)
        .bind(actor.name.as_str())
        .bind(now()),
    )
    .await?;
    audit::append(
        &mut tx,
        actor,
        AuditEntry::new("report.generate", "daily_report", 0)
            .detail(serde_json::json!({ "day": day.to_string(), "complete": complete })),
    )
    .await?;
    tx.commit().await
}

pub async fn get(db: &Db, day: NaiveDate) -> Result<Option<Archived>> {
    db.fetch_optional(
        q("SELECT day, complete, body, generated_by, generated_at FROM daily_reports WHERE day = $1")
            .bind(day),
    )
    .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Entry {
    pub day: NaiveDate,
    pub complete: bool,
    pub generated_by: String,
    pub generated_at: DateTime<Utc>,
}

pub async fn archive(db: &Db, limit: i64) -> Result<Vec<Entry>> {
    db.fetch_all(
        q("SELECT day, complete, generated_by, generated_at FROM daily_reports ORDER BY day DESC LIMIT $1")
            .bind(limit),
    )
    .await
}

/// Claims one run of a job for this node: true for exactly one caller per (job, key), whatever
/// the number of nodes; the primary key decides, inside the database.
pub async fn claim(db: &Db, job: &str, key: &str, node: &str) -> Result<bool> {
    let n = db
        .execute(
            q("INSERT INTO job_runs (job, run_key, node, claimed_at) VALUES ($1, $2, $3, $4)
               ON CONFLICT (job, run_key) DO NOTHING")
            .bind(job)
            .bind(key)
            .bind(node)
            .bind(now()),
        )
        .await?;
    Ok(n == 1)
}

/// Marks a claimed run done, or gives the claim back when the run failed so a later tick retries.
pub async fn finish_claim(db: &Db, job: &str, key: &str, ok: bool) -> Result<()> {
    if ok {
        db.execute(
            q("UPDATE job_runs SET finished_at = $3 WHERE job = $1 AND run_key = $2")
                .bind(job)
                .bind(key)
                .bind(now()),
        )
        .await?;
    } else {
        db.execute(q("DELETE FROM job_runs WHERE job = $1 AND run_key = $2").bind(job).bind(key))
            .await?;
    }
    Ok(())
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct JobRun {
    pub job: String,
    pub run_key: String,
    pub node: String,
    pub finished_at: Option<DateTime<Utc>>,
}

pub async fn runs(db: &Db, job: &str) -> Result<Vec<JobRun>> {
    db.fetch_all(
        q("SELECT job, run_key, node, finished_at FROM job_runs WHERE job = $1 ORDER BY run_key")
            .bind(job),
    )
    .await
}
