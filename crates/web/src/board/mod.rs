//! The wall board (docs/design.md §4): a page for a 1920×1080 TV, its JSON snapshot, and a server-sent
//! event stream that says "something changed" within a fraction of a second, on any node.

pub mod district;
pub mod live;
pub mod page;
pub mod routes;
pub mod snapshot;
pub mod tokens;

pub use live::watch_changes;
