//! Refusals nobody is signed in for (failed logins, CSRF failures, anonymous requests for a
//! signed-in page) are audited as one summarised entry per client and window, not one row
//! each: a script spraying passwords or probing routes would otherwise write the audit log as
//! fast as it can send. Each node tallies what it served and writes its own summaries when a
//! window ends, so nothing is counted twice across nodes.

use std::collections::{BTreeSet, HashMap};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use yizhan_core::access::Actor;
use yizhan_store::Db;
use yizhan_store::admin::audit::{self, Entry};

/// How long a client's refusals of one kind are gathered into one entry.
pub const WINDOW: Duration = Duration::from_secs(5 * 60);

/// Distinct subjects (user names, paths) named in one entry; the count covers the rest.
const MAX_SUBJECTS: usize = 20;

/// Clients tallied at once; past this, further clients are tallied under one "other" entry.
const MAX_CLIENTS: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Refusal {
    LoginFailed,
    LoginThrottled,
    Csrf,
    Anonymous,
}

impl Refusal {
    pub fn action(self) -> &'static str {
        match self {
            Refusal::LoginFailed => "login.failed",
            Refusal::LoginThrottled => "login.throttled",
            Refusal::Csrf => "csrf.refused",
            Refusal::Anonymous => "access.anonymous_denied",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    pub first: DateTime<Utc>,
    pub last: DateTime<Utc>,
    pub count: u64,
    pub subjects: BTreeSet<String>,
}

#[derive(Default)]
pub struct Refusals {
    open: Mutex<HashMap<(Refusal, Option<IpAddr>), Tally>>,
}

impl Refusals {
    /// Counts one refusal of `client` (its subject: the name tried, the path asked for).
    pub fn note(&self, kind: Refusal, client: IpAddr, subject: &str, at: DateTime<Utc>) {
        let Ok(mut open) = self.open.lock() else {
            return;
        };
        let key = if open.len() < MAX_CLIENTS || open.contains_key(&(kind, Some(client))) {
            (kind, Some(client))
        } else {
            (kind, None)
        };
        let t = open.entry(key).or_insert_with(|| Tally {
            first: at,
            last: at,
            count: 0,
            subjects: BTreeSet::new(),
        });
        t.last = at;
        t.count += 1;
        if t.subjects.len() < MAX_SUBJECTS {
            t.subjects.insert(subject.chars().take(100).collect());
        }
    }

    /// Takes the tallies whose window has ended by `now` (all of them when `all`).
    pub fn take_ended(
        &self,
        now: DateTime<Utc>,
        all: bool,
    ) -> Vec<(Refusal, Option<IpAddr>, Tally)> {
        let Ok(mut open) = self.open.lock() else {
            return Vec::new();
        };
        let window = chrono::Duration::from_std(WINDOW).unwrap_or_default();
        let ended: Vec<_> =
            open.iter().filter(|(_, t)| all || now - t.first >= window).map(|(k, _)| *k).collect();
        let mut out: Vec<_> =
            ended.into_iter().filter_map(|k| open.remove(&k).map(|t| (k.0, k.1, t))).collect();
        out.sort_by_key(|(k, c, t)| (t.first, *k, *c));
        out
    }

    /// Writes one audit entry per client and kind whose window has ended.
    pub async fn flush(&self, db: &Db, all: bool) {
        for (kind, client, t) in self.take_ended(yizhan_store::db::now(), all) {
            let client = client.map_or_else(|| "other".to_owned(), |c| c.to_string());
            let entry = Entry::new(kind.action(), "client", &client).detail(serde_json::json!({
                "count": t.count,
                "first": t.first,
                "last": t.last,
                "subjects": t.subjects,
            }));
            if let Err(e) = audit::record(db, &Actor::system(), entry).await {
                tracing::error!(error = %e, "could not audit refusals");
            }
        }
    }
}

/// Writes the ended windows every 30 seconds, for the life of the process.
pub async fn flush_every_half_minute(db: Db, refusals: std::sync::Arc<Refusals>) {
    let mut tick = tokio::time::interval(Duration::from_secs(30));
    loop {
        tick.tick().await;
        refusals.flush(&db, false).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn one_tally_per_client_kind_and_window() {
        let r = Refusals::default();
        let a: IpAddr = "198.51.100.7".parse().unwrap();
        let b: IpAddr = "203.0.113.9".parse().unwrap();
        for (i, name) in ["admin", "root", "admin"].iter().enumerate() {
            r.note(Refusal::LoginFailed, a, name, t(&format!("2026-01-01T00:00:0{i}Z")));
        }
        r.note(Refusal::Csrf, a, "/logout", t("2026-01-01T00:00:01Z"));
        r.note(Refusal::LoginFailed, b, "lead", t("2026-01-01T00:03:00Z"));
        // Nothing has ended 4 minutes in.
        assert!(r.take_ended(t("2026-01-01T00:04:00Z"), false).is_empty());
        let ended = r.take_ended(t("2026-01-01T00:05:01Z"), false);
        assert_eq!(ended.len(), 2);
        let (kind, client, tally) = &ended[0];
        assert_eq!((*kind, *client), (Refusal::LoginFailed, Some(a)));
        assert_eq!(tally.count, 3);
        assert_eq!(
            tally.subjects.iter().cloned().collect::<Vec<_>>(),
            vec!["admin".to_owned(), "root".to_owned()]
        );
        assert_eq!(tally.last, t("2026-01-01T00:00:02Z"));
        assert_eq!(ended[1].0, Refusal::Csrf);
        // B's window is still open; taking all empties the tally.
        assert!(r.take_ended(t("2026-01-01T00:05:01Z"), false).is_empty());
        assert_eq!(r.take_ended(t("2026-01-01T00:05:01Z"), true).len(), 1);
        assert!(r.take_ended(t("2026-01-01T09:00:00Z"), true).is_empty());
    }

    #[test]
    fn subjects_are_capped() {
        let r = Refusals::default();
        let a: IpAddr = "198.51.100.7".parse().unwrap();
        for i in 0..100 {
            r.note(Refusal::Anonymous, a, &format!("/p/{i}"), t("2026-01-01T00:00:00Z"));
        }
        let ended = r.take_ended(t("2026-01-01T00:00:00Z"), true);
        assert_eq!(ended[0].2.count, 100);
        assert_eq!(ended[0].2.subjects.len(), MAX_SUBJECTS);
    }
}
