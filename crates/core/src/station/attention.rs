//! Key attention (重点关注): reasons derived from a guest's records, docs/design.md §3.

use serde::{Deserialize, Serialize};

use crate::validate::Tenths;

/// Age at or above which a guest is elderly.
pub const ELDERLY_AGE: i64 = 70;
/// Age at or below which a guest is a child.
pub const CHILD_AGE: i64 = 14;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Fever,
    Symptoms,
    TestPending,
    TestPositive,
    CheckOverdue,
    TestOverdue,
    HighPsychRisk,
    /// Age ≥ 70.
    Elderly,
    /// Age ≤ 14.
    Child,
    Pregnant,
    ChronicDisease,
    OpenComplaint,
    /// Flagged by a person, with a reason recorded alongside.
    Manual,
}

impl Reason {
    pub const ALL: [Reason; 13] = [
        Reason::Fever,
        Reason::Symptoms,
        Reason::TestPending,
        Reason::TestPositive,
        Reason::CheckOverdue,
        Reason::TestOverdue,
        Reason::HighPsychRisk,
        Reason::Elderly,
        Reason::Child,
        Reason::Pregnant,
        Reason::ChronicDisease,
        Reason::OpenComplaint,
        Reason::Manual,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Fever => "fever",
            Reason::Symptoms => "symptoms",
            Reason::TestPending => "test_pending",
            Reason::TestPositive => "test_positive",
            Reason::CheckOverdue => "check_overdue",
            Reason::TestOverdue => "test_overdue",
            Reason::HighPsychRisk => "high_psych_risk",
            Reason::Elderly => "elderly",
            Reason::Child => "child",
            Reason::Pregnant => "pregnant",
            Reason::ChronicDisease => "chronic_disease",
            Reason::OpenComplaint => "open_complaint",
            Reason::Manual => "manual",
        }
    }
    pub fn parse(s: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|k| k.as_str() == s)
    }
    /// Locale key, e.g. "attention.test_overdue".
    pub fn label_key(self) -> &'static str {
        match self {
            Reason::Fever => "attention.fever",
            Reason::Symptoms => "attention.symptoms",
            Reason::TestPending => "attention.test_pending",
            Reason::TestPositive => "attention.test_positive",
            Reason::CheckOverdue => "attention.check_overdue",
            Reason::TestOverdue => "attention.test_overdue",
            Reason::HighPsychRisk => "attention.high_psych_risk",
            Reason::Elderly => "attention.elderly",
            Reason::Child => "attention.child",
            Reason::Pregnant => "attention.pregnant",
            Reason::ChronicDisease => "attention.chronic_disease",
            Reason::OpenComplaint => "attention.open_complaint",
            Reason::Manual => "attention.manual",
        }
    }
    /// Higher is more urgent.
    pub fn urgency(self) -> i64 {
        match self {
            Reason::TestPositive => 100,
            Reason::Fever => 90,
            Reason::Symptoms => 80,
            Reason::TestOverdue => 70,
            Reason::CheckOverdue => 60,
            Reason::HighPsychRisk => 60,
            Reason::TestPending => 50,
            Reason::Manual => 50,
            Reason::Pregnant => 40,
            Reason::Elderly => 30,
            Reason::Child => 30,
            Reason::ChronicDisease => 20,
            Reason::OpenComplaint => 20,
        }
    }
}
stored_code!(Reason);

impl Reason {
    /// Urgent (act now: positive, fever or symptoms, a reading or test overdue, high
    /// psychological risk) or only to watch (results pending, chronic disease, pregnancy, age, a
    /// complaint, a person's flag).
    pub fn is_urgent(self) -> bool {
        matches!(
            self,
            Reason::TestPositive
                | Reason::Fever
                | Reason::Symptoms
                | Reason::CheckOverdue
                | Reason::TestOverdue
                | Reason::HighPsychRisk
        )
    }
}

/// How a guest on the list is to be looked after: urgent ones first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Urgent,
    Watch,
}

/// Urgent when any reason is.
pub fn level(reasons: &[Reason]) -> Level {
    if reasons.iter().any(|r| r.is_urgent()) { Level::Urgent } else { Level::Watch }
}

