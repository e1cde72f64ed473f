//! Yizhan storage: one query path for SQLite and PostgreSQL, migrations per dialect, and the
//! store operations (each one a transaction that also writes its audit record).

// The areas, the same in every crate.
pub mod admin;
pub mod baseline;
pub mod care;
pub mod command;
pub mod notify;
pub mod station;
pub mod work;

// What every area uses.
pub mod changes;
pub mod code;
pub mod db;
pub mod error;
pub mod maintenance;
pub mod migrate;
pub mod scale;
pub mod testing;
mod writer;

pub use db::{Backend, ConnectOptions, Db};
pub use error::StoreError;
