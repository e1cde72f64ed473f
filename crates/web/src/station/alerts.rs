//! One alert (预警): what happened, who owns it, whether anyone has acknowledged it (已知悉) and
//! its timeline — every level of its escalation and whom it reached, every notification and what
//! became of it, who acknowledged and who closed it.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use yizhan_core::access::{Actor, Permission};
use yizhan_core::mask::mask_name;
use yizhan_core::notify::escalation::{Audience, Reach};
use yizhan_store::care::staff;
use yizhan_store::notify::{channels, escalation, outbox};
use yizhan_store::station::health::{self, Alert};
use yizhan_store::station::stations::{self, Station};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::extract::Id;
use crate::kit::layout::Layout;
use crate::kit::render;
use crate::state::AppState;
use crate::station::stays::visible_stay;

/// Whom an audience names, in words: "医疗组当班人员", "街道指挥部".
pub fn audience_words(tr: &Tr, a: &Audience, groups: &[staff::Group]) -> String {
    let group = a
        .group
        .and_then(|g| groups.iter().find(|x| x.id == g))
        .map(|g| g.name.clone())
        .unwrap_or_default();
    tr.f(a.reach.label_key(), &[("group", &group)])
}

/// The audiences of a stored list ("on_duty:3,street"), in words.
fn audiences(tr: &Tr, codes: &str, groups: &[staff::Group]) -> String {
    codes
        .split(',')
        .filter_map(Audience::parse)
        .map(|a| audience_words(tr, &a, groups))
        .collect::<Vec<_>>()
        .join(tr.t("punct.list_sep"))
}

/// A line of the timeline.
pub struct Line {
    pub at: String,
    pub what: String,
    pub tone: &'static str,
    pub kind: &'static str,
    sort: (DateTime<Utc>, u8, i64),
}

/// Where an alert stands, in a word and a tone: open and nobody has it (danger), acknowledged,
/// closed.
pub fn state_of(a: &Alert) -> (&'static str, &'static str) {
    if a.closed_at.is_some() {
        ("alert.state.closed", "ok")
    } else if a.acked_at.is_some() {
        ("alert.state.acknowledged", "info")
    } else {
        ("alert.state.open", "danger")
    }
}

/// "（王伟、李芳）" — whom a level reached, after its words; nothing when nobody by name.
fn named(tr: &Tr, people: &str) -> String {
    if people.is_empty() {
        String::new()
    } else {
        format!("{}{people}{}", tr.t("punct.open"), tr.t("punct.close"))
    }
}

async fn timeline(
    state: &AppState,
    tr: &Tr,
    a: &Alert,
    events: &[escalation::Event],
    groups: &[staff::Group],
) -> Result<Vec<Line>, WebError> {
    let mut lines = Vec::new();
    for e in events {
        let people = named(tr, &e.people);
        let (key, tone, kind): (&str, &str, &str) = match e.kind.as_str() {
            "raised" => ("alert.timeline.raised", "danger", "raised"),
            "escalated" => ("alert.timeline.escalated", "warning", "escalated"),
            "acknowledged" => ("alert.timeline.acknowledged", "info", "acknowledged"),
            _ => ("alert.timeline.closed", "ok", "closed"),
        };
        lines.push(Line {
            at: yizhan_core::time::local_display(e.at),
            what: tr.f(
                key,
                &[
                    ("level", &e.level.unwrap_or_default().to_string()),
                    ("to", &audiences(tr, &e.audience, groups)),
                    ("people", &people),
                    ("who", &e.actor),
                ],
            ),
            tone,
            kind,
            sort: (e.at, 0, e.id),
        });
    }
    let names: Vec<(i64, String)> =
        channels::list(&state.db).await?.into_iter().map(|c| (c.id, c.name)).collect();
    for n in outbox::of_source(&state.db, "alert", a.id).await? {
        let channel = names.iter().find(|c| c.0 == n.channel_id).map(|c| c.1.as_str());
        let (status, tone) = match n.status.as_str() {
            "sent" if n.digest_id.is_some() => ("channel.sent_in_digest", "ok"),
            "sent" => ("channel.sent", "ok"),
            "failed" => ("channel.failed", "danger"),
            _ => ("channel.waiting", "warning"),
        };
        let at = n.sent_at.unwrap_or(n.created_at);
        lines.push(Line {
            at: yizhan_core::time::local_display(at),
            what: tr.f(
                "alert.timeline.notification",
                &[
                    ("channel", channel.unwrap_or_default()),
                    ("status", tr.t(status)),
                    ("attempts", &n.attempts.to_string()),
                ],
            ),
            tone,
            kind: "notification",
            sort: (at, 1, n.id),
        });
    }
    lines.sort_by_key(|l| l.sort);
    Ok(lines)
}

