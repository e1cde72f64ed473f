//! A fever escalated to a case by the medical officer (issue 19): the case opens as suspected
//! with the plan's timed steps, the room is sealed and the command told at once; once only, a
//! fever only, by those who close alerts at the station only; a later positive of the stay is the
//! same case. SQLite and PostgreSQL.

use axum::http::{Method, StatusCode};
use yizhan_core::access::{Role, Scope};
use yizhan_core::station::sampling::TestResult;
use yizhan_store::both_backends;
use yizhan_store::db::q;
use yizhan_store::station::{cases, rooms, sampling, stays};
use yizhan_store::testing::TestDb;

use crate::common::{self, App, district};

both_backends!(a_fever_is_escalated_to_a_suspected_case_once, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st, other) = district(app.db()).await;
    let room = common::room(app.db(), st, "505", 1).await;
    let g = common::guest(app.db(), st, 5).await;
    let stay = common::check_in(app.db(), st, g, room).await;
    let alert = common::fever_now(app.db(), stay).await.expect("a fever alert");
    let url = format!("/alerts/{alert}/escalate");

    let doc = app.user("doc", Role::Medical, Scope::Station(st), false).await;
    let mut m = app.session_for(doc).await;
    let page = app.get(&mut m, &format!("/alerts/{alert}")).await.body;
    assert!(page.contains("data-testid=\"alert-escalate\""), "offered for a fever");

    // Station staff may not; another station's lead does not find it.
    let staff = app.user("staff", Role::StationStaff, Scope::Station(st), false).await;
    let mut s = app.session_for(staff).await;
    assert_eq!(app.form(&mut s, &url, &[]).await.status, StatusCode::FORBIDDEN);
    let theirs = app.user("theirs", Role::StationLead, Scope::Station(other), false).await;
    let mut o = app.session_for(theirs).await;
    assert_eq!(app.form(&mut o, &url, &[]).await.status, StatusCode::NOT_FOUND);
    assert!(cases::of_stay(app.db(), stay).await.unwrap().is_none(), "nothing opened");

    let r = app.form(&mut m, &url, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let case = cases::of_stay(app.db(), stay).await.unwrap().expect("a case");
    assert_eq!(r.location(), format!("/cases/{}", case.id));
    assert_eq!(case.reason, "fever_escalated");
    let steps = cases::steps(app.db(), case.id).await.unwrap();
    assert_eq!(steps[0].step.as_str(), "report");
    assert_eq!((steps[0].due_at - case.opened_at).num_minutes(), 60);
    // The room sealed, said why; the command told, as danger.
    let sealed = rooms::get(app.db(), room).await.unwrap();
    assert_eq!(sealed.state().as_str(), "sealed");
    let room_page = app.get(&mut m, &format!("/rooms/{room}")).await.body;
    assert!(room_page.contains("发热升级处置"), "{room_page}");
    let told: Vec<(String, String)> = app
        .db()
        .fetch_all(q("SELECT event, severity FROM inbox WHERE source = 'case'"))
        .await
        .unwrap();
    assert_eq!(told, [("escalated".to_owned(), "danger".to_owned())]);
    let cmd = app.user("cmd", Role::Commander, Scope::District, false).await;
    let mut k = app.session_for(cmd).await;
    let inbox = app.get(&mut k, "/inbox").await.body;
    assert!(inbox.contains("505 房发热住客已升级为疑似病例处置"), "{inbox}");
    let list = app.get(&mut k, "/cases").await.body;
    assert!(list.contains("疑似（发热升级）"), "{list}");

    // Once: the alert now links to the case; a second escalation is refused by name.
    let page = app.get(&mut m, &format!("/alerts/{alert}")).await.body;
    assert!(page.contains("data-testid=\"alert-case\"") && !page.contains("alert-escalate"));
    let r = app.form(&mut m, &url, &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("该住客已有阳性处置记录"), "{}", r.body);

    // The stay's later positive is the same case.
    let test = stays::tests(app.db(), stay).await.unwrap()[0].id;
    let sys = yizhan_core::access::Actor::system();
    sampling::sample(app.db(), &sys, test, "R-505").await.unwrap();
    sampling::set_result(app.db(), &sys, test, TestResult::Positive).await.unwrap();
    let (n,): (i64,) = app
        .db()
        .fetch_one(q("SELECT COUNT(*) FROM cases WHERE stay_id = $1").bind(stay))
        .await
        .unwrap();
    assert_eq!(n, 1);

    // Only a fever: the positive's own alert is refused (JSON); another guest's fever, by JSON.
    let (positive,): (i64,) = app
        .db()
        .fetch_one(q("SELECT id FROM alerts WHERE stay_id = $1 AND kind = 'positive'").bind(stay))
        .await
        .unwrap();
    let api = |id: i64| format!("/api/v1/alerts/{id}/escalate");
    let r = app.json(&mut m, Method::POST, &api(positive), serde_json::json!({})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let room2 = common::room(app.db(), st, "506", 1).await;
    let g2 = common::guest(app.db(), st, 6).await;
    let stay2 = common::check_in(app.db(), st, g2, room2).await;
    let fever2 = common::fever_now(app.db(), stay2).await.unwrap();
    let r = app.json(&mut m, Method::POST, &api(fever2), serde_json::json!({})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let case2 = cases::of_stay(app.db(), stay2).await.unwrap().unwrap();
    assert_eq!(r.json()["case_id"], case2.id);
});
