//! `GET /api/v1/events`: the change feed, for a system that follows Yizhan instead of polling
//! every list (issue 22). Which entries go out, and what of them: `yizhan_core::admin::events`.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use yizhan_core::access::{Grant, Permission, Target, role_allows};
use yizhan_core::admin::events::{DEFAULT_PAGE, MAX_PAGE};
use yizhan_core::error::OnField;
use yizhan_core::validate::parse_int;
use yizhan_store::admin::events::{self, Page, Reach};
use yizhan_store::station::stations;

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

/// Whose changes an account with `grants` follows: every change when it reads guests across the
/// district (a platform's account as a district viewer); else the changes about the stations it
/// reads guests of (a station's system; a street's, its stations); `None` when it reads none.
pub async fn reach_of(state: &AppState, grants: &[Grant]) -> Result<Option<Reach>, WebError> {
    let reads = |target| {
        grants.iter().any(|g| role_allows(g.role, Permission::GuestsRead) && g.scope.covers(target))
    };
    if reads(Target::District) {
        return Ok(Some(Reach::District));
    }
    let ids: Vec<i64> = stations::list(&state.db)
        .await?
        .iter()
        .filter(|s| reads(s.target()))
        .map(|s| s.id)
        .collect();
    Ok((!ids.is_empty()).then_some(Reach::Stations(ids)))
}

/// `GET /api/v1/events?after=&limit=`: the changes the caller may follow (`reach_of`).
pub async fn feed(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(f): Query<FeedQuery>,
) -> Result<Json<Page>, WebError> {
    let Some(reach) = reach_of(&state, &ctx.user()?.grants).await? else {
        return Err(WebError::Forbidden);
    };
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
    Ok(Json(events::after(&state.db, &reach, after, limit).await?))
}
