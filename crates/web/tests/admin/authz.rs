//! The role × route matrix, built from the router's own table: a route added without a row here
//! fails this test. Each cell is a real request with a real session on SQLite and PostgreSQL.

mod authz_table;
use crate::common;

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};
use common::{App, Resp, district};
use yizhan_core::access::{Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

use authz_table::{REPORT_DAY, WHO, matrix};

/// Refused: 401/403/404, or a page's redirect to the login form.
fn refused(r: &Resp) -> bool {
    matches!(r.status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND)
        || (r.status == StatusCode::SEE_OTHER && r.location().starts_with("/login?next="))
}

/// An enterprise in `street`, not yet resuming; its id.
async fn enterprise_in(app: &App, uscc: &str, name: &str, street: i64) -> i64 {
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

    let (street_a, street_b, st_a, st_b) = district(app.db()).await;
    // The first enterprise, in street A: the `enterprise` account (scope enterprise 1) is its own.
    let enterprise =
        enterprise_in(&app, "91350100M000100Y43", "深圳市甲电子有限公司", street_a).await;
    assert_eq!(enterprise, 1);
    // Enterprise 2, in street B: its clerk is the "other enterprise".
    let uscc_2 = yizhan_core::validate::with_check_char("91440307000000002").unwrap();
    let other_enterprise = enterprise_in(&app, &uscc_2, "深圳市乙物流有限公司", street_b).await;
    let transport = yizhan_store::work::transports::create(
        app.db(),
        &yizhan_core::access::Actor::system(),
        &yizhan_core::work::transport::validate_transport(
            &yizhan_core::work::transport::TransportInput {
                kind: "train".into(),
                name: "K4158".into(),
                origin: "云南".into(),
                departs_on: REPORT_DAY.into(),
                capacity: "10".into(),
                carriages: "1".into(),
                ..Default::default()
            },
            yizhan_store::db::now(),
        )
        .unwrap(),
    )
    .await
    .unwrap();
    let difficulty = yizhan_store::work::difficulties::raise(
        app.db(),
        &yizhan_core::access::Actor::system(),
        enterprise,
        &yizhan_core::work::difficulty::NewTicket {
            category: yizhan_core::work::difficulty::Category::Labour,
            description: "缺工".into(),
        },
    )
    .await
    .unwrap();
    let relief_app = yizhan_store::work::relief::apply(
        app.db(),
        &yizhan_core::access::Actor::system(),
        &yizhan_core::work::relief::validate_relief(&yizhan_core::work::relief::ReliefInput {
            enterprise_id: enterprise.to_string(),
            kind: "other".into(),
            measure: "稳岗补贴".into(),
            amount: "1000".into(),
            ..Default::default()
        })
        .unwrap(),
    )
    .await
    .unwrap();
    let worker = yizhan_store::work::returning_workers::create(
        app.db(),
        &yizhan_core::access::Actor::system(),
        &yizhan_core::work::returning_worker::validate_worker(
            &yizhan_core::work::returning_worker::WorkerInput {
                name: "李春花".into(),
                id_number: "11010519491231002X".into(),
                phone: "13800138000".into(),
                province: "云南".into(),
                city: "昭通".into(),
                enterprise_id: enterprise.to_string(),
                transport: "train".into(),
                status: "registered".into(),
                ..Default::default()
            },
            chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        )
        .unwrap(),
    )
    .await
    .unwrap();
    yizhan_store::work::enterprises::file_plan(
        app.db(),
        &yizhan_core::access::Actor::system(),
        enterprise,
        "方案.pdf",
        "application/pdf",
        "0",
        b"%PDF-1.4",
    )
    .await
    .unwrap();
    let target = app.user("target", Role::Viewer, Scope::District, false).await;
    let room_a = common::room(app.db(), st_a, "301", 2).await;
    let guest_a = common::guest(app.db(), st_a, 1).await;
    let stay_a = common::check_in(app.db(), st_a, guest_a, room_a).await;
    // A released stay with its certificate, an alert, a flag and a test on station A.
    let room_r = common::room(app.db(), st_a, "399", 1).await;
    let guest_r = common::guest(app.db(), st_a, 2).await;
    let stay_r = common::check_in(app.db(), st_a, guest_r, room_r).await;
    let sys = yizhan_core::access::Actor::system();
    yizhan_store::station::stays::check_out(
        app.db(),
        &sys,
        stay_r,
        yizhan_core::station::stay::Outcome::Released,
        None,
    )
    .await
    .unwrap();
    let cert =
        yizhan_store::station::stays::certificate_of(app.db(), stay_r).await.unwrap().unwrap();
    let fever = yizhan_core::station::health::validate_health_check(
        &yizhan_core::station::health::HealthCheckInput {
            temperature: "38.0".into(),
            symptoms: vec![],
            note: String::new(),
        },
    )
    .unwrap();
    let (_, alert_a) = yizhan_store::station::health::record(
        app.db(),
        &sys,
        stay_a,
        yizhan_core::time::local_date(yizhan_store::db::now()),
        yizhan_core::station::health::Slot::Am,
        &fever,
    )
    .await
    .unwrap();
    let alert_a = alert_a.unwrap();
    let flag_a =
        yizhan_store::station::attention::flag(app.db(), &sys, stay_a, "观察").await.unwrap();
    let test_a = yizhan_store::station::stays::tests(app.db(), stay_a).await.unwrap()[0].id;
    let token_a = yizhan_store::station::board::create_token(
        app.db(),
        &sys,
        Some(st_a),
        "TV",
        &"a".repeat(64),
    )
    .await
    .unwrap();
    let care = common::care_fixtures(app.db(), st_a, stay_a).await;
    let notice = yizhan_store::command::notices::create(
        app.db(),
        &sys,
        &yizhan_core::command::notice::NewNotice {
            title: "通报".into(),
            period_from: REPORT_DAY.parse().unwrap(),
            period_to: REPORT_DAY.parse().unwrap(),
            street_id: None,
            summary: None,
        },
    )
    .await
    .unwrap();
    let directive = yizhan_store::command::directives::create(
        app.db(),
        &sys,
        &yizhan_core::command::directive::NewDirective {
            title: "通知".into(),
            kind: yizhan_core::command::directive::DirectiveKind::Notice,
            body: "请落实。".into(),
            deadline: REPORT_DAY.parse().unwrap(),
            recipients: vec![(yizhan_core::command::directive::RecipientKind::Station, st_a)],
        },
    )
    .await
    .unwrap();
    let d = yizhan_store::command::directives::get(app.db(), directive).await.unwrap();
    let directive_file = yizhan_store::command::directives::add_file(
        app.db(),
        &sys,
        &d,
        "方案.pdf",
        "application/pdf",
        "0",
        b"%PDF-1.4",
    )
    .await
    .unwrap();
    yizhan_store::command::directives::publish(app.db(), &sys, directive).await.unwrap();
    let task_group = yizhan_store::command::task_groups::create(
        app.db(),
        &sys,
        &yizhan_core::command::task_group::NewGroup {
            name: "督导检查组".into(),
            leader: "孙科长".into(),
            duties: None,
        },
    )
    .await
    .unwrap();
    let task = yizhan_store::command::task_groups::add_task(
        app.db(),
        &sys,
        task_group,
        &yizhan_core::command::task_group::NewTask {
            title: "排查".into(),
            owner: "孙科长".into(),
            due_on: None,
        },
    )
    .await
    .unwrap();
    let empty = yizhan_web::jobs::daily_report::Report {
        day: REPORT_DAY.parse().unwrap(),
        stations: vec![],
        district: Default::default(),
    };
    yizhan_store::command::reports::save(
        app.db(),
        &sys,
        empty.day,
        true,
        &serde_json::to_string(&empty).unwrap(),
    )
    .await
    .unwrap();
    let mut ids = std::collections::HashMap::new();
    for who in WHO.iter().skip(1) {
        let (role, scope) = match *who {
            "admin" => (Role::Admin, Scope::District),
            "commander" => (Role::Commander, Scope::District),
            "street_cmd" => (Role::Commander, Scope::Street(street_b)),
            "lead" => (Role::StationLead, Scope::Station(st_a)),
            "staff" => (Role::StationStaff, Scope::Station(st_a)),
            "other_lead" => (Role::StationLead, Scope::Station(st_b)),
            "medical" => (Role::Medical, Scope::Station(st_a)),
            "counsellor" => (Role::Counsellor, Scope::Station(st_a)),
            "inspector" => (Role::Inspector, Scope::District),
            "enterprise" => (Role::Enterprise, Scope::Enterprise(1)),
            "street_a_cmd" => (Role::Commander, Scope::Street(street_a)),
            "other_enterprise" => (Role::Enterprise, Scope::Enterprise(other_enterprise)),
            "viewer" => (Role::Viewer, Scope::District),
            _ => unreachable!(),
        };
        ids.insert(*who, app.user(who, role, scope, false).await);
    }
    let import_run = yizhan_store::work::import_runs::start(
        app.db(),
        ids["commander"],
        yizhan_core::work::worker_import::ImportKind::Workers,
        yizhan_core::work::worker_import::ImportMode::All,
        "名单.xlsx",
    )
    .await
    .unwrap();

    let mut cells = 0;
    let mut failures = Vec::new();
    for (method, path, allowed) in &table {
        let id = if path.contains("/users/") {
            target
        } else if path.starts_with("/rooms/") || path.starts_with("/api/v1/rooms/") {
            room_a
        } else if path.starts_with("/guests/") || path.starts_with("/api/v1/guests/") {
            guest_a
        } else if path.ends_with("/certificate") {
            stay_r
        } else if path.starts_with("/stays/") || path.starts_with("/api/v1/stays/") {
            stay_a
        } else if path.starts_with("/tests/") || path.starts_with("/api/v1/tests/") {
            test_a
        } else if path.starts_with("/alerts/") || path.starts_with("/api/v1/alerts/") {
            alert_a
        } else if path.starts_with("/flags/") {
            flag_a
        } else if path.starts_with("/boards/") {
            token_a
        } else if path.starts_with("/groups/") || path.starts_with("/api/v1/groups/") {
            care.group
        } else if path.starts_with("/disinfection/") || path.starts_with("/api/v1/disinfection/") {
            care.disinfection
        } else if path.starts_with("/supplies/") || path.starts_with("/api/v1/supplies/") {
            care.supply
        } else if path.starts_with("/deliveries/") {
            care.delivery
        } else if path.starts_with("/plans/") {
            care.plan
        } else if path.starts_with("/inspections/") || path.starts_with("/api/v1/inspections/") {
            care.inspection
        } else if path.starts_with("/rectifications/")
            || path.starts_with("/api/v1/rectifications/")
        {
            care.rectification
        } else if path.starts_with("/notices/") || path.starts_with("/api/v1/notices/") {
            notice
        } else if path.starts_with("/directives/") || path.starts_with("/api/v1/directives/") {
            directive
        } else if path.starts_with("/directive-files/") {
            directive_file
        } else if path.starts_with("/transports/") || path.starts_with("/api/v1/transports/") {
            transport
        } else if path.starts_with("/relief/") {
            relief_app
        } else if path.starts_with("/difficulties/") {
            difficulty
        } else if path.starts_with("/imports/") {
            import_run
        } else if path.starts_with("/workers/") || path.starts_with("/api/v1/workers/") {
            worker
        } else if path.starts_with("/enterprises/") || path.starts_with("/api/v1/enterprises/") {
            enterprise
        } else if path.starts_with("/task-groups/") {
            task_group
        } else if path.starts_with("/tasks/") {
            task
        } else if path.starts_with("/photos/") {
            care.photo
        } else if path.starts_with("/handovers/") {
            care.handover
        } else if path.starts_with("/handover-items/") {
            care.handover_item
        } else if path.starts_with("/staff/") {
            care.staff
        } else if path.starts_with("/incidents/") {
            care.incident
        } else if path.starts_with("/complaints/") {
            care.complaint
        } else {
            st_a
        };

        let concrete = path
            .replace("{id}", &id.to_string())
            .replace("{name}", "app.css")
            .replace("{day}", REPORT_DAY)
            .replace("{number}", &format!("{}?c={}", cert.number, cert.code));
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
