//! The staff closed loop (工作人员闭环管理): who is due a test on a day, who was tested, who
//! missed it and whose test is overdue; loop and post-loop monitoring dates alongside.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use yizhan_core::access::{Actor, Permission};
use yizhan_core::care::staff::{StaffTestStatus, TestState, test_due, test_state};
use yizhan_core::error::OnField;
use yizhan_core::station::sampling::TestResult;
use yizhan_core::validate::parse_optional_date;
use yizhan_store::care::plans;
use yizhan_store::care::staff::{self, Staff};
use yizhan_store::station::stations::Station;

use crate::auth::Ctx;
use crate::care::staff::visible_staff;
use crate::error::WebError;
use crate::kit::export::{self, Cell};
use crate::kit::extract::{FormBody, Id, Query};
use crate::kit::layout::Layout;
use crate::kit::render;
use crate::kit::today;
use crate::state::AppState;
use crate::station::stations::visible;

pub struct Row {
    pub s: Staff,
    pub state: TestState,
    pub state_label: String,
    pub loop_label: String,
    pub result: String,
}

async fn rows(
    state: &AppState,
    ctx: &Ctx,
    station_id: i64,
    day: NaiveDate,
) -> Result<Vec<Row>, WebError> {
    let tr = ctx.tr();
    let tests = plans::staff_tests(&state.db, station_id, day, day).await?;
    Ok(staff::list(&state.db, station_id)
        .await?
        .into_iter()
        .map(|s| {
            let due = test_due(s.loop_status, s.post_risk, s.monitor_until, day)
                && s.loop_start.is_none_or(|start| start <= day);
            let t = tests.iter().find(|t| t.staff_id == s.id);
            let st = test_state(due, t.map(|t| t.status == StaffTestStatus::Done), day, today());
            Row {
                state: st,
                state_label: tr.t(st.label_key()).to_owned(),
                loop_label: tr.t(s.loop_status.label_key()).to_owned(),
                result: t
                    .and_then(|t| t.result)
                    .map(|r| tr.t(r.label_key()).to_owned())
                    .unwrap_or_default(),
                s,
            }
        })
        .collect())
}

#[derive(Template)]
#[template(path = "staff/tests.html")]
struct Page {
    layout: Layout,
    station: Station,
    day: NaiveDate,
    rows: Vec<Row>,
    counts: Vec<(String, usize)>,
    can_record: bool,
}

#[derive(Deserialize, Default)]
pub struct DayQuery {
    day: Option<String>,
}

fn day_of(q: &DayQuery) -> Result<NaiveDate, WebError> {
    Ok(parse_optional_date(q.day.as_deref().unwrap_or("")).on("day")?.unwrap_or_else(today))
}

/// `GET /stations/{id}/staff-tests`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(q): Query<DayQuery>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::StaffRead).await?;
    let day = day_of(&q)?;
    let rows = rows(&state, &ctx, id, day).await?;
    let tr = ctx.tr();
    let counts = [TestState::Done, TestState::Pending, TestState::Overdue, TestState::Missed]
        .iter()
        .map(|s| (tr.t(s.label_key()).to_owned(), rows.iter().filter(|r| r.state == *s).count()))
        .collect();
    render::page(&Page {
        layout: Layout::new(&state, &ctx, "staff_tests.title"),
        can_record: ctx.user()?.can(Permission::TestsRecord, station.target()),
        station,
        day,
        rows,
        counts,
    })
}

#[derive(Deserialize, Default)]
pub struct RecordForm {
    #[serde(default)]
    day: String,
    /// "done" or "missed".
    #[serde(default)]
    status: String,
    #[serde(default)]
    result: String,
}

/// `POST /staff/{id}/tests`.
pub async fn record(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<RecordForm>,
) -> Result<Response, WebError> {
    let s = visible_staff(&state, &ctx, id, Permission::TestsRecord).await?;
    let day = yizhan_core::station::guest::parse_date(&f.day).on("day")?;
    if day > today() {
        return Err(yizhan_core::validate::Invalid::FutureDate).on("day").map_err(Into::into);
    }
    let taken = match f.status.as_str() {
        "done" => true,
        "missed" => false,
        _ => {
            return Err(yizhan_core::validate::Invalid::BadFormat { hint: "done" })
                .on("status")
                .map_err(Into::into);
        }
    };
    let result = match f.result.as_str() {
        "" => None,
        r @ ("negative" | "positive") if taken => TestResult::parse(r),
        _ => {
            return Err(yizhan_core::validate::Invalid::BadFormat { hint: "negative" })
                .on("result")
                .map_err(Into::into);
        }
    };
    plans::record_staff_test(&state.db, &Actor::from(ctx.user()?), id, day, taken, result).await?;
    Ok(Redirect::to(&format!("/stations/{}/staff-tests?day={day}", s.station_id)).into_response())
}

/// `GET /stations/{id}/staff-tests/export.xlsx`.
pub async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(q): Query<DayQuery>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::StaffRead).await?;
    let day = day_of(&q)?;
    let tr = ctx.tr();
    let d = |d: Option<NaiveDate>| Cell::from(d.map(|d| d.to_string()).unwrap_or_default());
    let data: Vec<Vec<Cell>> = rows(&state, &ctx, id, day)
        .await?
        .into_iter()
        .map(|r| {
            vec![
                Cell::from(r.s.name.clone()),
                Cell::from(r.s.group_name.clone().unwrap_or_default()),
                Cell::from(r.loop_label),
                d(r.s.loop_start),
                d(r.s.loop_end),
                d(r.s.monitor_until),
                Cell::from(r.state_label),
                Cell::from(r.result),
            ]
        })
        .collect();
    let headers = [
        "field.name",
        "staff.group",
        "staff.loop_status",
        "staff.loop_start",
        "staff.loop_end",
        "staff.monitor_until",
        "staff_tests.state",
        "field.result",
    ]
    .map(|k| tr.t(k));
    export::xlsx(
        &format!("{}-{}-{day}", station.name, tr.t("staff_tests.title")),
        tr.t("staff_tests.title"),
        &headers,
        &data,
    )
}
