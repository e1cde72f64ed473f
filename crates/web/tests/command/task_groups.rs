//! The district command's own work on SQLite and PostgreSQL: special task groups (专责小组)
//! with tasks, owners, due days and status.

use crate::common;

use axum::http::StatusCode;
use common::{App, district};
use yizhan_core::access::{Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::db::{now, q};
use yizhan_store::testing::TestDb;

both_backends!(task_groups_and_their_tasks, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st_a, _) = district(app.db()).await;
    let cmd = app.user("zhihui", Role::Commander, Scope::District, false).await;
    let viewer = app.user("kan", Role::Viewer, Scope::District, false).await;
    let lead = app.user("lead", Role::StationLead, Scope::Station(st_a), false).await;
    let mut c = app.session_for(cmd).await;
    let group =
        [("name", "督导检查组"), ("leader", "孙科长"), ("duties", "排查防疫漏洞和薄弱环节")];
    let r = app.form(&mut c, "/task-groups", &group).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let gid: i64 = r.location().trim_start_matches("/task-groups/").parse().unwrap();
    let r = app.form(&mut c, "/task-groups", &group).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "the same name twice: {}", r.body);
    let r = app.form(&mut c, "/task-groups", &[("name", "物资保障组"), ("leader", " ")]).await;
    assert!(r.body.contains("data-testid=\"form-error\""), "{}", r.body);

    let today = yizhan_core::time::local_date(now());
    let tasks = format!("/task-groups/{gid}/tasks");
    let yesterday = (today - chrono::Duration::days(1)).to_string();
    let r = app
        .form(
            &mut c,
            &tasks,
            &[("title", "排查三区两通道"), ("owner", "孙科长"), ("due_on", &yesterday)],
        )
        .await;
    assert!(r.body.contains("完成期限不能早于今天"), "{}", r.body);
    let in_two = (today + chrono::Duration::days(2)).to_string();
    for (title, owner, due) in [
        ("排查各驿站三区两通道设置", "孙科长", in_two.as_str()),
        ("明察暗访卓汇健康驿站", "李干事", ""),
    ] {
        let r =
            app.form(&mut c, &tasks, &[("title", title), ("owner", owner), ("due_on", due)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let list = yizhan_store::command::task_groups::tasks(app.db(), gid).await.unwrap();
    assert_eq!(list.len(), 2);
    let (first, second) = (list[0].id, list[1].id);
    assert_eq!(list[0].title, "排查各驿站三区两通道设置", "dated tasks first");

    // Blocked needs a reason; done is done.
    let r = app.form(&mut c, &format!("/tasks/{second}/status"), &[("status", "blocked")]).await;
    assert!(r.body.contains("受阻需写明原因"), "{}", r.body);
    let r = app
        .form(
            &mut c,
            &format!("/tasks/{second}/status"),
            &[("status", "blocked"), ("note", "等待街道提供名单")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    app.form(&mut c, &format!("/tasks/{first}/status"), &[("status", "done")]).await;
    let g = yizhan_store::command::task_groups::get(app.db(), gid).await.unwrap();
    assert_eq!((g.tasks, g.open), (2, 1));

    // A task past its due day shows overdue, on the page and in the sheet.
    app.form(&mut c, &format!("/tasks/{first}/status"), &[("status", "in_progress")]).await;
    app.db()
        .execute(
            q("UPDATE group_tasks SET due_on = $1 WHERE id = $2")
                .bind(today - chrono::Duration::days(1))
                .bind(first),
        )
        .await
        .unwrap();
    let page = app.get(&mut c, &format!("/task-groups/{gid}")).await;
    assert!(page.body.contains(&format!("id=\"task-{first}\" class=\"overdue\"")), "{}", page.body);
    assert!(page.body.contains("等待街道提供名单"));
    let x = app.get(&mut c, &format!("/task-groups/{gid}/export.xlsx")).await;
    let rows = common::xlsx_rows(&x.bytes, "任务");
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(
        (rows[1][0].as_str(), rows[1][3].as_str(), rows[1][4].as_str()),
        ("排查各驿站三区两通道设置", "进行中", "是")
    );
    assert_eq!((rows[2][3].as_str(), rows[2][5].as_str()), ("受阻", "等待街道提供名单"));

    // A viewer reads but does not write; a station lead does neither.
    let mut v = app.session_for(viewer).await;
    assert!(app.get(&mut v, &format!("/task-groups/{gid}")).await.body.contains("督导检查组"));
    assert_eq!(
        app.form(&mut v, &tasks, &[("title", "x"), ("owner", "y")]).await.status,
        StatusCode::FORBIDDEN
    );
    let mut l = app.session_for(lead).await;
    assert_eq!(app.get(&mut l, "/task-groups").await.status, StatusCode::FORBIDDEN);
});

both_backends!(directives_reach_their_units_and_are_confirmed, |t: TestDb| async move {
    let app = App::new(t).await;
    let (street_a, _street_b, st_a, st_b) = district(app.db()).await;
    let cmd = app.user("zhihui", Role::Commander, Scope::District, false).await;
    let street_cmd = app.user("jiedao", Role::Commander, Scope::Street(street_a), false).await;
    let lead_a = app.user("lead_a", Role::StationLead, Scope::Station(st_a), false).await;
    let staff_a = app.user("staff_a", Role::StationStaff, Scope::Station(st_a), false).await;
    let lead_b = app.user("lead_b", Role::StationLead, Scope::Station(st_b), false).await;
    let mut c = app.session_for(cmd).await;
    let today = yizhan_core::time::local_date(now());
    let deadline = (today + chrono::Duration::days(2)).to_string();
    let form = |recipients: &[String]| {
        let mut f = vec![
            ("title", "关于做好企业复工复产疫情防控工作的通知".to_owned()),
            ("kind", "work_plan".to_owned()),
            ("deadline", deadline.clone()),
            ("body", "各街道、各驿站：请按附件方案落实闭环管理。".to_owned()),
        ];
        f.extend(recipients.iter().map(|r| ("recipient", r.clone())));
        f
    };
    let send = async |c: &mut common::Client, f: Vec<(&'static str, String)>| {
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        app.form(c, "/directives", &f).await
    };
    let r = send(&mut c, form(&[])).await;
    assert!(r.body.contains("请至少选择一个接收单位"), "{}", r.body);
    let r = send(&mut c, form(&["station:99999".into()])).await;
    assert!(r.body.contains("接收单位不存在"), "{}", r.body);
    let mut sc = app.session_for(street_cmd).await;
    assert_eq!(
        send(&mut sc, form(&[format!("station:{st_a}")])).await.status,
        StatusCode::FORBIDDEN
    );
    let everyone =
        [format!("street:{street_a}"), format!("station:{st_a}"), format!("station:{st_b}")];
    let r = send(&mut c, form(&everyone)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id: i64 = r.location().trim_start_matches("/directives/").parse().unwrap();
    let r = send(&mut c, form(&[format!("station:{st_a}")])).await;
    let only_a: i64 = r.location().trim_start_matches("/directives/").parse().unwrap();

    // Attachments: judged by their bytes; only while a draft.
    let files = format!("/directives/{id}/files");
    let pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".to_vec();
    assert_eq!(
        app.upload(&mut c, &files, &[], "工作方案.pdf", &pdf).await.status,
        StatusCode::SEE_OTHER
    );
    let docx = yizhan_web::kit::docx::Docx::new().title("企业对抵深员工管理指引").finish().unwrap();
    assert_eq!(
        app.upload(&mut c, &files, &[], "管理指引.docx", &docx).await.status,
        StatusCode::SEE_OTHER
    );
    let r = app.upload(&mut c, &files, &[], "setup.pdf", b"MZ\x90\x00 not a pdf").await;
    assert!(r.body.contains("附件只能是"), "{}", r.body);
    // A draft is the command's alone.
    let mut la = app.session_for(lead_a).await;
    assert_eq!(app.get(&mut la, &format!("/directives/{id}")).await.status, StatusCode::NOT_FOUND);
    for d in [id, only_a] {
        assert_eq!(
            app.form(&mut c, &format!("/directives/{d}/publish"), &[]).await.status,
            StatusCode::SEE_OTHER
        );
    }
    let r = app.upload(&mut c, &files, &[], "late.pdf", &pdf).await;
    assert!(r.body.contains("已发布"), "{}", r.body);

    // The station lead is told on the home page, reads it (recorded), downloads the plan.
    let home = app.get(&mut la, "/").await.body;
    assert!(home.contains("data-testid=\"todo-directives\"><strong>2</strong>"), "{home}");
    let page = app.get(&mut la, &format!("/directives/{id}")).await;
    assert!(
        page.body.contains("已读未确认") && page.body.contains("工作方案.pdf"),
        "{}",
        page.body
    );
    let f = yizhan_store::command::directives::files(app.db(), id).await.unwrap();
    let dl = app.get(&mut la, &format!("/directive-files/{}", f[0].id)).await;
    assert_eq!(dl.bytes, pdf);
    assert!(dl.header("content-disposition").starts_with("attachment"));
    assert!(dl.header("content-security-policy").contains("sandbox"));
    assert_eq!(dl.header("content-type"), "application/pdf");
    // Station B's lead cannot open what was sent to station A only, nor its files.
    let mut lb = app.session_for(lead_b).await;
    assert_eq!(
        app.get(&mut lb, &format!("/directives/{only_a}")).await.status,
        StatusCode::NOT_FOUND
    );
    // Staff read but do not confirm for the station; the lead and the street do.
    let mut sa = app.session_for(staff_a).await;
    assert_eq!(app.get(&mut sa, &format!("/directives/{id}")).await.status, StatusCode::OK);
    assert_eq!(
        app.form(&mut sa, &format!("/directives/{id}/acknowledge"), &[]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.form(&mut la, &format!("/directives/{id}/acknowledge"), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.form(&mut la, &format!("/directives/{id}/acknowledge"), &[]).await.status,
        StatusCode::SEE_OTHER,
        "twice is once"
    );
    assert_eq!(
        app.form(&mut sc, &format!("/directives/{id}/acknowledge"), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let mine = app.get(&mut la, &format!("/api/v1/directives/{id}")).await.json();
    assert_eq!(mine["recipients"].as_array().unwrap().len(), 1, "a unit sees its own receipt only");
    assert_eq!(mine["recipients"][0]["acknowledged_by"], "lead_a");

    // The command sees who has confirmed and reminds the one that has not.
    let r = app.form(&mut c, &format!("/directives/{id}/remind"), &[]).await;
    assert_eq!(r.location(), format!("/directives/{id}?reminded=1"));
    let page = app.get(&mut c, &r.location()).await;
    assert!(
        page.body.contains("已向 1 个未确认单位催办") && page.body.contains("2 / 3"),
        "{}",
        page.body
    );
    let all = app.get(&mut c, &format!("/api/v1/directives/{id}")).await.json();
    let b = all["recipients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "station" && r["target_id"] == st_b)
        .unwrap()
        .clone();
    assert_eq!(
        (b["reminders"].as_i64(), b["acknowledged_at"].is_null(), b["read_at"].is_null()),
        (Some(1), true, true)
    );
    assert!(app.get(&mut lb, "/directives").await.body.contains("催办 1"));
    // Past the deadline it is overdue; the receipts sheet says the same.
    app.db()
        .execute(
            q("UPDATE directives SET deadline = $1 WHERE id = $2")
                .bind(today - chrono::Duration::days(1))
                .bind(id),
        )
        .await
        .unwrap();
    let list = app.get(&mut c, "/directives").await;
    assert!(list.body.contains("class=\"overdue\""), "{}", list.body);
    let x = app.get(&mut c, &format!("/directives/{id}/export.xlsx")).await;
    let rows = common::xlsx_rows(&x.bytes, "签收情况");
    assert_eq!(rows.len(), 4, "{rows:?}");
    let row_b = rows.iter().find(|r| r[1] == "平湖健康驿站").unwrap();
    assert_eq!((row_b[2].as_str(), row_b[6].as_str()), ("未读", "1"));
});

both_backends!(an_enterprise_confirms_a_directive_sent_to_it, |t: TestDb| async move {
    let app = App::new(t).await;
    let (street_a, _, _, _) = district(app.db()).await;
    let a = common::enterprise(app.db(), "91350100M000100Y43", "甲物流", street_a).await;
    let cmd = app.user("zhihui", Role::Commander, Scope::District, false).await;
    let boss = app.user("jia", Role::Enterprise, Scope::Enterprise(a), false).await;
    let mut c = app.session_for(cmd).await;
    let deadline = (today_of() + chrono::Duration::days(3)).to_string();
    let r = app
        .form(
            &mut c,
            "/directives",
            &[
                ("title", "企业对抵深员工管理指引"),
                ("kind", "guideline"),
                ("deadline", &deadline),
                ("body", "请各企业落实返岗员工健康管理。"),
                ("recipient", &format!("enterprise:{a}")),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id: i64 = r.location().trim_start_matches("/directives/").parse().unwrap();
    app.form(&mut c, &format!("/directives/{id}/publish"), &[]).await;
    let mut b = app.session_for(boss).await;
    let home = app.get(&mut b, "/").await.body;
    assert!(home.contains("data-testid=\"todo-directives\"><strong>1</strong>"), "{home}");
    assert_eq!(
        app.form(&mut b, &format!("/directives/{id}/acknowledge"), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let all = app.get(&mut c, &format!("/api/v1/directives/{id}")).await.json();
    assert_eq!(all["recipients"][0]["name"], "甲物流");
    assert_eq!(all["recipients"][0]["acknowledged_by"], "jia");
});

fn today_of() -> chrono::NaiveDate {
    yizhan_core::time::local_date(now())
}
