//! Yizhan storage: one query path for SQLite and PostgreSQL, migrations per dialect, and the
//! store operations (each one a transaction that also writes its audit record).

pub mod attention;
pub mod audit;
pub mod board;
pub mod counselling;

pub mod db;
pub mod difficulties;
pub mod directives;
pub mod disinfection;
pub mod enterprises;
pub mod error;
pub mod guests;
pub mod handovers;
pub mod health;
pub mod import_runs;
pub mod incidents;
pub mod indicators;
pub mod inspections;
pub mod login_attempts;
pub mod maintenance;
pub mod migrate;
pub mod notices;
pub mod photos;
pub mod plans;
pub mod policies;
pub mod rectifications;
pub mod relatives;
pub mod relief;
pub mod reports;
pub mod returning_workers;
pub mod rooms;
pub mod roster;
pub mod sampling;
pub mod scale;

pub mod sessions;
pub mod staff;
pub mod stations;
pub mod stays;
pub mod supplies;
pub mod task_groups;
pub mod testing;
pub mod transports;
pub mod users;

pub use db::{Backend, ConnectOptions, Db};
pub use error::StoreError;
