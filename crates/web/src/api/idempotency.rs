//! `Idempotency-Key` on the API's state-changing requests: the first answer is kept (24 h, in the
//! database, so any node gives it), a retry with the same key and body gets it again with
//! `Idempotent-Replayed: true` and changes nothing. The base for phones on flaky networks: a
//! reading sent twice is recorded once. Run by the route's policy layer once the request is
//! allowed, so a refused request takes no key.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use sha2::{Digest, Sha256};
use yizhan_core::validate::Invalid;
use yizhan_store::admin::idempotency::{self, Answer, Claim};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::kit::render;
use crate::state::AppState;

pub const HEADER: &str = "idempotency-key";
pub const REPLAYED: &str = "idempotent-replayed";

/// A key: 1–255 visible ASCII characters (a UUID, a phone's own counter).
pub fn valid_key(k: &str) -> bool {
    (1..=255).contains(&k.len()) && k.bytes().all(|b| (0x21..=0x7e).contains(&b))
}

/// Runs `req` under its key for `caller`, or answers from the key.
pub async fn run(state: &AppState, ctx: &Ctx, caller: i64, req: Request, next: Next) -> Response {
    let tr = ctx.tr();
    let refuse = |e: WebError| render::error(&tr, true, e);
    let key = match req.headers().get(HEADER).map(|v| v.to_str()) {
        Some(Ok(k)) if valid_key(k) => k.to_owned(),
        _ => {
            let hint = Invalid::BadFormat { hint: "9f1c2e4a-0b7d-4c3e-8a21-5d6f7e8c9b0a" };
            return refuse(WebError::invalid("idempotency_key", hint.text()));
        }
    };
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, state.config.body_limit).await else {
        return refuse(WebError::TooLarge);
    };
    let sha = hex::encode(Sha256::digest(&bytes));
    let path = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/").to_owned();
    let asked = idempotency::Request {
        caller,
        key: &key,
        method: parts.method.as_str(),
        path: &path,
        body_sha256: &sha,
    };
    match idempotency::claim(&state.db, &asked).await {
        Err(e) => refuse(e.into()),
        Ok(Claim::Other) => refuse(WebError::Rule {
            field: Some("idempotency_key".into()),
            key: "error.idempotency_other",
        }),
        Ok(Claim::Running) => refuse(WebError::Taken {
            field: "idempotency_key".into(),
            key: "error.idempotency_running",
        }),
        Ok(Claim::Answered(a)) => replay(a),
        Ok(Claim::New) => {
            let mut resp = next.run(Request::from_parts(parts, Body::from(bytes))).await;
            // The page layer renders errors on the way out; the kept answer must be the rendered one.
            if let Some(err) = resp.extensions_mut().remove::<WebError>() {
                resp = render::error_with_ctx(state, ctx, err).await;
            }
            keep(state, caller, &key, resp).await
        }
    }
}

/// Keeps the answer under the key and hands it on; a server error gives the key back instead,
/// so that the retry runs.
async fn keep(state: &AppState, caller: i64, key: &str, resp: Response) -> Response {
    let (parts, body) = resp.into_parts();
    let bytes = match to_bytes(body, usize::MAX).await {
        Ok(b) if !parts.status.is_server_error() => b,
        other => {
            if let Err(e) = idempotency::release(&state.db, caller, key).await {
                tracing::warn!(error = %e, "an idempotency key could not be given back");
            }
            return Response::from_parts(parts, Body::from(other.unwrap_or_default()));
        }
    };
    let header_of = |name| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let answer = Answer {
        status: i64::from(parts.status.as_u16()),
        content_type: header_of(header::CONTENT_TYPE),
        location: header_of(header::LOCATION),
        body: bytes.to_vec(),
    };
    if let Err(e) = idempotency::finish(&state.db, caller, key, &answer).await {
        // The write itself is done; the retry will be told the key is still running.
        tracing::warn!(error = %e, "an idempotent answer could not be kept");
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The kept answer again.
fn replay(a: Answer) -> Response {
    let status = u16::try_from(a.status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let mut r = Response::new(Body::from(a.body));
    *r.status_mut() = status;
    let headers = r.headers_mut();
    for (name, value) in [(header::CONTENT_TYPE, a.content_type), (header::LOCATION, a.location)] {
        if let Some(v) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
            headers.insert(name, v);
        }
    }
    headers.insert(REPLAYED, HeaderValue::from_static("true"));
    r
}

/// Drops keys past their lifetime, every hour.
pub async fn purge_every_hour(db: yizhan_store::Db) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every.tick().await;
        if let Err(e) = idempotency::purge(&db, yizhan_store::db::now()).await {
            tracing::warn!(error = %e, "idempotency keys could not be purged; retrying in an hour");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_short_visible_ascii() {
        for good in ["a", "9f1c2e4a-0b7d-4c3e-8a21-5d6f7e8c9b0a", "phone-7:reading#42", "~!"] {
            assert!(valid_key(good), "{good}");
        }
        let long = "k".repeat(256);
        for bad in ["", " ", "a b", "键", "a\tb", long.as_str()] {
            assert!(!valid_key(bad), "{bad:?}");
        }
        assert!(valid_key(&"k".repeat(255)));
    }
}
