//! Accounts, security and reference data through the real router, each on SQLite and PostgreSQL.

use crate::common;

use axum::http::{Method, StatusCode};
use common::{App, PASSWORD, district};
use serde_json::json;
use yizhan_core::access::{Role, Scope};
use yizhan_store::admin::audit::{self, Verdict};
use yizhan_store::testing::TestDb;
use yizhan_store::{admin::sessions, both_backends};
use yizhan_web::WebConfig;

both_backends!(sessions_expire_when_idle_and_after_twelve_hours, |t: TestDb| async move {
    let app = App::new(t).await;
    let id = app.user("viewer", Role::Viewer, Scope::District, false).await;
    let mut c = app.session_for(id).await;
    assert_eq!(app.get(&mut c, "/api/v1/stations").await.status, StatusCode::OK);
    let token = c.cookies["yz_session"].clone();
    let now = yizhan_store::db::now();
    // Idle 31 minutes.
    sessions::backdate(
        app.db(),
        &token,
        now - chrono::Duration::hours(1),
        now - chrono::Duration::minutes(31),
    )
    .await
    .unwrap();
    let r = app.get(&mut c, "/api/v1/stations").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(sessions::find(app.db(), &token).await.unwrap().is_none(), "expired session removed");
    assert!(!c.cookies.contains_key("yz_session"), "cookie cleared");
    // Active a minute ago but logged in 12 h ago.
    let mut c = app.session_for(id).await;
    let token = c.cookies["yz_session"].clone();
    sessions::backdate(
        app.db(),
        &token,
        now - chrono::Duration::hours(12),
        now - chrono::Duration::minutes(1),
    )
    .await
    .unwrap();
    assert_eq!(app.get(&mut c, "/api/v1/stations").await.status, StatusCode::UNAUTHORIZED);
    // A page redirects to the login form instead.
    let mut c = app.session_for(id).await;
    let token = c.cookies["yz_session"].clone();
    sessions::backdate(app.db(), &token, now, now - chrono::Duration::minutes(45)).await.unwrap();
    let r = app.get(&mut c, "/stations").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/login?next=%2Fstations");
});

