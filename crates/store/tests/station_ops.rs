//! Rooms, guests and stays on SQLite and PostgreSQL, including real concurrency against the
//! database constraints (one open stay per guest, one open stay per bed).

mod common;

use chrono::NaiveDate;
use common::{actor, guest, policy, room, station};
use yizhan_core::access::Actor;
use yizhan_core::station::guest::{GuestInput, validate_guest};
use yizhan_core::station::room::{
    BulkRoomsInput, RoomInput, RoomState, validate_bulk, validate_room,
};
use yizhan_core::station::sampling::TestResult;
use yizhan_core::station::stay::Outcome;
use yizhan_store::station::stays::{self, CheckIn};
use yizhan_store::testing::TestDb;
use yizhan_store::{StoreError, both_backends, station::guests, station::rooms};

fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
    s.parse().unwrap()
}

both_backends!(bulk_rooms_and_the_state_machine, |t: TestDb| async move {
    let db = &t.db;
    let st = station(db).await;
    let new = validate_bulk(&BulkRoomsInput {
        floor: "3".into(),
        first: "301".into(),
        last: "330".into(),
        beds: "2".into(),
        kind: "family".into(),
        prefix: String::new(),
    })
    .unwrap();
    let ids = rooms::create_many(db, &actor(), st, &new).await.unwrap();
    assert_eq!(ids.len(), 30);
    let list = rooms::list(db, st).await.unwrap();
    assert_eq!(list.len(), 30);
    assert_eq!((list[0].number.as_str(), list[29].number.as_str()), ("301", "330"));
    assert!(list.iter().all(|r| r.state == "ready" && r.beds == 2 && r.occupied == 0));
    // A duplicate number anywhere in a batch: nothing of the batch is saved.
    let again = validate_bulk(&BulkRoomsInput {
        floor: "3".into(),
        first: "329".into(),
        last: "331".into(),
        beds: "1".into(),
        kind: "single".into(),
        prefix: String::new(),
    })
    .unwrap();
    match rooms::create_many(db, &actor(), st, &again).await {
        Err(StoreError::Conflict { field, .. }) => assert_eq!(field, "number"),
        other => panic!("expected a conflict on number, got {other:?}"),
    }
    assert_eq!(rooms::list(db, st).await.unwrap().len(), 30, "all or nothing");

    // ready → maintenance → ready by hand, each with an event.
    let r = ids[0];
    rooms::set_state(db, &actor(), r, RoomState::Maintenance, Some("空调维修")).await.unwrap();
    let back = rooms::set_state(db, &actor(), r, RoomState::Ready, Some("修好了")).await.unwrap();
    assert_eq!(back.state, "ready");
    let ev = rooms::events(db, r, 10).await.unwrap();
    assert_eq!(ev.len(), 2);
    assert_eq!((ev[0].from_state.as_str(), ev[0].to_state.as_str()), ("maintenance", "ready"));
    assert_eq!(ev[1].reason.as_deref(), Some("空调维修"));
    // Occupied only by check-in: refused with the key that says what to do.
    match rooms::set_state(db, &actor(), r, RoomState::Occupied, Some("x")).await {
        Err(StoreError::Refused(e)) => assert_eq!(e.to_string(), "error.room_occupy_by_check_in"),
        other => panic!("{other:?}"),
    }
    // Bed count can grow, and shrink while no stay used the beds.
    let mut edit = validate_room(&RoomInput {
        number: "301".into(),
        floor: "3".into(),
        beds: "4".into(),
        kind: "family".into(),
        note: "".into(),
    })
    .unwrap();
    assert_eq!(rooms::update(db, &actor(), r, &edit).await.unwrap().beds, 4);
    edit.beds = 1;
    assert_eq!(rooms::update(db, &actor(), r, &edit).await.unwrap().beds, 1);
});

