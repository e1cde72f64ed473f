//! Return-to-work fixtures: the district's streets, enterprises and their clerk.

use super::*;

pub async fn district_ids(app: &App) -> (i64, i64) {
    let s = yizhan_store::station::stations::streets(app.db()).await.unwrap();
    (s[0].id, s[1].id)
}

/// An enterprise registered as not yet resumed, in `street`: its id.
pub async fn enterprise(db: &Db, uscc: &str, name: &str, street: i64) -> i64 {
    enterprise_with(db, uscc, name, street, "manufacturing", 500).await
}

/// An enterprise not yet resuming, of an industry and a headcount; its id.
pub async fn enterprise_with(
    db: &Db,
    uscc: &str,
    name: &str,
    street: i64,
    industry: &str,
    headcount: u32,
) -> i64 {
    let e = yizhan_core::work::enterprise::validate_enterprise(
        &yizhan_core::work::enterprise::EnterpriseInput {
            uscc: uscc.into(),
            name: name.into(),
            street_id: street.to_string(),
            industry: industry.into(),
            headcount: headcount.to_string(),
            contact_name: "王经理".into(),
            contact_phone: "13800138000".into(),
            resumption: "not_started".into(),
            ..Default::default()
        },
        yizhan_core::time::local_date(yizhan_store::db::now()),
    )
    .unwrap();
    yizhan_store::work::enterprises::create(db, &Actor::system(), &e).await.unwrap()
}

/// 甲电子 in street A and 乙物流 in street B: their ids.
/// A district with two enterprises (甲电子 in one street, 乙物流 in another) and the first one's
/// clerk `jia`: the enterprises, jia's user id and a session.
pub async fn enterprise_clerk(app: &App) -> (Vec<i64>, i64, Client) {
    let (street_a, street_b, _, _) = district(app.db()).await;
    let ents = two_enterprises(app.db(), street_a, street_b).await;
    let jia = app.user("jia", Role::Enterprise, Scope::Enterprise(ents[0]), false).await;
    let session = app.session_for(jia).await;
    (ents, jia, session)
}

pub async fn two_enterprises(db: &Db, street_a: i64, street_b: i64) -> Vec<i64> {
    vec![
        enterprise(db, "91350100M000100Y43", "甲电子", street_a).await,
        enterprise(db, "91440300MA5DC7RF9T", "乙物流", street_b).await,
    ]
}
