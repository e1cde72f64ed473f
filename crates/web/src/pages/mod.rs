//! Server-rendered pages.

pub mod account;
pub mod audit;
pub mod guests;
pub mod home;
pub mod layout;
pub mod login;
pub mod rooms;
pub mod stations;
pub mod stays;
pub mod users;
