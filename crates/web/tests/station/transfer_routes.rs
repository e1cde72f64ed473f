//! A transfer refused and sent on (issue 19): the station it is addressed to refuses the guest,
//! saying why; the transfer goes back to the command (any station) and the sender and the
//! command are told; the district's command addresses it to a third station, which is told and
//! accepts — never to the sender or a station that refused it. Another station cannot refuse,
//! a street's commander cannot dispatch. SQLite and PostgreSQL.

use axum::http::{Method, StatusCode};
use serde_json::json;
use yizhan_core::access::{Actor, Role, Scope};
use yizhan_core::station::transfer::TransferOrder;
use yizhan_store::both_backends;
use yizhan_store::db::q;
use yizhan_store::station::transfers;
use yizhan_store::testing::TestDb;

use crate::common::{self, App, district};

both_backends!(a_refused_transfer_goes_back_to_the_command_and_on, |t: TestDb| async move {
    let app = App::new(t).await;
    let (street_a, _, a, b) = district(app.db()).await;
    let c = common::third_station(app.db(), "布吉健康驿站").await;
    let room_a = common::room(app.db(), a, "301", 1).await;
    let room_c = common::room(app.db(), c, "501", 1).await;
    let g = common::guest(app.db(), a, 1).await;
    let stay = common::check_in(app.db(), a, g, room_a).await;
    let order = TransferOrder { to_station: Some(b), reason: "本站整体终末消毒".into() };
    let id = transfers::send(app.db(), &Actor::system(), stay, &order).await.unwrap().id;

    // Station B refuses: every field named; then with why.
    let lead_b = app.user("lead_b", Role::StationLead, Scope::Station(b), false).await;
    let mut lb = app.session_for(lead_b).await;
    let page = app.get(&mut lb, &format!("/stations/{b}/transfers")).await.body;
    assert!(page.contains(&format!("data-testid=\"refuse-box-{id}\"")), "{page}");
    let url = format!("/transfers/{id}/refuse");
    let r = app.form(&mut lb, &url, &[("reason", " ")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("data-refused=\"reason\""), "{}", r.body);
    // Station C, to which it is not addressed, does not find it.
    let lead_c = app.user("lead_c", Role::StationLead, Scope::Station(c), false).await;
    let mut lc = app.session_for(lead_c).await;
    assert_eq!(app.form(&mut lc, &url, &[("reason", "x")]).await.status, StatusCode::NOT_FOUND);
    let r = app.form(&mut lb, &url, &[("reason", "无家庭房")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let back = transfers::get(app.db(), id).await.unwrap();
    assert_eq!((back.to_station_id, back.state.as_str()), (None, "in_transit"), "back to any");
    let told: Vec<(String, Option<i64>)> = app
        .db()
        .fetch_all(q("SELECT event, station_id FROM inbox WHERE source = 'transfer'"))
        .await
        .unwrap();
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].1, Some(a), "the sender is told");
    // B no longer sees it coming; refused once, it cannot be refused again by B.
    let page = app.get(&mut lb, &format!("/stations/{b}/transfers")).await.body;
    assert!(page.contains("incoming-empty"), "{page}");
    assert_eq!(app.form(&mut lb, &url, &[("reason", "x")]).await.status, StatusCode::NOT_FOUND);

    // The district's command sees it awaiting allocation, with its way.
    let cmd = app.user("cmd", Role::Commander, Scope::District, false).await;
    let mut k = app.session_for(cmd).await;
    let page = app.get(&mut k, "/transfers").await.body;
    assert!(
        page.contains("待指挥部调度") && page.contains("拒收 · 平湖健康驿站 · 无家庭房"),
        "{page}"
    );
    let inbox = app.get(&mut k, "/inbox").await.body;
    assert!(inbox.contains("平湖健康驿站拒收一名转运住客（无家庭房）"), "{inbox}");
    let x = app.get(&mut k, "/transfers/export.xlsx").await;
    let rows = common::xlsx_rows(&x.bytes, "转运调度");
    assert_eq!(rows[0][0], "姓名");
    assert_eq!((rows[1][2].as_str(), rows[1][3].as_str()), ("卓汇健康驿站", "待指挥部调度"));
    assert!(rows[1][6].contains("拒收 · 平湖健康驿站 · 无家庭房"), "{rows:?}");
    let api = app.get(&mut k, "/api/v1/transfers").await.json();
    assert_eq!(api[0]["way"][0]["kind"], "refused");
    // Not to the sender, not back to the station that refused, and not without a reason.
    let to = format!("/transfers/{id}/redirect");
    let r = app.form(&mut k, &to, &[("station_id", &a.to_string()), ("reason", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("data-refused=\"station_id\"")
            && r.body.contains("data-refused=\"reason\"")
    );
    let r = app.form(&mut k, &to, &[("station_id", &b.to_string()), ("reason", "再议")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("该驿站已拒收过此住客"), "{}", r.body);
    // A street's commander does not dispatch.
    let sc = app.user("sc", Role::Commander, Scope::Street(street_a), false).await;
    let mut s = app.session_for(sc).await;
    assert_eq!(app.get(&mut s, "/transfers").await.status, StatusCode::FORBIDDEN);
    // To C, by JSON: C is told and accepts.
    let r = app
        .json(
            &mut k,
            Method::POST,
            &format!("/api/v1/transfers/{id}/redirect"),
            json!({"station_id": c, "reason": "布吉有家庭房"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(transfers::get(app.db(), id).await.unwrap().to_station_id, Some(c));
    let (to_c,): (i64,) = app
        .db()
        .fetch_one(
            q("SELECT COUNT(*) FROM inbox WHERE source = 'transfer' AND station_id = $1").bind(c),
        )
        .await
        .unwrap();
    assert_eq!(to_c, 1, "the new addressee is told");
    // A room that does not exist: said on C's list, not on an error page.
    let r = app.form(&mut lc, &format!("/transfers/{id}/accept"), &[("room_id", "999999")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("data-testid=\"incoming\"") && r.body.contains("data-refused=\"room_id\""),
        "{}",
        r.body
    );
    let r = app
        .form(&mut lc, &format!("/transfers/{id}/accept"), &[("room_id", &room_c.to_string())])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(transfers::get(app.db(), id).await.unwrap().state.as_str(), "accepted");
    assert!(app.get(&mut k, "/transfers").await.body.contains("dispatch-empty"));
    // Once received, neither refused nor redirected.
    let r = app
        .json(
            &mut k,
            Method::POST,
            &format!("/api/v1/transfers/{id}/redirect"),
            json!({"station_id": "any", "reason": "x"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
});
