//! Users, sessions, login attempts and the audit log.

pub mod api_tokens;
pub mod audit;
pub mod event_hooks;
pub mod events;
pub mod idempotency;
pub mod login_attempts;
pub mod sessions;
pub mod users;
