//! Care rules: staff and the closed loop, the roster, counselling, incidents and complaints,
//! relatives and deliveries, disinfection, supplies, emergency plans.

pub mod counselling;
pub mod disinfection;
pub mod incident;
pub mod plans;
pub mod relative_link;
pub mod relatives;
pub mod roster;
pub mod staff;
pub mod supplies;
