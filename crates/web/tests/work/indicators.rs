//! Economic indicators on SQLite and PostgreSQL: entered and corrected (audited), bad input refused
//! with the field named and nothing saved, only the district-wide command writes; the import all
//! or nothing with its report; the .xlsx export and the API read back.

use crate::common;

use axum::http::StatusCode;
use common::{App, district};
use yizhan_core::access::{Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

/// An .xlsx of `rows` (the first is the header row), as a statistics clerk would save it.
fn indicator_sheet(rows: &[&[&str]]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

/// One line of an import's report as the page shows it.
fn report_line(row: usize, column: &str, message: &str) -> String {
    format!(
        "<td class=\"num\" data-label=\"行号\">{row}</td>\n    <td data-label=\"列\">{column}</td>\n    <td data-label=\"问题\">{message}</td>"
    )
}

both_backends!(
    indicators_are_entered_corrected_and_refused_with_the_field_named,
    |t: TestDb| async move {
        use yizhan_core::work::indicator::Indicator;
        use yizhan_store::work::indicators;
        let app = App::new(t).await;
        let (street_a, street_b, station_a, _) = district(app.db()).await;
        let ents = common::two_enterprises(app.db(), street_a, street_b).await;
        let cmd = app.user("zhihui", Role::Commander, Scope::District, false).await;
        let mut c = app.session_for(cmd).await;
        let set = async |c: &mut common::Client, month: &str, value: &str, target: &str| {
            app.form(
                c,
                "/indicators",
                &[
                    ("indicator", "industrial_added_value"),
                    ("month", month),
                    ("value", value),
                    ("target_value", target),
                ],
            )
            .await
        };
        let r = set(&mut c, "2019-03", "200", "").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.location(), "/indicators?indicator=industrial_added_value&year=2019");
        assert_eq!(set(&mut c, "2020-03", "210.5", "200").await.status, StatusCode::SEE_OTHER);
        // The same month again corrects it: one row, the new figures, the old ones audited.
        assert_eq!(set(&mut c, "2020-03", "212.35", "205").await.status, StatusCode::SEE_OTHER);
        let stored = async || {
            indicators::two_years(app.db(), Indicator::IndustrialAddedValue, 2020)
                .await
                .unwrap()
                .into_iter()
                .map(|r| (r.month, r.value, r.target))
                .collect::<Vec<_>>()
        };
        let want = vec![
            ("2019-03".to_owned(), 20_000, None),
            ("2020-03".to_owned(), 21_235, Some(20_500)),
        ];
        assert_eq!(stored().await, want);
        let audited = yizhan_store::admin::audit::recent(app.db(), 10).await.unwrap();
        let sets: Vec<_> = audited.iter().filter(|a| a.action == "indicator.set").collect();
        assert_eq!(sets.len(), 3);
        let detail: serde_json::Value = serde_json::from_str(&sets[0].detail).unwrap();
        assert_eq!(
            (&detail["value"], &detail["before"]),
            (&serde_json::json!(21_235), &serde_json::json!({ "value": 21_050, "target": 20_000 }))
        );
        // Bad input: the field named, a 422, nothing saved.
        for (month, value, target, message) in [
            ("2020-04", "12.345", "", "本月值：最多保留 2 位小数"),
            ("2020-04", "-1", "", "本月值：应在 0 至 1000000.00 之间"),
            ("2020-04", "", "", "本月值：不能为空"),
            ("2099-01", "1", "", "月份：日期不能晚于今天"),
            ("2020-13", "1", "", "月份：日期无效"),
            ("三月", "1", "", "月份：格式不正确，正确示例：2020-03"),
            ("2020-04", "1", "abc", "目标值：包含不允许的字符：“a”"),
        ] {
            let r = set(&mut c, month, value, target).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{month} {value}");
            assert!(r.body.contains(message), "{message}: {}", r.body);
            assert!(r.body.contains("data-testid=\"form-error\""));
        }
        let r = app
            .form(
                &mut c,
                "/indicators",
                &[("indicator", "gdp"), ("month", "2020-04"), ("value", "1")],
            )
            .await;
        assert!(r.body.contains("指标：格式不正确"), "{}", r.body);
        assert_eq!(stored().await, want, "nothing half-saved");
        // Only the district-wide command writes: a street's commander, an enterprise, a station's
        // lead and a viewer are refused; the enterprise and the lead do not even read.
        let street_cmd = app.user("pinghu", Role::Commander, Scope::Street(street_b), false).await;
        let ent = app.user("jia", Role::Enterprise, Scope::Enterprise(ents[0]), false).await;
        let lead = app.user("lead", Role::StationLead, Scope::Station(station_a), false).await;
        let viewer = app.user("guancha", Role::Viewer, Scope::District, false).await;
        for (uid, reads) in [(street_cmd, true), (ent, false), (lead, false), (viewer, true)] {
            let mut u = app.session_for(uid).await;
            assert_eq!(set(&mut u, "2020-04", "1", "").await.status, StatusCode::FORBIDDEN);
            let page = app.get(&mut u, "/indicators").await;
            assert_eq!(page.status == StatusCode::OK, reads, "{uid}");
            if reads {
                assert!(!page.body.contains("indicator-form"), "no form for {uid}");
            }
        }
        assert_eq!(stored().await, want);
        // The page: the table with % of target and YoY, the chart data, the form.
        let page = app.get(&mut c, "/indicators?indicator=industrial_added_value&year=2020").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("indicator-form"));
        assert!(page.body.contains("103.6% ✓ 达标"), "{}", page.body);
        assert!(page.body.contains("6.2%"));
        assert!(page.body.contains("\"type\":\"bar\""));
        assert_eq!(
            app.get(&mut c, "/indicators?year=1999").await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        // The .xlsx export, read back.
        let x = app
            .get(&mut c, "/indicators/export.xlsx?indicator=industrial_added_value&year=2020")
            .await;
        let rows = common::xlsx_rows(&x.bytes, "经济指标");
        assert_eq!(rows.len(), 13);
        assert_eq!(
            rows[0],
            [
                "月份",
                "本月值（亿元）",
                "目标值（亿元）",
                "完成目标",
                "上年同月（亿元）",
                "同比增速",
                "本年累计（亿元）",
                "累计同比",
                "触底反弹"
            ]
        );
        assert_eq!(rows[3], ["2020-03", "212.35", "205", "103.6%", "200", "6.2%", "", "", ""]);
        assert_eq!(rows[4][0], "2020-04");
        assert!(rows[4][1..].iter().all(String::is_empty), "{:?}", rows[4]);
    }
);

both_backends!(an_indicator_import_saves_all_rows_or_none, |t: TestDb| async move {
    use yizhan_core::work::indicator::Indicator;
    use yizhan_store::work::indicators;
    let app = App::new(t).await;
    district(app.db()).await;
    let cmd = app.user("zhihui", Role::Commander, Scope::District, false).await;
    let mut c = app.session_for(cmd).await;
    let header: &[&str] = &["指标", "月份", "完成值", "目标值"];
    let mixed = indicator_sheet(&[
        header,
        &["进出口总额", "2020-01", "300", ""],
        &["GDP", "2020-02", "1", ""],
        &["进出口总额", "2020年2月", "abc", "1.234"],
        &["import_export", "2020/1", "301", ""],
        &["出口总额", "2099-01", "1", ""],
        &["", "", "", ""],
        &["出口总额", "2020-03", "88.5", "90"],
    ]);
    let r = app.upload(&mut c, "/indicators/import", &[], "指标.xlsx", &mixed).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("读取 6 行，有问题 4 行，未保存任何一行。"), "{}", r.body);
    let expected = [
        report_line(3, "指标", "指标：格式不正确，正确示例：industrial_added_value"),
        report_line(4, "完成值", "本月值：包含不允许的字符：“a”"),
        report_line(4, "目标值", "目标值：最多保留 2 位小数"),
        report_line(5, "月份", "指标和月份与第 2 行重复。"),
        report_line(6, "月份", "月份：日期不能晚于今天"),
    ];
    for line in &expected {
        assert!(r.body.contains(line), "{line}\n{}", r.body);
    }
    let table = r.body.split("data-testid=\"import-errors\"").nth(1).unwrap();
    let table = table.split("</table>").next().unwrap();
    assert_eq!(table.matches("<tr>").count(), 1 + expected.len(), "{table}");
    let count = async |i: Indicator| indicators::two_years(app.db(), i, 2020).await.unwrap().len();
    assert_eq!(count(Indicator::ImportExport).await, 0, "nothing saved");
    assert_eq!(count(Indicator::Exports).await, 0, "not even the good rows");
    // A sheet without the required columns is refused by name.
    let r = app
        .upload(
            &mut c,
            "/indicators/import",
            &[],
            "bad.csv",
            "指标,目标值\n进出口总额,1\n".as_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("缺少必需的列：月份、本月值"), "{}", r.body);
    // A good file: every row saved; the growth bottoms out in February and rebounds.
    let good = indicator_sheet(&[
        &["指标", "月份", "本月值", "目标值"],
        &["进出口总额", "2019-01", "100", ""],
        &["进出口总额", "2019-02", "100", ""],
        &["进出口总额", "2019-03", "100", ""],
        &["进出口总额", "2019-04", "100", ""],
        &["进出口总额", "2020-01", "90", "100"],
        &["进出口总额", "2020-02", "70", "80"],
        &["进出口总额", "2020-03", "95", "90"],
        &["进出口总额", "2020-04", "110", "100"],
    ]);
    let r = app.upload(&mut c, "/indicators/import", &[], "进出口.xlsx", &good).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("读取 8 行，已全部保存。"), "{}", r.body);
    assert_eq!(count(Indicator::ImportExport).await, 8);
    let api = app.get(&mut c, "/api/v1/indicators?indicator=import_export&year=2020").await.json();
    assert_eq!(api["unit"], "亿元");
    let m = &api["months"];
    assert_eq!(m.as_array().unwrap().len(), 12);
    assert_eq!(m[0]["month"], "2020-01");
    assert_eq!(m[0]["value"], 90.0);
    assert_eq!(m[0]["pct_of_target"], 90.0);
    assert_eq!(m[0]["met"], false);
    assert_eq!(m[1]["yoy"], -30.0);
    assert_eq!(m[1]["trough"], true);
    assert_eq!(m[0]["trough"], false);
    assert_eq!(m[2]["trough"], false);
    assert_eq!(m[3]["ytd"], 365.0);
    assert_eq!(m[3]["ytd_yoy"], -8.8, "(365 − 400) / 400, rounded");
    assert_eq!(m[4]["value"], serde_json::Value::Null);
    assert_eq!(m[4]["yoy"], serde_json::Value::Null);
    // A .csv with a BOM, and the template, work too.
    let r = app
        .upload(
            &mut c,
            "/indicators/import",
            &[],
            "出口.csv",
            "\u{feff}指标,月份,本月值\n出口总额,2020-02,88.5\n".as_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(count(Indicator::Exports).await, 1);
    let tpl = app.get(&mut c, "/indicators/import/template.xlsx").await;
    let rows = common::xlsx_rows(&tpl.bytes, "经济指标");
    assert_eq!(rows[0], ["指标", "月份", "本月值", "目标值"]);
    assert_eq!(rows.len(), 3);
});
