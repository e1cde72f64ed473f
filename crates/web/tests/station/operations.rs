//! Station operations through the real router: rooms, guests and stays (register, check in,
//! move, release), each on SQLite and PostgreSQL.

use crate::common;

use axum::http::{Method, StatusCode};
use common::{App, district};
use serde_json::json;
use yizhan_core::access::{Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

both_backends!(rooms_through_the_api_and_pages, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st_a, st_b) = district(app.db()).await;
    let lead = app.user("lead", Role::StationLead, Scope::Station(st_a), false).await;
    let mut c = app.session_for(lead).await;
    // A range of rooms in one request.
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/stations/{st_a}/rooms"),
            json!({"floor": 3, "from": 301, "to": 310, "beds": 2, "kind": "single"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json().as_array().unwrap().len(), 10);
    // Overlapping numbers are named.
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/stations/{st_a}/rooms"),
            json!({"floor": 3, "from": 309, "to": 312, "beds": 2, "kind": "single"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "number");
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("309、310"), "{}", r.body);
    // Bad input names the field.
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/stations/{st_a}/rooms"),
            json!({"number": "3 01!", "floor": 3, "beds": 9, "kind": "single"}),
        )
        .await;
    assert_eq!(r.json()["error"]["field"], "number", "{}", r.body);
    // Another station's rooms are out of reach.
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/stations/{st_b}/rooms"),
            json!({"number": "101", "floor": 1, "beds": 1, "kind": "single"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // State changes: reason required; an illegal one says what to do first.
    let rooms = app.get(&mut c, &format!("/api/v1/stations/{st_a}/rooms")).await.json();
    let id = rooms[0]["id"].as_i64().unwrap();
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/rooms/{id}/state"),
            json!({"state": "maintenance", "reason": ""}),
        )
        .await;
    assert_eq!(r.json()["error"]["field"], "reason");
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/rooms/{id}/state"),
            json!({"state": "maintenance", "reason": "漏水"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["state"], "maintenance");
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/rooms/{id}/state"),
            json!({"state": "occupied", "reason": "x"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["message"], "“在住”只能通过入住登记产生。");
    // The grid page colours each room and counts states; the QR code is an SVG for the room page.
    let page = app.get(&mut c, &format!("/stations/{st_a}/rooms")).await.body;
    assert!(
        page.contains("data-testid=\"room-301\" data-state=\"maintenance\""),
        "grid shows the state"
    );
    assert!(page.contains("data-testid=\"count-ready\">空闲可用 <strong>9</strong>"), "counts");
    let filtered = app.get(&mut c, &format!("/stations/{st_a}/rooms?state=maintenance")).await.body;
    assert!(filtered.contains("room-301") && !filtered.contains("room-302"));
    let qr = app.get(&mut c, &format!("/rooms/{id}/qr.svg")).await;
    assert_eq!(qr.header("content-type"), "image/svg+xml");
    assert!(qr.body.starts_with("<?xml") && qr.body.contains("<svg"));
    // The room page lists its history with the reason.
    let page = app.get(&mut c, &format!("/rooms/{id}")).await.body;
    assert!(page.contains("漏水") && page.contains("停用"));
});

both_backends!(register_check_in_move_and_release_a_guest, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st_a, st_b) = district(app.db()).await;
    let r1 = common::room(app.db(), st_a, "301", 1).await;
    let r2 = common::room(app.db(), st_a, "302", 2).await;
    let staff = app.user("staff", Role::StationStaff, Scope::Station(st_a), false).await;
    let mut c = app.session_for(staff).await;
    // An ID card: birth date and sex come from the number.
    let body = json!({"doc_type": "id_card", "doc_number": "11010519491231002x", "name": "张三卫", "phone": "13800138000",
                      "region": "北京", "category": "inbound_traveller"});
    let r = app
        .json(&mut c, Method::POST, &format!("/api/v1/stations/{st_a}/guests"), body.clone())
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let g = r.json();
    assert_eq!(g["name"], "张*卫", "masked by default");
    assert_eq!(g["doc_number"], "110105********002X");
    assert_eq!(g["phone"], "138****8000");
    assert_eq!(g["sex"], "female");
    let gid = g["id"].as_i64().unwrap();
    // The same document again: 409 and the existing guest, no second record.
    let r = app.json(&mut c, Method::POST, &format!("/api/v1/stations/{st_a}/guests"), body).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["existing"]["id"], gid);
    assert_eq!(
        app.get(&mut c, &format!("/api/v1/stations/{st_a}/guests?all=true"))
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // A flag that is not one was axum's plain-text 400; a parameter given twice too. Both
    // are now in the API's JSON shape, the flag a 422 on `all` (found by API fuzzing).
    let list = format!("/api/v1/stations/{st_a}/guests");
    let r = app.get(&mut c, &format!("{list}?all=maybe")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "all");
    let r = app.get(&mut c, &format!("{list}?q=a&q=b")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "bad_request");
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("`q`"), "{}", r.body);
    // A NUL in the search was a 500 on PostgreSQL (found by API fuzzing): now a 422 on q.
    let r = app.get(&mut c, &format!("{list}?q=a%00b")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "q");
    assert!(r.json()["error"]["message"].as_str().unwrap().starts_with("搜索词"), "{}", r.body);
    // A 50,000-character search made SQLite refuse the pattern (a 500): every query
    // parameter is at most 100 characters, a 422 naming it, in the API and on the page.
    let long = "a".repeat(50_000);
    let r = app.get(&mut c, &format!("{list}?q={long}")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "q");
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("100"), "{}", r.body);
    let r = app.get(&mut c, &format!("/stations/{st_a}/guests?q={}", "a".repeat(101))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("不能超过 100 个字符"), "{}", r.body);
    let r = app.get(&mut c, &format!("{list}?q={}", "a".repeat(100))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for on in ["1", "on", "true"] {
        let r = app.get(&mut c, &format!("{list}?all={on}")).await;
        assert_eq!(r.json().as_array().unwrap().len(), 1, "{on}");
    }
    // A wrong check digit names the field in Chinese.
    let r = app.json(&mut c, Method::POST, &format!("/api/v1/stations/{st_a}/guests"), json!({"doc_type": "id_card", "doc_number": "110105194912310021", "name": "李四", "phone": "13800138000", "region": "北京", "category": "other"})).await;
    assert_eq!(r.json()["error"]["field"], "doc_number");
    assert!(
        r.json()["error"]["message"].as_str().unwrap().starts_with("证件号码：校验位错误"),
        "{}",
        r.body
    );
    // A person's name is 姓名, not 名称 (a thing's name); the field is still `name`.
    let r = app.json(&mut c, Method::POST, &format!("/api/v1/stations/{st_a}/guests"), json!({"doc_type": "id_card", "doc_number": "11010519491231002X", "name": " ", "phone": "13800138000", "region": "北京", "category": "other"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "name");
    assert_eq!(r.json()["error"]["message"], "姓名：不能为空");
    assert_eq!(r.json()["error"]["errors"][0]["field"], "name");
    // Everything wrong at once, in the order of the form, and nothing saved.
    let r = app.json(&mut c, Method::POST, &format!("/api/v1/stations/{st_a}/guests"), json!({"doc_type": "hk_macau_permit", "doc_number": "H1234567X", "name": "", "phone": "12345", "region": "", "category": "cross_border_driver"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let errors = r.json()["error"]["errors"].as_array().unwrap().clone();
    let fields: Vec<&str> = errors.iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(
        fields,
        ["doc_number", "name", "sex", "birth_date", "phone", "region", "employer", "plate_cn"],
        "{}",
        r.body
    );
    assert_eq!(errors[1]["message"], "姓名：不能为空");
    assert_eq!(r.json()["error"]["field"], "doc_number");
    let r = app
        .form(
            &mut c,
            &format!("/stations/{st_a}/guests"),
            &[
                ("doc_type", "id_card"),
                ("doc_number", "11010519491231002X"),
                ("name", ""),
                ("phone", "13800138000"),
                ("region", "北京"),
                ("category", "other"),
            ],
        )
        .await;
    assert!(r.body.contains("姓名：不能为空"), "{}", r.body);
    // Reveal: full values, and an audit row naming who looked.
    let r =
        app.json(&mut c, Method::POST, &format!("/api/v1/guests/{gid}/reveal"), json!({})).await;
    assert_eq!(r.json()["doc_number"], "11010519491231002X");
    let reveals = yizhan_store::admin::audit::recent(app.db(), 20)
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.action == "guest.reveal")
        .count();
    assert_eq!(reveals, 1);
    // Check in to 301 under 14+7.
    let policies = app.get(&mut c, "/api/v1/policies").await.json();
    let p147 = policies.as_array().unwrap().iter().find(|p| p["code"] == "14+7").unwrap()["id"]
        .as_i64()
        .unwrap();
    // A policy that does not exist is named as the policy, not as the room.
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/guests/{gid}/check-in"),
            json!({"room_id": r1, "policy_id": 999_999}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "policy_id");
    assert_eq!(r.json()["error"]["message"], "请选择一项有效的隔离政策。");
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/guests/{gid}/check-in"),
            json!({"room_id": r1, "policy_id": p147}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let stay = r.json();
    assert_eq!(stay["tests"].as_array().unwrap().len(), 4);
    let sid = stay["id"].as_i64().unwrap();
    // Checking the same guest in again is a 409 that says why.
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/guests/{gid}/check-in"),
            json!({"room_id": r2, "policy_id": p147}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["error"]["message"], "该住客已在入住中，请先办理离开或调换房间。");
    // Another station's room cannot be used.
    let foreign = common::room(app.db(), st_b, "101", 1).await;
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/stays/{sid}/move"),
            json!({"room_id": foreign, "reason": "x"}),
        )
        .await;
    assert_eq!(r.json()["error"]["field"], "room_id");
    // Move to 302; 301 goes to terminal disinfection.
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/stays/{sid}/move"),
            json!({"room_id": r2, "reason": "空调坏了"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["room_number"], "302");
    assert_eq!(
        app.get(&mut c, &format!("/api/v1/rooms/{r1}")).await.json()["state"],
        "awaiting_disinfection"
    );
    // Staff cannot approve a release; the lead is refused with every blocker listed.
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/stays/{sid}/check-out"),
            json!({"outcome": "released"}),
        )
        .await;
    assert_eq!(r.json()["error"]["field"], "outcome");
    let lead = app.user("lead", Role::StationLead, Scope::Station(st_a), false).await;
    let mut ld = app.session_for(lead).await;
    let r = app
        .json(
            &mut ld,
            Method::POST,
            &format!("/api/v1/stays/{sid}/check-out"),
            json!({"outcome": "released"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let msg = r.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(msg.contains("隔离期未满") && msg.contains("还有 4 次核酸未出阴性结果"), "{msg}");
    // Turned back needs a reason; with one it ends the stay.
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/stays/{sid}/check-out"),
            json!({"outcome": "turned_back"}),
        )
        .await;
    assert_eq!(r.json()["error"]["field"], "reason");
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/stays/{sid}/check-out"),
            json!({"outcome": "turned_back", "reason": "不符合入住条件"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["outcome"], "turned_back");
    // A viewer sees the guest masked, cannot unmask and cannot check in.
    let viewer = app.user("viewer", Role::Viewer, Scope::District, false).await;
    let mut v = app.session_for(viewer).await;
    assert_eq!(app.get(&mut v, &format!("/api/v1/guests/{gid}")).await.json()["name"], "张*卫");
    assert_eq!(
        app.json(&mut v, Method::POST, &format!("/api/v1/guests/{gid}/reveal"), json!({}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // No ID number or phone anywhere in the masked list, page or export.
    let page = app.get(&mut c, &format!("/stations/{st_a}/guests?all=1")).await.body;
    assert!(
        page.contains("张*卫")
            && !page.contains("11010519491231002X")
            && !page.contains("13800138000")
    );
});

both_backends!(two_clerks_last_bed_over_http_one_gets_409, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st_a, _) = district(app.db()).await;
    let staff = app.user("staff", Role::StationStaff, Scope::Station(st_a), false).await;
    let policy = yizhan_store::station::policies::list(app.db()).await.unwrap()[0].id;
    for round in 0..10u32 {
        let room = common::room(app.db(), st_a, &format!("8{round:02}"), 1).await;
        let ga = common::guest(app.db(), st_a, 100 + 2 * round).await;
        let gb = common::guest(app.db(), st_a, 101 + 2 * round).await;
        let (mut ca, mut cb) = (app.session_for(staff).await, app.session_for(staff).await);
        let body = json!({"room_id": room, "policy_id": policy});
        let (pa, pb) =
            (format!("/api/v1/guests/{ga}/check-in"), format!("/api/v1/guests/{gb}/check-in"));
        let (ra, rb) = tokio::join!(
            app.json(&mut ca, Method::POST, &pa, body.clone()),
            app.json(&mut cb, Method::POST, &pb, body.clone()),
        );

        let mut statuses = [ra.status.as_u16(), rb.status.as_u16()];
        statuses.sort();
        assert_eq!(statuses, [201, 409], "round {round}: {} / {}", ra.body, rb.body);
        let loser = if ra.status == StatusCode::CONFLICT { &ra } else { &rb };
        assert_eq!(loser.json()["error"]["message"], "该房间已无空床位，请选择其他房间。");
    }
});

both_backends!(api_lists_page_and_say_how_many, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st_a, _) = district(app.db()).await;
    for n in 1..=60 {
        common::guest(app.db(), st_a, n).await;
    }
    let lead = app.user("lead", Role::StationLead, Scope::Station(st_a), false).await;
    let mut c = app.session_for(lead).await;
    let path = format!("/api/v1/stations/{st_a}/guests?all=true");
    let first = app.get(&mut c, &path).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(first.json().as_array().unwrap().len(), 50);
    assert_eq!(first.header("x-total-count"), "60");
    let link = first.header("link");
    let next = format!("</api/v1/stations/{st_a}/guests?all=true&page=2>; rel=\"next\"");
    assert_eq!(link, next, "the next page keeps the filter");
    let second = app.get(&mut c, &format!("{path}&page=2")).await;
    assert_eq!(second.json().as_array().unwrap().len(), 10);
    assert!(second.header("link").ends_with("rel=\"prev\""), "{}", second.header("link"));
    // A search narrows the total; a page that is not one is refused on its name.
    let found = app.get(&mut c, &format!("{path}&q=%E9%99%88%E5%A4%A7%E6%96%8760")).await;
    assert_eq!(found.header("x-total-count"), "1", "{}", found.body);
    let bad = app.get(&mut c, &format!("{path}&page=0")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["error"]["field"], "page");
    // Stations: sorted either way, a column it has not is refused.
    let cmd = app.user("zhihui", Role::Commander, Scope::District, false).await;
    let mut c = app.session_for(cmd).await;
    let by = |s: &str| format!("/api/v1/stations?sort={s}");
    let names = |v: serde_json::Value| -> Vec<String> {
        v.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap().to_owned()).collect()
    };
    let up = names(app.get(&mut c, &by("name")).await.json());
    let mut down = names(app.get(&mut c, &by("-name")).await.json());
    assert_eq!(up.len(), 2);
    down.reverse();
    assert_eq!(up, down);
    assert!(up[0] < up[1], "{up:?}");
    let r = app.get(&mut c, &by("price")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "sort");
    let admin = app.user("admin2", Role::Admin, Scope::District, false).await;
    let mut c = app.session_for(admin).await;
    let users = app.get(&mut c, "/api/v1/users?q=admin2").await;
    assert_eq!(users.header("x-total-count"), "1", "{}", users.body);
});
