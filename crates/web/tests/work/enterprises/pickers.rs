//! Pickers that search thousands of enterprises on the server: directive recipients (and their
//! receipts, paged), the employer of a worker, the unit of an inspection.

use axum::http::StatusCode;
use yizhan_core::access::{Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

use super::*;
use crate::common::{App, district};

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
