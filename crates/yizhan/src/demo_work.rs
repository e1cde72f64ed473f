//! Demo data for return to work: about 340 enterprises across the 11 streets (seed: "约340家
//! 企业"), a third above scale; every above-scale one resumed over the last six weeks (seed:
//! "3月底全区规上企业全部复工"), most of the others too, a few still applying or approved.

use yizhan_core::access::Actor;
use yizhan_core::work::enterprise::{EnterpriseInput, Industry, validate_enterprise};
use yizhan_store::Db;
use yizhan_store::station::stations::Street;

use crate::demo::Lcg;

const FIRMS: [&str; 12] = [
    "电子",
    "精密五金",
    "智能科技",
    "物流",
    "塑胶制品",
    "服装",
    "建筑工程",
    "食品",
    "模具",
    "光电",
    "包装材料",
    "供应链",
];
const TRADE_NAMES: [&str; 16] = [
    "华兴", "宏达", "鑫源", "嘉利", "恒通", "瑞丰", "永利", "新亚", "力拓", "德润", "金盛", "粤海",
    "龙腾", "天成", "荣信", "博远",
];
const PER_STREET: usize = 31;

/// Creates the enterprises unless some exist; returns (enterprises, above scale, resumed).
pub async fn load(
    db: &Db,
    actor: &Actor,
    streets: &[Street],
) -> anyhow::Result<(usize, usize, usize)> {
    if !yizhan_store::work::enterprises::list(db).await?.is_empty() {
        return Ok((0, 0, 0));
    }
    let today = yizhan_core::time::local_date(yizhan_store::db::now());
    let ago = |d: u64| (today - chrono::Duration::days(d as i64)).to_string();
    let mut rng = Lcg(2020_0317);
    let (mut n, mut above, mut resumed) = (0usize, 0usize, 0usize);
    for (si, street) in streets.iter().enumerate() {
        for k in 0..PER_STREET {
            let firm = FIRMS[(si + k) % FIRMS.len()];
            let industry = match firm {
                "物流" | "供应链" => Industry::Logistics,
                "建筑工程" => Industry::Construction,
                "食品" => Industry::Catering,
                "智能科技" | "光电" => Industry::Technology,
                _ => Industry::Manufacturing,
            };
            let is_above = rng.next(3) == 0;
            let status = if is_above {
                "resumed"
            } else {
                [
                    "resumed",
                    "resumed",
                    "resumed",
                    "resumed",
                    "resumed",
                    "approved",
                    "applied",
                    "not_started",
                ][rng.next(8) as usize]
            };
            let resumed_ago = 3 + rng.next(40);
            let input = EnterpriseInput {
                uscc: yizhan_core::validate::with_check_char(&format!(
                    "914403070{:02}{:06}",
                    si,
                    k * 7919 % 1_000_000
                ))
                .unwrap_or_default(),
                name: format!(
                    "深圳市{}{}{}有限公司",
                    TRADE_NAMES[(k + si * 3) % TRADE_NAMES.len()],
                    street.name.trim_end_matches("街道"),
                    firm
                ),
                street_id: street.id.to_string(),
                industry: industry.as_str().into(),
                above_scale: if is_above { "on".into() } else { String::new() },
                headcount: (if is_above { 300 + rng.next(2000) } else { 12 + rng.next(180) })
                    .to_string(),
                contact_name: format!(
                    "{}经理",
                    ["陈", "李", "黄", "张", "梁", "何", "林", "郭"][rng.next(8) as usize]
                ),
                contact_phone: format!("139{:08}", 10_000_000 + si as u64 * 1000 + k as u64),
                resumption: status.into(),
                applied_on: if status == "not_started" {
                    String::new()
                } else {
                    ago(resumed_ago + 6)
                },
                approved_on: if matches!(status, "approved" | "resumed") {
                    ago(resumed_ago + 2)
                } else {
                    String::new()
                },
                resumed_on: if status == "resumed" { ago(resumed_ago) } else { String::new() },
            };
            let e = validate_enterprise(&input, today)
                .map_err(|e| anyhow::anyhow!("demo enterprise: {e:?}"))?;
            yizhan_store::work::enterprises::create(db, actor, &e).await?;
            n += 1;
            above += usize::from(is_above);
            resumed += usize::from(status == "resumed");
        }
    }
    Ok((n, above, resumed))
}

