//! Intake (issue 19): a 2,000-row arrivals list imported, the command's proposal confirmed across
//! three stations without exceeding any free bed (drivers only at the drivers' station, parties
//! together), each station checking its expected arrivals in with one action; a stale proposal,
//! bad rows and another station's arrival refused; two allocations racing for the last bed and
//! two check-ins of one arrival: one wins. SQLite and PostgreSQL.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use axum::http::StatusCode;
use serde_json::json;
use yizhan_core::access::{Actor, Role, Scope};
use yizhan_core::station::guest::GuestCategory;
use yizhan_core::station::intake::ArrivalState;
use yizhan_store::both_backends;
use yizhan_store::station::arrivals::{self, ArrivalFilter};
use yizhan_store::station::stations;
use yizhan_store::testing::TestDb;

use crate::common::{self, App, district, third_station, xlsx_rows};

/// `n` ready rooms of `beds` beds at a station, numbered from `first`.
async fn rooms(app: &App, station: i64, first: u32, n: u32, beds: i64) {
    use yizhan_core::station::room::{RoomInput, validate_room};
    let all: Vec<_> = (0..n)
        .map(|i| {
            validate_room(&RoomInput {
                number: (first + i).to_string(),
                floor: ((first + i) / 100).to_string(),
                beds: beds.to_string(),
                kind: if beds == 1 { "single" } else { "family" }.into(),
                note: String::new(),
            })
            .unwrap()
        })
        .collect();
    yizhan_store::station::rooms::create_many(app.db(), &Actor::system(), station, &all)
        .await
        .unwrap();
}

/// A valid identity card number, distinct for each `n` below a million.
fn id(n: u32) -> String {
    let born = chrono::NaiveDate::from_ymd_opt(1960, 1, 1).unwrap()
        + chrono::Duration::days(i64::from(n / 1000));
    let body = format!("440307{}{:03}", born.format("%Y%m%d"), n % 1000);
    yizhan_core::validate::with_check_digit(&body).unwrap()
}

const HEADER: &str = "姓名,证件类型,证件号码,手机号,户籍地,人员类别,同行编号,预计到达日期,来源口岸,工作单位,内地车牌";

/// The list: every 7th a driver, the others inbound travellers, close contacts and secondary
/// contacts; rows 3k+1..3k+3 of the non-drivers in every 10th block travel together.
fn list(rows: u32, today: chrono::NaiveDate) -> String {
    let mut out = String::from(HEADER);
    for i in 0..rows {
        let day = today + chrono::Duration::days(i64::from(i % 3));
        let (category, employer, plate) = match i % 7 {
            0 => ("跨境货车司机", "深港物流", "粤Z1234港"),
            1 | 2 => ("密切接触者", "", ""),
            3 => ("次密接", "", ""),
            _ => ("入境人员", "", ""),
        };
        // A family: three rows in a row, all inbound travellers on the same day.
        let party =
            if i % 7 != 0 && (i / 3) % 10 == 0 { format!("F{}", i / 3) } else { String::new() };
        let (category, day) = if party.is_empty() {
            (category, day)
        } else {
            ("入境人员", today + chrono::Duration::days(i64::from((i / 3) % 3)))
        };
        out.push_str(&format!(
            "\n旅客{i},身份证,{},13800{:06},广东深圳,{category},{party},{day},皇岗口岸,{employer},{plate}",
            id(i),
            i
        ));
    }
    out
}

