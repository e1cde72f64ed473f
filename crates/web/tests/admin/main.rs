//! Accounts, sign-in, the role × route authorization matrix and the locale files.

#[path = "../common/mod.rs"]
mod common;

mod accounts;
mod api_tokens;
mod authz;
mod channels;
mod events;
mod idempotency;
mod locales;
mod openapi;
mod parity;
mod reachable;
mod route_docs;
mod sign_in;
