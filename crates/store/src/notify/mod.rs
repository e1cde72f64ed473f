//! Alerts that reach people: the channels notifications go to and the outbox that holds them
//! until they are sent.

pub mod channels;
pub mod outbox;
