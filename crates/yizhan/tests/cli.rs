//! The binary as a user runs it: demo, audit verify, backup, restore, serve + SIGTERM, on a real
//! SQLite file; migrate and serve on a fresh PostgreSQL database.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

mod common;

use common::{http, spawn_node, tempdir};
use yizhan_store::Backend;
use yizhan_store::testing::TestDb;

fn yizhan(db_url: &str, args: &[&str], cwd: &Path) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_yizhan"))
        .args(args)
        .env("YIZHAN_DATABASE_URL", db_url)
        .current_dir(cwd)
        .output()
        .expect("run yizhan");
    let text =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

#[test]
fn demo_backup_restore_and_audit_verify_on_sqlite() {
    let dir = tempdir("backup");
    let url = "sqlite:yizhan.db";
    let (ok, out) = yizhan(url, &["demo"], &dir);
    assert!(ok, "{out}");
    assert!(out.contains("龙岗区 11 个街道, 5 个驿站"), "{out}");
    assert!(out.contains("12 个工作组 86 名工作人员"), "{out}");
    assert!(out.contains("341 家企业"), "{out}");
    assert!(out.contains("返岗人员 738 名"), "{out}");
    assert!(out.contains("包车 4 辆, 企业困难 12 件, 惠企申请 10 份"), "{out}");
    assert!(out.contains("经济指标 / economic indicators: 120 个月度数据 (2019–2020)"), "{out}");
    assert_eq!(
        out.lines().filter(|l| l.starts_with("  ")).count(),
        11,
        "one account per role: {out}"
    );
    // Running it again adds nothing.
    let (ok, again) = yizhan(url, &["demo"], &dir);
    assert!(ok && again.contains("已存在"), "{again}");

    // `yizhan import workers`: the page's import from the command line, with a progress bar.
    let employer = yizhan_core::validate::with_check_char("91440307000000000").unwrap();
    let id =
        |n: u32| yizhan_core::validate::with_check_digit(&format!("53060219850101{n:03}")).unwrap();
    std::fs::write(
        dir.join("名单.csv"),
        format!(
            "姓名,身份证号,手机号,户籍省份,户籍城市,用工企业\n\
             赵一,{},13800138000,云南,昭通,{employer}\n\
             钱二,{},13800138001,广西,百色,{employer}\n\
             孙三,{},1380013,四川,南充,{employer}\n",
            id(101),
            id(102),
            id(103)
        ),
    )
    .unwrap();
    let (ok, out) = yizhan(url, &["import", "workers", "名单.csv", "--user", "commander"], &dir);
    assert!(!ok, "all or nothing with a bad row fails: {out}");
    assert!(out.contains("读取 3 行，导入 0 行，有问题 1 行"), "{out}");
    assert!(out.contains("第 4 行 · 手机号"), "{out}");
    let (ok, out) = yizhan(
        url,
        &["import", "workers", "名单.csv", "--user", "commander", "--mode", "valid"],
        &dir,
    );
    assert!(ok, "{out}");
    assert!(out.contains("[####################] 100.0%  3 行"), "{out}");
    assert!(out.contains("读取 3 行，导入 2 行，有问题 1 行"), "{out}");
    let (ok, out) = yizhan(url, &["import", "workers", "名单.csv", "--user", "viewer"], &dir);
    assert!(!ok && out.contains("may not register"), "{out}");

    let (ok, out) = yizhan(url, &["audit", "verify"], &dir);
    assert!(ok && out.contains("audit chain intact"), "{out}");

    let (ok, out) = yizhan(url, &["backup", "copy.db"], &dir);
    assert!(ok && out.contains("integrity ok"), "{out}");
    assert!(dir.join("copy.db").metadata().unwrap().len() > 10_000);
    let (ok, out) = yizhan(url, &["backup", "copy.db"], &dir);
    assert!(!ok && out.contains("already exists"), "never overwrites: {out}");

    // Restore into a new location and read it back.
    let (ok, out) = yizhan("sqlite:restored.db", &["restore", "copy.db"], &dir);
    assert!(ok, "{out}");
    let (ok, out) = yizhan("sqlite:restored.db", &["user", "list"], &dir);
    assert!(ok && out.contains("commander") && out.contains("station_lead@station:1"), "{out}");
    // Restoring over an existing database needs --force; a broken file is refused.
    let (ok, out) = yizhan("sqlite:restored.db", &["restore", "copy.db"], &dir);
    assert!(!ok && out.contains("--force"), "{out}");
    std::fs::write(dir.join("junk.db"), b"this is not a database at all, not even close").unwrap();
    let (ok, out) = yizhan("sqlite:restored.db", &["restore", "junk.db", "--force"], &dir);
    assert!(!ok, "{out}");

    // Someone edits row 3 behind the application's back: verify fails and names the row.
    let db_path = dir.join("yizhan.db");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let db = yizhan_store::Db::connect(&yizhan_store::ConnectOptions {
            url: format!("sqlite:{}", db_path.display()),
            max_connections: 1,
        })
        .await
        .unwrap();
        use yizhan_store::db::q;
        db.execute(q("DROP TRIGGER audit_log_no_update")).await.unwrap();
        db.execute(q("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3")).await.unwrap();
        db.close().await;
    });
    let (ok, out) = yizhan(url, &["audit", "verify"], &dir);
    assert!(!ok && out.contains("broken at row 3"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `serve` prints its URL, answers /healthz, creates the first admin, and stops on SIGTERM.
fn serve_and_stop(url: &str, dir: &Path) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_yizhan"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("YIZHAN_DATABASE_URL", url)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    let addr = loop {
        let line = lines.next().expect("serve exited early").unwrap();
        printed.push(line.clone());
        if let Some(i) = line.find("http://") {
            break line[i + 7..].trim_end_matches('/').to_owned();
        }
    };
    assert!(
        printed.iter().any(|l| l.contains("admin") && l.contains("one-time password")),
        "{printed:?}"
    );
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    use std::io::{Read, Write};
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    assert!(resp.starts_with("HTTP/1.1 200") && resp.ends_with("ok\n"), "{resp}");
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let code = child.wait().unwrap();
    assert!(code.success(), "graceful exit, got {code:?}");
    assert!(rest.iter().any(|l| l.contains("stopped")), "{rest:?}");
}

