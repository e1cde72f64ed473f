use chrono::{NaiveDate, NaiveDateTime};

use super::Pattern::{ThreeEights, TwoTwelves};
use super::*;

// ThreeEights shift indexes.
pub(super) const NIGHT: u8 = 0;
pub(super) const DAY: u8 = 1;
pub(super) const EVENING: u8 = 2;
// TwoTwelves shift indexes.
pub(super) const D12: u8 = 0;
pub(super) const N12: u8 = 1;

pub(super) fn d(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, 4, day).unwrap()
}

pub(super) fn at(day: u32, hour: u32) -> NaiveDateTime {
    d(day).and_hms_opt(hour, 0, 0).unwrap()
}

pub(super) fn a(member: i64, day: u32, shift: u8) -> Assignment {
    Assignment { member, date: d(day), shift }
}

pub(super) fn demand(pattern: Pattern, members: &[i64], from: u32, days: u32) -> Demand<'_> {
    Demand {
        pattern,
        rules: Rules::default(),
        members,
        min_per_shift: 1,
        days_off: &[],
        from: d(from),
        days,
        before: &[],
    }
}

/// Only the conflicts about people, for tests that leave most shifts empty on purpose.
pub(super) fn person_conflicts(demand: &Demand, roster: &[Assignment]) -> Vec<Conflict> {
    check(demand, roster)
        .into_iter()
        .filter(|c| !matches!(c, Conflict::Understaffed { .. }))
        .collect()
}

#[test]
fn shifts_tile_the_day() {
    for p in Pattern::ALL {
        let s = p.shifts();
        assert!(!s.is_empty());
        assert_eq!(s.iter().map(|d| d.minutes).sum::<u32>(), 24 * 60, "{p:?}");
        for (i, def) in s.iter().enumerate() {
            assert!(def.start_minute < 24 * 60, "{p:?} {}", def.key);
            let next = s.get(i + 1).map_or(s[0].start_minute + 24 * 60, |n| n.start_minute);
            assert_eq!(def.start_minute + def.minutes, next, "{p:?} {}", def.key);
            // min_members assumes equal slots.
            assert_eq!(def.minutes, s[0].minutes, "{p:?}");
        }
        assert_eq!(s.iter().filter(|d| d.night).count(), 1, "{p:?}");
    }
}

#[test]
fn pattern_names_round_trip() {
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error, StrDeserializer};
    for p in Pattern::ALL {
        assert_eq!(Pattern::parse(p.as_str()), Some(p));
        let de: StrDeserializer<Error> = p.as_str().into_deserializer();
        assert_eq!(Pattern::deserialize(de), Ok(p));
    }
    assert_eq!(Pattern::parse("three-eights"), None);
    let keys: Vec<_> = ThreeEights.shifts().iter().map(|s| s.key).collect();
    assert_eq!(keys, ["night", "day", "evening"]);
    let keys: Vec<_> = TwoTwelves.shifts().iter().map(|s| s.key).collect();
    assert_eq!(keys, ["day", "night"]);
}

#[test]
fn intervals() {
    assert_eq!(interval(ThreeEights, &a(1, 5, NIGHT)), (at(5, 0), at(5, 8)));
    assert_eq!(interval(ThreeEights, &a(1, 5, EVENING)), (at(5, 16), at(6, 0)));
    assert_eq!(interval(TwoTwelves, &a(1, 5, D12)), (at(5, 8), at(5, 20)));
    assert_eq!(interval(TwoTwelves, &a(1, 5, N12)), (at(5, 20), at(6, 8)));
    let (s, e) = interval(TwoTwelves, &a(1, 5, 7));
    assert_eq!(s, e);
}

#[test]
fn on_duty_is_half_open() {
    let roster = [a(1, 4, D12), a(2, 4, N12), a(3, 5, D12), a(4, 5, N12)];
    assert_eq!(on_duty(TwoTwelves, &roster, at(5, 3)), [a(2, 4, N12)]);
    assert_eq!(on_duty(TwoTwelves, &roster, at(5, 8)), [a(3, 5, D12)]);
    assert_eq!(
        on_duty(TwoTwelves, &roster, at(5, 8) - chrono::Duration::seconds(1)),
        [a(2, 4, N12)]
    );
    assert_eq!(on_duty(TwoTwelves, &roster, at(5, 20)), [a(4, 5, N12)]);
    assert_eq!(on_duty(TwoTwelves, &roster, at(4, 3)), []);

    let roster = [a(1, 5, NIGHT), a(2, 5, NIGHT), a(3, 4, EVENING)];
    assert_eq!(on_duty(ThreeEights, &roster, at(5, 0)), [a(1, 5, NIGHT), a(2, 5, NIGHT)]);
    assert_eq!(on_duty(ThreeEights, &roster, at(4, 23)), [a(3, 4, EVENING)]);
}

