//! A transfer refused and allocated, walked (issue 19): the receiving station's lead refuses the
//! guest on a phone, saying why; the district's commander finds them under 转运调度 in the
//! navigation, in danger's colour, and sends them to a third station, on a desk screen and on a
//! phone, nothing wider than the screen.

use crate::browser_support::*;
use crate::common;

use common::district;
use thirtyfour::prelude::*;
use yizhan_core::access::{Actor, Role, Scope};
use yizhan_core::station::transfer::TransferOrder;
use yizhan_store::both_backends;
use yizhan_store::station::transfers;
use yizhan_store::testing::TestDb;

both_backends!(a_refused_guest_is_allocated_by_the_command, |t: TestDb| async move {
    with_browser(t, "a_refused_guest_is_allocated_by_the_command", |d, base, app| async move {
        let (_, _, a, b) = district(app.db()).await;
        let c = common::third_station(app.db(), "布吉健康驿站").await;
        let room = common::room(app.db(), a, "301", 1).await;
        let g = common::guest(app.db(), a, 1).await;
        let stay = common::check_in(app.db(), a, g, room).await;
        let order =
            TransferOrder { to_station: Some(b), reason: "本站整体终末消毒".into() };
        let id = transfers::send(app.db(), &Actor::system(), stay, &order).await.unwrap().id;
        app.user("lead_b", Role::StationLead, Scope::Station(b), false).await;
        app.user("cmd", Role::Commander, Scope::District, false).await;
        let backend = format!("{:?}", app.db().backend()).to_lowercase();

        viewport(&d, 375, 812, true).await?;
        sign_in(&d, &base, "lead_b").await?;
        d.goto(format!("{base}/stations/{b}/transfers")).await?;
        let refuse = format!("[data-testid=refuse-box-{id}]");
        d.find(By::Css(format!("{refuse} summary"))).await?.click().await?;
        fill(&d, &format!("{refuse} input[name=reason]"), "无家庭房").await?;
        no_sideways_scroll(&d, 375, "a refusal").await?;
        d.screenshot(&shots_dir().join(format!("transfer-refuse-375-{backend}.png"))).await?;
        d.find(By::Css(format!("[data-testid=refuse-{id}]"))).await?.click().await?;
        wait_contains(&d, "[data-testid=incoming-empty]", "暂无").await?;

        viewport(&d, 1920, 1080, false).await?;
        d.delete_all_cookies().await?;
        sign_in(&d, &base, "cmd").await?;
        d.find(By::LinkText("转运调度")).await?.click().await?;
        wait_url(&d, "/transfers").await?;
        let state = d.find(By::Css(format!("[data-testid=transit-state-{id}]"))).await?;
        assert!(state.attr("class").await?.unwrap_or_default().contains("tone-danger"));
        assert_eq!(state.text().await?, "⚠ 待指挥部调度");
        let way = text_of(&d, &format!("[data-testid=transit-way-{id}]")).await?;
        assert!(way.contains("拒收 · 平湖健康驿站 · 无家庭房"), "{way}");
        no_sideways_scroll(&d, 1920, "the dispatch").await?;
        d.screenshot(&shots_dir().join(format!("dispatch-1920-{backend}.png"))).await?;
        let form = format!("[data-testid=redirect-{id}]");
        d.find(By::Css(format!("{form} option[value='{c}']"))).await?.click().await?;
        fill(&d, &format!("{form} input[name=reason]"), "布吉有家庭房").await?;
        d.find(By::Css(format!("{form} button[type=submit]"))).await?.click().await?;
        let state = wait_contains(&d, &format!("[data-testid=transit-state-{id}]"), "布吉").await?;
        assert_eq!(state, "转运途中 · 布吉健康驿站");
        viewport(&d, 375, 812, true).await?;
        d.refresh().await?;
        no_sideways_scroll(&d, 375, "the dispatch").await?;
        d.screenshot(&shots_dir().join(format!("dispatch-375-{backend}.png"))).await?;
        Ok(())
    })
    .await;
});
