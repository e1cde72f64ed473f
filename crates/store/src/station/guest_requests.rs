//! Guests' requests (issue 20): written from the guest's own page, routed to a working group with
//! a deadline, answered by the station; the guest sees the state and the answer.

use chrono::{DateTime, Utc};
use serde::Serialize;
use yizhan_core::access::{Actor, Target};
use yizhan_core::station::guest_request::{NewRequest, RequestKind, RequestState, group_for};

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Result, Tx, now, q, q_dynamic};
use crate::error::StoreError;
use crate::notify::outbox::{self, Event};
use crate::station::guest_links::guest_actor;
use yizhan_core::notify::Severity;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Request {
    pub id: i64,
    pub stay_id: i64,
    pub station_id: i64,
    pub street_id: i64,
    pub room_number: String,
    /// The guest's name, unmasked: the web layer masks.
    pub guest_name: String,
    #[sqlx(try_from = "String")]
    pub kind: RequestKind,
    pub body: String,
    pub group_id: Option<i64>,
    pub group_name: Option<String>,
    #[sqlx(try_from = "String")]
    pub state: RequestState,
    pub due_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    /// Who wrote it when a relative did, through their link (else the guest).
    pub relative_name: Option<String>,
}

impl Request {
    pub fn target(&self) -> Target {
        Target::Station { id: self.station_id, street: self.street_id }
    }
}

const SELECT: &str = "SELECT g.id, g.stay_id, g.station_id, st.street_id, r.number AS room_number,
        gu.name AS guest_name, g.kind, g.body, g.group_id, w.name AS group_name, g.state, g.due_at,
        g.created_at, g.answer, g.answered_by, g.answered_at, rl.relative_name
   FROM guest_requests g JOIN stations st ON st.id = g.station_id JOIN stays s ON s.id = g.stay_id
   JOIN rooms r ON r.id = s.room_id JOIN guests gu ON gu.id = s.guest_id
   LEFT JOIN working_groups w ON w.id = g.group_id
   LEFT JOIN relative_links rl ON rl.id = g.relative_link_id";

/// A guest's request, routed to the group that answers its kind. Returns its id.
pub async fn create(db: &Db, stay_id: i64, r: &NewRequest) -> Result<i64> {
    let mut tx = db.begin().await?;
    let id = create_tx(&mut tx, stay_id, r, None, &guest_actor(stay_id)).await?;
    tx.commit().await?;
    Ok(id)
}

/// [`create`] within `tx`, written by the guest or, through link `relative_link`, a relative.
pub(crate) async fn create_tx(
    tx: &mut Tx,
    stay_id: i64,
    r: &NewRequest,
    relative_link: Option<i64>,
    by: &Actor,
) -> Result<i64> {
    let station = crate::station::health::station_of_open(tx, stay_id).await?;
    let groups: Vec<(i64, String)> = tx
        .fetch_all(
            q("SELECT id, name FROM working_groups WHERE station_id = $1 ORDER BY id")
                .bind(station),
        )
        .await?;
    let at = now();
    let group = group_for(r.kind, &groups);
    let due = r.kind.due_at(at);
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO guest_requests (stay_id, station_id, kind, body, group_id, state, due_at,
                   created_at, relative_link_id)
               VALUES ($1, $2, $3, $4, $5, 'received', $6, $7, $8) RETURNING id")
            .bind(stay_id)
            .bind(station)
            .bind(r.kind.as_str())
            .bind(r.text.as_str())
            .bind(group)
            .bind(due)
            .bind(at)
            .bind(relative_link),
        )
        .await?;
    // The group on duty hears of it (no name: the room and what is asked).
    let (station_name, room): (String, String) = tx
        .fetch_one(
            q("SELECT st.name, r.number FROM stays s JOIN stations st ON st.id = s.station_id
                JOIN rooms r ON r.id = s.room_id WHERE s.id = $1")
            .bind(stay_id),
        )
        .await?;
    let group_name = groups.iter().find(|(g, _)| Some(*g) == group).map(|(_, n)| n.as_str());
    let facts = facts(&station_name, &room, r.kind.as_str(), group_name, due, station);
    let e = Event {
        source: "guest",
        source_id: id,
        event: "request",
        // Medicine and complaints are the ones that go wrong loudly when left.
        severity: match r.kind {
            RequestKind::Medicine | RequestKind::Complaint => Severity::Warning,
            _ => Severity::Info,
        },
        station_id: Some(station),
        facts: &facts,
        at,
    };
    outbox::enqueue_nearest(tx, &e).await?;
    audit::append(
        tx,
        by,
        Entry::new("request.create", "guest_request", id)
            .detail(serde_json::json!({ "kind": r.kind.as_str(), "stay_id": stay_id })),
    )
    .await?;
    Ok(id)
}

