//! The 24-hour duty roster (排班) of a working group: shift patterns, the rules a roster must
//! keep, a checker, a fair greedy generator, swaps and "who is on duty now".
//!
//! Times here are local (Asia/Shanghai) wall-clock times: China has no daylight saving, so a
//! shift is always exactly its nominal length and `NaiveDateTime` arithmetic is exact.
//!
//! A shift belongs to the date on which it starts; a two-twelves night of date D runs from
//! D 20:00 to D+1 08:00. "Work days" and "nights" are counted by that date too.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::error::DomainError;

mod check;
mod generate;

pub use check::check;
pub use generate::generate;

/// A shift pattern that tiles the 24-hour day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Pattern {
    /// 三班倒: 00–08, 08–16, 16–24.
    ThreeEights,
    /// 两班倒: 08–20, 20–08.
    TwoTwelves,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShiftDef {
    pub key: &'static str,
    /// Minutes after the midnight that starts the shift's date.
    pub start_minute: u32,
    pub minutes: u32,
    pub night: bool,
}

const THREE_EIGHTS: [ShiftDef; 3] = [
    ShiftDef { key: "night", start_minute: 0, minutes: 8 * 60, night: true },
    ShiftDef { key: "day", start_minute: 8 * 60, minutes: 8 * 60, night: false },
    ShiftDef { key: "evening", start_minute: 16 * 60, minutes: 8 * 60, night: false },
];

const TWO_TWELVES: [ShiftDef; 2] = [
    ShiftDef { key: "day", start_minute: 8 * 60, minutes: 12 * 60, night: false },
    ShiftDef { key: "night", start_minute: 20 * 60, minutes: 12 * 60, night: true },
];

impl Pattern {
    pub const ALL: [Pattern; 2] = [Pattern::ThreeEights, Pattern::TwoTwelves];
    pub fn as_str(self) -> &'static str {
        match self {
            Pattern::ThreeEights => "three_eights",
            Pattern::TwoTwelves => "two_twelves",
        }
    }
    pub fn parse(s: &str) -> Option<Pattern> {
        Pattern::ALL.into_iter().find(|p| p.as_str() == s)
    }
    /// Locale key, e.g. "roster.pattern.three_eights".
    pub fn label_key(self) -> &'static str {
        match self {
            Pattern::ThreeEights => "roster.pattern.three_eights",
            Pattern::TwoTwelves => "roster.pattern.two_twelves",
        }
    }
    /// In order of start within the date.
    pub fn shifts(self) -> &'static [ShiftDef] {
        match self {
            Pattern::ThreeEights => &THREE_EIGHTS,
            Pattern::TwoTwelves => &TWO_TWELVES,
        }
    }
    pub fn shift(self, shift: u8) -> Option<ShiftDef> {
        self.shifts().get(usize::from(shift)).copied()
    }
}
stored_code!(Pattern);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    /// Between the end of one shift and the start of the next one of the same person.
    pub min_rest_hours: u32,
    pub max_consecutive_nights: u32,
    /// Consecutive dates with at least one shift starting on them.
    pub max_consecutive_work_days: u32,
}

impl Default for Rules {
    fn default() -> Self {
        Rules { min_rest_hours: 12, max_consecutive_nights: 3, max_consecutive_work_days: 6 }
    }
}

/// One person on one shift. `shift` is the index into `pattern.shifts()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Assignment {
    pub member: i64,
    pub date: NaiveDate,
    pub shift: u8,
}

/// What a group's roster must satisfy. Call [`validate`] before [`generate`].
#[derive(Debug, Clone, Copy)]
pub struct Demand<'a> {
    pub pattern: Pattern,
    pub rules: Rules,
    /// Staff ids of the working group; order and duplicates do not matter.
    pub members: &'a [i64],
    /// Minimum headcount on every shift, 24 h a day.
    pub min_per_shift: u32,
    /// Requested days off: the member works no shift starting that date.
    pub days_off: &'a [(i64, NaiveDate)],
    pub from: NaiveDate,
    pub days: u32,
    /// Fixed assignments before `from` (the end of the previous roster), so that the rest,
    /// night and work-day rules hold across the start of the period. Entries dated on or
    /// after `from` are ignored: the period's own roster is the authority there.
    pub before: &'a [Assignment],
}

