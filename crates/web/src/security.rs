//! Security headers on every response.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// No inline script anywhere: every script is a file under /assets.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

pub async fn headers(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    // A handler may set a stricter policy of its own (served photos: `sandbox`).
    if !h.contains_key("content-security-policy") {
        h.insert(HeaderName::from_static("content-security-policy"), HeaderValue::from_static(CSP));
    }
    for (k, v) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        ("permissions-policy", "camera=(self), geolocation=(), microphone=()"),
        ("cross-origin-opener-policy", "same-origin"),
    ] {
        h.insert(HeaderName::from_static(k), HeaderValue::from_static(v));
    }
    if !h.contains_key("cache-control") {
        h.insert(HeaderName::from_static("cache-control"), HeaderValue::from_static("no-store"));
    }
    resp
}
