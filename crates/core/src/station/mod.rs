//! A station's rules: stations, rooms and their states, guests, stays, the health round,
//! quarantine policies, nucleic-acid sampling and results, key attention, release.

pub mod allocation;
pub mod attention;
pub mod case;
pub mod exposure;
pub mod exposure_measure;
pub mod guest;
pub mod guest_link;
pub mod guest_request;
pub mod health;
pub mod home_monitoring;
pub mod intake;
pub mod period;
pub mod quarantine;
pub mod release;
pub mod room;
pub mod sampling;
pub mod stations;
pub mod stay;
pub mod transfer;
pub mod trip;
