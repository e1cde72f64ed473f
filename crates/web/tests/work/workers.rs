//! Returning workers on SQLite and PostgreSQL: identity and province checked, one ID number
//! once, arrival rules, masking, paging, and isolation (an enterprise sees its own workers, a
//! street its enterprises', nobody registers for an employer outside their scope).

use crate::common;

use axum::http::StatusCode;
use common::{App, district};
use yizhan_core::access::{Actor, Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

/// A valid 18-digit ID number for a serial (region 110105, born 1990-01-01).
fn id_number(n: u32) -> String {
    yizhan_core::validate::with_check_digit(&format!("11010519900101{:03}", n % 1000)).unwrap()
}

fn urlencoding(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

both_backends!(workers_are_checked_masked_paged_and_kept_apart, |t: TestDb| async move {
    let app = App::new(t).await;
    let (street_a, street_b, _, _) = district(app.db()).await;
    let sys = Actor::system();
    let today = yizhan_core::time::local_date(yizhan_store::db::now());
    let ents = common::two_enterprises(app.db(), street_a, street_b).await;
    let cmd = app.user("zhihui", Role::Commander, Scope::District, false).await;
    let mut c = app.session_for(cmd).await;
    let form = |id: &str, province: &str, status: &str, arrival: &str, ent: i64| {
        vec![
            ("name", "李春花".to_owned()),
            ("id_number", id.to_owned()),
            ("phone", "13912345678".to_owned()),
            ("province", province.to_owned()),
            ("city", "昭通".to_owned()),
            ("enterprise_id", ent.to_string()),
            ("transport", "train".to_owned()),
            ("arrival_date", arrival.to_owned()),
            ("status", status.to_owned()),
            ("health", "无发热、咳嗽".to_owned()),
        ]
    };
    let send = async |c: &mut common::Client, f: Vec<(&'static str, String)>| {
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        app.form(c, "/workers", &f).await
    };
    let yesterday = (today - chrono::Duration::days(1)).to_string();
    for (f, want) in [
        (form("110105199001010011", "云南", "registered", "", ents[0]), "身份证号"),
        (form(&id_number(1), "火星", "registered", "", ents[0]), "户籍省份"),
        (form(&id_number(1), "云南", "arrived", "", ents[0]), "已抵深或已上岗需要填写抵达日期"),
    ] {
        let r = send(&mut c, f).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains(want), "{want}: {}", r.body);
    }
    let r = send(&mut c, form(&id_number(1), "云南省", "arrived", &yesterday, ents[0])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let wid: i64 = r.location().trim_start_matches("/workers/").parse().unwrap();
    let r = send(&mut c, form(&id_number(1), "四川", "registered", "", ents[1])).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "one ID number once: {}", r.body);
    // 150 more for 甲, 5 for 乙.
    for n in 2..157u32 {
        let ent = if n < 152 { ents[0] } else { ents[1] };
        let w = yizhan_core::work::returning_worker::validate_worker(
            &yizhan_core::work::returning_worker::WorkerInput {
                name: format!("工人{n}"),
                id_number: id_number(n),
                phone: "13912345678".into(),
                province: if n % 2 == 0 { "广西".into() } else { "湖南".into() },
                city: "桂林".into(),
                enterprise_id: ent.to_string(),
                transport: "train".into(),
                status: "booked".into(),
                ..Default::default()
            },
            today,
        )
        .unwrap();
        yizhan_store::work::returning_workers::create(app.db(), &sys, &w).await.unwrap();
    }
    // The command: everyone, 100 a page, masked.
    let api = app.get(&mut c, "/api/v1/workers").await.json();
    assert_eq!((api["total"].as_i64(), api["workers"].as_array().unwrap().len()), (Some(156), 100));
    let second = app.get(&mut c, "/api/v1/workers?page=2").await.json();
    assert_eq!(second["workers"].as_array().unwrap().len(), 56);
    assert_eq!(second["next_after"], serde_json::Value::Null, "the last page");
    // The next page's link starts after the last id of this one: the same rows as by offset.
    let after = api["next_after"].as_i64().unwrap();
    assert_eq!(Some(after), api["workers"][99]["id"].as_i64());
    let keyed = app.get(&mut c, &format!("/api/v1/workers?page=2&after={after}")).await.json();
    assert_eq!(keyed["workers"], second["workers"]);
    assert_eq!(keyed["total"], 156);
    let page = app.get(&mut c, "/workers").await.body;
    assert!(page.contains("page=2&amp;after=") || page.contains("page=2&#38;after="), "{page}");
    // A deep page of a register without gaps in its ids starts at the smallest id plus the
    // offset; with gaps (PostgreSQL's ids skip what a refused insert took) it counts its way
    // there. Either way, told the true total, the same rows as by offset.
    {
        use yizhan_store::work::{Within, returning_workers as rw};
        let all = rw::Filter { status: None, province: None, search: None };
        let by_offset = rw::list(app.db(), Within::District, &all, 100, 100).await.unwrap();
        let told =
            rw::list_of(app.db(), Within::District, &all, 100, 100, Some(156)).await.unwrap();
        let ids = |v: &[rw::Worker]| v.iter().map(|w| w.id).collect::<Vec<_>>();
        assert_eq!(ids(&told), ids(&by_offset));
        assert_eq!(by_offset.len(), 56);
    }
    let r = app.get(&mut c, "/api/v1/workers?after=x").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "after");
    // A page whose offset would not fit in 64 bits panicked the handler (found by API
    // fuzzing); a page that is not a number was silently page 1. Both are named now.
    for bad in ["9223372036854775807", "0", "-1", "abc"] {
        let r = app.get(&mut c, &format!("/api/v1/workers?page={bad}")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {}", r.body);
        assert_eq!(r.json()["error"]["field"], "page", "{}", r.body);
        let page = app.get(&mut c, &format!("/workers?page={bad}")).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    // So is a filter with a control character (a NUL was a 500 on PostgreSQL).
    let r = app.get(&mut c, "/api/v1/workers?province=%E4%BA%91%00").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "province", "{}", r.body);
    let far = app.get(&mut c, "/api/v1/workers?page=1000000").await;
    assert_eq!(far.status, StatusCode::OK, "{}", far.body);
    assert_eq!(far.json()["workers"].as_array().unwrap().len(), 0);
    let first = &api["workers"][0];
    assert_eq!(first["province"], "云南");
    assert_eq!(first["phone"], "139****5678");
    assert!(first["id_number"].as_str().unwrap().contains("****"), "{first}");
    assert!(first.get("health").is_none() && first["health_declared"] == true);
    let page = app.get(&mut c, "/workers?province=湖南").await;
    assert!(page.body.contains("data-testid=\"workers-total\">人数 77"), "{}", page.body);
    assert!(!page.body.contains(&id_number(1)), "full ID numbers never in the list");
    // Search: the start of a name, a full ID number, a phone; with a filter; within the scope.
    let found = |v: serde_json::Value| v["total"].as_i64().unwrap();
    let q = |q: &str| format!("/api/v1/workers?q={}", urlencoding(q));
    assert_eq!(found(app.get(&mut c, &q("工人15")).await.json()), 8, "工人15 and 工人150–156");
    assert_eq!(found(app.get(&mut c, &q("李")).await.json()), 1);
    assert_eq!(found(app.get(&mut c, &q("春花")).await.json()), 0, "the start of a name");
    let one = app.get(&mut c, &q(&id_number(42))).await.json();
    assert_eq!((found(one.clone()), one["workers"][0]["name"].as_str()), (1, Some("工人42")));
    assert_eq!(found(app.get(&mut c, &q("13912345678")).await.json()), 156, "all have this phone");
    let both = app.get(&mut c, &format!("{}&province=%E6%B9%96%E5%8D%97", q("工人15"))).await;
    assert_eq!(found(both.json()), 4, "工人151, 153, 155 and 15 are from 湖南");
    let page = app.get(&mut c, &format!("/workers?q={}", urlencoding("工人15"))).await;
    assert!(page.body.contains("data-testid=\"workers-total\">人数 8"), "{}", page.body);

    // The enterprise: its own workers only; it cannot register for another employer.
    let jia = app.user("jia", Role::Enterprise, Scope::Enterprise(ents[0]), false).await;
    let mut j = app.session_for(jia).await;
    assert_eq!(app.get(&mut j, "/api/v1/workers").await.json()["total"], 151);
    let other = yizhan_store::work::returning_workers::list(
        app.db(),
        yizhan_store::work::returning_workers::Within::Enterprise(ents[1]),
        &Default::default(),
        1,
        0,
    )
    .await
    .unwrap()[0]
        .id;
    assert_eq!(app.get(&mut j, &format!("/workers/{other}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&mut j, &format!("/api/v1/workers/{other}")).await.status,
        StatusCode::NOT_FOUND
    );
    let r = send(&mut j, form(&id_number(900), "云南", "registered", "", ents[1])).await;
    assert!(r.body.contains("不在您的管辖范围内"), "{}", r.body);
    // It moves its own worker along.
    let r = app.form(&mut j, &format!("/workers/{wid}/status"), &[("status", "at_work")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        app.get(&mut j, &format!("/api/v1/workers/{wid}")).await.json()["status_code"],
        "at_work"
    );
    let r = app
        .form(
            &mut j,
            &format!("/workers/{other}/status"),
            &[("status", "arrived"), ("arrival_date", &yesterday)],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // A street: its enterprises' workers.
    let sb = app.user("pinghu", Role::Commander, Scope::Street(street_b), false).await;
    let mut s = app.session_for(sb).await;
    assert_eq!(app.get(&mut s, "/api/v1/workers").await.json()["total"], 5);
    let rows = common::xlsx_rows(&app.get(&mut s, "/workers/export.xlsx").await.bytes, "返岗人员");
    assert_eq!(rows.len(), 6, "{rows:?}");
    assert!(rows[1][1].contains("****") && rows[1][2].contains("****"), "{:?}", rows[1]);
});

/// An .xlsx of `rows` (the first is the header row), as an enterprise clerk would save it.
fn sheet(rows: &[Vec<String>]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

both_backends!(an_import_with_good_and_bad_rows_reports_each_problem, |t: TestDb| async move {
    let app = App::new(t).await;
    let (street_a, street_b, _, _) = district(app.db()).await;
    let sys = Actor::system();
    let today = yizhan_core::time::local_date(yizhan_store::db::now());
    let ents = common::two_enterprises(app.db(), street_a, street_b).await;
    // One worker registered before the import.
    let before = yizhan_core::work::returning_worker::validate_worker(
        &yizhan_core::work::returning_worker::WorkerInput {
            name: "老员工".into(),
            id_number: id_number(900),
            phone: "13800138000".into(),
            province: "湖南".into(),
            city: "邵阳".into(),
            enterprise_id: ents[0].to_string(),
            transport: "bus".into(),
            status: "registered".into(),
            ..Default::default()
        },
        today,
    )
    .unwrap();
    yizhan_store::work::returning_workers::create(app.db(), &sys, &before).await.unwrap();
    let jia = app.user("jia", Role::Enterprise, Scope::Enterprise(ents[0]), false).await;
    let mut j = app.session_for(jia).await;
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let mut bad_id = id_number(3);
    bad_id.replace_range(17.., if bad_id.ends_with('1') { "2" } else { "1" });
    let yesterday = (today - chrono::Duration::days(1)).format("%Y/%m/%d").to_string();
    let rows = vec![
        s(&[
            "姓名",
            "身份证号",
            "手机号",
            "户籍省份",
            "户籍城市",
            "用工企业",
            "返岗方式",
            "抵达日期",
            "状态",
            "健康申报",
        ]),
        s(&[
            "李春花",
            &id_number(1),
            "13800138000",
            "云南省",
            "昭通",
            "甲电子",
            "专列",
            &yesterday,
            "已上岗",
            "无发热",
        ]),
        s(&[
            "王建国",
            &id_number(2),
            "13900139000",
            "广西",
            "百色",
            "91350100M000100Y43",
            "包车",
            "",
            "已登记",
            "",
        ]),
        s(&["", &bad_id, "1380013", "火星", "南充", "甲电子", "专列", "", "已登记", ""]),
        s(&[
            "赵六",
            &id_number(4),
            "13700137000",
            "四川",
            "南充",
            "乙物流",
            "专列",
            "",
            "已登记",
            "",
        ]),
        s(&[
            "钱七",
            &id_number(1),
            "13600136000",
            "湖南",
            "邵阳",
            "甲电子",
            "专列",
            "",
            "已登记",
            "",
        ]),
        s(&[
            "孙八",
            &id_number(900),
            "13500135000",
            "湖南",
            "邵阳",
            "甲电子",
            "专列",
            "",
            "已登记",
            "",
        ]),
    ];
    let file = sheet(&rows);
    // The exact report; the ID number's line ends with the check digit it should have had.
    let want = [
        (4, "姓名", "姓名：不能为空"),
        (4, "身份证号", "身份证号：校验位错误，按前面各位计算应为 "),
        (
            4,
            "手机号",
            "手机号码：格式不正确，正确示例：13800138000 / +852 91234567 / +853 61234567",
        ),
        (4, "户籍省份", "户籍省份：格式不正确，正确示例：云南"),
        (5, "用工企业", "用工企业不存在，或不在您的管辖范围内。"),
        (6, "身份证号", "与第 2 行重复。"),
        (7, "身份证号", "该身份证号已登记。"),
    ];
    let check = |body: &str| {
        // The problems' table, not the list of one's imports below it.
        let problems = body.split("data-testid=\"import-runs\"").next().unwrap();
        let doc: Vec<(usize, String, String)> = problems
            .split("<tr>")
            .skip(2)
            .map(|tr| {
                let cells: Vec<String> = tr
                    .split("</td>")
                    .filter_map(|c| c.rsplit('>').next().map(|t| t.trim().to_owned()))
                    .collect();
                (cells[0].parse().unwrap_or(0), cells[1].clone(), cells[2].clone())
            })
            .collect();
        assert_eq!(doc.len(), want.len(), "{doc:?}");
        for ((row, col, msg), (wr, wc, wm)) in doc.iter().zip(want) {
            assert_eq!((*row, col.as_str()), (wr, wc), "{doc:?}");
            assert!(
                msg == wm || (wm.ends_with(' ') && msg.starts_with(wm)),
                "row {row} {col}: {msg}"
            );
        }
    };
    // All or nothing: the report, and not one row imported.
    let r = app.upload(&mut j, "/workers/import", &[("mode", "all")], "返岗名单.xlsx", &file).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("读取 6 行，有问题 4 行，按“全部不导入”未导入任何一行。"),
        "{}",
        r.body
    );
    check(&r.body);
    let count = async || {
        yizhan_store::work::returning_workers::count(
            app.db(),
            yizhan_store::work::returning_workers::Within::District,
            &Default::default(),
        )
        .await
        .unwrap()
    };
    assert_eq!(count().await, 1);
    // The report downloads as .xlsx with the same lines; another person cannot fetch it.
    let run: i64 =
        r.body.split("/imports/").nth(1).unwrap().split('/').next().unwrap().parse().unwrap();
    let x = app.get(&mut j, &format!("/imports/{run}/report.xlsx")).await;
    let report = common::xlsx_rows(&x.bytes, "导入错误报告");
    assert_eq!(report[0], ["行号", "列", "问题"]);
    assert_eq!(report.len(), 8);
    assert_eq!((report[5][0].as_str(), report[5][1].as_str()), ("5", "用工企业"));
    let other = app.user("zhihui", Role::Commander, Scope::District, false).await;
    let mut o = app.session_for(other).await;
    assert_eq!(
        app.get(&mut o, &format!("/imports/{run}/report.xlsx")).await.status,
        StatusCode::NOT_FOUND
    );
    // The valid rows only: the same report, two rows in (by name and by code).
    let r =
        app.upload(&mut j, "/workers/import", &[("mode", "valid")], "返岗名单.xlsx", &file).await;
    assert!(r.body.contains("读取 6 行，导入 2 行，有问题 4 行。"), "{}", r.body);
    check(&r.body);
    assert_eq!(count().await, 3);
    let api = app.get(&mut j, "/api/v1/workers?province=云南").await.json();
    assert_eq!(api["workers"][0]["status_code"], "at_work");
    assert_eq!(api["workers"][0]["arrival_date"], (today - chrono::Duration::days(1)).to_string());
    // A .csv (UTF-8 with a BOM) imports the same way; a sheet without the required columns is
    // refused by name.
    let csv = format!(
        "\u{feff}姓名,身份证号,手机号,户籍省份,户籍城市,用工企业\n周九,{},13800138000,四川,成都,甲电子\n",
        id_number(5)
    );
    let r =
        app.upload(&mut j, "/workers/import", &[("mode", "all")], "list.csv", csv.as_bytes()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(count().await, 4);
    let r = app
        .upload(
            &mut j,
            "/workers/import",
            &[],
            "bad.csv",
            "姓名,手机号\n周九,13800138000\n".as_bytes(),
        )
        .await;
    assert!(r.body.contains("缺少必需的列：身份证号、户籍省份、户籍城市、用工企业"), "{}", r.body);
});

both_backends!(ones_imports_are_paged_and_searched_by_file_name, |t: TestDb| async move {
    use yizhan_core::work::worker_import::{ImportKind, ImportMode};
    let app = App::new(t).await;
    district(app.db()).await;
    let cmd = app.user("zhihui", Role::Commander, Scope::District, false).await;
    let other = app.user("other", Role::Commander, Scope::District, false).await;
    let mut c = app.session_for(cmd).await;
    for n in 1..=55 {
        let name = format!("返岗名单-{n:02}.xlsx");
        yizhan_store::work::import_runs::start(
            app.db(),
            cmd,
            ImportKind::Workers,
            ImportMode::All,
            &name,
        )
        .await
        .unwrap();
    }
    yizhan_store::work::import_runs::start(
        app.db(),
        other,
        ImportKind::Workers,
        ImportMode::All,
        "别人的名单.xlsx",
    )
    .await
    .unwrap();
    let runs = |body: &str| {
        let s = body.split("data-testid=\"import-runs\"").nth(1).unwrap();
        s.split("</table>").next().unwrap().matches("<tr>").count() - 1
    };
    let first = app.get(&mut c, "/workers/import").await.body;
    assert_eq!(runs(&first), 50);
    assert!(first.contains("第 1–50 条，共 55 条") && !first.contains("别人的名单"), "{first}");
    assert!(first.contains("返岗名单-55.xlsx"), "newest first");
    let second = app.get(&mut c, "/workers/import?page=2").await.body;
    assert_eq!(runs(&second), 5);
    let found = app.get(&mut c, "/workers/import?q=-07").await.body;
    assert_eq!(runs(&found), 1);
    assert!(found.contains("返岗名单-07.xlsx"));
});
