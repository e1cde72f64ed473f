//! Server-rendered pages.

pub mod account;
pub mod attention;
pub mod audit;
pub mod certificates;
pub mod exports;
pub mod guests;
pub mod health;
pub mod home;
pub mod layout;
pub mod login;
pub mod nat;
pub mod policies;
pub mod rooms;
pub mod stations;
pub mod stays;
pub mod users;
