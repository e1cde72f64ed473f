//! Key attention (重点关注): every open stay judged by the rules, most urgent first, with open
//! alerts, manual flags and follow-up notes.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use yizhan_core::access::{Actor, Permission};
use yizhan_core::mask::mask_name;
use yizhan_core::station::attention::{
    Facts, Level, Reason, derive, level, order_key, urgency_score,
};
use yizhan_core::station::guest::age_on;
use yizhan_core::validate::Tenths;
use yizhan_store::station::attention::{self, StayFacts, Taken};
use yizhan_store::station::health::{self, Alert};
use yizhan_store::station::stations::Station;

use crate::auth::Ctx;
use crate::error::WebError;
use crate::kit::extract::{FormBody, Id};
use crate::kit::layout::Layout;
use crate::kit::render;
use crate::kit::today;
use crate::state::AppState;
use crate::station::stations::visible;
use crate::station::stays::visible_stay;

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AttentionRow {
    pub stay_id: i64,
    pub guest_id: i64,
    pub name: String,
    pub room: String,
    /// Urgent (act now) or watch.
    pub level: Level,
    /// The reasons' locale keys, most urgent first, and each one's tone (kit::tone).
    pub reasons: Vec<&'static str>,
    pub tones: Vec<&'static str>,
    pub score: i64,
    #[serde(skip)]
    order: (Level, std::cmp::Reverse<i64>, (u64, String)),
}

impl AttentionRow {
    pub fn urgent(&self) -> bool {
        self.level == Level::Urgent
    }
}

/// Slots of today and yesterday whose deadline has passed with no reading, for one stay.
fn overdue_slots(
    cfg: yizhan_core::station::health::SlotConfig,
    f: &StayFacts,
    today: chrono::NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
) -> i64 {
    use yizhan_core::station::health::{Slot, is_overdue, slot_deadline};
    let yesterday = today - chrono::Duration::days(1);
    [
        (yesterday, Slot::Am, f.taken(Taken::AmYesterday)),
        (yesterday, Slot::Pm, f.taken(Taken::PmYesterday)),
        (today, Slot::Am, f.taken(Taken::AmToday)),
        (today, Slot::Pm, f.taken(Taken::PmToday)),
    ]
    .into_iter()
    // A slot that closed before the guest arrived was never theirs to miss.
    .filter(|(day, slot, recorded)| {
        slot_deadline(*day, *slot, &cfg) >= f.checked_in_at
            && is_overdue(*day, *slot, *recorded, now, &cfg)
    })
    .count() as i64
}

/// How many on the list are urgent and how many only to watch.
pub fn counts(rows: &[AttentionRow]) -> (usize, usize) {
    let urgent = rows.iter().filter(|r| r.urgent()).count();
    (urgent, rows.len() - urgent)
}

