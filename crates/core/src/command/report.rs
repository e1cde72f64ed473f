//! The daily situation report (日报): one line of figures per station and the district's sum.
//! Flows (new guests, releases, tests, readings, incidents…) count what happened on the
//! reported day; stocks (rooms, guests in stay, key attention, supplies) are as at generation.
//! A station whose records are missing is marked incomplete instead of showing zeros.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveTime, Timelike};
use serde::{Deserialize, Serialize};

/// One station's figures for the day (or the district's, summed). Reports archived before a
/// figure existed read it as zero.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct Figures {
    pub station_id: i64,
    pub station: String,
    pub street: String,
    pub rooms_total: i64,
    pub rooms_occupied: i64,
    pub rooms_free: i64,
    /// Awaiting terminal disinfection or its evaluation.
    pub rooms_awaiting: i64,
    /// Under maintenance or sealed.
    pub rooms_out_of_service: i64,
    pub guests_in_stay: i64,
    pub guests_new: i64,
    pub guests_released: i64,
    pub guests_transferred: i64,
    /// Guests in stay by category code (cross_border_driver, …).
    pub by_category: BTreeMap<String, i64>,
    pub tests_due: i64,
    pub tests_done: i64,
    pub tests_pending: i64,
    pub tests_positive: i64,
    pub health_checks: i64,
    pub abnormal_temperatures: i64,
    pub key_attention: i64,
    pub staff_on_duty: i64,
    pub staff_tests_done: i64,
    pub staff_tests_missed: i64,
    pub incidents: i64,
    pub complaints: i64,
    pub counselling: i64,
    /// Guests' and relatives' requests made that day, and those of them answered (done) within
    /// their deadline.
    pub requests: i64,
    pub requests_in_time: i64,
    pub supplies_low: i64,
    pub inspections: i64,
    pub overdue_rectifications: i64,
    /// What is missing (locale keys); empty when complete.
    pub missing: Vec<String>,
}

pub const MISSING_ROOMS: &str = "report.missing.rooms";
pub const MISSING_ROSTER: &str = "report.missing.roster";
pub const MISSING_HEALTH: &str = "report.missing.health";
pub const MISSING_TESTS: &str = "report.missing.tests";

/// What a station's figures say is missing: no rooms registered, nobody rostered, guests but
/// no temperature readings, tests due but none taken. A zero from a missing record is not a
/// zero from a quiet day.
pub fn missing(f: &Figures) -> Vec<String> {
    let mut m = Vec::new();
    if f.rooms_total == 0 {
        m.push(MISSING_ROOMS);
    }
    if f.staff_on_duty == 0 {
        m.push(MISSING_ROSTER);
    }
    if f.guests_in_stay > 0 && f.health_checks == 0 {
        m.push(MISSING_HEALTH);
    }
    if f.tests_due > 0 && f.tests_done == 0 {
        m.push(MISSING_TESTS);
    }
    m.into_iter().map(str::to_owned).collect()
}

/// The district's line: every count summed; incomplete when any station is.
pub fn total(lines: &[Figures]) -> Figures {
    let mut t = Figures::default();
    for l in lines {
        macro_rules! add {
            ($($f:ident),+) => { $( t.$f += l.$f; )+ };
        }
        add!(
            rooms_total,
            rooms_occupied,
            rooms_free,
            rooms_awaiting,
            rooms_out_of_service,
            guests_in_stay,
            guests_new,
            guests_released,
            guests_transferred,
            tests_due,
            tests_done,
            tests_pending,
            tests_positive,
            health_checks,
            abnormal_temperatures,
            key_attention,
            staff_on_duty,
            staff_tests_done,
            staff_tests_missed,
            incidents,
            complaints,
            counselling,
            requests,
            requests_in_time,
            supplies_low,
            inspections,
            overdue_rectifications
        );
        for (k, v) in &l.by_category {
            *t.by_category.entry(k.clone()).or_default() += v;
        }
        if !l.missing.is_empty() {
            t.missing.push(l.station.clone());
        }
    }
    t
}

/// The report a scheduled run at `local` (Shanghai time) should produce: the previous day's
/// (截至昨日24时), once the configured time `at` has come.
pub fn due_day(local_date: NaiveDate, local_time: NaiveTime, at: NaiveTime) -> Option<NaiveDate> {
    // Compare to the minute: a tick at 07:00:30 and one at 07:00:00 agree.
    let now = local_time.hour() * 60 + local_time.minute();
    let at = at.hour() * 60 + at.minute();
    (now >= at).then(|| local_date - chrono::Duration::days(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(name: &str, rooms: i64, on_duty: i64, in_stay: i64, checks: i64) -> Figures {
        Figures {
            station: name.into(),
            rooms_total: rooms,
            staff_on_duty: on_duty,
            guests_in_stay: in_stay,
            health_checks: checks,
            by_category: [("cross_border_driver".to_owned(), in_stay)].into(),
            ..Default::default()
        }
    }

    #[test]
    fn missing_records_are_named_not_zeroed() {
        assert!(missing(&line("a", 10, 3, 4, 8)).is_empty());
        assert_eq!(missing(&line("b", 0, 3, 0, 0)), vec![MISSING_ROOMS]);
        assert_eq!(missing(&line("c", 10, 0, 4, 0)), vec![MISSING_ROSTER, MISSING_HEALTH]);
        // No guests: no readings expected.
        assert!(missing(&line("d", 10, 3, 0, 0)).is_empty());
        let tests = Figures { tests_due: 2, ..line("e", 10, 3, 0, 0) };
        assert_eq!(missing(&tests), vec![MISSING_TESTS]);
    }

    #[test]
    fn the_district_sums_and_names_incomplete_stations() {
        let mut a = line("卓汇", 10, 3, 4, 8);
        let mut b = line("龙城", 20, 0, 5, 0);
        a.missing = missing(&a);
        b.missing = missing(&b);
        let t = total(&[a, b]);
        assert_eq!((t.rooms_total, t.guests_in_stay, t.health_checks), (30, 9, 8));
        assert_eq!(t.by_category["cross_border_driver"], 9);
        assert_eq!(t.missing, vec!["龙城".to_owned()]);
    }

    #[test]
    fn the_report_is_due_from_the_configured_time_for_yesterday() {
        let d: NaiveDate = "2026-03-10".parse().unwrap();
        let at = NaiveTime::from_hms_opt(7, 0, 0).unwrap();
        assert_eq!(due_day(d, NaiveTime::from_hms_opt(6, 59, 59).unwrap(), at), None);
        assert_eq!(
            due_day(d, NaiveTime::from_hms_opt(7, 0, 30).unwrap(), at),
            Some("2026-03-09".parse().unwrap())
        );
        assert_eq!(
            due_day(d, NaiveTime::from_hms_opt(23, 0, 0).unwrap(), at),
            Some("2026-03-09".parse().unwrap())
        );
    }
}