#[derive(Template)]
#[template(path = "attention/alert.html")]
struct ShowPage {
    layout: Layout,
    station: Station,
    a: Alert,
    label: String,
    /// The detail in words.
    detail: String,
    tone: &'static str,
    state: (&'static str, &'static str),
    room: String,
    name: String,
    owner: String,
    raised: String,
    /// Who acknowledged it, and when.
    acked: Option<String>,
    next: Option<String>,
    lines: Vec<Line>,
    can_ack: bool,
    can_close: bool,
    /// The stay's case (阳性处置), if one is open or was.
    case_id: Option<i64>,
    /// A fever the medical officer may escalate to a case.
    can_escalate: bool,
}

/// The alert, if the person may see its stay (another station's alert is not found).
async fn visible_alert(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    perm: Permission,
) -> Result<(Alert, yizhan_store::station::stays::Stay), WebError> {
    let a = health::get_alert(&state.db, id).await?;
    let s = visible_stay(state, ctx, a.stay_id, perm).await.map_err(|_| WebError::NotFound)?;
    Ok((a, s))
}

/// When the next level is due and whom it reaches, in words.
async fn next_level(
    state: &AppState,
    tr: &Tr,
    a: &Alert,
    groups: &[staff::Group],
) -> Result<Option<String>, WebError> {
    let (Some(at), Some(rules_id)) = (a.next_level_at, a.rules_id) else { return Ok(None) };
    let levels = escalation::get(&state.db, rules_id).await?.rules.levels(a.kind);
    let to = levels
        .get(usize::try_from(a.next_level).unwrap_or(usize::MAX))
        .map(|l| {
            l.to.iter()
                .map(|t| audience_words(tr, t, groups))
                .collect::<Vec<_>>()
                .join(tr.t("punct.list_sep"))
        })
        .unwrap_or_default();
    Ok(Some(tr.f(
        "alert.next_level",
        &[("at", &yizhan_core::time::local_format(at, "%H:%M")), ("to", &to)],
    )))
}

/// `GET /alerts/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let (a, s) = visible_alert(&state, &ctx, id, Permission::GuestsRead).await?;
    let tr = ctx.tr();
    let station = stations::get(&state.db, a.station_id).await?;
    let groups = staff::groups(&state.db, a.station_id).await?;
    let g = yizhan_store::station::guests::get(&state.db, s.guest_id).await?;
    let p = ctx.user()?;
    let events = escalation::events(&state.db, a.id).await?;
    let case_id = yizhan_store::station::cases::of_stay(&state.db, a.stay_id).await?.map(|c| c.id);
    let can_close = a.closed_at.is_none() && p.can(Permission::AlertsClose, station.target());
    // The owner: the group on duty when it was raised, and who was on duty then.
    let on_duty = events
        .iter()
        .find(|e| e.kind == "raised")
        .map(|e| named(&tr, &e.people))
        .unwrap_or_default();
    let owner = a
        .owner_group_id
        .map(|o| audience_words(&tr, &Audience::group(Reach::OnDuty, o), &groups) + &on_duty)
        .unwrap_or_else(|| tr.t("alert.no_owner").to_owned());
    render::page(&ShowPage {
        layout: Layout::about(&state, &ctx, "alert.title", Some(a.station_id)),
        label: tr.t(a.kind.label_key()).to_owned(),
        detail: crate::station::health::detail_words(&a.detail, &tr),
        tone: crate::kit::tone::of_alert(a.kind),
        state: state_of(&a),
        room: s.room_number.clone(),
        name: mask_name(&g.name),
        owner,
        raised: yizhan_core::time::local_display(a.raised_at),
        acked: a
            .acked_by
            .as_ref()
            .zip(a.acked_at)
            .map(|(by, at)| format!("{by} · {}", yizhan_core::time::local_display(at))),
        next: next_level(&state, &tr, &a, &groups).await?,
        lines: timeline(&state, &tr, &a, &events, &groups).await?,
        can_ack: a.acked_at.is_none()
            && a.closed_at.is_none()
            && p.can(Permission::AlertsAcknowledge, station.target()),
        can_escalate: can_close
            && case_id.is_none()
            && s.ended_at.is_none()
            && a.kind == yizhan_core::station::health::AlertReason::Fever,
        can_close,
        case_id,
        station,
        a,
    })
}

