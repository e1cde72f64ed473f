//! Health monitoring, tests, key attention, certificates, policies, exports and KPIs through the
//! real router, each on SQLite and PostgreSQL.

use crate::common;

use axum::http::{Method, StatusCode};
use common::{App, district, xlsx_rows};
use serde_json::json;
use tower::ServiceExt;
use yizhan_core::access::{Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

both_backends!(round_tests_attention_and_certificate, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st_a, _) = district(app.db()).await;
    let room = common::room(app.db(), st_a, "301", 1).await;
    let gid = common::guest(app.db(), st_a, 1).await;
    let medical = app.user("medical", Role::Medical, Scope::Station(st_a), false).await;
    let mut c = app.session_for(medical).await;
    // Checked in 15 days ago under 14+7 (tests on days 1, 4, 7, 14).
    let p147 = yizhan_store::station::policies::list(app.db())
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.code == "14+7")
        .unwrap()
        .id;
    let sid = yizhan_store::station::stays::check_in(
        app.db(),
        &yizhan_core::access::Actor::system(),
        &yizhan_store::station::stays::CheckIn {
            station_id: st_a,
            guest_id: gid,
            room_id: room,
            policy_id: p147,
            at: yizhan_store::db::now() - chrono::Duration::days(15),
        },
    )
    .await
    .unwrap()
    .id;
    // A fever in the round: saved, alert raised, on the attention list.
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/stays/{sid}/health"),
            json!({"temperature": 38.1}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.json()["alert_id"].is_i64());
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/stays/{sid}/health"),
            json!({"temperature": "36.55"}),
        )
        .await;
    assert_eq!(r.json()["error"]["field"], "temperature");
    let att = app.get(&mut c, &format!("/api/v1/stations/{st_a}/attention")).await.json();
    assert_eq!(att[0]["stay_id"], sid);
    assert_eq!(att[0]["reasons"][0], "attention.fever");
    assert_eq!(
        (att[0]["level"].as_str(), att[0]["tones"][0].as_str()),
        (Some("urgent"), Some("danger"))
    );
    // The round page, htmx style: the row comes back saved.
    let mut hx = c.clone();
    let form = format!("temperature=36.6&symptom=&day=&slot=&_csrf={}", hx.csrf.clone().unwrap());
    let resp = app
        .router
        .clone()
        .oneshot(
            axum::http::Request::post(format!("/stays/{sid}/health"))
                .header("content-type", "application/x-www-form-urlencoded")
                .header("hx-request", "true")
                .header("cookie", format!("yz_session={}", hx.cookies["yz_session"]))
                .body(axum::body::Body::from(form))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let frag = String::from_utf8(
        http_body_util::BodyExt::collect(resp.into_body()).await.unwrap().to_bytes().to_vec(),
    )
    .unwrap();
    assert!(frag.contains("✓ 36.6℃") && !frag.contains("<html"), "{frag}");
    let _ = &mut hx;
    // A day that is not a date was silently today (the document says `format: date`).
    let r = app.get(&mut c, &format!("/api/v1/stations/{st_a}/tests?day=31.12.2026")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "day");
    let blank = app.get(&mut c, &format!("/api/v1/stations/{st_a}/tests?day=")).await.json();
    // Sample all four tests; two tubes share a barcode: refused.
    let due = app.get(&mut c, &format!("/api/v1/stations/{st_a}/tests")).await.json();
    assert_eq!(blank, due, "a blank day is today");
    let ids: Vec<i64> = due.as_array().unwrap().iter().map(|t| t["id"].as_i64().unwrap()).collect();
    assert_eq!(ids.len(), 4, "all four are overdue or due: {due}");
    assert!(due[0]["guest_name"].as_str().unwrap().contains('*'), "masked");
    for (i, id) in ids.iter().enumerate() {
        let r = app
            .json(
                &mut c,
                Method::POST,
                &format!("/api/v1/tests/{id}/sample"),
                json!({"barcode": format!("t-{i}")}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/tests/{}/sample", ids[1]),
            json!({"barcode": "T-0"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // Results in bulk: one unknown barcode and one bad value → nothing saved, both rows named.
    let r = app.json(&mut c, Method::POST, &format!("/api/v1/stations/{st_a}/tests/results"), json!({"rows": [
        {"barcode": "T-0", "result": "阴性"}, {"barcode": "T-9", "result": "阴性"}, {"barcode": "T-1", "result": "可疑"}]})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let rows: Vec<i64> =
        r.json()["report"].as_array().unwrap().iter().map(|e| e["row"].as_i64().unwrap()).collect();
    assert_eq!(rows, vec![3, 4]);
    // A NUL in a barcode was a 500 on PostgreSQL (found by API fuzzing): a row of the report.
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/stations/{st_a}/tests/results"),
            json!({"rows": [
        {"barcode": "T-0", "result": "阴性"}, {"barcode": "T-\u{0}1", "result": "阴性"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "rows");
    assert_eq!(r.json()["report"][0]["row"], 3, "{}", r.body);
    assert_eq!(r.json()["report"][0]["column"], "barcode", "{}", r.body);
    assert!(
        yizhan_store::station::stays::tests(app.db(), sid)
            .await
            .unwrap()
            .iter()
            .all(|t| t.result.is_none()),
        "nothing half-imported"
    );
    // The same through an uploaded .xlsx on the page: all four negative.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in
        [["条码", "结果"], ["T-0", "阴性"], ["T-1", "阴性"], ["T-2", "阴性"], ["T-3", "阴性"]]
            .iter()
            .enumerate()
    {
        for (col, v) in row.iter().enumerate() {
            ws.write_string(r as u32, col as u16, *v).unwrap();
        }
    }
    let xlsx = wb.save_to_buffer().unwrap();
    let boundary = "yizhanboundary";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"results.xlsx\"\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n").into_bytes();
    body.extend_from_slice(&xlsx);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let token = c.csrf.clone().unwrap();
    let r = app
        .send(
            &mut c,
            Method::POST,
            &format!("/stations/{st_a}/tests/import?_csrf={token}"),
            Some(&format!("multipart/form-data; boundary={boundary}")),
            body,
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body.contains("已导入结果条数： 4")
            || r.body.contains("已导入结果条数：4")
            || r.body.contains("data-testid=\"import-ok\""),
        "{}",
        r.body
    );
    assert!(
        yizhan_store::station::stays::tests(app.db(), sid)
            .await
            .unwrap()
            .iter()
            .all(|t| t.result.map(|r| r.as_str()) == Some("negative"))
    );
    // The open fever alert still blocks release; closing it (with a note) clears the way.
    let staff = app.user("staff", Role::StationStaff, Scope::Station(st_a), false).await;
    let mut s = app.session_for(staff).await;
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/stays/{sid}/check-out"),
            json!({"outcome": "released"}),
        )
        .await;
    assert!(
        r.json()["error"]["message"].as_str().unwrap().contains("未关闭的异常提醒"),
        "{}",
        r.body
    );
    // From the 待解除 list: the same refusal, shown on the list; the API says what blocks it.
    let r = app.form(&mut c, &format!("/stays/{sid}/release"), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("未关闭的异常提醒") && r.body.contains("releases-table"), "{}", r.body);
    let due = app.get(&mut c, &format!("/api/v1/stations/{st_a}/releases")).await.json();
    let mine = due.as_array().unwrap().iter().find(|d| d["stay_id"] == sid).unwrap().clone();
    assert_eq!(mine["blockers"], json!([{"kind": "open_alerts", "count": 1}]), "{due}");
    assert_eq!(mine["name"], "陈**1");
    let alerts = yizhan_store::station::health::open_alerts(app.db(), st_a).await.unwrap();
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/alerts/{}/close", alerts[0].id),
            json!({"note": "复测36.6℃，正常"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app
        .json(
            &mut s,
            Method::POST,
            &format!("/api/v1/stays/{sid}/check-out"),
            json!({"outcome": "released"}),
        )
        .await;
    assert_eq!(
        r.json()["error"]["message"],
        "解除隔离须由医护人员或专班负责人确认。",
        "staff cannot approve a release"
    );
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/stays/{sid}/check-out"),
            json!({"outcome": "released"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // A certificate with a QR link that anyone can check.
    let cert = yizhan_store::station::stays::certificate_of(app.db(), sid).await.unwrap().unwrap();
    let page = app.get(&mut s, &format!("/stays/{sid}/certificate")).await.body;
    assert!(page.contains(&cert.number) && page.contains("<svg"), "{page}");
    // The holder's own paper: the full name and document number, the station, the dates and
    // where the seal goes; opening it is an audited reveal.
    assert!(page.contains("兹证明 陈大文1（港澳居民来往内地通行证：H10000001）"), "{page}");
    assert!(page.contains("（盖章）") && !page.contains("陈**1"), "{page}");
    let reveal = yizhan_store::admin::audit::recent(app.db(), 5)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.action == "guest.reveal")
        .expect("the certificate's reveal is audited");
    assert!(reveal.detail.to_string().contains("certificate"), "{:?}", reveal.detail);
    let mut anon = app.anon().await;
    let ok = app.get(&mut anon, &format!("/verify/{}?c={}", cert.number, cert.code)).await.body;
    assert!(ok.contains("data-testid=\"verify-valid\"") && ok.contains("陈**1"), "{ok}");
    // The public check shows the check-in date (it was blank) and no document number.
    let stay = yizhan_store::station::stays::get(app.db(), sid).await.unwrap();
    let checked_in = yizhan_core::time::local_date(stay.checked_in_at).to_string();
    assert!(ok.contains(&checked_in) && !ok.contains("H10000001"), "{ok}");
    let bad = app.get(&mut anon, &format!("/verify/{}?c=000000000000", cert.number)).await.body;
    assert!(bad.contains("data-testid=\"verify-invalid\"") && !bad.contains("陈**1"));
    // The code is 128 random bits, nothing computed from the number; a wrong code and a
    // number that does not exist get the same page.
    assert_eq!(cert.code.len(), 32);
    assert!(cert.code.chars().all(|c| c.is_ascii_hexdigit()));
    let missing_number = format!("{}9", cert.number);
    let missing =
        app.get(&mut anon, &format!("/verify/{missing_number}?c={}", cert.code)).await.body;
    assert_eq!(missing.replace(&missing_number, "N"), bad.replace(&cert.number, "N"));
    let no_code = app.get(&mut anon, &format!("/verify/{}", cert.number)).await.body;
    assert_eq!(no_code, bad);
    // Any case, as a person might type it from the paper.
    let upper = app
        .get(&mut anon, &format!("/verify/{}?c={}", cert.number, cert.code.to_uppercase()))
        .await
        .body;
    assert!(upper.contains("data-testid=\"verify-valid\""));
    // A positive result in another stay seals its room at once.
    let room2 = common::room(app.db(), st_a, "302", 1).await;
    let g2 = common::guest(app.db(), st_a, 2).await;
    let s2 = common::check_in(app.db(), st_a, g2, room2).await;
    let t2 = yizhan_store::station::stays::tests(app.db(), s2).await.unwrap()[0].id;
    app.json(
        &mut c,
        Method::POST,
        &format!("/api/v1/tests/{t2}/sample"),
        json!({"barcode": "P-1"}),
    )
    .await;
    let r = app
        .json(
            &mut c,
            Method::POST,
            &format!("/api/v1/tests/{t2}/result"),
            json!({"result": "positive"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(app.get(&mut c, &format!("/api/v1/rooms/{room2}")).await.json()["state"], "sealed");
    let att = app.get(&mut c, &format!("/api/v1/stations/{st_a}/attention")).await.json();
    assert_eq!(att[0]["reasons"][0], "attention.test_positive", "most urgent first: {att}");
    yizhan_store::testing::assert_counters_agree(app.db()).await;
});

both_backends!(commanders_publish_dated_policy_versions, |t: TestDb| async move {
    let app = App::new(t).await;
    let cmd = app.user("cmd", Role::Commander, Scope::District, false).await;
    let mut c = app.session_for(cmd).await;
    let today = yizhan_core::time::local_date(yizhan_store::db::now()).to_string();
    let r = app
        .form(
            &mut c,
            "/policies",
            &[
                ("code", "7+3"),
                ("name_zh", "7+3（新版）"),
                ("centralized_days", "7"),
                ("home_days", "3"),
                ("test_days", "1，3、7"),
                ("sample_type", "throat"),
                ("valid_from", &today),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let now = yizhan_core::time::local_date(yizhan_store::db::now());
    let live =
        yizhan_store::station::policies::in_force(app.db(), "7+3", now).await.unwrap().unwrap();
    assert_eq!((live.name_zh.as_str(), live.test_days.as_str()), ("7+3（新版）", "1,3,7"));
    let old =
        yizhan_store::station::policies::in_force(app.db(), "7+3", now - chrono::Duration::days(1))
            .await
            .unwrap()
            .unwrap();
    assert_eq!(old.test_days, "1,2,3,5,7", "yesterday the seeded version was in force");
    // A test day outside the period names the field.
    let r = app
        .form(
            &mut c,
            "/policies",
            &[
                ("code", "x"),
                ("name_zh", "x"),
                ("centralized_days", "5"),
                ("home_days", "0"),
                ("test_days", "1,9"),
                ("sample_type", "throat"),
                ("valid_from", &today),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("核酸检测日"), "field named");
    // A street commander cannot publish district-wide policies.
    let street = app.user("street", Role::Commander, Scope::Street(1), false).await;
    let mut s = app.session_for(street).await;
    let r = app.form(&mut s, "/policies", &[("code", "y")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
});

both_backends!(
    stay_and_health_exports_are_masked_unless_allowed_and_audited,
    |t: TestDb| async move {
        let app = App::new(t).await;
        let (_, _, st_a, _) = district(app.db()).await;
        let room = common::room(app.db(), st_a, "301", 1).await;
        let g = common::guest(app.db(), st_a, 1).await;
        let sid = common::check_in(app.db(), st_a, g, room).await;
        let check = yizhan_core::station::health::validate_health_check(
            &yizhan_core::station::health::HealthCheckInput {
                temperature: "36.8".into(),
                symptoms: vec!["cough".into()],
                note: String::new(),
            },
        )
        .unwrap();
        yizhan_store::station::health::record(
            app.db(),
            &yizhan_core::access::Actor::system(),
            sid,
            yizhan_core::time::local_date(yizhan_store::db::now()),
            yizhan_core::station::health::Slot::Am,
            &check,
        )
        .await
        .unwrap();
        let viewer = app.user("viewer", Role::Viewer, Scope::District, false).await;
        let mut v = app.session_for(viewer).await;
        let rows = xlsx_rows(
            &app.get(&mut v, &format!("/stations/{st_a}/stays/export.xlsx")).await.bytes,
            "入住记录",
        );
        assert_eq!(rows[1][0], "陈**1");
        assert_eq!(rows[1][1], "H*******1");
        let rows = xlsx_rows(
            &app.get(&mut v, &format!("/stations/{st_a}/health/export.xlsx")).await.bytes,
            "体温记录",
        );
        assert_eq!(
            (rows[1][3].as_str(), rows[1][4].as_str(), rows[1][5].as_str()),
            ("陈**1", "36.8", "咳嗽")
        );
        // The sign in words, as on the round.
        assert_eq!((rows[0][6].as_str(), rows[1][6].as_str()), ("提示", "有症状"));
        // A viewer may not unmask; the lead may, and it is audited.
        assert_eq!(
            app.get(&mut v, &format!("/stations/{st_a}/stays/export.xlsx?unmasked=1")).await.status,
            StatusCode::FORBIDDEN
        );
        let lead = app.user("lead", Role::StationLead, Scope::Station(st_a), false).await;
        let mut l = app.session_for(lead).await;
        let rows = xlsx_rows(
            &app.get(&mut l, &format!("/stations/{st_a}/stays/export.xlsx?unmasked=1")).await.bytes,
            "入住记录",
        );
        assert_eq!((rows[1][0].as_str(), rows[1][1].as_str()), ("陈大文1", "H10000001"));
        let audited = yizhan_store::admin::audit::recent(app.db(), 10)
            .await
            .unwrap()
            .into_iter()
            .any(|a| a.action == "export.unmasked");
        assert!(audited);
    }
);

both_backends!(kpis_per_period_with_days_since, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st_a, _) = district(app.db()).await;
    let room = common::room(app.db(), st_a, "301", 1).await;
    let g = common::guest(app.db(), st_a, 1).await;
    let sid = common::check_in(app.db(), st_a, g, room).await;
    yizhan_store::station::stays::check_out(
        app.db(),
        &yizhan_core::access::Actor::system(),
        sid,
        yizhan_core::station::stay::Outcome::TurnedBack,
        Some("劝返"),
    )
    .await
    .unwrap();
    let lead = app.user("lead", Role::StationLead, Scope::Station(st_a), false).await;
    let mut c = app.session_for(lead).await;
    let k = app.get(&mut c, &format!("/api/v1/stations/{st_a}/kpis")).await.json();
    assert_eq!(
        (
            k["counts"]["turned_back"].as_i64(),
            k["counts"]["check_ins"].as_i64(),
            k["counts"]["positives"].as_i64()
        ),
        (Some(1), Some(1), Some(0))
    );
    assert_eq!(k["days_since_turned_back"], 0);
    assert!(k["days_since_positive"].is_null());
    let k = app
        .get(&mut c, &format!("/api/v1/stations/{st_a}/kpis?from=2021-01-01&to=2021-01-31"))
        .await
        .json();
    assert_eq!(k["counts"]["turned_back"], 0, "a past period counts nothing");
    let r = app
        .get(&mut c, &format!("/api/v1/stations/{st_a}/kpis?from=2021-02-01&to=2021-01-01"))
        .await;
    assert_eq!(r.json()["error"]["field"], "period_to");
    let r = app.get(&mut c, &format!("/api/v1/stations/{st_a}/kpis?from=2021-02-30")).await;
    assert_eq!(r.json()["error"]["field"], "period_from");
});

both_backends!(the_guest_page_records_a_symptom_checklist, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st_a, _) = district(app.db()).await;
    let room = common::room(app.db(), st_a, "301", 1).await;
    let g = common::guest(app.db(), st_a, 1).await;
    let sid = common::check_in(app.db(), st_a, g, room).await;
    let nurse = app.user("nurse", Role::Medical, Scope::Station(st_a), false).await;
    let mut c = app.session_for(nurse).await;
    let r = app
        .form(
            &mut c,
            &format!("/stays/{sid}/health"),
            &[("temperature", "36.9"), ("symptom", "cough"), ("symptom", "sore_throat")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let checks = yizhan_store::station::health::of_stay(app.db(), sid).await.unwrap();
    assert_eq!(checks[0].symptoms, "cough,sore_throat");
    let alerts = yizhan_store::station::health::alerts_of_stay(app.db(), sid).await.unwrap();
    assert_eq!(alerts[0].kind, "symptoms");
    let page = app.get(&mut c, &format!("/guests/{g}")).await.body;
    assert!(page.contains("咳嗽、咽痛"), "both symptoms shown");
});

both_backends!(certificate_checks_are_limited_per_client, |t: TestDb| async move {
    let app = App::new(t).await;
    let mut script = app.anon_from("198.51.100.7").await;
    for i in 0..30 {
        let r = app.get(&mut script, &format!("/verify/S001-20210125-{i:04}?c=00")).await;
        assert_eq!(r.status, StatusCode::OK, "check {i}");
        assert!(r.body.contains("data-testid=\"verify-invalid\""));
    }
    let r = app.get(&mut script, "/verify/S001-20210125-0031?c=00").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    // A person at another address is not slowed by the script.
    let mut person = app.anon_from("203.0.113.9").await;
    let r = app.get(&mut person, "/verify/S001-20210125-0001?c=00").await;
    assert_eq!(r.status, StatusCode::OK);
});
