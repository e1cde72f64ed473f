//! A guest transferred to another station (issue 19): sent from the guest's page (the stay ends,
//! the guest is in transit and counted at no station), seen by the receiving station and taken
//! into a bed with one action (their record copied there with their relatives, the rest of the
//! period kept); two stations accepting a guest sent to any station at the same instant: one
//! wins. SQLite and PostgreSQL.

use axum::http::{Method, StatusCode};
use serde_json::json;
use yizhan_core::access::{Actor, Role, Scope};
use yizhan_core::station::transfer::TransferState;
use yizhan_store::both_backends;
use yizhan_store::station::{guests, rooms, stays, transfers};
use yizhan_store::testing::TestDb;

use crate::common::{self, App, district, xlsx_rows};

/// Guests in a stay at a station now.
async fn in_stay(app: &App, station: i64) -> usize {
    let only = guests::GuestFilter { search: None, only_in_stay: true };
    guests::page(app.db(), station, &only, 100, 0).await.unwrap().len()
}

both_backends!(a_guest_is_sent_in_transit_and_received_into_a_bed, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, a, b) = district(app.db()).await;
    let room_a = common::room(app.db(), a, "301", 1).await;
    let room_b = common::room(app.db(), b, "812", 2).await;
    let g = common::guest(app.db(), a, 7).await;
    guests::add_relative(
        app.db(),
        &Actor::system(),
        g,
        &yizhan_core::station::guest::NewRelative {
            name: "陈太".into(),
            relation: "配偶".into(),
            phone: "91234500".into(),
        },
    )
    .await
    .unwrap();
    let stay = common::check_in(app.db(), a, g, room_a).await;
    let sent_release = stays::get(app.db(), stay).await.unwrap().planned_release;
    let staff_a = app.user("staff_a", Role::StationStaff, Scope::Station(a), false).await;
    let mut ca = app.session_for(staff_a).await;
    let page = app.get(&mut ca, &format!("/guests/{g}")).await.body;
    assert!(page.contains("data-testid=\"transfer-box\"") && page.contains("平湖健康驿站"));

    // Wrong: to this very station, and no reason; both said, nothing changed.
    let url = format!("/stays/{stay}/transfer");
    let r = app.form(&mut ca, &url, &[("station_id", &a.to_string()), ("reason", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("不能转往本驿站") && r.body.contains("原因"), "{}", r.body);
    assert!(stays::get(app.db(), stay).await.unwrap().is_open());

    // Sent to the other station.
    let reason = "本站整体终末消毒";
    let r = app.form(&mut ca, &url, &[("station_id", &b.to_string()), ("reason", reason)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let s = stays::get(app.db(), stay).await.unwrap();
    assert_eq!(s.outcome.map(|o| o.as_str()), Some("transferred_other"));
    assert_eq!(s.outcome_reason.as_deref(), Some(reason));
    let ra = rooms::get(app.db(), room_a).await.unwrap();
    assert_eq!(ra.state().as_str(), "awaiting_disinfection", "the room left is disinfected");
    // In transit: at neither station, once on the road; not checked in again at home.
    assert_eq!((in_stay(&app, a).await, in_stay(&app, b).await), (0, 0));
    assert_eq!(transfers::in_transit_count(app.db()).await.unwrap(), 1);
    let page = app.get(&mut ca, &format!("/guests/{g}")).await.body;
    assert!(page.contains("转运途中") && page.contains("转往 平湖健康驿站"), "{page}");
    let room_a2 = common::room(app.db(), a, "302", 1).await;
    let policy = s.policy_id.to_string();
    let r = app
        .form(
            &mut ca,
            &format!("/guests/{g}/check-in"),
            &[("room_id", &room_a2.to_string()), ("policy_id", &policy)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("转运途中"), "{}", r.body);

    // The sending station's staff do not see the receiving end, nor accept for it.
    let inbound = transfers::incoming(app.db(), b).await.unwrap();
    assert_eq!(inbound.len(), 1);
    let id = inbound[0].id;
    assert!(transfers::incoming(app.db(), a).await.unwrap().is_empty(), "not its own");
    let r = app.get(&mut ca, &format!("/stations/{b}/transfers")).await;
    assert!(matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN), "{}", r.status);
    let r = app
        .form(&mut ca, &format!("/transfers/{id}/accept"), &[("room_id", &room_a2.to_string())])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);

    // The receiving station sees who is coming, masked, and takes them into a bed.
    let staff_b = app.user("staff_b", Role::StationStaff, Scope::Station(b), false).await;
    let mut cb = app.session_for(staff_b).await;
    let list = app.get(&mut cb, &format!("/stations/{b}/transfers")).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("陈*") && !list.body.contains("陈大文7"), "masked");
    assert!(list.body.contains("卓汇健康驿站") && list.body.contains(reason), "{}", list.body);
    assert!(list.body.contains(&format!("data-testid=\"accept-{id}\"")));
    let r = app
        .form(&mut cb, &format!("/transfers/{id}/accept"), &[("room_id", &room_b.to_string())])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let t = transfers::get(app.db(), id).await.unwrap();
    assert_eq!(t.state, TransferState::Accepted);
    let new_stay = stays::get(app.db(), t.accepted_stay_id.unwrap()).await.unwrap();
    assert_eq!((new_stay.station_id, new_stay.room_id), (b, room_b));
    assert_eq!(new_stay.planned_release, sent_release, "the period goes on, not again");
    assert_eq!(r.header("location"), format!("/guests/{}", new_stay.guest_id));
    let there = guests::get(app.db(), new_stay.guest_id).await.unwrap();
    let here = guests::get(app.db(), g).await.unwrap();
    assert_eq!(
        (there.station_id, &there.doc_number, &there.name),
        (b, &here.doc_number, &here.name)
    );
    let rel = guests::relatives(app.db(), there.id).await.unwrap();
    assert_eq!(rel.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["陈太"]);
    let tests = stays::tests(app.db(), new_stay.id).await.unwrap();
    let days = (sent_release - yizhan_core::time::local_date(new_stay.checked_in_at)).num_days();
    assert_eq!(tests.last().map(|t| t.day), Some(days), "tested on the last day there");
    assert_eq!((in_stay(&app, a).await, in_stay(&app, b).await), (0, 1), "counted once");
    assert_eq!(transfers::in_transit_count(app.db()).await.unwrap(), 0);

    // Both pages say where the guest went and came from; a second acceptance is refused.
    let page = app.get(&mut ca, &format!("/guests/{g}")).await.body;
    assert!(page.contains("已由 平湖健康驿站 接收入住"), "{page}");
    let page = app.get(&mut cb, &format!("/guests/{}", there.id)).await.body;
    assert!(page.contains("自 卓汇健康驿站 转入"), "{page}");
    let room_b2 = common::room(app.db(), b, "813", 1).await;
    let r = app
        .json(
            &mut cb,
            Method::POST,
            &format!("/api/v1/transfers/{id}/accept"),
            json!({"room_id": room_b2}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "rule", "{}", r.body);

    // The record, both ways, in the list and in Excel.
    let list = app.get(&mut cb, &format!("/stations/{b}/transfers")).await.body;
    assert!(list.contains("data-testid=\"incoming-empty\"") && list.contains("已接收"), "{list}");
    let x = app.get(&mut ca, &format!("/stations/{a}/transfers/export.xlsx")).await;
    let rows = xlsx_rows(&x.bytes, "转运交接");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1][0], "陈**7", "masked");
    assert_eq!((rows[1][3].as_str(), rows[1][4].as_str()), ("转出", "平湖健康驿站"));
    assert_eq!((rows[1][5].as_str(), rows[1][7].as_str()), (reason, "已接收"));
    yizhan_store::testing::assert_counters_agree(app.db()).await;
});

