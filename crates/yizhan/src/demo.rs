//! `yizhan demo`: Longgang district with its 11 streets, the Zhuohui station in Jihua street and
//! a few others, and one account per role (passwords printed once). Later modules extend it.

use yizhan_core::access::{Actor, Grant, Role, Scope};
use yizhan_core::station::{NewStation, StationKind};
use yizhan_store::{Db, stations, users};

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
    let actor = Actor {
        user_id: None,
        name: "demo".into(),
    };
    stations::ensure_district(db, &actor, "龙岗区", "440307", &STREETS).await?;
    let streets = stations::streets(db).await?;
    let street_id = |name: &str| {
        streets
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.id)
            .unwrap_or(0)
    };
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
    let zhuohui = all
        .iter()
        .find(|s| s.name == "卓汇健康驿站")
        .map(|s| s.id)
        .unwrap_or(1);
    let jihua = street_id("吉华街道");

    let accounts: [(&str, &str, Role, Scope); 11] = [
        ("admin", "系统管理员", Role::Admin, Scope::District),
        (
            "commander",
            "区指挥部 林指挥",
            Role::Commander,
            Scope::District,
        ),
        (
            "jihua",
            "吉华街道 何书记",
            Role::Commander,
            Scope::Street(jihua),
        ),
        (
            "lead",
            "卓汇专班 陈组长",
            Role::StationLead,
            Scope::Station(zhuohui),
        ),
        (
            "staff",
            "卓汇前台 刘晓",
            Role::StationStaff,
            Scope::Station(zhuohui),
        ),
        (
            "medical",
            "卓汇医疗组 吴医生",
            Role::Medical,
            Scope::Station(zhuohui),
        ),
        (
            "counsellor",
            "卓汇心理组 郑老师",
            Role::Counsellor,
            Scope::Station(zhuohui),
        ),
        (
            "inspector",
            "区督导组 孙督导",
            Role::Inspector,
            Scope::District,
        ),
        (
            "enterprise",
            "企业联络员 钱经理",
            Role::Enterprise,
            Scope::Enterprise(1),
        ),
        ("viewer", "只读 冯观察", Role::Viewer, Scope::District),
        (
            "pinghu",
            "平湖驿站 黄组长",
            Role::StationLead,
            Scope::Station(
                all.iter()
                    .find(|s| s.name == "平湖健康驿站")
                    .map(|s| s.id)
                    .unwrap_or(2),
            ),
        ),
    ];
    println!(
        "演示数据 / demo data: 龙岗区 11 个街道, {} 个驿站",
        all.len()
    );
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
