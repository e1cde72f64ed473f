use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;

use super::{Assignment, Conflict, Demand, day_number, period, sort_conflicts, span};

/// Every conflict in `assignments` (the period's roster) given the demand, sorted by date,
/// shift, member. `demand.before` is context only: a conflict is reported on the roster's
/// assignment that completes it, never on a `before` one.
///
/// Non-members still have the person rules checked (their rest matters whoever they are) but
/// do not count towards a shift's headcount. An assignment whose shift index the pattern
/// lacks is skipped by the time-based rules (see [`super::validate_assignments`]).
pub fn check(demand: &Demand, assignments: &[Assignment]) -> Vec<Conflict> {
    let members: HashSet<i64> = demand.members.iter().copied().collect();
    let days_off: HashSet<(i64, NaiveDate)> = demand.days_off.iter().copied().collect();
    let mut conflicts = Vec::new();

    for a in assignments {
        if !members.contains(&a.member) {
            conflicts.push(Conflict::NotMember { member: a.member, date: a.date, shift: a.shift });
        }
        if days_off.contains(&(a.member, a.date)) {
            conflicts.push(Conflict::OnDayOff { member: a.member, date: a.date });
        }
    }

    // (member, date, shift) → (copies, whether the roster holds one).
    let mut seen: BTreeMap<(i64, NaiveDate, u8), (u32, bool)> = BTreeMap::new();
    let context = demand.before.iter().filter(|a| a.date < demand.from);
    for (a, in_roster) in context.map(|a| (a, false)).chain(assignments.iter().map(|a| (a, true))) {
        let e = seen.entry((a.member, a.date, a.shift)).or_default();
        e.0 += 1;
        e.1 |= in_roster;
    }
    for (&(member, date, shift), &(copies, in_roster)) in &seen {
        if copies > 1 && in_roster {
            conflicts.push(Conflict::DoubleBooked { member, date, shift });
        }
    }

    let mut by_member: BTreeMap<i64, Vec<Placed>> = BTreeMap::new();
    for (&(member, date, shift), &(_, in_roster)) in &seen {
        if let Some((start, end)) = span(demand.pattern, date, shift) {
            by_member.entry(member).or_default().push(Placed {
                date,
                shift,
                start,
                end,
                in_roster,
            });
        }
    }
    for (&member, shifts) in &mut by_member {
        person_rules(demand, member, shifts, &mut conflicts);
    }

    let mut headcount: BTreeMap<(NaiveDate, u8), u32> = BTreeMap::new();
    for (&(member, date, shift), &(_, in_roster)) in &seen {
        if in_roster && members.contains(&member) {
            *headcount.entry((date, shift)).or_default() += 1;
        }
    }
    let need = demand.min_per_shift;
    for date in period(demand.from, demand.days) {
        for shift in 0..demand.pattern.shifts().len() {
            let shift = shift as u8;
            let have = headcount.get(&(date, shift)).copied().unwrap_or(0);
            if have < need {
                conflicts.push(Conflict::Understaffed { date, shift, have, need });
            }
        }
    }

    sort_conflicts(&mut conflicts);
    conflicts
}

struct Placed {
    date: NaiveDate,
    shift: u8,
    start: i64,
    end: i64,
    in_roster: bool,
}

fn person_rules(demand: &Demand, member: i64, shifts: &mut [Placed], out: &mut Vec<Conflict>) {
    let rules = demand.rules;
    shifts.sort_by_key(|p| (p.start, p.shift));

    // Against the latest end so far rather than the previous shift's end, so a long shift
    // followed by short ones inside it still counts as overlapping.
    let mut latest_end: Option<i64> = None;
    let min_rest = i64::from(rules.min_rest_hours) * 60;
    for p in shifts.iter() {
        if let (Some(end), true) = (latest_end, p.in_roster) {
            if p.start < end {
                out.push(Conflict::DoubleBooked { member, date: p.date, shift: p.shift });
            } else if p.start - end < min_rest {
                out.push(Conflict::ShortRest {
                    member,
                    date: p.date,
                    shift: p.shift,
                    rest_hours: u32::try_from((p.start - end) / 60).unwrap_or(u32::MAX),
                });
            }
        }
        latest_end = Some(latest_end.map_or(p.end, |e| e.max(p.end)));
    }

    // Date → whether the roster holds a shift (or night) starting that date.
    let mut work: BTreeMap<NaiveDate, bool> = BTreeMap::new();
    let mut nights: BTreeMap<NaiveDate, bool> = BTreeMap::new();
    for p in shifts.iter() {
        *work.entry(p.date).or_default() |= p.in_roster;
        if demand.pattern.shift(p.shift).is_some_and(|d| d.night) {
            *nights.entry(p.date).or_default() |= p.in_roster;
        }
    }
    over_limit(&nights, rules.max_consecutive_nights, |date, nights| {
        out.push(Conflict::TooManyNights { member, date, nights })
    });
    over_limit(&work, rules.max_consecutive_work_days, |date, days| {
        out.push(Conflict::TooManyWorkDays { member, date, days })
    });
}

/// Calls `f(date, run)` for each roster date whose run of consecutive dates exceeds `limit`.
fn over_limit(dates: &BTreeMap<NaiveDate, bool>, limit: u32, mut f: impl FnMut(NaiveDate, u32)) {
    let mut run = 0u32;
    let mut previous: Option<i64> = None;
    for (&date, &in_roster) in dates {
        let day = day_number(date);
        run = if previous == Some(day - 1) { run.saturating_add(1) } else { 1 };
        previous = Some(day);
        if run > limit && in_roster {
            f(date, run);
        }
    }
}
