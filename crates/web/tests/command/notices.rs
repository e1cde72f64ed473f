//! Notices (通报) on SQLite and PostgreSQL: drafted for a period and scope from the inspection
//! records, invisible to the units while a draft, frozen once published, read by the units in
//! scope only, and exported as .docx that reads back.

use crate::common;

use axum::http::StatusCode;
use common::{App, district};
use yizhan_core::access::{Actor, Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::db::{now, q};
use yizhan_store::testing::TestDb;

fn fields<'a>(v: &'a [(&'a str, String)]) -> Vec<(&'a str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

both_backends!(a_notice_from_draft_to_published, |t: TestDb| async move {
    let app = App::new(t).await;
    let db = app.db();
    let (street_a, street_b, st_a, st_b) = district(db).await;
    let sys = Actor::system();
    let checklist = yizhan_store::command::inspections::create_template(
        db,
        &sys,
        &yizhan_core::command::inspection::validate_template(
            &yizhan_core::command::inspection::TemplateInput {
                name: "督导检查表".into(),
                items: "消杀 | 终末消毒记录 | 每间退房后有记录".into(),
            },
        )
        .unwrap(),
    )
    .await
    .unwrap();
    // Station A: a failed item with a major rectification, now past its deadline.
    let (rect, _) = common::rectification_fixture(db, st_a, checklist).await;
    let today = yizhan_core::time::local_date(now());
    db.execute(
        q("UPDATE rectifications SET deadline = $1 WHERE id = $2")
            .bind(today - chrono::Duration::days(1))
            .bind(rect),
    )
    .await
    .unwrap();
    // Station B: a failed item with no order yet.
    common::failed_inspection(db, st_b, checklist, "缓冲区无标识").await;

    let inspector = app.user("ducha", Role::Inspector, Scope::District, false).await;
    let street_cmd = app.user("jiedao", Role::Commander, Scope::Street(street_b), false).await;
    let lead_a = app.user("lead_a", Role::StationLead, Scope::Station(st_a), false).await;
    let lead_b = app.user("lead_b", Role::StationLead, Scope::Station(st_b), false).await;
    let mut i = app.session_for(inspector).await;
    let week = |street: String| {
        vec![
            ("title", "关于本周健康驿站督导检查情况的通报".to_owned()),
            ("period_from", (today - chrono::Duration::days(6)).to_string()),
            ("period_to", today.to_string()),
            ("street_id", street),
            ("summary", "各驿站要举一反三，立行立改。".to_owned()),
        ]
    };
    let mut bad = week(String::new());
    bad[2].1 = (today - chrono::Duration::days(7)).to_string();
    let r = app.form(&mut i, "/notices", &fields(&bad)).await;
    assert!(r.body.contains("结束日期不能早于开始日期"), "{}", r.body);
    // A period that has not begun is nothing to report on.
    let mut bad = week(String::new());
    bad[1].1 = (today + chrono::Duration::days(1)).to_string();
    let r = app.form(&mut i, "/notices", &fields(&bad)).await;
    assert!(r.body.contains("日期不能晚于今天"), "{}", r.body);
    let r = app.form(&mut i, "/notices", &fields(&week(String::new()))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id: i64 = r.location().trim_start_matches("/notices/").parse().unwrap();
    // A street's commander writes for the street, not for the district.
    let mut sc = app.session_for(street_cmd).await;
    let r = app.form(&mut sc, "/notices", &fields(&week(String::new()))).await;
    assert!(r.body.contains("不在您的管辖范围内"), "{}", r.body);
    let r = app.form(&mut sc, "/notices", &fields(&week(street_b.to_string()))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let street_notice: i64 = r.location().trim_start_matches("/notices/").parse().unwrap();

    // The draft's figures come from the records; the units do not see it yet.
    let api = app.get(&mut i, &format!("/api/v1/notices/{id}")).await.json();
    let c = &api["content"];
    assert_eq!(
        (
            c["total"]["inspections"].as_i64(),
            c["total"]["findings"].as_i64(),
            c["total"]["major"].as_i64(),
            c["total"]["unordered"].as_i64(),
            c["total"]["overdue"].as_i64()
        ),
        (Some(2), Some(2), Some(1), Some(1), Some(1)),
        "{c}"
    );
    assert_eq!(c["units"][0]["station"], "卓汇健康驿站", "the worse unit comes first");
    assert_eq!(c["findings"].as_array().unwrap().len(), 2);
    assert_eq!(api["status"], "draft");
    let mut la = app.session_for(lead_a).await;
    assert_eq!(app.get(&mut la, &format!("/notices/{id}")).await.status, StatusCode::NOT_FOUND);
    assert!(app.get(&mut la, "/notices").await.body.contains("notices-empty"));

    // Published once; the content is frozen from then on.
    assert_eq!(
        app.form(&mut i, &format!("/notices/{id}/publish"), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let r = app.form(&mut i, &format!("/notices/{id}/publish"), &[]).await;
    assert!(r.body.contains("该通报已发布"), "{}", r.body);
    db.execute(q("UPDATE rectifications SET status = 'closed', reply = 'x', submitted_by = 'x', verified_by = 'x' WHERE id = $1").bind(rect))
        .await
        .unwrap();
    let page = app.get(&mut la, &format!("/notices/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("302房退房后无终末消毒记录") && page.body.contains("缓冲区无标识"),
        "{}",
        page.body
    );
    let frozen = app.get(&mut la, &format!("/api/v1/notices/{id}")).await.json();
    assert_eq!(frozen["content"]["total"]["overdue"], 1, "published content does not move");
    assert_eq!(frozen["status"], "published");
    assert!(frozen.get("body").is_none_or(|b| b.is_null()));

    // The street's notice reaches its own stations only, once published.
    app.form(&mut sc, &format!("/notices/{street_notice}/publish"), &[]).await;
    let mut lb = app.session_for(lead_b).await;
    assert_eq!(app.get(&mut lb, &format!("/notices/{street_notice}")).await.status, StatusCode::OK);
    assert_eq!(
        app.get(&mut la, &format!("/notices/{street_notice}")).await.status,
        StatusCode::NOT_FOUND
    );
    let street_api = app.get(&mut lb, &format!("/api/v1/notices/{street_notice}")).await.json();
    assert_eq!(street_api["content"]["total"]["inspections"], 1);
    let _ = street_a;

    // The .docx reads back with the title, the units and the findings.
    let d = app.get(&mut la, &format!("/notices/{id}/export.docx")).await;
    assert_eq!(d.status, StatusCode::OK);
    let text = yizhan_web::kit::docx::text_of(&d.bytes).unwrap();
    for want in [
        "关于本周健康驿站督导检查情况的通报",
        "各单位情况",
        "卓汇健康驿站",
        "平湖健康驿站",
        "缓冲区无标识",
        "举一反三",
    ] {
        assert!(text.contains(want), "{want} missing in {text}");
    }
});

both_backends!(the_overview_counts_link_to_their_lists, |t: TestDb| async move {
    let app = App::new(t).await;
    let db = app.db();
    let (_, street_b, st_a, st_b) = district(db).await;
    let sys = Actor::system();
    let r1 = common::room(db, st_a, "301", 2).await;
    let g = common::guest(db, st_a, 1).await;
    common::check_in(db, st_a, g, r1).await;
    let checklist = yizhan_store::command::inspections::create_template(
        db,
        &sys,
        &yizhan_core::command::inspection::validate_template(
            &yizhan_core::command::inspection::TemplateInput {
                name: "督导检查表".into(),
                items: "消杀 | 终末消毒记录 | 每间退房后有记录".into(),
            },
        )
        .unwrap(),
    )
    .await
    .unwrap();
    let (rect, _) = common::rectification_fixture(db, st_a, checklist).await;
    let today = yizhan_core::time::local_date(now());
    db.execute(
        q("UPDATE rectifications SET deadline = $1 WHERE id = $2")
            .bind(today - chrono::Duration::days(3))
            .bind(rect),
    )
    .await
    .unwrap();
    let cmd = app.user("zhihui", Role::Commander, Scope::District, false).await;
    let mut c = app.session_for(cmd).await;
    let page = app.get(&mut c, "/command").await;
    assert_eq!(page.status, StatusCode::OK);
    let b = &page.body;
    assert!(b.contains("data-testid=\"tile-in-stay\">1 / 2</b>"), "{b}");
    assert!(b.contains("入住率 50%"), "{b}");
    assert!(b.contains("data-testid=\"tile-overdue-rect\">1</b>"), "{b}");
    let link = format!("/rectifications?overdue=1&amp;station={st_a}");
    assert!(b.contains(&link), "{b}");
    // The link opens the list behind the number.
    let list = app.get(&mut c, &format!("/rectifications?overdue=1&station={st_a}")).await;
    assert!(list.body.contains("302房退房后无终末消毒记录"), "{}", list.body);
    // A street's commander sees the street's stations only.
    let sc = app.user("jiedao", Role::Commander, Scope::Street(street_b), false).await;
    let mut s = app.session_for(sc).await;
    let page = app.get(&mut s, "/command").await;
    assert!(page.body.contains(&format!("data-station=\"{st_b}\"")));
    assert!(!page.body.contains(&format!("data-station=\"{st_a}\"")), "{}", page.body);
    assert!(page.body.contains("data-testid=\"tile-overdue-rect\">0</b>"));
    // Station staff have their own pages, not the command's.
    let lead = app.user("lead", Role::StationLead, Scope::Station(st_a), false).await;
    let mut l = app.session_for(lead).await;
    assert_eq!(app.get(&mut l, "/command").await.status, StatusCode::FORBIDDEN);
});
