//! Imports as jobs, on SQLite and PostgreSQL: a file longer than one batch streams through,
//! duplicates are found across batches, all or nothing takes back the rows of earlier batches,
//! progress is readable while a run goes, and a run left by a dead node is swept (its rows
//! taken back when it was all or nothing).

use crate::common;

use axum::http::StatusCode;
use common::{App, Client, Resp};
use yizhan_core::access::{Role, Scope};
use yizhan_core::work::worker_import::{ImportKind, ImportMode, ImportStatus};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;
use yizhan_store::work::import_runs::{self, Counts};
use yizhan_store::work::returning_workers::{self, Within};

/// The `n`-th of many valid ID numbers (region 530602, born from 1980 on).
fn id_number(n: usize) -> String {
    let born = chrono::NaiveDate::from_ymd_opt(1980, 1, 1).unwrap()
        + chrono::Duration::days((n / 900) as i64);
    yizhan_core::validate::with_check_digit(&format!(
        "530602{}{:03}",
        born.format("%Y%m%d"),
        100 + n % 900
    ))
    .unwrap()
}

async fn workers(app: &App) -> i64 {
    returning_workers::count(app.db(), Within::District, &Default::default()).await.unwrap()
}

async fn import(app: &App, c: &mut Client, mode: &str, csv: &str) -> Resp {
    app.import_workers(c, mode, "名单.csv", csv.as_bytes()).await
}

both_backends!(
    a_long_file_streams_in_batches_and_all_or_nothing_takes_back_earlier_batches,
    |t: TestDb| async move {
        let app = App::new(t).await;
        let (_, _, mut j) = common::enterprise_clerk(&app).await;
        // 6,500 rows (seven batches, two transactions): sheet row 6302 has a short phone
        // number, sheet row 6452 repeats the ID number of sheet row 12 (in the first batch).
        let mut csv = String::from("姓名,身份证号,手机号,户籍省份,户籍城市,用工企业\n");
        for i in 0..6500 {
            let id = if i == 6450 { id_number(10) } else { id_number(i) };
            let phone = if i == 6300 { "1380013" } else { "13800138000" };
            csv.push_str(&format!("工人{i},{id},{phone},云南,昭通,甲电子\n"));
        }
        let r = import(&app, &mut j, "all", &csv).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(
            r.body.contains("读取 6500 行，有问题 2 行，按“全部不导入”未导入任何一行。"),
            "{}",
            r.body
        );
        assert!(r.body.contains("与第 12 行重复。"), "{}", r.body);
        // A transaction of 5,000 rows went in before row 6302 was read; it was taken back.
        assert_eq!(workers(&app).await, 0);
        let run: i64 = r
            .body
            .split("/imports/")
            .nth(1)
            .and_then(|s| s.split('/').next())
            .unwrap()
            .parse()
            .unwrap();
        let got = import_runs::get(app.db(), run).await.unwrap();
        assert_eq!(
            (got.status.as_str(), got.permille, got.rows_read, got.imported),
            ("done", 1000, 6500, 0)
        );
        let lines = import_runs::problems(app.db(), run, 10).await.unwrap();
        let lines: Vec<(i64, &str)> =
            lines.iter().map(|l| (l.row_no, l.column_name.as_str())).collect();
        assert_eq!(lines, vec![(6302, "手机号"), (6452, "身份证号")]);

        // The valid rows: 6,498 in, the same two problems.
        let r = import(&app, &mut j, "valid", &csv).await;
        assert!(r.body.contains("读取 6500 行，导入 6498 行，有问题 2 行。"), "{}", r.body);
        assert_eq!(workers(&app).await, 6498);
        // The register exports page by page into one sheet, in id order.
        let x = app.get(&mut j, "/workers/export.xlsx").await;
        assert_eq!(x.status, StatusCode::OK);
        let sheet = common::xlsx_rows(&x.bytes, "返岗人员");
        assert_eq!(sheet.len(), 6499);
        assert_eq!(sheet[0][0], "姓名");
        assert_eq!(sheet[1][0], "工人0");
        assert_eq!(sheet[6498][0], "工人6499");
        assert!(!sheet[1][1].contains(&id_number(0)), "masked: {}", sheet[1][1]);
        // The same file again: every row is registered already; nothing changes.
        let r = import(&app, &mut j, "valid", &csv).await;
        assert!(r.body.contains("读取 6500 行，导入 0 行，有问题 6500 行。"), "{}", r.body);
        assert!(r.body.contains("该身份证号已登记。"));
        assert_eq!(workers(&app).await, 6498);
    }
);

