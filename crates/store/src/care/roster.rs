//! The duty roster (排班): generated per working group and period, swapped by hand, both
//! checked against the rules of `yizhan_core::care::roster` inside one transaction per group so two
//! leads editing at once cannot slip a broken roster past each other.

use chrono::{Duration, NaiveDate};
use serde::Serialize;
use yizhan_core::access::Actor;
use yizhan_core::care::roster::{
    Assignment, Conflict, Demand, Plan, Rules, generate, swap as swap_rule,
};

use crate::admin::audit::{self, Entry};
use crate::care::staff::Group;
use crate::db::{Db, Result, Tx, now, q};

/// Days of the previous roster the rules look back on (rest, nights in a row, days in a row).
const LOOK_BACK_DAYS: i64 = 7;
/// Advisory-lock namespace for roster writes (PostgreSQL); the group id is added to it.
const LOCK_BASE: i64 = 0x5259_0000_0000;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Shift {
    pub id: i64,
    pub group_id: i64,
    pub staff_id: i64,
    pub staff_name: String,
    pub day: NaiveDate,
    pub shift: i64,
}

impl Shift {
    pub fn assignment(&self) -> Assignment {
        Assignment {
            member: self.staff_id,
            date: self.day,
            shift: u8::try_from(self.shift).unwrap_or(u8::MAX),
        }
    }
}

