//! Wall boards through the real router: snapshots, tokens, live events, the district roll-up.

use crate::common;

use axum::http::StatusCode;
use common::{App, district};
use tower::ServiceExt;
use yizhan_core::access::{Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

both_backends!(board_snapshot_tokens_and_live_events, |t: TestDb| async move {
    use http_body_util::BodyExt;
    let app = App::new(t).await;
    let (_, _, st_a, st_b) = district(app.db()).await;
    let r1 = common::room(app.db(), st_a, "301", 1).await;
    common::room(app.db(), st_a, "302", 1).await;
    let lead = app.user("lead", Role::StationLead, Scope::Station(st_a), false).await;
    let mut c = app.session_for(lead).await;
    // The lead creates a display token; the URL is shown once.
    let r = app.form(&mut c, &format!("/stations/{st_a}/boards"), &[("label", "大厅电视")]).await;
    let url =
        r.body.split("token=").nth(1).map(|s| s[..64].to_owned()).expect("a token URL on the page");
    // The TV: no session. The token becomes a cookie and the URL is clean again.
    let mut tv = common::Client::default();
    let r = app.get(&mut tv, &format!("/board/{st_a}?token={url}")).await;
    assert_eq!((r.status, r.location()), (StatusCode::SEE_OTHER, format!("/board/{st_a}")));
    assert!(tv.cookies.contains_key("yz_board"));
    assert_eq!(app.get(&mut tv, &format!("/board/{st_a}")).await.status, StatusCode::OK);
    // Another station's board with this token: no.
    assert_eq!(
        app.get(&mut tv, &format!("/api/v1/stations/{st_b}/board")).await.status,
        StatusCode::NOT_FOUND
    );
    // The live stream: a first event at once, then one after a check-in, within a second.
    let (status, headers) = app.get_head(&tv, &format!("/board/{st_a}/events")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "text/event-stream");
    let req = axum::http::Request::get(format!("/board/{st_a}/events"))
        .header("cookie", format!("yz_board={url}"))
        .body(axum::body::Body::empty())
        .unwrap();
    let mut body = app.router.clone().oneshot(req).await.unwrap().into_body();
    let first = tokio::time::timeout(std::time::Duration::from_secs(2), body.frame())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let first = String::from_utf8(first.into_data().unwrap().to_vec()).unwrap();
    assert!(first.starts_with("event: change"), "{first}");
    let gid = common::guest(app.db(), st_a, 1).await;
    let started = std::time::Instant::now();
    common::check_in(app.db(), st_a, gid, r1).await;
    let next = tokio::time::timeout(std::time::Duration::from_secs(2), body.frame())
        .await
        .expect("an event after the change")
        .unwrap()
        .unwrap();
    let next = String::from_utf8(next.into_data().unwrap().to_vec()).unwrap();
    assert!(next.starts_with("event: change"), "{next}");
    let latency = started.elapsed();
    assert!(latency < std::time::Duration::from_secs(1), "event after {latency:?}");
    // The snapshot shows the check-in, masked, with no document or phone anywhere.
    let snap = app.get(&mut tv, &format!("/api/v1/stations/{st_a}/board")).await;
    assert_eq!(snap.status, StatusCode::OK, "{}", snap.body);
    let s = snap.json();
    assert_eq!(s["today"]["check_ins"], 1);
    assert_eq!(s["occupancy"]["used"], 1);
    assert_eq!(s["occupancy"]["total"], 2);
    assert_eq!(s["rooms"][0]["state"], "occupied");
    assert_eq!(s["feed"][0]["name"], "陈**1");
    assert_eq!(s["feed"][0]["label"], "入住");
    assert_eq!(s["kpis"][0]["key"], "infected");
    assert!(s["kpis"][0]["days_since"].is_null());
    assert_eq!(s["charts"]["days"].as_array().unwrap().len(), 14);
    for secret in ["H10000001", "91234567", "陈大文1"] {
        assert!(!snap.body.contains(secret), "{secret} leaked into the board");
    }
    let page = app.get(&mut tv, &format!("/board/{st_a}")).await.body;
    assert!(!page.contains("H10000001") && !page.contains("陈大文"));
    // Revoked: the TV is told so, in words.
    let token_id = yizhan_store::station::board::tokens(app.db(), st_a).await.unwrap()[0].id;
    let r = app.form(&mut c, &format!("/boards/{token_id}/revoke"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app.get(&mut tv, &format!("/api/v1/stations/{st_a}/board")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["message"], "大屏授权已撤销，请联系驿站负责人。");
    let page = app.get(&mut tv, &format!("/board/{st_a}")).await;
    assert!(page.body.contains("大屏授权已撤销"));
    // The tokens page shows when it was last used.
    let list = app.get(&mut c, &format!("/stations/{st_a}/boards")).await.body;
    assert!(list.contains("大厅电视") && list.contains("已撤销"));
});

both_backends!(district_board_rolls_up_by_street, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st_a, st_b) = district(app.db()).await;
    let ra = common::room(app.db(), st_a, "301", 2).await;
    common::room(app.db(), st_b, "101", 1).await;
    let g = common::guest(app.db(), st_a, 1).await;
    common::check_in(app.db(), st_a, g, ra).await;
    let cmd = app.user("cmd", Role::Commander, Scope::District, false).await;
    let mut c = app.session_for(cmd).await;
    let s = app.get(&mut c, "/api/v1/district/board").await.json();
    assert_eq!(s["total"]["stations"], 2);
    assert_eq!(s["total"]["beds_total"], 3);
    assert_eq!(s["total"]["in_stay"], 1);
    // 可用床位 is what is free now: 301's other bed and 101.
    assert_eq!(s["total"]["beds_free"], 2);
    assert_eq!(s["links"], true);
    assert_eq!(s["streets"].as_array().unwrap().len(), 2);
    assert_eq!(s["streets"][0]["street"], "吉华街道");
    assert_eq!(s["streets"][0]["stations"][0]["in_stay"], 1);
    // A station-scoped lead cannot see the district roll-up; a district TV token can, without links.
    let lead = app.user("lead", Role::StationLead, Scope::Station(st_a), false).await;
    let mut l = app.session_for(lead).await;
    assert_eq!(app.get(&mut l, "/api/v1/district/board").await.status, StatusCode::FORBIDDEN);
    let token = "d".repeat(64);
    yizhan_store::station::board::create_token(
        app.db(),
        &yizhan_core::access::Actor::system(),
        None,
        "指挥部大屏",
        &token,
    )
    .await
    .unwrap();
    let mut tv = common::Client::default();
    let r = app.get(&mut tv, &format!("/board/district?token={token}")).await;
    assert_eq!(r.location(), "/board/district");
    let s = app.get(&mut tv, "/api/v1/district/board").await.json();
    assert_eq!((s["total"]["in_stay"].as_i64(), s["links"].as_bool()), (Some(1), Some(false)));
    // A station token does not open the district board.
    let st_token = "e".repeat(64);
    yizhan_store::station::board::create_token(
        app.db(),
        &yizhan_core::access::Actor::system(),
        Some(st_a),
        "TV",
        &st_token,
    )
    .await
    .unwrap();
    let mut tv2 = common::Client::default();
    tv2.cookies.insert("yz_board".into(), st_token);
    assert_eq!(app.get(&mut tv2, "/api/v1/district/board").await.status, StatusCode::NOT_FOUND);
});

both_backends!(
    another_stations_board_and_a_missing_one_get_the_same_answer,
    |t: TestDb| async move {
        let app = App::new(t).await;
        let (_, _, st_a, st_b) = district(app.db()).await;
        let lead = app.user("zhuanban", Role::StationLead, Scope::Station(st_a), false).await;
        let mut c = app.session_for(lead).await;
        assert_eq!(app.get(&mut c, &format!("/board/{st_a}")).await.status, StatusCode::OK);
        for path in ["/board/{}", "/api/v1/stations/{}/board"] {
            let other = app.get(&mut c, &path.replace("{}", &st_b.to_string())).await;
            let missing = app.get(&mut c, &path.replace("{}", "999999")).await;
            assert_eq!(other.status, StatusCode::NOT_FOUND, "{path}: {}", other.body);
            // The same page but for the address it was asked at (the language switch's `next`).
            assert_eq!(
                (missing.status, missing.body.replace("999999", "N")),
                (other.status, other.body.replace(&format!("/{st_b}"), "/N")),
                "{path}"
            );
        }
        // Signed out, both send the browser to the login page alike.
        let mut anon = app.anon().await;
        let other = app.get(&mut anon, &format!("/board/{st_b}")).await;
        let missing = app.get(&mut anon, "/board/999999").await;
        assert_eq!(other.status, missing.status);
        assert_eq!(other.location(), format!("/login?next=%2Fboard%2F{st_b}"));
        assert_eq!(missing.location(), "/login?next=%2Fboard%2F999999");
    }
);

// One truth for beds: the station page, the room grid and the wall board count them alike from
// the rooms — 停用 rooms apart and said so, 可用 what is free now, the design capacity labelled
// as such.
both_backends!(beds_are_one_truth_on_every_page, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st, _) = district(app.db()).await;
    let used = common::room(app.db(), st, "301", 2).await;
    common::room(app.db(), st, "302", 1).await;
    let off = common::room(app.db(), st, "303", 4).await;
    yizhan_store::station::rooms::set_state(
        app.db(),
        &yizhan_core::access::Actor::system(),
        off,
        yizhan_core::station::room::RoomState::Maintenance,
        Some("维修"),
    )
    .await
    .unwrap();
    let g = common::guest(app.db(), st, 1).await;
    common::check_in(app.db(), st, g, used).await;
    let lead = app.user("lead", Role::StationLead, Scope::Station(st), false).await;
    let mut c = app.session_for(lead).await;
    for path in [format!("/stations/{st}"), format!("/stations/{st}/rooms")] {
        let page = app.get(&mut c, &path).await.body;
        assert!(page.contains("data-testid=\"beds-occupied\">1/3</strong>"), "{path}: {page}");
        assert!(page.contains("data-testid=\"beds-free\">2</strong>"), "{path}");
        assert!(page.contains("停用 1 间（4 床）不计入床位"), "{path}");
    }
    assert!(app.get(&mut c, &format!("/stations/{st}")).await.body.contains("设计容量"));
    let board = app.get(&mut c, &format!("/api/v1/stations/{st}/board")).await.json();
    assert_eq!(
        (board["occupancy"]["used"].as_i64(), board["occupancy"]["total"].as_i64()),
        (Some(1), Some(3))
    );
});

