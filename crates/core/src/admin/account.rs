//! Account rules: user names, password policy, session lifetime, login throttling (docs/design.md §7).

use chrono::{DateTime, Duration, Utc};

use crate::error::{DomainError, OnField};
use crate::validate::Invalid;

/// Sessions end after 30 minutes without a request…
pub const SESSION_IDLE: Duration = Duration::minutes(30);
/// …and 12 hours after login, whatever happens.
pub const SESSION_ABSOLUTE: Duration = Duration::hours(12);
/// Failed logins are counted over this window, per user name and per client address.
pub const THROTTLE_WINDOW: Duration = Duration::minutes(15);
/// Five failures on a name lock it, but only for clients that have themselves been failing.
pub const THROTTLE_MAX_FAILURES: i64 = 5;
/// Failures one client may make in the window, over all names (password spraying).
pub const CLIENT_MAX_FAILURES: i64 = 20;

pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 128;

/// The most common passwords and obvious context words (ASVS 6.2.4 / 6.2.11).
const WEAK: &[&str] = &[
    "password",
    "passw0rd",
    "12345678",
    "123456789",
    "1234567890",
    "0123456789",
    "qwertyuiop",
    "1qaz2wsx3edc",
    "abcd1234",
    "iloveyou",
    "11111111",
    "00000000",
    "88888888",
    "66666666",
    "a123456789",
    "qwerty123",
    "password1",
    "password123",
    "admin123",
    "admin12345",
    "administrator",
    "yizhan",
    "yizhan123",
    "jiankangyizhan",
    "longgang",
    "shenzhen",
    "woaini1314",
    "1q2w3e4r5t",
    "zxcvbnm123",
    "aaaaaaaaaa",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    Valid,
    IdleExpired,
    AbsoluteExpired,
}

pub fn session_state(
    created: DateTime<Utc>,
    last_seen: DateTime<Utc>,
    now: DateTime<Utc>,
) -> SessionState {
    if now - created >= SESSION_ABSOLUTE {
        SessionState::AbsoluteExpired
    } else if now - last_seen >= SESSION_IDLE {
        SessionState::IdleExpired
    } else {
        SessionState::Valid
    }
}

/// Whether a login attempt may be tried, from the window's failures on the name (since its
/// last success) and from the client (over every name). A client spraying names is stopped
/// by its own count. A name under attack is locked only for clients that have been failing:
/// a stranger's five wrong passwords must not lock the owner out, who comes from a client
/// with no failures and still gets in with the right password.
pub fn is_throttled(name_failures: i64, client_failures: i64) -> bool {
    client_failures >= CLIENT_MAX_FAILURES
        || (name_failures >= THROTTLE_MAX_FAILURES && client_failures > 0)
}

/// User names are compared case-insensitively, so they are stored lower-case.
pub fn normalise_username(s: &str) -> Result<String, DomainError> {
    let t = s.trim().to_lowercase();
    if t.is_empty() {
        return Err(Invalid::Empty).on("username");
    }
    if t.chars().count() > 32 {
        return Err(Invalid::TooLong { max: 32 }).on("username");
    }
    if let Some(c) =
        t.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
    {
        return Err(Invalid::BadChars { found: c }).on("username");
    }
    Ok(t)
}

/// Length and a weak-password list; no composition rules (ASVS 6.2.5).
pub fn check_password(password: &str, username: &str) -> Result<(), DomainError> {
    let n = password.chars().count();
    if n < PASSWORD_MIN {
        return Err(Invalid::TooShort { min: PASSWORD_MIN }).on("password");
    }
    if n > PASSWORD_MAX {
        return Err(Invalid::TooLong { max: PASSWORD_MAX }).on("password");
    }
    let lower = password.to_lowercase();
    if WEAK.contains(&lower.as_str()) {
        return Err(DomainError::Rule { field: Some("password"), key: "error.password_common" });
    }
    if !username.is_empty() && lower.contains(&username.to_lowercase()) {
        return Err(DomainError::Rule {
            field: Some("password"),
            key: "error.password_has_username",
        });
    }
    Ok(())
}

/// Compares a secret (a token, a check code) with what a client sent in constant time over
/// the secret's length, so timing does not tell how many leading characters were right.
pub fn same_secret(secret: &str, sent: &str) -> bool {
    secret.len() == sent.len()
        && secret.bytes().zip(sent.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn session_idle_and_absolute_expiry() {
        let login = t("2026-01-01T00:00:00Z");
        assert_eq!(
            session_state(login, t("2026-01-01T08:00:00Z"), t("2026-01-01T08:29:59Z")),
            SessionState::Valid
        );
        assert_eq!(
            session_state(login, t("2026-01-01T08:00:00Z"), t("2026-01-01T08:30:00Z")),
            SessionState::IdleExpired
        );
        assert_eq!(
            session_state(login, t("2026-01-01T11:59:00Z"), t("2026-01-01T12:00:00Z")),
            SessionState::AbsoluteExpired
        );
    }

    #[test]
    fn throttle_per_name_and_per_client() {
        // The attacker's client, after five failures on the name: locked.
        assert!(!is_throttled(4, 4));
        assert!(is_throttled(5, 5));
        assert!(is_throttled(5, 1));
        // The owner, from a client that has not been failing: let through.
        assert!(!is_throttled(5, 0));
        assert!(!is_throttled(500, 0));
        // One client spraying many names, none of them five times: stopped by its count.
        assert!(!is_throttled(1, 19));
        assert!(is_throttled(1, 20));
        assert!(is_throttled(0, 20));
    }

    #[test]
    fn usernames() {
        assert_eq!(normalise_username(" Zhang.San ").unwrap(), "zhang.san");
        assert_eq!(normalise_username("").unwrap_err().field(), Some("username"));
        assert!(normalise_username("张三").is_err());
        assert!(normalise_username("a b").is_err());
        assert!(normalise_username(&"a".repeat(33)).is_err());
    }

    #[test]
    fn passwords() {
        assert!(check_password("correct horse battery", "lead").is_ok());
        assert!(check_password("short", "x").is_err());
        assert!(check_password(&"x".repeat(129), "u").is_err());
        assert!(check_password("长城长城长城长城长城", "u").is_ok());
        assert!(matches!(
            check_password("Password123", "u"),
            Err(DomainError::Rule { key: "error.password_common", .. })
        ));
        assert!(matches!(
            check_password("my-lead01-pass", "lead01"),
            Err(DomainError::Rule { key: "error.password_has_username", .. })
        ));
    }
}
