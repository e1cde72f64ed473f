//! The health round: every occupied bed of a floor with one input, keyboard only, each row saved
//! as it is entered (htmx swaps the row; without JavaScript the form posts and comes back).

pub mod json;

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use yizhan_core::access::{Actor, Permission};
use yizhan_core::mask::mask_name;
use yizhan_core::station::health::{
    HealthCheckInput, Slot, Symptom, is_overdue, sign_of, slot_at, validate_health_check,
};
use yizhan_store::station::stations::Station;
use yizhan_store::{station::guests, station::health, station::stays};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::extract::{FormBody, Id, Query};
use crate::kit::layout::Layout;
use crate::kit::render;
use crate::state::AppState;
use crate::station::stations::visible;
use crate::station::stays::visible_stay;

pub struct RoundRow {
    pub stay_id: i64,
    pub room: String,
    pub floor: i64,
    pub bed: i64,
    /// "2 床" when the room has more than one bed; nothing otherwise.
    pub bed_label: Option<String>,
    pub name: String,
    pub reading: Option<String>,
    /// What the reading signals (a fever, symptoms): its tone and its word.
    pub sign: Option<(&'static str, String)>,
    /// The guest's own report of the slot (本人自报), beside the staff's: its tone and words.
    pub self_report: Option<(&'static str, String)>,
    pub alert: bool,
    pub overdue: bool,
    pub error: Option<String>,
    /// Said once, when a reading that signals something has just been saved.
    pub toast: Option<String>,
}

#[derive(Template)]
#[template(path = "health/round.html")]
struct RoundPage {
    layout: Layout,
    station: Station,
    rows: Vec<RoundRow>,
    floors: Vec<(i64, bool)>,
    day: NaiveDate,
    slot: &'static str,
    slot_label: String,
    symptoms: Vec<(&'static str, String)>,
    done: usize,
}

#[derive(Template)]
#[template(path = "health/row.html")]
struct RowFragment {
    layout: Layout,
    r: RoundRow,
    day: NaiveDate,
    slot: &'static str,
    symptoms: Vec<(&'static str, String)>,
}

#[derive(Deserialize)]
pub struct RoundQuery {
    floor: Option<String>,
    slot: Option<String>,
    day: Option<String>,
}

pub(crate) fn symptom_options(tr: &Tr) -> Vec<(&'static str, String)> {
    Symptom::ALL.iter().map(|s| (s.as_str(), tr.t(s.label_key()).to_owned())).collect()
}

pub(crate) fn reading(t: i64, symptoms: &str, tr: &Tr) -> String {
    let mut s = format!("{}.{}℃", t / 10, t % 10);
    for code in symptoms.split(',').filter(|c| !c.is_empty()) {
        if let Some(sym) = Symptom::parse(code) {
            s.push(' ');
            s.push_str(tr.t(sym.label_key()));
        }
    }
    s
}

/// An alert's stored detail ("38.0 cough,fever") in words: a reading with its unit, a list of
/// symptom codes said as the symptoms; anything else as written.
pub(crate) fn detail_words(detail: &str, tr: &Tr) -> String {
    detail
        .split(' ')
        .map(|part| {
            let codes: Option<Vec<Symptom>> = part.split(',').map(Symptom::parse).collect();
            let reading =
                part.contains('.') && part.parse::<f64>().is_ok_and(|t| (30.0..=45.0).contains(&t));
            match codes {
                _ if reading => format!("{part}℃"),
                Some(list) if !part.is_empty() => list
                    .iter()
                    .map(|s| tr.t(s.label_key()))
                    .collect::<Vec<_>>()
                    .join(tr.t("punct.list_sep")),
                _ => part.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The rows of a round: open stays of the station (one floor or all), with this slot's reading.
async fn round_rows(
    state: &AppState,
    tr: &Tr,
    station_id: i64,
    floor: Option<i64>,
    day: NaiveDate,
    slot: Slot,
) -> Result<Vec<RoundRow>, WebError> {
    let readings = health::of_station_day(&state.db, station_id, day).await?;
    let own =
        yizhan_store::station::guest_links::self_reports_of_day(&state.db, station_id, day).await?;
    let alerts = health::open_alerts(&state.db, station_id).await?;
    let now = yizhan_store::db::now();
    let cfg = state.config.slots;
    let mut rows = Vec::new();
    for room in yizhan_store::station::rooms::list(&state.db, station_id).await? {
        if room.occupied == 0 || floor.is_some_and(|f| f != room.floor) {
            continue;
        }
        for s in stays::open_in_room(&state.db, room.id).await? {
            let g = guests::get(&state.db, s.guest_id).await?;
            let r = readings.iter().find(|h| h.stay_id == s.id && h.slot == slot.as_str());
            rows.push(RoundRow {
                stay_id: s.id,
                room: room.number.clone(),
                floor: room.floor,
                bed: s.bed_no,
                bed_label: (room.beds > 1)
                    .then(|| tr.f("health.bed", &[("n", &s.bed_no.to_string())])),
                name: mask_name(&g.name),
                reading: r.map(|h| reading(h.temperature, &h.symptoms, tr)),
                self_report: own.iter().find(|o| o.0 == s.id && o.1 == slot.as_str()).map(
                    |(_, _, t, sy)| {
                        let tone = if sign_of(*t, sy).is_some() { "danger" } else { "info" };
                        (tone, reading(*t, sy, tr))
                    },
                ),
                sign: r
                    .and_then(|h| sign_of(h.temperature, &h.symptoms))
                    .map(|a| crate::kit::tone::sign(tr, a)),
                alert: alerts.iter().any(|a| a.stay_id == s.id),
                overdue: is_overdue(day, slot, r.is_some(), now, &cfg),
                error: None,
                toast: None,
            });
        }
    }
    Ok(rows)
}

fn pick_slot(state: &AppState, q: &RoundQuery) -> (NaiveDate, Slot) {
    let (today, now_slot) = slot_at(yizhan_store::db::now(), &state.config.slots);
    let day = q
        .day
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .unwrap_or(today);
    let slot = q.slot.as_deref().and_then(Slot::parse).unwrap_or(now_slot);
    (day, slot)
}

/// `GET /stations/{id}/round`.
pub async fn round(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(q): Query<RoundQuery>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::HealthRecord).await?;
    let tr = ctx.tr();
    let (day, slot) = pick_slot(&state, &q);
    let floor = q.floor.as_deref().and_then(|f| f.parse::<i64>().ok());
    let all = round_rows(&state, &tr, id, None, day, slot).await?;
    let mut floors: Vec<(i64, bool)> = Vec::new();
    for r in &all {
        if !floors.iter().any(|(f, _)| *f == r.floor) {
            floors.push((r.floor, floor == Some(r.floor)));
        }
    }
    let mut rows: Vec<RoundRow> =
        all.into_iter().filter(|r| floor.is_none_or(|f| r.floor == f)).collect();
    // Once the slot's deadline has passed, the rooms still without a reading come first, in red.
    rows.sort_by_key(|r| !(r.overdue && r.reading.is_none()));
    render::page(&RoundPage {
        done: rows.iter().filter(|r| r.reading.is_some()).count(),
        layout: Layout::new(&state, &ctx, "health.round"),
        station,
        rows,
        floors,
        day,
        slot: slot.as_str(),
        slot_label: tr.t(slot.label_key()).to_owned(),
        symptoms: symptom_options(&tr),
    })
}

/// A reading from the round (one symptom select) or the guest page (a checklist): `symptom` may
/// repeat, so the form is read as pairs.
#[derive(Default)]
pub struct RecordForm {
    pub(crate) temperature: String,
    pub(crate) symptoms: Vec<String>,
    day: String,
    slot: String,
    note: String,
}

impl RecordForm {
    pub(crate) fn from_pairs(pairs: Vec<(String, String)>) -> RecordForm {
        let mut f = RecordForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "temperature" => f.temperature = v,
                "symptom" if !v.is_empty() => f.symptoms.push(v),
                "day" => f.day = v,
                "slot" => f.slot = v,
                "note" => f.note = v,
                _ => {}
            }
        }
        f
    }
}

/// Saves one reading; shared with the API. A fever or a symptom opens an alert.
pub async fn record_reading(
    state: &AppState,
    ctx: &Ctx,
    stay_id: i64,
    day: &str,
    slot: &str,
    input: &HealthCheckInput,
) -> Result<(health::HealthCheck, Option<i64>), WebError> {
    use yizhan_core::error::OnField;
    let (today, now_slot) = slot_at(yizhan_store::db::now(), &state.config.slots);
    let stay = yizhan_store::station::stays::get(&state.db, stay_id).await?;
    let day = yizhan_core::station::health::reading_day(
        day,
        today,
        yizhan_core::time::local_date(stay.checked_in_at),
    )
    .on("day")?;
    let slot = if slot.trim().is_empty() {
        now_slot
    } else {
        Slot::parse(slot.trim())
            .ok_or(yizhan_core::validate::Invalid::BadFormat { hint: "am" })
            .on("slot")?
    };
    let check = validate_health_check(input)?;
    Ok(health::record(&state.db, &Actor::from(ctx.user()?), stay_id, day, slot, &check).await?)
}

/// `POST /stays/{id}/health`.
pub async fn record(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Id(id): Id,
    FormBody(pairs): FormBody<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let f = RecordForm::from_pairs(pairs);
    let s = visible_stay(&state, &ctx, id, Permission::HealthRecord).await?;
    let input = HealthCheckInput {
        temperature: f.temperature.clone(),
        symptoms: f.symptoms.clone(),
        note: f.note.clone(),
    };
    let result = record_reading(&state, &ctx, id, &f.day, &f.slot, &input).await;
    let htmx = headers.contains_key("hx-request");
    if !htmx {
        return match result {
            Ok(_) => Ok(Redirect::to(&format!(
                "/stations/{}/round?day={}&slot={}",
                s.station_id, f.day, f.slot
            ))
            .into_response()),
            Err(e) => Err(e),
        };
    }
    // htmx: answer with the row itself, saved or showing what is wrong.
    let tr = ctx.tr();
    let q = RoundQuery { floor: None, slot: Some(f.slot.clone()), day: Some(f.day.clone()) };
    let (day, slot) = pick_slot(&state, &q);
    let mut row = round_rows(&state, &tr, s.station_id, None, day, slot)
        .await?
        .into_iter()
        .find(|r| r.stay_id == id)
        .ok_or(WebError::NotFound)?;
    match result {
        Err(e) if !e.is_correctable() => return Err(e),
        Err(e) => row.error = Some(e.message(&tr)),
        Ok(_) => {
            if let (Some((_, word)), Some(v)) = (&row.sign, &row.reading) {
                let args = [("room", row.room.as_str()), ("sign", word.as_str()), ("reading", v)];
                row.toast = Some(tr.f("health.toast_sign", &args));
            }
        }
    }
    let frag = RowFragment {
        layout: Layout::new(&state, &ctx, "health.round"),
        r: row,
        day,
        slot: slot.as_str(),
        symptoms: symptom_options(&tr),
    };
    Ok(Html(frag.render()?).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn an_alerts_detail_says_symptoms_in_words() {
        let zh = Tr::new(Lang::Zh);
        assert_eq!(detail_words("38.0 cough,sore_throat", &zh), "38.0℃ 咳嗽、咽痛");
        assert_eq!(detail_words("37.1 cough", &zh), "37.1℃ 咳嗽");
        assert_eq!(detail_words("38.5", &zh), "38.5℃");
        assert_eq!(detail_words("第 3 天", &zh), "第 3 天", "a bare number is not a reading");
        // Free text stays as written, commas and all.
        assert_eq!(detail_words("第 3 天核酸 阳性,复核", &zh), "第 3 天核酸 阳性,复核");
        assert_eq!(detail_words("", &zh), "");
        let en = Tr::new(Lang::En);
        assert_eq!(detail_words("38.0 cough", &en), format!("38.0℃ {}", en.t("symptom.cough")));
    }
}
