//! Static files compiled into the binary: no CDN, no node at run time.

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::WebError;

const FILES: &[(&str, &str, &[u8])] = &[
    ("app.css", "text/css; charset=utf-8", include_bytes!("../assets/app.css")),
    ("app.js", "text/javascript; charset=utf-8", include_bytes!("../assets/app.js")),
    ("inbox.js", "text/javascript; charset=utf-8", include_bytes!("../assets/inbox.js")),
    ("live.js", "text/javascript; charset=utf-8", include_bytes!("../assets/live.js")),
    ("district.js", "text/javascript; charset=utf-8", include_bytes!("../assets/district.js")),
    ("chart.js", "text/javascript; charset=utf-8", include_bytes!("../assets/chart.js")),
    ("board.js", "text/javascript; charset=utf-8", include_bytes!("../assets/board.js")),
    ("wall.js", "text/javascript; charset=utf-8", include_bytes!("../assets/wall.js")),
    (
        "htmx.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/vendor/htmx.min.js"),
    ),
    (
        "echarts.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/vendor/echarts.min.js"),
    ),
    ("api_docs.js", "text/javascript; charset=utf-8", include_bytes!("../assets/api_docs.js")),
    (
        "swagger-ui-bundle.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/vendor/swagger-ui-bundle.js"),
    ),
    (
        "swagger-ui.css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/vendor/swagger-ui.css"),
    ),
    ("favicon.svg", "image/svg+xml", include_bytes!("../assets/favicon.svg")),
    ("icons.svg", "image/svg+xml", include_bytes!("../assets/vendor/icons.svg")),
];

pub async fn serve(Path(name): Path<String>) -> Result<Response, WebError> {
    let (_, mime, body) = FILES.iter().find(|(n, _, _)| *n == name).ok_or(WebError::NotFound)?;
    Ok(([(header::CONTENT_TYPE, *mime), (header::CACHE_CONTROL, "public, max-age=3600")], *body)
        .into_response())
}
