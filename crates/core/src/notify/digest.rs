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

/// The last message left in the minute carries everything that would not fit one by one; a
/// channel with none left holds them all.
pub fn split(due: usize, room: i64) -> Split {
    let room = usize::try_from(room).unwrap_or(0);
    if room == 0 {
        Split { single: 0, digest: 0, held: due }
    } else if due <= room {
        Split { single: due, digest: 0, held: 0 }
    } else {
        Split { single: room - 1, digest: due - (room - 1), held: 0 }
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
    fn the_last_message_of_the_minute_carries_the_rest() {
        assert_eq!(split(5, 20), Split { single: 5, digest: 0, held: 0 });
        assert_eq!(split(20, 20), Split { single: 20, digest: 0, held: 0 });
        assert_eq!(split(50, 20), Split { single: 19, digest: 31, held: 0 });
        assert_eq!(split(6, 3), Split { single: 2, digest: 4, held: 0 });
        assert_eq!(split(4, 1), Split { single: 0, digest: 4, held: 0 });
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