both_backends!(check_in_move_and_check_out_drive_the_room_states, |t: TestDb| async move {
    let db = &t.db;
    let st = station(db).await;
    let r1 = room(db, st, "501", 2).await;
    let r2 = room(db, st, "502", 1).await;
    let g1 = guest(db, st, 1).await;
    let g2 = guest(db, st, 2).await;
    let p = policy(db, "14+7").await;
    let s1 = stays::check_in(
        db,
        &actor(),
        &CheckIn {
            station_id: st,
            guest_id: g1,
            room_id: r1,
            policy_id: p,
            at: at("2021-01-10T17:30:00Z"),
        },
    )
    .await
    .unwrap();
    assert_eq!(s1.bed_no, 1);
    assert_eq!(
        s1.planned_release,
        NaiveDate::from_ymd_opt(2021, 1, 25).unwrap(),
        "day 1 is 11 Jan in Shanghai"
    );
    let cal = stays::tests(db, s1.id).await.unwrap();
    assert_eq!(cal.iter().map(|t| t.day).collect::<Vec<_>>(), vec![1, 4, 7, 14]);
    assert_eq!(cal[0].due_date, NaiveDate::from_ymd_opt(2021, 1, 11).unwrap());
    assert_eq!(rooms::get(db, r1).await.unwrap().state, "occupied");
    // A second open stay for the same guest is refused by the database.
    let dup = stays::check_in(
        db,
        &actor(),
        &CheckIn {
            station_id: st,
            guest_id: g1,
            room_id: r2,
            policy_id: p,
            at: at("2021-01-10T18:00:00Z"),
        },
    )
    .await;
    match dup {
        Err(StoreError::Conflict { field, .. }) => assert_eq!(field, "guest_id"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        rooms::get(db, r2).await.unwrap().state,
        "ready",
        "the refused check-in left nothing behind"
    );
    // The second bed of 501.
    let s2 = stays::check_in(
        db,
        &actor(),
        &CheckIn {
            station_id: st,
            guest_id: g2,
            room_id: r1,
            policy_id: policy(db, "driver").await,
            at: at("2021-01-10T18:00:00Z"),
        },
    )
    .await
    .unwrap();
    assert_eq!(s2.bed_no, 2);
    assert_eq!(stays::tests(db, s2.id).await.unwrap().len(), 14, "drivers: a test every day");
    // Move guest 1 to 502: 501 stays occupied (guest 2 is there), 502 becomes occupied.
    let moved = stays::change_room(db, &actor(), s1.id, r2, Some("家属要求")).await.unwrap();
    assert_eq!((moved.room_number.as_str(), moved.bed_no), ("502", 1));
    assert_eq!(rooms::get(db, r1).await.unwrap().occupied, 1);
    // Check guest 2 out of 501: the empty room goes to terminal disinfection.
    let out =
        stays::check_out(db, &actor(), s2.id, Outcome::TurnedBack, Some("劝返")).await.unwrap();
    assert_eq!(out.outcome.map(|o| o.as_str()), Some("turned_back"));
    assert_eq!(rooms::get(db, r1).await.unwrap().state, "awaiting_disinfection");
    // Checking out twice is refused.
    assert!(matches!(
        stays::check_out(db, &actor(), s2.id, Outcome::Other, Some("x")).await,
        Err(StoreError::Refused(_))
    ));
    // 501 cannot take a guest until it is disinfected and evaluated.
    let g3 = guest(db, st, 3).await;
    match stays::check_in(
        db,
        &actor(),
        &CheckIn {
            station_id: st,
            guest_id: g3,
            room_id: r1,
            policy_id: p,
            at: at("2021-01-12T08:00:00Z"),
        },
    )
    .await
    {
        Err(StoreError::Refused(e)) => assert_eq!(e.to_string(), "error.room_not_ready"),
        other => panic!("{other:?}"),
    }
    // Terminal disinfection: by hand it is refused; the record moves the room on, and a
    // second person (not the recorder) verifies it before the room is ready again.
    match rooms::set_state(db, &actor(), r1, RoomState::Disinfected, Some("已消毒")).await {
        Err(StoreError::Refused(e)) => {
            assert_eq!(e.to_string(), "error.room_needs_disinfection_record")
        }
        other => panic!("{other:?}"),
    }
    let recorder = yizhan_core::access::Actor { user_id: Some(9_998), name: "李护士".into() };
    let rec = yizhan_store::care::disinfection::record(
        db,
        &recorder,
        st,
        &yizhan_core::care::disinfection::NewRecord {
            place: yizhan_core::care::disinfection::Place::Room(r1),
            agent: "含氯消毒剂".into(),
            concentration: 1000,
            minutes: 30,
            operator: "刘师傅".into(),
            done_at: at("2021-01-12T08:30:00Z"),
        },
    )
    .await
    .unwrap();
    assert_eq!(rooms::get(db, r1).await.unwrap().state, "disinfected");
    match yizhan_store::care::disinfection::verify(db, &recorder, rec).await {
        Err(StoreError::Refused(e)) => assert_eq!(e.to_string(), "error.verifier_is_operator"),
        other => panic!("{other:?}"),
    }
    let checker = yizhan_core::access::Actor { user_id: Some(9_999), name: "王医生".into() };
    yizhan_store::care::disinfection::verify(db, &checker, rec).await.unwrap();
    assert_eq!(rooms::get(db, r1).await.unwrap().state, "ready");
    assert!(
        stays::check_in(
            db,
            &actor(),
            &CheckIn {
                station_id: st,
                guest_id: g3,
                room_id: r1,
                policy_id: p,
                at: at("2021-01-12T09:00:00Z")
            }
        )
        .await
        .is_ok()
    );
    // Movements feed, newest first.
    let ev = stays::events(db, st, 10).await.unwrap();
    let kinds: Vec<&str> = ev.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, vec!["check_in", "check_out", "room_change", "check_in", "check_in"]);
    // A bed that a stay used cannot be removed.
    let shrink = validate_room(&RoomInput {
        number: "501".into(),
        floor: "3".into(),
        beds: "1".into(),
        kind: "single".into(),
        note: "".into(),
    })
    .unwrap();
    assert!(matches!(
        rooms::update(db, &actor(), r1, &shrink).await,
        Err(StoreError::Conflict { .. })
    ));
});

