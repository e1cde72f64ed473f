//! Release from quarantine (解除隔离) and its certificate, docs/design.md §3.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What the records say about one stay on the day release is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseFacts {
    /// Today in Shanghai.
    pub today: NaiveDate,
    pub planned_release: NaiveDate,
    /// Tests on the stay's calendar.
    pub scheduled_tests: i64,
    /// Scheduled tests with a negative result.
    pub negative_tests: i64,
    /// Scheduled tests not yet sampled or still awaiting a result.
    pub pending_or_missing_tests: i64,
    pub positive_tests: i64,
    /// Health alerts not yet closed.
    pub open_alerts: i64,
}

/// Something that must be resolved before release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Blocker {
    /// The planned release date has not come yet.
    PeriodNotComplete {
        days_left: i64,
    },
    /// Some scheduled tests have no negative result yet.
    TestsNotAllNegative {
        missing: i64,
    },
    PositiveResult,
    OpenAlerts {
        count: i64,
    },
}

impl Blocker {
    pub fn as_str(self) -> &'static str {
        match self {
            Blocker::PeriodNotComplete { .. } => "period_not_complete",
            Blocker::TestsNotAllNegative { .. } => "tests_not_all_negative",
            Blocker::PositiveResult => "positive_result",
            Blocker::OpenAlerts { .. } => "open_alerts",
        }
    }
    /// Locale key, e.g. "release.blocker.open_alerts". The number a blocker
    /// carries (`days_left`, `missing`, `count`) is the message's `{count}`.
    pub fn key(self) -> &'static str {
        match self {
            Blocker::PeriodNotComplete { .. } => "release.blocker.period_not_complete",
            Blocker::TestsNotAllNegative { .. } => "release.blocker.tests_not_all_negative",
            Blocker::PositiveResult => "release.blocker.positive_result",
            Blocker::OpenAlerts { .. } => "release.blocker.open_alerts",
        }
    }
    /// The number shown in the message, if any.
    pub fn count(self) -> Option<i64> {
        match self {
            Blocker::PeriodNotComplete { days_left } => Some(days_left),
            Blocker::TestsNotAllNegative { missing } => Some(missing),
            Blocker::PositiveResult => None,
            Blocker::OpenAlerts { count } => Some(count),
        }
    }
}

/// Every blocker key, for the web layer's locale test.
pub const BLOCKER_KEYS: &[&str] = &[
    "release.blocker.period_not_complete",
    "release.blocker.tests_not_all_negative",
    "release.blocker.positive_result",
    "release.blocker.open_alerts",
];

/// Release is allowed from the planned release date on, when every scheduled
/// test is negative and no alert is open. Every blocker is returned, so the
/// worker sees all that is left to do at once.
pub fn check_release(f: &ReleaseFacts) -> Result<(), Vec<Blocker>> {
    let mut out = Vec::new();
    let days_left = (f.planned_release - f.today).num_days();
    if days_left > 0 {
        out.push(Blocker::PeriodNotComplete { days_left });
    }
    let unaccounted = f.scheduled_tests - f.negative_tests - f.positive_tests;
    let missing = f.pending_or_missing_tests.max(unaccounted).max(0);
    if missing > 0 {
        out.push(Blocker::TestsNotAllNegative { missing });
    }
    if f.positive_tests > 0 {
        out.push(Blocker::PositiveResult);
    }
    if f.open_alerts > 0 {
        out.push(Blocker::OpenAlerts { count: f.open_alerts });
    }
    if out.is_empty() { Ok(()) } else { Err(out) }
}

/// A certificate number such as "JH-20210125-0007": station code, issue date
/// (Shanghai), and the day's sequence number, zero-padded to four digits.
pub fn certificate_number(station_code: &str, date: NaiveDate, seq: i64) -> String {
    format!("{}-{}-{seq:04}", station_code.trim().to_ascii_uppercase(), date.format("%Y%m%d"))
}

/// Random bytes in a certificate's check code: 128 bits, so that knowing every other
/// certificate (numbers are sequential) says nothing about this one's code.
pub const CODE_BYTES: usize = 16;