both_backends!(two_stations_accept_a_guest_sent_to_any_and_one_wins, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, street_b, a, b) = district(app.db()).await;
    let c = yizhan_store::station::stations::create(
        app.db(),
        &Actor::system(),
        &yizhan_core::station::stations::NewStation {
            street_id: street_b,
            name: "坪地健康驿站".into(),
            address: "深圳市龙岗区".into(),
            kind: yizhan_core::station::stations::StationKind::Hotel,
            capacity: 100,
            contact_name: "联系人".into(),
            contact_phone: "13800138000".into(),
            active: true,
        },
    )
    .await
    .unwrap()
    .id;
    let lead_a = app.user("lead_a", Role::StationLead, Scope::Station(a), false).await;
    let staff_b = app.user("staff_b", Role::StationStaff, Scope::Station(b), false).await;
    let staff_c = app.user("staff_c", Role::StationStaff, Scope::Station(c), false).await;
    let (mut ca, mut cb, mut cc) = (
        app.session_for(lead_a).await,
        app.session_for(staff_b).await,
        app.session_for(staff_c).await,
    );
    for round in 0..6u32 {
        let home = common::room(app.db(), a, &format!("4{round:02}"), 1).await;
        let g = common::guest(app.db(), a, 200 + round).await;
        let stay = common::check_in(app.db(), a, g, home).await;
        let r = app
            .json(
                &mut ca,
                Method::POST,
                &format!("/api/v1/stays/{stay}/transfer"),
                json!({"station_id": "any", "reason": "本站满员"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = r.json()["id"].as_i64().unwrap();
        assert_eq!(r.json()["state"], "in_transit");
        assert_eq!(r.json()["to_station_id"], serde_json::Value::Null);
        // Both stations see the guest coming.
        for (cl, st) in [(&mut cb, b), (&mut cc, c)] {
            let r = app.get(cl, &format!("/api/v1/stations/{st}/transfers/incoming")).await;
            assert_eq!(r.json()[0]["id"], id, "{}", r.body);
        }
        let rb = common::room(app.db(), b, &format!("5{round:02}"), 1).await;
        let rc = common::room(app.db(), c, &format!("6{round:02}"), 1).await;
        let path = format!("/api/v1/transfers/{id}/accept");
        let (x, y) = tokio::join!(
            app.json(&mut cb, Method::POST, &path, json!({"room_id": rb})),
            app.json(&mut cc, Method::POST, &path, json!({"room_id": rc})),
        );
        let mut statuses = [x.status.as_u16(), y.status.as_u16()];
        statuses.sort();
        assert_eq!(statuses, [201, 422], "round {round}: {} / {}", x.body, y.body);
        let loser = if x.status == StatusCode::CREATED { &y } else { &x };
        assert_eq!(
            loser.json()["error"]["message"],
            "该住客已被接收，或不在等待本站接收的名单中。"
        );
        let t = transfers::get(app.db(), id).await.unwrap();
        let winner = if x.status == StatusCode::CREATED { b } else { c };
        assert_eq!(t.to_station_id, Some(winner));
        // One stay opened, one bed taken; the loser's room is still ready and nobody new is there.
        let (won_room, lost_room) = if winner == b { (rb, rc) } else { (rc, rb) };
        assert_eq!(stays::open_in_room(app.db(), won_room).await.unwrap().len(), 1);
        assert!(stays::open_in_room(app.db(), lost_room).await.unwrap().is_empty());
        assert_eq!(rooms::get(app.db(), lost_room).await.unwrap().state().as_str(), "ready");
        let loser_station = if winner == b { c } else { b };
        let only = guests::GuestFilter {
            search: Some(&format!("H{:08}", 10_000_200 + round)),
            only_in_stay: false,
        };
        assert!(
            guests::page(app.db(), loser_station, &only, 10, 0).await.unwrap().is_empty(),
            "no half-made record at the station that lost"
        );
    }
    assert_eq!(transfers::in_transit_count(app.db()).await.unwrap(), 0);
});
