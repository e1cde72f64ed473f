//! The binary as a user runs it: demo, audit verify, backup, restore, serve + SIGTERM, on a real
//! SQLite file; migrate and serve on a fresh PostgreSQL database.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use yizhan_store::Backend;
use yizhan_store::testing::TestDb;

fn yizhan(db_url: &str, args: &[&str], cwd: &Path) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_yizhan"))
        .args(args)
        .env("YIZHAN_DATABASE_URL", db_url)
        .current_dir(cwd)
        .output()
        .expect("run yizhan");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn tempdir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("yizhan-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn demo_backup_restore_and_audit_verify_on_sqlite() {
    let dir = tempdir("backup");
    let url = "sqlite:yizhan.db";
    let (ok, out) = yizhan(url, &["demo"], &dir);
    assert!(ok, "{out}");
    assert!(out.contains("龙岗区 11 个街道, 5 个驿站"), "{out}");
    assert_eq!(
        out.lines().filter(|l| l.starts_with("  ")).count(),
        11,
        "one account per role: {out}"
    );
    // Running it again adds nothing.
    let (ok, again) = yizhan(url, &["demo"], &dir);
    assert!(ok && again.contains("已存在"), "{again}");

    let (ok, out) = yizhan(url, &["audit", "verify"], &dir);
    assert!(ok && out.contains("audit chain intact"), "{out}");

    let (ok, out) = yizhan(url, &["backup", "copy.db"], &dir);
    assert!(ok && out.contains("integrity ok"), "{out}");
    assert!(dir.join("copy.db").metadata().unwrap().len() > 10_000);
    let (ok, out) = yizhan(url, &["backup", "copy.db"], &dir);
    assert!(
        !ok && out.contains("already exists"),
        "never overwrites: {out}"
    );

    // Restore into a new location and read it back.
    let (ok, out) = yizhan("sqlite:restored.db", &["restore", "copy.db"], &dir);
    assert!(ok, "{out}");
    let (ok, out) = yizhan("sqlite:restored.db", &["user", "list"], &dir);
    assert!(
        ok && out.contains("commander") && out.contains("station_lead@station:1"),
        "{out}"
    );
    // Restoring over an existing database needs --force; a broken file is refused.
    let (ok, out) = yizhan("sqlite:restored.db", &["restore", "copy.db"], &dir);
    assert!(!ok && out.contains("--force"), "{out}");
    std::fs::write(
        dir.join("junk.db"),
        b"this is not a database at all, not even close",
    )
    .unwrap();
    let (ok, out) = yizhan(
        "sqlite:restored.db",
        &["restore", "junk.db", "--force"],
        &dir,
    );
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
        db.execute(q("DROP TRIGGER audit_log_no_update"))
            .await
            .unwrap();
        db.execute(q("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3"))
            .await
            .unwrap();
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
        printed
            .iter()
            .any(|l| l.contains("admin") && l.contains("one-time password")),
        "{printed:?}"
    );
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    use std::io::{Read, Write};
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    assert!(
        resp.starts_with("HTTP/1.1 200") && resp.ends_with("ok\n"),
        "{resp}"
    );
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
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
    assert!(
        !dir.join("yizhan.db").exists(),
        "no SQLite file when PostgreSQL is configured"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
