//! The district board: every station's figures grouped by street, rolled up. Signed-in readers
//! get links from each number to the list behind it; a TV gets the same figures without links.

use crate::kit::extract::Query;
use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;
use yizhan_core::access::{Permission, Target};
use yizhan_core::work::enterprise::Rate;
use yizhan_core::work::returning_worker::WorkerStatus;
use yizhan_store::station::board::StationLine;

use crate::work::resumption::pct;

use crate::auth::Ctx;
use crate::board::tokens::{TokenQuery, board_access};
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::render;
use crate::kit::today;
use crate::state::AppState;

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Street {
    pub street: String,
    pub stations: Vec<StationLine>,
    pub total: StationTotals,
}

#[derive(Debug, Default, Serialize, schemars::JsonSchema)]
pub struct StationTotals {
    pub stations: i64,
    pub beds_total: i64,
    pub beds_free: i64,
    pub in_stay: i64,
    /// On the road between two stations, counted at neither (district total only).
    pub in_transit: i64,
    pub check_ins_today: i64,
    pub open_alerts: i64,
    pub positives: i64,
    pub awaiting_disinfection: i64,
    pub turned_back: i64,
    pub exemption_revoked: i64,
    pub open_rectifications: i64,
    pub overdue_rectifications: i64,
}

impl StationTotals {
    pub fn add(&mut self, l: &StationLine) {
        self.stations += 1;
        self.beds_total += l.beds_total;
        self.beds_free += l.beds_free;
        self.in_stay += l.in_stay;
        self.check_ins_today += l.check_ins_today;
        self.open_alerts += l.open_alerts;
        self.positives += l.positives;
        self.awaiting_disinfection += l.awaiting_disinfection;
        self.turned_back += l.turned_back;
        self.exemption_revoked += l.exemption_revoked;
        self.open_rectifications += l.open_rectifications;
        self.overdue_rectifications += l.overdue_rectifications;
    }
}

/// Check-ins and alerts of the whole district per day, the last 14 days.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Trend {
    pub days: Vec<String>,
    pub check_ins: Vec<i64>,
    pub alerts: Vec<i64>,
}

/// Return to work beside the stations: enterprises resumed (all and 规上) and workers back.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct WorkFigures {
    pub enterprises: i64,
    pub resumed: i64,
    /// "95.2%".
    pub rate: String,
    pub above_rate: String,
    pub workers: i64,
    pub arrived: i64,
    pub at_work: i64,
}

/// Which station needs the command first: positives, then open alerts, overdue
/// rectifications, rooms awaiting terminal disinfection; then by name.
pub fn by_need(a: &StationLine, b: &StationLine) -> std::cmp::Ordering {
    let key = |l: &StationLine| {
        (l.positives, l.open_alerts, l.overdue_rectifications, l.awaiting_disinfection)
    };
    key(b).cmp(&key(a)).then_with(|| a.station.cmp(&b.station))
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct DistrictSnapshot {
    pub seq: i64,
    pub generated_at: String,
    pub streets: Vec<Street>,
    pub total: StationTotals,
    /// Every station, the one that needs the command most first (`by_need`).
    pub ranked: Vec<StationLine>,
    pub trend: Trend,
    pub work: WorkFigures,
    /// Signed-in viewers may follow each number to its list.
    pub links: bool,
    pub labels: std::collections::BTreeMap<&'static str, String>,
}

const LABELS: &[&str] = &[
    "district.station",
    "district.beds",
    "district.in_stay",
    "district.in_transit",
    "district.check_ins",
    "district.alerts",
    "district.positives",
    "district.awaiting",
    "district.turned_back",
    "district.exemption_revoked",
    "district.overdue_rectifications",
    "district.total",
    "board.updated",
    "board.offline",
    "district.street",
    "district.need",
    "district.nothing_waits",
    "district.more",
    "district.stations",
    "district.trend_check_ins",
    "district.trend_alerts",
    "district.work",
    "district.resumption",
    "district.resumption_above",
    "district.workers_arrived",
    "district.workers_at_work",
    "district.in_stay_beds",
];

/// How long a node keeps the return-to-work figures: they move by the hour, not the second.
const WORK_FRESH: std::time::Duration = std::time::Duration::from_secs(60);

/// The return-to-work figures, counted at most once a minute on this node and, once counted,
/// off the request path: a city's ten million workers take ~1.5 s to count, so a board gets the
/// last figures at once while a fresh count runs beside it.
async fn work_figures(state: &AppState, day: chrono::NaiveDate) -> Result<WorkFigures, WebError> {
    let cached = {
        let mut held = state.district_work.lock().unwrap_or_else(|p| p.into_inner());
        match held.as_mut() {
            Some((at, w)) => {
                let stale = at.elapsed() >= WORK_FRESH;
                if stale {
                    // The count starting now makes the figures fresh for everyone else.
                    *at = std::time::Instant::now();
                }
                Some((w.clone(), stale))
            }
            None => None,
        }
    };
    match cached {
        Some((w, stale)) => {
            if stale {
                let state = state.clone();
                tokio::spawn(async move {
                    if let Err(e) = count_work(&state, day, false).await {
                        tracing::warn!(error = %e, "counting the return-to-work figures failed");
                    }
                });
            }
            Ok(w)
        }
        None => count_work(state, day, true).await,
    }
}

/// Counts the return-to-work figures once at a node's start, so the first board does not wait.
pub fn warm(state: &AppState) {
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(e) = count_work(&state, today(), true).await {
            tracing::warn!(error = %e, "counting the return-to-work figures failed");
        }
    });
}

