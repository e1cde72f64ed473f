//! The navigation's counts: after a page is shown, its side navigation asks for what waits
//! (the to-do's counts, `admin::todo`) and the name of the station in view, and puts each in
//! its slot (htmx out-of-band swaps), so that pages render without waiting for the counts.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use yizhan_core::access::Permission;
use yizhan_store::station::stations;

use crate::auth::Ctx;
use crate::error::WebError;
use crate::kit::extract::Query;
use crate::kit::layout::{badge_id, nav_for};
use crate::kit::render;
use crate::state::AppState;

pub struct Badge {
    pub id: String,
    pub count: usize,
    pub tone: &'static str,
    pub label: String,
}

#[derive(Template)]
#[template(path = "kit/badges.html")]
struct Badges {
    badges: Vec<Badge>,
    station: Option<(i64, String)>,
}

#[derive(Deserialize, Default)]
pub struct BadgeQuery {
    pub station: Option<i64>,
}

/// `GET /nav/badges`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<BadgeQuery>,
) -> Result<Response, WebError> {
    let p = ctx.user()?;
    let tr = ctx.tr();
    // Only the entries this person's navigation has a slot for.
    let (nav, _) = nav_for(p, "/", None, &tr);
    let slots: Vec<String> = nav.iter().flat_map(|g| &g.items).map(|i| i.badge.clone()).collect();
    let badges = crate::admin::todo::todos(&state, &ctx)
        .await?
        .into_iter()
        .filter(|t| t.count > 0)
        .map(|t| Badge { id: badge_id(&t.href), count: t.count, tone: t.tone, label: t.label })
        .filter(|b| slots.contains(&b.id))
        .collect();
    // A station's name only to someone who may read it; any other id says nothing.
    let station = match q.station {
        Some(id) => match stations::get(&state.db, id).await {
            Ok(s) if p.can(Permission::StationsRead, s.target()) => Some((id, s.name)),
            Ok(_) | Err(yizhan_store::StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    render::page(&Badges { badges, station })
}
