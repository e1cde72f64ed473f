//! Randomized concurrency on SQLite and PostgreSQL: eight clerks at once check guests in, move
//! them between rooms and check them out, while housekeeping readies the rooms that await
//! disinfection, and two nodes fold the station counters. Afterwards no bed holds two guests, no
//! room more guests than beds, no guest two open stays, every room's state agrees with its stays,
//! and every counter of the district board equals what the records say. 2,000 operations here; a long run:
//! `YIZHAN_CONCURRENCY_OPS=100000 cargo test --release -p yizhan-store --test concurrency -- --nocapture`.

mod common;

use common::{guest, policy, room, station};
use rand::Rng;
use yizhan_core::access::Actor;
use yizhan_core::station::stay::Outcome;
use yizhan_store::db::q;
use yizhan_store::station::counters;
use yizhan_store::station::stays::{self, CheckIn};
use yizhan_store::testing::TestDb;
use yizhan_store::work::returning_workers;
use yizhan_store::{StoreError, both_backends};

const CLERKS: usize = 8;

/// What a refusal may be: the rules and constraints saying no (room full, room not ready, guest
/// already in, stay already closed, lost the race). Anything else fails the test.
fn refused(e: &StoreError) -> bool {
    matches!(e, StoreError::Refused(_) | StoreError::Conflict { .. } | StoreError::NotFound)
}

