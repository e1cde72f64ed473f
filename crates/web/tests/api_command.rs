//! The district command's own work on SQLite and PostgreSQL: special task groups (专责小组)
//! with tasks, owners, due days and status.

mod common;

use axum::http::StatusCode;
use common::{App, district};
use yizhan_core::access::{Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::db::{now, q};
use yizhan_store::testing::TestDb;

both_backends!(task_groups_and_their_tasks, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st_a, _) = district(app.db()).await;
    let cmd = app
        .user("zhihui", Role::Commander, Scope::District, false)
        .await;
    let viewer = app.user("kan", Role::Viewer, Scope::District, false).await;
    let lead = app
        .user("lead", Role::StationLead, Scope::Station(st_a), false)
        .await;
    let mut c = app.session_for(cmd).await;
    let group = [
        ("name", "督导检查组"),
        ("leader", "孙科长"),
        ("duties", "排查防疫漏洞和薄弱环节"),
    ];
    let r = app.form(&mut c, "/task-groups", &group).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let gid: i64 = r
        .location()
        .trim_start_matches("/task-groups/")
        .parse()
        .unwrap();
    let r = app.form(&mut c, "/task-groups", &group).await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "the same name twice: {}",
        r.body
    );
    let r = app
        .form(
            &mut c,
            "/task-groups",
            &[("name", "物资保障组"), ("leader", " ")],
        )
        .await;
    assert!(r.body.contains("data-testid=\"form-error\""), "{}", r.body);

    let today = yizhan_core::time::local_date(now());
    let tasks = format!("/task-groups/{gid}/tasks");
    let yesterday = (today - chrono::Duration::days(1)).to_string();
    let r = app
        .form(
            &mut c,
            &tasks,
            &[
                ("title", "排查三区两通道"),
                ("owner", "孙科长"),
                ("due_on", &yesterday),
            ],
        )
        .await;
    assert!(r.body.contains("完成期限不能早于今天"), "{}", r.body);
    let in_two = (today + chrono::Duration::days(2)).to_string();
    for (title, owner, due) in [
        ("排查各驿站三区两通道设置", "孙科长", in_two.as_str()),
        ("明察暗访卓汇健康驿站", "李干事", ""),
    ] {
        let r = app
            .form(
                &mut c,
                &tasks,
                &[("title", title), ("owner", owner), ("due_on", due)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let list = yizhan_store::task_groups::tasks(app.db(), gid)
        .await
        .unwrap();
    assert_eq!(list.len(), 2);
    let (first, second) = (list[0].id, list[1].id);
    assert_eq!(
        list[0].title, "排查各驿站三区两通道设置",
        "dated tasks first"
    );

    // Blocked needs a reason; done is done.
    let r = app
        .form(
            &mut c,
            &format!("/tasks/{second}/status"),
            &[("status", "blocked")],
        )
        .await;
    assert!(r.body.contains("受阻需写明原因"), "{}", r.body);
    let r = app
        .form(
            &mut c,
            &format!("/tasks/{second}/status"),
            &[("status", "blocked"), ("note", "等待街道提供名单")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    app.form(
        &mut c,
        &format!("/tasks/{first}/status"),
        &[("status", "done")],
    )
    .await;
    let g = yizhan_store::task_groups::get(app.db(), gid).await.unwrap();
    assert_eq!((g.tasks, g.open), (2, 1));

    // A task past its due day shows overdue, on the page and in the sheet.
    app.form(
        &mut c,
        &format!("/tasks/{first}/status"),
        &[("status", "in_progress")],
    )
    .await;
    app.db()
        .execute(
            q("UPDATE group_tasks SET due_on = $1 WHERE id = $2")
                .bind(today - chrono::Duration::days(1))
                .bind(first),
        )
        .await
        .unwrap();
    let page = app.get(&mut c, &format!("/task-groups/{gid}")).await;
    assert!(
        page.body
            .contains(&format!("id=\"task-{first}\" class=\"overdue\"")),
        "{}",
        page.body
    );
    assert!(page.body.contains("等待街道提供名单"));
    let x = app
        .get(&mut c, &format!("/task-groups/{gid}/export.xlsx"))
        .await;
    let rows = common::xlsx_rows(&x.bytes, "任务");
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(
        (
            rows[1][0].as_str(),
            rows[1][3].as_str(),
            rows[1][4].as_str()
        ),
        ("排查各驿站三区两通道设置", "进行中", "是")
    );
    assert_eq!(
        (rows[2][3].as_str(), rows[2][5].as_str()),
        ("受阻", "等待街道提供名单")
    );

    // A viewer reads but does not write; a station lead does neither.
    let mut v = app.session_for(viewer).await;
    assert!(
        app.get(&mut v, &format!("/task-groups/{gid}"))
            .await
            .body
            .contains("督导检查组")
    );
    assert_eq!(
        app.form(&mut v, &tasks, &[("title", "x"), ("owner", "y")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let mut l = app.session_for(lead).await;
    assert_eq!(
        app.get(&mut l, "/task-groups").await.status,
        StatusCode::FORBIDDEN
    );
});
