//! Users, sessions, login attempts and the audit log.

pub mod audit;
pub mod login_attempts;
pub mod sessions;
pub mod users;
