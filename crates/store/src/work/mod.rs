//! Return-to-work records: enterprises, returning workers and import runs, transports,
//! difficulties, relief, indicators.

pub mod difficulties;
pub mod enterprises;
pub mod import_runs;
pub mod indicators;
pub mod relief;
pub mod returning_workers;
pub mod transports;
