//! Home health monitoring (居家健康监测): opened by a release under a policy with home days,
//! handed to the station's street; one follow-up a day (a second on the same day replaces the
//! first: the person reached after all); a missed day told once to the street (or the district),
//! a fever, symptoms or a positive at once; closed after its last day.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use yizhan_core::access::Actor;
use yizhan_core::notify::Severity;
use yizhan_core::station::home_monitoring::{FollowUp, home_period, missed_days};
use yizhan_core::time::local_date;

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Result, Tx, now, q, q_dynamic};
use crate::notify::outbox::{self, Event, Scopes};
use crate::station::stays::Stay;

/// A person under monitoring, with the names a list shows (unmasked: the web layer masks).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Monitoring {
    pub id: i64,
    pub stay_id: i64,
    pub guest_id: i64,
    pub guest_name: String,
    pub doc_number: String,
    pub phone: String,
    pub station_id: i64,
    pub station: String,
    pub street_id: i64,
    pub street: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub state: String,
    /// The last day a sweep looked at (its missed days told).
    pub swept_through: Option<NaiveDate>,
    /// The days someone reached the person.
    pub reached: i64,
    /// The latest follow-up's day, reached or not.
    pub last_day: Option<NaiveDate>,
}

impl Monitoring {
    pub fn is_open(&self) -> bool {
        self.state == "open"
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct FollowUpRow {
    pub id: i64,
    pub monitoring_id: i64,
    pub day: NaiveDate,
    pub reached: bool,
    /// Tenths of a degree.
    pub temperature: Option<i64>,
    pub symptoms: String,
    pub test: Option<String>,
    pub note: Option<String>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT m.id, m.stay_id, m.guest_id, g.name AS guest_name, g.doc_number, g.phone,
        m.station_id, st.name AS station, m.street_id, sr.name AS street, m.start_date, m.end_date,
        m.state, m.swept_through,
        (SELECT COUNT(*) FROM home_followups f WHERE f.monitoring_id = m.id AND f.reached) AS reached,
        (SELECT MAX(f.day) FROM home_followups f WHERE f.monitoring_id = m.id) AS last_day
   FROM home_monitoring m
   JOIN guests g ON g.id = m.guest_id
   JOIN stations st ON st.id = m.station_id
   JOIN streets sr ON sr.id = m.street_id";

/// Opens the monitoring of stay `s`, released now, when its policy has home days: handed to the
/// station's street. In the release's transaction.
pub(crate) async fn open_after_release(tx: &mut Tx, actor: &Actor, s: &Stay) -> Result<()> {
    let (home_days,): (i64,) = tx
        .fetch_one(q("SELECT home_days FROM quarantine_policies WHERE id = $1").bind(s.policy_id))
        .await?;
    let t = now();
    let Some((start, end)) = home_period(local_date(t), home_days) else {
        return Ok(());
    };
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO home_monitoring (stay_id, guest_id, station_id, street_id, start_date, end_date, created_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
            .bind(s.id)
            .bind(s.guest_id)
            .bind(s.station_id)
            .bind(s.street_id)
            .bind(start)
            .bind(end)
            .bind(t),
        )
        .await?;
    audit::append(
        tx,
        actor,
        Entry::new("home.open", "home_monitoring", id).detail(serde_json::json!({
            "stay_id": s.id, "street_id": s.street_id, "start": start, "end": end,
        })),
    )
    .await?;
    Ok(())
}

pub async fn get(db: &Db, id: i64) -> Result<Monitoring> {
    db.fetch_one(q_dynamic(format!("{SELECT} WHERE m.id = $1")).bind(id)).await
}

/// The monitoring that followed stay `stay_id`, if any.
pub async fn of_stay(db: &Db, stay_id: i64) -> Result<Option<Monitoring>> {
    db.fetch_optional(q_dynamic(format!("{SELECT} WHERE m.stay_id = $1")).bind(stay_id)).await
}

/// Which people a list shows: some streets (none: every street), open or closed, a name or a
/// document's last digits.
#[derive(Debug, Clone, Default)]
pub struct Filter<'a> {
    pub streets: Option<&'a [i64]>,
    pub closed: bool,
    pub search: Option<&'a str>,
}

fn filtered(f: &Filter<'_>) -> (String, Vec<String>) {
    let mut sql = format!(" WHERE m.state = '{}'", if f.closed { "closed" } else { "open" });
    if let Some(streets) = f.streets {
        let ids: Vec<String> = streets.iter().map(i64::to_string).collect();
        match ids.is_empty() {
            true => sql.push_str(" AND 1 = 0"),
            false => sql.push_str(&format!(" AND m.street_id IN ({})", ids.join(","))),
        }
    }
    let mut binds = Vec::new();
    if let Some(t) = f.search.map(str::trim).filter(|t| !t.is_empty()) {
        sql.push_str(" AND (LOWER(g.name) LIKE LOWER($1) ESCAPE '\\' OR g.doc_number LIKE $2)");
        binds.push(crate::db::contains_pattern(t));
        binds.push(format!("%{}", t.replace(['%', '_'], "").to_uppercase()));
    }
    (sql, binds)
}

/// A page of the people under monitoring, by street then the earliest end first; and how many.
pub async fn page(
    db: &Db,
    f: &Filter<'_>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Monitoring>, i64)> {
    let (filter, binds) = filtered(f);
    let mut rows = q_dynamic(format!(
        "{SELECT}{filter} ORDER BY sr.name, m.end_date, m.id LIMIT {} OFFSET {}",
        limit.clamp(1, 500_000),
        offset.max(0)
    ));
    let mut count = q_dynamic(format!(
        "SELECT COUNT(*) FROM home_monitoring m JOIN guests g ON g.id = m.guest_id{filter}"
    ));
    for b in binds {
        rows = rows.bind(b.clone());
        count = count.bind(b);
    }
    let (n,): (i64,) = db.fetch_one(count).await?;
    Ok((db.fetch_all(rows).await?, n))
}

/// The days someone reached each of `ids`: (monitoring, day).
pub async fn reached_days(db: &Db, ids: &[i64]) -> Result<Vec<(i64, NaiveDate)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
    db.fetch_all(q_dynamic(format!(
        "SELECT monitoring_id, day FROM home_followups WHERE reached AND monitoring_id IN ({})",
        ids.join(",")
    )))
    .await
}

pub async fn follow_ups(db: &Db, id: i64) -> Result<Vec<FollowUpRow>> {
    db.fetch_all(
        q("SELECT * FROM home_followups WHERE monitoring_id = $1 ORDER BY day DESC").bind(id),
    )
    .await
}

/// Records today's follow-up of monitoring `m` (replacing an earlier one of today); a fever,
/// symptoms or a positive is told at once.
pub async fn follow_up(db: &Db, actor: &Actor, m: &Monitoring, f: &FollowUp) -> Result<()> {
    let t = now();
    let day = local_date(t);
    let (reached, temperature, symptoms, test, note) = match f {
        FollowUp::Reached { check, test } => (
            true,
            Some(check.temperature.0),
            check.symptoms.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(","),
            test.map(|t| t.as_str()),
            check.note.clone(),
        ),
        FollowUp::NotReached { note } => (false, None, String::new(), None, Some(note.clone())),
    };
    let mut tx = db.begin().await?;
    let open: Option<(i64,)> = tx
        .fetch_optional(
            q("UPDATE home_monitoring SET state = state WHERE id = $1 AND state = 'open' RETURNING id")
                .bind(m.id),
        )
        .await?;
    if open.is_none() {
        return Err(yizhan_core::error::DomainError::Rule {
            field: None,
            key: "error.home_closed",
        }
        .into());
    }
    tx.execute(
        q("INSERT INTO home_followups (monitoring_id, day, reached, temperature, symptoms, test, note, recorded_by, recorded_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (monitoring_id, day) DO UPDATE SET reached = excluded.reached,
               temperature = excluded.temperature, symptoms = excluded.symptoms, test = excluded.test,
               note = excluded.note, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at")
        .bind(m.id)
        .bind(day)
        .bind(reached)
        .bind(temperature)
        .bind(symptoms.as_str())
        .bind(test)
        .bind(note)
        .bind(actor.name.as_str())
        .bind(t),
    )
    .await?;
    if let Some(reason) = f.concern() {
        let facts = serde_json::json!({ "day": day.to_string(), "kind": reason.as_str() });
        tell(&mut tx, m, &format!("concern:{day}"), Severity::Danger, facts, t).await?;
    }
    audit::append(
        &mut tx,
        actor,
        Entry::new("home.follow_up", "home_monitoring", m.id)
            .detail(serde_json::json!({ "day": day, "reached": reached })),
    )
    .await?;
    tx.commit().await
}

/// Tells the street's group of `event` about `m` (the district's when the street has none: home
/// monitoring is the street's work). `facts` name the day, never the person; the street, the
/// station and the link are added here.
async fn tell(
    tx: &mut Tx,
    m: &Monitoring,
    event: &str,
    severity: Severity,
    mut facts: serde_json::Value,
    at: DateTime<Utc>,
) -> Result<()> {
    facts["street"] = m.street.clone().into();
    facts["station"] = m.station.clone().into();
    facts["link"] = format!("/home-monitoring/{}", m.id).into();
    let scopes = Scopes::street_or_district(tx, m.street_id).await?;
    let e = Event {
        source: "home",
        source_id: m.id,
        event,
        severity,
        station_id: Some(m.station_id),
        facts: &facts,
        at,
    };
    outbox::enqueue(tx, &e, scopes, None).await?;
    Ok(())
}

/// What a sweep did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    /// People whose missed days were told (once each).
    pub missed: usize,
    pub closed: usize,
}

/// Tells the street of every missed day not told yet, and closes the monitoring that ended
/// before `at`'s day. Any node may run it: each person is looked at once a day (`swept_through`)
/// and a day is told once (the outbox's uniqueness).
pub async fn sweep(db: &Db, at: DateTime<Utc>) -> Result<Swept> {
    let today = local_date(at);
    let yesterday = today - chrono::Duration::days(1);
    let mut swept = Swept::default();
    let due: Vec<Monitoring> = db
        .fetch_all(
            q_dynamic(format!(
                "{SELECT} WHERE m.state = 'open' AND m.start_date <= $1
                   AND (m.swept_through IS NULL OR m.swept_through < $1 OR m.end_date < $2)"
            ))
            .bind(yesterday)
            .bind(today),
        )
        .await?;
    for m in due {
        let reached: Vec<(NaiveDate,)> = db
            .fetch_all(
                q("SELECT day FROM home_followups WHERE monitoring_id = $1 AND reached").bind(m.id),
            )
            .await?;
        let reached: Vec<NaiveDate> = reached.into_iter().map(|(d,)| d).collect();
        let missed: Vec<NaiveDate> = missed_days(m.start_date, m.end_date, today, &reached)
            .into_iter()
            .filter(|d| m.swept_through.is_none_or(|e| *d > e))
            .collect();
        let mut tx = db.begin().await?;
        if let Some(last) = missed.last() {
            let facts =
                serde_json::json!({ "day": last.to_string(), "count": missed.len().to_string() });
            tell(&mut tx, &m, &format!("missed:{last}"), Severity::Warning, facts, at).await?;
            swept.missed += 1;
        }
        tx.execute(
            q("UPDATE home_monitoring SET swept_through = $1 WHERE id = $2")
                .bind(yesterday.min(m.end_date))
                .bind(m.id),
        )
        .await?;
        if m.end_date < today {
            tx.execute(
                q("UPDATE home_monitoring SET state = 'closed', closed_at = $1 WHERE id = $2 AND state = 'open'")
                    .bind(at)
                    .bind(m.id),
            )
            .await?;
            swept.closed += 1;
        }
        tx.commit().await?;
    }
    Ok(swept)
}
