//! Disinfection and medical waste through the real router: the terminal-disinfection gate on
//! room states, the second-person evaluation, overdue areas, the two-signature waste ledger.
//! SQLite and PostgreSQL.

use crate::common;

use axum::http::{Method, StatusCode};
use common::{App, district, xlsx_rows};
use serde_json::json;
use yizhan_core::access::{Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

both_backends!(terminal_disinfection_gates_the_room, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st_a, st_b) = district(app.db()).await;
    let room = common::room(app.db(), st_a, "601", 1).await;
    let guest = common::guest(app.db(), st_a, 11).await;
    let stay = common::check_in(app.db(), st_a, guest, room).await;
    let sys = yizhan_core::access::Actor::system();
    yizhan_store::station::stays::check_out(
        app.db(),
        &sys,
        stay,
        yizhan_core::station::stay::Outcome::Released,
        None,
    )
    .await
    .unwrap();
    let medic = app.user("yisheng", Role::Medical, Scope::Station(st_a), false).await;
    let lead = app.user("zhuanban", Role::StationLead, Scope::Station(st_a), false).await;
    let mut m = app.session_for(medic).await;
    let mut l = app.session_for(lead).await;
    let state = |v: serde_json::Value| v["state"].as_str().unwrap().to_owned();
    assert_eq!(
        state(app.get(&mut m, &format!("/api/v1/rooms/{room}")).await.json()),
        "awaiting_disinfection"
    );

    // By hand the room cannot skip the record, and the message says where to go.
    let r = app
        .json(
            &mut m,
            Method::POST,
            &format!("/api/v1/rooms/{room}/state"),
            json!({"state": "disinfected", "reason": "已消毒"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.json()["error"]["message"].as_str().unwrap().contains("登记终末消毒记录"),
        "{}",
        r.body
    );

    let now = yizhan_core::time::local_format(yizhan_store::db::now(), "%Y-%m-%d %H:%M");
    let record = |target: String, operator: &str| json!({"target": target, "agent": "含氯消毒剂", "concentration": 1000, "minutes": 30, "operator": operator, "done_at": now});
    // Bad input and another station's room are refused by field; nothing changes.
    let room_b = common::room(app.db(), st_b, "101", 1).await;
    for (body, field) in [
        (
            json!({"target": format!("room:{room}"), "agent": "含氯消毒剂", "concentration": 0, "minutes": 30, "operator": "刘师傅", "done_at": now}),
            "concentration",
        ),
        (record(format!("room:{room_b}"), "刘师傅"), "target"),
        (record("room".into(), "刘师傅"), "target"),
    ] {
        let r = app
            .json(&mut m, Method::POST, &format!("/api/v1/stations/{st_a}/disinfection"), body)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.json()["error"]["field"], field, "{}", r.body);
    }
    assert_eq!(
        state(app.get(&mut m, &format!("/api/v1/rooms/{room}")).await.json()),
        "awaiting_disinfection"
    );

    // The record moves the room to disinfected; a ready room cannot take a second record.
    let r = app
        .json(
            &mut m,
            Method::POST,
            &format!("/api/v1/stations/{st_a}/disinfection"),
            record(format!("room:{room}"), "刘师傅"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let rec = r.json()["id"].as_i64().unwrap();
    assert_eq!(
        state(app.get(&mut m, &format!("/api/v1/rooms/{room}")).await.json()),
        "disinfected"
    );
    // Still not usable: no check-in, and no hand move to ready.
    let guest2 = common::guest(app.db(), st_a, 12).await;
    let policy = yizhan_store::station::policies::list(app.db()).await.unwrap()[0].id;
    let r = app
        .json(
            &mut l,
            Method::POST,
            &format!("/api/v1/guests/{guest2}/check-in"),
            json!({"room_id": room, "policy_id": policy}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = app
        .json(
            &mut l,
            Method::POST,
            &format!("/api/v1/rooms/{room}/state"),
            json!({"state": "ready", "reason": "ok"}),
        )
        .await;
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("效果评估"), "{}", r.body);

    // The person who recorded it cannot evaluate it; someone else can, once.
    let r = app
        .json(&mut m, Method::POST, &format!("/api/v1/disinfection/{rec}/verify"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "verifier");
    let r = app
        .json(&mut l, Method::POST, &format!("/api/v1/disinfection/{rec}/verify"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["verifier"], "zhuanban");
    assert_eq!(state(app.get(&mut l, &format!("/api/v1/rooms/{room}")).await.json()), "ready");
    let r = app
        .json(&mut l, Method::POST, &format!("/api/v1/disinfection/{rec}/verify"), json!({}))
        .await;
    assert!(r.body.contains("已评估"), "{}", r.body);
    // The room's history names both steps.
    let events = yizhan_store::station::rooms::events(app.db(), room, 10).await.unwrap();
    let causes: Vec<&str> = events.iter().map(|e| e.cause.as_str()).collect();
    assert!(causes.contains(&"disinfected") && causes.contains(&"verified"), "{causes:?}");
    // A guest can now be placed.
    let r = app
        .json(
            &mut l,
            Method::POST,
            &format!("/api/v1/guests/{guest2}/check-in"),
            json!({"room_id": room, "policy_id": policy}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    // The operator by name cannot evaluate either, whoever records it.
    let staff = app.user("刘师傅", Role::Medical, Scope::Station(st_a), false).await;
    let mut s = app.session_for(staff).await;
    let room2 = common::room(app.db(), st_a, "602", 1).await;
    yizhan_store::station::rooms::set_state(
        app.db(),
        &sys,
        room2,
        yizhan_core::station::room::RoomState::Sealed,
        Some("阳性"),
    )
    .await
    .unwrap();
    yizhan_store::station::rooms::set_state(
        app.db(),
        &sys,
        room2,
        yizhan_core::station::room::RoomState::AwaitingDisinfection,
        Some("转运"),
    )
    .await
    .unwrap();
    let r = app
        .json(
            &mut l,
            Method::POST,
            &format!("/api/v1/stations/{st_a}/disinfection"),
            record(format!("room:{room2}"), "刘师傅"),
        )
        .await;
    let rec2 = r.json()["id"].as_i64().unwrap();
    let r = app
        .json(&mut s, Method::POST, &format!("/api/v1/disinfection/{rec2}/verify"), json!({}))
        .await;
    assert_eq!(r.json()["error"]["field"], "verifier", "{}", r.body);
});

both_backends!(areas_fall_due_and_waste_needs_two_people, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st_a, _) = district(app.db()).await;
    let lead = app.user("zhuanban", Role::StationLead, Scope::Station(st_a), false).await;
    let mut l = app.session_for(lead).await;
    let r = app
        .form(
            &mut l,
            &format!("/stations/{st_a}/disinfection/areas"),
            &[("name", "电梯间"), ("kind", "lift"), ("every_hours", "4")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app
        .form(
            &mut l,
            &format!("/stations/{st_a}/disinfection/areas"),
            &[("name", "电梯间"), ("kind", "lift"), ("every_hours", "0")],
        )
        .await;
    assert!(r.body.contains("间隔（小时）"), "{}", r.body);
    // Never disinfected: overdue, on the page and in the API.
    let v = app.get(&mut l, &format!("/api/v1/stations/{st_a}/disinfection")).await.json();
    assert_eq!(v["areas"][0]["overdue"], true, "{v}");
    let area = v["areas"][0]["id"].as_i64().unwrap();
    let station = app.get(&mut l, &format!("/stations/{st_a}")).await;
    assert!(station.body.contains("超时未消杀区域 <strong>1</strong>"), "{}", station.body);
    let page = app.get(&mut l, &format!("/stations/{st_a}/disinfection")).await;
    assert!(page.body.contains("data-testid=\"areas-overdue\""));
    let now = yizhan_core::time::local_format(yizhan_store::db::now(), "%Y-%m-%dT%H:%M");
    let r = app
        .form(
            &mut l,
            &format!("/stations/{st_a}/disinfection"),
            &[
                ("target", &format!("area:{area}")),
                ("agent", "含氯消毒剂"),
                ("concentration", "500"),
                ("minutes", "30"),
                ("operator", "刘师傅"),
                ("done_at", &now),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let v = app.get(&mut l, &format!("/api/v1/stations/{st_a}/disinfection")).await.json();
    assert_eq!(v["areas"][0]["overdue"], false, "{v}");
    assert_eq!(v["records"][0]["place"], "电梯间");
    // Waste: one person cannot sign twice; two can.
    let today = yizhan_core::time::local_date(yizhan_store::db::now()).to_string();
    let waste = |received: &str| {
        vec![
            ("day", today.clone()),
            ("bags", "6".to_owned()),
            ("weight_kg", "12.5".to_owned()),
            ("contractor", "医疗废物处置中心".to_owned()),
            ("handed_by", "刘师傅".to_owned()),
            ("received_by", received.to_owned()),
        ]
    };
    let same = waste("刘师傅");
    let f: Vec<(&str, &str)> = same.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.form(&mut l, &format!("/stations/{st_a}/waste"), &f).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("移交人和接收人不能是同一人"), "{}", r.body);
    let two = waste("陈司机");
    let f: Vec<(&str, &str)> = two.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.form(&mut l, &format!("/stations/{st_a}/waste"), &f).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let x = app.get(&mut l, &format!("/stations/{st_a}/waste/export.xlsx")).await;
    let rows = xlsx_rows(&x.bytes, "医疗废物交接");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1][1..].to_vec(), ["6", "12.5", "医疗废物处置中心", "刘师傅", "陈司机"]);
    let x = app.get(&mut l, &format!("/stations/{st_a}/disinfection/export.xlsx")).await;
    let rows = xlsx_rows(&x.bytes, "消杀记录");
    assert_eq!(rows[1][1], "电梯间");
    assert_eq!(rows[1][2], "常态化消杀");
});

both_backends!(low_stock_alerts_and_stock_never_below_zero, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st_a, st_b) = district(app.db()).await;
    let clerk = app.user("neiqin", Role::StationStaff, Scope::Station(st_a), false).await;
    let mut c = app.session_for(clerk).await;
    let r = app
        .form(
            &mut c,
            &format!("/stations/{st_a}/supplies"),
            &[
                ("name", "防护服"),
                ("category", "ppe"),
                ("unit", "套"),
                ("stock", "120"),
                ("low_threshold", "100"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app
        .form(
            &mut c,
            &format!("/stations/{st_a}/supplies"),
            &[("name", "x"), ("category", "ppe"), ("unit", "")],
        )
        .await;
    assert!(r.body.contains("单位"), "{}", r.body);
    let items = app.get(&mut c, &format!("/api/v1/stations/{st_a}/supplies")).await.json();
    let id = items[0]["id"].as_i64().unwrap();
    assert_eq!((items[0]["stock"].as_i64(), items[0]["low"].as_bool()), (Some(120), Some(false)));
    // Issuing 20 leaves exactly the threshold: low, on the page and in the API.
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/supplies/{id}/movements"),
            json!({"direction": "out", "quantity": 20, "reason": "3楼发放"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!((r.json()["stock"].as_i64(), r.json()["low"].as_bool()), (Some(100), Some(true)));
    let page = app.get(&mut c, &format!("/stations/{st_a}/supplies")).await;
    assert!(
        page.body.contains(&format!("data-testid=\"low-{id}\""))
            && page.body.contains("库存不足的物资")
    );
    // The station page raises it among the things to do.
    let station = app.get(&mut c, &format!("/stations/{st_a}")).await;
    assert!(station.body.contains("库存不足物资 <strong>1</strong>"), "{}", station.body);
    // More than there is: refused by field; the stock is unchanged.
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/supplies/{id}/movements"),
            json!({"direction": "out", "quantity": 101}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "quantity");
    // Ten clerks issue 15 each at once from 100: exactly six succeed, stock ends at 10, never below.
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let db = app.db().clone();
        tasks.push(tokio::spawn(async move {
            yizhan_store::care::supplies::move_stock(
                &db,
                &yizhan_core::access::Actor::system(),
                id,
                &yizhan_core::care::supplies::NewMovement { delta: -15, reason: None },
            )
            .await
            .is_ok()
        }));
    }
    let mut ok = 0;
    for t in tasks {
        if t.await.unwrap() {
            ok += 1;
        }
    }
    assert_eq!(ok, 6);
    let items = app.get(&mut c, &format!("/api/v1/stations/{st_a}/supplies")).await.json();
    assert_eq!(items[0]["stock"], 10);
    let moves = yizhan_store::care::supplies::movements(app.db(), st_a, 100).await.unwrap();
    assert_eq!(moves.iter().map(|m| m.delta).sum::<i64>(), 10, "movements add up to the stock");
    // Another station's lead cannot move this item.
    let other = app.user("other", Role::StationLead, Scope::Station(st_b), false).await;
    let mut o = app.session_for(other).await;
    let r = app
        .json(
            &mut o,
            Method::POST,
            &format!("/api/v1/supplies/{id}/movements"),
            json!({"direction": "in", "quantity": 1}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let x = app.get(&mut c, &format!("/stations/{st_a}/supplies/export.xlsx")).await;
    let rows = xlsx_rows(&x.bytes, "物资");
    assert_eq!(rows[1][..3].to_vec(), ["防护服", "防护用品", "10"]);
    assert_eq!(rows[1][5], "库存不足");
});

both_backends!(meals_and_special_diets, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st_a, _) = district(app.db()).await;
    let room = common::room(app.db(), st_a, "701", 1).await;
    let guest = common::guest(app.db(), st_a, 21).await;
    let stay = common::check_in(app.db(), st_a, guest, room).await;
    let clerk = app.user("neiqin", Role::StationStaff, Scope::Station(st_a), false).await;
    let mut c = app.session_for(clerk).await;
    let r = app
        .form(&mut c, &format!("/stays/{stay}/diet"), &[("diet", "halal"), ("note", "不吃猪肉")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app.form(&mut c, &format!("/stays/{stay}/diet"), &[("diet", "keto")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let today = yizhan_core::time::local_date(yizhan_store::db::now()).to_string();
    let r = app
        .form(
            &mut c,
            &format!("/stations/{st_a}/meals"),
            &[("day", &today), ("meal", "lunch"), ("portions", "150"), ("special", "4")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app
        .form(
            &mut c,
            &format!("/stations/{st_a}/meals"),
            &[("day", &today), ("meal", "lunch"), ("portions", "150")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let r = app
        .form(
            &mut c,
            &format!("/stations/{st_a}/meals"),
            &[("day", &today), ("meal", "dinner"), ("portions", "10"), ("special", "11")],
        )
        .await;
    assert!(r.body.contains("其中特殊饮食"), "{}", r.body);
    let page = app.get(&mut c, &format!("/stations/{st_a}/meals")).await;
    assert!(
        page.body.contains("清真") && page.body.contains("不吃猪肉") && page.body.contains("701")
    );
    let x = app.get(&mut c, &format!("/stations/{st_a}/meals/export.xlsx")).await;
    let rows = xlsx_rows(&x.bytes, "送餐");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1][1..4].to_vec(), ["午餐", "150", "4"]);
});
