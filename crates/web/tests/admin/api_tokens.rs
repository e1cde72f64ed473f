//! Service accounts and their API tokens: issued by an administrator and shown once, kept as a
//! digest, sent as `Authorization: Bearer` without CSRF, scoped like any account, audited
//! under the account, limited a minute, dead once revoked, expired or deactivated.

use crate::common;

use axum::http::{Method, StatusCode, header};
use common::{App, Client, district};
use serde_json::json;
use yizhan_core::access::{Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::db::q;
use yizhan_store::testing::TestDb;

fn system(secret: &str) -> Client {
    Client { bearer: Some(secret.to_owned()), ..Client::default() }
}

fn secret_of(body: &str) -> String {
    let at = body.find("data-testid=\"new-token\"").unwrap_or_else(|| panic!("{body}"));
    let code = &body[at..];
    let start = code.find("<code>").unwrap() + "<code>".len();
    code[start..start + code[start..].find("</code>").unwrap()].to_owned()
}

both_backends!(a_system_calls_the_api_with_its_token, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st_a, st_b) = district(app.db()).await;
    let admin = app.user("admin", Role::Admin, Scope::District, false).await;
    let mut a = app.session_for(admin).await;

    // A system's account from the page: no password is issued, none can be reset.
    let scope = Scope::Station(st_a).token();
    let r = app
        .form(
            &mut a,
            "/admin/users",
            &[
                ("username", "province"),
                ("display_name", "省驿站平台"),
                ("kind", "service"),
                ("role", "station_staff"),
                ("scope", &scope),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("data-testid=\"service-account\""), "{}", r.body);
    assert!(!r.body.contains("one-time-password") && !r.body.contains("user-reset-password"));
    let user =
        yizhan_store::admin::users::find_by_username(app.db(), "province").await.unwrap().unwrap();
    assert!(user.service && !user.must_change_password);
    let page = format!("/admin/users/{}", user.id);
    let r = app.form(&mut a, &format!("{page}/password"), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    // It never signs in with a password, not even with its marker.
    for pw in ["!service", "correct horse battery"] {
        let (_, r) = app.login("province", pw).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{pw}: {}", r.body);
        assert!(r.body.contains("用户名或密码错误"), "{}", r.body);
    }

    // A token form with every field wrong reports all three at once and saves nothing.
    let r = app
        .form(
            &mut a,
            &format!("{page}/tokens"),
            &[("label", " "), ("days", "0"), ("calls_per_minute", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    for label in ["名称", "天数", "每分钟调用上限"] {
        assert!(r.body.contains(label), "{label}: {}", r.body);
    }
    assert!(yizhan_store::admin::api_tokens::of_user(app.db(), user.id).await.unwrap().is_empty());

    // Issued: the secret is on the page this once; the database holds only its digest.
    let r = app.form(&mut a, &format!("{page}/tokens"), &[("label", "省平台生产环境")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let secret = secret_of(&r.body);
    assert!(secret.starts_with("yz_") && secret.len() == 67, "{secret}");
    let shown_again = app.get(&mut a, &page).await.body;
    assert!(!shown_again.contains(&secret) && shown_again.contains(&secret[..10]));
    assert!(shown_again.contains("有效"), "{shown_again}");
    let rows: Vec<(String, String, i64)> = app
        .db()
        .fetch_all(q("SELECT token_hash, prefix, per_minute FROM api_tokens"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, yizhan_store::admin::sessions::hash_token(&secret));
    assert_eq!((rows[0].1.as_str(), rows[0].2), (&secret[..10], 600));

    // The system reads its station and registers a guest: JSON, no cookie, no CSRF token.
    let mut s = system(&secret);
    let r = app.get(&mut s, &format!("/api/v1/stations/{st_a}/guests")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let guest = json!({"doc_type": "id_card", "doc_number": "11010519491231002X", "name": "李四",
        "phone": "13800138000", "region": "北京", "category": "other"});
    let r = app.json(&mut s, Method::POST, &format!("/api/v1/stations/{st_a}/guests"), guest).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert!(r.headers.get(header::SET_COOKIE).is_none(), "a token call sets no cookie");
    // Recorded under the system's account.
    let (actor,): (String,) = app
        .db()
        .fetch_one(q(
            "SELECT actor FROM audit_log WHERE action = 'guest.create' ORDER BY seq DESC LIMIT 1",
        ))
        .await
        .unwrap();
    assert_eq!(actor, "province");
    // Its scope is its grant's: another station is not found, administration forbidden.
    let r = app.get(&mut s, &format!("/api/v1/stations/{st_b}/guests")).await;
    assert!(matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN), "{}", r.body);
    assert_eq!(app.get(&mut s, "/api/v1/users").await.status, StatusCode::FORBIDDEN);
    // Pages are for people: the token does not sign a browser in.
    let r = app.get(&mut s, "/stations").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/login"), "{}", r.location());
    // A cookie session still needs its CSRF token.
    let mut no_csrf = app.session_for(admin).await;
    no_csrf.csrf = None;
    let r = app.json(&mut no_csrf, Method::POST, "/api/v1/users", json!({})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    // Last use is recorded.
    let used = yizhan_store::admin::api_tokens::of_user(app.db(), user.id).await.unwrap();
    assert!(used[0].last_used_at.is_some());

    // A token of three calls a minute (API): the fourth waits, told how long.
    let r = app
        .json(
            &mut a,
            Method::POST,
            &format!("/api/v1/users/{}/tokens", user.id),
            json!({"label": "限流测试", "days": 1, "calls_per_minute": 3}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let limited = r.json()["secret"].as_str().unwrap().to_owned();
    let limited_id = r.json()["token"]["id"].as_i64().unwrap();
    assert_eq!(r.json()["token"]["per_minute"], 3);
    let mut l = system(&limited);
    for _ in 0..3 {
        assert_eq!(app.get(&mut l, "/api/v1/stations").await.status, StatusCode::OK);
    }
    let r = app.get(&mut l, "/api/v1/stations").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "throttled");
    let wait: u64 = r.header("retry-after").parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    // The first token has its own budget.
    assert_eq!(app.get(&mut s, "/api/v1/stations").await.status, StatusCode::OK);

    // Revoked (API): refused at once, never as an anonymous caller.
    let r = app
        .json(
            &mut a,
            Method::POST,
            &format!("/api/v1/users/{}/tokens/revoke", user.id),
            json!({"token": limited_id}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.json()["revoked_at"].is_string());
    let r = app.get(&mut l, "/api/v1/stations").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "unauthenticated");
    let listed = app.get(&mut a, &format!("/api/v1/users/{}/tokens", user.id)).await.json();
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert!(!listed.to_string().contains(&limited), "no secret in the list");
    assert!(app.get(&mut a, &page).await.body.contains("已吊销"));

    // Expired: refused.
    app.db()
        .execute(
            q("UPDATE api_tokens SET expires_at = $1 WHERE label = '省平台生产环境'")
                .bind(yizhan_store::db::now() - chrono::Duration::minutes(1)),
        )
        .await
        .unwrap();
    assert_eq!(app.get(&mut s, "/api/v1/stations").await.status, StatusCode::UNAUTHORIZED);
    assert!(app.get(&mut a, &page).await.body.contains("已过期"));

    // A fresh token of a deactivated account: refused; an unknown token: refused.
    let r = app.form(&mut a, &format!("{page}/tokens"), &[("label", "备用")]).await;
    let mut fresh = system(&secret_of(&r.body));
    assert_eq!(app.get(&mut fresh, "/api/v1/stations").await.status, StatusCode::OK);
    let r = app
        .json(
            &mut a,
            Method::PUT,
            &format!("/api/v1/users/{}", user.id),
            json!({"display_name": "省驿站平台", "active": false,
                "grants": [{"role": "station_staff", "scope": scope}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.get(&mut fresh, "/api/v1/stations").await.status, StatusCode::UNAUTHORIZED);
    let mut forged = system(&format!("yz_{}", "0".repeat(64)));
    assert_eq!(app.get(&mut forged, "/api/v1/stations").await.status, StatusCode::UNAUTHORIZED);

    // A person's account holds no token; another account's token is not found.
    let person = app.user("liu", Role::StationStaff, Scope::Station(st_a), false).await;
    let r = app
        .json(
            &mut a,
            Method::POST,
            &format!("/api/v1/users/{person}/tokens"),
            json!({"label": "x"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("只有系统账号"));
    let r = app
        .json(
            &mut a,
            Method::POST,
            &format!("/api/v1/users/{person}/tokens/revoke"),
            json!({"token": limited_id}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    // Issuing and revoking are audited under the administrator.
    let (issued, revoked): (i64, i64) = app
        .db()
        .fetch_one(q("SELECT
                (SELECT COUNT(*) FROM audit_log WHERE action = 'api_token.create'),
                (SELECT COUNT(*) FROM audit_log WHERE action = 'api_token.revoke')"))
        .await
        .unwrap();
    assert_eq!((issued, revoked), (3, 1));
});
