//! The command reads the cases in the day's report from the navigation (issue 19): on a phone
//! and on a desk screen the line of each case, its late steps in danger's colour, nothing wider
//! than the screen.

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
        d.goto(format!("{base}/reports")).await?;
        // A date input takes its value as the browser's own picker would set it.
        let set = format!("document.querySelector('input[name=day]').value = '{today}';");
        d.execute(&set, vec![]).await?;
        d.find(By::Css("form[action='/reports'] button[type=submit]")).await?.click().await?;
        wait_url(&d, &format!("/reports/{today}")).await?;
        let facts = wait_contains(&d, "[data-testid=case-facts]", "808").await?;
        assert!(facts.contains("上报指挥部") && facts.contains("0/4"), "{facts}");
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
