//! A station's positive-case plan times its cases (issue 19): the lead publishes the plan with
//! its own limits (every bad one named at once, nothing published), the plan's page says which
//! limits are the plan's and which the usual, and a positive then opens a case timed by it.
//! SQLite and PostgreSQL.

use axum::http::StatusCode;
use yizhan_core::access::{Actor, Role, Scope};
use yizhan_core::station::sampling::TestResult;
use yizhan_store::both_backends;
use yizhan_store::station::{cases, sampling, stays};
use yizhan_store::testing::TestDb;

use crate::common::{self, App, district};

both_backends!(a_positive_case_is_timed_by_the_stations_plan, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st, other) = district(app.db()).await;
    let lead = app.user("lead", Role::StationLead, Scope::Station(st), false).await;
    let mut l = app.session_for(lead).await;
    let url = format!("/stations/{st}/plans");
    let plan = |report: &'static str, transfer: &'static str| {
        vec![
            ("kind", "positive_case"),
            ("title", "阳性病例处置预案"),
            ("steps", "立即上报\n闭环转运\n终末消毒"),
            ("minutes_report", report),
            ("minutes_transfer", transfer),
        ]
    };
    let r = app.form(&mut l, &url, &plan("0", "十")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("上报指挥部时限") && r.body.contains("闭环转运时限"),
        "both named: {}",
        r.body
    );
    assert!(yizhan_store::care::plans::current(app.db(), st).await.unwrap().is_empty());
    let r = app.form(&mut l, &url, &plan("30", "90")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let p = yizhan_store::care::plans::current(app.db(), st).await.unwrap().remove(0);
    let page = app.get(&mut l, &format!("/plans/{}", p.id)).await.body;
    assert!(page.contains("data-testid=\"plan-limits\""), "{page}");
    assert!(page.contains("30 分钟内") && page.contains("240 分钟内"), "{page}");

    // A positive here is timed by the plan; at another station by the usual limits.
    let timed = |station: i64, n: u32| {
        let app = &app;
        async move {
            let room = common::room(app.db(), station, &format!("7{n:02}"), 1).await;
            let g = common::guest(app.db(), station, n).await;
            let stay = common::check_in(app.db(), station, g, room).await;
            let sys = Actor::system();
            let test = stays::tests(app.db(), stay).await.unwrap()[0].id;
            sampling::sample(app.db(), &sys, test, &format!("R-{n}")).await.unwrap();
            sampling::set_result(app.db(), &sys, test, TestResult::Positive).await.unwrap();
            let case = cases::of_stay(app.db(), stay).await.unwrap().unwrap();
            cases::steps(app.db(), case.id)
                .await
                .unwrap()
                .iter()
                .map(|s| (s.step.as_str().to_owned(), (s.due_at - case.opened_at).num_minutes()))
                .collect::<Vec<_>>()
        }
    };
    let here = timed(st, 1).await;
    let named = |v: &[(&str, i64)]| -> Vec<(String, i64)> {
        v.iter().map(|(s, m)| ((*s).to_owned(), *m)).collect()
    };
    assert_eq!(
        here,
        named(&[("report", 30), ("transfer", 90), ("disinfect", 240), ("unseal", 4320)])
    );
    let there = timed(other, 2).await;
    assert_eq!(
        there,
        named(&[("report", 60), ("transfer", 120), ("disinfect", 240), ("unseal", 4320)])
    );
});
