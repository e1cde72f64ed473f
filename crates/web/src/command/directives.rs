//! Directives (通知、工作方案): the district command writes one with attachments and a deadline,
//! sends it to streets, stations (and enterprises), and follows who has read and confirmed it,
//! reminding the others. A unit sees only what was sent to it; opening it records the reading.

use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;
use yizhan_core::access::{Actor, Permission, Principal, Target};
use yizhan_core::command::directive::{
    DirectiveInput, DirectiveKind, MAX_ATTACHMENT, MAX_RECIPIENTS, RecipientKind, is_overdue,
    units_of, validate_directive,
};
use yizhan_store::command::directives::{self, Directive, File, Recipient};
use yizhan_store::station::stations::{Station, Street};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::export::{self, Cell};
use crate::kit::extract::{FormBody, Id};
use crate::kit::layout::Layout;
use crate::kit::listing::{ListQuery, Listing, listing};
use crate::kit::options;
use crate::kit::render;
use crate::kit::today;
use crate::policy::deny;
use crate::state::AppState;
use crate::work::picker::{Field, Picker, Search, all_found, picker};

/// An upload may be this large on the wire.
pub const UPLOAD_LIMIT: usize = MAX_ATTACHMENT + 64 * 1024;

fn is_issuer(p: &Principal) -> bool {
    p.can(Permission::DirectivesIssue, Target::District)
}

fn is_district_reader(p: &Principal) -> bool {
    p.can(Permission::DirectivesRead, Target::District)
}

/// How this person sees a directive: as the command (all recipients), as one of its
/// recipients (their row), or not at all.
enum View {
    Command,
    Recipient(Recipient, bool),
}

async fn view_of(state: &AppState, ctx: &Ctx, d: &Directive) -> Result<Option<View>, WebError> {
    let p = ctx.user()?;
    if is_issuer(p) || (d.published() && is_district_reader(p)) {
        return Ok(Some(View::Command));
    }
    if !d.published() {
        return Ok(None);
    }
    let rows = directives::recipients(&state.db, d.id).await?;
    for (kind, id, ack) in units_of(p) {
        if let Some(r) = rows.iter().find(|r| r.kind == kind && r.target_id == id) {
            return Ok(Some(View::Recipient(r.clone(), ack)));
        }
    }
    Ok(None)
}

async fn visible(state: &AppState, ctx: &Ctx, id: i64) -> Result<(Directive, View), WebError> {
    let d = directives::get(&state.db, id).await?;
    match view_of(state, ctx, &d).await? {
        Some(v) => Ok((d, v)),
        None => Err(deny(state, ctx, &format!("directive {id}"), WebError::NotFound).await),
    }
}

/// The directive for its issuer (drafts included), or 404.
async fn issued(state: &AppState, ctx: &Ctx, id: i64) -> Result<Directive, WebError> {
    let d = directives::get(&state.db, id).await?;
    if !is_issuer(ctx.user()?) {
        return Err(deny(state, ctx, &format!("directive {id}"), WebError::NotFound).await);
    }
    Ok(d)
}

pub struct Row {
    pub d: Directive,
    pub kind: String,
    /// For the command: confirmed / sent. For a unit: its own state.
    pub state: String,
    pub overdue: bool,
    pub reminders: i64,
}

fn recipient_state(tr: &Tr, r: &Recipient) -> String {
    let key = if r.acknowledged_at.is_some() {
        "directive.acknowledged"
    } else if r.read_at.is_some() {
        "directive.read"
    } else {
        "directive.unread"
    };
    tr.t(key).to_owned()
}

