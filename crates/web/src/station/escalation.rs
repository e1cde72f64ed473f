//! A station's escalation rules (逐级上报规则): who hears of an alert nobody has acknowledged, and
//! after how many minutes. Each save publishes a new version; open alerts keep theirs.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use yizhan_core::access::{Actor, Permission};
use yizhan_core::notify::escalation::{
    Audience, ROWS, Reach, Row, Rules, Set, levels, validate_rules,
};
use yizhan_store::care::staff;
use yizhan_store::notify::escalation::{self, Version};
use yizhan_store::station::stations::Station;

use crate::auth::Ctx;
use crate::error::WebError;
use crate::kit::extract::{FormBody, Id};
use crate::kit::layout::Layout;
use crate::kit::render;
use crate::state::AppState;
use crate::station::alerts::audience_words;
use crate::station::stations::visible;

/// One list as a table and as the form's rows.
pub struct SetView {
    pub set: &'static str,
    pub title: &'static str,
    /// (minutes, whom in words) per level.
    pub levels: Vec<(i64, String)>,
    /// The form's rows: (minutes, audience code).
    pub rows: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "escalation/show.html")]
struct ShowPage {
    layout: Layout,
    station: Station,
    sets: Vec<SetView>,
    /// (code, words) of every audience the station can name.
    choices: Vec<(String, String)>,
    versions: Vec<(i64, String, String)>,
    can_manage: bool,
    error: Option<String>,
}

fn set_view(
    tr: &crate::i18n::Tr,
    set: Set,
    rules: &Rules,
    form: Option<&[Row]>,
    groups: &[staff::Group],
) -> SetView {
    let steps = rules.steps(set);
    let mut rows: Vec<(String, String)> = match form {
        Some(f) => f.iter().map(|r| (r.after.clone(), r.to.clone())).collect(),
        None => steps.iter().map(|s| (s.after.to_string(), s.to.code())).collect(),
    };
    rows.resize(ROWS.max(rows.len()), (String::new(), String::new()));
    SetView {
        set: set.as_str(),
        title: match set {
            Set::Positive => "escalation.positive",
            Set::Other => "escalation.other",
        },
        levels: levels(steps)
            .into_iter()
            .map(|l| {
                let to: Vec<String> = l.to.iter().map(|a| audience_words(tr, a, groups)).collect();
                (l.after, to.join(tr.t("punct.list_sep")))
            })
            .collect(),
        rows,
    }
}

/// The audiences a station's steps may name: each group's people on duty and leader, the
/// station's command, the street's and the district's.
fn choices(tr: &crate::i18n::Tr, groups: &[staff::Group]) -> Vec<(String, String)> {
    let mut all: Vec<Audience> = Vec::new();
    for g in groups.iter().filter(|g| !g.is_command) {
        all.push(Audience::group(Reach::OnDuty, g.id));
        all.push(Audience::group(Reach::Leader, g.id));
    }
    all.extend([Reach::Command, Reach::Street, Reach::District].map(Audience::of));
    all.iter().map(|a| (a.code(), audience_words(tr, a, groups))).collect()
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    station: Station,
    form: Option<(&[Row], &[Row])>,
    err: Option<&WebError>,
) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let groups = staff::groups(&state.db, station.id).await?;
    let rules = escalation::current(&state.db, station.id).await?;
    let versions: Vec<Version> = escalation::versions(&state.db, station.id).await?;
    let page = ShowPage {
        layout: Layout::new(state, ctx, "escalation.title"),
        sets: vec![
            set_view(&tr, Set::Other, &rules, form.map(|f| f.1), &groups),
            set_view(&tr, Set::Positive, &rules, form.map(|f| f.0), &groups),
        ],
        choices: choices(&tr, &groups),
        versions: versions
            .into_iter()
            .map(|v| (v.version, v.created_by, yizhan_core::time::local_display(v.created_at)))
            .collect(),
        can_manage: ctx.user()?.can(Permission::EscalationManage, station.target()),
        error: err.map(|e| e.message(&tr)),
        station,
    };
    render::form_page(&page, err)
}

/// `GET /stations/{id}/escalation`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::StaffRead).await?;
    page(&state, &ctx, station, None, None).await
}

/// The form's rows of one list: `{set}_after_{i}` and `{set}_to_{i}`, the `ROWS` it offers.
fn rows_of(form: &HashMap<String, String>, set: Set) -> Vec<Row> {
    let field = |name: &str, i: usize| {
        form.get(&format!("{}_{name}_{i}", set.as_str())).cloned().unwrap_or_default()
    };
    (0..ROWS).map(|i| Row { after: field("after", i), to: field("to", i) }).collect()
}

/// Checks and publishes a new version; shared with the API.
pub async fn publish(
    state: &AppState,
    ctx: &Ctx,
    station: &Station,
    positive: &[Row],
    other: &[Row],
) -> Result<Version, WebError> {
    let groups: Vec<i64> =
        staff::groups(&state.db, station.id).await?.into_iter().map(|g| g.id).collect();
    let rules = validate_rules(positive, other, &groups)?;
    Ok(escalation::publish(&state.db, &Actor::from(ctx.user()?), station.id, &rules).await?)
}

/// `POST /stations/{id}/escalation`.
pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(form): FormBody<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::EscalationManage).await?;
    let (positive, other) = (rows_of(&form, Set::Positive), rows_of(&form, Set::Other));
    match publish(&state, &ctx, &station, &positive, &other).await {
        Ok(_) => Ok(Redirect::to(&format!("/stations/{id}/escalation")).into_response()),
        Err(e) if e.is_correctable() => {
            page(&state, &ctx, station, Some((&positive, &other)), Some(&e)).await
        }
        Err(e) => Err(e),
    }
}
