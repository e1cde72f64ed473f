//! Return-to-work rules: enterprises, returning workers and their imports, transports,
//! difficulties, rent relief, resumption, economic indicators.

pub mod difficulty;
pub mod enterprise;
pub mod indicator;
pub mod relief;
pub mod resumption;
pub mod returning_worker;
pub mod transport;
pub mod worker_import;
