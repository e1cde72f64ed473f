//! What the fuzz targets share: the proptest configuration (the default case count, which the
//! `PROPTEST_CASES` environment variable raises for a long run, and failing cases persisted in
//! `proptest-regressions/`), the hand-written corpus of nasty inputs, and the generator of
//! hostile strings.

#![allow(dead_code)]

use chrono::NaiveDate;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

/// The proptest configuration of a fuzz target: default cases (256, or `PROPTEST_CASES`),
/// failures kept in `path` (relative to the crate, committed with the sources).
pub fn config(path: &'static str) -> ProptestConfig {
    ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(path))),
        ..ProptestConfig::default()
    }
}

/// The day the validators are run on (fixed, so a persisted failure replays the same).
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 3, 15).unwrap()
}

/// The corpus of `fuzz_corpus/nasty.txt`, unescaped, plus the empty string and a few long ones.
pub fn corpus() -> Vec<String> {
    let mut out = vec![String::new(), "9".repeat(100_000), "张".repeat(10_000)];
    out.push(" \u{3000}\t".repeat(5_000));
    out.extend(
        include_str!("../fuzz_corpus/nasty.txt")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(unescape),
    );
    out
}

fn unescape(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('0') => out.push('\0'),
            Some('u') => {
                let hex: String = chars.by_ref().skip(1).take_while(|c| *c != '}').collect();
                out.extend(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32));
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Hostile strings: any Unicode, strings of the characters the validators care about (digits
/// full and half width, X, separators, units, whitespace of every kind, NUL), corpus entries,
/// and corpus entries with junk around them.
pub fn nasty() -> impl Strategy<Value = String> {
    let corpus = corpus();
    prop_oneof![
        3 => any::<String>(),
        3 => "[0-9０-９xXＸ \u{3000}\t\n\0+\\-.()（）/年月℃°·,A-Za-z京粤港澳]{0,24}",
        2 => prop::sample::select(corpus.clone()),
        1 => (prop::sample::select(corpus), any::<String>(), "[ \u{3000}\u{feff}\0]{0,3}")
            .prop_map(|(c, junk, pad)| format!("{pad}{c}{junk}{pad}")),
        1 => "\\PC{0,300}",
    ]
}
