//! Release that can happen (issue 16 item 4): the 待解除 list with what blocks each stay and one
//! button when nothing does, the certificate on one A4 page with the holder's full name and
//! document, and the public check showing the check-in date.

use crate::browser_support::*;
use crate::common;

use chrono::Duration as Days;
use common::district;
use thirtyfour::prelude::*;
use yizhan_core::access::{Actor, Role, Scope};
use yizhan_core::station::sampling::TestResult;
use yizhan_store::both_backends;
use yizhan_store::db::Db;
use yizhan_store::station::{policies, sampling, stays};
use yizhan_store::testing::TestDb;

/// A guest checked in `days_ago` days ago under 14+7, every test due before today sampled and
/// negative.
pub(crate) async fn stay_since(db: &Db, st: i64, room: &str, n: u32, days_ago: i64) -> i64 {
    let sys = Actor::system();
    let room = common::room(db, st, room, 1).await;
    let guest = common::guest(db, st, n).await;
    let p147 = policies::list(db).await.unwrap().into_iter().find(|p| p.code == "14+7").unwrap();
    let at = yizhan_store::db::now() - Days::days(days_ago);
    let stay = stays::check_in(
        db,
        &sys,
        &stays::CheckIn { station_id: st, guest_id: guest, room_id: room, policy_id: p147.id, at },
    )
    .await
    .unwrap();
    let today = yizhan_core::time::local_date(yizhan_store::db::now());
    let mut results = Vec::new();
    for t in stays::tests(db, stay.id).await.unwrap().into_iter().filter(|t| t.due_date < today) {
        sampling::sample(db, &sys, t.id, &format!("R-{}", t.id)).await.unwrap();
        results.push((t.id, TestResult::Negative));
    }
    sampling::set_results(db, &sys, &results).await.unwrap();
    stay.id
}

pub(crate) use crate::common::fever_now;

both_backends!(a_medical_officer_releases_from_the_list, |t: TestDb| async move {
    with_browser(t, "a_medical_officer_releases_from_the_list", |d, base, app| async move {
        let (_, _, st, _) = district(app.db()).await;
        stay_since(app.db(), st, "501", 1, 14).await; // due today, free to go
        let feverish = stay_since(app.db(), st, "502", 2, 14).await; // due today, a fever
        stay_since(app.db(), st, "503", 3, 13).await; // due tomorrow, today's test to come
        stay_since(app.db(), st, "504", 4, 5).await; // not due
        let check = yizhan_core::station::health::validate_health_check(
            &yizhan_core::station::health::HealthCheckInput {
                temperature: "38.1".into(),
                ..Default::default()
            },
        )
        .unwrap();
        let today = yizhan_core::time::local_date(yizhan_store::db::now());
        yizhan_store::station::health::record(
            app.db(),
            &Actor::system(),
            feverish,
            today,
            yizhan_core::station::health::Slot::Am,
            &check,
        )
        .await
        .unwrap();
        app.user("doctor", Role::Medical, Scope::Station(st), false).await;
        let backend = format!("{:?}", app.db().backend()).to_lowercase();

        viewport(&d, 375, 812, true).await?;
        sign_in(&d, &base, "doctor").await?;
        // One tap from home.
        d.find(By::Css("[data-testid=nav-toggle-label], .nav-toggle-label")).await?.click().await?;
        d.find(By::LinkText("待解除")).await?.click().await?;
        wait_url(&d, &format!("/stations/{st}/releases")).await?;
        let summary = text_of(&d, "[data-testid=releases-summary]").await?;
        assert!(summary.contains("3") && summary.contains("可解除 1"), "{summary}");
        let row = |room: &str| format!("[data-testid=due-{room}]");
        let free = text_of(&d, &row("501")).await?;
        assert!(free.contains("今天") && free.contains("可以解除"), "{free}");
        let held = text_of(&d, &row("502")).await?;
        assert!(held.contains("还有 1 条未关闭的异常提醒"), "{held}");
        assert!(d.find(By::Css("[data-testid=release-502]")).await.is_err());
        let tomorrow = text_of(&d, &row("503")).await?;
        assert!(
            tomorrow.contains("明天") && tomorrow.contains("还有 1 次核酸未出阴性结果"),
            "{tomorrow}"
        );
        assert!(d.find(By::Css(row("504"))).await.is_err(), "not due: not listed");
        // Two guests of the same masked name are told apart by room and document tail.
        assert!(free.contains("尾号 0001"), "{free}");
        no_sideways_scroll(&d, 375, "the release list").await?;
        d.screenshot(&shots_dir().join(format!("releases-375-{backend}.png"))).await?;

        // One button, and the certificate is at hand in today's releases.
        d.find(By::Css("[data-testid=release-501]")).await?.click().await?;
        d.query(By::Css("[data-testid=certificate-501]"))
            .wait(std::time::Duration::from_secs(5), std::time::Duration::from_millis(50))
            .first()
            .await?
            .click()
            .await?;
        let body = text_of(&d, "[data-testid=certificate-body]").await?;
        assert!(body.contains("陈大文1") && body.contains("H10000001"), "{body}");
        assert!(body.contains("卓汇健康驿站") || body.contains("驿站"), "{body}");
        assert!(text_of(&d, "[data-testid=certificate-seal]").await?.contains("（盖章）"));
        let issued = text_of(&d, "[data-testid=certificate-issued]").await?;
        assert!(issued.ends_with('日'), "{issued}");
        no_sideways_scroll(&d, 375, "the certificate").await?;
        d.screenshot(&shots_dir().join(format!("certificate-375-{backend}.png"))).await?;
        // Printed: one A4 page (21.0 × 29.7 cm).
        let pdf = print_a4(&d, false).await?;
        std::fs::write(shots_dir().join(format!("certificate-{backend}.pdf")), &pdf).unwrap();
        let pages = pdf_pages(&pdf);
        assert_eq!(pages, 1, "the certificate prints on one page");

        viewport(&d, 1920, 1080, false).await?;
        no_sideways_scroll(&d, 1920, "the certificate").await?;
        d.screenshot(&shots_dir().join(format!("certificate-1920-{backend}.png"))).await?;
        d.goto(format!("{base}/stations/{st}/releases")).await?;
        let released = text_of(&d, "[data-testid=released-table]").await?;
        assert!(released.contains("501"), "{released}");
        assert!(d.find(By::Css(row("501"))).await.is_err(), "released: off the due list");
        no_sideways_scroll(&d, 1920, "the release list").await?;
        d.screenshot(&shots_dir().join(format!("releases-1920-{backend}.png"))).await?;
        Ok(())
    })
    .await;
});
