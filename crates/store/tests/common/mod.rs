//! What the store's tests share: a station, rooms, guests and a quarantine policy.
#![allow(dead_code)]

use chrono::NaiveDate;
use yizhan_core::access::Actor;
use yizhan_core::station::guest::{GuestInput, validate_guest};
use yizhan_core::station::room::{RoomInput, validate_room};
use yizhan_core::station::stations::{NewStation, StationKind};
use yizhan_store::db::Db;
use yizhan_store::{station::guests, station::policies, station::rooms, station::stations};

pub fn actor() -> Actor {
    Actor::system()
}

pub async fn station(db: &Db) -> i64 {
    station_named(db, "卓汇健康驿站").await
}

pub async fn station_named(db: &Db, name: &str) -> i64 {
    stations::ensure_district(db, &actor(), "龙岗区", "440307", &["吉华街道"]).await.unwrap();
    let street = stations::streets(db).await.unwrap()[0].id;
    stations::create(
        db,
        &actor(),
        &NewStation {
            street_id: street,
            name: name.into(),
            address: "吉华".into(),
            kind: StationKind::Hotel,
            capacity: 100,
            contact_name: "陈".into(),
            contact_phone: "13800138000".into(),
            active: true,
        },
    )
    .await
    .unwrap()
    .id
}

pub async fn room(db: &Db, station_id: i64, number: &str, beds: i64) -> i64 {
    let r = validate_room(&RoomInput {
        number: number.into(),
        floor: "3".into(),
        beds: beds.to_string(),
        kind: "single".into(),
        note: String::new(),
    })
    .unwrap();
    rooms::create_many(db, &actor(), station_id, &[r]).await.unwrap()[0]
}

/// A driver with a valid HK permit; `n` makes the document unique.
pub async fn guest(db: &Db, station_id: i64, n: u32) -> i64 {
    let g = validate_guest(
        &GuestInput {
            doc_type: "hk_macau_permit".into(),
            doc_number: format!("H{:08}", 10_000_000 + n),
            name: format!("陈大文{n}"),
            sex: Some("male".into()),
            birth_date: Some("1980-05-06".into()),
            phone: "91234567".into(),
            region: "香港".into(),
            category: "cross_border_driver".into(),
            employer: Some("港深物流".into()),
            plate_cn: Some("粤ZAB12港".into()),
            exemption_status: Some("valid".into()),
            ..Default::default()
        },
        NaiveDate::from_ymd_opt(2021, 1, 10).unwrap(),
    )
    .unwrap();
    guests::create(db, &actor(), station_id, &g).await.unwrap().id
}

pub async fn policy(db: &Db, code: &str) -> i64 {
    policies::list(db).await.unwrap().into_iter().find(|p| p.code == code).unwrap().id
}
