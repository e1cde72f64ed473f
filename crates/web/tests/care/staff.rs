//! Staff and care through the real router: working groups and staff, counselling confidentiality,
//! incidents and complaints feeding the KPIs and key attention. SQLite and PostgreSQL.

use crate::common;

use axum::http::{Method, StatusCode};
use common::{App, district, xlsx_rows};
use serde_json::json;
use yizhan_core::access::{Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

const SECRET: &str = "担心孩子上学的事，夜里睡不着";

both_backends!(counselling_notes_are_read_by_counsellors_only, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st_a, _) = district(app.db()).await;
    let room = common::room(app.db(), st_a, "501", 1).await;
    let guest = common::guest(app.db(), st_a, 7).await;
    let stay = common::check_in(app.db(), st_a, guest, room).await;
    let counsellor = app.user("xinli", Role::Counsellor, Scope::Station(st_a), false).await;
    let mut c = app.session_for(counsellor).await;
    // Bad input names the field; nothing is saved.
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/stays/{stay}/counselling"),
            json!({"held_at": "2026-01-02 09:00", "minutes": 30, "risk": "severe", "notes": SECRET}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "risk");
    let held = yizhan_core::time::local_format(yizhan_store::db::now(), "%Y-%m-%d %H:%M");
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/stays/{stay}/counselling"),
            json!({"held_at": held, "minutes": 45, "risk": "high", "notes": SECRET}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let list = app.get(&mut c, &format!("/api/v1/stays/{stay}/counselling")).await.json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["notes"], SECRET);
    assert_eq!(list[0]["risk"], "high");
    assert_eq!(list[0]["minutes"], 45);
    let page = app.get(&mut c, &format!("/stays/{stay}/counselling")).await;
    assert!(page.body.contains(SECRET));

    // Every other role, station or district, is refused the notes and never sees them on the
    // guest page, key attention, the board or the audit log.
    let others = [
        ("lead", Role::StationLead, Scope::Station(st_a)),
        ("staff", Role::StationStaff, Scope::Station(st_a)),
        ("medical", Role::Medical, Scope::Station(st_a)),
        ("admin2", Role::Admin, Scope::District),
        ("cmd", Role::Commander, Scope::District),
        ("insp", Role::Inspector, Scope::District),
        ("viewer", Role::Viewer, Scope::District),
    ];
    for (name, role, scope) in others {
        let id = app.user(name, role, scope, false).await;
        let mut o = app.session_for(id).await;
        for path in
            [format!("/api/v1/stays/{stay}/counselling"), format!("/stays/{stay}/counselling")]
        {
            let r = app.get(&mut o, &path).await;
            assert!(
                matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                "{name} {path} → {}",
                r.status
            );
            assert!(!r.body.contains(SECRET), "{name} {path}");
        }
        for path in [
            format!("/guests/{guest}"),
            format!("/stations/{st_a}/attention"),
            format!("/api/v1/stations/{st_a}/attention"),
            format!("/api/v1/stations/{st_a}/board"),
            "/api/v1/audit".to_owned(),
        ] {
            let r = app.get(&mut o, &path).await;
            assert!(!r.body.contains(SECRET), "{name} saw the notes on {path}");
        }
    }
    // The risk (not the notes) reaches the guest page and key attention.
    let lead = app.user("lead2", Role::StationLead, Scope::Station(st_a), false).await;
    let mut l = app.session_for(lead).await;
    let page = app.get(&mut l, &format!("/guests/{guest}")).await;
    assert!(
        page.body.contains("badge tone-danger\">高风险"),
        "a high risk is danger: {}",
        page.body
    );
    assert!(!page.body.contains("counselling-open"));
    let att = app.get(&mut l, &format!("/api/v1/stations/{st_a}/attention")).await.json();
    let row =
        att.as_array().unwrap().iter().find(|r| r["stay_id"] == stay).expect("in key attention");
    assert!(
        row["reasons"].as_array().unwrap().iter().any(|k| k == "attention.high_psych_risk"),
        "{row}"
    );
    // A later session with low risk takes them out of that reason.
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/stays/{stay}/counselling"),
            json!({"held_at": held, "minutes": "20", "risk": "low", "notes": "情绪平稳"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let att = app.get(&mut l, &format!("/api/v1/stations/{st_a}/attention")).await.body;
    assert!(!att.contains("high_psych_risk"), "{att}");
});

both_backends!(incidents_and_complaints_feed_the_kpis, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st_a, st_b) = district(app.db()).await;
    let room = common::room(app.db(), st_a, "502", 1).await;
    let guest = common::guest(app.db(), st_a, 8).await;
    let stay = common::check_in(app.db(), st_a, guest, room).await;
    let staff = app.user("qiantai", Role::StationStaff, Scope::Station(st_a), false).await;
    let mut c = app.session_for(staff).await;
    let now = yizhan_core::time::local_format(yizhan_store::db::now(), "%Y-%m-%dT%H:%M");
    let kpis = |v: &serde_json::Value| {
        (
            v["counts"]["accidents"].as_i64().unwrap(),
            v["counts"]["complaints"].as_i64().unwrap(),
            v["days_since_accident"].clone(),
        )
    };
    let before = app.get(&mut c, &format!("/api/v1/stations/{st_a}/kpis")).await.json();
    assert_eq!(kpis(&before), (0, 0, serde_json::Value::Null));

    // Field errors, then a good accident and a fire (only the accident counts).
    for (body, field) in [
        (json!({"kind": "flood", "occurred_at": now, "place": "1楼", "description": "x"}), "kind"),
        (
            json!({"kind": "fire", "occurred_at": "2099-01-01 00:00", "place": "1楼", "description": "x"}),
            "occurred_at",
        ),
        (json!({"kind": "fire", "occurred_at": now, "place": "", "description": "x"}), "place"),
        (
            json!({"kind": "accident", "occurred_at": now, "place": "1楼", "description": "x", "injured": -1}),
            "injured",
        ),
    ] {
        let r = app
            .json(&mut c, Method::POST, &format!("/api/v1/stations/{st_a}/incidents"), body)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.json()["error"]["field"], field, "{}", r.body);
    }
    for kind in ["accident", "fire"] {
        let r = app
            .json(
                &mut c,
                Method::POST,
                &format!("/api/v1/stations/{st_a}/incidents"),
                json!({"kind": kind, "occurred_at": now, "place": "3楼走廊", "description": "住客滑倒", "injured": 1}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    // A complaint about the stay puts the guest in key attention until it is resolved.
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/stations/{st_a}/complaints"),
            json!({"source": "relative", "complainant": "李女士", "topic": "送物延误", "detail": "药下午才送到", "stay_id": stay}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let complaint = r.json()["id"].as_i64().unwrap();
    // A stay of another station is refused by name.
    let room_b = common::room(app.db(), st_b, "101", 1).await;
    let guest_b = common::guest(app.db(), st_b, 9).await;
    let stay_b = common::check_in(app.db(), st_b, guest_b, room_b).await;
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/stations/{st_a}/complaints"),
            json!({"source": "guest", "complainant": "某", "topic": "x", "detail": "x", "stay_id": stay_b}),
        )
        .await;
    assert_eq!(r.json()["error"]["field"], "stay_id", "{}", r.body);
    let after = app.get(&mut c, &format!("/api/v1/stations/{st_a}/kpis")).await.json();
    assert_eq!(kpis(&after), (1, 1, json!(0)));
    let board = app.get(&mut c, &format!("/api/v1/stations/{st_a}/board")).await.json();
    let k = |key: &str| {
        board["kpis"].as_array().unwrap().iter().find(|k| k["key"] == key).unwrap()["count"]
            .as_i64()
            .unwrap()
    };
    assert_eq!((k("accidents"), k("complaints")), (1, 1));
    let att = app.get(&mut c, &format!("/api/v1/stations/{st_a}/attention")).await.body;
    assert!(att.contains("attention.open_complaint"), "{att}");
    // Resolving needs a resolution; resolved once, it stays resolved.
    let r = app
        .form(&mut c, &format!("/complaints/{complaint}/status"), &[("status", "resolved")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("办结投诉需要填写处理结果"), "{}", r.body);
    let r = app
        .form(
            &mut c,
            &format!("/complaints/{complaint}/status"),
            &[("status", "resolved"), ("resolution", "已与送物组核实并道歉")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app
        .form(
            &mut c,
            &format!("/complaints/{complaint}/status"),
            &[("status", "resolved"), ("resolution", "再次")],
        )
        .await;
    assert!(r.body.contains("该投诉已办结"), "{}", r.body);
    let att = app.get(&mut c, &format!("/api/v1/stations/{st_a}/attention")).await.body;
    assert!(!att.contains("attention.open_complaint"), "{att}");
    // Both ledgers export, and the page lists them.
    let page = app.get(&mut c, &format!("/stations/{st_a}/incidents")).await;
    assert!(page.body.contains("3楼走廊") && page.body.contains("已与送物组核实并道歉"));
    let x = app.get(&mut c, &format!("/stations/{st_a}/incidents/export.xlsx")).await;
    let rows = xlsx_rows(&x.bytes, "事故与安全事件");
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows.iter().any(|r| r[1] == "事故") && rows.iter().any(|r| r[1] == "火情"));
    let x = app.get(&mut c, &format!("/stations/{st_a}/complaints/export.xlsx")).await;
    let rows = xlsx_rows(&x.bytes, "投诉");
    assert_eq!(rows[1][2], "李*士", "{rows:?}");
    assert_eq!(rows[1][6], "已办结");
});

both_backends!(groups_and_staff, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st_a, st_b) = district(app.db()).await;
    let lead = app.user("zhuanban", Role::StationLead, Scope::Station(st_a), false).await;
    let mut c = app.session_for(lead).await;
    let r = app
        .form(
            &mut c,
            &format!("/stations/{st_a}/groups"),
            &[
                ("name", "医疗组"),
                ("pattern", "three_eights"),
                ("min_per_shift", "2"),
                ("duties", "体温监测、采样"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Same name twice in a station: the name is taken.
    let r = app
        .form(
            &mut c,
            &format!("/stations/{st_a}/groups"),
            &[("name", "医疗组"), ("pattern", "two_twelves"), ("min_per_shift", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let groups = yizhan_store::care::staff::groups(app.db(), st_a).await.unwrap();
    assert_eq!(groups.len(), 1);
    let g = groups[0].id.to_string();
    let person = |name: &'static str, phone: &'static str, group: String| {
        vec![
            ("name", name.to_owned()),
            ("phone", phone.to_owned()),
            ("group_id", group),
            ("organisation", "区人民医院".to_owned()),
            ("post_risk", "high".to_owned()),
            ("loop_status", "in_loop".to_owned()),
            ("loop_start", "2026-01-01".to_owned()),
        ]
    };
    let send = |fields: Vec<(&'static str, String)>| fields;
    for f in [
        send(person("王医生", "13800138000", g.clone())),
        send(person("李护士", "13900139000", g.clone())),
    ] {
        let fields: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = app.form(&mut c, &format!("/stations/{st_a}/staff"), &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    // Bad phone names the field and keeps what was typed; nothing saved.
    let bad = person("赵医生", "12345", g.clone());
    let fields: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.form(&mut c, &format!("/stations/{st_a}/staff"), &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("手机号码") && r.body.contains("赵医生"), "{}", r.body);
    // A group of another station is refused.
    let other = yizhan_store::care::staff::create_group(
        app.db(),
        &yizhan_core::access::Actor::system(),
        st_b,
        &yizhan_core::care::staff::validate_group(&yizhan_core::care::staff::GroupInput {
            name: "安保组".into(),
            pattern: "two_twelves".into(),
            min_per_shift: "1".into(),
            ..Default::default()
        })
        .unwrap(),
    )
    .await
    .unwrap();
    let bad = person("赵医生", "13700137000", other.to_string());
    let fields: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.form(&mut c, &format!("/stations/{st_a}/staff"), &fields).await;
    assert!(r.body.contains("所选工作组不属于本驿站"), "{}", r.body);
    let people = yizhan_store::care::staff::list(app.db(), st_a).await.unwrap();
    assert_eq!(people.len(), 2);
    // A leader, the list with masked phones, and the export.
    let r = app.form(&mut c, &format!("/staff/{}/leader", people[0].id), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        yizhan_store::care::staff::group(app.db(), groups[0].id).await.unwrap().leader_id,
        Some(people[0].id)
    );
    let page = app.get(&mut c, &format!("/stations/{st_a}/staff")).await;
    assert!(page.body.contains("138****8000") && !page.body.contains("13800138000"));
    let x = app.get(&mut c, &format!("/stations/{st_a}/staff/export.xlsx")).await;
    let rows = xlsx_rows(&x.bytes, "人员与工作组");
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(rows[1][0], "王医生");
    assert_eq!(rows[1][1], "138****8000");
    assert_eq!(rows[1][3], "组长");
    // Leaving the loop: monitoring cannot end before the person left.
    let r = app
        .form(
            &mut c,
            &format!("/staff/{}", people[1].id),
            &[
                ("name", "李护士"),
                ("phone", "13900139000"),
                ("group_id", &g),
                ("organisation", "区人民医院"),
                ("post_risk", "high"),
                ("loop_status", "monitoring"),
                ("loop_start", "2026-01-01"),
                ("loop_end", "2026-01-20"),
                ("monitor_until", "2026-01-19"),
            ],
        )
        .await;
    assert!(r.body.contains("健康监测结束日期不能早于离开闭环日期"), "{}", r.body);
    // Another station's staff member by id is not found.
    let other_lead = app.user("other", Role::StationLead, Scope::Station(st_b), false).await;
    let mut o = app.session_for(other_lead).await;
    let r = app.get(&mut o, &format!("/staff/{}/edit", people[0].id)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let _ = json!({});
});

both_backends!(roster_rules_hold_through_the_api, |t: TestDb| async move {
    use yizhan_core::care::roster::{Assignment, Demand, Rules, check};
    let app = App::new(t).await;
    let (_, _, st_a, _) = district(app.db()).await;
    let care = common::care_fixtures(app.db(), st_a, 0).await;
    let lead = app.user("zb", Role::StationLead, Scope::Station(st_a), false).await;
    let mut c = app.session_for(lead).await;
    let from = yizhan_core::time::local_date(yizhan_store::db::now());
    // One person cannot staff three shifts a day: refused, every conflict named, nothing saved.
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/groups/{}/roster", care.group),
            json!({"from": from.to_string(), "days": 7}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    // The error shape the OpenAPI document promises (code and message), plus the conflicts.
    assert_eq!(r.json()["error"]["code"], "rule", "{}", r.body);
    let conflicts = r.json()["error"]["conflicts"].clone();
    assert!(conflicts[0].as_str().unwrap().contains("至少需要 4 人"), "{conflicts}");
    assert!(conflicts.as_array().unwrap().len() > 1);
    assert!(
        yizhan_store::care::roster::of_station(
            app.db(),
            st_a,
            from,
            from + chrono::Duration::days(7)
        )
        .await
        .unwrap()
        .is_empty()
    );
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/groups/{}/roster", care.group),
            json!({"from": from.to_string(), "days": 99}),
        )
        .await;
    assert_eq!(r.json()["error"]["field"], "days", "{}", r.body);
    // Three more: now the week is staffed, one a shift, and the rules hold for every shift.
    for (i, name) in ["李护士", "张医生", "赵护士"].iter().enumerate() {
        let s = yizhan_core::care::staff::validate_staff(
            &yizhan_core::care::staff::StaffInput {
                name: (*name).into(),
                phone: format!("1390013900{i}"),
                group_id: care.group.to_string(),
                organisation: "区人民医院".into(),
                post_risk: "high".into(),
                loop_status: "in_loop".into(),
                loop_start: "2026-01-01".into(),
                ..Default::default()
            },
            yizhan_core::time::local_date(yizhan_store::db::now()),
        )
        .unwrap();
        yizhan_store::care::staff::create(
            app.db(),
            &yizhan_core::access::Actor::system(),
            st_a,
            &s,
        )
        .await
        .unwrap();
    }
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/groups/{}/roster", care.group),
            json!({"from": from.to_string(), "days": 7}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let shifts = yizhan_store::care::roster::of_station(
        app.db(),
        st_a,
        from,
        from + chrono::Duration::days(7),
    )
    .await
    .unwrap();
    assert_eq!(shifts.len(), 21, "7 days × 3 shifts × 1 person");
    let members: Vec<i64> = yizhan_store::care::staff::list(app.db(), st_a)
        .await
        .unwrap()
        .iter()
        .map(|s| s.id)
        .collect();
    let roster: Vec<Assignment> = shifts.iter().map(|s| s.assignment()).collect();
    let demand = Demand {
        pattern: yizhan_core::care::roster::Pattern::ThreeEights,
        rules: Rules::default(),
        members: &members,
        min_per_shift: 1,
        days_off: &[],
        from,
        days: 7,
        before: &[],
    };
    assert_eq!(check(&demand, &roster), vec![]);
    // Who is on duty now comes from the same roster.
    let week = app.get(&mut c, &format!("/api/v1/stations/{st_a}/roster")).await.json();
    let on_duty = week[0]["on_duty"].as_array().unwrap();
    assert_eq!(on_duty.len(), 1, "{week}");
    // A swap that leaves someone too little rest is refused and names them; the roster is
    // unchanged. The person on the next day's first shift taking today's last shift is such a
    // swap (8 h or less between them).
    let last_today = shifts.iter().find(|s| s.day == from && s.shift == 2).unwrap();
    let first_tomorrow =
        shifts.iter().find(|s| s.day == from + chrono::Duration::days(1) && s.shift == 0).unwrap();
    let r = app
        .form(
            &mut c,
            &format!("/groups/{}/roster/swap", care.group),
            &[
                ("day", &from.to_string()),
                ("shift", "2"),
                ("out", &last_today.staff_id.to_string()),
                ("in", &first_tomorrow.staff_id.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains(&first_tomorrow.staff_name) && r.body.contains("只休息"), "{}", r.body);
    let again = yizhan_store::care::roster::of_station(
        app.db(),
        st_a,
        from,
        from + chrono::Duration::days(7),
    )
    .await
    .unwrap();
    assert_eq!(
        again.iter().map(|s| (s.day, s.shift, s.staff_id)).collect::<Vec<_>>(),
        shifts.iter().map(|s| (s.day, s.shift, s.staff_id)).collect::<Vec<_>>()
    );
    // The week exports.
    let x = app.get(&mut c, &format!("/stations/{st_a}/roster/export.xlsx?from={from}")).await;
    let rows = xlsx_rows(&x.bytes, "排班");
    assert_eq!(rows.len(), 1 + 21, "{rows:?}");
    assert!(rows[1][2].starts_with("夜班 00:00–08:00"), "{rows:?}");
});

both_backends!(handovers_carry_open_items_to_the_next_shift, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st_a, _) = district(app.db()).await;
    let care = common::care_fixtures(app.db(), st_a, 0).await;
    let day = app.user("day", Role::StationStaff, Scope::Station(st_a), false).await;
    let night = app.user("night", Role::Medical, Scope::Station(st_a), false).await;
    let mut d = app.session_for(day).await;
    let mut n = app.session_for(night).await;
    let r = app
        .form(
            &mut d,
            &format!("/groups/{}/handovers", care.group),
            &[
                ("day", "2026-01-02"),
                ("shift", "1"),
                ("notes", "302 房夜间咳嗽"),
                ("items", "302 复测体温\n采购口罩"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let list = yizhan_store::care::handovers::recent(app.db(), st_a, 10).await.unwrap();
    let mine = list.iter().find(|h| h.notes == "302 房夜间咳嗽").unwrap();
    let items = yizhan_store::care::handovers::items(app.db(), mine.id).await.unwrap();
    // The fixture's open item came along, then the two new ones.
    let texts: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
    assert_eq!(texts, ["302 房送药", "302 复测体温", "采购口罩"]);
    assert!(items[0].carried_from.is_some());
    // One is done before the next handover; only the others travel on.
    let r = app.form(&mut n, &format!("/handover-items/{}/done", items[1].id), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // The writer cannot acknowledge their own handover; the next shift does, once.
    let r = app.form(&mut d, &format!("/handovers/{}/ack", mine.id), &[]).await;
    assert!(r.body.contains("交班人不能自己确认接班"), "{}", r.body);
    let r = app.form(&mut n, &format!("/handovers/{}/ack", mine.id), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app.form(&mut n, &format!("/handovers/{}/ack", mine.id), &[]).await;
    assert!(r.body.contains("该交接班已确认"), "{}", r.body);
    let r = app
        .form(
            &mut n,
            &format!("/groups/{}/handovers", care.group),
            &[("day", "2026-01-02"), ("shift", "2"), ("notes", "平稳")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let list = yizhan_store::care::handovers::recent(app.db(), st_a, 10).await.unwrap();
    let next = list.iter().find(|h| h.notes == "平稳" && h.shift == 2).unwrap();
    let texts: Vec<String> = yizhan_store::care::handovers::items(app.db(), next.id)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.text)
        .collect();
    assert_eq!(texts, ["302 房送药", "采购口罩"]);
    // The same shift twice is refused.
    let r = app
        .form(
            &mut n,
            &format!("/groups/{}/handovers", care.group),
            &[("day", "2026-01-02"), ("shift", "2"), ("notes", "再写一次")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let page = app.get(&mut n, &format!("/stations/{st_a}/roster")).await;
    assert!(page.body.contains("302 房夜间咳嗽") && page.body.contains("已接班"));
});

both_backends!(the_staff_list_is_paged_and_searched, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st_a, _) = district(app.db()).await;
    let room = common::room(app.db(), st_a, "501", 1).await;
    let guest = common::guest(app.db(), st_a, 7).await;
    let stay = common::check_in(app.db(), st_a, guest, room).await;
    let care = common::care_fixtures(app.db(), st_a, stay).await;
    // The seed's station: 71 people (王医生 and 70 more).
    for n in 1..=70 {
        common::staff_member(
            app.db(),
            st_a,
            care.group,
            &format!("队员{n:02}"),
            &format!("139{n:08}"),
        )
        .await;
    }
    let lead = app.user("lead", Role::StationLead, Scope::Station(st_a), false).await;
    let mut c = app.session_for(lead).await;
    let rows = |body: &str| {
        let table = body.split("data-testid=\"staff-table\"").nth(1).unwrap();
        table.split("</table>").next().unwrap().matches("<tr").count() - 1
    };
    let first = app.get(&mut c, &format!("/stations/{st_a}/staff")).await.body;
    assert_eq!(rows(&first), 50);
    assert!(first.contains("第 1–50 条，共 71 条"), "{first}");
    assert!(first.contains("data-testid=\"list-q\""), "a search box");
    let second = app.get(&mut c, &format!("/stations/{st_a}/staff?page=2")).await.body;
    assert_eq!(rows(&second), 21);
    assert!(second.contains("rel=\"prev\"") && !second.contains("rel=\"next\""));
    // 队员0 finds 队员01–09 and nobody else; every word counts, in any column (the organisation
    // and the name); phones are not searched.
    let found = app.get(&mut c, &format!("/stations/{st_a}/staff?q=%E9%98%9F%E5%91%980")).await;
    assert_eq!(rows(&found.body), 9, "{}", found.body);
    assert!(found.body.contains("队员09") && !found.body.contains("队员10"));
    let both = "%E5%8C%BA%E4%BA%BA%E6%B0%91+%E9%98%9F%E5%91%9807";
    let found = app.get(&mut c, &format!("/stations/{st_a}/staff?q={both}")).await;
    assert_eq!(rows(&found.body), 1, "{}", found.body);
    let none = app.get(&mut c, &format!("/stations/{st_a}/staff?q=13900000001")).await.body;
    assert!(!none.contains("data-testid=\"staff-table\""), "{none}");
    let bad = app.get(&mut c, &format!("/stations/{st_a}/staff?page=x")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Sorted by a column's heading, either way; a column the list has not is refused.
    let first_row = |body: &str| {
        let table = body.split("data-testid=\"staff-table\"").nth(1).unwrap();
        let row = table.split("<tbody>").nth(1).unwrap();
        row.split("</tr>").next().unwrap().to_owned()
    };
    let down = app.get(&mut c, &format!("/stations/{st_a}/staff?sort=-name")).await.body;
    assert!(first_row(&down).contains("队员70"), "{}", first_row(&down));
    assert!(down.contains(&format!("/stations/{st_a}/staff?sort=name\"")), "the way back up");
    assert!(down.contains("aria-sort=\"descending\""));
    let up = app.get(&mut c, &format!("/stations/{st_a}/staff?sort=name&page=2")).await.body;
    assert!(first_row(&up).contains("队员50"), "page 2 of the sorted list: {}", first_row(&up));
    // The pager keeps the sort (askama writes & as &#38;).
    assert!(up.contains("staff?sort=name&#38;page=1\" rel=\"prev\""), "{up}");
    let r = app.get(&mut c, &format!("/stations/{st_a}/staff?sort=phone")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A save says so once, on the page it leads to; a refused form does not.
    let staff_form = |name: &'static str, phone: &'static str| {
        vec![
            ("name", name),
            ("phone", phone),
            ("organisation", "区人民医院"),
            ("post_risk", "high"),
            ("loop_status", "in_loop"),
            ("loop_start", "2026-01-01"),
        ]
    };
    let refused =
        app.form(&mut c, &format!("/stations/{st_a}/staff"), &staff_form("", "13912345678")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(!c.cookies.contains_key("yz_saved"));
    let saved = app
        .form(&mut c, &format!("/stations/{st_a}/staff"), &staff_form("队员99", "13912345678"))
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert!(c.cookies.contains_key("yz_saved"));
    let after = app.get(&mut c, &saved.location()).await.body;
    assert!(after.contains("data-testid=\"toast-saved\"") && after.contains("已保存"), "{after}");
    assert!(!c.cookies.contains_key("yz_saved"), "shown once");
    let again = app.get(&mut c, &saved.location()).await.body;
    assert!(!again.contains("toast-saved"));
});

both_backends!(a_group_is_changed_and_says_its_floors, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st_a, st_b) = district(app.db()).await;
    let lead = app.user("zhuanban", Role::StationLead, Scope::Station(st_a), false).await;
    let mut c = app.session_for(lead).await;
    let f = [("name", "医疗组"), ("pattern", "three_eights"), ("min_per_shift", "2")];
    app.form(&mut c, &format!("/stations/{st_a}/groups"), &f).await;
    let g = yizhan_store::care::staff::groups(app.db(), st_a).await.unwrap()[0].id;
    assert_eq!(yizhan_store::care::staff::group(app.db(), g).await.unwrap().floors, None);

    // Every refusal at once: no name, floors the wrong way round.
    let bad =
        [("name", ""), ("pattern", "three_eights"), ("min_per_shift", "2"), ("floors", "5-3")];
    let r = app.form(&mut c, &format!("/groups/{g}"), &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("负责楼层") && r.body.contains("名称"), "{}", r.body);
    let kept = yizhan_store::care::staff::group(app.db(), g).await.unwrap();
    assert_eq!((kept.name.as_str(), kept.floors), ("医疗组", None), "nothing saved");

    // Floors as a station writes them, kept in order.
    let good = [
        ("name", "医疗一组"),
        ("pattern", "two_twelves"),
        ("min_per_shift", "1"),
        ("floors", "8， 3～5"),
        ("duties", "巡查、采样"),
    ];
    let r = app.form(&mut c, &format!("/groups/{g}"), &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let now = yizhan_store::care::staff::group(app.db(), g).await.unwrap();
    assert_eq!(
        (now.name.as_str(), now.floors.as_deref(), now.min_per_shift),
        ("医疗一组", Some("3-5,8"), 1)
    );
    let page = app.get(&mut c, &format!("/stations/{st_a}/staff")).await.body;
    assert!(page.contains("data-testid=\"group-floors\">3-5,8<"), "{page}");

    // Another station's lead cannot.
    let other = app.user("other", Role::StationLead, Scope::Station(st_b), false).await;
    let mut o = app.session_for(other).await;
    assert_eq!(
        app.form(&mut o, &format!("/groups/{g}"), &good).await.status,
        StatusCode::NOT_FOUND
    );
});
