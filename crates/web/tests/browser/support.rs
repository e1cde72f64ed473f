//! Return to work in headless Chromium, the enterprise's side and the command's: a clerk raises a
//! difficulty and applies for rent relief on a phone; the commander approves it and enters an
//! economic indicator on a big screen, and reads the chart against last year. Every page at 375
//! and 1920 px without sideways scrolling, screenshotted.

use crate::browser_support;
use crate::common;

use browser_support::*;
use thirtyfour::prelude::*;
use yizhan_core::access::{Actor, Role, Scope};
use yizhan_core::work::indicator::{Indicator, Month, NewFigure};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

async fn click(d: &WebDriver, css: &str) -> WebDriverResult<()> {
    d.find(By::Css(css)).await?.click().await
}

both_backends!(difficulties_relief_and_indicators_on_phone_and_screen, |t: TestDb| async move {
    with_browser(
            t,
            "difficulties_relief_and_indicators_on_phone_and_screen",
            |d, base, app| async move {
                let (ents, _, _) = common::enterprise_clerk(&app).await;
                app.user("zhihui", Role::Commander, Scope::District, false)
                    .await;
                // Last year's 规上工业增加值, for the comparison.
                let figures: Vec<NewFigure> = (1..=12)
                    .map(|m| NewFigure {
                        indicator: Indicator::IndustrialAddedValue,
                        month: Month::new(2019, m).unwrap(),
                        value: 9_000 + 150 * i64::from(m),
                        target: None,
                    })
                    .collect();
                yizhan_store::work::indicators::import(app.db(), &Actor::system(), &figures)
                    .await
                    .unwrap();
                let backend = format!("{:?}", app.db().backend()).to_lowercase();
                let shot = |name: &str, w: u32| shots_dir().join(format!("{name}-{w}-{backend}.png"));

                // The clerk, on a phone: a difficulty, then rent relief.
                viewport(&d, 375, 812, true).await?;
                sign_in(&d, &base, "jia").await?;
                d.goto(format!("{base}/difficulties")).await?;
                d.find(By::Css("[data-testid=difficulty-form] select[name=category] option[value=materials]"))
                    .await?
                    .click()
                    .await?;
                fill(&d, "[data-testid=difficulty-form] textarea[name=description]", "上游供应商尚未复工，线材库存仅够一周。").await?;
                click(&d, "[data-testid=difficulty-form] button").await?;
                // The ticket's own page: waiting to be routed.
                wait_text(&d, "[data-testid=difficulty-status]", "待转办").await?;
                d.screenshot(&shot("difficulty", 375)).await?;
                d.goto(format!("{base}/difficulties")).await?;
                let table = text_of(&d, "[data-testid=difficulties-table]").await?;
                assert!(table.contains("原材料短缺") && table.contains("待转办"), "{table}");
                no_sideways_scroll(&d, 375, "the difficulties page").await?;
                d.screenshot(&shot("difficulties", 375)).await?;

                d.goto(format!("{base}/relief")).await?;
                // Rent asks for the premises, another measure for its description: one at a time.
                let shown = |css: &'static str| {
                    let d = d.clone();
                    async move { d.find(By::Css(css)).await?.is_displayed().await }
                };
                assert!(!shown("[data-testid=relief-measure]").await?);
                assert!(shown("[data-testid=relief-form] input[name=property]").await?);
                click(&d, "[data-testid=relief-kind] option[value=other]").await?;
                assert!(shown("[data-testid=relief-measure]").await?);
                assert!(!shown("[data-testid=relief-form] input[name=property]").await?);
                click(&d, "[data-testid=relief-kind] option[value=rent]").await?;
                fill(&d, "[data-testid=relief-form] input[name=property]", "布吉厂房 800 平方米").await?;
                d.find(By::Css("[data-testid=relief-form] select[name=landlord] option[value=state_owned]"))
                    .await?
                    .click()
                    .await?;
                fill(&d, "[data-testid=relief-form] input[name=months]", "3").await?;
                fill(&d, "[data-testid=relief-form] input[name=monthly_rent]", "20000").await?;
                click(&d, "[data-testid=relief-form] button").await?;
                // The form posts back to /relief: wait for the new page's row (3 × 20000).
                wait_contains(&d, "[data-testid=relief-table]", "60000").await?;
                no_sideways_scroll(&d, 375, "the relief page").await?;
                d.screenshot(&shot("relief", 375)).await?;

                // The commander, on a big screen: approves it, enters March 2020, reads the chart.
                d.delete_all_cookies().await?;
                viewport(&d, 1920, 1080, false).await?;
                sign_in(&d, &base, "zhihui").await?;
                d.goto(format!("{base}/difficulties")).await?;
                no_sideways_scroll(&d, 1920, "the difficulties page").await?;
                d.screenshot(&shot("difficulties", 1920)).await?;
                d.goto(format!("{base}/relief")).await?;
                click(&d, "[data-testid=relief-table] button[value=approve]").await?;
                wait_contains(&d, "[data-testid=relief-total]", "60000").await?;
                no_sideways_scroll(&d, 1920, "the relief page").await?;
                d.screenshot(&shot("relief", 1920)).await?;

                d.goto(format!("{base}/indicators?indicator=industrial_added_value&year=2020")).await?;
                d.execute(
                    "document.querySelector('[data-testid=indicator-form] input[name=month]').value = '2020-03';",
                    vec![],
                )
                .await?;
                fill(&d, "[data-testid=indicator-form] input[name=value]", "96.5").await?;
                fill(&d, "[data-testid=indicator-form] input[name=target_value]", "95").await?;
                click(&d, "[data-testid=indicator-form] button").await?;
                let row = wait_contains(&d, "[data-testid=indicator-2020-03]", "96.5").await?;
                // 96.50 against 95.00 and March 2019's 94.50.
                assert!(row.contains("96.5") && row.contains("94.5"), "{row}");
                d.query(By::Css("[data-testid=indicator-chart] canvas"))
                    .wait(
                        std::time::Duration::from_secs(5),
                        std::time::Duration::from_millis(50),
                    )
                    .first()
                    .await?;
                no_sideways_scroll(&d, 1920, "the indicators page").await?;
                d.screenshot(&shot("indicators", 1920)).await?;
                viewport(&d, 375, 812, true).await?;
                d.refresh().await?;
                d.query(By::Css("[data-testid=indicator-chart] canvas"))
                    .wait(
                        std::time::Duration::from_secs(5),
                        std::time::Duration::from_millis(50),
                    )
                    .first()
                    .await?;
                no_sideways_scroll(&d, 375, "the indicators page").await?;
                d.screenshot(&shot("indicators", 375)).await?;
                assert!(!ents.is_empty());
                Ok(())
            },
        )
        .await;
});

