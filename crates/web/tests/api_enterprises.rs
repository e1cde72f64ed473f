//! Enterprises on SQLite and PostgreSQL: the USCC and the resumption dates validated, a code
//! registered once, and isolation — an enterprise's own account sees and changes only itself,
//! a street only its own; phones masked; the prevention plan filed and downloaded.

mod common;

use axum::http::StatusCode;
use common::{App, district};
use yizhan_core::access::{Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

/// A valid unified social credit code from 17 characters.
fn uscc(body17: &str) -> String {
    yizhan_core::validate::with_check_char(body17).unwrap()
}

fn form(code: &str, name: &str, street: i64) -> Vec<(&'static str, String)> {
    vec![
        ("uscc", code.to_owned()),
        ("name", name.to_owned()),
        ("street_id", street.to_string()),
        ("industry", "manufacturing".into()),
        ("above_scale", "on".into()),
        ("headcount", "860".into()),
        ("contact_name", "王经理".into()),
        ("contact_phone", "13800138000".into()),
        ("resumption", "applied".into()),
        ("applied_on", "2020-02-10".into()),
    ]
}

both_backends!(
    enterprises_are_validated_and_kept_apart,
    |t: TestDb| async move {
        let app = App::new(t).await;
        let (street_a, street_b, _, _) = district(app.db()).await;
        let cmd = app
            .user("zhihui", Role::Commander, Scope::District, false)
            .await;
        let mut c = app.session_for(cmd).await;
        let send = async |c: &mut common::Client, path: &str, f: Vec<(&'static str, String)>| {
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.form(c, path, &f).await
        };
        let code_a = "91350100M000100Y43".to_owned();
        let code_b = uscc("91440307MA5F00000");
        let mut bad = form(&code_a, "甲电子", street_a);
        bad[0].1 = "91350100M000100Y44".into();
        let r = send(&mut c, "/enterprises", bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("统一社会信用代码"), "{}", r.body);
        let mut bad = form(&code_a, "甲电子", street_a);
        bad[8].1 = "resumed".into();
        let r = send(&mut c, "/enterprises", bad).await;
        assert!(r.body.contains("该状态需要填写这一步的日期"), "{}", r.body);
        let r = send(
            &mut c,
            "/enterprises",
            form(&code_a, "深圳市甲电子有限公司", street_a),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let ent_a: i64 = r
            .location()
            .trim_start_matches("/enterprises/")
            .parse()
            .unwrap();
        let r = send(
            &mut c,
            "/enterprises",
            form(&code_a.to_lowercase(), "重复", street_a),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::CONFLICT,
            "the same code twice: {}",
            r.body
        );
        let r = send(
            &mut c,
            "/enterprises",
            form(&code_b, "深圳市乙物流有限公司", street_b),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let ent_b: i64 = r
            .location()
            .trim_start_matches("/enterprises/")
            .parse()
            .unwrap();

        // The enterprise's own account: itself only, by list, id, API and export.
        let own = app
            .user("jia", Role::Enterprise, Scope::Enterprise(ent_a), false)
            .await;
        let mut e = app.session_for(own).await;
        let list = app.get(&mut e, "/enterprises").await;
        assert!(
            list.body.contains("深圳市甲电子有限公司") && !list.body.contains("乙物流"),
            "{}",
            list.body
        );
        assert_eq!(
            app.get(&mut e, &format!("/enterprises/{ent_b}"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.get(&mut e, &format!("/api/v1/enterprises/{ent_b}"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let api = app.get(&mut e, "/api/v1/enterprises").await.json();
        assert_eq!(api.as_array().unwrap().len(), 1);
        assert_eq!(api[0]["contact_phone"], "138****8000", "phones are masked");
        let rows = common::xlsx_rows(
            &app.get(&mut e, "/enterprises/export.xlsx").await.bytes,
            "复工复产企业",
        );
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(rows[1][7], "138****8000");
        // It reports its own resumption; it cannot touch another, nor register a new one.
        let mut resumed = form(&code_a, "深圳市甲电子有限公司", street_a);
        resumed[8].1 = "resumed".into();
        resumed.push(("approved_on", "2020-02-12".into()));
        resumed.push(("resumed_on", "2020-02-17".into()));
        let r = send(&mut e, &format!("/enterprises/{ent_a}"), resumed.clone()).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(
            app.get(&mut e, &format!("/api/v1/enterprises/{ent_a}"))
                .await
                .json()["resumption"],
            "resumed"
        );
        assert_eq!(
            send(
                &mut e,
                &format!("/enterprises/{ent_b}"),
                form(&code_b, "乙", street_b)
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            send(
                &mut e,
                "/enterprises",
                form(&uscc("91440307MA5F00001"), "丙", street_a)
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.get(&mut e, "/enterprises/new").await.status,
            StatusCode::FORBIDDEN
        );

        // A street sees its own enterprises only and cannot move one out of its street.
        let sc = app
            .user("jiedao", Role::Commander, Scope::Street(street_b), false)
            .await;
        let mut s = app.session_for(sc).await;
        assert_eq!(
            app.get(&mut s, &format!("/enterprises/{ent_a}"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.get(&mut s, &format!("/enterprises/{ent_b}"))
                .await
                .status,
            StatusCode::OK
        );
        let r = send(
            &mut s,
            &format!("/enterprises/{ent_b}"),
            form(&code_b, "深圳市乙物流有限公司", street_a),
        )
        .await;
        assert!(r.body.contains("不在您的管辖范围内"), "{}", r.body);

        // The prevention plan: filed by the enterprise, downloaded as filed, never rendered.
        let pdf = b"%PDF-1.4\n% plan\n%%EOF\n".to_vec();
        let r = app
            .upload(
                &mut e,
                &format!("/enterprises/{ent_a}/plan"),
                &[],
                "防控方案.pdf",
                &pdf,
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = app
            .upload(
                &mut e,
                &format!("/enterprises/{ent_a}/plan"),
                &[],
                "x.pdf",
                b"<script>alert(1)</script>",
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let dl = app.get(&mut c, &format!("/enterprises/{ent_a}/plan")).await;
        assert_eq!(dl.bytes, pdf);
        assert!(dl.header("content-disposition").starts_with("attachment"));
        assert!(
            app.get(&mut c, &format!("/enterprises/{ent_a}"))
                .await
                .body
                .contains("防控方案.pdf")
        );
        // Filters: above scale, resumption, street.
        let f = app
            .get(
                &mut c,
                &format!("/api/v1/enterprises?resumption=resumed&street={street_a}"),
            )
            .await
            .json();
        assert_eq!(f.as_array().unwrap().len(), 1);
        let f = app
            .get(&mut c, "/api/v1/enterprises?resumption=not_started")
            .await
            .json();
        assert_eq!(f.as_array().unwrap().len(), 0);
    }
);

both_backends!(
    resumption_rates_by_street_and_industry,
    |t: TestDb| async move {
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
            let mut i = yizhan_core::enterprise::EnterpriseInput {
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
            let e = yizhan_core::enterprise::validate_enterprise(&i, today).unwrap();
            yizhan_store::enterprises::create(app.db(), &sys, &e)
                .await
                .unwrap();
        }
        let cmd = app
            .user("zhihui", Role::Commander, Scope::District, false)
            .await;
        let mut c = app.session_for(cmd).await;
        let page = app.get(&mut c, "/resumption").await;
        assert_eq!(page.status, StatusCode::OK);
        let b = &page.body;
        assert!(
            b.contains("data-testid=\"resumption-rate\">50.0%</b>"),
            "{b}"
        );
        assert!(
            b.contains("data-testid=\"resumption-above-rate\">33.3%</b>"),
            "{b}"
        );
        assert!(b.contains("id=\"resumption-chart\">{\"days\""), "{b}");
        let rows = common::xlsx_rows(
            &app.get(&mut c, "/resumption/export.xlsx").await.bytes,
            "复工复产统计",
        );
        let find = |name: &str| rows.iter().find(|r| r[1] == name).unwrap().clone();
        assert_eq!(
            find("吉华街道")[2..],
            ["3", "2", "66.7%", "2", "1", "50.0%"]
        );
        assert_eq!(find("平湖街道")[2..], ["1", "0", "0.0%", "1", "0", "0.0%"]);
        assert_eq!(find("制造业")[2..5], ["3", "1", "33.3%"]);
        assert_eq!(find("交通运输物流")[2..5], ["1", "1", "100.0%"]);
        assert_eq!(find("全区合计")[2..5], ["4", "2", "50.0%"]);
        // A street's commander sees the street; an enterprise does not see the statistics.
        let sc = app
            .user("jiedao", Role::Commander, Scope::Street(street_b), false)
            .await;
        let mut s = app.session_for(sc).await;
        assert!(
            app.get(&mut s, "/resumption")
                .await
                .body
                .contains("data-testid=\"resumption-total\">1</b>")
        );
        let own = app
            .user("qiye", Role::Enterprise, Scope::Enterprise(1), false)
            .await;
        let mut e = app.session_for(own).await;
        assert_eq!(
            app.get(&mut e, "/resumption").await.status,
            StatusCode::FORBIDDEN
        );
    }
);
