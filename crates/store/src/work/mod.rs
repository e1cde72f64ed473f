//! Return-to-work records: enterprises, returning workers and import runs, transports,
//! difficulties, relief, indicators.

pub mod difficulties;
pub mod enterprises;
pub mod import_runs;
pub mod indicators;
pub mod relief;
pub mod returning_workers;
pub mod transports;

/// Whose records a return-to-work list shows: the district's, a street's or one enterprise's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Within {
    District,
    Street(i64),
    Enterprise(i64),
}

impl Within {
    /// The id a scoped statement binds (0: the district, no condition).
    pub fn id(self) -> i64 {
        match self {
            Within::District => 0,
            Within::Street(id) | Within::Enterprise(id) => id,
        }
    }
}
