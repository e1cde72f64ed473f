//! `yizhan demo`: Longgang district with its 11 streets, the Zhuohui station in Jihua street and
//! a few others, and one account per role (passwords printed once). Later modules extend it.

use yizhan_core::access::{Actor, Grant, Role, Scope};
use yizhan_core::station::guest::{GuestInput, validate_guest};
use yizhan_core::station::health::{HealthCheckInput, Slot, validate_health_check};
use yizhan_core::station::room::{BulkRoomsInput, RoomState, validate_bulk};
use yizhan_core::station::sampling::TestResult;
use yizhan_core::station::stations::{NewStation, StationKind};
use yizhan_store::{
    Db, admin::users, station::guests, station::health, station::policies, station::rooms,
    station::sampling, station::stations, station::stays,
};

pub const STREETS: [&str; 11] = [
    "平湖街道",
    "坂田街道",
    "布吉街道",
    "南湾街道",
    "横岗街道",
    "园山街道",
    "龙城街道",
    "龙岗街道",
    "宝龙街道",
    "坪地街道",
    "吉华街道",
];

/// (name, street, address, kind, beds, contact, phone)
const STATIONS: [(&str, &str, &str, StationKind, i64, &str, &str); 5] = [
    (
        "卓汇健康驿站",
        "吉华街道",
        "深圳市龙岗区吉华街道卓汇酒店",
        StationKind::Hotel,
        120,
        "陈专班",
        "13800138001",
    ),
    (
        "平湖健康驿站",
        "平湖街道",
        "深圳市龙岗区平湖街道华南城酒店",
        StationKind::Hotel,
        96,
        "李主任",
        "13800138002",
    ),
    (
        "坂田健康驿站",
        "坂田街道",
        "深圳市龙岗区坂田街道五和酒店",
        StationKind::Hotel,
        80,
        "王主任",
        "13800138003",
    ),
    (
        "横岗集中隔离点",
        "横岗街道",
        "深圳市龙岗区横岗街道六约隔离点",
        StationKind::Centralized,
        150,
        "赵主任",
        "13800138004",
    ),
    (
        "龙城健康驿站",
        "龙城街道",
        "深圳市龙岗区龙城街道中心城酒店",
        StationKind::Hotel,
        60,
        "周主任",
        "13800138005",
    ),
];

pub async fn load(db: &Db) -> anyhow::Result<()> {
    let actor = Actor { user_id: None, name: "demo".into() };
    stations::ensure_district(db, &actor, "龙岗区", "440307", &STREETS).await?;
    let streets = stations::streets(db).await?;
    let street_id = |name: &str| streets.iter().find(|s| s.name == name).map(|s| s.id).unwrap_or(0);
    let existing = stations::list(db).await?;
    for (name, street, address, kind, capacity, contact, phone) in STATIONS {
        if existing.iter().any(|s| s.name == name) {
            continue;
        }
        stations::create(
            db,
            &actor,
            &NewStation {
                street_id: street_id(street),
                name: name.into(),
                address: address.into(),
                kind,
                capacity,
                contact_name: contact.into(),
                contact_phone: phone.into(),
                active: true,
            },
        )
        .await?;
    }
    let all = stations::list(db).await?;
    let zhuohui = all.iter().find(|s| s.name == "卓汇健康驿站").map(|s| s.id).unwrap_or(1);
    // 卓汇 houses the cross-border drivers; the others everyone else (the intake's proposal
    // follows this).
    for s in all.iter().filter(|s| s.takes.is_empty()) {
        use yizhan_core::station::guest::GuestCategory::*;
        let takes = if s.id == zhuohui {
            vec![CrossBorderDriver]
        } else {
            vec![InboundTraveller, CloseContact, SecondaryContact, Other]
        };
        stations::set_takes(db, &actor, s.id, &takes).await?;
    }
    let jihua = street_id("吉华街道");

    let accounts: [(&str, &str, Role, Scope); 11] = [
        ("admin", "系统管理员", Role::Admin, Scope::District),
        ("commander", "区指挥部 林指挥", Role::Commander, Scope::District),
        ("jihua", "吉华街道 何书记", Role::Commander, Scope::Street(jihua)),
        ("lead", "卓汇专班 陈组长", Role::StationLead, Scope::Station(zhuohui)),
        ("staff", "卓汇前台 刘晓", Role::StationStaff, Scope::Station(zhuohui)),
        ("medical", "卓汇医疗组 吴医生", Role::Medical, Scope::Station(zhuohui)),
        ("counsellor", "卓汇心理组 郑老师", Role::Counsellor, Scope::Station(zhuohui)),
        ("inspector", "区督导组 孙督导", Role::Inspector, Scope::District),
        ("enterprise", "企业联络员 钱经理", Role::Enterprise, Scope::Enterprise(1)),
        ("viewer", "只读 冯观察", Role::Viewer, Scope::District),
        (
            "pinghu",
            "平湖驿站 黄组长",
            Role::StationLead,
            Scope::Station(
                all.iter().find(|s| s.name == "平湖健康驿站").map(|s| s.id).unwrap_or(2),
            ),
        ),
    ];
    // Enterprises first: the demo `enterprise` account is enterprise 1.
    let (firms, above, resumed) = crate::demo_work::load(db, &actor, &streets).await?;
    let (workers, (buses, tickets, applications)) = if firms > 0 {
        (
            crate::demo_work::load_workers(db, &actor).await?,
            crate::demo_work::load_support(db, &actor).await?,
        )
    } else {
        (0, (0, 0, 0))
    };
    let indicator_figures = crate::demo_work::load_indicators(db, &actor).await?;
    let guests_loaded = station_life(db, &actor, zhuohui).await?;
    let (groups, people) = crate::demo_care::load(db, &actor, zhuohui).await?;
    for s in all.iter().filter(|s| s.id != zhuohui) {
        rooms_for(db, &actor, s.id, &[(2, 15, 1)]).await?;
    }
    println!(
        "演示数据 / demo data: 龙岗区 11 个街道, {} 个驿站; 卓汇健康驿站 {guests_loaded} 名在住人员, {groups} 个工作组 {people} 名工作人员",
        all.len()
    );

    if firms > 0 {
        println!(
            "复工复产 / return to work: {firms} 家企业, 规上 {above} 家, 已复工 {resumed} 家; 返岗人员 {workers} 名"
        );
        println!(
            "复工服务 / support: 包车 {buses} 辆, 企业困难 {tickets} 件, 惠企申请 {applications} 份"
        );
    }
    if indicator_figures > 0 {
        println!("经济指标 / economic indicators: {indicator_figures} 个月度数据 (2019–2020)");
    }
    println!("演示账号 / demo accounts (密码仅显示一次 / passwords shown once):");
    for (username, name, role, scope) in accounts {
        if users::find_by_username(db, username).await?.is_some() {
            println!("  {username:<11} (已存在 / exists)");
            continue;
        }
        let password = yizhan_web::auth::password::generate_password();
        let hash = yizhan_web::auth::password::hash_blocking(&password)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        users::create(
            db,
            &actor,
            &users::NewUser {
                username,
                display_name: name,
                password_hash: &hash,
                must_change_password: false,
                grants: &[Grant { role, scope }],
            },
        )
        .await?;
        println!("  {username:<11} {password}  {}", name);
    }
    Ok(())
}

