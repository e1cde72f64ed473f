//! Account administration (admin only): list, create with a one-time password, edit roles,
//! deactivate, reset a password.

pub mod hooks;
pub mod json;
pub mod tokens;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use yizhan_core::access::{Actor, Grant, Role, Scope, parse_grant};
use yizhan_core::admin::account::normalise_username;
use yizhan_core::error::OnField;
use yizhan_core::validate::required_text;
use yizhan_store::admin::users::{self, NewUser, User};
use yizhan_store::station::stations;

use crate::auth::Ctx;
use crate::auth::password::generate_password;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::export::{self, Cell};
use crate::kit::extract::{FormBody, Id};
use crate::kit::layout::Layout;
use crate::kit::listing::{ListQuery, Listing, listing};
use crate::kit::render;
use crate::state::AppState;

/// One choice in the scope selector.
pub struct ScopeOption {
    pub token: String,
    pub label: String,
}

pub async fn scope_options(state: &AppState, tr: &Tr) -> Result<Vec<ScopeOption>, WebError> {
    let mut v = vec![ScopeOption {
        token: Scope::District.token(),
        label: tr.t("scope.district").to_owned(),
    }];
    for s in stations::streets(&state.db).await? {
        v.push(ScopeOption {
            token: Scope::Street(s.id).token(),
            label: format!("{} · {}", tr.t("scope.street"), s.name),
        });
    }
    for s in stations::list(&state.db).await? {
        v.push(ScopeOption {
            token: Scope::Station(s.id).token(),
            label: format!("{} · {}", tr.t("scope.station"), s.name),
        });
    }
    Ok(v)
}

/// Checks that a grant's street or station exists, so a typo cannot create a dead account.
pub async fn check_scope_exists(state: &AppState, g: &Grant) -> Result<(), WebError> {
    let missing = WebError::invalid("scope", yizhan_core::text::Text::new("invalid.scope_missing"));
    let found = match g.scope {
        Scope::Street(id) => stations::street(&state.db, id).await.map(|_| ()),
        Scope::Station(id) => stations::get(&state.db, id).await.map(|_| ()),
        Scope::District | Scope::Enterprise(_) => Ok(()),
    };
    match found {
        Err(yizhan_store::StoreError::NotFound) => Err(missing),
        other => Ok(other?),
    }
}

pub struct UserRow {
    pub user: User,
    pub grants: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct ListPage {
    layout: Layout,
    list: Listing<UserRow>,
}

pub fn grant_label(tr: &Tr, g: &Grant, options: &[ScopeOption]) -> String {
    let scope = options
        .iter()
        .find(|o| o.token == g.scope.token())
        .map(|o| o.label.clone())
        .unwrap_or_else(|| g.scope.token());
    format!("{} @ {scope}", tr.t(&format!("role.{}", g.role.as_str())))
}

/// `GET /admin/users`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let options = scope_options(&state, &tr).await?;
    let mut rows = Vec::new();
    for u in users::list(&state.db).await? {
        let grants = users::grants_of(&state.db, u.id)
            .await?
            .iter()
            .map(|g| grant_label(&tr, g, &options))
            .collect();
        rows.push(UserRow { user: u, grants });
    }
    let list = listing(
        &tr,
        "/admin/users",
        &[],
        &query,
        rows,
        |r| {
            let mut t = vec![r.user.username.as_str(), r.user.display_name.as_str()];
            t.extend(r.grants.iter().map(String::as_str));
            t
        },
        &[
            ("username", |a, b| a.user.username.cmp(&b.user.username)),
            ("display_name", |a, b| a.user.display_name.cmp(&b.user.display_name)),
        ],
    )?;
    render::page(&ListPage { layout: Layout::new(&state, &ctx, "users.title"), list })
}

/// `GET /admin/users/export.xlsx`.
/// All accounts with their roles, as .xlsx (no password material, ever).
pub async fn export(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let options = scope_options(&state, &tr).await?;
    let mut rows = Vec::new();
    for u in users::list(&state.db).await? {
        let grants: Vec<String> = users::grants_of(&state.db, u.id)
            .await?
            .iter()
            .map(|g| grant_label(&tr, g, &options))
            .collect();
        rows.push(vec![
            Cell::from(u.username.as_str()),
            u.display_name.as_str().into(),
            grants.join("；").into(),
            tr.t(if u.active { "common.yes" } else { "common.no" }).into(),
        ]);
    }
    let headers =
        ["field.username", "field.display_name", "field.role", "field.active"].map(|k| tr.t(k));
    export::xlsx(tr.t("users.title"), tr.t("users.title"), &headers, &rows)
}

