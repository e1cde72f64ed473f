//! Staff and care fixtures: one of each ledger's records, and the seed's medical duty chain.

use super::*;

/// Objects of staff and care on a station, for tests that need one of each.
pub struct CareFixtures {
    pub group: i64,
    pub staff: i64,
    pub incident: i64,
    pub complaint: i64,
    pub handover: i64,
    pub handover_item: i64,
    /// A routine record: verifying it is refused as "not terminal", after the policy let it in.
    pub disinfection: i64,
    pub supply: i64,
    /// A delivery for the stay (none when the fixture has no stay).
    pub delivery: i64,
    pub plan: i64,
    /// A planned (announced) inspection of the station.
    pub inspection: i64,
    /// A rectification ordered from a second inspection's failed item (that inspection started).
    pub rectification: i64,
    /// A photo of that failed item.
    pub photo: i64,
}

/// A member of a station's working group, in the closed loop on a high-risk post.
pub async fn staff_member(db: &Db, station_id: i64, group: i64, name: &str, phone: &str) -> i64 {
    let s = yizhan_core::care::staff::validate_staff(
        &yizhan_core::care::staff::StaffInput {
            name: name.into(),
            phone: phone.into(),
            group_id: group.to_string(),
            organisation: "区人民医院".into(),
            post_risk: "high".into(),
            loop_status: "in_loop".into(),
            loop_start: "2026-01-01".into(),
            ..Default::default()
        },
        yizhan_core::time::local_date(yizhan_store::db::now()),
    )
    .unwrap();
    yizhan_store::care::staff::create(db, &Actor::system(), station_id, &s).await.unwrap()
}

pub async fn care_fixtures(db: &Db, station_id: i64, stay_id: i64) -> CareFixtures {
    let sys = Actor::system();
    let g = yizhan_core::care::staff::validate_group(&yizhan_core::care::staff::GroupInput {
        name: "医疗组".into(),
        pattern: "three_eights".into(),
        min_per_shift: "1".into(),
        ..Default::default()
    })
    .unwrap();
    let group = yizhan_store::care::staff::create_group(db, &sys, station_id, &g).await.unwrap();
    let staff = staff_member(db, station_id, group, "王医生", "13800138000").await;
    let now = yizhan_store::db::now();
    let i = yizhan_core::care::incident::validate_incident(
        &yizhan_core::care::incident::IncidentInput {
            kind: "accident".into(),
            occurred_at: yizhan_core::time::local_format(now, "%Y-%m-%d %H:%M"),
            place: "大堂".into(),
            description: "地滑摔倒".into(),
            ..Default::default()
        },
        now,
    )
    .unwrap();
    let incident =
        yizhan_store::care::incidents::record_incident(db, &sys, station_id, &i).await.unwrap();
    let c = yizhan_core::care::incident::validate_complaint(
        &yizhan_core::care::incident::ComplaintInput {
            source: "guest".into(),
            complainant: "陈先生".into(),
            topic: "饭菜".into(),
            detail: "太咸".into(),
            stay_id: if stay_id > 0 { stay_id.to_string() } else { String::new() },
        },
    )
    .unwrap();
    let complaint =
        yizhan_store::care::incidents::record_complaint(db, &sys, station_id, &c).await.unwrap();
    let handover = yizhan_store::care::handovers::write(
        db,
        &sys,
        group,
        chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        0,
        "平稳",
        &["302 房送药".to_owned()],
    )
    .await
    .unwrap();
    let handover_item = yizhan_store::care::handovers::items(db, handover).await.unwrap()[0].id;
    let area = yizhan_store::care::disinfection::create_area(
        db,
        &sys,
        station_id,
        &yizhan_core::care::disinfection::NewArea {
            name: "三楼走廊".into(),
            kind: yizhan_core::care::disinfection::AreaKind::Corridor,
            every_hours: 4,
        },
    )
    .await
    .unwrap();
    let disinfection = yizhan_store::care::disinfection::record(
        db,
        &sys,
        station_id,
        &yizhan_core::care::disinfection::NewRecord {
            place: yizhan_core::care::disinfection::Place::Area(area),
            agent: "含氯消毒剂".into(),
            concentration: 500,
            minutes: 30,
            operator: "刘师傅".into(),
            done_at: now,
        },
    )
    .await
    .unwrap();
    let supply = yizhan_store::care::supplies::create_item(
        db,
        &sys,
        station_id,
        &yizhan_core::care::supplies::NewItem {
            name: "N95口罩".into(),
            category: yizhan_core::care::supplies::Category::Ppe,
            unit: "个".into(),
            low_threshold: 100,
            stock: 1000,
        },
    )
    .await
    .unwrap();
    let delivery = if stay_id > 0 {
        yizhan_store::care::relatives::receive(
            db,
            &sys,
            station_id,
            &yizhan_core::care::relatives::NewDelivery {
                stay_id,
                sender: "李女士".into(),
                item: "降压药".into(),
            },
        )
        .await
        .unwrap()
    } else {
        0
    };
    let plan = yizhan_store::care::plans::publish(
        db,
        &sys,
        station_id,
        &yizhan_core::care::plans::NewPlan {
            kind: yizhan_core::care::plans::PlanKind::Fire,
            title: "火灾疏散预案".into(),
            steps: vec!["报警".into(), "疏散".into(), "清点".into()],
            case_minutes: Vec::new(),
        },
    )
    .await
    .unwrap();
    let checklist = yizhan_store::command::inspections::create_template(
        db,
        &sys,
        &yizhan_core::command::inspection::NewTemplate {
            name: "健康驿站督导检查表".into(),
            items: vec![yizhan_core::command::inspection::Item {
                topic: "消杀".into(),
                text: "终末消毒记录".into(),
                standard: "每间退房后有记录".into(),
            }],
        },
    )
    .await
    .unwrap();
    let inspection = yizhan_store::command::inspections::create(
        db,
        &sys,
        &yizhan_core::command::inspection::NewInspection {
            template_id: checklist,
            unit: yizhan_core::command::inspection::Unit::Station(station_id),
            kind: yizhan_core::command::inspection::InspectionKind::Planned,
            planned_on: yizhan_core::time::local_date(now),
            team: "区督导组".into(),
            inspector_street: None,
        },
    )
    .await
    .unwrap();
    let (rectification, photo) = rectification_fixture(db, station_id, checklist).await;
    CareFixtures {
        rectification,
        photo,
        inspection,
        delivery,
        plan,
        supply,
        disinfection,
        group,
        staff,
        incident,
        complaint,
        handover,
        handover_item,
    }
}

