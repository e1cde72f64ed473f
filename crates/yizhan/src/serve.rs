//! `yizhan serve`: migrate, make sure an administrator exists, listen, stop gracefully.

use anyhow::Context;
use yizhan_core::access::{Actor, Grant, Role, Scope};
use yizhan_store::admin::users;
use yizhan_web::WebConfig;

use crate::cli::{DbArgs, ServeArgs, open};
use crate::say;

/// On first start (no users at all) creates `admin` with a one-time password printed once.
async fn ensure_admin(db: &yizhan_store::Db) -> anyhow::Result<()> {
    if users::count(db).await? > 0 {
        return Ok(());
    }
    let password = yizhan_web::auth::password::generate_password();
    let hash =
        yizhan_web::auth::password::hash_blocking(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
    users::create(
        db,
        &Actor::system(),
        &users::NewUser {
            username: "admin",
            display_name: &say::zh("cli.admin_display_name", &[]),
            password_hash: &hash,
            must_change_password: true,
            grants: &[Grant { role: Role::Admin, scope: Scope::District }],
        },
    )
    .await?;
    println!("{}", say::both("cli.first_start", &[("password", &password)]));
    println!("{}", say::both("cli.must_change", &[]));
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// How long open connections (board event streams) may hold up a shutdown.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(3);

pub async fn run(db_args: &DbArgs, args: ServeArgs) -> anyhow::Result<()> {
    let db = open(db_args).await?;
    if args.demo && users::count(&db).await? == 0 {
        crate::demo::load(&db).await?;
    }
    ensure_admin(&db).await?;
    anyhow::ensure!(
        args.am_deadline < chrono::NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default()
            && args.pm_deadline > chrono::NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default(),
        "--am-deadline must be before 12:00 and --pm-deadline after it"
    );
    let (app, _, state) = yizhan_web::build_with_state(
        db.clone(),
        WebConfig {
            secure_cookies: args.secure_cookies,
            body_limit: args.body_limit,
            public_url: args.public_url.clone(),
            slots: yizhan_core::station::health::SlotConfig {
                am_deadline: args.am_deadline,
                pm_deadline: args.pm_deadline,
                ..Default::default()
            },
            report_at: args.report_at,
            trusted_proxies: args.trusted_proxy.clone(),
            metrics_token: args.metrics_token.clone(),
            secret_key: crate::cli::secret_key(db_args)?,
            channel_roots: match &args.channel_ca_file {
                Some(f) => Some(std::fs::read_to_string(f).with_context(|| {
                    format!("--channel-ca-file {} cannot be read", f.display())
                })?),
                None => None,
            },
        },
    );
    if args.public_url.is_none() {
        tracing::warn!(
            "--public-url is not set: QR codes on doors and certificates point at the host each \
             request names; set it to the address people reach Yizhan at"
        );
        eprintln!("{}", say::both("cli.public_url_unset", &[]));
    }
    tokio::spawn(yizhan_web::auth::refusals::flush_every_half_minute(
        state.db.clone(),
        state.refusals.clone(),
    ));
    if let Some(m) = &args.metrics_listen {
        let listener = tokio::net::TcpListener::bind(m)
            .await
            .with_context(|| format!("cannot listen on {m} for metrics"))?;
        let url = format!("http://{}/metrics", listener.local_addr()?);
        println!("{}", say::both("cli.metrics", &[("url", &url)]));
        let router = yizhan_web::ops::metrics_router(state.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
    }
    // Each node ticks the scheduled jobs; the database lets exactly one run each.
    let node = format!(
        "{}-{}",
        std::env::var("HOSTNAME").unwrap_or_else(|_| "node".into()),
        std::process::id()
    );
    tokio::spawn(yizhan_web::jobs::import_job::sweep_every_minute(state.db.clone()));
    tokio::spawn(yizhan_web::api::idempotency::purge_every_hour(state.db.clone()));
    tokio::spawn(yizhan_web::jobs::event_hooks::run(state.clone()));
    tokio::spawn(yizhan_store::station::counters::fold_every_second(state.db.clone()));
    yizhan_web::board::district::warm(&state);
    let refusals = (state.db.clone(), state.refusals.clone());
    tokio::spawn(yizhan_web::notify::dispatch::run(state.clone(), node.clone()));
    tokio::spawn(yizhan_web::jobs::daily_report::schedule(state, node));
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener.local_addr()?;
    println!("{}", say::both("cli.running", &[("url", &format!("http://{addr}/"))]));
    tracing::info!(%addr, backend = ?db.backend(), "listening");
    // Requests in flight finish; wall boards hold their event streams open forever, so after
    // a grace period the server stops anyway (the boards reconnect to another node).
    let (stopping_tx, stopping_rx) = tokio::sync::oneshot::channel::<()>();
    let signal = async move {
        shutdown_signal().await;
        let _ = stopping_tx.send(());
    };
    // `into_make_service`: handing `serve` the router itself rebuilds the whole route table for
    // every connection (`with_state` per accept), 330 KiB each; 1,000 wall boards took 387 MiB.
    // With the peer's address, which per-client limits count by (`auth::client`).
    let server =
        axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
            .with_graceful_shutdown(signal);
    tokio::select! {
        r = server.into_future() => r?,
        _ = async {
            if stopping_rx.await.is_ok() {
                tokio::time::sleep(SHUTDOWN_GRACE).await;
            } else {
                std::future::pending::<()>().await;
            }
        } => tracing::info!("grace period over: closing open event streams"),
    }
    // The refusals of the windows still open are audited before the process goes.
    refusals.1.flush(&refusals.0, true).await;
    db.close().await;
    println!("{}", say::both("cli.stopped", &[]));
    Ok(())
}
