//! A stay's life beyond its room (issue 19), walked on a phone: the lead extends the period from
//! the guest's page and sends the guest to another station; that station's clerk finds them under
//! 转运交接 in the navigation and takes them into a bed with one action; on a desk screen the
//! record reads the same.

use crate::browser_support::*;
use crate::common;

use common::district;
use thirtyfour::prelude::*;
use yizhan_core::access::{Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::station::{stays, transfers};
use yizhan_store::testing::TestDb;

both_backends!(a_lead_extends_a_stay_and_sends_the_guest_on, |t: TestDb| async move {
    with_browser(t, "a_lead_extends_a_stay_and_sends_the_guest_on", |d, base, app| async move {
        let (_, _, a, b) = district(app.db()).await;
        let room_a = common::room(app.db(), a, "301", 1).await;
        common::room(app.db(), b, "812", 2).await;
        let g = common::guest(app.db(), a, 7).await;
        let stay = common::check_in(app.db(), a, g, room_a).await;
        let days =
            yizhan_store::station::period::days_of(&stays::get(app.db(), stay).await.unwrap());
        app.user("lead_a", Role::StationLead, Scope::Station(a), false).await;
        app.user("clerk_b", Role::StationStaff, Scope::Station(b), false).await;
        let backend = format!("{:?}", app.db().backend()).to_lowercase();

        viewport(&d, 375, 812, true).await?;
        sign_in(&d, &base, "lead_a").await?;
        d.goto(format!("{base}/guests/{g}")).await?;
        // Extended by a week, with the reason.
        d.find(By::Css("[data-testid=period-box] summary")).await?.click().await?;
        fill(&d, "[data-testid=period-days]", &(days + 7).to_string()).await?;
        fill(&d, "[data-testid=period-reason]", "同层出现阳性，延长观察").await?;
        d.find(By::Css("[data-testid=period-save]")).await?.click().await?;
        // The number of days with its unit: the old release date may hold the same digits.
        let period = wait_contains(&d, "[data-testid=period]", &format!("{} 天", days + 7)).await?;
        let s = stays::get(app.db(), stay).await.unwrap();
        assert!(period.contains(&s.planned_release.to_string()), "{period}");
        let changes = text_of(&d, "[data-testid=period-changes]").await?;
        assert!(
            changes.contains("同层出现阳性，延长观察") && changes.contains("驿站专班负责人"),
            "{changes}"
        );
        no_sideways_scroll(&d, 375, "the guest's page").await?;
        d.screenshot(&shots_dir().join(format!("period-375-{backend}.png"))).await?;

        // Sent on to the other station: asked first, then in transit.
        d.find(By::Css("[data-testid=transfer-box] summary")).await?.click().await?;
        d.execute(
            &format!("document.querySelector('[data-testid=transfer-station]').value = '{b}';"),
            vec![],
        )
        .await?;
        fill(&d, "[data-testid=transfer-reason]", "本站整体终末消毒").await?;
        d.execute("window.confirm = function () { return true; };", vec![]).await?;
        d.find(By::Css("[data-testid=transfer-save]")).await?.click().await?;
        let line = wait_contains(&d, "[data-testid=transfers]", "转运途中").await?;
        assert!(line.contains("平湖健康驿站") && line.contains("本站整体终末消毒"), "{line}");
        assert!(d.find(By::Css("[data-testid=current-stay]")).await.is_err(), "no stay here");
        no_sideways_scroll(&d, 375, "the guest in transit").await?;
        d.screenshot(&shots_dir().join(format!("transfer-sent-375-{backend}.png"))).await?;

        // The receiving clerk: 转运交接 from the navigation, one action into a bed.
        d.delete_all_cookies().await?;
        sign_in(&d, &base, "clerk_b").await?;
        let todo = wait_contains(&d, "main", "转运待接收").await?;
        assert!(todo.contains("转运待接收"), "the home page says who is coming");
        d.find(By::Css("[data-testid=nav-toggle-label]")).await?.click().await?;
        d.find(By::LinkText("转运交接")).await?.click().await?;
        wait_url(&d, &format!("/stations/{b}/transfers")).await?;
        assert_eq!(text_of(&d, "[data-testid=incoming-count]").await?, "1");
        let incoming = text_of(&d, "[data-testid=incoming]").await?;
        assert!(incoming.contains("陈**7") && incoming.contains("卓汇健康驿站"), "{incoming}");
        assert!(incoming.contains("转运途中"), "{incoming}");
        no_sideways_scroll(&d, 375, "the incoming list").await?;
        d.screenshot(&shots_dir().join(format!("transfers-375-{backend}.png"))).await?;
        let id = transfers::incoming(app.db(), b).await.unwrap()[0].id;
        d.find(By::Css(format!("[data-testid=accept-{id}]"))).await?.click().await?;
        let current = wait_contains(&d, "[data-testid=current-stay]", "812").await?;
        assert!(current.contains("812"), "{current}");
        let from = text_of(&d, "[data-testid=transfers]").await?;
        assert!(from.contains("自 卓汇健康驿站 转入"), "{from}");
        let accepted = transfers::get(app.db(), id).await.unwrap().accepted_stay_id.unwrap();
        let new_stay = stays::get(app.db(), accepted).await.unwrap();
        assert_eq!(new_stay.planned_release, s.planned_release, "the extended period goes on");

        viewport(&d, 1920, 1080, false).await?;
        d.goto(format!("{base}/stations/{b}/transfers")).await?;
        let history = text_of(&d, "[data-testid=transfer-history]").await?;
        assert!(history.contains("转入") && history.contains("已接收"), "{history}");
        no_sideways_scroll(&d, 1920, "the transfer record").await?;
        d.screenshot(&shots_dir().join(format!("transfers-1920-{backend}.png"))).await?;
        Ok(())
    })
    .await;
});

both_backends!(a_street_follows_up_a_released_guest_at_home, |t: TestDb| async move {
    with_browser(t, "a_street_follows_up_a_released_guest_at_home", |d, base, app| async move {
        let (street_a, _, st, _) = district(app.db()).await;
        let stay = crate::release::stay_since(app.db(), st, "501", 1, 14).await;
        let sys = yizhan_core::access::Actor::system();
        let released = yizhan_core::station::stay::Outcome::Released;
        stays::check_out(app.db(), &sys, stay, released, None).await.unwrap();
        let m =
            yizhan_store::station::home_monitoring::of_stay(app.db(), stay).await.unwrap().unwrap();
        app.user("jihua", Role::Commander, Scope::Street(street_a), false).await;
        let backend = format!("{:?}", app.db().backend()).to_lowercase();

        viewport(&d, 375, 812, true).await?;
        sign_in(&d, &base, "jihua").await?;
        d.find(By::Css("[data-testid=nav-toggle-label]")).await?.click().await?;
        d.find(By::LinkText("居家健康监测")).await?.click().await?;
        wait_url(&d, "/home-monitoring").await?;
        let row = text_of(&d, &format!("[data-testid=home-{}]", m.id)).await?;
        assert!(row.contains("陈**1") && row.contains("今日待随访"), "{row}");
        assert!(row.contains("第 1/7 天") && row.contains("卓汇健康驿站"), "{row}");
        no_sideways_scroll(&d, 375, "the home-monitoring list").await?;
        d.screenshot(&shots_dir().join(format!("home-list-375-{backend}.png"))).await?;

        // Reached, a fever and a cough: said in red on the person's page.
        d.find(By::LinkText("陈**1")).await?.click().await?;
        fill(&d, "[data-testid=follow-up-temperature]", "38.1").await?;
        d.find(By::Css("input[name=symptom][value=cough]")).await?.click().await?;
        d.find(By::Css("[data-testid=follow-up-save]")).await?.click().await?;
        let days = wait_contains(&d, "[data-testid=home-days]", "38.1").await?;
        assert!(days.contains("发热伴症状") && days.contains("咳嗽"), "{days}");
        let mark = d.find(By::Css("[data-testid=home-days] .badge")).await?;
        assert!(mark.class_name().await?.unwrap_or_default().contains("tone-danger"));
        assert!(text_of(&d, "[data-testid=home-facts]").await?.contains("今日已随访"));
        no_sideways_scroll(&d, 375, "a person at home").await?;
        d.screenshot(&shots_dir().join(format!("home-person-375-{backend}.png"))).await?;

        viewport(&d, 1920, 1080, false).await?;
        d.goto(format!("{base}/home-monitoring/{}", m.id)).await?;
        no_sideways_scroll(&d, 1920, "a person at home").await?;
        d.screenshot(&shots_dir().join(format!("home-person-1920-{backend}.png"))).await?;
        d.goto(format!("{base}/home-monitoring")).await?;
        let row = text_of(&d, &format!("[data-testid=home-{}]", m.id)).await?;
        assert!(row.contains("今日已随访"), "{row}");
        no_sideways_scroll(&d, 1920, "the home-monitoring list").await?;
        d.screenshot(&shots_dir().join(format!("home-list-1920-{backend}.png"))).await?;
        Ok(())
    })
    .await;
});

both_backends!(a_clerk_sends_a_driver_out_and_records_the_return, |t: TestDb| async move {
    with_browser(
        t,
        "a_clerk_sends_a_driver_out_and_records_the_return",
        |d, base, app| async move {
            let (_, _, st, _) = district(app.db()).await;
            let room = common::room(app.db(), st, "301", 1).await;
            let g = common::guest(app.db(), st, 9).await;
            common::check_in(app.db(), st, g, room).await;
            app.user("clerk", Role::StationStaff, Scope::Station(st), false).await;
            let backend = format!("{:?}", app.db().backend()).to_lowercase();

            viewport(&d, 375, 812, true).await?;
            sign_in(&d, &base, "clerk").await?;
            d.goto(format!("{base}/guests/{g}")).await?;
            d.find(By::Css("[data-testid=trip-box] summary")).await?.click().await?;
            fill(&d, "[data-testid=trip-port]", "皇岗口岸").await?;
            fill(&d, "[data-testid=trip-destination]", "葵涌货柜码头").await?;
            fill(&d, "[data-testid=trip-hours]", "10").await?;
            d.find(By::Css("[data-testid=trip-save]")).await?.click().await?;
            let out = wait_contains(&d, "[data-testid=trip-out]", "出车中").await?;
            assert!(out.contains("粤ZAB12港") && out.contains("皇岗口岸"), "{out}");
            assert_eq!(
                text_of(&d, "[data-testid=trip-badge]").await?,
                "出车中",
                "said by the name"
            );
            no_sideways_scroll(&d, 375, "a driver out on a run").await?;
            d.screenshot(&shots_dir().join(format!("trip-out-375-{backend}.png"))).await?;

            // 出车登记 from the navigation: who is out; then back from the guest's page.
            d.find(By::Css("[data-testid=nav-toggle-label]")).await?.click().await?;
            d.find(By::LinkText("出车登记")).await?.click().await?;
            wait_url(&d, &format!("/stations/{st}/trips")).await?;
            assert_eq!(text_of(&d, "[data-testid=out-count]").await?, "1");
            no_sideways_scroll(&d, 375, "the runs").await?;
            d.screenshot(&shots_dir().join(format!("trips-375-{backend}.png"))).await?;
            d.find(By::LinkText("301")).await?.click().await?;
            d.find(By::Css("[data-testid=trip-back]")).await?.click().await?;
            let lines = wait_contains(&d, "[data-testid=trip-lines]", "返回").await?;
            assert!(lines.contains("葵涌货柜码头"), "{lines}");

            viewport(&d, 1920, 1080, false).await?;
            d.goto(format!("{base}/stations/{st}/trips")).await?;
            assert_eq!(text_of(&d, "[data-testid=out-count]").await?, "0");
            let history = text_of(&d, "[data-testid=trip-history]").await?;
            assert!(history.contains("皇岗口岸"), "{history}");
            no_sideways_scroll(&d, 1920, "the runs").await?;
            d.screenshot(&shots_dir().join(format!("trips-1920-{backend}.png"))).await?;
            Ok(())
        },
    )
    .await;
});

both_backends!(a_lead_runs_a_positive_case_from_the_guest_page, |t: TestDb| async move {
    with_browser(t, "a_lead_runs_a_positive_case_from_the_guest_page", |d, base, app| async move {
        let (_, _, st, _) = district(app.db()).await;
        let sys = yizhan_core::access::Actor::system();
        let room = common::room(app.db(), st, "808", 2).await;
        let g = common::guest(app.db(), st, 8).await;
        let stay = common::check_in(app.db(), st, g, room).await;
        let mate = common::guest(app.db(), st, 9).await;
        common::check_in(app.db(), st, mate, room).await;
        let spare = common::room(app.db(), st, "810", 1).await;
        let test = stays::tests(app.db(), stay).await.unwrap()[0].id;
        yizhan_store::station::sampling::sample(app.db(), &sys, test, "R-808").await.unwrap();
        let positive = yizhan_core::station::sampling::TestResult::Positive;
        yizhan_store::station::sampling::set_result(app.db(), &sys, test, positive).await.unwrap();
        app.user("lead", Role::StationLead, Scope::Station(st), false).await;
        let backend = format!("{:?}", app.db().backend()).to_lowercase();

        viewport(&d, 375, 812, true).await?;
        sign_in(&d, &base, "lead").await?;
        d.goto(format!("{base}/guests/{g}")).await?;
        d.find(By::Css("[data-testid=case-link]")).await?.click().await?;
        let steps = wait_contains(&d, "[data-testid=case-steps]", "上报指挥部").await?;
        assert!(steps.contains("闭环转运") && steps.contains("待完成"), "{steps}");
        d.find(By::Css("[data-testid=step-report] summary")).await?.click().await?;
        fill(&d, "[data-testid=form-report] input[name=reported_to]", "区指挥部 张科长").await?;
        d.find(By::Css("[data-testid=save-report]")).await?.click().await?;
        let report = wait_contains(&d, "[data-testid=step-report]", "已完成").await?;
        assert!(report.contains("张科长"), "{report}");

        // The roommate on the exposure list: an extension without its reason and days is
        // refused naming both; then a test every day to release.
        let box_ = "[data-testid=measure-guest-box]";
        d.find(By::Css(format!("{box_} summary"))).await?.click().await?;
        no_sideways_scroll(&d, 375, "a case with a measure form open").await?;
        d.screenshot(&shots_dir().join(format!("case-measure-375-{backend}.png"))).await?;
        d.find(By::Css(format!("{box_} option[value=extend]"))).await?.click().await?;
        d.find(By::Css(format!("{box_} button[type=submit]"))).await?.click().await?;
        let refused = wait_contains(&d, "[data-testid=form-error]", "天数").await?;
        assert!(refused.contains("原因") || refused.contains("备注"), "{refused}");
        d.find(By::Css(format!("{box_} summary"))).await?.click().await?;
        d.find(By::Css(format!("{box_} option[value=test_daily]"))).await?.click().await?;
        d.find(By::Css(format!("{box_} button[type=submit]"))).await?.click().await?;
        let done = wait_contains(&d, "[data-testid=measures]", "已处置").await?;
        assert!(done.contains("每日检测至解除"), "{done}");
        no_sideways_scroll(&d, 375, "a case").await?;
        d.screenshot(&shots_dir().join(format!("case-375-{backend}.png"))).await?;

        // The closed-loop transfer, the terminal disinfection, then the unsealing: refused
        // while the roommate is still in the room, done once they are moved out.
        d.find(By::Css("[data-testid=step-transfer] summary")).await?.click().await?;
        for (field, value) in [
            ("vehicle", "120 负压救护车"),
            ("escort", "医疗组 王医生"),
            ("hospital", "市第三人民医院"),
            ("receiver", "发热门诊 李护士"),
        ] {
            fill(&d, &format!("[data-testid=form-transfer] input[name={field}]"), value).await?;
        }
        let handover = yizhan_core::time::local_format(yizhan_store::db::now(), "%Y-%m-%dT%H:%M");
        let set = format!(
            "document.querySelector('[data-testid=form-transfer] input[name=handover_at]').value = '{handover}';"
        );
        d.execute(&set, vec![]).await?;
        d.find(By::Css("[data-testid=save-transfer]")).await?.click().await?;
        let transfer = wait_contains(&d, "[data-testid=step-transfer]", "已完成").await?;
        assert!(transfer.contains("市第三人民医院"), "{transfer}");
        d.find(By::Css("[data-testid=step-disinfect] summary")).await?.click().await?;
        d.find(By::Css("[data-testid=save-disinfect]")).await?.click().await?;
        wait_contains(&d, "[data-testid=step-disinfect]", "已完成").await?;
        d.find(By::Css("[data-testid=step-unseal] summary")).await?.click().await?;
        d.find(By::Css("[data-testid=save-unseal]")).await?.click().await?;
        wait_contains(&d, "[data-testid=form-error]", "须先转运").await?;
        let box_ = "[data-testid=measure-guest-box]";
        d.find(By::Css(format!("{box_} summary"))).await?.click().await?;
        d.find(By::Css(format!("{box_} option[value=move_room]"))).await?.click().await?;
        d.find(By::Css(format!("{box_} select[name=room_id] option[value='{spare}']")))
            .await?
            .click()
            .await?;
        d.find(By::Css(format!("{box_} button[type=submit]"))).await?.click().await?;
        wait_contains(&d, "[data-testid=measures]", "调换房间").await?;
        d.find(By::Css("[data-testid=step-unseal] summary")).await?.click().await?;
        d.find(By::Css("[data-testid=save-unseal]")).await?.click().await?;
        wait_contains(&d, "[data-testid=step-unseal]", "已完成").await?;
        assert_eq!(text_of(&d, "h1 .badge").await?, "已完成", "the case closed");
        d.goto(format!("{base}/rooms/{room}")).await?;
        let room_page = text_of(&d, "main").await?;
        assert!(room_page.contains("待终末消毒") && room_page.contains("阳性处置解封"), "{room_page}");

        d.goto(format!("{base}/cases")).await?;
        no_sideways_scroll(&d, 375, "the cases").await?;
        d.screenshot(&shots_dir().join(format!("cases-375-{backend}.png"))).await?;
        viewport(&d, 1920, 1080, false).await?;
        d.goto(format!("{base}/guests/{g}")).await?;
        no_sideways_scroll(&d, 1920, "the guest with a case").await?;
        d.screenshot(&shots_dir().join(format!("guest-case-1920-{backend}.png"))).await?;
        let case = yizhan_store::station::cases::of_stay(app.db(), stay).await.unwrap().unwrap();
        d.goto(format!("{base}/cases/{}", case.id)).await?;
        // Closed: the record of every step and measure, and no form left.
        let measures = text_of(&d, "[data-testid=exposed]").await?;
        assert!(measures.contains("调换房间") && measures.contains("810"), "{measures}");
        assert!(d.find_all(By::Css("[data-testid=measure-guest-box]")).await?.is_empty());
        no_sideways_scroll(&d, 1920, "a closed case").await?;
        d.screenshot(&shots_dir().join(format!("case-closed-1920-{backend}.png"))).await?;
        d.goto(format!("{base}/cases")).await?;
        let list = text_of(&d, "main").await?;
        assert!(list.contains("已完成") && list.contains("808"), "{list}");
        no_sideways_scroll(&d, 1920, "the cases").await?;
        d.screenshot(&shots_dir().join(format!("cases-1920-{backend}.png"))).await?;
        Ok(())
    })
    .await;
});

both_backends!(a_medical_officer_escalates_a_fever_on_a_phone, |t: TestDb| async move {
    with_browser(t, "a_medical_officer_escalates_a_fever_on_a_phone", |d, base, app| async move {
        let (_, _, st, _) = district(app.db()).await;
        let room = common::room(app.db(), st, "505", 1).await;
        let g = common::guest(app.db(), st, 5).await;
        let stay = common::check_in(app.db(), st, g, room).await;
        let alert = common::fever_now(app.db(), stay).await.unwrap();
        app.user("doc", Role::Medical, Scope::Station(st), false).await;
        let backend = format!("{:?}", app.db().backend()).to_lowercase();

        viewport(&d, 375, 812, true).await?;
        sign_in(&d, &base, "doc").await?;
        d.goto(format!("{base}/alerts/{alert}")).await?;
        let button = d.find(By::Css("[data-testid=alert-escalate]")).await?;
        let class = button.attr("class").await?.unwrap_or_default();
        assert!(class.contains("danger"), "looks like what it does: {class}");
        no_sideways_scroll(&d, 375, "a fever alert with its escalation").await?;
        d.screenshot(&shots_dir().join(format!("alert-escalate-375-{backend}.png"))).await?;
        d.execute("window.confirm = function () { return true; };", vec![]).await?;
        button.click().await?;
        let reason = wait_contains(&d, "[data-testid=case-reason]", "疑似").await?;
        assert_eq!(reason, "疑似（发热升级）");
        let steps = text_of(&d, "[data-testid=case-steps]").await?;
        assert!(steps.contains("上报指挥部") && steps.contains("待完成"), "{steps}");
        no_sideways_scroll(&d, 375, "a suspected case").await?;

        viewport(&d, 1920, 1080, false).await?;
        d.goto(format!("{base}/alerts/{alert}")).await?;
        wait_contains(&d, "[data-testid=alert-case]", "阳性处置").await?;
        assert!(d.find_all(By::Css("[data-testid=alert-escalate]")).await?.is_empty());
        no_sideways_scroll(&d, 1920, "a fever alert with its case").await?;
        d.screenshot(&shots_dir().join(format!("alert-case-1920-{backend}.png"))).await?;
        Ok(())
    })
    .await;
});
