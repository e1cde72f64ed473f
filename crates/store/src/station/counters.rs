//! Per-station counters, kept by the database's triggers (migration 0050) in the transaction of
//! every write that changes them, so the district and city boards read a few hundred rows.
//! Triggers append changes; `fold` adds them to the counters; readers add what is not folded yet.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::db::{Db, Marks, Result, q, q_dynamic};
use crate::station::board::StationLine;

/// Folds serialise on this key (two nodes folding at once would only wait on each other's rows).
const FOLD_LOCK: i64 = 0x59_5a_43_4e; // "YZCN"

/// Changes folded a transaction: after a bulk load (the city's generator leaves millions) each
/// batch holds SQLite's write lock ~0.2 s (50,000 took 1 s) and bounded memory.
const FOLD_BATCH: i64 = 10_000;

/// The counters a change row moves, in `COLUMNS` order.
const COLUMNS: [&str; 9] = [
    "beds_total",
    "beds_free",
    "in_stay",
    "open_alerts",
    "positives",
    "awaiting_disinfection",
    "turned_back",
    "exemption_revoked",
    "open_rectifications",
];

#[derive(sqlx::FromRow)]
struct Change {
    station_id: i64,
    day: Option<NaiveDate>,
    beds_total: i64,
    beds_free: i64,
    in_stay: i64,
    open_alerts: i64,
    positives: i64,
    awaiting_disinfection: i64,
    turned_back: i64,
    exemption_revoked: i64,
    open_rectifications: i64,
    check_ins: i64,
    alerts: i64,
}

impl Change {
    fn counters(&self) -> [i64; 9] {
        [
            self.beds_total,
            self.beds_free,
            self.in_stay,
            self.open_alerts,
            self.positives,
            self.awaiting_disinfection,
            self.turned_back,
            self.exemption_revoked,
            self.open_rectifications,
        ]
    }
}

/// The sums of a batch of changes, per station and per station and day.
#[derive(Default)]
struct Sums {
    stations: BTreeMap<i64, [i64; 9]>,
    days: BTreeMap<(i64, NaiveDate), [i64; 2]>,
}

impl Sums {
    fn add(&mut self, c: &Change) {
        let s = self.stations.entry(c.station_id).or_default();
        for (total, n) in s.iter_mut().zip(c.counters()) {
            *total += n;
        }
        if let Some(day) = c.day {
            let d = self.days.entry((c.station_id, day)).or_default();
            d[0] += c.check_ins;
            d[1] += c.alerts;
        }
    }
}

/// Adds the changes written so far to the counters and drops them; returns how many there were.
/// Each change is taken by the statement that deletes it, so a change committed meanwhile (on
/// PostgreSQL ids are handed out before commit, not in commit order) waits for the next fold.
pub async fn fold(db: &Db) -> Result<i64> {
    let mut folded = 0;
    loop {
        let n = fold_batch(db).await?;
        folded += n;
        if n < FOLD_BATCH {
            return Ok(folded);
        }
    }
}

async fn fold_batch(db: &Db) -> Result<i64> {
    // A read first: an idle node does not take the write lock every second for nothing.
    let any: Option<(i64,)> =
        db.fetch_optional(q("SELECT id FROM station_counter_changes LIMIT 1")).await?;
    if any.is_none() {
        return Ok(0);
    }
    let mut tx = db.begin().await?;
    tx.lock(FOLD_LOCK).await?;
    let changes: Vec<Change> = tx
        .fetch_all(
            q("DELETE FROM station_counter_changes WHERE id IN
                 (SELECT id FROM station_counter_changes ORDER BY id LIMIT $1)
               RETURNING station_id, day, beds_total, beds_free, in_stay, open_alerts, positives,
                         awaiting_disinfection, turned_back, exemption_revoked, open_rectifications,
                         check_ins, alerts")
            .bind(FOLD_BATCH),
        )
        .await?;
    if changes.is_empty() {
        return Ok(0);
    }
    let mut sums = Sums::default();
    for c in &changes {
        sums.add(c);
    }
    let backend = tx.backend();
    let stations: Vec<_> = sums.stations.into_iter().collect();
    for chunk in stations.chunks(ROWS_PER_STATEMENT) {
        let mut marks = Marks::new(backend);
        let sql = format!(
            "INSERT INTO station_counters (station_id, {}) VALUES {} ON CONFLICT (station_id) DO UPDATE SET {}",
            COLUMNS.join(", "),
            marks.rows(chunk.len(), 1 + COLUMNS.len()),
            COLUMNS.map(|c| format!("{c} = station_counters.{c} + excluded.{c}")).join(", "),
        );
        let mut query = q_dynamic(sql);
        for (station, n) in chunk {
            query = query.bind(*station);
            for v in n {
                query = query.bind(*v);
            }
        }
        tx.execute(query).await?;
    }
    let days: Vec<_> = sums.days.into_iter().collect();
    for chunk in days.chunks(ROWS_PER_STATEMENT) {
        let mut marks = Marks::new(backend);
        let sql = format!(
            "INSERT INTO station_days (station_id, day, check_ins, alerts) VALUES {}
             ON CONFLICT (station_id, day) DO UPDATE SET
               check_ins = station_days.check_ins + excluded.check_ins,
               alerts = station_days.alerts + excluded.alerts",
            marks.rows(chunk.len(), 4),
        );
        let mut query = q_dynamic(sql);
        for ((station, day), [check_ins, alerts]) in chunk {
            query = query.bind(*station).bind(*day).bind(*check_ins).bind(*alerts);
        }
        tx.execute(query).await?;
    }
    tx.commit().await?;
    Ok(changes.len() as i64)
}

/// Upserted rows a statement (at most 10 parameters a row).
const ROWS_PER_STATEMENT: usize = 1_000;

/// Folds every second, for as long as the node runs.
pub async fn fold_every_second(db: Db) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(1));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if let Err(e) = fold(&db).await {
            tracing::warn!(error = %e, "folding the station counters failed; retrying");
        }
    }
}