both_backends!(two_clerks_one_last_bed_exactly_one_wins, |t: TestDb| async move {
    let db = t.db.clone();
    let st = station(&db).await;
    let p = policy(&db, "7+3").await;
    // 20 rounds: each round a fresh 1-bed room and two guests checked in at the same instant.
    for round in 0..20u32 {
        let r = room(&db, st, &format!("9{round:02}"), 1).await;
        let ga = guest(&db, st, 1000 + round * 2).await;
        let gb = guest(&db, st, 1001 + round * 2).await;
        let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(2));
        let mut tasks = Vec::new();
        for g in [ga, gb] {
            let (db, barrier) = (db.clone(), barrier.clone());
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                stays::check_in(
                    &db,
                    &Actor::system(),
                    &CheckIn {
                        station_id: st,
                        guest_id: g,
                        room_id: r,
                        policy_id: p,
                        at: at("2021-02-01T02:00:00Z"),
                    },
                )
                .await
            }));
        }
        let mut ok = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(_) => ok += 1,
                Err(StoreError::Refused(e)) => assert_eq!(e.to_string(), "error.room_full"),
                Err(StoreError::Conflict { field, .. }) => assert_eq!(field, "room_id"),
                Err(e) => panic!("round {round}: unexpected {e:?}"),
            }
        }
        assert_eq!(ok, 1, "round {round}: exactly one check-in wins the last bed");
        assert_eq!(stays::open_in_room(&db, r).await.unwrap().len(), 1);
    }
});

