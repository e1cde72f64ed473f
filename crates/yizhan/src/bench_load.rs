//! `yizhan bench load`: a city's working day against real `yizhan serve` processes on the
//! database given (a `yizhan demo --scale` dataset). Every station's staff record temperature
//! rounds and check guests in, leads read their station's pages, commanders read the district's
//! pages, TVs hold event streams and fetch their boards, for as long as asked; each request is
//! timed by route group. Baseline: the same requests one at a time on the idle nodes, first.
//! Prints figures; asserts nothing on time.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use rand::Rng;
use yizhan_core::access::{Actor, Grant, Role, Scope};
use yizhan_store::db::q;
use yizhan_store::{Db, scale, station::board};

use crate::bench::{machine, mib, ms, pct, write_section};
use crate::bench_checkin::Conn;
use crate::bench_lists::signed_in;
use crate::bench_node::{rss_kib, spawn_node, stream};

pub struct Options {
    pub database_url: String,
    pub seconds: u64,
    pub nodes: usize,
    pub streams: usize,
}

/// What a request is for, as the figures are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Group {
    Rounds,
    CheckIns,
    LeadPages,
    Boards,
    Commanders,
    Imports,
}

impl Group {
    const ALL: [Group; 6] = [
        Group::Rounds,
        Group::CheckIns,
        Group::LeadPages,
        Group::Boards,
        Group::Commanders,
        Group::Imports,
    ];
    fn label(self) -> &'static str {
        match self {
            Group::Rounds => "staff: temperature readings (`POST /api/v1/stays/{id}/health`)",
            Group::CheckIns => "staff: register and check in (`POST …/guests`, `…/check-in`)",
            Group::LeadPages => "leads: guests, rooms, key attention pages",
            Group::Boards => "wall boards: snapshot (`GET /api/v1/stations/{id}/board`)",
            Group::Commanders => "commanders: overview, district board, report, lists",
            Group::Imports => {
                "enterprises: 100 returning workers from .csv (`POST /workers/import`)"
            }
        }
    }
}

/// Each staff member takes a reading every so often, a check-in every minute; a lead opens a
/// page every few seconds, a commander every ten, a TV fetches its board after a change.
const READING_EVERY: Duration = Duration::from_secs(5);
const CHECK_IN_EVERY: Duration = Duration::from_secs(60);
const LEAD_EVERY: Duration = Duration::from_secs(3);
const COMMANDER_EVERY: Duration = Duration::from_secs(10);
const COMMANDERS: usize = 50;
const BOARD_FETCHERS: usize = 20;
const BOARD_EVERY: Duration = Duration::from_millis(200);
/// Check-ins of the baseline, at the first station before the load.
const IDLE_CHECK_INS: usize = 5;
/// Enterprises whose clerks upload their returning workers, each a file of `IMPORT_ROWS` rows.
const IMPORTERS: usize = 10;
const IMPORT_EVERY: Duration = Duration::from_secs(30);
const IMPORT_ROWS: usize = 100;
/// Numbers the uploaded workers' ID numbers (`bench_import::id_number`): far past any dataset's,
/// and past an earlier run's (the count of workers grows by what it imported).
static NEXT_WORKER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
const FIRST_WORKER: usize = 40_000_000;

