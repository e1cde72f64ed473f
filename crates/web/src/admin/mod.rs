//! Sign-in, the account, the start page, users and the audit log.

pub mod account;
pub mod audit;
pub mod badges;
pub mod channels;
pub mod events;
pub mod home;
pub mod login;
pub mod routes;
pub mod todo;
pub mod users;
