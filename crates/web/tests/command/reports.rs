//! The daily situation report on SQLite and PostgreSQL: every figure against a fixture whose
//! numbers are known, a station with missing records marked incomplete, the page, .xlsx and
//! .docx read back, and the scheduled job run by exactly one of two nodes.

use crate::common;

use axum::http::StatusCode;
use common::{App, check_in, district, guest, room};
use yizhan_core::access::{Actor, Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::db::{now, q};
use yizhan_store::testing::TestDb;

both_backends!(report_figures_match_a_known_station, |t: TestDb| async move {
    let app = App::new(t).await;
    let db = app.db();
    let (_, _, st_a, _st_b) = district(db).await;
    let sys = Actor::system();
    let today = yizhan_core::time::local_date(now());
    // Eight rooms; six guests checked in today.
    let mut rooms = Vec::new();
    for n in 101..=108 {
        rooms.push(room(db, st_a, &n.to_string(), 1).await);
    }
    let mut stays = Vec::new();
    for n in 0..6 {
        let g = guest(db, st_a, n).await;
        stays.push(check_in(db, st_a, g, rooms[n as usize]).await);
    }
    // One released (room awaiting disinfection), one to hospital (room sealed), one room under
    // maintenance, one free.
    for (stay, outcome, room_id, state) in [
        (stays[4], "released", rooms[4], "awaiting_disinfection"),
        (stays[5], "transferred_hospital", rooms[5], "sealed"),
    ] {
        db.execute(
            q("UPDATE stays SET ended_at = $1, outcome = $2 WHERE id = $3")
                .bind(now())
                .bind(outcome)
                .bind(stay),
        )
        .await
        .unwrap();
        db.execute(q("UPDATE rooms SET state = $1 WHERE id = $2").bind(state).bind(room_id))
            .await
            .unwrap();
    }
    db.execute(q("UPDATE rooms SET state = 'maintenance' WHERE id = $1").bind(rooms[7]))
        .await
        .unwrap();
    // Tests: two due today (one sampled, awaiting its result), a positive from an earlier day
    // that came back today.
    db.execute(q("DELETE FROM stay_tests")).await.unwrap();
    for (stay, day, due, sampled, result) in [
        (stays[0], 1, today, true, None),
        (stays[1], 1, today, false, None),
        (stays[2], 1, today - chrono::Duration::days(1), true, Some("positive")),
    ] {
        db.execute(
            q("INSERT INTO stay_tests (stay_id, day, due_date, sampled_at, sampled_by, result, result_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(stay)
                .bind(day)
                .bind(due)
                .bind(sampled.then(now))
                .bind(sampled.then_some("护士"))
                .bind(result)
                .bind(result.map(|_| now())),
        )
        .await
        .unwrap();
    }
    // Three readings, one of them a fever.
    for (stay, tenths) in [(stays[0], 365), (stays[1], 378), (stays[3], 366)] {
        db.execute(
            q("INSERT INTO health_checks (stay_id, station_id, day, slot, temperature, symptoms, recorded_by, recorded_at)
               VALUES ($1, $2, $3, 'am', $4, '', '护士', $5)")
            .bind(stay)
            .bind(st_a)
            .bind(today)
            .bind(tenths as i64)
            .bind(now()),
        )
        .await
        .unwrap();
    }
    // Staff, an incident and a complaint (on the first stay), an inspection started today and
    // its rectification, then: one person rostered and tested, a counselling session, a low
    // supply, and the rectification past its deadline.
    let care = common::care_fixtures(db, st_a, stays[0]).await;
    db.execute(
        q("INSERT INTO roster_shifts (group_id, staff_id, day, shift, created_at) VALUES ($1, $2, $3, 0, $4)")
            .bind(care.group)
            .bind(care.staff)
            .bind(today)
            .bind(now()),
    )
    .await
    .unwrap();
    db.execute(
        q("INSERT INTO staff_tests (staff_id, day, status, result, recorded_by, recorded_at) VALUES ($1, $2, 'done', 'negative', '护士', $3)")
            .bind(care.staff)
            .bind(today)
            .bind(now()),
    )
    .await
    .unwrap();
    db.execute(
        q("INSERT INTO counselling_sessions (station_id, stay_id, counsellor_id, counsellor, held_at, minutes, risk, notes, created_at)
           VALUES ($1, $2, 1, '心理咨询师', $3, 30, 'low', '情绪平稳', $3)")
        .bind(st_a)
        .bind(stays[3])
        .bind(now()),
    )
    .await
    .unwrap();
    yizhan_store::care::supplies::create_item(
        db,
        &sys,
        st_a,
        &yizhan_core::care::supplies::NewItem {
            name: "消毒片".into(),
            category: yizhan_core::care::supplies::Category::Disinfectant,
            unit: "瓶".into(),
            low_threshold: 10,
            stock: 5,
        },
    )
    .await
    .unwrap();
    db.execute(
        q("UPDATE rectifications SET deadline = $1 WHERE id = $2")
            .bind(today - chrono::Duration::days(1))
            .bind(care.rectification),
    )
    .await
    .unwrap();

    // Two guests' requests today: one answered within its deadline, one after it.
    use yizhan_core::station::guest_request::{NewRequest, RequestKind, RequestState};
    use yizhan_store::station::guest_requests;
    let mut asked = Vec::new();
    for (stay, kind) in [(stays[0], RequestKind::Medicine), (stays[1], RequestKind::Complaint)] {
        let r = NewRequest { kind, text: "x".into() };
        let id = guest_requests::create(db, stay, &r).await.unwrap();
        let sys = yizhan_core::access::Actor::system();
        guest_requests::answer(
            db,
            &sys,
            id,
            RequestState::Received,
            RequestState::Done,
            Some("ok"),
        )
        .await
        .unwrap();
        asked.push(id);
    }
    db.execute(
        q("UPDATE guest_requests SET due_at = $1, done_at = $2 WHERE id = $3")
            .bind(yizhan_store::db::now() - chrono::Duration::minutes(10))
            .bind(yizhan_store::db::now())
            .bind(asked[1]),
    )
    .await
    .unwrap();

    // The commander makes today's report so far.
    let cmd = app.user("zhihui", Role::Commander, Scope::District, false).await;
    let mut c = app.session_for(cmd).await;
    let r = app.form(&mut c, "/reports", &[("day", &today.to_string())]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let tomorrow = (today + chrono::Duration::days(1)).to_string();
    let r = app.form(&mut c, "/reports", &[("day", &tomorrow)]).await;
    assert!(r.body.contains("不能生成未来日期的日报"), "{}", r.body);

    let json = app.get(&mut c, &format!("/api/v1/reports/{today}")).await.json();
    let a = json["stations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["station_id"] == st_a)
        .unwrap()
        .clone();
    let want = [
        ("rooms_total", 8),
        ("rooms_occupied", 4),
        ("rooms_free", 1),
        ("rooms_awaiting", 1),
        ("rooms_out_of_service", 2),
        ("guests_in_stay", 4),
        ("guests_new", 6),
        ("guests_released", 1),
        ("guests_transferred", 1),
        ("tests_due", 2),
        ("tests_done", 1),
        ("tests_pending", 1),
        ("tests_positive", 1),
        ("health_checks", 3),
        ("abnormal_temperatures", 1),
        ("key_attention", 3),
        ("staff_on_duty", 1),
        ("staff_tests_done", 1),
        ("staff_tests_missed", 0),
        ("incidents", 1),
        ("complaints", 1),
        ("counselling", 1),
        ("requests", 2),
        ("requests_in_time", 1),
        ("supplies_low", 1),
        ("inspections", 1),
        ("overdue_rectifications", 1),
    ];
    let mut wrong = Vec::new();
    for (k, v) in want {
        if a[k] != v {
            wrong.push(format!("{k}: {} (want {v})", a[k]));
        }
    }
    assert!(wrong.is_empty(), "{wrong:?}");
    // The report counts every station's key attention in one read; the station's own list
    // judges its stays one station at a time: the same people.
    let list = app.get(&mut c, &format!("/api/v1/stations/{st_a}/attention")).await.json();
    assert_eq!(list.as_array().unwrap().len(), 3, "{list}");
    assert_eq!(a["by_category"]["cross_border_driver"], 4);
    assert_eq!(a["missing"].as_array().unwrap().len(), 0, "{a}");
    // Station B has no rooms and nobody rostered: incomplete, and so is the district, by name.
    let b = json["stations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["station_id"] != st_a)
        .unwrap()
        .clone();
    assert_eq!(b["missing"], serde_json::json!(["report.missing.rooms", "report.missing.roster"]));
    assert_eq!(json["district"]["missing"], serde_json::json!([b["station"]]));
    // Beside the codes, the text in the caller's language (the one chosen with POST /lang).
    assert_eq!(b["missing_text"], serde_json::json!(["未登记房间", "当日无排班"]));
    assert_eq!(json["district"]["missing_text"], serde_json::json!([b["station"]]));
    app.form(&mut c, "/lang", &[("lang", "en")]).await;
    let en = app.get(&mut c, &format!("/api/v1/reports/{today}")).await.json();
    let b_en = en["stations"].as_array().unwrap().iter().find(|s| s["station_id"] != st_a).unwrap();
    assert_eq!(
        b_en["missing_text"],
        serde_json::json!(["no rooms registered", "nobody rostered that day"])
    );
    assert_eq!(b_en["missing"], b["missing"]);
    app.form(&mut c, "/lang", &[("lang", "zh-CN")]).await;
    assert_eq!(json["district"]["rooms_total"], 8);
    assert_eq!(json["district"]["guests_in_stay"], 4);

    // The page, the sheet and the document say the same.
    let page = app.get(&mut c, &format!("/reports/{today}")).await;
    assert!(page.body.contains("数据不全") && page.body.contains("未登记房间"), "{}", page.body);
    assert!(app.get(&mut c, "/reports").await.body.contains(&today.to_string()));
    let x = app.get(&mut c, &format!("/reports/{today}/export.xlsx")).await;
    let rows = common::xlsx_rows(&x.bytes, "疫情防控日报");
    let header = &rows[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let row_a = rows.iter().find(|r| r[1] == "卓汇健康驿站").unwrap();
    assert_eq!(row_a[col("在住人数")], "4");
    assert_eq!(row_a[col("重点关注")], "3");
    assert_eq!(row_a[col("逾期整改")], "1");
    assert_eq!((row_a[col("住客诉求")].as_str(), row_a[col("诉求按时办结")].as_str()), ("2", "1"));
    let total = rows.last().unwrap();
    assert_eq!((total[1].as_str(), total[col("房间总数")].as_str()), ("全区合计", "8"));
    let d = app.get(&mut c, &format!("/reports/{today}/export.docx")).await;
    let text = yizhan_web::kit::docx::text_of(&d.bytes).unwrap();
    assert!(text.contains(&format!("全区健康驿站疫情防控日报（{today}）")), "{text}");
    assert!(text.contains("全区合计") && text.contains("跨境司机 4"), "{text}");
    // Station users cannot read the district report.
    let lead = app.user("lead", Role::StationLead, Scope::Station(st_a), false).await;
    let mut l = app.session_for(lead).await;
    assert_eq!(
        app.get(&mut l, &format!("/api/v1/reports/{today}")).await.status,
        StatusCode::FORBIDDEN
    );
});

both_backends!(the_report_job_runs_once_across_two_nodes, |t: TestDb| async move {
    // Two nodes: two connection pools on the same database, each with its own application.
    let second = yizhan_store::Db::connect(&yizhan_store::db::ConnectOptions {
        url: t.url.clone(),
        max_connections: 4,
    })
    .await
    .unwrap();
    let (_, _, a) = yizhan_web::build_with_state(t.db.clone(), yizhan_web::WebConfig::default());
    let (_, _, b) = yizhan_web::build_with_state(second.clone(), yizhan_web::WebConfig::default());
    let day: chrono::NaiveDate = "2026-03-10".parse().unwrap();
    let at = |h: i64, m: i64| {
        yizhan_core::time::day_start_utc(day)
            + chrono::Duration::hours(h)
            + chrono::Duration::minutes(m)
    };
    // Before 07:00 nobody runs it.
    assert_eq!(yizhan_web::jobs::daily_report::tick(&a, "a", at(6, 59)).await.unwrap(), None);
    // From 07:00 both nodes tick every 30 s, at the same moments: one report, made once.
    let mut made = Vec::new();
    for n in 0..10 {
        let when = at(7, 0) + chrono::Duration::seconds(30 * n);
        let (x, y) = tokio::join!(
            yizhan_web::jobs::daily_report::tick(&a, "node-a", when),
            yizhan_web::jobs::daily_report::tick(&b, "node-b", when)
        );
        made.extend(x.unwrap().map(|d| ("node-a", d)));
        made.extend(y.unwrap().map(|d| ("node-b", d)));
    }
    assert_eq!(made.len(), 1, "{made:?}");
    assert_eq!(made[0].1, day - chrono::Duration::days(1));
    let runs = yizhan_store::command::reports::runs(&t.db, yizhan_web::jobs::daily_report::JOB)
        .await
        .unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].node, made[0].0);
    assert!(runs[0].finished_at.is_some());
    let archive = yizhan_store::command::reports::archive(&t.db, 10).await.unwrap();
    assert_eq!(archive.len(), 1);
    assert_eq!(archive[0].generated_by, "system");
    // The next morning makes the next day's report.
    let (x, y) = tokio::join!(
        yizhan_web::jobs::daily_report::tick(&a, "node-a", at(31, 0)),
        yizhan_web::jobs::daily_report::tick(&b, "node-b", at(31, 0))
    );
    let next: Vec<_> = [x.unwrap(), y.unwrap()].into_iter().flatten().collect();
    assert_eq!(next, vec![day]);
    second.close().await;
});
