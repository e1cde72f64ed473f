//! Per-client request limits kept in this node's memory: a fixed window a client and purpose.
//! Each node counts what it serves, so behind a balancer of n nodes a client gets at most n
//! times the limit; that bounds enumeration (certificate checks) without a database write per
//! request. Login failures are counted in the database instead (`login_attempts`), cluster-wide.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What a limit guards, each with its own budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Purpose {
    /// `/verify/{number}`: a person scans a few certificates, a script thousands.
    Verify,
    /// The guest's own page from a room card: a phone makes a few requests a minute, but a
    /// station's guests share the hotel Wi-Fi's one address, so the budget is a floor's worth.
    /// Tokens are 256 bits (nothing to enumerate) and the second factor locks per link.
    GuestPage,
    /// A relative's page: the same, on its own budget.
    RelativePage,
}

impl Purpose {
    /// Requests a client may make per window.
    fn budget(self) -> (u32, Duration) {
        match self {
            Purpose::Verify => (30, Duration::from_secs(60)),
            Purpose::GuestPage | Purpose::RelativePage => (600, Duration::from_secs(60)),
        }
    }
}

/// Above this many tracked clients the oldest windows are dropped first: a flood from many
/// addresses cannot grow the map without bound.
const MAX_CLIENTS: usize = 100_000;

#[derive(Default)]
pub struct Limits {
    windows: Mutex<HashMap<(Purpose, IpAddr), (Instant, u32)>>,
    /// Per API token (its id): each token has its own budget a minute.
    tokens: Mutex<HashMap<i64, (Instant, u32)>>,
}

/// The window of an API token's budget.
const TOKEN_WINDOW: Duration = Duration::from_secs(60);

impl Limits {
    /// Counts a request; false when the client has used up its window's budget.
    pub fn allow(&self, purpose: Purpose, client: IpAddr) -> bool {
        self.allow_at(purpose, client, Instant::now())
    }

    fn allow_at(&self, purpose: Purpose, client: IpAddr, now: Instant) -> bool {
        let (limit, window) = purpose.budget();
        let Ok(mut map) = self.windows.lock() else {
            return true;
        };
        if map.len() >= MAX_CLIENTS {
            map.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        let entry = map.entry((purpose, client)).or_insert((now, 0));
        if now.duration_since(entry.0) >= window {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        entry.1 <= limit
    }
}

impl Limits {
    /// Counts a call with API token `id`, allowed `per_minute` calls a minute; when spent, how
    /// long until the window opens again (the answer's `Retry-After`).
    pub fn allow_token(&self, id: i64, per_minute: u32) -> Result<(), Duration> {
        self.allow_token_at(id, per_minute, Instant::now())
    }

    fn allow_token_at(&self, id: i64, per_minute: u32, now: Instant) -> Result<(), Duration> {
        let Ok(mut map) = self.tokens.lock() else {
            return Ok(());
        };
        let entry = map.entry(id).or_insert((now, 0));
        if now.duration_since(entry.0) >= TOKEN_WINDOW {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        if entry.1 <= per_minute {
            Ok(())
        } else {
            Err(TOKEN_WINDOW.saturating_sub(now.duration_since(entry.0)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_budget_per_client_and_window() {
        let l = Limits::default();
        let a: IpAddr = "198.51.100.7".parse().unwrap();
        let b: IpAddr = "203.0.113.9".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..30 {
            assert!(l.allow_at(Purpose::Verify, a, t0));
        }
        assert!(!l.allow_at(Purpose::Verify, a, t0));
        assert!(!l.allow_at(Purpose::Verify, a, t0 + Duration::from_secs(59)));
        // Another client is not slowed by the first.
        assert!(l.allow_at(Purpose::Verify, b, t0));
        // The next window starts afresh.
        assert!(l.allow_at(Purpose::Verify, a, t0 + Duration::from_secs(60)));
    }

    #[test]
    fn a_budget_per_token_and_minute() {
        let l = Limits::default();
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(l.allow_token_at(1, 3, t0), Ok(()));
        }
        // The fourth call in the minute waits for the rest of it; another token is untouched.
        assert_eq!(
            l.allow_token_at(1, 3, t0 + Duration::from_secs(20)),
            Err(Duration::from_secs(40))
        );
        assert_eq!(l.allow_token_at(2, 3, t0 + Duration::from_secs(20)), Ok(()));
        // A new minute, a new budget.
        assert_eq!(l.allow_token_at(1, 3, t0 + Duration::from_secs(60)), Ok(()));
    }
}
