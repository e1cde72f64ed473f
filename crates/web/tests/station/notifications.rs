//! Alerts that reach people (issue 18): a fever writes its notifications in its own transaction,
//! the dispatcher sends each once to a real HTTP receiver standing in for the group robots, tries
//! again after a failure, keeps to a channel's rate (a burst beyond it in digests), gives up
//! after the last try, and two dispatchers never send one twice. The fixtures the centre's and
//! the other sources' tests share. SQLite and PostgreSQL.

use chrono::Duration;
use yizhan_core::access::{Actor, Role, Scope};
use yizhan_core::notify::{ChannelKind, Severity};
use yizhan_store::both_backends;
use yizhan_store::notify::{channels, outbox};
use yizhan_store::testing::TestDb;
use yizhan_web::notify::{dispatch, seal, send};
use yizhan_web::state::WebConfig;

use crate::common::{self, App, district, receiver};

pub const KEY: [u8; 32] = [7; 32];

pub async fn app(t: TestDb) -> App {
    App::with_config(t, WebConfig { secret_key: Some(KEY), ..Default::default() }).await
}

pub async fn channel(
    app: &App,
    kind: ChannelKind,
    url: &str,
    secret: Option<&str>,
    per_minute: i64,
) -> i64 {
    channels::create(
        app.db(),
        &Actor::system(),
        &channels::NewChannel {
            name: format!("{kind:?}"),
            kind,
            street_id: None,
            station_id: None,
            min_severity: Severity::Danger,
            per_minute,
            url_sealed: seal::seal(Some(&KEY), url).unwrap(),
            url_hint: seal::hint(url),
            secret_sealed: secret.map(|s| seal::seal(Some(&KEY), s).unwrap()),
            recipients: vec![],
            sender: String::new(),
            body: String::new(),
        },
    )
    .await
    .unwrap()
}

/// A guest in room `room` with a fever now; the alert's id.
pub async fn fever(app: &App, st: i64, room: &str, n: u32) -> i64 {
    let r = common::room(app.db(), st, room, 1).await;
    let g = common::guest(app.db(), st, n).await;
    let stay = common::check_in(app.db(), st, g, r).await;
    common::fever_now(app.db(), stay).await.unwrap()
}

both_backends!(a_fever_reaches_the_group_once_and_says_no_name, |t: TestDb| async move {
    let app = app(t).await;
    let (_, _, st, _) = district(app.db()).await;
    // The robot is down twice, then takes it.
    let (url, got) = receiver(vec![
        (500, "down"),
        (200, r#"{"errcode":45009,"errmsg":"api freq out of limit"}"#),
    ])
    .await;
    channel(&app, ChannelKind::WeCom, &url, None, 20).await;
    let alert = fever(&app, st, "502", 7).await;
    // Written with the alert, in its transaction.
    let rows = outbox::of_source(app.db(), "alert", alert).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].status.as_str(), rows[0].severity), ("pending", Severity::Danger));

    let client = send::client();
    let now = yizhan_store::db::now();
    let pass = dispatch::once(&app.state, &client, "n1", now).await.unwrap();
    assert_eq!(pass, dispatch::Pass { again: 1, ..Default::default() });
    // Not due again before its wait (10 s) is over.
    let pass = dispatch::once(&app.state, &client, "n1", now + Duration::seconds(5)).await.unwrap();
    assert_eq!(pass, dispatch::Pass::default());
    let pass =
        dispatch::once(&app.state, &client, "n1", now + Duration::seconds(11)).await.unwrap();
    assert_eq!(pass.again, 1, "the robot said 45009: too many");
    let pass =
        dispatch::once(&app.state, &client, "n1", now + Duration::seconds(50)).await.unwrap();
    assert_eq!(pass.sent, 1);
    let row = &outbox::of_source(app.db(), "alert", alert).await.unwrap()[0];
    assert_eq!((row.status.as_str(), row.attempts), ("sent", 3));
    let got = got.lock().unwrap().clone();
    assert_eq!(got.len(), 3, "three tries, one message");
    let body = &got[2].2;
    assert_eq!(body["msgtype"], "text");
    let content = body["text"]["content"].as_str().unwrap();
    assert!(
        content.contains("502") && content.contains("发热") && content.contains("卓汇健康驿站"),
        "{content}"
    );
    // The guest's name, document and phone are nowhere in it.
    let guest = common::first_guest(app.db(), st).await;
    for secret in [&guest.name, &guest.doc_number, &guest.phone] {
        assert!(!content.contains(secret.as_str()), "{secret} in {content}");
    }
    // The same key on every try, for a receiver that recognises a repeat.
    let keys: Vec<_> =
        got.iter().map(|g| g.1["idempotency-key"].to_str().unwrap().to_owned()).collect();
    assert!(keys.iter().all(|k| *k == keys[0]) && keys[0].starts_with("yizhan-notification-"));
    // A later pass sends nothing more.
    let pass = dispatch::once(&app.state, &client, "n1", now + Duration::hours(1)).await.unwrap();
    assert_eq!(pass, dispatch::Pass::default());
});

