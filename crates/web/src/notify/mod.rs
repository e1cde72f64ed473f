//! Alerts that reach people: secrets sealed at rest, the dispatcher that empties the outbox on
//! every node, and the send to each kind of channel.

pub mod dispatch;
pub mod inbox;
pub mod mail;
pub mod seal;
pub mod send;
pub mod settings;
pub mod sms;

use yizhan_core::notify::channel::ValidChannel;
use yizhan_store::notify::channels::NewChannel;

use crate::error::WebError;

/// A checked channel ready to store: its address and secret sealed under `key`, only a hint of
/// the address kept in the clear.
pub fn sealed(
    key: Option<&[u8; 32]>,
    c: ValidChannel,
    street_id: Option<i64>,
    station_id: Option<i64>,
) -> Result<NewChannel, WebError> {
    let secret_sealed = match &c.secret {
        Some(s) => Some(seal::seal(key, s)?),
        None => None,
    };
    Ok(NewChannel {
        url_sealed: seal::seal(key, &c.url)?,
        url_hint: seal::hint(&c.url),
        secret_sealed,
        name: c.name,
        kind: c.kind,
        street_id,
        station_id,
        min_severity: c.min_severity,
        per_minute: c.per_minute,
        recipients: c.recipients,
        sender: c.sender,
        body: c.body,
    })
}