#[derive(Template)]
#[template(path = "directives/list.html")]
struct ListPage {
    layout: Layout,
    list: Listing<Row>,
    can_issue: bool,
    kinds: Vec<(&'static str, String)>,
    streets: Vec<Street>,
    stations: Vec<Station>,
    /// The enterprise recipients, searched on the server (a district has 20,000).
    picker: Option<Picker>,
    f: DirectiveInput,
    error: Option<String>,
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    f: DirectiveInput,
    e: Option<&WebError>,
    query: &ListQuery,
) -> Result<ListPage, WebError> {
    let tr = ctx.tr();
    let p = ctx.user()?;
    let today = today();
    let kind = |d: &Directive| tr.t(d.kind.label_key()).to_owned();
    let mut rows = Vec::new();
    if is_issuer(p) || is_district_reader(p) {
        let tallies: std::collections::HashMap<i64, directives::Tally> =
            directives::tallies(&state.db)
                .await?
                .into_iter()
                .map(|t| (t.directive_id, t))
                .collect();
        for d in directives::list(&state.db).await? {
            if !d.published() && !is_issuer(p) {
                continue;
            }
            let (total, acked, reminders) = tallies
                .get(&d.id)
                .map_or((0, 0, 0), |t| (t.recipients, t.acknowledged, t.reminders));
            let state_text = if d.published() {
                tr.f(
                    "directive.confirmed_of",
                    &[("n", &acked.to_string()), ("total", &total.to_string())],
                )
            } else {
                tr.t("directive.draft").to_owned()
            };
            rows.push(Row {
                kind: kind(&d),
                overdue: d.published() && acked < total && d.deadline < today,
                reminders,
                state: state_text,
                d,
            });
        }
    } else {
        for (k, id, _) in units_of(p) {
            for r in directives::for_unit(&state.db, k, id).await? {
                let d = directives::get(&state.db, r.directive_id).await?;
                rows.push(Row {
                    kind: kind(&d),
                    state: recipient_state(&tr, &r),
                    overdue: is_overdue(r.acknowledged_at.is_some(), d.deadline, today),
                    reminders: r.reminders,
                    d,
                });
            }
        }
    }
    let can_issue = is_issuer(p);
    let list = listing(
        &tr,
        "/directives",
        &[],
        query,
        rows,
        |r| vec![r.d.title.as_str(), r.kind.as_str(), r.state.as_str()],
        &[
            ("title", |a, b| a.d.title.cmp(&b.d.title)),
            ("deadline", |a, b| a.d.deadline.cmp(&b.d.deadline)),
        ],
    )?;
    Ok(ListPage {
        layout: Layout::new(state, ctx, "directive.title"),
        list,
        can_issue,
        kinds: options(&tr, DirectiveKind::ALL, DirectiveKind::as_str, DirectiveKind::label_key),
        streets: if can_issue {
            yizhan_store::station::stations::streets(&state.db).await?
        } else {
            Vec::new()
        },
        stations: if can_issue {
            yizhan_store::station::stations::list(&state.db).await?
        } else {
            Vec::new()
        },
        picker: if can_issue {
            Some(picker(state, ctx, Field::Recipient, Search::default(), &f.recipients).await?)
        } else {
            None
        },
        f,
        error: e.map(|e| e.message(&tr)),
    })
}

/// `GET /directives`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let f = DirectiveInput {
        kind: "notice".into(),
        deadline: (today() + chrono::Duration::days(3)).to_string(),
        ..Default::default()
    };
    render::page(&list_page(&state, &ctx, f, None, &query).await?)
}

/// `POST /directives`.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    FormBody(pairs): FormBody<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    if !is_issuer(ctx.user()?) {
        return Err(deny(&state, &ctx, "directive issue", WebError::Forbidden).await);
    }
    let all: Vec<String> =
        pairs.iter().filter(|(k, _)| k == "recipient_all").map(|(_, v)| v.clone()).collect();
    let mut f = DirectiveInput::from_pairs(pairs);
    // "All that this search finds" of the picker: its enterprises, each a recipient (one more
    // than allowed is enough for the rule to refuse the lot).
    for value in &all {
        let limit = i64::try_from(MAX_RECIPIENTS).unwrap_or(i64::MAX) + 1;
        f.recipients.extend(all_found(&state, &ctx, value, limit).await?);
    }
    let result = async {
        let d = validate_directive(&f, today())?;
        // Every recipient must exist.
        let streets = yizhan_store::station::stations::streets(&state.db).await?;
        let stations = yizhan_store::station::stations::list(&state.db).await?;
        let named: Vec<i64> = d
            .recipients
            .iter()
            .filter(|(kind, _)| *kind == RecipientKind::Enterprise)
            .map(|(_, id)| *id)
            .collect();
        let enterprises: std::collections::HashSet<i64> =
            yizhan_store::work::enterprises::by_ids(&state.db, &named)
                .await?
                .into_iter()
                .map(|e| e.id)
                .collect();
        for (kind, id) in &d.recipients {
            let known = match kind {
                RecipientKind::Street => streets.iter().any(|s| s.id == *id),
                RecipientKind::Station => stations.iter().any(|s| s.id == *id),
                RecipientKind::Enterprise => enterprises.contains(id),
            };
            if !known {
                return Err(WebError::Rule {
                    field: Some("recipient".into()),
                    key: "error.directive_unknown_recipient",
                });
            }
        }
        Ok(directives::create(&state.db, &Actor::from(ctx.user()?), &d).await?)
    }
    .await;
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/directives/{id}")).into_response()),
        Err(e) if e.is_correctable() => {
            let page = list_page(&state, &ctx, f, Some(&e), &ListQuery::default()).await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

pub struct RecipientRow {
    pub r: Recipient,
    pub kind: String,
    pub state: String,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "directives/show.html")]