both_backends!(a_crowd_never_overfills_a_room, |t: TestDb| async move {
    let db = t.db.clone();
    let st = station(&db).await;
    let p = policy(&db, "5+3").await;
    let r = room(&db, st, "601", 3).await;
    let mut guests_ids = Vec::new();
    for n in 0..12 {
        guests_ids.push(guest(&db, st, 2000 + n).await);
    }
    let mut tasks = Vec::new();
    for g in guests_ids {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            stays::check_in(
                &db,
                &Actor::system(),
                &CheckIn {
                    station_id: st,
                    guest_id: g,
                    room_id: r,
                    policy_id: p,
                    at: at("2021-02-01T02:00:00Z"),
                },
            )
            .await
            .is_ok()
        }));
    }
    let mut ok = 0;
    for task in tasks {
        if task.await.unwrap() {
            ok += 1;
        }
    }
    assert_eq!(ok, 3, "three beds, three guests");
    let open = stays::open_in_room(&db, r).await.unwrap();
    let mut beds: Vec<i64> = open.iter().map(|s| s.bed_no).collect();
    beds.sort();
    assert_eq!(beds, vec![1, 2, 3]);
});

both_backends!(guests_are_unique_per_station_and_searchable, |t: TestDb| async move {
    let db = &t.db;
    let st = station(db).await;
    let g = guest(db, st, 7).await;
    let found =
        guests::find_by_document(db, st, "hk_macau_permit", "H10000007").await.unwrap().unwrap();
    assert_eq!(found.id, g);
    assert_eq!(found.plate_cn.as_deref(), Some("粤ZAB12港"));
    let dup = validate_guest(
        &GuestInput {
            doc_type: "hk_macau_permit".into(),
            doc_number: "H10000007".into(),
            name: "别人".into(),
            sex: Some("female".into()),
            birth_date: Some("1990-01-01".into()),
            phone: "13800138000".into(),
            region: "深圳".into(),
            category: "other".into(),
            ..Default::default()
        },
        NaiveDate::from_ymd_opt(2021, 1, 10).unwrap(),
    )
    .unwrap();
    match guests::create(db, &actor(), st, &dup).await {
        Err(StoreError::Conflict { field, .. }) => assert_eq!(field, "doc_number"),
        other => panic!("{other:?}"),
    }
    assert_eq!(guests::list(db, st, Some("大文"), false, 50).await.unwrap().len(), 1);
    assert_eq!(guests::list(db, st, Some("h10000007"), false, 50).await.unwrap().len(), 1);
    assert_eq!(guests::list(db, st, Some("nobody"), false, 50).await.unwrap().len(), 0);
    // The audit record of a guest holds no name, document or phone.
    let rows = yizhan_store::admin::audit::recent(db, 5).await.unwrap();
    let created = rows.iter().find(|r| r.action == "guest.create").unwrap();
    assert!(
        !created.detail.contains("陈大文")
            && !created.detail.contains("H1000")
            && !created.detail.contains("9123")
    );
});

