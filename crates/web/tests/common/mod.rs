//! An in-process client for the whole application: real router, real database, a cookie jar.

#![allow(dead_code)]

mod care;
mod command;
pub mod conformance;
mod notify;
mod station;
mod work;

#[allow(unused_imports)] // each test binary uses some rooms
pub use care::*;
#[allow(unused_imports)]
pub use command::*;
#[allow(unused_imports)]
pub use notify::*;
#[allow(unused_imports)]
pub use station::*;
#[allow(unused_imports)]
pub use work::*;

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;
use yizhan_core::access::{Actor, Grant, Role, Scope};
use yizhan_core::station::stations::{NewStation, StationKind};
use yizhan_store::testing::TestDb;
use yizhan_store::{Db, admin::sessions, admin::users, station::stations};
use yizhan_web::policy::RouteInfo;
use yizhan_web::{AppState, WebConfig, build_with_state};

pub struct App {
    pub t: TestDb,
    pub router: Router,
    pub routes: Arc<Vec<RouteInfo>>,
    pub state: AppState,
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    pub fn location(&self) -> String {
        self.headers
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    }
    pub fn header(&self, name: &str) -> String {
        self.headers.get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
    }
}

/// A browser-like client: keeps cookies, knows its CSRF token.
#[derive(Clone, Default)]
pub struct Client {
    pub cookies: HashMap<String, String>,
    pub csrf: Option<String>,
    /// The peer address the request comes from (none: an in-process request, 0.0.0.0).
    pub addr: Option<std::net::SocketAddr>,
    /// A system's API token, sent as `Authorization: Bearer`.
    pub bearer: Option<String>,
}

pub const PASSWORD: &str = "correct horse battery";

impl Client {
    /// The `Cookie` header this client sends.
    pub fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }
}

