//! What becomes urgent with time alone, with no write to announce it: a station's rectification
//! or directive past its deadline, a room left waiting for its terminal disinfection, a health
//! round past its deadline with guests not read, yesterday's tests never sampled, a day of home
//! monitoring nobody followed up (and its end, which closes it), a driver late back from a run or
//! not sampled on the day of return, a guest's request past its deadline. Any node
//! may scan (the dispatcher does, every minute); the outbox's and the centre's uniqueness make
//! each one told once (a rectification again after each reopening, a room again each time it
//! waits).

use chrono::{DateTime, NaiveDate, Utc};
use yizhan_core::notify::Severity;
use yizhan_core::station::health::{Slot, SlotConfig, slot_deadline};

use crate::db::{Db, Result, q};
use crate::notify::outbox::{self, Event, Scopes};

#[derive(sqlx::FromRow)]
struct Rectification {
    id: i64,
    station_id: i64,
    station: String,
    finding: String,
    deadline: NaiveDate,
    reopened: i64,
}

/// How long a room may wait for its terminal disinfection before the station is told.
pub const DISINFECTION_WAIT_HOURS: i64 = 4;

/// How many of each a scan told of.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Told {
    pub rectifications: usize,
    pub directives: usize,
    pub rooms: usize,
    /// Station-rounds: one per station and missed round.
    pub rounds: usize,
    /// One per station and day.
    pub samplings: usize,
    /// People under home monitoring with days nobody reached them (once each day's sweep).
    pub home: usize,
    /// Drivers late back from a run, and return days without a sample.
    pub trips: usize,
    /// Steps of a positive case's response past their time.
    pub cases: usize,
    /// Guests' and relatives' requests past their deadline, not answered.
    pub requests: usize,
}

impl Told {
    pub fn total(&self) -> usize {
        self.rectifications
            + self.directives
            + self.rooms
            + self.rounds
            + self.samplings
            + self.home
            + self.trips
            + self.cases
            + self.requests
    }
}

/// Tells of everything overdue at `at` not told of yet.
pub async fn scan(db: &Db, slots: &SlotConfig, at: DateTime<Utc>) -> Result<Told> {
    let today = yizhan_core::time::local_date(at);
    Ok(Told {
        rectifications: rectifications(db, today, at).await?,
        directives: directives(db, today, at).await?,
        rooms: rooms(db, at).await?,
        rounds: rounds(db, slots, at).await?,
        samplings: samplings(db, today, at).await?,
        home: crate::station::home_monitoring::sweep(db, at).await?.missed,
        trips: crate::station::trips::sweep(db, at).await?,
        cases: crate::station::cases::sweep(db, at).await?,
        requests: requests(db, at).await?,
    })
}

/// How far back a missed round is still news (a new deployment does not report last month).
const ROUND_NEWS_HOURS: i64 = 12;

#[derive(sqlx::FromRow)]
struct Unread {
    station_id: i64,
    station: String,
    number: String,
}

/// The rooms of `rows`, station by station: (station, its name, its room numbers).
fn by_station(rows: Vec<Unread>) -> Vec<(i64, String, Vec<String>)> {
    let mut out: Vec<(i64, String, Vec<String>)> = Vec::new();
    for r in rows {
        match out.iter_mut().find(|s| s.0 == r.station_id) {
            Some(s) => s.2.push(r.number),
            None => out.push((r.station_id, r.station, vec![r.number])),
        }
    }
    out
}

/// Facts of a station's missed work: how many, and the first rooms by number.
fn missed_facts(
    station: &str,
    rooms: &[String],
    extra: serde_json::Value,
    at: DateTime<Utc>,
    link: String,
) -> serde_json::Value {
    let mut f = serde_json::json!({
        "station": station, "count": rooms.len(), "rooms": rooms.iter().take(20).cloned().collect::<Vec<_>>().join("、"),
        "at": at, "link": link,
    });
    if let (Some(f), serde_json::Value::Object(x)) = (f.as_object_mut(), extra) {
        f.extend(x);
    }
    f
}

