//! The station board fits the TV (issue 17 item 4): one 1920×1080 canvas scaled to 1366×768,
//! 1920×1080 and 3840×2160 — nothing scrolls, every panel inside the screen, the zero-KPIs on
//! top, 240 rooms on one screen, text of 24 px or more at 1080p — and a check-in, a fever and a
//! positive result each appear without a reload.

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
let smallest = 999;
document.querySelectorAll('.feed li, .kpi span, .figure span').forEach(e => {
  smallest = Math.min(smallest, parseFloat(getComputedStyle(e).fontSize));
});
return [d.scrollWidth, d.scrollHeight, out.join('; '), smallest];
"#;

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
            viewport(&d, w, h, false).await?;
            // The board refits on resize; give it a frame.
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            d.screenshot(&shots_dir().join(format!("board-fit-{w}x{h}-{backend}.png"))).await?;
            let m: (i64, i64, String, f64) = d.execute(MEASURE, vec![]).await?.convert()?;
            assert!(m.0 <= i64::from(w) && m.1 <= i64::from(h), "{w}×{h}: scrolls, {m:?}");
            assert!(m.2.is_empty(), "{w}×{h}: panels off the screen: {}", m.2);
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
        viewport(&d, 1920, 1080, false).await?;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
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
        let fever = d
            .query(By::Css("[data-room='302'][data-alert]"))
            .wait(std::time::Duration::from_secs(10), std::time::Duration::from_millis(100))
            .first()
            .await?;
        assert_eq!(fever.attr("data-alert").await?.as_deref(), Some("fever"));
        assert!(fever.attr("class").await?.unwrap_or_default().contains("alert-danger"));
        let test = stays::tests(app.db(), in_stay[2]).await.unwrap()[0].id;
        sampling::sample(app.db(), &sys, test, "R-POS-1").await.unwrap();
        sampling::set_results(app.db(), &sys, &[(test, TestResult::Positive)]).await.unwrap();
        let positive = d
            .query(By::Css("[data-room='303'][data-alert='positive']"))
            .wait(std::time::Duration::from_secs(10), std::time::Duration::from_millis(100))
            .first()
            .await?;
        assert!(positive.attr("class").await?.unwrap_or_default().contains("alert-positive"));
        let attention = text_of(&d, "[data-testid=board-attention]").await?;
        assert!(attention.contains("303") && attention.contains("阳性"), "{attention}");
        let kept =
            d.execute("return window.__notReloaded === true", vec![]).await?.json().as_bool();
        assert_eq!(kept, Some(true), "no reload happened");
        let m: (i64, i64, String, f64) = d.execute(MEASURE, vec![]).await?.convert()?;
        assert!(m.1 <= 1080 && m.2.is_empty(), "after the alerts: {m:?}");
        d.screenshot(&shots_dir().join(format!("board-fit-alerts-{backend}.png"))).await?;
        Ok(())
    })
    .await;
});
