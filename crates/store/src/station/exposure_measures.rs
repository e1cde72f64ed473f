//! Measures ordered for people on a case's exposure list, each done and kept in one transaction:
//! a guest's period extended (the stay's change history says why), a test due today or every
//! day to release, a move to another room; a staff member quarantined at home, off the roster
//! (shifts from today removed, the days kept off so the next roster leaves them free).

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use yizhan_core::access::{Actor, Role};
use yizhan_core::error::DomainError;
use yizhan_core::station::exposure::Kind;
use yizhan_core::station::exposure_measure::{
    Decided, Measure, Order, daily_tests_from, quarantine_days,
};
use yizhan_core::station::period::PeriodChange;
use yizhan_core::station::quarantine::TestDue;
use yizhan_core::time::local_date;

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Result, Tx, now, q};
use crate::error::StoreError;
use crate::station::cases::Case;
use crate::station::{period, stays};

/// A measure as kept.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Taken {
    pub id: i64,
    pub case_id: i64,
    #[sqlx(try_from = "String")]
    pub person_kind: Kind,
    pub guest_id: Option<i64>,
    pub staff_id: Option<i64>,
    #[sqlx(try_from = "String")]
    pub measure: Measure,
    /// What it did, as JSON: the stay, days, room, tests added, shifts removed.
    pub detail: String,
    pub note: Option<String>,
    pub decided_by: String,
    pub decided_at: DateTime<Utc>,
}

