//! Lists a person can use (issue 16 item 9): the guest list paged and searched on the server,
//! those in a stay by room number as a number; the roster one group's week at a time.

use crate::browser_support::*;
use crate::common;

use common::district;
use thirtyfour::prelude::*;
use yizhan_core::access::{Actor, Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

async fn page_height(d: &WebDriver) -> WebDriverResult<i64> {
    d.execute("return document.documentElement.scrollHeight", vec![]).await?.convert()
}

async fn texts(d: &WebDriver, css: &str) -> WebDriverResult<Vec<String>> {
    let mut out = Vec::new();
    for e in d.find_all(By::Css(css)).await? {
        out.push(e.text().await?);
    }
    Ok(out)
}

both_backends!(
    the_guest_list_is_paged_and_the_roster_is_one_group_a_week,
    |t: TestDb| async move {
        with_browser(t, "the_guest_list_is_paged_and_the_roster", |d, base, app| async move {
            let (_, _, st, _) = district(app.db()).await;
            // 120 guests in rooms 95, 320, 1001 and 117 more.
            let mut numbers: Vec<String> = vec!["1001".into(), "320".into(), "95".into()];
            numbers.extend((0..117).map(|n| format!("{}", 401 + n)));
            for (n, number) in numbers.iter().enumerate() {
                let room = common::room(app.db(), st, number, 1).await;
                let g = common::guest(app.db(), st, n as u32 + 1).await;
                common::check_in(app.db(), st, g, room).await;
            }
            app.user("clerk", Role::StationStaff, Scope::Station(st), false).await;
            let lead = app.user("lead", Role::StationLead, Scope::Station(st), false).await;
            let backend = format!("{:?}", app.db().backend()).to_lowercase();

            viewport(&d, 375, 812, true).await?;
            sign_in(&d, &base, "clerk").await?;
            d.goto(format!("{base}/stations/{st}/guests")).await?;
            let rows = d.find_all(By::Css("[data-testid=guests-table] tbody tr")).await?;
            assert_eq!(rows.len(), 50);
            assert_eq!(text_of(&d, "[data-testid=pager-summary]").await?, "第 1–50 条，共 120 条");
            // By room as a number: 95 before 320 before 401.
            let rooms = texts(&d, "[data-testid=guests-table] tbody tr td:nth-child(4)").await?;
            assert_eq!(rooms[..3], ["95".to_owned(), "320".into(), "401".into()], "{rooms:?}");
            let height = page_height(&d).await?;
            println!("guest list at 375 px: {height} px for 50 of 120 guests");
            no_sideways_scroll(&d, 375, "the guest list").await?;
            d.screenshot(&shots_dir().join(format!("guests-paged-375-{backend}.png"))).await?;
            d.find(By::Css("[data-testid=next-page]")).await?.click().await?;
            wait_text(&d, "[data-testid=pager-summary]", "第 51–100 条，共 120 条").await?;
            // A document's last four tell two of one masked name apart, and find the guest.
            fill(&d, "[data-testid=guest-search]", "0007").await?;
            d.find(By::Css(".filters button")).await?.click().await?;
            wait_text(&d, "[data-testid=pager-summary]", "第 1–1 条，共 1 条").await?;
            let found = text_of(&d, "[data-testid=guests-table] tbody").await?;
            assert!(found.contains("陈**7") && found.contains("0007"), "{found}");
            viewport(&d, 1920, 1080, false).await?;
            d.goto(format!("{base}/stations/{st}/guests?page=3")).await?;
            assert_eq!(
                text_of(&d, "[data-testid=pager-summary]").await?,
                "第 101–120 条，共 120 条"
            );
            assert!(d.find(By::Css("[data-testid=next-page]")).await.is_err(), "the last page");
            no_sideways_scroll(&d, 1920, "the guest list").await?;
            d.screenshot(&shots_dir().join(format!("guests-paged-1920-{backend}.png"))).await?;

            // The roster of six groups of four, each generated for a week: one group at a time.
            let sys = Actor::system();
            let today = yizhan_core::time::local_date(yizhan_store::db::now()).to_string();
            let mut c = app.session_for(lead).await;
            let mut groups = Vec::new();
            for (k, name) in
                ["医疗组", "消杀组", "保障组", "安保组", "信息组", "转运组"].iter().enumerate()
            {
                let g = yizhan_core::care::staff::validate_group(
                    &yizhan_core::care::staff::GroupInput {
                        name: (*name).into(),
                        pattern: "three_eights".into(),
                        min_per_shift: "1".into(),
                        ..Default::default()
                    },
                )
                .unwrap();
                let group =
                    yizhan_store::care::staff::create_group(app.db(), &sys, st, &g).await.unwrap();
                for m in 0..4 {
                    let phone = format!("139{:08}", k * 10 + m);
                    common::staff_member(app.db(), st, group, &format!("{name}{m}号"), &phone)
                        .await;
                }
                let r = app
                    .form(
                        &mut c,
                        &format!("/groups/{group}/roster"),
                        &[("from", &today), ("days", "7")],
                    )
                    .await;
                assert_eq!(r.status, axum::http::StatusCode::SEE_OTHER, "{}", r.body);
                groups.push(group);
            }
            viewport(&d, 375, 812, true).await?;
            d.delete_all_cookies().await?;
            sign_in(&d, &base, "lead").await?;
            d.goto(format!("{base}/stations/{st}/roster?group=all")).await?;
            let all = page_height(&d).await?;
            d.goto(format!("{base}/stations/{st}/roster")).await?;
            let one = page_height(&d).await?;
            println!("roster at 375 px: {one} px for one group's week, {all} px for all six");
            assert!(one * 2 < all, "one group's week is far shorter: {one} vs {all}");
            assert_eq!(d.find_all(By::Css("section.roster-group")).await?.len(), 1);
            // Today first, marked; every group one tap away.
            let first = text_of(&d, "table.roster tbody tr:first-child").await?;
            assert!(first.contains("今天"), "{first}");
            d.find(By::LinkText("转运组")).await?.click().await?;
            let shown = d.find(By::Css("section.roster-group")).await?.attr("data-testid").await?;
            assert_eq!(shown, Some(format!("roster-group-{}", groups[5])));
            // The next week keeps the group.
            d.find(By::Css("[data-testid=next-week]")).await?.click().await?;
            let shown = d.find(By::Css("section.roster-group")).await?.attr("data-testid").await?;
            assert_eq!(shown, Some(format!("roster-group-{}", groups[5])));
            d.back().await?;
            no_sideways_scroll(&d, 375, "the roster").await?;
            d.screenshot(&shots_dir().join(format!("roster-group-375-{backend}.png"))).await?;
            viewport(&d, 1920, 1080, false).await?;
            no_sideways_scroll(&d, 1920, "the roster").await?;
            d.screenshot(&shots_dir().join(format!("roster-group-1920-{backend}.png"))).await?;
            Ok(())
        })
        .await;
    }
);

both_backends!(a_directive_finds_its_enterprises_among_thousands, |t: TestDb| async move {
    with_browser(
        t,
        "a_directive_finds_its_enterprises_among_thousands",
        |d, base, app| async move {
            let (street_a, street_b, _, _) = district(app.db()).await;
            // 120 enterprises, a third of them in logistics, half in each street.
            for n in 1..=120u32 {
                let uscc =
                    yizhan_core::validate::with_check_char(&format!("91440300{n:09}")).unwrap();
                let industry = if n % 3 == 0 { "logistics" } else { "manufacturing" };
                let street = if n % 2 == 0 { street_a } else { street_b };
                common::enterprise_with(
                    app.db(),
                    &uscc,
                    &format!("龙岗第{n:03}号企业"),
                    street,
                    industry,
                    100,
                )
                .await;
            }
            app.user("zhihui", Role::Commander, Scope::District, false).await;
            let backend = format!("{:?}", app.db().backend()).to_lowercase();
            viewport(&d, 375, 812, true).await?;
            sign_in(&d, &base, "zhihui").await?;
            d.goto(format!("{base}/directives")).await?;
            let summary = "[data-testid=picker-summary-recipient]";
            wait_contains(&d, summary, "找到 120 家").await?;
            fill(
                &d,
                "[data-testid=directive-form] input[name=title]",
                "关于物流企业复工防疫的通知",
            )
            .await?;
            fill(&d, "[data-testid=directive-form] textarea", "请各物流企业落实闭环管理。").await?;
            // Typing finds one; it is ticked.
            fill(&d, "[data-testid=pick-q-recipient]", "第007号").await?;
            wait_contains(&d, summary, "找到 1 家").await?;
            let one = d.find(By::Css("#picker-recipient input[name=recipient]")).await?;
            one.scroll_into_view().await?;
            one.click().await?;
            assert_eq!(one.prop("checked").await?.as_deref(), Some("true"));
            // Another search keeps it, on top, ticked; "all of this street's logistics" adds 20.
            fill(&d, "[data-testid=pick-q-recipient]", "").await?;
            let street = d.find(By::Css("[data-testid=pick-street-recipient]")).await?;
            street.click().await?;
            d.find(By::Css(format!(
                "[data-testid=pick-street-recipient] option[value='{street_a}']"
            )))
            .await?
            .click()
            .await?;
            d.find(By::Css(
                "#picker-box-recipient select[name=pick_industry] option[value=logistics]",
            ))
            .await?
            .click()
            .await?;
            wait_contains(&d, summary, "找到 20 家").await?;
            let chosen = text_of(&d, "#picker-recipient .picked").await?;
            assert!(chosen.contains("龙岗第007号企业"), "{chosen}");
            let all = d.find(By::Css("[data-testid=pick-all]")).await?;
            all.scroll_into_view().await?;
            all.click().await?;
            no_sideways_scroll(&d, 375, "the directive form with its picker").await?;
            d.screenshot(&shots_dir().join(format!("picker-375-{backend}.png"))).await?;
            let submit =
                d.find(By::Css("[data-testid=directive-form] button[type=submit]")).await?;
            submit.scroll_into_view().await?;
            submit.click().await?;
            let publish = d
                .query(By::Css("[data-testid=directive-publish]"))
                .wait(std::time::Duration::from_secs(5), std::time::Duration::from_millis(50))
                .first()
                .await?;
            publish.scroll_into_view().await?;
            publish.click().await?;
            let tracking = wait_contains(&d, "main", "0 / 21").await?;
            assert!(tracking.contains("龙岗第007号企业"), "the one ticked is a recipient");
            Ok(())
        },
    )
    .await;
});
