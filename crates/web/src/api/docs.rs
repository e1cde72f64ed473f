//! `/api/docs`: the API's document to read and try (Swagger UI, vendored under /assets).

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::auth::Ctx;
use crate::error::WebError;
use crate::kit::layout::Layout;
use crate::kit::render;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "api/docs.html")]
struct DocsPage {
    layout: Layout,
}

/// `GET /api/docs`: public like the document it shows; "Try it out" acts as whoever is signed
/// in, or with a token given under "Authorize".
pub async fn page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    render::page(&DocsPage { layout: Layout::new(&state, &ctx, "api_docs.title") })
}