both_backends!(
    a_running_import_shows_progress_and_a_dead_nodes_run_is_swept,
    |t: TestDb| async move {
        let app = App::new(t).await;
        let (ents, jia, mut j) = common::enterprise_clerk(&app).await;
        let today = yizhan_core::time::local_date(yizhan_store::db::now());
        let worker = |n: usize| {
            yizhan_core::work::returning_worker::validate_worker(
                &yizhan_core::work::returning_worker::WorkerInput {
                    name: format!("工人{n}"),
                    id_number: id_number(n),
                    phone: "13800138000".into(),
                    province: "四川".into(),
                    city: "南充".into(),
                    enterprise_id: ents[0].to_string(),
                    transport: "train".into(),
                    status: "registered".into(),
                    ..Default::default()
                },
                today,
            )
            .unwrap()
        };
        // Two runs part way through, as a node left them: all or nothing, and valid rows.
        let all = import_runs::start(app.db(), jia, ImportKind::Workers, ImportMode::All, "a.xlsx")
            .await
            .unwrap();
        let valid =
            import_runs::start(app.db(), jia, ImportKind::Workers, ImportMode::Valid, "b.xlsx")
                .await
                .unwrap();
        returning_workers::insert_batch(app.db(), Some(all), &[worker(1), worker(2)])
            .await
            .unwrap();
        returning_workers::insert_batch(app.db(), Some(valid), &[worker(3)]).await.unwrap();
        let counts = Counts { rows_read: 2, imported: 2, ..Default::default() };
        import_runs::progress(app.db(), all, counts, 420).await.unwrap();
        // The importer watches it run: a bar and the rows read; the page polls the figures.
        let page = app.get(&mut j, &format!("/imports/{all}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("data-testid=\"import-progress\""));
        assert!(page.body.contains("value=\"420\""), "{}", page.body);
        let p = app.get(&mut j, &format!("/imports/{all}/progress")).await.json();
        assert_eq!(
            (p["status"].as_str(), p["permille"].as_i64(), p["rows_read"].as_i64()),
            (Some("running"), Some(420), Some(2))
        );
        // Not somebody else's to watch.
        let yi = app.user("yi", Role::Enterprise, Scope::Enterprise(ents[1]), false).await;
        let mut y = app.session_for(yi).await;
        assert_eq!(
            app.get(&mut y, &format!("/imports/{all}/progress")).await.status,
            StatusCode::NOT_FOUND
        );
        // A beating run is left alone.
        assert_eq!(yizhan_web::jobs::import_job::sweep(app.db()).await.unwrap(), 0);
        // Their node dies: three minutes without a heartbeat.
        let old = yizhan_store::db::now() - chrono::Duration::minutes(3);
        app.db()
            .execute(yizhan_store::db::q("UPDATE import_runs SET updated_at = $1").bind(old))
            .await
            .unwrap();
        assert_eq!(yizhan_web::jobs::import_job::sweep(app.db()).await.unwrap(), 2);
        assert_eq!(yizhan_web::jobs::import_job::sweep(app.db()).await.unwrap(), 0);
        // All or nothing: its rows are gone; the valid rows stay.
        assert_eq!(workers(&app).await, 1);
        assert!(returning_workers::by_id_number(app.db(), &id_number(3)).await.unwrap().is_some());
        let page = app.get(&mut j, &format!("/imports/{all}")).await;
        assert!(
            page.body.contains("导入中断（服务重启）：读取 2 行，导入 0 行，有问题 0 行。"),
            "{}",
            page.body
        );
        assert_eq!(import_runs::get(app.db(), valid).await.unwrap().status, "interrupted");
        // A run that was swept cannot be finished afterwards by a node that comes back.
        assert!(
            !import_runs::finish(app.db(), all, ImportStatus::Done, counts, None).await.unwrap()
        );
    }
);

