//! Support for enterprises on SQLite and PostgreSQL: difficulty tickets raised by an enterprise
//! for itself, routed and resolved by the command; relief applications decided once; isolation
//! between enterprises.

use crate::common;

use axum::http::StatusCode;
use common::App;
use yizhan_core::access::{Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

/// Two enterprises, the second one's clerk `yi` and the district commander (their ids), and a
/// session of the first one's clerk `jia`.
async fn parties(app: &App) -> (Vec<i64>, i64, i64, common::Client) {
    let (ents, _, j) = common::enterprise_clerk(app).await;
    let yi = app.user("yi", Role::Enterprise, Scope::Enterprise(ents[1]), false).await;
    let cmd = app.user("zhihui", Role::Commander, Scope::District, false).await;
    (ents, yi, cmd, j)
}

both_backends!(a_difficulty_is_routed_and_resolved, |t: TestDb| async move {
    let app = App::new(t).await;
    let (ents, yi, cmd, mut j) = parties(&app).await;
    // An enterprise reports for itself only.
    let r = app
        .form(
            &mut j,
            "/difficulties",
            &[
                ("enterprise_id", &ents[1].to_string()),
                ("category", "labour"),
                ("description", "x"),
            ],
        )
        .await;
    assert!(r.body.contains("不在您的管辖范围内"), "{}", r.body);
    let r = app
        .form(
            &mut j,
            "/difficulties",
            &[
                ("enterprise_id", &ents[0].to_string()),
                ("category", "materials"),
                ("description", "芯片原料断供，库存仅够三天"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id: i64 = r.location().trim_start_matches("/difficulties/").parse().unwrap();
    let mut y = app.session_for(yi).await;
    assert_eq!(app.get(&mut y, &format!("/difficulties/{id}")).await.status, StatusCode::NOT_FOUND);
    assert!(app.get(&mut y, "/difficulties").await.body.contains("difficulties-empty"));
    // Only the command moves it: resolving before routing is refused; then routed, resolved.
    assert_eq!(
        app.form(&mut j, &format!("/difficulties/{id}/step"), &[("to", "routed"), ("text", "x")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let mut c = app.session_for(cmd).await;
    let r = app
        .form(
            &mut c,
            &format!("/difficulties/{id}/step"),
            &[("to", "resolved"), ("text", "已解决")],
        )
        .await;
    assert!(r.body.contains("该诉求当前状态不能进行此操作"), "{}", r.body);
    let r = app
        .form(
            &mut c,
            &format!("/difficulties/{id}/step"),
            &[("to", "routed"), ("text", "区工业和信息化局")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app
        .form(
            &mut c,
            &format!("/difficulties/{id}/step"),
            &[("to", "resolved"), ("text", "协调上游供应商恢复供货")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let t = yizhan_store::work::difficulties::get(app.db(), id).await.unwrap();
    assert_eq!(
        (t.status.as_str(), t.department.as_deref(), t.hours_to_resolve()),
        ("resolved", Some("区工业和信息化局"), Some(0))
    );
    let page = app.get(&mut j, &format!("/difficulties/{id}")).await;
    assert!(
        page.body.contains("已办结") && page.body.contains("协调上游供应商恢复供货"),
        "{}",
        page.body
    );
    let rows = common::xlsx_rows(
        &app.get(&mut c, "/difficulties/export.xlsx").await.bytes,
        "企业困难诉求",
    );
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[1][0].as_str(), rows[1][1].as_str(), rows[1][3].as_str(), rows[1][7].as_str()),
        ("甲电子", "原材料短缺", "已办结", "0")
    );
});

both_backends!(relief_is_applied_for_and_decided_once, |t: TestDb| async move {
    let app = App::new(t).await;
    let (ents, yi, cmd, mut j) = parties(&app).await;
    let rent = |ent: i64, months: &str| {
        vec![
            ("enterprise_id", ent.to_string()),
            ("kind", "rent".to_owned()),
            ("property", "龙岗区某工业园 3 栋 2 楼".to_owned()),
            ("landlord", "state_owned".to_owned()),
            ("months", months.to_owned()),
            ("monthly_rent", "25000".to_owned()),
        ]
    };
    let send = async |c: &mut common::Client, f: Vec<(&'static str, String)>| {
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        app.form(c, "/relief", &f).await
    };
    assert!(send(&mut j, rent(ents[0], "13")).await.body.contains("data-testid=\"form-error\""));
    assert!(send(&mut j, rent(ents[1], "3")).await.body.contains("不在您的管辖范围内"));
    assert_eq!(send(&mut j, rent(ents[0], "3")).await.status, StatusCode::SEE_OTHER);
    let other = vec![
        ("enterprise_id", ents[0].to_string()),
        ("kind", "other".to_owned()),
        ("measure", "稳岗补贴".to_owned()),
        ("amount", "50000".to_owned()),
    ];
    assert_eq!(send(&mut j, other).await.status, StatusCode::SEE_OTHER);
    let apps = yizhan_store::work::relief::list(app.db()).await.unwrap();
    let rent_app = apps.iter().find(|a| a.kind == "rent").unwrap().clone();
    let other_app = apps.iter().find(|a| a.kind == "other").unwrap().clone();
    assert_eq!(rent_app.amount, 75_000, "3 months × 25,000");
    // 乙 sees none of 甲's; 甲 cannot decide its own.
    let mut y = app.session_for(yi).await;
    assert!(app.get(&mut y, "/relief").await.body.contains("relief-empty"));
    assert_eq!(
        app.form(&mut j, &format!("/relief/{}/decide", rent_app.id), &[("decision", "approve")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let mut c = app.session_for(cmd).await;
    let r = app
        .form(&mut c, &format!("/relief/{}/decide", other_app.id), &[("decision", "reject")])
        .await;
    assert!(r.body.contains("不予批准需写明理由"), "{}", r.body);
    assert_eq!(
        app.form(
            &mut c,
            &format!("/relief/{}/decide", other_app.id),
            &[("decision", "reject"), ("note", "不符合申报条件")]
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.form(&mut c, &format!("/relief/{}/decide", rent_app.id), &[("decision", "approve")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let r = app
        .form(
            &mut c,
            &format!("/relief/{}/decide", rent_app.id),
            &[("decision", "reject"), ("note", "x")],
        )
        .await;
    assert!(r.body.contains("该申请已审核"), "{}", r.body);
    let page = app.get(&mut j, "/relief").await;
    assert!(page.body.contains("已批准金额合计 75000 元"), "{}", page.body);
    let rows =
        common::xlsx_rows(&app.get(&mut c, "/relief/export.xlsx").await.bytes, "惠企政策申请");
    assert_eq!(rows.len(), 3);
    let rent_row = rows.iter().find(|r| r[1] == "减免租金").unwrap();
    assert_eq!(
        (rent_row[3].as_str(), rent_row[4].as_str(), rent_row[6].as_str(), rent_row[7].as_str()),
        ("区属国有企业", "3", "75000", "已批准")
    );
});
