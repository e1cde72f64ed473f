//! Signing in through the real router: the same answer for every wrong login, throttling per
//! name and per client, and refusals audited as one summary per client and window. SQLite and
//! PostgreSQL.

use crate::common;

use axum::http::{Method, StatusCode};
use common::{App, PASSWORD};
use serde_json::json;
use yizhan_core::access::{Role, Scope};
use yizhan_store::admin::audit::{self, Verdict};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

/// An audit row's detail as JSON.
fn detail(r: &audit::AuditRow) -> serde_json::Value {
    serde_json::from_str(&r.detail).unwrap()
}

both_backends!(login_wrong_password_and_unknown_user_get_the_same_answer, |t: TestDb| async move {
    let app = App::new(t).await;
    app.user("lead", Role::StationLead, Scope::Station(1), false).await;
    let (_, wrong) = app.login("lead", "wrong password!!").await;
    let (_, unknown) = app.login("nobody", "wrong password!!").await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.json()["error"]["message"], "用户名或密码错误。");
    assert_eq!(wrong.json(), unknown.json());
    let (mut c, ok) = app.login("LEAD", PASSWORD).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(ok.json()["user"]["username"], "lead");
    let me = app.get(&mut c, "/api/v1/session").await.json();
    assert_eq!(me["user"]["grants"][0]["role"], "station_lead");
    // The audit log holds the success at once; the two failures of this client are one
    // summarised entry, written when its window ends (here: flushed now).
    let actions =
        |rows: &[audit::AuditRow]| rows.iter().map(|r| r.action.clone()).collect::<Vec<_>>();
    let rows = audit::recent(app.db(), 50).await.unwrap();
    assert_eq!(actions(&rows).iter().filter(|a| *a == "login.ok").count(), 1);
    assert!(!actions(&rows).contains(&"login.failed".to_owned()));
    app.state.refusals.flush(app.db(), true).await;
    let rows = audit::recent(app.db(), 50).await.unwrap();
    let failed: Vec<_> = rows.iter().filter(|r| r.action == "login.failed").collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].object_id.as_deref(), Some("0.0.0.0"));
    assert_eq!(detail(failed[0])["count"], 2);
    assert_eq!(detail(failed[0])["subjects"], json!(["lead", "nobody"]));
    // Logout ends the session on the server.
    let r = app.json(&mut c, Method::DELETE, "/api/v1/session", json!({})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(app.get(&mut c, "/api/v1/session").await.json()["user"].is_null());
    // A name with a NUL was a 500 on PostgreSQL (the attempts table cannot hold it; found
    // by API fuzzing): now the same answer as any wrong name, and throttled like one.
    for _ in 0..5 {
        let (_, nul) = app.login("lead\u{0}", "wrong password!!").await;
        assert_eq!(nul.json(), unknown.json());
    }
    let (_, nul) = app.login("lead\u{0}", "wrong password!!").await;
    assert_eq!(nul.status, StatusCode::TOO_MANY_REQUESTS, "{}", nul.body);
    assert_eq!(app.login("lead", PASSWORD).await.1.status, StatusCode::OK);
});

