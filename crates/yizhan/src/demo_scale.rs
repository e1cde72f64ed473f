//! `yizhan demo --scale district|city`: a generated history big enough to measure against. A
//! district is 30 stations of 200 single rooms, 200,000 stays (guests checked in back to back
//! over about 17 months, most rooms occupied now), 15 temperature checks and the policy's test
//! calendar a stay, 20,000 enterprises and 1,000,000 returning workers; a city is ten of those.
//! Prints what it made, how long it took and the database's size.

use std::io::Write;
use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use yizhan_core::access::Actor;
use yizhan_core::station::quarantine::{QuarantinePolicy, planned_release, test_calendar};
use yizhan_core::station::stations::{NewStation, StationKind};
use yizhan_core::time::{day_start_utc, local_date};
use yizhan_core::work::returning_worker::{NewWorker, Transport, WorkerStatus, provinces};
use yizhan_store::scale::{self, CheckRow, EnterpriseRow, GuestRow, StayRow, TestRow};
use yizhan_store::{Db, station::policies, station::stations, work::returning_workers};

/// How much to generate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Size {
    pub stations: usize,
    pub rooms_per_station: usize,
    pub stays: usize,
    pub enterprises: usize,
    pub workers: usize,
    /// Ten districts' streets for a city, one district's for a district.
    pub districts: usize,
}

/// A stay lasts the 14 centralized days; the room is turned round within a day.
const STAY_DAYS: i64 = 14;
const CYCLE_DAYS: i64 = STAY_DAYS + 1;
/// Temperature rounds recorded a stay: mornings and afternoons of the first week and a half.
const CHECKS_PER_STAY: i64 = 15;

impl Size {
    pub fn district() -> Size {
        Size {
            stations: 30,
            rooms_per_station: 200,
            stays: 200_000,
            enterprises: 20_000,
            workers: 1_000_000,
            districts: 1,
        }
    }

    pub fn city() -> Size {
        let d = Size::district();
        Size {
            stations: d.stations * 10,
            stays: d.stays * 10,
            enterprises: d.enterprises * 10,
            workers: d.workers * 10,
            districts: 10,
            ..d
        }
    }

    pub fn parse(name: &str) -> anyhow::Result<Size> {
        match name {
            "district" => Ok(Size::district()),
            "city" => Ok(Size::city()),
            other => anyhow::bail!("--scale {other}: expected district or city"),
        }
    }

    /// A part of the dataset, for a quick look (`--fraction 0.01`): stations, stays, enterprises
    /// and workers shrink; a station keeps its 200 rooms.
    pub fn fraction(self, f: f64) -> anyhow::Result<Size> {
        anyhow::ensure!(
            f > 0.0 && f <= 1.0,
            "--fraction {f}: expected a number above 0 and at most 1"
        );
        let part = |n: usize| ((n as f64 * f).round() as usize).max(1);
        Ok(Size {
            stations: part(self.stations),
            stays: part(self.stays),
            enterprises: part(self.enterprises),
            workers: part(self.workers),
            ..self
        })
    }
}

const SHENZHEN: [&str; 10] = [
    "龙岗区",
    "罗湖区",
    "福田区",
    "南山区",
    "宝安区",
    "盐田区",
    "龙华区",
    "坪山区",
    "光明区",
    "大鹏新区",
];
const SURNAMES: [&str; 20] = [
    "陈", "李", "王", "张", "刘", "黄", "林", "吴", "周", "郑", "何", "梁", "谢", "罗", "蔡", "邓",
    "许", "曾", "彭", "冯",
];
const GIVEN: [&str; 16] = [
    "伟", "志强", "家豪", "俊杰", "国华", "永明", "建军", "文辉", "嘉欣", "丽华", "子轩", "振华",
    "海峰", "锦荣", "德明", "晓东",
];
const HAULIERS: [&str; 6] =
    ["港深物流", "粤港运输", "鹏城货运", "香江速运", "湾区供应链", "中港冷链"];
const INDUSTRIES: [&str; 8] = [
    "manufacturing",
    "logistics",
    "construction",
    "trade",
    "catering",
    "technology",
    "services",
    "other",
];

fn name(i: usize) -> String {
    format!("{}{}", SURNAMES[i % SURNAMES.len()], GIVEN[(i / SURNAMES.len()) % GIVEN.len()])
}

