//! The side navigation (issue 17 item 2): areas for each role, the station in view by name,
//! counts of what waits as badges, a drawer on phones, breadcrumbs below a list, and a desk
//! screen's width used.

use crate::browser_support::*;
use crate::common;
use crate::release::{fever_now, stay_since};

use common::district;
use thirtyfour::prelude::*;
use yizhan_core::access::{Actor, Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

/// The width of an element, in CSS pixels.
async fn width_of(d: &WebDriver, css: &str) -> WebDriverResult<f64> {
    d.execute(
        "return document.querySelector(arguments[0]).getBoundingClientRect().width;",
        vec![serde_json::json!(css)],
    )
    .await?
    .convert()
}

both_backends!(the_navigation_shows_the_product_by_area, |t: TestDb| async move {
    with_browser(t, "the_navigation_shows_the_product_by_area", |d, base, app| async move {
        let (street, _, st, _) = district(app.db()).await;
        let sys = Actor::system();
        // A fever now: an open alert at the station.
        let stay = stay_since(app.db(), st, "502", 2, 3).await;
        fever_now(app.db(), stay).await;
        // An enterprise's open difficulty: the command's to answer.
        let ent = common::enterprise(app.db(), "91440300MA5DC7RF9T", "乙物流", street).await;
        yizhan_store::work::difficulties::raise(
            app.db(),
            &sys,
            ent,
            &yizhan_core::work::difficulty::NewTicket {
                category: yizhan_core::work::difficulty::Category::Labour,
                description: "缺工 30 人".into(),
            },
        )
        .await
        .unwrap();
        app.user("lead", Role::StationLead, Scope::Station(st), false).await;
        app.user("zhihui", Role::Commander, Scope::District, false).await;
        let guest = yizhan_store::station::stays::get(app.db(), stay).await.unwrap().guest_id;
        let backend = format!("{:?}", app.db().backend()).to_lowercase();

        // The commander at a desk: every area beside the page, the counts filled in.
        viewport(&d, 1920, 1080, false).await?;
        sign_in(&d, &base, "zhihui").await?;
        let nav = text_of(&d, "[data-testid=nav]").await?;
        for word in ["驿站运行", "指挥督导", "复工复产", "系统", "困难诉求", "惠企政策", "全区大屏"]
        {
            assert!(nav.contains(word), "{word} missing from the command's navigation: {nav}");
        }
        assert!(!nav.contains("体温巡查"), "no station in view, no station pages: {nav}");
        wait_text(&d, "#badge-difficulties", "1").await?;
        let class = d.find(By::Css("#badge-difficulties")).await?.attr("class").await?;
        assert!(class.unwrap_or_default().contains("tone-warning"));
        wait_text(&d, "#badge-command", "1").await?;
        // A station in view: its pages join the navigation under its name.
        d.goto(format!("{base}/stations/{st}/roster")).await?;
        wait_text(&d, &format!("#nav-station-{st}"), "卓汇健康驿站").await?;
        let active = text_of(&d, "[data-testid=nav] a.active").await?;
        assert_eq!(active, "排班");
        assert!(text_of(&d, "[data-testid=nav]").await?.contains("大屏授权"));
        // The page uses the screen: more than 1,500 of the 1,700 px beside the navigation.
        let main = width_of(&d, ".main").await?;
        assert!(main > 1500.0, "the page is {main}px wide on 1920");
        no_sideways_scroll(&d, 1920, "the roster beside the navigation").await?;
        d.screenshot(&shots_dir().join(format!("nav-command-1920-{backend}.png"))).await?;
        // Below a list: the way back to it.
        d.goto(format!("{base}/guests/{guest}")).await?;
        let crumbs = text_of(&d, "[data-testid=crumbs]").await?;
        assert!(crumbs.starts_with("驿站运行") && crumbs.contains("住客"), "{crumbs}");
        d.find(By::Css("[data-testid=crumbs] a")).await?.click().await?;
        wait_url(&d, &format!("/stations/{st}/guests")).await?;

        // The lead on a phone: a drawer, its station's pages, the alert counted.
        viewport(&d, 375, 812, true).await?;
        d.delete_all_cookies().await?;
        sign_in(&d, &base, "lead").await?;
        assert!(!d.find(By::Css("[data-testid=nav]")).await?.is_displayed().await?);
        no_sideways_scroll(&d, 375, "the lead's home with the drawer shut").await?;
        d.find(By::Css("[data-testid=nav-toggle-label]")).await?.click().await?;
        wait_text(&d, &format!("#badge-stations-{st}-attention"), "1").await?;
        let class =
            d.find(By::Css(format!("#badge-stations-{st}-attention"))).await?.attr("class").await?;
        assert!(class.unwrap_or_default().contains("tone-danger"));
        let nav = text_of(&d, "[data-testid=nav]").await?;
        for word in ["卓汇健康驿站", "体温巡查", "待解除", "人员保障", "排班", "消杀"]
        {
            assert!(nav.contains(word), "{word} missing from the lead's navigation: {nav}");
        }
        assert!(!nav.contains("复工复产"), "not a lead's area: {nav}");
        no_sideways_scroll(&d, 375, "the drawer").await?;
        d.screenshot(&shots_dir().join(format!("nav-lead-375-{backend}.png"))).await?;
        d.find(By::LinkText("消杀")).await?.click().await?;
        wait_url(&d, &format!("/stations/{st}/disinfection")).await?;
        Ok(())
    })
    .await;
});