both_backends!(an_import_that_did_not_land_is_told_to_whoever_started_it, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, mut j) = common::enterprise_clerk(&app).await;
    let cmd = app.user("cmd", Role::Commander, Scope::District, false).await;
    let mut cmd = app.session_for(cmd).await;
    let header = "姓名,身份证号,手机号,户籍省份,户籍城市,用工企业\n";
    // All or nothing with one bad phone: nothing lands, and the clerk hears of it.
    let csv = format!(
        "{header}工人0,{},13800138000,云南,昭通,甲电子\n工人1,{},1380013,云南,昭通,甲电子\n",
        id_number(0),
        id_number(1)
    );
    let r = import(&app, &mut j, "all", &csv).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let run = r.body.split("/imports/").nth(1).and_then(|s| s.split('/').next()).unwrap();
    let inbox = app.get(&mut j, "/api/v1/inbox?after=0").await.json();
    assert_eq!(inbox["unread"], 1, "{inbox}");
    let item = &inbox["items"][0];
    let text = item["text"].as_str().unwrap();
    assert!(text.contains("导入“名单.csv”未完成") && text.contains("1 行有问题"), "{text}");
    assert_eq!(item["link"], format!("/imports/{run}"));
    assert_eq!(item["severity"], "warning");
    // Nobody else's business, not even the district's command.
    assert_eq!(app.get(&mut cmd, "/api/v1/inbox?after=0").await.json()["unread"], 0);
    let page = app.get(&mut j, "/inbox").await;
    assert!(page.body.contains("未完成"), "{}", page.body);
    // The good rows alone land: nothing more to tell.
    let r = import(&app, &mut j, "valid", &csv).await;
    assert!(r.body.contains("导入 1 行"), "{}", r.body);
    assert_eq!(app.get(&mut j, "/api/v1/inbox?after=0").await.json()["unread"], 1);
});

both_backends!(an_import_matches_employers_within_the_importers_grants, |t: TestDb| async move {
    let app = App::new(t).await;
    let (street_a, street_b, _, _) = common::district(app.db()).await;
    let ents = common::two_enterprises(app.db(), street_a, street_b).await;
    let (jia, yi) = (
        yizhan_store::work::enterprises::get(app.db(), ents[0]).await.unwrap(),
        yizhan_store::work::enterprises::get(app.db(), ents[1]).await.unwrap(),
    );
    assert_eq!((jia.street_id, yi.street_id), (street_a, street_b));
    // A street's commander: the street's enterprise by name or by credit code, not the other's.
    let id = app.user("street", Role::Commander, Scope::Street(street_a), false).await;
    let mut c = app.session_for(id).await;
    let csv = format!(
        "姓名,身份证号,手机号,户籍省份,户籍城市,用工企业\n\
         工人1,{},13800138000,云南,昭通,{}\n工人2,{},13800138000,云南,昭通,{}\n\
         工人3,{},13800138000,云南,昭通,{}\n",
        id_number(1),
        jia.name,
        id_number(2),
        jia.uscc,
        id_number(3),
        yi.name
    );
    let r = import(&app, &mut c, "valid", &csv).await;
    assert!(r.body.contains("读取 3 行，导入 2 行，有问题 1 行。"), "{}", r.body);
    assert!(r.body.contains("用工企业不存在，或不在您的管辖范围内。"), "{}", r.body);
    // The district's commander: both.
    let id = app.user("district", Role::Commander, Scope::District, false).await;
    let mut c = app.session_for(id).await;
    let csv = format!(
        "姓名,身份证号,手机号,户籍省份,户籍城市,用工企业\n工人4,{},13800138000,云南,昭通,{}\n",
        id_number(4),
        yi.name
    );
    let r = import(&app, &mut c, "valid", &csv).await;
    assert!(r.body.contains("读取 1 行，导入 1 行，有问题 0 行。"), "{}", r.body);
    assert_eq!(workers(&app).await, 3);
});
