//! Relatives' contacts and deliveries, staff tests of the closed loop, emergency plans and drills,
//! through the real router's pages on SQLite and PostgreSQL.

use crate::common;

use axum::http::StatusCode;
use common::{App, district, xlsx_rows};
use yizhan_core::access::{Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

both_backends!(deliveries_are_disinfected_before_delivery, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st_a, st_b) = district(app.db()).await;
    let room = common::room(app.db(), st_a, "801", 1).await;
    let guest = common::guest(app.db(), st_a, 31).await;
    let stay = common::check_in(app.db(), st_a, guest, room).await;
    let clerk = app.user("qiantai", Role::StationStaff, Scope::Station(st_a), false).await;
    let mut c = app.session_for(clerk).await;
    let s = stay.to_string();
    let r = app
        .form(
            &mut c,
            &format!("/stations/{st_a}/deliveries"),
            &[("stay_id", &s), ("sender", "李女士"), ("item", "降压药一盒")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = yizhan_store::care::relatives::deliveries(app.db(), st_a, 10).await.unwrap()[0].id;
    let step = |to: &'static str, note: &'static str| vec![("status", to), ("note", note)];
    let r = app.form(&mut c, &format!("/deliveries/{id}/step"), &step("delivered", "")).await;
    assert!(r.body.contains("物品须先消毒才能送达房间"), "{}", r.body);
    let r = app.form(&mut c, &format!("/deliveries/{id}/step"), &step("disinfected", "")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app.form(&mut c, &format!("/deliveries/{id}/step"), &step("delivered", "")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let d = yizhan_store::care::relatives::delivery(app.db(), id).await.unwrap();
    assert_eq!(d.status, "delivered");
    assert!(d.disinfected_at.is_some() && d.delivered_by.as_deref() == Some("qiantai"));
    let r = app.form(&mut c, &format!("/deliveries/{id}/step"), &step("refused", "晚了")).await;
    assert!(r.body.contains("该送物已送达或已拒收"), "{}", r.body);
    // A second one is refused, which needs a reason.
    app.form(
        &mut c,
        &format!("/stations/{st_a}/deliveries"),
        &[("stay_id", &s), ("sender", "李女士"), ("item", "白酒")],
    )
    .await;
    let id2 = yizhan_store::care::relatives::deliveries(app.db(), st_a, 10).await.unwrap()[0].id;
    let r = app.form(&mut c, &format!("/deliveries/{id2}/step"), &step("refused", "")).await;
    assert!(r.body.contains("拒收需要填写原因"), "{}", r.body);
    let r =
        app.form(&mut c, &format!("/deliveries/{id2}/step"), &step("refused", "禁止饮酒")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Another station's stay by id is refused by field.
    let room_b = common::room(app.db(), st_b, "101", 1).await;
    let guest_b = common::guest(app.db(), st_b, 32).await;
    let stay_b = common::check_in(app.db(), st_b, guest_b, room_b).await.to_string();
    let r = app
        .form(
            &mut c,
            &format!("/stations/{st_a}/deliveries"),
            &[("stay_id", &stay_b), ("sender", "x"), ("item", "y")],
        )
        .await;
    assert!(r.body.contains("所选住客不在本驿站"), "{}", r.body);
    // The contact log, with field errors, and its export with names masked.
    let r = app
        .form(
            &mut c,
            &format!("/stations/{st_a}/contacts"),
            &[
                ("stay_id", &s),
                ("relative_name", "李女士"),
                ("channel", "fax"),
                ("direction", "incoming"),
                ("topic", "x"),
            ],
        )
        .await;
    assert!(r.body.contains("方式"), "{}", r.body);
    let r = app
        .form(
            &mut c,
            &format!("/stations/{st_a}/contacts"),
            &[
                ("stay_id", &s),
                ("relative_name", "李女士"),
                ("channel", "phone"),
                ("direction", "incoming"),
                ("topic", "询问解除日期"),
                ("contact_outcome", "已告知12月3日"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&mut c, &format!("/stations/{st_a}/relatives")).await;
    assert!(
        page.body.contains("询问解除日期")
            && page.body.contains("已拒收")
            && page.body.contains("禁止饮酒")
    );
    let x = app.get(&mut c, &format!("/stations/{st_a}/contacts/export.xlsx")).await;
    let rows = xlsx_rows(&x.bytes, "沟通记录");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1][3], "李*士");
    assert_eq!(rows[1][4], "电话");
    let x = app.get(&mut c, &format!("/stations/{st_a}/deliveries/export.xlsx")).await;
    let rows = xlsx_rows(&x.bytes, "亲友送物");
    assert_eq!(rows.len(), 3, "{rows:?}");
});

both_backends!(staff_tests_schedule_and_overdue, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st_a, _) = district(app.db()).await;
    let care = common::care_fixtures(app.db(), st_a, 0).await;
    let medic = app.user("yisheng", Role::Medical, Scope::Station(st_a), false).await;
    let mut m = app.session_for(medic).await;
    let today = yizhan_core::time::local_date(yizhan_store::db::now());
    let yesterday = today - chrono::Duration::days(1);
    // The fixture's doctor is in the loop since 2026-01-01: due today (pending), and yesterday's
    // unrecorded test is overdue.
    let page = app.get(&mut m, &format!("/stations/{st_a}/staff-tests")).await;
    assert!(page.body.contains("badge tone-warning\">待检"), "{}", page.body);
    let page = app.get(&mut m, &format!("/stations/{st_a}/staff-tests?day={yesterday}")).await;
    assert!(page.body.contains("badge tone-danger\">逾期未检"), "{}", page.body);
    let staff = care.staff;
    let r = app
        .form(
            &mut m,
            &format!("/staff/{staff}/tests"),
            &[("day", &yesterday.to_string()), ("status", "missed")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app
        .form(
            &mut m,
            &format!("/staff/{staff}/tests"),
            &[("day", &today.to_string()), ("status", "done"), ("result", "negative")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app
        .form(
            &mut m,
            &format!("/staff/{staff}/tests"),
            &[("day", &(today + chrono::Duration::days(1)).to_string()), ("status", "done")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = app.get(&mut m, &format!("/stations/{st_a}/staff-tests?day={yesterday}")).await;
    assert!(
        page.body.contains("badge tone-danger\">未检")
            && !page.body.contains("badge tone-danger\">逾期未检"),
        "{}",
        page.body
    );
    let x = app.get(&mut m, &format!("/stations/{st_a}/staff-tests/export.xlsx?day={today}")).await;
    let rows = xlsx_rows(&x.bytes, "工作人员核酸");
    assert_eq!(rows[1][0], "王医生");
    assert_eq!(rows[1][6..8].to_vec(), ["已检", "阴性"]);
});

both_backends!(plans_are_versioned_and_drills_age, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st_a, _) = district(app.db()).await;
    let lead = app.user("zhuanban", Role::StationLead, Scope::Station(st_a), false).await;
    let mut l = app.session_for(lead).await;
    let publish = |title: &'static str| {
        vec![
            ("kind", "positive_case"),
            ("title", title),
            ("steps", "隔离涉阳房间\n上报指挥部\n转运\n终末消毒"),
        ]
    };
    let r =
        app.form(&mut l, &format!("/stations/{st_a}/plans"), &publish("阳性病例处置预案")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app
        .form(&mut l, &format!("/stations/{st_a}/plans"), &publish("阳性病例处置预案（修订）"))
        .await;
    let v2 = r.location().trim_start_matches("/plans/").parse::<i64>().unwrap();
    let r = app
        .form(
            &mut l,
            &format!("/stations/{st_a}/plans"),
            &[("kind", "fire"), ("title", "x"), ("steps", " ")],
        )
        .await;
    assert!(r.body.contains("处置步骤"), "{}", r.body);
    let plan = yizhan_store::care::plans::get(app.db(), v2).await.unwrap();
    assert_eq!((plan.version, plan.steps().len()), (2, 4));
    let page = app.get(&mut l, &format!("/stations/{st_a}/plans")).await;
    assert!(page.body.contains("从未演练") && page.body.contains("v2"));
    // A drill 100 days ago makes it due; one today makes it ready.
    let today = yizhan_core::time::local_date(yizhan_store::db::now());
    let old = (today - chrono::Duration::days(100)).to_string();
    let r = app
        .form(
            &mut l,
            &format!("/plans/{v2}/drills"),
            &[
                ("held_on", &old),
                ("participants", "18"),
                ("minutes", "40"),
                ("gaps", "转运车辆到达慢"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&mut l, &format!("/stations/{st_a}/plans")).await;
    assert!(page.body.contains("已 100 天未演练"), "{}", page.body);
    let future = (today + chrono::Duration::days(1)).to_string();
    let r = app
        .form(
            &mut l,
            &format!("/plans/{v2}/drills"),
            &[("held_on", &future), ("participants", "18"), ("minutes", "40")],
        )
        .await;
    assert!(r.body.contains("演练日期"), "{}", r.body);
    app.form(
        &mut l,
        &format!("/plans/{v2}/drills"),
        &[("held_on", &today.to_string()), ("participants", "20"), ("minutes", "35")],
    )
    .await;
    let page = app.get(&mut l, &format!("/plans/{v2}")).await;
    assert!(
        page.body.contains("0 天前演练")
            && page.body.contains("转运车辆到达慢")
            && page.body.contains("终末消毒")
    );
    let x = app.get(&mut l, &format!("/stations/{st_a}/plans/export.xlsx")).await;
    let rows = xlsx_rows(&x.bytes, "应急预案");
    assert_eq!(rows[1][..4].to_vec(), ["发现阳性病例", "阳性病例处置预案（修订）", "2", "4"]);
    assert_eq!(rows[1][4], today.to_string());
});
