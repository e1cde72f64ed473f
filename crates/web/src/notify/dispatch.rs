//! The dispatcher: on every node, every second, moves the alerts whose next escalation level
//! is due, then claims the notifications that are due, sends
//! each to its channel within the channel's rate, and records what happened — sent, to be tried
//! again after a growing wait, or given up after the last try.

use chrono::{DateTime, Duration, Utc};
use yizhan_core::notify::retry::{backoff, give_up, within_rate};
use yizhan_store::notify::outbox::{self, Outcome};
use yizhan_store::notify::{channels, escalation, overdue};

use crate::error::WebError;
use crate::i18n::{Lang, Tr};
use crate::notify::send::send;
use crate::state::AppState;

/// How long a claim holds a notification: longer than a send may take (10 s), short enough that a
/// dead node's notifications go out within a minute.
pub const LEASE_SECS: i64 = 30;
/// Notifications claimed at a time.
pub const BATCH: i64 = 50;

/// What one pass did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    pub again: usize,
    pub given_up: usize,
    /// Held back by their channel's rate, not counted as tries.
    pub held: usize,
}

impl Pass {
    /// How many notifications the pass claimed.
    pub fn claimed(&self) -> usize {
        self.sent + self.again + self.given_up + self.held
    }
}

/// One pass at `now` by `node`.
pub async fn once(
    state: &AppState,
    client: &reqwest::Client,
    node: &str,
    now: DateTime<Utc>,
) -> Result<Pass, WebError> {
    let tr = Tr::new(Lang::Zh);
    let mut pass = Pass::default();
    let due = outbox::claim(&state.db, node, now, Duration::seconds(LEASE_SECS), BATCH).await?;
    for n in due {
        let c = channels::get(&state.db, n.channel_id).await?;
        let sent = outbox::sent_since(&state.db, c.id, now - Duration::minutes(1)).await?;
        let outcome = if !within_rate(sent, c.per_minute) {
            pass.held += 1;
            Outcome::Again { at: now + Duration::seconds(10), error: "rate", counts: false }
        } else {
            match send(client, &state.config, &c, &n, &tr).await {
                Ok(()) => {
                    pass.sent += 1;
                    Outcome::Sent
                }
                Err(e) if give_up(n.attempts) => {
                    tracing::warn!(notification = n.id, channel = c.id, error = %e, "notification given up");
                    pass.given_up += 1;
                    outbox::record(&state.db, n.id, node, now, Outcome::GiveUp { error: &e })
                        .await?;
                    continue;
                }
                Err(e) => {
                    pass.again += 1;
                    let at = now + backoff(n.attempts);
                    outbox::record(
                        &state.db,
                        n.id,
                        node,
                        now,
                        Outcome::Again { at, error: &e, counts: true },
                    )
                    .await?;
                    continue;
                }
            }
        };
        outbox::record(&state.db, n.id, node, now, outcome).await?;
    }
    Ok(pass)
}

/// Runs a pass every second for the life of the server.
pub async fn run(state: AppState, node: String) {
    let client = crate::notify::send::client();
    let mut every = tokio::time::interval(std::time::Duration::from_secs(1));
    let mut ticks: u64 = 0;
    loop {
        every.tick().await;
        // Once a minute: what time alone made urgent (a missed round, a rectification past its
        // deadline …).
        if ticks.is_multiple_of(60) {
            let now = yizhan_store::db::now();
            if let Err(e) = overdue::scan(&state.db, &state.config.slots, now).await {
                tracing::warn!(error = %e, "overdue scan failed; next try in a minute");
            }
        }
        ticks += 1;
        // Levels that fell due go into the outbox first, so they leave in this same second.
        if let Err(e) = escalation::escalate_due(&state.db, yizhan_store::db::now(), BATCH).await {
            tracing::warn!(error = %e, "escalation failed; next try in 1 s");
        }
        // A burst is drained pass after pass, not 50 a second.
        loop {
            match once(&state, &client, &node, yizhan_store::db::now()).await {
                Ok(p) => {
                    if p.sent + p.again + p.given_up > 0 {
                        tracing::info!(
                            sent = p.sent,
                            again = p.again,
                            given_up = p.given_up,
                            held = p.held,
                            "notifications"
                        );
                    }
                    if p.claimed() < BATCH as usize {
                        break;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "notification dispatch failed; next pass in 1 s");
                    break;
                }
            }
        }
    }
}
