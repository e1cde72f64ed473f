//! Escalation in the store: a station's rules as numbered versions, whom a level reaches (the
//! roster says who is on duty now), and the levels of an alert — the first in the transaction
//! that raises it, each later one by [`escalate_due`] on whichever node gets there first, until
//! someone acknowledges (已知悉) or closes the alert.

use chrono::{DateTime, Utc};
use serde::Serialize;
use yizhan_core::access::Actor;
use yizhan_core::care::roster::{Assignment, Pattern, on_duty};
use yizhan_core::notify::escalation::{
    Audience, Level, Reach, Rules, default_rules, due_at, due_now,
};
use yizhan_core::station::health::AlertReason;

use crate::admin::audit::{self, Entry};
use crate::db::{Backend, Db, Result, Tx, now, q, q_dynamic};
use crate::notify::outbox::{self, Facts, Scopes};

/// One published version of a station's rules.
#[derive(Debug, Clone, Serialize)]
pub struct Version {
    pub id: i64,
    pub station_id: i64,
    pub version: i64,
    pub rules: Rules,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    id: i64,
    station_id: i64,
    version: i64,
    rules: String,
    created_by: String,
    created_at: DateTime<Utc>,
}

impl VersionRow {
    fn read(self) -> Version {
        Version {
            // Written only by `publish` from a checked `Rules`; an unreadable row would be a bug,
            // and the seed chain is the safe reading of it.
            rules: serde_json::from_str(&self.rules).unwrap_or_else(|_| default_rules(None)),
            id: self.id,
            station_id: self.station_id,
            version: self.version,
            created_by: self.created_by,
            created_at: self.created_at,
        }
    }
}

const VERSION_COLUMNS: &str = "id, station_id, version, rules, created_by, created_at";

/// Every version of the station's rules, newest first.
pub async fn versions(db: &Db, station_id: i64) -> Result<Vec<Version>> {
    let rows: Vec<VersionRow> = db
        .fetch_all(
            q_dynamic(format!(
                "SELECT {VERSION_COLUMNS} FROM escalation_rules WHERE station_id = $1 ORDER BY version DESC"
            ))
            .bind(station_id),
        )
        .await?;
    Ok(rows.into_iter().map(VersionRow::read).collect())
}

/// One version by its id (the one an alert follows).
pub async fn get(db: &Db, id: i64) -> Result<Version> {
    let row: VersionRow = db
        .fetch_one(
            q_dynamic(format!("SELECT {VERSION_COLUMNS} FROM escalation_rules WHERE id = $1"))
                .bind(id),
        )
        .await?;
    Ok(row.read())
}

async fn version(tx: &mut Tx, id: i64) -> Result<Version> {
    let row: VersionRow = tx
        .fetch_one(
            q_dynamic(format!("SELECT {VERSION_COLUMNS} FROM escalation_rules WHERE id = $1"))
                .bind(id),
        )
        .await?;
    Ok(row.read())
}