#[derive(Template)]
#[template(path = "admin/user_form.html")]
struct FormPage {
    layout: Layout,
    action: String,
    is_new: bool,
    username: String,
    display_name: String,
    active: bool,
    /// A system's account: no password, API tokens.
    service: bool,
    /// (role, scope token) per row; blank rows let the admin add grants.
    grants: Vec<(String, String)>,
    roles: Vec<(&'static str, String)>,
    scopes: Vec<ScopeOption>,
    error: Option<String>,
    secret: Option<Secret>,
    /// A service account's tokens (none for a person's account).
    tokens: Vec<tokens::TokenRow>,
    /// The token form as typed, and its refusal, when issuing failed.
    token_form: tokens::TokenInput,
    token_error: Option<String>,
    /// A service account's change hook, in words (none set: `None`).
    hook: Option<hooks::HookRow>,
    /// The hook's address as typed, and its refusal, when setting it failed.
    hook_form: hooks::HookInput,
    hook_error: Option<String>,
}

/// A secret shown once on the account's page: a person's one-time password, a system's new
/// API token, or its change hook's new signing secret.
pub enum Secret {
    Password(String),
    Token(String),
    Hook(String),
}

/// A form of the account's page that issues a secret, as typed.
pub enum Typed {
    Token(tokens::TokenInput),
    Hook(hooks::HookInput),
}

/// A form of the account's page that was refused: what was typed, and why.
pub struct Refused<'a>(Typed, &'a WebError);

