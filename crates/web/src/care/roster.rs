//! The duty roster (排班) of a station: a week per group, who is on duty now, generation and
//! swaps checked against the rules, requested days off, print and .xlsx; and the handovers
//! (交接班) between shifts.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use yizhan_core::access::{Actor, Permission};
use yizhan_core::care::roster::{Assignment, Conflict, Pattern, on_duty};
use yizhan_core::error::OnField;
use yizhan_core::validate::{parse_int, parse_optional_date};
use yizhan_store::care::roster::{self, Shift};
use yizhan_store::care::staff::{self, Group, Staff};
use yizhan_store::station::stations::Station;

use crate::auth::Ctx;
use crate::care::staff::visible_group;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::export::{self, Cell};
use crate::kit::extract::{FormBody, Id, Query, RawBody, json_form};
use crate::kit::layout::Layout;
use crate::kit::render;
use crate::kit::today;
use crate::state::AppState;
use crate::station::stations::visible;

/// Local (China) wall-clock time now.
pub fn local_now() -> NaiveDateTime {
    yizhan_core::time::local_naive(yizhan_store::db::now())
}

/// "夜班 00:00–08:00".
pub fn shift_label(tr: &Tr, pattern: Pattern, shift: u8) -> String {
    match pattern.shift(shift) {
        Some(d) => {
            let end = (d.start_minute + d.minutes) % (24 * 60);
            format!(
                "{} {:02}:{:02}–{:02}:{:02}",
                tr.t(&format!("roster.shift.{}", d.key)),
                d.start_minute / 60,
                d.start_minute % 60,
                end / 60,
                end % 60
            )
        }
        None => shift.to_string(),
    }
}

/// One sentence per conflict, naming the date, shift and person.
pub fn describe(tr: &Tr, pattern: Pattern, names: &[Staff], c: &Conflict) -> String {
    let name = |id: i64| {
        names.iter().find(|s| s.id == id).map(|s| s.name.clone()).unwrap_or_else(|| id.to_string())
    };
    let date = c.date().format("%m-%d").to_string();
    let shift = c.shift().map(|s| shift_label(tr, pattern, s)).unwrap_or_default();
    let person = c.member().map(name).unwrap_or_default();
    let n = |v: u32| v.to_string();
    let (key, extra): (&str, Vec<(&str, String)>) = match c {
        Conflict::Understaffed { have, need, .. } => {
            ("roster.conflict.understaffed", vec![("have", n(*have)), ("need", n(*need))])
        }
        Conflict::ShortRest { rest_hours, .. } => {
            ("roster.conflict.short_rest", vec![("hours", n(*rest_hours))])
        }
        Conflict::TooManyNights { nights, .. } => {
            ("roster.conflict.too_many_nights", vec![("count", n(*nights))])
        }
        Conflict::TooManyWorkDays { days, .. } => {
            ("roster.conflict.too_many_work_days", vec![("count", n(*days))])
        }
        Conflict::OnDayOff { .. } => ("roster.conflict.on_day_off", vec![]),
        Conflict::DoubleBooked { .. } => ("roster.conflict.double_booked", vec![]),
        Conflict::NotMember { .. } => ("roster.conflict.not_member", vec![]),
    };
    let mut args: Vec<(&str, &str)> = vec![("date", &date), ("shift", &shift), ("name", &person)];
    args.extend(extra.iter().map(|(k, v)| (*k, v.as_str())));
    tr.f(key, &args)
}

pub struct DayRow {
    pub date: String,
    pub today: bool,
    pub cells: Vec<String>,
}

pub struct GroupView {
    pub g: Group,
    pub pattern: String,
    pub shift_labels: Vec<(u8, String)>,
    pub days: Vec<DayRow>,
    pub on_duty: Vec<String>,
    pub members: Vec<Staff>,
    pub conflicts: Vec<String>,
    pub needed: u32,
}