both_backends!(throttling_locks_a_name_after_five_failures, |t: TestDb| async move {
    let app = App::new(t).await;
    app.user("nurse", Role::Medical, Scope::Station(1), false).await;
    for i in 0..5 {
        let (_, r) = app.login("nurse", "not the password").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "attempt {i}");
    }
    // Now even the right password is refused, with the throttling message.
    let (_, r) = app.login("nurse", PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.json()["error"]["code"], "throttled");
    // An unknown name is throttled the same way: no hint about which names exist.
    for _ in 0..5 {
        app.login("ghost", "not the password").await;
    }
    let (_, g) = app.login("ghost", PASSWORD).await;
    assert_eq!(g.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(g.json(), r.json());
    // Other names are unaffected.
    app.user("other", Role::Medical, Scope::Station(1), false).await;
    assert_eq!(app.login("other", PASSWORD).await.1.status, StatusCode::OK);
    // The owner, from a client that has not been failing, still gets in with the right
    // password: a stranger cannot lock a user out.
    let mut owner = app.anon_from("203.0.113.20").await;
    let r = app.login_as(&mut owner, "nurse", PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // A second attacker client gets one wrong try on the locked name, then is locked too.
    app.login("nurse", "x").await; // (the name's count restarts after the success)
    for _ in 0..5 {
        app.login("nurse", "not the password").await;
    }
    let mut second = app.anon_from("198.51.100.30").await;
    let r = app.login_as(&mut second, "nurse", "still not it").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app.login_as(&mut second, "nurse", PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
});

both_backends!(
    one_client_spraying_many_names_is_slowed_and_audited_once_per_window,
    |t: TestDb| async move {
        let app = App::new(t).await;
        app.user("clerk", Role::Medical, Scope::Station(1), false).await;
        let mut sprayer = app.anon_from("198.51.100.7").await;
        // Twenty names, one wrong password each: no name reaches its own limit.
        for i in 0..20 {
            let r = app.login_as(&mut sprayer, &format!("user{i:02}"), "Password123!").await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "attempt {i}");
        }
        // The client's own budget is spent: even a right password is refused from it.
        let r = app.login_as(&mut sprayer, "clerk", PASSWORD).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        // Another client is not slowed.
        let mut other = app.anon_from("203.0.113.9").await;
        let r = app.login_as(&mut other, "clerk", PASSWORD).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        // Twenty-one refusals became two audit entries (failed, throttled), not 21 rows.
        app.state.refusals.flush(app.db(), true).await;
        let rows = audit::recent(app.db(), 100).await.unwrap();
        let of_sprayer: Vec<_> =
            rows.iter().filter(|r| r.object_id.as_deref() == Some("198.51.100.7")).collect();
        assert_eq!(of_sprayer.len(), 2, "{of_sprayer:?}");
        let failed = of_sprayer.iter().find(|r| r.action == "login.failed").unwrap();
        assert_eq!(detail(failed)["count"], 20);
        assert_eq!(detail(failed)["subjects"].as_array().unwrap().len(), 20);
        let throttled = of_sprayer.iter().find(|r| r.action == "login.throttled").unwrap();
        assert_eq!(detail(throttled)["count"], 1);
        assert_eq!(detail(throttled)["subjects"], json!(["clerk"]));
        assert!(matches!(audit::verify(app.db()).await.unwrap(), Verdict::Intact { .. }));
    }
);

both_backends!(
    csrf_failures_and_anonymous_denials_are_audited_summarised,
    |t: TestDb| async move {
        let app = App::new(t).await;
        let mut c = app.anon_from("198.51.100.8").await;
        for _ in 0..3 {
            let r = app.send(&mut c, Method::POST, "/logout", None, Vec::new(), false).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN);
        }
        for path in ["/api/v1/policies", "/api/v1/stations", "/api/v1/policies"] {
            let r = app.get(&mut c, path).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        }
        assert!(
            audit::recent(app.db(), 50)
                .await
                .unwrap()
                .iter()
                .all(|r| r.object_id.as_deref() != Some("198.51.100.8"))
        );
        app.state.refusals.flush(app.db(), true).await;
        let rows = audit::recent(app.db(), 50).await.unwrap();
        let csrf = rows.iter().find(|r| r.action == "csrf.refused").unwrap();
        assert_eq!(csrf.object_id.as_deref(), Some("198.51.100.8"));
        assert_eq!(detail(csrf)["count"], 3);
        assert_eq!(detail(csrf)["subjects"], json!(["POST /logout"]));
        let anon = rows.iter().find(|r| r.action == "access.anonymous_denied").unwrap();
        assert_eq!(detail(anon)["count"], 3);
        assert_eq!(
            detail(anon)["subjects"],
            json!(["GET /api/v1/policies", "GET /api/v1/stations"])
        );
    }
);
