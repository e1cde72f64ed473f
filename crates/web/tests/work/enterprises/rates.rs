//! Resumption rates by street and industry.

use axum::http::StatusCode;
use yizhan_core::access::{Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

use super::*;
use crate::common::{self, App, district};

both_backends!(resumption_rates_by_street_and_industry, |t: TestDb| async move {
    let app = App::new(t).await;
    let (street_a, street_b, _, _) = district(app.db()).await;
    let sys = yizhan_core::access::Actor::system();
    let today = yizhan_core::time::local_date(yizhan_store::db::now());
    let ago = |d: i64| (today - chrono::Duration::days(d)).to_string();
    // Street A: two above-scale manufacturers (one resumed 10 days ago), one small logistics
    // firm resumed 3 days ago; street B: one above-scale manufacturer not resumed.
    for (n, street, industry, above, resumed) in [
        (0, street_a, "manufacturing", "on", Some(10)),
        (1, street_a, "manufacturing", "on", None),
        (2, street_a, "logistics", "", Some(3)),
        (3, street_b, "manufacturing", "on", None),
    ] {
        let mut i = yizhan_core::work::enterprise::EnterpriseInput {
            uscc: uscc(&format!("9144030700000000{n}")),
            name: format!("企业{n}"),
            street_id: street.to_string(),
            industry: industry.into(),
            above_scale: above.into(),
            headcount: "50".into(),
            contact_name: "王".into(),
            contact_phone: "13800138000".into(),
            resumption: "not_started".into(),
            ..Default::default()
        };
        if let Some(d) = resumed {
            i.resumption = "resumed".into();
            i.applied_on = ago(d + 5);
            i.approved_on = ago(d + 2);
            i.resumed_on = ago(d);
        }
        let e = yizhan_core::work::enterprise::validate_enterprise(&i, today).unwrap();
        yizhan_store::work::enterprises::create(app.db(), &sys, &e).await.unwrap();
    }
    let cmd = app.user("zhihui", Role::Commander, Scope::District, false).await;
    let mut c = app.session_for(cmd).await;
    let page = app.get(&mut c, "/resumption").await;
    assert_eq!(page.status, StatusCode::OK);
    let b = &page.body;
    assert!(b.contains("data-testid=\"resumption-rate\">50.0%</b>"), "{b}");
    assert!(b.contains("data-testid=\"resumption-above-rate\">33.3%</b>"), "{b}");
    assert!(b.contains("id=\"resumption-chart\">{\"days\""), "{b}");
    let rows =
        common::xlsx_rows(&app.get(&mut c, "/resumption/export.xlsx").await.bytes, "复工复产统计");
    let find = |name: &str| rows.iter().find(|r| r[1] == name).unwrap().clone();
    assert_eq!(find("吉华街道")[2..], ["3", "2", "66.7%", "2", "1", "50.0%"]);
    assert_eq!(find("平湖街道")[2..], ["1", "0", "0.0%", "1", "0", "0.0%"]);
    assert_eq!(find("制造业")[2..5], ["3", "1", "33.3%"]);
    assert_eq!(find("交通运输物流")[2..5], ["1", "1", "100.0%"]);
    assert_eq!(find("全区合计")[2..5], ["4", "2", "50.0%"]);
    // A street's commander sees the street; an enterprise does not see the statistics.
    let sc = app.user("jiedao", Role::Commander, Scope::Street(street_b), false).await;
    let mut s = app.session_for(sc).await;
    assert!(
        app.get(&mut s, "/resumption")
            .await
            .body
            .contains("data-testid=\"resumption-total\">1</b>")
    );
    let own = app.user("qiye", Role::Enterprise, Scope::Enterprise(1), false).await;
    let mut e = app.session_for(own).await;
    assert_eq!(app.get(&mut e, "/resumption").await.status, StatusCode::FORBIDDEN);
});
