//! Cases (阳性处置): opened with a positive result, their steps timed by the plan's schedule,
//! each done once (a second hand on the same step is refused), the transfer ending the stay,
//! overdue steps told once, the unsealing sending the room to its routine terminal disinfection,
//! the case closed with its last step.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use yizhan_core::access::Actor;
use yizhan_core::error::DomainError;
use yizhan_core::notify::Severity;
use yizhan_core::station::case::{CaseFact, Step, StepDone, fact, schedule};
use yizhan_core::station::room::{Cause, RoomState};

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Result, Tx, now, q, q_dynamic};
use crate::notify::outbox::{self, Event, Scopes};

/// A case with where it is (the guest's name unmasked: the web layer masks).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Case {
    pub id: i64,
    pub station_id: i64,
    pub street_id: i64,
    pub station: String,
    pub stay_id: i64,
    pub guest_id: i64,
    pub guest_name: String,
    pub room_number: String,
    pub reason: String,
    pub opened_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CaseStep {
    pub id: i64,
    pub case_id: i64,
    #[sqlx(try_from = "String")]
    pub step: Step,
    pub due_at: DateTime<Utc>,
    pub done_at: Option<DateTime<Utc>>,
    pub done_by: Option<String>,
    pub detail: Option<String>,
}

const SELECT: &str = "SELECT c.id, c.station_id, st.street_id, st.name AS station, c.stay_id,
        s.guest_id, g.name AS guest_name, r.number AS room_number, c.reason, c.opened_at, c.closed_at
   FROM cases c JOIN stations st ON st.id = c.station_id JOIN stays s ON s.id = c.stay_id
   JOIN guests g ON g.id = s.guest_id JOIN rooms r ON r.id = c.room_id";

