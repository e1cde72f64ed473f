//! Working groups (工作组), the command team (专班) and the station's staff with their
//! closed-loop status. Phones are masked like every other personal number.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use yizhan_core::access::{Actor, Permission};
use yizhan_core::care::roster::Pattern;
use yizhan_core::care::staff::{
    GroupInput, LoopStatus, PostRisk, StaffInput, validate_group, validate_staff,
};
use yizhan_core::mask::mask_phone;
use yizhan_store::care::staff::{self, Group, Staff};
use yizhan_store::station::stations::Station;

use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::export::{self, Cell};
use crate::kit::extract::{FormBody, Id};
use crate::kit::layout::Layout;
use crate::kit::listing::{ListQuery, Listing, Order, listing};
use crate::kit::options;
use crate::kit::render;
use crate::kit::today;
use crate::policy::require;
use crate::state::AppState;
use crate::station::stations::visible;

/// A staff member the user may act on with `perm`, or 404.
pub async fn visible_staff(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    perm: Permission,
) -> Result<Staff, WebError> {
    let s = staff::get(&state.db, id).await?;
    require(state, ctx, perm, s.target(), format!("staff {id}")).await?;
    Ok(s)
}

/// A working group the user may act on with `perm`, or 404.
pub async fn visible_group(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    perm: Permission,
) -> Result<Group, WebError> {
    let g = staff::group(&state.db, id).await?;
    require(state, ctx, perm, g.target(), format!("group {id}")).await?;
    Ok(g)
}

pub struct StaffRow {
    pub s: Staff,
    pub phone: String,
    pub risk: String,
    pub loop_label: String,
    /// In home quarantine (an exposure measure) until this day.
    pub quarantined: bool,
    pub group: String,
    pub is_leader: bool,
}

fn rows(tr: &Tr, groups: &[Group], people: Vec<Staff>) -> Vec<StaffRow> {
    people
        .into_iter()
        .map(|s| StaffRow {
            phone: mask_phone(&s.phone),
            risk: tr.t(s.post_risk.label_key()).to_owned(),
            quarantined: s.quarantined_until.is_some_and(|d| d >= crate::kit::today()),
            loop_label: match s.quarantined_until.filter(|d| *d >= crate::kit::today()) {
                Some(d) => tr.f("staff.quarantined_until", &[("day", &d.to_string())]),
                None => tr.t(s.loop_status.label_key()).to_owned(),
            },
            group: s.group_name.clone().unwrap_or_default(),
            is_leader: groups.iter().any(|g| g.leader_id == Some(s.id)),
            s,
        })
        .collect()
}

/// The columns the staff can be sorted by.
const ORDERS: &[Order<StaffRow>] = &[
    ("name", |a, b| a.s.name.cmp(&b.s.name)),
    ("group", |a, b| a.group.cmp(&b.group)),
    ("organisation", |a, b| a.s.organisation.cmp(&b.s.organisation)),
    ("loop", |a, b| a.loop_label.cmp(&b.loop_label)),
];

pub struct GroupRow {
    pub g: Group,
    pub pattern: String,
    pub leader: String,
}

