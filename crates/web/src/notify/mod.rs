//! Alerts that reach people: secrets sealed at rest, the dispatcher that empties the outbox on
//! every node, and the send to each kind of channel.

pub mod dispatch;
pub mod seal;
pub mod send;
