//! The room card walked on a 375 px phone (issue 20): staff print the card from the guest's
//! page; the guest opens its address (the QR code's), answers the last four of the document,
//! reports 38.0 ℃ with a cough, and is told the medical team will call; staff see the alert on
//! the round, marked 本人自报, and the room lit on the board. Nothing wider than the screen.

use crate::browser_support::*;
use crate::common;

use common::district;
use thirtyfour::prelude::*;
use yizhan_core::access::{Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

both_backends!(a_guest_reports_a_fever_from_the_room_card, |t: TestDb| async move {
    with_browser(t, "a_guest_reports_a_fever_from_the_room_card", |d, base, app| async move {
        let (_, _, a, _) = district(app.db()).await;
        let room = common::room(app.db(), a, "301", 1).await;
        let g = common::guest(app.db(), a, 7).await;
        let stay = common::check_in(app.db(), a, g, room).await;
        app.user("staff_a", Role::StationStaff, Scope::Station(a), false).await;
        let backend = format!("{:?}", app.db().backend()).to_lowercase();

        viewport(&d, 375, 812, true).await?;
        sign_in(&d, &base, "staff_a").await?;
        d.goto(format!("{base}/guests/{g}")).await?;
        d.find(By::Css("[data-testid=print-card]")).await?.click().await?;
        let url = text_of(&d, "[data-testid=card-url]").await?;
        assert!(url.contains("/g/"), "{url}");
        no_sideways_scroll(&d, 375, "the room card").await?;
        d.screenshot(&shots_dir().join(format!("room-card-375-{backend}.png"))).await?;

        // The guest's phone: no session, the QR code's address.
        d.delete_all_cookies().await?;
        d.goto(url.clone()).await?;
        wait_url(&d, "/g").await?;
        fill(&d, "[data-testid=last4]", "0007").await?;
        no_sideways_scroll(&d, 375, "the second factor").await?;
        d.find(By::Css("[data-testid=verify]")).await?.click().await?;
        wait_contains(&d, "[data-testid=guest-home] h1", "陈").await?;
        fill(&d, "[data-testid=guest-temperature]", "38.0").await?;
        d.find(By::Css("input[name=symptom][value=cough]")).await?.click().await?;
        d.find(By::Css("[data-testid=guest-report]")).await?.click().await?;
        let said = wait_contains(&d, "[data-testid=guest-said]", "医护人员").await?;
        assert!(said.starts_with('⚠'), "{said}");
        let class = d.find(By::Css("[data-testid=guest-said]")).await?.attr("class").await?;
        assert!(class.unwrap_or_default().contains("tone-danger"));
        no_sideways_scroll(&d, 375, "the guest's page").await?;
        d.screenshot(&shots_dir().join(format!("guest-page-375-{backend}.png"))).await?;
        // A medicine request.
        d.find(By::Css("[data-testid=guest-request-kind] option[value=medicine]")).await?.click().await?;
        fill(&d, "[data-testid=guest-request-text]", "降压药吃完了").await?;
        d.find(By::Css("[data-testid=guest-request-send]")).await?.click().await?;
        wait_contains(&d, "[data-testid=guest-requests]", "已收到").await?;

        // Staff see it on the round, beside their own (missing) reading, and on the board.
        d.delete_all_cookies().await?;
        sign_in(&d, &base, "staff_a").await?;
        d.goto(format!("{base}/stations/{a}/round")).await?;
        let own = wait_contains(&d, &format!("[data-testid=self-{stay}]"), "38.0").await?;
        assert!(own.contains("本人自报"), "{own}");
        // The alert it raised: danger, and marked self-reported, on a phone and a desk screen.
        let alert = yizhan_store::station::health::alerts_of_stay(app.db(), stay).await.unwrap()[0].id;
        d.goto(format!("{base}/alerts/{alert}")).await?;
        assert_eq!(text_of(&d, "[data-testid=alert-self]").await?, "本人自报");
        let kind = d.find(By::Css("[data-testid=alert-kind]")).await?.attr("class").await?;
        assert!(kind.unwrap_or_default().contains("tone-danger"));
        no_sideways_scroll(&d, 375, "the alert").await?;
        d.screenshot(&shots_dir().join(format!("alert-self-375-{backend}.png"))).await?;
        viewport(&d, 1920, 1080, false).await?;
        no_sideways_scroll(&d, 1920, "the alert").await?;
        d.screenshot(&shots_dir().join(format!("alert-self-1920-{backend}.png"))).await?;
        viewport(&d, 375, 812, true).await?;
        // The wall board counts the open request.
        d.goto(format!("{base}/board/{a}")).await?;
        wait_text(&d, "[data-testid=f-requests]", "1").await?;
        viewport(&d, 375, 812, true).await?;
        // The request, answered from the station's queue (reached from the station's page).
        d.goto(format!("{base}/stations/{a}")).await?;
        d.find(By::Css("[data-testid=station-requests]")).await?.click().await?;
        wait_url(&d, "/requests").await?;
        let req = yizhan_store::station::guest_requests::of_stay(app.db(), stay).await.unwrap()[0].id;
        fill(&d, &format!("[data-testid=request-answer-{req}]"), "已送到门口").await?;
        no_sideways_scroll(&d, 375, "the requests queue").await?;
        d.screenshot(&shots_dir().join(format!("requests-375-{backend}.png"))).await?;
        d.find(By::Css(format!("[data-testid=request-save-{req}]"))).await?.click().await?;
        wait_contains(&d, "[data-testid=requests-empty]", "没有").await?;
        d.goto(format!("{base}/board/{a}")).await?;
        wait_contains(&d, "body", "301").await?;
        wait_text(&d, "[data-testid=f-requests]", "0").await?;
        let lit: bool = d
            .execute(
                "return [...document.querySelectorAll('[class*=fever], [class*=alert]')].some(e => e.textContent.includes('301'));",
                vec![],
            )
            .await?
            .convert()?;
        assert!(lit, "room 301 lit on the board");
        // The guest, on their phone again, sees it done.
        d.delete_all_cookies().await?;
        d.goto(url.clone()).await?;
        fill(&d, "[data-testid=last4]", "0007").await?;
        d.find(By::Css("[data-testid=verify]")).await?.click().await?;
        let done = wait_contains(&d, "[data-testid=guest-requests]", "已办结").await?;
        assert!(done.contains("已送到门口"), "{done}");
        Ok(())
    })
    .await;
});

both_backends!(a_relative_books_a_delivery_from_the_link, |t: TestDb| async move {
    with_browser(t, "a_relative_books_a_delivery_from_the_link", |d, base, app| async move {
        let (_, _, a, _) = district(app.db()).await;
        let room = common::room(app.db(), a, "301", 1).await;
        let g = common::guest(app.db(), a, 7).await;
        let stay = common::check_in(app.db(), a, g, room).await;
        app.user("staff_a", Role::StationStaff, Scope::Station(a), false).await;
        let backend = format!("{:?}", app.db().backend()).to_lowercase();
        let card = "ef".repeat(32);
        let sys = yizhan_core::access::Actor::system();
        yizhan_store::station::guest_links::create(app.db(), &sys, stay, &card).await.unwrap();

        // The guest makes a link for a relative on their own page.
        viewport(&d, 375, 812, true).await?;
        d.goto(format!("{base}/g/{card}")).await?;
        fill(&d, "[data-testid=last4]", "0007").await?;
        d.find(By::Css("[data-testid=verify]")).await?.click().await?;
        wait_contains(&d, "[data-testid=guest-home] h1", "陈").await?;
        let make = d.find(By::Css("[data-testid=guest-relative-make]")).await?;
        make.scroll_into_view().await?;
        fill(&d, "[data-testid=guest-relative-name]", "陈太").await?;
        fill(&d, "[data-testid=guest-relative-relation]", "配偶").await?;
        make.click().await?;
        let url = text_of(&d, "[data-testid=relative-link-url]").await?;
        assert!(url.contains("/r/"), "{url}");
        no_sideways_scroll(&d, 375, "the relative's link, shown once").await?;
        d.screenshot(&shots_dir().join(format!("relative-link-375-{backend}.png"))).await?;

        // The relative's phone: the stay, then a delivery booked for this afternoon.
        d.delete_all_cookies().await?;
        d.goto(url.clone()).await?;
        wait_url(&d, "/r").await?;
        let status = text_of(&d, "[data-testid=relative-status]").await?;
        assert!(status.contains("隔离中"), "{status}");
        fill(&d, "[data-testid=relative-item]", "换洗衣物一袋").await?;
        d.find(By::Css("[data-testid=relative-window] option[value=pm]")).await?.click().await?;
        d.find(By::Css("[data-testid=relative-book]")).await?.click().await?;
        let booked = wait_contains(&d, "[data-testid=relative-bookings]", "已预约").await?;
        assert!(booked.contains("换洗衣物一袋") && booked.contains("下午"), "{booked}");
        no_sideways_scroll(&d, 375, "the relative's page").await?;
        d.screenshot(&shots_dir().join(format!("relative-page-375-{backend}.png"))).await?;

        // The gate: the station's delivery log lists the booking; received, it joins the log.
        d.delete_all_cookies().await?;
        sign_in(&d, &base, "staff_a").await?;
        d.goto(format!("{base}/stations/{a}/relatives")).await?;
        let b =
            yizhan_store::care::relative_links::bookings_waiting(app.db(), a).await.unwrap()[0].id;
        let row = text_of(&d, "[data-testid=bookings-table]").await?;
        assert!(row.contains("换洗衣物一袋") && row.contains("陈太（配偶）"), "{row}");
        no_sideways_scroll(&d, 375, "the bookings at the gate").await?;
        d.find(By::Css(format!("[data-testid=receive-booking-{b}]"))).await?.click().await?;
        let log = wait_contains(&d, "[data-testid=deliveries-table]", "换洗衣物一袋").await?;
        assert!(log.contains("已接收待消毒") && log.contains("陈太（配偶）"), "{log}");
        viewport(&d, 1920, 1080, false).await?;
        no_sideways_scroll(&d, 1920, "the delivery log").await?;
        d.screenshot(&shots_dir().join(format!("deliveries-1920-{backend}.png"))).await?;
        Ok(())
    })
    .await;
});

both_backends!(a_released_guest_keeps_the_certificate_from_the_card, |t: TestDb| async move {
    with_browser(
        t,
        "a_released_guest_keeps_the_certificate_from_the_card",
        |d, base, app| async move {
            let (_, _, a, _) = district(app.db()).await;
            let room = common::room(app.db(), a, "301", 1).await;
            let g = common::guest(app.db(), a, 7).await;
            let stay = common::check_in(app.db(), a, g, room).await;
            app.user("lead_a", Role::StationLead, Scope::Station(a), false).await;
            let backend = format!("{:?}", app.db().backend()).to_lowercase();
            let card = "ab".repeat(32);
            let sys = yizhan_core::access::Actor::system();
            yizhan_store::station::guest_links::create(app.db(), &sys, stay, &card).await.unwrap();

            // The lead writes the station's notice on the station page.
            viewport(&d, 375, 812, true).await?;
            sign_in(&d, &base, "lead_a").await?;
            d.goto(format!("{base}/stations/{a}")).await?;
            d.find(By::Css("[data-testid=guest-notice-box] summary")).await?.click().await?;
            let text = d.find(By::Css("[data-testid=guest-notice-text]")).await?;
            text.send_keys("早餐 7:30 · 午餐 11:30 · 晚餐 17:30").await?;
            text.send_keys(Key::Enter).await?;
            text.send_keys("前台 0755-12345678").await?;
            d.find(By::Css("[data-testid=guest-notice-form] button")).await?.click().await?;
            wait_url(&d, &format!("/stations/{a}")).await?;

            // Released: the guest's phone still opens the page, read only, with the certificate.
            yizhan_store::station::stays::check_out(
                app.db(),
                &sys,
                stay,
                yizhan_core::station::stay::Outcome::Released,
                None,
            )
            .await
            .unwrap();
            d.delete_all_cookies().await?;
            d.goto(format!("{base}/g/{card}")).await?;
            fill(&d, "[data-testid=last4]", "0007").await?;
            d.find(By::Css("[data-testid=verify]")).await?.click().await?;
            let notice = wait_contains(&d, "[data-testid=guest-notice]", "前台").await?;
            assert!(notice.contains("晚餐 17:30\n前台"), "the lines as written: {notice}");
            assert!(
                d.find(By::Css("[data-testid=guest-report]")).await.is_err(),
                "no more reports"
            );
            no_sideways_scroll(&d, 375, "the released guest's page").await?;
            d.screenshot(&shots_dir().join(format!("guest-released-375-{backend}.png"))).await?;
            d.find(By::Css("[data-testid=guest-certificate]")).await?.click().await?;
            let number = yizhan_store::station::stays::certificate_of(app.db(), stay)
                .await
                .unwrap()
                .unwrap()
                .number;
            wait_contains(&d, "main", &number).await?;
            no_sideways_scroll(&d, 375, "the certificate").await?;
            Ok(())
        },
    )
    .await;
});
