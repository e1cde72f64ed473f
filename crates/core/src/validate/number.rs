//! Whole numbers, choices from a list, and local date-times, as typed into forms.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;

use super::{Invalid, fold_fullwidth};

/// A whole number, possibly negative, within `min..=max`.
pub fn parse_int(s: &str, min: i64, max: i64, hint: &'static str) -> Result<i64, Invalid> {
    let t: String = s.trim().chars().map(fold_fullwidth).collect();
    let t = t.trim();
    if t.is_empty() {
        return Err(Invalid::Empty);
    }
    let digits = t.strip_prefix('-').unwrap_or(t);
    if let Some(c) = digits.chars().find(|c| !c.is_ascii_digit()) {
        return Err(Invalid::BadChars { found: c });
    }
    let range = || Invalid::OutOfRange { min: min.to_string(), max: max.to_string() };
    if digits.is_empty() {
        return Err(Invalid::BadFormat { hint });
    }
    let v: i64 = t.parse().map_err(|_| range())?;
    if !(min..=max).contains(&v) {
        return Err(range());
    }
    Ok(v)
}

/// One of a fixed set of codes (an enum's `as_str`), e.g. "accident"; `hint` is a valid code.
pub fn parse_choice<T>(
    s: &str,
    parse: fn(&str) -> Option<T>,
    hint: &'static str,
) -> Result<T, Invalid> {
    let t = s.trim();
    if t.is_empty() {
        return Err(Invalid::Empty);
    }
    parse(t).ok_or(Invalid::BadFormat { hint })
}

/// A China Standard Time date-time as a browser's datetime-local input or a person writes it
/// ("2026-01-02T08:30", "2026-01-02 08:30", seconds optional), as UTC. Not later than `now`
/// plus five minutes: records are of things that happened, and clocks drift; not before 2020
/// (`date::first_day`).
pub fn parse_local_datetime(s: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, Invalid> {
    let t: String = s.trim().chars().map(fold_fullwidth).collect();
    if t.is_empty() {
        return Err(Invalid::Empty);
    }
    let t = t.replace('T', " ");
    let naive = ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(&t, f).ok())
        .ok_or(Invalid::BadFormat { hint: "2026-01-02 08:30" })?;
    let at =
        Shanghai.from_local_datetime(&naive).single().ok_or(Invalid::BadDate)?.with_timezone(&Utc);
    if at > now + chrono::Duration::minutes(5) {
        return Err(Invalid::FutureDate);
    }
    if crate::time::local_date(at) < super::date::first_day() {
        return Err(Invalid::OutOfRange {
            min: super::date::first_day().to_string(),
            max: crate::time::local_display(now),
        });
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers() {
        assert_eq!(parse_int(" １２ ", 0, 20, "3"), Ok(12));
        assert_eq!(parse_int("-3", -5, 5, "3"), Ok(-3));
        assert_eq!(parse_int("", 0, 5, "3"), Err(Invalid::Empty));
        assert_eq!(parse_int("1.5", 0, 5, "3"), Err(Invalid::BadChars { found: '.' }));
        assert!(matches!(parse_int("6", 0, 5, "3"), Err(Invalid::OutOfRange { .. })));
        assert!(matches!(
            parse_int("99999999999999999999", 0, 5, "3"),
            Err(Invalid::OutOfRange { .. })
        ));
    }

    #[test]
    fn choices() {
        let p = |s: &str| (s == "a").then_some(1);
        assert_eq!(parse_choice(" a ", p, "a"), Ok(1));
        assert_eq!(parse_choice("", p, "a"), Err(Invalid::Empty));
        assert_eq!(parse_choice("b", p, "a"), Err(Invalid::BadFormat { hint: "a" }));
    }

    #[test]
    fn local_date_times_are_china_time() {
        let now: DateTime<Utc> = "2026-01-02T12:00:00Z".parse().unwrap();
        let at = parse_local_datetime("2026-01-02T08:30", now).unwrap();
        assert_eq!(at.to_rfc3339(), "2026-01-02T00:30:00+00:00");
        assert_eq!(
            parse_local_datetime("2026-01-02 08:30:15", now).unwrap().to_rfc3339(),
            "2026-01-02T00:30:15+00:00"
        );
        assert_eq!(parse_local_datetime("", now), Err(Invalid::Empty));
        assert!(matches!(
            parse_local_datetime("02/01/2026 08:30", now),
            Err(Invalid::BadFormat { .. })
        ));
        assert!(matches!(
            parse_local_datetime("2026-02-30 08:30", now),
            Err(Invalid::BadFormat { .. })
        ));
        // 20:06 China time is 12:06 UTC: six minutes ahead of the clock.
        assert_eq!(parse_local_datetime("2026-01-02 20:06", now), Err(Invalid::FutureDate));
        assert!(parse_local_datetime("2026-01-02 20:04", now).is_ok());
    }
}