both_backends!(
    a_dingtalk_robot_gets_a_signed_address_and_a_dead_robot_is_given_up,
    |t: TestDb| async move {
        let app = app(t).await;
        let (_, _, st, _) = district(app.db()).await;
        let (ok_url, ok) = receiver(vec![]).await;
        let (dead_url, dead) = receiver((0..20).map(|_| (503, "down")).collect()).await;
        channel(&app, ChannelKind::DingTalk, &ok_url, Some("SECret"), 20).await;
        channel(&app, ChannelKind::Feishu, &dead_url, None, 20).await;
        let alert = fever(&app, st, "601", 8).await;
        let client = send::client();
        let mut now = yizhan_store::db::now();
        let first = dispatch::once(&app.state, &client, "n1", now).await.unwrap();
        assert_eq!((first.sent, first.again), (1, 1));
        {
            let got = ok.lock().unwrap().clone();
            let (q, _, body) = &got[0];
            let ts: i64 = q["timestamp"].parse().unwrap();
            assert_eq!(
                q["sign"],
                yizhan_core::notify::sign::dingtalk("SECret", ts),
                "the signature checks"
            );
            assert_eq!(body["msgtype"], "text");
        }
        // The dead robot: tried until the last try, then given up — never more.
        let mut given_up = 0;
        for _ in 0..20 {
            now += Duration::hours(1);
            given_up += dispatch::once(&app.state, &client, "n1", now).await.unwrap().given_up;
        }
        assert_eq!(given_up, 1);
        assert_eq!(dead.lock().unwrap().len() as i64, yizhan_core::notify::retry::MAX_ATTEMPTS);
        let rows = outbox::of_source(app.db(), "alert", alert).await.unwrap();
        let failed: Vec<_> = rows.iter().filter(|r| r.status == "failed").collect();
        assert_eq!(failed.len(), 1);
        assert!(failed[0].last_error.as_deref().unwrap_or_default().starts_with("HTTP 503"));
        assert!(
            !failed[0].last_error.as_deref().unwrap_or_default().contains("127.0.0.1"),
            "no address in the record"
        );
        // Giving up is an alert of its own: the other channel hears which one failed and what
        // it could not say; the dead one is not asked to tell of itself.
        dispatch::once(&app.state, &client, "n1", now).await.unwrap();
        let told = ok.lock().unwrap().clone();
        assert_eq!(told.len(), 2);
        let text = told[1].2["text"]["content"].as_str().unwrap().to_owned();
        assert!(text.contains("通知渠道“Feishu”多次推送失败") && text.contains("601"), "{text}");
        assert_eq!(dead.lock().unwrap().len() as i64, yizhan_core::notify::retry::MAX_ATTEMPTS);
        let notice = outbox::of_source(app.db(), "channel", failed[0].id).await.unwrap();
        assert_eq!(notice.len(), 1);
    }
);

