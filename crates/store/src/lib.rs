//! Yizhan storage: one query path for SQLite and PostgreSQL, migrations per dialect, and the
//! store operations (each one a transaction that also writes its audit record).

pub mod attention;
pub mod audit;
pub mod board;

pub mod db;
pub mod error;
pub mod guests;
pub mod health;
pub mod login_attempts;
pub mod maintenance;
pub mod migrate;
pub mod policies;
pub mod rooms;
pub mod sampling;

pub mod sessions;
pub mod stations;
pub mod stays;
pub mod testing;
pub mod users;

pub use db::{Backend, ConnectOptions, Db};
pub use error::StoreError;
