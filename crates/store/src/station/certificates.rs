//! Release certificates (解除隔离证明): numbered per station and day, with a random code for the
//! public check; issued in the release's transaction.

use chrono::{DateTime, Utc};
use serde::Serialize;
use yizhan_core::access::Actor;

use crate::db::{Db, Result, Tx, now, q};
use crate::station::stays::Stay;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Certificate {
    pub id: i64,
    pub stay_id: i64,
    pub number: String,
    pub code: String,
    pub issued_at: DateTime<Utc>,
    pub issued_by: String,
}

/// Numbers certificates per station and day: `S001-20210125-0007`.
pub(crate) async fn issue(tx: &mut Tx, actor: &Actor, stay: &Stay) -> Result<()> {
    let t = now();
    let day = yizhan_core::time::local_date(t);
    let prefix = format!("S{:03}-{}-", stay.station_id, day.format("%Y%m%d"));
    let (n,): (i64,) = tx
        .fetch_one(
            q("SELECT COUNT(*) FROM certificates WHERE number LIKE $1").bind(format!("{prefix}%")),
        )
        .await?;
    let number = yizhan_core::station::release::certificate_number(
        &format!("S{:03}", stay.station_id),
        day,
        n + 1,
    );
    let mut random = [0u8; yizhan_core::station::release::CODE_BYTES];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut random);
    let code = yizhan_core::station::release::certificate_code(&random);
    tx.execute(
        q("INSERT INTO certificates (stay_id, number, code, issued_at, issued_by) VALUES ($1, $2, $3, $4, $5)")
            .bind(stay.id)
            .bind(number.as_str())
            .bind(code)
            .bind(t)
            .bind(actor.name.as_str()),
    )
    .await?;
    Ok(())
}

pub async fn certificate_of(db: &Db, stay_id: i64) -> Result<Option<Certificate>> {
    db.fetch_optional(q("SELECT * FROM certificates WHERE stay_id = $1").bind(stay_id)).await
}

pub async fn certificate_by_number(db: &Db, number: &str) -> Result<Option<Certificate>> {
    db.fetch_optional(q("SELECT * FROM certificates WHERE number = $1").bind(number)).await
}