/// One count at a time on a node; `if_missing`: the first board after the start waits for the
/// count the start began instead of counting again.
async fn count_work(
    state: &AppState,
    day: chrono::NaiveDate,
    if_missing: bool,
) -> Result<WorkFigures, WebError> {
    let _turn = state.district_work_turn.lock().await;
    if if_missing
        && let Some((_, w)) = state.district_work.lock().unwrap_or_else(|p| p.into_inner()).as_ref()
    {
        return Ok(w.clone());
    }
    let rate = yizhan_store::work::enterprises::resumption_on(&state.db, day).await?;
    let workers = yizhan_store::work::returning_workers::by_status(&state.db).await?;
    let count = |s: WorkerStatus| workers.iter().filter(|(w, _)| *w == s).map(|(_, n)| n).sum();
    let work = WorkFigures {
        enterprises: rate.total,
        resumed: rate.resumed,
        rate: pct(&Rate::permille(rate.resumed, rate.total)),
        above_rate: pct(&Rate::permille(rate.above_resumed, rate.above_total)),
        workers: workers.iter().map(|(_, n)| n).sum(),
        arrived: count(WorkerStatus::Arrived),
        at_work: count(WorkerStatus::AtWork),
    };
    *state.district_work.lock().unwrap_or_else(|p| p.into_inner()) =
        Some((std::time::Instant::now(), work.clone()));
    Ok(work)
}

/// The 14 days from `first`, a day without check-ins or alerts as zero.
fn trend(first: chrono::NaiveDate, days: &[(chrono::NaiveDate, i64, i64)]) -> Trend {
    let all: Vec<chrono::NaiveDate> = (0..14).map(|i| first + chrono::Duration::days(i)).collect();
    let on = |d: &chrono::NaiveDate| days.iter().find(|(x, _, _)| x == d);
    Trend {
        days: all.iter().map(|d| d.format("%m-%d").to_string()).collect(),
        check_ins: all.iter().map(|d| on(d).map_or(0, |x| x.1)).collect(),
        alerts: all.iter().map(|d| on(d).map_or(0, |x| x.2)).collect(),
    }
}

