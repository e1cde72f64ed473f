//! Escalation (逐级上报): who hears of an alert, and when, while nobody has acknowledged it.
//! A station's rules are data, published as numbered versions: a list of steps for a positive
//! and one for every other alert, each step "so many minutes after it was raised, reach these".
//! An alert follows the version in force when it was raised. Steps that share a minute go out
//! together as one level (one message per channel).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, Refusals};
use crate::station::health::AlertReason;
use crate::validate::parse_int;

code_enum!(
    /// Whom a step reaches.
    Reach, "escalation.reach.", [
        /// The people of a working group on duty now (the roster), @-mentioned in the station's group.
        OnDuty => "on_duty",
        /// A working group's leader.
        Leader => "leader",
        /// The leader of the station's command team (现场协调指挥专班).
        Command => "command",
        /// The street's command: the street's channels.
        Street => "street",
        /// The district's command: the district's channels.
        District => "district",
    ]
);

/// One whom to reach: a group's people on duty or its leader (with the group), or a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Audience {
    pub reach: Reach,
    pub group: Option<i64>,
}

impl Audience {
    pub const fn of(reach: Reach) -> Audience {
        Audience { reach, group: None }
    }

    pub const fn group(reach: Reach, group: i64) -> Audience {
        Audience { reach, group: Some(group) }
    }

    /// As stored and as a form's value: `on_duty:12`, `leader:12`, `command`, `street`, `district`.
    pub fn code(&self) -> String {
        match self.group {
            Some(g) => format!("{}:{g}", self.reach.as_str()),
            None => self.reach.as_str().to_owned(),
        }
    }

    pub fn parse(s: &str) -> Option<Audience> {
        let (reach, group) = match s.split_once(':') {
            Some((r, g)) => (r, Some(g.parse::<i64>().ok()?)),
            None => (s, None),
        };
        let reach = Reach::parse(reach)?;
        // A group's people need the group; a command needs none.
        let needs_group = matches!(reach, Reach::OnDuty | Reach::Leader);
        (needs_group == group.is_some()).then_some(Audience { reach, group })
    }

    /// Nearest first (on duty, leader, command, street, district), then by group.
    fn order(&self) -> (usize, i64) {
        let rank = Reach::ALL.iter().position(|r| *r == self.reach).unwrap_or(usize::MAX);
        (rank, self.group.unwrap_or(0))
    }

    /// Whether it is heard in the station's own group (an @-mention there) rather than in the
    /// street's or the district's.
    pub fn in_station(&self) -> bool {
        matches!(self.reach, Reach::OnDuty | Reach::Leader | Reach::Command)
    }
}

impl TryFrom<String> for Audience {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Audience::parse(&s).ok_or_else(|| format!("unknown audience {s}"))
    }
}

impl From<Audience> for String {
    fn from(a: Audience) -> String {
        a.code()
    }
}

/// A step: `after` minutes from the alert being raised, unless acknowledged by then.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub after: i64,
    pub to: Audience,
}

/// The two lists a station keeps: for a positive test, and for every other alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    pub positive: Vec<Step>,
    pub other: Vec<Step>,
}

/// Which list an alert follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Set {
    Positive,
    Other,
}

impl Set {
    pub const ALL: [Set; 2] = [Set::Other, Set::Positive];

    pub fn of(kind: AlertReason) -> Set {
        if kind == AlertReason::Positive { Set::Positive } else { Set::Other }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Set::Positive => "positive",
            Set::Other => "other",
        }
    }

    /// The form field its refusals name.
    fn field(self) -> &'static str {
        match self {
            Set::Positive => "steps_positive",
            Set::Other => "steps_other",
        }
    }

    /// Its rules' messages, each naming the list (a form shows both lists' refusals at once).
    fn unknown_audience(self) -> &'static str {
        match self {
            Set::Positive => "error.escalation_positive_unknown_audience",
            Set::Other => "error.escalation_other_unknown_audience",
        }
    }

    fn first_at_once(self) -> &'static str {
        match self {
            Set::Positive => "error.escalation_positive_first_at_once",
            Set::Other => "error.escalation_other_first_at_once",
        }
    }
}

