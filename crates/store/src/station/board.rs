//! What a wall board shows, read in a handful of queries; and the display tokens TVs use.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use yizhan_core::access::Actor;
use yizhan_core::time::day_start_utc;

use crate::admin::audit::{self, Entry};
use crate::admin::sessions::hash_token;
use crate::db::{Db, Result, now, q};
use crate::error::StoreError;
use yizhan_core::station::health::AlertReason;
use yizhan_core::station::room::RoomState;
use yizhan_core::station::stay::StayEventKind;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct BoardToken {
    pub id: i64,
    pub station_id: Option<i64>,
    pub label: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

pub async fn create_token(
    db: &Db,
    actor: &Actor,
    station_id: Option<i64>,
    label: &str,
    token: &str,
) -> Result<i64> {
    let mut tx = db.begin().await?;
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO board_tokens (station_id, label, token_hash, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
                .bind(station_id)
                .bind(label)
                .bind(hash_token(token))
                .bind(actor.name.as_str())
                .bind(now()),
        )
        .await?;
    audit::append(&mut tx, actor, Entry::new("board.token_create", "board_token", id)).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn tokens(db: &Db, station_id: i64) -> Result<Vec<BoardToken>> {
    db.fetch_all(
        q("SELECT id, station_id, label, created_by, created_at, revoked_at, last_used_at FROM board_tokens
           WHERE station_id = $1 ORDER BY created_at DESC")
        .bind(station_id),
    )
    .await
}

pub async fn get_token(db: &Db, id: i64) -> Result<BoardToken> {
    db.fetch_one(
        q("SELECT id, station_id, label, created_by, created_at, revoked_at, last_used_at FROM board_tokens WHERE id = $1")
            .bind(id),
    )
    .await
}

pub async fn revoke_token(db: &Db, actor: &Actor, id: i64) -> Result<()> {
    let mut tx = db.begin().await?;
    let n = tx
        .execute(
            q("UPDATE board_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind(now())
                .bind(id),
        )
        .await?;
    if n == 0 {
        // Revoking twice is not an error; revoking nothing is.
        let exists: Option<(i64,)> =
            tx.fetch_optional(q("SELECT id FROM board_tokens WHERE id = $1").bind(id)).await?;
        return if exists.is_some() { Ok(()) } else { Err(StoreError::NotFound) };
    }
    audit::append(&mut tx, actor, Entry::new("board.token_revoke", "board_token", id)).await?;

    tx.commit().await
}

/// The token behind a secret, revoked or not (the caller tells the TV which). Marks it used.
pub async fn find_token(db: &Db, token: &str) -> Result<Option<BoardToken>> {
    let t: Option<BoardToken> = db
        .fetch_optional(
            q("SELECT id, station_id, label, created_by, created_at, revoked_at, last_used_at FROM board_tokens WHERE token_hash = $1")
                .bind(hash_token(token)),
        )
        .await?;
    if let Some(t) = &t
        && t.revoked_at.is_none()
        && t.last_used_at.is_none_or(|u| now() - u > chrono::Duration::seconds(60))
    {
        db.execute(
            q("UPDATE board_tokens SET last_used_at = $1 WHERE id = $2").bind(now()).bind(t.id),
        )
        .await?;
    }
    Ok(t)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct GridRoom {
    #[serde(skip)]
    pub id: i64,
    pub number: String,
    pub floor: i64,
    #[sqlx(try_from = "String")]
    pub state: RoomState,
    pub beds: i64,
    pub occupied: i64,
    /// The strongest open alert of a guest of the room: the room lights up until it is closed.
    #[sqlx(skip)]
    pub alert: Option<AlertReason>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Movement {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub kind: StayEventKind,
    pub at: DateTime<Utc>,
    pub room_number: String,
    pub guest_name: String,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Counts {
    pub check_ins_today: i64,
    pub check_outs_today: i64,
    pub releases_today: i64,
    pub in_stay: i64,
    /// Beds in service and free now, as `core::station::room::beds_of` counts them.
    pub beds_total: i64,
    pub beds_free: i64,
    pub tests_due_today: i64,
    pub tests_sampled_today: i64,
    pub tests_pending: i64,
    pub open_alerts: i64,
    /// Guests' and relatives' requests not yet done, and those past their deadline.
    pub open_requests: i64,
    pub late_requests: i64,
    pub positives: i64,
    pub turned_back: i64,
    pub exemption_revoked: i64,
    pub accidents: i64,
    pub complaints: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct LastEvents {
    pub last_positive: Option<DateTime<Utc>>,
    pub last_turned_back: Option<DateTime<Utc>>,
    pub last_exemption_revoked: Option<DateTime<Utc>>,
    pub last_accident: Option<DateTime<Utc>>,
    pub last_complaint: Option<DateTime<Utc>>,
}

/// The numbers on a station board for `today` (Shanghai). Names come back unmasked: the web
/// layer masks them before anything leaves the server.
pub async fn counts(db: &Db, station_id: i64, today: NaiveDate) -> Result<(Counts, LastEvents)> {
    let start = day_start_utc(today);
    let counts: Counts = db
        .fetch_one(
            q("SELECT
                 (SELECT COUNT(*) FROM stays WHERE station_id = $1 AND checked_in_at >= $2) AS check_ins_today,
                 (SELECT COUNT(*) FROM stays WHERE station_id = $1 AND ended_at >= $2) AS check_outs_today,
                 (SELECT COUNT(*) FROM stays WHERE station_id = $1 AND ended_at >= $2 AND outcome = 'released') AS releases_today,
                 (SELECT COUNT(*) FROM stays WHERE station_id = $1 AND ended_at IS NULL) AS in_stay,
                 (SELECT CAST(COALESCE(SUM(r.beds), 0) AS BIGINT) FROM rooms r WHERE r.station_id = $1 AND r.state <> 'maintenance') AS beds_total,
                 (SELECT CAST(COALESCE(SUM(CASE WHEN r.state = 'ready' THEN r.beds WHEN r.state = 'occupied' THEN r.beds - (SELECT COUNT(*) FROM stays s WHERE s.room_id = r.id AND s.ended_at IS NULL) ELSE 0 END), 0) AS BIGINT) FROM rooms r WHERE r.station_id = $1) AS beds_free,
                 (SELECT COUNT(*) FROM stay_tests t JOIN stays s ON s.id = t.stay_id WHERE s.station_id = $1 AND s.ended_at IS NULL AND t.due_date = $3) AS tests_due_today,
                 (SELECT COUNT(*) FROM stay_tests t JOIN stays s ON s.id = t.stay_id WHERE s.station_id = $1 AND s.ended_at IS NULL AND t.due_date = $3 AND t.sampled_at IS NOT NULL) AS tests_sampled_today,
                 (SELECT COUNT(*) FROM stay_tests t JOIN stays s ON s.id = t.stay_id WHERE s.station_id = $1 AND t.sampled_at IS NOT NULL AND t.result IS NULL) AS tests_pending,
                 (SELECT COUNT(*) FROM alerts WHERE station_id = $1 AND closed_at IS NULL) AS open_alerts,
                 (SELECT COUNT(*) FROM guest_requests WHERE station_id = $1 AND state <> 'done') AS open_requests,
                 (SELECT COUNT(*) FROM guest_requests WHERE station_id = $1 AND state <> 'done' AND due_at < $4) AS late_requests,
                 (SELECT COUNT(*) FROM cases WHERE station_id = $1) AS positives,
                 (SELECT COUNT(*) FROM stays WHERE station_id = $1 AND outcome = 'turned_back') AS turned_back,
                 (SELECT COUNT(*) FROM stays WHERE station_id = $1 AND outcome = 'exemption_revoked') AS exemption_revoked,
                 (SELECT COUNT(*) FROM incidents WHERE station_id = $1 AND kind = 'accident') AS accidents,
                 (SELECT COUNT(*) FROM complaints WHERE station_id = $1) AS complaints")
            .bind(station_id)
            .bind(start)
            .bind(today)
            .bind(crate::db::now()),
        )
        .await?;
    let last: LastEvents = db
        .fetch_one(
            q("SELECT
                 (SELECT MAX(opened_at) FROM cases WHERE station_id = $1) AS last_positive,
                 (SELECT MAX(ended_at) FROM stays WHERE station_id = $1 AND outcome = 'turned_back') AS last_turned_back,
                 (SELECT MAX(ended_at) FROM stays WHERE station_id = $1 AND outcome = 'exemption_revoked') AS last_exemption_revoked,
                 (SELECT MAX(occurred_at) FROM incidents WHERE station_id = $1 AND kind = 'accident') AS last_accident,
                 (SELECT MAX(received_at) FROM complaints WHERE station_id = $1) AS last_complaint")
            .bind(station_id),
        )
        .await?;
    Ok((counts, last))
}

pub async fn grid(db: &Db, station_id: i64) -> Result<Vec<GridRoom>> {
    let mut rooms: Vec<GridRoom> = db
        .fetch_all(
            q("SELECT r.id, r.number, r.floor, r.state, r.beds,
                  (SELECT COUNT(*) FROM stays s WHERE s.room_id = r.id AND s.ended_at IS NULL) AS occupied
             FROM rooms r WHERE r.station_id = $1 ORDER BY r.floor, r.number")
            .bind(station_id),
        )
        .await?;
    let alerts = crate::station::health::open_alerts_by_room(db, station_id).await?;
    for r in &mut rooms {
        r.alert = alerts.get(&r.id).copied();
    }
    Ok(rooms)
}

pub async fn movements(db: &Db, station_id: i64, limit: i64) -> Result<Vec<Movement>> {
    db.fetch_all(
        q("SELECT e.id, e.kind, e.at, r.number AS room_number, g.name AS guest_name, e.detail
             FROM stay_events e
             JOIN stays s ON s.id = e.stay_id
             JOIN guests g ON g.id = s.guest_id
             JOIN rooms r ON r.id = e.room_id
            WHERE e.station_id = $1 ORDER BY e.at DESC, e.id DESC LIMIT $2")
        .bind(station_id)
        .bind(limit),
    )
    .await
}

/// Check-in and end instants of the stays touching the last `days` days, for the occupancy chart.
pub async fn stay_spans(
    db: &Db,
    station_id: i64,
    since: DateTime<Utc>,
) -> Result<Vec<(DateTime<Utc>, Option<DateTime<Utc>>)>> {
    db.fetch_all(
        q("SELECT checked_in_at, ended_at FROM stays WHERE station_id = $1 AND (ended_at IS NULL OR ended_at >= $2)")
            .bind(station_id)
            .bind(since),
    )
    .await
}

pub async fn alert_times(
    db: &Db,
    station_id: i64,
    since: DateTime<Utc>,
) -> Result<Vec<(DateTime<Utc>,)>> {
    db.fetch_all(
        q("SELECT raised_at FROM alerts WHERE station_id = $1 AND raised_at >= $2")
            .bind(station_id)
            .bind(since),
    )
    .await
}

/// The newest audit sequence number: it moves whenever anything is written, on any node.
pub async fn change_marker(db: &Db) -> Result<i64> {
    let (n,): (Option<i64>,) = db.fetch_one(q("SELECT MAX(seq) FROM audit_log")).await?;
    Ok(n.unwrap_or(0))
}

/// Every station's change mark (migration 0054): it moves when something on that station's board
/// was written. Compared, never interpreted.
pub async fn station_marks(db: &Db) -> Result<Vec<(i64, i64)>> {
    db.fetch_all(q("SELECT station_id, mark FROM station_marks")).await
}

/// One station's line on the district board.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct StationLine {
    pub station_id: i64,
    pub station: String,
    pub street_id: i64,
    pub street: String,
    /// Beds in service and free now, as `core::station::room::beds_of` counts them.
    pub beds_total: i64,
    pub beds_free: i64,
    pub in_stay: i64,
    pub check_ins_today: i64,
    pub open_alerts: i64,
    pub positives: i64,
    pub awaiting_disinfection: i64,
    pub turned_back: i64,
    pub exemption_revoked: i64,
    /// Rectification orders not yet closed (销号).
    pub open_rectifications: i64,
    /// Rectification orders past their deadline and not closed: escalated in red.
    pub overdue_rectifications: i64,
}

pub async fn district_tokens(db: &Db) -> Result<Vec<BoardToken>> {
    db.fetch_all(
        q("SELECT id, station_id, label, created_by, created_at, revoked_at, last_used_at FROM board_tokens
           WHERE station_id IS NULL ORDER BY created_at DESC"),
    )
    .await
}

/// KPI counts of a station between two instants (the board shows all time; this is per period).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct PeriodCounts {
    pub positives: i64,
    pub turned_back: i64,
    pub exemption_revoked: i64,
    pub check_ins: i64,
    pub releases: i64,
    pub accidents: i64,
    pub complaints: i64,
}

pub async fn period_counts(
    db: &Db,
    station_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<PeriodCounts> {
    db.fetch_one(
        q("SELECT
             (SELECT COUNT(*) FROM cases WHERE station_id = $1 AND opened_at >= $2 AND opened_at < $3) AS positives,
             (SELECT COUNT(*) FROM stays WHERE station_id = $1 AND outcome = 'turned_back' AND ended_at >= $2 AND ended_at < $3) AS turned_back,
             (SELECT COUNT(*) FROM stays WHERE station_id = $1 AND outcome = 'exemption_revoked' AND ended_at >= $2 AND ended_at < $3) AS exemption_revoked,
             (SELECT COUNT(*) FROM stays WHERE station_id = $1 AND checked_in_at >= $2 AND checked_in_at < $3) AS check_ins,
             (SELECT COUNT(*) FROM stays WHERE station_id = $1 AND outcome = 'released' AND ended_at >= $2 AND ended_at < $3) AS releases,
             (SELECT COUNT(*) FROM incidents WHERE station_id = $1 AND kind = 'accident' AND occurred_at >= $2 AND occurred_at < $3) AS accidents,
             (SELECT COUNT(*) FROM complaints WHERE station_id = $1 AND received_at >= $2 AND received_at < $3) AS complaints")
        .bind(station_id)
        .bind(from)
        .bind(to),
    )
    .await
}
