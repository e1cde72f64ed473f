//! A burst beyond a channel's rate: what goes one by one, what goes together in one digest
//! message, what waits for the next minute; and the digest's text cut to what a robot takes.

use super::payload::MAX_CONTENT;

/// How `due` notifications for one channel leave, `room` messages being left in its minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    /// Sent one message each, first.
    pub single: usize,
    /// Sent together in one message, after them.
    pub digest: usize,
    /// Held for the next minute.
    pub held: usize,
}

/// More due than the minute has room for: a few go alone, one digest carries the rest, and half
/// the room is kept for what the burst still brings (each later pass halves it again, the last
/// message of the minute always a digest), so a burst waits seconds, not the next minute. A
/// channel with no room left holds them all.
pub fn split(due: usize, room: i64) -> Split {
    let room = usize::try_from(room).unwrap_or(0);
    if room == 0 {
        Split { single: 0, digest: 0, held: due }
    } else if due <= room {
        Split { single: due, digest: 0, held: 0 }
    } else {
        let single = (room - 1) / 2;
        Split { single, digest: due - single, held: 0 }
    }
}

/// The digest's text: `head`, then one line per item while they fit in the bytes a group robot
/// takes (with room left for the link), then `more(n)` for the `n` that did not.
pub fn compose(head: &str, lines: &[String], more: impl Fn(usize) -> String) -> String {
    // The link and the "more" line need room too.
    let budget = MAX_CONTENT - 300;
    let mut out = head.to_owned();
    for (i, line) in lines.iter().enumerate() {
        let next = format!("\n{}. {line}", i + 1);
        if out.len() + next.len() > budget {
            out.push('\n');
            out.push_str(&more(lines.len() - i));
            return out;
        }
        out.push_str(&next);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_goes_in_digests_keeping_half_the_room() {
        assert_eq!(split(5, 20), Split { single: 5, digest: 0, held: 0 });
        assert_eq!(split(20, 20), Split { single: 20, digest: 0, held: 0 });
        assert_eq!(split(50, 20), Split { single: 9, digest: 41, held: 0 }, "ten kept");
        assert_eq!(split(50, 10), Split { single: 4, digest: 46, held: 0 }, "five kept");
        assert_eq!(split(6, 3), Split { single: 1, digest: 5, held: 0 }, "one kept");
        assert_eq!(split(6, 2), Split { single: 0, digest: 6, held: 0 }, "one kept");
        assert_eq!(split(4, 1), Split { single: 0, digest: 4, held: 0 }, "the last one");
        assert_eq!(split(4, 0), Split { single: 0, digest: 0, held: 4 });
        assert_eq!(split(4, -2), Split { single: 0, digest: 0, held: 4 }, "over by a race");
    }

    #[test]
    fn a_digest_lists_what_fits_and_counts_the_rest() {
        let lines: Vec<String> = (1..=3).map(|i| format!("50{i} 发热")).collect();
        assert_eq!(
            compose("【汇总】3 条", &lines, |n| format!("另有 {n} 条")),
            "【汇总】3 条\n1. 501 发热\n2. 502 发热\n3. 503 发热"
        );
        let long: Vec<String> = (0..100).map(|i| format!("{i:03} {}", "发热".repeat(10))).collect();
        let d = compose("【汇总】100 条", &long, |n| format!("另有 {n} 条"));
        assert!(d.len() <= MAX_CONTENT - 200, "{}", d.len());
        let listed = d.lines().filter(|l| l.contains(". ")).count();
        assert!(d.ends_with(&format!("另有 {} 条", 100 - listed)), "{d}");
    }
}
