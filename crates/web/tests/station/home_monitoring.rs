//! Home health monitoring after a release (issue 19): a release under a policy with home days
//! hands the person to the station's street for that many days; the street's command follows up
//! once a day (every refusal at once), a fever is told at once, a day nobody reached the person
//! is told once the next day, and the monitoring closes after its last day. Another street sees
//! nothing of it. SQLite and PostgreSQL.

use axum::http::{Method, StatusCode};
use chrono::Duration;
use serde_json::json;
use yizhan_core::access::{Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::db::q;
use yizhan_store::station::home_monitoring as home;
use yizhan_store::testing::TestDb;

use crate::common::{self, App, district, xlsx_rows};

/// The events the notification centre kept for home monitoring, in order.
async fn told(app: &App) -> Vec<(String, String)> {
    app.db()
        .fetch_all(q("SELECT event, severity FROM inbox WHERE source = 'home' ORDER BY id"))
        .await
        .unwrap()
}

/// Moves monitoring `id` `days` days into the past (its period and its follow-ups).
async fn backdate(app: &App, id: i64, days: i64) {
    let m = home::get(app.db(), id).await.unwrap();
    app.db()
        .execute(
            q("UPDATE home_monitoring SET start_date = $1, end_date = $2 WHERE id = $3")
                .bind(m.start_date - Duration::days(days))
                .bind(m.end_date - Duration::days(days))
                .bind(id),
        )
        .await
        .unwrap();
}

/// A guest checked in 14 days ago under 14+7, every test negative, released today by the
/// medical officer from the 待解除 list. Returns the stay.
async fn released_stay(app: &App, st: i64) -> i64 {
    use yizhan_core::access::Actor;
    use yizhan_store::station::{policies, sampling, stays};
    let sys = Actor::system();
    let room = common::room(app.db(), st, "501", 1).await;
    let guest = common::guest(app.db(), st, 1).await;
    let p = policies::list(app.db()).await.unwrap().into_iter().find(|p| p.code == "14+7").unwrap();
    let at = yizhan_store::db::now() - Duration::days(14);
    let c = stays::CheckIn { station_id: st, guest_id: guest, room_id: room, policy_id: p.id, at };
    let stay = stays::check_in(app.db(), &sys, &c).await.unwrap().id;
    let today = yizhan_core::time::local_date(yizhan_store::db::now());
    let mut results = Vec::new();
    for t in stays::tests(app.db(), stay).await.unwrap().into_iter().filter(|t| t.due_date < today)
    {
        sampling::sample(app.db(), &sys, t.id, &format!("R-{}", t.id)).await.unwrap();
        results.push((t.id, yizhan_core::station::sampling::TestResult::Negative));
    }
    sampling::set_results(app.db(), &sys, &results).await.unwrap();
    let doctor = app.user("doctor", Role::Medical, Scope::Station(st), false).await;
    let mut c = app.session_for(doctor).await;
    let r = app.form(&mut c, &format!("/stays/{stay}/release"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    stay
}

both_backends!(a_released_guest_is_followed_up_at_home_by_the_street, |t: TestDb| async move {
    let app = App::new(t).await;
    let (street_a, street_b, st, _) = district(app.db()).await;
    // Released today after 14 days under 14+7, every test negative.
    let stay = released_stay(&app, st).await;
    let m = home::of_stay(app.db(), stay).await.unwrap().expect("7 home days: monitored");
    let today = yizhan_core::time::local_date(yizhan_store::db::now());
    assert_eq!((m.start_date, m.end_date), (today, today + Duration::days(6)));
    assert_eq!(m.street_id, street_a, "handed to the station's street");

    let ours = app.user("street_a", Role::Commander, Scope::Street(street_a), false).await;
    let theirs = app.user("street_b", Role::Commander, Scope::Street(street_b), false).await;
    let mut c = app.session_for(ours).await;
    let list = app.get(&mut c, "/home-monitoring").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("陈**") && !list.body.contains("陈大文"), "masked");
    assert!(list.body.contains("今日待随访") && list.body.contains("第 1/7 天"), "{}", list.body);
    let mut other = app.session_for(theirs).await;
    let list_b = app.get(&mut other, "/home-monitoring").await.body;
    assert!(list_b.contains("data-testid=\"home-empty\""), "another street sees nobody");
    let r = app.get(&mut other, &format!("/home-monitoring/{}", m.id)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Refused all at once: reached but no temperature, a test that is not one; nothing saved.
    let url = format!("/home-monitoring/{}/follow-ups", m.id);
    let r =
        app.form(&mut c, &url, &[("contacted", "1"), ("temperature", ""), ("test", "maybe")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains("data-refused=\"temperature\"") && r.body.contains("data-refused=\"test\"")
    );
    let r = app.form(&mut c, &url, &[("contacted", ""), ("note", "")]).await;
    assert!(r.body.contains("data-refused=\"note\""), "not reached: say why");
    assert!(home::follow_ups(app.db(), m.id).await.unwrap().is_empty());

    // Not reached in the morning, reached in the afternoon: one day, reached.
    let r = app.form(&mut c, &url, &[("contacted", ""), ("note", "电话未接通")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app
        .form(&mut c, &url, &[("contacted", "1"), ("temperature", "36.6"), ("test", "negative")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let days = home::follow_ups(app.db(), m.id).await.unwrap();
    assert_eq!(days.len(), 1);
    assert!(days[0].reached && days[0].temperature == Some(366));
    assert!(told(&app).await.is_empty(), "nothing to tell");
    let list = app.get(&mut c, "/home-monitoring").await.body;
    assert!(list.contains("今日已随访"), "{list}");

    // Moved two days back, the follow-up with it: yesterday was missed. Told once, as a warning;
    // the next sweep is quiet.
    backdate(&app, m.id, 2).await;
    app.db()
        .execute(q("UPDATE home_followups SET day = $1").bind(today - Duration::days(2)))
        .await
        .unwrap();
    let now = yizhan_store::db::now();
    let swept = home::sweep(app.db(), now).await.unwrap();
    assert_eq!((swept.missed, swept.closed), (1, 0));
    assert_eq!(home::sweep(app.db(), now).await.unwrap().missed, 0, "told once");
    let yesterday = today - Duration::days(1);
    assert_eq!(told(&app).await, [(format!("missed:{yesterday}"), "warning".into())]);
    let page = app.get(&mut c, &format!("/home-monitoring/{}", m.id)).await.body;
    assert!(page.contains("漏访 1") && page.contains(&yesterday.to_string()), "{page}");
    let facts: Vec<(String,)> =
        app.db().fetch_all(q("SELECT facts FROM inbox WHERE source = 'home'")).await.unwrap();
    assert!(facts[0].0.contains("吉华街道") && !facts[0].0.contains("陈"), "no name: {facts:?}");

    // A fever at home is told at once, as danger.
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/home-monitoring/{}/follow-ups", m.id),
            json!({"reached": true, "temperature": 38.2, "symptoms": ["cough"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(told(&app).await[1], (format!("concern:{today}"), "danger".into()));
    let api = app.get(&mut c, "/api/v1/home-monitoring").await;
    assert_eq!(api.header("x-total-count"), "1");
    assert_eq!(api.json()[0]["missed_days"], json!([yesterday.to_string()]));
    assert_eq!(api.json()[0]["today_done"], true);
    let x = app.get(&mut c, "/home-monitoring/export.xlsx").await;
    let rows = xlsx_rows(&x.bytes, "居家健康监测");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows[1][0].starts_with("陈*") && rows[1][8] == "1", "{rows:?}");

    // After the last day it closes: no more follow-ups, listed under 已结束.
    backdate(&app, m.id, 7).await;
    assert_eq!(home::sweep(app.db(), now).await.unwrap().closed, 1);
    let r = app.form(&mut c, &url, &[("contacted", "1"), ("temperature", "36.5")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("居家健康监测已结束"), "{}", r.body);
    assert!(app.get(&mut c, "/home-monitoring").await.body.contains("home-empty"));
    let closed = app.get(&mut c, "/home-monitoring?closed=1").await.body;
    assert!(closed.contains(&format!("data-testid=\"home-{}\"", m.id)), "{closed}");
});
