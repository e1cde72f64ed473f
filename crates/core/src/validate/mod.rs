//! Pure validation of the identifiers and values a station worker types in.
//!
//! Every `parse_*` function takes raw user input, normalises it (trimming,
//! upper-casing, folding full-width characters produced by Chinese input
//! methods) and returns either the normalised value or an [`Invalid`]
//! describing what is wrong. Nothing here knows which form field is being
//! validated: callers attach the field name when they present the error.

use std::fmt;

use crate::text::Text;

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
    /// What is wrong, for people, without the field name: a key under `invalid.` in the locale
    /// files with the details as arguments.
    pub fn text(&self) -> Text {
        match self {
            Invalid::Empty => Text::new("invalid.empty"),
            Invalid::TooLong { max } => Text::new("invalid.too_long").with("max", max),
            Invalid::TooShort { min } => Text::new("invalid.too_short").with("min", min),
            Invalid::BadLength { expected } => {
                Text::new("invalid.bad_length").with("expected", expected)
            }
            Invalid::BadChars { found } => {
                Text::new("invalid.bad_chars").with("found", show_char(*found))
            }
            Invalid::BadFormat { hint } => Text::new("invalid.bad_format").with("hint", hint),
            // The expected check character is shown, but the worker is told to re-check the
            // whole number: a typo in the body also produces this error, and "fixing" only the
            // last character would turn a wrong number into a wrong-but-valid one.
            Invalid::BadChecksum { expected } => {
                Text::new("invalid.bad_checksum").with("expected", expected)
            }
            Invalid::BadDate => Text::new("invalid.bad_date"),
            Invalid::FutureDate => Text::new("invalid.future_date"),
            Invalid::BadRegion => Text::new("invalid.bad_region"),
            Invalid::OutOfRange { min, max } => {
                Text::new("invalid.out_of_range").with("min", min).with("max", max)
            }
            Invalid::TooManyDecimals { max: 1 } => Text::new("invalid.one_decimal").with("max", 1),
            Invalid::TooManyDecimals { max } => {
                Text::new("invalid.too_many_decimals").with("max", max)
            }
        }
    }
}

/// For logs and developers: the message's key and arguments.
impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.text().fmt(f)
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
    fn every_problem_has_its_key_and_details() {
        let t = Invalid::BadChecksum { expected: 'X' }.text();
        assert_eq!((t.key, t.arg("expected")), ("invalid.bad_checksum", Some("X")));
        assert_eq!(Invalid::TooLong { max: 20 }.to_string(), "invalid.too_long{max=20}");
        let t = Invalid::OutOfRange { min: "34.0".into(), max: "43.0".into() }.text();
        assert_eq!(
            (t.key, t.arg("min"), t.arg("max")),
            ("invalid.out_of_range", Some("34.0"), Some("43.0"))
        );
        assert_eq!(Invalid::TooManyDecimals { max: 1 }.text().key, "invalid.one_decimal");
        assert_eq!(Invalid::TooManyDecimals { max: 2 }.text().key, "invalid.too_many_decimals");
        assert_eq!(Invalid::BadFormat { hint: "H12345678" }.text().arg("hint"), Some("H12345678"));
        assert_eq!(Invalid::Empty.text().key, "invalid.empty");
    }

    #[test]
    fn invisible_chars_are_shown_as_code_points() {
        let found = |c| Invalid::BadChars { found: c }.text().arg("found").map(str::to_owned);
        assert_eq!(found('\u{7}').as_deref(), Some("U+0007"));
        assert_eq!(found('\u{202E}').as_deref(), Some("U+202E"));
        assert_eq!(found('#').as_deref(), Some("“#”"));
    }

    #[test]
    fn fullwidth_folding() {
        assert_eq!(normalise_code("１３８ ００１３\u{3000}８０００"), "13800138000");
        assert_eq!(normalise_code("ａ１２３４５６（３）"), "A123456(3)");
        assert_eq!(normalise_code(" x "), "X");
        assert_eq!(fold_fullwidth('张'), '张');
    }
}
