//! What notifies besides a reading (issue 18): a high psychological risk, an overdue
//! rectification or directive, a room left waiting for disinfection, a missed round or sampling,
//! an incomplete daily report — each told once. SQLite and PostgreSQL.

use chrono::Duration;
use yizhan_core::access::Actor;
use yizhan_core::notify::Severity;
use yizhan_store::both_backends;
use yizhan_store::notify::outbox;
use yizhan_store::testing::TestDb;
use yizhan_web::notify::{dispatch, send};

use crate::common::{self, district, receiver};
use crate::notifications::{KEY, app};

both_backends!(a_high_risk_and_an_overdue_rectification_are_told_once, |t: TestDb| async move {
    use yizhan_core::access::{Role, Scope};
    let app = app(t).await;
    let (street_a, _, st, _) = district(app.db()).await;
    let sys = Actor::system();
    // A counsellor's sessions: a low risk says nothing, a high one tells the station.
    let r = common::room(app.db(), st, "702", 1).await;
    let g = common::guest(app.db(), st, 4).await;
    let stay = common::check_in(app.db(), st, g, r).await;
    for risk in
        [yizhan_core::care::counselling::Risk::Low, yizhan_core::care::counselling::Risk::High]
    {
        let s = yizhan_core::care::counselling::NewSession {
            held_at: yizhan_store::db::now(),
            minutes: 30,
            risk,
            notes: "失眠，情绪低落".into(),
        };
        yizhan_store::care::counselling::record(app.db(), &sys, st, stay, &s).await.unwrap();
    }
    let lead = app.user("lead", Role::StationLead, Scope::Station(st), false).await;
    let mut c = app.session_for(lead).await;
    let page = app.get(&mut c, "/inbox").await;
    assert_eq!(page.body.matches("心理评估为高风险").count(), 1);
    assert!(
        page.body.contains("702 房") && !page.body.contains("失眠"),
        "the room, never the notes"
    );

    // A rectification due in 7 days: nothing until the day after; then once, to the station and
    // its street's command; a second scan tells nothing more.
    let checklist = yizhan_store::command::inspections::create_template(
        app.db(),
        &sys,
        &yizhan_core::command::inspection::validate_template(
            &yizhan_core::command::inspection::TemplateInput {
                name: "督导检查表".into(),
                items: "消杀 | 终末消毒记录 | 每间退房后有记录".into(),
            },
        )
        .unwrap(),
    )
    .await
    .unwrap();
    let (rect, _) = common::rectification_fixture(app.db(), st, checklist).await;
    let (street_url, street_got) = receiver(vec![]).await;
    crate::common::robot(app.db(), &KEY, &street_url, Some(street_a), None).await;
    let now = yizhan_store::db::now();
    use yizhan_store::notify::overdue;
    let slots = Default::default();
    let scan = |days: i64| overdue::scan(app.db(), &slots, now + Duration::days(days));
    assert_eq!(scan(7).await.unwrap().rectifications, 0);
    assert_eq!(scan(9).await.unwrap().rectifications, 1);
    assert_eq!(scan(10).await.unwrap().rectifications, 0);
    dispatch::once(&app.state, &send::client(), "n1", now + Duration::days(10)).await.unwrap();
    // The street's group also hears of the rounds room 702 missed meanwhile; one rectification.
    let got: Vec<String> = street_got
        .lock()
        .unwrap()
        .iter()
        .map(|m| m.2["text"]["content"].as_str().unwrap().to_owned())
        .filter(|t| t.contains("整改逾期"))
        .collect();
    assert_eq!(got.len(), 1);
    let text = &got[0];
    assert!(text.contains("整改逾期 2 天：302房退房后无终末消毒记录"), "{text}");
    assert!(text.ends_with(&format!("/rectifications/{rect}")), "{text}");
    assert!(app.get(&mut c, "/inbox").await.body.contains("整改逾期 2 天"));
});

