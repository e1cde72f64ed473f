//! The per-request context: the signed-in principal (from the session cookie), the language,
//! and the CSRF token check of every state-changing request, pages and API alike (refused by
//! the route's policy layer, `policy::enforce`).

use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use yizhan_core::access::Principal;
use yizhan_core::admin::account::{SessionState, same_secret, session_state};
use yizhan_store::admin::{api_tokens, sessions, users};

use crate::auth::cookies;
use crate::auth::password::random_token;
use crate::error::WebError;
use crate::i18n::{Lang, Tr};
use crate::kit::render;
use crate::state::AppState;

#[derive(Debug, Clone)]
pub struct Ctx {
    pub principal: Option<Principal>,
    /// SHA-256 of the session token, when signed in.
    pub session_hash: Option<String>,
    /// The token forms and API clients must send back.
    pub csrf: String,
    /// False when a POST/PUT/PATCH/DELETE came without the right token. The route's policy
    /// layer refuses it, so a method no route takes still gets the router's 405.
    pub csrf_ok: bool,
    pub lang: Lang,
    pub path: String,
    /// The page follows a form that was saved (see `cookies::SAVED`).
    pub saved: bool,
    /// The client's address (see `auth::client`), for per-client limits and audit summaries.
    pub client: std::net::IpAddr,
}

impl Ctx {
    pub fn tr(&self) -> Tr {
        Tr::new(self.lang)
    }

    /// The signed-in principal; routes with a login policy never reach a handler without one.
    pub fn user(&self) -> Result<&Principal, WebError> {
        self.principal.as_ref().ok_or(WebError::Unauthenticated)
    }

    pub fn is_api(&self) -> bool {
        self.path.starts_with("/api/")
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = WebError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| WebError::Internal("context middleware missing".into()))
    }
}

async fn load_session(
    state: &AppState,
    token: &str,
) -> Result<Option<(Principal, String, String)>, WebError> {
    let Some(s) = sessions::find(&state.db, token).await? else {
        return Ok(None);
    };
    let now = yizhan_store::db::now();
    if session_state(s.created_at, s.last_seen_at, now) != SessionState::Valid {
        sessions::delete(&state.db, &s.token_hash).await?;
        return Ok(None);
    }
    let user = users::get(&state.db, s.user_id).await?;
    if !user.active {
        sessions::delete(&state.db, &s.token_hash).await?;
        return Ok(None);
    }
    // One write a minute at most: enough precision for a 30-minute idle timeout.
    if now - s.last_seen_at > chrono::Duration::seconds(60) {
        sessions::touch(&state.db, &s.token_hash, now).await?;
    }
    let p = users::principal(&state.db, &user).await?;
    Ok(Some((p, s.token_hash, s.csrf_token)))
}

/// The secret of `Authorization: Bearer …`, if the request carries one.
fn bearer(headers: &axum::http::HeaderMap) -> Option<String> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, secret) = v.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| secret.trim().to_owned())
}

/// The service account behind a live API token, its call counted against the token's budget
/// (`Err` inside: spent, and how long until the next minute). An unknown, revoked or expired
/// token, or one of a deactivated account, is a 401 — never a fall back to anonymous: the caller
/// meant to be someone.
async fn load_token(
    state: &AppState,
    secret: &str,
) -> Result<Result<Principal, std::time::Duration>, WebError> {
    let token = api_tokens::find(&state.db, secret).await?;
    let now = yizhan_store::db::now();
    let Some(token) = token.filter(|t| t.live(now)) else {
        return Err(WebError::Unauthenticated);
    };
    let user = users::get(&state.db, token.user_id).await?;
    if !user.active || !user.service {
        return Err(WebError::Unauthenticated);
    }
    let per_minute = u32::try_from(token.per_minute).unwrap_or(u32::MAX);
    if let Err(wait) = state.limits.allow_token(token.id, per_minute) {
        return Ok(Err(wait));
    }
    Ok(Ok(users::principal(&state.db, &user).await?))
}

/// Reads the `_csrf` field of a urlencoded form and hands the body on untouched.
async fn form_token(req: Request, limit: usize) -> Result<(Option<String>, Request), WebError> {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, limit).await.map_err(|_| WebError::TooLarge)?;
    let token = form_urlencoded_get(&bytes, "_csrf");
    Ok((token, Request::from_parts(parts, Body::from(bytes))))
}

