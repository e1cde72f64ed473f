//! `Idempotency-Key` on the API's writes: a retry gets the first answer and changes nothing, on
//! another node too; the same key for another request, a key still running and a malformed key
//! are refused naming it; keys are their caller's; they lapse after 24 hours.

use crate::common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{App, Client, Resp, district};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use yizhan_core::access::{Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::db::q;
use yizhan_store::testing::TestDb;
use yizhan_web::WebConfig;

/// A JSON write with an `Idempotency-Key`, through `router` (another node, when not the app's).
async fn send(router: &axum::Router, c: &Client, path: &str, key: &str, body: &Value) -> Resp {
    let mut b = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/json")
        .header("idempotency-key", key);
    if !c.cookies.is_empty() {
        b = b.header(header::COOKIE, c.cookie_header());
    }
    if let Some(t) = &c.csrf {
        b = b.header("x-csrf-token", t);
    }
    if let Some(t) = &c.bearer {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let resp = router.clone().oneshot(b.body(Body::from(body.to_string())).unwrap()).await.unwrap();
    let (status, headers) = (resp.status(), resp.headers().clone());
    let bytes = resp.into_body().collect().await.unwrap().to_bytes().to_vec();
    let body = String::from_utf8_lossy(&bytes).into_owned();
    Resp { status, headers, body, bytes }
}

fn guest(doc: &str) -> Value {
    json!({"doc_type": "passport", "doc_number": doc, "name": "李四", "phone": "13800138000",
        "sex": "male", "birth_date": "1980-01-01",
        "region": "北京", "category": "other"})
}

/// Makes every key `key` (of any caller) older by `by`.
async fn backdate(app: &App, key: &str, by: chrono::Duration) {
    app.db()
        .execute(
            q("UPDATE idempotency_keys SET created_at = $1 WHERE request_key = $2")
                .bind(yizhan_store::db::now() - by)
                .bind(key),
        )
        .await
        .unwrap();
}

async fn count(app: &App, sql: &'static str) -> i64 {
    let (n,): (i64,) = app.db().fetch_one(q(sql)).await.unwrap();
    n
}

both_backends!(a_retried_write_is_answered_once_and_done_once, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st_a, _) = district(app.db()).await;
    let staff = app.user("staff", Role::StationStaff, Scope::Station(st_a), false).await;
    let other = app.user("other", Role::StationStaff, Scope::Station(st_a), false).await;
    let c = app.session_for(staff).await;
    let path = format!("/api/v1/stations/{st_a}/guests");
    let guests = "SELECT COUNT(*) FROM guests";

    // The first request runs; its retry gets the same answer, marked, and registers nobody.
    let first = send(&app.router, &c, &path, "phone-7:guest-1", &guest("E10000001")).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert!(first.headers.get("idempotent-replayed").is_none());
    let again = send(&app.router, &c, &path, "phone-7:guest-1", &guest("E10000001")).await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.body);
    assert_eq!(again.body, first.body);
    assert_eq!(again.header("idempotent-replayed"), "true");
    assert!(again.header("content-type").starts_with("application/json"));
    assert_eq!(count(&app, guests).await, 1);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'guest.create'").await,
        1
    );

    // Another node on the same database gives the same answer.
    let (node2, _, _) = yizhan_web::build_with_state(app.db().clone(), WebConfig::default());
    let there = send(&node2, &c, &path, "phone-7:guest-1", &guest("E10000001")).await;
    assert_eq!((there.status, there.body.as_str()), (StatusCode::CREATED, first.body.as_str()));
    assert_eq!(there.header("idempotent-replayed"), "true");

    // The same key for another body is refused naming it; nothing is saved.
    let r = send(&app.router, &c, &path, "phone-7:guest-1", &guest("E10000002")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "idempotency_key");
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("另一个请求"));
    assert_eq!(count(&app, guests).await, 1);

    // Keys are their caller's: another account's same key runs its own request.
    let o = app.session_for(other).await;
    let r = send(&app.router, &o, &path, "phone-7:guest-1", &guest("E10000003")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert!(r.headers.get("idempotent-replayed").is_none());
    assert_eq!(count(&app, guests).await, 2);

    // A malformed key is refused naming it, before anything runs.
    for bad in ["a b".to_owned(), "k".repeat(256)] {
        let r = send(&app.router, &c, &path, &bad, &guest("E10000004")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {}", r.body);
        assert_eq!(r.json()["error"]["field"], "idempotency_key");
    }
    assert_eq!(count(&app, guests).await, 2);

    // A refusal of the request itself is its answer too: the retry gets the same 422.
    let bad_doc = json!({"doc_type": "id_card", "doc_number": "110105194912310021", "name": "王五",
        "phone": "13800138000", "region": "北京", "category": "other"});
    let r1 = send(&app.router, &c, &path, "phone-7:guest-bad", &bad_doc).await;
    assert_eq!(r1.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r1.body);
    let r2 = send(&app.router, &c, &path, "phone-7:guest-bad", &bad_doc).await;
    assert_eq!((r2.status, r2.body.as_str()), (r1.status, r1.body.as_str()));
    assert_eq!(r2.header("idempotent-replayed"), "true");

    // A key whose first request is still running (on some node): 409, retry later.
    let body = guest("E10000005");
    let sha = hex::encode(Sha256::digest(body.to_string().as_bytes()));
    app.db()
        .execute(
            q("INSERT INTO idempotency_keys (caller, request_key, method, path, body_sha256, created_at)
               VALUES ($1, 'phone-7:running', 'POST', $2, $3, $4)")
            .bind(staff)
            .bind(path.as_str())
            .bind(sha.as_str())
            .bind(yizhan_store::db::now()),
        )
        .await
        .unwrap();
    let r = send(&app.router, &c, &path, "phone-7:running", &body).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "idempotency_key");
    // Six minutes without an answer: its node died. The retry takes the key over and runs.
    backdate(&app, "phone-7:running", chrono::Duration::minutes(6)).await;
    let r = send(&app.router, &c, &path, "phone-7:running", &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert!(r.headers.get("idempotent-replayed").is_none());

    // A system's token carries keys the same way.
    let uid = app.service_account("province", Role::StationStaff, Scope::Station(st_a)).await;
    app.api_token(uid, "测试", "yz_idem").await;
    let sys = Client { bearer: Some("yz_idem".into()), ..Client::default() };
    let a = send(&app.router, &sys, &path, "batch-9", &guest("E10000006")).await;
    let b = send(&app.router, &sys, &path, "batch-9", &guest("E10000006")).await;
    assert_eq!((a.status, b.status), (StatusCode::CREATED, StatusCode::CREATED), "{}", a.body);
    assert_eq!(b.header("idempotent-replayed"), "true");
    assert_eq!(count(&app, guests).await, 4);

    // After 24 hours a key lapses: the same request runs again (here refused as a duplicate, or
    // registered: not replayed either way), and the hourly purge drops lapsed keys.
    backdate(&app, "phone-7:guest-1", chrono::Duration::hours(25)).await;
    let r = send(&app.router, &c, &path, "phone-7:guest-1", &guest("E10000001")).await;
    assert!(r.headers.get("idempotent-replayed").is_none(), "{}", r.body);
    backdate(&app, "phone-7:guest-bad", chrono::Duration::hours(25)).await;
    let purged =
        yizhan_store::admin::idempotency::purge(app.db(), yizhan_store::db::now()).await.unwrap();
    // The other account's lapsed `phone-7:guest-1` and the lapsed refusal; the key taken again
    // above is fresh.
    assert_eq!(purged, 2);
    // Reads take no key.
    let mut c = c;
    let r = app.get(&mut c, &path).await;
    assert_eq!(r.status, StatusCode::OK);
});
