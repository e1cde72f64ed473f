//! Return to work through the real router, on SQLite and PostgreSQL: enterprises, workers and
//! their imports, indicators, transports, difficulties and relief, spreadsheet bombs.

#[path = "../common/mod.rs"]
mod common;

mod enterprises;
mod imports;
mod indicators;
mod sheet_bombs;
mod support;
mod transports;
mod workers;
