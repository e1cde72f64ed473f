//! What a lead orders for one person on a case's exposure list (暴露人员处置措施): a guest's period
//! extended, a test now or every day to the end of the stay, a move to another room; a staff
//! member sent into home quarantine (off the roster for those days).

use chrono::NaiveDate;
use serde::Deserialize;

use crate::error::{DomainError, OnField, Refusals};
use crate::station::exposure::Kind;
use crate::validate::{Invalid, optional_text, parse_int};

code_enum!(
    /// A measure, by whom it may be taken.
    Measure, "exposure.measure.", [
        /// 延长隔离期 by a number of days.
        Extend => "extend",
        /// 立即检测: a test due today.
        TestNow => "test_now",
        /// 每日检测: a test every day until release.
        TestDaily => "test_daily",
        /// 调换房间.
        MoveRoom => "move_room",
        /// 居家隔离 (staff): off the roster and out of the loop for a number of days.
        HomeQuarantine => "home_quarantine",
    ]
);

impl Measure {
    /// The measures that apply to a person of `kind` (a relative is told by phone, not ordered).
    pub fn for_kind(kind: Kind) -> &'static [Measure] {
        match kind {
            Kind::Guest => {
                &[Measure::Extend, Measure::TestNow, Measure::TestDaily, Measure::MoveRoom]
            }
            Kind::Staff => &[Measure::HomeQuarantine],
            Kind::Relative => &[],
        }
    }
}

/// The longest a period is extended or a person quarantined at home by one measure.
pub const MAX_DAYS: i64 = 28;

/// What the measure form sends: whom (`guest` or `staff` and an id), what, and what it needs.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MeasureInput {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub person_id: String,
    #[serde(default)]
    pub action: String,
    /// Days to extend by, or of home quarantine.
    #[serde(default)]
    pub days: String,
    /// The room to move to.
    #[serde(default)]
    pub room_id: String,
    #[serde(default)]
    pub note: String,
}

/// A measure as decided, with what it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decided {
    Extend { days: i64 },
    TestNow,
    TestDaily,
    MoveRoom { room_id: i64 },
    HomeQuarantine { days: i64 },
}

impl Decided {
    pub fn measure(&self) -> Measure {
        match self {
            Decided::Extend { .. } => Measure::Extend,
            Decided::TestNow => Measure::TestNow,
            Decided::TestDaily => Measure::TestDaily,
            Decided::MoveRoom { .. } => Measure::MoveRoom,
            Decided::HomeQuarantine { .. } => Measure::HomeQuarantine,
        }
    }
}

/// A checked order for one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    pub kind: Kind,
    pub person_id: i64,
    pub decided: Decided,
    pub note: Option<String>,
}

/// Checks a measure: a person of a kind that may be ordered, a measure for that kind, and the
/// days or room it needs; every refusal at once.
pub fn validate_measure(i: &MeasureInput) -> Result<Order, DomainError> {
    let mut r = Refusals::default();
    let kind = r.check(
        Kind::parse(i.kind.trim())
            .filter(|k| !Measure::for_kind(*k).is_empty())
            .ok_or(Invalid::BadFormat { hint: "guest" })
            .on("kind"),
    );
    let person_id = r.check(parse_int(&i.person_id, 1, i64::MAX, "1").on("person_id"));
    let note = r.check(optional_text(&i.note, 200).on("note")).flatten();
    let measure = r.check(
        Measure::parse(i.action.trim())
            .filter(|m| kind.is_none_or(|k| Measure::for_kind(k).contains(m)))
            .ok_or(Invalid::BadFormat { hint: "test_now" })
            .on("action"),
    );
    let days = || parse_int(&i.days, 1, MAX_DAYS, "7").on("days");
    let decided = match measure {
        Some(Measure::Extend) => {
            // The stay's change history says why, as a period changed by hand does.
            if note.is_none() && i.note.trim().is_empty() {
                r.refuse(DomainError::Invalid { field: "note", error: Invalid::Empty });
            }
            r.check(days()).map(|days| Decided::Extend { days })
        }
        Some(Measure::HomeQuarantine) => {
            r.check(days()).map(|days| Decided::HomeQuarantine { days })
        }
        Some(Measure::MoveRoom) => r
            .check(parse_int(&i.room_id, 1, i64::MAX, "1").on("room_id"))
            .map(|room_id| Decided::MoveRoom { room_id }),
        Some(Measure::TestNow) => Some(Decided::TestNow),
        Some(Measure::TestDaily) => Some(Decided::TestDaily),
        None => None,
    };
    r.finish()?;
    match (kind, person_id, decided) {
        (Some(kind), Some(person_id), Some(decided)) => {
            Ok(Order { kind, person_id, decided, note })
        }
        _ => Err(DomainError::Invalid { field: "action", error: Invalid::Empty }),
    }
}