impl App {
    /// Uploads a worker file to the import and returns the outcome page: if the run outlasted
    /// the upload's wait, follows it to the end through the progress the page polls, the node
    /// answering `/healthz` all the while.
    pub async fn import_workers(
        &self,
        c: &mut Client,
        mode: &str,
        name: &str,
        bytes: &[u8],
    ) -> Resp {
        let r = self.upload(c, "/workers/import", &[("mode", mode)], name, bytes).await;
        if r.status != StatusCode::SEE_OTHER {
            return r;
        }
        let page = r.header("location");
        for _ in 0..600 {
            assert_eq!(self.get(c, "/healthz").await.status, StatusCode::OK);
            let p = self.get(c, &format!("{page}/progress")).await.json();
            if p["status"] != "running" {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        self.get(c, &page).await
    }

    pub async fn new(t: TestDb) -> App {
        App::with_config(t, WebConfig::default()).await
    }

    pub async fn with_config(t: TestDb, config: WebConfig) -> App {
        let (router, routes, state) = build_with_state(t.db.clone(), config);
        App { t, router, routes, state }
    }

    /// A fresh anonymous client connecting from `ip`.
    pub async fn anon_from(&self, ip: &str) -> Client {
        let mut c = Client {
            addr: Some(std::net::SocketAddr::new(ip.parse().unwrap(), 40000)),
            ..Client::default()
        };
        let r = self.get(&mut c, "/api/v1/session").await;
        c.csrf = r.json()["csrf_token"].as_str().map(str::to_owned);
        c
    }

    /// Logs in through the API from the client `c` (its address and cookies).
    pub async fn login_as(&self, c: &mut Client, username: &str, password: &str) -> Resp {
        let r = self
            .json(
                c,
                Method::POST,
                "/api/v1/session",
                serde_json::json!({"username": username, "password": password}),
            )
            .await;
        if r.status == StatusCode::OK {
            c.csrf = r.json()["csrf_token"].as_str().map(str::to_owned);
        }
        r
    }

    pub fn db(&self) -> &Db {
        &self.t.db
    }

    pub async fn send(
        &self,
        c: &mut Client,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
        csrf: bool,
    ) -> Resp {
        let mut b = Request::builder().method(method.clone()).uri(path);
        if !c.cookies.is_empty() {
            b = b.header(header::COOKIE, c.cookie_header());
        }
        if let Some(ct) = content_type {
            b = b.header(header::CONTENT_TYPE, ct);
        }
        if let Some(t) = &c.bearer {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if csrf && let Some(t) = &c.csrf {
            b = b.header("x-csrf-token", t);
        }
        if let Some(addr) = c.addr {
            b = b.extension(axum::extract::ConnectInfo(addr));
        }
        let resp = self.router.clone().oneshot(b.body(Body::from(body)).unwrap()).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        for v in headers.get_all(header::SET_COOKIE) {
            let s = v.to_str().unwrap();
            let (kv, attrs) = s.split_once(';').unwrap_or((s, ""));
            let (k, val) = kv.split_once('=').unwrap();
            if attrs.contains("Max-Age=0") {
                c.cookies.remove(k);
            } else {
                c.cookies.insert(k.to_owned(), val.to_owned());
            }
        }
        let bytes = resp.into_body().collect().await.unwrap().to_bytes().to_vec();
        let json = headers
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
        if json {
            conformance::check(&self.routes, &method, path, status, &bytes);
        }
        let body = String::from_utf8_lossy(&bytes).into_owned();
        Resp { status, headers, body, bytes }
    }

    /// A multipart form with text `fields` and one `file`, as a page's upload form sends it
    /// (the CSRF token in the query string).
    pub async fn upload(
        &self,
        c: &mut Client,
        path: &str,
        fields: &[(&str, &str)],
        name: &str,
        bytes: &[u8],
    ) -> Resp {
        let boundary = "yizhanuploadboundary";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let token = c.csrf.clone().unwrap_or_default();
        self.send(
            c,
            Method::POST,
            &format!("{path}?_csrf={token}"),
            Some(&format!("multipart/form-data; boundary={boundary}")),
            body,
            false,
        )
        .await
    }

    /// Status and headers only: for endless responses (server-sent events).
    pub async fn get_head(&self, c: &Client, path: &str) -> (StatusCode, axum::http::HeaderMap) {
        let mut b = Request::builder().method(Method::GET).uri(path);
        if !c.cookies.is_empty() {
            b = b.header(header::COOKIE, c.cookie_header());
        }
        let resp = self.router.clone().oneshot(b.body(Body::empty()).unwrap()).await.unwrap();
        (resp.status(), resp.headers().clone())
    }

    pub async fn get(&self, c: &mut Client, path: &str) -> Resp {
        self.send(c, Method::GET, path, None, vec![], false).await
    }

    /// JSON with the client's CSRF token.
    pub async fn json(
        &self,
        c: &mut Client,
        method: Method,
        path: &str,
        body: serde_json::Value,
    ) -> Resp {
        self.send(c, method, path, Some("application/json"), body.to_string().into_bytes(), true)
            .await
    }

    /// A urlencoded form with `_csrf` from the client's token.
    pub async fn form(&self, c: &mut Client, path: &str, fields: &[(&str, &str)]) -> Resp {
        let mut f: Vec<(&str, &str)> = fields.to_vec();
        let token = c.csrf.clone().unwrap_or_default();
        f.push(("_csrf", &token));
        let body = serde_urlencoded::to_string(&f).unwrap();
        self.send(
            c,
            Method::POST,
            path,
            Some("application/x-www-form-urlencoded"),
            body.into_bytes(),
            false,
        )
        .await
    }

    /// A fresh anonymous client holding the anonymous CSRF cookie and token.
    pub async fn anon(&self) -> Client {
        let mut c = Client::default();
        let r = self.get(&mut c, "/api/v1/session").await;
        c.csrf = r.json()["csrf_token"].as_str().map(str::to_owned);
        c
    }

    /// Logs in through the API (the real path, with argon2).
    pub async fn login(&self, username: &str, password: &str) -> (Client, Resp) {
        let mut c = self.anon().await;
        let r = self.login_as(&mut c, username, password).await;
        (c, r)
    }

    /// A signed-in client without a login round trip: a session written straight to the store.
    pub async fn session_for(&self, user_id: i64) -> Client {
        let token = yizhan_web::auth::password::random_token();
        let csrf = yizhan_web::auth::password::random_token();
        sessions::create(self.db(), &token, user_id, &csrf).await.unwrap();
        let mut c = Client::default();
        c.cookies.insert("yz_session".into(), token);
        c.csrf = Some(csrf);
        c
    }

    /// A system's account with one grant: its id.
    pub async fn service_account(&self, username: &str, role: Role, scope: Scope) -> i64 {
        let grants = [Grant { role, scope }];
        let new = users::NewUser {
            username,
            display_name: username,
            password_hash: "",
            must_change_password: false,
            grants: &grants,
        };
        users::create_service(self.db(), &Actor::system(), &new).await.unwrap().id
    }

    /// An API token `secret` of account `user`, live for a day: its id.
    pub async fn api_token(&self, user: i64, label: &str, secret: &str) -> i64 {
        let new = yizhan_store::admin::api_tokens::NewToken {
            user_id: user,
            label,
            secret,
            per_minute: 600,
            expires_at: yizhan_store::db::now() + chrono::Duration::days(1),
        };
        yizhan_store::admin::api_tokens::create(self.db(), &Actor::system(), &new).await.unwrap().id
    }

    pub async fn user(&self, username: &str, role: Role, scope: Scope, must_change: bool) -> i64 {
        let hash = yizhan_web::auth::password::hash_blocking(PASSWORD).unwrap();
        users::create(
            self.db(),
            &Actor::system(),
            &users::NewUser {
                username,
                display_name: username,
                password_hash: &hash,
                must_change_password: must_change,
                grants: &[Grant { role, scope }],
            },
        )
        .await
        .unwrap()
        .id
    }
}

/// The rows of an .xlsx sheet as text, read back as a user's spreadsheet would.
pub fn xlsx_rows(bytes: &[u8], sheet: &str) -> Vec<Vec<String>> {
    use calamine::{Reader, Xlsx, open_workbook_from_rs};
    let mut wb: Xlsx<_> =
        open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("a real xlsx file");
    let range = wb.worksheet_range(sheet).expect("sheet");
    range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
}
