//! Special task groups (专责小组) of the district command: their tasks, owners, due days and
//! status, overdue ones in red; .xlsx per group.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use yizhan_core::access::{Actor, Permission};
use yizhan_core::command::task_group::{
    GroupInput, StatusInput, TaskInput, TaskStatus, is_overdue, validate_group, validate_status,
    validate_task,
};
use yizhan_store::command::task_groups::{self, Group, Task};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::kit::export::{self, Cell};
use crate::kit::extract::{FormBody, Id};
use crate::kit::layout::Layout;
use crate::kit::options;
use crate::kit::render;
use crate::kit::today;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "task_groups/list.html")]
struct ListPage {
    layout: Layout,
    groups: Vec<Group>,
    can_manage: bool,
    f: GroupInput,
    error: Option<String>,
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    f: GroupInput,
    e: Option<&WebError>,
) -> Result<ListPage, WebError> {
    Ok(ListPage {
        layout: Layout::new(state, ctx, "task_group.title"),
        groups: task_groups::list(&state.db).await?,
        can_manage: ctx.user()?.has(Permission::TaskGroupsManage),
        f,
        error: e.map(|e| e.message(&ctx.tr())),
    })
}

/// `GET /task-groups`.
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    render::page(&list_page(&state, &ctx, GroupInput::default(), None).await?)
}

/// `POST /task-groups`.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    FormBody(f): FormBody<GroupInput>,
) -> Result<Response, WebError> {
    let result = async {
        let g = validate_group(&f)?;
        Ok::<_, WebError>(task_groups::create(&state.db, &Actor::from(ctx.user()?), &g).await?)
    }
    .await;
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/task-groups/{id}")).into_response()),
        Err(e) if e.is_correctable() => {
            let page = list_page(&state, &ctx, f, Some(&e)).await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

pub struct TaskRow {
    pub t: Task,
    pub status: String,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "task_groups/show.html")]
struct ShowPage {
    layout: Layout,
    g: Group,
    rows: Vec<TaskRow>,
    statuses: Vec<(&'static str, String)>,
    can_manage: bool,
    f: TaskInput,
    error: Option<String>,
}

async fn rows(state: &AppState, ctx: &Ctx, group: i64) -> Result<Vec<TaskRow>, WebError> {
    let tr = ctx.tr();
    let today = today();
    Ok(task_groups::tasks(&state.db, group)
        .await?
        .into_iter()
        .map(|t| {
            let s = t.status;
            TaskRow {
                status: tr.t(s.label_key()).to_owned(),
                overdue: is_overdue(s, t.due_on, today),
                t,
            }
        })
        .collect())
}

async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    f: TaskInput,
    e: Option<&WebError>,
) -> Result<ShowPage, WebError> {
    let tr = ctx.tr();
    Ok(ShowPage {
        layout: Layout::new(state, ctx, "task_group.title"),
        g: task_groups::get(&state.db, id).await?,
        rows: rows(state, ctx, id).await?,
        statuses: options(&tr, TaskStatus::ALL, TaskStatus::as_str, TaskStatus::label_key),
        can_manage: ctx.user()?.has(Permission::TaskGroupsManage),
        f,
        error: e.map(|e| e.message(&tr)),
    })
}

/// `GET /task-groups/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    render::page(&show_page(&state, &ctx, id, TaskInput::default(), None).await?)
}

/// `POST /task-groups/{id}/tasks`.
pub async fn add_task(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<TaskInput>,
) -> Result<Response, WebError> {
    task_groups::get(&state.db, id).await?;
    let result = async {
        let t = validate_task(&f, today())?;
        Ok::<_, WebError>(
            task_groups::add_task(&state.db, &Actor::from(ctx.user()?), id, &t).await?,
        )
    }
    .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/task-groups/{id}")).into_response()),
        Err(e) if e.is_correctable() => {
            let page = show_page(&state, &ctx, id, f, Some(&e)).await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `POST /tasks/{id}/status`.
pub async fn set_status(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<StatusInput>,
) -> Result<Response, WebError> {
    let task = task_groups::get_task(&state.db, id).await?;
    let result = async {
        let (status, note) = validate_status(&f)?;
        task_groups::set_status(&state.db, &Actor::from(ctx.user()?), id, status, note.as_deref())
            .await?;
        Ok::<_, WebError>(())
    }
    .await;
    match result {
        Ok(()) => {
            Ok(Redirect::to(&format!("/task-groups/{}#task-{id}", task.group_id)).into_response())
        }
        Err(e) if e.is_correctable() => {
            let page =
                show_page(&state, &ctx, task.group_id, TaskInput::default(), Some(&e)).await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `GET /task-groups/{id}/export.xlsx`.
pub async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let g = task_groups::get(&state.db, id).await?;
    let tr = ctx.tr();
    let yes = tr.t("common.yes").to_owned();
    let data: Vec<Vec<Cell>> = rows(&state, &ctx, id)
        .await?
        .into_iter()
        .map(|r| {
            vec![
                Cell::from(r.t.title.clone()),
                Cell::from(r.t.owner.clone()),
                Cell::from(r.t.due_on.map(|d| d.to_string()).unwrap_or_default()),
                Cell::from(r.status),
                Cell::from(if r.overdue { yes.clone() } else { String::new() }),
                Cell::from(r.t.note.clone().unwrap_or_default()),
            ]
        })
        .collect();
    export::station_list(
        &tr,
        &g.name,
        "task_group.tasks",
        &[
            "field.title",
            "field.owner",
            "field.due_on",
            "field.status",
            "rectification.overdue",
            "field.note",
        ],
        &data,
    )
}