/// The next SSE frame of a stream within `wait`, or `None` when it stayed quiet.
async fn next_event(body: &mut axum::body::Body, wait: std::time::Duration) -> Option<String> {
    use http_body_util::BodyExt;
    let frame = tokio::time::timeout(wait, body.frame()).await.ok()?.unwrap().unwrap();
    Some(String::from_utf8(frame.into_data().unwrap().to_vec()).unwrap())
}

both_backends!(a_board_wakes_for_its_own_station_only, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st_a, st_b) = district(app.db()).await;
    let (ra, rb) = (
        common::room(app.db(), st_a, "301", 1).await,
        common::room(app.db(), st_b, "301", 1).await,
    );
    let stay_a = common::check_in(app.db(), st_a, common::guest(app.db(), st_a, 1).await, ra).await;
    let lead = app.user("lead", Role::StationLead, Scope::Station(st_a), false).await;
    let mut c = app.session_for(lead).await;
    let before = app.get(&mut c, &format!("/api/v1/stations/{st_a}/board")).await.json();
    assert_eq!(before["attention"].as_array().unwrap().len(), 0, "{before}");
    let req = axum::http::Request::get(format!("/board/{st_a}/events"))
        .header("cookie", c.cookie_header())
        .body(axum::body::Body::empty())
        .unwrap();
    let mut body = app.router.clone().oneshot(req).await.unwrap().into_body();
    let wait = std::time::Duration::from_millis(1500);
    assert!(next_event(&mut body, wait).await.unwrap().starts_with("event: change"));
    // Another station checks a guest in and takes a fever: station A's board is not woken (the
    // poll runs every 250 ms; 1.5 s is six of them).
    let stay_b = common::check_in(app.db(), st_b, common::guest(app.db(), st_b, 2).await, rb).await;
    assert!(common::fever_now(app.db(), stay_b).await.is_some());
    assert_eq!(next_event(&mut body, wait).await, None);
    let marks: std::collections::HashMap<i64, i64> =
        yizhan_store::station::board::station_marks(app.db()).await.unwrap().into_iter().collect();
    // Station A's own fever wakes it, and the snapshot it then fetches shows it.
    assert!(common::fever_now(app.db(), stay_a).await.is_some());
    let event = next_event(&mut body, wait).await.expect("an event after A's fever");
    assert!(event.starts_with("event: change"), "{event}");
    let after: std::collections::HashMap<i64, i64> =
        yizhan_store::station::board::station_marks(app.db()).await.unwrap().into_iter().collect();
    assert!(after[&st_a] > marks[&st_a] && after[&st_b] == marks[&st_b], "{marks:?} {after:?}");
    let snap = app.get(&mut c, &format!("/api/v1/stations/{st_a}/board")).await.json();
    assert_eq!(snap["attention"].as_array().unwrap().len(), 1, "{snap}");
    assert_eq!(snap["open_alerts"], 1);
});
