//! Inspection checklists, inspections and their results.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use yizhan_core::access::{Actor, Grant, Target};
use yizhan_core::command::inspection::{
    Answered, KEY_FINISHED, KEY_INCOMPLETE, KEY_NOT_STARTED, NewInspection, NewTemplate, Outcome,
    Unit,
};
use yizhan_core::error::DomainError;
use yizhan_core::error::UnknownCode;

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Result, now, q};
use crate::error::StoreError;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Template {
    pub id: i64,
    pub name: String,
    pub version: i64,
    pub items: i64,
    pub created_by: String,
}

pub async fn templates(db: &Db) -> Result<Vec<Template>> {
    db.fetch_all(q("SELECT t.id, t.name, t.version, t.created_by,
                           (SELECT COUNT(*) FROM inspection_items i WHERE i.template_id = t.id) AS items
                      FROM inspection_templates t ORDER BY t.name, t.version DESC"))
        .await
}

/// Saves a checklist; the same name again is its next version (the old one stays for the
/// inspections that used it).
pub async fn create_template(db: &Db, actor: &Actor, t: &NewTemplate) -> Result<i64> {
    let mut tx = db.begin().await?;
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO inspection_templates (name, version, created_by, created_at)
               VALUES ($1, (SELECT COALESCE(MAX(version), 0) + 1 FROM inspection_templates WHERE name = $1), $2, $3)
               RETURNING id")
            .bind(t.name.as_str())
            .bind(actor.name.as_str())
            .bind(now()),
        )
        .await?;
    for (n, item) in t.items.iter().enumerate() {
        tx.execute(
            q("INSERT INTO inspection_items (template_id, position, topic, text, standard) VALUES ($1, $2, $3, $4, $5)")
                .bind(id)
                .bind(n as i64)
                .bind(item.topic.as_str())
                .bind(item.text.as_str())
                .bind(item.standard.as_str()),
        )
        .await?;
    }
    audit::append(&mut tx, actor, Entry::new("inspection.template", "inspection_template", id))
        .await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct Item {
    pub id: i64,
    pub topic: String,
    pub text: String,
    pub standard: String,
}

pub async fn items(db: &Db, template_id: i64) -> Result<Vec<Item>> {
    db.fetch_all(
        q("SELECT id, topic, text, standard FROM inspection_items WHERE template_id = $1 ORDER BY position")
            .bind(template_id),
    )
    .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct Inspection {
    pub id: i64,
    pub template_id: i64,
    pub template_name: String,
    /// station, street or enterprise.
    pub unit_kind: String,
    /// The unit, decoded from `unit_kind` and the id it names when the row is read.
    #[sqlx(flatten, try_from = "UnitColumns")]
    #[serde(skip)]
    pub unit: Unit,
    pub station_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    /// The inspected unit's name (a station's, a street's or an enterprise's).
    pub station_name: String,
    /// The street the unit is in (or is).
    pub street_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: yizhan_core::command::inspection::InspectionKind,
    pub planned_on: NaiveDate,
    pub team: String,
    pub created_by: String,
    /// The street inspecting (its command planned it); `None` for the district.
    pub inspector_street_id: Option<i64>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub failed: i64,
    pub recorded: i64,
}

/// The columns that name an inspected or responsible unit, read together into a `Unit`: a
/// kind that is not one of the three, or without the id it names, is an error, not a street.
#[derive(sqlx::FromRow)]
pub struct UnitColumns {
    unit_kind: String,
    station_id: Option<i64>,
    street_id: i64,
    enterprise_id: Option<i64>,
}

impl TryFrom<UnitColumns> for Unit {
    type Error = UnknownCode;
    fn try_from(c: UnitColumns) -> std::result::Result<Unit, UnknownCode> {
        Unit::from_parts(&c.unit_kind, c.station_id, Some(c.street_id), c.enterprise_id)
            .ok_or(UnknownCode { kind: "Unit", code: c.unit_kind })
    }
}

impl Inspection {
    pub fn unit(&self) -> Unit {
        self.unit
    }
    pub fn target(&self) -> Target {
        unit_target(self.unit(), self.street_id)
    }
    pub fn kind(&self) -> yizhan_core::command::inspection::InspectionKind {
        self.kind
    }
    /// May someone holding `grants` see it (`yizhan_core::command::inspection::may_see`)?
    pub fn seen_by(&self, grants: &[Grant]) -> bool {
        yizhan_core::command::inspection::may_see(
            grants,
            self.target(),
            self.kind(),
            self.started_at.is_some(),
            self.inspector_street_id,
        )
    }
}

/// Whom an inspected unit belongs to, for scope checks.
pub fn unit_target(unit: Unit, street: i64) -> Target {
    match unit {
        Unit::Station(id) => Target::Station { id, street },
        Unit::Enterprise(id) => Target::Enterprise { id, street },
        Unit::Street(id) => Target::Street(id),
    }
}

const SELECT: &str = "SELECT i.id, i.template_id, t.name AS template_name, i.unit_kind, i.station_id, i.enterprise_id,
        COALESCE(st.name, e.name, sr.name) AS station_name,
        COALESCE(st.street_id, e.street_id, i.street_id) AS street_id,
        i.kind, i.planned_on, i.team, i.created_by, i.inspector_street_id, i.started_at, i.finished_at,
        (SELECT COUNT(*) FROM inspection_results r WHERE r.inspection_id = i.id AND r.result = 'fail') AS failed,
        (SELECT COUNT(*) FROM inspection_results r WHERE r.inspection_id = i.id) AS recorded
   FROM inspections i JOIN inspection_templates t ON t.id = i.template_id
   LEFT JOIN stations st ON st.id = i.station_id
   LEFT JOIN enterprises e ON e.id = i.enterprise_id
   LEFT JOIN streets sr ON sr.id = i.street_id";

pub async fn get(db: &Db, id: i64) -> Result<Inspection> {
    db.fetch_one(crate::db::q_dynamic(format!("{SELECT} WHERE i.id = $1")).bind(id)).await
}

/// Every inspection, newest planned date first (the web layer keeps those in the reader's scope).
pub async fn list(db: &Db) -> Result<Vec<Inspection>> {
    db.fetch_all(crate::db::q_dynamic(format!("{SELECT} ORDER BY i.planned_on DESC, i.id DESC")))
        .await
}

/// A station's inspections as the station may see them: planned ones, and unannounced ones
/// only once started. The filter is in the query, so nothing hidden ever leaves the database.
pub async fn visible_to_station(db: &Db, station_id: i64) -> Result<Vec<Inspection>> {
    db.fetch_all(
        crate::db::q_dynamic(format!(
            "{SELECT} WHERE i.station_id = $1 AND (i.kind = 'planned' OR i.started_at IS NOT NULL)
              ORDER BY i.planned_on DESC, i.id DESC"
        ))
        .bind(station_id),
    )
    .await
}

pub async fn create(db: &Db, actor: &Actor, i: &NewInspection) -> Result<i64> {
    let mut tx = db.begin().await?;
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO inspections (template_id, unit_kind, station_id, street_id, enterprise_id, kind, planned_on, team, created_by, created_at, inspector_street_id)
               VALUES ($1, $8, $2, $9, $10, $3, $4, $5, $6, $7, $11) RETURNING id")
            .bind(i.template_id)
            .bind(match i.unit {
                Unit::Station(id) => Some(id),
                _ => None,
            })
            .bind(i.kind.as_str())
            .bind(i.planned_on)
            .bind(i.team.as_str())
            .bind(actor.name.as_str())
            .bind(now())
            .bind(i.unit.kind())
            .bind(match i.unit {
                Unit::Street(id) => Some(id),
                _ => None,
            })
            .bind(match i.unit {
                Unit::Enterprise(id) => Some(id),
                _ => None,
            })
            .bind(i.inspector_street),
        )
        .await?;
    // The audit entry is read by admins only; it names the station so an unannounced plan is
    // traceable without showing up anywhere the station can see.
    audit::append(
        &mut tx,
        actor,
        Entry::new("inspection.plan", "inspection", id)
            .detail(serde_json::json!({ "unit": i.unit.kind(), "unit_id": i.unit.id(), "kind": i.kind.as_str(), "inspector_street": i.inspector_street })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

fn refuse(key: &'static str) -> StoreError {
    StoreError::Refused(DomainError::Rule { field: None, key })
}

/// The team arrives: from now on the station sees the inspection.
pub async fn start(db: &Db, actor: &Actor, id: i64) -> Result<()> {
    let mut tx = db.begin().await?;
    let n = tx
        .execute(
            q("UPDATE inspections SET started_at = $1, started_by = $2 WHERE id = $3 AND started_at IS NULL")
                .bind(now())
                .bind(actor.name.as_str())
                .bind(id),
        )
        .await?;
    if n == 0 {
        return Err(refuse("error.inspection_already_started"));
    }
    audit::append(&mut tx, actor, Entry::new("inspection.start", "inspection", id)).await?;
    tx.commit().await
}

/// Records (or corrects) one item's result while the inspection is under way.
pub async fn record(
    db: &Db,
    actor: &Actor,
    insp: &Inspection,
    item_id: i64,
    outcome: Outcome,
    note: Option<&str>,
) -> Result<()> {
    record_all(db, actor, insp, &[(item_id, outcome, note.map(str::to_owned))]).await
}

/// Records a checklist's answers in one transaction: all of them, or none if one item is not
/// this inspection's (a 404) or the inspection is not open.
pub async fn record_all(
    db: &Db,
    actor: &Actor,
    insp: &Inspection,
    answers: &[Answered],
) -> Result<()> {
    if insp.started_at.is_none() {
        return Err(refuse(KEY_NOT_STARTED));
    }
    if insp.finished_at.is_some() {
        return Err(refuse(KEY_FINISHED));
    }
    if answers.is_empty() {
        return Ok(());
    }
    let mut tx = db.begin().await?;
    // Another session may have finished it since the page was read.
    let open: Option<(i64,)> = tx
        .fetch_optional(
            q("SELECT id FROM inspections WHERE id = $1 AND finished_at IS NULL").bind(insp.id),
        )
        .await?;
    if open.is_none() {
        return Err(refuse(KEY_FINISHED));
    }
    for &(item_id, outcome, ref note) in answers {
        let ours: Option<(i64,)> = tx
            .fetch_optional(
                q("SELECT id FROM inspection_items WHERE id = $1 AND template_id = $2")
                    .bind(item_id)
                    .bind(insp.template_id),
            )
            .await?;
        if ours.is_none() {
            return Err(StoreError::NotFound);
        }
        tx.execute(
            q("INSERT INTO inspection_results (inspection_id, item_id, result, note, recorded_by, recorded_at)
               VALUES ($1, $2, $3, $4, $5, $6)
               ON CONFLICT (inspection_id, item_id) DO UPDATE SET result = excluded.result, note = excluded.note,
                   recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at")
            .bind(insp.id)
            .bind(item_id)
            .bind(outcome.as_str())
            .bind(note.as_deref())
            .bind(actor.name.as_str())
            .bind(now()),
        )
        .await?;
    }
    let detail = serde_json::json!({ "items": answers.len() });
    audit::append(
        &mut tx,
        actor,
        Entry::new("inspection.result", "inspection", insp.id).detail(detail),
    )
    .await?;
    tx.commit().await
}

/// Closes the inspection once every item has a result.
pub async fn finish(db: &Db, actor: &Actor, insp: &Inspection) -> Result<()> {
    if insp.started_at.is_none() {
        return Err(refuse(KEY_NOT_STARTED));
    }
    let total = items(db, insp.template_id).await?.len() as i64;
    if insp.recorded < total {
        return Err(refuse(KEY_INCOMPLETE));
    }
    let mut tx = db.begin().await?;
    let n = tx
        .execute(
            q("UPDATE inspections SET finished_at = $1 WHERE id = $2 AND finished_at IS NULL")
                .bind(now())
                .bind(insp.id),
        )
        .await?;
    if n == 0 {
        return Err(refuse(KEY_FINISHED));
    }
    audit::append(&mut tx, actor, Entry::new("inspection.finish", "inspection", insp.id)).await?;
    tx.commit().await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct ResultRow {
    pub item_id: i64,
    #[sqlx(try_from = "String")]
    pub result: Outcome,
    pub note: Option<String>,
    pub recorded_by: String,
}

pub async fn results(db: &Db, inspection_id: i64) -> Result<Vec<ResultRow>> {
    db.fetch_all(
        q("SELECT item_id, result, note, recorded_by FROM inspection_results WHERE inspection_id = $1")
            .bind(inspection_id),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unit_columns_decode_to_the_unit_they_name_or_fail() {
        let cols = |kind: &str, station, enterprise| UnitColumns {
            unit_kind: kind.into(),
            station_id: station,
            street_id: 4,
            enterprise_id: enterprise,
        };
        assert_eq!(Unit::try_from(cols("station", Some(3), None)), Ok(Unit::Station(3)));
        assert_eq!(Unit::try_from(cols("street", None, None)), Ok(Unit::Street(4)));
        assert_eq!(Unit::try_from(cols("enterprise", None, Some(9))), Ok(Unit::Enterprise(9)));
        // Before, both of these read as the street (4).
        assert_eq!(
            Unit::try_from(cols("ward", Some(3), None)),
            Err(UnknownCode { kind: "Unit", code: "ward".into() })
        );
        assert!(Unit::try_from(cols("station", None, None)).is_err());
    }
}