/// Shifts of a station's groups starting on `from..to` (dates, `to` exclusive).
pub async fn of_station(
    db: &Db,
    station_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Shift>> {
    db.fetch_all(
        q("SELECT r.id, r.group_id, r.staff_id, p.name AS staff_name, r.day, r.shift
             FROM roster_shifts r JOIN staff p ON p.id = r.staff_id JOIN working_groups g ON g.id = r.group_id
            WHERE g.station_id = $1 AND r.day >= $2 AND r.day < $3
            ORDER BY r.group_id, r.day, r.shift, p.name")
        .bind(station_id)
        .bind(from)
        .bind(to),
    )
    .await
}

async fn of_group(
    tx: &mut Tx,
    group_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Assignment>> {
    let rows: Vec<(i64, NaiveDate, i64)> = tx
        .fetch_all(
            q("SELECT staff_id, day, shift FROM roster_shifts WHERE group_id = $1 AND day >= $2 AND day < $3")
                .bind(group_id)
                .bind(from)
                .bind(to),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|(member, date, shift)| Assignment {
            member,
            date,
            shift: u8::try_from(shift).unwrap_or(u8::MAX),
        })
        .collect())
}

async fn members(tx: &mut Tx, group_id: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = tx
        .fetch_all(
            q("SELECT id FROM staff WHERE group_id = $1 AND active ORDER BY id").bind(group_id),
        )
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

async fn days_off_of_group(tx: &mut Tx, group_id: i64) -> Result<Vec<(i64, NaiveDate)>> {
    tx.fetch_all(
        q("SELECT d.staff_id, d.day FROM staff_days_off d JOIN staff p ON p.id = d.staff_id WHERE p.group_id = $1")
            .bind(group_id),
    )
    .await
}

/// What a change to the roster was refused for.
pub type Refusal = Vec<Conflict>;

/// Generates the group's roster for `days` days from `from` and replaces what was there, unless
/// a shift cannot be staffed: then nothing changes and the conflicts say which.
pub async fn regenerate(
    db: &Db,
    actor: &Actor,
    group: &Group,
    from: NaiveDate,
    days: u32,
) -> Result<std::result::Result<Plan, Refusal>> {
    let mut tx = db.begin().await?;
    tx.lock(LOCK_BASE + group.id).await?;
    let members = members(&mut tx, group.id).await?;
    let days_off = days_off_of_group(&mut tx, group.id).await?;
    let before = of_group(&mut tx, group.id, from - Duration::days(LOOK_BACK_DAYS), from).await?;
    let demand = Demand {
        pattern: group.pattern(),
        rules: Rules::default(),
        members: &members,
        min_per_shift: u32::try_from(group.min_per_shift).unwrap_or(1),
        days_off: &days_off,
        from,
        days,
        before: &before,
    };
    yizhan_core::care::roster::validate(&demand)?;
    let plan = generate(&demand);
    if !plan.conflicts.is_empty() {
        return Ok(Err(plan.conflicts));
    }
    let to = from + Duration::days(i64::from(days));
    tx.execute(
        q("DELETE FROM roster_shifts WHERE group_id = $1 AND day >= $2 AND day < $3")
            .bind(group.id)
            .bind(from)
            .bind(to),
    )
    .await?;
    let t = now();
    for a in &plan.assignments {
        tx.execute(
            q("INSERT INTO roster_shifts (group_id, staff_id, day, shift, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(group.id)
                .bind(a.member)
                .bind(a.date)
                .bind(i64::from(a.shift))
                .bind(t),
        )
        .await?;
    }
    audit::append(
        &mut tx,
        actor,
        Entry::new("roster.generate", "working_group", group.id).detail(serde_json::json!({
            "from": from, "days": days, "shifts": plan.assignments.len(),
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(plan))
}

/// Puts `member_in` on `out`'s shift, if the rules still hold for everyone afterwards.
pub async fn swap(
    db: &Db,
    actor: &Actor,
    group: &Group,
    out: Assignment,
    member_in: i64,
) -> Result<std::result::Result<(), Refusal>> {
    let mut tx = db.begin().await?;
    tx.lock(LOCK_BASE + group.id).await?;
    let members = members(&mut tx, group.id).await?;
    let days_off = days_off_of_group(&mut tx, group.id).await?;
    let from = out.date - Duration::days(LOOK_BACK_DAYS);
    let to = out.date + Duration::days(LOOK_BACK_DAYS + 1);
    let before = of_group(&mut tx, group.id, from - Duration::days(LOOK_BACK_DAYS), from).await?;
    let roster = of_group(&mut tx, group.id, from, to).await?;
    let demand = Demand {
        pattern: group.pattern(),
        rules: Rules::default(),
        members: &members,
        min_per_shift: u32::try_from(group.min_per_shift).unwrap_or(1),
        days_off: &days_off,
        from,
        days: u32::try_from((to - from).num_days()).unwrap_or(1),
        before: &before,
    };
    if let Err(conflicts) = swap_rule(&demand, &roster, out, member_in) {
        return Ok(Err(conflicts));
    }
    tx.execute(
        q("UPDATE roster_shifts SET staff_id = $1 WHERE group_id = $2 AND staff_id = $3 AND day = $4 AND shift = $5")
            .bind(member_in)
            .bind(group.id)
            .bind(out.member)
            .bind(out.date)
            .bind(i64::from(out.shift)),
    )
    .await?;
    audit::append(
        &mut tx,
        actor,
        Entry::new("roster.swap", "working_group", group.id).detail(serde_json::json!({
            "day": out.date, "shift": out.shift, "out": out.member, "in": member_in,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// A requested day off; the next generation keeps the person free that day.
pub async fn add_day_off(db: &Db, actor: &Actor, staff_id: i64, day: NaiveDate) -> Result<()> {
    let mut tx = db.begin().await?;
    tx.execute(
        q("INSERT INTO staff_days_off (staff_id, day) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(staff_id)
            .bind(day),
    )
    .await?;
    audit::append(
        &mut tx,
        actor,
        Entry::new("roster.day_off", "staff", staff_id).detail(serde_json::json!({ "day": day })),
    )
    .await?;
    tx.commit().await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct DayOff {
    pub staff_id: i64,
    pub staff_name: String,
    pub day: NaiveDate,
}

pub async fn days_off(db: &Db, station_id: i64, from: NaiveDate) -> Result<Vec<DayOff>> {
    db.fetch_all(
        q("SELECT d.staff_id, p.name AS staff_name, d.day FROM staff_days_off d JOIN staff p ON p.id = d.staff_id
            WHERE p.station_id = $1 AND d.day >= $2 ORDER BY d.day, p.name")
        .bind(station_id)
        .bind(from),
    )
    .await
}
