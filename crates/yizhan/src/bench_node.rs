//! `yizhan bench node`: a real `yizhan serve` process on the database given (a scale dataset from
//! `yizhan demo --scale`): how long it takes to answer, its resident memory idle and with 1,000
//! wall boards streaming events, and the district roll-up over HTTP against the bare query on
//! the same database in the same run. Prints figures; asserts nothing on time.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use yizhan_core::access::Actor;
use yizhan_store::station::{board, counters};
use yizhan_store::{Db, scale};

use crate::bench::{latency_row, machine, mib, ms, pct, write_section};

pub struct Options {
    pub database_url: String,
    pub clients: usize,
    pub iterations: usize,
}

/// The child's resident memory, KiB.
pub(crate) fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0)
}

/// One GET on a fresh connection; the status and the body's length.
fn get(addr: &str, path: &str, cookie: &str) -> anyhow::Result<(u16, usize)> {
    use std::io::Read;
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(60)))?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nCookie: {cookie}\r\n\r\n"
    )?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw);
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).context("no status line")?;
    Ok((status, raw.len()))
}

/// Opens an event stream and reads until its first event; the connection stays open.
pub(crate) fn stream(addr: &str, path: &str, cookie: &str) -> anyhow::Result<BufReader<TcpStream>> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\nCookie: {cookie}\r\n\r\n"
    )?;
    let mut r = BufReader::new(s);
    let mut line = String::new();
    r.read_line(&mut line)?;
    if !line.contains(" 200") {
        bail!("event stream answered {line:?}");
    }
    loop {
        line.clear();
        if r.read_line(&mut line)? == 0 || line.starts_with("data:") {
            return Ok(r);
        }
    }
}

pub(crate) struct Node(pub(crate) Child);
impl Drop for Node {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.0.id().to_string()).status();
        let _ = self.0.wait();
    }
}

/// A `yizhan serve` process on `database_url` at a free port, once it answers `/healthz`.
pub(crate) async fn spawn_node(database_url: &str) -> anyhow::Result<(Node, String)> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let addr = format!("127.0.0.1:{port}");
    let started = Instant::now();
    let child = Command::new(std::env::current_exe()?)
        .args(["serve", "--listen", &addr])
        .env("YIZHAN_DATABASE_URL", database_url)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("start yizhan serve")?;
    let node = Node(child);
    let a = addr.clone();
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        while started.elapsed() < Duration::from_secs(120) {
            if matches!(get(&a, "/healthz", ""), Ok((200, _))) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        bail!("the node did not answer within two minutes")
    })
    .await??;
    Ok((node, addr))
}

/// The roll-up from the records takes ~0.3 s on the city: a few runs give its median.
const RECOUNTS: usize = 5;