#[derive(Template)]
#[template(path = "staff/list.html")]
struct ListPage {
    layout: Layout,
    station: Station,
    groups: Vec<GroupRow>,
    /// A page of the staff, searched by name, group, post or organisation.
    list: Listing<StaffRow>,
    can_manage: bool,
    group_form: GroupInput,
    staff_form: StaffInput,
    error: Option<String>,
    patterns: Vec<(&'static str, String)>,
    risks: Vec<(&'static str, String)>,
    loops: Vec<(&'static str, String)>,
    in_loop: usize,
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    station: Station,
    group_form: GroupInput,
    staff_form: StaffInput,
    error: Option<&WebError>,
    query: &ListQuery,
) -> Result<ListPage, WebError> {
    let tr = ctx.tr();
    let groups = staff::groups(&state.db, station.id).await?;
    let people = staff::list(&state.db, station.id).await?;
    let staff = rows(&tr, &groups, people);
    let groups = groups
        .into_iter()
        .map(|g| GroupRow {
            pattern: tr.t(g.pattern().label_key()).to_owned(),
            leader: staff
                .iter()
                .find(|r| Some(r.s.id) == g.leader_id)
                .map(|r| r.s.name.clone())
                .unwrap_or_default(),
            g,
        })
        .collect();
    let in_loop = staff.iter().filter(|r| r.s.loop_status == "in_loop").count();
    let path = format!("/stations/{}/staff", station.id);
    let list = listing(
        &tr,
        &path,
        &[],
        query,
        staff,
        |r| {
            let mut t = vec![r.s.name.as_str(), r.group.as_str(), r.s.organisation.as_str()];
            t.extend(r.s.post.as_deref());
            t
        },
        ORDERS,
    )?;
    Ok(ListPage {
        layout: Layout::new(state, ctx, "staff.title"),
        can_manage: ctx.user()?.can(Permission::StaffManage, station.target()),
        in_loop,
        station,
        groups,
        list,
        group_form,
        staff_form,
        error: error.map(|e| e.message(&tr)),
        patterns: options(&tr, &Pattern::ALL, Pattern::as_str, Pattern::label_key),
        risks: options(&tr, &PostRisk::ALL, PostRisk::as_str, PostRisk::label_key),
        loops: options(&tr, &LoopStatus::ALL, LoopStatus::as_str, LoopStatus::label_key),
    })
}

fn new_staff_defaults() -> StaffInput {
    StaffInput {
        post_risk: "high".into(),
        loop_status: "in_loop".into(),
        loop_start: crate::kit::today().to_string(),
        ..Default::default()
    }
}

fn new_group_defaults() -> GroupInput {
    GroupInput { pattern: "two_twelves".into(), min_per_shift: "1".into(), ..Default::default() }
}

/// `GET /stations/{id}/staff`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::StaffRead).await?;
    let page =
        list_page(&state, &ctx, station, new_group_defaults(), new_staff_defaults(), None, &query)
            .await?;
    render::page(&page)
}

/// Re-shows the list with the input kept and the message, for errors the person can fix.
async fn correctable(
    state: &AppState,
    ctx: &Ctx,
    station: Station,
    group_form: GroupInput,
    staff_form: StaffInput,
    e: WebError,
) -> Result<Response, WebError> {
    if !e.is_correctable() {
        return Err(e);
    }
    let page =
        list_page(state, ctx, station, group_form, staff_form, Some(&e), &ListQuery::default())
            .await?;
    Ok((e.status(), render::page(&page)?).into_response())
}

/// `POST /stations/{id}/groups`.
pub async fn create_group(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<GroupInput>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::StaffManage).await?;
    let result = async {
        let g = validate_group(&f)?;
        Ok::<_, WebError>(staff::create_group(&state.db, &Actor::from(ctx.user()?), id, &g).await?)
    }
    .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/stations/{id}/staff")).into_response()),
        Err(e) => correctable(&state, &ctx, station, f, new_staff_defaults(), e).await,
    }
}

/// `POST /groups/{id}`: a group's name, pattern, minimum, duties and floors changed.
pub async fn update_group(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<GroupInput>,
) -> Result<Response, WebError> {
    let g = visible_group(&state, &ctx, id, Permission::StaffManage).await?;
    let result = async {
        let new = validate_group(&f)?;
        let actor = Actor::from(ctx.user()?);
        Ok::<_, WebError>(staff::update_group(&state.db, &actor, id, &new).await?)
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/stations/{}/staff", g.station_id)).into_response()),
        Err(e) => {
            let station = visible(&state, &ctx, g.station_id, Permission::StaffRead).await?;
            let (group, people) = (new_group_defaults(), new_staff_defaults());
            correctable(&state, &ctx, station, group, people, e).await
        }
    }
}

/// The group a form names must belong to the same station.
async fn check_group(
    state: &AppState,
    station_id: i64,
    group_id: Option<i64>,
) -> Result<(), WebError> {
    if let Some(g) = group_id {
        let ok =
            staff::group(&state.db, g).await.map(|g| g.station_id == station_id).unwrap_or(false);
        if !ok {
            return Err(WebError::Rule {
                field: Some("group_id".into()),
                key: "error.group_not_in_station",
            });
        }
    }
    Ok(())
}

/// `POST /stations/{id}/staff`.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<StaffInput>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::StaffManage).await?;
    let result = async {
        let s = validate_staff(&f, today()).map_err(WebError::of_person)?;
        check_group(&state, id, s.group_id).await?;
        Ok::<_, WebError>(staff::create(&state.db, &Actor::from(ctx.user()?), id, &s).await?)
    }
    .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/stations/{id}/staff")).into_response()),
        Err(e) => correctable(&state, &ctx, station, new_group_defaults(), f, e).await,
    }
}

