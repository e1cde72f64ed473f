//! The daily situation report (日报): built from the records, archived per day, and produced
//! every morning by a job that every node ticks but exactly one runs (a claimed row in
//! `job_runs`; the database's primary key decides).

use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use yizhan_core::access::Actor;
use yizhan_core::command::report::{Figures, due_day, missing, total};
use yizhan_core::time::day_start_utc;
use yizhan_store::command::reports;

use crate::error::WebError;
use crate::state::AppState;

pub const JOB: &str = "daily_report";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub day: NaiveDate,
    pub stations: Vec<Figures>,
    pub district: Figures,
    /// The cases in force that day (older archives have none).
    #[serde(default)]
    pub cases: Vec<yizhan_core::station::case::CaseFact>,
}

impl Report {
    pub fn complete(&self) -> bool {
        self.district.missing.is_empty()
    }
}

/// The figures for `day`, with key attention from the attention rules and what is missing.
pub async fn build(state: &AppState, day: NaiveDate) -> Result<Report, WebError> {
    // The open stays judged by the attention rules (most of the work) and the figures run
    // side by side, on connections of their own.
    let ids = reports::reported_stations(&state.db).await?;
    let (mut stations, mut open) = tokio::try_join!(
        async { Ok::<_, WebError>(reports::figures(&state.db, day).await?) },
        crate::station::attention::open_stays_by_station(state, &ids),
    )?;
    for f in &mut stations {
        let open = open.remove(&f.station_id).unwrap_or_default();
        (f.key_attention, f.by_category) = (open.key_attention, open.by_category);
        f.missing = missing(f);
    }
    let mut district = total(&stations);
    district.station = String::new();
    let (from, to) = (day_start_utc(day), day_start_utc(day + chrono::Duration::days(1)));
    let cases = yizhan_store::station::cases::facts(&state.db, from, to, None).await?;
    Ok(Report { day, district, stations, cases })
}

/// Builds and archives the report for `day` (replacing an earlier one of that day).
pub async fn generate(state: &AppState, actor: &Actor, day: NaiveDate) -> Result<Report, WebError> {
    let report = build(state, day).await?;
    let body = serde_json::to_string(&report)
        .map_err(|e| WebError::Internal(format!("report json: {e}")))?;
    let incomplete: Vec<reports::Incomplete> = report
        .stations
        .iter()
        .filter(|f| !f.missing.is_empty())
        .map(|f| reports::Incomplete {
            station_id: f.station_id,
            facts: serde_json::json!({
                "station": f.station,
                "day": day.to_string(),
                "missing": f.missing,
                "link": format!("/reports/{day}"),
            }),
        })
        .collect();
    reports::save(&state.db, actor, day, report.complete(), &body, &incomplete).await?;
    Ok(report)
}

/// The archived report of `day`, if one was made.
pub async fn archived(
    state: &AppState,
    day: NaiveDate,
) -> Result<Option<(Report, reports::Archived)>, WebError> {
    let Some(a) = reports::get(&state.db, day).await? else {
        return Ok(None);
    };
    let r: Report = serde_json::from_str(&a.body)
        .map_err(|e| WebError::Internal(format!("archived report {day}: {e}")))?;
    Ok(Some((r, a)))
}

/// One tick of the scheduler on one node: when the configured time has come, claims the
/// run for yesterday's report and makes it. Returns the day this node produced, if any.
pub async fn tick(
    state: &AppState,
    node: &str,
    now: chrono::DateTime<Utc>,
) -> Result<Option<NaiveDate>, WebError> {
    let local = yizhan_core::time::local_naive(now);
    let Some(day) = due_day(local.date(), local.time(), state.config.report_at) else {
        return Ok(None);
    };
    let key = day.to_string();
    if !reports::claim(&state.db, JOB, &key, node).await? {
        return Ok(None);
    }
    let made = generate(state, &Actor::system(), day).await;
    reports::finish_claim(&state.db, JOB, &key, made.is_ok()).await?;
    made.map(|_| Some(day))
}

/// Runs `tick` every 30 s for the life of the server.
pub async fn schedule(state: AppState, node: String) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(30));
    loop {
        every.tick().await;
        match tick(&state, &node, yizhan_store::db::now()).await {
            Ok(Some(day)) => tracing::info!(%day, node, "daily report generated"),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "daily report job failed; retrying next tick"),
        }
    }
}
