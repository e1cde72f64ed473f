//! The board's data in one JSON document: also served at `/api/v1/stations/{id}/board`. Names are
//! masked here, and no document number or phone is ever part of it.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use chrono::{Duration, NaiveDate};
use serde::Serialize;
use yizhan_core::mask::mask_name;
use yizhan_core::station::health::AlertReason;
use yizhan_core::station::room::RoomState;
use yizhan_core::time::{day_start_utc, local_date};
use yizhan_store::station::board::{self, GridRoom};
use yizhan_store::station::stations;

use crate::auth::Ctx;
use crate::board::tokens::board_access;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::extract::Id;
use crate::kit::today;
use crate::state::AppState;
use crate::station::attention::list_rows;

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Today {
    pub check_ins: i64,
    pub check_outs: i64,
    pub releases: i64,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Occupancy {
    pub used: i64,
    pub total: i64,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct FeedItem {
    pub id: i64,
    pub time: String,
    pub room: String,
    pub name: String,
    pub kind: yizhan_core::station::stay::StayEventKind,
    pub label: String,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct AttentionItem {
    pub room: String,
    pub name: String,
    pub urgent: bool,
    pub reasons: Vec<String>,
    /// Each reason's tone (kit::tone), in the order of `reasons`.
    pub tones: Vec<&'static str>,
}

/// Who of each working group is on duty now (the roster's current shift).
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct OnDuty {
    pub group: String,
    pub names: Vec<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Requests {
    pub open: i64,
    pub late: i64,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Tests {
    pub due: i64,
    pub sampled: i64,
    pub pending: i64,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Kpi {
    pub key: &'static str,
    pub label: String,
    pub count: i64,
    /// Whole days since the last one; `None` when there never was one (or no ledger yet).
    pub days_since: Option<i64>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Charts {
    pub days: Vec<String>,
    pub occupancy: Vec<i64>,
    pub alerts: Vec<i64>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Snapshot {
    pub station_id: i64,
    pub station: String,
    pub seq: i64,
    pub generated_at: String,
    pub today: Today,
    pub occupancy: Occupancy,
    pub rooms: Vec<GridRoom>,
    /// In the order of the state machine, for the legend.
    // A pair is an array of two in JSON; said as such, not as a tuple (`prefixItems`), which
    // schemathesis 4.32 cannot read.
    #[schemars(with = "Vec<[String; 2]>")]
    pub state_labels: Vec<(&'static str, String)>,
    pub feed: Vec<FeedItem>,
    pub attention: Vec<AttentionItem>,
    /// 紧急 n · 留意 m: how many guests are urgent and how many to watch.
    pub attention_counts: String,
    pub on_duty: Vec<OnDuty>,
    pub open_alerts: i64,
    /// Guests' requests not yet done, and how many of them are late.
    pub requests: Requests,
    pub tests: Tests,
    pub kpis: Vec<Kpi>,
    pub charts: Charts,
    pub labels: BTreeMap<&'static str, String>,
}

/// Text the board's script shows, in the viewer's language.
const LABEL_KEYS: &[&str] = &[
    "board.check_ins",
    "board.check_outs",
    "board.releases",
    "board.occupancy",
    "board.rooms",
    "board.feed",
    "board.attention",
    "board.on_duty",
    "board.nobody_on_duty",
    "board.tests",
    "board.tests_due",
    "board.tests_sampled",
    "board.tests_pending",
    "board.kpis",
    "board.days_since",
    "board.never",
    "board.updated",
    "board.offline",
    "board.revoked",
    "board.chart_occupancy",
    "board.chart_alerts",
    "board.alerts",
    "board.nobody",
    "board.no_movements",
    "board.no_rooms",
];

fn days_since(last: Option<chrono::DateTime<chrono::Utc>>, today: NaiveDate) -> Option<i64> {
    last.map(|t| (today - local_date(t)).num_days())
}

pub async fn build(state: &AppState, tr: &Tr, station_id: i64) -> Result<Snapshot, WebError> {
    let station = stations::get(&state.db, station_id).await?;
    let today = today();
    let seq = state.changes.borrow().seq;
    let (c, last) = board::counts(&state.db, station_id, today).await?;
    let feed = board::movements(&state.db, station_id, 15)
        .await?
        .into_iter()
        .map(|m| FeedItem {
            id: m.id,
            time: yizhan_core::time::local_format(m.at, "%m-%d %H:%M"),
            room: m.room_number,
            name: mask_name(&m.guest_name),
            label: tr.t(m.kind.label_key()).to_owned(),
            kind: m.kind,
        })
        .collect();
    let rows = list_rows(state, station_id).await?;
    let (urgent, watch) = crate::station::attention::counts(&rows);
    let attention_counts =
        tr.f("attention.counts", &[("urgent", &urgent.to_string()), ("watch", &watch.to_string())]);
    let attention = rows
        .into_iter()
        .take(12)
        .map(|r| AttentionItem {
            urgent: r.urgent(),
            reasons: r.reasons.iter().map(|k| tr.t(k).to_owned()).collect(),
            tones: r.tones,
            room: r.room,
            name: r.name,
        })
        .collect();
    // 14 days of occupancy (guests in stay at the end of each day) and alerts raised per day.
    let first = today - Duration::days(13);
    let since = day_start_utc(first);
    let spans = board::stay_spans(&state.db, station_id, since).await?;
    let alert_times = board::alert_times(&state.db, station_id, since).await?;
    let alert_times: Vec<_> = alert_times.into_iter().map(|(t,)| t).collect();
    let mut charts = Charts {
        days: vec![],
        occupancy: vec![],
        alerts: yizhan_core::time::per_day(&alert_times, first, 14),
    };
    for i in 0..14 {
        let day = first + Duration::days(i);
        let end = day_start_utc(day + Duration::days(1));
        charts.days.push(day.format("%m-%d").to_string());
        charts.occupancy.push(
            spans.iter().filter(|(a, b)| *a < end && b.is_none_or(|b| b >= end)).count() as i64,
        );
    }
    let kpis = vec![
        Kpi {
            key: "infected",
            label: tr.t("board.kpi.infected").into(),
            count: c.positives,
            days_since: days_since(last.last_positive, today),
        },
        Kpi {
            key: "turned_back",
            label: tr.t("board.kpi.turned_back").into(),
            count: c.turned_back,
            days_since: days_since(last.last_turned_back, today),
        },
        Kpi {
            key: "exemption_revoked",
            label: tr.t("board.kpi.exemption_revoked").into(),
            count: c.exemption_revoked,
            days_since: days_since(last.last_exemption_revoked, today),
        },
        Kpi {
            key: "accidents",
            label: tr.t("board.kpi.accidents").into(),
            count: c.accidents,
            days_since: days_since(last.last_accident, today),
        },
        Kpi {
            key: "complaints",
            label: tr.t("board.kpi.complaints").into(),
            count: c.complaints,
            days_since: days_since(last.last_complaint, today),
        },
    ];
    Ok(Snapshot {
        station_id,
        station: station.name,
        seq,
        generated_at: yizhan_core::time::local_display(yizhan_store::db::now()),
        today: Today {
            check_ins: c.check_ins_today,
            check_outs: c.check_outs_today,
            releases: c.releases_today,
        },
        occupancy: Occupancy { used: c.in_stay, total: c.beds_total },
        rooms: board::grid(&state.db, station_id).await?,
        state_labels: RoomState::ALL
            .iter()
            .map(|s| (s.as_str(), tr.t(s.label_key()).to_owned()))
            .collect(),

        feed,
        attention,
        attention_counts,
        on_duty: crate::care::roster::group_views(state, tr, station_id, today)
            .await?
            .into_iter()
            .map(|g| OnDuty { group: g.g.name, names: g.on_duty })
            .collect(),
        open_alerts: c.open_alerts,
        requests: Requests { open: c.open_requests, late: c.late_requests },
        tests: Tests {
            due: c.tests_due_today,
            sampled: c.tests_sampled_today,
            pending: c.tests_pending,
        },
        kpis,
        charts,
        labels: LABEL_KEYS
            .iter()
            .copied()
            .chain(AlertReason::ALL.iter().map(|a| a.label_key()))
            .map(|k| (k, tr.t(k).to_owned()))
            .collect(),
    })
}

/// The snapshot for a TV (token cookie) or a signed-in reader; also `/api/v1/stations/{id}/board`.
/// Served from a cache while nothing has changed since it was built.
pub async fn json(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Id(id): Id,
) -> Result<Json<std::sync::Arc<serde_json::Value>>, WebError> {
    board_access(&state, &ctx, &headers, Some(id)).await?;
    let tr = ctx.tr();
    let key = (id, tr.code());
    // Shifts change on the hour without any write, so the hour is part of what the cached
    // snapshot is valid for; otherwise only the station's own writes.
    let hour = chrono::Timelike::hour(&crate::care::roster::local_now());
    let version = (state.changes.borrow().version(Some(id)), hour);
    if let Some((at, cached)) = state.snapshots.lock().unwrap_or_else(|p| p.into_inner()).get(&key)
        && *at == version
    {
        return Ok(Json(cached.clone()));
    }
    // Stamped with the version read before building: a write while it builds makes it stale.
    let snap = build(&state, &tr, id).await?;
    let value = std::sync::Arc::new(
        serde_json::to_value(&snap).map_err(|e| WebError::Internal(e.to_string()))?,
    );
    state.snapshots.lock().unwrap_or_else(|p| p.into_inner()).insert(key, (version, value.clone()));
    Ok(Json(value))
}
