//! A person's own notification settings (通知设置): from which severity up, for which of their
//! stations or streets, and quiet hours in which only danger pops up.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use yizhan_core::access::{Actor, Permission, Principal, Target};
use yizhan_core::notify::Severity;
use yizhan_core::notify::subscription::{
    Subscription, SubscriptionInput, clock_text, validate_subscription,
};
use yizhan_store::notify::subscriptions;
use yizhan_store::station::stations;

use crate::auth::Ctx;
use crate::error::WebError;
use crate::kit::extract::FormBody;
use crate::kit::layout::Layout;
use crate::kit::render;
use crate::notify::inbox::settings_of;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "inbox/settings.html")]
struct Page {
    layout: Layout,
    input: SubscriptionInput,
    severities: Vec<(&'static str, &'static str)>,
    /// (value, words) of "all", each street and each station the person reads.
    scopes: Vec<(String, String)>,
    error: Option<String>,
}

/// The streets and stations the person reads guests at, as choices.
async fn scopes(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
) -> Result<Vec<(String, String)>, WebError> {
    let tr = ctx.tr();
    let mut out = vec![(String::new(), tr.t("inbox.all_mine").to_owned())];
    for s in stations::streets(&state.db).await? {
        if p.can(Permission::GuestsRead, Target::Street(s.id)) {
            out.push((format!("street:{}", s.id), s.name));
        }
    }
    for s in stations::list(&state.db).await? {
        if p.can(Permission::GuestsRead, s.target()) {
            out.push((format!("station:{}", s.id), s.name));
        }
    }
    Ok(out)
}

fn input_of(s: &Subscription) -> SubscriptionInput {
    SubscriptionInput {
        min_severity: s.min_severity.as_str().to_owned(),
        scope: match (s.station_id, s.street_id) {
            (Some(id), _) => format!("station:{id}"),
            (None, Some(id)) => format!("street:{id}"),
            (None, None) => String::new(),
        },
        quiet_from: s.quiet.map(|q| clock_text(q.0)).unwrap_or_default(),
        quiet_to: s.quiet.map(|q| clock_text(q.1)).unwrap_or_default(),
    }
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    input: SubscriptionInput,
    err: Option<&WebError>,
) -> Result<Response, WebError> {
    let p = ctx.user()?;
    let tr = ctx.tr();
    render::form_page(
        &Page {
            layout: Layout::new(state, ctx, "inbox.settings"),
            input,
            severities: Severity::ALL.iter().map(|s| (s.as_str(), s.label_key())).collect(),
            scopes: scopes(state, ctx, p).await?,
            error: err.map(|e| e.message(&tr)),
        },
        err,
    )
}

/// `GET /account/notifications`.
pub async fn form(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let s = settings_of(&state, ctx.user()?).await?;
    page(&state, &ctx, input_of(&s), None).await
}

/// `POST /account/notifications`: the person's own, never another's.
pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    FormBody(input): FormBody<SubscriptionInput>,
) -> Result<Response, WebError> {
    let p = ctx.user()?;
    let choices = scopes(&state, &ctx, p).await?;
    let checked = validate_subscription(&input, |station, id| {
        let want = format!("{}:{id}", if station { "station" } else { "street" });
        choices.iter().any(|c| c.0 == want)
    });
    match checked {
        Ok(s) => {
            subscriptions::save(&state.db, &Actor::from(p), p.user_id, &s).await?;
            Ok(Redirect::to("/account/notifications").into_response())
        }
        Err(e) => {
            let e = WebError::from(e);
            page(&state, &ctx, input, Some(&e)).await
        }
    }
}
