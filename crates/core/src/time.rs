//! Day boundaries are Asia/Shanghai; timestamps are stored in UTC (docs/design.md §3).

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Asia::Shanghai;

/// The calendar date in China for an instant.
pub fn local_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&Shanghai).date_naive()
}

/// The instant a China Standard Time calendar day begins.
pub fn day_start_utc(day: NaiveDate) -> DateTime<Utc> {
    use chrono::TimeZone;
    Shanghai
        .from_local_datetime(&day.and_time(chrono::NaiveTime::MIN))
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| day.and_time(chrono::NaiveTime::MIN).and_utc())
}

/// An instant formatted in China Standard Time with a chrono format string.
pub fn local_format(t: DateTime<Utc>, fmt: &str) -> String {
    t.with_timezone(&Shanghai).format(fmt).to_string()
}

/// The wall-clock time in China for an instant (what a roster's shifts are written in).
pub fn local_naive(t: DateTime<Utc>) -> chrono::NaiveDateTime {
    t.with_timezone(&Shanghai).naive_local()
}

/// "2026-01-02 08:30" in China Standard Time, for display.
pub fn local_display(t: DateTime<Utc>) -> String {
    t.with_timezone(&Shanghai).format("%Y-%m-%d %H:%M").to_string()
}

/// How many of `times` fall on each of the `days` China days from `first`: a trend chart's bars.
pub fn per_day(times: &[DateTime<Utc>], first: NaiveDate, days: u32) -> Vec<i64> {
    let mut out = vec![0; days as usize];
    for t in times {
        let i = (local_date(*t) - first).num_days();
        if let Some(n) = usize::try_from(i).ok().and_then(|i| out.get_mut(i)) {
            *n += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_counted_on_their_china_day() {
        let first = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let times = [
            at("2026-02-28T15:59:59Z"), // 23:59 on 28 Feb in China: before the chart
            at("2026-02-28T16:00:00Z"), // 00:00 on 1 Mar
            at("2026-03-01T15:00:00Z"), // 23:00 on 1 Mar
            at("2026-03-02T16:00:00Z"), // 00:00 on 3 Mar
            at("2026-03-03T16:00:00Z"), // 4 Mar: after a three-day chart
        ];
        assert_eq!(per_day(&times, first, 3), [2, 0, 1]);
        assert_eq!(per_day(&[], first, 2), [0, 0]);
    }

    #[test]
    fn days_start_at_shanghai_midnight() {
        let d = NaiveDate::from_ymd_opt(2021, 1, 11).unwrap();
        assert_eq!(day_start_utc(d).to_rfc3339(), "2021-01-10T16:00:00+00:00");
        assert_eq!(local_date(day_start_utc(d)), d);
    }

    #[test]
    fn utc_evening_is_next_day_in_china() {
        let t: DateTime<Utc> = "2026-01-01T16:30:00Z".parse().unwrap();
        assert_eq!(local_date(t), NaiveDate::from_ymd_opt(2026, 1, 2).unwrap());
        assert_eq!(local_display(t), "2026-01-02 00:30");
    }
}