/// The days a home quarantine of `days` days from `today` covers, today first.
pub fn quarantine_days(today: NaiveDate, days: i64) -> Vec<NaiveDate> {
    (0..days.clamp(0, MAX_DAYS)).map(|d| today + chrono::Duration::days(d)).collect()
}

/// The days from `today` to the last day before `release` that have no test yet (`tested`), for
/// a stay tested every day from now on: (day of the stay, date).
pub fn daily_tests_from(
    checked_in: NaiveDate,
    today: NaiveDate,
    release: NaiveDate,
    tested: &[NaiveDate],
) -> Vec<(i64, NaiveDate)> {
    let mut out = Vec::new();
    let mut d = today.max(checked_in);
    while d < release {
        if !tested.contains(&d) {
            out.push(((d - checked_in).num_days() + 1, d));
        }
        d += chrono::Duration::days(1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(kind: &str, measure: &str, days: &str, room: &str) -> MeasureInput {
        MeasureInput {
            kind: kind.into(),
            person_id: "7".into(),
            action: measure.into(),
            days: days.into(),
            room_id: room.into(),
            note: String::new(),
        }
    }

    #[test]
    fn each_measure_reads_what_it_needs() {
        let mut i = input("guest", "extend", "7", "");
        i.note = "同层阳性".into();
        let o = validate_measure(&i).unwrap();
        assert_eq!((o.kind, o.person_id, o.decided), (Kind::Guest, 7, Decided::Extend { days: 7 }));
        assert_eq!(
            validate_measure(&input("guest", "move_room", "", "12")).unwrap().decided,
            Decided::MoveRoom { room_id: 12 }
        );
        assert_eq!(
            validate_measure(&input("guest", "test_daily", "", "")).unwrap().decided,
            Decided::TestDaily
        );
        assert_eq!(
            validate_measure(&input("staff", "home_quarantine", "14", "")).unwrap().decided,
            Decided::HomeQuarantine { days: 14 }
        );
    }

    #[test]
    fn a_measure_for_another_kind_and_missing_needs_are_refused_at_once() {
        let fields = |i: MeasureInput| -> Vec<&'static str> {
            validate_measure(&i).unwrap_err().each().iter().filter_map(|e| e.field()).collect()
        };
        assert_eq!(fields(input("staff", "extend", "7", "")), ["action"]);
        assert_eq!(fields(input("guest", "home_quarantine", "7", "")), ["action"]);
        assert_eq!(fields(input("relative", "test_now", "", "")), ["kind"]);
        assert_eq!(
            fields(input("guest", "extend", "0", "")),
            ["note", "days"],
            "why, and how long"
        );
        assert_eq!(fields(input("guest", "extend", "29", "")), ["note", "days"]);
        assert_eq!(fields(input("guest", "move_room", "", "")), ["room_id"]);
        let mut i = input("", "", "", "");
        i.person_id = "x".into();
        assert_eq!(fields(i), ["kind", "person_id", "action"]);
    }

    #[test]
    fn daily_tests_fill_the_days_left_without_one() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let got = daily_tests_from(
            d("2026-12-01"),
            d("2026-12-04"),
            d("2026-12-08"),
            &[d("2026-12-05"), d("2026-12-01")],
        );
        assert_eq!(
            got,
            [(4, d("2026-12-04")), (6, d("2026-12-06")), (7, d("2026-12-07"))],
            "the release day needs none"
        );
        assert!(
            daily_tests_from(d("2026-12-01"), d("2026-12-08"), d("2026-12-08"), &[]).is_empty()
        );
    }

    #[test]
    fn a_quarantine_covers_its_days_from_today() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(quarantine_days(d("2026-12-31"), 2), [d("2026-12-31"), d("2027-01-01")]);
        assert_eq!(quarantine_days(d("2026-12-31"), 99).len(), MAX_DAYS as usize);
    }
}