pub const MAX_DAYS: u32 = 62;

/// Conflicts name the later assignment of the pair that breaks a rule, so that a conflict is
/// always reported on the roster under review and never on the `before` context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Conflict {
    Understaffed {
        date: NaiveDate,
        shift: u8,
        have: u32,
        need: u32,
    },
    /// On the later of the two shifts.
    ShortRest {
        member: i64,
        date: NaiveDate,
        shift: u8,
        rest_hours: u32,
    },
    /// Every night past the limit is reported, each with the length of the run so far.
    TooManyNights {
        member: i64,
        date: NaiveDate,
        nights: u32,
    },
    /// Every date past the limit is reported, each with the length of the run so far.
    TooManyWorkDays {
        member: i64,
        date: NaiveDate,
        days: u32,
    },
    OnDayOff {
        member: i64,
        date: NaiveDate,
    },
    /// The same member twice on one shift, or on two overlapping shifts.
    DoubleBooked {
        member: i64,
        date: NaiveDate,
        shift: u8,
    },
    NotMember {
        member: i64,
        date: NaiveDate,
        shift: u8,
    },
}

impl Conflict {
    /// The serde tag, e.g. "short_rest".
    pub fn kind(&self) -> &'static str {
        match self {
            Conflict::Understaffed { .. } => "understaffed",
            Conflict::ShortRest { .. } => "short_rest",
            Conflict::TooManyNights { .. } => "too_many_nights",
            Conflict::TooManyWorkDays { .. } => "too_many_work_days",
            Conflict::OnDayOff { .. } => "on_day_off",
            Conflict::DoubleBooked { .. } => "double_booked",
            Conflict::NotMember { .. } => "not_member",
        }
    }
    pub fn date(&self) -> NaiveDate {
        match *self {
            Conflict::Understaffed { date, .. }
            | Conflict::ShortRest { date, .. }
            | Conflict::TooManyNights { date, .. }
            | Conflict::TooManyWorkDays { date, .. }
            | Conflict::OnDayOff { date, .. }
            | Conflict::DoubleBooked { date, .. }
            | Conflict::NotMember { date, .. } => date,
        }
    }
    /// `None` for the shift-level `Understaffed`.
    pub fn member(&self) -> Option<i64> {
        match *self {
            Conflict::Understaffed { .. } => None,
            Conflict::ShortRest { member, .. }
            | Conflict::TooManyNights { member, .. }
            | Conflict::TooManyWorkDays { member, .. }
            | Conflict::OnDayOff { member, .. }
            | Conflict::DoubleBooked { member, .. }
            | Conflict::NotMember { member, .. } => Some(member),
        }
    }
    /// `None` for the date-level conflicts.
    pub fn shift(&self) -> Option<u8> {
        match *self {
            Conflict::Understaffed { shift, .. }
            | Conflict::ShortRest { shift, .. }
            | Conflict::DoubleBooked { shift, .. }
            | Conflict::NotMember { shift, .. } => Some(shift),
            Conflict::TooManyNights { .. }
            | Conflict::TooManyWorkDays { .. }
            | Conflict::OnDayOff { .. } => None,
        }
    }
    fn ordinal(&self) -> u8 {
        match self {
            Conflict::Understaffed { .. } => 0,
            Conflict::ShortRest { .. } => 1,
            Conflict::TooManyNights { .. } => 2,
            Conflict::TooManyWorkDays { .. } => 3,
            Conflict::OnDayOff { .. } => 4,
            Conflict::DoubleBooked { .. } => 5,
            Conflict::NotMember { .. } => 6,
        }
    }
    /// Higher is worse; lets [`swap`] tell "the same conflict, no worse" from a new one.
    fn severity(&self) -> i64 {
        match *self {
            Conflict::Understaffed { have, need, .. } => i64::from(need) - i64::from(have),
            Conflict::ShortRest { rest_hours, .. } => -i64::from(rest_hours),
            Conflict::TooManyNights { nights, .. } => i64::from(nights),
            Conflict::TooManyWorkDays { days, .. } => i64::from(days),
            Conflict::OnDayOff { .. }
            | Conflict::DoubleBooked { .. }
            | Conflict::NotMember { .. } => 0,
        }
    }
    fn same_place(&self, other: &Conflict) -> bool {
        self.ordinal() == other.ordinal()
            && self.date() == other.date()
            && self.shift() == other.shift()
            && self.member() == other.member()
    }
    /// By date, shift (date-level conflicts first), member (shift-level first), then kind.
    fn sort_key(&self) -> (NaiveDate, Option<u8>, Option<i64>, u8, i64) {
        (self.date(), self.shift(), self.member(), self.ordinal(), self.severity())
    }
}