#[derive(Template)]
#[template(path = "roster/show.html")]
struct ShowPage {
    layout: Layout,
    station: Station,
    from: NaiveDate,
    prev: NaiveDate,
    next: NaiveDate,
    groups: Vec<GroupView>,
    /// The group shown, `None` for all of them.
    shown: Option<i64>,
    /// What the week links carry to keep the choice of group.
    group_param: String,
    can_manage: bool,
    can_hand_over: bool,
    error: Option<String>,
    days_off: Vec<roster::DayOff>,
    handovers: Vec<crate::care::handovers::HandoverView>,
    now_label: String,
}

impl ShowPage {
    fn is_shown(&self, id: &i64) -> bool {
        self.shown == Some(*id)
    }
}

#[derive(Deserialize, Default)]
pub struct WeekQuery {
    from: Option<String>,
    /// A group's id, or `all`; blank: the first group.
    group: Option<String>,
}

/// Which groups the page shows: one at a time (a phone reads one group's week, not eleven), or
/// all of them (to print).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupChoice {
    First,
    One(i64),
    All,
}

impl GroupChoice {
    fn of(q: &WeekQuery) -> GroupChoice {
        match q.group.as_deref().map(str::trim) {
            Some("all") => GroupChoice::All,
            Some(id) => id.parse().map(GroupChoice::One).unwrap_or(GroupChoice::First),
            None => GroupChoice::First,
        }
    }
}

const WEEK: i64 = 7;

/// The groups of a station with their week from `from` and who is on duty now.
pub async fn group_views(
    state: &AppState,
    tr: &Tr,
    station_id: i64,
    from: NaiveDate,
) -> Result<Vec<GroupView>, WebError> {
    let groups = staff::groups(&state.db, station_id).await?;
    let people = staff::list(&state.db, station_id).await?;
    let now = local_now();
    // The night shift that started yesterday may still be running.
    let shifts = roster::of_station(
        &state.db,
        station_id,
        from.min(now.date() - Duration::days(1)),
        from.max(now.date()) + Duration::days(WEEK),
    )
    .await?;
    Ok(groups
        .into_iter()
        .map(|g| {
            let pattern = g.pattern();
            let mine: Vec<&Shift> = shifts.iter().filter(|s| s.group_id == g.id).collect();
            let assignments: Vec<Assignment> = mine.iter().map(|s| s.assignment()).collect();
            let name_of = |id: i64| {
                mine.iter()
                    .find(|s| s.staff_id == id)
                    .map(|s| s.staff_name.clone())
                    .unwrap_or_default()
            };
            let on_duty = on_duty(pattern, &assignments, now)
                .into_iter()
                .map(|a| name_of(a.member))
                .collect();
            let days = (0..WEEK)
                .map(|d| {
                    let date = from + Duration::days(d);
                    DayRow {
                        today: date == now.date(),
                        date: format!(
                            "{} {}",
                            date.format("%m-%d"),
                            tr.t(&format!(
                                "roster.weekday.{}",
                                chrono::Datelike::weekday(&date).number_from_monday()
                            ))
                        ),
                        cells: (0..pattern.shifts().len() as u8)
                            .map(|s| {
                                mine.iter()
                                    .filter(|x| x.day == date && x.shift == i64::from(s))
                                    .map(|x| x.staff_name.as_str())
                                    .collect::<Vec<_>>()
                                    .join("、")
                            })
                            .collect(),
                    }
                })
                .collect();
            GroupView {
                pattern: tr.t(pattern.label_key()).to_owned(),
                shift_labels: (0..pattern.shifts().len() as u8)
                    .map(|s| (s, shift_label(tr, pattern, s)))
                    .collect(),
                members: people.iter().filter(|p| p.group_id == Some(g.id)).cloned().collect(),
                needed: yizhan_core::care::roster::min_members(
                    pattern,
                    yizhan_core::care::roster::Rules::default(),
                    u32::try_from(g.min_per_shift).unwrap_or(1),
                ),
                days,
                on_duty,
                conflicts: Vec::new(),
                g,
            }
        })
        .collect())
}