#[test]
fn serve_on_sqlite_starts_prints_and_stops_on_sigterm() {
    let dir = tempdir("serve");
    serve_and_stop("sqlite:yizhan.db", &dir);
    assert!(dir.join("yizhan.db").exists(), "database file created");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_and_serve_on_postgres() {
    let t = TestDb::new(Backend::Postgres).await;
    let dir = tempdir("pg");
    let url = t.url.clone();
    let d2 = dir.clone();
    tokio::task::spawn_blocking(move || {
        let (ok, out) = yizhan(&url, &["migrate"], &d2);
        assert!(ok && out.contains("migrations applied"), "{out}");
        assert!(!out.contains("secret"), "no password in output");
        serve_and_stop(&url, &d2);
    })
    .await
    .unwrap();
    assert!(!dir.join("yizhan.db").exists(), "no SQLite file when PostgreSQL is configured");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Two `yizhan serve` processes on one PostgreSQL database: a check-in made through node A
/// appears on a board connected to node B, within a second.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_through_one_node_reaches_a_board_on_the_other() {
    use yizhan_core::access::Actor;
    let t = TestDb::new(Backend::Postgres).await;
    let db = t.db.clone();
    let sys = Actor::system();
    let (st, rooms, policy) = common::prepare(&t.url, 1).await;
    let room = rooms[0];
    let guest = common::guest(&db, st).await;
    let token = "c".repeat(64);
    yizhan_store::station::board::create_token(&db, &sys, Some(st), "TV", &token).await.unwrap();

    let dir = tempdir("nodes");
    let url = t.url.clone();
    let result = tokio::task::spawn_blocking(move || {
        let (mut a, addr_a) = spawn_node(&url, &dir, &[]);
        let (mut b, addr_b) = spawn_node(&url, &dir, &[]);
        // The board on node B.
        let mut stream = http::open_stream(
            &addr_b,
            &format!("/board/{st}/events"),
            &format!("yz_board={token}"),
        );
        let first = http::next_change(&mut stream).expect("first event");
        // Log in and check the guest in on node A.
        let auth = common::login(&addr_a, "staff", common::PASSWORD);
        // Skip the event the login itself caused, then time the check-in.
        let started = std::time::Instant::now();
        let check_in = http::request(
            &addr_a,
            "POST",
            &format!("/api/v1/guests/{guest}/check-in"),
            &auth,
            &format!(r#"{{"room_id":{room},"policy_id":{policy}}}"#),
        );
        assert_eq!(check_in.status, 201, "{}", check_in.body);
        let mut seen = first;
        let mut latency = None;
        while started.elapsed() < std::time::Duration::from_secs(3) {
            let Some(seq) = http::next_change(&mut stream) else {
                break;
            };
            seen = seq;
            let snap = http::request(
                &addr_b,
                "GET",
                &format!("/api/v1/stations/{st}/board"),
                &[("Cookie", format!("yz_board={token}"))],
                "",
            );
            if snap.body.contains("\"check_ins\":1") {
                latency = Some(started.elapsed());
                break;
            }
        }
        drop(stream);
        let _ = Command::new("kill").args(["-TERM", &a.id().to_string()]).status();
        let _ = Command::new("kill").args(["-TERM", &b.id().to_string()]).status();
        let _ = a.wait();
        let _ = b.wait();
        let _ = std::fs::remove_dir_all(&dir);
        (first, seen, latency)
    })
    .await
    .unwrap();
    let (first, seen, latency) = result;
    assert!(seen > first, "node B saw the audit sequence move ({first} → {seen})");
    let latency = latency.expect("node B's board showed the check-in made on node A");
    eprintln!("cross-node: check-in on A visible on B's board after {latency:?}");
    assert!(latency < std::time::Duration::from_secs(1), "{latency:?}");
}

/// Three `yizhan serve` processes on one PostgreSQL database, each ticking the daily-report job
/// as it starts (the report time is already past): exactly one report is made, by one node.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_nodes_make_the_daily_report_once() {
    use yizhan_core::access::{Actor, Grant, Role, Scope};
    let t = TestDb::new(Backend::Postgres).await;
    let db = t.db.clone();
    let sys = Actor::system();
    yizhan_store::station::stations::ensure_district(&db, &sys, "龙岗区", "440307", &["吉华街道"])
        .await
        .unwrap();
    // An account exists, so no node creates the first admin.
    let hash = yizhan_web::auth::password::hash_blocking("correct horse battery").unwrap();
    yizhan_store::admin::users::create(
        &db,
        &sys,
        &yizhan_store::admin::users::NewUser {
            username: "commander",
            display_name: "指挥部",
            password_hash: &hash,
            must_change_password: false,
            grants: &[Grant { role: Role::Commander, scope: Scope::District }],
        },
    )
    .await
    .unwrap();
    let dir = tempdir("report-nodes");
    let url = t.url.clone();
    let nodes = tokio::task::spawn_blocking(move || {
        (0..3).map(|_| spawn_node(&url, &dir, &["--report-at", "00:00"]).0).collect::<Vec<_>>()
    })
    .await
    .unwrap();
    let count = |sql: &'static str| {
        let db = db.clone();
        async move {
            let (n,): (i64,) = db.fetch_one(yizhan_store::db::q(sql)).await.unwrap();
            n
        }
    };
    let mut reports = 0;
    for _ in 0..200 {
        reports = count("SELECT COUNT(*) FROM daily_reports").await;
        if reports > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // Give the slower nodes time to have tried too.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let claims = count("SELECT COUNT(*) FROM job_runs WHERE job = 'daily_report'").await;
    let reports_after = count("SELECT COUNT(*) FROM daily_reports").await;
    let audit = count("SELECT COUNT(*) FROM audit_log WHERE action = 'report.generate'").await;
    for mut n in nodes {
        let _ = n.kill();
        let _ = n.wait();
    }
    assert_eq!((reports, reports_after, claims, audit), (1, 1, 1, 1));
}

/// What a robot's stand-in was sent: (head, body) of each request.
type Requests = std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>>;

/// A guest of station `st` checked into `room` with a fever of 38.6 now, as a station records
/// it; the alert's id.
async fn fever(db: &yizhan_store::Db, st: i64, room: i64, policy: i64) -> i64 {
    let sys = yizhan_core::access::Actor::system();
    let guest = common::guest(db, st).await;
    let stay = yizhan_store::station::stays::check_in(
        db,
        &sys,
        &yizhan_store::station::stays::CheckIn {
            station_id: st,
            guest_id: guest,
            room_id: room,
            policy_id: policy,
            at: yizhan_store::db::now(),
        },
    )
    .await
    .unwrap()
    .id;
    let check = yizhan_core::station::health::validate_health_check(
        &yizhan_core::station::health::HealthCheckInput {
            temperature: "38.6".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let (day, slot) =
        yizhan_core::station::health::slot_at(yizhan_store::db::now(), &Default::default());
    let (_, alert) =
        yizhan_store::station::health::record(db, &sys, stay, day, slot, &check).await.unwrap();
    alert.unwrap()
}

/// `yizhan channel add` of a WeCom group at `hook`, sealed under `key`: whether it succeeded and
/// what it said.
fn add_channel(db_url: &str, hook: &str, key: &str) -> (bool, String) {
    let add = Command::new(env!("CARGO_BIN_EXE_yizhan"))
        .args(["channel", "add", "--kind", "wecom", "--name", "医疗组群", "--url", hook])
        .env("YIZHAN_DATABASE_URL", db_url)
        .env("YIZHAN_SECRET_KEY", key)
        .output()
        .unwrap();
    let said =
        String::from_utf8_lossy(&add.stdout).into_owned() + &String::from_utf8_lossy(&add.stderr);
    (add.status.success(), said)
}

/// A robot's stand-in: keeps each request's head and body; never answers the first `hang`
/// (a robot gone silent mid-send), answers the others `{"errcode":0}`.
fn robot(hang: usize) -> (String, Requests) {
    use std::io::{Read, Write};
    let got = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let seen = got.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let seen = seen.clone();
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                // Read the head, then as many body bytes as it says.
                let (head_end, length) = loop {
                    let n = s.read(&mut chunk).unwrap_or(0);
                    if n == 0 {
                        break (0, 0);
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buf[..i]).to_lowercase();
                        let len = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        break (i + 4, len);
                    }
                };
                while buf.len() < head_end + length {
                    let n = s.read(&mut chunk).unwrap_or(0);
                    if n == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                }
                let head = String::from_utf8_lossy(&buf[..head_end]).to_lowercase();
                let n = {
                    let mut got = seen.lock().unwrap();
                    got.push((head, String::from_utf8_lossy(&buf[head_end..]).into_owned()));
                    got.len()
                };
                if n <= hang {
                    // Silent: hold the connection until the sender goes away.
                    std::thread::sleep(std::time::Duration::from_secs(120));
                    return;
                }
                let body = r#"{"errcode":0,"errmsg":"ok"}"#;
                let _ = write!(
                    s,
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    (url, got)
}

/// Two `yizhan serve` nodes on one PostgreSQL database, a WeCom group connected with
/// `yizhan channel add`: a fever reaches the group once, within seconds, from whichever node
/// claimed it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fever_reaches_the_group_once_from_two_nodes() {
    let t = TestDb::new(Backend::Postgres).await;
    let db = t.db.clone();
    let (st, rooms, policy) = common::prepare(&t.url, 1).await;
    let (hook, got) = robot(0);
    let dir = tempdir("notify-nodes");
    let key = "ab".repeat(32);
    let (ok, said) = add_channel(&t.url, &hook, &key);
    assert!(ok && said.contains("已添加通知渠道"), "{said}");
    // The list shows where it goes, not its address.
    let list = Command::new(env!("CARGO_BIN_EXE_yizhan"))
        .args(["channel", "list"])
        .env("YIZHAN_DATABASE_URL", &t.url)
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&list.stdout).into_owned();
    assert!(
        list.contains("wecom") && list.contains("127.0.0.1") && !list.contains("/hook"),
        "{list}"
    );
    // A bad channel names every bad field, and adds nothing.
    let bad = Command::new(env!("CARGO_BIN_EXE_yizhan"))
        .args([
            "channel",
            "add",
            "--kind",
            "slack",
            "--name",
            "x",
            "--url",
            "ftp://x",
            "--per-minute",
            "0",
        ])
        .env("YIZHAN_DATABASE_URL", &t.url)
        .env("YIZHAN_SECRET_KEY", &key)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&bad.stderr).into_owned();
    assert!(!bad.status.success(), "{said}");
    for field in ["类型", "地址", "每分钟条数"] {
        assert!(said.contains(field), "{field} missing: {said}");
    }
    assert_eq!(yizhan_store::notify::channels::list(&db).await.unwrap().len(), 1);

    let url = t.url.clone();
    let k = key.clone();
    let dir2 = dir.clone();
    let nodes = tokio::task::spawn_blocking(move || {
        (0..2).map(|_| spawn_node(&url, &dir2, &["--secret-key", &k]).0).collect::<Vec<_>>()
    })
    .await
    .unwrap();
    // A guest checked in and a fever recorded, as a station would.
    let started = std::time::Instant::now();
    fever(&db, st, rooms[0], policy).await;
    let mut latency = None;
    while started.elapsed() < std::time::Duration::from_secs(20) {
        if !got.lock().unwrap().is_empty() {
            latency = Some(started.elapsed());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // Both nodes have had time to try it too.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    for mut n in nodes {
        let _ = n.kill();
        let _ = n.wait();
    }
    let _ = std::fs::remove_dir_all(&dir);
    let got = got.lock().unwrap();
    let latency = latency.expect("the fever reached the group");
    eprintln!("fever to group: {latency:?}");
    assert_eq!(got.len(), 1, "once, from two nodes: {got:?}");
    let body = &got[0].1;
    assert!(
        body.contains("发热") && !body.contains("李四") && !body.contains("E12345678"),
        "{body}"
    );
}

/// A node killed (`kill -9`) while its robot has not answered: the notification stays claimed
/// until its lease runs out, then the other node sends it again under the same key, and it is
/// recorded sent once — nothing lost, nothing resent beyond the try that was cut off.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_killed_mid_send_leaves_its_notification_to_the_other() {
    let t = TestDb::new(Backend::Postgres).await;
    let db = t.db.clone();
    let (st, rooms, policy) = common::prepare(&t.url, 1).await;
    let (hook, got) = robot(1);
    let dir = tempdir("notify-kill");
    let key = "cd".repeat(32);
    let (ok, said) = add_channel(&t.url, &hook, &key);
    assert!(ok, "{said}");
    let (url, k, d) = (t.url.clone(), key.clone(), dir.clone());
    let mut first =
        tokio::task::spawn_blocking(move || spawn_node(&url, &d, &["--secret-key", &k]).0)
            .await
            .unwrap();
    let alert = fever(&db, st, rooms[0], policy).await;
    // The first node has sent it and waits for an answer that does not come: kill it.
    let wait = |n: usize| {
        let got = got.clone();
        async move {
            for _ in 0..1200 {
                if got.lock().unwrap().len() >= n {
                    return true;
                }
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            false
        }
    };
    assert!(wait(1).await, "the first node sent it");
    let _ = Command::new("kill").args(["-KILL", &first.id().to_string()]).status();
    let _ = first.wait();
    let row = &yizhan_store::notify::outbox::of_source(&db, "alert", alert).await.unwrap()[0];
    assert_eq!((row.status.as_str(), row.attempts), ("pending", 1), "claimed, not recorded");
    // Another node takes it once the dead node's lease has run out (30 s).
    let (url, k, d) = (t.url.clone(), key.clone(), dir.clone());
    let mut second =
        tokio::task::spawn_blocking(move || spawn_node(&url, &d, &["--secret-key", &k]).0)
            .await
            .unwrap();
    assert!(wait(2).await, "the second node sent it after the lease");
    let mut sent = false;
    for _ in 0..100 {
        let row = &yizhan_store::notify::outbox::of_source(&db, "alert", alert).await.unwrap()[0];
        if row.status == "sent" {
            assert_eq!(row.attempts, 2, "the cut-off try and the one that arrived");
            sent = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let _ = second.kill();
    let _ = second.wait();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(sent, "recorded sent");
    let got = got.lock().unwrap();
    assert_eq!(got.len(), 2, "the cut-off send and its one resend, nothing more");
    let key_of = |head: &str| {
        head.lines().find_map(|l| l.strip_prefix("idempotency-key:")).map(|v| v.trim().to_owned())
    };
    assert_eq!(key_of(&got[0].0), key_of(&got[1].0), "the same key, for a receiver that dedups");
    assert!(key_of(&got[0].0).is_some_and(|k| k.starts_with("yizhan-notification-")));
}
