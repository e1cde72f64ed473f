//! The role × route matrix, built from the router's own table: a route added without a row here
//! fails this test. Each cell is a real request with a real session on SQLite and PostgreSQL.

mod common;

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};
use common::{App, Resp, district};
use yizhan_core::access::{Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

/// Who asks. Station-scoped users belong to station A; `other_lead` to station B; `street_cmd`
/// commands street B, so station A is outside every one of their scopes.
const WHO: [&str; 12] = [
    "anon",
    "admin",
    "commander",
    "street_cmd",
    "lead",
    "staff",
    "other_lead",
    "medical",
    "counsellor",
    "inspector",
    "enterprise",
    "viewer",
];

const ALL: &[&str] = &WHO;
const SIGNED_IN: &[&str] = &[
    "admin",
    "commander",
    "street_cmd",
    "lead",
    "staff",
    "other_lead",
    "medical",
    "counsellor",
    "inspector",
    "enterprise",
    "viewer",
];
/// Everyone who may list stations (not enterprise contacts).
const READERS: &[&str] = &[
    "admin",
    "commander",
    "street_cmd",
    "lead",
    "staff",
    "other_lead",
    "medical",
    "counsellor",
    "inspector",
    "viewer",
];
/// Readers whose scope contains station A.
const READERS_OF_A: &[&str] = &[
    "admin",
    "commander",
    "lead",
    "staff",
    "medical",
    "counsellor",
    "inspector",
    "viewer",
];
const WRITERS: &[&str] = &["admin", "commander", "street_cmd"];
const WRITERS_OF_A: &[&str] = &["admin", "commander"];
const ADMIN: &[&str] = &["admin"];
/// Station A's lead manages its rooms; lead, staff and medical change room states.
const ROOM_MANAGERS_OF_A: &[&str] = &["lead"];
const ROOM_OPERATORS_OF_A: &[&str] = &["lead", "staff", "medical"];
/// Who sees station A's guests (masked), who registers and moves them, who may unmask.
const GUEST_READERS_OF_A: &[&str] = &[
    "commander",
    "lead",
    "staff",
    "medical",
    "counsellor",
    "inspector",
    "viewer",
];
const GUEST_WRITERS_OF_A: &[&str] = &["lead", "staff"];
const REVEALERS_OF_A: &[&str] = &["commander", "lead", "staff", "medical"];
const HEALTH_OF_A: &[&str] = &["lead", "staff", "medical"];
const TESTERS_OF_A: &[&str] = &["lead", "medical"];
const ATTENTION_OF_A: &[&str] = &["lead", "staff", "medical", "counsellor"];
const BOARD_MANAGERS_OF_A: &[&str] = &["commander", "lead"];
/// Staff lists and ledgers are read by the same people as guests; only the lead manages staff.
const STAFF_MANAGERS_OF_A: &[&str] = &["lead"];
/// Counselling notes: counsellors only, not even the admin or the lead (DESIGN §2).
const COUNSELLORS_OF_A: &[&str] = &["counsellor"];
const INCIDENT_RECORDERS_OF_A: &[&str] = &["lead", "staff", "medical", "counsellor"];
const ON_DUTY_OF_A: &[&str] = &["lead", "staff", "medical", "counsellor"];
const HYGIENE_OF_A: &[&str] = &["lead", "staff", "medical"];
const VERIFIERS_OF_A: &[&str] = &["lead", "medical"];
const STOCK_KEEPERS_OF_A: &[&str] = &["lead", "staff"];
/// A planned inspection of station A: its station sees it; so do the command roles in scope.
const INSPECTION_READERS_OF_A: &[&str] = &["commander", "lead", "staff", "inspector", "viewer"];
const INSPECTORS_OF_A: &[&str] = &["commander", "inspector"];
/// The command's own pages (overview, task groups): every command role, any scope.
const COMMAND_READERS: &[&str] = &["commander", "street_cmd", "inspector", "viewer"];
/// The district's daily report: district-wide command roles only (not a street's commander).
const REPORT_READERS: &[&str] = &["commander", "inspector", "viewer"];
/// The responsible station's lead reports a rectification done.
const RECTIFIERS_OF_A: &[&str] = &["lead"];

/// The day of the archived report the `{day}` routes are tried on.
const REPORT_DAY: &str = "2026-01-01";

/// (method, path) → who is let through. `{id}` is station A, or the target user for user routes.
fn matrix() -> Vec<(&'static str, &'static str, &'static [&'static str])> {
    vec![
        ("GET", "/healthz", ALL),
        ("GET", "/metrics", ALL),
        ("GET", "/assets/{name}", ALL),
        ("GET", "/login", ALL),
        ("POST", "/login", ALL),
        ("POST", "/logout", SIGNED_IN),
        ("POST", "/lang", ALL),
        ("GET", "/account/password", SIGNED_IN),
        ("POST", "/account/password", SIGNED_IN),
        ("GET", "/", SIGNED_IN),
        ("GET", "/stations", READERS),
        ("GET", "/stations/new", WRITERS),
        ("GET", "/stations/export.xlsx", READERS),
        ("POST", "/stations", WRITERS),
        ("GET", "/stations/{id}", READERS_OF_A),
        ("GET", "/stations/{id}/edit", WRITERS_OF_A),
        ("POST", "/stations/{id}", WRITERS_OF_A),
        ("GET", "/stations/{id}/rooms", READERS_OF_A),
        ("GET", "/stations/{id}/rooms/export.xlsx", READERS_OF_A),
        ("GET", "/stations/{id}/rooms/new", ROOM_MANAGERS_OF_A),
        ("POST", "/stations/{id}/rooms", ROOM_MANAGERS_OF_A),
        ("POST", "/stations/{id}/rooms/bulk", ROOM_MANAGERS_OF_A),
        ("GET", "/rooms/{id}", READERS_OF_A),
        ("GET", "/rooms/{id}/qr.svg", READERS_OF_A),
        ("GET", "/rooms/{id}/edit", ROOM_MANAGERS_OF_A),
        ("POST", "/rooms/{id}", ROOM_MANAGERS_OF_A),
        ("POST", "/rooms/{id}/state", ROOM_OPERATORS_OF_A),
        ("GET", "/stations/{id}/guests", GUEST_READERS_OF_A),
        (
            "GET",
            "/stations/{id}/guests/export.xlsx",
            GUEST_READERS_OF_A,
        ),
        ("GET", "/stations/{id}/guests/new", GUEST_WRITERS_OF_A),
        ("POST", "/stations/{id}/guests", GUEST_WRITERS_OF_A),
        ("GET", "/guests/{id}", GUEST_READERS_OF_A),
        ("GET", "/guests/{id}/edit", GUEST_WRITERS_OF_A),
        ("POST", "/guests/{id}", GUEST_WRITERS_OF_A),
        ("POST", "/guests/{id}/reveal", REVEALERS_OF_A),
        ("POST", "/guests/{id}/relatives", GUEST_WRITERS_OF_A),
        ("POST", "/guests/{id}/relatives/delete", GUEST_WRITERS_OF_A),
        ("POST", "/guests/{id}/check-in", GUEST_WRITERS_OF_A),
        ("POST", "/stays/{id}/move", GUEST_WRITERS_OF_A),
        (
            "POST",
            "/stays/{id}/check-out",
            &["lead", "staff", "medical"],
        ),
        (
            "GET",
            "/stations/{id}/stays/export.xlsx",
            GUEST_READERS_OF_A,
        ),
        (
            "GET",
            "/stations/{id}/health/export.xlsx",
            GUEST_READERS_OF_A,
        ),
        ("GET", "/stations/{id}/round", HEALTH_OF_A),
        ("POST", "/stays/{id}/health", HEALTH_OF_A),
        ("GET", "/stations/{id}/tests", GUEST_READERS_OF_A),
        ("POST", "/stations/{id}/tests/import", TESTERS_OF_A),
        ("POST", "/tests/{id}/sample", TESTERS_OF_A),
        ("POST", "/tests/{id}/result", TESTERS_OF_A),
        ("GET", "/stations/{id}/attention", GUEST_READERS_OF_A),
        ("POST", "/alerts/{id}/close", TESTERS_OF_A),
        ("POST", "/stays/{id}/flags", ATTENTION_OF_A),
        ("POST", "/flags/{id}/close", ATTENTION_OF_A),
        ("POST", "/stays/{id}/notes", ATTENTION_OF_A),
        ("GET", "/stays/{id}/certificate", GUEST_READERS_OF_A),
        ("GET", "/verify/{number}", ALL),
        ("GET", "/policies", SIGNED_IN),
        ("POST", "/policies", &["admin", "commander"]),
        (
            "GET",
            "/board/district",
            &["admin", "commander", "inspector", "viewer"],
        ),
        (
            "GET",
            "/board/district/events",
            &["admin", "commander", "inspector", "viewer"],
        ),
        ("GET", "/board/{id}", READERS_OF_A),
        ("GET", "/board/{id}/events", READERS_OF_A),
        ("GET", "/stations/{id}/boards", BOARD_MANAGERS_OF_A),
        ("POST", "/stations/{id}/boards", BOARD_MANAGERS_OF_A),
        ("POST", "/boards/{id}/revoke", BOARD_MANAGERS_OF_A),
        ("GET", "/admin/users", ADMIN),
        ("GET", "/admin/users/new", ADMIN),
        ("GET", "/admin/users/export.xlsx", ADMIN),
        ("POST", "/admin/users", ADMIN),
        ("GET", "/admin/users/{id}", ADMIN),
        ("POST", "/admin/users/{id}", ADMIN),
        ("POST", "/admin/users/{id}/password", ADMIN),
        ("GET", "/admin/audit", ADMIN),
        ("GET", "/api/v1/openapi.json", ALL),
        ("GET", "/api/v1/session", ALL),
        ("POST", "/api/v1/session", ALL),
        ("DELETE", "/api/v1/session", SIGNED_IN),
        ("POST", "/api/v1/account/password", SIGNED_IN),
        ("GET", "/api/v1/streets", READERS),
        ("GET", "/api/v1/stations", READERS),
        ("POST", "/api/v1/stations", WRITERS),
        ("GET", "/api/v1/stations/{id}", READERS_OF_A),
        ("PUT", "/api/v1/stations/{id}", WRITERS_OF_A),
        ("GET", "/api/v1/stations/{id}/rooms", READERS_OF_A),
        ("POST", "/api/v1/stations/{id}/rooms", ROOM_MANAGERS_OF_A),
        ("GET", "/api/v1/rooms/{id}", READERS_OF_A),
        ("PUT", "/api/v1/rooms/{id}", ROOM_MANAGERS_OF_A),
        ("POST", "/api/v1/rooms/{id}/state", ROOM_OPERATORS_OF_A),
        ("GET", "/api/v1/policies", SIGNED_IN),
        ("GET", "/api/v1/stations/{id}/guests", GUEST_READERS_OF_A),
        ("POST", "/api/v1/stations/{id}/guests", GUEST_WRITERS_OF_A),
        ("GET", "/api/v1/guests/{id}", GUEST_READERS_OF_A),
        ("PUT", "/api/v1/guests/{id}", GUEST_WRITERS_OF_A),
        ("POST", "/api/v1/guests/{id}/reveal", REVEALERS_OF_A),
        ("POST", "/api/v1/guests/{id}/check-in", GUEST_WRITERS_OF_A),
        ("GET", "/api/v1/stays/{id}", GUEST_READERS_OF_A),
        ("POST", "/api/v1/stays/{id}/move", GUEST_WRITERS_OF_A),
        (
            "POST",
            "/api/v1/stays/{id}/check-out",
            &["lead", "staff", "medical"],
        ),
        ("POST", "/api/v1/stays/{id}/health", HEALTH_OF_A),
        ("GET", "/api/v1/stations/{id}/tests", GUEST_READERS_OF_A),
        ("POST", "/api/v1/stations/{id}/tests/results", TESTERS_OF_A),
        ("POST", "/api/v1/tests/{id}/sample", TESTERS_OF_A),
        ("POST", "/api/v1/tests/{id}/result", TESTERS_OF_A),
        ("GET", "/api/v1/stations/{id}/attention", GUEST_READERS_OF_A),
        ("POST", "/api/v1/alerts/{id}/close", TESTERS_OF_A),
        ("GET", "/api/v1/stations/{id}/board", READERS_OF_A),
        ("GET", "/api/v1/stations/{id}/kpis", READERS_OF_A),
        (
            "GET",
            "/api/v1/district/board",
            &["admin", "commander", "inspector", "viewer"],
        ),
        ("GET", "/stations/{id}/staff", GUEST_READERS_OF_A),
        (
            "GET",
            "/stations/{id}/staff/export.xlsx",
            GUEST_READERS_OF_A,
        ),
        ("POST", "/stations/{id}/staff", STAFF_MANAGERS_OF_A),
        ("POST", "/stations/{id}/groups", STAFF_MANAGERS_OF_A),
        ("GET", "/staff/{id}/edit", STAFF_MANAGERS_OF_A),
        ("POST", "/staff/{id}", STAFF_MANAGERS_OF_A),
        ("POST", "/staff/{id}/leader", STAFF_MANAGERS_OF_A),
        ("GET", "/stations/{id}/roster", GUEST_READERS_OF_A),
        (
            "GET",
            "/stations/{id}/roster/export.xlsx",
            GUEST_READERS_OF_A,
        ),
        ("GET", "/api/v1/stations/{id}/roster", GUEST_READERS_OF_A),
        ("POST", "/stations/{id}/days-off", STAFF_MANAGERS_OF_A),
        ("POST", "/groups/{id}/roster", STAFF_MANAGERS_OF_A),
        ("POST", "/groups/{id}/roster/swap", STAFF_MANAGERS_OF_A),
        ("POST", "/api/v1/groups/{id}/roster", STAFF_MANAGERS_OF_A),
        ("POST", "/groups/{id}/handovers", ON_DUTY_OF_A),
        ("POST", "/handovers/{id}/ack", ON_DUTY_OF_A),
        ("POST", "/handover-items/{id}/done", ON_DUTY_OF_A),
        ("GET", "/stations/{id}/disinfection", GUEST_READERS_OF_A),
        (
            "GET",
            "/stations/{id}/disinfection/export.xlsx",
            GUEST_READERS_OF_A,
        ),
        (
            "GET",
            "/stations/{id}/waste/export.xlsx",
            GUEST_READERS_OF_A,
        ),
        ("POST", "/stations/{id}/disinfection", HYGIENE_OF_A),
        (
            "POST",
            "/stations/{id}/disinfection/areas",
            STAFF_MANAGERS_OF_A,
        ),
        ("POST", "/stations/{id}/waste", HYGIENE_OF_A),
        ("POST", "/disinfection/{id}/verify", VERIFIERS_OF_A),
        (
            "GET",
            "/api/v1/stations/{id}/disinfection",
            GUEST_READERS_OF_A,
        ),
        ("POST", "/api/v1/stations/{id}/disinfection", HYGIENE_OF_A),
        ("POST", "/api/v1/disinfection/{id}/verify", VERIFIERS_OF_A),
        ("GET", "/stations/{id}/supplies", GUEST_READERS_OF_A),
        (
            "GET",
            "/stations/{id}/supplies/export.xlsx",
            GUEST_READERS_OF_A,
        ),
        ("POST", "/stations/{id}/supplies", STOCK_KEEPERS_OF_A),
        ("POST", "/supplies/{id}/movements", STOCK_KEEPERS_OF_A),
        ("GET", "/api/v1/stations/{id}/supplies", GUEST_READERS_OF_A),
        (
            "POST",
            "/api/v1/supplies/{id}/movements",
            STOCK_KEEPERS_OF_A,
        ),
        ("GET", "/stations/{id}/meals", GUEST_READERS_OF_A),
        (
            "GET",
            "/stations/{id}/meals/export.xlsx",
            GUEST_READERS_OF_A,
        ),
        ("POST", "/stations/{id}/meals", ON_DUTY_OF_A),
        ("POST", "/stays/{id}/diet", ON_DUTY_OF_A),
        ("GET", "/stations/{id}/relatives", GUEST_READERS_OF_A),
        (
            "GET",
            "/stations/{id}/contacts/export.xlsx",
            GUEST_READERS_OF_A,
        ),
        (
            "GET",
            "/stations/{id}/deliveries/export.xlsx",
            GUEST_READERS_OF_A,
        ),
        ("POST", "/stations/{id}/contacts", ON_DUTY_OF_A),
        ("POST", "/stations/{id}/deliveries", ON_DUTY_OF_A),
        ("POST", "/deliveries/{id}/step", ON_DUTY_OF_A),
        ("GET", "/stations/{id}/staff-tests", GUEST_READERS_OF_A),
        (
            "GET",
            "/stations/{id}/staff-tests/export.xlsx",
            GUEST_READERS_OF_A,
        ),
        ("POST", "/staff/{id}/tests", TESTERS_OF_A),
        ("GET", "/stations/{id}/plans", GUEST_READERS_OF_A),
        (
            "GET",
            "/stations/{id}/plans/export.xlsx",
            GUEST_READERS_OF_A,
        ),
        ("POST", "/stations/{id}/plans", STAFF_MANAGERS_OF_A),
        ("GET", "/plans/{id}", GUEST_READERS_OF_A),
        ("POST", "/plans/{id}/drills", STAFF_MANAGERS_OF_A),
        (
            "GET",
            "/inspections",
            &[
                "commander",
                "street_cmd",
                "lead",
                "staff",
                "other_lead",
                "inspector",
                "viewer",
            ],
        ),
        (
            "POST",
            "/inspections",
            &["commander", "street_cmd", "inspector"],
        ),
        (
            "GET",
            "/inspections/templates",
            &["commander", "street_cmd", "inspector"],
        ),
        (
            "POST",
            "/inspections/templates",
            &["commander", "street_cmd", "inspector"],
        ),
        ("GET", "/inspections/{id}", INSPECTION_READERS_OF_A),
        ("POST", "/inspections/{id}/start", INSPECTORS_OF_A),
        ("POST", "/inspections/{id}/results", INSPECTORS_OF_A),
        ("POST", "/inspections/{id}/finish", INSPECTORS_OF_A),
        ("GET", "/api/v1/inspections/{id}", INSPECTION_READERS_OF_A),
        ("POST", "/inspections/{id}/photos", INSPECTORS_OF_A),
        ("POST", "/inspections/{id}/rectifications", INSPECTORS_OF_A),
        ("GET", "/photos/{id}", INSPECTION_READERS_OF_A),
        ("GET", "/photos/{id}/thumb", INSPECTION_READERS_OF_A),
        (
            "GET",
            "/rectifications",
            &[
                "commander",
                "street_cmd",
                "lead",
                "staff",
                "other_lead",
                "inspector",
                "viewer",
            ],
        ),
        (
            "GET",
            "/rectifications.xlsx",
            &[
                "commander",
                "street_cmd",
                "lead",
                "staff",
                "other_lead",
                "inspector",
                "viewer",
            ],
        ),
        ("GET", "/rectifications/{id}", INSPECTION_READERS_OF_A),
        ("POST", "/rectifications/{id}/submit", RECTIFIERS_OF_A),
        ("POST", "/rectifications/{id}/photos", RECTIFIERS_OF_A),
        ("POST", "/rectifications/{id}/verify", INSPECTORS_OF_A),
        (
            "GET",
            "/api/v1/rectifications/{id}",
            INSPECTION_READERS_OF_A,
        ),
        (
            "GET",
            "/notices",
            &[
                "commander",
                "street_cmd",
                "lead",
                "staff",
                "other_lead",
                "inspector",
                "viewer",
            ],
        ),
        (
            "POST",
            "/notices",
            &["commander", "street_cmd", "inspector"],
        ),
        // The fixture notice is a district-wide draft: the district's command only.
        ("GET", "/notices/{id}", INSPECTORS_OF_A),
        ("GET", "/notices/{id}/export.docx", INSPECTORS_OF_A),
        ("GET", "/api/v1/notices/{id}", INSPECTORS_OF_A),
        ("POST", "/notices/{id}/publish", INSPECTORS_OF_A),
        ("GET", "/command", COMMAND_READERS),
        ("GET", "/task-groups", COMMAND_READERS),
        (
            "POST",
            "/task-groups",
            &["commander", "street_cmd", "inspector"],
        ),
        ("GET", "/task-groups/{id}", COMMAND_READERS),
        ("GET", "/task-groups/{id}/export.xlsx", COMMAND_READERS),
        (
            "POST",
            "/task-groups/{id}/tasks",
            &["commander", "street_cmd", "inspector"],
        ),
        (
            "POST",
            "/tasks/{id}/status",
            &["commander", "street_cmd", "inspector"],
        ),
        ("GET", "/reports", REPORT_READERS),
        ("POST", "/reports", &["commander"]),
        ("GET", "/reports/{day}", REPORT_READERS),
        ("GET", "/reports/{day}/export.xlsx", REPORT_READERS),
        ("GET", "/reports/{day}/export.docx", REPORT_READERS),
        ("GET", "/api/v1/reports/{day}", REPORT_READERS),
        ("GET", "/stays/{id}/counselling", COUNSELLORS_OF_A),
        ("POST", "/stays/{id}/counselling", COUNSELLORS_OF_A),
        ("GET", "/api/v1/stays/{id}/counselling", COUNSELLORS_OF_A),
        ("POST", "/api/v1/stays/{id}/counselling", COUNSELLORS_OF_A),
        ("GET", "/stations/{id}/incidents", GUEST_READERS_OF_A),
        (
            "GET",
            "/stations/{id}/incidents/export.xlsx",
            GUEST_READERS_OF_A,
        ),
        (
            "GET",
            "/stations/{id}/complaints/export.xlsx",
            GUEST_READERS_OF_A,
        ),
        ("POST", "/stations/{id}/incidents", INCIDENT_RECORDERS_OF_A),
        ("POST", "/stations/{id}/complaints", INCIDENT_RECORDERS_OF_A),
        ("POST", "/incidents/{id}/close", STAFF_MANAGERS_OF_A),
        ("POST", "/complaints/{id}/status", INCIDENT_RECORDERS_OF_A),
        ("GET", "/api/v1/stations/{id}/incidents", GUEST_READERS_OF_A),
        (
            "POST",
            "/api/v1/stations/{id}/incidents",
            INCIDENT_RECORDERS_OF_A,
        ),
        (
            "POST",
            "/api/v1/stations/{id}/complaints",
            INCIDENT_RECORDERS_OF_A,
        ),
        ("GET", "/api/v1/users", ADMIN),
        ("POST", "/api/v1/users", ADMIN),
        ("GET", "/api/v1/users/{id}", ADMIN),
        ("PUT", "/api/v1/users/{id}", ADMIN),
        ("GET", "/api/v1/audit", ADMIN),
    ]
}