both_backends!(csrf_is_required_on_every_state_change, |t: TestDb| async move {
    let app = App::new(t).await;
    let (street, _, _, _) = district(app.db()).await;
    let id = app.user("admin", Role::Admin, Scope::District, false).await;
    let mut c = app.session_for(id).await;
    let body = json!({"street_id": street, "name": "新驿站", "address": "龙岗", "kind": "hotel", "capacity": 10, "contact_name": "王", "contact_phone": "13800138000"});
    // No token.
    let r = app
        .send(
            &mut c,
            Method::POST,
            "/api/v1/stations",
            Some("application/json"),
            body.to_string().into_bytes(),
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["error"]["code"], "csrf");
    // A wrong token.
    let mut wrong = c.clone();
    wrong.csrf = Some("0".repeat(64));
    assert_eq!(
        app.json(&mut wrong, Method::POST, "/api/v1/stations", body.clone()).await.status,
        StatusCode::FORBIDDEN
    );
    // A form without _csrf.
    let r = app
        .send(
            &mut c,
            Method::POST,
            "/stations",
            Some("application/x-www-form-urlencoded"),
            b"name=x".to_vec(),
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("页面已过期"), "{}", r.body);
    // Nothing was written.
    assert_eq!(
        app.json(&mut c, Method::GET, "/api/v1/stations", json!({}))
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // The right token works.
    let r = app.json(&mut c, Method::POST, "/api/v1/stations", body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    // Login itself needs the anonymous token.
    let mut anon = app.anon().await;
    anon.csrf = None;
    let r = app
        .json(
            &mut anon,
            Method::POST,
            "/api/v1/session",
            json!({"username": "admin", "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A method no route takes is 405, with or without a token: the CSRF refusal comes
    // after routing (it answered 403 before, found by API fuzzing).
    let query = Method::from_bytes(b"QUERY").unwrap();
    for (method, path) in [
        (Method::PUT, "/api/v1/district/board"),
        (Method::DELETE, "/api/v1/stations"),
        (Method::TRACE, "/api/v1/stations"),
        (query, "/api/v1/district/board"),
    ] {
        for client in [&mut anon, &mut c.clone()] {
            let r = app.send(client, method.clone(), path, None, Vec::new(), false).await;
            assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        }
    }
});

both_backends!(
    the_openapi_document_states_statuses_parameters_and_the_csrf_header,
    |t: TestDb| async move {
        // What schemathesis (scripts/api_fuzz.sh) found the document did not say.
        let app = App::new(t).await;
        let mut c = app.anon().await;
        let doc = app.get(&mut c, "/api/v1/openapi.json").await.json();
        let op = |method: &str, path: &str| doc["paths"][path][method].clone();
        // Success statuses as the handlers answer them.
        let ok = |method: &str, path: &str| {
            let mut codes: Vec<String> =
                op(method, path)["responses"].as_object().unwrap().keys().cloned().collect();
            codes.sort();
            codes.join(",")
        };
        assert_eq!(ok("post", "/api/v1/stations"), "201,4XX");
        assert_eq!(ok("post", "/api/v1/guests/{id}/check-in"), "201,4XX");
        assert_eq!(ok("delete", "/api/v1/session"), "204,4XX");
        assert_eq!(ok("post", "/api/v1/account/password"), "204,4XX");
        assert_eq!(ok("get", "/api/v1/stations"), "200,4XX");
        // Every path parameter is declared ({day} was not, so the document was invalid).
        let day = &op("get", "/api/v1/reports/{day}")["parameters"][0];
        assert_eq!((&day["name"], &day["in"]), (&json!("day"), &json!("path")));
        assert_eq!(day["schema"]["format"], "date");
        // Query parameters the handlers read.
        let names = |method: &str, path: &str| -> Vec<String> {
            op(method, path)["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|p| p["in"] == "query")
                .map(|p| p["name"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(names("get", "/api/v1/workers"), ["page", "q", "status", "province", "after"]);
        assert_eq!(names("get", "/api/v1/stations/{id}/guests"), ["page", "q", "all"]);
        assert_eq!(names("get", "/api/v1/stations"), ["page", "q", "sort"]);
        assert_eq!(names("get", "/api/v1/indicators"), ["indicator", "year"]);
        // Each may be left blank (the default), as `?indicator=&year=` is answered.
        for p in op("get", "/api/v1/indicators")["parameters"].as_array().unwrap() {
            assert_eq!(p["schema"]["anyOf"][1], json!({"type": "string", "maxLength": 0}));
        }
        // A system's bearer token alone, or the session with, on every state change, the CSRF
        // token (a header); the login needs the anonymous one with its cookie; reads need only
        // the session.
        assert_eq!(doc["components"]["securitySchemes"]["csrf"]["name"], "X-CSRF-Token");
        assert_eq!(doc["components"]["securitySchemes"]["token"]["scheme"], "bearer");
        assert_eq!(
            op("post", "/api/v1/stations")["security"],
            json!([{"token": []}, {"session": [], "csrf": []}])
        );
        assert_eq!(
            op("post", "/api/v1/session")["security"],
            json!([{"anonymous": [], "login_csrf": []}])
        );
        assert_eq!(
            op("get", "/api/v1/stations")["security"],
            json!([{"token": []}, {"session": []}])
        );
        assert!(op("get", "/api/v1/district/board").get("security").is_none());
    }
);

both_backends!(a_station_user_cannot_read_another_station_by_id, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, street_b, st_a, st_b) = district(app.db()).await;
    let lead = app.user("lead", Role::StationLead, Scope::Station(st_a), false).await;
    let mut c = app.session_for(lead).await;
    let own = app.get(&mut c, &format!("/api/v1/stations/{st_a}")).await;
    assert_eq!(own.status, StatusCode::OK);
    assert_eq!(own.json()["name"], "卓汇健康驿站");
    let other = app.get(&mut c, &format!("/api/v1/stations/{st_b}")).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    assert!(!other.body.contains("平湖"), "nothing of the other station leaks");
    assert_eq!(app.get(&mut c, &format!("/stations/{st_b}")).await.status, StatusCode::NOT_FOUND);
    // The list only shows the own station.
    let r = app.get(&mut c, "/api/v1/stations").await;
    assert_eq!(r.header("x-total-count"), "1", "how many, beside the page");
    let list = r.json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], st_a);
    // A street commander sees their street's station, edits it, but not the other street's.
    let cmd = app.user("cmd", Role::Commander, Scope::Street(street_b), false).await;
    let mut c = app.session_for(cmd).await;
    assert_eq!(
        app.get(&mut c, &format!("/api/v1/stations/{st_a}")).await.status,
        StatusCode::NOT_FOUND
    );
    let body = json!({"street_id": street_b, "name": "平湖健康驿站", "address": "平湖", "kind": "hotel", "capacity": 90, "contact_name": "李", "contact_phone": "13800138000"});
    assert_eq!(
        app.json(&mut c, Method::PUT, &format!("/api/v1/stations/{st_b}"), body.clone())
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.json(&mut c, Method::PUT, &format!("/api/v1/stations/{st_a}"), body).await.status,
        StatusCode::NOT_FOUND
    );
    // Each refusal is in the audit log.
    let denials = audit::recent(app.db(), 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.action == "access.denied")
        .count();
    assert!(denials >= 4, "denials audited: {denials}");
});

both_backends!(api_errors_are_json_4xx_and_name_the_field, |t: TestDb| async move {
    let app = App::new(t).await;
    let (street, _, st_a, _) = district(app.db()).await;
    let id = app.user("admin", Role::Admin, Scope::District, false).await;
    let mut c = app.session_for(id).await;
    let post = |body: Vec<u8>| (Method::POST, "/api/v1/stations", Some("application/json"), body);
    // Malformed JSON.
    let (m, p, ct, b) = post(b"{not json".to_vec());
    let r = app.send(&mut c, m, p, ct, b, true).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"]["code"], "bad_request");
    // Wrong types.
    let r = app.json(&mut c, Method::POST, "/api/v1/stations", json!({"name": 5})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    // Oversized body (limit 1 MiB).
    let big = json!({"name": "x".repeat(2 * 1024 * 1024)}).to_string().into_bytes();
    let r = app
        .send(&mut c, Method::POST, "/api/v1/stations", Some("application/json"), big, true)
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.json()["error"]["code"], "too_large");
    // A bad phone names the field, in Chinese by default.
    let good = json!({"street_id": street, "name": "新驿站", "address": "龙岗", "kind": "hotel", "capacity": "20", "contact_name": "王", "contact_phone": "12345"});
    let r = app.json(&mut c, Method::POST, "/api/v1/stations", good.clone()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "contact_phone");
    assert!(r.json()["error"]["message"].as_str().unwrap().starts_with("联系电话："), "{}", r.body);
    // Duplicate name → 409 naming the field.
    let mut dup = good.clone();
    dup["contact_phone"] = json!("13800138000");
    dup["name"] = json!("卓汇健康驿站");
    let r = app.json(&mut c, Method::POST, "/api/v1/stations", dup).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["error"]["field"], "name");
    // Unknown ids and non-numeric ids.
    for path in [
        "/api/v1/stations/999999",
        "/api/v1/stations/abc",
        "/api/v1/stations/-1",
        "/api/v1/nothing",
    ] {
        let r = app.get(&mut c, path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(r.json()["error"]["code"], "not_found", "{path}");
    }
    // Nothing half-saved: still the two stations.
    assert_eq!(app.get(&mut c, "/api/v1/stations").await.json().as_array().unwrap().len(), 2);
    assert_eq!(app.get(&mut c, &format!("/api/v1/stations/{st_a}")).await.json()["capacity"], 100);
});

both_backends!(first_login_must_change_the_password, |t: TestDb| async move {
    let app = App::new(t).await;
    app.user("fresh", Role::Viewer, Scope::District, true).await;
    let (mut c, r) = app.login("fresh", PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK);
    let blocked = app.get(&mut c, "/api/v1/stations").await;
    assert_eq!(blocked.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(blocked.json()["error"]["field"], "password");
    let page = app.get(&mut c, "/stations").await;
    assert_eq!(page.location(), "/account/password");
    // Weak and reused passwords are refused with the field named.
    let r = app
        .json(
            &mut c,
            Method::POST,
            "/api/v1/account/password",
            json!({"current": PASSWORD, "new": "password123"}),
        )
        .await;
    assert_eq!(r.json()["error"]["field"], "new");
    let r = app
        .json(
            &mut c,
            Method::POST,
            "/api/v1/account/password",
            json!({"current": "wrong", "new": "a much better phrase"}),
        )
        .await;
    assert_eq!(r.json()["error"]["field"], "current");
    let r = app
        .json(
            &mut c,
            Method::POST,
            "/api/v1/account/password",
            json!({"current": PASSWORD, "new": "a much better phrase"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(app.get(&mut c, "/api/v1/stations").await.status, StatusCode::OK);
    assert_eq!(app.login("fresh", "a much better phrase").await.1.status, StatusCode::OK);
});

both_backends!(admin_manages_users_through_the_api, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st_a, _) = district(app.db()).await;
    let admin = app.user("admin", Role::Admin, Scope::District, false).await;
    let mut c = app.session_for(admin).await;
    let r = app.json(&mut c, Method::POST, "/api/v1/users", json!({"username": "Staff01", "display_name": "刘晓", "grants": [{"role": "station_staff", "scope": format!("station:{st_a}")}]})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let pw = r.json()["one_time_password"].as_str().unwrap().to_owned();
    assert_eq!(r.json()["user"]["username"], "staff01");
    assert!(r.json()["user"].get("password_hash").is_none(), "hash never leaves the server");
    let uid = r.json()["user"]["id"].as_i64().unwrap();
    // The new user must change the one-time password.
    let (_, lr) = app.login("staff01", &pw).await;
    assert_eq!(lr.json()["user"]["must_change_password"], true);
    // Bad scope for the role, unknown station, no role: each names its field.
    for (grants, field) in [
        (json!([{"role": "station_staff", "scope": "district"}]), "scope"),
        (json!([{"role": "station_staff", "scope": "station:999"}]), "scope"),
        (json!([{"role": "wizard", "scope": "district"}]), "role"),
        (json!([]), "role"),
    ] {
        let r = app
            .json(
                &mut c,
                Method::POST,
                "/api/v1/users",
                json!({"username": "x1", "display_name": "X", "grants": grants}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.json()["error"]["field"], field, "{}", r.body);
    }
    let r = app.json(&mut c, Method::POST, "/api/v1/users", json!({"username": "staff01", "display_name": "X", "grants": [{"role": "viewer", "scope": "district"}]})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["error"]["field"], "username");
    // Deactivate: the account can no longer log in.
    let r = app.json(&mut c, Method::PUT, &format!("/api/v1/users/{uid}"), json!({"display_name": "刘晓", "active": false, "grants": [{"role": "viewer", "scope": "district"}]})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["active"], false);
    assert_eq!(app.login("staff01", &pw).await.1.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The admin cannot remove their own admin role.
    let r = app.json(&mut c, Method::PUT, &format!("/api/v1/users/{admin}"), json!({"display_name": "A", "active": true, "grants": [{"role": "viewer", "scope": "district"}]})).await;
    assert_eq!(r.json()["error"]["field"], "active");
    // The chain is intact and the changes are in it.
    assert!(matches!(audit::verify(app.db()).await.unwrap(), Verdict::Intact { .. }));
    let audit_page = app.get(&mut c, "/api/v1/audit?verify=1").await.json();
    assert_eq!(audit_page["verdict"]["intact"], true);
    let actions: Vec<String> = audit_page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        actions.contains(&"user.create".to_owned()) && actions.contains(&"user.update".to_owned())
    );
});

both_backends!(
    every_response_has_security_headers_and_no_secrets_in_logs_or_urls,
    |t: TestDb| async move {
        let app = App::with_config(
            t,
            WebConfig {
                metrics_token: Some("metrics-token-for-tests".into()),
                ..WebConfig::default()
            },
        )
        .await;
        let mut c = app.anon().await;
        for path in ["/login", "/api/v1/session", "/nothing", "/assets/app.css", "/healthz"] {
            let r = app.get(&mut c, path).await;
            let csp = r.header("content-security-policy");
            assert!(
                csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
                "{path}: {csp}"
            );
            assert!(csp.contains("frame-ancestors 'none'"), "{path}");
            assert_eq!(r.header("x-content-type-options"), "nosniff", "{path}");
            assert_eq!(r.header("referrer-policy"), "no-referrer", "{path}");
        }
        let r = app.get(&mut c, "/healthz").await;
        assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, "ok\n"));
        // The metrics are not public: without the configured token the route does not exist.
        assert_eq!(app.get(&mut c, "/metrics").await.status, StatusCode::NOT_FOUND);
        let metrics = |token: &'static str| {
            let router = app.router.clone();
            async move {
                use http_body_util::BodyExt;
                use tower::ServiceExt;
                let req = axum::http::Request::get("/metrics")
                    .header("authorization", format!("Bearer {token}"))
                    .body(axum::body::Body::empty())
                    .unwrap();
                let resp = router.oneshot(req).await.unwrap();
                let status = resp.status();
                let body = resp.into_body().collect().await.unwrap().to_bytes();
                (status, String::from_utf8_lossy(&body).into_owned())
            }
        };
        assert_eq!(metrics("wrong-token").await.0, StatusCode::NOT_FOUND);
        let (status, m) = metrics("metrics-token-for-tests").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            m.contains(
                "yizhan_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2"
            ),
            "{m}"
        );
        assert!(m.contains("yizhan_http_request_duration_seconds_bucket{method=\"GET\",route=\"/login\",le=\"+Inf\"} 1"));
        // Cookies are HttpOnly with SameSite.
        app.user("u1", Role::Viewer, Scope::District, false).await;
        let (cl, r) = app.login("u1", PASSWORD).await;
        let set = r.header("set-cookie");
        assert!(
            set.starts_with("yz_session=")
                && set.contains("HttpOnly")
                && set.contains("SameSite=Lax"),
            "{set}"
        );
        assert!(cl.cookies.contains_key("yz_session"));
        // The inline-script ban holds in the HTML too.
        let page = app.get(&mut c, "/login").await.body;
        assert!(!page.contains("<script>") && !page.contains("onclick="), "no inline script");
    }
);

both_backends!(pages_speak_chinese_by_default_and_english_on_request, |t: TestDb| async move {
    let app = App::new(t).await;
    let mut c = app.anon().await;
    let zh = app.get(&mut c, "/login").await.body;
    assert!(zh.contains("<html lang=\"zh-CN\">") && zh.contains("登录"));
    let r = app.form(&mut c, "/lang", &[("lang", "en"), ("next", "/login")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/login");
    let en = app.get(&mut c, "/login").await.body;
    assert!(en.contains("<html lang=\"en\">") && en.contains("Log in"), "{en}");
    let (_, r) = app.login("nobody", "x").await;
    assert_eq!(
        r.json()["error"]["message"],
        "用户名或密码错误。",
        "API follows the cookie, none here"
    );
    // An open redirect through ?next is refused.
    let r = app.form(&mut c, "/lang", &[("lang", "zh-CN"), ("next", "//evil.example/")]).await;
    assert_eq!(r.location(), "/");
});

both_backends!(the_audit_log_is_paged_and_searched_from_the_newest, |t: TestDb| async move {
    let app = App::new(t).await;
    let admin = app.user("admin", Role::Admin, Scope::District, false).await;
    let mut c = app.session_for(admin).await;
    let sys = yizhan_core::access::Actor::system();
    for n in 0..120 {
        let action = if n % 3 == 0 { "room.state" } else { "guest.reveal" };
        audit::record(app.db(), &sys, audit::Entry::new(action, "guest", n)).await.unwrap();
    }
    let total = audit::last_seq(app.db()).await.unwrap();
    assert!(total >= 120);
    let page = app.get(&mut c, "/admin/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body.matches("<td data-label=\"#\">").count(), 50);
    assert!(page.body.contains(&format!("<td data-label=\"#\">{total}</td>")), "the newest first");
    assert!(!page.body.contains("data-testid=\"audit-verdict\""), "verified only when asked");
    let older = format!("before={}", total - 49);
    assert!(page.body.contains(&older), "a link to the older ones");
    let next = app.get(&mut c, &format!("/admin/audit?{older}")).await;
    assert!(next.body.contains(&format!("<td data-label=\"#\">{}</td>", total - 50)));
    assert!(!next.body.contains(&format!("<td data-label=\"#\">{}</td>", total - 49)));
    // A search: the start of an action; through the API, with where the next page starts.
    let api = app.get(&mut c, "/api/v1/audit?q=room.").await.json();
    let rows = api["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 40);
    assert!(rows.iter().all(|r| r["action"] == "room.state"));
    assert!(api["next_before"].is_null() && api["verdict"].is_null());
    let api = app.get(&mut c, "/api/v1/audit").await.json();
    assert_eq!(api["next_before"], total - 49);
    let verified = app.get(&mut c, "/admin/audit?verify=1").await;
    assert!(verified.body.contains("data-testid=\"audit-verdict\""), "{}", verified.body);
    let r = app.get(&mut c, "/api/v1/audit?before=soon").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "before");
});