both_backends!(an_incident_and_a_supply_at_its_minimum_reach_the_station, |t: TestDb| async move {
    let app = app(t).await;
    let (_, _, st, _) = district(app.db()).await;
    let (url, got) = receiver(vec![]).await;
    channel(&app, ChannelKind::WeCom, &url, None, 20).await;
    let sys = Actor::system();
    let incident = yizhan_store::care::incidents::record_incident(
        app.db(),
        &sys,
        st,
        &yizhan_core::care::incident::NewIncident {
            kind: yizhan_core::care::incident::IncidentKind::Fire,
            occurred_at: yizhan_store::db::now(),
            place: "三楼配电间".into(),
            description: "冒烟".into(),
            injured: 0,
            action_taken: None,
        },
    )
    .await
    .unwrap();
    let n = outbox::of_source(app.db(), "incident", incident).await.unwrap();
    assert_eq!((n.len(), n[0].severity), (1, Severity::Critical), "a fire: everyone at once");

    // Masks: 12 with a minimum of 10. Out 1 (11): nothing; out 2 (9): once; out 3 more: no more.
    use yizhan_store::care::supplies;
    let item = supplies::create_item(
        app.db(),
        &sys,
        st,
        &yizhan_core::care::supplies::NewItem {
            name: "N95口罩".into(),
            category: yizhan_core::care::supplies::Category::Ppe,
            unit: "只".into(),
            low_threshold: 10,
            stock: 12,
        },
    )
    .await
    .unwrap();
    for delta in [-1, -2, -3] {
        let m = yizhan_core::care::supplies::NewMovement { delta, reason: None };
        supplies::move_stock(app.db(), &sys, item, &m).await.unwrap();
    }
    // A channel for danger and up does not take a warning; one for warnings does.
    assert!(outbox::of_source(app.db(), "supply", item).await.unwrap().is_empty());
    let (wurl, wgot) = receiver(vec![]).await;
    crate::common::robot(app.db(), &KEY, &wurl, None, Some(st)).await;
    supplies::move_stock(
        app.db(),
        &sys,
        item,
        &yizhan_core::care::supplies::NewMovement { delta: 20, reason: None },
    )
    .await
    .unwrap();
    supplies::move_stock(
        app.db(),
        &sys,
        item,
        &yizhan_core::care::supplies::NewMovement { delta: -20, reason: None },
    )
    .await
    .unwrap();
    assert_eq!(outbox::of_source(app.db(), "supply", item).await.unwrap().len(), 1);

    let client = send::client();
    dispatch::once(&app.state, &client, "n1", yizhan_store::db::now()).await.unwrap();
    let fire = got.lock().unwrap()[0].2["text"]["content"].as_str().unwrap().to_owned();
    assert!(fire.starts_with("【紧急】卓汇健康驿站 发生火情：三楼配电间"), "{fire}");
    let low = wgot.lock().unwrap().clone();
    assert_eq!(
        low.len(),
        1,
        "the fire went to the group that takes danger, the supply to this one"
    );
    let low = low[0].2["text"]["content"].as_str().unwrap().to_owned();
    assert!(low.contains("物资“N95口罩”库存 6 只，已到最低储备 10 只"), "{low}");
});

