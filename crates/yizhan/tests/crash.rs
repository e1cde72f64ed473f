//! The crash test: `yizhan serve` on a SQLite file under a write load (guests registered,
//! checked in, checked out, through the API as staff do), killed with SIGKILL at a random moment,
//! restarted, again and again. After every kill the file must pass `PRAGMA integrity_check`,
//! every write the server acknowledged (a 201 or 200 received) must be there, no room or guest
//! may have two open stays, and the audit chain must verify. 50 cycles here; a long run:
//! `YIZHAN_CRASH_CYCLES=300 cargo test --release -p yizhan --test crash -- --nocapture`.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{PASSWORD, http, login, open, prepare, spawn_node, tempdir};
use rand::Rng;
use yizhan_store::db::q;

/// What the server said yes to.
#[derive(Default, Clone)]
struct Acked {
    guests: Vec<i64>,
    /// (stay, room)
    stays: Vec<(i64, i64)>,
    checked_out: Vec<i64>,
    /// Requests cut off by a kill (no answer): either outcome is allowed for those.
    cut: usize,
}

fn id_in(body: &str) -> Option<i64> {
    let rest = body.split("\"id\":").nth(1)?;
    rest.trim_start().chars().take_while(char::is_ascii_digit).collect::<String>().parse().ok()
}

/// Checks the file after a kill; returns the number of open stays.
async fn check(url: &str, acked: &Acked) -> i64 {
    let db = open(url).await;
    let (ok,): (String,) = db.fetch_one(q("PRAGMA integrity_check")).await.unwrap();
    assert_eq!(ok, "ok", "integrity_check after a kill");
    let ids = |table: &'static str| {
        let db = db.clone();
        async move {
            let sql = match table {
                "guests" => q("SELECT id FROM guests"),
                _ => q("SELECT id FROM stays"),
            };
            let rows: Vec<(i64,)> = db.fetch_all(sql).await.unwrap();
            rows.into_iter().map(|(id,)| id).collect::<std::collections::HashSet<i64>>()
        }
    };
    let guests = ids("guests").await;
    let stays = ids("stays").await;
    for g in &acked.guests {
        assert!(guests.contains(g), "acknowledged guest {g} lost");
    }
    for (s, _) in &acked.stays {
        assert!(stays.contains(s), "acknowledged stay {s} lost");
    }
    let open_ids: Vec<(i64,)> =
        db.fetch_all(q("SELECT id FROM stays WHERE ended_at IS NULL")).await.unwrap();
    let open_ids: std::collections::HashSet<i64> = open_ids.into_iter().map(|(i,)| i).collect();
    for s in &acked.checked_out {
        assert!(!open_ids.contains(s), "acknowledged check-out of stay {s} lost");
    }
    let doubled: Vec<(i64, i64)> = db
        .fetch_all(q(
            "SELECT room_id, COUNT(*) FROM stays WHERE ended_at IS NULL GROUP BY room_id HAVING COUNT(*) > 1",
        ))
        .await
        .unwrap();
    assert!(doubled.is_empty(), "rooms with two open stays: {doubled:?}");
    let twice: Vec<(i64, i64)> = db
        .fetch_all(q(
            "SELECT guest_id, COUNT(*) FROM stays WHERE ended_at IS NULL GROUP BY guest_id HAVING COUNT(*) > 1",
        ))
        .await
        .unwrap();
    assert!(twice.is_empty(), "guests with two open stays: {twice:?}");
    match yizhan_store::admin::audit::verify(&db).await.unwrap() {
        yizhan_store::admin::audit::Verdict::Intact { .. } => {}
        broken => panic!("audit chain after a kill: {broken:?}"),
    }
    db.close().await;
    open_ids.len() as i64
}

