//! Cookie names, parsing and `Set-Cookie` values.

use axum::http::HeaderMap;
use axum::http::header::COOKIE;

pub const SESSION: &str = "yz_session";
/// Anti-CSRF token for requests made before login (the login form itself).
pub const ANON_CSRF: &str = "yz_csrf";
pub const LANG: &str = "yz_lang";
/// A wall board's display token (a TV has no login).
pub const BOARD: &str = "yz_board";
/// Set with the redirect after a form was saved; the next page shows "saved" once and clears
/// it. It says nothing about what was saved.
pub const SAVED: &str = "yz_saved";

pub fn get(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// HttpOnly always; `Secure` when the deployment is behind TLS.
pub fn set(
    name: &str,
    value: &str,
    max_age_secs: Option<i64>,
    secure: bool,
    strict: bool,
) -> String {
    let mut c = format!(
        "{name}={value}; Path=/; HttpOnly; SameSite={}",
        if strict { "Strict" } else { "Lax" }
    );
    if let Some(age) = max_age_secs {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

/// The session cookie: a browser-session cookie (no Max-Age), the server enforces expiry.
pub fn session(token: &str, secure: bool) -> String {
    set(SESSION, token, None, secure, false)
}

pub fn clear(name: &str, secure: bool) -> String {
    set(name, "", Some(0), secure, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn parses_and_formats() {
        let mut h = HeaderMap::new();
        h.insert(COOKIE, HeaderValue::from_static("a=1; yz_session=abc; yz_lang=en"));
        assert_eq!(get(&h, SESSION).as_deref(), Some("abc"));
        assert_eq!(get(&h, LANG).as_deref(), Some("en"));
        assert_eq!(get(&h, "none"), None);
        let c = set(SESSION, "t", Some(60), true, false);
        assert_eq!(c, "yz_session=t; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; Secure");
    }
}
