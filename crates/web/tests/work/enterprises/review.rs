//! Resumption applied for by the enterprise and reviewed by the command of its street or the
//! district, each step audited.

use axum::http::{Method, StatusCode};
use yizhan_core::access::{Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

use super::*;
use crate::common::{self, App, district};

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
    // The count on the register is the reviewer's own: none for the other street, one for the
    // district; an enterprise does not review.
    assert!(app.get(&mut o, "/enterprises").await.body.contains("复工申请待审核 (0)"));
    assert!(app.get(&mut d, "/enterprises").await.body.contains("复工申请待审核 (1)"));
    assert!(!app.get(&mut e, "/enterprises").await.body.contains("复工申请待审核"));
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

// The queue of a street with 55 applications and of another with 3: paged by 50, oldest
// application first, searched on the server; a street commander sees their street only and is
// refused another street on its field; the district chooses any.
both_backends!(the_review_queue_is_paged_and_searched, |t: TestDb| async move {
    let app = App::new(t).await;
    let (street_a, street_b, _, _) = district(app.db()).await;
    let day0 = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let mut ids = Vec::new();
    for (n, street) in (0..58).map(|n| (n, if n < 55 { street_a } else { street_b })) {
        let uscc = yizhan_core::validate::with_check_char(&format!("91440300{n:09}")).unwrap();
        let id = common::enterprise(app.db(), &uscc, &format!("复工企业{n:02}号"), street).await;
        // Applied on different days, the newest first, so that the order is the queue's own.
        let applied = day0 + chrono::Duration::days(60 - n);
        app.db()
            .execute(
                yizhan_store::db::q(
                    "UPDATE enterprises SET resumption = 'applied', applied_on = $1 WHERE id = $2",
                )
                .bind(applied)
                .bind(id),
            )
            .await
            .unwrap();
        ids.push(id);
    }
    let street = app.user("jihua", Role::Commander, Scope::Street(street_a), false).await;
    let district_cmd = app.user("zhihui", Role::Commander, Scope::District, false).await;
    let mut s = app.session_for(street).await;
    let mut d = app.session_for(district_cmd).await;
    let rows = |body: &str| -> Vec<i64> {
        body.match_indices("data-testid=\"review-row-")
            .map(|(i, m)| {
                let rest = &body[i + m.len()..];
                rest[..rest.find('"').unwrap()].parse().unwrap()
            })
            .collect()
    };

    // Street A: 55 waiting, 50 on the first page, the oldest (applied last in the loop) first.
    let first = app.get(&mut s, "/enterprises/review").await;
    assert_eq!(first.status, StatusCode::OK);
    let shown = rows(&first.body);
    assert_eq!(shown.len(), 50, "{}", first.body);
    assert_eq!(shown[0], ids[54], "the oldest application first");
    assert!(first.body.contains("共 55 条"), "{}", first.body);
    let next = format!("/enterprises/review?street={street_a}&#38;page=2");
    assert!(first.body.contains(&next), "{}", first.body);
    let second = app.get(&mut s, "/enterprises/review?page=2").await;
    let mut rest = rows(&second.body);
    rest.sort_unstable();
    assert_eq!(rest, ids[..5].to_vec(), "the five newest on page 2");
    assert!(app.get(&mut s, "/enterprises").await.body.contains("复工申请待审核 (55)"));

    // Searched on the server, by name and by the start of the credit code; the pager keeps it.
    let hit = app.get(&mut s, "/enterprises/review?q=%E5%A4%8D%E5%B7%A5%E4%BC%81%E4%B8%9A07").await;
    assert_eq!(rows(&hit.body), vec![ids[7]], "{}", hit.body);
    let code = app.get(&mut s, "/enterprises/review?q=9144030000000000").await;
    assert_eq!(rows(&code.body).len(), 10, "codes …000 to …009");
    // Street B's applications are not street A's to see: searched for, absent; chosen, refused.
    let other =
        app.get(&mut s, "/enterprises/review?q=%E5%A4%8D%E5%B7%A5%E4%BC%81%E4%B8%9A56").await;
    assert!(other.body.contains("review-queue-empty"), "{}", other.body);
    let refused = app.get(&mut s, &format!("/enterprises/review?street={street_b}")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("所选街道不在您的管辖范围内"), "{}", refused.body);

    // The district: all 58, and street B's 3 when it chooses street B.
    let all = app.get(&mut d, "/enterprises/review").await;
    assert!(all.body.contains("共 58 条"), "{}", all.body);
    let b = app.get(&mut d, &format!("/enterprises/review?street={street_b}")).await;
    let mut in_b = rows(&b.body);
    in_b.sort_unstable();
    assert_eq!(in_b, ids[55..].to_vec());
    // The export link is the register's, narrowed to the applications shown.
    assert!(
        b.body.contains(&format!(
            "/enterprises/export.xlsx?q=&#38;street={street_b}&#38;resumption=applied"
        )),
        "{}",
        b.body
    );
    let bad = app.get(&mut d, "/enterprises/review?page=x").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
});
