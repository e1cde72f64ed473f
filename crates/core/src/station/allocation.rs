//! The command's proposal for housing planned arrivals: each party (people travelling together,
//! or one person) goes whole to one station that takes all its categories and has the beds for
//! it. The earliest arrivals are placed first and the largest parties of a day before the small
//! ones, each to the eligible station with the most free beds, so the load spreads and every
//! station keeps room for the unexpected.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::station::guest::GuestCategory;

/// A planned arrival waiting for a station.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub id: i64,
    pub category: GuestCategory,
    pub party: Option<String>,
    pub expected_on: NaiveDate,
}

/// A station as the proposal sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Room {
    pub station_id: i64,
    /// The categories it takes; empty: every category.
    pub takes: Vec<GuestCategory>,
    /// Beds in rooms that can take a guest, less the guests in them and the arrivals already
    /// allocated there and not yet arrived.
    pub free_beds: i64,
}

impl Room {
    fn takes_all(&self, categories: &[GuestCategory]) -> bool {
        self.takes.is_empty() || categories.iter().all(|c| self.takes.contains(c))
    }
}

/// The categories a station takes, as stored (codes joined by commas; empty: every one).
pub fn takes_of(stored: &str) -> Vec<GuestCategory> {
    stored.split(',').filter_map(|c| GuestCategory::parse(c.trim())).collect()
}

/// The stored form of the categories a station takes.
pub fn takes_stored(takes: &[GuestCategory]) -> String {
    GuestCategory::ALL
        .iter()
        .filter(|c| takes.contains(c))
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// Why a party could not be placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unplaced {
    /// No active station takes this category (a mixed party: one of its categories).
    NoStationTakes(GuestCategory),
    /// Stations take them, but none has the beds for the whole party.
    NoBeds,
}