/// Opens a case for a fever alert's stay (the medical officer's call): the room sealed, the
/// command told; the case's id.
pub async fn do_escalate(state: &AppState, ctx: &Ctx, id: i64) -> Result<i64, WebError> {
    visible_alert(state, ctx, id, Permission::AlertsClose).await?;
    let actor = Actor::from(ctx.user()?);
    Ok(yizhan_store::station::case_escalation::escalate(&state.db, &actor, id).await?)
}

/// `POST /alerts/{id}/escalate`: to the case's page.
pub async fn escalate(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let case = do_escalate(&state, &ctx, id).await?;
    Ok(Redirect::to(&format!("/cases/{case}")).into_response())
}

/// Acknowledges the alert for the person, audited; a second acknowledgement changes nothing.
pub async fn do_acknowledge(state: &AppState, ctx: &Ctx, id: i64) -> Result<Alert, WebError> {
    visible_alert(state, ctx, id, Permission::AlertsAcknowledge).await?;
    escalation::acknowledge(&state.db, &Actor::from(ctx.user()?), id, yizhan_store::db::now())
        .await?;
    Ok(health::get_alert(&state.db, id).await?)
}

/// `POST /alerts/{id}/acknowledge`.
pub async fn acknowledge(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    do_acknowledge(&state, &ctx, id).await?;
    Ok(Redirect::to(&format!("/alerts/{id}")).into_response())
}

/// The JSON twins: the alert with its timeline; acknowledge.
pub mod json {
    use super::*;
    use axum::Json;

    /// `POST /api/v1/alerts/{id}/escalate`: 201 with the case's id.
    pub async fn escalate(
        State(state): State<AppState>,
        ctx: Ctx,
        Id(id): Id,
    ) -> Result<Response, WebError> {
        let case_id = do_escalate(&state, &ctx, id).await?;
        Ok((axum::http::StatusCode::CREATED, Json(Escalated { case_id })).into_response())
    }

    /// The case an escalated alert opened.
    #[derive(serde::Serialize, schemars::JsonSchema)]
    pub struct Escalated {
        case_id: i64,
    }

    /// An alert with its timeline and its notifications.
    #[derive(serde::Serialize, schemars::JsonSchema)]
    pub struct AlertAnswer {
        alert: Alert,
        timeline: Vec<escalation::Event>,
        notifications: Vec<Sent>,
    }

    /// A notification of the alert: where it went is the channel's id, never its address.
    #[derive(serde::Serialize, schemars::JsonSchema)]
    pub struct Sent {
        id: i64,
        channel_id: i64,
        event: String,
        status: String,
        attempts: i64,
        created_at: chrono::DateTime<chrono::Utc>,
        sent_at: Option<chrono::DateTime<chrono::Utc>>,
    }

    async fn body(state: &AppState, a: &Alert) -> Result<Json<AlertAnswer>, WebError> {
        let timeline = escalation::events(&state.db, a.id).await?;
        let notifications = outbox::of_source(&state.db, "alert", a.id)
            .await?
            .into_iter()
            .map(|n| Sent {
                id: n.id,
                channel_id: n.channel_id,
                event: n.event,
                status: n.status,
                attempts: n.attempts,
                created_at: n.created_at,
                sent_at: n.sent_at,
            })
            .collect();
        Ok(Json(AlertAnswer { alert: a.clone(), timeline, notifications }))
    }

    /// `GET /api/v1/alerts/{id}`.
    pub async fn show(
        State(state): State<AppState>,
        ctx: Ctx,
        Id(id): Id,
    ) -> Result<Json<AlertAnswer>, WebError> {
        let (a, _) = visible_alert(&state, &ctx, id, Permission::GuestsRead).await?;
        body(&state, &a).await
    }

    /// `POST /api/v1/alerts/{id}/acknowledge`.
    pub async fn acknowledge(
        State(state): State<AppState>,
        ctx: Ctx,
        Id(id): Id,
    ) -> Result<Json<AlertAnswer>, WebError> {
        let a = do_acknowledge(&state, &ctx, id).await?;
        body(&state, &a).await
    }
}
