//! Planned arrivals (入住预排): the list a port or the district sends, kept before the people
//! come; the command's allocation to stations, refused whole when a station no longer has the
//! beds; and the station's check-in of one, which copies the person into its guests and opens
//! the stay in one transaction.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use yizhan_core::access::{Actor, Target};
use yizhan_core::station::allocation::{Room, Waiting, takes_of};
use yizhan_core::station::guest::GuestCategory;
use yizhan_core::station::intake::{ArrivalState, NewArrival};
use yizhan_core::validate::DocType;

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Marks, Result, Tx, now, q, q_dynamic};
use crate::error::StoreError;
use crate::station::guests::{REGISTRATION, guest_fields};
use crate::station::policies::PolicyRow;
use crate::station::stays::{self, CheckIn, Stay};

/// A planned arrival as lists show it. Serialising this exposes PII: the web layer masks.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Arrival {
    pub id: i64,
    pub run_id: Option<i64>,
    #[sqlx(try_from = "String")]
    pub doc_type: DocType,
    pub doc_number: String,
    pub name: String,
    pub phone: String,
    #[sqlx(try_from = "String")]
    pub category: GuestCategory,
    pub party: Option<String>,
    pub expected_on: NaiveDate,
    pub port: String,
    pub policy_code: String,
    #[sqlx(try_from = "String")]
    pub state: ArrivalState,
    pub station_id: Option<i64>,
    pub station: Option<String>,
    pub street_id: Option<i64>,
    pub allocated_by: Option<String>,
    pub allocated_at: Option<DateTime<Utc>>,
    pub guest_id: Option<i64>,
    pub stay_id: Option<i64>,
    pub arrived_at: Option<DateTime<Utc>>,
    pub cancel_reason: Option<String>,
}

impl Arrival {
    /// Whose it is: the station's once allocated, the district's before.
    pub fn target(&self) -> Target {
        match (self.station_id, self.street_id) {
            (Some(id), Some(street)) => Target::Station { id, street },
            _ => Target::District,
        }
    }
}

const SELECT: &str = "SELECT a.id, a.run_id, a.doc_type, a.doc_number, a.name, a.phone, a.category,
        a.party, a.expected_on, a.port, a.policy_code, a.state, a.station_id, st.name AS station,
        st.street_id, a.allocated_by, a.allocated_at, a.guest_id, a.stay_id, a.arrived_at,
        a.cancel_reason
   FROM planned_arrivals a LEFT JOIN stations st ON st.id = a.station_id";

/// Which arrivals a list shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct ArrivalFilter<'a> {
    /// One station's (its expected arrivals), or all.
    pub station_id: Option<i64>,
    pub state: Option<ArrivalState>,
    pub day: Option<NaiveDate>,
    /// A name's part, a whole document number or its last 4 characters, a party, a port.
    pub search: Option<&'a str>,
}

fn filtered(f: &ArrivalFilter<'_>) -> (String, Vec<Bind>) {
    let mut sql = String::from(" WHERE 1 = 1");
    let mut binds = Vec::new();
    if let Some(s) = f.station_id {
        let n = next(Bind::Int(s), &mut binds);
        sql.push_str(&format!(" AND a.station_id = {n}"));
    }
    if let Some(s) = f.state {
        let n = next(Bind::Text(s.as_str().to_owned()), &mut binds);
        sql.push_str(&format!(" AND a.state = {n}"));
    }
    if let Some(d) = f.day {
        let n = next(Bind::Day(d), &mut binds);
        sql.push_str(&format!(" AND a.expected_on = {n}"));
    }
    if let Some(t) = f.search.map(str::trim).filter(|t| !t.is_empty()) {
        let like = next(Bind::Text(crate::db::contains_pattern(t)), &mut binds);
        let exact = next(Bind::Text(t.to_uppercase()), &mut binds);
        let tail =
            next(Bind::Text(format!("%{}", crate::db::escape_like(&t.to_uppercase()))), &mut binds);
        sql.push_str(&format!(
            " AND (LOWER(a.name) LIKE LOWER({like}) ESCAPE '\\' OR a.doc_number = {exact}
                OR (LENGTH({exact}) >= 4 AND a.doc_number LIKE {tail} ESCAPE '\\')
                OR a.party = {exact} OR LOWER(a.port) LIKE LOWER({like}) ESCAPE '\\')"
        ));
    }
    (sql, binds)
}

/// Binds `b` next and gives its placeholder.
fn next(b: Bind, binds: &mut Vec<Bind>) -> String {
    binds.push(b);
    format!("${}", binds.len())
}

