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
    let script = "return document.querySelector(arguments[0]).getBoundingClientRect().width;";
    js(d, script, vec![serde_json::json!(css)]).await
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
        // The drawer scrolls: a lead's station has more pages than a phone's height.
        let link = d.find(By::LinkText("消杀")).await?;
        d.execute("arguments[0].scrollIntoView({block: 'center'});", vec![link.to_json()?]).await?;
        link.click().await?;
        wait_url(&d, &format!("/stations/{st}/disinfection")).await?;
        Ok(())
    })
    .await;
});

/// The page's widest table scrolls inside its box, not the page: how far its box reaches past
/// the window's right edge (0 when it fits).
async fn table_box_overflow(d: &WebDriver, css: &str) -> WebDriverResult<f64> {
    let script = "const r = document.querySelector(arguments[0]).closest('.table-wrap').getBoundingClientRect();
         return Math.max(0, r.right - document.documentElement.clientWidth);";
    js(d, script, vec![serde_json::json!(css)]).await
}

both_backends!(one_visual_system_saved_empty_and_the_report, |t: TestDb| async move {
    with_browser(t, "one_visual_system_saved_empty_and_the_report", |d, base, app| async move {
        let (_, _, st, _) = district(app.db()).await;
        app.user("lead", Role::StationLead, Scope::Station(st), false).await;
        app.user("zhihui", Role::Commander, Scope::District, false).await;
        let backend = format!("{:?}", app.db().backend()).to_lowercase();

        // An empty list says what to do, with its icon drawn.
        viewport(&d, 375, 812, true).await?;
        sign_in(&d, &base, "lead").await?;
        d.goto(format!("{base}/stations/{st}/staff")).await?;
        let empty = text_of(&d, "p.empty").await?;
        assert!(empty.contains("用下方"), "an empty list says what to do: {empty}");
        let script =
            "return document.querySelector('p.empty svg.icon').getBoundingClientRect().width";
        let icon: f64 = js(&d, script, vec![]).await?;
        assert!(icon > 10.0, "the empty state's icon is {icon}px wide");
        // A save says so, once.
        fill(&d, "[data-testid=s-name]", "王护士").await?;
        fill(&d, "[data-testid=s-phone]", "13912345678").await?;
        fill(&d, "[data-testid=s-org]", "区人民医院").await?;
        d.find(By::Css("[data-testid=staff-save]")).await?.click().await?;
        wait_contains(&d, "[data-testid=toast-saved]", "已保存").await?;
        no_sideways_scroll(&d, 375, "the staff page with its toast").await?;
        d.screenshot(&shots_dir().join(format!("saved-375-{backend}.png"))).await?;
        assert!(text_of(&d, "[data-testid=staff-table]").await?.contains("王护士"));
        d.refresh().await?;
        assert!(d.find_all(By::Css("[data-testid=toast-saved]")).await?.is_empty());

        // The daily report at 1920: the station column stays while 26 figures scroll in their box,
        // and no heading wraps one character per line.
        viewport(&d, 1920, 1080, false).await?;
        d.delete_all_cookies().await?;
        sign_in(&d, &base, "zhihui").await?;
        d.goto(format!("{base}/reports")).await?;
        d.find(By::Css("[data-testid=report-generate] button")).await?.click().await?;
        wait_contains(&d, "[data-testid=report-title]", "").await?;
        assert_eq!(table_box_overflow(&d, "[data-testid=report-table]").await?, 0.0);
        no_sideways_scroll(&d, 1920, "the daily report").await?;
        let script = "return Math.min(...[...document.querySelectorAll(
            '[data-testid=report-table] thead th')].map(th => th.getBoundingClientRect().width));";
        let narrowest: f64 = js(&d, script, vec![]).await?;
        assert!(narrowest >= 60.0, "a report heading is {narrowest}px wide");
        let script =
            "const w = document.querySelector('[data-testid=report-table]').closest('.table-wrap');
            w.scrollLeft = 400;
            const th = document.querySelector('[data-testid=report-district] th');
            return Math.abs(th.getBoundingClientRect().left - w.getBoundingClientRect().left) < 2;";
        let stays: bool = js(&d, script, vec![]).await?;
        assert!(stays, "the station column stays in view while the figures scroll");
        d.screenshot(&shots_dir().join(format!("report-1920-{backend}.png"))).await?;
        // On paper: one landscape A4 page for the district's stations, every column on it.
        let pdf = print_a4(&d, true).await?;
        std::fs::write(shots_dir().join(format!("report-{backend}.pdf")), &pdf).unwrap();
        assert_eq!(pdf_pages(&pdf), 1, "the daily report prints on one landscape page");
        Ok(())
    })
    .await;
});

both_backends!(an_admin_connects_a_wecom_group_from_the_navigation, |t: TestDb| async move {
    with_browser(
        t,
        "an_admin_connects_a_wecom_group_from_the_navigation",
        |d, base, app| async move {
            district(app.db()).await;
            app.user("admin2", Role::Admin, Scope::District, false).await;
            let backend = format!("{:?}", app.db().backend()).to_lowercase();
            // The robot's stand-in.
            let (hook, got) = common::receiver(vec![]).await;
            let hook = format!("{hook}?key=ROBOTKEY9876");

            for (w, h, mobile) in [(1920u32, 1080u32, false), (375, 812, true)] {
                viewport(&d, w, h, mobile).await?;
                d.delete_all_cookies().await?;
                sign_in(&d, &base, "admin2").await?;
                if mobile {
                    d.find(By::Css("[data-testid=nav-toggle-label]")).await?.click().await?;
                }
                d.find(By::LinkText("通知渠道")).await?.click().await?;
                wait_url(&d, "/admin/channels").await?;
                fill(&d, "[data-testid=c-name]", &format!("医疗组群{w}")).await?;
                fill(&d, "[data-testid=c-url]", &hook).await?;
                d.find(By::Css("[data-testid=channel-save]")).await?.click().await?;
                wait_contains(&d, "[data-testid=toast-saved]", "已保存").await?;
                let table = text_of(&d, "[data-testid=channels-table]").await?;
                assert!(
                    table.contains(&format!("医疗组群{w}")) && table.contains("…9876"),
                    "{table}"
                );
                assert!(!d.source().await?.contains("ROBOTKEY"), "the key is not on the page");
                let id = yizhan_store::notify::channels::list(app.db())
                    .await
                    .unwrap()
                    .last()
                    .unwrap()
                    .id;
                d.find(By::Css(format!("[data-testid=channel-test-{id}]"))).await?.click().await?;
                wait_contains(&d, "[data-testid=test-result]", "测试消息已送达").await?;
                no_sideways_scroll(&d, w, "the notification channels").await?;
                d.screenshot(&shots_dir().join(format!("channels-{w}-{backend}.png"))).await?;
            }
            assert_eq!(got.lock().unwrap().len(), 2, "one test message each time");
            Ok(())
        },
    )
    .await;
});