/// A round (上午/下午 temperature) whose deadline passed in the last hours with guests not read:
/// one warning per station and round, naming the rooms.
async fn rounds(db: &Db, slots: &SlotConfig, at: DateTime<Utc>) -> Result<usize> {
    let today = yizhan_core::time::local_date(at);
    let mut told = 0;
    for day in [today - chrono::Duration::days(1), today] {
        for slot in [Slot::Am, Slot::Pm] {
            let deadline = slot_deadline(day, slot, slots);
            if deadline > at || at - deadline > chrono::Duration::hours(ROUND_NEWS_HOURS) {
                continue;
            }
            let event = format!("missed:{day}:{}", slot.as_str());
            let rows: Vec<Unread> = db
                .fetch_all(
                    q("SELECT st.station_id, s.name AS station, r.number
                         FROM stays st JOIN rooms r ON r.id = st.room_id JOIN stations s ON s.id = st.station_id
                        WHERE st.ended_at IS NULL AND st.checked_in_at < $1
                          AND NOT EXISTS (SELECT 1 FROM health_checks h
                                           WHERE h.stay_id = st.id AND h.day = $2 AND h.slot = $3)
                          AND NOT EXISTS (SELECT 1 FROM inbox i WHERE i.source = 'round'
                                           AND i.source_id = st.station_id AND i.event = $4)
                        ORDER BY st.station_id, r.number")
                    .bind(deadline)
                    .bind(day)
                    .bind(slot.as_str())
                    .bind(event.as_str()),
                )
                .await?;
            let extra = serde_json::json!({ "day": day, "slot": slot.as_str() });
            told += tell_stations(db, ("round", &event), rows, extra, "round", at).await?;
        }
    }
    Ok(told)
}

/// Tests due yesterday that were never sampled: one warning per station, naming the rooms.
async fn samplings(db: &Db, today: NaiveDate, at: DateTime<Utc>) -> Result<usize> {
    let day = today - chrono::Duration::days(1);
    let event = format!("unsampled:{day}");
    let rows: Vec<Unread> = db
        .fetch_all(
            q("SELECT st.station_id, s.name AS station, r.number
                 FROM stay_tests t JOIN stays st ON st.id = t.stay_id JOIN rooms r ON r.id = st.room_id
                 JOIN stations s ON s.id = st.station_id
                WHERE t.due_date = $1 AND t.sampled_at IS NULL AND st.ended_at IS NULL
                  AND NOT EXISTS (SELECT 1 FROM inbox i WHERE i.source = 'sampling'
                                   AND i.source_id = st.station_id AND i.event = $2)
                ORDER BY st.station_id, r.number")
            .bind(day)
            .bind(event.as_str()),
        )
        .await?;
    tell_stations(db, ("sampling", &event), rows, serde_json::json!({ "day": day }), "tests", at)
        .await
}

/// Tells each station of `rows` once of (source, event): one warning naming its rooms, linking
/// to its `page`.
async fn tell_stations(
    db: &Db,
    (source, event): (&str, &str),
    rows: Vec<Unread>,
    extra: serde_json::Value,
    page: &str,
    at: DateTime<Utc>,
) -> Result<usize> {
    let mut told = 0;
    for (station_id, station, rooms) in by_station(rows) {
        let link = format!("/stations/{station_id}/{page}");
        let facts = missed_facts(&station, &rooms, extra.clone(), at, link);
        let late =
            Late { source, source_id: station_id, event: event.to_owned(), station_id, facts };
        tell(db, late, at, false).await?;
        told += 1;
    }
    Ok(told)
}

/// What is late, for [`tell`].
struct Late<'a> {
    source: &'a str,
    source_id: i64,
    event: String,
    station_id: i64,
    facts: serde_json::Value,
}

/// Writes one warning at `at`, heard by the station (or the nearest wider group) and, with
/// `street`, its street's command too.
async fn tell(db: &Db, l: Late<'_>, at: DateTime<Utc>, street: bool) -> Result<()> {
    let e = Event {
        source: l.source,
        source_id: l.source_id,
        event: &l.event,
        severity: Severity::Warning,
        station_id: Some(l.station_id),
        facts: &l.facts,
        at,
    };
    let mut tx = db.begin().await?;
    let mut scopes = Scopes::nearest(&mut tx, l.station_id).await?;
    scopes.street |= street;
    outbox::enqueue(&mut tx, &e, scopes, None).await?;
    tx.commit().await
}

async fn rectifications(db: &Db, today: NaiveDate, at: DateTime<Utc>) -> Result<usize> {
    let late: Vec<Rectification> = db
        .fetch_all(
            q("SELECT r.id, r.station_id, s.name AS station, r.finding, r.deadline, r.reopened
                 FROM rectifications r JOIN stations s ON s.id = r.station_id
                WHERE r.unit_kind = 'station' AND r.status <> 'closed' AND r.deadline < $1
                  AND NOT EXISTS (SELECT 1 FROM inbox i WHERE i.source = 'rectification'
                                     AND i.source_id = r.id AND i.event = 'overdue:' || r.reopened)
                ORDER BY r.deadline, r.id LIMIT 200")
            .bind(today),
        )
        .await?;
    let mut told = 0;
    for r in late {
        let facts = serde_json::json!({
            "station": r.station, "finding": r.finding, "deadline": r.deadline,
            "days": (today - r.deadline).num_days(), "at": at,
            "link": format!("/rectifications/{}", r.id),
        });
        let late = Late {
            source: "rectification",
            source_id: r.id,
            event: format!("overdue:{}", r.reopened),
            station_id: r.station_id,
            facts,
        };
        // The station that must act, and the street's command that ordered it and checks it.
        tell(db, late, at, true).await?;
        told += 1;
    }
    Ok(told)
}

#[derive(sqlx::FromRow)]
struct Unconfirmed {
    id: i64,
    title: String,
    deadline: NaiveDate,
    station_id: i64,
    station: String,
}

/// Directives a station has not confirmed by their deadline: the station hears, once.
async fn directives(db: &Db, today: NaiveDate, at: DateTime<Utc>) -> Result<usize> {
    let late: Vec<Unconfirmed> = db
        .fetch_all(
            q("SELECT d.id, d.title, d.deadline, r.target_id AS station_id, s.name AS station
                 FROM directives d JOIN directive_recipients r ON r.directive_id = d.id
                 JOIN stations s ON s.id = r.target_id
                WHERE d.status = 'published' AND r.kind = 'station' AND r.acknowledged_at IS NULL
                  AND d.deadline < $1
                  AND NOT EXISTS (SELECT 1 FROM inbox i WHERE i.source = 'directive'
                                     AND i.source_id = d.id AND i.event = 'overdue:' || r.target_id)
                ORDER BY d.deadline, d.id LIMIT 200")
            .bind(today),
        )
        .await?;
    for d in &late {
        let facts = serde_json::json!({
            "station": d.station, "title": d.title, "deadline": d.deadline,
            "days": (today - d.deadline).num_days(), "at": at,
            "link": format!("/directives/{}", d.id),
        });
        let late = Late {
            source: "directive",
            source_id: d.id,
            event: format!("overdue:{}", d.station_id),
            station_id: d.station_id,
            facts,
        };
        tell(db, late, at, false).await?;
    }
    Ok(late.len())
}

#[derive(sqlx::FromRow)]
struct Waiting {
    id: i64,
    station_id: i64,
    station: String,
    number: String,
    updated_at: DateTime<Utc>,
}

/// Rooms waiting for their terminal disinfection longer than [`DISINFECTION_WAIT_HOURS`]: the
/// station hears, once each time a room waits.
async fn rooms(db: &Db, at: DateTime<Utc>) -> Result<usize> {
    let since = at - chrono::Duration::hours(DISINFECTION_WAIT_HOURS);
    let waiting: Vec<Waiting> = db
        .fetch_all(
            q("SELECT r.id, r.station_id, s.name AS station, r.number, r.updated_at
                 FROM rooms r JOIN stations s ON s.id = r.station_id
                WHERE r.state = 'awaiting_disinfection' AND r.updated_at <= $1
                ORDER BY r.updated_at, r.id LIMIT 200")
            .bind(since),
        )
        .await?;
    let mut told = 0;
    for r in waiting {
        // One episode of waiting is known by when it began.
        let event = format!("waiting:{}", r.updated_at.timestamp());
        let (seen,): (i64,) = db
            .fetch_one(
                q("SELECT COUNT(*) FROM inbox WHERE source = 'room' AND source_id = $1 AND event = $2")
                    .bind(r.id)
                    .bind(event.as_str()),
            )
            .await?;
        if seen > 0 {
            continue;
        }
        let facts = serde_json::json!({
            "station": r.station, "room": r.number, "since": r.updated_at,
            "hours": (at - r.updated_at).num_hours(), "at": at,
            "link": format!("/stations/{}/disinfection", r.station_id),
        });
        let late = Late { source: "room", source_id: r.id, event, station_id: r.station_id, facts };
        tell(db, late, at, false).await?;
        told += 1;
    }
    Ok(told)
}

#[derive(sqlx::FromRow)]
struct LateRequest {
    id: i64,
    station_id: i64,
    station: String,
    room: String,
    kind: String,
    group_name: Option<String>,
    due_at: DateTime<Utc>,
}

/// Guests' (and relatives') requests past their deadline and not done: told once each, to the
/// station's group.
async fn requests(db: &Db, at: DateTime<Utc>) -> Result<usize> {
    let late: Vec<LateRequest> = db
        .fetch_all(
            q("SELECT g.id, g.station_id, st.name AS station, r.number AS room, g.kind,
                      w.name AS group_name, g.due_at
                 FROM guest_requests g JOIN stations st ON st.id = g.station_id
                 JOIN stays s ON s.id = g.stay_id JOIN rooms r ON r.id = s.room_id
                 LEFT JOIN working_groups w ON w.id = g.group_id
                WHERE g.state <> 'done' AND g.due_at < $1
                  AND NOT EXISTS (SELECT 1 FROM inbox i WHERE i.source = 'guest'
                                     AND i.source_id = g.id AND i.event = 'late')
                ORDER BY g.due_at, g.id LIMIT 200")
            .bind(at),
        )
        .await?;
    let told = late.len();
    for r in late {
        let mut facts = crate::station::guest_requests::facts(
            &r.station,
            &r.room,
            &r.kind,
            r.group_name.as_deref(),
            r.due_at,
            r.station_id,
        );
        facts["late"] = true.into();
        let late = Late {
            source: "guest",
            source_id: r.id,
            event: "late".into(),
            station_id: r.station_id,
            facts,
        };
        tell(db, late, at, false).await?;
    }
    Ok(told)
}
