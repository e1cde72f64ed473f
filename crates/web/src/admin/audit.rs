//! The audit log for administrators, with the chain's verdict.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use yizhan_store::admin::audit::{self, AuditRow, Verdict};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::kit::layout::Layout;
use crate::kit::render;
use crate::state::AppState;

pub struct Row {
    pub at: String,
    pub r: AuditRow,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    layout: Layout,
    rows: Vec<Row>,
    verdict: String,
    intact: bool,
}

/// `GET /admin/audit`.
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let (verdict, intact) = match audit::verify(&state.db).await? {
        Verdict::Intact { rows } => (tr.f("audit.intact", &[("rows", &rows.to_string())]), true),
        Verdict::Broken { seq, reason } => {
            (tr.f("audit.broken", &[("seq", &seq.to_string()), ("reason", &reason)]), false)
        }
    };
    let rows = audit::recent(&state.db, 200)
        .await?
        .into_iter()
        .map(|r| Row { at: yizhan_core::time::local_display(r.at), r })
        .collect();
    render::page(&AuditPage {
        layout: Layout::new(&state, &ctx, "audit.title"),
        rows,
        verdict,
        intact,
    })
}