pub(crate) fn sort_conflicts(conflicts: &mut Vec<Conflict>) {
    conflicts.sort_by_key(Conflict::sort_key);
    conflicts.dedup();
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// Sorted by date, shift, member.
    pub assignments: Vec<Assignment>,
    /// Only `Understaffed`: the generator never breaks a person rule.
    pub conflicts: Vec<Conflict>,
}

/// Bad input to [`generate`]; the first problem found, in form order.
pub fn validate(demand: &Demand) -> Result<(), DomainError> {
    let rule = |field, key| Err(DomainError::Rule { field: Some(field), key });
    if demand.days == 0 || demand.days > MAX_DAYS {
        return rule("days", "error.roster_days_range");
    }
    if demand.min_per_shift == 0 {
        return rule("min_per_shift", "error.roster_min_headcount");
    }
    if demand.members.is_empty() {
        return rule("members", "error.roster_no_members");
    }
    // A limit of zero forbids every night (or every shift), so no group of any size can
    // staff a 24-hour roster under it.
    if demand.rules.max_consecutive_nights == 0 {
        return rule("max_consecutive_nights", "error.roster_rules_range");
    }
    if demand.rules.max_consecutive_work_days == 0 {
        return rule("max_consecutive_work_days", "error.roster_rules_range");
    }
    Ok(())
}

/// Assignments from outside (a form, the database) whose shift index the pattern lacks; the
/// time-based rules of [`check`] cannot place such an assignment and skip it.
pub fn validate_assignments(pattern: Pattern, roster: &[Assignment]) -> Result<(), DomainError> {
    if roster.iter().all(|a| pattern.shift(a.shift).is_some()) {
        Ok(())
    } else {
        Err(DomainError::Rule { field: Some("shift"), key: "error.roster_unknown_shift" })
    }
}

/// Start and end (local) of an assignment's shift. A shift index the pattern lacks gives an
/// empty interval at the date's midnight, so it is never on duty (see [`validate_assignments`]).
pub fn interval(pattern: Pattern, a: &Assignment) -> (NaiveDateTime, NaiveDateTime) {
    let midnight = a.date.and_time(NaiveTime::MIN);
    let Some(def) = pattern.shift(a.shift) else {
        return (midnight, midnight);
    };
    let at = |minute: u32| {
        midnight
            .checked_add_signed(Duration::minutes(i64::from(minute)))
            .unwrap_or(NaiveDateTime::MAX)
    };
    (at(def.start_minute), at(def.start_minute + def.minutes))
}

/// The assignments whose shift interval `[start, end)` contains `now`, sorted by date, shift,
/// member.
pub fn on_duty(pattern: Pattern, roster: &[Assignment], now: NaiveDateTime) -> Vec<Assignment> {
    let mut on: Vec<Assignment> = roster
        .iter()
        .filter(|a| {
            let (start, end) = interval(pattern, a);
            start <= now && now < end
        })
        .copied()
        .collect();
    on.sort_by_key(|a| (a.date, a.shift, a.member));
    on.dedup();
    on
}