struct ShowPage {
    layout: Layout,
    d: Directive,
    kind: String,
    files: Vec<File>,
    /// The command's view: a page of the recipients (a directive can have thousands), those not
    /// yet confirmed first.
    list: Listing<RecipientRow>,
    confirmed: usize,
    is_command: bool,
    can_issue: bool,
    /// The unit's own row and whether this person may confirm it.
    mine: Option<RecipientRow>,
    can_ack: bool,
    reminded: Option<String>,
}

fn recipient_row(tr: &Tr, d: &Directive, r: Recipient) -> RecipientRow {
    RecipientRow {
        kind: tr.t(r.kind.label_key()).to_owned(),
        state: recipient_state(tr, &r),
        overdue: d.published() && is_overdue(r.acknowledged_at.is_some(), d.deadline, today()),
        r,
    }
}

#[derive(serde::Deserialize, Default)]
pub struct ShowQuery {
    /// How many units the last reminder went to (after `remind`).
    #[serde(default)]
    reminded: Option<u64>,
}

/// `GET /directives/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    crate::kit::extract::Query(q): crate::kit::extract::Query<ShowQuery>,
    crate::kit::extract::Query(query): crate::kit::extract::Query<ListQuery>,
) -> Result<Response, WebError> {
    let (d, view) = visible(&state, &ctx, id).await?;
    let tr = ctx.tr();
    let p = ctx.user()?;
    let (recipients, mine, can_ack) = match view {
        View::Command => {
            let mut all: Vec<RecipientRow> = directives::recipients(&state.db, id)
                .await?
                .into_iter()
                .map(|r| recipient_row(&tr, &d, r))
                .collect();
            // Those still to confirm first; the sort is stable, so by kind and id within each.
            all.sort_by_key(|r| r.r.acknowledged_at.is_some());
            (all, None, false)
        }
        View::Recipient(r, ack) => {
            // Opening it is reading it: the command sees who has.
            let kind = r.kind;
            directives::mark_read(&state.db, &Actor::from(p), id, kind, r.target_id).await?;
            let fresh = directives::recipients(&state.db, id)
                .await?
                .into_iter()
                .find(|x| x.kind == r.kind && x.target_id == r.target_id)
                .unwrap_or(r);
            let can = ack && fresh.acknowledged_at.is_none();
            (Vec::new(), Some(recipient_row(&tr, &d, fresh)), can)
        }
    };
    render::page(&ShowPage {
        layout: Layout::new(&state, &ctx, "directive.title"),
        kind: tr.t(d.kind.label_key()).to_owned(),
        files: directives::files(&state.db, id).await?,
        confirmed: recipients.iter().filter(|r| r.r.acknowledged_at.is_some()).count(),
        list: listing(
            &tr,
            &format!("/directives/{id}"),
            &[],
            &query,
            recipients,
            |r| vec![r.r.name.as_deref().unwrap_or_default(), &r.kind, &r.state],
            &[],
        )?,
        is_command: mine.is_none(),
        can_issue: is_issuer(p),
        reminded: q.reminded.map(|n| tr.f("directive.reminded", &[("n", &n.to_string())])),
        mine,
        can_ack,
        d,
    })
}

/// `POST /directives/{id}/publish`.
pub async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    issued(&state, &ctx, id).await?;
    directives::publish(&state.db, &Actor::from(ctx.user()?), id).await?;
    Ok(Redirect::to(&format!("/directives/{id}")).into_response())
}

/// `POST /directives/{id}/remind`.
pub async fn remind(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let d = issued(&state, &ctx, id).await?;
    let n = directives::remind(&state.db, &Actor::from(ctx.user()?), &d).await?;
    Ok(Redirect::to(&format!("/directives/{id}?reminded={n}")).into_response())
}