/// The 738 workers brought back on the 13 free special trains (seed: "13趟免费返岗专列",
/// "738名务工人员返岗名单"), from 云南, 广西, 四川 and 湖南, to the resumed enterprises.
pub async fn load_workers(db: &Db, actor: &Actor) -> anyhow::Result<usize> {
    let today = yizhan_core::time::local_date(yizhan_store::db::now());
    let employers: Vec<i64> = yizhan_store::work::enterprises::list(db)
        .await?
        .into_iter()
        .filter(|e| e.resumption == yizhan_core::work::enterprise::Resumption::Resumed)
        .map(|e| e.id)
        .collect();
    if employers.is_empty() {
        return Ok(0);
    }
    let origins = [
        ("云南", "530602", "昭通"),
        ("广西", "451002", "百色"),
        ("四川", "511302", "南充"),
        ("湖南", "430502", "邵阳"),
    ];
    let mut rng = Lcg(738);
    let mut n = 0;
    // The 13 trains: from the four provinces in turn, every three days, 60 seats each.
    let mut trains = Vec::new();
    for t in 0..13u32 {
        let (province, _, city) = origins[(t % 4) as usize];
        let departs = today - chrono::Duration::days(8 + 3 * i64::from(12 - t));
        let input = yizhan_core::work::transport::TransportInput {
            kind: "train".into(),
            name: format!("返岗专列第{}趟", t + 1),
            origin: format!("{province} {city}"),
            departs_on: departs.to_string(),
            capacity: "60".into(),
            carriages: "4".into(),
            arrival_place: if t % 2 == 0 { "深圳东站".into() } else { "深圳北站".into() },
            arrives_at: format!("{} 08:30", departs + chrono::Duration::days(1)),
            ..Default::default()
        };
        let v = yizhan_core::work::transport::validate_transport(&input, yizhan_store::db::now())
            .map_err(|e| anyhow::anyhow!("demo train: {e:?}"))?;
        trains.push(yizhan_store::work::transports::create(db, actor, &v).await?);
    }
    for k in 0..738u32 {
        let (province, region, city) = origins[(k % 4) as usize];
        let birth = chrono::NaiveDate::from_ymd_opt(1970 + (k % 30) as i32, 1 + k % 12, 1 + k % 28)
            .unwrap_or_default();
        let Some(id_number) = yizhan_core::validate::with_check_digit(&format!(
            "{region}{}{:03}",
            birth.format("%Y%m%d"),
            k % 1000
        )) else {
            continue;
        };
        // 13 trains, one every three days, the last a week ago; most are at work by now.
        let train = k % 13;
        let arrived = today - chrono::Duration::days(7 + 3 * i64::from(12 - train));
        let input = yizhan_core::work::returning_worker::WorkerInput {
            name: format!(
                "{}{}",
                ["陈", "李", "黄", "张", "杨", "王", "刘", "罗", "赵", "周"][rng.next(10) as usize],
                ["春花", "建国", "志强", "秀英", "小军", "桂兰", "德福", "海燕", "明", "丽"]
                    [rng.next(10) as usize]
            ),
            id_number,
            phone: format!(
                "1{}{:09}",
                [3, 5, 7, 8][rng.next(4) as usize],
                100_000_000 + u64::from(k) * 7
            ),
            province: province.into(),
            city: city.into(),
            enterprise_id: employers[(k as usize) % employers.len()].to_string(),
            transport: "train".into(),
            arrival_date: arrived.to_string(),
            status: if rng.next(10) < 8 { "at_work".into() } else { "arrived".into() },
            health: Some("无发热、咳嗽，持健康码绿码".to_owned())
                .filter(|_| rng.next(20) > 0)
                .unwrap_or_default(),
        };
        let w = yizhan_core::work::returning_worker::validate_worker(&input, today)
            .map_err(|e| anyhow::anyhow!("demo worker {k}: {e:?}"))?;
        let id = yizhan_store::work::returning_workers::create(db, actor, &w).await?;
        yizhan_store::work::transports::board(db, actor, trains[train as usize], id).await?;
        n += 1;
    }
    Ok(n)
}

