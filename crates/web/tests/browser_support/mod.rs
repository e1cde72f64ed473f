//! What the browser tests share: the app on a real port, Chromium under chromedriver, and a few
//! waits and form helpers.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use thirtyfour::prelude::*;
use yizhan_store::testing::TestDb;

use crate::common::{App, PASSWORD};

struct Driver(tokio::process::Child);
impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.start_kill();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub fn shots_dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Starts the app on a free port and Chromium under chromedriver; runs `body`; screenshots on failure.
pub async fn with_browser<F, Fut>(t: TestDb, name: &str, body: F)
where
    F: FnOnce(WebDriver, String, App) -> Fut,
    Fut: std::future::Future<Output = WebDriverResult<()>>,
{
    // The WebDriver client is reqwest, built (with the channels' client) without a TLS provider.
    yizhan_web::notify::send::install_tls();
    let config = yizhan_web::state::WebConfig { secret_key: Some([5; 32]), ..Default::default() };
    let app = App::with_config(t, config).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = app.router.clone();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });

    let port = free_port();
    let child = tokio::process::Command::new("/usr/bin/chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("chromedriver not found: apt-get install chromium chromium-driver (scripts/test.sh does)");
    let _guard = Driver(child);
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let profile = std::env::temp_dir().join(format!("yizhan-e2e-{}-{port}", std::process::id()));
    let mut caps = DesiredCapabilities::chrome();
    for a in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        "--lang=zh-CN",
        &format!("--user-data-dir={}", profile.display()),
    ] {
        caps.add_arg(a).unwrap();
    }
    let driver =
        WebDriver::new(format!("http://127.0.0.1:{port}"), caps).await.expect("start chromium");
    let result = body(driver.clone(), base, app).await;
    if result.is_err() {
        let _ = driver.screenshot(&shots_dir().join(format!("FAILED-{name}.png"))).await;
    }
    let _ = driver.quit().await;
    let _ = std::fs::remove_dir_all(&profile);
    if let Err(e) = result {
        panic!("browser test {name} failed: {e} (screenshot in target/screenshots/)");
    }
}

/// Sets the viewport exactly (the window size would include browser chrome).
pub async fn viewport(d: &WebDriver, w: u32, h: u32, mobile: bool) -> WebDriverResult<()> {
    d.cdp()
        .send_raw(
            "Emulation.setDeviceMetricsOverride",
            serde_json::json!({ "width": w, "height": h, "deviceScaleFactor": 1, "mobile": mobile }),
        )
        .await?;
    Ok(())
}

/// The text of the first `css`, waiting up to 5 s for it; a page that is being replaced (its
/// elements go stale between the find and the read) is read again.
pub async fn text_of(d: &WebDriver, css: &str) -> WebDriverResult<String> {
    let mut last = None;
    for _ in 0..100 {
        match d.find(By::Css(css)).await {
            Ok(e) => match e.text().await {
                Ok(t) => return Ok(t),
                Err(err) => last = Some(err),
            },
            Err(err) => last = Some(err),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(last.unwrap_or_else(|| WebDriverError::FatalError(format!("{css} never appeared"))))
}

/// Waits until `css` contains `needle` and returns its whole text: after a form posts back to the
/// same address, the old page is still there for a moment and would be read instead.
pub async fn wait_contains(d: &WebDriver, css: &str, needle: &str) -> WebDriverResult<String> {
    let mut last = String::new();
    for _ in 0..100 {
        if let Ok(e) = d.find(By::Css(css)).await
            && let Ok(t) = e.text().await
        {
            if t.contains(needle) {
                return Ok(t);
            }
            last = t;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(WebDriverError::FatalError(format!(
        "{css} shows {last:?}, expected it to contain {needle:?}"
    )))
}

/// Waits until `css` shows exactly `want`: after a click the old page may still be there, and its
/// elements go stale as the new one loads.
pub async fn wait_text(d: &WebDriver, css: &str, want: &str) -> WebDriverResult<()> {
    let mut last = String::new();
    for _ in 0..100 {
        if let Ok(e) = d.find(By::Css(css)).await
            && let Ok(t) = e.text().await
        {
            if t == want {
                return Ok(());
            }
            last = t;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(WebDriverError::FatalError(format!("{css} shows {last:?}, expected {want:?}")))
}

/// Signs in with the test password and waits for the home page.
pub async fn sign_in(d: &WebDriver, base: &str, username: &str) -> WebDriverResult<()> {
    d.goto(format!("{base}/login")).await?;
    fill(d, "[data-testid=username]", username).await?;
    fill(d, "[data-testid=password]", PASSWORD).await?;
    d.find(By::Css("[data-testid=login-submit]")).await?.click().await?;
    wait_text(d, "[data-testid=home-title]", "工作台").await
}

pub async fn fill(d: &WebDriver, css: &str, value: &str) -> WebDriverResult<()> {
    let e = d.find(By::Css(css)).await?;
    e.clear().await?;
    e.send_keys(value).await
}

pub async fn wait_url(d: &WebDriver, suffix: &str) -> WebDriverResult<String> {
    for _ in 0..100 {
        let u = d.current_url().await?.to_string();
        if u.ends_with(suffix) {
            return Ok(u);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(WebDriverError::FatalError(format!(
        "never reached {suffix}, at {}",
        d.current_url().await?
    )))
}

/// Nothing on the page scrolls sideways at a width of `w`.
pub async fn no_sideways_scroll(d: &WebDriver, w: u32, what: &str) -> WebDriverResult<()> {
    let width: i64 =
        d.execute("return document.documentElement.scrollWidth;", vec![]).await?.convert()?;
    assert!(width <= i64::from(w), "{what} is {width}px wide on {w}px");
    Ok(())
}

/// The page printed to PDF on A4 without margins of the printer's own (the page's CSS sets them).
pub async fn print_a4(d: &WebDriver, landscape: bool) -> WebDriverResult<Vec<u8>> {
    use thirtyfour::common::print::{PrintMargins, PrintOrientation, PrintPage, PrintParameters};
    d.print_page(PrintParameters {
        orientation: if landscape {
            PrintOrientation::Landscape
        } else {
            PrintOrientation::Portrait
        },
        page: PrintPage { width: 21.0, height: 29.7 },
        margin: PrintMargins { top: 0.0, bottom: 0.0, left: 0.0, right: 0.0 },
        ..Default::default()
    })
    .await
}

/// How many pages a PDF has: the largest `/Count` of its page tree.
pub fn pdf_pages(pdf: &[u8]) -> u32 {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/Count ")
        .map(|(at, _)| text[at + 7..].split(|c: char| !c.is_ascii_digit()).next().unwrap_or(""))
        .map(|c| c.parse::<u32>().unwrap_or(0))
        .max()
        .unwrap_or(0)
}

/// What a script returns, as a Rust value (a number, a flag, a string).
pub async fn js<T: serde::de::DeserializeOwned>(
    d: &WebDriver,
    script: &str,
    args: Vec<serde_json::Value>,
) -> WebDriverResult<T> {
    d.execute(script, args).await?.convert()
}
