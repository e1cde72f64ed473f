use super::Pattern::{ThreeEights, TwoTwelves};
use super::tests::{D12, DAY, EVENING, N12, NIGHT, a, clean_two_twelves, d, demand};
use super::*;

#[test]
fn a_good_swap_returns_the_roster() {
    let dm = demand(TwoTwelves, &[1, 2, 3, 4], 1, 3);
    let roster = clean_two_twelves();
    let swapped = swap(&dm, &roster, a(3, 3, N12), 4).unwrap();
    assert!(swapped.contains(&a(4, 3, N12)));
    assert!(!swapped.contains(&a(3, 3, N12)));
    assert_eq!(swapped.len(), roster.len());
}

#[test]
fn a_swap_that_shortens_rest_names_the_member() {
    let dm = demand(TwoTwelves, &[1, 2, 3], 1, 3);
    // Member 1 worked the night of April 2, which ends at 08:00 on April 3.
    let err = swap(&dm, &clean_two_twelves(), a(2, 3, D12), 1).unwrap_err();
    assert_eq!(err, [Conflict::ShortRest { member: 1, date: d(3), shift: D12, rest_hours: 0 }]);
}

#[test]
fn swap_reports_only_what_it_introduces() {
    let dm = demand(TwoTwelves, &[1, 2, 3, 4], 1, 3);
    let mut roster = clean_two_twelves();
    roster.push(a(4, 1, D12));
    roster.push(a(4, 1, D12));
    // The double booking was there already; moving member 3 off is fine.
    assert!(swap(&dm, &roster, a(3, 2, D12), 4).is_ok());
    // Not on the roster.
    assert_eq!(swap(&dm, &roster, a(3, 1, D12), 4), Err(vec![]));
    // Swapping in an outsider is new.
    assert_eq!(
        swap(&dm, &roster, a(3, 2, D12), 9),
        Err(vec![
            Conflict::Understaffed { date: d(2), shift: D12, have: 0, need: 1 },
            Conflict::NotMember { member: 9, date: d(2), shift: D12 },
        ])
    );
}

#[test]
fn validation_keys() {
    let ok = demand(ThreeEights, &[1], 1, 62);
    assert_eq!(validate(&ok), Ok(()));
    let rule = |r: Result<(), DomainError>| match r {
        Err(DomainError::Rule { field: Some(f), key }) => (f, key),
        other => panic!("{other:?}"),
    };
    let cases: [(Demand, (&str, &str)); 6] = [
        (Demand { days: 0, ..ok }, ("days", "error.roster_days_range")),
        (Demand { days: 63, ..ok }, ("days", "error.roster_days_range")),
        (Demand { min_per_shift: 0, ..ok }, ("min_per_shift", "error.roster_min_headcount")),
        (Demand { members: &[], ..ok }, ("members", "error.roster_no_members")),
        (
            Demand { rules: Rules { max_consecutive_nights: 0, ..Rules::default() }, ..ok },
            ("max_consecutive_nights", "error.roster_rules_range"),
        ),
        (
            Demand { rules: Rules { max_consecutive_work_days: 0, ..Rules::default() }, ..ok },
            ("max_consecutive_work_days", "error.roster_rules_range"),
        ),
    ];
    for (dm, want) in cases {
        assert_eq!(rule(validate(&dm)), want);
    }
    assert_eq!(validate_assignments(ThreeEights, &[a(1, 1, EVENING)]), Ok(()));
    assert_eq!(
        rule(validate_assignments(TwoTwelves, &[a(1, 1, 2)])),
        ("shift", "error.roster_unknown_shift")
    );
}

#[test]
fn min_members_with_default_rules() {
    let r = Rules::default();
    assert_eq!([1, 2, 3].map(|k| min_members(ThreeEights, r, k)), [4, 8, 12]);
    assert_eq!([1, 2, 3].map(|k| min_members(TwoTwelves, r, k)), [3, 6, 9]);
    let rest = |h| Rules { min_rest_hours: h, ..r };
    // A day off in every run needs more than a day's worth of slots whatever the rest.
    assert_eq!(min_members(ThreeEights, rest(0), 1), 4);
    assert_eq!(min_members(ThreeEights, rest(24), 1), 4);
    assert_eq!(min_members(ThreeEights, rest(25), 1), 5);
    assert_eq!(min_members(TwoTwelves, rest(36), 2), 8);
    let one_day = Rules { max_consecutive_work_days: 1, ..r };
    assert_eq!(min_members(ThreeEights, one_day, 1), 6);
    assert_eq!(min_members(TwoTwelves, one_day, 1), 4);
    let none = Rules { max_consecutive_nights: 0, ..r };
    assert_eq!(min_members(TwoTwelves, none, 1), u32::MAX);
    assert_eq!(min_members(ThreeEights, rest(u32::MAX), 8), u32::MAX);
}

