//! Plausible dates. A date can be a real calendar day and still be nonsense for what it
//! dates: a reading on 9999-12-31, a worker arriving in year 1. Every dated record of Yizhan's
//! is one of two kinds, each with its range:
//! - something that **happened** (a reading, a drill, a disinfection, a resumption): not
//!   before [`first_day`], not after today;
//! - something **planned or due** (an inspection, a deadline, an arrival, a policy taking
//!   effect): not before [`first_day`], at most [`HORIZON_DAYS`] ahead.
//!
//! Rules that narrow a range further (a deadline not in the past, a reading within its stay)
//! stay with their records.

use chrono::{DateTime, NaiveDate, Utc};

use super::Invalid;

/// How far ahead a plan, deadline or booking may reach.
pub const HORIZON_DAYS: i64 = 366;

/// No record of Yizhan's is older: the epidemic response it serves began in January 2020.
pub fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// The last day a plan may be made for, seen from `today`.
pub fn horizon(today: NaiveDate) -> NaiveDate {
    today + chrono::Duration::days(HORIZON_DAYS)
}

/// `d` if it lies in `min..=max`; otherwise the range, for the message.
pub fn within(d: NaiveDate, min: NaiveDate, max: NaiveDate) -> Result<NaiveDate, Invalid> {
    if d < min || d > max {
        return Err(Invalid::OutOfRange { min: min.to_string(), max: max.to_string() });
    }
    Ok(d)
}

/// A day something happened on.
pub fn happened_on(d: NaiveDate, today: NaiveDate) -> Result<NaiveDate, Invalid> {
    if d > today {
        return Err(Invalid::FutureDate);
    }
    within(d, first_day(), today)
}

/// A day something is planned for or due on.
pub fn planned_for(d: NaiveDate, today: NaiveDate) -> Result<NaiveDate, Invalid> {
    within(d, first_day(), horizon(today))
}

/// An optional day, by one of the rules above.
pub fn optional(
    d: Option<NaiveDate>,
    today: NaiveDate,
    rule: fn(NaiveDate, NaiveDate) -> Result<NaiveDate, Invalid>,
) -> Result<Option<NaiveDate>, Invalid> {
    d.map(|d| rule(d, today)).transpose()
}

/// An instant something happened at (China Standard Time for its day).
pub fn happened_at(at: DateTime<Utc>, now: DateTime<Utc>) -> Result<DateTime<Utc>, Invalid> {
    happened_on(crate::time::local_date(at), crate::time::local_date(now)).map(|_| at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn what_happened_lies_between_2020_and_today() {
        let today = d("2026-03-10");
        assert_eq!(happened_on(d("2026-03-10"), today), Ok(d("2026-03-10")));
        assert_eq!(happened_on(d("2020-01-01"), today), Ok(d("2020-01-01")));
        assert_eq!(happened_on(d("2026-03-11"), today), Err(Invalid::FutureDate));
        assert_eq!(happened_on(d("9999-12-31"), today), Err(Invalid::FutureDate));
        assert_eq!(
            happened_on(d("2019-12-31"), today),
            Err(Invalid::OutOfRange { min: "2020-01-01".into(), max: "2026-03-10".into() })
        );
        assert!(happened_on(d("0001-01-01"), today).is_err());
    }

    #[test]
    fn plans_reach_a_year_ahead() {
        let today = d("2026-03-10");
        assert_eq!(planned_for(d("2027-03-11"), today), Ok(d("2027-03-11")));
        assert_eq!(planned_for(d("2021-01-25"), today), Ok(d("2021-01-25")));
        assert_eq!(
            planned_for(d("2027-03-12"), today),
            Err(Invalid::OutOfRange { min: "2020-01-01".into(), max: "2027-03-11".into() })
        );
        assert!(planned_for(d("9999-12-31"), today).is_err());
        assert!(planned_for(d("0001-01-01"), today).is_err());
        assert_eq!(optional(None, today, planned_for), Ok(None));
        assert!(optional(Some(d("1999-01-01")), today, happened_on).is_err());
    }

    #[test]
    fn instants_by_their_day_in_china() {
        let now: DateTime<Utc> = "2026-03-10T02:00:00Z".parse().unwrap();
        // 2019-12-31 16:30 UTC is 2020-01-01 00:30 in China: the first day.
        let first: DateTime<Utc> = "2019-12-31T16:30:00Z".parse().unwrap();
        assert_eq!(happened_at(first, now), Ok(first));
        let before: DateTime<Utc> = "2019-12-31T15:30:00Z".parse().unwrap();
        assert!(happened_at(before, now).is_err());
    }
}
