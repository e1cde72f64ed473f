//! What the binary's tests share: a temporary directory, a `yizhan serve` node on a database,
//! and a tiny HTTP client.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

/// The password of the accounts the tests make.
pub const PASSWORD: &str = "correct horse battery";

pub fn tempdir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("yizhan-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Starts `yizhan serve` on a free port; returns the process and its address once it listens.
pub fn spawn_node(url: &str, dir: &Path, extra: &[&str]) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_yizhan"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(extra)
        .env("YIZHAN_DATABASE_URL", url)
        .current_dir(dir)
        .stdout(Stdio::piped())
        // The node's log, when a test needs reading: YIZHAN_TEST_NODE_LOG=/path.
        .stderr(match std::env::var("YIZHAN_TEST_NODE_LOG") {
            Ok(path) => std::fs::File::create(path).map(Stdio::from).unwrap_or(Stdio::null()),
            Err(_) => Stdio::null(),
        })
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("node exited").unwrap();
        if let Some(i) = line.find("http://") {
            break line[i + 7..].trim_end_matches('/').to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    (child, addr)
}

/// A tiny HTTP/1.1 client: enough to drive two nodes without pulling in a client library.
pub mod http {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpStream;
    use std::time::Duration;

    pub struct Resp {
        pub status: u16,
        pub headers: Vec<(String, String)>,
        pub body: String,
    }

    impl Resp {
        pub fn cookie(&self, name: &str) -> Option<String> {
            self.headers
                .iter()
                .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
                .filter_map(|(_, v)| v.split(';').next()?.split_once('='))
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_owned())
        }
    }

    pub fn request(
        addr: &str,
        method: &str,
        path: &str,
        headers: &[(&str, String)],
        body: &str,
    ) -> Resp {
        try_request(addr, method, path, headers, body).expect("request")
    }

    /// A request that may find the server gone (killed): `None` then, never a panic.
    pub fn try_request(
        addr: &str,
        method: &str,
        path: &str,
        headers: &[(&str, String)],
        body: &str,
    ) -> Option<Resp> {
        let mut s = TcpStream::connect(addr).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        req.push_str(body);
        s.write_all(req.as_bytes()).ok()?;
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).ok()?;
        let text = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let mut lines = head.lines();
        let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
        let headers = lines
            .filter_map(|l| l.split_once(": "))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        Some(Resp { status, headers, body: body.to_owned() })
    }

    /// Opens an event stream and returns a reader positioned after the headers.
    pub fn open_stream(addr: &str, path: &str, cookie: &str) -> BufReader<TcpStream> {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        s.write_all(format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nAccept: text/event-stream\r\n\r\n").as_bytes()).unwrap();
        let mut r = BufReader::new(s);
        let mut line = String::new();
        loop {
            line.clear();
            r.read_line(&mut line).unwrap();
            if line == "\r\n" {
                return r;
            }
        }
    }

    /// The next `event: change` line's data, skipping keep-alives and chunk sizes.
    pub fn next_change(r: &mut BufReader<TcpStream>) -> Option<i64> {
        let mut line = String::new();
        let mut saw_event = false;
        loop {
            line.clear();
            if r.read_line(&mut line).ok()? == 0 {
                return None;
            }
            let l = line.trim();
            if l == "event: change" {
                saw_event = true;
            } else if saw_event && let Some(d) = l.strip_prefix("data: ") {
                return d.parse().ok();
            }
        }
    }
}

use yizhan_core::access::{Actor, Grant, Role, Scope};
use yizhan_store::{ConnectOptions, Db};

pub async fn open(url: &str) -> Db {
    Db::connect(&ConnectOptions { url: url.into(), max_connections: 1 }).await.unwrap()
}

