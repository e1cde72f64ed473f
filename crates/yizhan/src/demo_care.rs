//! Demo data for staff and care at the Zhuohui station, after the seed: a 15-person command
//! team (专班) and 11 working groups of 71 people on 24-hour rosters, routine disinfection,
//! supplies (one running low), emergency plans with drills (one overdue), handovers, staff
//! tests. Zero accidents and zero complaints, as the seed reports.

use chrono::Duration;
use yizhan_core::access::Actor;
use yizhan_core::care::disinfection::{AreaKind, NewArea, NewRecord, Place};
use yizhan_core::care::plans::{NewDrill, NewPlan, PlanKind};
use yizhan_core::care::roster::Pattern;
use yizhan_core::care::staff::{LoopStatus, NewGroup, NewStaff, PostRisk, usual_groups};
use yizhan_core::care::supplies::{Category, NewItem};
use yizhan_core::station::sampling::TestResult;
use yizhan_store::Db;
use yizhan_store::{
    care::disinfection, care::handovers, care::plans, care::roster, care::staff, care::supplies,
};

/// People per group, in `usual_groups()` order: 71 in all, each at least what its roster needs.
const GROUP_SIZES: [usize; 11] = [6, 12, 4, 4, 6, 4, 12, 6, 5, 6, 6];
const COMMAND_SIZE: usize = 15;

const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "高",
];
const GIVEN: [&str; 20] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "霞", "平",
];

