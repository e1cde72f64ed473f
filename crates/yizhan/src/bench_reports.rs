//! `yizhan bench reports`: on a `yizhan demo --scale` dataset, the district's daily report made
//! (the function the morning job and the page's button run) against the same statements run
//! bare; the report read back through the router (page, .xlsx, .docx, JSON); and the register
//! of returning workers exported to .xlsx through the router against reading the same rows bare
//! and writing as many rows with the xlsx writer alone, with the process's memory sampled while
//! it runs. The file is read back and its rows counted. Prints figures; asserts nothing on time.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use http_body_util::BodyExt;
use yizhan_core::access::Actor;
use yizhan_core::time::day_start_utc;
use yizhan_store::Db;
use yizhan_store::command::reports;
use yizhan_store::station::{attention, cases};
use yizhan_web::jobs::daily_report;

use crate::bench::{
    latency_row, machine, memory_kib, mib, ms, pct, reset_peak_memory, write_section,
};
use crate::bench_import::{save_body, write_xlsx};
use crate::bench_lists::{commander_session, signed_in_get};

/// The goals of issue 21: the city's report made in a second; the register exported at
/// 50,000 rows a second.
const GOAL_REPORT_MS: f64 = 1000.0;
const GOAL_EXPORT_ROWS_PER_S: f64 = 50_000.0;

/// The statements `daily_report::build` runs, bare and one after the other, each part timed:
/// the figures, each station's facts of its open stays (key attention), the cases.
async fn bare_report(
    db: &Db,
    day: chrono::NaiveDate,
    today: chrono::NaiveDate,
) -> anyhow::Result<[Duration; 3]> {
    let t = Instant::now();
    let figures = reports::figures(db, day).await?;
    let figures_took = t.elapsed();
    let t = Instant::now();
    for f in &figures {
        std::hint::black_box(attention::facts(db, f.station_id, today).await?);
    }
    let attention_took = t.elapsed();
    let t = Instant::now();
    let (from, to) = (day_start_utc(day), day_start_utc(day + chrono::Duration::days(1)));
    std::hint::black_box(cases::facts(db, from, to, None).await?);
    Ok([figures_took, attention_took, t.elapsed()])
}

/// A worker as the export reads one: id, name, ID number, phone, province, city, employer,
/// transport, arrival date, status.
type WorkerLine = (
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<chrono::NaiveDate>,
    String,
);

/// The process's resident memory every 50 ms until told to stop: (time since start, KiB).
fn sample_memory(stop: Arc<AtomicBool>) -> std::thread::JoinHandle<Vec<(Duration, u64)>> {
    std::thread::spawn(move || {
        let start = Instant::now();
        let mut samples = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            samples.push((start.elapsed(), memory_kib().1));
            std::thread::sleep(Duration::from_millis(50));
        }
        samples
    })
}

/// The highest sample within the first `part` of the run.
fn peak_within(samples: &[(Duration, u64)], total: Duration, part: f64) -> u64 {
    samples
        .iter()
        .filter(|(at, _)| at.as_secs_f64() <= total.as_secs_f64() * part)
        .map(|(_, kib)| *kib)
        .max()
        .unwrap_or(0)
}

