//! The notification centre (通知中心): what notified in the person's scope, newest first, unread
//! marked; the bell in the header counts the unread, live over the change stream, and a page
//! whose person allowed it shows danger as a desktop notification (static/inbox.js).

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::Value;
use yizhan_core::access::{Permission, Principal, Role, Scope, role_allows};
use yizhan_core::notify::subscription::{Subscription, default_for, pops_up};
use yizhan_store::notify::inbox::{self, Item, Reach};
use yizhan_store::notify::subscriptions;

use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::extract::Query;
use crate::kit::layout::Layout;
use crate::kit::pager::Pager;
use crate::kit::render;
use crate::state::AppState;

/// What a person reads: the stations their grants let them see guests at (a station's people,
/// a street's or the district's command), the channels' failures for an administrator, and
/// what was addressed to them alone (an import of theirs that did not land).
pub fn reach_of(p: &Principal) -> Reach {
    let mut r = Reach { user_id: Some(p.user_id), ..Reach::default() };
    for g in &p.grants {
        if role_allows(g.role, Permission::UsersManage) {
            r.channels = true;
        }
        if !role_allows(g.role, Permission::GuestsRead) {
            continue;
        }
        match g.scope {
            Scope::District => r.district = true,
            Scope::Street(s) => r.streets.push(s),
            Scope::Station(s) => r.stations.push(s),
            Scope::Enterprise(_) => {}
        }
    }
    r
}

/// The person's settings: theirs, or their roles' default.
pub async fn settings_of(state: &AppState, p: &Principal) -> Result<Subscription, WebError> {
    Ok(match subscriptions::get(&state.db, p.user_id).await? {
        Some(s) => s,
        None => {
            let roles: Vec<Role> = p.grants.iter().map(|g| g.role).collect();
            default_for(&roles)
        }
    })
}

/// What the person reads, as they narrowed it: never more than their grants reach.
pub fn reach_for(p: &Principal, s: &Subscription) -> Reach {
    let mut r = reach_of(p);
    r.min_rank = s.min_severity.rank();
    r.narrow = match (s.station_id, s.street_id) {
        (Some(id), _) => Some((true, id)),
        (None, Some(id)) => Some((false, id)),
        (None, None) => None,
    };
    r
}

/// The local minute of the day now (quiet hours are local).
fn minute_now() -> u32 {
    use chrono::Timelike;
    let t = yizhan_core::time::local_naive(yizhan_store::db::now());
    t.hour() * 60 + t.minute()
}

/// An item as a page and the API show it.
pub struct Line {
    pub id: i64,
    pub text: String,
    pub tone: &'static str,
    pub severity: &'static str,
    pub link: String,
    pub at: String,
    pub unread: bool,
}

fn line(tr: &Tr, i: &Item, seen: i64) -> Line {
    let facts: Value = serde_json::from_str(&i.facts).unwrap_or_default();
    Line {
        id: i.id,
        text: crate::notify::send::say(tr, &i.source, i.severity, &facts),
        tone: crate::kit::tone::of_severity(i.severity),
        severity: i.severity.label_key(),
        link: facts["link"].as_str().unwrap_or("/").to_owned(),
        at: yizhan_core::time::local_display(i.created_at),
        unread: i.id > seen,
    }
}

#[derive(Template)]
#[template(path = "inbox/list.html")]
struct ListPage {
    layout: Layout,
    lines: Vec<Line>,
    pager: Pager,
    unread: i64,
    newest: i64,
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    #[serde(default)]
    pub page: Option<String>,
}

/// `GET /inbox`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PageQuery>,
) -> Result<Response, WebError> {
    let p = ctx.user()?;
    let tr = ctx.tr();
    let r = reach_for(p, &settings_of(&state, p).await?);
    let page = crate::kit::pager::page_of(q.page.as_deref())?;
    let (items, total) = if r.is_empty() {
        (Vec::new(), 0)
    } else {
        inbox::page(&state.db, &r, Pager::offset(page), crate::kit::pager::PER_PAGE).await?
    };
    let seen = inbox::seen(&state.db, p.user_id).await?;
    let (unread, _) = inbox::unread(&state.db, p.user_id, &r, i64::MAX, 0).await?;
    render::page(&ListPage {
        layout: Layout::new(&state, &ctx, "inbox.title"),
        newest: items.first().map_or(0, |i| i.id),
        lines: items.iter().map(|i| line(&tr, i, seen)).collect(),
        pager: Pager::new(&tr, "/inbox", &[], page, total),
        unread,
    })
}

#[derive(Deserialize, Default)]
pub struct ReadForm {
    #[serde(default)]
    pub upto: String,
}

/// `POST /inbox/read`: everything shown so far is read.
pub async fn read(
    State(state): State<AppState>,
    ctx: Ctx,
    crate::kit::extract::FormBody(f): crate::kit::extract::FormBody<ReadForm>,
) -> Result<Response, WebError> {
    use yizhan_core::error::OnField;
    let upto = yizhan_core::validate::parse_int(&f.upto, 0, i64::MAX, "120").on("upto")?;
    inbox::mark_read(&state.db, ctx.user()?.user_id, upto, yizhan_store::db::now()).await?;
    Ok(Redirect::to("/inbox").into_response())
}

#[derive(Deserialize, Default)]
pub struct AfterQuery {
    pub after: Option<i64>,
}

/// `GET /api/v1/inbox?after=N`: how many are unread, the newest id, and (after `N`) the newest
/// items to announce, oldest first. Without `after` nothing is announced: a page first learns
/// where it stands.
pub async fn unread(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AfterQuery>,
) -> Result<Json<Unread>, WebError> {
    let p = ctx.user()?;
    let tr = ctx.tr();
    let sub = settings_of(&state, p).await?;
    let r = reach_for(p, &sub);
    let minute = minute_now();
    if r.is_empty() {
        return Ok(Json(Unread { unread: 0, newest: 0, items: Vec::new() }));
    }
    let (count, items) = match q.after {
        Some(after) => inbox::unread(&state.db, p.user_id, &r, after, 10).await?,
        None => (inbox::unread(&state.db, p.user_id, &r, i64::MAX, 0).await?.0, Vec::new()),
    };
    let (top, _) = inbox::page(&state.db, &r, 0, 1).await?;
    let seen = inbox::seen(&state.db, p.user_id).await?;
    let items = items
        .iter()
        .map(|i| {
            let l = line(&tr, i, seen);
            Announced {
                id: l.id,
                severity: i.severity,
                title: tr.t(l.severity).to_owned(),
                text: l.text,
                link: l.link,
                at: i.created_at,
                announce: pops_up(&sub, i.severity, minute),
            }
        })
        .collect();
    Ok(Json(Unread { unread: count, newest: top.first().map_or(0, |i| i.id), items }))
}

/// How many items are unread, the newest item's id, and the items to announce.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct Unread {
    unread: i64,
    newest: i64,
    items: Vec<Announced>,
}

/// An item to announce, oldest first; `announce`: whether it pops up under the person's
/// settings (else it only counts).
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct Announced {
    id: i64,
    severity: yizhan_core::notify::Severity,
    title: String,
    text: String,
    link: String,
    at: chrono::DateTime<chrono::Utc>,
    announce: bool,
}

/// `GET /inbox/events`: the change stream; the page asks `/api/v1/inbox` on each change.
pub async fn events(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    ctx.user()?;
    Ok(crate::board::live::stream(&state, None))
}