/// Refused: 401/403/404, or a page's redirect to the login form.
fn refused(r: &Resp) -> bool {
    matches!(
        r.status,
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    ) || (r.status == StatusCode::SEE_OTHER && r.location().starts_with("/login?next="))
}

both_backends!(role_route_matrix, |t: TestDb| async move {
    let app = App::new(t).await;
    let table = matrix();

    // Every route the router serves has a row, and every row is a real route.
    let served: BTreeSet<(String, String)> = app
        .routes
        .iter()
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect();
    let expected: BTreeSet<(String, String)> = table
        .iter()
        .map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    let missing: Vec<_> = served.difference(&expected).collect();
    assert!(
        missing.is_empty(),
        "routes without an authorization-matrix row: {missing:?}"
    );
    let stale: Vec<_> = expected.difference(&served).collect();
    assert!(
        stale.is_empty(),
        "matrix rows for routes that do not exist: {stale:?}"
    );

    let (_, street_b, st_a, st_b) = district(app.db()).await;
    let target = app
        .user("target", Role::Viewer, Scope::District, false)
        .await;
    let room_a = common::room(app.db(), st_a, "301", 2).await;
    let guest_a = common::guest(app.db(), st_a, 1).await;
    let stay_a = common::check_in(app.db(), st_a, guest_a, room_a).await;
    // A released stay with its certificate, an alert, a flag and a test on station A.
    let room_r = common::room(app.db(), st_a, "399", 1).await;
    let guest_r = common::guest(app.db(), st_a, 2).await;
    let stay_r = common::check_in(app.db(), st_a, guest_r, room_r).await;
    let sys = yizhan_core::access::Actor::system();
    yizhan_store::stays::check_out(
        app.db(),
        &sys,
        stay_r,
        yizhan_core::stay::Outcome::Released,
        None,
    )
    .await
    .unwrap();
    let cert = yizhan_store::stays::certificate_of(app.db(), stay_r)
        .await
        .unwrap()
        .unwrap();
    let fever =
        yizhan_core::health::validate_health_check(&yizhan_core::health::HealthCheckInput {
            temperature: "38.0".into(),
            symptoms: vec![],
            note: String::new(),
        })
        .unwrap();
    let (_, alert_a) = yizhan_store::health::record(
        app.db(),
        &sys,
        stay_a,
        yizhan_core::time::local_date(yizhan_store::db::now()),
        yizhan_core::health::Slot::Am,
        &fever,
    )
    .await
    .unwrap();
    let alert_a = alert_a.unwrap();
    let flag_a = yizhan_store::attention::flag(app.db(), &sys, stay_a, "观察")
        .await
        .unwrap();
    let test_a = yizhan_store::stays::tests(app.db(), stay_a).await.unwrap()[0].id;
    let token_a =
        yizhan_store::board::create_token(app.db(), &sys, Some(st_a), "TV", &"a".repeat(64))
            .await
            .unwrap();
    let care = common::care_fixtures(app.db(), st_a, stay_a).await;
    let notice = yizhan_store::notices::create(
        app.db(),
        &sys,
        &yizhan_core::notice::NewNotice {
            title: "通报".into(),
            period_from: REPORT_DAY.parse().unwrap(),
            period_to: REPORT_DAY.parse().unwrap(),
            street_id: None,
            summary: None,
        },
    )
    .await
    .unwrap();
    let task_group = yizhan_store::task_groups::create(
        app.db(),
        &sys,
        &yizhan_core::task_group::NewGroup {
            name: "督导检查组".into(),
            leader: "孙科长".into(),
            duties: None,
        },
    )
    .await
    .unwrap();
    let task = yizhan_store::task_groups::add_task(
        app.db(),
        &sys,
        task_group,
        &yizhan_core::task_group::NewTask {
            title: "排查".into(),
            owner: "孙科长".into(),
            due_on: None,
        },
    )
    .await
    .unwrap();
    let empty = yizhan_web::daily_report::Report {
        day: REPORT_DAY.parse().unwrap(),
        stations: vec![],
        district: Default::default(),
    };
    yizhan_store::reports::save(
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
            "viewer" => (Role::Viewer, Scope::District),
            _ => unreachable!(),
        };
        ids.insert(*who, app.user(who, role, scope, false).await);
    }

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
                Resp {
                    status,
                    headers,
                    body: String::new(),
                    bytes: vec![],
                }
            } else if m == Method::GET {
                app.get(&mut c, &concrete).await
            } else if concrete.starts_with("/api/") {
                app.json(&mut c, m, &concrete, serde_json::json!({})).await
            } else {
                app.form(&mut c, &concrete, &[]).await
            };
            let allow = allowed.contains(&who);
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
