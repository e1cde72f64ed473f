//! Route policies. Every route is declared through `Routes::add`, which cannot be called without a
//! policy; `enforce` checks it on the server before the handler runs, and the table of declared
//! routes feeds the role × route matrix test and the OpenAPI check.

use axum::Router;
use axum::extract::{Request, State};
use axum::handler::Handler;
use axum::http::Method;
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, delete, get, post, put};
use serde::Serialize;
use yizhan_core::access::{Actor, Permission};
use yizhan_store::admin::audit::{self, Entry};

use crate::auth::Ctx;
use crate::auth::refusals::Refusal;
use crate::error::WebError;
use crate::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Policy {
    /// Anyone, signed in or not (login page, assets, health).
    Public,
    /// Signed in, even while a password change is pending (the change page itself, logout).
    Pending,
    /// Signed in with no pending password change.
    Login,
    /// Signed in and holding the permission somewhere; object scope is checked in the handler.
    Perm(Permission),
    /// Signed in and holding either permission somewhere (check-out: staff end stays, the
    /// medical officer releases); which outcome each may record is decided in the handler.
    Either(Permission, Permission),
    /// A wall board: a signed-in reader of stations, or a TV holding a display-token cookie
    /// (the handler checks the token belongs to this station and is not revoked).
    Board,
}

#[derive(Debug, Clone, Serialize)]
pub struct RouteInfo {
    pub method: &'static str,
    pub path: &'static str,
    pub policy: Policy,
}

pub struct Routes {
    state: AppState,
    router: Router<AppState>,
    info: Vec<RouteInfo>,
}

impl Routes {
    pub fn new(state: AppState) -> Routes {
        Routes { state, router: Router::new(), info: Vec::new() }
    }

    pub fn add<H, T>(
        mut self,
        method: Method,
        path: &'static str,
        policy: Policy,
        handler: H,
    ) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let mr: MethodRouter<AppState> = match method {
            Method::GET => get(handler),
            Method::POST => post(handler),
            Method::PUT => put(handler),
            Method::DELETE => delete(handler),
            _ => panic!("unsupported method {method} for {path}"),
        };
        let mr = mr.route_layer(from_fn_with_state((self.state.clone(), policy), enforce));
        self.router = self.router.route(path, mr);
        self.info.push(RouteInfo { method: method_name(&method), path, policy });
        self
    }

    pub fn get<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        p: Policy,
        h: H,
    ) -> Self {
        self.add(Method::GET, path, p, h)
    }
    pub fn post<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        p: Policy,
        h: H,
    ) -> Self {
        self.add(Method::POST, path, p, h)
    }
    pub fn put<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        p: Policy,
        h: H,
    ) -> Self {
        self.add(Method::PUT, path, p, h)
    }
    pub fn delete<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        p: Policy,
        h: H,
    ) -> Self {
        self.add(Method::DELETE, path, p, h)
    }

    /// A POST that receives a file: its own body limit instead of the default one.
    pub fn upload<H: Handler<T, AppState>, T: 'static>(
        mut self,
        path: &'static str,
        p: Policy,
        h: H,
        limit: usize,
    ) -> Self {
        let mr: MethodRouter<AppState> = post(h)
            .route_layer(from_fn_with_state((self.state.clone(), p), enforce))
            .layer(axum::extract::DefaultBodyLimit::max(limit));
        self.router = self.router.route(path, mr);
        self.info.push(RouteInfo { method: "POST", path, policy: p });
        self
    }

    /// Adds a group of routes declared in another file.
    pub fn then(self, add: fn(Routes) -> Routes) -> Routes {
        add(self)
    }

    pub fn finish(self) -> (Router<AppState>, Vec<RouteInfo>) {
        (self.router, self.info)
    }
}

fn method_name(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        _ => "OTHER",
    }
}

/// Records a refusal in the audit log (who tried what), then returns the error to answer with.
pub async fn deny(state: &AppState, ctx: &Ctx, what: &str, err: WebError) -> WebError {
    if let Some(p) = &ctx.principal {
        let entry = Entry {
            action: "access.denied",
            object_type: "route",
            object_id: Some(what.to_owned()),
            detail: serde_json::json!({ "path": ctx.path }),
        };
        if let Err(e) = audit::record(&state.db, &Actor::from(p), entry).await {
            tracing::error!(error = %e, "could not audit a denial");
        }
    }
    err
}

/// Object scope: may the signed-in person do `perm` on `target`? If not, the refusal is audited
/// and answered as 404, so ids of other stations reveal nothing.
pub async fn require(
    state: &AppState,
    ctx: &Ctx,
    perm: yizhan_core::access::Permission,
    target: yizhan_core::access::Target,
    what: String,
) -> Result<(), WebError> {
    if ctx.user()?.can(perm, target) {
        return Ok(());
    }
    Err(deny(state, ctx, &what, WebError::NotFound).await)
}

/// The one authorization gate every route goes through.
async fn enforce(
    State((state, policy)): State<(AppState, Policy)>,
    req: Request,
    next: Next,
) -> Response {
    let Some(ctx) = req.extensions().get::<Ctx>().cloned() else {
        return WebError::Internal("no request context".into()).into_response();
    };
    // Here rather than in the context middleware, which runs before routing: a method that no
    // route takes is the router's 405, not a CSRF refusal.
    if !ctx.csrf_ok {
        tracing::warn!(path = %ctx.path, "csrf token missing or wrong");
        state.refusals.note(
            Refusal::Csrf,
            ctx.client,
            &format!("{} {}", req.method(), ctx.path),
            yizhan_store::db::now(),
        );
        return WebError::Csrf.into_response();
    }
    if policy == Policy::Public {
        return next.run(req).await;
    }
    if policy == Policy::Board
        && (crate::auth::cookies::get(req.headers(), crate::auth::cookies::BOARD).is_some()
            || req.uri().query().is_some_and(|q| q.contains("token="))
            || ctx.principal.as_ref().is_some_and(|p| p.has(Permission::StationsRead)))
    {
        return next.run(req).await;
    }

    let Some(p) = &ctx.principal else {
        state.refusals.note(
            Refusal::Anonymous,
            ctx.client,
            &format!("{} {}", req.method(), ctx.path),
            yizhan_store::db::now(),
        );
        if ctx.is_api() {
            return WebError::Unauthenticated.into_response();
        }
        return Redirect::to(&format!("/login?next={}", urlencode(&ctx.path))).into_response();
    };
    if p.must_change_password && policy != Policy::Pending {
        if ctx.is_api() {
            return WebError::Rule {
                field: Some("password".into()),
                key: "error.password_change_required",
            }
            .into_response();
        }
        return Redirect::to("/account/password").into_response();
    }
    let held = match policy {
        Policy::Perm(perm) => p.has(perm),
        Policy::Either(a, b) => p.has(a) || p.has(b),
        _ => true,
    };
    if !held {
        let what = format!("{} {}", req.method(), ctx.path);
        return deny(&state, &ctx, &what, WebError::Forbidden).await.into_response();
    }
    if ctx.is_api()
        && !matches!(*req.method(), Method::GET | Method::HEAD)
        && req.headers().contains_key(crate::api::idempotency::HEADER)
    {
        return crate::api::idempotency::run(&state, &ctx, p.user_id, req, next).await;
    }
    next.run(req).await
}

pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|e| e.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}

/// Only local paths are followed after login: never another site, never `//host`.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_local_only() {
        assert_eq!(safe_next(Some("/stations/1")), "/stations/1");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(None), "/");
        assert_eq!(urlencode("/a b"), "%2Fa+b");
    }
}
