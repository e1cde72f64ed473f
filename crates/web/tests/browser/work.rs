//! Return to work in headless Chromium: the enterprise register and the resumption statistics
//! with their chart, on a phone and on a big screen.

use crate::browser_support;
use crate::common;

use browser_support::*;
use common::district;
use thirtyfour::prelude::*;
use yizhan_core::access::{Actor, Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

both_backends!(the_register_and_the_resumption_chart, |t: TestDb| async move {
    with_browser(t, "the_register_and_the_resumption_chart", |d, base, app| async move {
        let (street_a, _, _, _) = district(app.db()).await;
        let today = yizhan_core::time::local_date(yizhan_store::db::now());
        let ago = |n: i64| (today - chrono::Duration::days(n)).to_string();
        for (code, name, resumed) in [
            ("91350100M000100Y43", "深圳市甲电子有限公司", true),
            ("91440300MA5DC7RF9T", "深圳市乙物流有限公司", false),
        ] {
            let mut i = yizhan_core::work::enterprise::EnterpriseInput {
                uscc: code.into(),
                name: name.into(),
                street_id: street_a.to_string(),
                industry: "manufacturing".into(),
                above_scale: "on".into(),
                headcount: "300".into(),
                contact_name: "王经理".into(),
                contact_phone: "13800138000".into(),
                resumption: "not_started".into(),
                ..Default::default()
            };
            if resumed {
                i.resumption = "resumed".into();
                i.applied_on = ago(9);
                i.approved_on = ago(8);
                i.resumed_on = ago(7);
            }
            if let Ok(e) = yizhan_core::work::enterprise::validate_enterprise(&i, today) {
                yizhan_store::work::enterprises::create(app.db(), &Actor::system(), &e)
                    .await
                    .unwrap();
            }
        }
        app.user("zhihui", Role::Commander, Scope::District, false).await;
        let backend = format!("{:?}", app.db().backend()).to_lowercase();
        sign_in(&d, &base, "zhihui").await?;
        for (w, h, mobile) in [(375, 812, true), (1920, 1080, false)] {
            viewport(&d, w, h, mobile).await?;
            for (path, name) in [
                ("enterprises", "enterprises"),
                ("resumption", "resumption"),
                ("enterprises/review", "enterprises-review"),
            ] {
                d.goto(format!("{base}/{path}")).await?;
                let width: i64 = d
                    .execute("return document.documentElement.scrollWidth;", vec![])
                    .await?
                    .convert()?;
                assert!(width <= i64::from(w), "{path} is {width}px wide on a {w}px screen");
                if path == "resumption" {
                    // ECharts draws into a canvas inside the chart box.
                    d.query(By::Css("[data-testid=resumption-chart] canvas"))
                        .wait(
                            std::time::Duration::from_secs(5),
                            std::time::Duration::from_millis(50),
                        )
                        .first()
                        .await?;
                    let rate = text_of(&d, "[data-testid=resumption-rate]").await?;
                    assert!(rate.ends_with('%'), "{rate}");
                }
                d.screenshot(&shots_dir().join(format!("{name}-{w}-{backend}.png"))).await?;
            }
        }
        // A special train with a passenger: the manifest and pickup plan on both sizes.
        let train = yizhan_core::work::transport::validate_transport(
            &yizhan_core::work::transport::TransportInput {
                kind: "train".into(),
                name: "返岗专列第1趟".into(),
                origin: "云南 昭通".into(),
                departs_on: ago(8),
                capacity: "60".into(),
                carriages: "4".into(),
                arrival_place: "深圳东站".into(),
                arrives_at: format!("{} 08:30", ago(7)),
                ..Default::default()
            },
            yizhan_store::db::now(),
        )
        .unwrap();
        let tid = yizhan_store::work::transports::create(app.db(), &Actor::system(), &train)
            .await
            .unwrap();
        let w = yizhan_core::work::returning_worker::validate_worker(
            &yizhan_core::work::returning_worker::WorkerInput {
                name: "李春花".into(),
                id_number: yizhan_core::validate::with_check_digit("53060219900101002").unwrap(),
                phone: "13800138000".into(),
                province: "云南".into(),
                city: "昭通".into(),
                enterprise_id: "1".into(),
                transport: "train".into(),
                status: "registered".into(),
                ..Default::default()
            },
            today,
        )
        .unwrap();
        let wid = yizhan_store::work::returning_workers::create(app.db(), &Actor::system(), &w)
            .await
            .unwrap();
        yizhan_store::work::transports::board(app.db(), &Actor::system(), tid, wid).await.unwrap();
        for (w, h, mobile) in [(1920, 1080, false), (375, 812, true)] {
            viewport(&d, w, h, mobile).await?;
            d.goto(format!("{base}/transports/{tid}")).await?;
            let booked = text_of(&d, "[data-testid=transport-booked]").await?;
            assert_eq!(booked, "1 / 60");
            let width: i64 = d
                .execute("return document.documentElement.scrollWidth;", vec![])
                .await?
                .convert()?;
            assert!(width <= i64::from(w), "the manifest is {width}px wide on {w}px");
            d.screenshot(&shots_dir().join(format!("transport-{w}-{backend}.png"))).await?;
        }
        // The manifest on paper: one A4 page for one passenger, looked at as a PDF.
        let pdf = print_a4(&d, false).await?;
        std::fs::write(shots_dir().join(format!("manifest-{backend}.pdf")), &pdf).unwrap();
        assert_eq!(pdf_pages(&pdf), 1, "the manifest prints on one page");

        // The enterprise's clerk imports a sheet on a phone and reads the error report.
        app.user("jia", Role::Enterprise, Scope::Enterprise(1), false).await;
        d.delete_all_cookies().await?;
        viewport(&d, 375, 812, true).await?;
        sign_in(&d, &base, "jia").await?;
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        let good = yizhan_core::validate::with_check_digit("53060219900101001").unwrap();
        for (r, row) in [
            ["姓名", "身份证号", "手机号", "户籍省份", "户籍城市", "用工企业"],
            ["李春花", good.as_str(), "13800138000", "云南省", "昭通", "深圳市甲电子有限公司"],
            ["王建国", "530602199001010010", "13800138000", "广西", "百色", "不存在的公司"],
        ]
        .iter()
        .enumerate()
        {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
        let path = std::env::temp_dir()
            .join(format!("yizhan-import-{}-{backend}.xlsx", std::process::id()));
        std::fs::write(&path, wb.save_to_buffer().unwrap()).unwrap();
        d.goto(format!("{base}/workers/import")).await?;
        d.find(By::Css("[data-testid=import-form] input[type=file]"))
            .await?
            .send_keys(path.display().to_string())
            .await?;
        d.find(By::Css("input[name=mode][value=valid]")).await?.click().await?;
        d.find(By::Css("[data-testid=import-form] button")).await?.click().await?;
        let outcome = text_of(&d, "[data-testid=import-outcome]").await?;
        assert!(outcome.contains("导入 1 行") && outcome.contains("有问题 1 行"), "{outcome}");
        let errors = text_of(&d, "[data-testid=import-errors]").await?;
        assert!(errors.contains("用工企业不存在") && errors.contains("身份证号"), "{errors}");
        let width: i64 =
            d.execute("return document.documentElement.scrollWidth;", vec![]).await?.convert()?;
        assert!(width <= 375, "the import page is {width}px wide");
        d.screenshot(&shots_dir().join(format!("import-375-{backend}.png"))).await?;
        let _ = std::fs::remove_file(&path);
        Ok(())
    })
    .await;
});
