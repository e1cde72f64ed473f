//! `yizhan bench board`: the wall board's cost on a 500-room station, measured against the bare
//! SQL it runs, in the same process and the same run. Prints figures; never asserts on time.

use std::time::{Duration, Instant};

use anyhow::Context;
use axum::body::Body;
use http_body_util::BodyExt;
use tower::ServiceExt;
use yizhan_core::access::Actor;
use yizhan_core::station::guest::{GuestInput, validate_guest};
use yizhan_core::station::room::{BulkRoomsInput, validate_bulk};
use yizhan_core::station::stations::{NewStation, StationKind};
use yizhan_store::{
    ConnectOptions, Db, station::board, station::guests, station::policies, station::rooms,
    station::stations, station::stays,
};

pub struct Options {
    pub rooms: i64,
    pub stations: i64,
    pub clients: usize,
    pub iterations: usize,
    pub database_url: Option<String>,
}

/// Which `yizhan demo --scale` dataset a database of `stays` stays is, for section titles.
pub(crate) fn scale_label(stays: i64) -> &'static str {
    if stays >= 1_000_000 { "city" } else { "district" }
}

pub(crate) fn pct(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

pub(crate) fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// KiB as MiB with one decimal: "38.8 MiB".
pub(crate) fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

/// A table row comparing two sorted latency samples: `| label | p50 / p99 | p50 / p99 | ratios |`.
pub(crate) fn latency_row(label: &str, value: &[Duration], baseline: &[Duration]) -> String {
    let ratio = |p: f64| pct(value, p).as_secs_f64() / pct(baseline, p).as_secs_f64().max(1e-9);
    format!(
        "| {label}, p50 / p99 | {} / {} | {} / {} | {:.2} / {:.2} |\n",
        ms(pct(value, 0.5)),
        ms(pct(value, 0.99)),
        ms(pct(baseline, 0.5)),
        ms(pct(baseline, 0.99)),
        ratio(0.5),
        ratio(0.99)
    )
}

/// `n` single rooms on floors of 50 from the 2nd up, as the bulk form makes them; their ids.
pub(crate) async fn single_rooms(db: &Db, station: i64, n: usize) -> anyhow::Result<Vec<i64>> {
    let sys = Actor::system();
    for f in 0..n.div_ceil(50) {
        let floor = f + 2;
        let new = validate_bulk(&BulkRoomsInput {
            floor: floor.to_string(),
            first: (floor * 100 + 1).to_string(),
            last: (floor * 100 + (n - f * 50).min(50)).to_string(),
            beds: "1".into(),
            kind: "single".into(),
            prefix: String::new(),
        })
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        rooms::create_many(db, &sys, station, &new).await?;
    }
    Ok(rooms::list(db, station).await?.iter().map(|r| r.id).collect())
}

fn rand_suffix() -> u64 {
    use rand::Rng;
    rand::rng().random::<u32>() as u64
}

/// A station with `n` rooms (floors of 50), 90 % occupied, spread over two weeks.
async fn dataset(db: &Db, n: i64) -> anyhow::Result<i64> {
    let sys = Actor::system();
    stations::ensure_district(db, &sys, "龙岗区", "440307", &["吉华街道"]).await?;
    let street = stations::streets(db).await?[0].id;
    let st = stations::create(
        db,
        &sys,
        &NewStation {
            street_id: street,
            name: format!("基准驿站{n}-{}", rand_suffix()),
            address: "吉华".into(),
            kind: StationKind::Hotel,
            capacity: n,
            contact_name: "基准".into(),
            contact_phone: "13800138000".into(),
            active: true,
        },
    )
    .await?
    .id;
    single_rooms(db, st, n as usize).await?;
    let all = rooms::list(db, st).await?;
    let policy = policies::list(db)
        .await?
        .into_iter()
        .find(|p| p.code == "driver")
        .map(|p| p.id)
        .unwrap_or(1);
    let now = yizhan_store::db::now();
    let today = yizhan_core::time::local_date(now);
    let occupied = (n * 9 / 10) as usize;
    for (i, room) in all.iter().take(occupied).enumerate() {
        let g = validate_guest(
            &GuestInput {
                doc_type: "hk_macau_permit".into(),
                doc_number: format!("H{:08}", 20_000_000 + i),
                name: format!("基准{i}"),
                sex: Some("male".into()),
                birth_date: Some("1980-01-01".into()),
                phone: "91234567".into(),
                region: "香港".into(),
                category: "cross_border_driver".into(),
                employer: Some("基准物流".into()),
                plate_cn: Some("粤ZAB12港".into()),
                exemption_status: Some("valid".into()),
                ..Default::default()
            },
            today,
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        let gid = guests::create(db, &sys, st, &g).await?.id;
        let at = now - chrono::Duration::hours((i % 14 * 24) as i64 + 1);
        stays::check_in(
            db,
            &sys,
            &stays::CheckIn {
                station_id: st,
                guest_id: gid,
                room_id: room.id,
                policy_id: policy,
                at,
            },
        )
        .await?;
    }
    Ok(st)
}

/// Writes a bench measures event-to-screen over.
const EVENT_ROUNDS: usize = 20;

/// `clients` event streams of station `st` on `app`; `EVENT_ROUNDS` room changes written
/// through `writer`. Returns the time from each write's start to each stream's next frame, and
/// each write's own time.
async fn event_to_screen(
    app: &axum::Router,
    writer: &Db,
    st: i64,
    room: i64,
    token: &str,
    clients: usize,
) -> anyhow::Result<(Vec<Duration>, Vec<Duration>)> {
    use yizhan_core::station::room::RoomState;
    let mut streams = Vec::with_capacity(clients);
    for _ in 0..clients {
        let req = axum::http::Request::get(format!("/board/{st}/events"))
            .header("cookie", format!("yz_board={token}"))
            .body(Body::empty())
            .unwrap();
        let mut body = app.clone().oneshot(req).await?.into_body();
        let _first = body.frame().await; // the "connected" event
        streams.push(body);
    }
    let (mut waits, mut writes) = (Vec::new(), Vec::new());
    for round in 0..EVENT_ROUNDS {
        let handles: Vec<_> = streams
            .drain(..)
            .map(|mut body| {
                tokio::spawn(async move {
                    let _ = tokio::time::timeout(Duration::from_secs(10), body.frame()).await;
                    (body, Instant::now())
                })
            })
            .collect();
        // Every stream waits for its next frame before the write starts.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let state = if round % 2 == 0 { RoomState::Maintenance } else { RoomState::Ready };
        let write_at = Instant::now();
        rooms::set_state(writer, &Actor::system(), room, state, Some("bench")).await?;
        writes.push(write_at.elapsed());
        for h in handles {
            let (body, at) = h.await?;
            waits.push(at.duration_since(write_at));
            streams.push(body);
        }
    }
    waits.sort();
    writes.sort();
    Ok((waits, writes))
}

pub async fn board(o: Options) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("yizhan-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let url = o
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite:{}", dir.join("bench.db").display()));
    let db = Db::connect(&ConnectOptions { url: url.clone(), max_connections: 8 })
        .await
        .context("open the bench database")?;
    yizhan_store::migrate::run(&db).await?;
    let t0 = Instant::now();
    let st = dataset(&db, o.rooms).await?;
    let gen_time = t0.elapsed();
    let backend = format!("{:?}", db.backend());
    println!(
        "dataset: {} rooms, {} guests in stay, built in {:.1} s ({backend})",
        o.rooms,
        o.rooms * 9 / 10,
        gen_time.as_secs_f64()
    );

    // Baseline: every query of a snapshot run bare (counts, grid, movements, the key-attention
    // facts, 14 days of stays and alerts, the duty roster), no judging, masking or HTTP.
    let today = yizhan_core::time::local_date(yizhan_store::db::now());
    let since = yizhan_core::time::day_start_utc(today - chrono::Duration::days(13));
    let mut bare = Vec::with_capacity(o.iterations);
    for _ in 0..o.iterations {
        let t = Instant::now();
        yizhan_store::station::stations::get(&db, st).await?;
        board::counts(&db, st, today).await?;
        board::grid(&db, st).await?;
        board::movements(&db, st, 15).await?;
        yizhan_store::station::attention::facts(&db, st, today).await?;
        board::stay_spans(&db, st, since).await?;
        board::alert_times(&db, st, since).await?;
        yizhan_store::care::staff::groups(&db, st).await?;
        yizhan_store::care::staff::list(&db, st).await?;
        yizhan_store::care::roster::of_station(
            &db,
            st,
            today - chrono::Duration::days(1),
            today + chrono::Duration::days(7),
        )
        .await?;
        bare.push(t.elapsed());
    }
    bare.sort();

    // The snapshot built from scratch (every query, masking, charts), as after each change…
    let (app, _, state) = yizhan_web::build_with_state(db.clone(), Default::default());
    let tr = yizhan_web::i18n::Tr::default();
    let mut cold = Vec::with_capacity(o.iterations);
    for _ in 0..o.iterations {
        let t = Instant::now();
        yizhan_web::board::snapshot::build(&state, &tr, st).await?;
        cold.push(t.elapsed());
    }
    cold.sort();
    // …and through the whole application (router, middleware, token check, JSON), where every
    // TV after the first gets the snapshot cached until the next change.
    let token = "f".repeat(64);
    board::create_token(&db, &Actor::system(), Some(st), "bench", &token).await?;
    let request = || {
        axum::http::Request::get(format!("/api/v1/stations/{st}/board"))
            .header("cookie", format!("yz_board={token}"))
            .body(Body::empty())
            .unwrap()
    };
    tokio::time::sleep(yizhan_web::board::live::POLL * 2).await;
    let mut full = Vec::with_capacity(o.iterations);
    let started = Instant::now();
    for _ in 0..o.iterations {
        let t = Instant::now();
        let resp = app.clone().oneshot(request()).await?;
        anyhow::ensure!(resp.status().is_success(), "snapshot answered {}", resp.status());
        let _ = resp.into_body().collect().await?;
        full.push(t.elapsed());
    }
    let wall = started.elapsed();
    full.sort();
    let rps = o.iterations as f64 / wall.as_secs_f64();
    let cold_rps = o.iterations as f64 / cold.iter().sum::<Duration>().as_secs_f64();
    let bare_rps = o.iterations as f64 / bare.iter().sum::<Duration>().as_secs_f64();

    // Event to screen: `clients` open event streams; writes; time until each stream delivers.
    let spare = {
        let rooms_list = rooms::list(&db, st).await?;
        rooms_list.iter().find(|r| r.occupied == 0).map(|r| r.id).unwrap_or(rooms_list[0].id)
    };
    let local = event_to_screen(&app, &db, st, spare, &token, o.clients).await?;
    // On PostgreSQL the same with the streams on a second node (its own pool and watcher):
    // the change reaches it through the audit log's NOTIFY.
    let remote = match db.backend() {
        yizhan_store::Backend::Postgres => {
            let other = Db::connect(&ConnectOptions { url: url.clone(), max_connections: 8 })
                .await
                .context("open the second node's pool")?;
            let (app_b, _, _state_b) = yizhan_web::build_with_state(other, Default::default());
            // Its listener connects in its own time.
            tokio::time::sleep(Duration::from_secs(1)).await;
            Some(event_to_screen(&app_b, &db, st, spare, &token, o.clients).await?)
        }
        yizhan_store::Backend::Sqlite => None,
    };

    // A 30-station district: 29 more stations of 50 rooms, 45 guests each, then the roll-up.
    for _ in 1..o.stations {
        dataset(&db, 50).await?;
    }
    // As a node's fold job would have done by now.
    yizhan_store::station::counters::fold(&db).await?;
    let today = yizhan_core::time::local_date(yizhan_store::db::now());
    let mut bare_d = Vec::with_capacity(o.iterations);
    for _ in 0..o.iterations {
        let t = Instant::now();
        yizhan_store::station::counters::lines(&db, today).await?;
        bare_d.push(t.elapsed());
    }
    bare_d.sort();
    let dtoken = "9".repeat(64);
    board::create_token(&db, &Actor::system(), None, "bench district", &dtoken).await?;
    let mut full_d = Vec::with_capacity(o.iterations);
    for _ in 0..o.iterations {
        let req = axum::http::Request::get("/api/v1/district/board")
            .header("cookie", format!("yz_board={dtoken}"))
            .body(Body::empty())
            .unwrap();
        let t = Instant::now();
        let resp = app.clone().oneshot(req).await?;
        anyhow::ensure!(resp.status().is_success(), "district board answered {}", resp.status());
        let _ = resp.into_body().collect().await?;
        full_d.push(t.elapsed());
    }
    full_d.sort();
    let d_rps = o.iterations as f64 / full_d.iter().sum::<Duration>().as_secs_f64();
    let d_bare_rps = o.iterations as f64 / bare_d.iter().sum::<Duration>().as_secs_f64();

    let rss = memory_kib().0;
    let table = [
        "| figure | value | baseline (bare SQL, same run) | ratio |\n|---|---|---|---|\n".to_owned(),
        format!(
            "| snapshot built from scratch, req/s | {cold_rps:.0} | {bare_rps:.0} | {:.2} |\n",
            cold_rps / bare_rps
        ),
        latency_row("snapshot built from scratch", &cold, &bare),
        format!(
            "| snapshot through the router (cached until a change), req/s | {rps:.0} | {bare_rps:.0} | {:.2} |\n",
            rps / bare_rps
        ),
        latency_row("snapshot through the router", &full, &bare),
        latency_row(
            &format!("event to client, {} open streams, same node (baseline: the write)", o.clients),
            &local.0,
            &local.1,
        ),
        remote
            .as_ref()
            .map(|(waits, writes)| {
                latency_row(
                    &format!(
                        "event to client, {} open streams on a second node (baseline: the write)",
                        o.clients
                    ),
                    waits,
                    writes,
                )
            })
            .unwrap_or_default(),
        format!(
            "| district roll-up ({} stations) through the router, req/s | {d_rps:.0} | {d_bare_rps:.0} | {:.2} |\n",
            o.stations,
            d_rps / d_bare_rps
        ),
        latency_row("district roll-up through the router", &full_d, &bare_d),
        format!("| peak RSS of the bench process | {} MiB | | |\n", rss / 1024),
    ]
    .concat();
    println!("\n{table}");
    let header = format!(
        "## Wall board ({backend}, {} rooms, {} iterations, {} event streams)\n\nMachine: {}. Command: `cargo run --release -p yizhan -- bench board`. \
         \"From scratch\" runs every query of a snapshot (as after each change); \"through the router\" is the whole \
         application in-process (middleware, token check, JSON, no sockets) where TVs after the first get the snapshot \
         cached until the next change; the baseline runs every query of a snapshot directly (counts, grid, movements, key-attention facts, 14 days of stays and alerts, the duty roster). Event-to-client \
         is from the start of a write (a room's state changed, {EVENT_ROUNDS} times) to each open stream's next \
         frame, against the write itself: streams wake at the commit (on a second node through PostgreSQL's \
         NOTIFY); the change poll every {} is only the fallback.\n\n",
        o.rooms,
        o.iterations,
        o.clients,
        machine(),
        ms(yizhan_web::board::live::POLL),
    );
    write_section(&format!("## Wall board ({backend},"), &format!("{header}{table}\n"))?;
    db.close().await;
    if o.database_url.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}

/// Replaces the section of `docs/benchmarks.md` that starts with `marker` (each bench run keeps
/// one section per backend) with `body`, when run from the repository.
pub fn write_section(marker: &str, body: &str) -> anyhow::Result<()> {
    let doc = std::path::Path::new("docs/benchmarks.md");
    if !doc.parent().is_some_and(|p| p.exists()) {
        return Ok(());
    }
    let mut text = std::fs::read_to_string(doc).unwrap_or_else(|_| {
        "# Benchmarks\n\nFigures printed by the bench commands; each run replaces its own section.\n\n".into()
    });
    if let Some(start) = text.find(marker) {
        let end = text[start + 3..].find("\n## ").map(|e| start + 3 + e + 1).unwrap_or(text.len());
        text.replace_range(start..end, "");
    }
    // Figures first, the findings drawn from them last.
    match text.find("## Findings") {
        Some(at) => text.insert_str(at, body),
        None => text.push_str(body),
    }
    std::fs::write(doc, text)?;
    println!("written to docs/benchmarks.md");
    Ok(())
}

/// Peak and current resident memory of this process, in KiB (VmHWM, VmRSS).
pub fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// Starts a new peak-memory measurement (Linux: the high-water mark falls back to the current
/// resident size).
pub fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The machine line of a bench section: "2 cores, AMD EPYC".
pub fn machine() -> String {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    format!("{cores} cores, {}", cpu_model())
}

/// The processor's model name.
fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_default()
}
