//! The command follows the cases live and reads them in the day's report (issue 19): the case
//! list changes without a reload when a station records a step; on a phone and on a desk screen
//! the report's line of each case, its late steps in danger's colour, nothing wider than the
//! screen.

use crate::browser_support::*;
use crate::common;

use common::district;
use thirtyfour::prelude::*;
use yizhan_core::access::{Actor, Role, Scope};
use yizhan_core::station::sampling::TestResult;
use yizhan_store::both_backends;
use yizhan_store::db::q;
use yizhan_store::station::{cases, sampling, stays};
use yizhan_store::testing::TestDb;

both_backends!(the_command_reads_the_cases_in_the_days_report, |t: TestDb| async move {
    with_browser(t, "the_command_reads_the_cases_in_the_days_report", |d, base, app| async move {
        let (_, _, st, _) = district(app.db()).await;
        let room = common::room(app.db(), st, "808", 1).await;
        let g = common::guest(app.db(), st, 8).await;
        let stay = common::check_in(app.db(), st, g, room).await;
        let sys = Actor::system();
        let test = stays::tests(app.db(), stay).await.unwrap()[0].id;
        sampling::sample(app.db(), &sys, test, "R-808").await.unwrap();
        sampling::set_result(app.db(), &sys, test, TestResult::Positive).await.unwrap();
        let case = cases::of_stay(app.db(), stay).await.unwrap().unwrap().id;
        app.db()
            .execute(
                q("UPDATE case_steps SET due_at = $1 WHERE case_id = $2 AND step = 'report'")
                    .bind(yizhan_store::db::now() - chrono::Duration::minutes(5))
                    .bind(case),
            )
            .await
            .unwrap();
        app.user("cmd", Role::Commander, Scope::District, false).await;
        let backend = format!("{:?}", app.db().backend()).to_lowercase();
        let today = yizhan_core::time::local_date(yizhan_store::db::now());

        viewport(&d, 1920, 1080, false).await?;
        sign_in(&d, &base, "cmd").await?;
        // The case list follows the station's work without a reload.
        d.goto(format!("{base}/cases")).await?;
        wait_contains(&d, "[data-testid=cases-live]", "待完成").await?;
        let step = yizhan_core::station::case::validate_step(
            &yizhan_core::station::case::StepInput {
                step: "transfer".into(),
                vehicle: "120 负压救护车".into(),
                escort: "王医生".into(),
                hospital: "市第三人民医院".into(),
                handover_at: yizhan_core::time::local_display(yizhan_store::db::now()),
                receiver: "李护士".into(),
                ..Default::default()
            },
            yizhan_store::db::now(),
        )
        .unwrap();
        cases::record(app.db(), &sys, case, &step).await.unwrap();
        let live = wait_contains(&d, "[data-testid=cases-live]", "已完成").await?;
        assert!(live.contains("闭环转运"), "{live}");
        d.goto(format!("{base}/reports")).await?;
        // A date input takes its value as the browser's own picker would set it.
        let set = format!("document.querySelector('input[name=day]').value = '{today}';");
        d.execute(&set, vec![]).await?;
        d.find(By::Css("form[action='/reports'] button[type=submit]")).await?.click().await?;
        wait_url(&d, &format!("/reports/{today}")).await?;
        let facts = wait_contains(&d, "[data-testid=case-facts]", "808").await?;
        assert!(facts.contains("上报指挥部") && facts.contains("1/4"), "{facts}");
        let late = d.find(By::Css("[data-testid=case-facts] .badge.tone-danger")).await?;
        assert_eq!(late.text().await?, "上报指挥部", "the late step in danger's colour");
        no_sideways_scroll(&d, 1920, "the day's report with its cases").await?;
        d.screenshot(&shots_dir().join(format!("report-cases-1920-{backend}.png"))).await?;
        viewport(&d, 375, 812, true).await?;
        d.refresh().await?;
        wait_contains(&d, "[data-testid=case-facts]", "808").await?;
        d.execute("document.querySelector('[data-testid=case-facts]').scrollIntoView();", vec![])
            .await?;
        no_sideways_scroll(&d, 375, "the day's report with its cases").await?;
        d.screenshot(&shots_dir().join(format!("report-cases-375-{backend}.png"))).await?;
        Ok(())
    })
    .await;
});
