//! Cross-border drivers' runs (issue 19): out and back from the guest's page, on the station's
//! timeline and its list; a late return and a return day without a sample told once; a violation
//! recorded by the lead suspends the exemption, and a check-out as 取消豁免 revokes it. SQLite
//! and PostgreSQL.

use axum::http::{Method, StatusCode};
use chrono::Duration;
use serde_json::json;
use yizhan_core::access::{Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::db::q;
use yizhan_store::station::{guests, trips};
use yizhan_store::testing::TestDb;

use crate::common::{self, App, district, xlsx_rows};

/// The events the notification centre kept for trips, in order.
async fn told(app: &App) -> Vec<(String, String)> {
    app.db()
        .fetch_all(q("SELECT event, severity FROM inbox WHERE source = 'trip' ORDER BY id"))
        .await
        .unwrap()
}

/// The kinds on the stay's timeline, in order.
async fn timeline(app: &App, stay: i64) -> Vec<String> {
    let rows: Vec<(String,)> = app
        .db()
        .fetch_all(q("SELECT kind FROM stay_events WHERE stay_id = $1 ORDER BY id").bind(stay))
        .await
        .unwrap();
    rows.into_iter().map(|(k,)| k).collect()
}

both_backends!(a_driver_goes_out_comes_back_late_and_loses_the_exemption, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st, _) = district(app.db()).await;
    let room = common::room(app.db(), st, "301", 1).await;
    let g = common::guest(app.db(), st, 9).await;
    let stay = common::check_in(app.db(), st, g, room).await;
    let staff = app.user("staff", Role::StationStaff, Scope::Station(st), false).await;
    let mut c = app.session_for(staff).await;
    let page = app.get(&mut c, &format!("/guests/{g}")).await.body;
    assert!(page.contains("data-testid=\"trip-box\"") && page.contains("粤ZAB12港"), "prefilled");

    // Every refusal at once; then out via 皇岗 for 10 hours.
    let url = format!("/stays/{stay}/trips");
    let r = app
        .form(&mut c, &url, &[("plate", "粤Z"), ("port", ""), ("destination", ""), ("hours", "99")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    for f in ["车牌号", "口岸", "目的地", "预计几小时内返回"] {
        assert!(r.body.contains(&format!("{f}：")), "{f}: {}", r.body);
    }
    let go = [
        ("plate", "粤ZAB12港"),
        ("port", "皇岗口岸"),
        ("destination", "葵涌货柜码头"),
        ("hours", "10"),
    ];
    let r = app.form(&mut c, &url, &go).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let trip = trips::of_stay(app.db(), stay).await.unwrap().remove(0);
    assert_eq!((trip.port.as_str(), trip.back_at), ("皇岗口岸", None));
    assert_eq!(trip.expected_back_at - trip.out_at, Duration::hours(10));
    let r = app.form(&mut c, &url, &go).await;
    assert!(r.body.contains("该司机已在出车中"), "one run at a time: {}", r.body);
    assert_eq!(timeline(&app, stay).await, ["check_in", "trip_out"]);
    let list = app.get(&mut c, &format!("/stations/{st}/trips")).await.body;
    assert!(
        list.contains("data-testid=\"out-count\">1<") && list.contains("葵涌货柜码头"),
        "{list}"
    );

    // Past its time: told once, and said on the guest's page.
    app.db()
        .execute(
            q("UPDATE driver_trips SET out_at = $1, expected_back_at = $2 WHERE id = $3")
                .bind(trip.out_at - Duration::hours(40))
                .bind(trip.out_at - Duration::hours(28))
                .bind(trip.id),
        )
        .await
        .unwrap();
    let now = yizhan_store::db::now();
    assert_eq!(trips::sweep(app.db(), now).await.unwrap(), 1);
    assert_eq!(trips::sweep(app.db(), now).await.unwrap(), 0, "told once");
    assert_eq!(told(&app).await, [("late".to_owned(), "warning".to_owned())]);
    let page = app.get(&mut c, &format!("/guests/{g}")).await.body;
    assert!(page.contains("超时未返"), "{page}");

    // Back (through the API); moved to a day ago, late and without a sample that day: told as
    // danger, once.
    let r =
        app.json(&mut c, Method::POST, &format!("/api/v1/trips/{}/back", trip.id), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.json()["back_at"].is_string());
    let r =
        app.json(&mut c, Method::POST, &format!("/api/v1/trips/{}/back", trip.id), json!({})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "back once");
    assert_eq!(timeline(&app, stay).await, ["check_in", "trip_out", "trip_back"]);
    app.db()
        .execute(
            q("UPDATE driver_trips SET back_at = $1 WHERE id = $2")
                .bind(now - Duration::hours(25))
                .bind(trip.id),
        )
        .await
        .unwrap();
    assert_eq!(trips::sweep(app.db(), now).await.unwrap(), 1);
    assert_eq!(trips::sweep(app.db(), now).await.unwrap(), 0);
    assert_eq!(told(&app).await[1], ("untested".to_owned(), "danger".to_owned()));
    let x = app.get(&mut c, &format!("/stations/{st}/trips/export.xlsx")).await;
    let rows = xlsx_rows(&x.bytes, "出车登记");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(
        (rows[1][0].as_str(), rows[1][2].as_str(), rows[1][7].as_str()),
        ("301", "皇岗口岸", "超时返回")
    );

    // Staff do not record violations; the lead does, and a proposed suspension suspends.
    let r = app
        .form(
            &mut c,
            &format!("/stays/{stay}/violations"),
            &[("what", "x"), ("proposal", "suspend")],
        )
        .await;
    assert!(matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}", r.status);
    let lead = app.user("lead", Role::StationLead, Scope::Station(st), false).await;
    let mut l = app.session_for(lead).await;
    let r = app
        .form(&mut l, &format!("/stays/{stay}/violations"), &[("what", ""), ("proposal", "")])
        .await;
    assert!(r.body.contains("违规情况：") && r.body.contains("处理建议："), "{}", r.body);
    let r = app
        .form(
            &mut l,
            &format!("/stays/{stay}/violations"),
            &[("what", "超时 20 小时未返回，未报备"), ("proposal", "suspend")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let guest = guests::get(app.db(), g).await.unwrap();
    let today = yizhan_core::time::local_date(now);
    assert_eq!(guest.exemption_status.as_deref(), Some("suspended"));
    assert_eq!(guest.exemption_date, Some(today));
    assert_eq!(guest.exemption_reason.as_deref(), Some("超时 20 小时未返回，未报备"));
    let page = app.get(&mut l, &format!("/guests/{g}")).await.body;
    assert!(page.contains("建议暂停豁免") && page.contains("暂停"), "{page}");

    // Checked out as 取消豁免: the exemption is revoked, with the reason.
    let r = app
        .form(
            &mut c,
            &format!("/stays/{stay}/check-out"),
            &[("outcome", "exemption_revoked"), ("reason", "多次超时未返")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let guest = guests::get(app.db(), g).await.unwrap();
    assert_eq!(guest.exemption_status.as_deref(), Some("revoked"));
    assert_eq!(guest.exemption_reason.as_deref(), Some("多次超时未返"));
});

both_backends!(only_a_driver_in_a_stay_goes_out, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st, other) = district(app.db()).await;
    let room = common::room(app.db(), st, "302", 1).await;
    let traveller = yizhan_core::station::guest::validate_guest(
        &yizhan_core::station::guest::GuestInput {
            doc_type: "passport".into(),
            doc_number: "E12345678".into(),
            name: "林小明".into(),
            sex: Some("male".into()),
            birth_date: Some("1990-01-01".into()),
            phone: "13800138000".into(),
            region: "广东".into(),
            category: "inbound_traveller".into(),
            ..Default::default()
        },
        chrono::NaiveDate::from_ymd_opt(2021, 1, 10).unwrap(),
    )
    .unwrap();
    let g = guests::create(app.db(), &yizhan_core::access::Actor::system(), st, &traveller)
        .await
        .unwrap()
        .id;
    let stay = common::check_in(app.db(), st, g, room).await;
    let staff = app.user("staff", Role::StationStaff, Scope::Station(st), false).await;
    let mut c = app.session_for(staff).await;
    let body = json!({"plate": "粤B12345", "port": "皇岗口岸", "destination": "葵涌", "hours": 8});
    let r =
        app.json(&mut c, Method::POST, &format!("/api/v1/stays/{stay}/trips"), body.clone()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["message"], "仅跨境司机可登记出车或违规。");
    assert!(!app.get(&mut c, &format!("/guests/{g}")).await.body.contains("trip-box"));
    // Another station's staff do not reach the stay at all.
    let theirs = app.user("theirs", Role::StationStaff, Scope::Station(other), false).await;
    let mut o = app.session_for(theirs).await;
    let r = app.json(&mut o, Method::POST, &format!("/api/v1/stays/{stay}/trips"), body).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(trips::of_stay(app.db(), stay).await.unwrap().is_empty());
});