/// A room number ordered as people read it: by its number (320 before 1001), then as text
/// (a suffix such as 101A after 101).
pub fn room_order(number: &str) -> (u64, String) {
    let digits: String = number.chars().take_while(char::is_ascii_digit).collect();
    (digits.parse().unwrap_or(u64::MAX), number.to_owned())
}

/// Sorts a list: urgent first, then the most severe, then by room number as a number.
pub fn order_key(reasons: &[Reason], room: &str) -> (Level, std::cmp::Reverse<i64>, (u64, String)) {
    (level(reasons), std::cmp::Reverse(urgency_score(reasons)), room_order(room))
}

/// What the records say about one guest in an open stay.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// Whole years; a negative value means unknown (neither elderly nor child).
    pub age: i64,
    pub pregnant: bool,
    pub chronic: bool,
    pub latest_temperature: Option<Tenths>,
    pub open_symptom_alert: bool,
    pub open_fever_alert: bool,
    pub pending_tests: i64,
    pub positive_test: bool,
    pub overdue_checks: i64,
    pub overdue_tests: i64,
    pub psych_risk_high: bool,
    pub open_complaints: i64,
    pub manual_flags: i64,
}

/// The reasons that apply, most urgent first (ties in [`Reason::ALL`] order).
/// Fever counts when a fever alert is open or the latest reading is ≥ 37.3 °C.
pub fn derive(f: &Facts) -> Vec<Reason> {
    let fever = f.open_fever_alert || f.latest_temperature.is_some_and(|t| t.is_fever());
    let mut out: Vec<Reason> = Reason::ALL
        .into_iter()
        .filter(|r| match r {
            Reason::Fever => fever,
            Reason::Symptoms => f.open_symptom_alert,
            Reason::TestPending => f.pending_tests > 0,
            Reason::TestPositive => f.positive_test,
            Reason::CheckOverdue => f.overdue_checks > 0,
            Reason::TestOverdue => f.overdue_tests > 0,
            Reason::HighPsychRisk => f.psych_risk_high,
            Reason::Elderly => f.age >= ELDERLY_AGE,
            Reason::Child => (0..=CHILD_AGE).contains(&f.age),
            Reason::Pregnant => f.pregnant,
            Reason::ChronicDisease => f.chronic,
            Reason::OpenComplaint => f.open_complaints > 0,
            Reason::Manual => f.manual_flags > 0,
        })
        .collect();
    // Stable: equal urgencies keep ALL order.
    out.sort_by_key(|r| std::cmp::Reverse(r.urgency()));
    out
}