/// 3 people, 3 days of two-twelves, one a shift, a full day apart each time.
pub(super) fn clean_two_twelves() -> Vec<Assignment> {
    vec![a(1, 1, D12), a(2, 1, N12), a(3, 2, D12), a(1, 2, N12), a(2, 3, D12), a(3, 3, N12)]
}

#[test]
fn clean_roster_has_no_conflicts() {
    let dm = demand(TwoTwelves, &[1, 2, 3], 1, 3);
    assert_eq!(check(&dm, &clean_two_twelves()), []);
}

#[test]
fn understaffed() {
    let mut roster = clean_two_twelves();
    roster.retain(|x| *x != a(1, 2, N12));
    let dm = demand(TwoTwelves, &[1, 2, 3], 1, 3);
    assert_eq!(
        check(&dm, &roster),
        [Conflict::Understaffed { date: d(2), shift: N12, have: 0, need: 1 }]
    );
    let dm = Demand { min_per_shift: 2, ..dm };
    let c = check(&dm, &clean_two_twelves());
    assert_eq!(c.len(), 6);
    assert!(c.iter().all(|c| matches!(c, Conflict::Understaffed { have: 1, need: 2, .. })));
}

#[test]
fn rest_at_the_minimum_is_enough() {
    // Day shift to the next day shift: 20:00 → 08:00, exactly 12 h.
    let roster = [a(1, 1, D12), a(1, 2, D12)];
    let dm = demand(TwoTwelves, &[1], 1, 2);
    assert_eq!(person_conflicts(&dm, &roster), []);
    // Shifts are whole hours apart, so "11 h" is the same as requiring one hour more.
    let dm = Demand { rules: Rules { min_rest_hours: 13, ..Rules::default() }, ..dm };
    assert_eq!(
        person_conflicts(&dm, &roster),
        [Conflict::ShortRest { member: 1, date: d(2), shift: D12, rest_hours: 12 }]
    );
}

#[test]
fn three_eights_evening_then_morning_is_short() {
    let dm = demand(ThreeEights, &[1], 1, 2);
    let short =
        |shift, rest_hours| Conflict::ShortRest { member: 1, date: d(2), shift, rest_hours };
    assert_eq!(person_conflicts(&dm, &[a(1, 1, EVENING), a(1, 2, NIGHT)]), [short(NIGHT, 0)]);
    assert_eq!(person_conflicts(&dm, &[a(1, 1, EVENING), a(1, 2, DAY)]), [short(DAY, 8)]);
    assert_eq!(person_conflicts(&dm, &[a(1, 1, EVENING), a(1, 2, EVENING)]), []);
    // Rest 0 allows back-to-back shifts but never the same hours twice.
    let lax = Demand { rules: Rules { min_rest_hours: 0, ..Rules::default() }, ..dm };
    assert_eq!(person_conflicts(&lax, &[a(1, 1, EVENING), a(1, 2, NIGHT)]), []);
}

#[test]
fn three_nights_ok_four_not() {
    let dm = demand(ThreeEights, &[1], 1, 6);
    let nights: Vec<_> = (1..=3).map(|day| a(1, day, NIGHT)).collect();
    assert_eq!(person_conflicts(&dm, &nights), []);
    let nights: Vec<_> = (1..=5).map(|day| a(1, day, NIGHT)).collect();
    assert_eq!(
        person_conflicts(&dm, &nights),
        [
            Conflict::TooManyNights { member: 1, date: d(4), nights: 4 },
            Conflict::TooManyNights { member: 1, date: d(5), nights: 5 },
        ]
    );
    // A break resets the run.
    let nights: Vec<_> = [1, 2, 3, 5, 6, 7].into_iter().map(|day| a(1, day, NIGHT)).collect();
    let dm = demand(ThreeEights, &[1], 1, 7);
    assert_eq!(person_conflicts(&dm, &nights), []);
    // Two-twelves nights cross midnight but still count by the date they start.
    let dm = demand(TwoTwelves, &[1], 1, 4);
    let nights: Vec<_> = (1..=4).map(|day| a(1, day, N12)).collect();
    assert_eq!(
        person_conflicts(&dm, &nights),
        [Conflict::TooManyNights { member: 1, date: d(4), nights: 4 }]
    );
}

