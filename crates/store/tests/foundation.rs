//! Store tests for the foundation, each run on SQLite and on PostgreSQL.

use yizhan_core::access::{Actor, Grant, Role, Scope};
use yizhan_core::station::stations::{NewStation, StationKind};
use yizhan_store::admin::audit::{self, Entry, Verdict};
use yizhan_store::db::{Db, q};
use yizhan_store::testing::TestDb;
use yizhan_store::{
    StoreError, admin::login_attempts, admin::sessions, admin::users, both_backends,
    station::stations,
};

fn actor() -> Actor {
    Actor::system()
}

async fn district(db: &Db) -> Vec<stations::Street> {
    stations::ensure_district(db, &actor(), "龙岗区", "440307", &["平湖街道", "吉华街道"])
        .await
        .unwrap();
    stations::streets(db).await.unwrap()
}

fn station(street_id: i64, name: &str) -> NewStation {
    NewStation {
        street_id,
        name: name.into(),
        address: "深圳市龙岗区".into(),
        kind: StationKind::Hotel,
        capacity: 120,
        contact_name: "王主任".into(),
        contact_phone: "13800138000".into(),
        active: true,
    }
}

both_backends!(stations_crud_and_conflicts, |t: TestDb| async move {
    let db = &t.db;
    let streets = district(db).await;
    assert_eq!(streets.len(), 2);
    assert_eq!(streets[1].name, "吉华街道");
    // ensure_district is idempotent
    assert_eq!(district(db).await.len(), 2);

    let s = stations::create(db, &actor(), &station(streets[1].id, "卓汇健康驿站")).await.unwrap();
    assert_eq!(s.street_name, "吉华街道");
    assert_eq!(s.capacity, 120);
    assert!(s.active);

    let dup = stations::create(db, &actor(), &station(streets[0].id, "卓汇健康驿站")).await;
    match dup {
        Err(StoreError::Conflict { field, .. }) => assert_eq!(field, "name"),
        other => panic!("expected conflict on name, got {other:?}"),
    }
    let bad_street = stations::create(db, &actor(), &station(9999, "不存在街道驿站")).await;
    assert!(matches!(bad_street, Err(StoreError::Conflict { .. })), "{bad_street:?}");

    let mut changed = station(streets[0].id, "卓汇健康驿站");
    changed.capacity = 150;
    changed.active = false;
    let u = stations::update(db, &actor(), s.id, &changed).await.unwrap();
    assert_eq!((u.capacity, u.active, u.street_name.as_str()), (150, false, "平湖街道"));
    assert!(u.updated_at >= s.updated_at);
    assert!(matches!(
        stations::update(db, &actor(), 424242, &changed).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(stations::get(db, 424242).await, Err(StoreError::NotFound)));
    assert_eq!(stations::list(db).await.unwrap().len(), 1);
});

both_backends!(users_grants_and_unique_names, |t: TestDb| async move {
    let db = &t.db;
    let grants = [Grant { role: Role::StationLead, scope: Scope::Station(7) }];
    let u = users::create(
        db,
        &actor(),
        &users::NewUser {
            username: "lead01",
            display_name: "李组长",
            password_hash: "$argon2id$fake",
            must_change_password: true,
            grants: &grants,
        },
    )
    .await
    .unwrap();
    assert!(u.must_change_password);
    let p = users::principal(db, &u).await.unwrap();
    assert_eq!(p.grants, grants.to_vec());

    let again = users::create(
        db,
        &actor(),
        &users::NewUser {
            username: "lead01",
            display_name: "x",
            password_hash: "h",
            must_change_password: false,
            grants: &[],
        },
    )
    .await;
    match again {
        Err(StoreError::Conflict { field, .. }) => assert_eq!(field, "username"),
        other => panic!("expected username conflict, got {other:?}"),
    }

    // Deactivation replaces grants and ends sessions.
    sessions::create(db, "tok-1", u.id, "csrf").await.unwrap();
    let new_grants = [Grant { role: Role::Viewer, scope: Scope::District }];
    let u2 = users::update(db, &actor(), u.id, "李四", false, &new_grants).await.unwrap();
    assert!(!u2.active);
    assert_eq!(users::grants_of(db, u.id).await.unwrap(), new_grants.to_vec());
    assert!(sessions::find(db, "tok-1").await.unwrap().is_none());
    assert_eq!(users::count(db).await.unwrap(), 1);
});

both_backends!(password_change_keeps_only_current_session, |t: TestDb| async move {
    let db = &t.db;
    let u = users::create(
        db,
        &actor(),
        &users::NewUser {
            username: "nurse",
            display_name: "护士",
            password_hash: "h1",
            must_change_password: true,
            grants: &[],
        },
    )
    .await
    .unwrap();
    sessions::create(db, "keep", u.id, "c1").await.unwrap();
    sessions::create(db, "other", u.id, "c2").await.unwrap();
    let keep_hash = sessions::hash_token("keep");
    users::set_password(db, &actor(), u.id, "h2", false, Some(&keep_hash)).await.unwrap();
    assert!(sessions::find(db, "keep").await.unwrap().is_some());
    assert!(sessions::find(db, "other").await.unwrap().is_none());
    let u = users::get(db, u.id).await.unwrap();
    assert_eq!((u.password_hash.as_str(), u.must_change_password), ("h2", false));
    // The stored value is a hash, never the token itself.
    let s = sessions::find(db, "keep").await.unwrap().unwrap();
    assert_ne!(s.token_hash, "keep");
    assert_eq!(s.token_hash.len(), 64);
});

both_backends!(login_failures_count_until_success, |t: TestDb| async move {
    let db = &t.db;
    let since = yizhan_store::db::now() - chrono::Duration::minutes(15);
    for _ in 0..3 {
        login_attempts::record(db, "ghost", "198.51.100.7", false).await.unwrap();
    }
    login_attempts::record(db, "other", "198.51.100.7", false).await.unwrap();
    // Per client: every name's failures from it, nobody else's.
    assert_eq!(login_attempts::client_failures_since(db, "198.51.100.7", since).await.unwrap(), 4);
    assert_eq!(login_attempts::client_failures_since(db, "203.0.113.9", since).await.unwrap(), 0);
    assert_eq!(login_attempts::failures_since(db, "ghost", since).await.unwrap(), 3);
    assert_eq!(login_attempts::failures_since(db, "nobody", since).await.unwrap(), 0);
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    login_attempts::record(db, "ghost", "203.0.113.9", true).await.unwrap();
    assert_eq!(login_attempts::failures_since(db, "ghost", since).await.unwrap(), 0);
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    login_attempts::record(db, "ghost", "203.0.113.9", false).await.unwrap();
    assert_eq!(login_attempts::failures_since(db, "ghost", since).await.unwrap(), 1);
    let future = yizhan_store::db::now() + chrono::Duration::minutes(1);
    assert_eq!(login_attempts::failures_since(db, "ghost", future).await.unwrap(), 0);
});

both_backends!(audit_chain_detects_tampering, |t: TestDb| async move {
    let db = &t.db;
    for i in 0..5 {
        audit::record(
            db,
            &actor(),
            Entry::new("test.event", "thing", i).detail(serde_json::json!({ "n": i })),
        )
        .await
        .unwrap();
    }
    assert_eq!(audit::verify(db).await.unwrap(), Verdict::Intact { rows: 5 });

    // The application cannot rewrite history: the database refuses.
    let upd = db.execute(q("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3")).await;
    assert!(upd.is_err(), "update of audit_log must be refused");
    let del = db.execute(q("DELETE FROM audit_log WHERE seq = 5")).await;
    assert!(del.is_err(), "delete from audit_log must be refused");

    // Someone with raw database access drops the guard and edits row 3: verify names row 3.
    match db {
        Db::Sqlite(_) => db.execute(q("DROP TRIGGER audit_log_no_update")).await.unwrap(),
        Db::Postgres(_) => db
            .execute(q("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update"))
            .await
            .unwrap(),
    };
    db.execute(q("UPDATE audit_log SET detail = '{\"n\":99}' WHERE seq = 3")).await.unwrap();
    match audit::verify(db).await.unwrap() {
        Verdict::Broken { seq, .. } => assert_eq!(seq, 3),
        v => panic!("tampering not detected: {v:?}"),
    }
});

both_backends!(audit_appends_stay_chained_under_concurrency, |t: TestDb| async move {
    let db = t.db.clone();
    let mut tasks = Vec::new();
    for w in 0..8 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..10 {
                audit::record(&db, &Actor::system(), Entry::new("concurrent", "w", w * 100 + i))
                    .await
                    .unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(audit::verify(&db).await.unwrap(), Verdict::Intact { rows: 80 });
});

both_backends!(sessions_roundtrip_and_purge, |t: TestDb| async move {
    let db = &t.db;
    let u = users::create(
        db,
        &actor(),
        &users::NewUser {
            username: "s",
            display_name: "S",
            password_hash: "h",
            must_change_password: false,
            grants: &[],
        },
    )
    .await
    .unwrap();
    sessions::create(db, "a", u.id, "csrf-a").await.unwrap();
    sessions::create(db, "b", u.id, "csrf-b").await.unwrap();
    let now = yizhan_store::db::now();
    sessions::backdate(db, "a", now - chrono::Duration::hours(13), now).await.unwrap();
    let removed = sessions::purge_expired(
        db,
        now - chrono::Duration::minutes(30),
        now - chrono::Duration::hours(12),
    )
    .await
    .unwrap();
    assert_eq!(removed, 1);
    assert!(sessions::find(db, "a").await.unwrap().is_none());
    assert_eq!(sessions::find(db, "b").await.unwrap().unwrap().csrf_token, "csrf-b");
});

/// A coded column is decoded into its core enum when the row is read; the API then serializes
/// the enum. Both must give the code that is stored, or the JSON would change under the API's
/// clients. (A wrong code in one variant's `rename` would fail here.)
#[test]
fn a_decoded_code_serializes_as_the_code_stored() {
    macro_rules! same {
        ($($t:ty),+ $(,)?) => {$(
            for v in <$t>::ALL.iter().copied() {
                let json = serde_json::to_value(v).unwrap();
                assert_eq!(json, serde_json::Value::from(v.as_str()), "{}", stringify!($t));
                assert_eq!(<$t>::try_from(v.as_str().to_owned()).unwrap(), v);
            }
            assert!(<$t>::try_from("no such code".to_owned()).is_err());
        )+};
    }
    use yizhan_core::care::{
        counselling, disinfection, incident, plans, relatives, staff, supplies,
    };
    use yizhan_core::command::{directive, inspection, notice, rectification};
    use yizhan_core::station::{guest, room, stations, stay};
    use yizhan_core::work::{difficulty, enterprise, relief, returning_worker, transport};
    same!(
        staff::LoopStatus,
        staff::PostRisk,
        counselling::Risk,
        supplies::Category,
        supplies::Meal,
        supplies::Diet,
        relatives::Channel,
        relatives::Direction,
        plans::PlanKind,
        incident::IncidentKind,
        incident::ComplaintSource,
        disinfection::AreaKind,
        rectification::Severity,
        rectification::Status,
        notice::NoticeStatus,
        directive::DirectiveKind,
        inspection::Outcome,
        transport::TransportKind,
        returning_worker::Transport,
        returning_worker::WorkerStatus,
        enterprise::Industry,
        relief::ReliefKind,
        relief::ReliefStatus,
        difficulty::Category,
        difficulty::TicketStatus,
        room::RoomState,
        room::RoomKind,
        stay::Outcome,
        guest::GuestCategory,
        yizhan_core::validate::DocType,
        stations::StationKind,
        yizhan_core::station::sampling::TestResult,
    );
}

/// A published notice keeps its findings as frozen JSON: "" where no rectification was ordered,
/// else the codes. They read back as they were written, and an unknown code fails the read.
#[test]
fn a_frozen_finding_keeps_its_json_and_decodes_its_codes() {
    use yizhan_core::command::notice::FindingLine;
    use yizhan_core::command::rectification::{Severity, Status};
    let json = serde_json::json!({
        "station": "卓汇健康驿站", "topic": "消杀", "item": "终末消毒记录", "finding": "缺记录",
        "severity": "", "status": "", "deadline": null, "overdue": false
    });
    let f: FindingLine = serde_json::from_value(json.clone()).unwrap();
    assert_eq!((f.severity, f.status), (None, None));
    assert_eq!(serde_json::to_value(&f).unwrap(), json);
    let ordered = serde_json::json!({
        "station": "卓汇健康驿站", "topic": "消杀", "item": "终末消毒记录", "finding": "缺记录",
        "severity": "major", "status": "open", "deadline": "2026-01-05", "overdue": true
    });
    let f: FindingLine = serde_json::from_value(ordered.clone()).unwrap();
    assert_eq!((f.severity, f.status), (Some(Severity::Major), Some(Status::Open)));
    assert_eq!(serde_json::to_value(&f).unwrap(), ordered);
    let mut bad = ordered;
    bad["severity"] = "catastrophic".into();
    let e = serde_json::from_value::<FindingLine>(bad).unwrap_err();
    assert!(e.to_string().contains("catastrophic"), "{e}");
}

// A wall board's stream wakes at a commit: this pool's readers at once, with no poll between.
both_backends!(a_commit_wakes_the_readers_of_its_pool, |t: TestDb| async move {
    let woken = t.db.commits().notified();
    tokio::pin!(woken);
    woken.as_mut().enable();
    yizhan_store::station::board::create_token(&t.db, &actor(), None, "TV", &"a".repeat(64))
        .await
        .unwrap();
    // Already woken (a zero timeout polls the future once): a poll would not be.
    assert!(
        tokio::time::timeout(std::time::Duration::ZERO, woken).await.is_ok(),
        "the commit woke the reader"
    );
});

/// Another node's commit (here: another pool) reaches this node's readers through PostgreSQL's
/// NOTIFY, which the audit log's trigger sends; without the relay, nothing wakes them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_nodes_commit_wakes_this_nodes_readers_on_postgres() {
    use std::time::Duration;
    use yizhan_store::db::ConnectOptions;
    let t = TestDb::new(yizhan_store::Backend::Postgres).await;
    let other =
        Db::connect(&ConnectOptions { url: t.url.clone(), max_connections: 2 }).await.unwrap();
    let write = |n: usize| {
        let other = other.clone();
        async move {
            let token = format!("{n:064}");
            yizhan_store::station::board::create_token(&other, &actor(), None, "TV", &token)
                .await
                .unwrap();
        }
    };
    let wait = |d: Duration| {
        let commits = t.db.commits().clone();
        async move { tokio::time::timeout(d, commits.notified()).await.is_ok() }
    };
    // Without the relay the other pool's commit does not reach this one.
    let quiet = tokio::spawn(wait(Duration::from_millis(300)));
    tokio::time::sleep(Duration::from_millis(50)).await;
    write(0).await;
    assert!(!quiet.await.unwrap(), "nothing but the relay wakes this pool for another's commit");
    let relay = yizhan_store::changes::relay(&t.db).unwrap();
    // The relay's LISTEN starts in its own time: write until a commit arrives (10 s at most).
    let mut arrived = false;
    for n in 1..=20 {
        let w = tokio::spawn(wait(Duration::from_millis(500)));
        tokio::time::sleep(Duration::from_millis(20)).await;
        write(n).await;
        if w.await.unwrap() {
            arrived = true;
            break;
        }
    }
    relay.abort();
    other.close().await;
    assert!(arrived, "another node's commit woke this node's readers");
}

/// Connections to PostgreSQL run without JIT: compiling a plan the estimator thinks costly took
/// longer than running it (29 ms against 0.1 ms for a report's pass over the waiting tests).
#[tokio::test]
async fn postgres_connections_run_without_jit() {
    let t = TestDb::new(yizhan_store::Backend::Postgres).await;
    let (jit,): (String,) = t.db.fetch_one(yizhan_store::db::q("SHOW jit")).await.unwrap();
    assert_eq!(jit, "off");
}
