//! Enterprises on SQLite and PostgreSQL: the USCC and the resumption dates validated, a code
//! registered once, and isolation — an enterprise's own account sees and changes only itself,
//! a street only its own; phones masked; the prevention plan filed and downloaded; resumption
//! applied for by the enterprise and reviewed by the command of its street or the district; the
//! register and the pickers searched on the server.

mod pickers;
mod rates;
mod register;
mod review;

use crate::common::{self, App};

/// A valid unified social credit code from 17 characters.
fn uscc(body17: &str) -> String {
    yizhan_core::validate::with_check_char(body17).unwrap()
}

fn form(code: &str, name: &str, street: i64) -> Vec<(&'static str, String)> {
    vec![
        ("uscc", code.to_owned()),
        ("name", name.to_owned()),
        ("street_id", street.to_string()),
        ("industry", "manufacturing".into()),
        ("above_scale", "on".into()),
        ("headcount", "860".into()),
        ("contact_name", "王经理".into()),
        ("contact_phone", "13800138000".into()),
        ("resumption", "applied".into()),
        ("applied_on", "2020-02-10".into()),
    ]
}

/// The audit actions recorded about an enterprise, oldest first.
async fn audit_actions(app: &App, id: i64) -> Vec<String> {
    let mut rows: Vec<String> = yizhan_store::admin::audit::recent(app.db(), 10_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.object_type == "enterprise" && r.object_id == Some(id.to_string()))
        .map(|r| r.action)
        .collect();
    rows.reverse();
    rows
}

/// 62 enterprises: the even ones in street A, every third one in logistics, headcount n×10; one
/// name with a LIKE wildcard in it.
async fn sixty_two(app: &App, street_a: i64, street_b: i64) {
    for n in 1..=62u32 {
        let name = if n == 7 {
            "百分百_物流有限公司".into()
        } else {
            format!("深圳市第{n:02}电子有限公司")
        };
        let street = if n % 2 == 0 { street_a } else { street_b };
        let industry = if n % 3 == 0 { "logistics" } else { "manufacturing" };
        let code = uscc(&format!("91440300{n:09}"));
        common::enterprise_with(app.db(), &code, &name, street, industry, n * 10).await;
    }
}