/// A signed-in person: the headers that carry the session and its CSRF token.
#[derive(Clone)]
struct Person {
    headers: Vec<(&'static str, String)>,
}

/// An account with `grants`, signed in (one password hash for all).
async fn person(db: &Db, name: &str, hash: &str, grants: &[Grant]) -> anyhow::Result<Person> {
    let (token, csrf) = signed_in(db, name, hash, grants).await?;
    Ok(Person {
        headers: vec![
            ("Content-Type", "application/json".to_owned()),
            ("Cookie", format!("yz_session={token}")),
            ("X-CSRF-Token", csrf),
        ],
    })
}

/// An enterprise's clerk: the name the rows give as employer, the session and its CSRF token.
#[derive(Clone)]
struct Importer {
    enterprise: String,
    cookie: String,
    csrf: String,
}

/// The clerk uploads a .csv of `IMPORT_ROWS` new workers, as the import page sends it.
fn import(conn: &mut Option<Conn>, addr: &str, who: &Importer) -> Sample {
    use std::sync::atomic::Ordering;
    let first = NEXT_WORKER.fetch_add(IMPORT_ROWS, Ordering::Relaxed);
    let mut csv =
        "姓名,身份证号,手机号,户籍省份,户籍城市,用工企业,返岗方式,抵达日期,状态\n".to_owned();
    for i in first..first + IMPORT_ROWS {
        let mut row = crate::bench_import::row(i);
        row[5] = who.enterprise.clone();
        csv.push_str(&row.join(","));
        csv.push('\n');
    }
    let boundary = "yizhanbenchboundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"mode\"\r\n\r\nvalid\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"workers.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
    );
    let headers = [
        ("Content-Type", format!("multipart/form-data; boundary={boundary}")),
        ("Cookie", who.cookie.clone()),
    ];
    let path = format!("/workers/import?_csrf={}", who.csrf);
    timed(conn, addr, Group::Imports, ("POST", &path, &headers, &body)).0
}

/// One station as the load sees it: its staff and lead, its open stays and free rooms.
struct Station {
    id: i64,
    staff: Person,
    lead: Person,
    stays: Vec<i64>,
    free_rooms: Vec<i64>,
}

/// One timed request: its group, its time, whether it was answered as it should be.
type Sample = (Group, Duration, bool);

