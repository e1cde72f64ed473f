//! Care records: staff and groups, roster and handovers, counselling, incidents, relatives,
//! disinfection, supplies, plans.

pub mod counselling;
pub mod disinfection;
pub mod handovers;
pub mod incidents;
pub mod plans;
pub mod relative_links;
pub mod relatives;
pub mod roster;
pub mod staff;
pub mod supplies;
