//! The register: validation, a code registered once, isolation by scope, masked phones, the
//! prevention plan; paged, searched and filtered on the server.

use axum::http::StatusCode;
use yizhan_core::access::{Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

use super::*;
use crate::common::{self, App, district};

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
