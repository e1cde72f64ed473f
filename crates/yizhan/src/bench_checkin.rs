//! `yizhan bench checkin`: check-ins per second through HTTP (real sockets, login, CSRF, JSON, the
//! whole router) against the limit of the same database: bare transactions writing the same rows
//! (stay, test calendar, movement, room state and its event, audit entry) one after another with
//! `synchronous=FULL`. Then latency at half the measured rate, paced open-loop so a slow answer
//! delays the ones behind it and shows in the figures. Prints figures; asserts nothing on time.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use yizhan_core::access::{Actor, Grant, Role, Scope};
use yizhan_core::station::quarantine::{QuarantinePolicy, planned_release, test_calendar};
use yizhan_core::station::stations::{NewStation, StationKind};
use yizhan_store::db::{Backend, now, q, q_dynamic};
use yizhan_store::scale::GuestRow;
use yizhan_store::{ConnectOptions, Db, admin::users, scale, station::policies, station::stations};

use crate::bench::{latency_row, machine, single_rooms, write_section};

pub struct Options {
    pub checkins: usize,
    pub clients: usize,
    pub database_url: Option<String>,
}

const PASSWORD: &str = "bench-password-1";

/// A keep-alive HTTP/1.1 connection that sends one request at a time.
pub(crate) struct Conn {
    addr: String,
    reader: BufReader<TcpStream>,
}

impl Conn {
    pub(crate) fn open(addr: &str) -> anyhow::Result<Conn> {
        let s = TcpStream::connect(addr)?;
        s.set_nodelay(true)?;
        s.set_read_timeout(Some(Duration::from_secs(30)))?;
        Ok(Conn { addr: addr.to_owned(), reader: BufReader::new(s) })
    }

    /// Returns the status, the `Set-Cookie` values and the body.
    pub(crate) fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, String)],
        body: &str,
    ) -> anyhow::Result<(u16, Vec<String>, String)> {
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        req.push_str(body);
        self.reader.get_mut().write_all(req.as_bytes())?;
        let mut line = String::new();
        self.reader.read_line(&mut line)?;
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .with_context(|| format!("bad status line {line:?}"))?;
        let (mut length, mut cookies) = (0usize, Vec::new());
        loop {
            line.clear();
            self.reader.read_line(&mut line)?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(": ") {
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.parse()?;
                } else if k.eq_ignore_ascii_case("set-cookie") {
                    cookies.push(v.split(';').next().unwrap_or("").to_owned());
                }
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body)?;
        Ok((status, cookies, String::from_utf8_lossy(&body).into_owned()))
    }
}