#[derive(Template)]
#[template(path = "staff/edit.html")]
struct EditPage {
    layout: Layout,
    s: Staff,
    f: StaffInput,
    groups: Vec<Group>,
    risks: Vec<(&'static str, String)>,
    loops: Vec<(&'static str, String)>,
    error: Option<String>,
}

fn input_of(s: &Staff) -> StaffInput {
    let d = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    StaffInput {
        name: s.name.clone(),
        phone: s.phone.clone(),
        group_id: s.group_id.map(|g| g.to_string()).unwrap_or_default(),
        post: s.post.clone().unwrap_or_default(),
        organisation: s.organisation.clone(),
        post_risk: s.post_risk.to_string(),
        loop_status: s.loop_status.to_string(),
        loop_start: d(s.loop_start),
        loop_end: d(s.loop_end),
        monitor_until: d(s.monitor_until),
    }
}

async fn edit_page(
    state: &AppState,
    ctx: &Ctx,
    s: Staff,
    f: StaffInput,
    e: Option<&WebError>,
) -> Result<EditPage, WebError> {
    let tr = ctx.tr();
    Ok(EditPage {
        layout: Layout::new(state, ctx, "staff.edit"),
        groups: staff::groups(&state.db, s.station_id).await?,
        risks: options(&tr, &PostRisk::ALL, PostRisk::as_str, PostRisk::label_key),
        loops: options(&tr, &LoopStatus::ALL, LoopStatus::as_str, LoopStatus::label_key),
        error: e.map(|e| e.message(&tr)),
        s,
        f,
    })
}

/// `GET /staff/{id}/edit`.
pub async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let s = visible_staff(&state, &ctx, id, Permission::StaffManage).await?;
    let f = input_of(&s);
    render::page(&edit_page(&state, &ctx, s, f, None).await?)
}

/// `POST /staff/{id}`.
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<StaffInput>,
) -> Result<Response, WebError> {
    let s = visible_staff(&state, &ctx, id, Permission::StaffManage).await?;
    let result = async {
        let new = validate_staff(&f, today()).map_err(WebError::of_person)?;
        check_group(&state, s.station_id, new.group_id).await?;
        Ok::<_, WebError>(staff::update(&state.db, &Actor::from(ctx.user()?), id, &new).await?)
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/stations/{}/staff", s.station_id)).into_response()),
        Err(e) if e.is_correctable() => {
            let page = edit_page(&state, &ctx, s, f, Some(&e)).await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `POST /staff/{id}/leader`.
/// Makes this person the leader (组长) of their own group.
pub async fn make_leader(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let s = visible_staff(&state, &ctx, id, Permission::StaffManage).await?;
    let Some(group_id) = s.group_id else {
        return Err(WebError::Rule {
            field: Some("group_id".into()),
            key: "error.leader_needs_group",
        });
    };
    staff::set_leader(&state.db, &Actor::from(ctx.user()?), group_id, id).await?;
    Ok(Redirect::to(&format!("/stations/{}/staff", s.station_id)).into_response())
}

/// `GET /stations/{id}/staff/export.xlsx`.
/// The staff list as .xlsx, phones masked.
pub async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::StaffRead).await?;
    let tr = ctx.tr();
    let groups = staff::groups(&state.db, id).await?;
    let people = rows(&tr, &groups, staff::list(&state.db, id).await?);
    let d = |d: Option<chrono::NaiveDate>| Cell::from(d.map(|d| d.to_string()).unwrap_or_default());
    let data: Vec<Vec<Cell>> = people
        .into_iter()
        .map(|r| {
            vec![
                Cell::from(r.s.name.clone()),
                Cell::from(r.phone),
                Cell::from(r.group),
                Cell::from(if r.is_leader {
                    tr.t("staff.leader").to_owned()
                } else {
                    String::new()
                }),
                Cell::from(r.s.post.clone().unwrap_or_default()),
                Cell::from(r.s.organisation.clone()),
                Cell::from(r.risk),
                Cell::from(r.loop_label),
                d(r.s.loop_start),
                d(r.s.loop_end),
                d(r.s.monitor_until),
            ]
        })
        .collect();
    export::station_list(
        &tr,
        &station.name,
        "staff.title",
        &[
            "field.name",
            "field.phone",
            "staff.group",
            "staff.leader",
            "staff.post",
            "staff.organisation",
            "staff.post_risk",
            "staff.loop_status",
            "staff.loop_start",
            "staff.loop_end",
            "staff.monitor_until",
        ],
        &data,
    )
}
