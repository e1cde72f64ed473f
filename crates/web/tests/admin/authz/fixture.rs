//! The objects the authorization matrix and the navigation crawl are tried on: a district of two
//! streets and two stations, two enterprises, one of every record, and a user of every kind in
//! `WHO`.

use std::collections::HashMap;

use crate::common::{self, App, CareFixtures, district};
use yizhan_core::access::{Role, Scope};
use yizhan_core::work::worker_import::ImportKind::{Arrivals, Workers};

use super::authz_table::{REPORT_DAY, WHO};
use super::enterprise_in;

pub struct Fixture {
    /// Each name of `WHO` but anon → its user id.
    pub ids: HashMap<&'static str, i64>,
    pub target: i64,
    pub room_a: i64,
    pub guest_a: i64,
    pub stay_r: i64,
    pub stay_a: i64,
    pub test_a: i64,
    pub alert_a: i64,
    pub flag_a: i64,
    pub token_a: i64,
    pub care: CareFixtures,
    pub notice: i64,
    pub directive_file: i64,
    pub directive: i64,
    pub transport: i64,
    pub relief_app: i64,
    pub difficulty: i64,
    pub import_run: i64,
    pub worker: i64,
    pub enterprise: i64,
    pub task_group: i64,
    /// A district channel (its address sealed under a key the test app does not hold).
    pub channel: i64,
    pub task: i64,
    /// A guest of station B on the way to station A.
    pub transfer: i64,
    /// A planned arrival allocated to station A.
    pub arrival: i64,
    /// A guest's request at station A.
    pub request: i64,
    /// A relative's link of station A's guest, and a delivery booked through it.
    pub relative_link: i64,
    pub booking: i64,
    /// A guest of station A released into home monitoring (street A's).
    pub home: i64,
    /// Station A's driver out on a run.
    pub trip: i64,
    /// A positive case at station A.
    pub case: i64,
    pub st_a: i64,
    pub cert: yizhan_store::station::stays::Certificate,
}