enum Bind {
    Int(i64),
    Text(String),
    Day(NaiveDate),
}

fn bound(sql: String, binds: Vec<Bind>) -> crate::db::Q {
    let mut query = q_dynamic(sql);
    for b in binds {
        query = match b {
            Bind::Int(v) => query.bind(v),
            Bind::Text(v) => query.bind(v),
            Bind::Day(v) => query.bind(v),
        };
    }
    query
}

/// A page of arrivals: the soonest first, a party together, then by name.
pub async fn page(db: &Db, f: &ArrivalFilter<'_>, limit: i64, offset: i64) -> Result<Vec<Arrival>> {
    let (filter, binds) = filtered(f);
    let sql = format!(
        "{SELECT}{filter} ORDER BY a.expected_on, COALESCE(a.party, ''), a.id LIMIT {} OFFSET {}",
        limit.clamp(1, 5000),
        offset.max(0)
    );
    db.fetch_all(bound(sql, binds)).await
}

pub async fn count(db: &Db, f: &ArrivalFilter<'_>) -> Result<i64> {
    let (filter, binds) = filtered(f);
    let (n,): (i64,) = db
        .fetch_one(bound(format!("SELECT COUNT(*) FROM planned_arrivals a{filter}"), binds))
        .await?;
    Ok(n)
}

pub async fn get(db: &Db, id: i64) -> Result<Arrival> {
    db.fetch_one(q_dynamic(format!("{SELECT} WHERE a.id = $1")).bind(id)).await
}

/// Of `doc_numbers`, the (number, day) pairs on the list and not taken off it.
pub async fn planned(db: &Db, doc_numbers: &[String]) -> Result<HashSet<(String, NaiveDate)>> {
    let mut found = HashSet::new();
    for chunk in doc_numbers.chunks(500) {
        let mut query = q_dynamic(format!(
            "SELECT doc_number, expected_on FROM planned_arrivals
              WHERE state <> 'cancelled' AND doc_number IN ({})",
            Marks::new(db.backend()).list(chunk.len())
        ));
        for n in chunk {
            query = query.bind(n.as_str());
        }
        let rows: Vec<(String, NaiveDate)> = db.fetch_all(query).await?;
        found.extend(rows);
    }
    Ok(found)
}

/// Puts checked rows on the list, in one transaction; returns the document numbers someone
/// else put on the list for the same day meanwhile (left out).
pub async fn insert_batch(
    db: &Db,
    run_id: Option<i64>,
    rows: &[NewArrival],
) -> Result<Vec<String>> {
    let mut tx = db.begin().await?;
    let t = now();
    let mut lost = Vec::new();
    for a in rows {
        let id: Option<(i64,)> = tx
            .fetch_optional(
                guest_fields(
                    q("INSERT INTO planned_arrivals (doc_type, doc_number, name, sex, birth_date, phone, phone2,
                           region, category, chronic_disease, pregnant, medical_notes, employer, plate_cn,
                           plate_hk, exemption_status, exemption_date, exemption_reason, party, expected_on,
                           port, policy_code, run_id, state, created_at)
                       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                           $18, $19, $20, $21, $22, $23, 'planned', $24)
                       ON CONFLICT DO NOTHING RETURNING id"),
                    &a.guest,
                )
                .bind(a.party.clone())
                .bind(a.expected_on)
                .bind(a.port.as_str())
                .bind(a.policy_code.as_str())
                .bind(run_id)
                .bind(t),
            )
            .await?;
        if id.is_none() {
            lost.push(a.guest.doc_number.clone());
        }
    }
    tx.commit().await?;
    Ok(lost)
}

/// Takes back what an all-or-nothing import run brought in (still only planned).
pub async fn remove_run_rows(db: &Db, run_id: i64) -> Result<u64> {
    db.execute(
        q("DELETE FROM planned_arrivals WHERE run_id = $1 AND state = 'planned'").bind(run_id),
    )
    .await
}

