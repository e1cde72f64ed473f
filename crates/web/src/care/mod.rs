//! Care of the people who run a station: staff and working groups, roster and handovers, staff
//! tests, counselling, incidents and complaints, relatives, disinfection, supplies, plans.

pub mod counselling;
pub mod disinfection;
pub mod handovers;
pub mod incidents;
pub mod plans;
pub mod relative_links;
pub mod relative_page;
pub mod relatives;
pub mod roster;
pub mod routes;
pub mod staff;
pub mod staff_tests;
pub mod supplies;
