//! Who is asking: sessions, CSRF, passwords, cookies.

pub mod context;
pub mod cookies;
pub mod login;
pub mod password;

pub use context::Ctx;