/// A number for ordering a list of guests, higher first: the most urgent
/// reason dominates, the count of reasons breaks ties. 0 when there is none.
pub fn urgency_score(reasons: &[Reason]) -> i64 {
    let max = reasons.iter().map(|r| r.urgency()).max().unwrap_or(0);
    max * 100 + reasons.len() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adult() -> Facts {
        Facts { age: 35, latest_temperature: Some(Tenths(365)), ..Facts::default() }
    }

    #[test]
    fn nothing_for_a_healthy_adult() {
        assert!(derive(&adult()).is_empty());
        assert_eq!(urgency_score(&[]), 0);
        // Unknown age is neither elderly nor child.
        let f = Facts { age: -1, ..adult() };
        assert!(derive(&f).is_empty());
    }

    #[test]
    fn each_reason_alone() {
        type Set = fn(&mut Facts);
        let cases: [(Reason, Set); 16] = [
            (Reason::Fever, |f| f.latest_temperature = Some(Tenths(373))),
            (Reason::Fever, |f| f.open_fever_alert = true),
            (Reason::Symptoms, |f| f.open_symptom_alert = true),
            (Reason::TestPending, |f| f.pending_tests = 1),
            (Reason::TestPositive, |f| f.positive_test = true),
            (Reason::CheckOverdue, |f| f.overdue_checks = 2),
            (Reason::TestOverdue, |f| f.overdue_tests = 1),
            (Reason::HighPsychRisk, |f| f.psych_risk_high = true),
            (Reason::Elderly, |f| f.age = 70),
            (Reason::Child, |f| f.age = 14),
            (Reason::Child, |f| f.age = 0),
            (Reason::Pregnant, |f| f.pregnant = true),
            (Reason::ChronicDisease, |f| f.chronic = true),
            (Reason::OpenComplaint, |f| f.open_complaints = 1),
            (Reason::Manual, |f| f.manual_flags = 1),
            (Reason::Fever, |f| {
                f.latest_temperature = Some(Tenths(380));
                f.open_fever_alert = true;
            }),
        ];
        for (want, set) in cases {
            let mut f = adult();
            set(&mut f);
            assert_eq!(derive(&f), vec![want]);
        }
        for (age, none) in [(69, true), (15, true), (70, false), (14, false)] {
            let f = Facts { age, ..adult() };
            assert_eq!(derive(&f).is_empty(), none, "age {age}");
        }
        let f = Facts { latest_temperature: Some(Tenths(372)), ..adult() };
        assert!(derive(&f).is_empty());
    }

    #[test]
    fn urgent_and_watch_are_told_apart_and_rooms_sort_as_numbers() {
        assert_eq!(level(&[Reason::TestPending, Reason::ChronicDisease]), Level::Watch);
        assert_eq!(level(&[Reason::TestPending, Reason::Fever]), Level::Urgent);
        assert_eq!(level(&[Reason::HighPsychRisk]), Level::Urgent);
        assert_eq!(level(&[Reason::Manual, Reason::Elderly, Reason::Pregnant]), Level::Watch);
        let urgent = Reason::ALL.iter().filter(|r| r.is_urgent()).count();
        assert_eq!(urgent, 6);
        assert!(room_order("320") < room_order("1001"));
        assert!(room_order("101") < room_order("101A"));
        assert!(room_order("999") < room_order("A1"));
        let mut rows = [
            (vec![Reason::TestPending], "320"),
            (vec![Reason::Fever], "1001"),
            (vec![Reason::TestPositive], "1002"),
            (vec![Reason::Fever], "320"),
            (vec![Reason::ChronicDisease], "101"),
        ];
        rows.sort_by_key(|(r, room)| order_key(r, room));
        let order: Vec<_> = rows.iter().map(|(r, room)| (r[0], *room)).collect();
        assert_eq!(
            order,
            vec![
                (Reason::TestPositive, "1002"),
                (Reason::Fever, "320"),
                (Reason::Fever, "1001"),
                (Reason::TestPending, "320"),
                (Reason::ChronicDisease, "101"),
            ]
        );
    }

    #[test]
    fn most_urgent_first() {
        let f = Facts {
            age: 75,
            pregnant: false,
            chronic: true,
            latest_temperature: Some(Tenths(380)),
            open_symptom_alert: true,
            open_fever_alert: true,
            pending_tests: 1,
            positive_test: true,
            overdue_checks: 1,
            overdue_tests: 1,
            psych_risk_high: true,
            open_complaints: 1,
            manual_flags: 1,
        };
        assert_eq!(
            derive(&f),
            vec![
                Reason::TestPositive,
                Reason::Fever,
                Reason::Symptoms,
                Reason::TestOverdue,
                Reason::CheckOverdue,
                Reason::HighPsychRisk,
                Reason::TestPending,
                Reason::Manual,
                Reason::Elderly,
                Reason::ChronicDisease,
                Reason::OpenComplaint,
            ]
        );
        assert_eq!(urgency_score(&derive(&f)), 100 * 100 + 11);
    }

    #[test]
    fn scores_order_guests() {
        let fever = urgency_score(&[Reason::Fever]);
        let elderly_chronic = urgency_score(&[Reason::Elderly, Reason::ChronicDisease]);
        let elderly = urgency_score(&[Reason::Elderly]);
        assert_eq!(fever, 9001);
        assert!(fever > elderly_chronic);
        assert!(elderly_chronic > elderly);
    }

    #[test]
    fn names_round_trip() {
        for r in Reason::ALL {
            assert_eq!(Reason::parse(r.as_str()), Some(r));
            assert_eq!(r.label_key(), format!("attention.{}", r.as_str()));
            assert!(r.urgency() > 0);
        }
    }
}