/// Every active station's line on the district board, from the counters.
pub async fn lines(db: &Db, today: NaiveDate) -> Result<Vec<StationLine>> {
    db.fetch_all(
        q("SELECT st.id AS station_id, st.name AS station, t.id AS street_id, t.name AS street,
                  CAST(COALESCE(c.beds_total, 0) + COALESCE(d.beds_total, 0) AS BIGINT) AS beds_total,
                  CAST(COALESCE(c.beds_free, 0) + COALESCE(d.beds_free, 0) AS BIGINT) AS beds_free,
                  CAST(COALESCE(c.in_stay, 0) + COALESCE(d.in_stay, 0) AS BIGINT) AS in_stay,
                  CAST(COALESCE(ci.check_ins, 0) AS BIGINT) AS check_ins_today,
                  CAST(COALESCE(c.open_alerts, 0) + COALESCE(d.open_alerts, 0) AS BIGINT) AS open_alerts,
                  CAST(COALESCE(c.positives, 0) + COALESCE(d.positives, 0) AS BIGINT) AS positives,
                  CAST(COALESCE(c.awaiting_disinfection, 0) + COALESCE(d.awaiting_disinfection, 0) AS BIGINT) AS awaiting_disinfection,
                  CAST(COALESCE(c.turned_back, 0) + COALESCE(d.turned_back, 0) AS BIGINT) AS turned_back,
                  CAST(COALESCE(c.exemption_revoked, 0) + COALESCE(d.exemption_revoked, 0) AS BIGINT) AS exemption_revoked,
                  CAST(COALESCE(c.open_rectifications, 0) + COALESCE(d.open_rectifications, 0) AS BIGINT) AS open_rectifications,
                  CAST(COALESCE(od.overdue, 0) AS BIGINT) AS overdue_rectifications
             FROM stations st
             JOIN streets t ON t.id = st.street_id
             LEFT JOIN station_counters c ON c.station_id = st.id
             LEFT JOIN (SELECT station_id, SUM(beds_total) AS beds_total, SUM(beds_free) AS beds_free,
                               SUM(in_stay) AS in_stay, SUM(open_alerts) AS open_alerts, SUM(positives) AS positives,
                               SUM(awaiting_disinfection) AS awaiting_disinfection, SUM(turned_back) AS turned_back,
                               SUM(exemption_revoked) AS exemption_revoked, SUM(open_rectifications) AS open_rectifications
                          FROM station_counter_changes GROUP BY station_id) d ON d.station_id = st.id
             LEFT JOIN (SELECT station_id, SUM(check_ins) AS check_ins FROM (
                            SELECT station_id, check_ins FROM station_days WHERE day = $1
                            UNION ALL
                            SELECT station_id, check_ins FROM station_counter_changes WHERE day = $1) today
                         GROUP BY station_id) ci ON ci.station_id = st.id
             LEFT JOIN (SELECT station_id, COUNT(*) AS overdue FROM rectifications
                         WHERE status <> 'closed' AND deadline < $1 GROUP BY station_id) od ON od.station_id = st.id
            WHERE st.active = TRUE
            ORDER BY t.id, st.name")
        .bind(today),
    )
    .await
}

/// Check-ins and alerts raised in the whole district per day from `first` on: (day, check-ins,
/// alerts), days without either left out.
pub async fn days(db: &Db, first: NaiveDate) -> Result<Vec<(NaiveDate, i64, i64)>> {
    db.fetch_all(
        q("SELECT day, CAST(SUM(check_ins) AS BIGINT), CAST(SUM(alerts) AS BIGINT) FROM (
               SELECT day, check_ins, alerts FROM station_days WHERE day >= $1
               UNION ALL
               SELECT day, check_ins, alerts FROM station_counter_changes WHERE day >= $1) d
            GROUP BY day HAVING SUM(check_ins) <> 0 OR SUM(alerts) <> 0 ORDER BY day")
        .bind(first),
    )
    .await
}

/// The same lines counted from the records (stays, rooms, alerts, cases, rectifications): what
/// the counters must equal, and the roll-up the counters replaced.
pub async fn recount(db: &Db, today: NaiveDate) -> Result<Vec<StationLine>> {
    db.fetch_all(
        q("SELECT st.id AS station_id, st.name AS station, t.id AS street_id, t.name AS street,
                  (SELECT CAST(COALESCE(SUM(r.beds), 0) AS BIGINT) FROM rooms r WHERE r.station_id = st.id AND r.state <> 'maintenance') AS beds_total,
                  (SELECT CAST(COALESCE(SUM(CASE WHEN r.state = 'ready' THEN r.beds WHEN r.state = 'occupied' THEN r.beds - (SELECT COUNT(*) FROM stays s WHERE s.room_id = r.id AND s.ended_at IS NULL) ELSE 0 END), 0) AS BIGINT) FROM rooms r WHERE r.station_id = st.id) AS beds_free,
                  (SELECT COUNT(*) FROM stays s WHERE s.station_id = st.id AND s.ended_at IS NULL) AS in_stay,
                  (SELECT COUNT(*) FROM stays s WHERE s.station_id = st.id AND s.checked_in_at >= $1) AS check_ins_today,
                  (SELECT COUNT(*) FROM alerts a WHERE a.station_id = st.id AND a.closed_at IS NULL) AS open_alerts,
                  (SELECT COUNT(*) FROM cases c WHERE c.station_id = st.id) AS positives,
                  (SELECT COUNT(*) FROM rooms r WHERE r.station_id = st.id AND r.state = 'awaiting_disinfection') AS awaiting_disinfection,
                  (SELECT COUNT(*) FROM stays s WHERE s.station_id = st.id AND s.outcome = 'turned_back') AS turned_back,
                  (SELECT COUNT(*) FROM stays s WHERE s.station_id = st.id AND s.outcome = 'exemption_revoked') AS exemption_revoked,
                  (SELECT COUNT(*) FROM rectifications x WHERE x.station_id = st.id AND x.status <> 'closed') AS open_rectifications,
                  (SELECT COUNT(*) FROM rectifications x WHERE x.station_id = st.id AND x.status <> 'closed' AND x.deadline < $2) AS overdue_rectifications
             FROM stations st JOIN streets t ON t.id = st.street_id
            WHERE st.active = TRUE
            ORDER BY t.id, st.name")
        .bind(yizhan_core::time::day_start_utc(today))
        .bind(today),
    )
    .await
}

/// Check-ins and alerts per day from `first` on, counted from the records (as `days`).
pub async fn recount_days(db: &Db, first: NaiveDate) -> Result<Vec<(NaiveDate, i64, i64)>> {
    let since = yizhan_core::time::day_start_utc(first);
    let check_ins: Vec<(chrono::DateTime<chrono::Utc>,)> = db
        .fetch_all(q("SELECT checked_in_at FROM stays WHERE checked_in_at >= $1").bind(since))
        .await?;
    let alerts: Vec<(chrono::DateTime<chrono::Utc>,)> =
        db.fetch_all(q("SELECT raised_at FROM alerts WHERE raised_at >= $1").bind(since)).await?;
    let mut by_day = std::collections::BTreeMap::<NaiveDate, (i64, i64)>::new();
    for (t,) in check_ins {
        by_day.entry(yizhan_core::time::local_date(t)).or_default().0 += 1;
    }
    for (t,) in alerts {
        by_day.entry(yizhan_core::time::local_date(t)).or_default().1 += 1;
    }
    Ok(by_day.into_iter().map(|(d, (c, a))| (d, c, a)).collect())
}
