//! Special trains and chartered buses on SQLite and PostgreSQL: the vehicle rules, and the
//! capacity race — thirty clerks putting thirty workers on a ten-seat train at once: exactly ten
//! board, on seats 1 to 10, and the rest are told it is full.

use crate::common;

use axum::http::{Method, StatusCode};
use common::{App, district};
use yizhan_core::access::{Actor, Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

both_backends!(a_train_never_carries_more_than_its_seats, |t: TestDb| async move {
    let app = App::new(t).await;
    let (street_a, _, _, _) = district(app.db()).await;
    let sys = Actor::system();
    let today = yizhan_core::time::local_date(yizhan_store::db::now());
    let ent = common::enterprise(app.db(), "91350100M000100Y43", "甲电子", street_a).await;
    let workers: Vec<_> = (0..30u32)
        .map(|n| {
            yizhan_core::work::returning_worker::validate_worker(
                &yizhan_core::work::returning_worker::WorkerInput {
                    name: format!("工人{n}"),
                    id_number: yizhan_core::validate::with_check_digit(&format!(
                        "53060219900101{n:03}"
                    ))
                    .unwrap(),
                    phone: "13800138000".into(),
                    province: "云南".into(),
                    city: "昭通".into(),
                    enterprise_id: ent.to_string(),
                    transport: "train".into(),
                    status: "registered".into(),
                    ..Default::default()
                },
                today,
            )
            .unwrap()
        })
        .collect();
    yizhan_store::work::returning_workers::import(app.db(), &sys, &workers).await.unwrap();
    let ids: Vec<i64> = yizhan_store::work::returning_workers::list(
        app.db(),
        yizhan_store::work::returning_workers::Within::District,
        &Default::default(),
        100,
        0,
    )
    .await
    .unwrap()
    .iter()
    .map(|w| w.id)
    .collect();
    let cmd = app.user("zhihui", Role::Commander, Scope::District, false).await;
    let mut c = app.session_for(cmd).await;
    let train = |capacity: &str| {
        vec![
            ("kind", "train".to_owned()),
            ("name", "K4158 返岗专列".to_owned()),
            ("origin", "云南 昭通".to_owned()),
            ("departs_on", today.to_string()),
            ("capacity", capacity.to_owned()),
            ("carriages", "2".to_owned()),
            ("arrival_place", "深圳东站".to_owned()),
            ("arrives_at", format!("{today} 08:30")),
        ]
    };
    let send = async |c: &mut common::Client, f: Vec<(&'static str, String)>| {
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        app.form(c, "/transports", &f).await
    };
    let mut bus = train("45");
    bus[0].1 = "bus".into();
    let r = send(&mut c, bus).await;
    assert!(r.body.contains("data-testid=\"form-error\""), "a bus needs a plate: {}", r.body);
    let r = send(&mut c, train("10")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let tid: i64 = r.location().trim_start_matches("/transports/").parse().unwrap();

    // Thirty at once.
    let path = format!("/api/v1/transports/{tid}/manifest");
    let calls = ids.iter().map(|w| {
        let mut client = c.clone();
        let path = path.clone();
        let app = &app;
        async move {
            let body = serde_json::to_vec(&serde_json::json!({ "worker_id": w })).unwrap();
            app.send(&mut client, Method::POST, &path, Some("application/json"), body, true).await
        }
    });
    let answers = futures_util::future::join_all(calls).await;
    let ok = answers.iter().filter(|r| r.status == StatusCode::CREATED).count();
    let full = answers
        .iter()
        .filter(|r| r.status == StatusCode::UNPROCESSABLE_ENTITY && r.body.contains("已满员"))
        .count();
    assert_eq!(
        (ok, full),
        (10, 20),
        "{:?}",
        answers.iter().map(|r| (r.status, r.body.clone())).collect::<Vec<_>>()
    );
    let manifest = yizhan_store::work::transports::manifest(app.db(), tid).await.unwrap();
    let seats: Vec<i64> = manifest.iter().map(|p| p.seat_no).collect();
    assert_eq!(seats, (1..=10).collect::<Vec<_>>());
    let booked = yizhan_store::work::returning_workers::count(
        app.db(),
        yizhan_store::work::returning_workers::Within::District,
        &yizhan_store::work::returning_workers::Filter {
            status: Some("booked".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(booked, 10);

    // One worker, one vehicle; the page shows the pickup plan and a masked manifest.
    let r = send(&mut c, train("10")).await;
    let second: i64 = r.location().trim_start_matches("/transports/").parse().unwrap();
    let body =
        serde_json::to_vec(&serde_json::json!({ "worker_id": manifest[0].worker_id })).unwrap();
    let r = app
        .send(
            &mut c,
            Method::POST,
            &format!("/api/v1/transports/{second}/manifest"),
            Some("application/json"),
            body,
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("已安排在其他车次"), "{}", r.body);
    let r = app
        .form(
            &mut c,
            &format!("/transports/{second}/manifest"),
            &[("id_number", "11010519491231002X")],
        )
        .await;
    assert!(r.body.contains("未找到该身份证号的返岗人员"), "{}", r.body);
    let page = app.get(&mut c, &format!("/transports/{tid}")).await;
    assert!(page.body.contains("data-testid=\"transport-booked\">10 / 10"), "{}", page.body);
    assert!(page.body.contains("<strong>甲电子</strong> 10 人"), "{}", page.body);
    assert!(!page.body.contains(&workers[0].id_number), "ID numbers are masked in the manifest");
});