both_backends!(health_checks_tests_attention_and_release, |t: TestDb| async move {
    use yizhan_core::station::health::{HealthCheckInput, Slot, validate_health_check};
    use yizhan_store::{station::attention, station::health, station::sampling};
    let db = &t.db;
    let st = station(db).await;
    let r = room(db, st, "701", 1).await;
    let g = guest(db, st, 70).await;
    let p = policy(db, "5+3").await;
    let s = stays::check_in(
        db,
        &actor(),
        &CheckIn {
            station_id: st,
            guest_id: g,
            room_id: r,
            policy_id: p,
            at: at("2021-01-10T02:00:00Z"),
        },
    )
    .await
    .unwrap();
    let day = NaiveDate::from_ymd_opt(2021, 1, 10).unwrap();
    // Normal reading: no alert. Correcting the same slot replaces it.
    let ok = validate_health_check(&HealthCheckInput {
        temperature: "36.5".into(),
        symptoms: vec![],
        note: String::new(),
    })
    .unwrap();
    let (_, alert) = health::record(db, &actor(), s.id, day, Slot::Am, &ok).await.unwrap();
    assert!(alert.is_none());
    let fever = validate_health_check(&HealthCheckInput {
        temperature: "37.3".into(),
        symptoms: vec![],
        note: String::new(),
    })
    .unwrap();
    let (hc, alert) = health::record(db, &actor(), s.id, day, Slot::Am, &fever).await.unwrap();
    assert_eq!(hc.temperature, 373);
    assert!(alert.is_some(), "37.3 raises an alert");
    assert_eq!(health::of_station_day(db, st, day).await.unwrap().len(), 1, "one row per slot");
    // The same alert kind is not raised twice while open.
    let (_, again) = health::record(db, &actor(), s.id, day, Slot::Pm, &fever).await.unwrap();
    assert!(again.is_none());
    let open = health::open_alerts(db, st).await.unwrap();
    assert_eq!(open.len(), 1);
    // Both readings of the 10th: today's on the 10th, yesterday's on the 11th, none on the 12th.
    let taken = |on: NaiveDate| async move {
        let f = attention::facts(db, st, on).await.unwrap();
        use attention::Taken::*;
        [AmToday, PmToday, AmYesterday, PmYesterday].map(|t| f[0].taken(t))
    };
    assert_eq!(taken(day).await, [true, true, false, false]);
    assert_eq!(taken(day.succ_opt().unwrap()).await, [false, false, true, true]);
    assert_eq!(taken(day + chrono::Duration::days(2)).await, [false; 4]);
    // Facts: fever alert open, tests on days 1,2,3,5 (10th–12th, 14th) none sampled: 3 overdue on the 13th.
    let f = attention::facts(db, st, NaiveDate::from_ymd_opt(2021, 1, 13).unwrap()).await.unwrap();
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0].open_fever_alerts, f[0].overdue_tests, f[0].latest_temperature),
        (1, 3, Some(373))
    );
    // Sample and a positive result: alert and sealed room, in one go.
    let tests = stays::tests(db, s.id).await.unwrap();
    sampling::sample(db, &actor(), tests[0].id, "TUBE-0001").await.unwrap();
    assert!(
        matches!(
            sampling::sample(db, &actor(), tests[1].id, "TUBE-0001").await,
            Err(StoreError::Conflict { .. })
        ),
        "barcodes are unique"
    );
    assert!(
        matches!(
            sampling::set_result(db, &actor(), tests[1].id, TestResult::Negative).await,
            Err(StoreError::Refused(_))
        ),
        "no result before a sample"
    );
    sampling::set_result(db, &actor(), tests[0].id, TestResult::Positive).await.unwrap();
    assert_eq!(rooms::get(db, r).await.unwrap().state, "sealed");
    let kinds: Vec<String> = health::open_alerts(db, st)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.kind.to_string())
        .collect();
    assert!(kinds.contains(&"positive".to_string()));
    // A manual flag and its closing.
    let fid = attention::flag(db, &actor(), s.id, "情绪低落").await.unwrap();
    assert_eq!(attention::facts(db, st, day).await.unwrap()[0].manual_flags, 1);
    attention::close_flag(db, &actor(), fid, "已心理疏导").await.unwrap();
    assert_eq!(attention::facts(db, st, day).await.unwrap()[0].manual_flags, 0);
    assert!(matches!(
        attention::close_flag(db, &actor(), fid, "x").await,
        Err(StoreError::NotFound)
    ));
    // Release produces a numbered certificate.
    let out = stays::check_out(db, &actor(), s.id, Outcome::Released, None).await.unwrap();
    assert_eq!(out.outcome.map(|o| o.as_str()), Some("released"));
    let cert = stays::certificate_of(db, s.id).await.unwrap().unwrap();
    assert!(
        cert.number.starts_with(&format!("S{st:03}-")) && cert.number.ends_with("-0001"),
        "{}",
        cert.number
    );
    // 128 random bits as hex, nothing computed from the number.
    assert_eq!(cert.code.len(), 32);
    assert!(cert.code.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(
        stays::certificate_by_number(db, &cert.number).await.unwrap().unwrap().stay_id,
        s.id
    );
    // Each audit entry about the station's things (its rooms, guest, stay, readings, tests, the
    // flag, the release's home monitoring) is found its station at append; the district's has none.
    let rows: Vec<(String, String, Option<i64>)> = db
        .fetch_all(yizhan_store::db::q(
            "SELECT action, object_type, station_id FROM audit_log ORDER BY seq",
        ))
        .await
        .unwrap();
    let mut kinds = std::collections::BTreeSet::new();
    for (action, kind, station) in &rows {
        let want = if ["policy", "district"].contains(&kind.as_str()) { None } else { Some(st) };
        assert_eq!(*station, want, "{action} on a {kind}");
        kinds.insert(kind.as_str());
    }
    for kind in ["station", "guest", "stay", "test", "flag", "home_monitoring", "district"] {
        assert!(kinds.contains(kind), "no {kind} entry: {kinds:?}");
    }
});

