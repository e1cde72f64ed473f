//! The district command in headless Chromium at phone size: an inspector on site records a
//! failed item with a photo taken on the phone and orders its rectification; the station's
//! lead reports the fix with a photo of their own.

use crate::browser_support;
use crate::common;

use std::time::Duration;

use browser_support::*;
use common::district;
use thirtyfour::prelude::*;
use yizhan_core::access::{Actor, Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

/// A picture file as a phone would hand it over (a PNG here: what matters is a real image).
/// Each call writes its own file: the two backends' runs share this process, and a file
/// rewritten while the other browser reads it would arrive truncated.
fn photo_file(name: &str) -> std::path::PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let img = image::RgbImage::from_fn(1200, 900, |x, y| {
        image::Rgb([(x / 5 % 256) as u8, (y / 4 % 256) as u8, 120])
    });
    let path = std::env::temp_dir().join(format!("yizhan-{}-{n}-{name}", std::process::id()));
    img.save_with_format(&path, image::ImageFormat::Png).unwrap();
    path
}

/// Waits for an image to have loaded and returns its natural width (0 if it never did).
async fn loaded_width(d: &WebDriver, css: &str) -> WebDriverResult<i64> {
    for _ in 0..300 {
        let w: i64 = d
            .execute(
                &format!("var i = document.querySelector('{css}'); return i && i.complete ? i.naturalWidth : 0;"),
                vec![],
            )
            .await?
            .convert()?;
        if w > 0 {
            return Ok(w);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(0)
}

async fn page_width(d: &WebDriver) -> WebDriverResult<i64> {
    d.execute("return document.documentElement.scrollWidth;", vec![]).await?.convert()
}

both_backends!(an_inspection_on_a_phone_with_a_photo_and_a_rectification, |t: TestDb| async move {
    with_browser(
        t,
        "an_inspection_on_a_phone_with_a_photo_and_a_rectification",
        |d, base, app| async move {
            let (_, _, st_a, _) = district(app.db()).await;
            let sys = Actor::system();
            let checklist = yizhan_store::command::inspections::create_template(
                app.db(),
                &sys,
                &yizhan_core::command::inspection::validate_template(
                    &yizhan_core::command::inspection::TemplateInput {
                        name: "健康驿站督导检查表".into(),
                        items:
                            "消杀 | 终末消毒记录 | 每间退房后有记录\n台账 | 健康监测台账 | 每日两次"
                                .into(),
                    },
                )
                .unwrap(),
            )
            .await
            .unwrap();
            let id = yizhan_store::command::inspections::create(
                app.db(),
                &sys,
                &yizhan_core::command::inspection::NewInspection {
                    template_id: checklist,
                    unit: yizhan_core::command::inspection::Unit::Station(st_a),
                    kind: yizhan_core::command::inspection::InspectionKind::Unannounced,
                    planned_on: yizhan_core::time::local_date(yizhan_store::db::now()),
                    team: "区督导组 孙督导".into(),
                    inspector_street: None,
                },
            )
            .await
            .unwrap();
            app.user("ducha", Role::Inspector, Scope::District, false).await;
            app.user("lead", Role::StationLead, Scope::Station(st_a), false).await;
            let backend = format!("{:?}", app.db().backend()).to_lowercase();
            let shot = |n: &str| shots_dir().join(format!("{n}-375-{backend}.png"));

            viewport(&d, 375, 812, true).await?;
            sign_in(&d, &base, "ducha").await?;
            d.goto(format!("{base}/inspections/{id}")).await?;
            d.find(By::Css("[data-testid=inspection-start]")).await?.click().await?;
            // Nothing is a pass until someone says so: every item 未检查, no answer chosen.
            let answer = d
                .query(By::Css("[data-testid=answer-1]"))
                .wait(Duration::from_secs(5), Duration::from_millis(50))
                .first()
                .await?;
            assert_eq!(text_of(&d, "[data-testid=item-result-2]").await?, "未检查");
            assert!(d.find_all(By::Css("input[type=radio]:checked")).await?.is_empty());
            // Finishing now stays on the page and lists what is left.
            d.find(By::Css("[data-testid=inspection-finish]")).await?.click().await?;
            let left = text_of(&d, "[data-testid=form-error]").await?;
            assert!(left.contains("还有 2 项未检查"), "{left}");
            assert!(left.contains("第 2 项 · 台账"), "{left}");
            d.screenshot(&shot("inspection-unanswered")).await?;
            // The first item fails, with the finding written on the phone; the second passes;
            // one button saves both.
            let answer = d.find(By::Css("[data-testid=answer-1]")).await.unwrap_or(answer);
            answer.find(By::Css("input[value=fail]")).await?.click().await?;
            let note = answer.find(By::Css("input[name^=note_]")).await?;
            note.send_keys("302房退房后无终末消毒记录").await?;
            // (the save bar stays at the bottom of the screen: a thumb scrolls the item up first)
            let pass = d.find(By::Css("[data-testid=answer-2] input[value=pass]")).await?;
            d.execute("arguments[0].scrollIntoView({block: 'center'})", vec![pass.to_json()?])
                .await?;
            pass.click().await?;
            d.find(By::Css("[data-testid=checklist-save]")).await?.click().await?;
            wait_text(&d, "[data-testid=item-result-1]", "不合格").await?;
            wait_text(&d, "[data-testid=item-result-2]", "合格").await?;
            wait_text(&d, "[data-testid=inspection-progress]", "已检查 2/2").await?;
            // A note typed and not saved is not lost when a photo is uploaded (the upload
            // reloads the page): it is saved first.
            d.find(By::Css("[data-testid=answer-2] input[name^=note_]"))
                .await?
                .send_keys("台账齐全")
                .await?;
            // The photo: chosen in the file input (the phone's camera), then uploaded.
            let file = photo_file("finding.png");
            let input = d
                .query(By::Css("[data-testid=photo-form-1] input[type=file]"))
                .wait(Duration::from_secs(5), Duration::from_millis(50))
                .first()
                .await?;
            input.send_keys(file.display().to_string()).await?;
            d.find(By::Css("[data-testid=photo-form-1] button")).await?.click().await?;
            let w = loaded_width(&d, "[data-testid=photos-1] img").await?;
            let kept =
                d.find(By::Css("[data-testid=answer-2] input[name^=note_]")).await?.value().await?;
            assert_eq!(kept.as_deref(), Some("台账齐全"));
            assert!(w > 0 && w <= 240, "thumbnail width {w}");
            assert!(page_width(&d).await? <= 375, "the inspection page is wider than the phone");
            d.screenshot(&shot("inspection-photo")).await?;
            // The rectification order from the failed item, with the offered deadline.
            d.find(By::Css(".order-form summary")).await?.click().await?;
            d.find(By::Css("[data-testid=order-form-1] button")).await?.click().await?;
            let order = text_of(&d, "[data-testid=order-1]").await?;
            assert!(order.contains("待整改"), "{order}");
            viewport(&d, 1920, 1080, false).await?;
            no_sideways_scroll(&d, 1920, "the inspection").await?;
            d.screenshot(&shots_dir().join(format!("inspection-1920-{backend}.png"))).await?;
            viewport(&d, 375, 812, true).await?;

            // The station's lead reports the fix with a photo.
            d.delete_all_cookies().await?;
            sign_in(&d, &base, "lead").await?;
            d.goto(format!("{base}/rectifications")).await?;
            d.find(By::Css("[data-testid=rectifications-table] tbody a")).await?.click().await?;
            let input = d
                .query(By::Css("[data-testid=rectification-photo-form] input[type=file]"))
                .wait(Duration::from_secs(5), Duration::from_millis(50))
                .first()
                .await?;
            input.send_keys(photo_file("fix.png").display().to_string()).await?;
            d.find(By::Css("[data-testid=rectification-photo-form] button")).await?.click().await?;
            assert!(loaded_width(&d, "[data-testid=rectification-photos] img").await? > 0);
            fill(&d, "[data-testid=rectification-submit] textarea", "已补齐记录并培训保洁组")
                .await?;
            d.find(By::Css("[data-testid=rectification-submit] button")).await?.click().await?;
            wait_text(&d, "[data-testid=rectification-status]", "待核查").await?;
            assert!(page_width(&d).await? <= 375);
            d.screenshot(&shot("rectification")).await?;

            // The commander makes yesterday's daily report and reads it on a phone and on
            // the big screen.
            app.user("zhihui", Role::Commander, Scope::District, false).await;
            d.delete_all_cookies().await?;
            sign_in(&d, &base, "zhihui").await?;
            d.goto(format!("{base}/reports")).await?;
            d.find(By::Css("[data-testid=report-generate] button")).await?.click().await?;
            let title = text_of(&d, "[data-testid=report-title]").await?;
            assert!(title.contains("疫情防控日报"), "{title}");
            let total = text_of(&d, "[data-testid=report-district]").await?;
            assert!(total.contains("全区合计"), "{total}");
            assert!(page_width(&d).await? <= 375, "the report is wider than the phone");
            d.screenshot(&shot("report")).await?;
            viewport(&d, 1920, 1080, false).await?;
            d.refresh().await?;
            assert!(page_width(&d).await? <= 1920);
            d.screenshot(&shots_dir().join(format!("report-1920-{backend}.png"))).await?;

            // A notice of the week's findings, drafted and published; printable on both sizes.
            d.goto(format!("{base}/notices")).await?;
            fill(
                &d,
                "[data-testid=notice-form] input[name=title]",
                "关于本周健康驿站督导检查情况的通报",
            )
            .await?;
            fill(&d, "[data-testid=notice-form] textarea", "各驿站要举一反三。").await?;
            d.find(By::Css("[data-testid=notice-form] button")).await?.click().await?;
            d.query(By::Css("[data-testid=notice-publish]"))
                .wait(Duration::from_secs(5), Duration::from_millis(50))
                .first()
                .await?
                .click()
                .await?;
            wait_text(&d, "[data-testid=notice-title]", "关于本周健康驿站督导检查情况的通报")
                .await?;
            let units = text_of(&d, "[data-testid=notice-units]").await?;
            assert!(units.contains("卓汇健康驿站"), "{units}");
            assert!(page_width(&d).await? <= 1920);
            d.screenshot(&shots_dir().join(format!("notice-1920-{backend}.png"))).await?;
            viewport(&d, 375, 812, true).await?;
            d.refresh().await?;
            assert!(page_width(&d).await? <= 375, "the notice is wider than the phone");
            d.screenshot(&shot("notice")).await?;
            // On paper: A4 pages without the navigation, looked at as a PDF.
            let pdf = print_a4(&d, false).await?;
            std::fs::write(shots_dir().join(format!("notice-{backend}.pdf")), &pdf).unwrap();
            let pages = pdf_pages(&pdf);
            assert!((1..=2).contains(&pages), "the notice prints on {pages} pages");
            // The overview: the numbers that open their lists, on a phone and a big screen.
            d.goto(format!("{base}/command")).await?;
            let tiles = text_of(&d, "[data-testid=overview-tiles]").await?;
            assert!(tiles.contains("未销号整改"), "{tiles}");
            assert!(page_width(&d).await? <= 375, "the overview is wider than the phone");
            d.screenshot(&shot("overview")).await?;
            viewport(&d, 1920, 1080, false).await?;
            d.refresh().await?;
            assert!(page_width(&d).await? <= 1920);
            d.screenshot(&shots_dir().join(format!("overview-1920-{backend}.png"))).await?;
            d.find(By::Css("[data-testid=tile-open-rect]")).await?.click().await?;
            wait_url(&d, "/rectifications").await?;

            // A directive to the station, confirmed by its lead on a phone.
            viewport(&d, 375, 812, true).await?;
            d.goto(format!("{base}/directives")).await?;
            fill(
                &d,
                "[data-testid=directive-form] input[name=title]",
                "关于加强驿站闭环管理的通知",
            )
            .await?;
            fill(&d, "[data-testid=directive-form] textarea", "请各驿站对照检查，立行立改。")
                .await?;
            d.find(By::Css(format!("input[value='station:{st_a}']"))).await?.click().await?;
            d.find(By::Css("[data-testid=directive-form] button")).await?.click().await?;
            d.query(By::Css("[data-testid=directive-publish]"))
                .wait(Duration::from_secs(5), Duration::from_millis(50))
                .first()
                .await?
                .click()
                .await?;
            d.query(By::Css("[data-testid=directive-recipients]"))
                .wait(Duration::from_secs(5), Duration::from_millis(50))
                .first()
                .await?;
            d.delete_all_cookies().await?;
            sign_in(&d, &base, "lead").await?;
            let todo = text_of(&d, "[data-testid=todo-directives]").await?;
            assert!(todo.starts_with('1'), "the lead has one directive to confirm: {todo}");
            d.find(By::Css("[data-testid=todo-directives]")).await?.click().await?;
            d.query(By::Css("[data-testid=directives-table] tbody a"))
                .wait(Duration::from_secs(5), Duration::from_millis(50))
                .first()
                .await?
                .click()
                .await?;
            d.query(By::Css("[data-testid=directive-ack]"))
                .wait(Duration::from_secs(5), Duration::from_millis(50))
                .first()
                .await?
                .click()
                .await?;
            wait_text(&d, "[data-testid=mine-state]", "已确认").await?;
            assert!(page_width(&d).await? <= 375, "the directive is wider than the phone");
            d.screenshot(&shot("directive")).await?;
            Ok(())
        },
    )
    .await;
});
