//! Yizhan's domain: types, validation and rules. Pure functions, no I/O.

pub mod access;
pub mod account;
pub mod attention;
pub mod counselling;
pub mod disinfection;
pub mod error;
pub mod guest;
pub mod health;
pub mod incident;
pub mod mask;
pub mod quarantine;
pub mod release;
pub mod results_import;
pub mod room;
pub mod roster;
pub mod staff;
pub mod station;
pub mod stay;
pub mod supplies;
pub mod time;
pub mod validate;