pub fn form_urlencoded_get(bytes: &[u8], key: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

pub async fn context(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let headers = req.headers().clone();
    let peer =
        req.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0);
    let client = crate::auth::client::client_of(peer, &headers, &state.config.trusted_proxies);
    // The language chosen on the site (POST /lang), Chinese first — for the API too: a page that
    // calls the API must get its own language, not the browser's Accept-Language.
    let lang =
        cookies::get(&headers, cookies::LANG).and_then(|l| Lang::from_code(&l)).unwrap_or_default();
    let tr = Tr::new(lang);
    let is_api = path.starts_with("/api/");

    // A system calls the API with its token, not a cookie: no session, no CSRF (a browser
    // never sends the header by itself), its own budget a minute.
    if is_api && let Some(secret) = bearer(&headers) {
        let principal = match load_token(&state, &secret).await {
            Ok(Ok(p)) => p,
            Ok(Err(wait)) => {
                let mut r = render::error(&tr, true, WebError::Throttled);
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(wait.as_secs().max(1)));
                return r;
            }
            Err(e) => return render::error(&tr, true, e),
        };
        let ctx = Ctx {
            principal: Some(principal),
            session_hash: None,
            csrf: String::new(),
            csrf_ok: true,
            lang,
            path,
            saved: false,
            client,
        };
        let mut req = req;
        req.extensions_mut().insert(ctx.clone());
        let mut resp = next.run(req).await;
        if let Some(err) = resp.extensions_mut().remove::<WebError>() {
            resp = render::error_with_ctx(&state, &ctx, err).await;
        }
        return resp;
    }

    let mut clear_session = false;
    let session = match cookies::get(&headers, cookies::SESSION) {
        Some(token) => match load_session(&state, &token).await {
            Ok(Some(s)) => Some(s),
            Ok(None) => {
                clear_session = true;
                None
            }
            Err(e) => return render::error(&tr, is_api, e),
        },
        None => None,
    };
    let anon_cookie = cookies::get(&headers, cookies::ANON_CSRF).filter(|t| t.len() == 64);
    let mut new_anon = None;
    let (principal, session_hash, csrf) = match session {
        Some((p, h, c)) => (Some(p), Some(h), c),
        None => {
            let t = anon_cookie.clone().unwrap_or_else(|| {
                let t = random_token();
                new_anon = Some(t.clone());
                t
            });
            (None, None, t)
        }
    };

    let mut req = req;
    let mut csrf_ok = true;
    if matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH | Method::DELETE) {
        let mut sent = headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let is_form = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        // File uploads (multipart) carry the token in the query string: the body is a stream
        // the handler reads, and the token is not personal data.
        let is_multipart = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        if sent.is_none() && is_multipart {
            sent = req.uri().query().and_then(|q| form_urlencoded_get(q.as_bytes(), "_csrf"));
        }
        if sent.is_none() && is_form {
            match form_token(req, state.config.body_limit).await {
                Ok((t, r)) => {
                    sent = t;
                    req = r;
                }
                Err(e) => return render::error(&tr, is_api, e),
            }
        }
        // A freshly minted anonymous token was never given to the client: nothing can match it.
        csrf_ok = new_anon.is_none() && sent.as_deref().is_some_and(|s| same_secret(&csrf, s));
    }

    let is_htmx = headers.contains_key("hx-request");
    let method = req.method().clone();
    let saved = method == Method::GET
        && !is_api
        && !is_htmx
        && principal.is_some()
        && cookies::get(&headers, cookies::SAVED).is_some();
    let signed_in = principal.is_some();
    let ctx = Ctx { principal, session_hash, csrf, csrf_ok, lang, path, saved, client };
    req.extensions_mut().insert(ctx.clone());
    let mut resp = next.run(req).await;
    let secure = state.config.secure_cookies;
    if saved && resp.status() == StatusCode::OK {
        append_cookie(&mut resp, &cookies::clear(cookies::SAVED, secure));
    }
    if method == Method::POST
        && signed_in
        && !is_api
        && !is_htmx
        && resp.status() == StatusCode::SEE_OTHER
        && !matches!(ctx.path.as_str(), "/login" | "/logout" | "/lang")
    {
        append_cookie(&mut resp, &cookies::set(cookies::SAVED, "1", Some(60), secure, true));
    }

    if let Some(err) = resp.extensions_mut().remove::<WebError>() {
        resp = render::error_with_ctx(&state, &ctx, err).await;
    }
    if let Some(t) = new_anon {
        append_cookie(&mut resp, &cookies::set(cookies::ANON_CSRF, &t, None, secure, true));
    }
    if clear_session
        && !resp
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .any(|v| v.to_str().is_ok_and(|s| s.starts_with(cookies::SESSION)))
    {
        append_cookie(&mut resp, &cookies::clear(cookies::SESSION, secure));
    }
    resp
}

pub fn append_cookie(resp: &mut Response, cookie: &str) {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// A response that carries a `Set-Cookie`.
pub fn with_cookie(resp: impl IntoResponse, cookie: &str) -> Response {
    let mut r = resp.into_response();
    append_cookie(&mut r, cookie);
    r
}