/// The check code printed in the QR verification link: the random bytes as lowercase hex.
/// It is drawn fresh for each certificate and stored with it; nothing derives it from the
/// number (an earlier FNV-1a over the number and a constant in the source could be computed
/// by anyone).
pub fn certificate_code(random: &[u8; CODE_BYTES]) -> String {
    random.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `given` is the stored code. Constant time over the stored code's length, so
/// timing does not reveal how many leading characters were right; any case, spaces trimmed.
pub fn code_matches(stored: &str, given: &str) -> bool {
    crate::admin::account::same_secret(
        &stored.to_ascii_lowercase(),
        &given.trim().to_ascii_lowercase(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn ready() -> ReleaseFacts {
        ReleaseFacts {
            today: day(2021, 1, 25),
            planned_release: day(2021, 1, 25),
            scheduled_tests: 4,
            negative_tests: 4,
            pending_or_missing_tests: 0,
            positive_tests: 0,
            open_alerts: 0,
        }
    }

    #[test]
    fn release_allowed_on_and_after_the_planned_day() {
        assert_eq!(check_release(&ready()), Ok(()));
        let later = ReleaseFacts { today: day(2021, 1, 27), ..ready() };
        assert_eq!(check_release(&later), Ok(()));
        let no_tests = ReleaseFacts { scheduled_tests: 0, negative_tests: 0, ..ready() };
        assert_eq!(check_release(&no_tests), Ok(()));
    }

    #[test]
    fn each_blocker_alone() {
        let early = ReleaseFacts { today: day(2021, 1, 22), ..ready() };
        assert_eq!(check_release(&early), Err(vec![Blocker::PeriodNotComplete { days_left: 3 }]));
        let pending = ReleaseFacts { negative_tests: 3, pending_or_missing_tests: 1, ..ready() };
        assert_eq!(check_release(&pending), Err(vec![Blocker::TestsNotAllNegative { missing: 1 }]));
        // Counted from the calendar even if nothing is flagged pending.
        let unaccounted = ReleaseFacts { negative_tests: 2, ..ready() };
        assert_eq!(
            check_release(&unaccounted),
            Err(vec![Blocker::TestsNotAllNegative { missing: 2 }])
        );
        let positive = ReleaseFacts { negative_tests: 3, positive_tests: 1, ..ready() };
        assert_eq!(check_release(&positive), Err(vec![Blocker::PositiveResult]));
        let alerts = ReleaseFacts { open_alerts: 2, ..ready() };
        assert_eq!(check_release(&alerts), Err(vec![Blocker::OpenAlerts { count: 2 }]));
    }

    #[test]
    fn all_blockers_at_once() {
        let f = ReleaseFacts {
            today: day(2021, 1, 24),
            negative_tests: 1,
            pending_or_missing_tests: 2,
            positive_tests: 1,
            open_alerts: 1,
            ..ready()
        };
        let b = check_release(&f).unwrap_err();
        assert_eq!(
            b,
            vec![
                Blocker::PeriodNotComplete { days_left: 1 },
                Blocker::TestsNotAllNegative { missing: 2 },
                Blocker::PositiveResult,
                Blocker::OpenAlerts { count: 1 },
            ]
        );
        let keys: Vec<&str> = b.iter().map(|b| b.key()).collect();
        assert_eq!(keys, BLOCKER_KEYS);
        for x in b {
            assert_eq!(x.key(), format!("release.blocker.{}", x.as_str()));
        }
        assert_eq!(Blocker::PositiveResult.count(), None);
        assert_eq!(Blocker::OpenAlerts { count: 3 }.count(), Some(3));
    }

    #[test]
    fn certificate_numbers() {
        assert_eq!(certificate_number("JH", day(2021, 1, 25), 7), "JH-20210125-0007");
        assert_eq!(certificate_number(" jh ", day(2021, 1, 5), 12345), "JH-20210105-12345");
    }

    #[test]
    fn certificate_codes() {
        let c = certificate_code(&[0xAB; CODE_BYTES]);
        assert_eq!(c.len(), 32);
        assert_eq!(c, "ab".repeat(16));
        assert_ne!(c, certificate_code(&[0xAC; CODE_BYTES]));
        let mut one = [0u8; CODE_BYTES];
        one[15] = 1;
        assert_eq!(certificate_code(&one), format!("{}01", "0".repeat(30)));
        assert!(code_matches(&c, &c));
        assert!(code_matches(&c, &format!("  {}  ", c.to_uppercase())));
        assert!(!code_matches(&c, &c[..31]));
        assert!(!code_matches(&c, &format!("{c}0")));
        assert!(!code_matches(&c, &format!("{}ac", &c[..30])));
        assert!(!code_matches(&c, ""));
        // A 12-character code of the old kind matches nothing of the new kind.
        assert!(!code_matches(&c, &c[..12]));
    }
}