/// One writer until the node stops answering.
fn write_load(
    addr: &str,
    auth: &[(&str, String)],
    rooms: &[i64],
    st: i64,
    policy: i64,
    serial: u64,
    acked: &Mutex<Acked>,
) {
    let mut rng = rand::rng();
    let mut mine: Vec<i64> = Vec::new();
    for i in 0u64.. {
        let doc = format!("E{:08}", serial * 10_000 + i);
        let guest = format!(
            r#"{{"doc_type":"passport","doc_number":"{doc}","name":"压测{i}","sex":"male","birth_date":"1980-01-01","phone":"13800138000","region":"深圳","category":"other"}}"#
        );
        let Some(r) =
            http::try_request(addr, "POST", &format!("/api/v1/stations/{st}/guests"), auth, &guest)
        else {
            acked.lock().unwrap().cut += 1;
            return;
        };
        assert_eq!(r.status, 201, "{}", r.body);
        let gid = id_in(&r.body).expect("guest id");
        acked.lock().unwrap().guests.push(gid);
        let room = rooms[rng.random_range(0..rooms.len())];
        let Some(r) = http::try_request(
            addr,
            "POST",
            &format!("/api/v1/guests/{gid}/check-in"),
            auth,
            &format!(r#"{{"room_id":{room},"policy_id":{policy}}}"#),
        ) else {
            acked.lock().unwrap().cut += 1;
            return;
        };
        match r.status {
            201 => {
                let sid = id_in(&r.body).expect("stay id");
                acked.lock().unwrap().stays.push((sid, room));
                mine.push(sid);
            }
            // The room is taken or awaits disinfection: a refusal, not a loss.
            409 | 422 => {}
            s => panic!("check-in answered {s}: {}", r.body),
        }
        if i % 3 == 2 && !mine.is_empty() {
            let sid = mine.swap_remove(rng.random_range(0..mine.len()));
            let Some(r) = http::try_request(
                addr,
                "POST",
                &format!("/api/v1/stays/{sid}/check-out"),
                auth,
                r#"{"outcome":"transferred_other","reason":"转运"}"#,
            ) else {
                acked.lock().unwrap().cut += 1;
                return;
            };
            assert_eq!(r.status, 200, "check-out: {}", r.body);
            acked.lock().unwrap().checked_out.push(sid);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_write_survives_a_kill() {
    let cycles: usize =
        std::env::var("YIZHAN_CRASH_CYCLES").ok().and_then(|v| v.parse().ok()).unwrap_or(50);
    let dir = tempdir("crash");
    let url = format!("sqlite:{}", dir.join("crash.db").display());
    let (st, rooms, policy) = prepare(&url, cycles as i64 * 8).await;
    let acked = Arc::new(Mutex::new(Acked::default()));
    let started = Instant::now();
    let mut session: Option<Vec<(&str, String)>> = None;
    let mut open_stays = 0;
    for cycle in 0..cycles {
        let (mut node, addr) = spawn_node(&url, &dir, &[]);
        // Sessions live in the database: one login serves every restart.
        let auth = match &session {
            Some(a) => a.clone(),
            None => {
                let a = login(&addr, "staff", PASSWORD);
                session = Some(a.clone());
                a
            }
        };
        let writers: Vec<_> = (0..2u64)
            .map(|w| {
                let (addr, auth, rooms, acked) =
                    (addr.clone(), auth.clone(), rooms.clone(), acked.clone());
                std::thread::spawn(move || {
                    write_load(&addr, &auth, &rooms, st, policy, cycle as u64 * 2 + w, &acked)
                })
            })
            .collect();
        let wait = rand::rng().random_range(150..700);
        std::thread::sleep(Duration::from_millis(wait));
        let _ = std::process::Command::new("kill").args(["-KILL", &node.id().to_string()]).status();
        let _ = node.wait();
        for w in writers {
            w.join().expect("a writer saw a wrong answer");
        }
        let so_far = acked.lock().unwrap().clone();
        open_stays = check(&url, &so_far).await;
    }
    let a = acked.lock().unwrap();
    println!(
        "crash test: {cycles} kills in {:.1} s; acknowledged {} guests, {} check-ins, {} check-outs, \
         all present; {} requests cut off by a kill; integrity_check ok {cycles} times; {open_stays} \
         stays open, none doubled; audit chain intact",
        started.elapsed().as_secs_f64(),
        a.guests.len(),
        a.stays.len(),
        a.checked_out.len(),
        a.cut
    );
    assert!(a.stays.len() > cycles, "the load did check guests in");
    let _ = std::fs::remove_dir_all(&dir);
}
