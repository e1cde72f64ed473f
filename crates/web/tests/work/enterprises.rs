//! Enterprises on SQLite and PostgreSQL: the USCC and the resumption dates validated, a code
//! registered once, and isolation — an enterprise's own account sees and changes only itself,
//! a street only its own; phones masked; the prevention plan filed and downloaded; resumption
//! applied for by the enterprise and reviewed by the command of its street or the district.

use crate::common;

use axum::http::{Method, StatusCode};
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

both_backends!(enterprises_are_validated_and_kept_apart, |t: TestDb| async move {
    let app = App::new(t).await;
    let (street_a, street_b, _, _) = district(app.db()).await;
    let cmd = app.user("zhihui", Role::Commander, Scope::District, false).await;
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
    let r = send(&mut c, "/enterprises", form(&code_a, "深圳市甲电子有限公司", street_a)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let ent_a: i64 = r.location().trim_start_matches("/enterprises/").parse().unwrap();
    let r = send(&mut c, "/enterprises", form(&code_a.to_lowercase(), "重复", street_a)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "the same code twice: {}", r.body);
    let r = send(&mut c, "/enterprises", form(&code_b, "深圳市乙物流有限公司", street_b)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let ent_b: i64 = r.location().trim_start_matches("/enterprises/").parse().unwrap();

    // The enterprise's own account: itself only, by list, id, API and export.
    let own = app.user("jia", Role::Enterprise, Scope::Enterprise(ent_a), false).await;
    let mut e = app.session_for(own).await;
    let list = app.get(&mut e, "/enterprises").await;
    assert!(
        list.body.contains("深圳市甲电子有限公司") && !list.body.contains("乙物流"),
        "{}",
        list.body
    );
    assert_eq!(
        app.get(&mut e, &format!("/enterprises/{ent_b}")).await.status,
        StatusCode::NOT_FOUND
    );
    // Its prevention plan is a document: the button says 上传, not 上传照片.
    let page = app.get(&mut e, &format!("/enterprises/{ent_a}")).await.body;
    let plan = &page[page.find("data-testid=\"plan-form\"").unwrap()..];
    let plan = &plan[..plan.find("</form>").unwrap()];
    assert!(plan.contains(">上传</button>") && !plan.contains("上传照片"), "{plan}");
    assert_eq!(
        app.get(&mut e, &format!("/api/v1/enterprises/{ent_b}")).await.status,
        StatusCode::NOT_FOUND
    );
    let api = app.get(&mut e, "/api/v1/enterprises").await.json();
    assert_eq!(api["total"], 1);
    assert_eq!(api["enterprises"].as_array().unwrap().len(), 1);
    assert_eq!(api["enterprises"][0]["contact_phone"], "138****8000", "phones are masked");
    let rows =
        common::xlsx_rows(&app.get(&mut e, "/enterprises/export.xlsx").await.bytes, "复工复产企业");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1][7], "138****8000");
    // It cannot set its own resumption in the edit form (that is applied for and reviewed:
    // `resumption_is_applied_for_and_reviewed`); the command may correct it there.
    let mut resumed = form(&code_a, "深圳市甲电子有限公司", street_a);
    resumed[8].1 = "resumed".into();
    resumed.push(("approved_on", "2020-02-12".into()));
    resumed.push(("resumed_on", "2020-02-17".into()));
    let r = send(&mut e, &format!("/enterprises/{ent_a}"), resumed.clone()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = send(&mut c, &format!("/enterprises/{ent_a}"), resumed.clone()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        app.get(&mut e, &format!("/api/v1/enterprises/{ent_a}")).await.json()["resumption"],
        "resumed"
    );
    // It cannot touch another enterprise, nor register a new one.
    assert_eq!(
        send(&mut e, &format!("/enterprises/{ent_b}"), form(&code_b, "乙", street_b)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(&mut e, "/enterprises", form(&uscc("91440307MA5F00001"), "丙", street_a)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.get(&mut e, "/enterprises/new").await.status, StatusCode::FORBIDDEN);

    // A street sees its own enterprises only and cannot move one out of its street.
    let sc = app.user("jiedao", Role::Commander, Scope::Street(street_b), false).await;
    let mut s = app.session_for(sc).await;
    assert_eq!(
        app.get(&mut s, &format!("/enterprises/{ent_a}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get(&mut s, &format!("/enterprises/{ent_b}")).await.status, StatusCode::OK);
    let r = send(
        &mut s,
        &format!("/enterprises/{ent_b}"),
        form(&code_b, "深圳市乙物流有限公司", street_a),
    )
    .await;
    assert!(r.body.contains("不在您的管辖范围内"), "{}", r.body);

    // The prevention plan: filed by the enterprise, downloaded as filed, never rendered.
    let pdf = b"%PDF-1.4\n% plan\n%%EOF\n".to_vec();
    let r =
        app.upload(&mut e, &format!("/enterprises/{ent_a}/plan"), &[], "防控方案.pdf", &pdf).await;
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
    assert!(app.get(&mut c, &format!("/enterprises/{ent_a}")).await.body.contains("防控方案.pdf"));
    // A PDF named like a page is kept and offered under the extension of what it is.
    let r =
        app.upload(&mut e, &format!("/enterprises/{ent_a}/plan"), &[], "防控方案.html", &pdf).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let dl = app.get(&mut c, &format!("/enterprises/{ent_a}/plan")).await;
    let disposition = dl.header("content-disposition");
    assert!(disposition.ends_with(".pdf"), "{disposition}");
    assert!(!disposition.contains(".html"), "{disposition}");
    assert_eq!(dl.header("content-type"), "application/pdf");
    // Filters: above scale, resumption, street.
    let f = app
        .get(&mut c, &format!("/api/v1/enterprises?resumption=resumed&street={street_a}"))
        .await
        .json();
    assert_eq!(f["enterprises"].as_array().unwrap().len(), 1);
    assert_eq!((f["total"].as_i64(), f["resumed"].as_i64()), (Some(1), Some(1)));
    let f = app.get(&mut c, "/api/v1/enterprises?resumption=not_started").await.json();
    assert_eq!(f["enterprises"].as_array().unwrap().len(), 0);
});

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

/// The audit actions recorded about an enterprise, oldest first.
async fn audit_actions(app: &App, id: i64) -> Vec<String> {
    let mut rows: Vec<String> = yizhan_store::admin::audit::recent(app.db(), 10_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.object_type == "enterprise" && r.object_id == Some(id.to_string()))
        .map(|r| r.action)
        .collect();
    rows.reverse();
    rows
}

both_backends!(resumption_is_applied_for_and_reviewed, |t: TestDb| async move {
    let app = App::new(t).await;
    let (street_a, street_b, _, _) = district(app.db()).await;
    let code = "91350100M000100Y43";
    let ent = common::enterprise(app.db(), code, "深圳市甲电子有限公司", street_a).await;
    let today = yizhan_core::time::local_date(yizhan_store::db::now()).to_string();
    let jia = app.user("jia", Role::Enterprise, Scope::Enterprise(ent), false).await;
    let street = app.user("jihua", Role::Commander, Scope::Street(street_a), false).await;
    let other_street = app.user("pinghu", Role::Commander, Scope::Street(street_b), false).await;
    let district_cmd = app.user("zhihui", Role::Commander, Scope::District, false).await;
    let viewer = app.user("guancha", Role::Viewer, Scope::District, false).await;
    let mut e = app.session_for(jia).await;
    let mut s = app.session_for(street).await;
    let mut d = app.session_for(district_cmd).await;
    let page = format!("/enterprises/{ent}");
    let api = format!("/api/v1/enterprises/{ent}");
    let status = async |c: &mut common::Client| app.get(c, &api).await.json();

    // The enterprise cannot approve itself: not in the edit form (page or JSON), not by
    // the review route. Each attempt is refused naming the field, and nothing is saved.
    let mut edit = form(code, "深圳市甲电子有限公司", street_a);
    edit[8].1 = "approved".into();
    edit.push(("approved_on", today.clone()));
    let f: Vec<(&str, &str)> = edit.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.form(&mut e, &page, &f).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("企业不能在此修改复工状态"), "{}", r.body);
    for (hostile, field) in [
        (serde_json::json!({"resumption": "approved", "approved_on": today}), "resumption"),
        (serde_json::json!({"resumption": "resumed"}), "resumption"),
        (serde_json::json!({"approved_on": today}), "approved_on"),
    ] {
        let mut body = serde_json::json!({
            "uscc": code, "name": "深圳市甲电子有限公司", "street_id": street_a,
            "industry": "manufacturing", "headcount": 900, "contact_name": "王经理",
            "contact_phone": "13800138000",
        });
        body.as_object_mut().unwrap().extend(hostile.as_object().unwrap().clone());
        let r = app.json(&mut e, Method::PUT, &api, body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.json()["error"]["field"], field, "{}", r.body);
    }
    let now = status(&mut e).await;
    assert_eq!(
        (now["resumption"].as_str(), now["headcount"].as_i64()),
        (Some("not_started"), Some(500)),
        "nothing saved: {now}"
    );
    // An ordinary edit without the status keeps it.
    let r = app
        .json(
            &mut e,
            Method::PUT,
            &api,
            serde_json::json!({
                "uscc": code, "name": "深圳市甲电子有限公司", "street_id": street_a,
                "industry": "manufacturing", "headcount": 900, "contact_name": "王经理",
                "contact_phone": "13800138000",
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        (r.json()["headcount"].as_i64(), r.json()["resumption"].as_str()),
        (Some(900), Some("not_started"))
    );
    let form_page = app.get(&mut e, &format!("{page}/edit")).await;
    assert!(
        form_page.body.contains("resumption-locked")
            && !form_page.body.contains("name=\"resumption\""),
        "{}",
        form_page.body
    );
    for path in [format!("{page}/review"), format!("{api}/review")] {
        let r = if path.starts_with("/api/") {
            app.json(
                &mut e,
                Method::POST,
                &path,
                serde_json::json!({"decision": "approve", "reason": "自己批准"}),
            )
            .await
        } else {
            app.form(&mut e, &path, &[("decision", "approve"), ("reason", "x")]).await
        };
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
    }

    // Applying needs the prevention plan filed.
    let r = app.form(&mut e, &format!("{page}/apply"), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("请先报备防控方案"), "{}", r.body);
    let r = app.json(&mut e, Method::POST, &format!("{api}/apply"), serde_json::json!({})).await;
    assert_eq!(r.json()["error"]["field"], "plan", "{}", r.body);
    let pdf = b"%PDF-1.4\n% plan\n%%EOF\n".to_vec();
    app.upload(&mut e, &format!("{page}/plan"), &[], "防控方案.pdf", &pdf).await;
    // Not approved yet: it cannot report resumed.
    let r = app.json(&mut e, Method::POST, &format!("{api}/resumed"), serde_json::json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "resumption");
    let shown = app.get(&mut e, &page).await.body;
    assert!(shown.contains("resumption-apply") && !shown.contains("resumption-review"));
    let r = app.form(&mut e, &format!("{page}/apply"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let now = status(&mut e).await;
    assert_eq!(now["resumption"], "applied");
    assert_eq!(now["applied_on"], today);
    let r = app.json(&mut e, Method::POST, &format!("{api}/apply"), serde_json::json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "applying twice: {}", r.body);

    // The queue: the street's own commander and the district see it; another street does
    // not, and cannot review it; the viewer reviews nothing.
    let q = app.get(&mut s, "/enterprises/review").await;
    assert!(q.body.contains(&format!("review-row-{ent}")), "{}", q.body);
    assert!(app.get(&mut s, "/enterprises").await.body.contains("复工申请待审核 (1)"));
    let mut o = app.session_for(other_street).await;
    let q = app.get(&mut o, "/enterprises/review").await;
    assert!(q.body.contains("review-queue-empty"), "{}", q.body);
    let r = app
        .json(
            &mut o,
            Method::POST,
            &format!("{api}/review"),
            serde_json::json!({"decision": "approve", "reason": "同意"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let mut v = app.session_for(viewer).await;
    assert_eq!(
        app.form(&mut v, &format!("{page}/review"), &[("decision", "approve"), ("reason", "x")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // A review needs its reason; a rejection sends it back to not_started, reason shown.
    let r = app
        .form(&mut s, &format!("{page}/review"), &[("decision", "reject"), ("reason", " ")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("原因："), "the field is named: {}", r.body);
    let r = app
        .json(
            &mut s,
            Method::POST,
            &format!("{api}/review"),
            serde_json::json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "reason");
    let r = app
        .form(
            &mut s,
            &format!("{page}/review"),
            &[
                ("decision", "reject"),
                ("reason", "防控方案缺少返岗员工健康监测安排"),
                ("back", "queue"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/enterprises/review");
    let now = status(&mut e).await;
    assert_eq!(now["resumption"], "not_started");
    assert_eq!(now["review_decision"], "rejected");
    assert_eq!(now["review_reason"], "防控方案缺少返岗员工健康监测安排");
    assert_eq!(now["reviewed_by"], "jihua");
    assert!(now["applied_on"].is_null());
    let shown = app.get(&mut e, &page).await.body;
    assert!(
        shown.contains("review-rejected")
            && shown.contains("防控方案缺少返岗员工健康监测安排")
            && shown.contains("resumption-apply"),
        "{shown}"
    );

    // It applies again (API). Two reviewers decide at once: exactly one lands.
    let r = app.json(&mut e, Method::POST, &format!("{api}/apply"), serde_json::json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["resumption"], "applied");
    let review_path = format!("{api}/review");
    let (a, b) = tokio::join!(
        app.json(
            &mut s,
            Method::POST,
            &review_path,
            serde_json::json!({"decision": "approve", "reason": "方案已补充，同意复工"}),
        ),
        app.json(
            &mut d,
            Method::POST,
            &review_path,
            serde_json::json!({"decision": "reject", "reason": "请再补充通勤安排"}),
        ),
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "{} / {}", a.body, b.body);
    let loser = if a.status == StatusCode::CONFLICT { &a } else { &b };
    assert_eq!(loser.json()["error"]["field"], "resumption");
    let now = status(&mut e).await;
    let (winner_state, winner_reason) = if a.status == StatusCode::OK {
        ("approved", "方案已补充，同意复工")
    } else {
        ("not_started", "请再补充通勤安排")
    };
    assert_eq!(now["resumption"], winner_state, "{now}");
    assert_eq!(now["review_reason"], winner_reason);
    let reviews = audit_actions(&app, ent)
        .await
        .into_iter()
        .filter(|a| a == "enterprise.approve" || a == "enterprise.reject")
        .count();
    assert_eq!(reviews, 2, "the first rejection and exactly one of the two");

    // The store itself: a review from a status already left writes nothing.
    if winner_state == "not_started" {
        app.json(&mut e, Method::POST, &format!("{api}/apply"), serde_json::json!({})).await;
        let r = app
            .json(
                &mut d,
                Method::POST,
                &review_path,
                serde_json::json!({"decision": "approve", "reason": "同意复工"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    use yizhan_core::work::enterprise::Resumption;
    use yizhan_core::work::resumption::{Move, Step};
    let stale = yizhan_store::work::enterprises::take_step(
        app.db(),
        &yizhan_core::access::Actor::system(),
        ent,
        Move { step: Step::Reject, from: Resumption::Applied, to: Resumption::NotStarted },
        Some("迟到的驳回"),
        yizhan_core::time::local_date(yizhan_store::db::now()),
    )
    .await;
    assert!(
        matches!(
            stale,
            Err(yizhan_store::StoreError::Refused(yizhan_core::error::DomainError::Rule {
                key: yizhan_core::work::resumption::KEY_MOVED,
                ..
            }))
        ),
        "{stale:?}"
    );
    assert_eq!(status(&mut e).await["resumption"], "approved");
    // Two reviews reaching the store at once, past the domain's check: the conditional
    // update lets exactly one land.
    let second =
        common::enterprise(app.db(), &uscc("91440307MA5F00009"), "深圳市丙科技有限公司", street_a)
            .await;
    let sys = yizhan_core::access::Actor::system();
    let day = yizhan_core::time::local_date(yizhan_store::db::now());
    yizhan_store::work::enterprises::take_step(
        app.db(),
        &sys,
        second,
        Move { step: Step::Apply, from: Resumption::NotStarted, to: Resumption::Applied },
        None,
        day,
    )
    .await
    .unwrap();
    let (x, y) = tokio::join!(
        yizhan_store::work::enterprises::take_step(
            app.db(),
            &sys,
            second,
            Move { step: Step::Approve, from: Resumption::Applied, to: Resumption::Approved },
            Some("同意"),
            day,
        ),
        yizhan_store::work::enterprises::take_step(
            app.db(),
            &sys,
            second,
            Move { step: Step::Reject, from: Resumption::Applied, to: Resumption::NotStarted },
            Some("驳回"),
            day,
        ),
    );
    assert!(x.is_ok() != y.is_ok(), "exactly one lands: {x:?} {y:?}");
    let stored = yizhan_store::work::enterprises::get(app.db(), second).await.unwrap();
    assert_eq!(stored.resumption, if x.is_ok() { "approved" } else { "not_started" });

    // Approved: the enterprise reports it has resumed; the statistics count it.
    let shown = app.get(&mut e, &page).await.body;
    assert!(shown.contains("resumption-resume"), "{shown}");
    let r = app.form(&mut e, &format!("{page}/resumed"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let now = status(&mut e).await;
    assert_eq!(
        (now["resumption"].as_str(), now["resumed_on"].as_str()),
        (Some("resumed"), Some(today.as_str()))
    );
    assert!(
        app.get(&mut d, "/resumption")
            .await
            .body
            .contains("data-testid=\"resumption-rate\">50.0%</b>"),
        "one of the two enterprises resumed"
    );
    let actions = audit_actions(&app, ent).await;
    for a in [
        "enterprise.update",
        "enterprise.plan",
        "enterprise.apply",
        "enterprise.reject",
        "enterprise.approve",
        "enterprise.resume",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
    }
});

/// 62 enterprises: the even ones in street A, every third one in logistics, headcount n×10; one
/// name with a LIKE wildcard in it.
async fn sixty_two(app: &App, street_a: i64, street_b: i64) {
    for n in 1..=62u32 {
        let name = if n == 7 {
            "百分百_物流有限公司".into()
        } else {
            format!("深圳市第{n:02}电子有限公司")
        };
        let street = if n % 2 == 0 { street_a } else { street_b };
        let industry = if n % 3 == 0 { "logistics" } else { "manufacturing" };
        let code = uscc(&format!("91440300{n:09}"));
        common::enterprise_with(app.db(), &code, &name, street, industry, n * 10).await;
    }
}

both_backends!(the_register_is_paged_searched_and_filtered_on_the_server, |t: TestDb| async move {
    let app = App::new(t).await;
    let (street_a, street_b, _, _) = district(app.db()).await;
    sixty_two(&app, street_a, street_b).await;
    let cmd = app.user("zhihui", Role::Commander, Scope::District, false).await;
    let mut c = app.session_for(cmd).await;
    let list = async |c: &mut common::Client, query: &str| {
        let r = app.get(c, &format!("/api/v1/enterprises?{query}")).await;
        assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.body);
        r.json()
    };
    let names = |v: &serde_json::Value| -> Vec<String> {
        v["enterprises"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["name"].as_str().unwrap().to_owned())
            .collect()
    };
    // Pages of 50 with the total.
    let p1 = list(&mut c, "").await;
    assert_eq!(
        (p1["total"].as_i64(), p1["page"].as_i64(), p1["per_page"].as_i64()),
        (Some(62), Some(1), Some(50))
    );
    assert_eq!(names(&p1).len(), 50);
    let p2 = list(&mut c, "page=2").await;
    assert_eq!(names(&p2).len(), 12);
    assert!(names(&p2).iter().all(|n| !names(&p1).contains(n)), "pages overlap");
    // Search: a part of the name; the start of the credit code; a wildcard is a character.
    assert_eq!(names(&list(&mut c, "q=%E7%AC%AC12").await), ["深圳市第12电子有限公司"]);
    let code = uscc("91440300000000045");
    let by_code = list(&mut c, &format!("q={}", &code[..17])).await;
    assert_eq!(names(&by_code), ["深圳市第45电子有限公司"]);
    assert_eq!(list(&mut c, "q=%25").await["total"], 0, "a % is not everything");
    // Filters: street, industry; and both with a search.
    assert_eq!(list(&mut c, &format!("street={street_a}")).await["total"], 31);
    assert_eq!(list(&mut c, "industry=logistics").await["total"], 20);
    assert_eq!(list(&mut c, &format!("industry=logistics&street={street_a}")).await["total"], 10);
    // Sorts: the largest first.
    let big = list(&mut c, "sort=headcount").await;
    assert_eq!(big["enterprises"][0]["headcount"], 620);
    assert_eq!(names(&list(&mut c, "sort=name").await)[0], "深圳市第01电子有限公司");
    // Nonsense is refused on its field, not ignored.
    for (query, field) in [
        ("street=abc", "street"),
        ("industry=mining", "industry"),
        ("resumption=done", "resumption"),
        ("sort=price", "sort"),
        ("page=0", "page"),
    ] {
        let r = app.get(&mut c, &format!("/api/v1/enterprises?{query}")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(r.json()["error"]["field"], field, "{query}");
    }
    // A street's command sees its street only, searched the same way.
    let street_cmd = app.user("jiedao", Role::Commander, Scope::Street(street_b), false).await;
    let mut s = app.session_for(street_cmd).await;
    assert_eq!(list(&mut s, "").await["total"], 31);
    assert_eq!(list(&mut s, "q=%E7%AC%AC12").await["total"], 0, "street A's is not theirs");
    // The page: 50 rows, the summary of all, the pager keeping the filter.
    let page = app.get(&mut c, "/enterprises?industry=manufacturing").await;
    let rows = page.body.matches("\"><a href=\"/enterprises/").count();
    assert_eq!(rows, 42, "one link per row");
    assert!(page.body.contains("企业数 42"), "{}", page.body);
    let page = app.get(&mut c, "/enterprises").await;
    assert!(page.body.contains("第 1–50 条，共 62 条"), "the pager's summary");
    assert!(page.body.contains("/enterprises?page=2"), "a link to the next page");
    let filtered = app.get(&mut c, "/enterprises?above_scale=&sort=headcount").await;
    let next = filtered.body.split("\" rel=\"next\"").next().unwrap();
    let next = &next[next.rfind("href=\"").unwrap() + 6..];
    assert!(next.starts_with("/enterprises?sort=headcount&") && next.ends_with("page=2"), "{next}");
});

both_backends!(pickers_search_thousands_on_the_server, |t: TestDb| async move {
    let app = App::new(t).await;
    let (street_a, street_b, _, _) = district(app.db()).await;
    sixty_two(&app, street_a, street_b).await;
    let id_of = async |name: &str| {
        let f = yizhan_store::work::enterprises::EnterpriseFilter {
            search: name.into(),
            ..Default::default()
        };
        yizhan_store::work::enterprises::ids(app.db(), yizhan_store::work::Within::District, &f, 10)
            .await
            .unwrap()[0]
    };
    let e12 = id_of("第12").await;
    let e45 = id_of("第45").await;
    let cmd = app.user("zhihui", Role::Commander, Scope::District, false).await;
    let mut c = app.session_for(cmd).await;
    // The directive form lists 50 enterprises, not the register.
    let page = app.get(&mut c, "/directives").await;
    assert_eq!(page.body.matches("value=\"enterprise:").count(), 50);
    assert!(page.body.contains("找到 62 家，列出前 50 家"), "the picker says there are more");
    // A search: what is typed, with the chosen kept on top, checked.
    let r = app
        .get(
            &mut c,
            &format!(
                "/enterprises/pick?field=recipient&pick_q=%E7%AC%AC12&recipient=enterprise:{e45}"
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(&format!("value=\"enterprise:{e45}\" checked")), "{}", r.body);
    assert!(r.body.contains(&format!("value=\"enterprise:{e12}\">")), "{}", r.body);
    assert!(r.body.contains("找到 1 家") && r.body.contains("全选本次搜索到的 1 家"), "{}", r.body);
    assert!(!r.body.contains("<fieldset"), "a search answers with the results only");
    let r = app.get(&mut c, "/enterprises/pick?field=password").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // "All that this search finds": street A's logistics firms, ten of them, plus one chosen.
    let r = app
        .form(
            &mut c,
            "/directives",
            &[
                ("title", "关于物流企业复工防疫的通知"),
                ("kind", "notice"),
                (
                    "deadline",
                    &(yizhan_core::time::local_date(yizhan_store::db::now())
                        + chrono::Duration::days(3))
                    .to_string(),
                ),
                ("body", "请各物流企业落实。"),
                (
                    "recipient_all",
                    &format!("pick_q=&pick_street={street_a}&pick_industry=logistics"),
                ),
                ("recipient", &format!("enterprise:{e45}")),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id: i64 = r.location().rsplit('/').next().unwrap().parse().unwrap();
    let d = app.get(&mut c, &format!("/api/v1/directives/{id}")).await.json();
    assert_eq!(d["recipients"].as_array().unwrap().len(), 11, "{d}");
    let r = app.form(&mut c, &format!("/directives/{id}/publish"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let shown = app.get(&mut c, &format!("/directives/{id}")).await;
    assert!(shown.body.contains("0 / 11"), "{}", shown.body);
    // Sent to all 62 (all of both streets), the receipts are paged 50 at a time and searched by name.
    let deadline = (yizhan_core::time::local_date(yizhan_store::db::now())
        + chrono::Duration::days(3))
    .to_string();
    let r = app
        .form(
            &mut c,
            "/directives",
            &[
                ("title", "关于全体企业复工防疫的通知"),
                ("kind", "notice"),
                ("deadline", &deadline),
                ("body", "请各企业落实。"),
                ("recipient_all", &format!("pick_q=&pick_street={street_a}&pick_industry=")),
                ("recipient_all", &format!("pick_q=&pick_street={street_b}&pick_industry=")),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let all: i64 = r.location().rsplit('/').next().unwrap().parse().unwrap();
    app.form(&mut c, &format!("/directives/{all}/publish"), &[]).await;
    let receipts = |body: &str| {
        let table = body.split("data-testid=\"directive-recipients\"").nth(1).unwrap();
        table.split("</table>").next().unwrap().matches("<tr").count() - 1
    };
    let first = app.get(&mut c, &format!("/directives/{all}")).await.body;
    assert!(first.contains("0 / 62") && first.contains("第 1–50 条，共 62 条"), "{first}");
    assert_eq!(receipts(&first), 50);
    let second = app.get(&mut c, &format!("/directives/{all}?page=2")).await.body;
    assert_eq!(receipts(&second), 12);
    let found = app.get(&mut c, &format!("/directives/{all}?q=%E7%AC%AC45")).await.body;
    assert_eq!(receipts(&found), 1);
    assert!(found.contains("第 1–1 条，共 1 条"), "{found}");
    let bad = app.get(&mut c, &format!("/directives/{all}?page=0")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The list of directives is searched too.
    let list = app.get(&mut c, "/directives?q=%E5%85%A8%E4%BD%93").await.body;
    assert!(
        list.contains("关于全体企业复工防疫的通知") && !list.contains("关于物流企业"),
        "{list}"
    );
    // The forms that act for one enterprise list 50 of 62 to choose from, with a search.
    for page in ["/difficulties", "/relief", "/workers/new"] {
        let body = app.get(&mut c, page).await.body;
        assert_eq!(body.matches("name=\"enterprise_id\"").count(), 50, "{page}");
        assert!(body.contains("data-testid=\"pick-q-enterprise_id\""), "{page}");
    }
    // An inspector plans an inspection of an enterprise found by search, not in a list of all.
    let inspector = app.user("ducha", Role::Inspector, Scope::District, false).await;
    let mut i = app.session_for(inspector).await;
    yizhan_store::command::inspections::create_template(
        app.db(),
        &yizhan_core::access::Actor::system(),
        &yizhan_core::command::inspection::NewTemplate {
            name: "复工企业检查表".into(),
            items: vec![yizhan_core::command::inspection::Item {
                topic: "防疫".into(),
                text: "防疫方案".into(),
                standard: "有方案并落实".into(),
            }],
        },
    )
    .await
    .unwrap();
    let page = app.get(&mut i, "/inspections").await.body;
    assert!(page.contains("data-testid=\"pick-q-unit\""), "{page}");
    assert_eq!(page.matches("name=\"unit\" value=\"enterprise:").count(), 50, "not all 62");
    let found = app.get(&mut i, "/enterprises/pick?field=unit&pick_q=%E7%AC%AC12").await;
    assert_eq!(found.status, StatusCode::OK);
    assert!(
        found.body.contains(&format!("name=\"unit\" value=\"enterprise:{e12}\"")),
        "{}",
        found.body
    );
    // An enterprise's clerk registering a worker: its own enterprise, already chosen.
    let clerk = app.user("qiye", Role::Enterprise, Scope::Enterprise(e12), false).await;
    let mut q = app.session_for(clerk).await;
    let form = app.get(&mut q, "/workers/new").await;
    assert!(
        form.body.contains(&format!("name=\"enterprise_id\" value=\"{e12}\" checked")),
        "{}",
        form.body
    );
    assert_eq!(form.body.matches("name=\"enterprise_id\"").count(), 1, "only its own");
});
