//! Registration in one go (issue 16 item 5): every error of the guest form at once, sex and birth
//! date asked for unless a mainland ID card says them, rooms offered in the clerk's words.

use crate::browser_support::*;
use crate::common;

use common::district;
use thirtyfour::prelude::*;
use yizhan_core::access::{Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

async fn shown(d: &WebDriver, css: &str) -> WebDriverResult<bool> {
    d.find(By::Css(css)).await?.is_displayed().await
}

both_backends!(a_clerk_registers_a_guest_in_one_go, |t: TestDb| async move {
    with_browser(t, "a_clerk_registers_a_guest_in_one_go", |d, base, app| async move {
        let (_, _, st, _) = district(app.db()).await;
        common::room(app.db(), st, "301", 1).await;
        let r302 = common::room(app.db(), st, "302", 2).await;
        let other = common::guest(app.db(), st, 7).await;
        common::check_in(app.db(), st, other, r302).await;
        app.user("clerk", Role::StationStaff, Scope::Station(st), false).await;
        let backend = format!("{:?}", app.db().backend()).to_lowercase();
        for (w, h, mobile, n) in [(375, 812, true, 1), (1920, 1080, false, 2)] {
            viewport(&d, w, h, mobile).await?;
            if n == 1 {
                sign_in(&d, &base, "clerk").await?;
            }
            d.goto(format!("{base}/stations/{st}/guests/new")).await?;
            // A mainland ID card says sex and birth date: the form says so and does not ask.
            assert!(shown(&d, "[data-testid=sex-from-card]").await?);
            assert!(!shown(&d, "[data-testid=f-sex]").await?);
            // An HK/Macau permit does not: both are asked for.
            d.find(By::Css("[data-testid=f-doc-type] option[value=hk_macau_permit]"))
                .await?
                .click()
                .await?;
            assert!(!shown(&d, "[data-testid=sex-from-card]").await?);
            assert!(shown(&d, "[data-testid=f-sex]").await?);
            assert!(shown(&d, "[data-testid=f-birth-date]").await?);
            // One submit with seven things wrong: all seven are listed, each beside its field too.
            fill(&d, "[data-testid=f-doc-number]", &format!("h1234567{n}")).await?;
            fill(&d, "[data-testid=f-phone]", "12345").await?;
            d.find(By::Css("[data-testid=guest-save]")).await?.click().await?;
            let summary = text_of(&d, "[data-testid=form-error]").await?;
            assert!(summary.starts_with("有 7 处需要修改"), "{summary}");
            let fields: Vec<String> = d
                .execute(
                    "return [...document.querySelectorAll('[data-refused]')].map(e => e.dataset.refused)",
                    vec![],
                )
                .await?
                .convert()?;
            assert_eq!(
                fields,
                ["name", "sex", "birth_date", "phone", "region", "employer", "plate_cn"]
            );
            assert!(summary.contains("姓名：不能为空"), "a person's name is 姓名: {summary}");
            assert!(!summary.contains("名称"), "{summary}");
            let beside = text_of(&d, "#e-phone").await?;
            assert!(!beside.is_empty() && !beside.starts_with("手机"), "{beside}");
            assert_eq!(
                d.find(By::Css("[data-testid=f-phone]")).await?.attr("aria-invalid").await?,
                Some("true".into())
            );
            // What was typed stays, and the list's link takes the cursor to the field.
            assert_eq!(
                d.find(By::Css("[data-testid=f-doc-number]")).await?.value().await?,
                Some(format!("h1234567{n}"))
            );
            no_sideways_scroll(&d, w, "the refused guest form").await?;
            d.screenshot(&shots_dir().join(format!("guest-form-refused-{w}-{backend}.png")))
                .await?;
            d.find(By::Css("[data-refused=region] a")).await?.click().await?;
            let focused: String = d
                .execute("return document.activeElement.id", vec![])
                .await?
                .convert()?;
            assert_eq!(focused, "f-region");
            // All corrected in the second submit.
            fill(&d, "[data-testid=f-name]", "陈大文").await?;
            d.find(By::Css("[data-testid=f-sex] option[value=male]")).await?.click().await?;
            d.execute(
                "document.querySelector('[data-testid=f-birth-date]').value='1980-05-06'",
                vec![],
            )
            .await?;
            fill(&d, "[data-testid=f-phone]", "+852 9123 4567").await?;
            fill(&d, "[data-testid=f-region]", "香港").await?;
            fill(&d, "[data-testid=f-employer]", "港深物流").await?;
            fill(&d, "[data-testid=f-plate-cn]", &format!("粤ZAB1{n}港")).await?;
            d.find(By::Css("[data-testid=guest-save]")).await?.click().await?;
            wait_text(&d, "[data-testid=guest-name]", "陈*文").await?;
            // The rooms it may go to, in words: free with its beds, or shared with beds left.
            let options: Vec<String> = d
                .execute(
                    "return [...document.querySelectorAll('[data-testid=checkin-room] option')].map(o => o.textContent)",
                    vec![],
                )
                .await?
                .convert()?;
            if n == 1 {
                assert_eq!(options, ["301 · 空闲 · 1 床", "302 · 同住 1/2 · 余 1 床"]);
            }
            no_sideways_scroll(&d, w, "the guest page").await?;
            // A guest of another category is not asked for a driver's plate and employer.
            d.goto(format!("{base}/stations/{st}/guests/new")).await?;
            d.find(By::Css("[data-testid=f-category] option[value=close_contact]"))
                .await?
                .click()
                .await?;
            assert!(!shown(&d, "[data-testid=f-employer]").await?);
        }
        Ok(())
    })
    .await;
});