/// The streets: Longgang's eleven for a district; for a city, eleven in each of ten districts.
fn streets(districts: usize) -> Vec<String> {
    if districts <= 1 {
        return crate::demo::STREETS.iter().map(|s| s.to_string()).collect();
    }
    SHENZHEN
        .iter()
        .take(districts)
        .flat_map(|district| crate::demo::STREETS.iter().map(move |s| format!("{district}{s}")))
        .collect()
}

/// Progress on stderr, a line each tenth of a phase.
struct Phase {
    name: &'static str,
    total: usize,
    started: Instant,
    tenth: usize,
}

impl Phase {
    fn new(name: &'static str, total: usize) -> Phase {
        Phase { name, total: total.max(1), started: Instant::now(), tenth: 0 }
    }
    fn at(&mut self, done: usize) {
        let tenth = done * 10 / self.total;
        if tenth > self.tenth || done == self.total {
            self.tenth = tenth;
            let _ = writeln!(
                std::io::stderr(),
                "{:<10} {:>3}%  {done} / {}  {:.1} s",
                self.name,
                done * 100 / self.total,
                self.total,
                self.started.elapsed().as_secs_f64()
            );
        }
    }
}

/// One station's guests, stays, checks and tests. Room `j` has had `n_j` guests back to back;
/// the last checked in `j mod 15` days (and a few hours) ago, so 14 rooms in 15 are occupied and
/// a few check in every day.
/// What every station's history shares: the policy its guests stay under, and now.
struct Common<'a> {
    policy_id: i64,
    policy: &'a QuarantinePolicy,
    now: DateTime<Utc>,
}

async fn station_history(
    db: &Db,
    common: &Common<'_>,
    (station, station_no): (i64, usize),
    room_ids: &[i64],
    stays: usize,
    doc_serial: &mut usize,
) -> anyhow::Result<()> {
    let now = common.now;
    let mut plan = Vec::with_capacity(stays);
    for (j, &room) in room_ids.iter().enumerate() {
        let n = stays / room_ids.len() + usize::from(j < stays % room_ids.len());
        let last = now
            - Duration::days((j as i64 * 7 + station_no as i64) % CYCLE_DAYS)
            - Duration::hours((j as i64 * 5) % 11 + 1);
        for m in (0..n).rev() {
            plan.push((room, last - Duration::days(CYCLE_DAYS * m as i64)));
        }
    }
    let guests: Vec<GuestRow> = plan
        .iter()
        .map(|&(_, at)| {
            *doc_serial += 1;
            let i = *doc_serial;
            let mainland = i.is_multiple_of(3);
            GuestRow {
                station_id: station,
                doc_type: if mainland { "id_card" } else { "hk_macau_permit" },
                doc_number: if mainland {
                    crate::bench_import::id_number(i)
                } else {
                    format!("H{:08}", 10_000_000 + i)
                },
                name: name(i),
                sex: if i.is_multiple_of(17) { "female" } else { "male" },
                birth_date: NaiveDate::from_ymd_opt(
                    1965 + (i % 35) as i32,
                    1 + (i % 12) as u32,
                    1 + (i % 28) as u32,
                )
                .unwrap_or_default(),
                phone: if mainland {
                    format!("139{:08}", i % 100_000_000)
                } else {
                    format!("9{:07}", i % 10_000_000)
                },
                region: if mainland { "广东" } else { "香港" },
                employer: HAULIERS[i % HAULIERS.len()],
                plate_cn: format!("粤Z{}{:03}港", (b'A' + (i % 26) as u8) as char, i % 1000),
                at,
            }
        })
        .collect();
    let guest_ids = scale::guests(db, station, &guests).await?;
    anyhow::ensure!(
        guest_ids.len() == plan.len(),
        "guests inserted: {} of {}",
        guest_ids.len(),
        plan.len()
    );
    let (policy_id, policy) = (common.policy_id, common.policy);
    let rows: Vec<StayRow> = plan
        .iter()
        .zip(&guest_ids)
        .enumerate()
        .map(|(k, (&(room, at), &guest))| {
            let ended = at + Duration::days(STAY_DAYS);
            let open = ended > now;
            StayRow {
                station_id: station,
                guest_id: guest,
                room_id: room,
                policy_id,
                checked_in_at: at,
                planned_release: planned_release(policy, at),
                ended_at: (!open).then_some(ended),
                outcome: (!open).then_some(if k.is_multiple_of(997) {
                    "transferred_hospital"
                } else {
                    "released"
                }),
            }
        })
        .collect();
    let stay_ids = scale::stays(db, &rows).await?;
    anyhow::ensure!(
        stay_ids.len() == rows.len(),
        "stays inserted: {} of {}",
        stay_ids.len(),
        rows.len()
    );

    let mut checks = Vec::with_capacity(rows.len() * CHECKS_PER_STAY as usize);
    let mut tests = Vec::new();
    for (s, &id) in rows.iter().zip(&stay_ids) {
        let day1 = local_date(s.checked_in_at);
        for c in 0..CHECKS_PER_STAY {
            let day = day1 + Duration::days(c / 2);
            let (slot, hour) = if c % 2 == 0 { ("am", 8) } else { ("pm", 16) };
            let at = day_start_utc(day) + Duration::hours(hour);
            if at > now {
                break;
            }
            checks.push(CheckRow {
                stay_id: id,
                station_id: station,
                day,
                slot,
                temperature: 360 + ((id + c) % 13),
                recorded_by: "医疗组",
                recorded_at: at,
            });
        }
        for due in test_calendar(policy, s.checked_in_at) {
            let sampled = day_start_utc(due.date) + Duration::hours(9);
            let done = sampled <= now;
            tests.push(TestRow {
                stay_id: id,
                day: due.day,
                due_date: due.date,
                barcode: done.then(|| format!("NA{id:09}{:02}", due.day)),
                sampled_at: done.then_some(sampled),
                sampled_by: done.then_some("采样组"),
                result: done.then_some("negative"),
            });
        }
    }
    scale::health_checks(db, &checks).await?;
    scale::stay_tests(db, &tests).await?;
    scale::settle_rooms(db, station, day_start_utc(local_date(now))).await?;
    Ok(())
}

