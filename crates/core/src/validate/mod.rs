//! Pure validation of the identifiers and values a station worker types in.
//!
//! Every `parse_*` function takes raw user input, normalises it (trimming,
//! upper-casing, folding full-width characters produced by Chinese input
//! methods) and returns either the normalised value or an [`Invalid`]
//! describing what is wrong. Nothing here knows which form field is being
//! validated: callers attach the field name when they present the error.

use std::fmt;

pub mod date;
pub mod id_card;
pub mod number;
pub mod phone;
pub mod plate;
pub mod temperature;
pub mod text;
pub mod travel_doc;
pub mod uscc;

pub use crate::station::guest::parse_optional_date;
pub use id_card::{IdCard, Sex, parse_id_card, with_check_digit};
pub use number::{parse_choice, parse_int, parse_local_datetime};
pub use phone::{Phone, PhoneRegion, parse_phone};
pub use plate::{parse_hk_plate, parse_plate};
pub use temperature::{Tenths, parse_temperature, temperature_from_f64};
pub use text::{optional_text, required_text};
pub use travel_doc::{DocType, parse_document};
pub use uscc::{parse_uscc, with_check_char};

/// Why a value was rejected. Field-agnostic on purpose: the caller knows the
/// field ("证件号码", "联系电话", …) and prefixes it to the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    /// Nothing left after trimming.
    Empty,
    /// More than `max` characters (Unicode scalar values, not bytes).
    TooLong { max: usize },
    /// Fewer than `min` characters.
    TooShort { min: usize },
    /// Must be exactly `expected` characters.
    BadLength { expected: usize },
    /// Contains a character that can never appear in this kind of value.
    BadChars { found: char },
    /// The characters are allowed but not in this arrangement. `hint` is a
    /// language-neutral example of a valid value, so it fits both messages.
    BadFormat { hint: &'static str },
    /// The check character does not match the rest of the value.
    BadChecksum { expected: char },
    /// Not a real calendar date (e.g. 1999-02-30).
    BadDate,
    /// A date (e.g. of birth) that lies after today.
    FutureDate,
    /// Unknown region / province code.
    BadRegion,
    /// Outside the inclusive range `min..=max` (already formatted for display).
    OutOfRange { min: String, max: String },
    /// More fractional digits than allowed.
    TooManyDecimals { max: u8 },
}

impl Invalid {
    /// Message for station workers, in Chinese, without the field name.
    pub fn message_zh(&self) -> String {
        match self {
            Invalid::Empty => "不能为空".to_owned(),
            Invalid::TooLong { max } => format!("不能超过 {max} 个字符"),
            Invalid::TooShort { min } => format!("至少需要 {min} 个字符"),
            Invalid::BadLength { expected } => format!("长度应为 {expected} 位"),
            Invalid::BadChars { found } => format!("包含不允许的字符：{}", show_char(*found)),
            Invalid::BadFormat { hint } => format!("格式不正确，正确示例：{hint}"),
            // The expected check character is shown, but the worker is told
            // to re-check the whole number: a typo in the body also produces
            // this error, and "fixing" only the last character would turn a
            // wrong number into a wrong-but-valid one.
            Invalid::BadChecksum { expected } => {
                format!("校验位错误，按前面各位计算应为 {expected}，请核对整个号码")
            }
            Invalid::BadDate => "日期无效".to_owned(),
            Invalid::FutureDate => "日期不能晚于今天".to_owned(),
            Invalid::BadRegion => "地区（省份）代码无效".to_owned(),
            Invalid::OutOfRange { min, max } => format!("应在 {min} 至 {max} 之间"),
            Invalid::TooManyDecimals { max } => format!("最多保留 {max} 位小数"),
        }
    }

