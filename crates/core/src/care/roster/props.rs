//! Property tests: whatever the group, the days off and the previous roster, the generator
//! keeps every person rule, reports exactly the shifts it left short, and never leaves one
//! short when the group has `min_members`.

use chrono::{Days, NaiveDate};
use proptest::prelude::*;

use super::*;

#[derive(Debug, Clone)]
struct Case {
    pattern: Pattern,
    rules: Rules,
    members: Vec<i64>,
    min_per_shift: u32,
    days_off: Vec<(i64, NaiveDate)>,
    from: NaiveDate,
    days: u32,
    before: Vec<Assignment>,
}

impl Case {
    fn demand(&self) -> Demand<'_> {
        Demand {
            pattern: self.pattern,
            rules: self.rules,
            members: &self.members,
            min_per_shift: self.min_per_shift,
            days_off: &self.days_off,
            from: self.from,
            days: self.days,
            before: &self.before,
        }
    }
}

fn pattern() -> impl Strategy<Value = Pattern> {
    prop::sample::select(Pattern::ALL.to_vec())
}

fn rules() -> impl Strategy<Value = Rules> {
    prop_oneof![
        Just(Rules::default()),
        (0u32..=30, 1u32..=4, 1u32..=7).prop_map(|(r, n, w)| Rules {
            min_rest_hours: r,
            max_consecutive_nights: n,
            max_consecutive_work_days: w,
        }),
    ]
}

fn date() -> impl Strategy<Value = NaiveDate> {
    let epoch = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
    (0u64..20_000).prop_map(move |n| epoch + Days::new(n))
}

/// Random groups with random days off and a random (possibly rule-breaking, possibly
/// outsider-staffed, possibly malformed) previous roster.
fn case() -> impl Strategy<Value = Case> {
    (
        pattern(),
        rules(),
        prop::collection::btree_set(-20i64..500, 1..=20),
        1u32..=3,
        date(),
        1u32..=31,
        prop::collection::vec((0usize..20, 0u64..31), 0..40),
        prop::collection::vec((0usize..24, 1u64..=8, 0u8..3), 0..40),
    )
        .prop_map(|(pattern, rules, members, k, from, days, off, before)| {
            let members: Vec<i64> = members.into_iter().collect();
            let pick = |i: usize| members.get(i).copied().unwrap_or(1000 + i as i64);
            Case {
                pattern,
                rules,
                days_off: off
                    .into_iter()
                    .map(|(i, n)| (members[i % members.len()], from + Days::new(n)))
                    .collect(),
                before: before
                    .into_iter()
                    .map(|(i, back, shift)| Assignment {
                        member: pick(i),
                        date: from - Days::new(back),
                        shift,
                    })
                    .collect(),
                members,
                min_per_shift: k,
                from,
                days,
            }
        })
}

fn is_understaffed(c: &Conflict) -> bool {
    matches!(c, Conflict::Understaffed { .. })
}

proptest! {
    #[test]
    fn generated_rosters_keep_every_person_rule(case in case()) {
        let dm = case.demand();
        let plan = generate(&dm);
        let (short, broken): (Vec<Conflict>, Vec<Conflict>) =
            check(&dm, &plan.assignments).into_iter().partition(is_understaffed);
        prop_assert_eq!(broken, vec![]);
        prop_assert_eq!(&short, &plan.conflicts);

        for date in period(dm.from, dm.days) {
            for shift in 0..dm.pattern.shifts().len() as u8 {
                let have = plan
                    .assignments
                    .iter()
                    .filter(|a| a.date == date && a.shift == shift)
                    .count() as u32;
                let reported = Conflict::Understaffed { date, shift, have, need: dm.min_per_shift };
                prop_assert!(have >= dm.min_per_shift || plan.conflicts.contains(&reported));
                // Never more than asked for: extra people only make rosters harder to keep.
                prop_assert!(have <= dm.min_per_shift);
            }
        }
        let last = dm.from + Days::new(u64::from(dm.days));
        prop_assert!(plan.assignments.iter().all(|a| a.date >= dm.from && a.date < last));
    }

    #[test]
    fn min_members_are_always_enough(
        pattern in pattern(),
        rules in rules(),
        k in 1u32..=3,
        extra in 0u32..=6,
        from in date(),
        days in 1u32..=31,
    ) {
        let n = min_members(pattern, rules, k) + extra;
        let members: Vec<i64> = (0..i64::from(n)).map(|i| 3 * i - 5).collect();
        let dm = Demand {
            pattern,
            rules,
            members: &members,
            min_per_shift: k,
            days_off: &[],
            from,
            days,
            before: &[],
        };
        let plan = generate(&dm);
        prop_assert_eq!(&plan.conflicts, &vec![]);
        prop_assert_eq!(check(&dm, &plan.assignments), vec![]);
    }

    #[test]
    fn swapping_someone_for_themselves_changes_nothing(case in case(), pick in any::<prop::sample::Index>()) {
        let dm = case.demand();
        let plan = generate(&dm);
        prop_assume!(!plan.assignments.is_empty());
        let out = plan.assignments[pick.index(plan.assignments.len())];
        prop_assert_eq!(swap(&dm, &plan.assignments, out, out.member), Ok(plan.assignments.clone()));
    }
}
