//! The exposure list of a case, read from the records: guests who stayed in the case's room or a
//! neighbouring one on its floor during the window, staff who read the case's temperature, took
//! its samples, delivered to it or disinfected its room, were on the roster of a group working on
//! its floor, and relatives whose deliveries reached it.

use chrono::{DateTime, NaiveDate, Utc};
use yizhan_core::care::staff::covers_floor;
use yizhan_core::station::exposure::{
    Evidence, Exposed, Kind, Reason, adjacent_rooms, merge, overlaps, rooms_held, shift_in_window,
    window_start,
};
use yizhan_core::time::local_date;

use crate::db::{Db, Result, q};
use crate::station::cases::Case;

type Found = Vec<(Kind, String, Option<i64>, Evidence)>;

/// Guests other than the case's who were in one of `rooms` within [start, end] — by the rooms
/// their stays held (a guest moved out of the room since is still found there).
async fn guests_in(
    db: &Db,
    case: &Case,
    rooms: &[(i64, Reason)],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    found: &mut Found,
) -> Result<()> {
    let stays: Vec<(i64, i64, String, Option<DateTime<Utc>>)> = db
        .fetch_all(
            q("SELECT s.id, g.id, g.name, s.ended_at FROM stays s JOIN guests g ON g.id = s.guest_id
                WHERE s.station_id = $1 AND s.id <> $2 AND s.checked_in_at <= $3
                  AND (s.ended_at IS NULL OR s.ended_at >= $4)")
            .bind(case.station_id)
            .bind(case.stay_id)
            .bind(end)
            .bind(start),
        )
        .await?;
    for (stay, guest, name, ended) in stays {
        let moves: Vec<(DateTime<Utc>, i64)> = db
            .fetch_all(
                q("SELECT e.at, e.room_id FROM stay_events e
                    WHERE e.stay_id = $1 AND e.kind IN ('check_in', 'room_change') ORDER BY e.at, e.id")
                .bind(stay),
            )
            .await?;
        for (room, from, to) in rooms_held(&moves, ended) {
            let Some((_, reason)) = rooms.iter().find(|r| r.0 == room) else { continue };
            if overlaps((from, to), start, end) {
                let (number,): (String,) =
                    db.fetch_one(q("SELECT number FROM rooms WHERE id = $1").bind(room)).await?;
                let e = Evidence { reason: *reason, at: from, what: number };
                found.push((Kind::Guest, name.clone(), Some(guest), e));
            }
        }
    }
    Ok(())
}

/// Staff named in `sql` (name, time) for the case's stay or room within the window.
async fn staff(
    db: &Db,
    sql: &'static str,
    key: i64,
    reason: Reason,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    found: &mut Found,
) -> Result<()> {
    let rows: Vec<(String, DateTime<Utc>)> =
        db.fetch_all(q(sql).bind(key).bind(start).bind(end)).await?;
    for (name, at) in rows {
        let what = yizhan_core::time::local_display(at);
        found.push((Kind::Staff, name, None, Evidence { reason, at, what }));
    }
    Ok(())
}

/// Staff on shifts within the window in groups that work on the case's `floor`.
async fn rostered(
    db: &Db,
    case: &Case,
    floor: i64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    found: &mut Found,
) -> Result<()> {
    use yizhan_core::care::roster::Pattern;
    let rows: Vec<(String, NaiveDate, i64, String, Option<String>, String)> = db
        .fetch_all(
            q("SELECT p.name, r.day, r.shift, g.pattern, g.floors, g.name FROM roster_shifts r
                 JOIN staff p ON p.id = r.staff_id JOIN working_groups g ON g.id = r.group_id
                WHERE g.station_id = $1 AND g.floors IS NOT NULL AND r.day >= $2 AND r.day <= $3
                ORDER BY r.day, r.shift")
            .bind(case.station_id)
            .bind(local_date(start) - chrono::Duration::days(1))
            .bind(local_date(end)),
        )
        .await?;
    for (name, day, shift, pattern, floors, group) in rows {
        if !covers_floor(floors.as_deref(), floor) {
            continue;
        }
        let def = Pattern::parse(&pattern).and_then(|p| p.shift(u8::try_from(shift).ok()?));
        let Some((at, when)) = def.and_then(|d| shift_in_window(day, d, start, end)) else {
            continue;
        };
        let what = format!("{group} {when}");
        found.push((Kind::Staff, name, None, Evidence { reason: Reason::RosterFloor, at, what }));
    }
    Ok(())
}

/// Everyone who may have been exposed to `case` from `days` before its positive sample to its
/// opening.
pub async fn of_case(db: &Db, case: &Case, days: i64) -> Result<Vec<Exposed>> {
    let sampled: (Option<DateTime<Utc>>,) = db
        .fetch_one(
            q("SELECT MIN(sampled_at) FROM stay_tests WHERE stay_id = $1 AND result = 'positive'")
                .bind(case.stay_id),
        )
        .await?;
    let end = case.opened_at;
    let start = window_start(sampled.0.unwrap_or(end), days);
    let (room, floor): (i64, i64) = db
        .fetch_one(q("SELECT c.room_id, r.floor FROM cases c JOIN rooms r ON r.id = c.room_id WHERE c.id = $1").bind(case.id))
        .await?;
    let on_floor: Vec<(i64, String)> = db
        .fetch_all(
            q("SELECT id, number FROM rooms WHERE station_id = $1 AND floor = $2 AND id <> $3")
                .bind(case.station_id)
                .bind(floor)
                .bind(room),
        )
        .await?;
    let floor_rooms: Vec<(i64, &str)> = on_floor.iter().map(|(i, n)| (*i, n.as_str())).collect();
    let neighbours = adjacent_rooms(&case.room_number, &floor_rooms);
    let mut found = Found::new();
    let mut rooms = vec![(room, Reason::SameRoom)];
    rooms.extend(neighbours.iter().map(|r| (*r, Reason::AdjacentRoom)));
    guests_in(db, case, &rooms, start, end, &mut found).await?;
    // Who touched the case's stay or room within the window, and how.
    let stay = case.stay_id;
    let touched: [(&'static str, i64, Reason); 4] = [
        (
            "SELECT recorded_by, recorded_at FROM health_checks WHERE stay_id = $1 AND recorded_at >= $2 AND recorded_at <= $3",
            stay,
            Reason::Reading,
        ),
        (
            "SELECT sampled_by, sampled_at FROM stay_tests WHERE stay_id = $1 AND sampled_by IS NOT NULL AND sampled_at >= $2 AND sampled_at <= $3",
            stay,
            Reason::Sampling,
        ),
        (
            "SELECT delivered_by, delivered_at FROM deliveries WHERE stay_id = $1 AND delivered_by IS NOT NULL AND delivered_at >= $2 AND delivered_at <= $3",
            stay,
            Reason::Delivery,
        ),
        (
            "SELECT operator, done_at FROM disinfection_records WHERE room_id = $1 AND done_at >= $2 AND done_at <= $3",
            room,
            Reason::Disinfection,
        ),
    ];
    for (sql, key, reason) in touched {
        staff(db, sql, key, reason, start, end, &mut found).await?;
    }
    rostered(db, case, floor, start, end, &mut found).await?;
    let relatives: Vec<(String, String, DateTime<Utc>)> = db
        .fetch_all(
            q("SELECT sender, item, received_at FROM deliveries WHERE stay_id = $1 AND received_at >= $2 AND received_at <= $3")
                .bind(stay)
                .bind(start)
                .bind(end),
        )
        .await?;
    for (sender, item, at) in relatives {
        let e = Evidence { reason: Reason::RelativeDelivery, at, what: item };
        found.push((Kind::Relative, sender, None, e));
    }
    Ok(merge(found))
}
