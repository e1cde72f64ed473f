//! Return to work: enterprises, returning workers and their imports, transports, difficulties,
//! rent relief, indicators and resumption statistics.

pub mod difficulties;
pub mod enterprises;
pub mod indicators;
pub mod picker;
pub mod relief;
pub mod resumption;
pub mod returning_workers;
pub mod routes;
pub mod transports;
pub mod worker_import;

use yizhan_core::access::{Permission, Principal};
use yizhan_store::work::Within;

use crate::auth::Ctx;
use crate::error::WebError;

/// Whose return-to-work records this person reads: the district's, a street's or their
/// enterprise's (the widest grant they hold).
pub(crate) fn within(p: &Principal) -> Option<Within> {
    let u = p.units_for(Permission::EnterprisesRead);
    if u.district {
        return Some(Within::District);
    }
    u.streets
        .first()
        .map(|&id| Within::Street(id))
        .or_else(|| u.enterprises.first().map(|&id| Within::Enterprise(id)))
}

/// `within` for the signed-in person; refused when they read no enterprise at all.
pub(crate) fn scope_of(ctx: &Ctx) -> Result<Within, WebError> {
    within(ctx.user()?).ok_or(WebError::Forbidden)
}
