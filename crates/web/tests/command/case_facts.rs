//! The daily report and a notice take the cases' facts (issue 19): each case in force in the
//! day or period, in scope — station, room, kind, progress and the steps that ran late — on the
//! page, in the .docx read back and in the JSON; a published notice keeps what it said.
//! SQLite and PostgreSQL.

use axum::http::StatusCode;
use chrono::Duration;
use yizhan_core::access::{Actor, Role, Scope};
use yizhan_core::station::sampling::TestResult;
use yizhan_store::both_backends;
use yizhan_store::db::{now, q};
use yizhan_store::station::{cases, sampling, stays};
use yizhan_store::testing::TestDb;

use crate::common::{self, App, district};

/// A positive at `station` in room `room`: its case, with the transfer made late.
async fn late_case(app: &App, station: i64, room: &str, n: u32) -> i64 {
    let r = common::room(app.db(), station, room, 1).await;
    let g = common::guest(app.db(), station, n).await;
    let stay = common::check_in(app.db(), station, g, r).await;
    let sys = Actor::system();
    let test = stays::tests(app.db(), stay).await.unwrap()[0].id;
    sampling::sample(app.db(), &sys, test, &format!("R-{room}")).await.unwrap();
    sampling::set_result(app.db(), &sys, test, TestResult::Positive).await.unwrap();
    let case = cases::of_stay(app.db(), stay).await.unwrap().unwrap().id;
    app.db()
        .execute(
            q("UPDATE case_steps SET due_at = $1 WHERE case_id = $2 AND step = 'transfer'")
                .bind(now() - Duration::minutes(5))
                .bind(case),
        )
        .await
        .unwrap();
    case
}

both_backends!(the_report_and_a_notice_state_the_cases, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, street_b, st_a, st_b) = district(app.db()).await;
    let case = late_case(&app, st_a, "808", 1).await;
    let step = yizhan_core::station::case::validate_step(
        &yizhan_core::station::case::StepInput {
            step: "report".into(),
            reported_to: "区指挥部".into(),
            ..Default::default()
        },
        now(),
    )
    .unwrap();
    cases::record(app.db(), &Actor::system(), case, &step).await.unwrap();
    let today = yizhan_core::time::local_date(now());
    let cmd = app.user("cmd", Role::Commander, Scope::District, false).await;
    let mut c = app.session_for(cmd).await;

    // The day's report: the case's line on the page, in the document, in the JSON.
    let r = app.form(&mut c, "/reports", &[("day", &today.to_string())]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&mut c, &format!("/reports/{today}")).await.body;
    assert!(page.contains("data-testid=\"case-facts-count\">1<"), "{page}");
    assert!(page.contains("808") && page.contains("1/4") && page.contains("闭环转运"), "{page}");
    let d = app.get(&mut c, &format!("/reports/{today}/export.docx")).await;
    let text = yizhan_web::kit::docx::text_of(&d.bytes).unwrap();
    assert!(text.contains("阳性处置") && text.contains("808") && text.contains("1/4"), "{text}");
    let json = app.get(&mut c, &format!("/api/v1/reports/{today}")).await.json();
    let facts = &json["cases"][0];
    assert_eq!((facts["room"].as_str(), facts["done"].as_i64()), (Some("808"), Some(1)));
    assert_eq!(facts["overdue"], serde_json::json!(["transfer"]));

    // A notice of the district has it; one of street B (where station B is) does not.
    let notice = |street: String| {
        vec![
            ("title", "关于本周阳性处置情况的通报".to_owned()),
            ("period_from", (today - Duration::days(6)).to_string()),
            ("period_to", today.to_string()),
            ("street_id", street),
            ("summary", String::new()),
        ]
    };
    let send = |v: &Vec<(&'static str, String)>| -> Vec<(&'static str, String)> { v.clone() };
    let mut ids = Vec::new();
    for street in [String::new(), street_b.to_string()] {
        let f = send(&notice(street));
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = app.form(&mut c, "/notices", &f).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        ids.push(r.location().trim_start_matches("/notices/").parse::<i64>().unwrap());
    }
    let district_notice = app.get(&mut c, &format!("/notices/{}", ids[0])).await.body;
    assert!(district_notice.contains("data-testid=\"case-facts-count\">1<"), "{district_notice}");
    let street_notice = app.get(&mut c, &format!("/notices/{}", ids[1])).await.body;
    assert!(street_notice.contains("data-testid=\"case-facts-none\""), "{street_notice}");

    // Published, the district's notice keeps its one case; a later one at B is not added to it,
    // while B's draft now has it.
    let r = app.form(&mut c, &format!("/notices/{}/publish", ids[0]), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    late_case(&app, st_b, "909", 2).await;
    let published = app.get(&mut c, &format!("/notices/{}", ids[0])).await.body;
    assert!(published.contains("data-testid=\"case-facts-count\">1<"), "frozen: {published}");
    let draft = app.get(&mut c, &format!("/notices/{}", ids[1])).await.body;
    assert!(draft.contains("909") && !draft.contains(">808<"), "{draft}");
    let d = app.get(&mut c, &format!("/notices/{}/export.docx", ids[1])).await;
    let text = yizhan_web::kit::docx::text_of(&d.bytes).unwrap();
    assert!(text.contains("阳性处置") && text.contains("909"), "{text}");
});