/// The account's page after a form that issues a secret: the secret shown once, or the form as
/// typed with its refusal.
async fn after_secret(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    done: Result<Secret, WebError>,
    typed: Typed,
) -> Result<Response, WebError> {
    let u = users::get(&state.db, id).await?;
    match done {
        Ok(secret) => saved_page(state, ctx, &u, Some(secret), None).await,
        Err(e) if e.is_correctable() => {
            let page = saved_page(state, ctx, &u, None, Some(Refused(typed, &e))).await?;
            Ok((e.status(), page).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    title: &str,
    action: String,
    fields: UserFields,
    error: Option<&WebError>,
    secret: Option<Secret>,
) -> Result<FormPage, WebError> {
    let tr = ctx.tr();
    let mut grants = fields.grants;
    while grants.len() < 3 {
        grants.push((String::new(), String::new()));
    }
    Ok(FormPage {
        layout: Layout::new(state, ctx, title),
        is_new: action == "/admin/users",
        action,
        username: fields.username,
        display_name: fields.display_name,
        active: fields.active,
        grants,
        roles: Role::ALL
            .iter()
            .map(|r| (r.as_str(), tr.t(&format!("role.{}", r.as_str())).to_owned()))
            .collect(),
        scopes: scope_options(state, &tr).await?,
        error: error.map(|e| e.message(&tr)),
        secret,
        tokens: match fields.id {
            Some(id) if fields.service => {
                tokens::rows(&tr, yizhan_store::admin::api_tokens::of_user(&state.db, id).await?)
            }
            _ => Vec::new(),
        },
        hook: match fields.id {
            Some(id) if fields.service => yizhan_store::admin::event_hooks::of_user(&state.db, id)
                .await?
                .map(|h| hooks::HookRow::of(&tr, h)),
            _ => None,
        },
        service: fields.service,
        token_form: tokens::TokenInput::default(),
        token_error: None,
        hook_form: hooks::HookInput::default(),
        hook_error: None,
    })
}

/// The user form, read from repeated `role`/`scope` pairs.
#[derive(Default)]
pub struct UserFields {
    /// The saved account's id (none on the new form).
    pub id: Option<i64>,
    pub username: String,
    pub display_name: String,
    pub active: bool,
    /// `kind=service` on the new form: a system's account.
    pub service: bool,
    pub grants: Vec<(String, String)>,
}

impl UserFields {
    fn from_pairs(pairs: Vec<(String, String)>) -> UserFields {
        let mut f = UserFields::default();
        let mut roles = Vec::new();
        let mut scopes = Vec::new();
        for (k, v) in pairs {
            match k.as_str() {
                "username" => f.username = v,
                "display_name" => f.display_name = v,
                "active" => f.active = v == "true" || v == "on",
                "kind" => f.service = v == "service",
                "role" => roles.push(v),
                "scope" => scopes.push(v),
                _ => {}
            }
        }
        f.grants = roles.into_iter().zip(scopes).collect();
        f
    }
}

/// Validates the grants and checks each scope exists; blank rows are skipped.
pub async fn validate_grants(
    state: &AppState,
    rows: &[(String, String)],
) -> Result<Vec<Grant>, WebError> {
    let mut out = Vec::new();
    for (role, scope) in rows.iter().filter(|(r, _)| !r.trim().is_empty()) {
        let g = parse_grant(role, scope)?;
        check_scope_exists(state, &g).await?;
        if !out.contains(&g) {
            out.push(g);
        }
    }
    if out.is_empty() {
        return Err(WebError::Rule { field: Some("role".into()), key: "error.role_required" });
    }
    Ok(out)
}

/// `GET /admin/users/new`.
pub async fn new_form(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let fields = UserFields { active: true, ..Default::default() };
    render::page(
        &form_page(&state, &ctx, "users.new", "/admin/users".into(), fields, None, None).await?,
    )
}

/// Creates a person's account with a one-time password they must change at first login, or
/// (`service`) a system's account with no password (`None`), which calls the API with tokens.
pub async fn create_user(
    state: &AppState,
    actor: &Actor,
    username: &str,
    display_name: &str,
    grants: &[Grant],
    service: bool,
) -> Result<(User, Option<String>), WebError> {
    let username = normalise_username(username)?;
    let display_name = required_text(display_name, 30).on("display_name")?;
    if service {
        let new = NewUser {
            username: &username,
            display_name: &display_name,
            password_hash: "",
            must_change_password: false,
            grants,
        };
        return Ok((users::create_service(&state.db, actor, &new).await?, None));
    }
    let password = generate_password();
    let hash = state.hasher.hash(&password).await?;
    let user = users::create(
        &state.db,
        actor,
        &NewUser {
            username: &username,
            display_name: &display_name,
            password_hash: &hash,
            must_change_password: true,
            grants,
        },
    )
    .await?;
    Ok((user, Some(password)))
}

/// `POST /admin/users`.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    FormBody(pairs): FormBody<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let fields = UserFields::from_pairs(pairs);
    let actor = Actor::from(ctx.user()?);
    let result = async {
        let grants = validate_grants(&state, &fields.grants).await?;
        create_user(&state, &actor, &fields.username, &fields.display_name, &grants, fields.service)
            .await
    }
    .await;
    match result {
        Ok((user, password)) => {
            saved_page(&state, &ctx, &user, password.map(Secret::Password), None).await
        }
        Err(e) if e.is_correctable() => {
            let page =
                form_page(&state, &ctx, "users.new", "/admin/users".into(), fields, Some(&e), None)
                    .await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn fields_of(state: &AppState, u: &User) -> Result<UserFields, WebError> {
    Ok(UserFields {
        id: Some(u.id),
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        active: u.active,
        service: u.service,
        grants: users::grants_of(&state.db, u.id)
            .await?
            .iter()
            .map(|g| (g.role.as_str().to_owned(), g.scope.token()))
            .collect(),
    })
}

/// The edit page of a saved user, optionally with the secret just issued, or with the token
/// form as typed and its refusal.
async fn saved_page(
    state: &AppState,
    ctx: &Ctx,
    u: &User,
    secret: Option<Secret>,
    refused: Option<Refused<'_>>,
) -> Result<Response, WebError> {
    let fields = fields_of(state, u).await?;
    let action = format!("/admin/users/{}", u.id);
    let mut page = form_page(state, ctx, "users.edit", action, fields, None, secret).await?;
    match refused {
        Some(Refused(Typed::Token(f), e)) => {
            page.token_form = f;
            page.token_error = Some(e.message(&ctx.tr()));
        }
        Some(Refused(Typed::Hook(f), e)) => {
            page.hook_form = f;
            page.hook_error = Some(e.message(&ctx.tr()));
        }
        None => {}
    }
    render::page(&page)
}

/// `GET /admin/users/{id}`.
pub async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let u = users::get(&state.db, id).await?;
    saved_page(&state, &ctx, &u, None, None).await
}

/// Updates name, status and grants; shared with the API.
pub async fn update_user(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    display_name: &str,
    active: bool,
    grant_rows: &[(String, String)],
) -> Result<User, WebError> {
    let p = ctx.user()?;
    let display_name = required_text(display_name, 30).on("display_name")?;
    let grants = validate_grants(state, grant_rows).await?;
    if id == p.user_id && (!active || !grants.iter().any(|g| g.role == Role::Admin)) {
        // Locking yourself out of administration is never what was meant.
        return Err(WebError::Rule {
            field: Some("active".into()),
            key: "error.cannot_demote_self",
        });
    }
    Ok(users::update(&state.db, &Actor::from(p), id, &display_name, active, &grants).await?)
}

/// `POST /admin/users/{id}`.
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(pairs): FormBody<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let existing = users::get(&state.db, id).await?;
    let mut fields = UserFields::from_pairs(pairs);
    fields.username = existing.username.clone();
    let result =
        update_user(&state, &ctx, id, &fields.display_name, fields.active, &fields.grants).await;
    match result {
        Ok(u) => saved_page(&state, &ctx, &u, None, None).await,
        Err(e) if e.is_correctable() => {
            let page = form_page(
                &state,
                &ctx,
                "users.edit",
                format!("/admin/users/{id}"),
                fields,
                Some(&e),
                None,
            )
            .await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `POST /admin/users/{id}/password`.
/// Issues a new one-time password; all the user's sessions end.
pub async fn reset_password(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let u = users::get(&state.db, id).await?;
    if u.service {
        // A system has no password to reset: it has tokens.
        return Err(WebError::Rule { field: None, key: "error.service_no_password" });
    }
    let password = generate_password();
    let hash = state.hasher.hash(&password).await?;
    users::set_password(&state.db, &Actor::from(ctx.user()?), id, &hash, true, None).await?;
    saved_page(&state, &ctx, &u, Some(Secret::Password(password)), None).await
}
