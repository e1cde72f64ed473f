//! Day boundaries are Asia/Shanghai; timestamps are stored in UTC (DESIGN §3).

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Asia::Shanghai;

/// The calendar date in China for an instant.
pub fn local_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&Shanghai).date_naive()
}

/// "2026-01-02 08:30" in China Standard Time, for display.
pub fn local_display(t: DateTime<Utc>) -> String {
    t.with_timezone(&Shanghai)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_evening_is_next_day_in_china() {
        let t: DateTime<Utc> = "2026-01-01T16:30:00Z".parse().unwrap();
        assert_eq!(local_date(t), NaiveDate::from_ymd_opt(2026, 1, 2).unwrap());
        assert_eq!(local_display(t), "2026-01-02 00:30");
    }
}
