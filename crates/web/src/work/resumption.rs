//! Resumption statistics (复工率): over time, all and above-scale (规上), by street and by
//! industry; a chart, tables and .xlsx. The command sees its scope (a street: its own).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use yizhan_core::work::enterprise::{Industry, Rate, StatFacts, over_time, rates};
use yizhan_store::work::enterprises::{self, StatGroup};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::kit::export::{self, Cell};
use crate::kit::layout::Layout;
use crate::kit::render;
use crate::kit::today;
use crate::state::AppState;

/// The chart covers at most this many days back from today.
const CHART_DAYS: i64 = 90;

/// The enterprises in the reader's scope counted by `group` (a street commander: their street).
async fn facts(state: &AppState, ctx: &Ctx, group: StatGroup) -> Result<Vec<StatFacts>, WebError> {
    Ok(enterprises::stat_facts(&state.db, crate::work::scope_of(ctx)?, group).await?)
}

/// By street (the total last) and by industry, named in the reader's language.
async fn tables(
    state: &AppState,
    ctx: &Ctx,
    day: NaiveDate,
) -> Result<(Vec<Rate>, Rate, Vec<Rate>), WebError> {
    let tr = ctx.tr();
    let mut streets = rates(&facts(state, ctx, StatGroup::Street).await?, day);
    let total = streets.pop().unwrap_or_default();
    let mut by_industry: Vec<StatFacts> = facts(state, ctx, StatGroup::Industry).await?;
    for f in &mut by_industry {
        f.group =
            Industry::parse(&f.group).map(|i| tr.t(i.label_key()).to_owned()).unwrap_or_default();
    }
    let mut industries = rates(&by_industry, day);
    industries.pop();
    Ok((streets, total, industries))
}

/// "95.2%" from per mille.
pub fn pct(permille: &i64) -> String {
    format!("{}.{}%", permille / 10, permille % 10)
}

#[derive(Template)]
#[template(path = "enterprises/stats.html")]
struct StatsPage {
    layout: Layout,
    /// (heading, lines): by street, then by industry.
    groups: Vec<(String, Vec<Rate>)>,
    total: Rate,
    chart: String,
}

impl StatsPage {
    fn pct(&self, permille: i64) -> String {
        pct(&permille)
    }
}

/// `GET /resumption`.
pub async fn show(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let today = today();
    let (streets, total, industries) = tables(&state, &ctx, today).await?;
    let all = facts(&state, &ctx, StatGroup::All).await?;
    let start = all
        .iter()
        .filter_map(|f| f.resumed_on)
        .min()
        .unwrap_or(today)
        .max(today - chrono::Duration::days(CHART_DAYS));
    let series = over_time(&all, start, today);
    let chart = serde_json::json!({
        "days": series.iter().map(|(d, _, _)| d.format("%m-%d").to_string()).collect::<Vec<_>>(),
        "series": [
            { "name": tr.t("resumption.all"), "data": series.iter().map(|(_, a, _)| *a as f64 / 10.0).collect::<Vec<_>>() },
            { "name": tr.t("field.above_scale"), "data": series.iter().map(|(_, _, b)| *b as f64 / 10.0).collect::<Vec<_>>() },
        ],
    })
    .to_string()
    // The JSON sits in a <script type="application/json">: nothing in it may close that tag.
    .replace("</", "<\\/");
    render::page(&StatsPage {
        layout: Layout::new(&state, &ctx, "resumption.title"),
        groups: vec![
            (tr.t("field.street_id").to_owned(), streets),
            (tr.t("field.industry").to_owned(), industries),
        ],
        total,
        chart,
    })
}

/// `GET /resumption/export.xlsx`.
pub async fn export(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let today = today();
    let (streets, total, industries) = tables(&state, &ctx, today).await?;
    let line = |kind: &str, r: &Rate, name: &str| {
        vec![
            Cell::from(kind.to_owned()),
            Cell::from(name.to_owned()),
            Cell::from(r.total),
            Cell::from(r.resumed),
            Cell::from(pct(&r.rate())),
            Cell::from(r.above_total),
            Cell::from(r.above_resumed),
            Cell::from(pct(&r.above_rate())),
        ]
    };
    let street_kind = tr.t("field.street_id");
    let industry_kind = tr.t("field.industry");
    let mut rows: Vec<Vec<Cell>> = streets.iter().map(|r| line(street_kind, r, &r.group)).collect();
    rows.extend(industries.iter().map(|r| line(industry_kind, r, &r.group)));
    rows.push(line("", &total, tr.t("report.district")));
    export::station_list(
        &tr,
        &today.to_string(),
        "resumption.title",
        &[
            "resumption.grouping",
            "field.name",
            "enterprise.count",
            "enterprise.resumption.resumed",
            "resumption.rate",
            "resumption.above_total",
            "resumption.above_resumed",
            "resumption.above_rate",
        ],
        &rows,
    )
}
