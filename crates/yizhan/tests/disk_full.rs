//! Disk full: `yizhan serve` with its SQLite file on a small tmpfs. A ballast file takes the
//! rest of the space; writes must then fail with a 503 and the "disk full" message (never a 500,
//! nothing half saved), reads keep working; once the ballast is removed, writes succeed again
//! without a restart, every acknowledged write is there and `PRAGMA integrity_check` is ok.
//! Needs root (it mounts a tmpfs), as CI has; without it the test fails, it does not skip.

mod common;

use std::io::Write;
use std::process::Command;

use common::{http, login, open, prepare, spawn_node, tempdir};
use yizhan_store::db::q;

fn guest(n: usize) -> String {
    format!(
        r#"{{"doc_type":"passport","doc_number":"E{:08}","name":"满盘{n}","sex":"male","birth_date":"1980-01-01","phone":"13800138000","region":"深圳","category":"other","note":"{}"}}"#,
        n,
        "备注".repeat(200)
    )
}

/// Writes zeros until the file system says no more.
fn fill(path: &std::path::Path) -> u64 {
    let mut f = std::fs::File::create(path).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    let mut written = 0;
    while let Ok(n) = f.write(&chunk) {
        if n == 0 {
            break;
        }
        written += n as u64;
    }
    let _ = f.sync_all();
    written
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_refuses_writes_cleanly_and_recovers_without_a_restart() {
    let dir = tempdir("diskfull");
    let mnt = dir.join("mnt");
    std::fs::create_dir_all(&mnt).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=24m", "tmpfs"])
        .arg(&mnt)
        .status()
        .unwrap();
    assert!(
        mounted.success(),
        "mounting a tmpfs needs root (CI runs as root); the disk-full test cannot run here"
    );
    let url = format!("sqlite:{}", mnt.join("full.db").display());
    let (st, _rooms, _) = prepare(&url, 50).await;
    let result = tokio::task::spawn_blocking({
        let (url, dir, mnt) = (url.clone(), dir.clone(), mnt.clone());
        move || {
            let (mut node, addr) = spawn_node(&url, &dir, &[]);
            let auth = login(&addr, "staff", common::PASSWORD);
            let post = |n: usize| {
                http::request(
                    &addr,
                    "POST",
                    &format!("/api/v1/stations/{st}/guests"),
                    &auth,
                    &guest(n),
                )
            };
            let mut acked = Vec::new();
            assert_eq!(post(0).status, 201);
            acked.push(0);
            // The disk fills up.
            let ballast = mnt.join("ballast");
            let taken = fill(&ballast);
            let mut refused = None;
            for n in 1..5_000 {
                let r = post(n);
                match r.status {
                    201 => acked.push(n),
                    503 => {
                        refused = Some((n, r.body));
                        break;
                    }
                    s => panic!("a write on a full disk answered {s}: {}", r.body),
                }
            }
            let (at, body) = refused.expect("writes were refused once the disk was full");
            assert!(body.contains("storage_full") && body.contains("存储空间已满"), "{body}");
            // More writes keep failing the same clean way; reads go on.
            for n in at + 1..at + 4 {
                let r = post(n);
                assert_eq!(r.status, 503, "{}", r.body);
            }
            let list =
                http::request(&addr, "GET", &format!("/api/v1/stations/{st}/guests"), &auth, "");
            assert_eq!(list.status, 200, "reads work on a full disk: {}", list.body);
            // Space returns: the same process takes writes again.
            std::fs::remove_file(&ballast).unwrap();
            let again = post(at + 10);
            assert_eq!(again.status, 201, "after space returned: {}", again.body);
            acked.push(at + 10);
            let _ = Command::new("kill").args(["-TERM", &node.id().to_string()]).status();
            let _ = node.wait();
            (acked, at, taken)
        }
    })
    .await;
    let checked = async {
        let (acked, at, taken) = result.as_ref().map_err(|e| format!("{e}"))?.clone();
        let db = open(&url).await;
        let (ok,): (String,) = db.fetch_one(q("PRAGMA integrity_check")).await.unwrap();
        let docs: Vec<(String,)> = db.fetch_all(q("SELECT doc_number FROM guests")).await.unwrap();
        db.close().await;
        Ok::<_, String>((acked, at, taken, ok, docs))
    }
    .await;
    let _ = Command::new("umount").arg(&mnt).status();
    let (acked, at, taken, ok, docs) = checked.unwrap();
    assert_eq!(ok, "ok");
    for n in &acked {
        let doc = format!("E{n:08}");
        assert!(docs.iter().any(|(d,)| *d == doc), "acknowledged {doc} lost");
    }
    // The refused write left nothing behind.
    assert!(!docs.iter().any(|(d,)| *d == format!("E{at:08}")));
    println!(
        "disk full: {} writes acknowledged, the ballast took {:.1} MB, write {at} and the next three \
         refused with 503 storage_full, reads served, writes back after the ballast went, \
         integrity_check ok",
        acked.len(),
        taken as f64 / 1e6
    );
    let _ = std::fs::remove_dir_all(&dir);
}