impl Unplaced {
    pub fn label_key(self) -> &'static str {
        match self {
            Unplaced::NoStationTakes(_) => "arrival.unplaced.category",
            Unplaced::NoBeds => "arrival.unplaced.beds",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Proposal {
    /// (arrival, station), in the order placed.
    pub placed: Vec<(i64, i64)>,
    pub unplaced: Vec<(i64, Unplaced)>,
}

impl Proposal {
    /// Arrivals proposed for each station.
    pub fn per_station(&self) -> BTreeMap<i64, i64> {
        let mut n = BTreeMap::new();
        for (_, s) in &self.placed {
            *n.entry(*s).or_insert(0) += 1;
        }
        n
    }

    /// A short fingerprint of what is proposed, so a confirmation can tell it confirms what the
    /// person saw (FNV-1a over the pairs, in hex).
    pub fn fingerprint(&self) -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for (a, s) in &self.placed {
            for b in a.to_le_bytes().into_iter().chain(s.to_le_bytes()) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
        format!("{h:016x}")
    }
}

/// People of one party (a party key of one day, or one person alone).
fn parties(waiting: &[Waiting]) -> Vec<Vec<&Waiting>> {
    let mut by_key: BTreeMap<(NaiveDate, String), Vec<&Waiting>> = BTreeMap::new();
    let mut alone = Vec::new();
    for w in waiting {
        match &w.party {
            Some(p) => by_key.entry((w.expected_on, p.clone())).or_default().push(w),
            None => alone.push(vec![w]),
        }
    }
    let mut all: Vec<Vec<&Waiting>> = by_key.into_values().chain(alone).collect();
    all.sort_by_key(|p| (p[0].expected_on, std::cmp::Reverse(p.len()), p[0].id));
    all
}

/// Proposes a station for each waiting arrival; never more arrivals to a station than its free
/// beds, never a party split.
pub fn propose(waiting: &[Waiting], stations: &[Room]) -> Proposal {
    let mut free: Vec<Room> = stations.to_vec();
    let mut out = Proposal::default();
    for party in parties(waiting) {
        let mut categories: Vec<GuestCategory> = Vec::new();
        for w in &party {
            if !categories.contains(&w.category) {
                categories.push(w.category);
            }
        }
        let size = party.len() as i64;
        let best = free
            .iter_mut()
            .filter(|r| r.takes_all(&categories) && r.free_beds >= size)
            .max_by_key(|r| (r.free_beds, std::cmp::Reverse(r.station_id)));
        match best {
            Some(r) => {
                r.free_beds -= size;
                out.placed.extend(party.iter().map(|w| (w.id, r.station_id)));
            }
            None => {
                let why = categories
                    .iter()
                    .find(|c| !stations.iter().any(|r| r.takes_all(&[**c])))
                    .map(|c| Unplaced::NoStationTakes(*c))
                    .unwrap_or(Unplaced::NoBeds);
                out.unplaced.extend(party.iter().map(|w| (w.id, why)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use GuestCategory::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    fn w(id: i64, category: GuestCategory, party: Option<&str>, d: u32) -> Waiting {
        Waiting { id, category, party: party.map(str::to_owned), expected_on: day(d) }
    }

    fn room(station_id: i64, takes: &[GuestCategory], free_beds: i64) -> Room {
        Room { station_id, takes: takes.to_vec(), free_beds }
    }

    #[test]
    fn drivers_go_to_driver_stations_and_families_stay_together() {
        let waiting = vec![
            w(1, CrossBorderDriver, None, 7),
            w(2, InboundTraveller, Some("F1"), 7),
            w(3, InboundTraveller, Some("F1"), 7),
            w(4, InboundTraveller, Some("F1"), 7),
            w(5, CloseContact, None, 7),
        ];
        let stations = vec![
            room(10, &[CrossBorderDriver], 5),
            room(20, &[InboundTraveller, CloseContact], 2),
            room(30, &[InboundTraveller, CloseContact], 3),
        ];
        let p = propose(&waiting, &stations);
        assert_eq!(p.placed, vec![(2, 30), (3, 30), (4, 30), (1, 10), (5, 20)]);
        assert!(p.unplaced.is_empty());
        assert_eq!(p.per_station(), [(10, 1), (20, 1), (30, 3)].into());
    }

    #[test]
    fn no_station_is_given_more_than_its_free_beds() {
        let waiting: Vec<Waiting> = (1..=10).map(|i| w(i, CloseContact, None, 8)).collect();
        let p = propose(&waiting, &[room(1, &[], 3), room(2, &[], 4)]);
        assert_eq!(p.per_station(), [(1, 3), (2, 4)].into());
        assert_eq!(p.unplaced.len(), 3);
        assert!(p.unplaced.iter().all(|(_, why)| *why == Unplaced::NoBeds));
    }

    #[test]
    fn a_party_too_big_for_any_station_waits_whole_and_smaller_ones_still_fit() {
        let waiting = vec![
            w(1, InboundTraveller, Some("big"), 7),
            w(2, InboundTraveller, Some("big"), 7),
            w(3, InboundTraveller, Some("big"), 7),
            w(4, InboundTraveller, None, 7),
        ];
        let p = propose(&waiting, &[room(1, &[], 2)]);
        assert_eq!(p.placed, vec![(4, 1)]);
        assert_eq!(p.unplaced.iter().map(|u| u.0).collect::<Vec<_>>(), vec![1, 2, 3]);
    }

    #[test]
    fn earlier_arrivals_come_first_and_a_category_no_station_takes_is_named() {
        let waiting = vec![w(1, InboundTraveller, None, 9), w(2, InboundTraveller, None, 7)];
        let p = propose(&waiting, &[room(1, &[InboundTraveller], 1)]);
        assert_eq!(p.placed, vec![(2, 1)]);
        assert_eq!(p.unplaced, vec![(1, Unplaced::NoBeds)]);
        let drivers = propose(&[w(3, CrossBorderDriver, None, 7)], &[room(1, &[CloseContact], 9)]);
        assert_eq!(drivers.unplaced, vec![(3, Unplaced::NoStationTakes(CrossBorderDriver))]);
    }

    #[test]
    fn a_mixed_party_needs_a_station_taking_every_one_of_its_categories() {
        let waiting = vec![w(1, CloseContact, Some("F"), 7), w(2, SecondaryContact, Some("F"), 7)];
        let only_close = [room(1, &[CloseContact], 9)];
        assert_eq!(propose(&waiting, &only_close).unplaced.len(), 2);
        let both = [room(1, &[CloseContact], 9), room(2, &[CloseContact, SecondaryContact], 2)];
        assert_eq!(propose(&waiting, &both).placed, vec![(1, 2), (2, 2)]);
    }

    #[test]
    fn the_fingerprint_changes_with_what_is_proposed() {
        let a = Proposal { placed: vec![(1, 2)], unplaced: vec![] };
        let b = Proposal { placed: vec![(1, 3)], unplaced: vec![] };
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.fingerprint(), a.clone().fingerprint());
    }
}
