//! The district command's rules: inspections, rectifications and their evidence, the daily
//! report, notices, directives, task groups.

pub mod directive;
pub mod evidence;
pub mod inspection;
pub mod notice;
pub mod rectification;
pub mod report;
pub mod task_group;