/// `POST /directives/{id}/acknowledge`.
pub async fn acknowledge(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let (d, view) = visible(&state, &ctx, id).await?;
    let View::Recipient(r, true) = view else {
        return Err(deny(&state, &ctx, &format!("directive {id} ack"), WebError::Forbidden).await);
    };
    let kind = r.kind;
    directives::acknowledge(&state.db, &Actor::from(ctx.user()?), &d, kind, r.target_id).await?;
    Ok(Redirect::to(&format!("/directives/{id}")).into_response())
}

/// `POST /directives/{id}/files?_csrf=…`: an attachment (PDF, Word, Excel, picture) on a draft.
pub async fn attach(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    form: crate::kit::upload::Form,
) -> Result<Response, WebError> {
    let d = issued(&state, &ctx, id).await?;
    let upload = crate::kit::upload::read(form).await?;
    let (content_type, sha, name) = crate::kit::upload::document(&upload)?;
    directives::add_file(
        &state.db,
        &Actor::from(ctx.user()?),
        &d,
        &name,
        content_type,
        &sha,
        &upload.bytes,
    )
    .await?;
    Ok(Redirect::to(&format!("/directives/{id}")).into_response())
}

/// `GET /directive-files/{id}`: always a download, never rendered by the browser.
pub async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let (f, data) = directives::file(&state.db, id).await?;
    visible(&state, &ctx, f.directive_id).await?;
    let encoded = crate::policy::urlencode(&f.name).replace('+', "%20");
    Ok((
        [
            (header::CONTENT_TYPE, f.content_type.clone()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"attachment\"; filename*=UTF-8''{encoded}"),
            ),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox".to_owned()),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        data,
    )
        .into_response())
}

/// `GET /directives/{id}/export.xlsx`.
/// Who has read and confirmed, as .xlsx (for the command).
pub async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let (d, view) = visible(&state, &ctx, id).await?;
    if !matches!(view, View::Command) {
        return Err(deny(&state, &ctx, &format!("directive {id} export"), WebError::NotFound).await);
    }
    let tr = ctx.tr();
    let time = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map(yizhan_core::time::local_display).unwrap_or_default()
    };
    let rows: Vec<Vec<Cell>> = directives::recipients(&state.db, id)
        .await?
        .into_iter()
        .map(|r| {
            let row = recipient_row(&tr, &d, r);
            vec![
                Cell::from(row.kind),
                Cell::from(row.r.name.clone().unwrap_or_default()),
                Cell::from(row.state),
                Cell::from(time(row.r.read_at)),
                Cell::from(time(row.r.acknowledged_at)),
                Cell::from(row.r.acknowledged_by.clone().unwrap_or_default()),
                Cell::from(row.r.reminders),
            ]
        })
        .collect();
    export::station_list(
        &tr,
        &d.title,
        "directive.tracking",
        &[
            "directive.recipient_kind",
            "field.name",
            "field.status",
            "directive.read_at",
            "directive.acknowledged_at",
            "directive.acknowledged_by",
            "directive.reminders",
        ],
        &rows,
    )
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct ApiDirective {
    #[serde(flatten)]
    pub directive: Directive,
    pub files: Vec<File>,
    /// Every recipient for the command; the reader's own row for a unit.
    pub recipients: Vec<Recipient>,
}

/// `GET /api/v1/directives/{id}` (reading it through the API also counts as reading it).
pub async fn api_show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<ApiDirective>, WebError> {
    let (d, view) = visible(&state, &ctx, id).await?;
    let recipients = match view {
        View::Command => directives::recipients(&state.db, id).await?,
        View::Recipient(r, _) => {
            let kind = r.kind;
            directives::mark_read(&state.db, &Actor::from(ctx.user()?), id, kind, r.target_id)
                .await?;
            directives::recipients(&state.db, id)
                .await?
                .into_iter()
                .filter(|x| x.kind == r.kind && x.target_id == r.target_id)
                .collect()
        }
    };
    Ok(Json(ApiDirective {
        files: directives::files(&state.db, id).await?,
        recipients,
        directive: d,
    }))
}

/// How many directives this person's units have not confirmed yet (for the home page).
pub async fn pending_for(state: &AppState, p: &Principal) -> Result<usize, WebError> {
    let mut n = 0;
    for (kind, id, ack) in units_of(p) {
        if ack {
            n += directives::for_unit(&state.db, kind, id)
                .await?
                .iter()
                .filter(|r| r.acknowledged_at.is_none())
                .count();
        }
    }
    Ok(n)
}
