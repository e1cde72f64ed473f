//! A station's records: stations, rooms, guests, stays, health checks, sampling and results,
//! attention, policies, and the wall board's read model.

pub mod arrivals;
pub mod attention;
pub mod board;
pub mod case_escalation;
pub mod cases;
pub mod certificates;
pub mod counters;
pub mod exposure;
pub mod exposure_measures;
pub mod guest_links;
pub mod guest_requests;
pub mod guests;
pub mod health;
pub mod home_monitoring;
pub mod period;
pub mod policies;
pub mod releases;
pub mod rooms;
pub mod sampling;
pub mod stations;
pub mod stays;
pub mod transfer_routes;
pub mod transfers;
pub mod trips;
