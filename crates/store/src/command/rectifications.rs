//! Rectification orders (整改) from failed inspection items, through submission, verification
//! (销号) or reopening. Each step is a conditional update on the status it started from, so two
//! people acting at once cannot both succeed.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use yizhan_core::access::{Actor, Grant, Target};
use yizhan_core::command::inspection::Unit;
use yizhan_core::command::rectification::{
    Action, KEY_NOT_FAILED, KEY_WRONG_STATE, NewOrder, Status, is_overdue, next,
};
use yizhan_core::error::DomainError;

use crate::admin::audit::{self, Entry};
use crate::command::inspections::Inspection;
use crate::db::{Db, Result, now, q, q_dynamic};
use crate::error::StoreError;
use yizhan_core::command::rectification::Severity;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct Rectification {
    pub id: i64,
    pub inspection_id: i64,
    #[sqlx(try_from = "String")]
    pub inspection_kind: yizhan_core::command::inspection::InspectionKind,
    pub inspection_started: bool,
    /// The street that inspected (`None`: the district), for `seen_by`.
    pub inspector_street_id: Option<i64>,
    pub item_id: i64,
    pub topic: String,
    pub item: String,
    /// station, street or enterprise: the unit that must fix it.
    pub unit_kind: String,
    #[sqlx(flatten, try_from = "crate::command::inspections::UnitColumns")]
    #[serde(skip)]
    pub unit: Unit,
    pub station_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    /// The responsible unit's name.
    pub station_name: String,
    pub street_id: i64,
    #[sqlx(try_from = "String")]
    pub severity: Severity,
    pub finding: String,
    pub responsible: String,
    pub deadline: NaiveDate,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub reply: Option<String>,
    pub submitted_by: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub verdict: Option<String>,
    pub verified_by: Option<String>,
    pub verified_at: Option<DateTime<Utc>>,
    pub reopened: i64,
    pub created_by: String,
}

impl Rectification {
    pub fn unit(&self) -> Unit {
        self.unit
    }
    /// May someone holding `grants` see it? As its inspection (`inspection::may_see`).
    pub fn seen_by(&self, grants: &[Grant]) -> bool {
        yizhan_core::command::inspection::may_see(
            grants,
            self.target(),
            self.inspection_kind,
            self.inspection_started,
            self.inspector_street_id,
        )
    }
    pub fn target(&self) -> Target {
        crate::command::inspections::unit_target(self.unit(), self.street_id)
    }
    pub fn status(&self) -> Status {
        self.status
    }
    pub fn overdue(&self, today: NaiveDate) -> bool {
        is_overdue(self.status(), self.deadline, today)
    }
}

const SELECT: &str = "SELECT r.id, r.inspection_id, i.kind AS inspection_kind,
        (i.started_at IS NOT NULL) AS inspection_started, i.inspector_street_id, r.item_id, it.topic, it.text AS item,
        r.unit_kind, r.station_id, r.enterprise_id, COALESCE(st.name, e.name, sr.name) AS station_name,
        COALESCE(st.street_id, e.street_id, r.street_id) AS street_id, r.severity, r.finding, r.responsible,
        r.deadline, r.status, r.reply, r.submitted_by, r.submitted_at, r.verdict, r.verified_by,
        r.verified_at, r.reopened, r.created_by
   FROM rectifications r JOIN inspections i ON i.id = r.inspection_id
   JOIN inspection_items it ON it.id = r.item_id
   LEFT JOIN stations st ON st.id = r.station_id
   LEFT JOIN enterprises e ON e.id = r.enterprise_id
   LEFT JOIN streets sr ON sr.id = r.street_id";

pub async fn get(db: &Db, id: i64) -> Result<Rectification> {
    db.fetch_one(q_dynamic(format!("{SELECT} WHERE r.id = $1")).bind(id)).await
}