/// Returns (groups, staff) created; nothing when the station already has groups.
pub async fn load(db: &Db, actor: &Actor, station_id: i64) -> anyhow::Result<(usize, usize)> {
    if !staff::groups(db, station_id).await?.is_empty() {
        let g = staff::groups(db, station_id).await?;
        return Ok((g.len(), staff::list(db, station_id).await?.len()));
    }
    let now = yizhan_store::db::now();
    let today = yizhan_core::time::local_date(now);
    let mut groups: Vec<(String, Pattern, i64, usize, bool)> =
        vec![("现场协调指挥专班".into(), Pattern::TwoTwelves, 2, COMMAND_SIZE, true)];
    for ((name, pattern, min), size) in usual_groups().into_iter().zip(GROUP_SIZES) {
        groups.push((name.into(), pattern, min, size, false));
    }
    let mut n = 0usize;
    let mut people = 0usize;
    for (name, pattern, min, size, is_command) in &groups {
        let gid = staff::create_group(
            db,
            actor,
            station_id,
            &NewGroup {
                name: name.clone(),
                pattern: *pattern,
                min_per_shift: *min,
                duties: None,
                // The medical and disinfection groups go up to the rooms (floors 3-12).
                floors: (name.contains("医疗") || name.contains("消杀")).then(|| "3-12".into()),
                is_command: *is_command,
            },
        )
        .await?;
        for i in 0..*size {
            let who = format!("{}{}", SURNAMES[n % 20], GIVEN[(n * 7 + 3) % 20]);
            let medical = name.contains("医疗") || name.contains("公卫");
            let id = staff::create(
                db,
                actor,
                station_id,
                &NewStaff {
                    name: who,
                    phone: format!("139{:08}", 20_210_000 + n),
                    group_id: Some(gid),
                    post: None,
                    organisation: if medical {
                        "龙岗区人民医院"
                    } else {
                        "坪地街道办事处"
                    }
                    .into(),
                    post_risk: if *is_command || name.contains("警务") {
                        PostRisk::Medium
                    } else {
                        PostRisk::High
                    },
                    loop_status: LoopStatus::InLoop,
                    loop_start: Some(today - Duration::days(20)),
                    loop_end: None,
                    monitor_until: None,
                },
            )
            .await?;
            if i == 0 {
                staff::set_leader(db, actor, gid, id).await?;
            }
            // Half of today's tests are done.
            if n.is_multiple_of(2) {
                plans::record_staff_test(db, actor, id, today, true, Some(TestResult::Negative))
                    .await?;
            }
            n += 1;
        }
        people += size;
        let group = staff::group(db, gid).await?;
        let plan = roster::regenerate(db, actor, &group, today - Duration::days(3), 14).await?;
        if let Err(conflicts) = plan {
            anyhow::bail!("demo roster for {name}: {} conflicts", conflicts.len());
        }
        handovers::write(
            db,
            actor,
            gid,
            today,
            0,
            "交班正常，无异常情况。",
            &["检查三楼消防通道".to_owned()],
        )
        .await?;
    }

    for (name, kind, every) in [
        ("各楼层走廊", AreaKind::Corridor, 4),
        ("电梯轿厢", AreaKind::Lift, 2),
        ("一楼大堂及登记处", AreaKind::Public, 4),
    ] {
        let area = disinfection::create_area(
            db,
            actor,
            station_id,
            &NewArea { name: name.into(), kind, every_hours: every },
        )
        .await?;
        disinfection::record(
            db,
            actor,
            station_id,
            &NewRecord {
                place: Place::Area(area),
                agent: "含氯消毒剂".into(),
                concentration: 500,
                minutes: 30,
                operator: "消杀组 朱伟".into(),
                done_at: now - Duration::hours(if kind == AreaKind::Lift { 3 } else { 1 }),
            },
        )
        .await?;
    }

    for (name, category, unit, low, stock) in [
        ("N95口罩", Category::Ppe, "个", 500, 320),
        ("医用防护服", Category::Ppe, "套", 100, 260),
        ("护目镜", Category::Ppe, "副", 50, 120),
        ("含氯消毒片", Category::Disinfectant, "瓶", 20, 64),
        ("75%酒精", Category::Disinfectant, "瓶", 30, 90),
        ("盒饭", Category::Food, "份", 200, 480),
        ("抗原检测试剂", Category::Medicine, "盒", 100, 350),
    ] {
        supplies::create_item(
            db,
            actor,
            station_id,
            &NewItem { name: name.into(), category, unit: unit.into(), low_threshold: low, stock },
        )
        .await?;
    }

    let plans_seed: [(PlanKind, &str, &[&str], Option<i64>); 4] = [
        (
            PlanKind::PositiveCase,
            "阳性病例应急处置预案",
            &[
                "立即封控涉阳房间及楼层",
                "30分钟内上报区指挥部",
                "协调负压救护车闭环转运",
                "密接人员排查与管控",
                "涉阳房间终末消毒及效果评估",
            ],
            Some(30),
        ),
        (
            PlanKind::Fever,
            "发热人员处置预案",
            &["复测体温并记录", "医疗组评估", "采样送检", "必要时转运发热门诊"],
            Some(45),
        ),
        (
            PlanKind::Fire,
            "火灾应急疏散预案",
            &["发现火情立即报警", "切断电源", "按楼层组织疏散", "清点人数并上报"],
            Some(120),
        ),
        (
            PlanKind::Escape,
            "人员擅自外出处置预案",
            &["立即报告警务组", "调取监控确定去向", "联系属地派出所", "追回后重新评估管控"],
            None,
        ),
    ];
    for (kind, title, steps, drilled) in plans_seed {
        let id = plans::publish(
            db,
            actor,
            station_id,
            &NewPlan {
                kind,
                title: title.into(),
                steps: steps.iter().map(|s| (*s).to_owned()).collect(),
                // The seed's plan reports within half an hour.
                case_minutes: if kind == PlanKind::PositiveCase {
                    vec![(yizhan_core::station::case::Step::Report, 30)]
                } else {
                    Vec::new()
                },
            },
        )
        .await?;
        if let Some(days) = drilled {
            plans::record_drill(
                db,
                actor,
                id,
                &NewDrill {
                    held_on: today - Duration::days(days),
                    participants: 24,
                    minutes: 40,
                    gaps: None,
                },
            )
            .await?;
        }
    }
    Ok((groups.len(), people))
}