both_backends!(
    random_check_ins_moves_and_check_outs_keep_every_invariant,
    |t: TestDb| async move {
        let ops: usize = std::env::var("YIZHAN_CONCURRENCY_OPS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(2_000);
        let db = t.db.clone();
        let st = station(&db).await;
        let p = policy(&db, "5+3").await;
        let mut room_ids = Vec::new();
        for n in 0..30 {
            room_ids.push(room(&db, st, &format!("{}", 301 + n), 1 + n % 3).await);
        }
        let mut guest_ids = Vec::new();
        for n in 0..60 {
            guest_ids.push(guest(&db, st, 5000 + n).await);
        }
        let started = std::time::Instant::now();
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        // Housekeeping: a room awaiting disinfection with nobody in it is made ready again.
        let housekeeping = {
            let (db, done) = (db.clone(), done.clone());
            tokio::spawn(async move {
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    let waiting: Vec<(i64,)> = db
                        .fetch_all(q(
                            "SELECT id FROM rooms WHERE state = 'awaiting_disinfection' ORDER BY id",
                        ))
                        .await
                        .unwrap();
                    // One room a statement, as a cleaner goes door to door.
                    for (id,) in waiting {
                        db.execute(
                            q("UPDATE rooms SET state = 'ready' WHERE id = $1 AND state = 'awaiting_disinfection'
                                 AND NOT EXISTS (SELECT 1 FROM stays s WHERE s.room_id = rooms.id AND s.ended_at IS NULL)")
                            .bind(id),
                        )
                        .await
                        .unwrap();
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                }
            })
        };
        // Two nodes fold the counters' changes while the clerks write.
        let folders: Vec<_> = (0..2)
            .map(|_| {
                let (db, done) = (db.clone(), done.clone());
                tokio::spawn(async move {
                    let mut folded = 0;
                    while !done.load(std::sync::atomic::Ordering::Relaxed) {
                        folded += counters::fold(&db).await.unwrap();
                        tokio::time::sleep(std::time::Duration::from_millis(3)).await;
                    }
                    folded
                })
            })
            .collect();
        let mut clerks = Vec::new();
        for c in 0..CLERKS {
            let (db, room_ids, guest_ids) = (db.clone(), room_ids.clone(), guest_ids.clone());
            clerks.push(tokio::spawn(async move {
                let mut counts = [0usize; 6]; // in, moved, out, refused in, refused move, refused out
                for _ in 0..ops / CLERKS {
                    let (kind, g, r) = {
                        let mut rng = rand::rng();
                        (
                            rng.random_range(0..10),
                            guest_ids[rng.random_range(0..guest_ids.len())],
                            room_ids[rng.random_range(0..room_ids.len())],
                        )
                    };
                    let open =
                        stays::of_guest(&db, g).await.unwrap().into_iter().find(|s| s.is_open());
                    let (slot, result) = match (kind, open) {
                        (_, None) => (
                            0,
                            stays::check_in(
                                &db,
                                &Actor::system(),
                                &CheckIn {
                                    station_id: st,
                                    guest_id: g,
                                    room_id: r,
                                    policy_id: p,
                                    at: yizhan_store::db::now(),
                                },
                            )
                            .await
                            .map(|_| ()),
                        ),
                        (0..=5, Some(s)) => (
                            1,
                            stays::change_room(&db, &Actor::system(), s.id, r, Some("调房"))
                                .await
                                .map(|_| ()),
                        ),
                        (_, Some(s)) => (
                            2,
                            stays::check_out(
                                &db,
                                &Actor::system(),
                                s.id,
                                [
                                    Outcome::TransferredOther,
                                    Outcome::Released,
                                    Outcome::TurnedBack,
                                    Outcome::ExemptionRevoked,
                                ][kind % 4],
                                Some("转运"),
                            )
                            .await
                            .map(|_| ()),
                        ),
                    };
                    match result {
                        Ok(()) => counts[slot] += 1,
                        Err(e) if refused(&e) => counts[slot + 3] += 1,
                        Err(e) => panic!("clerk {c}: an operation failed, not refused: {e:?}"),
                    }
                }
                counts
            }));
        }
        let mut totals = [0usize; 6];
        for clerk in clerks {
            for (t, n) in totals.iter_mut().zip(clerk.await.unwrap()) {
                *t += n;
            }
        }
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        housekeeping.await.unwrap();
        let mut folded = 0;
        for f in folders {
            folded += f.await.unwrap();
        }
        let took = started.elapsed();
        assert!(folded > 0, "the folders ran");
        yizhan_store::testing::assert_counters_agree(&db).await;
        let (left,): (i64,) =
            db.fetch_one(q("SELECT COUNT(*) FROM station_counter_changes")).await.unwrap();
        assert_eq!(left, 0, "a fold takes every committed change");

        let over: Vec<(i64, i64, i64)> = db
            .fetch_all(q(
                "SELECT r.id, r.beds, COUNT(s.id) FROM rooms r JOIN stays s ON s.room_id = r.id AND s.ended_at IS NULL
                  GROUP BY r.id, r.beds HAVING COUNT(s.id) > r.beds",
            ))
            .await
            .unwrap();
        assert!(over.is_empty(), "rooms over their beds: {over:?}");
        let beds: Vec<(i64, i64, i64)> = db
            .fetch_all(q("SELECT room_id, bed_no, COUNT(*) FROM stays WHERE ended_at IS NULL
                  GROUP BY room_id, bed_no HAVING COUNT(*) > 1"))
            .await
            .unwrap();
        assert!(beds.is_empty(), "beds with two guests: {beds:?}");
        let twice: Vec<(i64, i64)> = db
            .fetch_all(q(
                "SELECT guest_id, COUNT(*) FROM stays WHERE ended_at IS NULL GROUP BY guest_id HAVING COUNT(*) > 1",
            ))
            .await
            .unwrap();
        assert!(twice.is_empty(), "guests with two open stays: {twice:?}");
        let states: Vec<(i64, String, i64)> = db
            .fetch_all(q(
                "SELECT r.id, r.state, (SELECT COUNT(*) FROM stays s WHERE s.room_id = r.id AND s.ended_at IS NULL)
                   FROM rooms r WHERE r.station_id = $1",
            )
            .bind(st))
            .await
            .unwrap();
        for (id, state, open) in &states {
            assert_eq!(
                *open > 0,
                state == "occupied",
                "room {id} is {state} with {open} open stays"
            );
        }
        let [ins, moves, outs, no_in, no_move, no_out] = totals;
        assert!(ins > 0 && moves > 0 && outs > 0, "{totals:?}");
        println!(
            "concurrency ({:?}): {} operations by {CLERKS} clerks in {:.1} s: {ins} check-ins, {moves} moves, \
             {outs} check-outs done; {no_in}, {no_move}, {no_out} refused; every invariant holds",
            db.backend(),
            ins + moves + outs + no_in + no_move + no_out,
            took.as_secs_f64()
        );
    }
);

/// The district with these streets: their ids.
async fn streets_named(db: &yizhan_store::Db, names: &[&str]) -> Vec<i64> {
    let actor = Actor::system();
    yizhan_store::station::stations::ensure_district(db, &actor, "龙岗区", "440307", names)
        .await
        .unwrap();
    yizhan_store::station::stations::streets(db).await.unwrap().iter().map(|s| s.id).collect()
}

/// Enterprise `n` of `street`, not started; every date set, so any status satisfies the table's
/// checks.
fn new_enterprise(n: u32, street: i64) -> yizhan_core::work::enterprise::NewEnterprise {
    use yizhan_core::work::enterprise::{Industry, NewEnterprise, Resumption};
    let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    NewEnterprise {
        uscc: yizhan_core::validate::with_check_char(&format!("91440300{n:09}")).unwrap(),
        name: format!("企业{n}"),
        street_id: street,
        industry: Industry::ALL[n as usize % Industry::ALL.len()],
        above_scale: n.is_multiple_of(2),
        headcount: 10,
        contact_name: "王".into(),
        contact_phone: "13800138000".into(),
        resumption: Resumption::NotStarted,
        applied_on: Some(day),
        approved_on: Some(day),
        resumed_on: Some(day),
    }
}

// Six clerks at once register enterprises and move them between streets, industries, statuses
// and scales; afterwards every counter of `enterprise_counts` equals what the enterprises say.
both_backends!(enterprise_counts_agree_after_concurrent_moves, |t: TestDb| async move {
    use yizhan_core::work::enterprise::{Industry, Resumption};
    let new = new_enterprise;
    let db = t.db.clone();
    let actor = Actor::system();
    let streets = streets_named(&db, &["吉华街道", "平湖街道", "坂田街道"]).await;
    let mut ids = Vec::new();
    for n in 0..30 {
        ids.push(
            yizhan_store::work::enterprises::create(&db, &actor, &new(n, streets[0]))
                .await
                .unwrap(),
        );
    }
    let statuses = ["not_started", "applied", "approved", "resumed"];
    let clerks: Vec<_> = (0..6u32)
        .map(|c| {
            let (db, ids, streets, actor) = (db.clone(), ids.clone(), streets.clone(), actor.clone());
            tokio::spawn(async move {
                for k in 0..60u32 {
                    let (id, street, industry, status, above) = {
                        let mut rng = rand::rng();
                        (
                            ids[rng.random_range(0..ids.len())],
                            streets[rng.random_range(0..streets.len())],
                            Industry::ALL[rng.random_range(0..Industry::ALL.len())].as_str(),
                            statuses[rng.random_range(0..statuses.len())],
                            rng.random_bool(0.5),
                        )
                    };
                    if k % 10 == 0 {
                        let n = 1_000 + c * 100 + k;
                        yizhan_store::work::enterprises::create(&db, &actor, &new_enterprise(n, street))
                            .await
                            .unwrap();
                        continue;
                    }
                    db.execute(
                        q("UPDATE enterprises SET street_id = $1, industry = $2, resumption = $3, above_scale = $4
                           WHERE id = $5")
                        .bind(street)
                        .bind(industry)
                        .bind(status)
                        .bind(above)
                        .bind(id),
                    )
                    .await
                    .unwrap();
                }
            })
        })
        .collect();
    for c in clerks {
        c.await.unwrap();
    }
    type Group = (i64, String, String, bool, i64);
    let counted: Vec<Group> = db
        .fetch_all(q(
            "SELECT street_id, industry, resumption, above_scale, n FROM enterprise_counts
                       WHERE n <> 0 ORDER BY street_id, industry, resumption, above_scale",
        ))
        .await
        .unwrap();
    let recounted: Vec<Group> = db
        .fetch_all(q(
            "SELECT street_id, industry, resumption, above_scale, COUNT(*) FROM enterprises
                       GROUP BY street_id, industry, resumption, above_scale
                       ORDER BY street_id, industry, resumption, above_scale",
        ))
        .await
        .unwrap();
    assert_eq!(counted, recounted);
    assert_eq!(counted.iter().map(|g| g.4).sum::<i64>(), 30 + 6 * 6);
    // The register's figures come from the counters and agree with a count of the rows.
    use yizhan_store::work::{Within, enterprises::EnterpriseFilter};
    let resumed = EnterpriseFilter { resumption: Some(Resumption::Resumed), ..Default::default() };
    let (all, all_resumed) = yizhan_store::work::enterprises::count(
        &db,
        Within::Street(streets[1]),
        &Default::default(),
    )
    .await
    .unwrap();
    let (r, _) = yizhan_store::work::enterprises::count(&db, Within::Street(streets[1]), &resumed)
        .await
        .unwrap();
    let rows: (i64, i64) = db
        .fetch_one(
            q("SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN resumption = 'resumed' THEN 1 ELSE 0 END), 0) AS BIGINT)
                 FROM enterprises WHERE street_id = $1")
            .bind(streets[1]),
        )
        .await
        .unwrap();
    assert_eq!((all, all_resumed), rows);
    assert_eq!(r, rows.1);
});

// Four clerks import overlapping lists at once (the ID numbers both send go to one of them) and
// some rows are taken back; the district's worker total the triggers keep equals a count.
both_backends!(the_worker_total_agrees_after_concurrent_imports, |t: TestDb| async move {
    use yizhan_core::work::returning_worker::{NewWorker, Transport, WorkerStatus};
    let db = t.db.clone();
    let actor = Actor::system();
    let street = streets_named(&db, &["吉华街道"]).await[0];
    let ent = yizhan_store::work::enterprises::create(&db, &actor, &new_enterprise(1, street))
        .await
        .unwrap();
    let worker = move |n: u32| NewWorker {
        name: format!("工人{n}"),
        id_number: format!("4403{n:014}"),
        phone: "13800138000".into(),
        province: "广东",
        city: "深圳".into(),
        enterprise_id: ent,
        transport: Transport::Train,
        arrival_date: None,
        status: WorkerStatus::Registered,
        health: None,
    };
    let clerks: Vec<_> = (0..4u32)
        .map(|c| {
            let db = db.clone();
            tokio::spawn(async move {
                for b in 0..3u32 {
                    // Clerk c's batch b overlaps clerk c+1's: 30 of its 40 numbers are its own.
                    let rows: Vec<NewWorker> =
                        (0..40).map(|k| worker(c * 90 + b * 30 + k)).collect();
                    returning_workers::insert_batch(&db, None, &rows).await.unwrap();
                }
            })
        })
        .collect();
    for c in clerks {
        c.await.unwrap();
    }
    db.execute(q("DELETE FROM returning_workers WHERE id % 7 = 0")).await.unwrap();
    let (kept,): (i64,) = db.fetch_one(q("SELECT n FROM worker_total")).await.unwrap();
    let (counted,): (i64,) =
        db.fetch_one(q("SELECT COUNT(*) FROM returning_workers")).await.unwrap();
    assert_eq!(kept, counted);
    assert!(counted > 300, "{counted}");
    let (all,) =
        (returning_workers::count(&db, yizhan_store::work::Within::District, &Default::default())
            .await
            .unwrap(),);
    assert_eq!(all, counted);
});

/// A scratch table for the writers' tests: one row a write, a constraint to refuse a second.
async fn scratch(db: &yizhan_store::Db) {
    db.execute(q("CREATE TABLE scratch_writes (task BIGINT NOT NULL, n BIGINT NOT NULL, \
                  CONSTRAINT uq_scratch_writes UNIQUE (task, n))"))
        .await
        .unwrap();
}

fn write(task: i64, n: i64) -> yizhan_store::db::Q {
    q("INSERT INTO scratch_writes (task, n) VALUES ($1, $2)").bind(task).bind(n)
}

// Sixteen writers at once, some of whose transactions fail after writing (dropped, or refused
// by a constraint mid-way): on SQLite they are committed in groups (`store::writer`), and every
// acknowledged write is there, none of the failed ones.
both_backends!(queued_writers_share_commits_and_lose_nothing, |t: TestDb| async move {
    let db = t.db.clone();
    scratch(&db).await;
    let before = db.group_commits();
    let writers: Vec<_> = (0..16i64)
        .map(|task| {
            let db = db.clone();
            tokio::spawn(async move {
                let mut kept = Vec::new();
                for n in 0..40i64 {
                    let mut tx = db.begin().await.unwrap();
                    tx.execute(write(task, n)).await.unwrap();
                    match n % 8 {
                        3 => drop(tx),
                        5 => {
                            let e = tx.execute(write(task, n)).await.unwrap_err();
                            assert!(matches!(e, StoreError::Conflict { .. }), "{e:?}");
                            drop(tx);
                        }
                        _ => {
                            tx.commit().await.unwrap();
                            kept.push((task, n));
                        }
                    }
                }
                kept
            })
        })
        .collect();
    let mut acknowledged = Vec::new();
    for w in writers {
        acknowledged.extend(w.await.unwrap());
    }
    acknowledged.sort();
    let rows: Vec<(i64, i64)> =
        db.fetch_all(q("SELECT task, n FROM scratch_writes ORDER BY task, n")).await.unwrap();
    assert_eq!(rows.len(), 16 * 30);
    assert_eq!(rows, acknowledged);
    if let (Some((c0, w0)), Some((c1, w1))) = (before, db.group_commits()) {
        let (commits, writers) = (c1 - c0, w1 - w0);
        assert_eq!(writers, 16 * 30, "every acknowledged writer was in a commit");
        assert!(commits < writers, "{commits} commits for {writers} writers: no group formed");
    }
});

// A writer that finishes while another waits leaves the commit to it; the second gives up
// (its request failed): its work is undone, the first's committed, and only then answered.
both_backends!(a_writer_that_gives_up_does_not_hold_back_the_one_before, |t: TestDb| async move {
    let db = t.db.clone();
    scratch(&db).await;
    let mut first = db.begin().await.unwrap();
    first.execute(write(1, 1)).await.unwrap();
    let second = {
        let db = db.clone();
        tokio::spawn(async move {
            let mut tx = db.begin().await.unwrap();
            tx.execute(write(2, 1)).await.unwrap();
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            drop(tx);
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    first.commit().await.unwrap();
    let rows: Vec<(i64, i64)> =
        db.fetch_all(q("SELECT task, n FROM scratch_writes ORDER BY task, n")).await.unwrap();
    assert_eq!(rows, vec![(1, 1)], "the first writer answered before its commit");
    second.await.unwrap();
    let mut third = db.begin().await.unwrap();
    third.execute(write(3, 1)).await.unwrap();
    third.commit().await.unwrap();
    let rows: Vec<(i64, i64)> =
        db.fetch_all(q("SELECT task, n FROM scratch_writes ORDER BY task, n")).await.unwrap();
    assert_eq!(rows, vec![(1, 1), (3, 1)]);
});
