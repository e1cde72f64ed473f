//! Alerts that reach people: the channels notifications go to, the outbox that holds them
//! until they are sent, and the escalation that widens who hears of an alert nobody has taken.

pub mod channels;
pub mod escalation;
pub mod inbox;
pub mod outbox;
pub mod overdue;
pub mod subscriptions;
