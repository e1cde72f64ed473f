//! The role × route matrix, built from the router's own table: a route added without a row here
//! fails this test. Each cell is a real request with a real session on SQLite and PostgreSQL.

pub(crate) mod authz_table;
pub(crate) mod fixture;
use crate::common;

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};
use common::{App, Resp};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

use authz_table::{WHO, matrix};

/// Refused: 401/403/404, or a page's redirect to the login form.
fn refused(r: &Resp) -> bool {
    matches!(r.status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND)
        || (r.status == StatusCode::SEE_OTHER && r.location().starts_with("/login?next="))
}

/// An enterprise in `street`, not yet resuming; its id.
pub(crate) async fn enterprise_in(app: &App, uscc: &str, name: &str, street: i64) -> i64 {
    yizhan_store::work::enterprises::create(
        app.db(),
        &yizhan_core::access::Actor::system(),
        &yizhan_core::work::enterprise::validate_enterprise(
            &yizhan_core::work::enterprise::EnterpriseInput {
                uscc: uscc.into(),
                name: name.into(),
                street_id: street.to_string(),
                industry: "manufacturing".into(),
                headcount: "100".into(),
                contact_name: "王经理".into(),
                contact_phone: "13800138000".into(),
                resumption: "not_started".into(),
                ..Default::default()
            },
            chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        )
        .unwrap(),
    )
    .await
    .unwrap()
}

both_backends!(role_route_matrix, |t: TestDb| async move {
    let app = App::new(t).await;
    let table = matrix();

    // Every route the router serves has a row, and every row is a real route.
    let served: BTreeSet<(String, String)> =
        app.routes.iter().map(|r| (r.method.to_owned(), r.path.to_owned())).collect();
    let expected: BTreeSet<(String, String)> =
        table.iter().map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned())).collect();
    let missing: Vec<_> = served.difference(&expected).collect();
    assert!(missing.is_empty(), "routes without an authorization-matrix row: {missing:?}");
    let stale: Vec<_> = expected.difference(&served).collect();
    assert!(stale.is_empty(), "matrix rows for routes that do not exist: {stale:?}");

    let fx = fixture::build(&app).await;
    let ids = &fx.ids;

    let mut cells = 0;
    let mut failures = Vec::new();
    for (method, path, allowed) in &table {
        let concrete = fx.concrete(path);
        for who in WHO {
            // A fresh session per cell: some cells log out or reset passwords.
            let mut c = match ids.get(who) {
                Some(uid) => app.session_for(*uid).await,
                None => app.anon().await,
            };
            let m: Method = method.parse().unwrap();
            let r = if concrete.ends_with("/events") {
                // An event stream never ends: judge it by its head.
                let (status, headers) = app.get_head(&c, &concrete).await;
                Resp { status, headers, body: String::new(), bytes: vec![] }
            } else if m == Method::GET {
                app.get(&mut c, &concrete).await
            } else if concrete.starts_with("/api/") {
                app.json(&mut c, m, &concrete, serde_json::json!({})).await
            } else {
                app.form(&mut c, &concrete, &[]).await
            };
            let allow = authz_table::expected(who, method, path, allowed);
            cells += 1;
            if allow == refused(&r) {
                failures.push(format!(
                    "{who:<11} {method} {concrete} → {} (expected {}) {}",
                    r.status,
                    if allow { "allow" } else { "deny" },
                    r.body.chars().take(200).collect::<String>()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cells} cells wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("authorization matrix: {cells} cells checked");
});