async fn wait_done(app: &App, c: &mut common::Client, location: &str) -> String {
    for _ in 0..600 {
        let r = app.get(c, &format!("{location}/progress")).await;
        if r.json()["status"] != "running" {
            return app.get(c, location).await.body;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the import did not end");
}

both_backends!(
    two_thousand_arrivals_are_allocated_within_free_beds_and_checked_in,
    |t: TestDb| async move {
        let app = App::new(t).await;
        let (_, _, a, b) = district(app.db()).await;
        let c = third_station(app.db(), "坪地健康驿站").await;
        let sys = Actor::system();
        stations::set_takes(app.db(), &sys, a, &[GuestCategory::CrossBorderDriver]).await.unwrap();
        // 120 beds for drivers at A; 600 at B and 700 at C, which take everyone but drivers.
        rooms(&app, a, 1001, 60, 2).await;
        rooms(&app, b, 1001, 600, 1).await;
        rooms(&app, c, 1001, 350, 2).await;
        let not_drivers = [
            GuestCategory::InboundTraveller,
            GuestCategory::CloseContact,
            GuestCategory::SecondaryContact,
        ];
        for s in [b, c] {
            stations::set_takes(app.db(), &sys, s, &not_drivers).await.unwrap();
        }
        let guest_b = common::guest(app.db(), b, 1).await;
        let room_b = yizhan_store::station::rooms::list(app.db(), b).await.unwrap()[0].id;
        common::check_in(app.db(), b, guest_b, room_b).await;
        let free: HashMap<i64, i64> = arrivals::rooms(app.db())
            .await
            .unwrap()
            .into_iter()
            .map(|r| (r.station_id, r.free_beds))
            .collect();
        assert_eq!((free[&a], free[&b], free[&c]), (120, 599, 700));

        let cmd = app.user("cmd", Role::Commander, Scope::District, false).await;
        let mut cc = app.session_for(cmd).await;
        let today = yizhan_core::time::local_date(yizhan_store::db::now());

        // A list with bad rows, all or nothing: every problem named by row and column, nothing kept.
        let bad = format!(
            "{HEADER}\n张三,身份证,{},13800138000,广东,入境人员,,{today},皇岗口岸,,\n,护照,E1,138,广东,游客,,2020-01-01,,,\n李四,身份证,{},13800138000,广东,入境人员,,{today},,,",
            id(90_001),
            id(90_001)
        );
        let r = app
            .upload(&mut cc, "/arrivals/import", &[("mode", "all")], "bad.csv", bad.as_bytes())
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        for said in ["姓名", "手机号", "人员类别", "预计到达日期", "第 2 行"] {
            assert!(r.body.contains(said), "{said}: {}", r.body);
        }
        assert_eq!(arrivals::count(app.db(), &ArrivalFilter::default()).await.unwrap(), 0);

        // The list of 2,000.
        let csv = list(2000, today);
        let started = Instant::now();
        let r = app
            .upload(&mut cc, "/arrivals/import", &[("mode", "all")], "口岸名单.csv", csv.as_bytes())
            .await;
        let body = match r.status {
            StatusCode::SEE_OTHER => {
                let to = r.headers["location"].to_str().unwrap().to_owned();
                wait_done(&app, &mut cc, &to).await
            }
            _ => r.body,
        };
        println!("imported 2,000 arrivals in {:.2} s", started.elapsed().as_secs_f64());
        assert!(body.contains("2000"), "{body}");
        let all = ArrivalFilter::default();
        assert_eq!(arrivals::count(app.db(), &all).await.unwrap(), 2000);

        // The proposal, as the command sees it, then confirmed.
        let page = app.get(&mut cc, "/arrivals").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("data-testid=\"proposal\"") && page.body.contains("待分配 2000"),
            "{}",
            page.body
        );
        let p = app.get(&mut cc, "/api/v1/arrivals/proposal").await.json();
        let placed = p["placed"].as_array().unwrap().len();
        let unplaced = p["unplaced"].as_array().unwrap().len();
        assert_eq!(placed + unplaced, 2000);
        // 286 drivers for 120 beds; 1,714 others for 1,299: every free bed is used.
        assert_eq!(placed, 120 + 599 + 700);
        let stale = app.form(&mut cc, "/arrivals/allocate", &[("fingerprint", "0000")]).await;
        assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(stale.body.contains("分配方案已有变化"), "{}", stale.body);
        let fp = p["fingerprint"].as_str().unwrap().to_owned();
        let started = Instant::now();
        let r = app.form(&mut cc, "/arrivals/allocate", &[("fingerprint", &fp)]).await;
        println!("allocated {placed} arrivals in {:.2} s", started.elapsed().as_secs_f64());
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let to = r.headers["location"].to_str().unwrap().to_owned();
        let r = app.get(&mut cc, &to).await;
        assert!(r.body.contains(&format!("已分配 {placed} 人")), "{}", r.body);

        // No station above its free beds; drivers only at A, nobody else there; parties whole.
        let everyone = arrivals::page(app.db(), &all, 5000, 0).await.unwrap();
        let mut per: HashMap<i64, i64> = HashMap::new();
        let mut party_at: HashMap<String, HashSet<Option<i64>>> = HashMap::new();
        for x in &everyone {
            if let Some(s) = x.station_id {
                *per.entry(s).or_default() += 1;
                assert_eq!(x.state, ArrivalState::Allocated);
                assert_eq!(s == a, x.category == GuestCategory::CrossBorderDriver, "{x:?}");
            } else {
                assert_eq!(x.state, ArrivalState::Planned);
            }
            if let Some(p) = &x.party {
                party_at.entry(p.clone()).or_default().insert(x.station_id);
            }
        }
        for (s, n) in &per {
            assert!(*n <= free[s], "station {s}: {n} of {} free beds", free[s]);
        }
        assert_eq!(per[&a], 120);
        assert!(party_at.values().all(|at| at.len() == 1), "a party was split");
        assert!(!party_at.is_empty());
        let after: HashMap<i64, i64> = arrivals::rooms(app.db())
            .await
            .unwrap()
            .into_iter()
            .map(|r| (r.station_id, r.free_beds))
            .collect();
        assert_eq!((after[&a], after[&b], after[&c]), (0, 0, 0));
        // Nothing left to place: confirming again says so.
        let p2 = app.get(&mut cc, "/api/v1/arrivals/proposal").await.json();
        assert_eq!(p2["placed"].as_array().unwrap().len(), 0);

        // The list, paged on the server and exported.
        let page = app.get(&mut cc, "/arrivals?state=planned").await;
        assert!(page.body.contains("待分配"), "{}", page.body);
        let api = app.get(&mut cc, "/api/v1/arrivals?state=allocated").await;
        assert_eq!(api.headers["x-total-count"], placed.to_string().as_str());
        assert_eq!(api.json().as_array().unwrap().len(), 50);
        let x = app.get(&mut cc, "/arrivals/export.xlsx?state=allocated").await;
        let rows = xlsx_rows(&x.bytes, "入住预排");
        assert_eq!(rows.len(), placed + 1);
        assert_eq!(rows[0][0], "姓名");
        assert!(
            rows[1..].iter().all(|r| r[0].contains('*') && !r[0].contains("旅客1")),
            "{:?}",
            &rows[1]
        );

        // Station B checks one in with one action; the registration comes from the list.
        let staff_b = app.user("staff_b", Role::StationStaff, Scope::Station(b), false).await;
        let mut cb = app.session_for(staff_b).await;
        let page = app.get(&mut cb, &format!("/stations/{b}/arrivals")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("data-testid=\"expected\""), "{}", page.body);
        let mine = ArrivalFilter {
            station_id: Some(b),
            state: Some(ArrivalState::Allocated),
            ..Default::default()
        };
        let first = arrivals::page(app.db(), &mine, 1, 0).await.unwrap().remove(0);
        let second = arrivals::page(app.db(), &mine, 2, 0).await.unwrap().remove(1);
        let r =
            app.form(&mut cc, &format!("/arrivals/{}/cancel", second.id), &[("reason", "")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("原因"), "{}", r.body);
        let r = app
            .form(
                &mut cc,
                &format!("/arrivals/{}/cancel", second.id),
                &[("reason", "改为居家隔离")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let free_room = yizhan_store::station::rooms::list(app.db(), b).await.unwrap()[1].id;
        let staff_a = app.user("staff_a", Role::StationStaff, Scope::Station(a), false).await;
        let mut ca = app.session_for(staff_a).await;
        let url = format!("/arrivals/{}/check-in", first.id);
        let r = app.form(&mut ca, &url, &[("room_id", &free_room.to_string())]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "another station's arrival is not found");
        let r = app.form(&mut cb, &url, &[("room_id", &free_room.to_string())]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let done = arrivals::get(app.db(), first.id).await.unwrap();
        assert_eq!(done.state, ArrivalState::Arrived);
        let g = yizhan_store::station::guests::get(app.db(), done.guest_id.unwrap()).await.unwrap();
        assert_eq!(
            (g.station_id, g.doc_number.as_str(), g.name.as_str()),
            (b, first.doc_number.as_str(), first.name.as_str())
        );
        assert_eq!(g.stay_id, done.stay_id);
        let r = app.form(&mut cb, &url, &[("room_id", &free_room.to_string())]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("已入住或已取消"), "{}", r.body);
        let api = app.get(&mut cb, &format!("/api/v1/stations/{b}/arrivals?state=arrived")).await;
        assert_eq!(api.headers["x-total-count"], "1");
        assert_eq!(api.json()[0]["stay_id"], json!(done.stay_id));
    }
);

both_backends!(the_last_bed_and_one_arrival_go_once, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, a, _) = district(app.db()).await;
    rooms(&app, a, 801, 1, 1).await;
    let today = yizhan_core::time::local_date(yizhan_store::db::now());
    let policies: HashSet<String> = ["14+7".to_owned()].into();
    let mapping = yizhan_core::station::intake::map_headers(
        &HEADER.split(',').map(str::to_owned).collect::<Vec<_>>(),
    )
    .unwrap();
    let mut checker = yizhan_core::station::intake::Checker::new(mapping, policies, today);
    let mut good = Vec::new();
    for (n, line) in list(2, today).lines().skip(1).enumerate() {
        let cells: Vec<String> = line.split(',').map(str::to_owned).collect();
        match checker.check(n + 2, &cells, &HashSet::new()) {
            yizhan_core::work::worker_import::Checked::Good(x) => good.push(x),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(arrivals::insert_batch(app.db(), None, &good).await.unwrap(), Vec::<String>::new());
    let all = arrivals::page(app.db(), &ArrivalFilter::default(), 10, 0).await.unwrap();
    let (x, y) = (all[0].id, all[1].id);
    let sys = Actor::system();
    let (px, py) = ([(x, a)], [(y, a)]);
    let (one, two) = tokio::join!(
        arrivals::allocate(app.db(), &sys, &px, false),
        arrivals::allocate(app.db(), &sys, &py, false),
    );
    assert_eq!(one.is_ok() as u8 + two.is_ok() as u8, 1, "{one:?} {two:?}");
    let lost = if one.is_ok() { two } else { one };
    assert!(format!("{lost:?}").contains("error.arrival_beds_gone"), "{lost:?}");
    let won = if arrivals::get(app.db(), x).await.unwrap().station_id.is_some() { x } else { y };

    // Two clerks check the same arrival in at once: one stay.
    rooms(&app, a, 802, 1, 2).await;
    let room = yizhan_store::station::rooms::list(app.db(), a).await.unwrap()[0].id;
    let (one, two) = tokio::join!(
        arrivals::check_in(app.db(), &sys, won, room),
        arrivals::check_in(app.db(), &sys, won, room),
    );
    assert_eq!(one.is_ok() as u8 + two.is_ok() as u8, 1, "{one:?} {two:?}");
    let only = yizhan_store::station::guests::GuestFilter { search: None, only_in_stay: true };
    assert_eq!(
        yizhan_store::station::guests::page(app.db(), a, &only, 10, 0).await.unwrap().len(),
        1
    );
});