/// The longest wait a step may have: a day.
pub const MAX_MINUTES: i64 = 24 * 60;
/// Rows a form offers for each list.
pub const ROWS: usize = 6;

impl Rules {
    pub fn steps(&self, set: Set) -> &[Step] {
        match set {
            Set::Positive => &self.positive,
            Set::Other => &self.other,
        }
    }

    /// The levels an alert of `kind` goes through, in order: each a minute and whom it reaches.
    pub fn levels(&self, kind: AlertReason) -> Vec<Level> {
        levels(self.steps(Set::of(kind)))
    }
}

/// Steps that share a minute, sent together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Level {
    pub after: i64,
    pub to: Vec<Audience>,
}

/// The steps grouped by minute, earliest first, each audience once.
pub fn levels(steps: &[Step]) -> Vec<Level> {
    let mut sorted: Vec<Step> = steps.to_vec();
    sorted.sort_by_key(|s| (s.after, s.to.order()));
    let mut out: Vec<Level> = Vec::new();
    for s in sorted {
        match out.last_mut() {
            Some(l) if l.after == s.after => {
                if !l.to.contains(&s.to) {
                    l.to.push(s.to);
                }
            }
            _ => out.push(Level { after: s.after, to: vec![s.to] }),
        }
    }
    out
}

/// When level `next` of an alert raised at `raised` is due; `None` when it has none left.
pub fn due_at(levels: &[Level], raised: DateTime<Utc>, next: usize) -> Option<DateTime<Utc>> {
    levels.get(next).map(|l| raised + Duration::minutes(l.after))
}

/// The levels due at `now` from `next` on (several when the escalation fell behind).
pub fn due_now(levels: &[Level], raised: DateTime<Utc>, next: usize, now: DateTime<Utc>) -> usize {
    levels.iter().skip(next).take_while(|l| raised + Duration::minutes(l.after) <= now).count()
}

/// The rules a station starts with (the seed's medical chain): a fever reaches the medical
/// group on duty at once, its leader after 10 minutes, the station's lead after 30, the street
/// and the district after 60; a positive reaches all of them at once. Without a medical group
/// the station's lead is the first to hear.
pub fn default_rules(medical: Option<i64>) -> Rules {
    let mut chain: Vec<(i64, Audience)> = Vec::new();
    if let Some(g) = medical {
        chain.push((0, Audience::group(Reach::OnDuty, g)));
        chain.push((10, Audience::group(Reach::Leader, g)));
    }
    chain.push((if medical.is_some() { 30 } else { 0 }, Audience::of(Reach::Command)));
    chain.push((60, Audience::of(Reach::Street)));
    chain.push((60, Audience::of(Reach::District)));
    Rules {
        other: chain.iter().map(|&(after, to)| Step { after, to }).collect(),
        positive: chain.iter().map(|&(_, to)| Step { after: 0, to }).collect(),
    }
}

/// One row of the form: minutes and whom (both blank: an unused row).
#[derive(Debug, Clone, Default)]
pub struct Row {
    pub after: String,
    pub to: String,
}

