//! Dates without bounds (issue 14 item 6): every dated input has a plausible range, and a
//! worker cannot be put on a vehicle that has left. SQLite and PostgreSQL.

use crate::common;

use axum::http::{Method, StatusCode};
use common::{App, district};
use serde_json::json;
use yizhan_core::access::{Actor, Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

fn today() -> chrono::NaiveDate {
    yizhan_core::time::local_date(yizhan_store::db::now())
}

both_backends!(readings_and_sessions_are_dated_within_the_stay, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st_a, _) = district(app.db()).await;
    let room = common::room(app.db(), st_a, "501", 1).await;
    let guest = common::guest(app.db(), st_a, 7).await;
    let stay = common::check_in(app.db(), st_a, guest, room).await;
    let nurse = app.user("hushi", Role::Medical, Scope::Station(st_a), false).await;
    let mut c = app.session_for(nurse).await;
    let path = format!("/api/v1/stays/{stay}/health");
    let yesterday = (today() - chrono::Duration::days(1)).to_string();
    for (day, expect) in
        [("0001-01-01", "应在"), ("9999-12-31", "日期不能晚于今天"), (yesterday.as_str(), "应在")]
    {
        let r = app
            .json(
                &mut c,
                Method::POST,
                &path,
                json!({"temperature": 36.5, "day": day, "slot": "am"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{day}: {}", r.body);
        assert_eq!(r.json()["error"]["field"], "day", "{day}");
        let message = r.json()["error"]["message"].as_str().unwrap().to_owned();
        assert!(message.contains(expect), "{day}: {message}");
    }
    // Nothing of it was saved; today's reading is.
    assert!(yizhan_store::station::health::of_stay(app.db(), stay).await.unwrap().is_empty());
    let r = app
        .json(
            &mut c,
            Method::POST,
            &path,
            json!({"temperature": 36.5, "day": today().to_string(), "slot": "am"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // A counselling session in 2019 did not happen in any stay of ours.
    let counsellor = app.user("xinli", Role::Counsellor, Scope::Station(st_a), false).await;
    let mut k = app.session_for(counsellor).await;
    let r = app
        .json(
            &mut k,
            Method::POST,
            &format!("/api/v1/stays/{stay}/counselling"),
            json!({"held_at": "2019-12-31 09:00", "minutes": 30, "risk": "low", "notes": "-"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "held_at");
});

both_backends!(
    plans_reach_a_year_ahead_and_departed_vehicles_take_nobody,
    |t: TestDb| async move {
        let app = App::new(t).await;
        let (street_a, _, st_a, _) = district(app.db()).await;
        let cmd = app.user("zhihui", Role::Commander, Scope::District, false).await;
        let mut c = app.session_for(cmd).await;
        // An inspection planned on 9999-12-31.
        let template = yizhan_store::command::inspections::create_template(
            app.db(),
            &Actor::system(),
            &yizhan_core::command::inspection::NewTemplate {
                name: "督导检查表".into(),
                items: vec![yizhan_core::command::inspection::Item {
                    topic: "消杀".into(),
                    text: "终末消毒记录".into(),
                    standard: "每间退房后有记录".into(),
                }],
            },
        )
        .await
        .unwrap()
        .to_string();
        let st = st_a.to_string();
        for (planned, status) in [
            ("9999-12-31", StatusCode::UNPROCESSABLE_ENTITY),
            (
                &*(today() + chrono::Duration::days(367)).to_string(),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (&*(today() + chrono::Duration::days(30)).to_string(), StatusCode::SEE_OTHER),
        ] {
            let r = app
                .form(
                    &mut c,
                    "/inspections",
                    &[
                        ("template_id", template.as_str()),
                        ("station_id", st.as_str()),
                        ("kind", "planned"),
                        ("planned_on", planned),
                        ("team", "区督导组"),
                    ],
                )
                .await;
            assert_eq!(r.status, status, "{planned}: {}", r.body);
            if status != StatusCode::SEE_OTHER {
                assert!(r.body.contains("应在 2020-01-01 至"), "{}", r.body);
            }
        }
        // A worker arriving in year 1.
        let ent =
            common::enterprise(app.db(), "91350100M000100Y43", "深圳市甲电子有限公司", street_a)
                .await;
        let ent = ent.to_string();
        let worker = |arrival: &'static str, id: &'static str| {
            vec![
                ("name", "李春花".to_owned()),
                ("id_number", yizhan_core::validate::with_check_digit(id).unwrap()),
                ("phone", "13800138000".to_owned()),
                ("province", "云南".to_owned()),
                ("city", "昭通".to_owned()),
                ("enterprise_id", ent.clone()),
                ("transport", "train".to_owned()),
                ("status", "registered".to_owned()),
                ("arrival_date", arrival.to_owned()),
            ]
        };
        let send = async |c: &mut common::Client, f: Vec<(&'static str, String)>| {
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.form(c, "/workers", &f).await
        };
        let r = send(&mut c, worker("0001-01-01", "53060219900101002")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("应在 2020-01-01 至"), "{}", r.body);
        let r = send(&mut c, worker("", "53060219900101002")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let wid: i64 = r.location().trim_start_matches("/workers/").parse().unwrap();
        // A train that left six weeks ago takes nobody; one leaving today does.
        let train = |departs: chrono::NaiveDate| yizhan_core::work::transport::NewTransport {
            kind: yizhan_core::work::transport::TransportKind::Train,
            name: "K4158".into(),
            origin: "云南".into(),
            departs_on: departs,
            capacity: 10,
            carriages: Some(1),
            plate: None,
            driver: None,
            arrival_place: String::new(),
            arrives_at: None,
        };
        let left = yizhan_store::work::transports::create(
            app.db(),
            &Actor::system(),
            &train(today() - chrono::Duration::days(42)),
        )
        .await
        .unwrap();
        let r = app
            .json(
                &mut c,
                Method::POST,
                &format!("/api/v1/transports/{left}/manifest"),
                json!({"worker_id": wid}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.json()["error"]["message"], "该专列（包车）已发车，不能再加入乘车名单。");
        let leaving =
            yizhan_store::work::transports::create(app.db(), &Actor::system(), &train(today()))
                .await
                .unwrap();
        let r = app
            .json(
                &mut c,
                Method::POST,
                &format!("/api/v1/transports/{leaving}/manifest"),
                json!({"worker_id": wid}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
);