both_backends!(an_unknown_stored_code_is_an_error_not_a_default, |t: TestDb| async move {
    use yizhan_store::db::{now, q};
    let db = &t.db;
    let st = station(db).await;
    let r = room(db, st, "101", 1).await;
    // A room event whose state no version of Yizhan wrote (the column has no CHECK).
    db.execute(
            q("INSERT INTO room_events (room_id, from_state, to_state, cause, reason, actor_id, actor, at)
               VALUES ($1, 'ready', 'flooded', 'manual', NULL, NULL, 'x', $2)")
            .bind(r)
            .bind(now()),
        )
        .await
        .unwrap();
    // Before, it read as 停用 (maintenance); now reading it fails, naming the column.
    let e = rooms::events(db, r, 10).await.unwrap_err();
    assert!(e.to_string().contains("decoding column to_state"), "{e}");
    // The room itself still reads: only the row with the unknown code fails.
    assert_eq!(rooms::get(db, r).await.unwrap().state, RoomState::Ready);
    // A line of the station's timeline of a kind no version wrote (this column has no CHECK
    // either): the timeline and the board's feed refuse to guess.
    let g = guest(db, st, 1).await;
    let p = policy(db, "14+7").await;
    let c = CheckIn {
        station_id: st,
        guest_id: g,
        room_id: r,
        policy_id: p,
        at: at("2021-01-10T17:30:00Z"),
    };
    let stay = stays::check_in(db, &actor(), &c).await.unwrap().id;
    assert_eq!(stays::events(db, st, 10).await.unwrap()[0].kind, "check_in");
    db.execute(
        q("INSERT INTO stay_events (stay_id, station_id, kind, room_id, detail, actor, at)
           VALUES ($1, $2, 'teleported', $3, '{}', 'x', $4)")
        .bind(stay)
        .bind(st)
        .bind(r)
        .bind(now()),
    )
    .await
    .unwrap();
    let e = stays::events(db, st, 10).await.unwrap_err();
    assert!(e.to_string().contains("decoding column kind"), "{e}");
    let e = yizhan_store::station::board::movements(db, st, 10).await.unwrap_err();
    assert!(e.to_string().contains("decoding column kind"), "{e}");
});

both_backends!(beds_are_counted_alike_by_the_board_the_district_and_core, |t: TestDb| async move {
    use yizhan_core::station::room::Beds;
    use yizhan_store::db::q;
    use yizhan_store::station::board;
    let db = &t.db;
    let st = station(db).await;
    let _ready = room(db, st, "101", 2).await;
    let used = room(db, st, "102", 3).await;
    let mut set = Vec::new();
    for (number, beds, state) in
        [("103", 4, "maintenance"), ("104", 1, "sealed"), ("105", 2, "awaiting_disinfection")]
    {
        set.push((room(db, st, number, beds).await, state));
    }
    for (id, state) in set {
        db.execute(q("UPDATE rooms SET state = $1 WHERE id = $2").bind(state).bind(id))
            .await
            .unwrap();
    }
    let g = guest(db, st, 1).await;
    let p = policy(db, "14+7").await;
    let c = CheckIn {
        station_id: st,
        guest_id: g,
        room_id: used,
        policy_id: p,
        at: at("2021-01-10T17:30:00Z"),
    };
    stays::check_in(db, &actor(), &c).await.unwrap();
    // Core counts from the rooms: 停用 apart; free means a guest could be checked in now.
    let rooms = rooms::list(db, st).await.unwrap();
    let beds = rooms::beds(&rooms);
    assert_eq!(
        beds,
        Beds {
            in_service: 8,
            occupied: 1,
            free: 4,
            out_of_service_rooms: 1,
            out_of_service_beds: 4
        }
    );
    // The board's and the district's SQL count the same.
    let today = yizhan_core::time::local_date(yizhan_store::db::now());
    let (counts, _) = board::counts(db, st, today).await.unwrap();
    assert_eq!((counts.beds_total, counts.beds_free, counts.in_stay), (8, 4, 1));
    let line = yizhan_store::station::counters::lines(db, today)
        .await
        .unwrap()
        .into_iter()
        .find(|l| l.station_id == st)
        .unwrap();
    assert_eq!((line.beds_total, line.beds_free, line.in_stay), (8, 4, 1));
    yizhan_store::testing::assert_counters_agree(db).await;
});

both_backends!(the_guest_list_pages_by_room_as_a_number, |t: TestDb| async move {
    let db = &t.db;
    let st = station(db).await;
    let p = policy(db, "14+7").await;
    // Guests in rooms 1001, 320 and 95 (checked in in that order), and one who has left.
    let mut ids = Vec::new();
    for (n, number) in [(1, "1001"), (2, "320"), (3, "95"), (4, "96")] {
        let r = room(db, st, number, 1).await;
        let g = guest(db, st, n).await;
        let s = stays::check_in(
            db,
            &actor(),
            &CheckIn {
                station_id: st,
                guest_id: g,
                room_id: r,
                policy_id: p,
                at: at("2021-01-10T01:00:00Z"),
            },
        )
        .await
        .unwrap();
        ids.push((g, s.id));
    }
    stays::check_out(db, &actor(), ids[3].1, Outcome::TransferredOther, Some("转出"))
        .await
        .unwrap();
    let all = guests::GuestFilter { search: None, only_in_stay: false };
    let rooms_of = |page: &[guests::Guest]| -> Vec<Option<String>> {
        page.iter().map(|g| g.room_number.clone()).collect()
    };
    let first = guests::page(db, st, &all, 2, 0).await.unwrap();
    assert_eq!(rooms_of(&first), [Some("95".into()), Some("320".into())]);
    let second = guests::page(db, st, &all, 2, 2).await.unwrap();
    assert_eq!(rooms_of(&second), [Some("1001".into()), None], "those who left come last");
    assert_eq!(second[1].id, ids[3].0);
    assert_eq!(guests::count(db, st, &all).await.unwrap(), 4);
    let in_stay = guests::GuestFilter { search: None, only_in_stay: true };
    assert_eq!(guests::count(db, st, &in_stay).await.unwrap(), 3);
    // The page carries the stay's dates (no second query per guest).
    assert_eq!(first[0].stay_planned_release, NaiveDate::from_ymd_opt(2021, 1, 24));
    // A document's last four find its guest; three characters do not search the tail.
    let tail = guests::GuestFilter { search: Some("0003"), only_in_stay: false };
    let found = guests::page(db, st, &tail, 50, 0).await.unwrap();
    assert_eq!(found.iter().map(|g| g.id).collect::<Vec<_>>(), [ids[2].0]);
    assert_eq!(guests::count(db, st, &tail).await.unwrap(), 1);
    let short = guests::GuestFilter { search: Some("003"), only_in_stay: false };
    assert_eq!(guests::count(db, st, &short).await.unwrap(), 0);
});

both_backends!(a_write_moves_the_mark_of_its_station_only, |t: TestDb| async move {
    use std::collections::HashMap;
    use yizhan_store::admin::audit::{self, Entry};
    use yizhan_store::db::q;
    use yizhan_store::station::{attention, board};
    let db = &t.db;
    let a = station(db).await;
    let b = common::station_named(db, "第二健康驿站").await;
    let marks = || async {
        board::station_marks(db).await.unwrap().into_iter().collect::<HashMap<i64, i64>>()
    };
    // Which stations' marks moved while `f` ran.
    let moved = |before: HashMap<i64, i64>, after: HashMap<i64, i64>| {
        let mut m: Vec<i64> =
            after.iter().filter(|(s, v)| before.get(s) != Some(v)).map(|(s, _)| *s).collect();
        m.sort();
        m
    };
    let m0 = marks().await;
    assert_eq!(m0.len(), 2, "every station has a mark from its creation: {m0:?}");
    let ra = room(db, a, "301", 1).await;
    let m1 = marks().await;
    assert_eq!(moved(m0, m1.clone()), vec![a]);
    let (ga, gb) = (guest(db, a, 1).await, guest(db, b, 2).await);
    let rb = room(db, b, "301", 1).await;
    let m2 = marks().await;
    let check_in = |station_id, guest_id, room_id| CheckIn {
        station_id,
        guest_id,
        room_id,
        policy_id: 0,
        at: yizhan_store::db::now(),
    };
    let p = policy(db, "5+3").await;
    let sb = stays::check_in(db, &actor(), &CheckIn { policy_id: p, ..check_in(b, gb, rb) })
        .await
        .unwrap()
        .id;
    let m3 = marks().await;
    assert_eq!(moved(m2, m3.clone()), vec![b], "a check-in at B");
    let sa = stays::check_in(db, &actor(), &CheckIn { policy_id: p, ..check_in(a, ga, ra) })
        .await
        .unwrap()
        .id;
    let m4 = marks().await;
    assert_eq!(moved(m3, m4.clone()), vec![a], "a check-in at A");
    // A row that names its station through its stay.
    attention::flag(db, &actor(), sb, "watch").await.unwrap();
    let m5 = marks().await;
    assert_eq!(moved(m4, m5.clone()), vec![b], "a flag on B's stay");
    // A guest's name is on the board of the station holding the stay, and a write that touches
    // two stations moves both; all at the commit that holds the audit entry.
    let mut tx = db.begin().await.unwrap();
    tx.execute(q("UPDATE guests SET name = name || '' WHERE id = $1").bind(ga)).await.unwrap();
    tx.execute(q("UPDATE stays SET bed_no = bed_no WHERE id = $1").bind(sb)).await.unwrap();
    audit::append(&mut tx, &actor(), Entry::new("test.touch", "stay", sa)).await.unwrap();
    assert_eq!(moved(m5.clone(), marks().await), Vec::<i64>::new(), "not before the commit");
    tx.commit().await.unwrap();
    let m6 = marks().await;
    let mut both = vec![a, b];
    both.sort();
    assert_eq!(moved(m5, m6), both);
    // A TV's token revoked is on that station's board; its use is not.
    let token = "c".repeat(64);
    let tv = board::create_token(db, &actor(), Some(b), "大厅", &token).await.unwrap();
    let m7 = marks().await;
    board::find_token(db, &token).await.unwrap().expect("the token");
    db.execute(
        q("UPDATE board_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(yizhan_store::db::now())
            .bind(tv),
    )
    .await
    .unwrap();
    assert_eq!(moved(m7.clone(), marks().await), Vec::<i64>::new(), "a fetch");
    board::revoke_token(db, &actor(), tv).await.unwrap();
    assert_eq!(moved(m7, marks().await), vec![b], "a revocation");
    // A transaction rolled back moves nothing.
    let m8 = marks().await;
    let mut tx = db.begin().await.unwrap();
    tx.execute(q("UPDATE rooms SET note = 'x' WHERE id = $1").bind(ra)).await.unwrap();
    audit::append(&mut tx, &actor(), Entry::new("test.touch", "room", ra)).await.unwrap();
    drop(tx);
    assert_eq!(moved(m8, marks().await), Vec::<i64>::new());
});
