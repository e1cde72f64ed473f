//! Browser tests in headless Chromium (Debian's chromium + chromium-driver), against the real
//! server on a real port. Screenshots go to target/screenshots/ (always; on failure too).

use crate::browser_support;
use crate::common;

use std::time::Duration;

use browser_support::*;
use common::{PASSWORD, district};
use thirtyfour::prelude::*;
use yizhan_core::access::{Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

both_backends!(login_language_station_logout, |t: TestDb| async move {
    with_browser(t, "login_language_station_logout", |d, base, app| async move {
        district(app.db()).await;
        app.user("admin", Role::Admin, Scope::District, false).await;
        let backend = format!("{:?}", app.db().backend()).to_lowercase();

        // A wrong password shows the clear message and keeps the user name.
        d.goto(format!("{base}/login")).await?;
        wait_text(&d, "h1", "登录").await?;
        fill(&d, "[data-testid=username]", "admin").await?;
        fill(&d, "[data-testid=password]", "not my password").await?;
        d.find(By::Css("[data-testid=login-submit]")).await?.click().await?;
        wait_text(&d, "[data-testid=login-error]", "用户名或密码错误。").await?;
        assert_eq!(
            d.find(By::Css("[data-testid=username]")).await?.value().await?.as_deref(),
            Some("admin")
        );
        d.screenshot(&shots_dir().join(format!("login-error-{backend}.png"))).await?;

        // The right password lands on the home page.
        fill(&d, "[data-testid=password]", PASSWORD).await?;
        d.find(By::Css("[data-testid=login-submit]")).await?.click().await?;
        wait_text(&d, "[data-testid=home-title]", "工作台").await?;

        // English and back.
        d.find(By::Css("[data-testid=lang-switch]")).await?.click().await?;
        wait_text(&d, "[data-testid=home-title]", "Workspace").await?;
        wait_text(&d, "[data-testid=logout]", "Log out").await?;
        d.find(By::Css("[data-testid=lang-switch]")).await?.click().await?;
        wait_text(&d, "[data-testid=home-title]", "工作台").await?;

        // Create a station through the form and find it in the list.
        d.find(By::LinkText("驿站")).await?.click().await?;
        d.find(By::Css("[data-testid=station-new]")).await?.click().await?;
        fill(&d, "[data-testid=f-name]", "布吉健康驿站").await?;
        fill(&d, "[data-testid=f-address]", "深圳市龙岗区布吉街道").await?;
        fill(&d, "[data-testid=f-capacity]", "88").await?;
        fill(&d, "[data-testid=f-contact-name]", "郭主任").await?;
        // A bad phone first: the form says which field and keeps what was typed.
        fill(&d, "[data-testid=f-contact-phone]", "12345").await?;
        d.find(By::Css("[data-testid=station-save]")).await?.click().await?;
        let err = text_of(&d, "[data-testid=form-error]").await?; // a new element: query waits for it
        assert!(err.starts_with("联系电话："), "{err}");
        assert_eq!(
            d.find(By::Css("[data-testid=f-name]")).await?.value().await?.as_deref(),
            Some("布吉健康驿站")
        );
        fill(&d, "[data-testid=f-contact-phone]", "13800138009").await?;
        d.find(By::Css("[data-testid=station-save]")).await?.click().await?;
        wait_text(&d, "[data-testid=station-name]", "布吉健康驿站").await?;
        d.goto(format!("{base}/stations")).await?;
        let table = text_of(&d, "[data-testid=stations-table]").await?;
        assert!(table.contains("布吉健康驿站") && table.contains("88"), "{table}");

        // Look at it: desktop 1080p and a 375 px phone.
        viewport(&d, 1920, 1080, false).await?;
        d.screenshot(&shots_dir().join(format!("stations-1080p-{backend}.png"))).await?;
        viewport(&d, 375, 812, true).await?;
        d.goto(format!("{base}/stations")).await?;
        d.screenshot(&shots_dir().join(format!("stations-375-{backend}.png"))).await?;
        // No sideways scrolling on a phone.
        let overflow = d
            .execute("return document.documentElement.scrollWidth", vec![])
            .await?
            .json()
            .as_i64()
            .unwrap_or(0);
        assert!(overflow <= 375, "page is {overflow}px wide at 375px");
        d.goto(format!("{base}/stations/new")).await?;
        d.screenshot(&shots_dir().join(format!("station-form-375-{backend}.png"))).await?;
        // The room grid of a station with 40 rooms in mixed states.
        let st = yizhan_store::station::stations::list(app.db()).await.unwrap()[0].id;
        for n in 0..40 {
            let id =
                common::room(app.db(), st, &format!("{}{:02}", 3 + n / 20, n % 20 + 1), 2).await;
            let to = match n % 7 {
                1 => Some(yizhan_core::station::room::RoomState::Maintenance),
                2 => Some(yizhan_core::station::room::RoomState::Sealed),
                _ => None,
            };
            if let Some(to) = to {
                yizhan_store::station::rooms::set_state(
                    app.db(),
                    &yizhan_core::access::Actor::system(),
                    id,
                    to,
                    Some("演示"),
                )
                .await
                .unwrap();
            }
        }
        d.goto(format!("{base}/stations/{st}/rooms")).await?;
        d.screenshot(&shots_dir().join(format!("rooms-375-{backend}.png"))).await?;
        viewport(&d, 1920, 1080, false).await?;
        d.goto(format!("{base}/stations/{st}/rooms")).await?;
        d.screenshot(&shots_dir().join(format!("rooms-1080p-{backend}.png"))).await?;
        // A system's account with a live and a revoked token: its page on a phone and a desk.
        let system = app.service_account("province", Role::Viewer, Scope::District).await;
        app.api_token(system, "省平台生产环境", "yz_a").await;
        let old = app.api_token(system, "旧令牌（已停用）", "yz_b").await;
        let actor = yizhan_core::access::Actor::system();
        yizhan_store::admin::api_tokens::revoke(app.db(), &actor, system, old).await.unwrap();
        // …and a change hook whose receiver has been failing.
        use yizhan_store::admin::event_hooks;
        event_hooks::set(app.db(), &actor, system, "v1:sealed", "v1:sealed").await.unwrap();
        let retry = yizhan_store::db::now() + chrono::Duration::minutes(10);
        event_hooks::failed(app.db(), system, "the receiver answered 503", retry).await.unwrap();
        let system_page = format!("admin/users/{system}");
        viewport(&d, 1920, 1080, false).await?;
        d.goto(format!("{base}/{system_page}")).await?;
        no_sideways_scroll(&d, 1920, "a system account").await?;
        let state = d.find(By::Css("[data-testid=hook-state]")).await?;
        assert!(state.class_name().await?.unwrap_or_default().contains("tone-danger"));
        assert_eq!(state.text().await?, "推送失败");
        let hook_in_view = "document.querySelector('[data-testid=event-hook]').scrollIntoView()";
        d.execute(hook_in_view, vec![]).await?;
        d.screenshot(&shots_dir().join(format!("service-account-hook-1920-{backend}.png"))).await?;
        d.screenshot(&shots_dir().join(format!("service-account-1920-{backend}.png"))).await?;
        viewport(&d, 375, 812, true).await?;
        for page in ["admin/users", "admin/audit", "", &system_page] {
            d.goto(format!("{base}/{page}")).await?;
            let name = match page {
                "" => "home",
                p if p == system_page => "service-account",
                p => p.trim_start_matches("admin/"),
            };
            d.screenshot(&shots_dir().join(format!("{name}-375-{backend}.png"))).await?;
            no_sideways_scroll(&d, 375, page).await?;
            if page == system_page {
                d.execute(hook_in_view, vec![]).await?;
                d.screenshot(&shots_dir().join(format!("{name}-hook-375-{backend}.png"))).await?;
            }
        }
        // The API's document, from the accounts page: Swagger UI draws every operation under the
        // page's own CSP, and "Try it out" answers as the signed-in administrator.
        viewport(&d, 1920, 1080, false).await?;
        d.goto(format!("{base}/admin/users")).await?;
        d.find(By::Css("[data-testid=users-api-docs]")).await?.click().await?;
        wait_url(&d, "/api/docs").await?;
        let operations = app
            .routes
            .iter()
            .filter(|r| r.path.starts_with("/api/v1/") && r.method != "HEAD")
            .count() as i64;
        let mut drawn = 0;
        for _ in 0..100 {
            drawn = js(&d, "return document.querySelectorAll('.opblock').length;", vec![]).await?;
            if drawn == operations {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(drawn, operations, "every operation drawn");
        let open_streets = "for (const b of document.querySelectorAll('.opblock-get')) {
            if (b.querySelector('.opblock-summary-path').textContent.trim() === '/api/v1/streets') {
                b.querySelector('.opblock-summary-control').click(); return true; } } return false;";
        assert!(js::<bool>(&d, open_streets, vec![]).await?);
        d.find(By::Css(".opblock.is-open .try-out__btn")).await?.click().await?;
        d.find(By::Css(".opblock.is-open .execute")).await?.click().await?;
        wait_text(&d, ".opblock.is-open .live-responses-table tbody .response-col_status", "200").await?;
        no_sideways_scroll(&d, 1920, "the API's document").await?;
        d.screenshot(&shots_dir().join(format!("api-docs-tried-1920-{backend}.png"))).await?;
        d.execute("window.scrollTo(0, 0)", vec![]).await?;
        d.screenshot(&shots_dir().join(format!("api-docs-1920-{backend}.png"))).await?;
        viewport(&d, 375, 812, true).await?;
        no_sideways_scroll(&d, 375, "the API's document").await?;
        d.screenshot(&shots_dir().join(format!("api-docs-375-{backend}.png"))).await?;

        // The audit log on a desk: its search, the page of 50 and the link to older entries.
        viewport(&d, 1920, 1080, false).await?;
        d.goto(format!("{base}/admin/audit")).await?;
        assert!(d.find(By::Css("[data-testid=audit-search]")).await?.is_displayed().await?);
        no_sideways_scroll(&d, 1920, "the audit log").await?;
        d.screenshot(&shots_dir().join(format!("audit-1920-{backend}.png"))).await?;
        viewport(&d, 1280, 900, false).await?;

        // Log out: back at the login page, and the home page needs a login again.
        d.goto(format!("{base}/")).await?;
        d.find(By::Css("[data-testid=logout]")).await?.click().await?;
        wait_url(&d, "/login").await?;
        d.goto(format!("{base}/stations")).await?;
        assert!(wait_url(&d, "/login?next=%2Fstations").await?.contains("/login"));
        Ok(())
    })
    .await;
});

both_backends!(staff_registers_checks_in_and_moves_a_guest, |t: TestDb| async move {
    with_browser(t, "staff_registers_checks_in_and_moves_a_guest", |d, base, app| async move {
        let (_, _, st_a, _) = district(app.db()).await;
        common::room(app.db(), st_a, "301", 1).await;
        common::room(app.db(), st_a, "302", 2).await;
        app.user("staff", Role::StationStaff, Scope::Station(st_a), false).await;
        let backend = format!("{:?}", app.db().backend()).to_lowercase();
        viewport(&d, 375, 812, true).await?;
        sign_in(&d, &base, "staff").await?;
        // Register a cross-border driver on a phone.
        d.goto(format!("{base}/stations/{st_a}/guests/new")).await?;
        d.find(By::Css("[data-testid=f-doc-type] option[value=hk_macau_permit]")).await?.click().await?;
        fill(&d, "[data-testid=f-doc-number]", "h12345678").await?;
        fill(&d, "[data-testid=f-name]", "陈大文").await?;
        fill(&d, "[data-testid=f-phone]", "+852 9123 4567").await?;
        fill(&d, "[data-testid=f-region]", "香港").await?;
        fill(&d, "[data-testid=f-employer]", "港深物流").await?;
        // Forgot the birth date and sex: the form says which field.
        d.find(By::Css("[data-testid=guest-save]")).await?.click().await?;
        let err = text_of(&d, "[data-testid=form-error]").await?;
        assert!(err.contains("性别") || err.contains("出生日期"), "{err}");
        d.execute("document.querySelector('select[name=sex]').value='male'; document.querySelector('input[name=birth_date]').value='1980-05-06';", vec![]).await?;
        fill(&d, "[data-testid=f-plate-cn]", "粤ZAB12港").await?;
        d.find(By::Css("[data-testid=guest-save]")).await?.click().await?;
        wait_text(&d, "[data-testid=guest-name]", "陈*文").await?;
        let doc = text_of(&d, "[data-testid=doc-number]").await?;
        assert!(doc.contains('*') && !doc.contains("12345678"), "masked: {doc}");
        d.screenshot(&shots_dir().join(format!("guest-375-{backend}.png"))).await?;
        // Check in to 301 (the driver policy is preselected for drivers).
        d.find(By::Css("[data-testid=checkin-save]")).await?.click().await?;
        let stay = text_of(&d, "[data-testid=current-stay]").await?;
        assert!(stay.contains("301") && stay.contains("每日一检"), "{stay}");
        // The room grid shows 301 occupied.
        d.goto(format!("{base}/stations/{st_a}/rooms")).await?;
        let state = d.find(By::Css("[data-testid=room-301]")).await?.attr("data-state").await?;
        assert_eq!(state.as_deref(), Some("occupied"));
        // Reveal shows the full number once.
        d.back().await?;
        d.find(By::Css("[data-testid=reveal]")).await?.click().await?;
        wait_text(&d, "[data-testid=doc-number]", "H12345678").await?;
        viewport(&d, 1920, 1080, false).await?;
        d.screenshot(&shots_dir().join(format!("guest-1080p-{backend}.png"))).await?;
        d.goto(format!("{base}/stations/{st_a}/guests")).await?;
        d.screenshot(&shots_dir().join(format!("guests-1080p-{backend}.png"))).await?;
        // The round, keyboard only: type, Enter, and the cursor is already in the next row.
        let g2 = common::guest(app.db(), st_a, 2).await;
        let r302 = yizhan_store::station::rooms::list(app.db(), st_a).await.unwrap().into_iter().find(|r| r.number == "302").unwrap().id;
        common::check_in(app.db(), st_a, g2, r302).await;
        viewport(&d, 375, 812, true).await?;
        d.goto(format!("{base}/stations/{st_a}/round")).await?;
        let first = d.find(By::Css("[data-testid=temp-301-1]")).await?;
        first.click().await?;
        first.send_keys("36.5\u{E007}").await?; // U+E007 is WebDriver's Enter key
        for _ in 0..100 {
            if d.find(By::Css("tr[data-stay] .ok-mark")).await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let saved = text_of(&d, "tr[data-stay] .ok-mark").await?;
        assert_eq!(saved, "✓ 36.5℃");
        let focused = d.execute("return document.activeElement.getAttribute('data-testid')", vec![]).await?.json().as_str().unwrap_or("").to_owned();
        assert_eq!(focused, "temp-302-1", "the next room takes the cursor");
        d.active_element().await?.send_keys("37.6\u{E007}").await?;
        // 37.6 is a fever: saved, and shown as one.
        let sign = wait_contains(&d, "tr[data-stay] .sign-mark", "37.6℃").await?;
        assert!(sign.contains("发热"), "{sign}");
        assert_eq!(d.find_all(By::Css(".ok-mark")).await?.len(), 1);
        d.screenshot(&shots_dir().join(format!("round-375-{backend}.png"))).await?;
        d.goto(format!("{base}/stations/{st_a}/attention")).await?;
        let list = text_of(&d, "[data-testid=attention-list]").await?;
        assert!(list.contains("302") && list.contains("发热"), "{list}");
        d.screenshot(&shots_dir().join(format!("attention-375-{backend}.png"))).await?;
        Ok(())

    })
    .await;
});

both_backends!(the_board_changes_live_without_reload, |t: TestDb| async move {
    with_browser(t, "the_board_changes_live_without_reload", |d, base, app| async move {
        let (_, _, st_a, _) = district(app.db()).await;
        for n in 1..=12 {
            common::room(app.db(), st_a, &format!("3{n:02}"), 1).await;
        }
        let backend = format!("{:?}", app.db().backend()).to_lowercase();
        let sys = yizhan_core::access::Actor::system();
        let token = "b".repeat(64);
        yizhan_store::station::board::create_token(app.db(), &sys, Some(st_a), "大厅", &token)
            .await
            .unwrap();
        viewport(&d, 1920, 1080, false).await?;
        d.goto(format!("{base}/board/{st_a}?token={token}")).await?;
        wait_text(&d, "[data-testid=f-checkins]", "0").await?;
        assert!(
            !d.current_url().await?.as_str().contains("token="),
            "the token left the address bar"
        );
        d.query(By::Css("#chart-occupancy[data-ready='1'] canvas"))
            .wait(Duration::from_secs(5), Duration::from_millis(50))
            .first()
            .await?;
        // A clerk checks a guest in through the API; the board changes with no reload.
        let staff = app.user("staff", Role::StationStaff, Scope::Station(st_a), false).await;
        let mut c = app.session_for(staff).await;
        let gid = common::guest(app.db(), st_a, 1).await;
        let room = yizhan_store::station::rooms::list(app.db(), st_a).await.unwrap()[0].id;
        let policy = yizhan_store::station::policies::list(app.db()).await.unwrap()[0].id;
        d.execute("window.__notReloaded = true;", vec![]).await?;
        let started = std::time::Instant::now();
        let r = app
            .json(
                &mut c,
                axum::http::Method::POST,
                &format!("/api/v1/guests/{gid}/check-in"),
                serde_json::json!({"room_id": room, "policy_id": policy}),
            )
            .await;
        assert_eq!(r.status, axum::http::StatusCode::CREATED);
        wait_text(&d, "[data-testid=f-checkins]", "1").await?;
        let seen = started.elapsed();
        eprintln!("board showed the check-in after {seen:?}");
        let state = d.find(By::Css("[data-room='301']")).await?.attr("data-state").await?;
        assert_eq!(state.as_deref(), Some("occupied"));
        let feed = text_of(&d, "[data-testid=board-feed]").await?;
        assert!(
            feed.contains("陈**1") && feed.contains("入住") && !feed.contains("H1000"),
            "{feed}"
        );
        let kept =
            d.execute("return window.__notReloaded === true", vec![]).await?.json().as_bool();
        assert_eq!(kept, Some(true), "no reload happened");
        d.screenshot(&shots_dir().join(format!("board-1080p-{backend}.png"))).await?;
        // A fever: the alert count goes up and the wall rings, once.
        let stay = r.json()["id"].as_i64().unwrap();
        common::fever_now(app.db(), stay).await.unwrap();
        wait_text(&d, "[data-testid=f-alerts]", "1").await?;
        let chimes = d.execute("return document.body.dataset.chimes || '0'", vec![]).await?;
        assert_eq!(chimes.json().as_str(), Some("1"), "one chime for one new alert");
        // Revoked: the TV says so.
        let id = yizhan_store::station::board::tokens(app.db(), st_a).await.unwrap()[0].id;
        yizhan_store::station::board::revoke_token(app.db(), &sys, id).await.unwrap();
        for _ in 0..100 {
            if d.find(By::Css("[data-testid=board-revoked]")).await?.is_displayed().await? {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(d.find(By::Css("[data-testid=board-revoked]")).await?.is_displayed().await?);
        assert_eq!(
            text_of(&d, "[data-testid=board-revoked]").await?,
            "大屏授权已撤销，请联系驿站负责人。"
        );
        Ok(())
    })
    .await;
});

both_backends!(medical_releases_a_guest_and_opens_the_certificate, |t: TestDb| async move {
    with_browser(
        t,
        "medical_releases_a_guest_and_opens_the_certificate",
        |d, base, app| async move {
            let (_, _, st_a, _) = district(app.db()).await;
            let room = common::room(app.db(), st_a, "501", 1).await;
            let gid = common::guest(app.db(), st_a, 5).await;
            let sys = yizhan_core::access::Actor::system();
            let p147 = yizhan_store::station::policies::list(app.db())
                .await
                .unwrap()
                .into_iter()
                .find(|p| p.code == "14+7")
                .unwrap()
                .id;
            let stay = yizhan_store::station::stays::check_in(
                app.db(),
                &sys,
                &yizhan_store::station::stays::CheckIn {
                    station_id: st_a,
                    guest_id: gid,
                    room_id: room,
                    policy_id: p147,
                    at: yizhan_store::db::now() - chrono::Duration::days(15),
                },
            )
            .await
            .unwrap();
            let mut results = Vec::new();
            for t in yizhan_store::station::stays::tests(app.db(), stay.id).await.unwrap() {
                yizhan_store::station::sampling::sample(
                    app.db(),
                    &sys,
                    t.id,
                    &format!("R-{}", t.id),
                )
                .await
                .unwrap();
                results.push((t.id, yizhan_core::station::sampling::TestResult::Negative));
            }
            yizhan_store::station::sampling::set_results(app.db(), &sys, &results).await.unwrap();
            app.user("doctor", Role::Medical, Scope::Station(st_a), false).await;
            let backend = format!("{:?}", app.db().backend()).to_lowercase();
            sign_in(&d, &base, "doctor").await?;
            d.goto(format!("{base}/guests/{gid}")).await?;
            d.find(By::Css("[data-testid=checkout-box] summary")).await?.click().await?;
            let options = d.find_all(By::Css("[data-testid=checkout-outcome] option")).await?;
            assert_eq!(options.len(), 1, "a medical user only releases");
            d.find(By::Css("[data-testid=checkout-save]")).await?.click().await?;
            d.query(By::Css("[data-testid=certificate-link]"))
                .wait(Duration::from_secs(5), Duration::from_millis(50))
                .first()
                .await?
                .click()
                .await?;
            let number = text_of(&d, "[data-testid=certificate-number]").await?;
            assert!(number.starts_with(&format!("S{st_a:03}-")), "{number}");
            assert!(
                d.find(By::Css("[data-testid=certificate] svg")).await.is_ok(),
                "QR code on the certificate"
            );
            d.screenshot(&shots_dir().join(format!("certificate-{backend}.png"))).await?;
            let cert = yizhan_store::station::stays::certificate_of(app.db(), stay.id)
                .await
                .unwrap()
                .unwrap();
            d.goto(format!("{base}/verify/{}?c={}", cert.number, cert.code)).await?;
            wait_text(&d, "[data-testid=verify-valid]", "该证明真实有效。").await?;
            Ok(())
        },
    )
    .await;
});

both_backends!(a_lead_generates_a_roster_and_sees_who_is_on_duty, |t: TestDb| async move {
    with_browser(
        t,
        "a_lead_generates_a_roster_and_sees_who_is_on_duty",
        |d, base, app| async move {
            let (_, _, st_a, _) = district(app.db()).await;
            let care = common::care_fixtures(app.db(), st_a, 0).await;
            // The fixture's group works three shifts of 8 h with one person a shift: the
            // rules need four people; it has one, so generation must say so first.
            app.user("lead", Role::StationLead, Scope::Station(st_a), false).await;
            let backend = format!("{:?}", app.db().backend()).to_lowercase();
            viewport(&d, 375, 812, true).await?;
            sign_in(&d, &base, "lead").await?;
            d.goto(format!("{base}/stations/{st_a}/roster")).await?;
            let generate = format!("[data-testid=generate-{}] button", care.group);
            d.find(By::Css(&generate)).await?.click().await?;
            let conflicts = text_of(&d, "[data-testid=roster-conflicts]").await?;
            assert!(conflicts.contains("至少需要 4 人"), "{conflicts}");
            // Three more people on the staff page, then the roster generates.
            for (name, phone) in
                [("李护士", "13900139001"), ("张医生", "13900139002"), ("赵护士", "13900139003")]
            {
                d.goto(format!("{base}/stations/{st_a}/staff")).await?;
                fill(&d, "[data-testid=s-name]", name).await?;
                fill(&d, "[data-testid=s-phone]", phone).await?;
                fill(&d, "[data-testid=s-org]", "区人民医院").await?;
                d.find(By::Css(format!("[data-testid=s-group] option[value='{}']", care.group)))
                    .await?
                    .click()
                    .await?;
                d.find(By::Css("[data-testid=staff-save]")).await?.click().await?;
                // The form posts to the page it is on: wait for the saved name in the list,
                // not for the address, or the next navigation races the answer.
                d.query(By::XPath(format!("//td[contains(text(), '{name}')]")))
                    .wait(Duration::from_secs(10), Duration::from_millis(50))
                    .first()
                    .await?;
            }
            // The group works on floors 3 to 5: said on the group's line.
            let edit = format!("[data-testid=group-edit-{}]", care.group);
            d.find(By::Css(format!("{edit} summary"))).await?.click().await?;
            fill(&d, &format!("{edit} [data-testid=group-floors-input]"), "3～5").await?;
            d.find(By::Css(format!("{edit} [data-testid=group-update]"))).await?.click().await?;
            let floors = wait_contains(&d, "[data-testid=group-floors]", "3-5").await?;
            assert_eq!(floors, "3-5");
            no_sideways_scroll(&d, 375, "the staff and groups").await?;
            d.screenshot(&shots_dir().join(format!("staff-groups-375-{backend}.png"))).await?;
            viewport(&d, 1920, 1080, false).await?;
            d.find(By::Css(format!("{edit} summary"))).await?.click().await?;
            no_sideways_scroll(&d, 1920, "the staff and groups").await?;
            d.screenshot(&shots_dir().join(format!("staff-groups-1920-{backend}.png"))).await?;
            viewport(&d, 375, 812, true).await?;
            d.goto(format!("{base}/stations/{st_a}/roster")).await?;
            d.find(By::Css(&generate)).await?.click().await?;
            let on_duty = text_of(&d, &format!("[data-testid=on-duty-{}]", care.group)).await?;
            let names = ["王医生", "李护士", "张医生", "赵护士"];
            assert!(names.contains(&on_duty.as_str()), "on duty: {on_duty:?}");
            d.screenshot(&shots_dir().join(format!("roster-phone-{backend}.png"))).await?;
            // The wall board shows the same person on duty.
            viewport(&d, 1920, 1080, false).await?;
            d.goto(format!("{base}/board/{st_a}")).await?;
            let board = text_of(&d, "[data-testid=board-on-duty]").await?;
            for _ in 0..50 {
                if d.find(By::Css("[data-testid=board-on-duty]"))
                    .await?
                    .text()
                    .await?
                    .contains(&on_duty)
                {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            let board2 = text_of(&d, "[data-testid=board-on-duty]").await?;
            assert!(board2.contains(&on_duty), "board on duty: {board:?} / {board2:?}");
            d.screenshot(&shots_dir().join(format!("board-on-duty-{backend}.png"))).await?;
            // Every staff-and-care page renders on a phone and on a desktop screen, with its
            // title, and without a page wider than the phone.
            for (path, title) in [
                ("disinfection", "消杀"),
                ("supplies", "物资"),
                ("meals", "送餐"),
                ("relatives", "亲友沟通"),
                ("staff-tests", "工作人员核酸"),
                ("plans", "应急预案"),
                ("incidents", "事故与投诉"),
                ("staff", "人员与工作组"),
            ] {
                for (w, h, mobile) in [(375, 812, true), (1920, 1080, false)] {
                    viewport(&d, w, h, mobile).await?;
                    d.goto(format!("{base}/stations/{st_a}/{path}")).await?;
                    let h1 = text_of(&d, "h1").await?;
                    assert!(h1.contains(title), "{path}: {h1}");
                    let width: i64 = d
                        .execute("return document.documentElement.scrollWidth;", vec![])
                        .await?
                        .convert()?;
                    assert!(width <= i64::from(w), "{path} is {width}px wide on a {w}px screen");
                    // A form's save button is a button, not a bar across the form.
                    if path == "supplies" && w == 1920 {
                        let form = d.find(By::Css("[data-testid=item-form]")).await?.rect().await?;
                        let button =
                            d.find(By::Css("[data-testid=item-form] button")).await?.rect().await?;
                        assert!(button.width < form.width / 3.0, "{button:?} in {form:?}");
                    }
                    d.screenshot(&shots_dir().join(format!("{path}-{w}-{backend}.png"))).await?;
                }
            }
            // The station sees its announced inspection, read-only, on a phone.
            viewport(&d, 375, 812, true).await?;
            d.goto(format!("{base}/inspections/{}", care.inspection)).await?;
            let head = text_of(&d, "[data-testid=inspection-head]").await?;
            assert!(head.contains("计划检查") && head.contains("待检查"), "{head}");
            d.screenshot(&shots_dir().join(format!("inspection-375-{backend}.png"))).await?;
            Ok(())
        },
    )
    .await;
});

// A fever looks like danger wherever its reading shows: red with its word in the round the
// moment it is saved (and a toast), on the guest's page, on the room's tile of the grid and of
// the wall board until the alert is closed; a positive test is stronger still, in its own colour.
both_backends!(a_fever_looks_like_danger_everywhere, |t: TestDb| async move {
    with_browser(t, "a_fever_looks_like_danger_everywhere", |d, base, app| async move {
        let (_, _, st, _) = district(app.db()).await;
        let r301 = common::room(app.db(), st, "301", 1).await;
        let r302 = common::room(app.db(), st, "302", 1).await;
        let g1 = common::guest(app.db(), st, 1).await;
        let g2 = common::guest(app.db(), st, 2).await;
        let s1 = common::check_in(app.db(), st, g1, r301).await;
        common::check_in(app.db(), st, g2, r302).await;
        app.user("nurse", Role::StationStaff, Scope::Station(st), false).await;
        let backend = format!("{:?}", app.db().backend()).to_lowercase();
        viewport(&d, 375, 812, true).await?;
        sign_in(&d, &base, "nurse").await?;
        // A page shown at an upload's address (its token in the query) drops the token from the
        // address bar.
        d.goto(format!("{base}/stations/{st}/round?_csrf=abc&floor=3")).await?;
        let url = d.current_url().await?;
        assert!(!url.as_str().contains("_csrf") && url.as_str().contains("floor=3"), "{url}");
        d.goto(format!("{base}/stations/{st}/round")).await?;
        let first = d.find(By::Css("[data-testid=temp-301-1]")).await?;
        first.click().await?;
        first.send_keys("36.5\u{E007}").await?;
        wait_text(&d, "tr[data-stay] .ok-mark", "✓ 36.5℃").await?;
        d.active_element().await?.send_keys("38.2\u{E007}").await?;
        let sign = wait_contains(&d, "tr[data-stay] .sign-mark", "38.2℃").await?;
        assert!(sign.contains("发热"), "{sign}");
        let class = d.find(By::Css("tr[data-stay] .sign-mark")).await?.attr("class").await?;
        assert!(class.unwrap_or_default().contains("tone-danger"));
        let toast = text_of(&d, "[data-testid=toast]").await?;
        assert!(
            toast.contains("302") && toast.contains("发热") && toast.contains("38.2℃"),
            "{toast}"
        );
        // The normal reading stays a tick, in green, without the danger colour.
        assert_eq!(d.find_all(By::Css(".ok-mark")).await?.len(), 1);
        no_sideways_scroll(&d, 375, "the round").await?;
        d.screenshot(&shots_dir().join(format!("round-fever-375-{backend}.png"))).await?;
        // The room grid: 302 lights up with its word, 301 does not.
        for (w, h, mobile) in [(375, 812, true), (1920, 1080, false)] {
            viewport(&d, w, h, mobile).await?;
            d.goto(format!("{base}/stations/{st}/rooms")).await?;
            let tile = d.find(By::Css("[data-testid=room-302]")).await?;
            assert_eq!(tile.attr("data-alert").await?.as_deref(), Some("fever"));
            assert!(tile.text().await?.contains("发热"));
            let calm = d.find(By::Css("[data-testid=room-301]")).await?;
            assert_eq!(calm.attr("data-alert").await?, None);
            no_sideways_scroll(&d, w, "the room grid").await?;
            d.screenshot(&shots_dir().join(format!("rooms-fever-{w}-{backend}.png"))).await?;
        }
        // The guest's page: the reading in red with its word, the open alert too.
        d.goto(format!("{base}/guests/{g2}")).await?;
        let sign = text_of(&d, "[data-testid=reading-sign]").await?;
        assert!(sign.contains("发热") && sign.contains("38.2℃"), "{sign}");
        let alert = text_of(&d, "[data-testid=guest-alert]").await?;
        assert!(alert.contains("发热"), "{alert}");
        d.screenshot(&shots_dir().join(format!("guest-fever-1920-{backend}.png"))).await?;
        // A positive test: the strongest signal, its own colour, on the grid and the board.
        let sys = yizhan_core::access::Actor::system();
        common::test_positive(app.db(), s1, "T-1").await;
        d.goto(format!("{base}/stations/{st}/rooms")).await?;
        let tile = d.find(By::Css("[data-testid=room-301]")).await?;
        assert_eq!(tile.attr("data-alert").await?.as_deref(), Some("positive"));
        assert!(tile.attr("class").await?.unwrap_or_default().contains("alert-positive"));
        assert!(tile.text().await?.contains("核酸阳性"));
        d.screenshot(&shots_dir().join(format!("rooms-positive-1920-{backend}.png"))).await?;
        // On the guest's calendar, the positive result in its own colour, with its sign.
        d.goto(format!("{base}/guests/{g1}")).await?;
        let result = d.find(By::Css("[data-testid=test-result]")).await?;
        assert_eq!(result.text().await?, "⚠ 阳性");
        assert!(result.attr("class").await?.unwrap_or_default().contains("tone-positive"));
        let token = "c".repeat(64);
        yizhan_store::station::board::create_token(app.db(), &sys, Some(st), "大厅", &token)
            .await
            .unwrap();
        d.goto(format!("{base}/board/{st}?token={token}")).await?;
        let fever = wait_contains(&d, "[data-room='302'][data-alert=fever]", "发热").await?;
        assert!(fever.contains("302"), "{fever}");
        wait_contains(&d, "[data-room='301'][data-alert=positive]", "核酸阳性").await?;
        no_sideways_scroll(&d, 1920, "the board").await?;
        d.screenshot(&shots_dir().join(format!("board-fever-1920-{backend}.png"))).await?;
        Ok(())
    })
    .await;
});

// Key attention that means attention: urgent (positive, fever …) apart from what is only watched
// (a person's flag, pending results …), urgent first, by severity then room number as a number
// (320 before 1001); counts on the station page and the board; no English in the Chinese page.
both_backends!(key_attention_splits_urgent_from_watch, |t: TestDb| async move {
    with_browser(t, "key_attention_splits_urgent_from_watch", |d, base, app| async move {
        use yizhan_core::station::health::{NewHealthCheck, Slot};
        let (_, _, st, _) = district(app.db()).await;
        let sys = yizhan_core::access::Actor::system();
        let mut stays = Vec::new();
        for (n, room) in [(1, "1001"), (2, "320"), (3, "1002"), (4, "101")] {
            let r = common::room(app.db(), st, room, 1).await;
            let g = common::guest(app.db(), st, n).await;
            stays.push(common::check_in(app.db(), st, g, r).await);
        }
        let today = yizhan_core::time::local_date(yizhan_store::db::now());
        let fever = NewHealthCheck {
            temperature: yizhan_core::validate::Tenths(381),
            symptoms: vec![],
            note: None,
        };
        for s in [stays[0], stays[1]] {
            yizhan_store::station::health::record(app.db(), &sys, s, today, Slot::Am, &fever)
                .await
                .unwrap();
        }
        common::test_positive(app.db(), stays[2], "T-9").await;
        yizhan_store::station::attention::flag(app.db(), &sys, stays[3], "情绪低落").await.unwrap();
        app.user("lead", Role::StationLead, Scope::Station(st), false).await;
        let backend = format!("{:?}", app.db().backend()).to_lowercase();
        for (w, h, mobile) in [(375, 812, true), (1920, 1080, false)] {
            viewport(&d, w, h, mobile).await?;
            if w == 375 {
                sign_in(&d, &base, "lead").await?;
            }
            d.goto(format!("{base}/stations/{st}/attention")).await?;
            assert_eq!(text_of(&d, "[data-testid=urgent-count]").await?, "3");
            assert_eq!(text_of(&d, "[data-testid=watch-count]").await?, "1");
            let rooms = |list: &'static str| {
                let d = d.clone();
                async move {
                    let mut out = Vec::new();
                    for li in d.find_all(By::Css(format!("[data-testid={list}] li"))).await? {
                        out.push(li.attr("data-room").await?.unwrap_or_default());
                    }
                    WebDriverResult::Ok(out)
                }
            };
            // The positive first (strongest), then the two fevers by room number as a number.
            assert_eq!(rooms("attention-list").await?, ["1002", "320", "1001"]);
            assert_eq!(rooms("watch-list").await?, ["101"]);
            let positive = d.find(By::Css("[data-room='1002'] .chip")).await?;
            assert!(positive.attr("class").await?.unwrap_or_default().contains("tone-positive"));
            let fever = d.find(By::Css("[data-room='320'] .chip")).await?;
            assert!(fever.attr("class").await?.unwrap_or_default().contains("tone-danger"));
            let page = d.find(By::Css("main")).await?.text().await?;
            assert!(!page.contains("nucleic acid"), "English in the Chinese page: {page}");
            no_sideways_scroll(&d, w, "key attention").await?;
            d.screenshot(&shots_dir().join(format!("attention-{w}-{backend}.png"))).await?;
        }
        // The station page says how many of each, and its beds as the grid counts them.
        for (w, h, mobile) in [(375, 812, true), (1920, 1080, false)] {
            viewport(&d, w, h, mobile).await?;
            d.goto(format!("{base}/stations/{st}")).await?;
            let button = text_of(&d, "[data-testid=station-attention]").await?;
            assert!(button.contains('3') && button.contains('1'), "{button}");
            let beds = text_of(&d, "[data-testid=station-beds]").await?;
            assert!(beds.contains("4/4") && beds.contains("可用 0"), "{beds}");
            no_sideways_scroll(&d, w, "the station page").await?;
            d.screenshot(&shots_dir().join(format!("station-{w}-{backend}.png"))).await?;
        }
        // The board: the counts, urgent guests first.
        let token = "d".repeat(64);
        yizhan_store::station::board::create_token(app.db(), &sys, Some(st), "大厅", &token)
            .await
            .unwrap();
        d.goto(format!("{base}/board/{st}?token={token}")).await?;
        wait_contains(&d, "[data-testid=board-attention-counts]", "紧急 3").await?;
        let counts = text_of(&d, "[data-testid=board-attention-counts]").await?;
        assert!(counts.contains("留意 1"), "{counts}");
        let first = text_of(&d, "[data-testid=board-attention] li").await?;
        assert!(first.contains("1002") && first.contains("核酸阳性"), "{first}");
        d.screenshot(&shots_dir().join(format!("board-attention-1920-{backend}.png"))).await?;
        Ok(())
    })
    .await;
});

// The round as a nurse does it: one tap from home (体温巡查 in the menu), 30 rooms by keyboard
// (type, Enter, the next room has the cursor), the counter moving with each saved row, a room
// number without a stray “-1”. The time the 30 rooms take is printed, not asserted.
both_backends!(a_nurse_does_the_round_of_thirty_rooms_by_keyboard, |t: TestDb| async move {
    with_browser(
        t,
        "a_nurse_does_the_round_of_thirty_rooms_by_keyboard",
        |d, base, app| async move {
            let (_, _, st, _) = district(app.db()).await;
            for n in 1..=30u32 {
                let r = common::room(app.db(), st, &format!("{}", 300 + n), 1).await;
                let g = common::guest(app.db(), st, n).await;
                common::check_in(app.db(), st, g, r).await;
            }
            app.user("nurse", Role::StationStaff, Scope::Station(st), false).await;
            let backend = format!("{:?}", app.db().backend()).to_lowercase();
            viewport(&d, 375, 812, true).await?;
            sign_in(&d, &base, "nurse").await?;
            // One tap from home: the menu, then 体温巡查.
            d.find(By::Css(".nav-toggle-label")).await?.click().await?;
            d.find(By::LinkText("体温巡查")).await?.click().await?;
            wait_url(&d, &format!("/stations/{st}/round")).await?;
            assert_eq!(text_of(&d, "[data-testid=round-progress]").await?, "已录 0/30");
            let table = text_of(&d, "[data-testid=round-table]").await?;
            assert!(!table.contains("-1"), "a stray bed number: {table}");
            let started = std::time::Instant::now();
            d.find(By::Css("[data-testid=temp-301-1]")).await?.click().await?;
            for n in 1..=30 {
                let t = if n == 17 { "38.0" } else { "36.6" };
                d.active_element().await?.send_keys(format!("{t}\u{E007}")).await?;
                // The next room takes the cursor once this one is saved.
                let want = if n < 30 { format!("temp-{}-1", 301 + n) } else { "temp-330-1".into() };
                for _ in 0..200 {
                    let focused = d
                        .execute(
                            "return document.activeElement.getAttribute('data-testid')",
                            vec![],
                        )
                        .await?
                        .json()
                        .as_str()
                        .unwrap_or("")
                        .to_owned();
                    let saved = d.find_all(By::Css(".ok-mark, .sign-mark")).await?.len();
                    if focused == want && saved == n {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
            let took = started.elapsed();
            eprintln!("round of 30 rooms by keyboard ({backend}): {:.1} s", took.as_secs_f64());
            assert_eq!(d.find_all(By::Css(".ok-mark")).await?.len(), 29);
            let fever = text_of(&d, "tr[data-stay] .sign-mark").await?;
            assert!(fever.contains("发热") && fever.contains("38.0℃"), "{fever}");
            wait_text(&d, "[data-testid=round-progress]", "已录 30/30").await?;
            no_sideways_scroll(&d, 375, "the round").await?;
            d.screenshot(&shots_dir().join(format!("round-30-375-{backend}.png"))).await?;
            viewport(&d, 1920, 1080, false).await?;
            d.goto(format!("{base}/stations/{st}/round")).await?;
            assert_eq!(text_of(&d, "[data-testid=round-progress]").await?, "已录 30/30");
            no_sideways_scroll(&d, 1920, "the round").await?;
            d.screenshot(&shots_dir().join(format!("round-30-1920-{backend}.png"))).await?;
            Ok(())
        },
    )
    .await;
});