/// Every order, the nearest deadline first (the web layer keeps those in the reader's scope).
pub async fn list(db: &Db) -> Result<Vec<Rectification>> {
    db.fetch_all(q_dynamic(format!(
        "{SELECT} ORDER BY CASE WHEN r.status = 'closed' THEN 1 ELSE 0 END, r.deadline, r.id"
    )))
    .await
}

pub async fn for_inspection(db: &Db, inspection_id: i64) -> Result<Vec<Rectification>> {
    db.fetch_all(
        q_dynamic(format!("{SELECT} WHERE r.inspection_id = $1 ORDER BY r.id")).bind(inspection_id),
    )
    .await
}

fn refuse(key: &'static str) -> StoreError {
    StoreError::Refused(DomainError::Rule { field: None, key })
}

/// Orders the fix of one failed item; the finding is the inspector's note on that item.
pub async fn create(db: &Db, actor: &Actor, insp: &Inspection, o: &NewOrder) -> Result<i64> {
    let mut tx = db.begin().await?;
    let finding: Option<(Option<String>,)> = tx
        .fetch_optional(
            q("SELECT note FROM inspection_results WHERE inspection_id = $1 AND item_id = $2 AND result = 'fail'")
                .bind(insp.id)
                .bind(o.item_id),
        )
        .await?;
    let Some((Some(finding),)) = finding else {
        return Err(StoreError::Refused(DomainError::Rule {
            field: Some("item_id"),
            key: KEY_NOT_FAILED,
        }));
    };
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO rectifications (inspection_id, item_id, station_id, severity, finding, responsible,
                   deadline, created_by, created_at, unit_kind, street_id, enterprise_id)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id")
            .bind(insp.id)
            .bind(o.item_id)
            .bind(insp.station_id)
            .bind(o.severity.as_str())
            .bind(finding.as_str())
            .bind(o.responsible.as_str())
            .bind(o.deadline)
            .bind(actor.name.as_str())
            .bind(now())
            .bind(insp.unit_kind.as_str())
            .bind(match insp.unit() {
                Unit::Street(id) => Some(id),
                _ => None,
            })
            .bind(insp.enterprise_id),
        )
        .await?;
    audit::append(
        &mut tx,
        actor,
        Entry::new("rectification.order", "rectification", id)
            .detail(serde_json::json!({ "inspection_id": insp.id, "item_id": o.item_id })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Moves an order one step. `text` is the report (submit), the remark (close) or the reason
/// (reopen).
pub async fn act(
    db: &Db,
    actor: &Actor,
    id: i64,
    action: Action,
    text: Option<&str>,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let (status,): (String,) =
        tx.fetch_one(q("SELECT status FROM rectifications WHERE id = $1").bind(id)).await?;
    let from = Status::parse(&status).ok_or_else(|| refuse(KEY_WRONG_STATE))?;
    let to = next(from, action).map_err(StoreError::Refused)?;
    let sql = match action {
        Action::Submit => {
            "UPDATE rectifications SET status = $1, reply = $2, submitted_by = $3, submitted_at = $4
              WHERE id = $5 AND status = $6"
        }
        Action::Close | Action::Reopen => {
            "UPDATE rectifications SET status = $1, verdict = $2, verified_by = $3, verified_at = $4,
                    reopened = reopened + CASE WHEN $1 = 'reopened' THEN 1 ELSE 0 END
              WHERE id = $5 AND status = $6"
        }
    };
    let n = tx
        .execute(
            q_dynamic(sql.to_owned())
                .bind(to.as_str())
                .bind(text)
                .bind(actor.name.as_str())
                .bind(now())
                .bind(id)
                .bind(from.as_str()),
        )
        .await?;
    if n == 0 {
        return Err(refuse(KEY_WRONG_STATE));
    }
    audit::append(
        &mut tx,
        actor,
        Entry::new("rectification.step", "rectification", id)
            .detail(serde_json::json!({ "from": from.as_str(), "to": to.as_str() })),
    )
    .await?;
    tx.commit().await
}
