//! `yizhan bench lists`: every list page and API list a commander opens, through the router on
//! the database given (a `yizhan demo --scale` dataset), each timed and weighed against the goal
//! of ≤ 100 ms and ≤ 300 KB, with a bare paged query of the same dataset as the baseline of the
//! same run. Prints figures; asserts nothing on time.

use std::time::{Duration, Instant};

use axum::body::Body;
use http_body_util::BodyExt;
use tower::ServiceExt;
use yizhan_core::access::{Actor, Grant, Role, Scope};
use yizhan_store::{Db, admin::sessions, admin::users, station::stations};

use crate::bench::{machine, ms, pct, write_section};

/// The addresses measured: pages a commander reads, and the API's lists. `{deep}` is the last
/// id of page 5,000 of the workers (the next link of that page). `{st}` is the first
/// station.
const ROUTES: &[&str] = &[
    "/",
    "/nav/badges",
    "/stations",
    "/stations/{st}/guests",
    "/stations/{st}/rooms",
    "/stations/{st}/attention",
    "/stations/{st}/staff",
    "/stations/{st}/staff?q=%E7%BB%84&sort=-name",
    "/command",
    "/inspections",
    "/rectifications",
    "/directives",
    "/reports",
    "/enterprises",
    "/enterprises?q=%E7%94%B5%E5%AD%90",
    "/enterprises?page=300",
    "/enterprises/pick?field=recipient&pick_q=%E7%94%B5%E5%AD%90",
    "/workers",
    "/workers?page=10000",
    "/workers?page=5001",
    "/workers?page=5001&after={deep}",
    "/workers/new",
    "/resumption",
    "/transports",
    "/difficulties",
    "/relief",
    "/admin/audit",
    "/api/v1/stations",
    "/api/v1/enterprises",
    "/api/v1/enterprises?q=%E7%94%B5%E5%AD%90",
    "/api/v1/workers",
    "/api/v1/district/board",
];

/// The goal of issue 17: every list answers in this time and size on the district dataset.
const GOAL_MS: f64 = 100.0;
const GOAL_BYTES: usize = 300 * 1024;

/// An account of the bench's own with `grants`, signed in directly in the database (no login
/// round trip; `hash` may be shared by many): its session token and CSRF token.
pub(crate) async fn signed_in(
    db: &Db,
    name: &str,
    hash: &str,
    grants: &[Grant],
) -> anyhow::Result<(String, String)> {
    let user = users::create(
        db,
        &Actor::system(),
        &users::NewUser {
            username: name,
            display_name: name,
            password_hash: hash,
            must_change_password: false,
            grants,
        },
    )
    .await?;
    let token = yizhan_web::auth::password::random_token();
    let csrf = yizhan_web::auth::password::random_token();
    sessions::create(db, &token, user.id, &csrf).await?;
    Ok((token, csrf))
}

/// A district commander (and administrator) of the bench's own, signed in: its session token.
pub(crate) async fn commander_session(db: &Db) -> anyhow::Result<String> {
    let name = format!("bench-{}", yizhan_web::auth::password::random_token()[..8].to_owned());
    let hash = yizhan_web::auth::password::hash_blocking("bench password 1")?;
    let grants = [
        Grant { role: Role::Commander, scope: Scope::District },
        Grant { role: Role::Admin, scope: Scope::District },
    ];
    Ok(signed_in(db, &name, &hash, &grants).await?.0)
}

/// `GET path` through the router with the session `token`.
pub(crate) async fn signed_in_get(
    app: &axum::Router,
    token: &str,
    path: &str,
) -> anyhow::Result<axum::response::Response> {
    let req = axum::http::Request::get(path)
        .header("cookie", format!("yz_session={token}"))
        .body(Body::empty())?;
    Ok(app.clone().oneshot(req).await?)
}

pub async fn lists(db: &Db, iterations: usize) -> anyhow::Result<()> {
    let station = stations::list(db).await?.first().map(|s| s.id).unwrap_or(1);
    // The last id of page 5,000 of the register (100 a page): what that page's "next" link
    // carries.
    let (deep,): (i64,) = db
        .fetch_one(yizhan_store::db::q(
            "SELECT COALESCE((SELECT id FROM returning_workers ORDER BY id LIMIT 1 OFFSET 499999), 0)",
        ))
        .await?;
    let token = commander_session(db).await?;
    let (app, _, _) = yizhan_web::build_with_state(db.clone(), Default::default());

    // The baseline: a bare page of the largest register, in its order.
    let mut bare = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let t = Instant::now();
        let rows: Vec<(i64, String)> = db
            .fetch_all(yizhan_store::db::q(
                "SELECT e.id, e.name FROM enterprises e ORDER BY e.street_id, e.name, e.id LIMIT 50",
            ))
            .await?;
        std::hint::black_box(rows);
        bare.push(t.elapsed());
    }
    bare.sort();
    let base = pct(&bare, 0.5);

    let mut table = String::from(
        "| address | p50 / p99 | bytes | ratio to the bare page (p50) | goal ≤ 100 ms, ≤ 300 KB |\n|---|---|---|---|---|\n",
    );
    let mut missed = 0;
    for route in ROUTES {
        let path = route.replace("{st}", &station.to_string()).replace("{deep}", &deep.to_string());
        let mut times: Vec<Duration> = Vec::with_capacity(iterations);
        let mut bytes = 0;
        let mut status = 0;
        for i in 0..=iterations {
            let t = Instant::now();
            let resp = signed_in_get(&app, &token, &path).await?;
            status = resp.status().as_u16();
            let body = resp.into_body().collect().await?.to_bytes();
            // The first answer warms the caches; it is not counted.
            if i > 0 {
                times.push(t.elapsed());
            }
            bytes = body.len();
        }
        times.sort();
        let p50 = pct(&times, 0.5);
        let met = p50.as_secs_f64() * 1000.0 <= GOAL_MS && bytes <= GOAL_BYTES && status == 200;
        missed += usize::from(!met);
        let line = format!(
            "| `{route}`{} | {} / {} | {} | {:.1} | {} |\n",
            if status == 200 { String::new() } else { format!(" (status {status})") },
            ms(p50),
            ms(pct(&times, 0.99)),
            bytes,
            p50.as_secs_f64() / base.as_secs_f64().max(1e-9),
            if met { "met" } else { "**missed**" }
        );
        print!("{line}");
        table.push_str(&line);
    }
    let census = yizhan_store::scale::census(db).await?;
    let n = |k: &str| census.iter().find(|(name, _)| *name == k).map(|(_, v)| *v).unwrap_or(0);
    let label = crate::bench::scale_label(n("stays"));
    let marker = format!("## Lists ({:?}, {label} dataset)", db.backend());
    let body = format!(
        "{marker}\n\nMachine: {}. Dataset: {} stations, {} stays, {} enterprises, {} returning workers \
         (`yizhan demo --scale {label}`). Command: `cargo run --release -p yizhan -- \
         --database-url URL bench lists`. Each address through the router in the bench process \
         as a district commander (and administrator, for the audit log), {iterations} times after one warm-up; the baseline is a bare \
         page of 50 enterprises in the register's order on the same database (p50 {}). \
         {missed} of {} missed the goal.\n\n{table}\n",
        machine(),
        n("stations"),
        n("stays"),
        n("enterprises"),
        n("returning_workers"),
        ms(base),
        ROUTES.len(),
    );
    println!("\n{body}");
    write_section(&marker, &body)?;
    Ok(())
}
