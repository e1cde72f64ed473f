//! Who may have been exposed to a case (可能暴露人员), from what the records already hold: the
//! infectious window, which rooms are the case's neighbours, and one line per person with every
//! reason and its evidence.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

/// Days before the positive sample the window opens, unless asked otherwise.
pub const DEFAULT_DAYS: i64 = 2;
pub const MAX_DAYS: i64 = 14;

code_enum!(
    /// Why a person is on the list.
    Reason, "exposure.reason.", [
        SameRoom => "same_room",
        AdjacentRoom => "adjacent_room",
        Reading => "reading",
        Sampling => "sampling",
        Delivery => "delivery",
        Disinfection => "disinfection",
        /// On the roster of a group that works on the case's floor.
        RosterFloor => "roster_floor",
        RelativeDelivery => "relative_delivery",
    ]
);

code_enum!(
    /// Who the person is to the station.
    Kind, "exposure.kind.", [
        Guest => "guest",
        Staff => "staff",
        Relative => "relative",
    ]
);

/// The window's start: `days` before the positive sample was taken.
pub fn window_start(sampled_at: DateTime<Utc>, days: i64) -> DateTime<Utc> {
    sampled_at - Duration::days(days.clamp(0, MAX_DAYS))
}

/// The rooms beside `number` on its floor: numbers one apart (301 has 300 and 302), read as
/// numbers; a room whose number is not one has no neighbours by number.
pub fn adjacent_rooms(number: &str, floor: &[(i64, &str)]) -> Vec<i64> {
    let Ok(n) = number.trim().parse::<i64>() else {
        return Vec::new();
    };
    floor
        .iter()
        .filter(|(_, m)| m.trim().parse::<i64>().is_ok_and(|m| (m - n).abs() == 1))
        .map(|(id, _)| *id)
        .collect()
}

/// The rooms a stay held and when, from its moves in order — (when, the room it went to): its
/// check-in, then each room change — until `ended` (still there if none).
pub fn rooms_held(
    moves: &[(DateTime<Utc>, i64)],
    ended: Option<DateTime<Utc>>,
) -> Vec<(i64, DateTime<Utc>, Option<DateTime<Utc>>)> {
    moves
        .iter()
        .enumerate()
        .map(|(i, (at, room))| (*room, *at, moves.get(i + 1).map(|m| m.0).or(ended)))
        .collect()
}

/// Whether [from, to) (open-ended when `to` is none) overlaps [start, end].
pub fn overlaps(
    (from, to): (DateTime<Utc>, Option<DateTime<Utc>>),
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> bool {
    from <= end && to.is_none_or(|t| t >= start)
}

/// When a shift of `def` on `day` ran (Shanghai), if it overlapped [start, end]; with how it is
/// said ("2026-12-05 08:00–16:00").
pub fn shift_in_window(
    day: chrono::NaiveDate,
    def: crate::care::roster::ShiftDef,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Option<(DateTime<Utc>, String)> {
    let from = crate::time::day_start_utc(day) + Duration::minutes(i64::from(def.start_minute));
    let to = from + Duration::minutes(i64::from(def.minutes));
    (from <= end && to >= start).then(|| {
        let hm = |t| crate::time::local_format(t, "%H:%M");
        (from, format!("{day} {}\u{2013}{}", hm(from), hm(to)))
    })
}

/// One piece of evidence: why, when, and what it was (a room, a reading).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub reason: Reason,
    pub at: DateTime<Utc>,
    pub what: String,
}

/// A person who may have been exposed, with every piece of evidence, the strongest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exposed {
    pub kind: Kind,
    /// As recorded (a guest's name is masked by the web layer).
    pub name: String,
    /// The guest's record, for a guest.
    pub guest_id: Option<i64>,
    pub evidence: Vec<Evidence>,
}

