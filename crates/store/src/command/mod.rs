//! The command's records: inspections, rectifications and photos, daily reports, notices,
//! directives, task groups.

pub mod directives;
pub mod inspections;
pub mod notices;
pub mod photos;
pub mod rectifications;
pub mod reports;
pub mod task_groups;
