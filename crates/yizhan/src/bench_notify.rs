//! `yizhan bench notify`: a burst of fevers, each writing its alert and its notification in one
//! transaction, drained by the dispatcher as `yizhan serve` runs it (a pass a second, passes back
//! to back while a burst lasts) to a local receiver standing in for a robot, once without a rate
//! limit and once at a WeCom robot's 20 a minute (digests). Prints the time from each fever's
//! commit to the arrival of the message that carried it (p50/p99), against writing the same
//! fevers with no channel (the bare cost of the events). Asserts nothing on time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use yizhan_core::access::Actor;
use yizhan_core::notify::{ChannelKind, Severity};
use yizhan_store::notify::channels::{self, NewChannel};
use yizhan_store::station::{health, policies, stays};
use yizhan_store::{ConnectOptions, Db};
use yizhan_web::notify::seal;

use crate::bench::{machine, ms, pct, write_section};
use crate::bench_checkin::station;

pub struct Options {
    pub alerts: usize,
    pub database_url: Option<String>,
}

/// `n` guests checked in at a new station; their stays.
async fn stays_of(db: &Db, tag: &str, n: usize) -> anyhow::Result<Vec<i64>> {
    let (st, rooms, guests) = station(db, tag, n).await?;
    let policy = policies::list(db)
        .await?
        .into_iter()
        .find(|p| p.code == "driver")
        .context("the driver policy")?;
    let mut out = Vec::with_capacity(n);
    for (room, guest) in rooms.iter().zip(&guests) {
        let c = stays::CheckIn {
            station_id: st,
            guest_id: *guest,
            room_id: *room,
            policy_id: policy.id,
            at: yizhan_store::db::now(),
        };
        out.push(stays::check_in(db, &Actor::system(), &c).await?.id);
    }
    Ok(out)
}

