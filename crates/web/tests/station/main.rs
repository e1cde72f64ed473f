//! A station's work through the real router, on SQLite and PostgreSQL: rooms, guests and stays,
//! health, tests and attention, the wall boards, exports and dated input.

#[path = "../common/mod.rs"]
mod common;

mod board;
mod case_escalation;
mod case_plans;
mod cases;
mod dates;
mod escalation;
mod exports;
mod exposure_measures;
mod guest_page;
mod health;
mod home_monitoring;
mod intake;
mod mail_and_sms;
mod notification_centre;
mod notification_sources;
mod notifications;
mod operations;
mod period;
mod relative_links;
mod transfer_routes;
mod transfers;
mod trips;