/// Every arrival waiting for a station.
pub async fn waiting(db: &Db) -> Result<Vec<Waiting>> {
    let rows: Vec<(i64, String, Option<String>, NaiveDate)> = db
        .fetch_all(q("SELECT id, category, party, expected_on FROM planned_arrivals
              WHERE state = 'planned' ORDER BY expected_on, id"))
        .await?;
    rows.into_iter()
        .map(|(id, category, party, expected_on)| {
            let category = GuestCategory::parse(&category)
                .ok_or(yizhan_core::error::UnknownCode { kind: "category", code: category })?;
            Ok(Waiting { id, category, party, expected_on })
        })
        .collect()
}

/// Free beds of every active station (or of `only`): beds of rooms that can take a guest, less
/// the guests in them and the arrivals allocated there and not yet come.
const FREE: &str = "SELECT st.id, st.takes,
        CAST(COALESCE((SELECT SUM(r.beds) FROM rooms r
                        WHERE r.station_id = st.id AND r.state IN ('ready', 'occupied')), 0) AS BIGINT)
      - (SELECT COUNT(*) FROM stays s JOIN rooms r ON r.id = s.room_id
          WHERE s.station_id = st.id AND s.ended_at IS NULL AND r.state IN ('ready', 'occupied'))
      - (SELECT COUNT(*) FROM planned_arrivals a WHERE a.station_id = st.id AND a.state = 'allocated')
   FROM stations st WHERE st.active";

fn rooms_of(rows: Vec<(i64, String, i64)>) -> Vec<Room> {
    rows.into_iter()
        .map(|(station_id, takes, free_beds)| Room {
            station_id,
            takes: takes_of(&takes),
            free_beds: free_beds.max(0),
        })
        .collect()
}

/// Every active station as the proposal sees it.
pub async fn rooms(db: &Db) -> Result<Vec<Room>> {
    Ok(rooms_of(db.fetch_all(q_dynamic(format!("{FREE} ORDER BY st.id"))).await?))
}

/// Gives each arrival of `placed` (arrival, station) its station, all or none: each station is
/// locked and its free beds counted again, and a station that no longer has them, or an arrival
/// no longer waiting, refuses the whole allocation. `from_state`: `planned` for a proposal,
/// `allocated` too for the command moving one arrival. Returns arrivals per station.
pub async fn allocate(
    db: &Db,
    actor: &Actor,
    placed: &[(i64, i64)],
    reassign: bool,
) -> Result<BTreeMap<i64, i64>> {
    let mut per_station: BTreeMap<i64, i64> = BTreeMap::new();
    for (_, s) in placed {
        *per_station.entry(*s).or_insert(0) += 1;
    }
    let mut tx = db.begin().await?;
    // In one order (by id), so two confirmations wait for each other rather than deadlock.
    for s in per_station.keys() {
        tx.execute(q("UPDATE stations SET takes = takes WHERE id = $1").bind(*s)).await?;
    }
    let free = free_in_tx(&mut tx).await?;
    for (station, n) in &per_station {
        let room = free.iter().find(|r| r.station_id == *station);
        if room.is_none_or(|r| r.free_beds < *n) {
            return Err(StoreError::rule(None, "error.arrival_beds_gone"));
        }
    }
    let at = now();
    let states = if reassign { "('planned', 'allocated')" } else { "('planned')" };
    for (arrival, station) in placed {
        let n = tx
            .execute(
                q_dynamic(format!(
                    "UPDATE planned_arrivals SET state = 'allocated', station_id = $1,
                         allocated_by = $2, allocated_at = $3
                      WHERE id = $4 AND state IN {states}"
                ))
                .bind(*station)
                .bind(actor.name.as_str())
                .bind(at)
                .bind(*arrival),
            )
            .await?;
        if n == 0 {
            return Err(StoreError::rule(None, "error.proposal_stale"));
        }
    }
    audit::append(
        &mut tx,
        actor,
        Entry::new("arrival.allocate", "station", per_station.keys().next().copied().unwrap_or(0))
            .detail(serde_json::json!({ "per_station": per_station, "arrivals": placed.len() })),
    )
    .await?;
    tx.commit().await?;
    Ok(per_station)
}

async fn free_in_tx(tx: &mut Tx) -> Result<Vec<Room>> {
    Ok(rooms_of(tx.fetch_all(q_dynamic(format!("{FREE} ORDER BY st.id"))).await?))
}

/// Takes arrival `id` off the list (not yet arrived), saying why.
pub async fn cancel(db: &Db, actor: &Actor, id: i64, reason: &str) -> Result<()> {
    let mut tx = db.begin().await?;
    let n = tx
        .execute(
            q("UPDATE planned_arrivals SET state = 'cancelled', cancel_reason = $1
                WHERE id = $2 AND state IN ('planned', 'allocated')")
            .bind(reason)
            .bind(id),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::rule(None, "error.arrival_not_open"));
    }
    audit::append(&mut tx, actor, Entry::new("arrival.cancel", "planned_arrival", id)).await?;
    tx.commit().await
}

/// Checks arrival `id` in at the station it was allocated to, into a bed of `room_id`: the
/// person's record at the station found by document or made from the list, the stay opened
/// under the arrival's policy in force today. A second check-in of the same arrival waits on
/// the first and is then refused.
pub async fn check_in(db: &Db, actor: &Actor, id: i64, room_id: i64) -> Result<Stay> {
    let mut tx = db.begin().await?;
    let room: Option<(i64,)> =
        tx.fetch_optional(q("SELECT station_id FROM rooms WHERE id = $1").bind(room_id)).await?;
    let Some((station,)) = room else {
        return Err(StoreError::rule(Some("room_id"), "error.room_not_ready"));
    };
    let n = tx
        .execute(
            q("UPDATE planned_arrivals SET state = state
                WHERE id = $1 AND state = 'allocated' AND station_id = $2")
            .bind(id)
            .bind(station),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::rule(None, "error.arrival_not_open"));
    }
    let at = now();
    let (code,): (String,) =
        tx.fetch_one(q("SELECT policy_code FROM planned_arrivals WHERE id = $1").bind(id)).await?;
    let policy: Option<PolicyRow> = tx
        .fetch_optional(
            q("SELECT * FROM quarantine_policies
                WHERE code = $1 AND valid_from <= $2 AND (valid_to IS NULL OR valid_to >= $2)
                ORDER BY valid_from DESC LIMIT 1")
            .bind(code.as_str())
            .bind(yizhan_core::time::local_date(at)),
        )
        .await?;
    let Some(policy) = policy else {
        return Err(StoreError::rule(None, "error.policy_unknown"));
    };
    let guest = guest_of(&mut tx, actor, id, station, at).await?;
    let c = CheckIn { station_id: station, guest_id: guest, room_id, policy_id: policy.id, at };
    let stay = stays::check_in_tx(&mut tx, actor, &c, &policy.policy()).await?;
    tx.execute(
        q("UPDATE planned_arrivals SET state = 'arrived', guest_id = $1, stay_id = $2, arrived_at = $3
            WHERE id = $4")
        .bind(guest)
        .bind(stay)
        .bind(at)
        .bind(id),
    )
    .await?;
    tx.commit().await?;
    stays::get(db, stay).await
}

/// The person's guest record at `station`: the one with the same document, or one made now from
/// the list's row.
async fn guest_of(
    tx: &mut Tx,
    actor: &Actor,
    arrival: i64,
    station: i64,
    at: DateTime<Utc>,
) -> Result<i64> {
    let found: Option<(i64,)> = tx
        .fetch_optional(
            q("SELECT g.id FROM planned_arrivals a JOIN guests g
                  ON g.doc_type = a.doc_type AND g.doc_number = a.doc_number AND g.station_id = $2
                WHERE a.id = $1")
            .bind(arrival)
            .bind(station),
        )
        .await?;
    if let Some((id,)) = found {
        return Ok(id);
    }
    let (id,): (i64,) = tx
        .fetch_one(
            q_dynamic(format!(
                "INSERT INTO guests (station_id, {REGISTRATION}, created_at, updated_at)
                 SELECT $2, {REGISTRATION}, $3, $3 FROM planned_arrivals WHERE id = $1 RETURNING id"
            ))
            .bind(arrival)
            .bind(station)
            .bind(at),
        )
        .await?;
    audit::append(
        tx,
        actor,
        Entry::new("guest.create", "guest", id)
            .detail(serde_json::json!({ "station_id": station, "arrival_id": arrival })),
    )
    .await?;
    Ok(id)
}

/// Arrival `a` and the others of its party on its day, still open (`a` alone if it has none).
pub async fn party_of(db: &Db, a: &Arrival) -> Result<Vec<Arrival>> {
    match &a.party {
        None => Ok(vec![a.clone()]),
        Some(p) => {
            db.fetch_all(
                q_dynamic(format!(
                    "{SELECT} WHERE a.party = $1 AND a.expected_on = $2
                       AND a.state IN ('planned', 'allocated') ORDER BY a.id"
                ))
                .bind(p.as_str())
                .bind(a.expected_on),
            )
            .await
        }
    }
}

/// The rooms where people of a party are now at `station` (party, room), to put the rest of
/// the party with them.
pub async fn party_rooms(db: &Db, station: i64) -> Result<Vec<(Option<String>, i64)>> {
    db.fetch_all(
        q("SELECT a.party, s.room_id FROM planned_arrivals a JOIN stays s ON s.id = a.stay_id
            WHERE a.station_id = $1 AND a.state = 'arrived' AND a.party IS NOT NULL
              AND s.ended_at IS NULL
            ORDER BY a.id")
        .bind(station),
    )
    .await
}
