//! A station's fixtures: the district and its stations, rooms, guests checked in, a fever, a positive.

use super::*;

/// Two streets, a station in each. Returns (street_a, street_b, station_a, station_b).
pub async fn district(db: &Db) -> (i64, i64, i64, i64) {
    let a = Actor::system();
    stations::ensure_district(db, &a, "龙岗区", "440307", &["吉华街道", "平湖街道"]).await.unwrap();
    let s = stations::streets(db).await.unwrap();
    let mk = |street_id: i64, name: &str| NewStation {
        street_id,
        name: name.into(),
        address: "深圳市龙岗区".into(),
        kind: StationKind::Hotel,
        capacity: 100,
        contact_name: "联系人".into(),
        contact_phone: "13800138000".into(),
        active: true,
    };
    let st_a = stations::create(db, &a, &mk(s[0].id, "卓汇健康驿站")).await.unwrap();
    let st_b = stations::create(db, &a, &mk(s[1].id, "平湖健康驿站")).await.unwrap();
    (s[0].id, s[1].id, st_a.id, st_b.id)
}

/// A third station of the district (after [`district`]), in the first street.
pub async fn third_station(db: &Db, name: &str) -> i64 {
    let s = stations::streets(db).await.unwrap();
    let n = NewStation {
        street_id: s[0].id,
        name: name.into(),
        address: "深圳市龙岗区".into(),
        kind: StationKind::Hotel,
        capacity: 100,
        contact_name: "联系人".into(),
        contact_phone: "13800138001".into(),
        active: true,
    };
    stations::create(db, &Actor::system(), &n).await.unwrap().id
}

/// A room in a station, ready.
pub async fn room(db: &Db, station_id: i64, number: &str, beds: i64) -> i64 {
    let r = yizhan_core::station::room::validate_room(&yizhan_core::station::room::RoomInput {
        number: number.into(),
        floor: "3".into(),
        beds: beds.to_string(),
        kind: "single".into(),
        note: String::new(),
    })
    .unwrap();
    yizhan_store::station::rooms::create_many(db, &Actor::system(), station_id, &[r]).await.unwrap()
        [0]
}

/// A cross-border driver registered at the station; `n` makes the document unique.
/// The first guest in stay at `station_id` (for a test to look for their name in a message).
pub async fn first_guest(db: &Db, station_id: i64) -> yizhan_store::station::guests::Guest {
    use yizhan_store::station::guests;
    let only = guests::GuestFilter { search: None, only_in_stay: true };
    guests::page(db, station_id, &only, 10, 0).await.unwrap().remove(0)
}

pub async fn guest(db: &Db, station_id: i64, n: u32) -> i64 {
    let g = yizhan_core::station::guest::validate_guest(
        &yizhan_core::station::guest::GuestInput {
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
        chrono::NaiveDate::from_ymd_opt(2021, 1, 10).unwrap(),
    )
    .unwrap();
    yizhan_store::station::guests::create(db, &Actor::system(), station_id, &g).await.unwrap().id
}

/// Checks a guest in now under the driver policy; returns the stay id.
pub async fn check_in(db: &Db, station_id: i64, guest_id: i64, room_id: i64) -> i64 {
    let policy = yizhan_store::station::policies::list(db)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.code == "driver")
        .unwrap()
        .id;
    yizhan_store::station::stays::check_in(
        db,
        &Actor::system(),
        &yizhan_store::station::stays::CheckIn {
            station_id,
            guest_id,
            room_id,
            policy_id: policy,
            at: yizhan_store::db::now(),
        },
    )
    .await
    .unwrap()
    .id
}

/// The stay's first test sampled and come back positive (the room is sealed, an alert raised).
pub async fn test_positive(db: &Db, stay_id: i64, barcode: &str) {
    let sys = Actor::system();
    let t = yizhan_store::station::stays::tests(db, stay_id).await.unwrap()[0].id;
    yizhan_store::station::sampling::sample(db, &sys, t, barcode).await.unwrap();
    yizhan_store::station::sampling::set_result(
        db,
        &sys,
        t,
        yizhan_core::station::sampling::TestResult::Positive,
    )
    .await
    .unwrap();
}

/// A reading of 38.4℃ now for a stay: an open fever alert.
pub async fn fever_now(db: &Db, stay: i64) -> Option<i64> {
    let check = yizhan_core::station::health::validate_health_check(
        &yizhan_core::station::health::HealthCheckInput {
            temperature: "38.4".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let (day, slot) =
        yizhan_core::station::health::slot_at(yizhan_store::db::now(), &Default::default());
    yizhan_store::station::health::record(db, &Actor::system(), stay, day, slot, &check)
        .await
        .unwrap()
        .1
}
