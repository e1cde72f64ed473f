//! Notices (通报): drafts read the records live; publishing stores the content once, on the
//! condition that the notice is still a draft.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use yizhan_core::access::{Actor, Target};
use yizhan_core::command::notice::{FindingLine, KEY_PUBLISHED, NewNotice, UnitLine};
use yizhan_core::error::DomainError;
use yizhan_core::time::day_start_utc;

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Result, now, q};
use crate::error::StoreError;
use yizhan_core::command::notice::NoticeStatus;
use yizhan_core::command::rectification::{Severity, Status};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct Notice {
    pub id: i64,
    pub title: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub street_id: Option<i64>,
    pub street: Option<String>,
    pub summary: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: NoticeStatus,
    pub body: Option<String>,
    pub created_by: String,
    pub published_by: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
}

impl Notice {
    /// Whom it concerns: the street, or the whole district.
    pub fn target(&self) -> Target {
        match self.street_id {
            Some(id) => Target::Street(id),
            None => Target::District,
        }
    }
    pub fn published(&self) -> bool {
        self.status == NoticeStatus::Published
    }
}

const SELECT: &str =
    "SELECT n.id, n.title, n.period_from, n.period_to, n.street_id, t.name AS street, n.summary,
        n.status, n.body, n.created_by, n.published_by, n.published_at
   FROM notices n LEFT JOIN streets t ON t.id = n.street_id";

pub async fn get(db: &Db, id: i64) -> Result<Notice> {
    db.fetch_one(crate::db::q_dynamic(format!("{SELECT} WHERE n.id = $1")).bind(id)).await
}

/// Every notice, newest period first (the web layer keeps those the reader may see).
pub async fn list(db: &Db) -> Result<Vec<Notice>> {
    db.fetch_all(crate::db::q_dynamic(format!("{SELECT} ORDER BY n.period_to DESC, n.id DESC")))
        .await
}

pub async fn create(db: &Db, actor: &Actor, n: &NewNotice) -> Result<i64> {
    let mut tx = db.begin().await?;
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO notices (title, period_from, period_to, street_id, summary, created_by, created_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
            .bind(n.title.as_str())
            .bind(n.period_from)
            .bind(n.period_to)
            .bind(n.street_id)
            .bind(n.summary.as_deref())
            .bind(actor.name.as_str())
            .bind(now()),
        )
        .await?;
    audit::append(&mut tx, actor, Entry::new("notice.draft", "notice", id)).await?;
    tx.commit().await?;
    Ok(id)
}

/// Freezes `body` (the content as JSON) and publishes; a notice is published once.
pub async fn publish(db: &Db, actor: &Actor, id: i64, body: &str) -> Result<()> {
    let mut tx = db.begin().await?;
    let n = tx
        .execute(
            q("UPDATE notices SET status = 'published', body = $1, published_by = $2, published_at = $3
                WHERE id = $4 AND status = 'draft'")
            .bind(body)
            .bind(actor.name.as_str())
            .bind(now())
            .bind(id),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Refused(DomainError::Rule { field: None, key: KEY_PUBLISHED }));
    }
    audit::append(&mut tx, actor, Entry::new("notice.publish", "notice", id)).await?;
    tx.commit().await
}

#[derive(sqlx::FromRow)]
struct UnitRow {
    kind: String,
    station_id: i64,
    station: String,
    street: String,
    inspections: i64,
    findings: i64,
    minor: i64,
    major: i64,
    critical: i64,
    unordered: i64,
    closed: i64,
    overdue: i64,
}

