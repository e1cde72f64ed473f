//! Home pages with work on them (issue 16 item 8): each role's start page is its to-do, each a
//! count in its tone that links to its list; an enterprise sees its name.

use crate::browser_support::*;
use crate::common;
use crate::release::{fever_now, stay_since};

use common::district;
use thirtyfour::prelude::*;
use yizhan_core::access::{Actor, Role, Scope};
use yizhan_core::station::stay::Outcome;
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

async fn tile(d: &WebDriver, key: &str) -> WebDriverResult<(String, String)> {
    let css = format!("[data-testid=todo-{key}]");
    let text = text_of(d, &css).await?;
    let class = d.find(By::Css(&css)).await?.attr("class").await?.unwrap_or_default();
    Ok((text, class))
}

both_backends!(every_home_is_a_to_do, |t: TestDb| async move {
    with_browser(t, "every_home_is_a_to_do", |d, base, app| async move {
        let (street, _, st, _) = district(app.db()).await;
        let sys = Actor::system();
        // One guest due today and free to go; one with a fever now; one transferred out, whose
        // room waits for terminal disinfection.
        stay_since(app.db(), st, "501", 1, 14).await;
        let feverish = stay_since(app.db(), st, "502", 2, 3).await;
        fever_now(app.db(), feverish).await;
        let gone = stay_since(app.db(), st, "503", 3, 2).await;
        yizhan_store::station::stays::check_out(
            app.db(),
            &sys,
            gone,
            Outcome::TransferredHospital,
            Some("送医"),
        )
        .await
        .unwrap();
        app.user("lead", Role::StationLead, Scope::Station(st), false).await;
        let ent = common::enterprise(app.db(), "91440300MA5DC7RF9T", "乙物流", street).await;
        app.user("qiye", Role::Enterprise, Scope::Enterprise(ent), false).await;
        app.user("zhihui", Role::Commander, Scope::District, false).await;
        let backend = format!("{:?}", app.db().backend()).to_lowercase();

        for (w, h, mobile) in [(375, 812, true), (1920, 1080, false)] {
            viewport(&d, w, h, mobile).await?;
            d.delete_all_cookies().await?;
            sign_in(&d, &base, "lead").await?;
            let (alerts, class) = tile(&d, "alerts").await?;
            assert!(alerts.starts_with('1') && class.contains("tone-danger"), "{alerts} {class}");
            let (releases, class) = tile(&d, "releases").await?;
            assert!(releases.starts_with('1') && releases.contains("可解除 1"), "{releases}");
            assert!(class.contains("tone-info"), "{class}");
            let (dirty, _) = tile(&d, "disinfection").await?;
            assert!(dirty.starts_with('1') && dirty.contains("待终末消毒"), "{dirty}");
            // Two in stay, one reading taken this slot: one to take.
            let (readings, _) = tile(&d, "readings").await?;
            assert!(readings.starts_with('1') && readings.contains("体温待录"), "{readings}");
            let (fixes, class) = tile(&d, "rectifications").await?;
            assert!(fixes.starts_with('0') && class.contains("tone-ok"), "{fixes} {class}");
            // Nothing about "1 station you can see".
            assert!(!text_of(&d, "main").await?.contains("可查看的驿站"));
            no_sideways_scroll(&d, w, "the lead's home").await?;
            d.screenshot(&shots_dir().join(format!("home-lead-{w}-{backend}.png"))).await?;
            // Each count leads to its list.
            d.find(By::Css("[data-testid=todo-alerts]")).await?.click().await?;
            wait_url(&d, &format!("/stations/{st}/attention")).await?;

            // The enterprise sees its name, and its own to-do.
            d.delete_all_cookies().await?;
            sign_in(&d, &base, "qiye").await?;
            let roles = text_of(&d, "[data-testid=home-roles]").await?;
            assert!(roles.contains("乙物流") && !roles.contains('#'), "{roles}");
            tile(&d, "difficulties").await?;
            no_sideways_scroll(&d, w, "the enterprise's home").await?;
            d.screenshot(&shots_dir().join(format!("home-enterprise-{w}-{backend}.png"))).await?;

            // The command: fixes to verify, difficulties, relief.
            d.delete_all_cookies().await?;
            sign_in(&d, &base, "zhihui").await?;
            for key in ["rectifications_verify", "difficulties", "relief"] {
                tile(&d, key).await?;
            }
            let (alerts, class) = tile(&d, "district_alerts").await?;
            assert!(alerts.starts_with('1') && class.contains("tone-danger"), "{alerts}");
            no_sideways_scroll(&d, w, "the command's home").await?;
            d.screenshot(&shots_dir().join(format!("home-command-{w}-{backend}.png"))).await?;
        }
        Ok(())
    })
    .await;
});