/// Sends one request on `conn` (reopened after an error) and times it.
fn timed(
    conn: &mut Option<Conn>,
    addr: &str,
    group: Group,
    (method, path, headers, body): (&str, &str, &[(&'static str, String)], &str),
) -> (Sample, String) {
    let t = Instant::now();
    let answer = (|| {
        if conn.is_none() {
            *conn = Some(Conn::open(addr)?);
        }
        conn.as_mut().context("connection")?.send(method, path, headers, body)
    })();
    let elapsed = t.elapsed();
    match answer {
        Ok((status, _, body)) => ((group, elapsed, (200..400).contains(&status)), body),
        Err(e) => {
            *conn = None;
            ((group, elapsed, false), e.to_string())
        }
    }
}

/// Sleeps until `next`, then moves it on by `every` (open loop: a slow answer does not slow
/// the schedule).
fn pace(next: &mut Instant, every: Duration) {
    if let Some(wait) = next.checked_duration_since(Instant::now()) {
        std::thread::sleep(wait);
    }
    *next += every;
}

/// A traveller registered at the station and checked into `room`: two requests.
fn check_in(
    conn: &mut Option<Conn>,
    addr: &str,
    st: &Station,
    room: i64,
    policy: i64,
) -> Vec<Sample> {
    let n: u32 = rand::rng().random_range(0..100_000_000);
    let guest = format!(
        r#"{{"doc_type":"passport","doc_number":"L{n:08}","name":"压测旅客","sex":"male","birth_date":"1985-05-05","phone":"9{:07}","region":"广东省深圳市","category":"inbound_traveller"}}"#,
        n % 10_000_000
    );
    let path = format!("/api/v1/stations/{}/guests", st.id);
    let (registered, body) =
        timed(conn, addr, Group::CheckIns, ("POST", &path, &st.staff.headers, &guest));
    let mut samples = vec![registered];
    let id = serde_json::from_str::<serde_json::Value>(&body).ok().and_then(|v| v["id"].as_i64());
    if let Some(id) = id {
        let (s, _) = timed(
            conn,
            addr,
            Group::CheckIns,
            (
                "POST",
                &format!("/api/v1/guests/{id}/check-in"),
                &st.staff.headers,
                &format!(r#"{{"room_id":{room},"policy_id":{policy}}}"#),
            ),
        );
        samples.push(s);
    }
    samples
}

/// A station's staff member until `until`: readings of random open stays, and now and then a
/// traveller registered and checked into a free room.
fn staff_day(addr: String, st: Arc<Station>, policy: i64, until: Instant) -> Vec<Sample> {
    let mut rng = rand::rng();
    let (mut conn, mut samples) = (None, Vec::new());
    let today = yizhan_core::time::local_date(yizhan_store::db::now()).to_string();
    let slot = if chrono::Timelike::hour(&chrono::Local::now()) < 12 { "am" } else { "pm" };
    // The first rooms are the baseline's.
    let mut rooms = st.free_rooms.iter().skip(IDLE_CHECK_INS).copied().collect::<Vec<_>>();
    let start = Instant::now() + Duration::from_millis(rng.random_range(0..5_000));
    let (mut next_reading, mut next_check_in) =
        (start, start + Duration::from_millis(rng.random_range(0..60_000)));
    while Instant::now() < until && !st.stays.is_empty() {
        if Instant::now() >= next_check_in
            && let Some(room) = rooms.pop()
        {
            next_check_in += CHECK_IN_EVERY;
            samples.extend(check_in(&mut conn, &addr, &st, room, policy));
            continue;
        }
        pace(&mut next_reading, READING_EVERY);
        let stay = st.stays[rng.random_range(0..st.stays.len())];
        let t = format!("36.{}", rng.random_range(0..8));
        let (s, _) = timed(
            &mut conn,
            &addr,
            Group::Rounds,
            (
                "POST",
                &format!("/api/v1/stays/{stay}/health"),
                &st.staff.headers,
                &format!(r#"{{"temperature":"{t}","day":"{today}","slot":"{slot}"}}"#),
            ),
        );
        samples.push(s);
    }
    samples
}

/// Someone reading pages until `until`: `paths` one after another, one every `every`.
fn reader(
    addr: String,
    who: Person,
    group: Group,
    paths: Vec<String>,
    every: Duration,
    until: Instant,
) -> Vec<Sample> {
    let mut rng = rand::rng();
    let (mut conn, mut samples) = (None, Vec::new());
    let mut next =
        Instant::now() + Duration::from_millis(rng.random_range(0..every.as_millis() as u64));
    let mut i = rng.random_range(0..paths.len());
    while Instant::now() < until {
        pace(&mut next, every);
        let (s, _) =
            timed(&mut conn, &addr, group, ("GET", &paths[i % paths.len()], &who.headers, ""));
        samples.push(s);
        i += 1;
    }
    samples
}

/// p50, p95, p99 of a group's sorted times.
fn percentiles(times: &[Duration]) -> String {
    format!("{} / {} / {}", ms(pct(times, 0.5)), ms(pct(times, 0.95)), ms(pct(times, 0.99)))
}

pub async fn load(db: &Db, o: Options) -> anyhow::Result<()> {
    let backend = format!("{:?}", db.backend());
    let census = scale::census(db).await?;
    let count = |t: &str| census.iter().find(|(k, _)| *k == t).map(|(_, n)| *n).unwrap_or(0);
    let label = crate::bench::scale_label(count("stays"));

    // The people, each signed in; the stations' open stays and free rooms.
    let ids = yizhan_store::command::reports::reported_stations(db).await?;
    anyhow::ensure!(!ids.is_empty(), "no station: fill the database with `yizhan demo --scale`");
    let run: u32 = rand::random();
    let hash = yizhan_web::auth::password::hash_blocking("bench load password 1")?;
    let mut stays: HashMap<i64, Vec<i64>> = HashMap::new();
    let open: Vec<(i64, i64)> =
        db.fetch_all(q("SELECT station_id, id FROM stays WHERE ended_at IS NULL")).await?;
    for (st, id) in open {
        stays.entry(st).or_default().push(id);
    }
    // The generated history leaves every empty room awaiting disinfection: the disinfection
    // team readies enough for the day's check-ins first (as if disinfected and evaluated).
    let check_ins = (o.seconds / CHECK_IN_EVERY.as_secs()) as i64 + 1 + IDLE_CHECK_INS as i64;
    // A station whose rooms earlier runs filled releases its longest stays first, as on any day.
    let empty: Vec<(i64, i64)> = db
        .fetch_all(q("SELECT station_id, COUNT(*) FROM rooms WHERE state IN ('ready', 'awaiting_disinfection') GROUP BY station_id"))
        .await?;
    let empty: HashMap<i64, i64> = empty.into_iter().collect();
    for (st, open) in stays.iter_mut() {
        let short = (check_ins - empty.get(st).copied().unwrap_or(0)).max(0) as usize;
        for stay in open.drain(..short.min(open.len())) {
            yizhan_store::station::stays::check_out(
                db,
                &Actor::system(),
                stay,
                yizhan_core::station::stay::Outcome::Released,
                None,
            )
            .await?;
        }
    }
    let waiting: Vec<(i64, i64)> = db
        .fetch_all(q("SELECT station_id, id FROM rooms WHERE state = 'awaiting_disinfection' ORDER BY station_id, id"))
        .await?;
    let mut readied: HashMap<i64, i64> = HashMap::new();
    for (st, room) in waiting {
        let n = readied.entry(st).or_default();
        if *n < check_ins {
            *n += 1;
            db.execute(q("UPDATE rooms SET state = 'ready' WHERE id = $1").bind(room)).await?;
        }
    }
    let mut free: HashMap<i64, Vec<i64>> = HashMap::new();
    let ready: Vec<(i64, i64)> =
        db.fetch_all(q("SELECT station_id, id FROM rooms WHERE state = 'ready'")).await?;
    for (st, id) in ready {
        free.entry(st).or_default().push(id);
    }
    let mut stations = Vec::with_capacity(ids.len());
    for &id in &ids {
        let grant = |role| [Grant { role, scope: Scope::Station(id) }];
        stations.push(Arc::new(Station {
            id,
            staff: person(db, &format!("load{run}-staff-{id}"), &hash, &grant(Role::StationStaff))
                .await?,
            lead: person(db, &format!("load{run}-lead-{id}"), &hash, &grant(Role::StationLead))
                .await?,
            stays: stays.remove(&id).unwrap_or_default(),
            free_rooms: free.remove(&id).unwrap_or_default(),
        }));
    }
    let mut commanders = Vec::with_capacity(COMMANDERS);
    for i in 0..COMMANDERS {
        let grants = [Grant { role: Role::Commander, scope: Scope::District }];
        commanders.push(person(db, &format!("load{run}-commander-{i}"), &hash, &grants).await?);
    }
    let enterprises: Vec<(i64, String)> = db
        .fetch_all(
            q("SELECT id, name FROM enterprises ORDER BY id LIMIT $1").bind(IMPORTERS as i64),
        )
        .await?;
    let (workers,): (i64,) = db.fetch_one(q("SELECT COUNT(*) FROM returning_workers")).await?;
    NEXT_WORKER.store(FIRST_WORKER + workers as usize, std::sync::atomic::Ordering::Relaxed);
    let mut importers = Vec::with_capacity(enterprises.len());
    for (id, name) in enterprises {
        let grants = [Grant { role: Role::Enterprise, scope: Scope::Enterprise(id) }];
        let (token, csrf) =
            signed_in(db, &format!("load{run}-enterprise-{id}"), &hash, &grants).await?;
        importers.push(Importer { enterprise: name, cookie: format!("yz_session={token}"), csrf });
    }
    let policy = yizhan_store::station::policies::list(db)
        .await?
        .into_iter()
        .find(|p| p.code == "14+7")
        .context("the 14+7 policy")?
        .id;
    let mut tokens = Vec::with_capacity(ids.len());
    for &id in &ids {
        let token = format!("{:064x}", rand::random::<u128>());
        board::create_token(db, &Actor::system(), Some(id), "bench load", &token).await?;
        tokens.push((id, token));
    }

    // The nodes.
    let mut nodes = Vec::with_capacity(o.nodes);
    for _ in 0..o.nodes {
        nodes.push(spawn_node(&o.database_url).await?);
    }
    let addrs: Vec<String> = nodes.iter().map(|(_, a)| a.clone()).collect();
    let pids: Vec<u32> = nodes.iter().map(|(n, _)| n.0.id()).collect();
    let yesterday =
        yizhan_core::time::local_date(yizhan_store::db::now()) - chrono::Duration::days(1);
    // Commanders read yesterday's report, which the morning job makes at 07:00: before that
    // hour (or on a fresh dataset) it is made here first, as the job would have.
    if yizhan_store::command::reports::get(db, yesterday).await?.is_none() {
        let (_, _, state) = yizhan_web::build_with_state(db.clone(), Default::default());
        yizhan_web::jobs::daily_report::generate(&state, &Actor::system(), yesterday).await?;
    }
    let lead_paths =
        |st: i64| ["guests", "rooms", "attention"].map(|p| format!("/stations/{st}/{p}")).to_vec();
    let commander_paths: Vec<String> = [
        "/".to_owned(),
        "/command".to_owned(),
        "/api/v1/district/board".to_owned(),
        format!("/reports/{yesterday}"),
        "/stations".to_owned(),
        "/workers".to_owned(),
        "/enterprises".to_owned(),
        "/inspections".to_owned(),
    ]
    .to_vec();
    let board_paths: Vec<String> =
        ids.iter().map(|id| format!("/api/v1/stations/{id}/board")).collect();

    // Baseline: each kind of request one at a time on the idle first node.
    let a = addrs[0].clone();
    let (st0, c0) = (stations[0].clone(), commanders[0].clone());
    let (lp, cp, bp) = (lead_paths(st0.id), commander_paths.clone(), board_paths.clone());
    let tokens0 = tokens[0].1.clone();
    let importer0 = importers.first().cloned();
    let idle: HashMap<Group, Vec<Duration>> = tokio::task::spawn_blocking(move || {
        let mut conn = None;
        let mut idle: HashMap<Group, Vec<Duration>> = HashMap::new();
        let today = yizhan_core::time::local_date(yizhan_store::db::now()).to_string();
        for i in 0..20 {
            if let Some(stay) = st0.stays.get(i % st0.stays.len().max(1)) {
                let body = format!(r#"{{"temperature":"36.5","day":"{today}","slot":"am"}}"#);
                let path = format!("/api/v1/stays/{stay}/health");
                let (s, _) =
                    timed(&mut conn, &a, Group::Rounds, ("POST", &path, &st0.staff.headers, &body));
                idle.entry(s.0).or_default().push(s.1);
            }
            let lead = &lp[i % lp.len()];
            let (s, _) =
                timed(&mut conn, &a, Group::LeadPages, ("GET", lead, &st0.lead.headers, ""));
            idle.entry(s.0).or_default().push(s.1);
            let cmd = &cp[i % cp.len()];
            let (s, _) = timed(&mut conn, &a, Group::Commanders, ("GET", cmd, &c0.headers, ""));
            idle.entry(s.0).or_default().push(s.1);
            let tv = [("Cookie", format!("yz_board={tokens0}"))];
            let (s, _) = timed(&mut conn, &a, Group::Boards, ("GET", &bp[0], &tv, ""));
            idle.entry(s.0).or_default().push(s.1);
            if let Some(who) = &importer0 {
                let s = import(&mut conn, &a, who);
                idle.entry(s.0).or_default().push(s.1);
            }
        }
        for &room in st0.free_rooms.iter().take(IDLE_CHECK_INS) {
            for s in check_in(&mut conn, &a, &st0, room, policy) {
                idle.entry(s.0).or_default().push(s.1);
            }
        }
        for v in idle.values_mut() {
            v.sort();
        }
        idle
    })
    .await?;

    // The TVs: event streams held open, spread over the stations and the nodes.
    let (addrs2, tokens2, n_streams) = (addrs.clone(), tokens.clone(), o.streams);
    let streams = tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<_>> {
        (0..n_streams)
            .map(|i| {
                let (st, token) = &tokens2[i % tokens2.len()];
                stream(
                    &addrs2[i % addrs2.len()],
                    &format!("/board/{st}/events"),
                    &format!("yz_board={token}"),
                )
            })
            .collect()
    })
    .await??;

    // The day: every thread until the same moment; memory sampled every second.
    let until = Instant::now() + Duration::from_secs(o.seconds);
    let mut threads = Vec::new();
    for (i, st) in stations.iter().enumerate() {
        let (a, st2) = (addrs[i % addrs.len()].clone(), st.clone());
        threads.push(std::thread::spawn(move || staff_day(a, st2, policy, until)));
        // A lead for every tenth station reads pages (the others are on the floor).
        if i % 10 == 0 {
            let (a, lead, paths) =
                (addrs[(i + 1) % addrs.len()].clone(), st.lead.clone(), lead_paths(st.id));
            threads.push(std::thread::spawn(move || {
                reader(a, lead, Group::LeadPages, paths, LEAD_EVERY, until)
            }));
        }
    }
    for (i, c) in commanders.iter().enumerate() {
        let (a, c, paths) = (addrs[i % addrs.len()].clone(), c.clone(), commander_paths.clone());
        threads.push(std::thread::spawn(move || {
            reader(a, c, Group::Commanders, paths, COMMANDER_EVERY, until)
        }));
    }
    for (i, who) in importers.iter().enumerate() {
        let (a, who) = (addrs[i % addrs.len()].clone(), who.clone());
        threads.push(std::thread::spawn(move || {
            let mut rng = rand::rng();
            let (mut conn, mut samples) = (None, Vec::new());
            let mut next = Instant::now()
                + Duration::from_millis(rng.random_range(0..IMPORT_EVERY.as_millis() as u64));
            while Instant::now() < until {
                pace(&mut next, IMPORT_EVERY);
                samples.push(import(&mut conn, &a, &who));
            }
            samples
        }));
    }
    for i in 0..BOARD_FETCHERS {
        // A TV's board read with its own token: each fetcher stands for the TVs of a share of
        // the stations, fetching after the changes the readings make.
        let (st, token) = tokens[i % tokens.len()].clone();
        let who = Person { headers: vec![("Cookie", format!("yz_board={token}"))] };
        let (a, paths) =
            (addrs[i % addrs.len()].clone(), vec![format!("/api/v1/stations/{st}/board")]);
        threads.push(std::thread::spawn(move || {
            reader(a, who, Group::Boards, paths, BOARD_EVERY, until)
        }));
    }
    let mut peak = vec![0u64; pids.len()];
    while Instant::now() < until {
        for (p, pid) in peak.iter_mut().zip(&pids) {
            *p = (*p).max(rss_kib(*pid));
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let mut by: HashMap<Group, (Vec<Duration>, usize)> = HashMap::new();
    for t in threads {
        for (g, d, ok) in t.join().map_err(|_| anyhow::anyhow!("a load thread panicked"))? {
            let e = by.entry(g).or_default();
            e.0.push(d);
            e.1 += usize::from(!ok);
        }
    }
    drop(streams);
    drop(nodes);

    let n_importers = importers.len();
    // What the schedule asked for, per second: a group that fell behind answered too slowly for
    // its callers to keep to it (each waits for its answer).
    let n = stations.len() as f64;
    let check_ins =
        stations.iter().map(|s| s.free_rooms.len().saturating_sub(IDLE_CHECK_INS)).sum::<usize>()
            as f64;
    let offered = |g: Group| match g {
        Group::Rounds => n / READING_EVERY.as_secs_f64(),
        Group::CheckIns => {
            2.0 * (n / CHECK_IN_EVERY.as_secs_f64()).min(check_ins / o.seconds as f64)
        }
        Group::LeadPages => (n / 10.0).ceil() / LEAD_EVERY.as_secs_f64(),
        Group::Boards => BOARD_FETCHERS as f64 / BOARD_EVERY.as_secs_f64(),
        Group::Commanders => COMMANDERS as f64 / COMMANDER_EVERY.as_secs_f64(),
        Group::Imports => n_importers as f64 / IMPORT_EVERY.as_secs_f64(),
    };
    let mut table = "| route group | requests (errors) | requests/s: answered / scheduled | p50 / p95 / p99 under load | one at a time, idle node: p50 / p95 / p99 | p95 ratio | goal p95 ≤ 100 ms, p99 ≤ 300 ms, no errors |\n|---|---|---|---|---|---|---|\n".to_owned();
    for g in Group::ALL {
        let (mut times, errors) = by.remove(&g).unwrap_or_default();
        times.sort();
        let base = idle.get(&g).cloned().unwrap_or_default();
        let met = !times.is_empty()
            && pct(&times, 0.95) <= Duration::from_millis(100)
            && pct(&times, 0.99) <= Duration::from_millis(300)
            && errors == 0;
        table.push_str(&format!(
            "| {} | {} ({errors}) | {:.1} / {:.1} | {} | {} | {} | {} |\n",
            g.label(),
            times.len(),
            times.len() as f64 / o.seconds as f64,
            offered(g),
            percentiles(&times),
            if base.is_empty() { "—".to_owned() } else { percentiles(&base) },
            if base.is_empty() {
                "—".to_owned()
            } else {
                format!(
                    "{:.2}",
                    pct(&times, 0.95).as_secs_f64() / pct(&base, 0.95).as_secs_f64().max(1e-9)
                )
            },
            if met { "met" } else { "**missed**" },
        ));
    }
    for (i, p) in peak.iter().enumerate() {
        table.push_str(&format!(
            "| node {} resident memory, highest | {} | | | | | {} |\n",
            i + 1,
            mib(*p),
            if *p <= 150 * 1024 { "≤ 150 MB: met" } else { "≤ 150 MB: **missed**" }
        ));
    }
    println!("\n{table}");
    let header = format!(
        "## Load ({backend}, {label} dataset, {} node{}, {} s)\n\nMachine: {}. Dataset: {} stations, {} stays, {} returning workers (`yizhan demo --scale {label}`). \
         Command: `cargo run --release -p yizhan -- --database-url URL bench load [--nodes N] [--seconds S]`. \
         `yizhan serve` processes on that database, the bench on the same machine. For {} s: each station's staff \
         member records a reading every {} s and registers and checks in a traveller every {} s (the bench readies \
         enough rooms awaiting disinfection first); \
         a lead for every tenth station opens a page every {} s; {COMMANDERS} commanders open one every {} s; \
         {} TVs hold event streams and {BOARD_FETCHERS} readers fetch a station's board every {} ms; \
         the clerks of {IMPORTERS} enterprises each upload {IMPORT_ROWS} returning workers (.csv) every {} s; requests \
         spread over the nodes on keep-alive connections, paced open-loop (a slow answer does not slow the schedule). \
         Baseline: the same kinds of request, 20 each, one at a time on the first node before the load.\n\n",
        o.nodes,
        if o.nodes == 1 { "" } else { "s" },
        o.seconds,
        machine(),
        ids.len(),
        count("stays"),
        count("returning_workers"),
        o.seconds,
        READING_EVERY.as_secs(),
        CHECK_IN_EVERY.as_secs(),
        LEAD_EVERY.as_secs(),
        COMMANDER_EVERY.as_secs(),
        o.streams,
        BOARD_EVERY.as_millis(),
        IMPORT_EVERY.as_secs(),
    );
    write_section(
        &format!("## Load ({backend}, {label} dataset, {} node", o.nodes),
        &format!("{header}{table}\n"),
    )?;
    Ok(())
}
