//! The room card's link to a guest's own page (issue 20): no account and no password, so the
//! link is the secret, and a browser opening it for the first time proves itself with the last
//! four characters of the guest's document; a run of wrong answers locks the link a while.

use chrono::{DateTime, Duration, Utc};

use crate::error::{DomainError, OnField};
use crate::validate::Invalid;

/// Wrong answers in a row before the second factor is locked.
pub const FAILURES_BEFORE_LOCK: i64 = 5;

/// How long a locked second factor stays locked.
pub const LOCK_MINUTES: i64 = 15;

/// The four characters typed, as compared: trimmed, full-width letters and digits folded, upper
/// case. Refused unless exactly four letters or digits.
pub fn validate_last4(typed: &str) -> Result<String, DomainError> {
    let folded: String = typed
        .trim()
        .chars()
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
                char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c)
            }
            _ => c,
        })
        .collect::<String>()
        .to_uppercase();
    let n = folded.chars().count();
    if n == 0 {
        return Err(Invalid::Empty).on("last4");
    }
    if n != 4 {
        return Err(Invalid::BadLength { expected: 4 }).on("last4");
    }
    if let Some(c) = folded.chars().find(|c| !c.is_ascii_alphanumeric()) {
        return Err(Invalid::BadChars { found: c }).on("last4");
    }
    Ok(folded)
}

/// Whether `last4` (as [`validate_last4`] gives it) ends the document number. Compared over
/// every character, so the time taken does not say how many matched.
pub fn second_factor_ok(doc_number: &str, last4: &str) -> bool {
    let doc: Vec<char> = doc_number.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    if doc.len() < 4 {
        return false;
    }
    let tail: String = doc[doc.len() - 4..].iter().collect::<String>().to_uppercase();
    tail.bytes().zip(last4.bytes()).fold(0u8, |d, (a, b)| d | (a ^ b)) == 0 && last4.len() == 4
}

/// After a wrong answer: the failures so far, and until when the link is locked (if now).
pub fn after_failure(failures_before: i64, now: DateTime<Utc>) -> (i64, Option<DateTime<Utc>>) {
    let failures = failures_before + 1;
    if failures >= FAILURES_BEFORE_LOCK {
        (0, Some(now + Duration::minutes(LOCK_MINUTES)))
    } else {
        (failures, None)
    }
}

/// After a release the guest's page stays readable this long, for the certificate.
pub const AFTER_RELEASE_DAYS: i64 = 7;

/// What a card's link opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    /// The stay is open: the whole page.
    Open,
    /// Released within the last week: read only, with the certificate.
    Released,
    /// Revoked, replaced, or the stay ended otherwise (or a week after release): 已失效.
    Gone,
}

/// The state of a link revoked or not, of a stay ended at `ended_at` (`released`: as released).
pub fn link_state(
    revoked: bool,
    ended_at: Option<DateTime<Utc>>,
    released: bool,
    now: DateTime<Utc>,
) -> LinkState {
    match (revoked, ended_at) {
        (true, _) => LinkState::Gone,
        (false, None) => LinkState::Open,
        (false, Some(at)) if released && now < at + Duration::days(AFTER_RELEASE_DAYS) => {
            LinkState::Released
        }
        (false, Some(_)) => LinkState::Gone,
    }
}

/// The most a station's notice to its guests may say.
pub const NOTICE_MAX: usize = 1000;

/// A station's notice to its guests: optional, at most 1,000 characters.
pub fn validate_notice(text: &str) -> Result<String, DomainError> {
    let lines = crate::validate::text::optional_lines(text, NOTICE_MAX).on("guest_notice")?;
    Ok(lines.unwrap_or_default())
}

/// Whether a link locked until `locked_until` is still locked at `now`.
pub fn locked(locked_until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    locked_until.is_some_and(|t| now < t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_four_are_read_as_typed_on_a_phone() {
        assert_eq!(validate_last4(" 002x ").unwrap(), "002X");
        assert_eq!(validate_last4("\u{FF10}\u{FF10}\u{FF12}\u{FF38}").unwrap(), "002X");
        assert_eq!(validate_last4("").unwrap_err().field(), Some("last4"));
        assert!(matches!(
            validate_last4("12345"),
            Err(DomainError::Invalid { error: Invalid::BadLength { expected: 4 }, .. })
        ));
        assert!(matches!(
            validate_last4("12-4"),
            Err(DomainError::Invalid { error: Invalid::BadChars { found: '-' }, .. })
        ));
    }

    #[test]
    fn only_the_documents_own_tail_opens_the_page() {
        assert!(second_factor_ok("11010519491231002X", "002X"));
        assert!(second_factor_ok("A123456(3)", "4563"));
        assert!(second_factor_ok("H10000007", "0007"));
        assert!(!second_factor_ok("11010519491231002X", "0021"));
        assert!(!second_factor_ok("11010519491231002X", "102X"));
        assert!(!second_factor_ok("12", "0012"));
        assert!(!second_factor_ok("11010519491231002X", "02X"));
    }

    #[test]
    fn a_released_guest_reads_their_page_for_a_week() {
        let at = DateTime::parse_from_rfc3339("2026-12-06T10:00:00Z").unwrap().to_utc();
        assert_eq!(link_state(false, None, false, at), LinkState::Open);
        assert_eq!(link_state(true, None, false, at), LinkState::Gone);
        let later = at + Duration::days(6);
        assert_eq!(link_state(false, Some(at), true, later), LinkState::Released);
        assert_eq!(link_state(false, Some(at), true, at + Duration::days(7)), LinkState::Gone);
        assert_eq!(link_state(false, Some(at), false, later), LinkState::Gone, "sent to hospital");
        assert_eq!(link_state(true, Some(at), true, later), LinkState::Gone, "revoked by staff");
    }

    #[test]
    fn a_notice_is_optional_and_bounded() {
        assert_eq!(validate_notice("  ").unwrap(), "");
        assert_eq!(validate_notice(" 早餐 7:30\n晚餐 17:30 ").unwrap(), "早餐 7:30\n晚餐 17:30");
        let long = "字".repeat(NOTICE_MAX + 1);
        assert_eq!(validate_notice(&long).unwrap_err().field(), Some("guest_notice"));
    }

    #[test]
    fn five_wrong_answers_lock_the_link_for_a_while() {
        let now = DateTime::parse_from_rfc3339("2026-12-06T10:00:00Z").unwrap().to_utc();
        assert_eq!(after_failure(0, now), (1, None));
        assert_eq!(after_failure(3, now), (4, None));
        let (n, until) = after_failure(4, now);
        assert_eq!(n, 0);
        let until = until.unwrap();
        assert!(locked(Some(until), now + Duration::minutes(14)));
        assert!(!locked(Some(until), now + Duration::minutes(15)));
        assert!(!locked(None, now));
    }
}