both_backends!(two_dispatchers_send_each_once, |t: TestDb| async move {
    let app = app(t).await;
    let (_, _, st, _) = district(app.db()).await;
    let (url, got) = receiver(vec![]).await;
    channel(&app, ChannelKind::WeCom, &url, None, 600).await;
    for n in 0..12u32 {
        fever(&app, st, &format!("7{n:02}"), 20 + n).await;
    }
    let client = send::client();
    let now = yizhan_store::db::now();
    // Two nodes at once: each notification is claimed by one of them.
    let (a, b) = tokio::join!(
        dispatch::once(&app.state, &client, "node-a", now),
        dispatch::once(&app.state, &client, "node-b", now)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.sent + b.sent, 12);
    let mut texts: Vec<String> = got
        .lock()
        .unwrap()
        .iter()
        .map(|g| g.2["text"]["content"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(texts.len(), 12);
    texts.sort();
    texts.dedup();
    assert_eq!(texts.len(), 12, "twelve alerts, twelve messages, none twice");
    // A node whose lease ran out (killed mid-send) leaves its rows to the next claim: here none,
    // all were recorded.
    let later =
        dispatch::once(&app.state, &client, "node-b", now + Duration::minutes(5)).await.unwrap();
    assert_eq!(later, dispatch::Pass::default());
});

both_backends!(a_burst_beyond_the_rate_goes_in_digests_and_is_signed, |t: TestDb| async move {
    let app = app(t).await;
    let (_, _, st, _) = district(app.db()).await;
    let (url, got) = receiver(vec![]).await;
    channel(&app, ChannelKind::Webhook, &url, Some("k"), 3).await;
    let mut alerts = Vec::new();
    let more = |from: u32, to: u32| {
        let app = &app;
        async move {
            let mut ids = Vec::new();
            for n in from..to {
                ids.push(fever(app, st, &format!("8{n:02}"), 40 + n).await);
            }
            ids
        }
    };
    alerts.extend(more(0, 5).await);
    let client = send::client();
    let now = yizhan_store::db::now();
    // Three messages a minute, five due: one alone, a digest of four, one message kept.
    let first = dispatch::once(&app.state, &client, "n1", now).await.unwrap();
    assert_eq!(first, dispatch::Pass { sent: 5, digests: 1, ..Default::default() });
    // Four more: the minute's last message is their digest.
    alerts.extend(more(5, 9).await);
    let now = yizhan_store::db::now();
    let last = dispatch::once(&app.state, &client, "n1", now).await.unwrap();
    assert_eq!(last, dispatch::Pass { sent: 4, digests: 1, ..Default::default() });
    // And more: no room left, they wait without it counting as a try — still at 55 s, until 65.
    alerts.extend(more(9, 13).await);
    let now = yizhan_store::db::now();
    let held = dispatch::once(&app.state, &client, "n1", now).await.unwrap();
    assert_eq!(held, dispatch::Pass { held: 4, ..Default::default() });
    let again =
        dispatch::once(&app.state, &client, "n1", now + Duration::seconds(55)).await.unwrap();
    assert_eq!(again, dispatch::Pass { held: 4, ..Default::default() });
    // At 61 s five more arrive: one goes alone, a digest carries the other four and the four
    // still waiting for room (though their wait is not over).
    alerts.extend(more(13, 18).await);
    let next =
        dispatch::once(&app.state, &client, "n1", now + Duration::seconds(61)).await.unwrap();
    assert_eq!(next, dispatch::Pass { sent: 9, digests: 1, ..Default::default() });

    let got = got.lock().unwrap().clone();
    assert_eq!(got.len(), 5, "eighteen alerts in five messages");
    for (_, headers, body) in got.iter() {
        let sig = headers["x-yizhan-signature"].to_str().unwrap();
        let t: i64 = sig[2..sig.find(',').unwrap()].parse().unwrap();
        let raw = serde_json::to_vec(body).unwrap();
        assert_eq!(sig, yizhan_core::notify::sign::webhook("k", t, &raw), "the body is signed");
        assert_eq!(body["severity"], "danger");
    }
    let text = |i: usize| got[i].2["text"].as_str().unwrap().to_owned();
    let digest = text(1);
    assert!(digest.starts_with("【汇总】") && digest.contains("以下 4 条"), "{digest}");
    for room in ["801", "802", "803", "804"] {
        assert!(digest.contains(room), "{room} in {digest}");
    }
    assert!(!digest.contains("800 房"), "sent alone: {digest}");
    assert!(got[1].1["idempotency-key"].to_str().unwrap().starts_with("yizhan-digest-"));
    assert!(text(2).contains("以下 4 条") && text(2).contains("805 房"));
    assert!(text(4).contains("以下 8 条") && text(4).contains("809 房"), "{}", text(4));
    let mut digest_ids = Vec::new();
    for alert in &alerts {
        let row = outbox::of_source(app.db(), "alert", *alert).await.unwrap().remove(0);
        assert_eq!((row.status.as_str(), row.attempts), ("sent", 1), "holding back is not a try");
        digest_ids.push(row.digest_id);
    }
    let lead = |i: usize| digest_ids[i].expect("carried by a digest");
    assert_eq!((digest_ids[0], digest_ids[13]), (None, None), "alone");
    assert!((1..5).all(|i| lead(i) == lead(1)));
    assert!((5..9).all(|i| lead(i) == lead(5)) && lead(5) != lead(1));
    assert!((9..13).chain(14..18).all(|i| lead(i) == lead(9)) && lead(9) != lead(5));
    // The alert's timeline says how it went.
    let cmd = app.user("cmd", Role::Commander, Scope::District, false).await;
    let mut c = app.session_for(cmd).await;
    let page = app.get(&mut c, &format!("/alerts/{}", alerts[1])).await.body;
    assert!(page.contains("已送达（合并在汇总消息中）"), "{page}");
    let page = app.get(&mut c, &format!("/alerts/{}", alerts[0])).await.body;
    assert!(page.contains("已送达") && !page.contains("合并在汇总"), "{page}");
});

both_backends!(
    a_robot_down_for_five_minutes_gets_everything_after_in_order,
    |t: TestDb| async move {
        let app = app(t).await;
        let (_, _, st, _) = district(app.db()).await;
        // Three alerts, each tried at 0 s, 10 s, 40 s, 130 s while the robot is down (12 refusals),
        // then at 400 s, after it came back at 300 s.
        let (url, got) = receiver((0..12).map(|_| (503, "down")).collect()).await;
        channel(&app, ChannelKind::WeCom, &url, None, 20).await;
        let rooms = ["901", "902", "903"];
        let mut alerts = Vec::new();
        for (n, room) in rooms.iter().enumerate() {
            alerts.push(fever(&app, st, room, 60 + n as u32).await);
        }
        let client = send::client();
        let start = yizhan_store::db::now();
        let mut sent = 0;
        for secs in [0, 11, 41, 131, 200, 299, 401] {
            let pass = dispatch::once(&app.state, &client, "n1", start + Duration::seconds(secs))
                .await
                .unwrap();
            sent += pass.sent;
            assert_eq!(pass.given_up, 0, "five minutes down gives nothing up");
        }
        assert_eq!(sent, 3);
        let got = got.lock().unwrap().clone();
        assert_eq!(got.len(), 12 + 3);
        // What arrived, in the order the alerts were raised.
        let delivered: Vec<String> =
            got[12..].iter().map(|g| g.2["text"]["content"].as_str().unwrap().to_owned()).collect();
        for (text, room) in delivered.iter().zip(rooms) {
            assert!(text.contains(room), "{room} expected in {text}");
        }
        for alert in alerts {
            let row = &outbox::of_source(app.db(), "alert", alert).await.unwrap()[0];
            assert_eq!((row.status.as_str(), row.attempts), ("sent", 5));
        }
    }
);
