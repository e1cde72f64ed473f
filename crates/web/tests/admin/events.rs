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

/// Registers a guest at station `st` through the API as `c`: its id.
async fn register(app: &App, c: &mut Client, st: i64, doc: &str, name: &str) -> i64 {
    let r = app
        .json(
            c,
            Method::POST,
            &format!("/api/v1/stations/{st}/guests"),
            json!({"doc_type": "passport", "doc_number": doc, "name": name,
                "phone": "13800138000", "sex": "male", "birth_date": "1980-01-01",
                "region": "北京", "category": "other"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["id"].as_i64().unwrap()
}

both_backends!(a_platform_follows_the_changes_page_by_page, |t: TestDb| async move {
    let app = App::new(t).await;
    let (street, street_b, st_a, st_b) = district(app.db()).await;
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
    let guest = register(&app, &mut c, st_a, "E20000001", "李四").await;
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
        register(&app, &mut c, st_a, &format!("E2000000{k}"), "王五").await;
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

    // Station B's clerk registers one guest there, and B gets a room: not station A's changes.
    app.user("clerk-b", Role::StationStaff, Scope::Station(st_b), false).await;
    let (mut cb, _) = app.login("clerk-b", common::PASSWORD).await;
    let at_b = register(&app, &mut cb, st_b, "E30000001", "赵六").await;
    let district_cmd = app.user("cmd", Role::Commander, Scope::District, false).await;
    let mut d = app.session_for(district_cmd).await;
    let r = app.get(&mut d, &format!("/api/v1/events?after={start}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["events"].as_array().unwrap().len(), 7, "the district sees both");

    // A station's system follows its own station's changes only; a street's, its stations'.
    let objects = |r: &common::Resp| -> Vec<String> {
        let v = r.json();
        v["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["object_id"].as_str().unwrap().to_owned())
            .collect()
    };
    let lead = app.service_account("station-sys", Role::Viewer, Scope::Station(st_a)).await;
    app.api_token(lead, "驿站系统", "yz_feed_station").await;
    let r =
        app.get(&mut platform("yz_feed_station"), &format!("/api/v1/events?after={start}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let at_a: Vec<String> =
        whole.iter().map(|e| e["object_id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(objects(&r), at_a, "station A's six registrations, not B's");
    let street_b_cmd = app.user("streetcmd", Role::Commander, Scope::Street(street_b), false).await;
    let mut s = app.session_for(street_b_cmd).await;
    let r = app.get(&mut s, &format!("/api/v1/events?after={start}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(objects(&r), vec![at_b.to_string()], "street B's station only");
    let street_a_cmd = app.user("streetcmd-a", Role::Commander, Scope::Street(street), false).await;
    let mut s = app.session_for(street_a_cmd).await;
    let r = app.get(&mut s, &format!("/api/v1/events?after={start}&limit=2")).await;
    assert_eq!(objects(&r), at_a[..2].to_vec(), "paged the same way within its reach");
    // An account that reads no station's guests (an enterprise's) is refused.
    let firm = app.service_account("firm-sys", Role::Enterprise, Scope::Enterprise(1)).await;
    app.api_token(firm, "企业系统", "yz_feed_firm").await;
    let r = app.get(&mut platform("yz_feed_firm"), "/api/v1/events").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
});

/// A receiver on this machine: keeps what it is sent, answers 500 to the first request.
async fn receiver() -> (String, std::sync::Arc<std::sync::Mutex<Vec<(String, String, String)>>>) {
    use std::sync::{Arc, Mutex};
    let got: Arc<Mutex<Vec<(String, String, String)>>> = Arc::default();
    let kept = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: axum::http::HeaderMap, body: String| {
            let kept = kept.clone();
            async move {
                let h =
                    |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
                let mut all = kept.lock().unwrap();
                all.push((h("x-yizhan-signature"), h("x-yizhan-delivery"), body));
                if all.len() == 1 { StatusCode::INTERNAL_SERVER_ERROR } else { StatusCode::OK }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, got)
}

/// An app that can seal secrets, its district, an administrator's session and a district
/// viewer's system account: (app, station A, the session, the account).
async fn with_hooks(t: TestDb) -> (App, i64, Client, i64) {
    let config = yizhan_web::WebConfig { secret_key: Some([7; 32]), ..Default::default() };
    let app = App::with_config(t, config).await;
    let (_, _, st_a, _) = district(app.db()).await;
    let admin = app.user("admin", Role::Admin, Scope::District, false).await;
    let a = app.session_for(admin).await;
    let platform = app.service_account("platform", Role::Viewer, Scope::District).await;
    (app, st_a, a, platform)
}

both_backends!(a_hook_pushes_the_changes_signed_and_again_until_taken, |t: TestDb| async move {
    use yizhan_web::jobs::event_hooks::{Turn, once};
    let (app, st_a, mut a, platform) = with_hooks(t).await;
    let (url, got) = receiver().await;

    // Refused on the address: not an address; a person; a system that reads no station's guests.
    let firm_sys = app.service_account("firm-sys", Role::Enterprise, Scope::Enterprise(1)).await;
    let person = app.user("person", Role::Viewer, Scope::District, false).await;
    for (id, address, says) in [
        (platform, "ftp://x", "url"),
        (person, url.as_str(), "error.token_person"),
        (firm_sys, url.as_str(), "error.hook_no_reach"),
    ] {
        let r = app
            .json(&mut a, Method::PUT, &format!("/api/v1/users/{id}/hook"), json!({"url": address}))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{says}: {}", r.body);
        assert_eq!(r.json()["error"]["field"], "url", "{}", r.body);
    }
    let r = app.get(&mut a, &format!("/api/v1/users/{platform}/hook")).await;
    assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, "null"));

    // Set: the secret shown once, the address and secret sealed in the database.
    let r = app
        .json(&mut a, Method::PUT, &format!("/api/v1/users/{platform}/hook"), json!({"url": url}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let secret = r.json()["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_") && secret.len() > 40, "{secret}");
    let (sealed,): (String,) = app
        .db()
        .fetch_one(yizhan_store::db::q("SELECT url_sealed || secret_sealed FROM event_hooks"))
        .await
        .unwrap();
    assert!(!sealed.contains("127.0.0.1") && !sealed.contains(&secret));
    let r = app.get(&mut a, &format!("/api/v1/users/{platform}/hook")).await;
    assert!(!r.body.contains(&secret) && !r.body.contains("127.0.0.1"), "{}", r.body);

    // Three guests registered after it.
    let staff = app.user("clerk", Role::StationStaff, Scope::Station(st_a), false).await;
    let mut c = app.session_for(staff).await;
    for k in 1..=3 {
        register(&app, &mut c, st_a, &format!("E3000000{k}"), "赵六").await;
    }

    // The receiver fails the first time: tried again after 10 s, not before.
    let client = yizhan_web::notify::send::client();
    let now = yizhan_store::db::now();
    let turn = once(&app.state, &client, now).await.unwrap();
    assert_eq!(turn, Turn::Failed("the receiver answered 500".into()));
    let hook =
        yizhan_store::admin::event_hooks::of_user(app.db(), platform).await.unwrap().unwrap();
    assert_eq!((hook.tries, hook.last_error.as_deref()), (1, Some("the receiver answered 500")));
    assert_eq!(
        once(&app.state, &client, now + chrono::Duration::seconds(5)).await.unwrap(),
        Turn::Nothing
    );
    let later = now + chrono::Duration::seconds(11);
    assert_eq!(once(&app.state, &client, later).await.unwrap(), Turn::Sent(3));

    // The same page twice, under one delivery id, signed with the secret.
    let sent = got.lock().unwrap().clone();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].1, sent[1].1);
    assert_eq!(sent[0].2, sent[1].2);
    let (signature, _, body) = &sent[1];
    let t: i64 = signature.split(',').next().unwrap().trim_start_matches("t=").parse().unwrap();
    assert_eq!(signature, &yizhan_core::notify::sign::webhook(&secret, t, body.as_bytes()));
    assert_ne!(signature, &yizhan_core::notify::sign::webhook("whsec_other", t, body.as_bytes()));
    let page: Value = serde_json::from_str(body).unwrap();
    let actions: Vec<&str> =
        page["events"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, vec!["guest.create"; 3]);
    assert!(!body.contains("赵六") && !body.contains("clerk"));

    // Taken: nothing more to send; the hook says so.
    let (last,): (i64,) =
        app.db().fetch_one(yizhan_store::db::q("SELECT MAX(seq) FROM audit_log")).await.unwrap();
    let hook =
        yizhan_store::admin::event_hooks::of_user(app.db(), platform).await.unwrap().unwrap();
    assert_eq!((hook.delivered_seq, hook.tries, hook.last_error), (last, 0, None));
    assert_eq!(page["next_after"].as_i64().unwrap(), last);
    let after = later + chrono::Duration::seconds(2);
    assert_eq!(once(&app.state, &client, after).await.unwrap(), Turn::Idle);
    assert_eq!(got.lock().unwrap().len(), 2);

    // Removed: no more deliveries.
    let path = format!("/api/v1/users/{platform}/hook");
    let r = app.json(&mut a, Method::DELETE, &path, json!({})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = app.get(&mut a, &path).await;
    assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, "null"));
    let far = after + chrono::Duration::hours(1);
    assert_eq!(once(&app.state, &client, far).await.unwrap(), Turn::Nothing);
});

// The administrator sets, sees and stops a system's change hook on the account's page.
both_backends!(the_account_page_sets_and_stops_a_change_hook, |t: TestDb| async move {
    let (app, st_a, mut a, platform) = with_hooks(t).await;
    let page = format!("/admin/users/{platform}");
    let r = app.get(&mut a, &page).await;
    assert!(r.body.contains("data-testid=\"hook-none\""), "{}", r.body);
    assert!(r.body.contains("变更推送"), "{}", r.body);

    // A bad address is refused on the page, as typed, with the reason; nothing saved.
    let r = app.form(&mut a, &format!("{page}/hook"), &[("url", "cdc.example.org")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("data-testid=\"hook-form-error\""), "{}", r.body);
    assert!(r.body.contains("value=\"cdc.example.org\""), "{}", r.body);
    assert!(yizhan_store::admin::event_hooks::of_user(app.db(), platform).await.unwrap().is_none());
    // An enterprise's system account may not have one (it reads no station's guests); a
    // station's may: its hook carries its station's changes.
    let firm_sys = app.service_account("firm-sys", Role::Enterprise, Scope::Enterprise(1)).await;
    let hook = [("url", "https://cdc.example.org/hook")];
    let r = app.form(&mut a, &format!("/admin/users/{firm_sys}/hook"), &hook).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("仅限能查看驿站人员的系统账号"), "{}", r.body);
    let station_sys = app.service_account("station-sys", Role::Viewer, Scope::Station(st_a)).await;
    let r = app.form(&mut a, &format!("/admin/users/{station_sys}/hook"), &hook).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("data-testid=\"new-hook-secret\""), "{}", r.body);

    // Set: the secret this once, the state in words; not again on the next view.
    let r =
        app.form(&mut a, &format!("{page}/hook"), &[("url", "https://cdc.example.org/hook")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let at = r.body.find("data-testid=\"new-hook-secret\"").unwrap_or_else(|| panic!("{}", r.body));
    assert!(r.body[at..].contains("whsec_"));
    assert!(r.body.contains("推送正常"), "{}", r.body);
    let r = app.get(&mut a, &page).await;
    assert!(!r.body.contains("whsec_") && r.body.contains("data-testid=\"hook-status\""));
    assert!(!r.body.contains("cdc.example.org"), "the address stays sealed: {}", r.body);

    // Stopped.
    let r = app.form(&mut a, &format!("{page}/hook/remove"), &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("data-testid=\"hook-none\""), "{}", r.body);
    assert!(yizhan_store::admin::event_hooks::of_user(app.db(), platform).await.unwrap().is_none());
});
