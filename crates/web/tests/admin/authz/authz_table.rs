//! The authorization matrix: every route of the router × who may use it, with the scopes own and
//! other station (A, B), own and other street (A, B), own and other enterprise (1, 2); see
//! `authz.rs` for how each cell is tried.

/// Who asks. Station-scoped users belong to station A; `other_lead` to station B; `street_cmd`
/// commands street B, so station A is outside every one of their scopes; `street_a_cmd` commands
/// street A (station A's and enterprise 1's); `other_enterprise` is enterprise 2's clerk (street B).
pub const WHO: [&str; 14] = [
    "anon",
    "admin",
    "commander",
    "street_cmd",
    "street_a_cmd",
    "other_enterprise",
    "lead",
    "staff",
    "other_lead",
    "medical",
    "counsellor",
    "inspector",
    "enterprise",
    "viewer",
];

pub const ALL: &[&str] = &WHO;
pub const SIGNED_IN: &[&str] = &[
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
pub const READERS: &[&str] = &[
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
pub const READERS_OF_A: &[&str] =
    &["admin", "commander", "lead", "staff", "medical", "counsellor", "inspector", "viewer"];
pub const WRITERS: &[&str] = &["admin", "commander", "street_cmd"];
pub const WRITERS_OF_A: &[&str] = &["admin", "commander"];
pub const ADMIN: &[&str] = &["admin"];
/// Who connects group robots for their scope: administrators, the command, station leads.
pub const CHANNEL_MANAGERS: &[&str] = &["admin", "commander", "street_cmd", "lead", "other_lead"];
/// Station A's lead manages its rooms; lead, staff and medical change room states.
pub const ROOM_MANAGERS_OF_A: &[&str] = &["lead"];
pub const ROOM_OPERATORS_OF_A: &[&str] = &["lead", "staff", "medical"];
/// Who sees station A's guests (masked), who registers and moves them, who may unmask.
pub const GUEST_READERS_OF_A: &[&str] =
    &["commander", "lead", "staff", "medical", "counsellor", "inspector", "viewer"];
pub const GUEST_WRITERS_OF_A: &[&str] = &["lead", "staff"];
/// Whoever sees some station's guests (a list each narrows to their own).
pub const ANY_GUEST_READER: &[&str] = &[
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
pub const REVEALERS_OF_A: &[&str] = &["commander", "lead", "staff", "medical"];
pub const HEALTH_OF_A: &[&str] = &["lead", "staff", "medical"];
pub const TESTERS_OF_A: &[&str] = &["lead", "medical"];
/// Whoever an alert of station A reaches may acknowledge it (已知悉), its command too.
pub const ACKNOWLEDGERS_OF_A: &[&str] = &["commander", "lead", "staff", "medical"];
pub const ATTENTION_OF_A: &[&str] = &["lead", "staff", "medical", "counsellor"];
pub const BOARD_MANAGERS_OF_A: &[&str] = &["commander", "lead"];
/// Staff lists and ledgers are read by the same people as guests; only the lead manages staff.
pub const STAFF_MANAGERS_OF_A: &[&str] = &["lead"];
/// Counselling notes: counsellors only, not even the admin or the lead (docs/design.md §2).
pub const COUNSELLORS_OF_A: &[&str] = &["counsellor"];
pub const INCIDENT_RECORDERS_OF_A: &[&str] = &["lead", "staff", "medical", "counsellor"];
pub const ON_DUTY_OF_A: &[&str] = &["lead", "staff", "medical", "counsellor"];
pub const HYGIENE_OF_A: &[&str] = &["lead", "staff", "medical"];
pub const VERIFIERS_OF_A: &[&str] = &["lead", "medical"];
pub const STOCK_KEEPERS_OF_A: &[&str] = &["lead", "staff"];
/// A planned inspection of station A: its station sees it; so do the command roles in scope.
pub const INSPECTION_READERS_OF_A: &[&str] = &["commander", "lead", "staff", "inspector", "viewer"];
pub const INSPECTORS_OF_A: &[&str] = &["commander", "inspector"];
/// A directive published to station A: the district command and the station's own people.
pub const DIRECTIVE_READERS_OF_A: &[&str] = &["commander", "lead", "staff", "inspector", "viewer"];
/// Enterprises: the command, and an enterprise's own account (enterprise 1, in street A).
pub const ENTERPRISE_READERS: &[&str] =
    &["commander", "street_cmd", "inspector", "enterprise", "viewer"];
pub const ENTERPRISE_1_READERS: &[&str] = &["commander", "inspector", "enterprise", "viewer"];
pub const ENTERPRISE_1_WRITERS: &[&str] = &["commander", "enterprise"];
/// The command's own pages (overview, task groups): every command role, any scope.
pub const COMMAND_READERS: &[&str] = &["commander", "street_cmd", "inspector", "viewer"];
/// The district's daily report: district-wide command roles only (not a street's commander).
pub const REPORT_READERS: &[&str] = &["commander", "inspector", "viewer"];
/// The responsible station's lead reports a rectification done.
pub const RECTIFIERS_OF_A: &[&str] = &["lead"];

/// Routes only the district-wide command may use: a street's commander may not, even the one
/// whose street holds station A and enterprise 1.
pub const DISTRICT_WIDE: &[(&str, &str)] = &[
    // Guests in transit anywhere are the district's to allocate.
    ("GET", "/transfers"),
    ("GET", "/transfers/export.xlsx"),
    ("POST", "/transfers/{id}/redirect"),
    ("GET", "/api/v1/transfers"),
    ("POST", "/api/v1/transfers/{id}/redirect"),
    // Quarantine policies hold for the whole district.
    ("POST", "/policies"),
    // The district board and its feed show every street.
    ("GET", "/board/district"),
    ("GET", "/board/district/events"),
    ("GET", "/api/v1/district/board"),
    // Notice 1 is a district-wide draft: only the district's authors see drafts.
    ("GET", "/notices/{id}"),
    ("GET", "/notices/{id}/export.docx"),
    ("GET", "/api/v1/notices/{id}"),
    ("POST", "/notices/{id}/publish"),
    // Directives are the district's, to their recipients (directive 1 goes to station A itself).
    ("POST", "/directives"),
    ("GET", "/directives/{id}"),
    ("GET", "/api/v1/directives/{id}"),
    ("GET", "/directive-files/{id}"),
    ("GET", "/directives/{id}/export.xlsx"),
    ("POST", "/directives/{id}/files"),
    ("POST", "/directives/{id}/publish"),
    ("POST", "/directives/{id}/remind"),
    // Import run 1 is the district commander's own: only whoever started a run follows it.
    ("GET", "/imports/{id}"),
    ("GET", "/imports/{id}/progress"),
    ("GET", "/imports/{id}/report.xlsx"),
    // Economic indicators are written district-wide only.
    ("POST", "/indicators"),
    ("GET", "/indicators/import/template.xlsx"),
    ("POST", "/indicators/import"),
    // The fixture's channel is the district's own group.
    ("POST", "/admin/channels/{id}/active"),
    ("POST", "/admin/channels/{id}/test"),
    // The daily report covers the district.
    ("GET", "/reports"),
    ("POST", "/reports"),
    ("GET", "/reports/{day}"),
    ("GET", "/reports/{day}/export.xlsx"),
    ("GET", "/reports/{day}/export.docx"),
    ("GET", "/api/v1/reports/{day}"),
];

/// The two scope variants follow from the table's rows. A commander of street A may do on
/// station A and enterprise 1 what the district's commander may, except the district-wide
/// routes. Enterprise 2's clerk may use what enterprise 1's clerk may, except enterprise 1's
/// own records (the routes with an `{id}`, which the matrix points at enterprise 1's).
pub fn expected(who: &str, method: &str, path: &str, listed: &[&str]) -> bool {
    match who {
        "street_a_cmd" => listed.contains(&"commander") && !DISTRICT_WIDE.contains(&(method, path)),
        "other_enterprise" => listed.contains(&"enterprise") && !path.contains("{id}"),
        _ => listed.contains(&who),
    }
}

/// The day of the archived report the `{day}` routes are tried on.
pub const REPORT_DAY: &str = "2026-01-01";

/// (method, path) → who is let through. `{id}` is station A, or the target user for user routes.
pub fn matrix() -> Vec<(&'static str, &'static str, &'static [&'static str])> {
    vec![
        ("GET", "/healthz", ALL),
        // Only with the configured bearer token (none here), or on --metrics-listen.
        ("GET", "/metrics", &[]),
        ("GET", "/assets/{name}", ALL),
        ("GET", "/login", ALL),
        ("POST", "/login", ALL),
        ("POST", "/logout", SIGNED_IN),
        ("POST", "/lang", ALL),
        ("GET", "/account/password", SIGNED_IN),
        ("POST", "/account/password", SIGNED_IN),
        ("GET", "/", SIGNED_IN),
        ("GET", "/nav/badges", SIGNED_IN),
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
        ("GET", "/stations/{id}/guests/export.xlsx", GUEST_READERS_OF_A),
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
        ("POST", "/stays/{id}/check-out", &["lead", "staff", "medical"]),
        ("POST", "/stays/{id}/period", &["lead", "medical"]),
        ("POST", "/stays/{id}/transfer", GUEST_WRITERS_OF_A),
        ("GET", "/stations/{id}/transfers", GUEST_READERS_OF_A),
        ("GET", "/stations/{id}/transfers/export.xlsx", GUEST_READERS_OF_A),
        ("POST", "/transfers/{id}/accept", GUEST_WRITERS_OF_A),
        ("POST", "/transfers/{id}/refuse", GUEST_WRITERS_OF_A),
        ("GET", "/transfers", &["commander"]),
        ("GET", "/transfers/export.xlsx", &["commander"]),
        ("POST", "/transfers/{id}/redirect", &["commander"]),
        ("GET", "/cases", ANY_GUEST_READER),
        ("GET", "/cases/export.xlsx", ANY_GUEST_READER),
        ("GET", "/cases/{id}", GUEST_READERS_OF_A),
        ("POST", "/cases/{id}/steps", TESTERS_OF_A),
        ("GET", "/api/v1/cases", ANY_GUEST_READER),
        ("POST", "/api/v1/cases/{id}/steps", TESTERS_OF_A),
        ("POST", "/cases/{id}/measures", &["lead", "medical"]),
        ("GET", "/api/v1/cases/{id}/measures", GUEST_READERS_OF_A),
        ("POST", "/api/v1/cases/{id}/measures", &["lead", "medical"]),
        ("POST", "/stays/{id}/trips", GUEST_WRITERS_OF_A),
        ("POST", "/trips/{id}/back", GUEST_WRITERS_OF_A),
        ("POST", "/stays/{id}/violations", &["lead"]),
        ("GET", "/stations/{id}/trips", GUEST_READERS_OF_A),
        ("GET", "/stations/{id}/trips/export.xlsx", GUEST_READERS_OF_A),
        ("POST", "/api/v1/stays/{id}/trips", GUEST_WRITERS_OF_A),
        ("POST", "/api/v1/trips/{id}/back", GUEST_WRITERS_OF_A),
        ("GET", "/home-monitoring", &["commander", "street_cmd", "street_a_cmd"]),
        ("GET", "/home-monitoring/export.xlsx", &["commander", "street_cmd", "street_a_cmd"]),
        ("GET", "/home-monitoring/{id}", &["commander", "street_a_cmd"]),
        ("POST", "/home-monitoring/{id}/follow-ups", &["commander", "street_a_cmd"]),
        ("GET", "/api/v1/home-monitoring", &["commander", "street_cmd", "street_a_cmd"]),
        ("POST", "/api/v1/home-monitoring/{id}/follow-ups", &["commander", "street_a_cmd"]),
        ("GET", "/stations/{id}/stays/export.xlsx", GUEST_READERS_OF_A),
        ("GET", "/stations/{id}/health/export.xlsx", GUEST_READERS_OF_A),
        ("GET", "/stations/{id}/round", HEALTH_OF_A),
        ("POST", "/stays/{id}/health", HEALTH_OF_A),
        ("GET", "/stations/{id}/tests", GUEST_READERS_OF_A),
        ("POST", "/stations/{id}/tests/import", TESTERS_OF_A),
        ("POST", "/tests/{id}/sample", TESTERS_OF_A),
        ("POST", "/tests/{id}/result", TESTERS_OF_A),
        ("GET", "/stations/{id}/attention", GUEST_READERS_OF_A),
        ("POST", "/alerts/{id}/close", TESTERS_OF_A),
        ("POST", "/alerts/{id}/escalate", TESTERS_OF_A),
        ("GET", "/alerts/{id}", GUEST_READERS_OF_A),
        ("POST", "/alerts/{id}/acknowledge", ACKNOWLEDGERS_OF_A),
        ("GET", "/stations/{id}/escalation", GUEST_READERS_OF_A),
        ("POST", "/stations/{id}/escalation", BOARD_MANAGERS_OF_A),
        ("POST", "/stays/{id}/flags", ATTENTION_OF_A),
        ("POST", "/flags/{id}/close", ATTENTION_OF_A),
        ("POST", "/stays/{id}/notes", ATTENTION_OF_A),
        ("GET", "/stations/{id}/releases", GUEST_READERS_OF_A),
        ("POST", "/stays/{id}/release", &["lead", "medical"]),
        ("GET", "/stays/{id}/certificate", GUEST_READERS_OF_A),
        ("GET", "/verify/{number}", ALL),
        ("GET", "/policies", SIGNED_IN),
        ("POST", "/policies", &["admin", "commander"]),
        ("GET", "/board/district", &["admin", "commander", "inspector", "viewer"]),
        ("GET", "/board/district/events", &["admin", "commander", "inspector", "viewer"]),
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
        ("GET", "/inbox", SIGNED_IN),
        ("POST", "/inbox/read", SIGNED_IN),
        ("GET", "/inbox/events", SIGNED_IN),
        ("GET", "/api/v1/inbox", SIGNED_IN),
        ("GET", "/account/notifications", SIGNED_IN),
        ("POST", "/account/notifications", SIGNED_IN),
        // Channels: whoever manages a scope sees the page; the fixture's channel is the
        // district's, so only the district's managers may stop or test it.
        ("GET", "/admin/channels", CHANNEL_MANAGERS),
        ("POST", "/admin/channels", CHANNEL_MANAGERS),
        ("POST", "/admin/channels/{id}/active", &["admin", "commander"]),
        ("POST", "/admin/channels/{id}/test", &["admin", "commander"]),
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
        ("POST", "/api/v1/stays/{id}/period", &["lead", "medical"]),
        ("POST", "/api/v1/stays/{id}/transfer", GUEST_WRITERS_OF_A),
        ("GET", "/api/v1/stations/{id}/transfers/incoming", GUEST_READERS_OF_A),
        ("POST", "/api/v1/transfers/{id}/accept", GUEST_WRITERS_OF_A),
        ("POST", "/api/v1/transfers/{id}/refuse", GUEST_WRITERS_OF_A),
        ("GET", "/api/v1/transfers", &["commander"]),
        ("POST", "/api/v1/transfers/{id}/redirect", &["commander"]),
        ("POST", "/api/v1/stays/{id}/check-out", &["lead", "staff", "medical"]),
        ("POST", "/api/v1/stays/{id}/health", HEALTH_OF_A),
        ("GET", "/api/v1/stations/{id}/tests", GUEST_READERS_OF_A),
        ("POST", "/api/v1/stations/{id}/tests/results", TESTERS_OF_A),
        ("POST", "/api/v1/tests/{id}/sample", TESTERS_OF_A),
        ("POST", "/api/v1/tests/{id}/result", TESTERS_OF_A),
        ("GET", "/api/v1/stations/{id}/attention", GUEST_READERS_OF_A),
        ("GET", "/api/v1/stations/{id}/releases", GUEST_READERS_OF_A),
        ("POST", "/api/v1/alerts/{id}/close", TESTERS_OF_A),
        ("POST", "/api/v1/alerts/{id}/escalate", TESTERS_OF_A),
        ("GET", "/api/v1/alerts/{id}", GUEST_READERS_OF_A),
        ("POST", "/api/v1/alerts/{id}/acknowledge", ACKNOWLEDGERS_OF_A),
        ("GET", "/api/v1/stations/{id}/board", READERS_OF_A),
        ("GET", "/api/v1/stations/{id}/kpis", READERS_OF_A),
        ("GET", "/api/v1/district/board", &["admin", "commander", "inspector", "viewer"]),
        ("GET", "/stations/{id}/staff", GUEST_READERS_OF_A),
        ("GET", "/stations/{id}/staff/export.xlsx", GUEST_READERS_OF_A),
        ("POST", "/stations/{id}/staff", STAFF_MANAGERS_OF_A),
        ("POST", "/stations/{id}/groups", STAFF_MANAGERS_OF_A),
        ("GET", "/staff/{id}/edit", STAFF_MANAGERS_OF_A),
        ("POST", "/staff/{id}", STAFF_MANAGERS_OF_A),
        ("POST", "/staff/{id}/leader", STAFF_MANAGERS_OF_A),
        ("GET", "/stations/{id}/roster", GUEST_READERS_OF_A),
        ("GET", "/stations/{id}/roster/export.xlsx", GUEST_READERS_OF_A),
        ("GET", "/api/v1/stations/{id}/roster", GUEST_READERS_OF_A),
        ("POST", "/stations/{id}/days-off", STAFF_MANAGERS_OF_A),
        ("POST", "/groups/{id}", STAFF_MANAGERS_OF_A),
        ("POST", "/groups/{id}/roster", STAFF_MANAGERS_OF_A),
        ("POST", "/groups/{id}/roster/swap", STAFF_MANAGERS_OF_A),
        ("POST", "/api/v1/groups/{id}/roster", STAFF_MANAGERS_OF_A),
        ("POST", "/groups/{id}/handovers", ON_DUTY_OF_A),
        ("POST", "/handovers/{id}/ack", ON_DUTY_OF_A),
        ("POST", "/handover-items/{id}/done", ON_DUTY_OF_A),
        ("GET", "/stations/{id}/disinfection", GUEST_READERS_OF_A),
        ("GET", "/stations/{id}/disinfection/export.xlsx", GUEST_READERS_OF_A),
        ("GET", "/stations/{id}/waste/export.xlsx", GUEST_READERS_OF_A),
        ("POST", "/stations/{id}/disinfection", HYGIENE_OF_A),
        ("POST", "/stations/{id}/disinfection/areas", STAFF_MANAGERS_OF_A),
        ("POST", "/stations/{id}/waste", HYGIENE_OF_A),
        ("POST", "/disinfection/{id}/verify", VERIFIERS_OF_A),
        ("GET", "/api/v1/stations/{id}/disinfection", GUEST_READERS_OF_A),
        ("POST", "/api/v1/stations/{id}/disinfection", HYGIENE_OF_A),
        ("POST", "/api/v1/disinfection/{id}/verify", VERIFIERS_OF_A),
        ("GET", "/stations/{id}/supplies", GUEST_READERS_OF_A),
        ("GET", "/stations/{id}/supplies/export.xlsx", GUEST_READERS_OF_A),
        ("POST", "/stations/{id}/supplies", STOCK_KEEPERS_OF_A),
        ("POST", "/supplies/{id}/movements", STOCK_KEEPERS_OF_A),
        ("GET", "/api/v1/stations/{id}/supplies", GUEST_READERS_OF_A),
        ("POST", "/api/v1/supplies/{id}/movements", STOCK_KEEPERS_OF_A),
        ("GET", "/stations/{id}/meals", GUEST_READERS_OF_A),
        ("GET", "/stations/{id}/meals/export.xlsx", GUEST_READERS_OF_A),
        ("POST", "/stations/{id}/meals", ON_DUTY_OF_A),
        ("POST", "/stays/{id}/diet", ON_DUTY_OF_A),
        ("GET", "/stations/{id}/relatives", GUEST_READERS_OF_A),
        ("GET", "/stations/{id}/contacts/export.xlsx", GUEST_READERS_OF_A),
        ("GET", "/stations/{id}/deliveries/export.xlsx", GUEST_READERS_OF_A),
        ("POST", "/stations/{id}/contacts", ON_DUTY_OF_A),
        ("POST", "/stations/{id}/deliveries", ON_DUTY_OF_A),
        ("POST", "/deliveries/{id}/step", ON_DUTY_OF_A),
        ("GET", "/stations/{id}/staff-tests", GUEST_READERS_OF_A),
        ("GET", "/stations/{id}/staff-tests/export.xlsx", GUEST_READERS_OF_A),
        ("POST", "/staff/{id}/tests", TESTERS_OF_A),
        ("GET", "/stations/{id}/plans", GUEST_READERS_OF_A),
        ("GET", "/stations/{id}/plans/export.xlsx", GUEST_READERS_OF_A),
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
                "enterprise",
                "viewer",
            ],
        ),
        ("POST", "/inspections", &["commander", "street_cmd", "inspector"]),
        ("GET", "/inspections/templates", &["commander", "street_cmd", "inspector"]),
        ("POST", "/inspections/templates", &["commander", "street_cmd", "inspector"]),
        ("GET", "/inspections/{id}", INSPECTION_READERS_OF_A),
        ("POST", "/inspections/{id}/start", INSPECTORS_OF_A),
        ("POST", "/inspections/{id}/results", INSPECTORS_OF_A),
        ("POST", "/inspections/{id}/checklist", INSPECTORS_OF_A),
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
                "enterprise",
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
                "enterprise",
                "viewer",
            ],
        ),
        ("GET", "/rectifications/{id}", INSPECTION_READERS_OF_A),
        ("POST", "/rectifications/{id}/submit", RECTIFIERS_OF_A),
        ("POST", "/rectifications/{id}/photos", RECTIFIERS_OF_A),
        ("POST", "/rectifications/{id}/verify", INSPECTORS_OF_A),
        ("GET", "/api/v1/rectifications/{id}", INSPECTION_READERS_OF_A),
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
                "enterprise",
                "viewer",
            ],
        ),
        ("POST", "/notices", &["commander", "street_cmd", "inspector"]),
        // The fixture notice is a district-wide draft: the district's command only.
        ("GET", "/notices/{id}", INSPECTORS_OF_A),
        ("GET", "/notices/{id}/export.docx", INSPECTORS_OF_A),
        ("GET", "/api/v1/notices/{id}", INSPECTORS_OF_A),
        ("POST", "/notices/{id}/publish", INSPECTORS_OF_A),
        ("GET", "/command", COMMAND_READERS),
        (
            "GET",
            "/directives",
            &[
                "commander",
                "street_cmd",
                "lead",
                "staff",
                "other_lead",
                "inspector",
                "enterprise",
                "viewer",
            ],
        ),
        ("POST", "/directives", &["commander"]),
        // The fixture directive is published to station A.
        ("GET", "/directives/{id}", DIRECTIVE_READERS_OF_A),
        ("GET", "/api/v1/directives/{id}", DIRECTIVE_READERS_OF_A),
        ("GET", "/directive-files/{id}", DIRECTIVE_READERS_OF_A),
        ("GET", "/directives/{id}/export.xlsx", &["commander", "inspector", "viewer"]),
        ("POST", "/directives/{id}/files", &["commander"]),
        ("POST", "/directives/{id}/publish", &["commander"]),
        ("POST", "/directives/{id}/remind", &["commander"]),
        ("POST", "/directives/{id}/acknowledge", &["lead"]),
        ("GET", "/enterprises", ENTERPRISE_READERS),
        ("GET", "/enterprises/export.xlsx", ENTERPRISE_READERS),
        ("GET", "/api/v1/enterprises", ENTERPRISE_READERS),
        ("GET", "/enterprises/new", &["commander", "street_cmd"]),
        ("POST", "/enterprises", &["commander", "street_cmd"]),
        ("GET", "/enterprises/{id}", ENTERPRISE_1_READERS),
        ("GET", "/api/v1/enterprises/{id}", ENTERPRISE_1_READERS),
        ("GET", "/enterprises/{id}/plan", ENTERPRISE_1_READERS),
        ("GET", "/enterprises/{id}/edit", ENTERPRISE_1_WRITERS),
        ("POST", "/enterprises/{id}", ENTERPRISE_1_WRITERS),
        ("POST", "/enterprises/{id}/plan", ENTERPRISE_1_WRITERS),
        // Resumption review: enterprise 1's own account applies (its plan is filed, so the first
        // try lands and later ones are 409s); a commander whose scope holds it reviews (the empty
        // form is a 422 naming the reason); either records resumed (409 until approved).
        ("GET", "/enterprises/review", &["commander", "street_cmd"]),
        ("GET", "/enterprises/pick", &["commander", "street_cmd", "enterprise", "inspector"]),
        ("POST", "/enterprises/{id}/apply", &["enterprise"]),
        ("POST", "/api/v1/enterprises/{id}/apply", &["enterprise"]),
        ("POST", "/enterprises/{id}/review", &["commander"]),
        ("POST", "/api/v1/enterprises/{id}/review", &["commander"]),
        ("POST", "/enterprises/{id}/resumed", ENTERPRISE_1_WRITERS),
        ("POST", "/api/v1/enterprises/{id}/resumed", ENTERPRISE_1_WRITERS),
        ("PUT", "/api/v1/enterprises/{id}", ENTERPRISE_1_WRITERS),
        ("GET", "/resumption", COMMAND_READERS),
        ("GET", "/resumption/export.xlsx", COMMAND_READERS),
        ("GET", "/workers", ENTERPRISE_READERS),
        ("GET", "/workers/export.xlsx", ENTERPRISE_READERS),
        ("GET", "/api/v1/workers", ENTERPRISE_READERS),
        ("GET", "/workers/new", &["commander", "street_cmd", "enterprise"]),
        ("POST", "/workers", &["commander", "street_cmd", "enterprise"]),
        // The fixture worker works for enterprise 1, in street A.
        ("GET", "/workers/{id}", ENTERPRISE_1_READERS),
        ("GET", "/api/v1/workers/{id}", ENTERPRISE_1_READERS),
        ("POST", "/workers/{id}/status", ENTERPRISE_1_WRITERS),
        ("GET", "/workers/import", &["commander", "street_cmd", "enterprise"]),
        ("GET", "/workers/import/template.xlsx", &["commander", "street_cmd", "enterprise"]),
        ("POST", "/workers/import", &["commander", "street_cmd", "enterprise"]),
        // The fixture run is the commander's own.
        ("GET", "/imports/{id}/report.xlsx", &["commander"]),
        ("GET", "/imports/{id}", &["commander"]),
        ("GET", "/imports/{id}/progress", &["commander"]),
        ("GET", "/transports", COMMAND_READERS),
        ("POST", "/transports", &["commander", "street_cmd"]),
        ("GET", "/transports/{id}", COMMAND_READERS),
        ("POST", "/transports/{id}/manifest", &["commander", "street_cmd"]),
        ("POST", "/api/v1/transports/{id}/manifest", &["commander", "street_cmd"]),
        ("GET", "/difficulties", ENTERPRISE_READERS),
        ("GET", "/difficulties/export.xlsx", ENTERPRISE_READERS),
        ("POST", "/difficulties", &["commander", "street_cmd", "enterprise"]),
        // The fixture ticket is enterprise 1's (street A).
        ("GET", "/difficulties/{id}", ENTERPRISE_1_READERS),
        ("POST", "/difficulties/{id}/step", &["commander"]),
        ("GET", "/relief", ENTERPRISE_READERS),
        ("GET", "/relief/export.xlsx", ENTERPRISE_READERS),
        ("POST", "/relief", &["commander", "street_cmd", "enterprise"]),
        ("POST", "/relief/{id}/decide", &["commander"]),
        // Economic indicators: read by the command in any scope, written district-wide only.
        ("GET", "/indicators", COMMAND_READERS),
        ("GET", "/indicators/export.xlsx", COMMAND_READERS),
        ("GET", "/api/v1/indicators", COMMAND_READERS),
        ("POST", "/indicators", &["commander"]),
        ("GET", "/indicators/import/template.xlsx", &["commander"]),
        ("POST", "/indicators/import", &["commander"]),
        ("GET", "/task-groups", COMMAND_READERS),
        ("POST", "/task-groups", &["commander", "street_cmd", "inspector"]),
        ("GET", "/task-groups/{id}", COMMAND_READERS),
        ("GET", "/task-groups/{id}/export.xlsx", COMMAND_READERS),
        ("POST", "/task-groups/{id}/tasks", &["commander", "street_cmd", "inspector"]),
        ("POST", "/tasks/{id}/status", &["commander", "street_cmd", "inspector"]),
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
        ("GET", "/stations/{id}/incidents/export.xlsx", GUEST_READERS_OF_A),
        ("GET", "/stations/{id}/complaints/export.xlsx", GUEST_READERS_OF_A),
        ("POST", "/stations/{id}/incidents", INCIDENT_RECORDERS_OF_A),
        ("POST", "/stations/{id}/complaints", INCIDENT_RECORDERS_OF_A),
        ("POST", "/incidents/{id}/close", STAFF_MANAGERS_OF_A),
        ("POST", "/complaints/{id}/status", INCIDENT_RECORDERS_OF_A),
        ("GET", "/api/v1/stations/{id}/incidents", GUEST_READERS_OF_A),
        ("POST", "/api/v1/stations/{id}/incidents", INCIDENT_RECORDERS_OF_A),
        ("POST", "/api/v1/stations/{id}/complaints", INCIDENT_RECORDERS_OF_A),
        ("GET", "/api/v1/users", ADMIN),
        ("POST", "/api/v1/users", ADMIN),
        ("GET", "/api/v1/users/{id}", ADMIN),
        ("PUT", "/api/v1/users/{id}", ADMIN),
        ("GET", "/api/v1/audit", ADMIN),
    ]
}
