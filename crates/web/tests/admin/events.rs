//! The change feed `GET /api/v1/events`: a platform's system account follows what changed, in
//! order and page by page without a gap or a repeat, sees no sign-in, reveal or secret, and no
//! field of the object but its kind and id; only accounts reading the whole district may follow.

use crate::common;

use axum::http::{Method, StatusCode};
use common::{App, Client, district};
use serde_json::{Value, json};
use yizhan_core::access::{Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

fn platform(secret: &str) -> Client {
    Client { bearer: Some(secret.to_owned()), ..Client::default() }
}

both_backends!(a_platform_follows_the_changes_page_by_page, |t: TestDb| async move {
    let app = App::new(t).await;
    let (street, _, st_a, _) = district(app.db()).await;
    let viewer = app.service_account("platform", Role::Viewer, Scope::District).await;
    app.api_token(viewer, "省平台", "yz_feed_platform").await;
    let mut p = platform("yz_feed_platform");

    // Where the feed stands before the station's work.
    let r = app.get(&mut p, "/api/v1/events?limit=500").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let start = r.json()["next_after"].as_i64().unwrap();

    // A clerk signs in, registers a guest, reveals their number.
    let staff = app.user("clerk", Role::StationStaff, Scope::Station(st_a), false).await;
    let (mut c, r) = app.login("clerk", common::PASSWORD).await;
    assert!(r.status.is_success() || r.status.is_redirection(), "{}", r.body);
    let _ = staff;
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/stations/{st_a}/guests"),
            json!({"doc_type": "passport", "doc_number": "E20000001", "name": "李四",
                "phone": "13800138000", "sex": "male", "birth_date": "1980-01-01",
                "region": "北京", "category": "other"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let guest = r.json()["id"].as_i64().unwrap();
    let r =
        app.json(&mut c, Method::POST, &format!("/api/v1/guests/{guest}/reveal"), json!({})).await;
    assert!(r.status.is_success(), "{}", r.body);

    // The feed from there: the registration, nothing of the sign-in or the reveal, no names.
    let r = app.get(&mut p, &format!("/api/v1/events?after={start}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let page = r.json();
    let events = page["events"].as_array().unwrap().clone();
    let actions: Vec<&str> = events.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, vec!["guest.create"], "{}", r.body);
    assert_eq!(events[0]["object_type"], "guest");
    assert_eq!(events[0]["object_id"], guest.to_string());
    assert!(events[0].get("actor").is_none() && events[0].get("detail").is_none());
    assert!(!r.body.contains("李四") && !r.body.contains("clerk") && !r.body.contains("E2000"));
    // Past the reveal: the next page starts after the entries read, shown or not.
    let (n,): (i64,) =
        app.db().fetch_one(yizhan_store::db::q("SELECT MAX(seq) FROM audit_log")).await.unwrap();
    assert_eq!(page["next_after"].as_i64().unwrap(), n);
    assert_eq!(page["more"], false);

    // More changes, read one a page: in order, none twice, none missed, the same as in one.
    for k in 2..=6 {
        let r = app
            .json(
                &mut c,
                Method::POST,
                &format!("/api/v1/stations/{st_a}/guests"),
                json!({"doc_type": "passport", "doc_number": format!("E2000000{k}"),
                    "name": "王五", "phone": "13800138000", "sex": "male",
                    "birth_date": "1980-01-01", "region": "北京", "category": "other"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let whole = app.get(&mut p, &format!("/api/v1/events?after={start}&limit=500")).await.json();
    let whole: Vec<Value> = whole["events"].as_array().unwrap().clone();
    assert_eq!(whole.len(), 6);
    let (mut after, mut walked) = (start, Vec::new());
    loop {
        let r = app.get(&mut p, &format!("/api/v1/events?after={after}&limit=1")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let page = r.json();
        walked.extend(page["events"].as_array().unwrap().clone());
        after = page["next_after"].as_i64().unwrap();
        if page["more"] == false {
            break;
        }
        assert!(walked.len() <= 6, "the walk does not end");
    }
    assert_eq!(walked, whole);
    let seqs: Vec<i64> = walked.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");

    // Both wrong values are named at once.
    let r = app.get(&mut p, "/api/v1/events?after=-1&limit=0").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    for field in ["after", "limit"] {
        assert!(r.body.contains(&format!("\"{field}\"")), "{field}: {}", r.body);
    }
    let r = app.get(&mut p, "/api/v1/events?limit=501").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);

    // A station's account, or a street's, does not follow the district's changes.
    let lead = app.service_account("station-sys", Role::Viewer, Scope::Station(st_a)).await;
    app.api_token(lead, "驿站系统", "yz_feed_station").await;
    let r = app.get(&mut platform("yz_feed_station"), "/api/v1/events").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let street_cmd = app.user("streetcmd", Role::Commander, Scope::Street(street), false).await;
    let mut s = app.session_for(street_cmd).await;
    let r = app.get(&mut s, "/api/v1/events").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let district_cmd = app.user("cmd", Role::Commander, Scope::District, false).await;
    let mut d = app.session_for(district_cmd).await;
    let r = app.get(&mut d, &format!("/api/v1/events?after={start}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["events"].as_array().unwrap().len(), 6);
});
