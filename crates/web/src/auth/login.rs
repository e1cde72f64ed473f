//! Signing in and out, shared by the login page and the API.

use yizhan_core::access::{Actor, Principal};
use yizhan_core::admin::account::{
    THROTTLE_WINDOW, check_password, is_throttled, normalise_username,
};
use yizhan_store::admin::audit::{self, Entry};
use yizhan_store::{admin::login_attempts, admin::sessions, admin::users};

use crate::auth::password::random_token;
use crate::auth::refusals::Refusal;
use crate::error::WebError;
use crate::state::AppState;

pub struct SignedIn {
    pub token: String,
    pub csrf: String,
    pub principal: Principal,
}

/// Unknown user, wrong password and inactive account all give the same answer. Failures are
/// counted per name and per client (`account::is_throttled` decides); each refusal is tallied
/// for the client's summarised audit entry instead of a row of its own.
pub async fn sign_in(
    state: &AppState,
    client: std::net::IpAddr,
    username: &str,
    password: &str,
) -> Result<SignedIn, WebError> {
    let wrong = WebError::Rule { field: None, key: "error.login_failed" };
    // A malformed name cannot exist; it still costs a hash so that timing says nothing, and is
    // throttled like any other. Its control characters are replaced before it reaches the
    // attempts table and the audit log: PostgreSQL cannot hold a NUL (a 500 there; found by API
    // fuzzing).
    let name = normalise_username(username).unwrap_or_else(|_| {
        let t = username.trim().to_lowercase();
        t.chars().map(|c| if c.is_control() { '\u{FFFD}' } else { c }).collect()
    });
    let now = yizhan_store::db::now();
    let since = now - THROTTLE_WINDOW;
    let client_key = client.to_string();
    let name_failures = login_attempts::failures_since(&state.db, &name, since).await?;
    let client_failures =
        login_attempts::client_failures_since(&state.db, &client_key, since).await?;
    if is_throttled(name_failures, client_failures) {
        state.refusals.note(Refusal::LoginThrottled, client, &name, now);
        return Err(WebError::Throttled);
    }
    let user = users::find_by_username(&state.db, &name).await?;
    // A service account never signs in with a password (it has none: `users::SERVICE_HASH`).
    let hash = user.as_ref().filter(|u| u.active && !u.service).map(|u| u.password_hash.as_str());
    let ok = state.hasher.verify(password, hash).await?;
    login_attempts::record(&state.db, &name, &client_key, ok).await?;
    let (true, Some(user)) = (ok, user) else {
        state.refusals.note(Refusal::LoginFailed, client, &name, now);
        return Err(wrong);
    };
    // A new token at every login: a token planted before login is worthless (session fixation).
    let token = random_token();
    let csrf = random_token();
    sessions::create(&state.db, &token, user.id, &csrf).await?;
    let principal = users::principal(&state.db, &user).await?;
    audit::record(&state.db, &Actor::from(&principal), Entry::new("login.ok", "user", user.id))
        .await?;
    Ok(SignedIn { token, csrf, principal })
}

pub async fn sign_out(
    state: &AppState,
    principal: &Principal,
    session_hash: &str,
) -> Result<(), WebError> {
    sessions::delete(&state.db, session_hash).await?;
    audit::record(
        &state.db,
        &Actor::from(principal),
        Entry::new("logout", "user", principal.user_id),
    )
    .await?;
    Ok(())
}

/// Changes the signed-in user's password after checking the current one.
pub async fn change_password(
    state: &AppState,
    principal: &Principal,
    session_hash: &str,
    current: &str,
    new: &str,
    repeat: &str,
) -> Result<(), WebError> {
    let user = users::get(&state.db, principal.user_id).await?;
    if !state.hasher.verify(current, Some(&user.password_hash)).await? {
        return Err(WebError::Rule {
            field: Some("current".into()),
            key: "error.current_password_wrong",
        });
    }
    if new != repeat {
        return Err(WebError::Rule { field: Some("repeat".into()), key: "error.passwords_differ" });
    }
    if new == current {
        return Err(WebError::Rule { field: Some("new".into()), key: "error.password_unchanged" });
    }
    check_password(new, &user.username).map_err(|e| match WebError::from(e) {
        WebError::Invalid { text, .. } => WebError::invalid("new", text),
        WebError::Rule { key, .. } => WebError::Rule { field: Some("new".into()), key },
        other => other,
    })?;
    let hash = state.hasher.hash(new).await?;
    users::set_password(
        &state.db,
        &Actor::from(principal),
        user.id,
        &hash,
        false,
        Some(session_hash),
    )
    .await?;
    Ok(())
}
