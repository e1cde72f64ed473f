//! Working groups (工作组), the command team (专班) and station staff.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use yizhan_core::access::{Actor, Target};
use yizhan_core::care::staff::{NewGroup, NewStaff};

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Result, now, q};
use yizhan_core::care::staff::LoopStatus;
use yizhan_core::care::staff::PostRisk;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Group {
    pub id: i64,
    pub station_id: i64,
    pub street_id: i64,
    pub name: String,
    pub is_command: bool,
    #[sqlx(try_from = "String")]
    pub pattern: yizhan_core::care::roster::Pattern,
    pub min_per_shift: i64,
    pub duties: Option<String>,
    /// 负责楼层 as "3-5,8"; none for the whole station.
    pub floors: Option<String>,
    pub leader_id: Option<i64>,
    pub members: i64,
}

impl Group {
    pub fn target(&self) -> Target {
        Target::Station { id: self.station_id, street: self.street_id }
    }
    pub fn pattern(&self) -> yizhan_core::care::roster::Pattern {
        self.pattern
    }
}

const GROUP_SELECT: &str =
    "SELECT g.id, g.station_id, st.street_id, g.name, g.is_command, g.pattern, g.min_per_shift,
        g.duties, g.floors, g.leader_id,
        (SELECT COUNT(*) FROM staff p WHERE p.group_id = g.id AND p.active) AS members
   FROM working_groups g JOIN stations st ON st.id = g.station_id";

pub async fn groups(db: &Db, station_id: i64) -> Result<Vec<Group>> {
    db.fetch_all(
        crate::db::q_dynamic(format!(
            "{GROUP_SELECT} WHERE g.station_id = $1 ORDER BY g.is_command DESC, g.id"
        ))
        .bind(station_id),
    )
    .await
}

pub async fn group(db: &Db, id: i64) -> Result<Group> {
    db.fetch_one(crate::db::q_dynamic(format!("{GROUP_SELECT} WHERE g.id = $1")).bind(id)).await
}