/// Puts the evidence found per person into one line each: guests first (same room before
/// adjacent), then staff, then relatives; within a person, by reason then time.
pub fn merge(found: Vec<(Kind, String, Option<i64>, Evidence)>) -> Vec<Exposed> {
    let mut out: Vec<Exposed> = Vec::new();
    for (kind, name, guest_id, e) in found {
        match out.iter_mut().find(|x| x.kind == kind && x.name == name && x.guest_id == guest_id) {
            Some(x) => x.evidence.push(e),
            None => out.push(Exposed { kind, name, guest_id, evidence: vec![e] }),
        }
    }
    let rank = |r: Reason| Reason::ALL.iter().position(|x| *x == r).unwrap_or(usize::MAX);
    for x in &mut out {
        x.evidence.sort_by_key(|e| (rank(e.reason), e.at));
        x.evidence.dedup_by(|a, b| a.reason == b.reason && a.what == b.what);
    }
    let kind_rank = |k: Kind| Kind::ALL.iter().position(|x| *x == k).unwrap_or(usize::MAX);
    out.sort_by_key(|x| {
        (kind_rank(x.kind), x.evidence.first().map(|e| rank(e.reason)), x.name.clone())
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neighbours_are_one_number_apart_on_the_floor() {
        let floor = [(1, "300"), (2, "302"), (3, "303"), (4, "310"), (5, "A1")];
        assert_eq!(adjacent_rooms("301", &floor), [1, 2]);
        assert_eq!(adjacent_rooms("303", &floor), [2]);
        assert!(adjacent_rooms("VIP", &floor).is_empty());
    }

    #[test]
    fn one_line_per_person_guests_first_the_strongest_reason_first() {
        let t = Utc::now();
        let e = |reason, what: &str| Evidence { reason, at: t, what: what.into() };
        let found = vec![
            (Kind::Staff, "nurse".into(), None, e(Reason::Sampling, "采样")),
            (Kind::Guest, "乙".into(), Some(2), e(Reason::AdjacentRoom, "302")),
            (Kind::Staff, "nurse".into(), None, e(Reason::Reading, "测温")),
            (Kind::Guest, "甲".into(), Some(1), e(Reason::SameRoom, "301")),
            (Kind::Relative, "陈太".into(), None, e(Reason::RelativeDelivery, "水果")),
            (Kind::Staff, "nurse".into(), None, e(Reason::Reading, "测温")),
        ];
        let m = merge(found);
        let names: Vec<&str> = m.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(names, ["甲", "乙", "nurse", "陈太"]);
        let nurse: Vec<Reason> = m[2].evidence.iter().map(|e| e.reason).collect();
        assert_eq!(nurse, [Reason::Reading, Reason::Sampling], "the same reading once");
    }

    #[test]
    fn a_stay_holds_each_room_from_its_move_to_the_next() {
        let t: DateTime<Utc> = "2026-12-01T00:00:00Z".parse().unwrap();
        let h = |n| t + Duration::hours(n);
        let held = rooms_held(&[(h(0), 301), (h(10), 310)], None);
        assert_eq!(held, [(301, h(0), Some(h(10))), (310, h(10), None)]);
        assert!(overlaps((h(0), Some(h(10))), h(9), h(20)), "in 301 at the window's start");
        assert!(!overlaps((h(0), Some(h(10))), h(11), h(20)), "moved out before it");
        assert!(overlaps((h(10), None), h(11), h(20)));
        assert_eq!(rooms_held(&[(h(0), 301)], Some(h(5))), [(301, h(0), Some(h(5)))]);
    }

    #[test]
    fn a_shift_counts_when_it_overlaps_the_window() {
        use crate::care::roster::Pattern;
        let day: chrono::NaiveDate = "2026-12-05".parse().unwrap();
        let night = Pattern::TwoTwelves.shift(1).unwrap(); // 20:00 to 08:00
        let start = crate::time::day_start_utc(day) + Duration::hours(22);
        let (at, said) = shift_in_window(day, night, start, start + Duration::hours(1)).unwrap();
        assert_eq!(said, "2026-12-05 20:00\u{2013}08:00");
        assert_eq!(at, crate::time::day_start_utc(day) + Duration::hours(20));
        let day_shift = Pattern::TwoTwelves.shift(0).unwrap(); // 08:00 to 20:00
        assert!(shift_in_window(day, day_shift, start, start + Duration::hours(1)).is_none());
        let next = day + Duration::days(1);
        assert!(shift_in_window(next, day_shift, start, start + Duration::hours(2)).is_none());
    }

    #[test]
    fn the_window_opens_days_before_the_sample() {
        let t = Utc::now();
        assert_eq!(window_start(t, 2), t - Duration::days(2));
        assert_eq!(window_start(t, 99), t - Duration::days(MAX_DAYS));
    }
}
