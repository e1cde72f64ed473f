//! Notification channels (通知渠道), the administrator's page: the group robots and webhooks
//! alerts go to, how many each has sent, waits on and gave up; a new one (every refusal at
//! once), stop and start, and a test message that says whether it arrived.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use yizhan_core::access::{Actor, Permission, Target};
use yizhan_core::notify::channel::{ChannelInput, validate_channel};
use yizhan_core::notify::{ChannelKind, Severity};
use yizhan_store::notify::channels::{self, Channel};
use yizhan_store::notify::outbox;
use yizhan_store::station::stations::{self, Station, Street};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::kit::extract::{FormBody, Id};
use crate::kit::layout::Layout;
use crate::kit::options;
use crate::kit::refused::Refused;
use crate::kit::render;
use crate::notify::send;
use crate::state::AppState;

pub struct Row {
    pub c: Channel,
    pub kind: String,
    pub scope: String,
    pub severity: String,
    pub sent: i64,
    pub waiting: i64,
    pub failed: i64,
}

#[derive(Template)]
#[template(path = "admin/channels.html")]
struct Page {
    layout: Layout,
    rows: Vec<Row>,
    f: Form,
    refused: Refused,
    kinds: Vec<(&'static str, String)>,
    severities: Vec<(&'static str, String)>,
    /// Whether the person may connect a channel for the whole district.
    district: bool,
    streets: Vec<Street>,
    stations: Vec<Station>,
    /// The outcome of a test message: (channel name, arrived, why not).
    tested: Option<(String, bool, String)>,
    has_key: bool,
}

/// The form as sent: the channel's fields and its scope (`district`, `street:ID`, `station:ID`).
#[derive(Debug, Default, Deserialize)]
pub struct Form {
    #[serde(flatten)]
    pub c: ChannelInput,
    #[serde(default)]
    pub scope: String,
}

/// What a channel's scope is, for the policy: the district, a street, a station.
fn target_of(street: Option<i64>, station: Option<&Station>) -> Target {
    match (street, station) {
        (_, Some(s)) => s.target(),
        (Some(id), None) => Target::Street(id),
        (None, None) => Target::District,
    }
}

/// The channel if the person manages its scope (another's is not found).
async fn managed(state: &AppState, ctx: &Ctx, id: i64) -> Result<Channel, WebError> {
    let c = channels::get(&state.db, id).await?;
    let station = match c.station_id {
        Some(s) => Some(stations::get(&state.db, s).await?),
        None => None,
    };
    if !ctx.user()?.can(Permission::ChannelsManage, target_of(c.street_id, station.as_ref())) {
        return Err(
            crate::policy::deny(state, ctx, &format!("channel {id}"), WebError::NotFound).await
        );
    }
    Ok(c)
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    f: Form,
    e: Option<&WebError>,
    tested: Option<(String, bool, String)>,
) -> Result<Page, WebError> {
    let tr = ctx.tr();
    let p = ctx.user()?;
    let may = |t: Target| p.can(Permission::ChannelsManage, t);
    // Only what the person manages: their station's, their street's (and its stations'), all.
    let streets: Vec<Street> = stations::streets(&state.db)
        .await?
        .into_iter()
        .filter(|s| may(Target::Street(s.id)))
        .collect();
    let all_stations: Vec<Station> =
        stations::list(&state.db).await?.into_iter().filter(|s| may(s.target())).collect();
    let tallies = outbox::tallies(&state.db).await?;
    let count = |id: i64, status: &str| {
        tallies.iter().filter(|t| t.0 == id && t.1 == status).map(|t| t.2).sum::<i64>()
    };
    let rows = channels::list(&state.db)
        .await?
        .into_iter()
        .filter(|c| match (c.street_id, c.station_id) {
            (_, Some(st)) => all_stations.iter().any(|s| s.id == st),
            (Some(s), None) => streets.iter().any(|x| x.id == s),
            (None, None) => may(Target::District),
        })
        .map(|c| {
            let scope = match (c.street_id, c.station_id) {
                (_, Some(st)) => all_stations
                    .iter()
                    .find(|s| s.id == st)
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
                (Some(s), None) => {
                    streets.iter().find(|x| x.id == s).map(|x| x.name.clone()).unwrap_or_default()
                }
                (None, None) => tr.t("channel.district").to_owned(),
            };
            Row {
                kind: tr.t(c.kind.label_key()).to_owned(),
                severity: tr.t(c.min_severity.label_key()).to_owned(),
                sent: count(c.id, "sent"),
                waiting: count(c.id, "pending"),
                failed: count(c.id, "failed"),
                scope,
                c,
            }
        })
        .collect();
    Ok(Page {
        layout: Layout::new(state, ctx, "channel.title"),
        rows,
        refused: Refused::of(e, &tr),
        kinds: options(&tr, ChannelKind::ALL, ChannelKind::as_str, ChannelKind::label_key),
        severities: options(&tr, Severity::ALL, Severity::as_str, Severity::label_key),
        district: may(Target::District),
        streets,
        stations: all_stations,
        tested,
        has_key: state.config.secret_key.is_some(),
        f,
    })
}

fn blank() -> Form {
    Form {
        c: ChannelInput {
            kind: "wecom".into(),
            min_severity: "danger".into(),
            per_minute: "20".into(),
            ..Default::default()
        },
        scope: String::new(),
    }
}

/// `GET /admin/channels`.
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    render::page(&page(&state, &ctx, blank(), None, None).await?)
}

/// The scope a form names — the district, a street or a station that exists — if the person
/// manages it.
async fn scope_of(
    state: &AppState,
    ctx: &Ctx,
    scope: &str,
) -> Result<(Option<i64>, Option<i64>), WebError> {
    let refuse = || WebError::Rule { field: Some("scope".into()), key: "error.scope_unknown" };
    let (scope, target) = match scope.split_once(':') {
        None if scope.trim().is_empty() || scope == "district" => ((None, None), Target::District),
        Some(("street", id)) => {
            let id: i64 = id.parse().map_err(|_| refuse())?;
            let known = stations::streets(&state.db).await?.iter().any(|s| s.id == id);
            if !known {
                return Err(refuse());
            }
            ((Some(id), None), Target::Street(id))
        }
        Some(("station", id)) => {
            let id: i64 = id.parse().map_err(|_| refuse())?;
            let s = stations::get(&state.db, id).await.map_err(|_| refuse())?;
            ((None, Some(id)), s.target())
        }
        _ => return Err(refuse()),
    };
    if !ctx.user()?.can(Permission::ChannelsManage, target) {
        return Err(WebError::Rule { field: Some("scope".into()), key: "error.channel_scope" });
    }
    Ok(scope)
}

/// `POST /admin/channels`.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    FormBody(f): FormBody<Form>,
) -> Result<Response, WebError> {
    let result = async {
        let key = state.config.secret_key.as_ref();
        // Every refusal at once: the fields and the scope.
        let (c, (street_id, station_id)) =
            match (validate_channel(&f.c), scope_of(&state, &ctx, &f.scope).await) {
                (Ok(c), Ok(scope)) => (c, scope),
                (Err(e), Ok(_)) => return Err(e.into()),
                (Ok(_), Err(e)) => return Err(e),
                (Err(a), Err(b)) => {
                    let mut all: Vec<WebError> = match WebError::from(a) {
                        WebError::Many(v) => v,
                        one => vec![one],
                    };
                    all.push(b);
                    return Err(WebError::Many(all));
                }
            };
        let new = crate::notify::sealed(key, c, street_id, station_id)?;
        Ok::<_, WebError>(channels::create(&state.db, &Actor::from(ctx.user()?), &new).await?)
    }
    .await;
    match result {
        Ok(_) => Ok(Redirect::to("/admin/channels").into_response()),
        Err(e) if e.is_correctable() => {
            // The address and the secret are not shown again: the robot's key stays off pages.
            let f =
                Form { c: ChannelInput { url: String::new(), secret: String::new(), ..f.c }, ..f };
            let p = page(&state, &ctx, f, Some(&e), None).await?;
            Ok((e.status(), render::page(&p)?).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Debug, Deserialize)]
pub struct ActiveForm {
    #[serde(default)]
    active: String,
}

/// `POST /admin/channels/{id}/active`: stop (`active=0`) or start (`active=1`) a channel.
pub async fn set_active(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<ActiveForm>,
) -> Result<Response, WebError> {
    managed(&state, &ctx, id).await?;
    let active = yizhan_core::station::guest::parse_flag(&f.active).map_err(|error| {
        WebError::from(yizhan_core::error::DomainError::Invalid { field: "active", error })
    })?;
    channels::set_active(&state.db, &Actor::from(ctx.user()?), id, active).await?;
    Ok(Redirect::to("/admin/channels").into_response())
}

/// `POST /admin/channels/{id}/test`: a test message now, and whether it arrived.
pub async fn test(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let c = managed(&state, &ctx, id).await?;
    let tr = ctx.tr();
    let text = tr.f("notify.test", &[("name", &c.name)]);
    let key = format!("yizhan-test-{id}-{}", yizhan_store::db::now().timestamp());
    // A test @-mentions nobody: an SMS channel texts only its fixed mobiles then.
    let nobody = c.kind == yizhan_core::notify::ChannelKind::Sms && c.recipients().is_empty();
    let outcome = if nobody {
        Err(tr.t("channel.sms_test_nobody").to_owned())
    } else {
        send::deliver(
            &send::client(),
            &state.config,
            &c,
            &send::Outgoing { key: &key, severity: Severity::Info, text: &text, path: "/" },
            &[],
        )
        .await
    };
    let tested = Some((c.name.clone(), outcome.is_ok(), outcome.err().unwrap_or_default()));
    render::page(&page(&state, &ctx, blank(), None, tested).await?)
}
