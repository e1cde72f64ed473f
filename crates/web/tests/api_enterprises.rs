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

both_backends!(
    a_difficulty_is_routed_and_resolved,
    |t: TestDb| async move {
        let app = App::new(t).await;
        let (street_a, street_b, _, _) = district(app.db()).await;
        let ents = common::two_enterprises(app.db(), street_a, street_b).await;
        let jia = app
            .user("jia", Role::Enterprise, Scope::Enterprise(ents[0]), false)
            .await;
        let yi = app
            .user("yi", Role::Enterprise, Scope::Enterprise(ents[1]), false)
            .await;
        let cmd = app
            .user("zhihui", Role::Commander, Scope::District, false)
            .await;
        let mut j = app.session_for(jia).await;
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
        let id: i64 = r
            .location()
            .trim_start_matches("/difficulties/")
            .parse()
            .unwrap();
        let mut y = app.session_for(yi).await;
        assert_eq!(
            app.get(&mut y, &format!("/difficulties/{id}")).await.status,
            StatusCode::NOT_FOUND
        );
        assert!(
            app.get(&mut y, "/difficulties")
                .await
                .body
                .contains("difficulties-empty")
        );
        // Only the command moves it: resolving before routing is refused; then routed, resolved.
        assert_eq!(
            app.form(
                &mut j,
                &format!("/difficulties/{id}/step"),
                &[("to", "routed"), ("text", "x")]
            )
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
        assert!(
            r.body.contains("该诉求当前状态不能进行此操作"),
            "{}",
            r.body
        );
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
        let t = yizhan_store::difficulties::get(app.db(), id).await.unwrap();
        assert_eq!(
            (
                t.status.as_str(),
                t.department.as_deref(),
                t.hours_to_resolve()
            ),
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
            (
                rows[1][0].as_str(),
                rows[1][1].as_str(),
                rows[1][3].as_str(),
                rows[1][7].as_str()
            ),
            ("甲电子", "原材料短缺", "已办结", "0")
        );
    }
);

both_backends!(
    relief_is_applied_for_and_decided_once,
    |t: TestDb| async move {
        let app = App::new(t).await;
        let (street_a, street_b, _, _) = district(app.db()).await;
        let ents = common::two_enterprises(app.db(), street_a, street_b).await;
        let jia = app
            .user("jia", Role::Enterprise, Scope::Enterprise(ents[0]), false)
            .await;
        let yi = app
            .user("yi", Role::Enterprise, Scope::Enterprise(ents[1]), false)
            .await;
        let cmd = app
            .user("zhihui", Role::Commander, Scope::District, false)
            .await;
        let mut j = app.session_for(jia).await;
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
        assert!(
            send(&mut j, rent(ents[0], "13"))
                .await
                .body
                .contains("data-testid=\"form-error\"")
        );
        assert!(
            send(&mut j, rent(ents[1], "3"))
                .await
                .body
                .contains("不在您的管辖范围内")
        );
        assert_eq!(
            send(&mut j, rent(ents[0], "3")).await.status,
            StatusCode::SEE_OTHER
        );
        let other = vec![
            ("enterprise_id", ents[0].to_string()),
            ("kind", "other".to_owned()),
            ("measure", "稳岗补贴".to_owned()),
            ("amount", "50000".to_owned()),
        ];
        assert_eq!(send(&mut j, other).await.status, StatusCode::SEE_OTHER);
        let apps = yizhan_store::relief::list(app.db()).await.unwrap();
        let rent_app = apps.iter().find(|a| a.kind == "rent").unwrap().clone();
        let other_app = apps.iter().find(|a| a.kind == "other").unwrap().clone();
        assert_eq!(rent_app.amount, 75_000, "3 months × 25,000");
        // 乙 sees none of 甲's; 甲 cannot decide its own.
        let mut y = app.session_for(yi).await;
        assert!(
            app.get(&mut y, "/relief")
                .await
                .body
                .contains("relief-empty")
        );
        assert_eq!(
            app.form(
                &mut j,
                &format!("/relief/{}/decide", rent_app.id),
                &[("decision", "approve")]
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );
        let mut c = app.session_for(cmd).await;
        let r = app
            .form(
                &mut c,
                &format!("/relief/{}/decide", other_app.id),
                &[("decision", "reject")],
            )
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
            app.form(
                &mut c,
                &format!("/relief/{}/decide", rent_app.id),
                &[("decision", "approve")]
            )
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
        assert!(
            page.body.contains("已批准金额合计 75000 元"),
            "{}",
            page.body
        );
        let rows = common::xlsx_rows(
            &app.get(&mut c, "/relief/export.xlsx").await.bytes,
            "惠企政策申请",
        );
        assert_eq!(rows.len(), 3);
        let rent_row = rows.iter().find(|r| r[1] == "减免租金").unwrap();
        assert_eq!(
            (
                rent_row[3].as_str(),
                rent_row[4].as_str(),
                rent_row[6].as_str(),
                rent_row[7].as_str()
            ),
            ("区属国有企业", "3", "75000", "已批准")
        );
    }
);

/// An .xlsx of `rows` (the first is the header row), as a statistics clerk would save it.
fn indicator_sheet(rows: &[&[&str]]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

/// One line of an import's report as the page shows it.
fn report_line(row: usize, column: &str, message: &str) -> String {
    format!(
        "<td class=\"num\" data-label=\"行号\">{row}</td>\n    <td data-label=\"列\">{column}</td>\n    <td data-label=\"问题\">{message}</td>"
    )
}

both_backends!(
    indicators_are_entered_corrected_and_refused_with_the_field_named,
    |t: TestDb| async move {
        use yizhan_core::indicator::Indicator;
        use yizhan_store::indicators;
        let app = App::new(t).await;
        let (street_a, street_b, station_a, _) = district(app.db()).await;
        let ents = common::two_enterprises(app.db(), street_a, street_b).await;
        let cmd = app
            .user("zhihui", Role::Commander, Scope::District, false)
            .await;
        let mut c = app.session_for(cmd).await;
        let set = async |c: &mut common::Client, month: &str, value: &str, target: &str| {
            app.form(
                c,
                "/indicators",
                &[
                    ("indicator", "industrial_added_value"),
                    ("month", month),
                    ("value", value),
                    ("target_value", target),
                ],
            )
            .await
        };
        let r = set(&mut c, "2019-03", "200", "").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(
            r.location(),
            "/indicators?indicator=industrial_added_value&year=2019"
        );
        assert_eq!(
            set(&mut c, "2020-03", "210.5", "200").await.status,
            StatusCode::SEE_OTHER
        );
        // The same month again corrects it: one row, the new figures, the old ones audited.
        assert_eq!(
            set(&mut c, "2020-03", "212.35", "205").await.status,
            StatusCode::SEE_OTHER
        );
        let stored = async || {
            indicators::two_years(app.db(), Indicator::IndustrialAddedValue, 2020)
                .await
                .unwrap()
                .into_iter()
                .map(|r| (r.month, r.value, r.target))
                .collect::<Vec<_>>()
        };
        let want = vec![
            ("2019-03".to_owned(), 20_000, None),
            ("2020-03".to_owned(), 21_235, Some(20_500)),
        ];
        assert_eq!(stored().await, want);
        let audited = yizhan_store::audit::recent(app.db(), 10).await.unwrap();
        let sets: Vec<_> = audited
            .iter()
            .filter(|a| a.action == "indicator.set")
            .collect();
        assert_eq!(sets.len(), 3);
        let detail: serde_json::Value = serde_json::from_str(&sets[0].detail).unwrap();
        assert_eq!(
            (&detail["value"], &detail["before"]),
            (
                &serde_json::json!(21_235),
                &serde_json::json!({ "value": 21_050, "target": 20_000 })
            )
        );
        // Bad input: the field named, a 422, nothing saved.
        for (month, value, target, message) in [
            ("2020-04", "12.345", "", "本月值：最多保留 2 位小数"),
            ("2020-04", "-1", "", "本月值：应在 0 至 1000000.00 之间"),
            ("2020-04", "", "", "本月值：不能为空"),
            ("2099-01", "1", "", "月份：日期不能晚于今天"),
            ("2020-13", "1", "", "月份：日期无效"),
            ("三月", "1", "", "月份：格式不正确，正确示例：2020-03"),
            ("2020-04", "1", "abc", "目标值：包含不允许的字符：“a”"),
        ] {
            let r = set(&mut c, month, value, target).await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{month} {value}"
            );
            assert!(r.body.contains(message), "{message}: {}", r.body);
            assert!(r.body.contains("data-testid=\"form-error\""));
        }
        let r = app
            .form(
                &mut c,
                "/indicators",
                &[("indicator", "gdp"), ("month", "2020-04"), ("value", "1")],
            )
            .await;
        assert!(r.body.contains("指标：格式不正确"), "{}", r.body);
        assert_eq!(stored().await, want, "nothing half-saved");
        // Only the district-wide command writes: a street's commander, an enterprise, a station's
        // lead and a viewer are refused; the enterprise and the lead do not even read.
        let street_cmd = app
            .user("pinghu", Role::Commander, Scope::Street(street_b), false)
            .await;
        let ent = app
            .user("jia", Role::Enterprise, Scope::Enterprise(ents[0]), false)
            .await;
        let lead = app
            .user("lead", Role::StationLead, Scope::Station(station_a), false)
            .await;
        let viewer = app
            .user("guancha", Role::Viewer, Scope::District, false)
            .await;
        for (uid, reads) in [
            (street_cmd, true),
            (ent, false),
            (lead, false),
            (viewer, true),
        ] {
            let mut u = app.session_for(uid).await;
            assert_eq!(
                set(&mut u, "2020-04", "1", "").await.status,
                StatusCode::FORBIDDEN
            );
            let page = app.get(&mut u, "/indicators").await;
            assert_eq!(page.status == StatusCode::OK, reads, "{uid}");
            if reads {
                assert!(!page.body.contains("indicator-form"), "no form for {uid}");
            }
        }
        assert_eq!(stored().await, want);
        // The page: the table with % of target and YoY, the chart data, the form.
        let page = app
            .get(
                &mut c,
                "/indicators?indicator=industrial_added_value&year=2020",
            )
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("indicator-form"));
        assert!(page.body.contains("103.6% ✓ 达标"), "{}", page.body);
        assert!(page.body.contains("6.2%"));
        assert!(page.body.contains("\"type\":\"bar\""));
        assert_eq!(
            app.get(&mut c, "/indicators?year=1999").await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        // The .xlsx export, read back.
        let x = app
            .get(
                &mut c,
                "/indicators/export.xlsx?indicator=industrial_added_value&year=2020",
            )
            .await;
        let rows = common::xlsx_rows(&x.bytes, "经济指标");
        assert_eq!(rows.len(), 13);
        assert_eq!(
            rows[0],
            [
                "月份",
                "本月值（亿元）",
                "目标值（亿元）",
                "完成目标",
                "上年同月（亿元）",
                "同比增速",
                "本年累计（亿元）",
                "累计同比",
                "触底反弹"
            ]
        );
        assert_eq!(
            rows[3],
            [
                "2020-03", "212.35", "205", "103.6%", "200", "6.2%", "", "", ""
            ]
        );
        assert_eq!(rows[4][0], "2020-04");
        assert!(rows[4][1..].iter().all(String::is_empty), "{:?}", rows[4]);
    }
);

both_backends!(
    an_indicator_import_saves_all_rows_or_none,
    |t: TestDb| async move {
        use yizhan_core::indicator::Indicator;
        use yizhan_store::indicators;
        let app = App::new(t).await;
        district(app.db()).await;
        let cmd = app
            .user("zhihui", Role::Commander, Scope::District, false)
            .await;
        let mut c = app.session_for(cmd).await;
        let header: &[&str] = &["指标", "月份", "完成值", "目标值"];
        let mixed = indicator_sheet(&[
            header,
            &["进出口总额", "2020-01", "300", ""],
            &["GDP", "2020-02", "1", ""],
            &["进出口总额", "2020年2月", "abc", "1.234"],
            &["import_export", "2020/1", "301", ""],
            &["出口总额", "2099-01", "1", ""],
            &["", "", "", ""],
            &["出口总额", "2020-03", "88.5", "90"],
        ]);
        let r = app
            .upload(&mut c, "/indicators/import", &[], "指标.xlsx", &mixed)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(
            r.body.contains("读取 6 行，有问题 4 行，未保存任何一行。"),
            "{}",
            r.body
        );
        let expected = [
            report_line(
                3,
                "指标",
                "指标：格式不正确，正确示例：industrial_added_value",
            ),
            report_line(4, "完成值", "本月值：包含不允许的字符：“a”"),
            report_line(4, "目标值", "目标值：最多保留 2 位小数"),
            report_line(5, "月份", "指标和月份与第 2 行重复。"),
            report_line(6, "月份", "月份：日期不能晚于今天"),
        ];
        for line in &expected {
            assert!(r.body.contains(line), "{line}\n{}", r.body);
        }
        let table = r
            .body
            .split("data-testid=\"import-errors\"")
            .nth(1)
            .unwrap();
        let table = table.split("</table>").next().unwrap();
        assert_eq!(table.matches("<tr>").count(), 1 + expected.len(), "{table}");
        let count = async |i: Indicator| {
            indicators::two_years(app.db(), i, 2020)
                .await
                .unwrap()
                .len()
        };
        assert_eq!(count(Indicator::ImportExport).await, 0, "nothing saved");
        assert_eq!(count(Indicator::Exports).await, 0, "not even the good rows");
        // A sheet without the required columns is refused by name.
        let r = app
            .upload(
                &mut c,
                "/indicators/import",
                &[],
                "bad.csv",
                "指标,目标值\n进出口总额,1\n".as_bytes(),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("缺少必需的列：月份、本月值"), "{}", r.body);
        // A good file: every row saved; the growth bottoms out in February and rebounds.
        let good = indicator_sheet(&[
            &["指标", "月份", "本月值", "目标值"],
            &["进出口总额", "2019-01", "100", ""],
            &["进出口总额", "2019-02", "100", ""],
            &["进出口总额", "2019-03", "100", ""],
            &["进出口总额", "2019-04", "100", ""],
            &["进出口总额", "2020-01", "90", "100"],
            &["进出口总额", "2020-02", "70", "80"],
            &["进出口总额", "2020-03", "95", "90"],
            &["进出口总额", "2020-04", "110", "100"],
        ]);
        let r = app
            .upload(&mut c, "/indicators/import", &[], "进出口.xlsx", &good)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("读取 8 行，已全部保存。"), "{}", r.body);
        assert_eq!(count(Indicator::ImportExport).await, 8);
        let api = app
            .get(
                &mut c,
                "/api/v1/indicators?indicator=import_export&year=2020",
            )
            .await
            .json();
        assert_eq!(api["unit"], "亿元");
        let m = &api["months"];
        assert_eq!(m.as_array().unwrap().len(), 12);
        assert_eq!(m[0]["month"], "2020-01");
        assert_eq!(m[0]["value"], 90.0);
        assert_eq!(m[0]["pct_of_target"], 90.0);
        assert_eq!(m[0]["met"], false);
        assert_eq!(m[1]["yoy"], -30.0);
        assert_eq!(m[1]["trough"], true);
        assert_eq!(m[0]["trough"], false);
        assert_eq!(m[2]["trough"], false);
        assert_eq!(m[3]["ytd"], 365.0);
        assert_eq!(m[3]["ytd_yoy"], -8.8, "(365 − 400) / 400, rounded");
        assert_eq!(m[4]["value"], serde_json::Value::Null);
        assert_eq!(m[4]["yoy"], serde_json::Value::Null);
        // A .csv with a BOM, and the template, work too.
        let r = app
            .upload(
                &mut c,
                "/indicators/import",
                &[],
                "出口.csv",
                "\u{feff}指标,月份,本月值\n出口总额,2020-02,88.5\n".as_bytes(),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(count(Indicator::Exports).await, 1);
        let tpl = app.get(&mut c, "/indicators/import/template.xlsx").await;
        let rows = common::xlsx_rows(&tpl.bytes, "经济指标");
        assert_eq!(rows[0], ["指标", "月份", "本月值", "目标值"]);
        assert_eq!(rows.len(), 3);
    }
);
