//! `GET /api/v1/events`: the change feed, for a system that follows Yizhan instead of polling
//! every list (issue 22). Which entries go out, and what of them: `yizhan_core::admin::events`.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use yizhan_core::access::Permission;
use yizhan_core::admin::events::{DEFAULT_PAGE, MAX_PAGE};
use yizhan_core::error::OnField;
use yizhan_core::validate::parse_int;
use yizhan_store::admin::events::{self, Page};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::kit::extract::Query;
use crate::state::AppState;

/// Where to start, and how many at most.
#[derive(Deserialize, Default)]
pub struct FeedQuery {
    /// The last sequence number the follower has (`next_after` of its previous page; 0 at first).
    #[serde(default)]
    after: String,
    #[serde(default)]
    limit: String,
}

/// `GET /api/v1/events?after=&limit=`. The feed tells of every station's changes, so it is for
/// accounts that read the whole district (a platform's system account as a district viewer); a station's or a street's
/// account is refused rather than shown a part it could not tell from the whole.
pub async fn feed(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(f): Query<FeedQuery>,
) -> Result<Json<Page>, WebError> {
    if !ctx.user()?.units_for(Permission::ReportsRead).district {
        return Err(WebError::Forbidden);
    }
    let after = match f.after.trim() {
        "" => Ok(0),
        s => parse_int(s, 0, i64::MAX, "0").on("after"),
    };
    let limit = match f.limit.trim() {
        "" => Ok(DEFAULT_PAGE),
        s => parse_int(s, 1, MAX_PAGE, "100").on("limit"),
    };
    let (after, limit) = match (after, limit) {
        (Ok(a), Ok(l)) => (a, l),
        (a, l) => {
            let all = [a.err(), l.err()].into_iter().flatten().map(WebError::from).collect();
            return Err(WebError::Many(all));
        }
    };
    Ok(Json(events::after(&state.db, after, limit).await?))
}
