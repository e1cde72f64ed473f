//! When a failed send is tried again: soon, then less often, and after a limit not at all (the
//! give-up raises an alert of its own).

use chrono::Duration;

/// Sends tried before a notification is given up.
pub const MAX_ATTEMPTS: i64 = 8;

/// The wait before attempt `attempts + 1`, after `attempts` failed: 10 s, 30 s, 1½ min, … capped
/// at 30 minutes (a robot that answers "too many" in a burst is asked again within a minute).
pub fn backoff(attempts: i64) -> Duration {
    let secs = 10i64.saturating_mul(3i64.saturating_pow(attempts.clamp(1, 10) as u32 - 1));
    Duration::seconds(secs.min(30 * 60))
}

/// Whether, after `attempts` failed sends, to stop.
pub fn give_up(attempts: i64) -> bool {
    attempts >= MAX_ATTEMPTS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_and_stop_growing() {
        assert_eq!(backoff(1), Duration::seconds(10));
        assert_eq!(backoff(2), Duration::seconds(30));
        assert_eq!(backoff(3), Duration::seconds(90));
        assert_eq!(backoff(7), Duration::minutes(30));
        assert_eq!(backoff(100), Duration::minutes(30));
        assert!(!give_up(7));
        assert!(give_up(8));
    }
}