/// The measures of a case, oldest first.
pub async fn of_case(db: &Db, case_id: i64) -> Result<Vec<Taken>> {
    db.fetch_all(
        q("SELECT id, case_id, person_kind, guest_id, staff_id, measure, detail, note, decided_by, decided_at
             FROM exposure_measures WHERE case_id = $1 ORDER BY id")
        .bind(case_id),
    )
    .await
}

/// Does `o` for a person at `case`'s station, as `actor` approving in `role`; returns the
/// measure's id. A guest must be staying at the station, a staff member work there.
pub async fn take(db: &Db, actor: &Actor, case: &Case, role: Role, o: &Order) -> Result<i64> {
    let mut tx = db.begin().await?;
    let today = local_date(now());
    let detail = match o.kind {
        Kind::Guest => for_guest(&mut tx, actor, case, role, o, today).await?,
        Kind::Staff => for_staff(&mut tx, case, o, today).await?,
        Kind::Relative => return Err(StoreError::rule(Some("kind"), "error.measure_kind")),
    };
    let (guest_id, staff_id) = match o.kind {
        Kind::Guest => (Some(o.person_id), None),
        _ => (None, Some(o.person_id)),
    };
    let measure = o.decided.measure();
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO exposure_measures (case_id, person_kind, guest_id, staff_id, measure,
                   detail, note, decided_by, decided_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
            .bind(case.id)
            .bind(o.kind.as_str())
            .bind(guest_id)
            .bind(staff_id)
            .bind(measure.as_str())
            .bind(detail.to_string())
            .bind(o.note.as_deref())
            .bind(&actor.name)
            .bind(now()),
        )
        .await?;
    let mut audited = detail;
    audited["measure"] = measure.as_str().into();
    audited["person_kind"] = o.kind.as_str().into();
    audited["person_id"] = o.person_id.into();
    audited["measure_id"] = id.into();
    audit::append(&mut tx, actor, Entry::new("exposure.measure", "case", case.id).detail(audited))
        .await?;
    tx.commit().await?;
    Ok(id)
}

async fn for_guest(
    tx: &mut Tx,
    actor: &Actor,
    case: &Case,
    role: Role,
    o: &Order,
    today: NaiveDate,
) -> Result<serde_json::Value> {
    let stay: Option<(i64,)> = tx
        .fetch_optional(
            q("SELECT id FROM stays WHERE guest_id = $1 AND station_id = $2 AND ended_at IS NULL")
                .bind(o.person_id)
                .bind(case.station_id),
        )
        .await?;
    let Some((stay_id,)) = stay else {
        return Err(StoreError::rule(Some("person_id"), "error.measure_not_staying"));
    };
    stays::lock_stay(tx, stay_id).await?;
    let stay = stays::get_tx(tx, stay_id).await?;
    let mut detail = serde_json::json!({ "stay_id": stay_id });
    match &o.decided {
        Decided::Extend { days } => {
            let to = period::days_of(&stay) + days;
            let reason = o.note.clone().ok_or(DomainError::Invalid {
                field: "note",
                error: yizhan_core::validate::Invalid::Empty,
            })?;
            period::change_tx(tx, actor, stay_id, &PeriodChange { days: to, reason }, role).await?;
            detail["days"] = (*days).into();
            detail["to_days"] = to.into();
        }
        Decided::TestNow | Decided::TestDaily => {
            let tested: Vec<(NaiveDate,)> = tx
                .fetch_all(q("SELECT due_date FROM stay_tests WHERE stay_id = $1").bind(stay_id))
                .await?;
            let tested: Vec<NaiveDate> = tested.into_iter().map(|t| t.0).collect();
            let until = match o.decided {
                Decided::TestNow => today + chrono::Duration::days(1),
                _ => stay.planned_release,
            };
            let checked_in = local_date(stay.checked_in_at);
            let added: Vec<TestDue> = daily_tests_from(checked_in, today, until, &tested)
                .into_iter()
                .map(|(day, date)| TestDue { day, date })
                .collect();
            crate::station::stays::insert_calendar(tx, stay_id, &added).await?;
            detail["tests_added"] = added.len().into();
        }
        Decided::MoveRoom { room_id } => {
            let station: Option<(i64,)> = tx
                .fetch_optional(
                    q("SELECT station_id FROM rooms WHERE id = $1 AND station_id = $2")
                        .bind(*room_id)
                        .bind(case.station_id),
                )
                .await?;
            if station.is_none() {
                return Err(StoreError::rule(Some("room_id"), "error.not_found"));
            }
            let reason = o.note.as_deref();
            stays::change_room_tx(tx, actor, stay_id, *room_id, reason).await?;
            detail["from_room"] = stay.room_id.into();
            detail["room_id"] = (*room_id).into();
        }
        Decided::HomeQuarantine { .. } => {
            return Err(StoreError::rule(Some("action"), "error.measure_kind"));
        }
    }
    Ok(detail)
}

async fn for_staff(
    tx: &mut Tx,
    case: &Case,
    o: &Order,
    today: NaiveDate,
) -> Result<serde_json::Value> {
    let Decided::HomeQuarantine { days } = o.decided else {
        return Err(StoreError::rule(Some("action"), "error.measure_kind"));
    };
    let staff: Option<(i64,)> = tx
        .fetch_optional(
            q("SELECT id FROM staff WHERE id = $1 AND station_id = $2 AND active")
                .bind(o.person_id)
                .bind(case.station_id),
        )
        .await?;
    if staff.is_none() {
        return Err(StoreError::rule(Some("person_id"), "error.measure_not_staff"));
    }
    let all = quarantine_days(today, days);
    let last = *all.last().unwrap_or(&today);
    tx.execute(
        q("UPDATE staff SET quarantined_until = $1, updated_at = $2 WHERE id = $3")
            .bind(last)
            .bind(now())
            .bind(o.person_id),
    )
    .await?;
    for day in &all {
        tx.execute(
            q("INSERT INTO staff_days_off (staff_id, day) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(o.person_id)
                .bind(*day),
        )
        .await?;
    }
    let removed = tx
        .execute(
            q("DELETE FROM roster_shifts WHERE staff_id = $1 AND day >= $2 AND day <= $3")
                .bind(o.person_id)
                .bind(today)
                .bind(last),
        )
        .await?;
    Ok(serde_json::json!({ "days": days, "until": last, "shifts_removed": removed }))
}