/// The seed's medical chain at a station: a command team (its leader the station lead) and a
/// medical group (医疗组, two-twelves, six people, rostered from three days ago for two weeks,
/// so someone is on duty at any hour).
pub struct DutyChain {
    pub medical: i64,
    /// The medical group's people's mobile numbers; the first is its leader's.
    pub medical_phones: Vec<String>,
    pub command_phone: String,
}

pub async fn duty_chain(db: &Db, station_id: i64) -> DutyChain {
    use yizhan_core::care::roster::Pattern;
    use yizhan_core::care::staff::NewGroup;
    use yizhan_store::care::{roster, staff};
    let a = Actor::system();
    let today = yizhan_core::time::local_date(yizhan_store::db::now());
    let group = |name: &str, is_command: bool| {
        let g = NewGroup {
            name: name.into(),
            pattern: Pattern::TwoTwelves,
            min_per_shift: 1,
            duties: None,
            floors: None,
            is_command,
        };
        let a = a.clone();
        async move { staff::create_group(db, &a, station_id, &g).await.unwrap() }
    };
    let command = group("现场协调指挥专班", true).await;
    let medical = group("医疗组", false).await;
    let command_phone = format!("1390000{:04}", station_id % 10_000);
    let lead = staff_member(db, station_id, command, "指挥长李强", &command_phone).await;
    staff::set_leader(db, &a, command, lead).await.unwrap();
    let mut medical_phones = Vec::new();
    for i in 0..6 {
        let phone = format!("1380013{:02}{:02}", station_id % 100, i);
        let id = staff_member(db, station_id, medical, &format!("医生{i}"), &phone).await;
        if i == 0 {
            staff::set_leader(db, &a, medical, id).await.unwrap();
        }
        medical_phones.push(phone);
    }
    let g = staff::group(db, medical).await.unwrap();
    roster::regenerate(db, &a, &g, today - chrono::Duration::days(3), 14).await.unwrap().unwrap();
    DutyChain { medical, medical_phones, command_phone }
}
