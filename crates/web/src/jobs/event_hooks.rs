//! Pushing the change feed to service accounts' hooks (issue 22): on every node, every second, a
//! due hook is claimed for a lease, the next page of its changes (up to 100, in the feed's order)
//! posted to its address signed with its secret, and marked delivered once the receiver answers
//! 2xx; otherwise tried again after a growing wait (10 s, 30 s, 90 s … at most 30 min), the error
//! kept for the account's page. One node at a time holds a hook, so pages arrive in order; a
//! node killed between the POST and the mark sends the page again under the same delivery id.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use yizhan_core::notify::retry::backoff;
use yizhan_core::notify::sign;
use yizhan_store::admin::event_hooks::{self, EventHook};
use yizhan_store::admin::events::{self, Event};
use yizhan_store::admin::users;

use crate::error::WebError;
use crate::notify::seal;
use crate::state::AppState;

/// Longer than a delivery may take (10 s), short enough that a dead node's hook moves on soon.
pub const LEASE_SECS: i64 = 60;
/// Changes a delivery carries at most.
pub const PAGE: i64 = 100;

/// What one turn did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Turn {
    /// No hook was due.
    Nothing,
    /// A hook's account had no new change (entries outside the feed are passed over).
    Idle,
    /// The receiver took this many changes.
    Sent(usize),
    /// Not delivered, to be tried again; why (no address or secret in it).
    Failed(String),
}

/// The body of a delivery: the feed's page, and who it is for.
#[derive(Serialize)]
struct Delivery<'a> {
    /// Unique per page: a receiver that sees it twice has the page already.
    delivery: &'a str,
    events: &'a [Event],
    next_after: i64,
}

/// One hook's turn, if one is due at `now`.
pub async fn once(
    state: &AppState,
    client: &reqwest::Client,
    now: DateTime<Utc>,
) -> Result<Turn, WebError> {
    let Some(hook) = event_hooks::claim(&state.db, now, Duration::seconds(LEASE_SECS)).await?
    else {
        return Ok(Turn::Nothing);
    };
    let turn = match deliver(state, client, &hook, now).await {
        Ok(turn) => turn,
        Err(e) => Turn::Failed(e.to_string()),
    };
    if let Turn::Failed(why) = &turn {
        let next = now + backoff(hook.tries + 1);
        event_hooks::failed(&state.db, hook.user_id, why, next).await?;
    }
    Ok(turn)
}

async fn deliver(
    state: &AppState,
    client: &reqwest::Client,
    hook: &EventHook,
    now: DateTime<Utc>,
) -> Result<Turn, WebError> {
    // The account may have lost its reach since the hook was set: nothing goes out then.
    let user = users::get(&state.db, hook.user_id).await?;
    let grants = users::grants_of(&state.db, hook.user_id).await?;
    let reach = match crate::admin::events::reach_of(state, &grants).await? {
        Some(reach) if user.active => reach,
        _ => return Ok(Turn::Failed("the account reads no station's guests".into())),
    };
    let page = events::after(&state.db, &reach, hook.delivered_seq, PAGE).await?;
    if page.events.is_empty() {
        // Nothing to send; what was read is passed over. Asked again in a second, or at once
        // when more was left to read.
        let next = if page.more { now } else { now + Duration::seconds(1) };
        event_hooks::delivered(&state.db, hook.user_id, page.next_after, false, next).await?;
        return Ok(Turn::Idle);
    }
    let key = state.config.secret_key.as_ref();
    let url = seal::open(key, &hook.url_sealed)
        .map_err(|_| WebError::Internal("the hook's address does not open".into()))?;
    let secret = seal::open(key, &hook.secret_sealed)
        .map_err(|_| WebError::Internal("the hook's secret does not open".into()))?;
    let id = format!("{}-{}-{}", hook.user_id, hook.delivered_seq, page.next_after);
    let body = Delivery { delivery: &id, events: &page.events, next_after: page.next_after };
    let bytes = serde_json::to_vec(&body).map_err(|e| WebError::Internal(e.to_string()))?;
    let signature = sign::webhook(&secret, now.timestamp(), &bytes);
    let sent = client
        .post(&url)
        .header("content-type", "application/json")
        .header("idempotency-key", &id)
        .header("x-yizhan-delivery", &id)
        .header("x-yizhan-signature", signature)
        .body(bytes)
        .send()
        .await;
    match sent {
        // The error may carry the address, and an address may hold a key.
        Err(e) if e.is_timeout() => Ok(Turn::Failed("no answer within 10 s".into())),
        Err(_) => Ok(Turn::Failed("could not connect".into())),
        Ok(resp) if !resp.status().is_success() => {
            Ok(Turn::Failed(format!("the receiver answered {}", resp.status().as_u16())))
        }
        Ok(_) => {
            let next = if page.more { now } else { now + Duration::seconds(1) };
            event_hooks::delivered(&state.db, hook.user_id, page.next_after, true, next).await?;
            Ok(Turn::Sent(page.events.len()))
        }
    }
}

/// Runs on every node: each second, every due hook gets its turn.
pub async fn run(state: AppState) {
    let client = crate::notify::send::client();
    let mut every = tokio::time::interval(std::time::Duration::from_secs(1));
    loop {
        every.tick().await;
        for _ in 0..100 {
            match once(&state, &client, yizhan_store::db::now()).await {
                Ok(Turn::Nothing) => break,
                Ok(Turn::Failed(why)) => tracing::warn!(error = %why, "a change hook failed"),
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "change hooks: next try in 1 s");
                    break;
                }
            }
        }
    }
}
