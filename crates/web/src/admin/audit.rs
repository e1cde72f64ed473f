//! The audit log for administrators: paged from the newest and searched on the server, the
//! chain verified when asked.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use yizhan_core::error::OnField;
use yizhan_core::validate::parse_int;
use yizhan_store::admin::audit::{self, AuditRow, Verdict};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::kit::extract::Query;
use crate::kit::layout::Layout;
use crate::kit::render;
use crate::state::AppState;

pub struct Row {
    pub at: String,
    pub r: AuditRow,
}

/// Rows on a page of the log.
const PER_PAGE: i64 = 50;

/// What the log page is asked for: a search, the entries before a sequence number, and whether
/// to verify the chain (a full pass over the log: asked for, not done on every view).
#[derive(Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub before: String,
    #[serde(default)]
    pub verify: String,
}

impl AuditQuery {
    pub fn before(&self) -> Result<Option<i64>, WebError> {
        match self.before.trim() {
            "" => Ok(None),
            b => Ok(Some(parse_int(b, 1, i64::MAX, "1000").on("before")?)),
        }
    }
    pub fn search(&self) -> String {
        self.q.trim().chars().take(60).collect()
    }
}

/// The chain's verdict in words, and whether it holds.
pub async fn verdict(state: &AppState, tr: &crate::i18n::Tr) -> Result<(String, bool), WebError> {
    Ok(match audit::verify(&state.db).await? {
        Verdict::Intact { rows } => (tr.f("audit.intact", &[("rows", &rows.to_string())]), true),
        Verdict::Broken { seq, reason } => {
            (tr.f("audit.broken", &[("seq", &seq.to_string()), ("reason", &reason)]), false)
        }
    })
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    layout: Layout,
    rows: Vec<Row>,
    /// Asked for: the verdict and whether the chain holds.
    verdict: Option<(String, bool)>,
    total: i64,
    q: String,
    /// The link to the next (older) page, keeping the search.
    older: Option<String>,
    /// The link back to the newest entries, when on an older page.
    newest: Option<String>,
}

/// `GET /admin/audit`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(aq): Query<AuditQuery>,
) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let verdict = if aq.verify == "1" { Some(verdict(&state, &tr).await?) } else { None };
    let search = aq.search();
    let before = aq.before()?;
    let rows: Vec<Row> = audit::page(&state.db, &search, before, PER_PAGE)
        .await?
        .into_iter()
        .map(|r| Row { at: yizhan_core::time::local_display(r.at), r })
        .collect();
    let q = serde_urlencoded::to_string([("q", search.as_str())]).unwrap_or_default();
    let older = (rows.len() as i64 == PER_PAGE).then(|| {
        let last = rows.last().map(|r| r.r.seq).unwrap_or_default();
        format!("/admin/audit?{q}&before={last}")
    });
    render::page(&AuditPage {
        layout: Layout::new(&state, &ctx, "audit.title"),
        total: audit::last_seq(&state.db).await?,
        newest: before.is_some().then(|| format!("/admin/audit?{q}")),
        rows,
        verdict,
        q: search,
        older,
    })
}