/// Replaces `out` by `member_in` on one assignment and checks the whole roster again. Returns
/// the new roster, or the conflicts the swap introduces: those not present before the swap,
/// or present but made worse (a shorter rest, a longer run, a smaller headcount).
///
/// `Err` with an empty list means `out` is not on the roster.
pub fn swap(
    demand: &Demand,
    roster: &[Assignment],
    out: Assignment,
    member_in: i64,
) -> Result<Vec<Assignment>, Vec<Conflict>> {
    let Some(at) = roster.iter().position(|a| *a == out) else {
        return Err(Vec::new());
    };
    let mut next = roster.to_vec();
    next[at].member = member_in;
    let was = check(demand, roster);
    let introduced: Vec<Conflict> = check(demand, &next)
        .into_iter()
        .filter(|c| !was.iter().any(|w| w.same_place(c) && w.severity() >= c.severity()))
        .collect();
    if introduced.is_empty() { Ok(next) } else { Err(introduced) }
}

/// The smallest group size for which [`generate`] is guaranteed a roster without conflicts
/// (no days off, no `before` context, any number of days); `u32::MAX` if no size is enough
/// (a limit of zero nights or work days).
///
/// Derivation. Number the shifts of the timeline as slots, `S` a day, each `L = 24h / S` long
/// (both patterns are uniform). With no days off the generator's order (fewest shifts, then
/// longest rest, then id) is a FIFO queue: the `k = min_per_shift` people at the front take
/// the slot and rejoin at the back in id order. With `N` people, `N - k` stand ahead of a
/// person who just worked, so each person's consecutive shifts are at least `floor(N / k)`
/// slots apart. Gaps of at least `T` slots keep every rule if
///
/// - rest: `(T - 1) * L >= min_rest_hours`, i.e. `T >= 1 + ceil(min_rest / L)`;
/// - some day off at all needs `T > S` (a gap of at most `S` slots repeats every date); and
///   then two nights are never on consecutive dates (that needs a gap of exactly `S`), so
///   any night limit of at least 1 holds;
/// - work days: with `T = S + e`, a run of consecutive dates advances the position within
///   the date by at least `e` each step and ends when it wraps, so it lasts at most
///   `ceil(S / e)` dates; `e = ceil(S / max_consecutive_work_days)` keeps that within the
///   limit.
///
/// So no one is ever ineligible, the FIFO never breaks, and `N = k * T` with
/// `T = max(1 + ceil(min_rest / L), S + ceil(S / max_consecutive_work_days))` suffices. With
/// the default rules that is 4k for three-eights (tight for k = 1: 3 shifts a day, at most
/// one per person a day given 12 h rest, and a day off in every 7) and 3k for two-twelves.
pub fn min_members(pattern: Pattern, rules: Rules, min_per_shift: u32) -> u32 {
    if rules.max_consecutive_nights == 0 || rules.max_consecutive_work_days == 0 {
        return u32::MAX;
    }
    let per_day = pattern.shifts().len() as u64;
    let slot_minutes = 24 * 60 / per_day;
    let rest_minutes = u64::from(rules.min_rest_hours) * 60;
    let for_rest = 1 + rest_minutes.div_ceil(slot_minutes);
    let for_days_off = per_day + per_day.div_ceil(u64::from(rules.max_consecutive_work_days));
    let teams = for_rest.max(for_days_off);
    u32::try_from(teams.saturating_mul(u64::from(min_per_shift))).unwrap_or(u32::MAX)
}

/// Day number and minute arithmetic shared by the checker and the generator: comparing plain
/// integers keeps the rules exact and free of overflow panics near chrono's date limits.
pub(crate) fn day_number(date: NaiveDate) -> i64 {
    i64::from(chrono::Datelike::num_days_from_ce(&date))
}

/// `[start, end)` in minutes on the day-number timeline; `None` for an unknown shift index.
pub(crate) fn span(pattern: Pattern, date: NaiveDate, shift: u8) -> Option<(i64, i64)> {
    let def = pattern.shift(shift)?;
    let start = day_number(date) * 24 * 60 + i64::from(def.start_minute);
    Some((start, start + i64::from(def.minutes)))
}

/// The period's dates; stops early rather than overflow at chrono's last date.
pub(crate) fn period(from: NaiveDate, days: u32) -> impl Iterator<Item = NaiveDate> {
    from.iter_days().take(days as usize)
}

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_ops;
