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
use yizhan_store::station::board::{self, StationLine};

use crate::auth::Ctx;
use crate::board::tokens::{TokenQuery, board_access};
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::render;
use crate::kit::today;
use crate::state::AppState;

#[derive(Debug, Serialize)]
pub struct Street {
    pub street: String,
    pub stations: Vec<StationLine>,
    pub total: StationTotals,
}

#[derive(Debug, Default, Serialize)]
pub struct StationTotals {
    pub stations: i64,
    pub beds_total: i64,
    pub beds_free: i64,
    pub in_stay: i64,
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

#[derive(Debug, Serialize)]
pub struct DistrictSnapshot {
    pub seq: i64,
    pub generated_at: String,
    pub streets: Vec<Street>,
    pub total: StationTotals,
    /// Signed-in viewers may follow each number to its list.
    pub links: bool,
    pub labels: std::collections::BTreeMap<&'static str, String>,
}

const LABELS: &[&str] = &[
    "district.station",
    "district.beds",
    "district.in_stay",
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
];

pub async fn build(state: &AppState, tr: &Tr, links: bool) -> Result<DistrictSnapshot, WebError> {
    let lines = board::district_lines(&state.db, today()).await?;
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
    Ok(DistrictSnapshot {
        seq: *state.changes.borrow(),
        generated_at: yizhan_core::time::local_display(yizhan_store::db::now()),
        streets,
        total,
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
    Ok(crate::board::live::stream(&state))
}
