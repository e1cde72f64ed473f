//! The district overview (指挥总览) for commanders: the stations in their scope with occupancy
//! and alerts, the streets' sums, rectifications, planned inspections, the latest daily report
//! and notice. Every number is a link to the list behind it.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use yizhan_core::access::{Permission, Target};
use yizhan_store::command::reports::Entry;
use yizhan_store::station::board::StationLine;

use crate::auth::Ctx;
use crate::board::district::StationTotals;
use crate::error::WebError;
use crate::kit::layout::Layout;
use crate::kit::render;
use crate::kit::today;
use crate::state::AppState;

pub struct StreetLine {
    pub id: i64,
    pub name: String,
    pub total: StationTotals,
}

/// Beds in use as a whole percentage (0 when there are no beds).
pub fn occupancy(in_stay: i64, beds: i64) -> i64 {
    if beds <= 0 { 0 } else { (in_stay * 100 + beds / 2) / beds }
}

#[derive(Template)]
#[template(path = "overview.html")]
struct OverviewPage {
    layout: Layout,
    stations: Vec<StationLine>,
    streets: Vec<StreetLine>,
    total: StationTotals,
    planned_inspections: usize,
    report: Option<Entry>,
    notice: Option<(i64, String)>,
}

impl OverviewPage {
    fn pct(&self, in_stay: &i64, beds: &i64) -> i64 {
        occupancy(*in_stay, *beds)
    }
}

/// `GET /command`.
pub async fn show(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let p = ctx.user()?;
    let today = today();
    let stations: Vec<StationLine> = yizhan_store::station::counters::lines(&state.db, today)
        .await?
        .into_iter()
        .filter(|l| {
            p.can(
                Permission::StationsRead,
                Target::Station { id: l.station_id, street: l.street_id },
            )
        })
        .collect();
    let mut streets: Vec<StreetLine> = Vec::new();
    let mut total = StationTotals::default();
    for l in &stations {
        total.add(l);
        match streets.iter_mut().find(|s| s.id == l.street_id) {
            Some(s) => s.total.add(l),
            None => {
                let mut t = StationTotals::default();
                t.add(l);
                streets.push(StreetLine { id: l.street_id, name: l.street.clone(), total: t });
            }
        }
    }
    let planned_inspections = yizhan_store::command::inspections::list(&state.db)
        .await?
        .iter()
        .filter(|i| i.started_at.is_none() && i.planned_on >= today)
        .filter(|i| i.seen_by(&p.grants))
        .count();
    let report = if p.can(Permission::ReportsRead, Target::District) {
        yizhan_store::command::reports::archive(&state.db, 1).await?.into_iter().next()
    } else {
        None
    };
    let notice = yizhan_store::command::notices::list(&state.db)
        .await?
        .into_iter()
        .find(|n| n.published() && p.can(Permission::InspectionsRead, n.target()))
        .map(|n| (n.id, n.title));
    render::page(&OverviewPage {
        layout: Layout::new(&state, &ctx, "overview.title"),
        stations,
        streets,
        total,
        planned_inspections,
        report,
        notice,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn occupancy_rounds_and_survives_no_beds() {
        assert_eq!(super::occupancy(0, 0), 0);
        assert_eq!(super::occupancy(1, 3), 33);
        assert_eq!(super::occupancy(2, 3), 67);
        assert_eq!(super::occupancy(70, 70), 100);
    }
}
