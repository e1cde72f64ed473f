//! A station's work: stations, rooms, guests and stays, the health round, nucleic-acid tests
//! (sampling), key attention, release certificates, quarantine policies, exports and KPIs.

pub mod alerts;
pub mod arrival_check_in;
pub mod arrivals;
pub mod attention;
pub mod case_facts;
pub mod cases;
pub mod certificates;
pub mod escalation;
pub mod exports;
pub mod exposure_measures;
pub mod guest_page;
pub mod guest_requests;
pub mod guests;
pub mod health;
pub mod home_monitoring;
pub mod kpis;
pub mod policies;
pub mod releases;
pub mod room_card;
pub mod rooms;
pub mod routes;
pub mod sampling;
pub mod stations;
pub mod stays;
pub mod transfer_dispatch;
pub mod transfers;
pub mod trips;