/// Adds the next version of the station's rules (its number one above the newest; two people
/// publishing at once get two numbers, or one waits). Returns its id.
async fn insert(tx: &mut Tx, actor: &str, station_id: i64, rules: &Rules) -> Result<Option<i64>> {
    let json = serde_json::to_string(rules).unwrap_or_default();
    let row: Option<(i64,)> = tx
        .fetch_optional(
            q("INSERT INTO escalation_rules (station_id, version, rules, created_by, created_at)
               SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4 FROM escalation_rules WHERE station_id = $1
               ON CONFLICT (station_id, version) DO NOTHING RETURNING id")
            .bind(station_id)
            .bind(json)
            .bind(actor)
            .bind(now()),
        )
        .await?;
    Ok(row.map(|(id,)| id))
}

/// Publishes a new version of the station's rules, audited. Alerts already open keep theirs.
pub async fn publish(db: &Db, actor: &Actor, station_id: i64, rules: &Rules) -> Result<Version> {
    let mut tx = db.begin().await?;
    let id = match insert(&mut tx, actor.name.as_str(), station_id, rules).await? {
        Some(id) => id,
        // Someone published the same number a moment ago: this one is the next.
        None => {
            return Err(yizhan_core::error::DomainError::Rule {
                field: None,
                key: "error.published_meanwhile",
            }
            .into());
        }
    };
    let v = version(&mut tx, id).await?;
    audit::append(
        &mut tx,
        actor,
        Entry::new("escalation.publish", "station", station_id)
            .detail(serde_json::json!({ "version": v.version })),
    )
    .await?;
    tx.commit().await?;
    Ok(v)
}

/// The station's medical group, for the seed chain: the one named as the seed names it.
async fn medical_group(tx: &mut Tx, station_id: i64) -> Result<Option<i64>> {
    let name = yizhan_core::words::words("care.usual_groups").get(1).copied().unwrap_or_default();
    let row: Option<(i64,)> = tx
        .fetch_optional(
            q("SELECT id FROM working_groups WHERE station_id = $1 AND name = $2")
                .bind(station_id)
                .bind(name),
        )
        .await?;
    Ok(row.map(|(id,)| id))
}

/// The version in force at the station: its newest, or (none published yet) the seed chain,
/// published as version 1 by the system so that every alert names the rules it followed.
async fn in_force(tx: &mut Tx, station_id: i64) -> Result<Version> {
    let newest = || {
        q_dynamic(format!(
            "SELECT {VERSION_COLUMNS} FROM escalation_rules WHERE station_id = $1 ORDER BY version DESC LIMIT 1"
        ))
        .bind(station_id)
    };
    if let Some(row) = tx.fetch_optional::<VersionRow>(newest()).await? {
        return Ok(row.read());
    }
    let rules = default_rules(medical_group(tx, station_id).await?);
    insert(tx, "system", station_id, &rules).await?;
    let row: VersionRow = tx.fetch_one(newest()).await?;
    Ok(row.read())
}

/// The rules a station would follow now, without publishing anything (the page's starting point).
pub async fn current(db: &Db, station_id: i64) -> Result<Rules> {
    if let Some(v) = versions(db, station_id).await?.into_iter().next() {
        return Ok(v.rules);
    }
    let mut tx = db.begin().await?;
    let medical = medical_group(&mut tx, station_id).await?;
    tx.commit().await?;
    Ok(default_rules(medical))
}

/// A person a level reaches by name in the station's group (mentioned by mobile number, which
/// the message's text never holds).
#[derive(Debug, Clone, sqlx::FromRow)]
struct Person {
    name: String,
    phone: String,
}

async fn group_on_duty(tx: &mut Tx, group_id: i64, at: DateTime<Utc>) -> Result<Vec<Person>> {
    let pattern: Option<(String,)> = tx
        .fetch_optional(q("SELECT pattern FROM working_groups WHERE id = $1").bind(group_id))
        .await?;
    let Some(pattern) = pattern.and_then(|(p,)| Pattern::parse(&p)) else {
        return Ok(Vec::new());
    };
    let local = yizhan_core::time::local_naive(at);
    // A night shift that started yesterday may still be running.
    let rows: Vec<(i64, chrono::NaiveDate, i64)> = tx
        .fetch_all(
            q("SELECT staff_id, day, shift FROM roster_shifts WHERE group_id = $1 AND day >= $2 AND day <= $3")
                .bind(group_id)
                .bind(local.date() - chrono::Duration::days(1))
                .bind(local.date()),
        )
        .await?;
    let roster: Vec<Assignment> = rows
        .into_iter()
        .map(|(member, date, shift)| Assignment {
            member,
            date,
            shift: u8::try_from(shift).unwrap_or(u8::MAX),
        })
        .collect();
    let mut people = Vec::new();
    for a in on_duty(pattern, &roster, local) {
        let p: Option<Person> = tx
            .fetch_optional(
                q("SELECT name, phone FROM staff WHERE id = $1 AND active").bind(a.member),
            )
            .await?;
        people.extend(p);
    }
    Ok(people)
}

async fn leader(tx: &mut Tx, sql: &'static str, id: i64) -> Result<Vec<Person>> {
    tx.fetch_all(q(sql).bind(id)).await
}

/// Whom `a` names at `station_id` now.
async fn people(
    tx: &mut Tx,
    station_id: i64,
    a: Audience,
    at: DateTime<Utc>,
) -> Result<Vec<Person>> {
    match (a.reach, a.group) {
        (Reach::OnDuty, Some(g)) => group_on_duty(tx, g, at).await,
        (Reach::Leader, Some(g)) => {
            leader(
                tx,
                "SELECT s.name, s.phone FROM working_groups g JOIN staff s ON s.id = g.leader_id WHERE g.id = $1",
                g,
            )
            .await
        }
        (Reach::Command, _) => {
            leader(
                tx,
                "SELECT s.name, s.phone FROM working_groups g JOIN staff s ON s.id = g.leader_id
                  WHERE g.station_id = $1 AND g.is_command ORDER BY g.id LIMIT 1",
                station_id,
            )
            .await
        }
        _ => Ok(Vec::new()),
    }
}

/// The channels a level goes to: the street's and the district's for theirs, the station's own
/// group (or the nearest wider one) for the people of the station.
async fn scopes(tx: &mut Tx, station_id: i64, to: &[Audience]) -> Result<Scopes> {
    let wide = Scopes {
        station: false,
        street: to.iter().any(|a| a.reach == Reach::Street),
        district: to.iter().any(|a| a.reach == Reach::District),
    };
    if to.iter().any(Audience::in_station) {
        return Ok(wide.or(Scopes::nearest(tx, station_id).await?));
    }
    Ok(wide)
}

/// What an alert is, for its levels.
#[derive(Debug, Clone, sqlx::FromRow)]
struct Open {
    id: i64,
    station_id: i64,
    #[sqlx(try_from = "String")]
    kind: AlertReason,
    raised_at: DateTime<Utc>,
    rules_id: Option<i64>,
    next_level: i64,
}

/// Sends level `n` of the alert: its notifications (the base facts, with whom and at which
/// level) and its line on the timeline.
async fn fire(
    tx: &mut Tx,
    a: &Open,
    levels: &[Level],
    n: usize,
    base: &Facts,
    at: DateTime<Utc>,
) -> Result<()> {
    let Some(level) = levels.get(n) else { return Ok(()) };
    let mut names = Vec::new();
    let mut mention = Vec::new();
    for to in &level.to {
        for p in people(tx, a.station_id, *to, at).await? {
            if !mention.contains(&p.phone) {
                names.push(p.name);
                mention.push(p.phone);
            }
        }
    }
    let audience: Vec<String> = level.to.iter().map(Audience::code).collect();
    let mut facts = base.clone();
    facts["level"] = n.into();
    facts["after"] = level.after.into();
    facts["to"] = audience.clone().into();
    facts["mention"] = mention.into();
    let event = if n == 0 { "raised".to_owned() } else { format!("escalated:{n}") };
    let scopes = scopes(tx, a.station_id, &level.to).await?;
    let severity = yizhan_core::notify::severity_of(a.kind);
    let e = outbox::Event {
        source: "alert",
        source_id: a.id,
        event: &event,
        severity,
        station_id: Some(a.station_id),
        facts: &facts,
        at,
    };
    outbox::enqueue(tx, &e, scopes, None).await?;
    tx.execute(
        q("INSERT INTO alert_events (alert_id, kind, level, audience, people, actor, at)
           VALUES ($1, $2, $3, $4, $5, 'system', $6)")
        .bind(a.id)
        .bind(if n == 0 { "raised" } else { "escalated" })
        .bind(n as i64)
        .bind(audience.join(","))
        .bind(names.join("、"))
        .bind(at),
    )
    .await?;
    Ok(())
}

/// Moves the alert past the levels due at `at` and sets when the next one is.
async fn advance(
    tx: &mut Tx,
    a: &Open,
    levels: &[Level],
    base: &Facts,
    at: DateTime<Utc>,
) -> Result<bool> {
    let next = usize::try_from(a.next_level).unwrap_or(usize::MAX);
    let n = due_now(levels, a.raised_at, next, at);
    let later = due_at(levels, a.raised_at, next + n);
    // Only the transaction that moves it from where it was may send: a second node finds it moved.
    let moved = tx
        .execute(
            q("UPDATE alerts SET next_level = $1, next_level_at = $2 WHERE id = $3 AND next_level = $4")
                .bind((next + n) as i64)
                .bind(later)
                .bind(a.id)
                .bind(a.next_level),
        )
        .await?;
    if moved == 0 {
        return Ok(false);
    }
    for i in next..next + n {
        fire(tx, a, levels, i, base, at).await?;
    }
    Ok(n > 0)
}

/// What every notification of an alert says: codes and words that identify no person (the
/// room, the station, what happened and when, where to open it).
async fn facts_of(tx: &mut Tx, alert_id: i64) -> Result<Facts> {
    let (kind, detail, at, room, station): (String, String, DateTime<Utc>, String, String) = tx
        .fetch_one(
            q("SELECT a.kind, a.detail, a.raised_at, r.number, s.name
                 FROM alerts a JOIN stays st ON st.id = a.stay_id JOIN rooms r ON r.id = st.room_id
                 JOIN stations s ON s.id = a.station_id WHERE a.id = $1")
            .bind(alert_id),
        )
        .await?;
    Ok(serde_json::json!({
        "kind": kind, "detail": detail, "room": room, "station": station, "at": at,
        "link": format!("/alerts/{alert_id}"),
    }))
}

/// Starts an alert's escalation in the transaction that raised it: the rules in force, its owner
/// (the first group its levels name), and the levels due at once.
pub async fn start(tx: &mut Tx, alert_id: i64) -> Result<()> {
    let base = facts_of(tx, alert_id).await?;
    let a: Open = tx
        .fetch_one(
            q("SELECT id, station_id, kind, raised_at, rules_id, next_level FROM alerts WHERE id = $1")
                .bind(alert_id),
        )
        .await?;
    let v = in_force(tx, a.station_id).await?;
    let levels = v.rules.levels(a.kind);
    let owner = levels.iter().flat_map(|l| l.to.iter()).find_map(|t| t.group);
    tx.execute(
        q("UPDATE alerts SET rules_id = $1, owner_group_id = $2 WHERE id = $3")
            .bind(v.id)
            .bind(owner)
            .bind(a.id),
    )
    .await?;
    advance(tx, &Open { rules_id: Some(v.id), ..a.clone() }, &levels, &base, a.raised_at).await?;
    Ok(())
}

/// Escalates, at `at`, the alerts whose next level is due and which nobody has acknowledged or
/// closed; returns how many moved. Any node may run it: an alert another node is moving is
/// skipped (PostgreSQL) or found already moved.
pub async fn escalate_due(db: &Db, at: DateTime<Utc>, limit: i64) -> Result<usize> {
    let due: Vec<(i64,)> = db
        .fetch_all(
            q("SELECT id FROM alerts WHERE next_level_at <= $1 AND acked_at IS NULL AND closed_at IS NULL
                ORDER BY next_level_at, id LIMIT $2")
            .bind(at)
            .bind(limit),
        )
        .await?;
    let lock = match db.backend() {
        Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let mut moved = 0;
    for (id,) in due {
        let mut tx = db.begin().await?;
        let a: Option<Open> = tx
            .fetch_optional(
                q_dynamic(format!(
                    "SELECT id, station_id, kind, raised_at, rules_id, next_level FROM alerts
                      WHERE id = $1 AND next_level_at <= $2 AND acked_at IS NULL AND closed_at IS NULL {lock}"
                ))
                .bind(id)
                .bind(at),
            )
            .await?;
        let Some(a) = a else { continue };
        let Some(rules_id) = a.rules_id else { continue };
        let levels = version(&mut tx, rules_id).await?.rules.levels(a.kind);
        let base = facts_of(&mut tx, a.id).await?;
        if advance(&mut tx, &a, &levels, &base, at).await? {
            moved += 1;
        }
        tx.commit().await?;
    }
    Ok(moved)
}

/// Acknowledges an alert (已知悉): its escalation stops. False when it was already acknowledged
/// or is closed (nothing changes, nothing is written).
pub async fn acknowledge(db: &Db, actor: &Actor, alert_id: i64, at: DateTime<Utc>) -> Result<bool> {
    let mut tx = db.begin().await?;
    let n = tx
        .execute(
            q("UPDATE alerts SET acked_at = $1, acked_by = $2, next_level_at = NULL
                WHERE id = $3 AND acked_at IS NULL AND closed_at IS NULL")
            .bind(at)
            .bind(actor.name.as_str())
            .bind(alert_id),
        )
        .await?;
    if n == 0 {
        return Ok(false);
    }
    event(&mut tx, alert_id, "acknowledged", actor.name.as_str(), at).await?;
    audit::append(&mut tx, actor, Entry::new("alert.acknowledge", "alert", alert_id)).await?;
    tx.commit().await?;
    Ok(true)
}

/// A person's line on an alert's timeline (acknowledged, closed).
pub async fn event(
    tx: &mut Tx,
    alert_id: i64,
    kind: &str,
    actor: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        q("INSERT INTO alert_events (alert_id, kind, actor, at) VALUES ($1, $2, $3, $4)")
            .bind(alert_id)
            .bind(kind)
            .bind(actor)
            .bind(at),
    )
    .await?;
    Ok(())
}

/// A line of an alert's timeline.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct Event {
    pub id: i64,
    pub alert_id: i64,
    pub kind: String,
    pub level: Option<i64>,
    pub audience: String,
    pub people: String,
    pub actor: String,
    pub at: DateTime<Utc>,
}

/// The alert's timeline, in the order written.
pub async fn events(db: &Db, alert_id: i64) -> Result<Vec<Event>> {
    db.fetch_all(
        q("SELECT id, alert_id, kind, level, audience, people, actor, at FROM alert_events
            WHERE alert_id = $1 ORDER BY id")
        .bind(alert_id),
    )
    .await
}
