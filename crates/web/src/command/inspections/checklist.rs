//! An inspection's page and its checklist, carried out on a phone: every item answered on one
//! form and saved with one button (no item counts as passed until someone says so), and finishing
//! refused, on the same page, with the items still unanswered listed.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use yizhan_core::access::{Actor, Permission};
use yizhan_core::command::inspection::{
    Answer, Outcome, ResultInput, unanswered, validate_checklist, validate_result,
};
use yizhan_core::error::OnField;
use yizhan_core::time::local_display;
use yizhan_store::command::inspections::{self, Inspection, Item, ResultRow};

use super::{Row, row, visible_inspection};
use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::extract::{FormBody, Id};
use crate::kit::layout::Layout;
use crate::kit::options;
use crate::kit::refused::{Refused, RefusedField};
use crate::kit::render;
use crate::kit::today;
use crate::state::AppState;

pub struct ItemRow {
    /// Its number on the checklist, from 1.
    pub n: usize,
    pub item: Item,
    pub result: Option<ResultRow>,
    pub label: String,
    /// The result chosen on the form (what was typed if the form came back refused).
    pub chosen: String,
    pub note: String,
    /// What is wrong with this item's answer.
    pub refused: Option<String>,
    /// Photo ids of this item's finding.
    pub photos: Vec<i64>,
    /// The result is a fail: a rectification may be ordered.
    pub failed: bool,
    /// The rectification ordered for this item, if any.
    pub order: Option<crate::command::rectifications::Row>,
}

#[derive(Template)]
#[template(path = "inspections/show.html")]
struct ShowPage {
    layout: Layout,
    r: Row,
    items: Vec<ItemRow>,
    outcomes: Vec<(&'static str, String)>,
    severities: Vec<(&'static str, String)>,
    can_manage: bool,
    /// Started and not finished, and this person carries it out: the checklist is a form.
    editable: bool,
    started: String,
    /// 已检查 n/m.
    progress: String,
    /// Default deadline offered for a new order: a week from today.
    deadline: String,
    refused: Refused,
}

impl ShowPage {
    fn tone(&self, o: &Outcome) -> &'static str {
        crate::kit::tone::of_inspection(*o)
    }
}

/// What the page shows besides the stored results: an error of one of its forms, the refusals
/// of the checklist with what was typed, or the items still unanswered at finishing.
#[derive(Default)]
struct Shown<'a> {
    error: Option<&'a WebError>,
    typed: Option<&'a [Answer]>,
    item_errors: Vec<(i64, WebError)>,
    unanswered: Vec<i64>,
}

async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    i: Inspection,
    shown: Shown<'_>,
) -> Result<ShowPage, WebError> {
    let tr = ctx.tr();
    let results = inspections::results(&state.db, i.id).await?;
    let photos = yizhan_store::command::photos::of_inspection(&state.db, i.id).await?;
    let mut orders = yizhan_store::command::rectifications::for_inspection(&state.db, i.id).await?;
    let items: Vec<ItemRow> = inspections::items(&state.db, i.template_id)
        .await?
        .into_iter()
        .enumerate()
        .map(|(k, item)| {
            let result = results.iter().find(|r| r.item_id == item.id).cloned();
            let label =
                result.as_ref().map(|r| tr.t(r.result.label_key()).to_owned()).unwrap_or_default();
            let typed = shown.typed.and_then(|t| t.iter().find(|a| a.item_id == item.id));
            let (chosen, note) = match (typed, &result) {
                (Some(a), _) => (a.result.clone(), a.note.clone()),
                (None, Some(r)) => {
                    (r.result.as_str().to_owned(), r.note.clone().unwrap_or_default())
                }
                (None, None) => (String::new(), String::new()),
            };
            let order = orders
                .iter()
                .position(|o| o.item_id == item.id)
                .map(|n| crate::command::rectifications::row(&tr, orders.swap_remove(n)));
            ItemRow {
                n: k + 1,
                failed: result.as_ref().is_some_and(|r| r.result == Outcome::Fail.as_str()),
                photos: photos
                    .iter()
                    .filter(|p| p.item_id == Some(item.id))
                    .map(|p| p.id)
                    .collect(),
                refused: shown
                    .item_errors
                    .iter()
                    .find(|(id, _)| *id == item.id)
                    .map(|(_, e)| e.detail(&tr)),
                chosen,
                note,
                item,
                result,
                label,
                order,
            }
        })
        .collect();
    let refused = refusals(&tr, &items, &shown);
    let user = ctx.user()?;
    let can_manage = user.can(Permission::InspectionsManage, i.target());
    Ok(ShowPage {
        layout: Layout::new(state, ctx, "inspection.title"),
        editable: can_manage && i.started_at.is_some() && i.finished_at.is_none(),
        can_manage,
        started: i.started_at.map(local_display).unwrap_or_default(),
        progress: tr.f(
            "inspection.progress",
            &[("done", &results.len().to_string()), ("total", &items.len().to_string())],
        ),
        outcomes: options(&tr, Outcome::ALL, Outcome::as_str, Outcome::label_key),
        severities: options(
            &tr,
            yizhan_core::command::rectification::Severity::ALL,
            yizhan_core::command::rectification::Severity::as_str,
            yizhan_core::command::rectification::Severity::label_key,
        ),
        deadline: (today() + chrono::Duration::days(7)).to_string(),
        refused,
        r: row(ctx, i),
        items,
    })
}

