//! Evidence photos and rectification orders through the real router on SQLite and PostgreSQL:
//! what is accepted and how it is served, the lifecycle open → submitted → closed or reopened,
//! who may do each step, overdue escalation, and two verdicts at once.

use crate::common;

use axum::http::StatusCode;
use common::{App, Client, district};
use yizhan_core::access::{Actor, Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

/// A real picture: a PNG of `w`×`h` with a gradient.
fn png(w: u32, h: u32) -> Vec<u8> {
    let img =
        image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 251) as u8, (y % 241) as u8, 60]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

both_backends!(photos_and_the_rectification_lifecycle, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st_a, st_b) = district(app.db()).await;
    let inspector = app.user("ducha", Role::Inspector, Scope::District, false).await;
    let inspector2 = app.user("ducha2", Role::Inspector, Scope::District, false).await;
    let lead = app.user("zhuanban", Role::StationLead, Scope::Station(st_a), false).await;
    let staff = app.user("qiantai", Role::StationStaff, Scope::Station(st_a), false).await;
    let other = app.user("other", Role::StationLead, Scope::Station(st_b), false).await;
    let sys = Actor::system();
    let checklist = yizhan_store::command::inspections::create_template(
            app.db(),
            &sys,
            &yizhan_core::command::inspection::validate_template(&yizhan_core::command::inspection::TemplateInput {
                name: "督导检查表".into(),
                items: "消杀 | 终末消毒记录 | 每间退房后有记录\n台账 | 健康监测台账 | 每日两次\n三区两通道 | 分区 | 标识清楚".into(),
            })
            .unwrap(),
        )
        .await
        .unwrap();
    let items = yizhan_store::command::inspections::items(app.db(), checklist).await.unwrap();
    let today = yizhan_core::time::local_date(yizhan_store::db::now());
    let id = yizhan_store::command::inspections::create(
        app.db(),
        &sys,
        &yizhan_core::command::inspection::NewInspection {
            template_id: checklist,
            unit: yizhan_core::command::inspection::Unit::Station(st_a),
            kind: yizhan_core::command::inspection::InspectionKind::Unannounced,
            planned_on: today,
            team: "区督导组".into(),
            inspector_street: None,
        },
    )
    .await
    .unwrap();
    let mut i = app.session_for(inspector).await;
    let photo_path = format!("/inspections/{id}/photos");
    let item0 = items[0].id.to_string();

    // Not yet started: no photos.
    let r = app.upload(&mut i, &photo_path, &[("item_id", &item0)], "a.png", &png(40, 30)).await;
    assert!(r.body.contains("请先开始检查"), "{}", r.body);
    app.form(&mut i, &format!("/inspections/{id}/start"), &[]).await;
    for (item, result, note) in
        [(0, "fail", "302房退房后无终末消毒记录"), (1, "pass", ""), (2, "fail", "缓冲区无标识")]
    {
        let r = app
            .form(
                &mut i,
                &format!("/inspections/{id}/results"),
                &[("item_id", &items[item].id.to_string()), ("result", result), ("note", note)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }

    // A camera-sized picture is scaled down, re-encoded and thumbnailed.
    let r = app
        .upload(&mut i, &photo_path, &[("item_id", &item0)], "IMG_0001.png", &png(2400, 1800))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let photos = yizhan_store::command::photos::of_inspection(app.db(), id).await.unwrap();
    assert_eq!(photos.len(), 1);
    assert_eq!(
        (photos[0].width, photos[0].height, photos[0].item_id),
        (1600, 1200, Some(items[0].id))
    );
    let full = app.get(&mut i, &format!("/photos/{}", photos[0].id)).await;
    assert_eq!(full.status, StatusCode::OK);
    assert_eq!(full.header("content-type"), "image/jpeg");
    assert_eq!(full.header("x-content-type-options"), "nosniff");
    assert!(full.header("content-security-policy").contains("sandbox"));
    assert!(full.bytes.starts_with(&[0xFF, 0xD8, 0xFF]));
    let thumb = app.get(&mut i, &format!("/photos/{}/thumb", photos[0].id)).await;
    let t = image::load_from_memory(&thumb.bytes).unwrap();
    assert_eq!((t.width(), t.height()), (240, 180));
    let page = app.get(&mut i, &format!("/inspections/{id}")).await;
    assert!(page.body.contains(&format!("/photos/{}/thumb", photos[0].id)), "{}", page.body);

    // Active content and broken pictures are refused whatever they are called; nothing is kept.
    for (bytes, name) in [
        (b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".to_vec(), "x.jpg"),
        (b"<html><script>alert(1)</script></html>".to_vec(), "x.png"),
        ([&[0xFFu8, 0xD8, 0xFF, 0xE0][..], &[0u8; 64]].concat(), "broken.jpg"),
    ] {
        let r = app.upload(&mut i, &photo_path, &[("item_id", &item0)], name, &bytes).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(r.body.contains("只能上传 JPEG、PNG 或 WebP 照片"), "{}", r.body);
    }
    let r = app.upload(&mut i, &photo_path, &[("item_id", "999999")], "a.png", &png(10, 10)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(yizhan_store::command::photos::of_inspection(app.db(), id).await.unwrap().len(), 1);

    // Orders: only for a failed item, never with a past deadline, once per item.
    let week = (today + chrono::Duration::days(7)).to_string();
    let order = |item: i64, deadline: String| {
        vec![
            ("item_id", item.to_string()),
            ("severity", "major".to_owned()),
            ("responsible", "卓悦驿站 保障组".to_owned()),
            ("deadline", deadline),
        ]
    };
    let post = |f: &Vec<(&'static str, String)>| {
        f.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>()
    };
    let send = async |c: &mut Client, f: Vec<(&'static str, String)>| {
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        app.form(c, &format!("/inspections/{id}/rectifications"), &f).await
    };
    let r = send(&mut i, post(&order(items[1].id, week.clone()))).await;
    assert!(r.body.contains("只有不合格项才能下达整改"), "{}", r.body);
    let r =
        send(&mut i, post(&order(items[0].id, (today - chrono::Duration::days(1)).to_string())))
            .await;
    assert!(r.body.contains("整改期限不能早于今天"), "{}", r.body);
    assert_eq!(
        send(&mut i, post(&order(items[0].id, week.clone()))).await.status,
        StatusCode::SEE_OTHER
    );
    let r = send(&mut i, post(&order(items[0].id, week.clone()))).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(
        send(&mut i, post(&order(items[2].id, week.clone()))).await.status,
        StatusCode::SEE_OTHER
    );
    let orders = yizhan_store::command::rectifications::for_inspection(app.db(), id).await.unwrap();
    assert_eq!(orders.len(), 2);
    let (rid, late) = (orders[0].id, orders[1].id);
    assert_eq!(orders[0].finding, "302房退房后无终末消毒记录");
    assert_eq!(orders[0].status, "open");

    // Who may act: the station's lead submits; its staff and another station's lead cannot.
    let mut l = app.session_for(lead).await;
    let mut s = app.session_for(staff).await;
    let mut o = app.session_for(other).await;
    assert!(app.get(&mut l, "/rectifications").await.body.contains("302房退房后无终末消毒记录"));
    assert!(!app.get(&mut o, "/rectifications").await.body.contains("302房"));
    assert_eq!(
        app.get(&mut o, &format!("/rectifications/{rid}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&mut o, &format!("/api/v1/rectifications/{rid}")).await.status,
        StatusCode::NOT_FOUND
    );
    let r = app.form(&mut s, &format!("/rectifications/{rid}/submit"), &[("text", "已补")]).await;
    assert!(matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}", r.status);
    let r = app.form(&mut o, &format!("/rectifications/{rid}/submit"), &[("text", "已补")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Verifying before anything is submitted is refused; so is an empty report.
    let r =
        app.form(&mut i, &format!("/rectifications/{rid}/verify"), &[("decision", "close")]).await;
    assert!(r.body.contains("当前状态不能进行此操作"), "{}", r.body);
    let r = app.form(&mut l, &format!("/rectifications/{rid}/submit"), &[("text", " ")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .upload(&mut l, &format!("/rectifications/{rid}/photos"), &[], "fix.png", &png(800, 600))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app
        .form(
            &mut l,
            &format!("/rectifications/{rid}/submit"),
            &[("text", "已补齐302房终末消毒记录并培训保洁组")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // Reopening needs a reason; then submitted again and closed (销号).
    let r =
        app.form(&mut i, &format!("/rectifications/{rid}/verify"), &[("decision", "reopen")]).await;
    assert!(r.body.contains("退回需写明原因"), "{}", r.body);
    let r = app
        .form(
            &mut i,
            &format!("/rectifications/{rid}/verify"),
            &[("decision", "reopen"), ("text", "记录缺少消毒剂浓度")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let api = app.get(&mut l, &format!("/api/v1/rectifications/{rid}")).await.json();
    assert_eq!((api["status"].as_str(), api["reopened"].as_i64()), (Some("reopened"), Some(1)));
    assert_eq!(api["verdict"], "记录缺少消毒剂浓度");
    app.form(&mut l, &format!("/rectifications/{rid}/submit"), &[("text", "已补浓度 500mg/L")])
        .await;
    let r = app
        .form(
            &mut i,
            &format!("/rectifications/{rid}/verify"),
            &[("decision", "close"), ("text", "现场核查属实")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let api = app.get(&mut l, &format!("/api/v1/rectifications/{rid}")).await.json();
    assert_eq!(api["status"], "closed");
    assert_eq!(api["reply"], "已补浓度 500mg/L");
    assert_eq!(api["verified_by"], "ducha");
    assert_eq!(api["overdue"], false);
    assert_eq!(api["photos"].as_array().unwrap().len(), 1);
    // Closed is final.
    let r = app.form(&mut l, &format!("/rectifications/{rid}/submit"), &[("text", "再报")]).await;
    assert!(r.body.contains("当前状态不能进行此操作"), "{}", r.body);
    let r = app
        .upload(&mut l, &format!("/rectifications/{rid}/photos"), &[], "late.png", &png(10, 10))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Past its deadline, the second order is overdue: red in the list, flagged in the API.
    app.db()
        .execute(
            yizhan_store::db::q("UPDATE rectifications SET deadline = $1 WHERE id = $2")
                .bind(today - chrono::Duration::days(2))
                .bind(late),
        )
        .await
        .unwrap();
    let list = app.get(&mut i, "/rectifications?overdue=1").await;
    assert!(
        list.body.contains("缓冲区无标识") && list.body.contains("class=\"overdue\""),
        "{}",
        list.body
    );
    assert!(!list.body.contains("302房"), "closed orders are not overdue");
    assert_eq!(
        app.get(&mut i, &format!("/api/v1/rectifications/{late}")).await.json()["overdue"],
        true
    );
    // The district board escalates it in the station's line and the total.
    let board = app.get(&mut i, "/api/v1/district/board").await.json();
    assert_eq!(board["total"]["overdue_rectifications"], 1, "{board}");
    let line = board["streets"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["stations"].as_array().unwrap().clone())
        .find(|l| l["station_id"] == st_a)
        .unwrap();
    assert_eq!(line["overdue_rectifications"], 1);
    let only_a = app.get(&mut i, &format!("/rectifications?overdue=1&station={st_b}")).await;
    assert!(only_a.body.contains("rectifications-empty"));
    let x = app.get(&mut i, "/rectifications.xlsx?overdue=1").await;
    let rows = common::xlsx_rows(&x.bytes, "整改");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1][2], "缓冲区无标识");
    assert_eq!(rows[1][7], "是");

    // Two inspectors verify the same submission at once: exactly one verdict lands.
    app.form(&mut l, &format!("/rectifications/{late}/submit"), &[("text", "已张贴标识")]).await;
    let mut i2 = app.session_for(inspector2).await;
    let path = format!("/rectifications/{late}/verify");
    let (a, b) = tokio::join!(
        app.form(&mut i, &path, &[("decision", "close")]),
        app.form(&mut i2, &path, &[("decision", "reopen"), ("text", "标识不清")])
    );
    let ok = [a.status, b.status].iter().filter(|s| **s == StatusCode::SEE_OTHER).count();
    assert_eq!(ok, 1, "{} {}", a.status, b.status);
    let after = yizhan_store::command::rectifications::get(app.db(), late).await.unwrap();
    assert!(after.status == "closed" || (after.status == "reopened" && after.reopened == 1));
    yizhan_store::testing::assert_counters_agree(app.db()).await;
});