/// Fevers for `stays`, one transaction each; the instant each committed.
async fn fevers(db: &Db, stays: &[i64]) -> anyhow::Result<Vec<(i64, Instant)>> {
    let check = yizhan_core::station::health::validate_health_check(
        &yizhan_core::station::health::HealthCheckInput {
            temperature: "38.4".into(),
            ..Default::default()
        },
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let (day, slot) =
        yizhan_core::station::health::slot_at(yizhan_store::db::now(), &Default::default());
    let mut out = Vec::with_capacity(stays.len());
    for stay in stays {
        let (_, alert) = health::record(db, &Actor::system(), *stay, day, slot, &check).await?;
        out.push((alert.context("a fever opens an alert")?, Instant::now()));
    }
    Ok(out)
}

/// When each message reached the receiver, by its Idempotency-Key.
type Arrivals = Arc<Mutex<HashMap<String, Instant>>>;

/// A local robot: records when each message arrived and answers as a WeCom robot does.
async fn receiver() -> anyhow::Result<(String, Arrivals)> {
    let arrived: Arrivals = Default::default();
    let seen = arrived.clone();
    let robot = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: axum::http::HeaderMap| {
            let seen = seen.clone();
            async move {
                let key = headers
                    .get("idempotency-key")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default();
                seen.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(key.to_owned(), Instant::now());
                r#"{"errcode":0}"#
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let hook = format!("http://{}/hook", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, robot).await });
    Ok((hook, arrived))
}

/// What one burst measured.
struct Burst {
    written: Duration,
    /// Commit → arrival of the message that carried it (alone or in a digest), sorted.
    latency: Vec<Duration>,
    notifications: usize,
    messages: usize,
    drained: Duration,
}

/// Fevers for `stays` with only `channel` active, drained by the running dispatcher.
async fn burst(db: &Db, stays: &[i64], channel: i64, arrived: &Arrivals) -> anyhow::Result<Burst> {
    use yizhan_store::notify::outbox;
    let before = arrived.lock().unwrap_or_else(|e| e.into_inner()).len();
    let started = Instant::now();
    let raised = fevers(db, stays).await?;
    let written = started.elapsed();
    let pending = || async {
        let t = outbox::tallies(db).await?;
        Ok::<i64, anyhow::Error>(
            t.iter().filter(|x| x.0 == channel && x.1 == "pending").map(|x| x.2).sum(),
        )
    };
    let deadline = Instant::now() + Duration::from_secs(300);
    while pending().await? > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let drained = started.elapsed();
    let arrived = arrived.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let mut latency = Vec::with_capacity(raised.len());
    let mut notifications = 0;
    for (alert, at) in &raised {
        for n in outbox::of_source(db, "alert", *alert).await? {
            notifications += 1;
            let key = match n.digest_id {
                Some(lead) => format!("yizhan-digest-{lead}"),
                None => format!("yizhan-notification-{}", n.id),
            };
            if let Some(got) = arrived.get(&key) {
                latency.push(got.saturating_duration_since(*at));
            }
        }
    }
    latency.sort();
    Ok(Burst { written, latency, notifications, messages: arrived.len() - before, drained })
}

pub async fn notify(o: Options) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("yizhan-bench-notify-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let url = o
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite:{}", dir.join("notify.db").display()));
    let db = Db::connect(&ConnectOptions { url, max_connections: 8 })
        .await
        .context("open the bench database")?;
    yizhan_store::migrate::run(&db).await?;
    let backend = format!("{:?}", db.backend());
    let n = o.alerts;
    let tag = std::process::id();
    let bare_stays = stays_of(&db, &format!("{tag}a"), n).await?;
    let free_stays = stays_of(&db, &format!("{tag}b"), n).await?;
    let rated_stays = stays_of(&db, &format!("{tag}c"), n).await?;

    // The baseline: the same fevers, no channel to notify.
    let started = Instant::now();
    fevers(&db, &bare_stays).await?;
    let bare = started.elapsed();

    let (hook, arrived) = receiver().await?;
    let key: [u8; 32] = seal::key_from_hex(&seal::new_key_hex()).context("a key")?;
    let robot = |per_minute: i64| -> anyhow::Result<NewChannel> {
        Ok(NewChannel {
            name: format!("bench {per_minute}/min"),
            kind: ChannelKind::WeCom,
            street_id: None,
            station_id: None,
            min_severity: Severity::Danger,
            per_minute,
            url_sealed: seal::seal(Some(&key), &hook).map_err(|e| anyhow::anyhow!("{e:?}"))?,
            url_hint: seal::hint(&hook),
            secret_sealed: None,
            recipients: vec![],
            sender: String::new(),
            body: String::new(),
        })
    };
    let (_, _, state) = yizhan_web::build_with_state(
        db.clone(),
        yizhan_web::WebConfig { secret_key: Some(key), ..Default::default() },
    );
    let dispatcher = tokio::spawn(yizhan_web::notify::dispatch::run(state, "bench".into()));

    // Without rate limiting: a channel taking 10,000 a minute.
    let free = channels::create(&db, &Actor::system(), &robot(10_000)?).await?;
    let unlimited = burst(&db, &free_stays, free, &arrived).await?;
    // With it: a WeCom robot's 20 a minute, the burst beyond it in digests.
    channels::set_active(&db, &Actor::system(), free, false).await?;
    let rated = channels::create(&db, &Actor::system(), &robot(20)?).await?;
    let limited = burst(&db, &rated_stays, rated, &arrived).await?;
    dispatcher.abort();

    let row = |label: &str, b: &Burst| {
        format!(
            "| {label} | {} ({:.0}/s), ratio {:.2} | {} of {} in {} messages | {} / {} / {} | {} |\n",
            ms(b.written),
            n as f64 / b.written.as_secs_f64(),
            b.written.as_secs_f64() / bare.as_secs_f64().max(1e-9),
            b.latency.len(),
            b.notifications,
            b.messages,
            ms(pct(&b.latency, 0.5)),
            ms(pct(&b.latency, 0.99)),
            ms(b.latency.last().copied().unwrap_or_default()),
            ms(b.drained),
        )
    };
    let body = format!(
        "## Notifications ({backend}, {n} fevers)\n\nMachine: {}. Command: `cargo run --release \
         -p yizhan -- bench notify --alerts {n}`. {n} \
         fevers recorded one after another (each its own transaction: reading, alert, its \
         escalation's first level and notification), the dispatcher as `yizhan serve` runs it \
         (a pass a second, passes back to back while a burst lasts, 50 claimed a pass), a local \
         receiver answering `{{\"errcode\":0}}`; once with a channel taking 10,000 a minute, \
         once with a WeCom robot's 20 a minute (the burst beyond it in digest messages). \
         Baseline: the same {n} fevers written with no channel, {} ({:.0}/s).\n\n\
         | channel | fevers written with their notifications | delivered | commit → arrival p50 / p99 / max | first fever → all sent |\n\
         |---|---|---|---|---|\n{}{}\n",
        machine(),
        ms(bare),
        n as f64 / bare.as_secs_f64(),
        row("10,000 a minute", &unlimited),
        row("20 a minute (digests)", &limited),
    );
    println!("{body}");
    write_section(&format!("## Notifications ({backend},"), &body)?;
    db.close().await;
    if o.database_url.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}