    /// Message in English, without the field name. Also used for `Display`.
    pub fn message_en(&self) -> String {
        match self {
            Invalid::Empty => "must not be empty".to_owned(),
            Invalid::TooLong { max } => format!("must be at most {max} characters"),
            Invalid::TooShort { min } => format!("must be at least {min} characters"),
            Invalid::BadLength { expected } => format!("must be exactly {expected} characters"),
            Invalid::BadChars { found } => {
                format!("contains a character that is not allowed: {}", show_char(*found))
            }
            Invalid::BadFormat { hint } => {
                format!("invalid format, expected something like {hint}")
            }
            Invalid::BadChecksum { expected } => format!(
                "check character is wrong (the other characters give {expected}); \
                 please re-check the whole number"
            ),
            Invalid::BadDate => "not a valid date".to_owned(),
            Invalid::FutureDate => "date cannot be in the future".to_owned(),
            Invalid::BadRegion => "unknown region code".to_owned(),
            Invalid::OutOfRange { min, max } => format!("must be between {min} and {max}"),
            Invalid::TooManyDecimals { max } => {
                let s = if *max == 1 { "" } else { "s" };
                format!("at most {max} decimal place{s} allowed")
            }
        }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_en())
    }
}

/// Quote a character for an error message. Invisible characters (controls,
/// whitespace, formatting marks) are shown as `U+XXXX` because printing them
/// raw would leave the worker staring at an apparently empty quote.
fn show_char(c: char) -> String {
    if c.is_control() || c.is_whitespace() || is_invisible_format(c) {
        format!("U+{:04X}", u32::from(c))
    } else {
        format!("“{c}”")
    }
}

/// Bidirectional-override and similar formatting characters that render as
/// nothing but can reorder surrounding text on screen.
pub(crate) fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Map full-width ASCII forms (U+FF01..U+FF5E) and the ideographic space to
/// their ASCII equivalents. Chinese input methods in full-width mode produce
/// "１３８…" or "Ａ１２３４５６（３）", which are the same value to a human.
pub(crate) fn fold_fullwidth(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Normalisation shared by the identifier parsers: fold full-width forms,
/// drop all whitespace (numbers are often copied with grouping spaces) and
/// upper-case ASCII letters.
pub(crate) fn normalise_code(s: &str) -> String {
    s.chars()
        .map(fold_fullwidth)
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_english_message() {
        let all = [
            Invalid::Empty,
            Invalid::TooLong { max: 5 },
            Invalid::TooShort { min: 5 },
            Invalid::BadLength { expected: 18 },
            Invalid::BadChars { found: 'q' },
            Invalid::BadFormat { hint: "A123456(3)" },
            Invalid::BadChecksum { expected: 'X' },
            Invalid::BadDate,
            Invalid::FutureDate,
            Invalid::BadRegion,
            Invalid::OutOfRange { min: "34.0".into(), max: "43.0".into() },
            Invalid::TooManyDecimals { max: 1 },
        ];
        for e in all {
            assert_eq!(e.to_string(), e.message_en());
            assert!(!e.message_zh().is_empty());
        }
    }

    #[test]
    fn messages_carry_details() {
        let e = Invalid::BadChecksum { expected: 'X' };
        assert!(e.message_zh().contains("应为 X"));
        assert!(e.message_en().contains('X'));
        assert_eq!(Invalid::TooLong { max: 20 }.message_zh(), "不能超过 20 个字符");
        assert_eq!(
            Invalid::OutOfRange { min: "34.0".into(), max: "43.0".into() }.message_en(),
            "must be between 34.0 and 43.0"
        );
        assert_eq!(
            Invalid::TooManyDecimals { max: 1 }.message_en(),
            "at most 1 decimal place allowed"
        );
        assert_eq!(
            Invalid::TooManyDecimals { max: 2 }.message_en(),
            "at most 2 decimal places allowed"
        );
        assert!(Invalid::BadFormat { hint: "H12345678" }.message_zh().contains("H12345678"));
    }

    #[test]
    fn invisible_chars_are_shown_as_code_points() {
        assert!(Invalid::BadChars { found: '\u{7}' }.message_en().ends_with("U+0007"));
        assert!(Invalid::BadChars { found: '\u{202E}' }.message_zh().ends_with("U+202E"));
        assert!(Invalid::BadChars { found: '#' }.message_zh().ends_with("“#”"));
    }

    #[test]
    fn fullwidth_folding() {
        assert_eq!(normalise_code("１３８ ００１３\u{3000}８０００"), "13800138000");
        assert_eq!(normalise_code("ａ１２３４５６（３）"), "A123456(3)");
        assert_eq!(normalise_code(" x "), "X");
        assert_eq!(fold_fullwidth('张'), '张');
    }
}
