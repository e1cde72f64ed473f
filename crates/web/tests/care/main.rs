//! Care through the real router, on SQLite and PostgreSQL: staff and groups, counselling,
//! incidents, relatives, staff tests, plans, disinfection and medical waste.

#[path = "../common/mod.rs"]
mod common;

mod hygiene;
mod pages;
mod staff;