/// Per station in scope: inspections started in the period, their failed items by the
/// severity of the ordered rectification, and how those stand (overdue as of `today`).
pub async fn units(
    db: &Db,
    from: NaiveDate,
    to: NaiveDate,
    street: Option<i64>,
    today: NaiveDate,
) -> Result<Vec<UnitLine>> {
    let rows: Vec<UnitRow> = db
        .fetch_all(
            q("WITH i AS (SELECT ins.id, ins.unit_kind AS kind,
                             COALESCE(ins.station_id, ins.enterprise_id, ins.street_id) AS unit_id,
                             COALESCE(st.name, e.name, sr.name) AS name,
                             COALESCE(st.street_id, e.street_id, ins.street_id) AS street_id
                        FROM inspections ins
                        LEFT JOIN stations st ON st.id = ins.station_id
                        LEFT JOIN enterprises e ON e.id = ins.enterprise_id
                        LEFT JOIN streets sr ON sr.id = ins.street_id
                       WHERE ins.started_at >= $1 AND ins.started_at < $2),
                    f AS (SELECT i.kind, i.unit_id, x.severity, x.status, x.deadline, x.id AS rect
                            FROM inspection_results r JOIN i ON i.id = r.inspection_id
                            LEFT JOIN rectifications x ON x.inspection_id = r.inspection_id AND x.item_id = r.item_id
                           WHERE r.result = 'fail'),
                    u AS (SELECT DISTINCT kind, unit_id, name, street_id FROM i)
               SELECT u.kind, u.unit_id AS station_id, u.name AS station, t.name AS street,
                      (SELECT COUNT(*) FROM i WHERE i.kind = u.kind AND i.unit_id = u.unit_id) AS inspections,
                      (SELECT COUNT(*) FROM f WHERE f.kind = u.kind AND f.unit_id = u.unit_id) AS findings,
                      (SELECT COUNT(*) FROM f WHERE f.kind = u.kind AND f.unit_id = u.unit_id AND f.severity = 'minor') AS minor,
                      (SELECT COUNT(*) FROM f WHERE f.kind = u.kind AND f.unit_id = u.unit_id AND f.severity = 'major') AS major,
                      (SELECT COUNT(*) FROM f WHERE f.kind = u.kind AND f.unit_id = u.unit_id AND f.severity = 'critical') AS critical,
                      (SELECT COUNT(*) FROM f WHERE f.kind = u.kind AND f.unit_id = u.unit_id AND f.rect IS NULL) AS unordered,
                      (SELECT COUNT(*) FROM f WHERE f.kind = u.kind AND f.unit_id = u.unit_id AND f.status = 'closed') AS closed,
                      (SELECT COUNT(*) FROM f WHERE f.kind = u.kind AND f.unit_id = u.unit_id AND f.status <> 'closed' AND f.deadline < $3) AS overdue
                 FROM u JOIN streets t ON t.id = u.street_id
                WHERE ($4 = 0 OR u.street_id = $4)
                ORDER BY u.name")
            .bind(day_start_utc(from))
            .bind(day_start_utc(to + chrono::Duration::days(1)))
            .bind(today)
            .bind(street.unwrap_or(0)),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| UnitLine {
            kind: r.kind,
            station_id: r.station_id,
            station: r.station,
            street: r.street,
            inspections: r.inspections,
            findings: r.findings,
            minor: r.minor,
            major: r.major,
            critical: r.critical,
            unordered: r.unordered,
            closed: r.closed,
            overdue: r.overdue,
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct FindingRow {
    station: String,
    topic: String,
    item: String,
    finding: Option<String>,
    #[sqlx(try_from = "crate::code::NullableCode")]
    severity: Option<Severity>,
    #[sqlx(try_from = "crate::code::NullableCode")]
    status: Option<Status>,
    deadline: Option<NaiveDate>,
}

/// The failed items of the period in scope, station by station.
pub async fn findings(
    db: &Db,
    from: NaiveDate,
    to: NaiveDate,
    street: Option<i64>,
    today: NaiveDate,
) -> Result<Vec<FindingLine>> {
    let rows: Vec<FindingRow> = db
        .fetch_all(
            q("SELECT COALESCE(st.name, e.name, sr.name) AS station, it.topic, it.text AS item, r.note AS finding,
                      x.severity, x.status, x.deadline
                 FROM inspection_results r
                 JOIN inspections i ON i.id = r.inspection_id
                 JOIN inspection_items it ON it.id = r.item_id
                 LEFT JOIN stations st ON st.id = i.station_id
                 LEFT JOIN enterprises e ON e.id = i.enterprise_id
                 LEFT JOIN streets sr ON sr.id = i.street_id
                 LEFT JOIN rectifications x ON x.inspection_id = r.inspection_id AND x.item_id = r.item_id
                WHERE r.result = 'fail' AND i.started_at >= $1 AND i.started_at < $2
                  AND ($3 = 0 OR COALESCE(st.street_id, e.street_id, i.street_id) = $3)
                ORDER BY 1, i.started_at, it.position")
            .bind(day_start_utc(from))
            .bind(day_start_utc(to + chrono::Duration::days(1)))
            .bind(street.unwrap_or(0)),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let overdue = r.status.is_some_and(|s| s != Status::Closed)
                && r.deadline.is_some_and(|d| d < today);
            FindingLine {
                station: r.station,
                topic: r.topic,
                item: r.item,
                finding: r.finding.unwrap_or_default(),
                severity: r.severity,
                status: r.status,
                deadline: r.deadline,
                overdue,
            }
        })
        .collect())
}
