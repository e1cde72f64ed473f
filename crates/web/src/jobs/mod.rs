//! Work that runs beside the requests: the daily report at its hour and the worker imports.

pub mod daily_report;
pub mod event_hooks;
pub mod import_job;
