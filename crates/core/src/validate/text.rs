//! Free-text fields (names, addresses, remarks).

use super::{Invalid, is_invisible_format};

/// Characters never accepted in stored text: all C0/C1 controls (including
/// newline and tab — these are single-line fields, and stray control
/// characters break CSV exports and printed forms) and invisible
/// bidirectional-override marks, which can make a stored value display
/// differently from what it contains.
fn forbidden(c: char) -> bool {
    c.is_control() || is_invisible_format(c)
}

/// Trim `s` and require 1..=`max_chars` characters.
///
/// Length is counted in Unicode scalar values, not bytes, so "张三" is 2
/// characters (not 6) and a limit matches what the worker sees on screen.
pub fn required_text(s: &str, max_chars: usize) -> Result<String, Invalid> {
    let t = s.trim();
    if t.is_empty() {
        return Err(Invalid::Empty);
    }
    if let Some(c) = t.chars().find(|&c| forbidden(c)) {
        return Err(Invalid::BadChars { found: c });
    }
    if t.chars().count() > max_chars {
        return Err(Invalid::TooLong { max: max_chars });
    }
    Ok(t.to_owned())
}

/// Like [`required_text`], but blank input (empty or whitespace only) is
/// `Ok(None)` instead of an error, so optional fields can be left empty.
pub fn optional_text(s: &str, max_chars: usize) -> Result<Option<String>, Invalid> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    required_text(s, max_chars).map(Some)
}

/// Like [`optional_text`] for text of several lines (a notice): line breaks are kept (CRLF
/// read as LF), every other control character refused; at most `max_chars` characters.
pub fn optional_lines(s: &str, max_chars: usize) -> Result<Option<String>, Invalid> {
    let t = s.replace("\r\n", "\n");
    let t = t.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if let Some(c) = t.chars().find(|&c| c != '\n' && forbidden(c)) {
        return Err(Invalid::BadChars { found: c });
    }
    if t.chars().count() > max_chars {
        return Err(Invalid::TooLong { max: max_chars });
    }
    Ok(Some(t.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_keep_their_breaks_and_nothing_else() {
        assert_eq!(
            optional_lines(" 早餐 7:30\r\n晚餐 17:30 ", 20).unwrap().as_deref(),
            Some("早餐 7:30\n晚餐 17:30")
        );
        assert_eq!(optional_lines(" \n ", 20), Ok(None));
        assert_eq!(optional_lines("a\tb", 20), Err(Invalid::BadChars { found: '\t' }));
        assert_eq!(optional_lines("abc", 2), Err(Invalid::TooLong { max: 2 }));
    }

    #[test]
    fn required_good() {
        assert_eq!(required_text("  张三  ", 2).as_deref(), Ok("张三"));
        assert_eq!(required_text("Chan Tai Man", 12).as_deref(), Ok("Chan Tai Man"));
        assert_eq!(
            required_text("\u{3000}深圳市福田区\u{3000}", 10).as_deref(),
            Ok("深圳市福田区")
        );
        assert_eq!(required_text("a", 1).as_deref(), Ok("a"));
        // Emoji with ZWJ are allowed (zero-width joiner is not a control).
        assert_eq!(required_text("👩\u{200D}⚕️", 10).as_deref(), Ok("👩\u{200D}⚕️"));
    }

    #[test]
    fn required_bad() {
        let cases = [
            ("", 10, Invalid::Empty),
            (" \t\n ", 10, Invalid::Empty),
            ("\u{3000}", 10, Invalid::Empty),
            ("欧阳娜娜", 3, Invalid::TooLong { max: 3 }),
            ("abcd", 3, Invalid::TooLong { max: 3 }),
            ("line1\nline2", 20, Invalid::BadChars { found: '\n' }),
            ("a\tb", 20, Invalid::BadChars { found: '\t' }),
            ("a\u{0}b", 20, Invalid::BadChars { found: '\u{0}' }),
            ("a\u{7f}b", 20, Invalid::BadChars { found: '\u{7f}' }),
            ("a\u{85}b", 20, Invalid::BadChars { found: '\u{85}' }),
            ("abc\u{202E}def", 20, Invalid::BadChars { found: '\u{202E}' }),
        ];
        for (input, max, want) in cases {
            assert_eq!(required_text(input, max), Err(want), "{input:?}");
        }
    }

    #[test]
    fn counts_chars_not_bytes() {
        // 3 chars, 9 bytes.
        assert!(required_text("张三卫", 3).is_ok());
        assert_eq!(required_text("张三卫", 2), Err(Invalid::TooLong { max: 2 }));
    }

    #[test]
    fn optional() {
        assert_eq!(optional_text("", 5), Ok(None));
        assert_eq!(optional_text("   ", 5), Ok(None));
        assert_eq!(optional_text(" hi ", 5), Ok(Some("hi".to_owned())));
        assert_eq!(optional_text("toolong", 5), Err(Invalid::TooLong { max: 5 }));
        assert_eq!(optional_text("a\u{1b}b", 5), Err(Invalid::BadChars { found: '\u{1b}' }));
    }
}
