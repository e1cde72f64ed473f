//! An alert nobody acknowledges climbs the seed's medical chain (issue 18), walked in Chromium:
//! the test moves the clock (the escalation and the dispatcher take `now`), never sleeps on it.
//! And the bell: a fever counts in the header and pops up without a reload.

use crate::browser_support::*;
use crate::common::{self, district, duty_chain};

use chrono::Duration;
use thirtyfour::prelude::*;
use yizhan_core::access::{Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::notify::escalation;
use yizhan_store::testing::TestDb;
use yizhan_web::notify::{dispatch, send};

/// The browser tests' sealing key (browser_support::with_browser).
const KEY: [u8; 32] = [5; 32];

both_backends!(
    an_unacknowledged_fever_climbs_the_chain_until_the_command_acknowledges,
    |t: TestDb| async move {
        with_browser(
            t,
            "an_unacknowledged_fever_climbs_the_chain_until_the_command_acknowledges",
            |d, base, app| async move {
                let (street, _, st, _) = district(app.db()).await;
                let chain = duty_chain(app.db(), st).await;
                let [got_own, got_street, got_district] =
                    common::robots(app.db(), &KEY, street, st).await;
                app.user("nurse", Role::Medical, Scope::Station(st), false).await;
                app.user("commander", Role::Commander, Scope::District, false).await;
                let backend = format!("{:?}", app.db().backend()).to_lowercase();
                let client = send::client();

                // 03:00 — a fever on the round.
                let room = common::room(app.db(), st, "502", 1).await;
                let guest = common::guest(app.db(), st, 1).await;
                let stay = common::check_in(app.db(), st, guest, room).await;
                let alert = common::fever_now(app.db(), stay).await.unwrap();
                let t0 = yizhan_store::db::now();
                let step = |minutes: i64| {
                    let state = app.state.clone();
                    let client = client.clone();
                    async move {
                        let at = t0 + Duration::minutes(minutes);
                        escalation::escalate_due(&state.db, at, 50).await.unwrap();
                        dispatch::once(&state, &client, "node-1", at).await.unwrap();
                    }
                };
                step(0).await;
                assert_eq!(got_own.lock().unwrap().len(), 1);

                // The nurse finds it from the navigation: not acknowledged, in danger's colour.
                viewport(&d, 375, 812, true).await?;
                sign_in(&d, &base, "nurse").await?;
                d.find(By::Css("[data-testid=nav-toggle-label]")).await?.click().await?;
                d.find(By::LinkText("重点关注")).await?.click().await?;
                wait_url(&d, &format!("/stations/{st}/attention")).await?;
                wait_contains(&d, "[data-testid=alerts-table]", "待确认").await?;
                d.find(By::Css(format!("[data-testid=alert-link-{alert}]"))).await?.click().await?;
                wait_url(&d, &format!("/alerts/{alert}")).await?;
                wait_contains(&d, "[data-testid=alert-state]", "待确认").await?;
                let class =
                    d.find(By::Css("[data-testid=alert-state]")).await?.attr("class").await?;
                assert!(class.unwrap_or_default().contains("tone-danger"));
                wait_contains(&d, "[data-testid=alert-owner]", "医疗组当班人员").await?;
                wait_contains(&d, "[data-testid=alert-timeline]", "预警产生，通知医疗组当班人员")
                    .await?;
                wait_contains(&d, "[data-testid=alert-timeline]", "已送达").await?;
                wait_contains(&d, "[data-testid=alert-next]", "医疗组组长").await?;

                // Nobody acts. 10 minutes: the group's leader; 30: the station lead; 60: the street
                // and the district command. Each level is on the timeline with whom it reached.
                step(10).await;
                step(30).await;
                d.refresh().await?;
                wait_contains(&d, "[data-testid=alert-timeline]", "第 1 级上报医疗组组长（医生0）")
                    .await?;
                wait_contains(
                    &d,
                    "[data-testid=alert-timeline]",
                    "第 2 级上报驿站指挥长（指挥长李强）",
                )
                .await?;
                no_sideways_scroll(&d, 375, "the alert's timeline").await?;
                d.screenshot(&shots_dir().join(format!("alert-375-{backend}.png"))).await?;
                assert!(got_street.lock().unwrap().is_empty(), "the street hears only at 60 min");
                step(60).await;
                d.refresh().await?;
                wait_contains(
                    &d,
                    "[data-testid=alert-timeline]",
                    "第 3 级上报街道指挥部、区指挥部",
                )
                .await?;
                let own_at: Vec<serde_json::Value> = got_own
                    .lock()
                    .unwrap()
                    .iter()
                    .map(|(_, _, b)| b["text"]["mentioned_mobile_list"].clone())
                    .collect();
                assert_eq!(own_at.len(), 3, "raised, leader, lead in the station's group");
                assert_eq!(own_at[1], serde_json::json!([chain.medical_phones[0]]));
                assert_eq!(own_at[2], serde_json::json!([chain.command_phone]));
                assert_eq!(got_street.lock().unwrap().len(), 1);

                // The district commander opens the link in the district group's message and
                // acknowledges: the escalation stops there.
                let text = got_district.lock().unwrap()[0].2["text"]["content"]
                    .as_str()
                    .unwrap()
                    .to_owned();
                assert!(text.starts_with("【升级·第3级：60 分钟无人确认】"), "{text}");
                let link = text.lines().last().unwrap().to_owned();
                assert_eq!(link, format!("/alerts/{alert}"));
                viewport(&d, 1920, 1080, false).await?;
                d.delete_all_cookies().await?;
                sign_in(&d, &base, "commander").await?;
                d.goto(format!("{base}{link}")).await?;
                d.find(By::Css("[data-testid=alert-acknowledge]")).await?.click().await?;
                wait_contains(&d, "[data-testid=toast-saved]", "已保存").await?;
                wait_contains(&d, "[data-testid=alert-state]", "已知悉").await?;
                wait_contains(&d, "[data-testid=alert-acked]", "commander").await?;
                wait_contains(&d, "[data-testid=alert-timeline]", "commander 已知悉，停止上报")
                    .await?;
                assert!(d.find_all(By::Css("[data-testid=alert-next]")).await?.is_empty());
                no_sideways_scroll(&d, 1920, "the alert's timeline").await?;
                d.screenshot(&shots_dir().join(format!("alert-1920-{backend}.png"))).await?;
                step(120).await;
                assert_eq!(got_own.lock().unwrap().len(), 3, "nothing after the acknowledgement");

                // The rules it followed, from the navigation, in words.
                d.find(By::LinkText("预警上报规则")).await?.click().await?;
                wait_url(&d, &format!("/stations/{st}/escalation")).await?;
                let rules = text_of(&d, "[data-testid=escalation-other]").await?;
                assert!(rules.contains("立即") && rules.contains("60 分钟后"), "{rules}");
                no_sideways_scroll(&d, 1920, "the escalation rules").await?;
                d.screenshot(&shots_dir().join(format!("escalation-1920-{backend}.png"))).await?;
                viewport(&d, 375, 812, true).await?;
                d.refresh().await?;
                wait_contains(&d, "[data-testid=escalation-positive]", "立即").await?;
                no_sideways_scroll(&d, 375, "the escalation rules").await?;
                d.screenshot(&shots_dir().join(format!("escalation-375-{backend}.png"))).await?;
                Ok(())
            },
        )
        .await;
    }
);

both_backends!(the_bell_rings_for_a_fever_without_a_reload, |t: TestDb| async move {
    with_browser(t, "the_bell_rings_for_a_fever_without_a_reload", |d, base, app| async move {
        let (_, _, st, _) = district(app.db()).await;
        app.user("nurse", Role::Medical, Scope::Station(st), false).await;
        let backend = format!("{:?}", app.db().backend()).to_lowercase();
        let room = common::room(app.db(), st, "502", 1).await;
        let guest = common::guest(app.db(), st, 1).await;
        let stay = common::check_in(app.db(), st, guest, room).await;

        for (w, h, mobile) in [(375u32, 812u32, true), (1920, 1080, false)] {
            viewport(&d, w, h, mobile).await?;
            d.delete_all_cookies().await?;
            sign_in(&d, &base, "nurse").await?;
            // The nurse allowed desktop notifications (the browser's own, recorded here).
            let _: Option<bool> = js(
                &d,
                "window.shown = []; window.Notification = function (t, o) { window.shown.push(t + ' ' + o.body); };
                 window.Notification.permission = 'granted'; return null;",
                vec![],
            )
            .await?;
            assert!(d.find(By::Css("[data-testid=inbox-count]")).await?.text().await?.is_empty());
            // The bell has learnt where it stands: what comes now is new to it.
            d.query(By::Css("[data-testid=inbox-link][data-ready]")).first().await?;
            if w == 375 {
                common::fever_now(app.db(), stay).await.unwrap();
            } else {
                common::test_positive(app.db(), stay, "BC0001").await;
            }
            // Live: the bell counts it (what was read before does not count), and the danger
            // pops up, without a reload.
            wait_contains(&d, "[data-testid=inbox-count]", "1").await?;
            let shown: Vec<String> = js(&d, "return window.shown;", vec![]).await?;
            assert_eq!(shown.len(), 1, "{shown:?}");
            assert!(shown[0].contains("卓汇健康驿站 502"), "{shown:?}");
            assert!(!shown[0].contains("陈大文"), "no name in a pop-up");
            d.find(By::Css("[data-testid=inbox-link]")).await?.click().await?;
            wait_url(&d, "/inbox").await?;
            wait_contains(&d, "[data-testid=inbox-list]", "未读").await?;
            no_sideways_scroll(&d, w, "the notification centre").await?;
            d.screenshot(&shots_dir().join(format!("inbox-{w}-{backend}.png"))).await?;
            d.find(By::Css("[data-testid=inbox-read]")).await?.click().await?;
            wait_contains(&d, "[data-testid=toast-saved]", "已保存").await?;
            assert!(d.find_all(By::Css("[data-testid=inbox-unread]")).await?.is_empty());
            assert!(!d.find(By::Css("[data-testid=inbox-count]")).await?.is_displayed().await?);
            // Her own settings, from the centre: quiet at night, danger still pops up.
            d.find(By::Css("[data-testid=inbox-settings]")).await?.click().await?;
            wait_url(&d, "/account/notifications").await?;
            let set_time = "arguments[0].value = arguments[1];";
            let from = d.find(By::Css("[data-testid=s-quiet-from]")).await?;
            d.execute(set_time, vec![from.to_json()?, serde_json::json!("22:00")]).await?;
            let to = d.find(By::Css("[data-testid=s-quiet-to]")).await?;
            d.execute(set_time, vec![to.to_json()?, serde_json::json!("07:00")]).await?;
            d.find(By::Css("[data-testid=settings-save]")).await?.click().await?;
            wait_contains(&d, "[data-testid=toast-saved]", "已保存").await?;
            let kept = d.find(By::Css("[data-testid=s-quiet-from]")).await?.value().await?;
            assert_eq!(kept.as_deref(), Some("22:00"));
            no_sideways_scroll(&d, w, "the notification settings").await?;
            d.screenshot(&shots_dir().join(format!("inbox-settings-{w}-{backend}.png"))).await?;
        }
        Ok(())
    })
    .await;
});
