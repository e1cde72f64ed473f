//! Disinfection and medical waste through the real router: the terminal-disinfection gate on
//! room states, the second-person evaluation, overdue areas, the two-signature waste ledger.
//! SQLite and PostgreSQL.

mod common;

use axum::http::{Method, StatusCode};
use common::{App, district, xlsx_rows};
use serde_json::json;
use yizhan_core::access::{Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

both_backends!(
    terminal_disinfection_gates_the_room,
    |t: TestDb| async move {
        let app = App::new(t).await;
        let (_, _, st_a, st_b) = district(app.db()).await;
        let room = common::room(app.db(), st_a, "601", 1).await;
        let guest = common::guest(app.db(), st_a, 11).await;
        let stay = common::check_in(app.db(), st_a, guest, room).await;
        let sys = yizhan_core::access::Actor::system();
        yizhan_store::stays::check_out(
            app.db(),
            &sys,
            stay,
            yizhan_core::stay::Outcome::Released,
            None,
        )
        .await
        .unwrap();
        let medic = app
            .user("yisheng", Role::Medical, Scope::Station(st_a), false)
            .await;
        let lead = app
            .user("zhuanban", Role::StationLead, Scope::Station(st_a), false)
            .await;
        let mut m = app.session_for(medic).await;
        let mut l = app.session_for(lead).await;
        let state = |v: serde_json::Value| v["state"].as_str().unwrap().to_owned();
        assert_eq!(
            state(
                app.get(&mut m, &format!("/api/v1/rooms/{room}"))
                    .await
                    .json()
            ),
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
            r.json()["error"]["message"]
                .as_str()
                .unwrap()
                .contains("登记终末消毒记录"),
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
                .json(
                    &mut m,
                    Method::POST,
                    &format!("/api/v1/stations/{st_a}/disinfection"),
                    body,
                )
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
            assert_eq!(r.json()["error"]["field"], field, "{}", r.body);
        }
        assert_eq!(
            state(
                app.get(&mut m, &format!("/api/v1/rooms/{room}"))
                    .await
                    .json()
            ),
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
            state(
                app.get(&mut m, &format!("/api/v1/rooms/{room}"))
                    .await
                    .json()
            ),
            "disinfected"
        );
        // Still not usable: no check-in, and no hand move to ready.
        let guest2 = common::guest(app.db(), st_a, 12).await;
        let policy = yizhan_store::policies::list(app.db()).await.unwrap()[0].id;
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
        assert!(
            r.json()["error"]["message"]
                .as_str()
                .unwrap()
                .contains("效果评估"),
            "{}",
            r.body
        );

        // The person who recorded it cannot evaluate it; someone else can, once.
        let r = app
            .json(
                &mut m,
                Method::POST,
                &format!("/api/v1/disinfection/{rec}/verify"),
                json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.json()["error"]["field"], "verifier");
        let r = app
            .json(
                &mut l,
                Method::POST,
                &format!("/api/v1/disinfection/{rec}/verify"),
                json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["verifier"], "zhuanban");
        assert_eq!(
            state(
                app.get(&mut l, &format!("/api/v1/rooms/{room}"))
                    .await
                    .json()
            ),
            "ready"
        );
        let r = app
            .json(
                &mut l,
                Method::POST,
                &format!("/api/v1/disinfection/{rec}/verify"),
                json!({}),
            )
            .await;
        assert!(r.body.contains("已评估"), "{}", r.body);
        // The room's history names both steps.
        let events = yizhan_store::rooms::events(app.db(), room, 10)
            .await
            .unwrap();
        let causes: Vec<&str> = events.iter().map(|e| e.cause.as_str()).collect();
        assert!(
            causes.contains(&"disinfected") && causes.contains(&"verified"),
            "{causes:?}"
        );
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
        let staff = app
            .user("刘师傅", Role::Medical, Scope::Station(st_a), false)
            .await;
        let mut s = app.session_for(staff).await;
        let room2 = common::room(app.db(), st_a, "602", 1).await;
        yizhan_store::rooms::set_state(
            app.db(),
            &sys,
            room2,
            yizhan_core::room::RoomState::Sealed,
            Some("阳性"),
        )
        .await
        .unwrap();
        yizhan_store::rooms::set_state(
            app.db(),
            &sys,
            room2,
            yizhan_core::room::RoomState::AwaitingDisinfection,
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
            .json(
                &mut s,
                Method::POST,
                &format!("/api/v1/disinfection/{rec2}/verify"),
                json!({}),
            )
            .await;
        assert_eq!(r.json()["error"]["field"], "verifier", "{}", r.body);
    }
);

both_backends!(
    areas_fall_due_and_waste_needs_two_people,
    |t: TestDb| async move {
        let app = App::new(t).await;
        let (_, _, st_a, _) = district(app.db()).await;
        let lead = app
            .user("zhuanban", Role::StationLead, Scope::Station(st_a), false)
            .await;
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
        let v = app
            .get(&mut l, &format!("/api/v1/stations/{st_a}/disinfection"))
            .await
            .json();
        assert_eq!(v["areas"][0]["overdue"], true, "{v}");
        let area = v["areas"][0]["id"].as_i64().unwrap();
        let page = app
            .get(&mut l, &format!("/stations/{st_a}/disinfection"))
            .await;
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
        let v = app
            .get(&mut l, &format!("/api/v1/stations/{st_a}/disinfection"))
            .await
            .json();
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
        let r = app
            .form(&mut l, &format!("/stations/{st_a}/waste"), &f)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("移交人和接收人不能是同一人"), "{}", r.body);
        let two = waste("陈司机");
        let f: Vec<(&str, &str)> = two.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = app
            .form(&mut l, &format!("/stations/{st_a}/waste"), &f)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let x = app
            .get(&mut l, &format!("/stations/{st_a}/waste/export.xlsx"))
            .await;
        let rows = xlsx_rows(&x.bytes, "医疗废物交接");
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(
            rows[1][1..].to_vec(),
            ["6", "12.5", "医疗废物处置中心", "刘师傅", "陈司机"]
        );
        let x = app
            .get(
                &mut l,
                &format!("/stations/{st_a}/disinfection/export.xlsx"),
            )
            .await;
        let rows = xlsx_rows(&x.bytes, "消杀记录");
        assert_eq!(rows[1][1], "电梯间");
        assert_eq!(rows[1][2], "常态化消杀");
    }
);