pub async fn reports(db: &Db, iterations: usize) -> anyhow::Result<()> {
    let token = commander_session(db).await?;
    let (app, _, state) = yizhan_web::build_with_state(db.clone(), Default::default());
    let today = yizhan_web::kit::today();
    let day = today - chrono::Duration::days(1);
    // The report made, and its statements bare; the first of each warms the caches.
    let (mut made, mut bare, mut parts) =
        (Vec::new(), Vec::new(), [Vec::new(), Vec::new(), Vec::new()]);
    let mut stations = 0;
    for i in 0..=iterations {
        let t = Instant::now();
        let report = daily_report::generate(&state, &Actor::system(), day).await?;
        let took = t.elapsed();
        stations = report.stations.len();
        let t = Instant::now();
        let part = bare_report(db, day, today).await?;
        let bare_took = t.elapsed();
        if i > 0 {
            made.push(took);
            bare.push(bare_took);
            for (p, d) in parts.iter_mut().zip(part) {
                p.push(d);
            }
        }
        println!("report made in {} (bare {})", ms(took), ms(bare_took));
    }
    made.sort();
    bare.sort();
    for p in &mut parts {
        p.sort();
    }

    // The report read back: the page, its files and the API.
    let mut reads = String::new();
    for path in [
        format!("/reports/{day}"),
        format!("/reports/{day}/export.xlsx"),
        format!("/reports/{day}/export.docx"),
        format!("/api/v1/reports/{day}"),
    ] {
        let mut times = Vec::new();
        let mut bytes = 0;
        for i in 0..=iterations {
            let t = Instant::now();
            let resp = signed_in_get(&app, &token, &path).await?;
            anyhow::ensure!(resp.status() == 200, "{path}: {}", resp.status());
            bytes = resp.into_body().collect().await?.to_bytes().len();
            if i > 0 {
                times.push(t.elapsed());
            }
        }
        times.sort();
        reads.push_str(&format!(
            "| `{}` ({bytes} bytes), p50 / p99 | {} / {} | | |\n",
            path.replace(&day.to_string(), "{day}"),
            ms(pct(&times, 0.5)),
            ms(pct(&times, 0.99))
        ));
    }

    // The register exported through the router, memory sampled; then read back.
    let (workers,): (i64,) =
        db.fetch_one(yizhan_store::db::q("SELECT COUNT(*) FROM returning_workers")).await?;
    let dir = std::env::temp_dir().join(format!("yizhan-bench-reports-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let file = dir.join("workers-export.xlsx");
    reset_peak_memory();
    let (_, rss_before) = memory_kib();
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = sample_memory(stop.clone());
    let t = Instant::now();
    let resp = signed_in_get(&app, &token, "/workers/export.xlsx").await?;
    anyhow::ensure!(resp.status() == 200, "export: {}", resp.status());
    let file_bytes = save_body(resp, &file).await?;
    let export_took = t.elapsed();
    stop.store(true, Ordering::Relaxed);
    let samples = sampler.join().map_err(|_| anyhow::anyhow!("memory sampler panicked"))?;
    let (export_peak, _) = memory_kib();
    let mut read_back = yizhan_web::kit::sheet::stream(file.clone(), "workers-export.xlsx");
    let mut rows_back = 0usize;
    while let Some(batch) = read_back.recv().await {
        rows_back +=
            batch.map_err(|e| anyhow::anyhow!("reading the export back: {}", e.en()))?.rows.len();
    }
    // The first row is the header.
    let rows_back = rows_back.saturating_sub(1);
    anyhow::ensure!(
        rows_back as i64 == workers.min(yizhan_web::kit::export::MAX_ROWS as i64),
        "the export holds {rows_back} rows of {workers}"
    );
    let export_rate = rows_back as f64 / export_took.as_secs_f64();
    println!("exported {rows_back} rows in {:.1} s", export_took.as_secs_f64());

    // Baselines of the export: the same rows read bare, page by page in the same order (as many
    // as a sheet holds); as many rows written by the xlsx writer alone.
    let t = Instant::now();
    let mut after = 0i64;
    let mut read = 0usize;
    loop {
        let page: Vec<WorkerLine> = db
            .fetch_all(
                yizhan_store::db::q(
                    "SELECT w.id, w.name, w.id_number, w.phone, w.province, w.city, e.name, w.transport,
                            w.arrival_date, w.status
                       FROM returning_workers w JOIN enterprises e ON e.id = w.enterprise_id
                      WHERE w.id > $1 ORDER BY w.id LIMIT 1000",
                )
                .bind(after),
            )
            .await?;
        let Some(last) = page.last() else { break };
        after = last.0;
        read += page.len();
        if read >= rows_back {
            break;
        }
    }
    let read_took = t.elapsed();
    let read_rate = read as f64 / read_took.as_secs_f64();
    let t = Instant::now();
    write_xlsx(&dir.join("writer-alone.xlsx"), rows_back).await?;
    let writer_took = t.elapsed();
    let writer_rate = rows_back as f64 / writer_took.as_secs_f64();
    let _ = std::fs::remove_dir_all(&dir);

    let census = yizhan_store::scale::census(db).await?;
    let n = |k: &str| census.iter().find(|(name, _)| *name == k).map(|(_, v)| *v).unwrap_or(0);
    let p50 = pct(&made, 0.5);
    let met = |ok: bool| if ok { "met" } else { "**missed**" };
    let marker = format!(
        "## Reports and exports ({:?}, {} stations, {} returning workers)",
        db.backend(),
        n("stations"),
        n("returning_workers")
    );
    let body = format!(
        "{marker}\n\nMachine: {}. Dataset: {} stations, {} stays, {} health checks, {} returning \
         workers (`yizhan demo --scale`). Command: `cargo run --release -p yizhan -- \
         --database-url URL bench reports`. The report of yesterday ({day}) made {iterations} \
         times after one warm-up by `daily_report::generate` (what the morning job and the \
         reports page run: the figures, each station's key attention by the rules, the cases, \
         archived with the stations told of missing figures), against its statements run bare \
         in the same process; read back through the router as a district commander. The \
         register exported once through the router (`/workers/export.xlsx`, the whole district), \
         the file read back and its rows counted; the process's resident memory sampled every \
         50 ms. Baselines: the same rows read bare in pages of 1,000 in the same order, and as \
         many rows written by the xlsx writer alone.\n\n\
         | figure | value | baseline (same run) | ratio |\n|---|---|---|---|\n\
         {}\
         | of which: the figures (their statements), p50 | {} | | |\n\
         | of which: key attention (each station's facts of its open stays, one station after the other), p50 | {} | | |\n\
         | of which: the cases, p50 | {} | | |\n\
         | goal: made in ≤ 1 s (p50) | {} | | |\n\
         {reads}\
         | register exported to .xlsx: rows/s ({rows_back} rows, {:.0} MB, {:.1} s) | {export_rate:.0} | read bare: {read_rate:.0} | {:.2} |\n\
         | the same rows: xlsx writer alone, rows/s | {writer_rate:.0} | | export {:.2} of it |\n\
         | goal: ≥ 50,000 rows/s | {} | | |\n\
         | resident memory before the export | {} | | |\n\
         | resident memory, highest in the first quarter / half / whole of the export | {} / {} / {} | | |\n\
         | process peak (VmHWM) during the export | {} | before: {} | |\n\n",
        machine(),
        n("stations"),
        n("stays"),
        n("health_checks"),
        n("returning_workers"),
        latency_row(&format!("report of {stations} stations made"), &made, &bare),
        ms(pct(&parts[0], 0.5)),
        ms(pct(&parts[1], 0.5)),
        ms(pct(&parts[2], 0.5)),
        met(p50.as_secs_f64() * 1000.0 <= GOAL_REPORT_MS),
        file_bytes as f64 / 1e6,
        export_took.as_secs_f64(),
        export_rate / read_rate,
        export_rate / writer_rate,
        met(export_rate >= GOAL_EXPORT_ROWS_PER_S),
        mib(rss_before),
        mib(peak_within(&samples, export_took, 0.25)),
        mib(peak_within(&samples, export_took, 0.5)),
        mib(peak_within(&samples, export_took, 1.0)),
        mib(export_peak),
        mib(rss_before),
    );
    println!("\n{body}");
    write_section(&marker, &body)?;
    Ok(())
}