pub async fn create_group(db: &Db, actor: &Actor, station_id: i64, g: &NewGroup) -> Result<i64> {
    let mut tx = db.begin().await?;
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO working_groups (station_id, name, is_command, pattern, min_per_shift, duties, floors, created_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
            .bind(station_id)
            .bind(g.name.as_str())
            .bind(g.is_command)
            .bind(g.pattern.as_str())
            .bind(g.min_per_shift)
            .bind(g.duties.clone())
            .bind(g.floors.clone())
            .bind(now()),
        )
        .await?;
    audit::append(
        &mut tx,
        actor,
        Entry::new("group.create", "working_group", id)
            .detail(serde_json::json!({ "station_id": station_id, "name": g.name })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update_group(db: &Db, actor: &Actor, id: i64, g: &NewGroup) -> Result<()> {
    let mut tx = db.begin().await?;
    tx.execute(
        q("UPDATE working_groups SET name = $1, is_command = $2, pattern = $3, min_per_shift = $4, duties = $5,
                floors = $6
            WHERE id = $7")
        .bind(g.name.as_str())
        .bind(g.is_command)
        .bind(g.pattern.as_str())
        .bind(g.min_per_shift)
        .bind(g.duties.clone())
        .bind(g.floors.clone())
        .bind(id),
    )
    .await?;
    audit::append(
        &mut tx,
        actor,
        Entry::new("group.update", "working_group", id)
            .detail(serde_json::json!({ "name": g.name, "floors": g.floors })),
    )
    .await?;
    tx.commit().await
}

/// Makes a member of the group its leader (组长); someone from another group is refused by the
/// caller before this runs.
pub async fn set_leader(db: &Db, actor: &Actor, group_id: i64, staff_id: i64) -> Result<()> {
    let mut tx = db.begin().await?;
    tx.execute(
        q("UPDATE working_groups SET leader_id = $1 WHERE id = $2").bind(staff_id).bind(group_id),
    )
    .await?;
    audit::append(
        &mut tx,
        actor,
        Entry::new("group.leader", "working_group", group_id)
            .detail(serde_json::json!({ "staff_id": staff_id })),
    )
    .await?;
    tx.commit().await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Staff {
    pub id: i64,
    pub station_id: i64,
    pub street_id: i64,
    pub group_id: Option<i64>,
    pub group_name: Option<String>,
    pub name: String,
    pub phone: String,
    pub post: Option<String>,
    pub organisation: String,
    #[sqlx(try_from = "String")]
    pub post_risk: PostRisk,
    #[sqlx(try_from = "String")]
    pub loop_status: LoopStatus,
    pub loop_start: Option<NaiveDate>,
    pub loop_end: Option<NaiveDate>,
    pub monitor_until: Option<NaiveDate>,
    /// The last day of a home quarantine ordered for an exposure (off the roster until then).
    pub quarantined_until: Option<NaiveDate>,
    pub active: bool,
    pub updated_at: DateTime<Utc>,
}

impl Staff {
    pub fn target(&self) -> Target {
        Target::Station { id: self.station_id, street: self.street_id }
    }
}

const STAFF_SELECT: &str = "SELECT p.id, p.station_id, st.street_id, p.group_id, g.name AS group_name, p.name, p.phone,
        p.post, p.organisation, p.post_risk, p.loop_status, p.loop_start, p.loop_end, p.monitor_until,
        p.quarantined_until, p.active, p.updated_at
   FROM staff p JOIN stations st ON st.id = p.station_id
   LEFT JOIN working_groups g ON g.id = p.group_id";

/// Active staff of a station, by group then name.
pub async fn list(db: &Db, station_id: i64) -> Result<Vec<Staff>> {
    db.fetch_all(
        crate::db::q_dynamic(format!(
            "{STAFF_SELECT} WHERE p.station_id = $1 AND p.active ORDER BY p.group_id, p.id"
        ))
        .bind(station_id),
    )
    .await
}

pub async fn get(db: &Db, id: i64) -> Result<Staff> {
    db.fetch_one(crate::db::q_dynamic(format!("{STAFF_SELECT} WHERE p.id = $1")).bind(id)).await
}

pub async fn create(db: &Db, actor: &Actor, station_id: i64, s: &NewStaff) -> Result<i64> {
    let mut tx = db.begin().await?;
    let t = now();
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO staff (station_id, group_id, name, phone, post, organisation, post_risk, loop_status,
                                  loop_start, loop_end, monitor_until, active, created_at, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, TRUE, $12, $12) RETURNING id")
            .bind(station_id)
            .bind(s.group_id)
            .bind(s.name.as_str())
            .bind(s.phone.as_str())
            .bind(s.post.clone())
            .bind(s.organisation.as_str())
            .bind(s.post_risk.as_str())
            .bind(s.loop_status.as_str())
            .bind(s.loop_start)
            .bind(s.loop_end)
            .bind(s.monitor_until)
            .bind(t),
        )
        .await?;
    audit::append(
        &mut tx,
        actor,
        Entry::new("staff.create", "staff", id)
            .detail(serde_json::json!({ "station_id": station_id, "group_id": s.group_id })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update(db: &Db, actor: &Actor, id: i64, s: &NewStaff) -> Result<()> {
    let mut tx = db.begin().await?;
    tx.execute(
        q("UPDATE staff SET group_id = $1, name = $2, phone = $3, post = $4, organisation = $5, post_risk = $6,
                            loop_status = $7, loop_start = $8, loop_end = $9, monitor_until = $10, updated_at = $11
            WHERE id = $12")
        .bind(s.group_id)
        .bind(s.name.as_str())
        .bind(s.phone.as_str())
        .bind(s.post.clone())
        .bind(s.organisation.as_str())
        .bind(s.post_risk.as_str())
        .bind(s.loop_status.as_str())
        .bind(s.loop_start)
        .bind(s.loop_end)
        .bind(s.monitor_until)
        .bind(now())
        .bind(id),
    )
    .await?;
    audit::append(
        &mut tx,
        actor,
        Entry::new("staff.update", "staff", id).detail(
            serde_json::json!({ "group_id": s.group_id, "loop_status": s.loop_status.as_str() }),
        ),
    )
    .await?;
    tx.commit().await
}