pub async fn node(db: &Db, o: Options) -> anyhow::Result<()> {
    let backend = format!("{:?}", db.backend());
    let census = scale::census(db).await?;
    let n = |t: &str| census.iter().find(|(k, _)| *k == t).map(|(_, n)| *n).unwrap_or(0);
    let bytes = scale::database_bytes(db).await?;
    let station = yizhan_store::station::stations::list(db)
        .await?
        .first()
        .map(|s| s.id)
        .context("the database has no station: fill it with `yizhan demo --scale district`")?;
    let suffix: u64 = rand::random();
    let (st_token, d_token) = (format!("{suffix:064x}"), format!("{:064x}", suffix ^ 0xd15));
    board::create_token(db, &Actor::system(), Some(station), "bench node", &st_token).await?;
    board::create_token(db, &Actor::system(), None, "bench node district", &d_token).await?;

    // The bare roll-up, on this process's connection: the stations' lines and the 14-day
    // trend from the counters; and the lines counted from the records, as before the counters.
    let today = yizhan_core::time::local_date(yizhan_store::db::now());
    counters::fold(db).await?;
    let mut bare = Vec::with_capacity(o.iterations);
    for _ in 0..o.iterations {
        let t = Instant::now();
        counters::lines(db, today).await?;
        counters::days(db, today - chrono::Duration::days(13)).await?;
        bare.push(t.elapsed());
    }
    bare.sort();
    let mut recounted = Vec::with_capacity(RECOUNTS);
    for _ in 0..RECOUNTS {
        let t = Instant::now();
        counters::recount(db, today).await?;
        recounted.push(t.elapsed());
    }
    recounted.sort();
    let lines = counters::lines(db, today).await?;
    anyhow::ensure!(
        lines == counters::recount(db, today).await?,
        "the counters disagree with the records"
    );

    // The node: from spawn to the first answer.
    let started = Instant::now();
    let (node, addr) = spawn_node(&o.database_url).await?;
    let start_time = started.elapsed();
    let pid = node.0.id();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let idle = rss_kib(pid);

    // The roll-up through the node.
    let (a, cookie, iterations) = (addr.clone(), format!("yz_board={d_token}"), o.iterations);
    let (first, mut http, size) = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
        let t = Instant::now();
        let (status, size) = get(&a, "/api/v1/district/board", &cookie)?;
        anyhow::ensure!(status == 200, "district board answered {status}");
        let first = t.elapsed();
        let mut times = Vec::with_capacity(iterations);
        for _ in 0..iterations {
            let t = Instant::now();
            get(&a, "/api/v1/district/board", &cookie)?;
            times.push(t.elapsed());
        }
        Ok((first, times, size))
    })
    .await??;
    http.sort();
    let after_rollup = rss_kib(pid);

    // 1,000 TVs on the station's event stream.
    let (a, cookie, clients) = (addr.clone(), format!("yz_board={st_token}"), o.clients);
    let streams =
        tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<BufReader<TcpStream>>> {
            (0..clients).map(|_| stream(&a, &format!("/board/{station}/events"), &cookie)).collect()
        })
        .await??;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let with_streams = rss_kib(pid);
    drop(streams);
    drop(node);

    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64().max(1e-9);
    let table = format!(
        "| figure | value | baseline (same run) | ratio |\n|---|---|---|---|\n\
         | time to start (spawn to first answer, migrations checked) | {} | | |\n\
         | resident memory, idle | {} | | |\n\
         | counters against the records | equal on all {} stations | | |\n\
         | district roll-up from the counters, bare, p50 / p99 | {} / {} | counted from the records, p50 {} | {:.3} |\n\
         | district roll-up over HTTP, first request | {} | bare query p50 {} | {:.2} |\n\
         {}\
         | resident memory after the roll-ups | {} | | |\n\
         | resident memory with {} event streams open | {} | idle {} | {:.2} |\n",
        ms(start_time),
        mib(idle),
        lines.len(),
        ms(pct(&bare, 0.5)),
        ms(pct(&bare, 0.99)),
        ms(pct(&recounted, 0.5)),
        ratio(pct(&bare, 0.5), pct(&recounted, 0.5)),
        ms(first),
        ms(pct(&bare, 0.5)),
        ratio(first, pct(&bare, 0.5)),
        latency_row(&format!("district roll-up over HTTP ({size} bytes)"), &http, &bare),
        mib(after_rollup),
        o.clients,
        mib(with_streams),
        mib(idle),
        with_streams as f64 / idle.max(1) as f64,
    );
    println!("\n{table}");
    let dataset = format!(
        "{} stations, {} rooms, {} stays, {} health checks, {} enterprises, {} returning workers; {:.0} MiB",
        n("stations"),
        n("rooms"),
        n("stays"),
        n("health_checks"),
        n("enterprises"),
        n("returning_workers"),
        bytes as f64 / 1_048_576.0
    );
    let label = crate::bench::scale_label(n("stays"));
    let header = format!(
        "## Node ({backend}, {label} dataset)\n\nMachine: {}. Dataset: {dataset} \
         (`yizhan demo --scale {label}`). Command: `cargo run --release -p yizhan -- --database-url URL bench node`. \
         A `yizhan serve` process on that database: time from spawn to the first answer of `/healthz`; its \
         resident memory (VmRSS) 3 s after starting, after the roll-ups and with {} wall boards holding an \
         event stream each. The roll-up is `GET /api/v1/district/board` (a district display token; a new \
         connection each time); the baseline is its queries (the stations' lines and the 14-day trend \
         from the counters) run bare in the bench process, {} times each; the lines counted from the \
         records (the roll-up before the counters) {RECOUNTS} times.\n\n",
        machine(),
        o.clients,
        o.iterations,
    );
    write_section(&format!("## Node ({backend}, {label} dataset"), &format!("{header}{table}\n"))?;
    Ok(())
}
