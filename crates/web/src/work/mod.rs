//! Return to work: enterprises, returning workers and their imports, transports, difficulties,
//! rent relief, indicators and resumption statistics.

pub mod difficulties;
pub mod enterprises;
pub mod indicators;
pub mod relief;
pub mod resumption;
pub mod returning_workers;
pub mod routes;
pub mod transports;
pub mod worker_import;
