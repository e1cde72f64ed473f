//! Demo data for return to work: about 340 enterprises across the 11 streets (seed: "约340家
//! 企业"), a third above scale; every above-scale one resumed over the last six weeks (seed:
//! "3月底全区规上企业全部复工"), most of the others too, a few still applying or approved.

use yizhan_core::access::Actor;
use yizhan_core::enterprise::{EnterpriseInput, Industry, validate_enterprise};
use yizhan_store::Db;
use yizhan_store::stations::Street;

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
    if !yizhan_store::enterprises::list(db).await?.is_empty() {
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
                headcount: (if is_above {
                    300 + rng.next(2000)
                } else {
                    12 + rng.next(180)
                })
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
                resumed_on: if status == "resumed" {
                    ago(resumed_ago)
                } else {
                    String::new()
                },
            };
            let e = validate_enterprise(&input, today)
                .map_err(|e| anyhow::anyhow!("demo enterprise: {e:?}"))?;
            yizhan_store::enterprises::create(db, actor, &e).await?;
            n += 1;
            above += usize::from(is_above);
            resumed += usize::from(status == "resumed");
        }
    }
    Ok((n, above, resumed))
}