/// The list at the top of the page: each refused or unanswered item by its number and topic,
/// a link to it; or a form's own error.
fn refusals(tr: &Tr, items: &[ItemRow], shown: &Shown<'_>) -> Refused {
    let line = |it: &ItemRow, detail: &str| RefusedField {
        field: format!("item-{}", it.item.id),
        message: tr.f(
            "inspection.item_line",
            &[("n", &it.n.to_string()), ("topic", &it.item.topic), ("detail", detail)],
        ),
        detail: detail.to_owned(),
    };
    if !shown.unanswered.is_empty() {
        let lines = items
            .iter()
            .filter(|it| shown.unanswered.contains(&it.item.id))
            .map(|it| line(it, &it.item.text))
            .collect();
        let n = shown.unanswered.len().to_string();
        return Refused::new(tr.f("inspection.unanswered", &[("n", &n)]), lines);
    }
    if !shown.item_errors.is_empty() {
        let lines: Vec<RefusedField> =
            items.iter().filter_map(|it| it.refused.as_deref().map(|d| line(it, d))).collect();
        let n = lines.len().to_string();
        return Refused::new(tr.f("form.refused", &[("n", &n)]), lines);
    }
    Refused::of(shown.error, tr)
}

/// `GET /inspections/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let i = visible_inspection(&state, &ctx, id, false).await?;
    render::page(&show_page(&state, &ctx, i, Shown::default()).await?)
}

async fn refused_page(
    state: &AppState,
    ctx: &Ctx,
    i: Inspection,
    shown: Shown<'_>,
) -> Result<Response, WebError> {
    let page = show_page(state, ctx, i, shown).await?;
    Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render::page(&page)?).into_response())
}

/// The inspection page again, with a correctable error from one of its forms.
pub(crate) async fn show_with_error(
    state: &AppState,
    ctx: &Ctx,
    i: Inspection,
    e: WebError,
) -> Result<Response, WebError> {
    let page = show_page(state, ctx, i, Shown { error: Some(&e), ..Shown::default() }).await?;
    Ok((e.status(), render::page(&page)?).into_response())
}

/// `POST /inspections/{id}/start`.
pub async fn start(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    visible_inspection(&state, &ctx, id, true).await?;
    inspections::start(&state.db, &Actor::from(ctx.user()?), id).await?;
    Ok(Redirect::to(&format!("/inspections/{id}")).into_response())
}

#[derive(Deserialize, Default, Clone)]
pub struct RecordForm {
    #[serde(default)]
    item_id: String,
    #[serde(default)]
    result: String,
    #[serde(default)]
    note: String,
}

/// `POST /inspections/{id}/results`: one item's result (for a script; the page saves the whole
/// checklist).
pub async fn record(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<RecordForm>,
) -> Result<Response, WebError> {
    let i = visible_inspection(&state, &ctx, id, true).await?;
    match record_one(&state, &ctx, &i, &f).await {
        Ok(item) => Ok(Redirect::to(&format!("/inspections/{id}#f-item-{item}")).into_response()),
        Err(e) if e.is_correctable() => show_with_error(&state, &ctx, i, e).await,
        Err(e) => Err(e),
    }
}

