//! Measures for the people on a case's exposure list (issue 19): the lead extends a roommate's
//! period, tests them every day, moves the neighbour, and sends the nurse who read the case's
//! temperature into home quarantine (off the roster); every refusal at once, nothing half-done,
//! each measure on the case's page and in the audit; another station's lead cannot. SQLite and
//! PostgreSQL.

use axum::http::{Method, StatusCode};
use serde_json::json;
use yizhan_core::access::{Actor, Role, Scope};
use yizhan_core::station::sampling::TestResult;
use yizhan_store::both_backends;
use yizhan_store::db::q;
use yizhan_store::station::{cases, policies, sampling, stays};
use yizhan_store::testing::TestDb;

use crate::common::{self, App, district};

both_backends!(
    the_lead_orders_measures_for_the_exposed_and_each_is_done_and_kept,
    |t: TestDb| async move {
        let app = App::new(t).await;
        let (_, _, st, other) = district(app.db()).await;
        let sys = Actor::system();
        let now = yizhan_store::db::now();
        let today = yizhan_core::time::local_date(now);
        let r301 = common::room(app.db(), st, "301", 2).await;
        let r302 = common::room(app.db(), st, "302", 1).await;
        let r310 = common::room(app.db(), st, "310", 1).await;
        let (a, b, c) = (
            common::guest(app.db(), st, 1).await,
            common::guest(app.db(), st, 2).await,
            common::guest(app.db(), st, 3).await,
        );
        let case_stay = common::check_in(app.db(), st, a, r301).await;
        // The roommate under 14+7: tested on a few days only, so daily tests add some.
        let p147 =
            policies::list(app.db()).await.unwrap().into_iter().find(|p| p.code == "14+7").unwrap();
        let ci = stays::CheckIn {
            station_id: st,
            guest_id: b,
            room_id: r301,
            policy_id: p147.id,
            at: now,
        };
        let mate = stays::check_in(app.db(), &sys, &ci).await.unwrap();
        let neighbour = common::check_in(app.db(), st, c, r302).await;
        // The nurse who read the case's temperature, on the roster today and tomorrow.
        let (group,): (i64,) = app
            .db()
            .fetch_one(
                q("INSERT INTO working_groups (station_id, name, pattern, min_per_shift, created_at)
                   VALUES ($1, 'medical', 'three_eights', 1, $2) RETURNING id")
                .bind(st)
                .bind(now),
            )
            .await
            .unwrap();
        let nurse = common::staff_member(app.db(), st, group, "nurse_a", "13800000001").await;
        for d in 0..2 {
            app.db()
                .execute(
                    q("INSERT INTO roster_shifts (group_id, staff_id, day, shift, created_at) VALUES ($1, $2, $3, 0, $4)")
                        .bind(group)
                        .bind(nurse)
                        .bind(today + chrono::Duration::days(d))
                        .bind(now),
                )
                .await
                .unwrap();
        }
        let reading = yizhan_core::station::health::validate_health_check(
            &yizhan_core::station::health::HealthCheckInput {
                temperature: "36.6".into(),
                ..Default::default()
            },
        )
        .unwrap();
        let am = yizhan_core::station::health::Slot::Am;
        let nurse_actor = Actor { user_id: None, name: "nurse_a".into() };
        yizhan_store::station::health::record(
            app.db(),
            &nurse_actor,
            case_stay,
            today,
            am,
            &reading,
        )
        .await
        .unwrap();
        let test = stays::tests(app.db(), case_stay).await.unwrap()[0].id;
        sampling::sample(app.db(), &sys, test, "R-301").await.unwrap();
        sampling::set_result(app.db(), &sys, test, TestResult::Positive).await.unwrap();
        let case = cases::of_stay(app.db(), case_stay).await.unwrap().unwrap();
        let path = format!("/cases/{}/measures", case.id);

        let lead = app.user("lead", Role::StationLead, Scope::Station(st), false).await;
        let mut l = app.session_for(lead).await;
        let page = app.get(&mut l, &format!("/cases/{}", case.id)).await.body;
        assert!(page.contains("data-testid=\"measure-guest\""), "a guest's form");
        assert!(page.contains("data-testid=\"measure-staff\""), "a staff member's form");
        assert!(page.contains("未处置"), "nobody handled yet");

        // Every refusal at once; nothing done.
        let (b_s, c_s) = (b.to_string(), c.to_string());
        let r = app
            .form(
                &mut l,
                &path,
                &[("kind", "guest"), ("person_id", &b_s), ("action", "extend"), ("days", "0")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("备注") && r.body.contains("天数"), "both fields named");
        let before = stays::get(app.db(), mate.id).await.unwrap().planned_release;

        // Extend the roommate by 7 days: the release moves, the history says why.
        let r = app
            .form(
                &mut l,
                &path,
                &[
                    ("kind", "guest"),
                    ("person_id", &b_s),
                    ("action", "extend"),
                    ("days", "7"),
                    ("note", "同房密接"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let after = stays::get(app.db(), mate.id).await.unwrap().planned_release;
        assert_eq!(after - before, chrono::Duration::days(7));
        let history = yizhan_store::station::period::history(app.db(), mate.id).await.unwrap();
        assert_eq!(
            (history.len(), history[0].reason.as_str(), history[0].approved_role.as_str()),
            (1, "同房密接", "station_lead")
        );

        // Test every day to release: one test per day left, none twice.
        let tested_before = stays::tests(app.db(), mate.id).await.unwrap().len();
        let r = app
            .form(
                &mut l,
                &path,
                &[("kind", "guest"), ("person_id", &b_s), ("action", "test_daily")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let tests = stays::tests(app.db(), mate.id).await.unwrap();
        let days_left = (after - today).num_days() as usize;
        let mut dates: Vec<_> = tests.iter().map(|t| t.due_date).filter(|d| *d >= today).collect();
        dates.dedup();
        assert_eq!(dates.len(), days_left, "a test each day from today to the day before release");
        assert!(tests.len() > tested_before);

        // Move the neighbour to 310; a room of another station is refused.
        let foreign = common::room(app.db(), other, "999", 1).await;
        for (room, status, now_in) in
            [(foreign, StatusCode::UNPROCESSABLE_ENTITY, r302), (r310, StatusCode::SEE_OTHER, r310)]
        {
            let room = room.to_string();
            let f = [
                ("kind", "guest"),
                ("person_id", c_s.as_str()),
                ("action", "move_room"),
                ("room_id", room.as_str()),
            ];
            assert_eq!(app.form(&mut l, &path, &f).await.status, status, "to room {room}");
            assert_eq!(stays::get(app.db(), neighbour).await.unwrap().room_id, now_in);
        }

        // Home quarantine for the nurse (JSON): off today's and tomorrow's shifts, days off kept.
        let r = app
            .json(
                &mut l,
                Method::POST,
                &format!("/api/v1/cases/{}/measures", case.id),
                json!({
                    "kind": "staff", "person_id": nurse, "action": "home_quarantine", "days": 14,
                }),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let (shifts,): (i64,) = app
            .db()
            .fetch_one(q("SELECT COUNT(*) FROM roster_shifts WHERE staff_id = $1").bind(nurse))
            .await
            .unwrap();
        assert_eq!(shifts, 0);
        let (off,): (i64,) = app
            .db()
            .fetch_one(q("SELECT COUNT(*) FROM staff_days_off WHERE staff_id = $1").bind(nurse))
            .await
            .unwrap();
        assert_eq!(off, 14);
        let s = yizhan_store::care::staff::get(app.db(), nurse).await.unwrap();
        assert_eq!(s.quarantined_until, Some(today + chrono::Duration::days(13)));
        let staff_page = app.get(&mut l, &format!("/stations/{st}/staff")).await.body;
        assert!(staff_page.contains("居家隔离至"), "the staff list says so");
        // A guest's measure for a staff member is refused by name.
        let r = app
            .json(
                &mut l,
                Method::POST,
                &format!("/api/v1/cases/{}/measures", case.id),
                json!({
                    "kind": "staff", "person_id": nurse, "action": "extend", "days": 3, "note": "x",
                }),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("\"action\""), "{}", r.body);

        // Kept: on the page per person, in the API, in the audit.
        let page = app.get(&mut l, &format!("/cases/{}", case.id)).await.body;
        assert!(
            page.contains("延长隔离期")
                && page.contains("每日检测至解除")
                && page.contains("居家隔离"),
            "{page}"
        );
        let api = app.get(&mut l, &format!("/api/v1/cases/{}/measures", case.id)).await.json();
        let actions: Vec<&str> =
            api.as_array().unwrap().iter().map(|m| m["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["extend", "test_daily", "move_room", "home_quarantine"]);
        let (audited,): (i64,) = app
            .db()
            .fetch_one(q("SELECT COUNT(*) FROM audit_log WHERE action = 'exposure.measure'"))
            .await
            .unwrap();
        assert_eq!(audited, 4);

        // Another station's lead: the case is not theirs.
        let other_lead = app.user("lead_b", Role::StationLead, Scope::Station(other), false).await;
        let mut o = app.session_for(other_lead).await;
        let r = app
            .form(&mut o, &path, &[("kind", "guest"), ("person_id", &b_s), ("action", "test_now")])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        // A clerk of the station may read the case but not order.
        let clerk = app.user("clerk", Role::StationStaff, Scope::Station(st), false).await;
        let mut k = app.session_for(clerk).await;
        let r = app
            .form(&mut k, &path, &[("kind", "guest"), ("person_id", &b_s), ("action", "test_now")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
);