/// What a request's notification says: the station, the room, the kind (a code), the group
/// that answers and the deadline; never the guest's name or words.
pub(crate) fn facts(
    station: &str,
    room: &str,
    kind: &str,
    group: Option<&str>,
    due_at: DateTime<Utc>,
    station_id: i64,
) -> serde_json::Value {
    serde_json::json!({
        "station": station, "room": room, "kind": kind, "group": group.unwrap_or_default(),
        "due": yizhan_core::time::local_display(due_at),
        "link": format!("/stations/{station_id}/requests"),
    })
}

pub async fn get(db: &Db, id: i64) -> Result<Request> {
    db.fetch_one(q_dynamic(format!("{SELECT} WHERE g.id = $1")).bind(id)).await
}

/// A stay's own requests (not its relatives' messages), the latest first.
pub async fn of_stay(db: &Db, stay_id: i64) -> Result<Vec<Request>> {
    db.fetch_all(
        q_dynamic(format!(
            "{SELECT} WHERE g.stay_id = $1 AND g.relative_link_id IS NULL ORDER BY g.id DESC"
        ))
        .bind(stay_id),
    )
    .await
}

/// The messages written through one relative's link, the latest first.
pub async fn of_relative_link(db: &Db, link_id: i64) -> Result<Vec<Request>> {
    db.fetch_all(
        q_dynamic(format!("{SELECT} WHERE g.relative_link_id = $1 ORDER BY g.id DESC"))
            .bind(link_id),
    )
    .await
}

/// Which of a station's requests a list shows: open ones only or all, of one working group or
/// every group's.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter {
    pub open_only: bool,
    pub group: Option<i64>,
}

impl Filter {
    pub fn open() -> Filter {
        Filter { open_only: true, group: None }
    }

    /// The SQL the filter adds (its group bound as `$2`).
    fn sql(self, alias: &str) -> String {
        let mut w = String::new();
        if self.open_only {
            w.push_str(&format!(" AND {alias}state <> 'done'"));
        }
        w.push_str(&format!(" AND ($2 = 0 OR {alias}group_id = $2)"));
        w
    }
}

/// A page of a station's requests: open ones first by deadline, then answered ones latest first.
pub async fn page(
    db: &Db,
    station_id: i64,
    f: Filter,
    limit: i64,
    offset: i64,
) -> Result<Vec<Request>> {
    db.fetch_all(
        q_dynamic(format!(
            "{SELECT} WHERE g.station_id = $1{}
             ORDER BY (g.state = 'done'), CASE WHEN g.state = 'done' THEN NULL ELSE g.due_at END,
                      g.id DESC
             LIMIT {} OFFSET {}",
            f.sql("g."),
            limit.clamp(1, 5000),
            offset.max(0)
        ))
        .bind(station_id)
        .bind(f.group.unwrap_or(0)),
    )
    .await
}

pub async fn count(db: &Db, station_id: i64, f: Filter) -> Result<i64> {
    let (n,): (i64,) = db
        .fetch_one(
            q_dynamic(format!(
                "SELECT COUNT(*) FROM guest_requests WHERE station_id = $1{}",
                f.sql("")
            ))
            .bind(station_id)
            .bind(f.group.unwrap_or(0)),
        )
        .await?;
    Ok(n)
}

/// Open requests past their deadline at a station.
pub async fn overdue_count(db: &Db, station_id: i64) -> Result<i64> {
    let (n,): (i64,) = db
        .fetch_one(
            q("SELECT COUNT(*) FROM guest_requests WHERE station_id = $1 AND state <> 'done' AND due_at < $2")
                .bind(station_id)
                .bind(now()),
        )
        .await?;
    Ok(n)
}

/// The station's answer: the request moves from `from` (as read) to `to`, once; a request
/// answered meanwhile by someone else is refused, not overwritten.
pub async fn answer(
    db: &Db,
    actor: &Actor,
    id: i64,
    from: RequestState,
    to: RequestState,
    text: Option<&str>,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let at = now();
    let n = tx
        .execute(
            q("UPDATE guest_requests SET state = $1, answer = COALESCE($2, answer), answered_by = $3,
                   answered_at = $4, done_at = CASE WHEN $1 = 'done' THEN $4 ELSE NULL END
               WHERE id = $5 AND state = $6")
            .bind(to.as_str())
            .bind(text)
            .bind(actor.name.as_str())
            .bind(at)
            .bind(id)
            .bind(from.as_str()),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::rule(Some("state"), "error.request_state"));
    }
    audit::append(
        &mut tx,
        actor,
        Entry::new("request.answer", "guest_request", id)
            .detail(serde_json::json!({ "from": from.as_str(), "to": to.as_str() })),
    )
    .await?;
    tx.commit().await
}