/// A station with `rooms` single rooms (a checked-out room awaits disinfection, so every cycle
/// needs fresh ones) and a staff account; returns (station, rooms, policy).
pub async fn prepare(url: &str, rooms: i64) -> (i64, Vec<i64>, i64) {
    let total = (rooms + 49) / 50 * 50;
    let db = open(url).await;
    yizhan_store::migrate::run(&db).await.unwrap();
    let sys = Actor::system();
    yizhan_store::station::stations::ensure_district(&db, &sys, "龙岗区", "440307", &["吉华街道"])
        .await
        .unwrap();
    let street = yizhan_store::station::stations::streets(&db).await.unwrap()[0].id;
    let st = yizhan_store::station::stations::create(
        &db,
        &sys,
        &yizhan_core::station::stations::NewStation {
            street_id: street,
            name: "卓汇健康驿站".into(),
            address: "吉华".into(),
            kind: yizhan_core::station::stations::StationKind::Hotel,
            capacity: total,
            contact_name: "陈".into(),
            contact_phone: "13800138000".into(),
            active: true,
        },
    )
    .await
    .unwrap()
    .id;
    let mut rooms = Vec::new();
    for floor in 0..total / 50 {
        let f = floor + 2;
        let new = yizhan_core::station::room::validate_bulk(
            &yizhan_core::station::room::BulkRoomsInput {
                floor: f.to_string(),
                first: (f * 100 + 1).to_string(),
                last: (f * 100 + 50).to_string(),
                beds: "1".into(),
                kind: "single".into(),
                prefix: String::new(),
            },
        )
        .unwrap();
        rooms.extend(yizhan_store::station::rooms::create_many(&db, &sys, st, &new).await.unwrap());
    }
    let hash = yizhan_web::auth::password::hash_blocking(PASSWORD).unwrap();
    yizhan_store::admin::users::create(
        &db,
        &sys,
        &yizhan_store::admin::users::NewUser {
            username: "staff",
            display_name: "前台",
            password_hash: &hash,
            must_change_password: false,
            grants: &[Grant { role: Role::StationStaff, scope: Scope::Station(st) }],
        },
    )
    .await
    .unwrap();
    let policy = yizhan_store::station::policies::list(&db).await.unwrap()[0].id;
    db.close().await;
    (st, rooms, policy)
}

/// Signs in through the API; returns the headers every later request sends (JSON, the
/// session cookie, the CSRF token).
pub fn login(addr: &str, username: &str, password: &str) -> Vec<(&'static str, String)> {
    let s = http::request(addr, "GET", "/api/v1/session", &[], "");
    let anon = s.cookie("yz_csrf").unwrap();
    let login = http::request(
        addr,
        "POST",
        "/api/v1/session",
        &[
            ("Content-Type", "application/json".into()),
            ("Cookie", format!("yz_csrf={anon}")),
            ("X-CSRF-Token", anon.clone()),
        ],
        &format!(r#"{{"username":"{username}","password":"{password}"}}"#),
    );
    assert_eq!(login.status, 200, "{}", login.body);
    let cookie = login.cookie("yz_session").unwrap();
    let csrf = login.body.split("\"csrf_token\":\"").nth(1).unwrap()[..64].to_owned();
    vec![
        ("Content-Type", "application/json".to_owned()),
        ("Cookie", format!("yz_session={cookie}")),
        ("X-CSRF-Token", csrf),
    ]
}

/// A guest of station `st` (李四, passport E12345678); its id.
pub async fn guest(db: &Db, st: i64) -> i64 {
    yizhan_store::station::guests::create(
        db,
        &Actor::system(),
        st,
        &yizhan_core::station::guest::validate_guest(
            &yizhan_core::station::guest::GuestInput {
                doc_type: "passport".into(),
                doc_number: "E12345678".into(),
                name: "李四".into(),
                sex: Some("male".into()),
                birth_date: Some("1980-01-01".into()),
                phone: "13800138000".into(),
                region: "深圳".into(),
                category: "other".into(),
                ..Default::default()
            },
            chrono::NaiveDate::from_ymd_opt(2021, 1, 1).unwrap(),
        )
        .unwrap(),
    )
    .await
    .unwrap()
    .id
}
