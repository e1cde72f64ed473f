//! Yizhan's domain: types, validation and rules. Pure functions, no I/O.

pub mod access;
pub mod account;
pub mod error;
pub mod mask;
pub mod station;
pub mod time;
pub mod validate;
