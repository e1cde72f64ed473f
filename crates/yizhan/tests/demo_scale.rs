//! `yizhan demo --scale district --fraction …` on both backends: the binary generates a slice of
//! the district dataset, prints its census and size, and what it made holds together — a room is
//! occupied exactly when it has an open stay, no stay has more than its 15 rounds, tests are only
//! sampled when due, and the roll-up the district board reads agrees with the rows.

mod common;

use std::process::Command;

use yizhan_store::both_backends;
use yizhan_store::db::q;
use yizhan_store::testing::TestDb;

fn count(out: &str, table: &str) -> i64 {
    out.lines()
        .find_map(|l| {
            let mut parts = l.split_whitespace();
            (parts.next() == Some(table)).then(|| parts.next()?.parse().ok())?
        })
        .unwrap_or_else(|| panic!("no {table} line in {out}"))
}

both_backends!(a_slice_of_the_district_dataset_holds_together, |t: TestDb| async move {
    let dir = common::tempdir("scale");
    let url = t.url.clone();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_yizhan"))
            .args(["demo", "--scale", "district", "--fraction", "0.005"])
            .env("YIZHAN_DATABASE_URL", &url)
            .current_dir(&dir)
            .output()
            .expect("run yizhan")
    })
    .await
    .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    // 0.5 % of 30 stations rounds up to one, which keeps its 200 rooms.
    assert_eq!(count(&text, "stations"), 1, "{text}");
    assert_eq!(count(&text, "rooms"), 200, "{text}");
    assert_eq!(count(&text, "stays"), 1_000, "{text}");
    assert_eq!(count(&text, "guests"), 1_000, "{text}");
    assert_eq!(count(&text, "enterprises"), 100, "{text}");
    assert_eq!(count(&text, "returning_workers"), 5_000, "{text}");
    let checks = count(&text, "health_checks");
    // 15 rounds a stay, fewer only for guests who arrived in the last week.
    assert!((14_000..=15_000).contains(&checks), "{checks} checks");
    assert!(text.contains("generated in") && text.contains("MiB"), "{text}");

    let db = t.db.clone();
    let one = |sql: &'static str| {
        let db = db.clone();
        async move {
            let (n,): (i64,) = db.fetch_one(q(sql)).await.unwrap();
            n
        }
    };
    let open = one("SELECT COUNT(*) FROM stays WHERE ended_at IS NULL").await;
    let occupied = one("SELECT COUNT(*) FROM rooms WHERE state = 'occupied'").await;
    assert_eq!(open, occupied, "a room is occupied exactly when it has an open stay");
    // Fourteen rooms in fifteen have a guest now.
    assert!((180..=192).contains(&open), "{open} open stays");
    assert_eq!(
        one("SELECT COUNT(*) FROM rooms r WHERE r.state = 'occupied' AND NOT EXISTS
               (SELECT 1 FROM stays s WHERE s.room_id = r.id AND s.ended_at IS NULL)")
        .await,
        0
    );
    assert_eq!(
        one("SELECT COUNT(*) FROM (SELECT stay_id FROM health_checks GROUP BY stay_id HAVING COUNT(*) > 15) x")
            .await,
        0
    );
    assert_eq!(
        one("SELECT COUNT(*) FROM stay_tests WHERE result IS NOT NULL AND sampled_at IS NULL")
            .await,
        0
    );
    // A room's guests follow one another: each arrives after the one before has left.
    assert_eq!(
        one("SELECT COUNT(*) FROM stays a JOIN stays b ON a.room_id = b.room_id AND a.id < b.id
              WHERE a.ended_at IS NULL OR b.checked_in_at < a.ended_at")
        .await,
        0
    );
    let today = yizhan_core::time::local_date(yizhan_store::db::now());
    let lines = yizhan_store::station::counters::lines(&t.db, today).await.unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].in_stay, open);
    assert_eq!(lines[0].turned_back, 0, "the seed's record: nobody turned back");
    yizhan_store::testing::assert_counters_agree(&t.db).await;
    if t.db.backend() == yizhan_store::Backend::Sqlite {
        let (ok,): (String,) = t.db.fetch_one(q("PRAGMA integrity_check")).await.unwrap();
        assert_eq!(ok, "ok");
    }
});