pub async fn build(app: &App) -> Fixture {
    let (street_a, street_b, st_a, st_b) = district(app.db()).await;
    // The first enterprise, in street A: the `enterprise` account (scope enterprise 1) is its own.
    let enterprise =
        enterprise_in(app, "91350100M000100Y43", "深圳市甲电子有限公司", street_a).await;
    assert_eq!(enterprise, 1);
    // Enterprise 2, in street B: its clerk is the "other enterprise".
    let uscc_2 = yizhan_core::validate::with_check_char("91440307000000002").unwrap();
    let other_enterprise = enterprise_in(app, &uscc_2, "深圳市乙物流有限公司", street_b).await;
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
    let room_b = common::room(app.db(), st_b, "201", 1).await;
    let guest_b = common::guest(app.db(), st_b, 3).await;
    let stay_b = common::check_in(app.db(), st_b, guest_b, room_b).await;
    let transfer = yizhan_store::station::transfers::send(
        app.db(),
        &sys,
        stay_b,
        &yizhan_core::station::transfer::TransferOrder {
            to_station: Some(st_a),
            reason: "本站整体终末消毒".into(),
        },
    )
    .await
    .unwrap()
    .id;
    let room_h = common::room(app.db(), st_a, "398", 1).await;
    let guest_h = common::guest(app.db(), st_a, 41).await;
    let p147 = yizhan_store::station::policies::list(app.db())
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.code == "14+7")
        .unwrap();
    let stay_h = yizhan_store::station::stays::check_in(
        app.db(),
        &sys,
        &yizhan_store::station::stays::CheckIn {
            station_id: st_a,
            guest_id: guest_h,
            room_id: room_h,
            policy_id: p147.id,
            at: yizhan_store::db::now(),
        },
    )
    .await
    .unwrap()
    .id;
    yizhan_store::station::stays::check_out(
        app.db(),
        &sys,
        stay_h,
        yizhan_core::station::stay::Outcome::Released,
        None,
    )
    .await
    .unwrap();
    let home = yizhan_store::station::home_monitoring::of_stay(app.db(), stay_h)
        .await
        .unwrap()
        .unwrap()
        .id;
    let run = yizhan_core::station::trip::validate_trip(&yizhan_core::station::trip::TripInput {
        plate: "粤ZAB12港".into(),
        port: "皇岗口岸".into(),
        destination: "葵涌".into(),
        hours: "10".into(),
    })
    .unwrap();
    let trip = yizhan_store::station::trips::out(app.db(), &sys, stay_a, &run).await.unwrap().id;
    let room_c = common::room(app.db(), st_a, "397", 1).await;
    let guest_c = common::guest(app.db(), st_a, 42).await;
    let stay_c = common::check_in(app.db(), st_a, guest_c, room_c).await;
    let test_c = yizhan_store::station::stays::tests(app.db(), stay_c).await.unwrap()[0].id;
    yizhan_store::station::sampling::sample(app.db(), &sys, test_c, "R-397").await.unwrap();
    yizhan_store::station::sampling::set_result(
        app.db(),
        &sys,
        test_c,
        yizhan_core::station::sampling::TestResult::Positive,
    )
    .await
    .unwrap();
    let case = yizhan_store::station::cases::of_stay(app.db(), stay_c).await.unwrap().unwrap().id;
    let arrival = arrival_at(app, st_a).await;
    let request = yizhan_store::station::guest_requests::create(
        app.db(),
        stay_a,
        &yizhan_core::station::guest_request::NewRequest {
            kind: yizhan_core::station::guest_request::RequestKind::Medicine,
            text: "降压药".into(),
        },
    )
    .await
    .unwrap();
    let relative_link = yizhan_store::care::relative_links::create(
        app.db(),
        &sys,
        false,
        stay_a,
        &yizhan_core::care::relative_link::NewLink {
            relative_name: "陈太".into(),
            relation: "配偶".into(),
            share_health: false,
            consent: Some("住客当面同意".into()),
        },
        &"cd".repeat(32),
    )
    .await
    .unwrap();
    let link = yizhan_store::care::relative_links::get(app.db(), relative_link).await.unwrap();
    let booking = yizhan_store::care::relative_links::book(
        app.db(),
        &link,
        &yizhan_core::care::relative_link::NewBooking {
            item: "水果".into(),
            day: yizhan_core::time::local_date(yizhan_store::db::now()),
            window: yizhan_core::care::relative_link::Window::Pm,
        },
    )
    .await
    .unwrap();
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
        cases: vec![],
    };
    yizhan_store::command::reports::save(
        app.db(),
        &sys,
        empty.day,
        true,
        &serde_json::to_string(&empty).unwrap(),
        &[],
    )
    .await
    .unwrap();
    let channel = yizhan_store::notify::channels::create(
        app.db(),
        &sys,
        &yizhan_store::notify::channels::NewChannel {
            name: "医疗组群".into(),
            kind: yizhan_core::notify::ChannelKind::WeCom,
            street_id: None,
            station_id: None,
            min_severity: yizhan_core::notify::Severity::Danger,
            per_minute: 20,
            url_sealed: "v1:00:00".into(),
            url_hint: "qyapi.weixin.qq.com …abcd".into(),
            secret_sealed: None,
            recipients: vec![],
            sender: String::new(),
            body: String::new(),
        },
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
    let import_run = running_import(app, ids["commander"], Workers).await;
    // The commander's arrivals list too, reached from the intake's import page.
    running_import(app, ids["commander"], Arrivals).await;
    Fixture {
        ids,
        target,
        room_a,
        guest_a,
        stay_r,
        stay_a,
        test_a,
        alert_a,
        flag_a,
        token_a,
        care,
        notice,
        directive_file,
        directive,
        transport,
        relief_app,
        difficulty,
        import_run,
        worker,
        enterprise,
        task_group,
        channel,
        task,
        transfer,
        arrival,
        request,
        relative_link,
        booking,
        home,
        trip,
        case,
        st_a,
        cert,
    }
}