/// Reads the two lists from the form's rows, every refusal at once. `groups` are the station's
/// working groups: a step may name only those.
pub fn validate_rules(
    positive: &[Row],
    other: &[Row],
    groups: &[i64],
) -> Result<Rules, DomainError> {
    let mut r = Refusals::default();
    let mut read = |set: Set, rows: &[Row]| {
        let field = set.field();
        let mut steps = Vec::new();
        for row in rows.iter().filter(|x| !(x.after.trim().is_empty() && x.to.trim().is_empty())) {
            let after = parse_int(&row.after, 0, MAX_MINUTES, "10");
            let to = Audience::parse(row.to.trim())
                .filter(|a| a.group.is_none_or(|g| groups.contains(&g)));
            match (after, to) {
                (Ok(after), Some(to)) => steps.push(Step { after, to }),
                (Err(error), _) => r.refuse(DomainError::Invalid { field, error }),
                (_, None) => {
                    r.refuse(DomainError::Rule { field: Some(field), key: set.unknown_audience() })
                }
            }
        }
        // Someone hears of every alert at once: escalation adds people, it never starts late.
        if !steps.iter().any(|s| s.after == 0) {
            r.refuse(DomainError::Rule { field: Some(field), key: set.first_at_once() });
        }
        steps.sort_by_key(|s| (s.after, s.to.order()));
        steps.dedup();
        steps
    };
    let positive = read(Set::Positive, positive);
    let other = read(Set::Other, other);
    r.finish()?;
    Ok(Rules { positive, other })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn row(after: &str, to: &str) -> Row {
        Row { after: after.into(), to: to.into() }
    }

    #[test]
    fn audiences_read_back_what_they_write() {
        for a in [
            Audience::group(Reach::OnDuty, 12),
            Audience::group(Reach::Leader, 3),
            Audience::of(Reach::Command),
            Audience::of(Reach::Street),
            Audience::of(Reach::District),
        ] {
            assert_eq!(Audience::parse(&a.code()), Some(a));
        }
        for bad in ["", "on_duty", "leader:x", "command:4", "street:1", "mayor", "on_duty:"] {
            assert_eq!(Audience::parse(bad), None, "{bad}");
        }
        assert!(Audience::of(Reach::Command).in_station());
        assert!(!Audience::of(Reach::Street).in_station());
    }

    #[test]
    fn the_seed_chain_climbs_in_four_levels_and_a_positive_goes_to_all_at_once() {
        let r = default_rules(Some(7));
        let fever = r.levels(AlertReason::Fever);
        assert_eq!(fever.iter().map(|l| l.after).collect::<Vec<_>>(), [0, 10, 30, 60]);
        assert_eq!(fever[0].to, [Audience::group(Reach::OnDuty, 7)]);
        assert_eq!(fever[3].to, [Audience::of(Reach::Street), Audience::of(Reach::District)]);
        let positive = r.levels(AlertReason::Positive);
        assert_eq!(positive.len(), 1);
        assert_eq!(positive[0].to.len(), 5);
        // No medical group: the lead hears at once.
        let bare = default_rules(None).levels(AlertReason::Symptoms);
        assert_eq!(bare[0], Level { after: 0, to: vec![Audience::of(Reach::Command)] });
    }

    #[test]
    fn a_level_is_due_at_its_minute_and_late_ones_come_together() {
        let l = default_rules(Some(1)).levels(AlertReason::Fever);
        let raised = t("2026-12-06T03:00:00Z");
        assert_eq!(due_at(&l, raised, 1), Some(t("2026-12-06T03:10:00Z")));
        assert_eq!(due_at(&l, raised, 4), None);
        assert_eq!(due_now(&l, raised, 1, t("2026-12-06T03:09:59Z")), 0);
        assert_eq!(due_now(&l, raised, 1, t("2026-12-06T03:10:00Z")), 1);
        // A node that was down for an hour sends the three missed levels in one go.
        assert_eq!(due_now(&l, raised, 1, t("2026-12-06T04:05:00Z")), 3);
        assert_eq!(due_now(&l, raised, 4, t("2026-12-07T00:00:00Z")), 0);
    }

    #[test]
    fn a_form_is_read_with_every_refusal_at_once() {
        let ok = validate_rules(
            &[row("0", "on_duty:4"), row("0", "district"), row("", "")],
            &[row("10", "leader:4"), row("0", "on_duty:4"), row("0", "on_duty:4")],
            &[4],
        )
        .unwrap();
        assert_eq!(ok.other.len(), 2, "sorted, the repeat dropped");
        assert_eq!(ok.other[0].after, 0);
        let e = validate_rules(
            &[row("10", "district")],
            &[row("abc", "command"), row("5", "leader:99"), row("2000", "street")],
            &[4],
        )
        .unwrap_err();
        let each: Vec<(Option<&str>, String)> =
            e.each().iter().map(|x| (x.field(), x.to_string())).collect();
        assert_eq!(each.len(), 5, "{each:?}");
        assert!(
            each.iter().any(|(f, s)| *f == Some("steps_positive")
                && s == "error.escalation_positive_first_at_once")
        );
        assert!(
            each.iter().any(|(f, s)| *f == Some("steps_other")
                && s == "error.escalation_other_unknown_audience")
        );
        assert_eq!(each.iter().filter(|(f, _)| *f == Some("steps_other")).count(), 4);
    }
}
