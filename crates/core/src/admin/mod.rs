//! Accounts: user names, passwords, sessions, login throttling.

pub mod account;
pub mod events;
