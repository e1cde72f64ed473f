//! Who is asking: sessions, CSRF, passwords, cookies, the client's address and its limits.

pub mod client;
pub mod context;
pub mod cookies;
pub mod limits;
pub mod login;
pub mod password;
pub mod refusals;

pub use context::Ctx;