fn enterprise(i: usize, street_id: i64, today: NaiveDate, now: DateTime<Utc>) -> EnterpriseRow {
    let first17 = format!("91440307{:09}", 100_000_000 + i);
    let stage = i % 20;
    let (resumption, applied, approved, resumed) = match stage {
        0 => ("not_started", None, None, None),
        1 | 2 => ("applied", Some(30), None, None),
        3..=5 => ("approved", Some(40), Some(35), None),
        _ => ("resumed", Some(60), Some(55), Some(50)),
    };
    let ago = |d: Option<i64>| d.map(|d| today - Duration::days(d + (i % 7) as i64));
    EnterpriseRow {
        uscc: yizhan_core::validate::with_check_char(&first17).unwrap_or(first17),
        name: format!("深圳市{}{}有限公司", HAULIERS[i % HAULIERS.len()], i),
        street_id,
        industry: INDUSTRIES[i % INDUSTRIES.len()],
        above_scale: i.is_multiple_of(5),
        headcount: 10 + (i % 400) as i64 * 5,
        contact_name: name(i + 7),
        contact_phone: format!("138{:08}", i % 100_000_000),
        resumption,
        applied_on: ago(applied),
        approved_on: ago(approved),
        resumed_on: ago(resumed),
        at: now,
    }
}

fn worker(i: usize, enterprise_id: i64, today: NaiveDate) -> NewWorker {
    let status = match i % 10 {
        0 | 1 => WorkerStatus::Registered,
        2 => WorkerStatus::Booked,
        3 => WorkerStatus::Arrived,
        _ => WorkerStatus::AtWork,
    };
    let arrived = matches!(status, WorkerStatus::Arrived | WorkerStatus::AtWork);
    NewWorker {
        name: name(i),
        id_number: crate::bench_import::id_number(i),
        phone: format!("13{:09}", i % 1_000_000_000),
        province: provinces()[(i * 7) % provinces().len()],
        city: "本地".into(),
        enterprise_id,
        transport: [Transport::Train, Transport::Bus, Transport::OnTheirOwn][i % 3],
        arrival_date: arrived.then(|| today - Duration::days((i % 60) as i64)),
        status,
        health: None,
    }
}