/// Opens the case of stay `stay_id` (at `station_id`, room `room_id`) now, with its steps; a stay
/// with a case already keeps it. In the result's (or the escalation's) transaction; the case's id.
pub(crate) async fn open(
    tx: &mut Tx,
    station_id: i64,
    stay_id: i64,
    room_id: i64,
    reason: &str,
) -> Result<i64> {
    let exists: Option<(i64,)> =
        tx.fetch_optional(q("SELECT id FROM cases WHERE stay_id = $1").bind(stay_id)).await?;
    if let Some((id,)) = exists {
        return Ok(id);
    }
    let (double,): (bool,) = tx
        .fetch_one(
            q("SELECT p.double_sampling FROM stays s JOIN quarantine_policies p ON p.id = s.policy_id WHERE s.id = $1")
                .bind(stay_id),
        )
        .await?;
    // The station's positive-case plan in force may set its own limits.
    let plan: Option<(Option<String>,)> = tx
        .fetch_optional(
            q("SELECT case_minutes FROM emergency_plans WHERE station_id = $1 AND kind = 'positive_case'
                ORDER BY version DESC LIMIT 1")
            .bind(station_id),
        )
        .await?;
    let limits = yizhan_core::care::plans::minutes_from(plan.and_then(|p| p.0).as_deref());
    let at = now();
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO cases (station_id, stay_id, room_id, reason, opened_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
                .bind(station_id)
                .bind(stay_id)
                .bind(room_id)
                .bind(reason)
                .bind(at),
        )
        .await?;
    for (step, minutes) in schedule(double, &limits) {
        tx.execute(
            q("INSERT INTO case_steps (case_id, step, due_at) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(step.as_str())
                .bind(at + Duration::minutes(minutes)),
        )
        .await?;
    }
    Ok(id)
}

pub async fn get(db: &Db, id: i64) -> Result<Case> {
    db.fetch_one(q_dynamic(format!("{SELECT} WHERE c.id = $1")).bind(id)).await
}

pub async fn of_stay(db: &Db, stay_id: i64) -> Result<Option<Case>> {
    db.fetch_optional(q_dynamic(format!("{SELECT} WHERE c.stay_id = $1")).bind(stay_id)).await
}

pub async fn steps(db: &Db, case_id: i64) -> Result<Vec<CaseStep>> {
    db.fetch_all(q("SELECT * FROM case_steps WHERE case_id = $1 ORDER BY due_at, id").bind(case_id))
        .await
}

/// Every case, the open ones first, the latest first (a district has a handful a year).
pub async fn all(db: &Db, limit: i64) -> Result<Vec<Case>> {
    db.fetch_all(q_dynamic(format!(
        "{SELECT} ORDER BY (c.closed_at IS NULL) DESC, c.opened_at DESC, c.id DESC LIMIT {}",
        limit.clamp(1, 10_000)
    )))
    .await
}

/// The cases of the district (or of `street`) in force within [from, to): opened before its end
/// and not closed before its start, as of `to` (or now, if sooner); the oldest first.
pub async fn facts(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    street: Option<i64>,
) -> Result<Vec<CaseFact>> {
    let at = to.min(now());
    let rows: Vec<Case> = db
        .fetch_all(
            q_dynamic(format!(
                "{SELECT} WHERE c.opened_at < $1 AND (c.closed_at IS NULL OR c.closed_at >= $2)
                   AND ($3 = 0 OR st.street_id = $3) ORDER BY c.opened_at, c.id"
            ))
            .bind(to)
            .bind(from)
            .bind(street.unwrap_or(0)),
        )
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for c in rows {
        let steps: Vec<_> =
            steps(db, c.id).await?.into_iter().map(|s| (s.step, s.due_at, s.done_at)).collect();
        let names = (c.station, c.room_number, c.reason);
        out.push(fact(names, c.opened_at, c.closed_at, &steps, at));
    }
    Ok(out)
}

/// Records step `d` of case `id` as done by `actor`; a step done already is refused. The case
/// closes with its last step.
pub async fn record(db: &Db, actor: &Actor, id: i64, d: &StepDone) -> Result<()> {
    let mut tx = db.begin().await?;
    let at = now();
    let n = tx
        .execute(
            q("UPDATE case_steps SET done_at = $1, done_by = $2, detail = $3
                WHERE case_id = $4 AND step = $5 AND done_at IS NULL")
            .bind(at)
            .bind(actor.name.as_str())
            .bind(d.detail.to_string())
            .bind(id)
            .bind(d.step.as_str()),
        )
        .await?;
    if n == 0 {
        return Err(DomainError::Rule { field: Some("step"), key: "error.case_step_done" }.into());
    }
    // The closed-loop transfer takes the person to hospital: their stay ends with it (the room
    // stays sealed for its terminal disinfection).
    if d.step == Step::Transfer {
        let (stay_id, open): (i64, bool) = tx
            .fetch_one(
                q("SELECT s.id, s.ended_at IS NULL FROM cases c JOIN stays s ON s.id = c.stay_id WHERE c.id = $1")
                    .bind(id),
            )
            .await?;
        if open {
            let hospital = d.detail["hospital"].as_str().map(str::to_owned);
            let outcome = yizhan_core::station::stay::Outcome::TransferredHospital;
            crate::station::stays::end(&mut tx, actor, stay_id, outcome, hospital.as_deref())
                .await?;
        }
    }
    if d.step == Step::Unseal {
        unseal(&mut tx, actor, id).await?;
    }
    let (left,): (i64,) = tx
        .fetch_one(
            q("SELECT COUNT(*) FROM case_steps WHERE case_id = $1 AND done_at IS NULL").bind(id),
        )
        .await?;
    if left == 0 {
        tx.execute(q("UPDATE cases SET closed_at = $1 WHERE id = $2").bind(at).bind(id)).await?;
    }
    audit::append(
        &mut tx,
        actor,
        Entry::new("case.step", "case", id).detail(serde_json::json!({ "step": d.step.as_str() })),
    )
    .await?;
    tx.commit().await
}

/// The case's room unsealed: only after its terminal disinfection is recorded, and only once
/// nobody is left in it; it then waits for the routine terminal disinfection and its check (the
/// same path as any room a guest leaves) before it takes a guest again.
async fn unseal(tx: &mut Tx, actor: &Actor, id: i64) -> Result<()> {
    let (disinfected, room_id): (bool, i64) = tx
        .fetch_one(
            q("SELECT k.done_at IS NOT NULL, c.room_id FROM cases c
                 JOIN case_steps k ON k.case_id = c.id AND k.step = 'disinfect' WHERE c.id = $1")
            .bind(id),
        )
        .await?;
    if !disinfected {
        return Err(
            DomainError::Rule { field: Some("step"), key: "error.case_unseal_first" }.into()
        );
    }
    let room = crate::station::rooms::get_in_tx(tx, room_id).await?;
    if room.state() == RoomState::Sealed {
        let reason = yizhan_core::words::word("room.reason.unsealed");
        let to = RoomState::AwaitingDisinfection;
        crate::station::rooms::transition(tx, actor, room_id, to, Cause::Manual, Some(reason))
            .await?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Overdue {
    case_id: i64,
    step: String,
    station_id: i64,
    station: String,
    room: String,
    due_at: DateTime<Utc>,
}

/// Tells of every step past its time and not done, once each: the station, its street and the
/// district (a case is everyone's business). Returns how many.
pub async fn sweep(db: &Db, at: DateTime<Utc>) -> Result<usize> {
    let due: Vec<Overdue> = db
        .fetch_all(
            q("SELECT k.case_id, k.step, c.station_id, st.name AS station, r.number AS room, k.due_at
                 FROM case_steps k JOIN cases c ON c.id = k.case_id JOIN stations st ON st.id = c.station_id
                 JOIN rooms r ON r.id = c.room_id
                WHERE k.done_at IS NULL AND k.due_at < $1
                  AND NOT EXISTS (SELECT 1 FROM inbox i WHERE i.source = 'case' AND i.source_id = k.case_id
                                  AND i.event = 'overdue:' || k.step)")
            .bind(at),
        )
        .await?;
    for d in &due {
        let facts = serde_json::json!({
            "station": d.station, "room": d.room, "step": d.step,
            "due": yizhan_core::time::local_display(d.due_at), "link": format!("/cases/{}", d.case_id),
        });
        let event = format!("overdue:{}", d.step);
        let e = Event {
            source: "case",
            source_id: d.case_id,
            event: &event,
            severity: Severity::Danger,
            station_id: Some(d.station_id),
            facts: &facts,
            at,
        };
        let mut tx = db.begin().await?;
        outbox::enqueue(&mut tx, &e, Scopes::ALL, None).await?;
        tx.commit().await?;
    }
    Ok(due.len())
}