fn ids(n: u32) -> Vec<i64> {
    (1..=i64::from(n)).map(|i| 100 + i * 7).collect()
}

#[test]
fn min_members_staff_four_weeks() {
    for p in Pattern::ALL {
        for k in 1..=3 {
            let members = ids(min_members(p, Rules::default(), k));
            let dm = Demand { min_per_shift: k, ..demand(p, &members, 1, 28) };
            let plan = generate(&dm);
            assert_eq!(plan.conflicts, [], "{p:?} k={k}");
            assert_eq!(check(&dm, &plan.assignments), [], "{p:?} k={k}");
            assert_eq!(plan.assignments.len(), 28 * p.shifts().len() * k as usize);
        }
    }
}

#[test]
fn min_members_is_tight_for_one_a_shift_of_three_eights() {
    // 3 shifts a day, at most one a person a day after 12 h rest: 3 people work every day.
    let members = ids(3);
    let plan = generate(&demand(ThreeEights, &members, 1, 28));
    assert!(!plan.conflicts.is_empty());
}

#[test]
fn min_members_hold_across_rules_and_larger_groups() {
    // The generator is chronological, so 62 days cover every shorter period too.
    for p in Pattern::ALL {
        for min_rest_hours in [0, 8, 12, 13, 24, 30] {
            for max_consecutive_work_days in [1, 2, 3, 6] {
                for max_consecutive_nights in [1, 3] {
                    let rules =
                        Rules { min_rest_hours, max_consecutive_nights, max_consecutive_work_days };
                    for k in 1..=3 {
                        let n = min_members(p, rules, k);
                        for extra in [0, 1, k + 1] {
                            let members = ids(n + extra);
                            let dm =
                                Demand { rules, min_per_shift: k, ..demand(p, &members, 1, 62) };
                            let plan = generate(&dm);
                            assert_eq!(plan.conflicts, [], "{p:?} {rules:?} k={k} n={n}+{extra}");
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn generate_is_fair_and_deterministic() {
    let members = ids(9);
    let dm = Demand { min_per_shift: 2, ..demand(ThreeEights, &members, 1, 27) };
    let plan = generate(&dm);
    assert_eq!(plan, generate(&dm));
    let mut reversed = members.clone();
    reversed.reverse();
    assert_eq!(plan, generate(&Demand { members: &reversed, ..dm }));
    let counts: Vec<usize> = members
        .iter()
        .map(|m| plan.assignments.iter().filter(|x| x.member == *m).count())
        .collect();
    let (lo, hi) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
    assert!(hi - lo <= 1, "{counts:?}");
    assert_eq!(counts.iter().sum::<usize>(), 27 * 3 * 2);
}

#[test]
fn generate_reports_what_it_cannot_fill() {
    let off = [(1, d(2))];
    let dm = Demand { days_off: &off, ..demand(ThreeEights, &[1, 2], 1, 3) };
    let plan = generate(&dm);
    assert!(!plan.assignments.iter().any(|x| x.member == 1 && x.date == d(2)));
    assert!(!plan.conflicts.is_empty());
    assert!(plan.conflicts.iter().all(|c| matches!(c, Conflict::Understaffed { .. })));
    assert_eq!(check(&dm, &plan.assignments), plan.conflicts);
    // Both people: night of the 1st and day of the 1st, then nobody is rested for the evening.
    assert_eq!(&plan.assignments[..2], [a(1, 1, NIGHT), a(2, 1, DAY)]);
    assert_eq!(
        plan.conflicts[0],
        Conflict::Understaffed { date: d(1), shift: EVENING, have: 0, need: 1 }
    );
}

#[test]
fn generate_replays_the_previous_roster() {
    let before = [a(1, 4, EVENING), a(2, 4, DAY), a(3, 2, N12)];
    let dm = Demand { before: &before, ..demand(ThreeEights, &[1, 2, 3, 4], 5, 1) };
    let plan = generate(&dm);
    // 1 ended at midnight and 2 at 16:00 on the 4th: 1 may start at 12:00, 2 at 04:00.
    // Never having worked counts as the longest rest, so 4 takes the night.
    assert_eq!(plan.assignments, [a(4, 5, NIGHT), a(3, 5, DAY), a(2, 5, EVENING)]);
    assert_eq!(check(&dm, &plan.assignments), []);
}
