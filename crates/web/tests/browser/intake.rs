//! Intake walked (issue 19): the district's commander finds 入住预排 in the navigation, uploads a
//! port's list (.csv) with a party of two and a driver, reads the proposal (the driver to the
//! drivers' station) and confirms it on a desk screen; the receiving station's staff, on a phone,
//! checks the party in with one action each, the second proposed into the first one's room.
//! Nothing wider than the screen.

use crate::browser_support::*;
use crate::common;

use common::district;
use thirtyfour::prelude::*;
use yizhan_core::access::{Actor, Role, Scope};
use yizhan_core::station::guest::GuestCategory;
use yizhan_core::station::intake::ArrivalState;
use yizhan_store::both_backends;
use yizhan_store::station::arrivals::{self, ArrivalFilter};
use yizhan_store::station::stations;
use yizhan_store::testing::TestDb;

both_backends!(an_arrivals_list_is_allocated_and_checked_in, |t: TestDb| async move {
    with_browser(t, "an_arrivals_list_is_allocated_and_checked_in", |d, base, app| async move {
        let (_, _, a, b) = district(app.db()).await;
        stations::set_takes(app.db(), &Actor::system(), a, &[GuestCategory::CrossBorderDriver])
            .await
            .unwrap();
        common::room(app.db(), a, "301", 1).await;
        common::room(app.db(), b, "812", 2).await;
        common::room(app.db(), b, "813", 1).await;
        app.user("cmd", Role::Commander, Scope::District, false).await;
        app.user("staff_b", Role::StationStaff, Scope::Station(b), false).await;
        let backend = format!("{:?}", app.db().backend()).to_lowercase();
        let today = yizhan_core::time::local_date(yizhan_store::db::now());
        let id = |body: &str| yizhan_core::validate::with_check_digit(body).unwrap();
        let csv = format!(
            "姓名,证件类型,证件号码,手机号,户籍地,人员类别,同行编号,预计到达日期,来源口岸,工作单位,内地车牌\n\
             林小梅,身份证,{},13800138001,广东深圳,入境人员,F1,{today},皇岗口岸,,\n\
             林大山,身份证,{},13800138002,广东深圳,入境人员,F1,{today},皇岗口岸,,\n\
             陈志强,身份证,{},13800138003,广东惠州,跨境货车司机,,{today},文锦渡口岸,深港物流,粤Z1234港",
            id("44030719850203002"),
            id("44030719800507001"),
            id("44130219750911003"),
        );
        let path = std::env::temp_dir()
            .join(format!("yizhan-arrivals-{}-{backend}.csv", std::process::id()));
        std::fs::write(&path, csv).unwrap();

        viewport(&d, 1920, 1080, false).await?;
        sign_in(&d, &base, "cmd").await?;
        d.find(By::LinkText("入住预排")).await?.click().await?;
        wait_url(&d, "/arrivals").await?;
        d.find(By::Css("[data-testid=arrivals-import]")).await?.click().await?;
        d.find(By::Css("[data-testid=import-form] input[type=file]"))
            .await?
            .send_keys(path.display().to_string())
            .await?;
        d.find(By::Css("[data-testid=import-form] button")).await?.click().await?;
        let outcome = text_of(&d, "[data-testid=import-outcome]").await?;
        assert!(outcome.contains("导入 3 行"), "{outcome}");
        d.goto(format!("{base}/arrivals")).await?;
        let waiting = text_of(&d, "[data-testid=waiting-count]").await?;
        assert_eq!(waiting, "待分配 3");
        let at_a = text_of(&d, &format!("[data-testid=proposal-{a}]")).await?;
        let at_b = text_of(&d, &format!("[data-testid=proposal-{b}]")).await?;
        assert!(at_a.contains("跨境司机") && at_a.ends_with('1'), "{at_a}");
        assert!(at_b.contains("全部类别") && at_b.ends_with('2'), "{at_b}");
        no_sideways_scroll(&d, 1920, "the intake page").await?;
        d.screenshot(&shots_dir().join(format!("intake-1920-{backend}.png"))).await?;
        d.find(By::Css("[data-testid=allocate]")).await?.click().await?;
        let done = text_of(&d, "[data-testid=allocated]").await?;
        assert_eq!(done, "已分配 3 人；未能分配 0 人。");
        viewport(&d, 375, 812, true).await?;
        d.refresh().await?;
        no_sideways_scroll(&d, 375, "the intake page").await?;
        d.screenshot(&shots_dir().join(format!("intake-375-{backend}.png"))).await?;

        d.delete_all_cookies().await?;
        sign_in(&d, &base, "staff_b").await?;
        d.goto(format!("{base}/stations/{b}")).await?;
        d.find(By::Css("[data-testid=station-arrivals]")).await?.click().await?;
        wait_url(&d, "/arrivals").await?;
        assert_eq!(text_of(&d, "[data-testid=expected-count]").await?, "2");
        no_sideways_scroll(&d, 375, "expected arrivals").await?;
        d.screenshot(&shots_dir().join(format!("expected-375-{backend}.png"))).await?;
        viewport(&d, 1920, 1080, false).await?;
        no_sideways_scroll(&d, 1920, "expected arrivals").await?;
        d.screenshot(&shots_dir().join(format!("expected-1920-{backend}.png"))).await?;
        viewport(&d, 375, 812, true).await?;
        let mine = ArrivalFilter { station_id: Some(b), ..Default::default() };
        let party = arrivals::page(app.db(), &mine, 10, 0).await.unwrap();
        let (first, second) = (party[0].id, party[1].id);
        d.find(By::Css(format!("[data-testid=check-in-room-{first}] option[value]")))
            .await?
            .click()
            .await?;
        d.find(By::Css(format!("[data-testid=check-in-{first}]"))).await?.click().await?;
        wait_contains(&d, "[data-testid=expected-count]", "1").await?;
        // The second of the party is proposed into the first one's room.
        let room_of_first = arrivals::get(app.db(), first).await.unwrap().stay_id.unwrap();
        let room_of_first =
            yizhan_store::station::stays::get(app.db(), room_of_first).await.unwrap().room_id;
        let chosen: String = d
            .execute(
                &format!(
                    "return document.querySelector('[data-testid=check-in-room-{second}]').value;"
                ),
                vec![],
            )
            .await?
            .convert()?;
        assert_eq!(chosen, room_of_first.to_string());
        d.find(By::Css(format!("[data-testid=check-in-{second}]"))).await?.click().await?;
        wait_contains(&d, "[data-testid=expected-empty]", "没有").await?;
        for x in [first, second] {
            assert_eq!(arrivals::get(app.db(), x).await.unwrap().state, ArrivalState::Arrived);
        }
        let _ = std::fs::remove_file(&path);
        Ok(())
    })
    .await;
});