both_backends!(
    an_unconfirmed_directive_and_a_room_left_waiting_are_told_once,
    |t: TestDb| async move {
        use yizhan_core::access::{Role, Scope};
        use yizhan_core::command::directive::{DirectiveKind, NewDirective, RecipientKind};
        use yizhan_store::command::directives;
        use yizhan_store::notify::overdue;
        let app = app(t).await;
        let (_, _, st, other) = district(app.db()).await;
        let sys = Actor::system();
        let today = yizhan_core::time::local_date(yizhan_store::db::now());
        let d = directives::create(
            app.db(),
            &sys,
            &NewDirective {
                title: "关于加强驿站闭环管理的通知".into(),
                kind: DirectiveKind::Notice,
                body: "请落实。".into(),
                deadline: today + Duration::days(3),
                recipients: vec![(RecipientKind::Station, st), (RecipientKind::Station, other)],
            },
        )
        .await
        .unwrap();
        directives::publish(app.db(), &sys, d).await.unwrap();
        // The other station confirms in time; this one does not.
        let dir = directives::get(app.db(), d).await.unwrap();
        directives::acknowledge(app.db(), &sys, &dir, RecipientKind::Station, other).await.unwrap();

        // A guest leaves room 808: it waits for its terminal disinfection.
        let r = common::room(app.db(), st, "808", 1).await;
        let g = common::guest(app.db(), st, 5).await;
        let stay = common::check_in(app.db(), st, g, r).await;
        yizhan_store::station::stays::check_out(
            app.db(),
            &sys,
            stay,
            yizhan_core::station::stay::Outcome::TurnedBack,
            Some("证件不符"),
        )
        .await
        .unwrap();
        let now = yizhan_store::db::now();
        let slots = Default::default();
        // Three hours on: the room has not waited long enough, the directive is not due yet.
        let told = overdue::scan(app.db(), &slots, now + Duration::hours(3)).await.unwrap();
        assert_eq!((told.directives, told.rooms), (0, 0));
        let told = overdue::scan(app.db(), &slots, now + Duration::hours(5)).await.unwrap();
        assert_eq!((told.directives, told.rooms), (0, 1));
        let told = overdue::scan(app.db(), &slots, now + Duration::days(4)).await.unwrap();
        assert_eq!((told.directives, told.rooms), (1, 0));

        let lead = app.user("lead", Role::StationLead, Scope::Station(st), false).await;
        let mut c = app.session_for(lead).await;
        let page = app.get(&mut c, "/inbox").await.body;
        assert!(
            page.contains("尚未确认收到通知“关于加强驿站闭环管理的通知”，已逾期 1 天"),
            "directive missing"
        );
        assert!(page.contains("808 房退房后已等待终末消毒 5 小时"), "room missing");
        // Scanning again tells nothing more.
        let told = overdue::scan(app.db(), &slots, now + Duration::days(5)).await.unwrap();
        assert_eq!((told.directives, told.rooms), (0, 0));
        let other_lead = app.user("lead_b", Role::StationLead, Scope::Station(other), false).await;
        let mut o = app.session_for(other_lead).await;
        assert_eq!(
            app.get(&mut o, "/api/v1/inbox").await.json()["unread"],
            0,
            "it confirmed in time"
        );
    }
);

