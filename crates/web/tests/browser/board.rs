//! The wall boards fit the TV (issue 17 items 4 and 5): one 1920×1080 canvas scaled to
//! 1366×768, 1920×1080 and 3840×2160 — nothing scrolls, every panel inside the screen. The
//! station's: the zero-KPIs on top, 240 rooms on one screen, text of 24 px or more at 1080p, and
//! a check-in, a fever and a positive each appearing without a reload. The district's: totals and
//! return to work on top, the neediest stations first (as many as fit, then how many more).

use crate::browser_support::*;
use crate::common;
use crate::release::fever_now;

use common::district;
use thirtyfour::prelude::*;
use yizhan_core::access::{Actor, Role, Scope};
use yizhan_core::station::sampling::TestResult;
use yizhan_store::both_backends;
use yizhan_store::station::{rooms, sampling, stays};
use yizhan_store::testing::TestDb;

/// What the test reads of the board at once: (scroll width, scroll height, the panels that
/// leave the screen, the smallest text of the lists in CSS px of the canvas).
const MEASURE: &str = r#"
const d = document.documentElement;
const out = [];
document.querySelectorAll('[data-panel]').forEach(p => {
  const r = p.getBoundingClientRect();
  if (r.left < -1 || r.top < -1 || r.right > innerWidth + 1 || r.bottom > innerHeight + 1)
    out.push(p.getAttribute('data-panel') + ' ' + JSON.stringify(r));
});
document.querySelectorAll('body.fit .feed').forEach(list => {
  const bottom = list.getBoundingClientRect().bottom;
  [...list.children].filter(li => !li.hidden).forEach(li => {
    if (li.getBoundingClientRect().bottom > bottom + 1) out.push('a line cut in ' + list.id);
  });
});
document.querySelectorAll('body.fit .figure').forEach(f => {
  const p = f.closest('[data-panel]');
  if (!p) return;
  const a = f.getBoundingClientRect(), b = p.getBoundingClientRect();
  if (a.bottom > b.bottom + 1 || a.right > b.right + 1) out.push('a figure cut in ' + p.getAttribute('data-panel'));
});
let smallest = 999;
document.querySelectorAll('.feed li, .kpi span, .figure span').forEach(e => {
  smallest = Math.min(smallest, parseFloat(getComputedStyle(e).fontSize));
});
return [d.scrollWidth, d.scrollHeight, out.join('; '), smallest];
"#;

/// A new screen size; the board refits on the resize, given a moment.
async fn refit(d: &WebDriver, w: u32, h: u32, mobile: bool) -> WebDriverResult<()> {
    viewport(d, w, h, mobile).await?;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    Ok(())
}

/// At `w`×`h` nothing scrolls and every panel is inside the screen; the measures, and a
/// screenshot under `shot`.
async fn fits(
    d: &WebDriver,
    w: u32,
    h: u32,
    shot: &str,
) -> WebDriverResult<(i64, i64, String, f64)> {
    refit(d, w, h, false).await?;
    d.screenshot(&shots_dir().join(format!("{shot}.png"))).await?;
    let m: (i64, i64, String, f64) = d.execute(MEASURE, vec![]).await?.convert()?;
    assert!(m.0 <= i64::from(w) && m.1 <= i64::from(h), "{w}×{h}: scrolls, {m:?}");
    assert!(m.2.is_empty(), "{w}×{h}: panels off the screen: {}", m.2);
    Ok(m)
}

