//! A positive case's response (issue 19, first slice): a positive result opens a case in its
//! transaction with the plan's timed steps; the lead records each step once (every refusal at
//! once), a step past its deadline is told once to everyone, the last step closes the case; the
//! command sees every case, another station none. SQLite and PostgreSQL.

use axum::http::{Method, StatusCode};
use chrono::Duration;
use serde_json::json;
use yizhan_core::access::{Actor, Role, Scope};
use yizhan_core::station::sampling::TestResult;
use yizhan_store::both_backends;
use yizhan_store::db::q;
use yizhan_store::station::{cases, policies, sampling, stays};
use yizhan_store::testing::TestDb;

use crate::common::{self, App, district};

both_backends!(
    a_positive_opens_a_case_whose_steps_are_timed_and_done_once,
    |t: TestDb| async move {
        let app = App::new(t).await;
        let (_, _, st, other) = district(app.db()).await;
        let sys = Actor::system();
        let room = common::room(app.db(), st, "808", 1).await;
        let g = common::guest(app.db(), st, 8).await;
        let p147 =
            policies::list(app.db()).await.unwrap().into_iter().find(|p| p.code == "14+7").unwrap();
        let c = stays::CheckIn {
            station_id: st,
            guest_id: g,
            room_id: room,
            policy_id: p147.id,
            at: yizhan_store::db::now(),
        };
        let stay = stays::check_in(app.db(), &sys, &c).await.unwrap().id;
        let test = stays::tests(app.db(), stay).await.unwrap()[0].id;
        sampling::sample(app.db(), &sys, test, "R-808").await.unwrap();
        assert!(
            cases::of_stay(app.db(), stay).await.unwrap().is_none(),
            "no case before a positive"
        );
        sampling::set_result(app.db(), &sys, test, TestResult::Positive).await.unwrap();
        let case = cases::of_stay(app.db(), stay).await.unwrap().expect("a positive opens a case");
        let steps = cases::steps(app.db(), case.id).await.unwrap();
        let timed: Vec<(&str, i64)> = steps
            .iter()
            .map(|s| (s.step.as_str(), (s.due_at - case.opened_at).num_minutes()))
            .collect();
        assert_eq!(
            timed,
            [
                ("report", 60),
                ("transfer", 120),
                ("disinfect", 240),
                ("confirm", 360),
                ("unseal", 4320)
            ],
            "14+7 samples twice: a second sample within six hours"
        );

        // The station's lead and the command see it; another station does not.
        let lead = app.user("lead", Role::StationLead, Scope::Station(st), false).await;
        let mut l = app.session_for(lead).await;
        let list = app.get(&mut l, "/cases").await.body;
        assert!(
            list.contains(&format!("data-testid=\"case-{}\"", case.id)) && list.contains("处置中")
        );
        assert!(list.contains("陈*") && !list.contains("陈大文8"), "masked");
        let cmd = app.user("cmd", Role::Commander, Scope::District, false).await;
        let mut k = app.session_for(cmd).await;
        // Searched on the server, and exported as the report states it.
        let found = app.get(&mut k, "/cases?q=808").await.body;
        assert!(found.contains(&format!("data-testid=\"case-{}\"", case.id)), "{found}");
        let none = app.get(&mut k, "/cases?q=999").await.body;
        assert!(none.contains("cases-empty") && !none.contains("data-testid=\"case-"), "{none}");
        let x = app.get(&mut k, "/cases/export.xlsx").await;
        let rows = common::xlsx_rows(&x.bytes, "阳性处置");
        assert_eq!(rows[0][1], "房间");
        assert_eq!(
            (rows[1][1].as_str(), rows[1][2].as_str(), rows[1][4].as_str()),
            ("808", "阳性", "0/5")
        );
        let api = app.get(&mut k, "/api/v1/cases").await.json();
        assert_eq!(api[0]["id"], case.id);
        assert_eq!(api[0]["steps"].as_array().unwrap().len(), 5);
        let theirs = app.user("theirs", Role::StationLead, Scope::Station(other), false).await;
        let mut o = app.session_for(theirs).await;
        assert!(app.get(&mut o, "/cases").await.body.contains("cases-empty"));
        assert_eq!(
            app.get(&mut o, &format!("/cases/{}", case.id)).await.status,
            StatusCode::NOT_FOUND
        );

        // A transfer with nothing filled in: every field named at once; nothing recorded.
        let url = format!("/cases/{}/steps", case.id);
        let r = app.form(&mut l, &url, &[("step", "transfer")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        for f in ["vehicle", "escort", "hospital", "handover_at", "receiver"] {
            assert!(r.body.contains(&format!("data-refused=\"{f}\"")), "{f}");
        }
        let handover =
            yizhan_core::time::local_display(yizhan_store::db::now() - Duration::minutes(5));
        let transfer = [
            ("step", "transfer"),
            ("vehicle", "120 负压救护车"),
            ("escort", "医疗组 王医生"),
            ("hospital", "市第三人民医院"),
            ("handover_at", handover.as_str()),
            ("receiver", "发热门诊 李护士"),
        ];
        let r = app.form(&mut l, &url, &transfer).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        // The transfer ends the stay, to the hospital; the room stays sealed.
        let s = stays::get(app.db(), stay).await.unwrap();
        assert_eq!(s.outcome.map(|o| o.as_str()), Some("transferred_hospital"));
        assert_eq!(s.outcome_reason.as_deref(), Some("市第三人民医院"));
        let sealed = yizhan_store::station::rooms::get(app.db(), room).await.unwrap();
        assert_eq!(sealed.state().as_str(), "sealed");
        let r =
            app.form(&mut l, &url, &[("step", "report"), ("reported_to", "区指挥部 张科长")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = app.form(&mut l, &url, &[("step", "report"), ("reported_to", "再报一次")]).await;
        assert!(r.body.contains("该环节已登记完成"), "once: {}", r.body);
        let page = app.get(&mut l, &format!("/cases/{}", case.id)).await.body;
        assert!(page.contains("市第三人民医院") && page.contains("区指挥部 张科长"), "{page}");

        // Staff do not record steps.
        let staff = app.user("staff", Role::StationStaff, Scope::Station(st), false).await;
        let mut s = app.session_for(staff).await;
        let r = app.form(&mut s, &url, &[("step", "disinfect")]).await;
        assert!(matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}", r.status);

        // The second sample past its six hours: told once, as danger, to everyone.
        app.db()
            .execute(
                q("UPDATE case_steps SET due_at = $1 WHERE case_id = $2 AND step = 'confirm'")
                    .bind(yizhan_store::db::now() - Duration::minutes(1))
                    .bind(case.id),
            )
            .await
            .unwrap();
        let now = yizhan_store::db::now();
        assert_eq!(cases::sweep(app.db(), now).await.unwrap(), 1);
        assert_eq!(cases::sweep(app.db(), now).await.unwrap(), 0, "told once");
        let told: Vec<(String, String)> = app
            .db()
            .fetch_all(q("SELECT event, severity FROM inbox WHERE source = 'case'"))
            .await
            .unwrap();
        assert_eq!(told, [("overdue:confirm".to_owned(), "danger".to_owned())]);
        let page = app.get(&mut l, &format!("/cases/{}", case.id)).await.body;
        assert!(page.contains("已超时"), "{page}");

        // The rest, one through the API; the last closes the case.
        let r = app
            .json(
                &mut l,
                Method::POST,
                &format!("/api/v1/cases/{}/steps", case.id),
                json!({"step": "confirm", "result": "positive"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        // Not unsealed before the terminal disinfection is recorded.
        let r = app.form(&mut l, &url, &[("step", "unseal")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("须先登记终末消毒"), "{}", r.body);
        app.form(&mut l, &url, &[("step", "disinfect"), ("note", "房间及走廊终末消毒完成")]).await;
        assert!(cases::get(app.db(), case.id).await.unwrap().closed_at.is_none());
        let r = app.form(&mut l, &url, &[("step", "unseal")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(cases::get(app.db(), case.id).await.unwrap().closed_at.is_some(), "closed");
        // Unsealed, the room waits for its routine terminal disinfection, said in words.
        let unsealed = yizhan_store::station::rooms::get(app.db(), room).await.unwrap();
        assert_eq!(unsealed.state().as_str(), "awaiting_disinfection");
        let room_page = app.get(&mut l, &format!("/rooms/{room}")).await.body;
        assert!(room_page.contains("阳性处置解封"), "{room_page}");
        assert!(app.get(&mut l, "/cases").await.body.contains("已完成"));

        // The KPIs count cases, not positive tests: a second positive of the same stay is the
        // same case; the board's 零感染 counter starts again today.
        let second = stays::tests(app.db(), stay).await.unwrap()[1].id;
        sampling::sample(app.db(), &sys, second, "R-808-2").await.unwrap();
        sampling::set_result(app.db(), &sys, second, TestResult::Positive).await.unwrap();
        let kpis = app.get(&mut l, &format!("/api/v1/stations/{st}/kpis")).await.json();
        assert_eq!(kpis["counts"]["positives"], 1, "{kpis}");
        assert_eq!(kpis["days_since_positive"], 0);
        let theirs = app.get(&mut o, &format!("/api/v1/stations/{other}/kpis")).await.json();
        assert_eq!(theirs["counts"]["positives"], 0, "{theirs}");
        assert_eq!(theirs["days_since_positive"], json!(null));
        yizhan_store::testing::assert_counters_agree(app.db()).await;
    }
);

/// A person recording under `name`.
fn by(name: &str) -> Actor {
    Actor { user_id: None, name: name.into() }
}

both_backends!(
    the_exposure_list_names_who_and_why_and_leaves_out_the_rest,
    |t: TestDb| async move {
        let app = App::new(t).await;
        let (_, _, st, _) = district(app.db()).await;
        let sys = Actor::system();
        let now = yizhan_store::db::now();
        let day = Duration::days(1);
        let r301 = common::room(app.db(), st, "301", 2).await;
        let r302 = common::room(app.db(), st, "302", 2).await;
        let r304 = common::room(app.db(), st, "304", 1).await;
        let (a, b, c, d, e) = (
            common::guest(app.db(), st, 1).await,
            common::guest(app.db(), st, 2).await,
            common::guest(app.db(), st, 3).await,
            common::guest(app.db(), st, 4).await,
            common::guest(app.db(), st, 5).await,
        );
        let case_stay = common::check_in(app.db(), st, a, r301).await;
        common::check_in(app.db(), st, b, r301).await; // the roommate
        common::check_in(app.db(), st, c, r302).await; // the neighbour
        // E shared 302 and left five days ago: before the window.
        let gone = common::check_in(app.db(), st, e, r302).await;
        let out = yizhan_core::station::stay::Outcome::Released;
        stays::check_out(app.db(), &sys, gone, out, None).await.unwrap();
        app.db()
            .execute(
                q("UPDATE stays SET checked_in_at = $1, ended_at = $2 WHERE id = $3")
                    .bind(now - day * 10)
                    .bind(now - day * 5)
                    .bind(gone),
            )
            .await
            .unwrap();
        let far = common::check_in(app.db(), st, d, r304).await; // two doors away
        // Readings: nurse_a took the case's, nurse_b only the far guest's.
        let reading = yizhan_core::station::health::validate_health_check(
            &yizhan_core::station::health::HealthCheckInput {
                temperature: "36.6".into(),
                ..Default::default()
            },
        )
        .unwrap();
        let today = yizhan_core::time::local_date(now);
        let am = yizhan_core::station::health::Slot::Am;
        yizhan_store::station::health::record(
            app.db(),
            &by("nurse_a"),
            case_stay,
            today,
            am,
            &reading,
        )
        .await
        .unwrap();
        yizhan_store::station::health::record(app.db(), &by("nurse_b"), far, today, am, &reading)
            .await
            .unwrap();
        // A relative's fruit, delivered by the porter; room 301 disinfected by cleaner, 304 by another.
        app.db()
        .execute(
            q("INSERT INTO deliveries (station_id, stay_id, sender, item, status, received_by, received_at,
                   disinfected_by, disinfected_at, delivered_by, delivered_at)
               VALUES ($1, $2, '陈太', '水果', 'delivered', 'gate', $3, 'gate', $3, 'porter', $3)")
            .bind(st)
            .bind(case_stay)
            .bind(now - Duration::hours(20)),
        )
        .await
        .unwrap();
        for (room, who) in [(r301, "cleaner"), (r304, "cleaner2")] {
            app.db()
            .execute(
                q("INSERT INTO disinfection_records (station_id, room_id, agent, concentration, minutes, operator, done_at, recorded_by)
                   VALUES ($1, $2, '含氯消毒剂', 500, 30, $3, $4, 'lead')")
                .bind(st)
                .bind(room)
                .bind(who)
                .bind(now - Duration::hours(10)),
            )
            .await
            .unwrap();
        }
        // Yesterday's day shift: nurse_r's group works on floor 3, nurse_5's on floor 5 only.
        let yesterday = yizhan_core::time::local_date(now) - day;
        for (group, floors, who, phone) in
            [("floor3", "3", "nurse_r", "13800000011"), ("floor5", "5", "nurse_5", "13800000012")]
        {
            let (g,): (i64,) = app
                .db()
                .fetch_one(
                    q("INSERT INTO working_groups (station_id, name, pattern, min_per_shift, floors, created_at)
                       VALUES ($1, $2, 'two_twelves', 1, $3, $4) RETURNING id")
                    .bind(st)
                    .bind(group)
                    .bind(floors)
                    .bind(now),
                )
                .await
                .unwrap();
            let p = common::staff_member(app.db(), st, g, who, phone).await;
            app.db()
                .execute(
                    q("INSERT INTO roster_shifts (group_id, staff_id, day, shift, created_at) VALUES ($1, $2, $3, 0, $4)")
                        .bind(g)
                        .bind(p)
                        .bind(yesterday)
                        .bind(now),
                )
                .await
                .unwrap();
        }
        // The case: sampled by doc, positive.
        let test = stays::tests(app.db(), case_stay).await.unwrap()[0].id;
        sampling::sample(app.db(), &by("doc"), test, "R-301").await.unwrap();
        sampling::set_result(app.db(), &sys, test, TestResult::Positive).await.unwrap();
        let case = cases::of_stay(app.db(), case_stay).await.unwrap().unwrap();

        let list = yizhan_store::station::exposure::of_case(app.db(), &case, 2).await.unwrap();
        let said: Vec<(String, &str, Vec<&str>)> = list
            .iter()
            .map(|x| {
                let why = x.evidence.iter().map(|e| e.reason.as_str()).collect();
                (x.name.clone(), x.kind.as_str(), why)
            })
            .collect();
        assert_eq!(
            said,
            [
                ("陈大文2".to_owned(), "guest", vec!["same_room"]),
                ("陈大文3".to_owned(), "guest", vec!["adjacent_room"]),
                ("nurse_a".to_owned(), "staff", vec!["reading"]),
                ("doc".to_owned(), "staff", vec!["sampling"]),
                ("porter".to_owned(), "staff", vec!["delivery"]),
                ("cleaner".to_owned(), "staff", vec!["disinfection"]),
                ("nurse_r".to_owned(), "staff", vec!["roster_floor"]),
                ("陈太".to_owned(), "relative", vec!["relative_delivery"]),
            ],
            "not: 304's guest, the guest who left 302 before the window, nurse_b, cleaner2, nurse_5"
        );
        let rostered = &list.iter().find(|x| x.name == "nurse_r").unwrap().evidence[0].what;
        assert_eq!(rostered, &format!("floor3 {yesterday} 08:00\u{2013}20:00"));
        // A wider window (ten days) reaches the guest who left 302 five days ago.
        let wide = yizhan_store::station::exposure::of_case(app.db(), &case, 10).await.unwrap();
        assert!(wide.iter().any(|x| x.name == "陈大文5"), "{wide:?}");

        // On the case's page, masked, with the count.
        let lead = app.user("lead", Role::StationLead, Scope::Station(st), false).await;
        let mut l = app.session_for(lead).await;
        let page = app.get(&mut l, &format!("/cases/{}", case.id)).await.body;
        assert!(page.contains("data-testid=\"exposed-count\">8<"), "{page}");
        assert!(
            page.contains("陈**2") && !page.contains("陈大文2") && page.contains("陈*"),
            "masked"
        );
        assert!(page.contains("同房间") && page.contains("相邻房间") && page.contains("亲友送物"));
        let wide = app.get(&mut l, &format!("/cases/{}?days=10", case.id)).await.body;
        assert!(wide.contains("data-testid=\"exposed-count\">9<"), "{wide}");
        let r = app.get(&mut l, &format!("/cases/{}?days=99", case.id)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    }
);