both_backends!(
    a_missed_round_and_an_unsampled_test_are_told_once_per_station,
    |t: TestDb| async move {
        use yizhan_core::access::{Role, Scope};
        use yizhan_core::station::health::{Slot, slot_deadline};
        use yizhan_store::notify::overdue;
        let app = app(t).await;
        let (_, _, st, _) = district(app.db()).await;
        let mut stays = Vec::new();
        for (room, n) in [("901", 1), ("902", 2)] {
            let r = common::room(app.db(), st, room, 1).await;
            let g = common::guest(app.db(), st, n).await;
            stays.push(common::check_in(app.db(), st, g, r).await);
        }
        let slots = Default::default();
        let now = yizhan_store::db::now();
        // The first round to close after check-in; 902 is read in time, 901 is not.
        let today = yizhan_core::time::local_date(now);
        let (day, slot, deadline) = [today, today + Duration::days(1)]
            .into_iter()
            .flat_map(|d| [Slot::Am, Slot::Pm].map(|s| (d, s, slot_deadline(d, s, &slots))))
            .find(|x| x.2 > now)
            .unwrap();
        let reading = yizhan_core::station::health::validate_health_check(
            &yizhan_core::station::health::HealthCheckInput {
                temperature: "36.5".into(),
                ..Default::default()
            },
        )
        .unwrap();
        yizhan_store::station::health::record(
            app.db(),
            &Actor::system(),
            stays[1],
            day,
            slot,
            &reading,
        )
        .await
        .unwrap();
        // The round may close tomorrow morning (an evening run), when yesterday's unsampled
        // test is news too: samplings are counted over every scan.
        let mut samplings = 0;
        for (minutes, rounds) in [(-1, 0), (1, 1), (2, 0)] {
            let told = overdue::scan(app.db(), &slots, deadline + Duration::minutes(minutes))
                .await
                .unwrap();
            assert_eq!(told.rounds, rounds, "{minutes} min after the round's deadline");
            samplings += told.samplings;
        }

        // The first test's day passes without a sample: told the next day, once.
        let due =
            yizhan_store::station::stays::tests(app.db(), stays[0]).await.unwrap()[0].due_date;
        let next_day = now + Duration::days((due - today).num_days() + 1);
        samplings += overdue::scan(app.db(), &slots, next_day).await.unwrap().samplings;
        assert_eq!(samplings, 1, "told once by the day after the test's day");
        assert_eq!(
            overdue::scan(app.db(), &slots, next_day + Duration::minutes(1))
                .await
                .unwrap()
                .samplings,
            0
        );

        let lead = app.user("lead", Role::StationLead, Scope::Station(st), false).await;
        let mut c = app.session_for(lead).await;
        let page = app.get(&mut c, "/inbox").await.body;
        assert!(page.contains("体温已过截止时间，1 人未测：901"), "the round");
        assert!(page.contains("未采样：901、902"), "the sampling");
    }
);

both_backends!(an_incomplete_daily_report_tells_each_station_once, |t: TestDb| async move {
    let app = app(t).await;
    let (_, _, st, _) = district(app.db()).await;
    let (url, got) = receiver(vec![]).await;
    crate::common::robot(app.db(), &KEY, &url, None, Some(st)).await;
    // A guest in stay and not one temperature yesterday.
    let r = common::room(app.db(), st, "502", 1).await;
    let g = common::guest(app.db(), st, 61).await;
    common::check_in(app.db(), st, g, r).await;
    let day = yizhan_core::time::local_date(yizhan_store::db::now()) - Duration::days(1);
    let report =
        yizhan_web::jobs::daily_report::generate(&app.state, &Actor::system(), day).await.unwrap();
    assert!(!report.complete());
    // Made again (someone regenerates it): still once.
    yizhan_web::jobs::daily_report::generate(&app.state, &Actor::system(), day).await.unwrap();
    let rows = outbox::of_source(app.db(), "report", st).await.unwrap();
    assert_eq!(rows.len(), 1, "once per station and day");
    assert_eq!(rows[0].severity, Severity::Warning);
    dispatch::once(&app.state, &send::client(), "n1", yizhan_store::db::now()).await.unwrap();
    let got = got.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    let content = got[0].2["text"]["content"].as_str().unwrap();
    assert!(
        content.contains("卓汇健康驿站")
            && content.contains(&format!("{day} 日报数据不全"))
            && content.contains("当日无排班"),
        "{content}"
    );
    assert!(content.ends_with(&format!("/reports/{day}")), "{content}");
});