/// Rooms for a station: (floor, count, beds) per floor, numbered 301, 302, … Skipped when the
/// station already has rooms.
async fn rooms_for(
    db: &Db,
    actor: &Actor,
    station_id: i64,
    floors: &[(i64, i64, i64)],
) -> anyhow::Result<()> {
    if !rooms::list(db, station_id).await?.is_empty() {
        return Ok(());
    }
    for (floor, count, beds) in floors {
        let new = validate_bulk(&BulkRoomsInput {
            floor: floor.to_string(),
            first: (floor * 100 + 1).to_string(),
            last: (floor * 100 + count).to_string(),
            beds: beds.to_string(),
            kind: if *beds > 1 { "family".into() } else { "single".into() },
            prefix: String::new(),
        })
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        rooms::create_many(db, actor, station_id, &new).await?;
    }
    Ok(())
}

/// A deterministic pseudo-random sequence, so every demo looks the same.
pub struct Lcg(pub u64);
impl Lcg {
    pub fn next(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

const SURNAMES: [&str; 16] = [
    "陈", "李", "黄", "张", "梁", "何", "林", "郭", "罗", "吴", "周", "郑", "谢", "冯", "邓", "曾",
];
const GIVEN: [&str; 16] = [
    "志明", "家辉", "伟强", "国华", "建文", "子健", "永康", "俊杰", "嘉欣", "文杰", "德明", "锦荣",
    "少华", "振邦", "启光", "耀祖",
];

/// The Zhuohui station at work: 200 rooms on ten floors, about 150 guests (mostly cross-border
/// drivers) checked in over the last two weeks, a week of temperatures and tests, a few fevers,
/// one room sealed after a positive result, and some guests already released.
async fn station_life(db: &Db, actor: &Actor, station_id: i64) -> anyhow::Result<usize> {
    let floors: Vec<(i64, i64, i64)> = (3..=12).map(|f| (f, 20, 1)).collect();
    rooms_for(db, actor, station_id, &floors).await?;
    if !guests::list(db, station_id, None, true, 1).await?.is_empty() {
        return Ok(guests::list(db, station_id, None, false, 5000).await?.len());
    }
    let mut rng = Lcg(20210115);
    let now = yizhan_store::db::now();
    let today = yizhan_core::time::local_date(now);
    let policies = policies::list(db).await?;
    let policy = |code: &str| policies.iter().find(|p| p.code == code).map(|p| p.id).unwrap_or(1);
    let all_rooms = rooms::list(db, station_id).await?;
    let mut in_stay = 0;
    for i in 0..158u64 {
        let driver = i % 8 != 7;
        let released = i >= 150;
        let name = format!("{}{}", SURNAMES[rng.next(16) as usize], GIVEN[rng.next(16) as usize]);
        let input = GuestInput {
            doc_type: if driver { "hk_macau_permit".into() } else { "passport".into() },
            doc_number: if driver {
                format!("H{:08}", 60_000_000 + i * 7919)
            } else {
                format!("E{:08}", 30_000_000 + i * 104729)
            },
            name,
            sex: Some(if rng.next(10) < 9 { "male".into() } else { "female".into() }),
            birth_date: Some(format!(
                "{}-{:02}-{:02}",
                1962 + rng.next(38),
                1 + rng.next(12),
                1 + rng.next(28)
            )),
            phone: format!("9{:07}", 1_000_000 + rng.next(8_000_000)),
            region: if driver { "香港".into() } else { "广东省深圳市".into() },
            category: if driver {
                "cross_border_driver".into()
            } else {
                "inbound_traveller".into()
            },
            employer: driver.then(|| {
                ["港深物流", "粤港货运", "华南冷链", "大湾区快运"][rng.next(4) as usize].to_owned()
            }),
            plate_cn: driver.then(|| {
                format!(
                    "粤Z{}{:03}港",
                    ["A", "B", "C", "D", "E", "F"][rng.next(6) as usize],
                    rng.next(1000)
                )
            }),
            plate_hk: driver.then(|| {
                format!(
                    "{}{}{:04}",
                    ["K", "L", "M", "N"][rng.next(4) as usize],
                    ["V", "W", "X"][rng.next(3) as usize],
                    rng.next(10_000)
                )
            }),
            exemption_status: driver.then(|| "valid".to_owned()),
            chronic_disease: (rng.next(10) == 0).then(|| "高血压".to_owned()),
            ..Default::default()
        };
        let new =
            validate_guest(&input, today).map_err(|e| anyhow::anyhow!("demo guest {i}: {e}"))?;
        let g = guests::create(db, actor, station_id, &new).await?;
        let Some(room) = all_rooms.get(i as usize) else {
            break;
        };
        // Released guests arrived 15 days ago under 14+7; the others over the last 13 days,
        // but for five travellers whose 14 days end today (three of them free to go, one held
        // by today's fever) or tomorrow (today's test still to come): the 待解除 list has work.
        let drawn = rng.next(13) as i64;
        let days_ago = match i {
            _ if released => 15,
            7 | 15 | 23 => 14,
            31 | 39 => 13,
            _ => drawn,
        };
        let at =
            now - chrono::Duration::days(days_ago) - chrono::Duration::hours(rng.next(10) as i64);
        let code = if released || !driver { "14+7" } else { "driver" };
        let stay = stays::check_in(
            db,
            actor,
            &stays::CheckIn {
                station_id,
                guest_id: g.id,
                room_id: room.id,
                policy_id: policy(code),
                at,
            },
        )
        .await?;
        // Tests due before today: sampled; results back for all but the most recent.
        let mut results = Vec::new();
        for t in stays::tests(db, stay.id).await?.into_iter().filter(|t| t.due_date < today) {
            sampling::sample(db, actor, t.id, &format!("ZH{:06}", t.id)).await?;
            results.push((t.id, TestResult::Negative));
        }
        // The last result is still awaited, except for those due today: theirs came back.
        if !released && days_ago != 14 {
            results.pop();
        }
        if i == 20
            && let Some(last) = results.last_mut()
        {
            last.1 = TestResult::Positive;
        }
        sampling::set_results(db, actor, &results).await?;
        if released {
            stays::check_out(
                db,
                actor,
                stay.id,
                yizhan_core::station::stay::Outcome::Released,
                None,
            )
            .await?;
            continue;
        }
        in_stay += 1;
        // A week of temperatures, twice a day, since arrival; three guests run a fever today.
        for back in (0..7i64).rev() {
            let day = today - chrono::Duration::days(back);
            if yizhan_core::time::local_date(at) > day {
                continue;
            }
            for slot in [Slot::Am, Slot::Pm] {
                if back == 0 && slot == Slot::Pm {
                    continue;
                }
                let fever = back == 0 && [7, 42, 99].contains(&i);
                let t = if fever {
                    format!("37.{}", 5 + rng.next(4))
                } else {
                    format!("36.{}", rng.next(8))
                };
                let check = validate_health_check(&HealthCheckInput {
                    temperature: t,
                    symptoms: vec![],
                    note: String::new(),
                })
                .map_err(|e| anyhow::anyhow!("{e}"))?;
                health::record(db, actor, stay.id, day, slot, &check).await?;
            }
        }
    }
    // A room under repair, as on any real day.
    if let Some(r) = all_rooms.get(158) {
        rooms::set_state(db, actor, r.id, RoomState::Maintenance, Some("空调维修")).await?;
    }
    Ok(in_stay)
}