/// Records one item's result (`item_id`, `result`, `note`): the item's id. The page's script
/// and the API call it.
pub(crate) async fn record_one(
    state: &AppState,
    ctx: &Ctx,
    i: &Inspection,
    f: &RecordForm,
) -> Result<i64, WebError> {
    let item = yizhan_core::validate::parse_int(&f.item_id, 1, i64::MAX, "1").on("item_id")?;
    let (outcome, note) =
        validate_result(&ResultInput { result: f.result.clone(), note: f.note.clone() })?;
    let actor = Actor::from(ctx.user()?);
    inspections::record(&state.db, &actor, i, item, outcome, note.as_deref()).await?;
    Ok(item)
}

/// The items of inspection `i` that have no result yet.
pub(crate) async fn left_unanswered(
    state: &AppState,
    i: &Inspection,
) -> Result<Vec<i64>, WebError> {
    let items: Vec<i64> =
        inspections::items(&state.db, i.template_id).await?.iter().map(|it| it.id).collect();
    let answered: Vec<i64> =
        inspections::results(&state.db, i.id).await?.iter().map(|r| r.item_id).collect();
    Ok(unanswered(&items, &answered))
}

/// Each item's answer on the checklist form: `result_{item}` and `note_{item}`.
fn answers_of(items: &[Item], form: &[(String, String)]) -> Vec<Answer> {
    let value = |name: String| {
        form.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    };
    items
        .iter()
        .map(|it| Answer {
            item_id: it.id,
            result: value(format!("result_{}", it.id)),
            note: value(format!("note_{}", it.id)),
        })
        .collect()
}

/// `POST /inspections/{id}/checklist`: every answered item saved at once (all or, if one is
/// refused, none, and the page lists each refusal); with `then=finish` the inspection is then
/// finished — or, with items still unanswered, stays open on its page listing them.
pub async fn save_checklist(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(form): FormBody<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let i = visible_inspection(&state, &ctx, id, true).await?;
    let items = inspections::items(&state.db, i.template_id).await?;
    let answers = answers_of(&items, &form);
    let answered = match validate_checklist(&answers) {
        Ok(a) => a,
        Err(refused) => {
            let item_errors = refused.into_iter().map(|(id, e)| (id, WebError::from(e))).collect();
            let shown = Shown { typed: Some(&answers), item_errors, ..Shown::default() };
            return refused_page(&state, &ctx, i, shown).await;
        }
    };
    match inspections::record_all(&state.db, &Actor::from(ctx.user()?), &i, &answered).await {
        Ok(()) => {}
        Err(e) => {
            let e = WebError::from(e);
            if !e.is_correctable() {
                return Err(e);
            }
            let shown = Shown { error: Some(&e), typed: Some(&answers), ..Shown::default() };
            return refused_page(&state, &ctx, i, shown).await;
        }
    }
    if form.iter().any(|(k, v)| k == "then" && v == "finish") {
        return finish_or_list(&state, &ctx, id).await;
    }
    Ok(Redirect::to(&format!("/inspections/{id}")).into_response())
}

/// Finishes the inspection if every item has a result; else its page with those that have none.
async fn finish_or_list(state: &AppState, ctx: &Ctx, id: i64) -> Result<Response, WebError> {
    let i = inspections::get(&state.db, id).await?;
    let left = left_unanswered(state, &i).await?;
    if !left.is_empty() && i.finished_at.is_none() {
        return refused_page(state, ctx, i, Shown { unanswered: left, ..Shown::default() }).await;
    }
    match inspections::finish(&state.db, &Actor::from(ctx.user()?), &i)
        .await
        .map_err(WebError::from)
    {
        Ok(()) => Ok(Redirect::to(&format!("/inspections/{id}")).into_response()),
        Err(e) if e.is_correctable() => show_with_error(state, ctx, i, e).await,
        Err(e) => Err(e),
    }
}

/// `POST /inspections/{id}/finish`.
pub async fn finish(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    visible_inspection(&state, &ctx, id, true).await?;
    finish_or_list(&state, &ctx, id).await
}