pub async fn build(state: &AppState, tr: &Tr, links: bool) -> Result<DistrictSnapshot, WebError> {
    let day = today();
    let lines = yizhan_store::station::counters::lines(&state.db, day).await?;
    let mut ranked = lines.clone();
    ranked.sort_by(by_need);
    let first = day - chrono::Duration::days(13);
    let days = yizhan_store::station::counters::days(&state.db, first).await?;
    let trend = trend(first, &days);
    let work = work_figures(state, day).await?;
    let mut streets: Vec<Street> = Vec::new();
    let mut total = StationTotals::default();
    for l in lines {
        total.add(&l);
        match streets.iter_mut().find(|s| s.street == l.street) {
            Some(s) => {
                s.total.add(&l);
                s.stations.push(l);
            }
            None => {
                let mut t = StationTotals::default();
                t.add(&l);
                streets.push(Street { street: l.street.clone(), stations: vec![l], total: t });
            }
        }
    }
    total.in_transit = yizhan_store::station::transfers::in_transit_count(&state.db).await?;
    Ok(DistrictSnapshot {
        seq: state.changes.borrow().seq,
        generated_at: yizhan_core::time::local_display(yizhan_store::db::now()),
        streets,
        total,
        ranked,
        trend,
        work,
        links,
        labels: LABELS.iter().map(|k| (*k, tr.t(k).to_owned())).collect(),
    })
}

fn signed_in_reader(ctx: &Ctx) -> bool {
    ctx.principal.as_ref().is_some_and(|p| p.can(Permission::StationsRead, Target::District))
}

/// `GET /api/v1/district/board`.
pub async fn json(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
) -> Result<Json<DistrictSnapshot>, WebError> {
    board_access(&state, &ctx, &headers, None).await?;
    Ok(Json(build(&state, &ctx.tr(), signed_in_reader(&ctx)).await?))
}

#[derive(Template)]
#[template(path = "board/district.html")]
struct DistrictPage {
    tr: Tr,
}

impl DistrictPage {
    fn t<'a>(&self, key: &'a str) -> &'a str {
        self.tr.t(key)
    }
}

/// `GET /board/district`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Query(q): Query<TokenQuery>,
) -> Result<Response, WebError> {
    if let Some(r) = crate::board::tokens::token_handoff_to(&state, "/board/district", &q) {
        return Ok(r);
    }
    board_access(&state, &ctx, &headers, None).await?;
    render::page(&DistrictPage { tr: ctx.tr() })
}

/// `GET /board/district/events`.
/// Events for the district board: the same change stream as a station's.
pub async fn events(
    state: State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    board_access(&state, &ctx, &headers, None).await?;
    Ok(crate::board::live::stream(&state, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(name: &str, positives: i64, alerts: i64, overdue: i64, awaiting: i64) -> StationLine {
        StationLine {
            station_id: 0,
            station: name.into(),
            street_id: 0,
            street: String::new(),
            beds_total: 0,
            beds_free: 0,
            in_stay: 0,
            check_ins_today: 0,
            open_alerts: alerts,
            positives,
            awaiting_disinfection: awaiting,
            turned_back: 0,
            exemption_revoked: 0,
            open_rectifications: overdue,
            overdue_rectifications: overdue,
        }
    }

    #[test]
    fn the_trend_has_fourteen_days_and_zero_where_nothing_happened() {
        let first = chrono::NaiveDate::from_ymd_opt(2026, 12, 25).unwrap();
        let jan2 = chrono::NaiveDate::from_ymd_opt(2027, 1, 2).unwrap();
        let t = trend(first, &[(first, 3, 1), (jan2, 0, 2)]);
        assert_eq!(t.days.len(), 14);
        assert_eq!((t.days[0].as_str(), t.days[8].as_str()), ("12-25", "01-02"));
        assert_eq!(t.check_ins, [3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(t.alerts, [1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn a_positive_comes_before_alerts_and_alerts_before_paperwork() {
        let mut lines = [
            line("a", 0, 0, 0, 0),
            line("b", 0, 0, 3, 5),
            line("c", 0, 2, 0, 0),
            line("d", 1, 0, 0, 0),
            line("e", 0, 0, 3, 6),
        ];
        lines.sort_by(by_need);
        let names: Vec<&str> = lines.iter().map(|l| l.station.as_str()).collect();
        assert_eq!(names, ["d", "c", "e", "b", "a"]);
    }
}
