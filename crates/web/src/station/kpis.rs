//! KPI counters of a station for a period (default: the last 30 days), with days since the last
//! one: infected, turned back, exemption revoked, accidents (incidents of kind accident), complaints.

use axum::Json;
use axum::extract::State;
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use yizhan_core::access::Permission;
use yizhan_core::time::{day_start_utc, local_date};
use yizhan_store::station::board;

use crate::auth::Ctx;
use crate::error::WebError;
use crate::kit::extract::{Id, Query};
use crate::kit::today;
use crate::state::AppState;
use crate::station::stations::visible;

#[derive(Deserialize)]
pub struct PeriodQuery {
    from: Option<String>,
    to: Option<String>,
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct Kpis {
    pub station_id: i64,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub counts: board::PeriodCounts,
    pub days_since_positive: Option<i64>,
    pub days_since_turned_back: Option<i64>,
    pub days_since_exemption_revoked: Option<i64>,
    pub days_since_accident: Option<i64>,
    pub days_since_complaint: Option<i64>,
}

/// Both dates inclusive, Shanghai days; `to` before `from` names the field.
pub fn period(q: &PeriodQuery) -> Result<(NaiveDate, NaiveDate), WebError> {
    use yizhan_core::error::OnField;
    let today = today();
    let parse = |s: &Option<String>,
                 field: &'static str,
                 default: NaiveDate|
     -> Result<NaiveDate, WebError> {
        match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => Ok(yizhan_core::station::guest::parse_date(s).on(field)?),
            None => Ok(default),
        }
    };
    let to = parse(&q.to, "period_to", today)?;
    let from = parse(&q.from, "period_from", to - Duration::days(29))?;
    if to < from {
        return Err(WebError::Rule {
            field: Some("period_to".into()),
            key: "error.valid_to_before_valid_from",
        });
    }
    Ok((from, to))
}

/// `GET /api/v1/stations/{id}/kpis`.
pub async fn api(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<Kpis>, WebError> {
    visible(&state, &ctx, id, Permission::StationsRead).await?;
    let (from, to) = period(&q)?;
    let counts = board::period_counts(
        &state.db,
        id,
        day_start_utc(from),
        day_start_utc(to + Duration::days(1)),
    )
    .await?;
    let (_, last) = board::counts(&state.db, id, today()).await?;
    let since =
        |t: Option<chrono::DateTime<chrono::Utc>>| t.map(|t| (today() - local_date(t)).num_days());
    Ok(Json(Kpis {
        station_id: id,
        from,
        to,
        counts,
        days_since_positive: since(last.last_positive),
        days_since_turned_back: since(last.last_turned_back),
        days_since_exemption_revoked: since(last.last_exemption_revoked),
        days_since_accident: since(last.last_accident),
        days_since_complaint: since(last.last_complaint),
    }))
}