/// Chartered buses (点对点包车) for workers from nearby provinces, difficulty tickets at each
/// stage (seed: "用工紧张、运输不便、原材料短缺") and relief applications, some decided (seed:
/// "减免租金", "惠企七条"). Returns (buses, tickets, applications).
pub async fn load_support(db: &Db, actor: &Actor) -> anyhow::Result<(usize, usize, usize)> {
    use yizhan_core::work::difficulty::{TicketInput, TicketStatus, validate_ticket};
    use yizhan_core::work::relief::{ReliefInput, ReliefStatus, validate_relief};
    let today = yizhan_core::time::local_date(yizhan_store::db::now());
    let firms: Vec<(i64, String)> = yizhan_store::work::enterprises::list(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e.name))
        .collect();
    if firms.is_empty() || !yizhan_store::work::difficulties::list(db).await?.is_empty() {
        return Ok((0, 0, 0));
    }
    let routes = [
        ("湖南邵阳—龙岗 点对点包车", "湖南 邵阳", "粤B·D12345", "黄师傅"),
        ("广西百色—龙岗 点对点包车", "广西 百色", "粤B·D67890", "莫师傅"),
        ("江西赣州—龙岗 点对点包车", "江西 赣州", "粤B·C24680", "刘师傅"),
        ("广东河源—龙岗 点对点包车", "广东 河源", "粤B·A13579", "钟师傅"),
    ];
    for (k, (name, origin, plate, driver)) in routes.iter().enumerate() {
        let departs = today - chrono::Duration::days(5 + 4 * k as i64);
        let input = yizhan_core::work::transport::TransportInput {
            kind: "bus".into(),
            name: (*name).into(),
            origin: (*origin).into(),
            departs_on: departs.to_string(),
            capacity: "45".into(),
            plate: (*plate).into(),
            driver: format!("{driver} 13{:09}", 812_345_670 + k),
            arrival_place: "龙岗大运中心停车场".into(),
            arrives_at: format!("{departs} 18:00"),
            ..Default::default()
        };
        let v = yizhan_core::work::transport::validate_transport(&input, yizhan_store::db::now())
            .map_err(|e| anyhow::anyhow!("demo bus: {e:?}"))?;
        yizhan_store::work::transports::create(db, actor, &v).await?;
    }
    let tickets = [
        ("labour", "普工缺口约 80 人，外地员工尚未返岗，请协调返岗专列或本地招聘。"),
        ("transport", "湖南籍员工 36 人无法买到车票，申请点对点包车接返。"),
        ("materials", "上游供应商在湖北尚未复工，芯片与线材库存仅够一周。"),
        ("labour", "防疫物资不足：口罩、测温枪各缺 200 个、5 把。"),
        ("transport", "货车司机跨市通行证办理慢，成品无法按期出货。"),
        ("materials", "包装纸箱供应中断，请协助对接区内供应商。"),
        ("other", "员工宿舍不足以落实单人单间隔离，请协调临时住所。"),
        ("labour", "招工难，希望街道组织线上招聘会。"),
        ("transport", "员工通勤公交线路未恢复，早晚班无法到岗。"),
        ("other", "申请复工备案审批加快办理。"),
        ("materials", "进口原料清关延误，请协调海关。"),
        ("labour", "缺少持证电工 6 名。"),
    ];
    let departments = ["区人力资源局", "区交通运输局", "区工业和信息化局", "区商务局"];
    for (k, (category, text)) in tickets.iter().enumerate() {
        let (firm, _) = &firms[(k * 29) % firms.len()];
        let t = validate_ticket(&TicketInput {
            category: (*category).into(),
            description: (*text).into(),
        })
        .map_err(|e| anyhow::anyhow!("demo ticket: {e:?}"))?;
        let id = yizhan_store::work::difficulties::raise(db, actor, *firm, &t).await?;
        // A third open, a third routed, a third resolved.
        if k % 3 >= 1 {
            yizhan_store::work::difficulties::step(
                db,
                actor,
                id,
                TicketStatus::Routed,
                departments[k % departments.len()],
            )
            .await?;
        }
        if k % 3 == 2 {
            yizhan_store::work::difficulties::step(
                db,
                actor,
                id,
                TicketStatus::Resolved,
                "已协调解决，企业确认。",
            )
            .await?;
        }
    }
    let mut applications = 0;
    for k in 0..10usize {
        let (firm, name) = &firms[(k * 31 + 7) % firms.len()];
        let input = if k % 4 == 3 {
            ReliefInput {
                enterprise_id: firm.to_string(),
                kind: "other".into(),
                measure: "稳岗补贴（惠企七条）".into(),
                amount: (20_000 + 5_000 * k).to_string(),
                ..Default::default()
            }
        } else {
            ReliefInput {
                enterprise_id: firm.to_string(),
                kind: "rent".into(),
                property: format!(
                    "{}厂房 {} 平方米",
                    name.trim_end_matches("有限公司"),
                    800 + 100 * k
                ),
                landlord: if k % 2 == 0 { "state_owned" } else { "other" }.into(),
                months: if k % 2 == 0 { "3" } else { "2" }.into(),
                monthly_rent: (18_000 + 2_500 * k).to_string(),
                ..Default::default()
            }
        };
        let r = validate_relief(&input).map_err(|e| anyhow::anyhow!("demo relief: {e:?}"))?;
        let id = yizhan_store::work::relief::apply(db, actor, &r).await?;
        match k % 5 {
            0..=2 => {
                yizhan_store::work::relief::decide(db, actor, id, ReliefStatus::Approved, None)
                    .await?
            }
            3 => {
                yizhan_store::work::relief::decide(
                    db,
                    actor,
                    id,
                    ReliefStatus::Rejected,
                    Some("租赁合同未备案，请补充材料后再申请。"),
                )
                .await?
            }
            _ => {}
        }
        applications += 1;
    }
    Ok((routes.len(), tickets.len(), applications))
}

