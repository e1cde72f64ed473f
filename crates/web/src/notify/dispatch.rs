//! The dispatcher: on every node, every second, moves the alerts whose next escalation level
//! is due, then claims the notifications that are due, sends
//! each to its channel within the channel's rate (a burst beyond it in one digest message), and
//! records what happened — sent, to be tried again after a growing wait, or given up after the
//! last try.

use chrono::{DateTime, Duration, Utc};
use yizhan_core::notify::digest::split;
use yizhan_core::notify::retry::{backoff, give_up};
use yizhan_store::notify::outbox::{self, Notification, Outcome};
use yizhan_store::notify::{channels, escalation, overdue};

use crate::error::WebError;
use crate::i18n::{Lang, Tr};
use crate::notify::send::{send, send_digest};
use crate::state::AppState;

/// How long a claim holds a notification: longer than a send may take (10 s), short enough that a
/// dead node's notifications go out within a minute.
pub const LEASE_SECS: i64 = 30;
/// Notifications claimed at a time.
pub const BATCH: i64 = 50;
/// The most notifications one digest carries (its text lists what fits in 2,048 bytes and
/// counts the rest).
pub const DIGEST_MAX: i64 = 1000;

/// What one pass did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Pass {
    /// Notifications delivered, one by one or in a digest.
    pub sent: usize,
    pub again: usize,
    pub given_up: usize,
    /// Held back by their channel's rate, not counted as tries.
    pub held: usize,
    /// Digest messages sent (each carrying several of `sent`).
    pub digests: usize,
}

impl Pass {
    /// How many notifications the pass claimed.
    pub fn claimed(&self) -> usize {
        self.sent + self.again + self.given_up + self.held
    }
}

/// One pass at `now` by `node`: each channel's due notifications, one by one while its minute
/// has room, the rest of a burst in one digest as its last message, none when it has no room.
pub async fn once(
    state: &AppState,
    client: &reqwest::Client,
    node: &str,
    now: DateTime<Utc>,
) -> Result<Pass, WebError> {
    let tr = Tr::new(Lang::Zh);
    let mut pass = Pass::default();
    let lease = Duration::seconds(LEASE_SECS);
    let due = outbox::claim(&state.db, node, now, lease, BATCH, None).await?;
    // By channel, each in the order claimed (per alert, the order raised).
    let mut by_channel: Vec<(i64, Vec<Notification>)> = Vec::new();
    for n in due {
        match by_channel.iter_mut().find(|(c, _)| *c == n.channel_id) {
            Some((_, list)) => list.push(n),
            None => by_channel.push((n.channel_id, vec![n])),
        }
    }
    for (channel_id, list) in by_channel {
        let c = channels::get(&state.db, channel_id).await?;
        let used = outbox::sent_since(&state.db, c.id, now - Duration::minutes(1)).await?;
        let plan = split(list.len(), c.per_minute.max(1) - used);
        let mut list = list.into_iter();
        for n in list.by_ref().take(plan.single) {
            let outcome = send(client, &state.config, &c, &n, &tr).await;
            settle(state, node, now, &[n], outcome, &mut pass).await?;
        }
        let mut batch: Vec<Notification> = list.by_ref().take(plan.digest).collect();
        if !batch.is_empty() {
            // The digest carries the whole burst due for its channel, not only this claim's.
            let more = DIGEST_MAX - batch.len() as i64;
            batch.extend(outbox::claim(&state.db, node, now, lease, more, Some(c.id)).await?);
            let outcome = send_digest(client, &state.config, &c, &batch, &tr).await;
            if outcome.is_ok() {
                let ids: Vec<i64> = batch.iter().map(|n| n.id).collect();
                outbox::record_digest(&state.db, &ids, node, now).await?;
                pass.sent += batch.len();
                pass.digests += 1;
            } else {
                settle(state, node, now, &batch, outcome, &mut pass).await?;
            }
        }
        for n in list {
            pass.held += 1;
            let at = now + Duration::seconds(10);
            let held = Outcome::Again { at, error: outbox::HELD, counts: false };
            outbox::record(&state.db, n.id, node, now, held).await?;
        }
    }
    Ok(pass)
}

/// Records what became of a send of `ns`: sent; or failed, each again after its wait or given up
/// after its last try.
async fn settle(
    state: &AppState,
    node: &str,
    now: DateTime<Utc>,
    ns: &[Notification],
    outcome: Result<(), String>,
    pass: &mut Pass,
) -> Result<(), WebError> {
    for n in ns {
        let recorded = match &outcome {
            Ok(()) => {
                pass.sent += 1;
                Outcome::Sent
            }
            Err(e) if give_up(n.attempts) => {
                tracing::warn!(notification = n.id, channel = n.channel_id, error = %e, "notification given up");
                pass.given_up += 1;
                Outcome::GiveUp { error: e }
            }
            Err(e) => {
                pass.again += 1;
                Outcome::Again { at: now + backoff(n.attempts), error: e, counts: true }
            }
        };
        outbox::record(&state.db, n.id, node, now, recorded).await?;
    }
    Ok(())
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
