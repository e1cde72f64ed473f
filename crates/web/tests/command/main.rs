//! The district command through the real router, on SQLite and PostgreSQL: task groups,
//! inspections, notices, rectifications and the daily report.

#[path = "../common/mod.rs"]
mod common;

mod case_facts;
mod inspections;
mod notices;
mod rectifications;
mod reports;
mod task_groups;