/// Signs in through the API; returns the headers every later request sends.
fn login(addr: &str, username: &str) -> anyhow::Result<Vec<(&'static str, String)>> {
    let mut c = Conn::open(addr)?;
    let (_, cookies, _) = c.send("GET", "/api/v1/session", &[], "")?;
    let anon = cookies
        .iter()
        .find_map(|c| c.strip_prefix("yz_csrf="))
        .context("no CSRF cookie")?
        .to_owned();
    let (status, cookies, body) = c.send(
        "POST",
        "/api/v1/session",
        &[
            ("Content-Type", "application/json".into()),
            ("Cookie", format!("yz_csrf={anon}")),
            ("X-CSRF-Token", anon.clone()),
        ],
        &format!(r#"{{"username":"{username}","password":"{PASSWORD}"}}"#),
    )?;
    anyhow::ensure!(status == 200, "login answered {status}: {body}");
    let session = cookies
        .iter()
        .find_map(|c| c.strip_prefix("yz_session="))
        .context("no session cookie")?
        .to_owned();
    let csrf: serde_json::Value = serde_json::from_str(&body)?;
    Ok(vec![
        ("Content-Type", "application/json".to_owned()),
        ("Cookie", format!("yz_session={session}")),
        ("X-CSRF-Token", csrf["csrf_token"].as_str().context("no csrf_token")?.to_owned()),
    ])
}

/// A station with `n` single rooms and `n` guests, and a staff account for it.
pub(crate) async fn station(
    db: &Db,
    label: &str,
    n: usize,
) -> anyhow::Result<(i64, Vec<i64>, Vec<i64>)> {
    let sys = Actor::system();
    stations::ensure_district(db, &sys, "龙岗区", "440307", &["吉华街道"]).await?;
    let street = stations::streets(db).await?[0].id;
    let st = stations::create(
        db,
        &sys,
        &NewStation {
            street_id: street,
            name: format!("入住基准驿站{label}"),
            address: "吉华".into(),
            kind: StationKind::Hotel,
            capacity: n as i64,
            contact_name: "基准".into(),
            contact_phone: "13800138000".into(),
            active: true,
        },
    )
    .await?
    .id;
    let room_ids = single_rooms(db, st, n).await?;
    let at = now();
    let rows: Vec<GuestRow> = (0..n)
        .map(|i| GuestRow {
            station_id: st,
            doc_type: "hk_macau_permit",
            doc_number: format!("H{:08}", 30_000_000 + i),
            name: format!("基准{i}"),
            sex: "male",
            birth_date: chrono::NaiveDate::from_ymd_opt(1980, 1, 1).unwrap_or_default(),
            phone: "91234567".into(),
            region: "香港",
            employer: "基准物流",
            plate_cn: "粤ZAB12港".into(),
            at,
        })
        .collect();
    let guest_ids = scale::guests(db, st, &rows).await?;
    let hash = yizhan_web::auth::password::hash_blocking(PASSWORD)?;
    users::create(
        db,
        &sys,
        &users::NewUser {
            username: &format!("checkin{label}"),
            display_name: "基准前台",
            password_hash: &hash,
            must_change_password: false,
            grants: &[Grant { role: Role::StationStaff, scope: Scope::Station(st) }],
        },
    )
    .await?;
    Ok((st, room_ids, guest_ids))
}

/// The limit: the rows a check-in writes, as bare statements in one transaction each, one
/// transaction after another on one connection.
async fn bare(
    db: &Db,
    st: i64,
    rooms: &[i64],
    guests: &[i64],
    (policy_id, policy): (i64, &QuarantinePolicy),
) -> anyhow::Result<Vec<Duration>> {
    let mut times = Vec::with_capacity(rooms.len());
    for (&room, &guest) in rooms.iter().zip(guests) {
        let t = Instant::now();
        let at = now();
        let mut tx = db.begin().await?;
        let (id,): (i64,) = tx
            .fetch_one(
                q("INSERT INTO stays (station_id, guest_id, room_id, bed_no, policy_id, checked_in_at, planned_release)
                   VALUES ($1, $2, $3, 1, $4, $5, $6) RETURNING id")
                .bind(st)
                .bind(guest)
                .bind(room)
                .bind(policy_id)
                .bind(at)
                .bind(planned_release(policy, at)),
            )
            .await?;
        yizhan_store::station::stays::insert_calendar(&mut tx, id, &test_calendar(policy, at))
            .await?;
        tx.execute(
            q("INSERT INTO stay_events (stay_id, station_id, kind, room_id, detail, actor, at)
               VALUES ($1, $2, 'check_in', $3, '{\"bed\":1}', 'bench', $4)")
            .bind(id)
            .bind(st)
            .bind(room)
            .bind(at),
        )
        .await?;
        tx.execute(
            q("UPDATE rooms SET state = 'occupied', updated_at = $2 WHERE id = $1")
                .bind(room)
                .bind(at),
        )
        .await?;
        tx.execute(
            q("INSERT INTO room_events (room_id, from_state, to_state, cause, actor, at)
               VALUES ($1, 'ready', 'occupied', 'check_in', 'bench', $2)")
            .bind(room)
            .bind(at),
        )
        .await?;
        yizhan_store::admin::audit::append(
            &mut tx,
            &Actor::system(),
            yizhan_store::admin::audit::Entry::new("stay.check_in", "stay", id),
        )
        .await?;
        tx.commit().await?;
        times.push(t.elapsed());
    }
    Ok(times)
}

/// One-row transactions one after another: what a commit costs by itself (on SQLite the WAL's
/// flush to disk), the limit group commit would lift.
async fn commits(db: &Db, n: usize) -> anyhow::Result<f64> {
    db.execute(q("CREATE TABLE bench_commits (n BIGINT NOT NULL)")).await?;
    let t = Instant::now();
    for i in 0..n {
        let mut tx = db.begin().await?;
        tx.execute(q("INSERT INTO bench_commits (n) VALUES ($1)").bind(i as i64)).await?;
        tx.commit().await?;
    }
    let rate = n as f64 / t.elapsed().as_secs_f64();
    db.execute(q("DROP TABLE bench_commits")).await?;
    Ok(rate)
}

/// Statements that do nothing (`SELECT 1`) one after another in a write transaction: what a
/// statement costs by itself (on SQLite a round trip to sqlx's thread for the connection).
async fn round_trips(db: &Db, n: usize) -> anyhow::Result<f64> {
    let mut tx = db.begin().await?;
    let t = Instant::now();
    for _ in 0..n {
        let _: (i64,) = tx.fetch_one(q("SELECT CAST(1 AS BIGINT)")).await?;
    }
    let rate = n as f64 / t.elapsed().as_secs_f64();
    tx.commit().await?;
    Ok(rate)
}

/// Drops the station counters' triggers (migration 0050) from the bench's own database, so that
/// the same bare check-ins show what keeping the counters costs a check-in. Returns how many.
async fn drop_counter_triggers(db: &Db) -> anyhow::Result<usize> {
    let sql = match db.backend() {
        Backend::Sqlite => {
            "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%counted%'"
        }
        Backend::Postgres => {
            "SELECT tgname::text, tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE '%counted%'"
        }
    };
    let triggers: Vec<(String, String)> = db.fetch_all(q(sql)).await?;
    for (name, table) in &triggers {
        db.execute(q_dynamic(match db.backend() {
            Backend::Sqlite => format!("DROP TRIGGER {name}"),
            Backend::Postgres => format!("DROP TRIGGER {name} ON {table}"),
        }))
        .await?;
    }
    Ok(triggers.len())
}

/// Check-ins per second of bare transactions, and their times sorted.
async fn bare_run(
    db: &Db,
    station: (i64, &[i64], &[i64]),
    policy: (i64, &QuarantinePolicy),
) -> anyhow::Result<(f64, Vec<Duration>)> {
    let (st, rooms, guests) = station;
    let mut times = bare(db, st, rooms, guests, policy).await?;
    let rate = rooms.len() as f64 / times.iter().sum::<Duration>().as_secs_f64();
    times.sort();
    Ok((rate, times))
}

/// `total` check-ins over HTTP by `clients` threads; `rate` paces them (check-ins per second,
/// open loop: each has a start time and its latency counts from it), `None` sends as fast as the
/// server answers. Returns the wall time and each check-in's latency.
fn over_http(
    addr: &str,
    auth: &[(&'static str, String)],
    pairs: Arc<Vec<(i64, i64)>>,
    policy: i64,
    clients: usize,
    rate: Option<f64>,
) -> anyhow::Result<(Duration, Vec<Duration>)> {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let handles: Vec<_> = (0..clients)
        .map(|_| {
            let (addr, auth, pairs, next) =
                (addr.to_owned(), auth.to_vec(), pairs.clone(), next.clone());
            std::thread::spawn(move || -> anyhow::Result<Vec<Duration>> {
                let mut conn = Conn::open(&addr)?;
                let mut times = Vec::new();
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&(guest, room)) = pairs.get(k) else {
                        return Ok(times);
                    };
                    let due = match rate {
                        Some(r) => started + Duration::from_secs_f64(k as f64 / r),
                        None => Instant::now(),
                    };
                    if let Some(wait) = due.checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                    let (status, _, body) = conn.send(
                        "POST",
                        &format!("/api/v1/guests/{guest}/check-in"),
                        &auth,
                        &format!(r#"{{"room_id":{room},"policy_id":{policy}}}"#),
                    )?;
                    if status != 201 {
                        bail!("check-in answered {status}: {body}");
                    }
                    times.push(due.elapsed());
                }
            })
        })
        .collect();
    let mut all = Vec::new();
    for h in handles {
        all.extend(h.join().map_err(|_| anyhow::anyhow!("a client thread panicked"))??);
    }
    let wall = started.elapsed();
    all.sort();
    Ok((wall, all))
}

pub async fn checkin(o: Options) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("yizhan-bench-checkin-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let url = o
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite:{}", dir.join("checkin.db").display()));
    let db = Db::connect(&ConnectOptions { url, max_connections: 8 })
        .await
        .context("open the bench database")?;
    yizhan_store::migrate::run(&db).await?;
    // It drops the counters' triggers at the end: never on a database in use.
    let (in_use,): (i64,) = db.fetch_one(q("SELECT COUNT(*) FROM stations")).await?;
    if in_use > 0 {
        bail!("bench checkin needs an empty database of its own; this one has {in_use} stations");
    }
    let backend = format!("{:?}", db.backend());
    let n = o.checkins;
    let row = policies::list(&db)
        .await?
        .into_iter()
        .find(|p| p.code == "driver")
        .context("the driver policy")?;
    let (policy, rules) = (row.id, row.policy());
    let tag = std::process::id();
    let (st_bare, rooms_bare, guests_bare) = station(&db, &format!("{tag}a"), n).await?;
    let (_, rooms_max, guests_max) = station(&db, &format!("{tag}b"), n).await?;
    let (_, rooms_half, guests_half) = station(&db, &format!("{tag}c"), n / 2).await?;
    let (st_plain, rooms_plain, guests_plain) = station(&db, &format!("{tag}d"), n).await?;
    let sqlite = db.backend() == Backend::Sqlite;
    let (_, rooms_alone, guests_alone) = if sqlite {
        station(&db, &format!("{tag}e"), n).await?
    } else {
        (0, Vec::new(), Vec::new())
    };
    println!(
        "dataset: stations of {n}, {n}, {}, {n} and {} rooms and guests ({backend})",
        n / 2,
        rooms_alone.len()
    );

    let commit_rate = commits(&db, n).await?;
    println!("one-row transactions: {commit_rate:.0}/s");
    let trip_rate = round_trips(&db, n * 5).await?;
    println!("empty statements: {trip_rate:.0}/s");
    let (bare_rate, bare_times) =
        bare_run(&db, (st_bare, &rooms_bare, &guests_bare), (policy, &rules)).await?;
    println!("bare transactions: {bare_rate:.0}/s");

    let (app, _, _) = yizhan_web::build_with_state(db.clone(), Default::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?.to_string();
    tokio::spawn(async move { axum::serve(listener, app).await });

    let a = addr.clone();
    let auth_b =
        tokio::task::spawn_blocking(move || login(&a, &format!("checkin{tag}b"))).await??;
    let a = addr.clone();
    let auth_c =
        tokio::task::spawn_blocking(move || login(&a, &format!("checkin{tag}c"))).await??;
    // On SQLite, first with every check-in committing alone: what group commit is measured against.
    let alone = if sqlite {
        let a = addr.clone();
        let auth_e =
            tokio::task::spawn_blocking(move || login(&a, &format!("checkin{tag}e"))).await??;
        let pairs: Arc<Vec<(i64, i64)>> =
            Arc::new(guests_alone.into_iter().zip(rooms_alone).collect());
        let (a, clients) = (addr.clone(), o.clients);
        db.group_commit(false);
        let run = tokio::task::spawn_blocking(move || {
            over_http(&a, &auth_e, pairs, policy, clients, None)
        })
        .await;
        db.group_commit(true);
        let (wall, times) = run??;
        let rate = n as f64 / wall.as_secs_f64();
        println!("through HTTP, each check-in committed alone: {rate:.0}/s");
        Some((rate, times))
    } else {
        None
    };
    let pairs: Arc<Vec<(i64, i64)>> = Arc::new(guests_max.into_iter().zip(rooms_max).collect());
    let (a, clients) = (addr.clone(), o.clients);
    let grouped_before = db.group_commits();
    let (wall, max_times) =
        tokio::task::spawn_blocking(move || over_http(&a, &auth_b, pairs, policy, clients, None))
            .await??;
    let http_rate = n as f64 / wall.as_secs_f64();
    println!("through HTTP, {clients} clients: {http_rate:.0}/s");
    // On SQLite: how many check-ins each commit held (group commit, `store::writer`).
    let grouped = match (grouped_before, db.group_commits()) {
        (Some((c0, w0)), Some((c1, w1))) if c1 > c0 => {
            let per = (w1 - w0) as f64 / (c1 - c0) as f64;
            format!(
                "| writes per commit at full load (group commit: {} commits for {} writes) | {per:.2} | 1 | {per:.2} |\n",
                c1 - c0,
                w1 - w0
            )
        }
        _ => String::new(),
    };

    let half = http_rate / 2.0;
    let pairs: Arc<Vec<(i64, i64)>> = Arc::new(guests_half.into_iter().zip(rooms_half).collect());
    let a = addr.clone();
    let (_, half_times) = tokio::task::spawn_blocking(move || {
        over_http(&a, &auth_c, pairs, policy, clients, Some(half))
    })
    .await??;

    let dropped = drop_counter_triggers(&db).await?;
    let (plain_rate, _) =
        bare_run(&db, (st_plain, &rooms_plain, &guests_plain), (policy, &rules)).await?;
    println!("bare transactions without the counters' {dropped} triggers: {plain_rate:.0}/s");

    let table = [
        "| figure | value | baseline (bare transactions, same run) | ratio |\n|---|---|---|---|\n".to_owned(),
        format!(
            "| check-ins/s through HTTP, {clients} clients | {http_rate:.0} | {bare_rate:.0} | {:.2} |\n",
            http_rate / bare_rate
        ),
        grouped,
        latency_row("check-in latency at full load", &max_times, &bare_times),
        alone.as_ref().map_or(String::new(), |(rate, times)| {
            [
                format!(
                    "| check-ins/s through HTTP, each committed alone (group commit off) | {rate:.0} | {bare_rate:.0} | {:.2} (group commit: {:.2}×) |\n",
                    rate / bare_rate,
                    http_rate / rate
                ),
                latency_row("latency with each committed alone, full load", times, &bare_times),
            ]
            .concat()
        }),
        latency_row(
            &format!("check-in latency at half load ({half:.0}/s, paced)"),
            &half_times,
            &bare_times,
        ),
        format!(
            "| bare check-ins/s without the counters' {dropped} triggers (what they cost) | {plain_rate:.0} | {bare_rate:.0} | {:.2} |\n",
            plain_rate / bare_rate
        ),
        format!(
            "| one-row transactions/s, one after another (a commit alone) | {commit_rate:.0} | {bare_rate:.0} | {:.2} |\n",
            commit_rate / bare_rate
        ),
        format!(
            "| empty statements/s in a write transaction (`SELECT 1`: one statement's own cost, {:.0} µs) | {trip_rate:.0} | {bare_rate:.0} | {:.2} |\n",
            1e6 / trip_rate,
            trip_rate / bare_rate
        ),
    ]
    .concat();
    println!("\n{table}");
    let header = format!(
        "## Check-in ({backend}, {n} check-ins, {clients} clients)\n\nMachine: {}. Command: \
         `cargo run --release -p yizhan -- bench checkin`. Through HTTP: real sockets, keep-alive, a staff \
         session with its CSRF token, `POST /api/v1/guests/{{id}}/check-in` (the whole router: session, \
         scope check, validation, the check-in transaction, the answer). The baseline writes the same rows \
         (stay, its test days, movement, room state and its event, audit entry) as bare statements, one \
         transaction after another on one connection{}. Half load is paced open-loop at half the measured \
         rate; latency counts from each check-in's planned start. Then the bare check-ins once more \
         after dropping the station counters' triggers (the bench's own database), and one-row \
         transactions one after another: the commit's own cost, which group commit shares among the \
         writers queued behind each other. On SQLite the full load runs first with group commit off \
         (each check-in commits alone: the same server before `store::writer` grouped them).\n\n",
        machine(),
        if backend == "Sqlite" { ", WAL, `synchronous=FULL`" } else { "" },
    );
    write_section(&format!("## Check-in ({backend},"), &format!("{header}{table}\n"))?;
    db.close().await;
    if o.database_url.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}