/// The district's monthly economic indicators for 2019 and 2020, shaped like the seed ("规上工业
/// 增加值达预期目标, 进出口总额增速触底反弹"): the epidemic's dip in January and February 2020,
/// above-scale industrial added value meeting its target from March, and import/export growth
/// bottoming out in February and rebounding after. Skipped when figures exist.
pub async fn load_indicators(db: &Db, actor: &Actor) -> anyhow::Result<usize> {
    use yizhan_core::work::indicator::{Indicator, Month, NewFigure};
    if !yizhan_store::work::indicators::years(db, Indicator::IndustrialAddedValue).await?.is_empty()
    {
        return Ok(0);
    }
    // (indicator, 2019 by month in 亿元, 2020 as permille of the same month of 2019, target
    // as permille of the same month of 2019).
    type Shape = (Indicator, [i64; 12], [i64; 12], [i64; 12]);
    let shapes: [Shape; 5] = [
        (
            Indicator::IndustrialAddedValue,
            [170, 150, 210, 205, 212, 220, 215, 218, 222, 225, 230, 245],
            [880, 640, 1040, 1085, 1075, 1070, 1072, 1080, 1082, 1085, 1088, 1090],
            [1030, 930, 1000, 1050, 1048, 1040, 1035, 1035, 1036, 1036, 1035, 1040],
        ),
        (
            Indicator::ImportExport,
            [300, 220, 310, 305, 315, 320, 330, 335, 330, 340, 345, 360],
            [920, 750, 880, 950, 1010, 1030, 1050, 1060, 1070, 1080, 1090, 1100],
            [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
        ),
        (
            Indicator::Exports,
            [180, 130, 186, 183, 190, 192, 198, 201, 198, 204, 207, 216],
            [930, 760, 890, 960, 1015, 1035, 1055, 1065, 1072, 1082, 1092, 1105],
            [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
        ),
        (
            Indicator::RetailSales,
            [105, 98, 96, 97, 101, 103, 102, 104, 106, 110, 112, 120],
            [900, 620, 810, 880, 930, 960, 985, 1000, 1020, 1035, 1040, 1050],
            [1050, 1050, 1050, 1050, 1050, 1050, 1050, 1050, 1050, 1050, 1050, 1050],
        ),
        (
            Indicator::FixedInvestment,
            [60, 55, 88, 90, 95, 110, 92, 95, 100, 98, 102, 140],
            [850, 560, 940, 1060, 1090, 1100, 1110, 1110, 1115, 1120, 1120, 1125],
            [1080, 1080, 1080, 1080, 1080, 1080, 1080, 1080, 1080, 1080, 1080, 1080],
        ),
    ];
    let mut figures = Vec::new();
    for (indicator, base, growth, target) in shapes {
        for m in 0..12 {
            let month = |year| Month::new(year, m as u32 + 1).unwrap_or(Month { year, month: 1 });
            let last = base[m] * 100;
            figures.push(NewFigure { indicator, month: month(2019), value: last, target: None });
            figures.push(NewFigure {
                indicator,
                month: month(2020),
                value: last * growth[m] / 1000,
                target: Some(last * target[m] / 1000),
            });
        }
    }
    Ok(yizhan_store::work::indicators::import(db, actor, &figures).await?)
}