/// A stay judged by the pure rules in `yizhan_core::station::attention`: its line on the list,
/// if any reason puts it there.
fn judged(
    cfg: yizhan_core::station::health::SlotConfig,
    f: StayFacts,
    today: chrono::NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<AttentionRow> {
    let reasons = derive(&Facts {
        age: age_on(f.birth_date, today),
        pregnant: f.pregnant,
        chronic: f.chronic_disease.is_some(),
        latest_temperature: f.latest_temperature.map(Tenths),
        open_symptom_alert: f.open_symptom_alerts > 0,
        open_fever_alert: f.open_fever_alerts > 0,
        pending_tests: f.pending_tests,
        positive_test: f.positive_tests > 0,
        overdue_checks: overdue_slots(cfg, &f, today, now),
        overdue_tests: f.overdue_tests,
        psych_risk_high: f.psych_risk.as_deref() == Some("high"),
        open_complaints: f.open_complaints,
        manual_flags: f.manual_flags,
    });
    (!reasons.is_empty()).then(|| AttentionRow {
        stay_id: f.stay_id,
        guest_id: f.guest_id,
        name: mask_name(&f.guest_name),
        level: level(&reasons),
        score: urgency_score(&reasons),
        reasons: reasons.iter().map(|r: &Reason| r.label_key()).collect(),
        tones: reasons.iter().map(|r| crate::kit::tone::of_reason(*r)).collect(),
        order: order_key(&reasons, &f.room_number),
        room: f.room_number,
    })
}

/// A station's key-attention list, most urgent first.
pub async fn list_rows(state: &AppState, station_id: i64) -> Result<Vec<AttentionRow>, WebError> {
    let (today, now) = (today(), yizhan_store::db::now());
    let mut rows: Vec<AttentionRow> = attention::facts(&state.db, station_id, today)
        .await?
        .into_iter()
        .filter_map(|f| judged(state.config.slots, f, today, now))
        .collect();
    // Urgent first, then the most severe, then by room number read as a number.
    rows.sort_by(|a, b| a.order.cmp(&b.order));
    Ok(rows)
}

/// A station's open stays as the daily report counts them.
#[derive(Debug, Clone, Default)]
pub struct OpenStays {
    /// How many are on the key-attention list.
    pub key_attention: i64,
    /// How many of each guest category.
    pub by_category: std::collections::BTreeMap<String, i64>,
}

/// Each station's open stays judged and counted (the daily report): the stations split among
/// a few tasks, each reading its share one station after the other on a connection (and a
/// core) of its own. The categories come from the same read, which has the guest already.
pub async fn open_stays_by_station(
    state: &AppState,
    stations: &[i64],
) -> Result<std::collections::HashMap<i64, OpenStays>, WebError> {
    const TASKS: usize = 4;
    let mut tasks = tokio::task::JoinSet::new();
    for share in stations.chunks(stations.len().div_ceil(TASKS).max(1)) {
        let (state, share) = (state.clone(), share.to_vec());
        tasks.spawn(async move {
            let (today, now) = (today(), yizhan_store::db::now());
            let mut counted = Vec::with_capacity(share.len());
            for station in share {
                let mut open = OpenStays::default();
                for f in attention::facts(&state.db, station, today).await? {
                    *open.by_category.entry(f.category.clone()).or_default() += 1;
                    open.key_attention +=
                        i64::from(judged(state.config.slots, f, today, now).is_some());
                }
                counted.push((station, open));
            }
            Ok::<_, WebError>(counted)
        });
    }
    let mut all = std::collections::HashMap::new();
    while let Some(done) = tasks.join_next().await {
        let counted = done.map_err(|e| WebError::Internal(format!("key attention: {e}")))??;
        all.extend(counted);
    }
    Ok(all)
}

pub struct AlertRow {
    pub a: Alert,
    pub label: String,
    pub tone: &'static str,
    pub at: String,
    pub room: String,
    pub name: String,
    /// Where it stands (待确认, 已知悉) in a word and a tone.
    pub state: (&'static str, &'static str),
    /// Its detail in words.
    pub detail: String,
}

#[derive(Template)]
#[template(path = "attention/list.html")]
struct ListPage {
    layout: Layout,
    station: Station,
    urgent: Vec<AttentionRow>,
    watch: Vec<AttentionRow>,
    alerts: Vec<AlertRow>,
    can_close_alerts: bool,
    can_ack_alerts: bool,
}

/// `GET /stations/{id}/attention`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::GuestsRead).await?;
    let tr = ctx.tr();
    let mut alerts = Vec::new();
    for a in health::open_alerts(&state.db, id).await? {
        let s = yizhan_store::station::stays::get(&state.db, a.stay_id).await?;
        let g = yizhan_store::station::guests::get(&state.db, s.guest_id).await?;
        alerts.push(AlertRow {
            label: tr.t(a.kind.label_key()).to_owned(),
            tone: crate::kit::tone::of_alert(a.kind),
            at: yizhan_core::time::local_display(a.raised_at),
            room: s.room_number,
            name: mask_name(&g.name),
            state: crate::station::alerts::state_of(&a),
            detail: crate::station::health::detail_words(&a.detail, &tr),
            a,
        });
    }
    let p = ctx.user()?;
    let (urgent, watch) = list_rows(&state, id).await?.into_iter().partition(|r| r.urgent());
    render::page(&ListPage {
        can_close_alerts: p.can(Permission::AlertsClose, station.target()),
        can_ack_alerts: p.can(Permission::AlertsAcknowledge, station.target()),
        urgent,
        watch,
        layout: Layout::new(&state, &ctx, "attention.title"),
        station,
        alerts,
    })
}

#[derive(Deserialize, Default)]
pub struct NoteForm {
    #[serde(default)]
    note: String,
}

fn note_text(f: &NoteForm) -> Result<String, WebError> {
    use yizhan_core::error::OnField;
    Ok(yizhan_core::validate::required_text(&f.note, 500).on("note")?)
}

/// `POST /alerts/{id}/close`.
/// Closes an alert, saying what was done; the station page is where it came from.
pub async fn close_alert(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<NoteForm>,
) -> Result<Response, WebError> {
    let a = health::get_alert(&state.db, id).await?;
    let s = visible_stay(&state, &ctx, a.stay_id, Permission::AlertsClose)
        .await
        .map_err(|_| WebError::NotFound)?;
    let note = note_text(&f)?;
    health::close_alert(&state.db, &Actor::from(ctx.user()?), id, &note).await?;
    Ok(Redirect::to(&format!("/stations/{}/attention", s.station_id)).into_response())
}

/// `POST /stays/{id}/flags`.
pub async fn flag(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<NoteForm>,
) -> Result<Response, WebError> {
    let s = visible_stay(&state, &ctx, id, Permission::AttentionManage).await?;
    let reason = note_text(&f)?;
    attention::flag(&state.db, &Actor::from(ctx.user()?), id, &reason).await?;
    Ok(Redirect::to(&format!("/guests/{}", s.guest_id)).into_response())
}

/// `POST /flags/{id}/close`.
pub async fn close_flag(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<NoteForm>,
) -> Result<Response, WebError> {
    let flag = attention::get_flag(&state.db, id).await?;
    let s = visible_stay(&state, &ctx, flag.stay_id, Permission::AttentionManage).await?;
    let note = note_text(&f)?;
    attention::close_flag(&state.db, &Actor::from(ctx.user()?), id, &note).await?;
    Ok(Redirect::to(&format!("/guests/{}", s.guest_id)).into_response())
}

/// `POST /stays/{id}/notes`.
pub async fn add_note(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<NoteForm>,
) -> Result<Response, WebError> {
    let s = visible_stay(&state, &ctx, id, Permission::AttentionManage).await?;
    let note = note_text(&f)?;
    attention::add_note(&state.db, &Actor::from(ctx.user()?), id, &note).await?;
    Ok(Redirect::to(&format!("/guests/{}", s.guest_id)).into_response())
}