fn week_start(q: &WeekQuery) -> Result<NaiveDate, WebError> {
    Ok(parse_optional_date(q.from.as_deref().unwrap_or("")).on("from")?.unwrap_or_else(today))
}

async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    station: Station,
    from: NaiveDate,
    choice: GroupChoice,
    refused: Option<(i64, Vec<String>)>,
    error: Option<&WebError>,
) -> Result<ShowPage, WebError> {
    let tr = ctx.tr();
    let p = ctx.user()?;
    let mut groups = group_views(state, &tr, station.id, from).await?;
    let choice = match &refused {
        Some((gid, _)) => GroupChoice::One(*gid),
        None => choice,
    };
    if let Some((gid, list)) = refused
        && let Some(g) = groups.iter_mut().find(|g| g.g.id == gid)
    {
        g.conflicts = list;
    }
    let shown = match choice {
        GroupChoice::All => None,
        GroupChoice::One(id) if groups.iter().any(|g| g.g.id == id) => Some(id),
        _ => groups.first().map(|g| g.g.id),
    };
    Ok(ShowPage {
        group_param: match shown {
            None => "all".to_owned(),
            Some(id) => id.to_string(),
        },
        shown,
        layout: Layout::new(state, ctx, "roster.title"),
        prev: from - Duration::days(WEEK),
        next: from + Duration::days(WEEK),
        from,
        groups,
        can_manage: p.can(Permission::StaffManage, station.target()),
        can_hand_over: p.can(Permission::DutyRecord, station.target()),
        error: error.map(|e| e.message(&tr)),
        days_off: roster::days_off(&state.db, station.id, today()).await?,
        handovers: crate::care::handovers::views(state, &tr, station.id).await?,
        now_label: local_now().format("%Y-%m-%d %H:%M").to_string(),
        station,
    })
}

/// `GET /stations/{id}/roster`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(q): Query<WeekQuery>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::StaffRead).await?;
    let from = week_start(&q)?;
    render::page(&show_page(&state, &ctx, station, from, GroupChoice::of(&q), None, None).await?)
}

#[derive(Deserialize, Default)]
pub struct GenerateForm {
    #[serde(default)]
    from: String,
    #[serde(default)]
    days: String,
}

/// Why a roster change was refused, for the page and the API.
pub enum Outcome {
    Done,
    Refused(Vec<String>),
}

async fn generate_for(
    state: &AppState,
    ctx: &Ctx,
    g: &Group,
    f: &GenerateForm,
) -> Result<Outcome, WebError> {
    let from = parse_optional_date(&f.from).on("from")?.unwrap_or_else(today);
    let days =
        parse_int(&f.days, 1, i64::from(yizhan_core::care::roster::MAX_DAYS), "7").on("days")?;
    let plan =
        roster::regenerate(&state.db, &Actor::from(ctx.user()?), g, from, days as u32).await?;
    Ok(match plan {
        Ok(_) => Outcome::Done,
        Err(conflicts) => {
            let tr = ctx.tr();
            let names = staff::list(&state.db, g.station_id).await?;
            let mut list: Vec<String> = vec![
                tr.f(
                    "roster.needs_people",
                    &[
                        ("group", &g.name),
                        ("have", &g.members.to_string()),
                        (
                            "need",
                            &yizhan_core::care::roster::min_members(
                                g.pattern(),
                                Default::default(),
                                g.min_per_shift as u32,
                            )
                            .to_string(),
                        ),
                    ],
                ),
            ];
            list.extend(conflicts.iter().take(20).map(|c| describe(&tr, g.pattern(), &names, c)));
            if conflicts.len() > 20 {
                list.push(
                    tr.f(
                        "roster.more_conflicts",
                        &[("count", &(conflicts.len() - 20).to_string())],
                    ),
                );
            }
            Outcome::Refused(list)
        }
    })
}