impl Fixture {
    /// A route's path with its parameters filled in: the object of the route's kind.
    pub fn concrete(&self, path: &str) -> String {
        let id = if path.contains("/users/") {
            self.target
        } else if path.starts_with("/admin/channels/") {
            self.channel
        } else if path.starts_with("/rooms/") || path.starts_with("/api/v1/rooms/") {
            self.room_a
        } else if path.starts_with("/guests/") || path.starts_with("/api/v1/guests/") {
            self.guest_a
        } else if path.ends_with("/certificate") {
            self.stay_r
        } else if path.starts_with("/stays/") || path.starts_with("/api/v1/stays/") {
            self.stay_a
        } else if path.starts_with("/tests/") || path.starts_with("/api/v1/tests/") {
            self.test_a
        } else if path.starts_with("/alerts/") || path.starts_with("/api/v1/alerts/") {
            self.alert_a
        } else if path.starts_with("/flags/") {
            self.flag_a
        } else if path.starts_with("/boards/") {
            self.token_a
        } else if path.starts_with("/groups/") || path.starts_with("/api/v1/groups/") {
            self.care.group
        } else if path.starts_with("/disinfection/") || path.starts_with("/api/v1/disinfection/") {
            self.care.disinfection
        } else if path.starts_with("/supplies/") || path.starts_with("/api/v1/supplies/") {
            self.care.supply
        } else if path.starts_with("/deliveries/") {
            self.care.delivery
        } else if path.starts_with("/plans/") {
            self.care.plan
        } else if path.starts_with("/inspections/") || path.starts_with("/api/v1/inspections/") {
            self.care.inspection
        } else if path.starts_with("/rectifications/")
            || path.starts_with("/api/v1/rectifications/")
        {
            self.care.rectification
        } else if path.starts_with("/notices/") || path.starts_with("/api/v1/notices/") {
            self.notice
        } else if path.starts_with("/directives/") || path.starts_with("/api/v1/directives/") {
            self.directive
        } else if path.starts_with("/directive-files/") {
            self.directive_file
        } else if path.starts_with("/transports/") || path.starts_with("/api/v1/transports/") {
            self.transport
        } else if path.starts_with("/relief/") {
            self.relief_app
        } else if path.starts_with("/difficulties/") {
            self.difficulty
        } else if path.starts_with("/imports/") {
            self.import_run
        } else if path.starts_with("/workers/") || path.starts_with("/api/v1/workers/") {
            self.worker
        } else if path.starts_with("/enterprises/") || path.starts_with("/api/v1/enterprises/") {
            self.enterprise
        } else if path.starts_with("/task-groups/") {
            self.task_group
        } else if path.starts_with("/tasks/") {
            self.task
        } else if path.starts_with("/photos/") {
            self.care.photo
        } else if path.starts_with("/handovers/") {
            self.care.handover
        } else if path.starts_with("/handover-items/") {
            self.care.handover_item
        } else if path.starts_with("/staff/") {
            self.care.staff
        } else if path.starts_with("/incidents/") {
            self.care.incident
        } else if path.starts_with("/home-monitoring/")
            || path.starts_with("/api/v1/home-monitoring/")
        {
            self.home
        } else if path.starts_with("/cases/") || path.starts_with("/api/v1/cases/") {
            self.case
        } else if path.starts_with("/trips/") || path.starts_with("/api/v1/trips/") {
            self.trip
        } else if path.starts_with("/relative-links/") {
            self.relative_link
        } else if path.starts_with("/delivery-bookings/") {
            self.booking
        } else if path.starts_with("/requests/") || path.starts_with("/api/v1/requests/") {
            self.request
        } else if path.starts_with("/arrivals/imports/") {
            self.import_run
        } else if path.starts_with("/arrivals/") || path.starts_with("/api/v1/arrivals/") {
            self.arrival
        } else if path.starts_with("/transfers/") || path.starts_with("/api/v1/transfers/") {
            self.transfer
        } else if path.starts_with("/complaints/") {
            self.care.complaint
        } else {
            self.st_a
        };

        path.replace("{id}", &id.to_string())
            .replace("{name}", "app.css")
            .replace("{token}", &"ab".repeat(32))
            .replace("{day}", REPORT_DAY)
            .replace("{number}", &format!("{}?c={}", self.cert.number, self.cert.code))
    }
}

/// A person on the arrivals list, allocated to `station`.
async fn arrival_at(app: &App, station: i64) -> i64 {
    use yizhan_store::station::arrivals;
    let today = yizhan_core::time::local_date(yizhan_store::db::now());
    let guest = yizhan_core::station::guest::validate_guest(
        &yizhan_core::station::guest::GuestInput {
            doc_type: "hk_macau_permit".into(),
            doc_number: "H19990001".into(),
            name: "预排甲".into(),
            sex: Some("female".into()),
            birth_date: Some("1985-01-02".into()),
            phone: "91234567".into(),
            region: "香港".into(),
            category: "inbound_traveller".into(),
            ..Default::default()
        },
        today,
    )
    .unwrap();
    let a = yizhan_core::station::intake::NewArrival {
        guest,
        party: None,
        expected_on: today,
        port: "皇岗口岸".into(),
        policy_code: "14+7".into(),
    };
    arrivals::insert_batch(app.db(), None, &[a]).await.unwrap();
    let id =
        arrivals::page(app.db(), &arrivals::ArrivalFilter::default(), 1, 0).await.unwrap()[0].id;
    arrivals::allocate(app.db(), &yizhan_core::access::Actor::system(), &[(id, station)], false)
        .await
        .unwrap();
    id
}

/// A run of `kind` by `user`, still running, with a problem (so that its report is offered).
async fn running_import(
    app: &App,
    user: i64,
    kind: yizhan_core::work::worker_import::ImportKind,
) -> i64 {
    use yizhan_store::work::import_runs;
    let run = import_runs::start(
        app.db(),
        user,
        kind,
        yizhan_core::work::worker_import::ImportMode::All,
        "名单.xlsx",
    )
    .await
    .unwrap();
    let line = import_runs::ProblemLine {
        row_no: 2,
        column_name: "身份证号".into(),
        message: "校验码错误".into(),
    };
    import_runs::add_problems(app.db(), run, 0, &[line]).await.unwrap();
    let counts = import_runs::Counts { rows_read: 1, imported: 0, rows_bad: 1, problems: 1 };
    import_runs::progress(app.db(), run, counts, 1000).await.unwrap();
    run
}