both_backends!(the_station_board_fits_every_screen, |t: TestDb| async move {
    with_browser(t, "the_station_board_fits_every_screen", |d, base, app| async move {
        let (_, _, st, _) = district(app.db()).await;
        let sys = Actor::system();
        // A 240-room hotel: floors 3 to 14, twenty rooms each.
        let inputs: Vec<_> = (3..=14)
            .flat_map(|floor| (1..=20).map(move |n| (floor, n)))
            .map(|(floor, n)| {
                yizhan_core::station::room::validate_room(&yizhan_core::station::room::RoomInput {
                    number: format!("{floor}{n:02}"),
                    floor: floor.to_string(),
                    beds: "1".into(),
                    kind: "single".into(),
                    note: String::new(),
                })
                .unwrap()
            })
            .collect();
        let ids = rooms::create_many(app.db(), &sys, st, &inputs).await.unwrap();
        let mut in_stay = Vec::new();
        for (n, room) in ids.iter().take(12).enumerate() {
            let g = common::guest(app.db(), st, n as u32 + 1).await;
            in_stay.push(common::check_in(app.db(), st, g, *room).await);
        }
        app.user("lead", Role::StationLead, Scope::Station(st), false).await;
        let backend = format!("{:?}", app.db().backend()).to_lowercase();
        viewport(&d, 1920, 1080, false).await?;
        sign_in(&d, &base, "lead").await?;
        d.goto(format!("{base}/board/{st}")).await?;
        wait_text(&d, "[data-testid=f-occupancy]", "12/240").await?;

        for (w, h) in [(1366u32, 768u32), (1920, 1080), (3840, 2160)] {
            let m = fits(&d, w, h, &format!("board-fit-{w}x{h}-{backend}")).await?;
            // Sizes are those of the 1080p canvas, whatever the scale it is shown at.
            assert!(m.3 >= 20.0, "{w}×{h}: text of {}px", m.3);
            let kpis = text_of(&d, "[data-testid=board-kpis]").await?;
            for word in ["感染", "劝返", "取消豁免", "事故", "投诉"] {
                assert!(kpis.contains(word), "{word} missing from the KPIs: {kpis}");
            }
            // Every room is drawn inside the screen.
            let outside: i64 = d
                .execute(
                    "return [...document.querySelectorAll('.board-room')].filter(e => { \
                     const r = e.getBoundingClientRect(); \
                     return r.width < 8 || r.bottom > innerHeight || r.right > innerWidth; }).length",
                    vec![],
                )
                .await?
                .convert()?;
            assert_eq!(outside, 0, "{w}×{h}: rooms cut off or too small");
        }
        // The lists' text is 24 px at 1080p, where a person reads it from 5 m.
        refit(&d, 1920, 1080, false).await?;
        let feed: f64 = d
            .execute(
                "return parseFloat(getComputedStyle(document.querySelector('#feed li')).fontSize)",
                vec![],
            )
            .await?
            .convert()?;
        assert!(feed >= 24.0, "the feed's text is {feed}px");

        // Live: a check-in, a fever and a positive, each without a reload.
        d.execute("window.__notReloaded = true;", vec![]).await?;
        let g = common::guest(app.db(), st, 40).await;
        common::check_in(app.db(), st, g, ids[100]).await;
        wait_text(&d, "[data-testid=f-occupancy]", "13/240").await?;
        let feed = text_of(&d, "[data-testid=board-feed]").await?;
        assert!(feed.contains("入住"), "{feed}");
        fever_now(app.db(), in_stay[1]).await;
        // One selector for the room, its alert and its colour: the board redraws at each change,
        // so an element found first and read after may already be replaced.
        d.query(By::Css("[data-room='302'][data-alert='fever'].alert-danger"))
            .wait(std::time::Duration::from_secs(10), std::time::Duration::from_millis(100))
            .first()
            .await?;
        let test = stays::tests(app.db(), in_stay[2]).await.unwrap()[0].id;
        sampling::sample(app.db(), &sys, test, "R-POS-1").await.unwrap();
        sampling::set_results(app.db(), &sys, &[(test, TestResult::Positive)]).await.unwrap();
        d.query(By::Css("[data-room='303'][data-alert='positive'].alert-positive"))
            .wait(std::time::Duration::from_secs(10), std::time::Duration::from_millis(100))
            .first()
            .await?;
        let attention = text_of(&d, "[data-testid=board-attention]").await?;
        assert!(attention.contains("303") && attention.contains("阳性"), "{attention}");
        let kept =
            d.execute("return window.__notReloaded === true", vec![]).await?.json().as_bool();
        assert_eq!(kept, Some(true), "no reload happened");
        let m: (i64, i64, String, f64) = d.execute(MEASURE, vec![]).await?.convert()?;
        assert!(m.1 <= 1080 && m.2.is_empty(), "after the alerts: {m:?}");
        d.screenshot(&shots_dir().join(format!("board-fit-alerts-{backend}.png"))).await?;
        // A phone gets the flowing page, nothing wider than the screen.
        refit(&d, 375, 812, true).await?;
        no_sideways_scroll(&d, 375, "the station board on a phone").await?;
        d.screenshot(&shots_dir().join(format!("board-375-{backend}.png"))).await?;
        Ok(())
    })
    .await;
});

/// A returning worker of `enterprise` at `status`; `n` makes the ID number.
async fn worker(app: &common::App, enterprise: i64, n: u32, status: &str) {
    let id =
        yizhan_core::validate::id_card::with_check_digit(&format!("53060219900101{n:03}")).unwrap();
    let w = yizhan_core::work::returning_worker::validate_worker(
        &yizhan_core::work::returning_worker::WorkerInput {
            name: format!("返岗{n}"),
            id_number: id,
            phone: "13800138000".into(),
            province: "云南".into(),
            city: "昭通".into(),
            enterprise_id: enterprise.to_string(),
            transport: "train".into(),
            status: status.into(),
            arrival_date: yizhan_core::time::local_date(yizhan_store::db::now()).to_string(),
            ..Default::default()
        },
        yizhan_core::time::local_date(yizhan_store::db::now()),
    )
    .unwrap();
    yizhan_store::work::returning_workers::create(app.db(), &Actor::system(), &w).await.unwrap();
}