async fn answer(
    state: &AppState,
    ctx: &Ctx,
    g: &Group,
    from: NaiveDate,
    outcome: Result<Outcome, WebError>,
) -> Result<Response, WebError> {
    let station = yizhan_store::station::stations::get(&state.db, g.station_id).await?;
    match outcome {
        Ok(Outcome::Done) => Ok(Redirect::to(&format!(
            "/stations/{}/roster?from={from}&group={}",
            g.station_id, g.id
        ))
        .into_response()),
        Ok(Outcome::Refused(list)) => {
            let e = WebError::Rule { field: None, key: "roster.refused" };
            let one = GroupChoice::One(g.id);
            let page =
                show_page(state, ctx, station, from, one, Some((g.id, list)), Some(&e)).await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) if e.is_correctable() => {
            let one = GroupChoice::One(g.id);
            let page = show_page(state, ctx, station, from, one, None, Some(&e)).await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `POST /groups/{id}/roster`.
pub async fn generate(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<GenerateForm>,
) -> Result<Response, WebError> {
    let g = visible_group(&state, &ctx, id, Permission::StaffManage).await?;
    let from = parse_optional_date(&f.from).ok().flatten().unwrap_or_else(today);
    let outcome = generate_for(&state, &ctx, &g, &f).await;
    answer(&state, &ctx, &g, from, outcome).await
}

#[derive(Deserialize, Default)]
pub struct SwapForm {
    #[serde(default)]
    day: String,
    #[serde(default)]
    shift: String,
    #[serde(default)]
    out: String,
    #[serde(default, rename = "in")]
    member_in: String,
}

async fn swap_for(
    state: &AppState,
    ctx: &Ctx,
    g: &Group,
    f: &SwapForm,
) -> Result<Outcome, WebError> {
    let day = parse_optional_date(&f.day)
        .on("day")?
        .ok_or(WebError::Rule { field: Some("day".into()), key: "error.required" })?;
    let shift = parse_int(&f.shift, 0, g.pattern().shifts().len() as i64 - 1, "0").on("shift")?;
    let out = parse_int(&f.out, 1, i64::MAX, "1").on("out")?;
    let member_in = parse_int(&f.member_in, 1, i64::MAX, "1").on("in")?;
    let a = Assignment { member: out, date: day, shift: shift as u8 };
    Ok(match roster::swap(&state.db, &Actor::from(ctx.user()?), g, a, member_in).await? {
        Ok(()) => Outcome::Done,
        Err(conflicts) if conflicts.is_empty() => {
            return Err(WebError::Rule { field: Some("out".into()), key: "roster.not_on_shift" });
        }
        Err(conflicts) => {
            let tr = ctx.tr();
            let names = staff::list(&state.db, g.station_id).await?;
            Outcome::Refused(
                conflicts.iter().map(|c| describe(&tr, g.pattern(), &names, c)).collect(),
            )
        }
    })
}

/// `POST /groups/{id}/roster/swap`.
pub async fn swap(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<SwapForm>,
) -> Result<Response, WebError> {
    let g = visible_group(&state, &ctx, id, Permission::StaffManage).await?;
    let from = parse_optional_date(&f.day).ok().flatten().unwrap_or_else(today);
    let outcome = swap_for(&state, &ctx, &g, &f).await;
    answer(&state, &ctx, &g, from, outcome).await
}

#[derive(Deserialize, Default)]
pub struct DayOffForm {
    #[serde(default)]
    staff_id: String,
    #[serde(default)]
    day: String,
}

/// `POST /stations/{id}/days-off`.
pub async fn add_day_off(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<DayOffForm>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::StaffManage).await?;
    let result = async {
        let staff_id = parse_int(&f.staff_id, 1, i64::MAX, "1").on("staff_id")?;
        let day = parse_optional_date(&f.day)
            .on("day")?
            .ok_or(WebError::Rule { field: Some("day".into()), key: "error.required" })?;
        let s = staff::get(&state.db, staff_id).await.map_err(|_| WebError::Rule {
            field: Some("staff_id".into()),
            key: "error.staff_not_in_station",
        })?;
        if s.station_id != id {
            return Err(WebError::Rule {
                field: Some("staff_id".into()),
                key: "error.staff_not_in_station",
            });
        }
        roster::add_day_off(&state.db, &Actor::from(ctx.user()?), staff_id, day).await?;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/stations/{id}/roster")).into_response()),
        Err(e) if e.is_correctable() => {
            let first = GroupChoice::First;
            let page = show_page(&state, &ctx, station, today(), first, None, Some(&e)).await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `GET /stations/{id}/roster/export.xlsx`.
/// The week as .xlsx: one row per group, day and shift.
pub async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(q): Query<WeekQuery>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::StaffRead).await?;
    let from = week_start(&q)?;
    let tr = ctx.tr();
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for g in group_views(&state, &tr, id, from).await? {
        for (d, day) in g.days.iter().enumerate() {
            for (s, label) in &g.shift_labels {
                rows.push(vec![
                    Cell::from(g.g.name.clone()),
                    Cell::from((from + Duration::days(d as i64)).to_string()),
                    Cell::from(label.clone()),
                    Cell::from(day.cells[*s as usize].clone()),
                ]);
            }
        }
    }
    let headers = ["staff.group", "roster.date", "roster.shift", "roster.people"].map(|k| tr.t(k));
    export::xlsx(
        &format!("{}-{}-{from}", station.name, tr.t("roster.title")),
        tr.t("roster.title"),
        &headers,
        &rows,
    )
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct ApiGroup {
    pub id: i64,
    pub name: String,
    pub pattern: &'static str,
    pub on_duty: Vec<String>,
    pub shifts: Vec<ApiShift>,
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct ApiShift {
    pub day: NaiveDate,
    pub shift: u8,
    pub label: String,
    pub staff: Vec<String>,
}

/// `GET /api/v1/stations/{id}/roster?from=`: a week per group and who is on duty now.
pub async fn api_show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(q): Query<WeekQuery>,
) -> Result<Json<Vec<ApiGroup>>, WebError> {
    visible(&state, &ctx, id, Permission::StaffRead).await?;
    let from = week_start(&q)?;
    let tr = ctx.tr();
    let views = group_views(&state, &tr, id, from).await?;
    Ok(Json(
        views
            .into_iter()
            .map(|g| ApiGroup {
                shifts: g
                    .days
                    .iter()
                    .enumerate()
                    .flat_map(|(d, row)| {
                        g.shift_labels.iter().map(move |(s, label)| ApiShift {
                            day: from + Duration::days(d as i64),
                            shift: *s,
                            label: label.clone(),
                            staff: row.cells[*s as usize]
                                .split('、')
                                .filter(|n| !n.is_empty())
                                .map(str::to_owned)
                                .collect(),
                        })
                    })
                    .collect(),
                id: g.g.id,
                name: g.g.name.clone(),
                pattern: g.g.pattern().as_str(),
                on_duty: g.on_duty,
            })
            .collect(),
    ))
}

/// The rota was written (a refusal is a 422 naming every conflict).
#[derive(Serialize, schemars::JsonSchema)]
pub struct Generated {
    ok: bool,
}

/// `POST /api/v1/groups/{id}/roster` {from, days}: 200, or 422 with every conflict named.
pub async fn api_generate(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Response, WebError> {
    let g = visible_group(&state, &ctx, id, Permission::StaffManage).await?;
    let f: GenerateForm = json_form(&body)?;
    match generate_for(&state, &ctx, &g, &f).await? {
        Outcome::Done => Ok(Json(Generated { ok: true }).into_response()),
        Outcome::Refused(list) => Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            Json(serde_json::json!({ "error": { "code": "rule", "key": "roster.refused", "message": ctx.tr().t("roster.refused"), "conflicts": list } })),
        )
            .into_response()),
    }
}