#[test]
fn six_work_days_ok_seven_not() {
    let dm = demand(TwoTwelves, &[1], 1, 8);
    let days: Vec<_> = (1..=6).map(|day| a(1, day, D12)).collect();
    assert_eq!(person_conflicts(&dm, &days), []);
    let days: Vec<_> = (1..=7).map(|day| a(1, day, D12)).collect();
    assert_eq!(
        person_conflicts(&dm, &days),
        [Conflict::TooManyWorkDays { member: 1, date: d(7), days: 7 }]
    );
}

#[test]
fn day_off_double_booking_and_outsiders() {
    let off = [(1, d(2))];
    let dm = Demand { days_off: &off, ..demand(TwoTwelves, &[1, 2], 1, 2) };
    let roster = [a(1, 1, D12), a(1, 2, N12), a(2, 1, N12), a(2, 1, N12), a(9, 2, D12)];
    assert_eq!(
        check(&dm, &roster),
        [
            Conflict::DoubleBooked { member: 2, date: d(1), shift: N12 },
            Conflict::OnDayOff { member: 1, date: d(2) },
            // The outsider does not count towards the headcount.
            Conflict::Understaffed { date: d(2), shift: D12, have: 0, need: 1 },
            Conflict::NotMember { member: 9, date: d(2), shift: D12 },
        ]
    );
}

#[test]
fn sorted_by_date_shift_member() {
    let dm = demand(ThreeEights, &[1, 2], 1, 2);
    let roster = [a(2, 2, NIGHT), a(1, 2, DAY), a(1, 1, EVENING), a(2, 1, EVENING)];
    let c = check(&dm, &roster);
    let keys: Vec<_> = c.iter().map(|c| (c.date(), c.shift(), c.member())).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert!(keys.contains(&(d(2), Some(NIGHT), Some(2))));
    assert!(keys.contains(&(d(2), Some(DAY), Some(1))));
}

#[test]
fn rules_hold_across_the_start_of_the_period() {
    // From April 5: the previous roster ends on April 4.
    let before = [
        a(1, 4, EVENING),
        a(2, 2, NIGHT),
        a(2, 3, NIGHT),
        a(2, 4, NIGHT),
        // Already past the limit inside `before`: not this roster's business.
        a(3, 1, NIGHT),
        a(3, 2, NIGHT),
        a(3, 3, NIGHT),
        a(3, 4, NIGHT),
        // On or after `from`: ignored as context.
        a(4, 5, NIGHT),
    ];
    let dm = Demand { before: &before, ..demand(ThreeEights, &[1, 2, 3, 4], 5, 1) };
    let roster = [a(1, 5, NIGHT), a(2, 5, NIGHT), a(4, 5, DAY)];
    assert_eq!(
        person_conflicts(&dm, &roster),
        [
            Conflict::TooManyNights { member: 2, date: d(5), nights: 4 },
            Conflict::ShortRest { member: 1, date: d(5), shift: NIGHT, rest_hours: 0 },
        ]
    );

    let before: Vec<_> = (1..=6).map(|day| a(1, day, D12)).collect();
    let dm = Demand { before: &before, ..demand(TwoTwelves, &[1], 7, 1) };
    assert_eq!(
        person_conflicts(&dm, &[a(1, 7, N12)]),
        [Conflict::TooManyWorkDays { member: 1, date: d(7), days: 7 }]
    );

    // A two-twelves night before `from` ends at 08:00 on `from`.
    let before = [a(1, 6, N12)];
    let dm = Demand { before: &before, ..demand(TwoTwelves, &[1], 7, 1) };
    assert_eq!(
        person_conflicts(&dm, &[a(1, 7, D12)]),
        [Conflict::ShortRest { member: 1, date: d(7), shift: D12, rest_hours: 0 }]
    );
    let plan = generate(&Demand { min_per_shift: 1, ..dm });
    assert!(!plan.assignments.contains(&a(1, 7, D12)));
    assert!(plan.assignments.contains(&a(1, 7, N12)));
}
