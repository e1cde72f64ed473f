//! The words Yizhan reads and seeds in Chinese — province names, plate prefixes, the headers and
//! values of sheets from other offices, the names it gives the groups and policies it creates —
//! are data in `words.txt` beside this file, not string literals in code. The locale files hold
//! what Yizhan says to people; this file holds what it reads from them.

use std::collections::HashMap;
use std::sync::LazyLock;

const SOURCE: &str = include_str!("words.txt");

static WORDS: LazyLock<HashMap<&'static str, Vec<&'static str>>> = LazyLock::new(|| {
    SOURCE
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, v)| (k.trim(), v.split(" | ").map(str::trim).collect()))
        .collect()
});

/// The words under `key`, the one Yizhan writes first. A key the file lacks is a defect in the
/// code that names it (every key is a literal, and a test reads them all), so it panics.
pub fn words(key: &str) -> &'static [&'static str] {
    match WORDS.get(key) {
        Some(w) => w.as_slice(),
        None => panic!("no words for {key:?} in words.txt"),
    }
}

/// The first of the words under `key`.
pub fn word(key: &str) -> &'static str {
    words(key)[0]
}

/// Whether `s` is one of the words under `key`, ASCII letters in any case.
pub fn is(key: &str, s: &str) -> bool {
    words(key).iter().any(|w| w.eq_ignore_ascii_case(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_reads_into_lists() {
        assert_eq!(words("province").len(), 34);
        assert_eq!(word("province"), "北京");
        assert_eq!(words("results.negative"), ["阴性", "negative", "neg", "-"]);
        assert!(is("yes", "TRUE") && is("yes", "是") && !is("yes", "否"));
        assert_eq!(word("plate.hint"), "京A12345 / 京AD12345 / 粤ZAB12港");
    }

    /// Every `words::words("…")`, `words::word("…")` and `words::is("…"` in core, the store, the
    /// web layer and the binary names a key the file has, and no key is defined twice.
    #[test]
    fn every_key_named_in_code_exists() {
        fn scan(dir: &std::path::Path, out: &mut Vec<String>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    scan(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    let text = std::fs::read_to_string(&p).unwrap();
                    for marker in ["words::words(\"", "words::word(\"", "words::is(\""] {
                        for (i, _) in text.match_indices(marker) {
                            let rest = &text[i + marker.len()..];
                            let key = &rest[..rest.find('"').unwrap_or(0)];
                            if !key.ends_with('.') && key != "…" {
                                out.push(key.to_owned());
                            }
                        }
                    }
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut keys = Vec::new();
        for dir in ["core/src", "store/src", "web/src", "yizhan/src"] {
            scan(&root.join(dir), &mut keys);
        }
        let missing: Vec<_> = keys.iter().filter(|k| !WORDS.contains_key(k.as_str())).collect();
        assert!(missing.is_empty(), "keys not in words.txt: {missing:?}");
        assert!(keys.len() > 10, "{keys:?}");
        let defined: Vec<_> = SOURCE
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .filter_map(|l| l.split_once(" = "))
            .collect();
        assert_eq!(defined.len(), WORDS.len(), "a key is defined twice");
    }
}