both_backends!(the_import_page_follows_a_running_run_to_its_outcome, |t: TestDb| async move {
    with_browser(
        t,
        "the_import_page_follows_a_running_run_to_its_outcome",
        |d, base, app| async move {
            let (_, jia, _) = common::enterprise_clerk(&app).await;
            let run = yizhan_store::work::import_runs::start(
                app.db(),
                jia,
                yizhan_core::work::worker_import::ImportKind::Workers,
                yizhan_core::work::worker_import::ImportMode::Valid,
                "名单.xlsx",
            )
            .await
            .unwrap();
            let mut counts = yizhan_store::work::import_runs::Counts {
                rows_read: 40_000,
                imported: 39_998,
                rows_bad: 2,
                problems: 2,
            };
            yizhan_store::work::import_runs::progress(app.db(), run, counts, 400).await.unwrap();
            viewport(&d, 375, 812, true).await?;
            sign_in(&d, &base, "jia").await?;
            d.goto(format!("{base}/imports/{run}")).await?;
            let bar = d.find(By::Css("[data-testid=import-progress] progress")).await?;
            assert_eq!(bar.attr("value").await?.as_deref(), Some("400"));
            // The job moves on: the page's poll moves the bar without a reload.
            counts.rows_read = 80_000;
            counts.imported = 79_998;
            yizhan_store::work::import_runs::progress(app.db(), run, counts, 800).await.unwrap();
            wait_text(&d, "[data-testid=import-progress] [data-read]", "80000").await?;
            d.screenshot(&shots_dir().join(format!(
                "import-progress-375-{}.png",
                format!("{:?}", app.db().backend()).to_lowercase()
            )))
            .await?;
            // It ends: the page shows the outcome by itself.
            counts.rows_read = 100_000;
            counts.imported = 99_998;
            yizhan_store::work::import_runs::finish(
                app.db(),
                run,
                yizhan_core::work::worker_import::ImportStatus::Done,
                counts,
                None,
            )
            .await
            .unwrap();
            wait_text(
                &d,
                "[data-testid=import-outcome]",
                "读取 100000 行，导入 99998 行，有问题 2 行。",
            )
            .await?;
            Ok(())
        },
    )
    .await;
});
