//! Alerts with owners and escalation (issue 18): a fever reaches the medical group on duty at
//! once (@ their mobiles), its leader after 10 minutes, the station lead after 30, the street and
//! district command after 60, unless someone acknowledges it (已知悉); a positive reaches all of
//! them at once; the rules are per-station versions. The clock is passed in, never slept on.
//! SQLite and PostgreSQL.

use chrono::Duration;
use yizhan_core::access::{Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::notify::{escalation, outbox};
use yizhan_store::testing::TestDb;
use yizhan_web::notify::{dispatch, send};
use yizhan_web::state::WebConfig;

use crate::common::{self, App, Received, district, duty_chain, receiver, robot};

const KEY: [u8; 32] = [9; 32];

async fn app(t: TestDb) -> App {
    App::with_config(t, WebConfig { secret_key: Some(KEY), ..Default::default() }).await
}

/// A guest in `room` with a fever now; (alert, stay).
async fn fever(app: &App, st: i64, room: &str, n: u32) -> (i64, i64) {
    let r = common::room(app.db(), st, room, 1).await;
    let g = common::guest(app.db(), st, n).await;
    let stay = common::check_in(app.db(), st, g, r).await;
    (common::fever_now(app.db(), stay).await.unwrap(), stay)
}

/// The (text, mentioned mobiles) of what a robot received, in order.
fn messages(got: &Received) -> Vec<(String, Vec<String>)> {
    got.lock()
        .unwrap()
        .iter()
        .map(|(_, _, b)| {
            let text = b["text"]["content"].as_str().unwrap_or_default().to_owned();
            let at = b["text"]["mentioned_mobile_list"]
                .as_array()
                .map(|a| a.iter().map(|m| m.as_str().unwrap().to_owned()).collect())
                .unwrap_or_default();
            (text, at)
        })
        .collect()
}

async fn robots(app: &App, street: i64, st: i64) -> [Received; 3] {
    common::robots(app.db(), &KEY, street, st).await
}

both_backends!(
    an_unacknowledged_fever_climbs_the_chain_and_an_acknowledged_one_stops,
    |t: TestDb| async move {
        let app = app(t).await;
        let (street, _, st, _) = district(app.db()).await;
        let chain = duty_chain(app.db(), st).await;
        let [own, street_got, district_got] = robots(&app, street, st).await;
        let client = send::client();
        let (first, _) = fever(&app, st, "502", 1).await;
        let t0 = yizhan_store::db::now();

        // At once: the medical group on duty, @ their mobiles, in the station's own group only.
        dispatch::once(&app.state, &client, "n1", t0).await.unwrap();
        let m = messages(&own);
        assert_eq!(m.len(), 1);
        assert!(
            !m[0].1.is_empty() && m[0].1.iter().all(|p| chain.medical_phones.contains(p)),
            "{m:?}"
        );
        assert!(!m[0].0.contains("138001"), "no mobile in the text: {}", m[0].0);
        assert!(street_got.lock().unwrap().is_empty() && district_got.lock().unwrap().is_empty());
        let a = yizhan_store::station::health::get_alert(app.db(), first).await.unwrap();
        assert_eq!(a.owner_group_id, Some(chain.medical));

        // Nothing at 9 minutes; the group's leader at 10, told why.
        assert_eq!(
            escalation::escalate_due(app.db(), t0 + Duration::minutes(9), 50).await.unwrap(),
            0
        );
        assert_eq!(
            escalation::escalate_due(app.db(), t0 + Duration::minutes(10), 50).await.unwrap(),
            1
        );
        dispatch::once(&app.state, &client, "n1", t0 + Duration::minutes(10)).await.unwrap();
        let m = messages(&own);
        assert_eq!(m.len(), 2);
        assert_eq!(m[1].1, &chain.medical_phones[..1], "the leader");
        assert!(m[1].0.starts_with("【升级·第1级：10 分钟无人确认】"), "{}", m[1].0);

        // Two nodes at minute 30: the station lead once.
        let (x, y) = tokio::join!(
            escalation::escalate_due(app.db(), t0 + Duration::minutes(30), 50),
            escalation::escalate_due(app.db(), t0 + Duration::minutes(30), 50),
        );
        assert_eq!(x.unwrap() + y.unwrap(), 1);
        dispatch::once(&app.state, &client, "n1", t0 + Duration::minutes(30)).await.unwrap();
        let m = messages(&own);
        assert_eq!(m.len(), 3);
        assert_eq!(m[2].1, std::slice::from_ref(&chain.command_phone));

        // The lead acknowledges: nothing more, the street and district never hear of it.
        let lead = app.user("lead", Role::StationLead, Scope::Station(st), false).await;
        let mut c = app.session_for(lead).await;
        let r = app.form(&mut c, &format!("/alerts/{first}/acknowledge"), &[]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(
            escalation::escalate_due(app.db(), t0 + Duration::minutes(90), 50).await.unwrap(),
            0
        );
        dispatch::once(&app.state, &client, "n1", t0 + Duration::minutes(90)).await.unwrap();
        assert_eq!(messages(&own).len(), 3);
        assert!(street_got.lock().unwrap().is_empty() && district_got.lock().unwrap().is_empty());
        let a = yizhan_store::station::health::get_alert(app.db(), first).await.unwrap();
        assert_eq!((a.acked_by.as_deref(), a.next_level_at), (Some("lead"), None));

        // Its timeline: raised, two levels, acknowledged — each with whom.
        let page = app.get(&mut c, &format!("/alerts/{first}")).await;
        assert_eq!(page.status, 200);
        for word in [
            "已知悉",
            "医疗组当班人员",
            "第 1 级上报医疗组组长",
            "第 2 级上报驿站指挥长",
            "lead 已知悉，停止上报",
            "医生0",
        ] {
            assert!(page.body.contains(word), "{word} missing from the timeline");
        }
        assert!(!page.body.contains(&chain.medical_phones[0]), "no mobile on the page");
        let events: Vec<String> = escalation::events(app.db(), first)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(events, ["raised", "escalated", "escalated", "acknowledged"]);

        // A second fever nobody takes: an hour later (a node down meanwhile) every missed level goes
        // out together, the street's and the district's groups get theirs.
        let (second, _) = fever(&app, st, "503", 2).await;
        let t1 = yizhan_store::db::now();
        assert_eq!(
            escalation::escalate_due(app.db(), t1 + Duration::minutes(61), 50).await.unwrap(),
            1
        );
        dispatch::once(&app.state, &client, "n1", t1 + Duration::minutes(61)).await.unwrap();
        assert_eq!(messages(&own).len(), 3 + 3, "raised, leader, lead");
        let s = messages(&street_got);
        assert_eq!(s.len(), 1);
        assert!(s[0].0.contains("第3级：60 分钟无人确认") && s[0].0.contains("503"), "{}", s[0].0);
        assert_eq!(messages(&district_got).len(), 1);
        let n = outbox::of_source(app.db(), "alert", second).await.unwrap();
        assert_eq!(n.len(), 5, "one per level per channel");
        assert!(n.iter().all(|n| n.status == "sent"));

        // The API says the same.
        let j = app.get(&mut c, &format!("/api/v1/alerts/{second}")).await.json();
        assert_eq!(j["timeline"].as_array().unwrap().len(), 4);
        assert_eq!(j["notifications"].as_array().unwrap().len(), 5);
        let r = app
            .json(
                &mut c,
                axum::http::Method::POST,
                &format!("/api/v1/alerts/{second}/acknowledge"),
                serde_json::json!({}),
            )
            .await;
        assert_eq!(r.json()["alert"]["acked_by"], "lead");
    }
);

both_backends!(a_positive_reaches_everyone_at_once, |t: TestDb| async move {
    let app = app(t).await;
    let (street, _, st, _) = district(app.db()).await;
    let chain = duty_chain(app.db(), st).await;
    let [own, street_got, district_got] = robots(&app, street, st).await;
    let r = common::room(app.db(), st, "601", 1).await;
    let g = common::guest(app.db(), st, 3).await;
    let stay = common::check_in(app.db(), st, g, r).await;
    common::test_positive(app.db(), stay, "BC000001").await;
    dispatch::once(&app.state, &send::client(), "n1", yizhan_store::db::now()).await.unwrap();
    let m = messages(&own);
    assert_eq!(m.len(), 1, "one message to the station's group, every person @");
    for p in [&chain.medical_phones[0], &chain.command_phone] {
        assert!(m[0].1.contains(p), "{p} not mentioned: {:?}", m[0].1);
    }
    assert_eq!((messages(&street_got).len(), messages(&district_got).len()), (1, 1));
});

both_backends!(a_station_without_its_own_group_is_heard_in_its_streets, |t: TestDb| async move {
    let app = app(t).await;
    let (street, _, st, other) = district(app.db()).await;
    duty_chain(app.db(), st).await;
    let (street_url, street_got) = receiver(vec![]).await;
    robot(app.db(), &KEY, &street_url, Some(street), None).await;
    fever(&app, st, "502", 1).await;
    // The other street's station: no channel of its own, none for its street, none district-wide.
    let (lost, _) = fever(&app, other, "101", 2).await;
    dispatch::once(&app.state, &send::client(), "n1", yizhan_store::db::now()).await.unwrap();
    let m = messages(&street_got);
    assert_eq!(m.len(), 1);
    assert!(!m[0].1.is_empty(), "the people on duty are @ in the street's group");
    assert!(outbox::of_source(app.db(), "alert", lost).await.unwrap().is_empty());
});

both_backends!(
    the_rules_are_versions_a_lead_publishes_with_every_error_at_once,
    |t: TestDb| async move {
        let app = app(t).await;
        let (street, _, st, other) = district(app.db()).await;
        let chain = duty_chain(app.db(), st).await;
        let [own, _, _] = robots(&app, street, st).await;
        let lead = app.user("lead", Role::StationLead, Scope::Station(st), false).await;
        let mut c = app.session_for(lead).await;
        let page = app.get(&mut c, &format!("/stations/{st}/escalation")).await;
        assert_eq!(page.status, 200);
        assert!(
            page.body.contains("尚未发布，使用默认规则") && page.body.contains("医疗组当班人员")
        );
        assert!(page.body.contains(&format!("/stations/{st}/escalation\"")), "in the navigation");

        // An alert raised now follows version 1 (the default, published by the system).
        let (before, _) = fever(&app, st, "502", 1).await;
        let med = chain.medical;
        // Every refusal at once, nothing published.
        let bad = app
            .form(
                &mut c,
                &format!("/stations/{st}/escalation"),
                &[
                    ("other_after_0", "5"),
                    ("other_to_0", &format!("leader:{med}")),
                    ("other_after_1", "abc"),
                    ("other_to_1", "command"),
                    ("positive_after_0", "0"),
                    ("positive_to_0", "leader:999999"),
                ],
            )
            .await;
        assert_eq!(bad.status, 422);
        for msg in [
            "发热、症状等预警：须有一步在发生后 0 分钟（立即）通知",
            "发热、症状等预警的上报步骤：",
            "核酸阳性：请选择通知对象",
        ] {
            assert!(bad.body.contains(msg), "{msg} missing");
        }
        assert_eq!(escalation::versions(app.db(), st).await.unwrap().len(), 1);

        // Version 2: the leader at once, the district after 5 minutes.
        let ok = app
            .form(
                &mut c,
                &format!("/stations/{st}/escalation"),
                &[
                    ("other_after_0", "0"),
                    ("other_to_0", &format!("leader:{med}")),
                    ("other_after_1", "5"),
                    ("other_to_1", "district"),
                    ("positive_after_0", "0"),
                    ("positive_to_0", "command"),
                ],
            )
            .await;
        assert_eq!(ok.status, 303, "{}", ok.body);
        let v = escalation::versions(app.db(), st).await.unwrap();
        assert_eq!((v.len(), v[0].version, v[0].created_by.as_str()), (2, 2, "lead"));
        let (after, _) = fever(&app, st, "503", 2).await;
        let t0 = yizhan_store::db::now();
        escalation::escalate_due(app.db(), t0 + Duration::minutes(5), 50).await.unwrap();
        // The alert of before keeps version 1 (nothing due at 5 min); the new one is at its last level.
        let b = yizhan_store::station::health::get_alert(app.db(), before).await.unwrap();
        let a = yizhan_store::station::health::get_alert(app.db(), after).await.unwrap();
        assert_eq!((b.rules_id, b.next_level), (Some(v[1].id), 1));
        assert_eq!((a.rules_id, a.next_level, a.next_level_at), (Some(v[0].id), 2, None));
        dispatch::once(&app.state, &send::client(), "n1", t0 + Duration::minutes(5)).await.unwrap();
        // Room 503's alert reached only the group's leader in the station's group.
        let to: Vec<Vec<String>> =
            messages(&own).into_iter().filter(|x| x.0.contains("503")).map(|x| x.1).collect();
        assert_eq!(to, [vec![chain.medical_phones[0].clone()]]);

        // Staff read the rules but may not change them; another station's lead does not see them.
        let staff = app.user("staff", Role::StationStaff, Scope::Station(st), false).await;
        let mut s = app.session_for(staff).await;
        let r = app.get(&mut s, &format!("/stations/{st}/escalation")).await;
        assert!(r.status == 200 && !r.body.contains("escalation-form"));
        let r = app
            .form(&mut s, &format!("/stations/{st}/escalation"), &[("other_after_0", "0")])
            .await;
        assert_eq!(r.status, 403);
        let other_lead = app.user("lead_b", Role::StationLead, Scope::Station(other), false).await;
        let mut o = app.session_for(other_lead).await;
        assert_eq!(app.get(&mut o, &format!("/stations/{st}/escalation")).await.status, 404);
        assert_eq!(app.get(&mut o, &format!("/alerts/{before}")).await.status, 404);
        assert_eq!(
            app.form(&mut o, &format!("/alerts/{before}/acknowledge"), &[]).await.status,
            404
        );
    }
);