/// Generates `size` into `db` (migrated). Returns the row counts per table.
pub async fn generate(db: &Db, size: Size) -> anyhow::Result<Vec<(&'static str, i64)>> {
    let sys = Actor::system();
    let street_names = streets(size.districts);
    let refs: Vec<&str> = street_names.iter().map(String::as_str).collect();
    stations::ensure_district(db, &sys, "龙岗区", "440307", &refs).await?;
    let streets = stations::streets(db).await?;
    policies::ensure_seeded(db).await?;
    let row = policies::list(db)
        .await?
        .into_iter()
        .find(|p| p.code == "14+7")
        .ok_or_else(|| anyhow::anyhow!("the 14+7 policy is missing"))?;
    let policy = row.policy();
    let now = yizhan_store::db::now();
    let today = local_date(now);

    let mut phase = Phase::new("驿站", size.stations);
    let mut serial = 0usize;
    let common = Common { policy_id: row.id, policy: &policy, now };
    for s in 0..size.stations {
        let street = &streets[s % streets.len()];
        let st = stations::create(
            db,
            &sys,
            &NewStation {
                street_id: street.id,
                name: format!("{}规模驿站{:03}", street.name, s + 1),
                address: format!("{}第{}号", street.name, s + 1),
                kind: StationKind::Hotel,
                capacity: size.rooms_per_station as i64,
                contact_name: name(s),
                contact_phone: format!("1380013{:04}", s % 10_000),
                active: true,
            },
        )
        .await?
        .id;
        let room_ids = crate::bench::single_rooms(db, st, size.rooms_per_station).await?;
        let stays = size.stays / size.stations + usize::from(s < size.stays % size.stations);
        station_history(db, &common, (st, s), &room_ids, stays, &mut serial).await?;
        phase.at(s + 1);
    }

    let mut phase = Phase::new("企业", size.enterprises);
    let batch = 2_000;
    for from in (0..size.enterprises).step_by(batch) {
        let rows: Vec<EnterpriseRow> = (from..(from + batch).min(size.enterprises))
            .map(|i| enterprise(i, streets[i % streets.len()].id, today, now))
            .collect();
        scale::enterprises(db, &rows).await?;
        phase.at(from + rows.len());
    }
    let enterprise_ids = scale::enterprise_ids(db).await?;
    anyhow::ensure!(!enterprise_ids.is_empty(), "no enterprises to employ the workers");

    let mut phase = Phase::new("返岗人员", size.workers);
    let batch = 5_000;
    for from in (0..size.workers).step_by(batch) {
        let rows: Vec<NewWorker> = (from..(from + batch).min(size.workers))
            .map(|i| worker(i, enterprise_ids[i % enterprise_ids.len()], today))
            .collect();
        let left_out = returning_workers::insert_batch(db, None, &rows).await?;
        anyhow::ensure!(left_out.is_empty(), "{} workers already registered", left_out.len());
        phase.at(from + rows.len());
    }
    // The counters' changes the history left (millions on a city), folded here rather than by
    // the first node to start, which would hold the write lock for each batch.
    yizhan_store::station::counters::fold(db).await?;
    scale::analyze(db).await?;
    Ok(scale::census(db).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_city_is_ten_districts() {
        let (d, c) = (Size::district(), Size::city());
        assert_eq!((d.stations * d.rooms_per_station, d.stays), (6_000, 200_000));
        assert_eq!((d.enterprises, d.workers), (20_000, 1_000_000));
        assert_eq!((c.stations * c.rooms_per_station, c.stays), (60_000, 2_000_000));
        assert_eq!((c.enterprises, c.workers), (200_000, 10_000_000));
        assert_eq!(streets(1).len(), 11);
        let city = streets(10);
        assert_eq!(city.len(), 110);
        assert_eq!(city.iter().collect::<std::collections::HashSet<_>>().len(), 110);
        assert!(Size::parse("town").is_err());
    }

    #[test]
    fn a_fraction_shrinks_everything_but_the_station() {
        let f = Size::district().fraction(0.01).unwrap();
        assert_eq!((f.stations, f.rooms_per_station, f.stays), (1, 200, 2_000));
        assert_eq!((f.enterprises, f.workers), (200, 10_000));
        assert!(Size::district().fraction(0.0).is_err());
        assert!(Size::district().fraction(1.5).is_err());
    }

    #[test]
    fn generated_documents_pass_the_validators() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        for i in [0, 1, 999, 123_456, 9_999_999] {
            let e = enterprise(i, 1, today, Utc::now());
            assert!(yizhan_core::validate::parse_uscc(&e.uscc).is_ok(), "{}", e.uscc);
            let w = worker(i, 1, today);
            assert!(
                yizhan_core::validate::parse_id_card(&w.id_number, today).is_ok(),
                "{}",
                w.id_number
            );
        }
    }
}
