use std::collections::HashSet;

use super::{Assignment, Conflict, Demand, Plan, Rules, day_number, period, sort_conflicts, span};

/// A greedy roster: dates in order, shifts in order of start, each filled with the
/// `min_per_shift` eligible members who have had the fewest shifts in the period, then the
/// longest rest, then the lowest id.
///
/// Sound because every rule looks only backwards in time (rest since the previous shift, the
/// run of nights or work days ending on this date): filling the timeline in order of start
/// and admitting only members who keep every rule at that point, with `before` replayed
/// first, means no later choice can break an earlier one. Shifts it cannot fill come back as
/// `Understaffed`; see [`super::min_members`] for the group size that never needs to.
pub fn generate(demand: &Demand) -> Plan {
    let mut ids = demand.members.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut people: Vec<Person> = ids.into_iter().map(Person::new).collect();

    let mut context: Vec<(i64, i64, i64, bool, i64)> = demand
        .before
        .iter()
        .filter(|a| a.date < demand.from)
        .collect::<HashSet<_>>()
        .into_iter()
        .filter_map(|a| {
            let (start, end) = span(demand.pattern, a.date, a.shift)?;
            let night = demand.pattern.shift(a.shift)?.night;
            Some((start, end, day_number(a.date), night, a.member))
        })
        .collect();
    context.sort_unstable();
    for (_, end, day, night, member) in context {
        if let Ok(i) = people.binary_search_by_key(&member, |p| p.id) {
            people[i].take(day, end, night);
        }
    }

    let days_off: HashSet<(i64, i64)> =
        demand.days_off.iter().map(|&(m, d)| (m, day_number(d))).collect();
    let need = demand.min_per_shift as usize;
    let mut assignments = Vec::new();
    let mut conflicts = Vec::new();
    for date in period(demand.from, demand.days) {
        let day = day_number(date);
        for (shift, def) in demand.pattern.shifts().iter().enumerate() {
            let shift = shift as u8;
            let Some((start, end)) = span(demand.pattern, date, shift) else {
                continue;
            };
            let mut eligible: Vec<usize> = (0..people.len())
                .filter(|&i| {
                    let p = &people[i];
                    !days_off.contains(&(p.id, day))
                        && p.may_take(&demand.rules, day, start, def.night)
                })
                .collect();
            // `last_end` None (never worked) sorts first: the longest rest of all.
            eligible.sort_by_key(|&i| (people[i].shifts, people[i].last_end, people[i].id));
            eligible.truncate(need);
            for &i in &eligible {
                people[i].take(day, end, def.night);
                people[i].shifts += 1;
                assignments.push(Assignment { member: people[i].id, date, shift });
            }
            if eligible.len() < need {
                conflicts.push(Conflict::Understaffed {
                    date,
                    shift,
                    have: eligible.len() as u32,
                    need: demand.min_per_shift,
                });
            }
        }
    }
    assignments.sort_by_key(|a| (a.date, a.shift, a.member));
    sort_conflicts(&mut conflicts);
    Plan { assignments, conflicts }
}

/// What the rules need to know about one member's past, as of the slot being filled.
struct Person {
    id: i64,
    /// Shifts in the period, for fairness; `before` does not count.
    shifts: u32,
    last_end: Option<i64>,
    last_night: Option<i64>,
    /// Length of the run of consecutive nights ending on `last_night`.
    nights: u32,
    last_work: Option<i64>,
    work_days: u32,
}

impl Person {
    fn new(id: i64) -> Person {
        Person {
            id,
            shifts: 0,
            last_end: None,
            last_night: None,
            nights: 0,
            last_work: None,
            work_days: 0,
        }
    }

    /// Both runs as they would be with a shift starting on `day`.
    fn runs_with(&self, day: i64, night: bool) -> (u32, u32) {
        let extend = |last: Option<i64>, run: u32| match last {
            Some(d) if d == day => run,
            Some(d) if d == day - 1 => run.saturating_add(1),
            _ => 1,
        };
        let nights = if night { extend(self.last_night, self.nights) } else { 0 };
        (nights, extend(self.last_work, self.work_days))
    }

    fn may_take(&self, rules: &Rules, day: i64, start: i64, night: bool) -> bool {
        let rested =
            self.last_end.is_none_or(|end| start - end >= i64::from(rules.min_rest_hours) * 60);
        let (nights, work_days) = self.runs_with(day, night);
        rested
            && nights <= rules.max_consecutive_nights
            && work_days <= rules.max_consecutive_work_days
    }

    fn take(&mut self, day: i64, end: i64, night: bool) {
        let (nights, work_days) = self.runs_with(day, night);
        if night {
            self.nights = nights;
            self.last_night = Some(day);
        }
        self.work_days = work_days;
        self.last_work = Some(day);
        self.last_end = Some(self.last_end.map_or(end, |e| e.max(end)));
    }
}
