//! The district command: inspections and rectifications (with evidence photos), daily reports,
//! notices, directives, task groups and the overview.

pub mod directives;
pub mod inspections;
pub mod notices;
pub mod overview;
pub mod photos;
pub mod rectifications;
pub mod reports;
pub mod routes;
pub mod task_groups;