both_backends!(the_district_board_fits_every_screen, |t: TestDb| async move {
    with_browser(t, "the_district_board_fits_every_screen", |d, base, app| async move {
        let (street_a, street_b, st_a, st_b) = district(app.db()).await;
        let sys = Actor::system();
        // Thirty stations more than a screen's rows, all calm.
        for n in 1..=30 {
            yizhan_store::station::stations::create(
                app.db(),
                &sys,
                &yizhan_core::station::stations::NewStation {
                    street_id: if n % 2 == 0 { street_a } else { street_b },
                    name: format!("第{n:02}健康驿站"),
                    address: "深圳市龙岗区".into(),
                    kind: yizhan_core::station::stations::StationKind::Hotel,
                    capacity: 100,
                    contact_name: "联系人".into(),
                    contact_phone: "13800138000".into(),
                    active: true,
                },
            )
            .await
            .unwrap();
        }
        // Station B has a fever; station A a positive: A first, then B.
        let feverish = crate::release::stay_since(app.db(), st_b, "601", 1, 2).await;
        fever_now(app.db(), feverish).await;
        let positive = crate::release::stay_since(app.db(), st_a, "501", 2, 2).await;
        let test = stays::tests(app.db(), positive).await.unwrap()[0].id;
        sampling::sample(app.db(), &sys, test, "R-POS-2").await.unwrap();
        sampling::set_results(app.db(), &sys, &[(test, TestResult::Positive)]).await.unwrap();
        // Two enterprises of four resumed; five workers, two arrived, one at work.
        for n in 1..=4u32 {
            let uscc = yizhan_core::validate::uscc::with_check_char(&format!("91440300000000{n:03}"))
                .unwrap();
            let e = yizhan_core::work::enterprise::validate_enterprise(
                &yizhan_core::work::enterprise::EnterpriseInput {
                    uscc,
                    name: format!("企业{n}"),
                    street_id: street_a.to_string(),
                    industry: "manufacturing".into(),
                    headcount: "100".into(),
                    contact_name: "王经理".into(),
                    contact_phone: "13800138000".into(),
                    resumption: if n <= 2 { "resumed" } else { "not_started" }.into(),
                    applied_on: if n <= 2 { "2026-01-02" } else { "" }.into(),
                    approved_on: if n <= 2 { "2026-01-03" } else { "" }.into(),
                    resumed_on: if n <= 2 { "2026-01-04" } else { "" }.into(),
                    ..Default::default()
                },
                yizhan_core::time::local_date(yizhan_store::db::now()),
            )
            .unwrap();
            let id = yizhan_store::work::enterprises::create(app.db(), &sys, &e).await.unwrap();
            if n == 1 {
                for (k, status) in
                    ["registered", "booked", "arrived", "arrived", "at_work"].iter().enumerate()
                {
                    worker(&app, id, k as u32 + 1, status).await;
                }
            }
        }
        app.user("zhihui", Role::Commander, Scope::District, false).await;
        let backend = format!("{:?}", app.db().backend()).to_lowercase();
        viewport(&d, 1920, 1080, false).await?;
        sign_in(&d, &base, "zhihui").await?;
        d.goto(format!("{base}/board/district")).await?;
        wait_contains(&d, "[data-testid=district-work]", "50.0%").await?;
        let work = text_of(&d, "[data-testid=district-work]").await?;
        assert!(work.contains("2/4") && work.contains("/5"), "{work}");
        // The neediest first: the positive, then the fever; the calm ones after.
        // Read in one script: the board redraws on every change, and rows found in one call
        // may be gone by the next (a stale element).
        let first: Vec<String> = js(
            &d,
            "return [...document.querySelectorAll('#body tr')].slice(0, 2).map(r => r.dataset.station);",
            vec![],
        )
        .await?;
        assert_eq!(first, [st_a.to_string(), st_b.to_string()]);

        for (w, h) in [(1366u32, 768u32), (1920, 1080), (3840, 2160)] {
            fits(&d, w, h, &format!("district-fit-{w}x{h}-{backend}")).await?;
            // As many stations as fit, and how many more.
            let more = text_of(&d, "[data-testid=district-more]").await?;
            assert!(more.starts_with("另有 "), "{w}×{h}: {more}");
            let shown: i64 = d
                .execute(
                    "return [...document.querySelectorAll('#body tr')].filter(r => !r.hidden).length",
                    vec![],
                )
                .await?
                .convert()?;
            assert!(more.contains(&format!("另有 {} 个", 32 - shown)), "{shown} shown, {more}");
            assert!(shown >= 10, "{w}×{h}: only {shown} stations shown");
        }
        // Live: a check-in at a calm station shows in the totals without a reload.
        viewport(&d, 1920, 1080, false).await?;
        d.execute("window.__notReloaded = true;", vec![]).await?;
        let before = text_of(&d, "[data-total=in_stay] b").await?;
        assert_eq!(before, "2");
        crate::release::stay_since(app.db(), st_b, "602", 3, 0).await;
        wait_text(&d, "[data-total=in_stay] b", "3").await?;
        let kept =
            d.execute("return window.__notReloaded === true", vec![]).await?.json().as_bool();
        assert_eq!(kept, Some(true));
        refit(&d, 375, 812, true).await?;
        no_sideways_scroll(&d, 375, "the district board on a phone").await?;
        d.screenshot(&shots_dir().join(format!("district-375-{backend}.png"))).await?;
        Ok(())
    })
    .await;
});
