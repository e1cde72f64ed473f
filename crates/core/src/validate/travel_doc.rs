//! Travel and identity documents other than (and including) the mainland
//! identity card, dispatched by [`DocType`].

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Invalid, normalise_code, parse_id_card, required_text};

/// Kind of identity document presented by a visitor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocType {
    /// 居民身份证.
    IdCard,
    /// 港澳居民来往内地通行证 (回乡证).
    HkMacauPermit,
    /// 台湾居民来往大陆通行证 (台胞证).
    TaiwanPermit,
    /// Passport of any country.
    Passport,
    /// 香港身份证.
    HkId,
    /// Anything else; only basic text hygiene is checked.
    Other,
}

/// Longest number accepted for [`DocType::Other`]; generous, but bounded so a
/// pasted paragraph is rejected.
const OTHER_MAX: usize = 32;
const PASSPORT_MIN: usize = 5;
const PASSPORT_MAX: usize = 17;
const HK_MACAU_HINT: &str = "H12345678 / M1234567890";
const PASSPORT_HINT: &str = "E12345678";
const HKID_HINT: &str = "A123456(3)";

/// Validate a document number of the given type and return it normalised
/// (whitespace removed, upper-case; HKID always as `A123456(3)`).
/// `today` is needed because identity cards carry a birth date.
pub fn parse_document(doc: DocType, s: &str, today: NaiveDate) -> Result<String, Invalid> {
    match doc {
        DocType::IdCard => parse_id_card(s, today).map(|c| c.number),
        DocType::HkMacauPermit => parse_hk_macau_permit(s),
        DocType::TaiwanPermit => parse_taiwan_permit(s),
        DocType::Passport => parse_passport(s),
        DocType::HkId => parse_hkid(s),
        // Unknown formats: keep the worker's spelling, only trim and bound it.
        DocType::Other => required_text(s, OTHER_MAX),
    }
}

/// First character that is not an ASCII digit, if any.
fn first_non_digit(s: &str) -> Option<char> {
    s.chars().find(|c| !c.is_ascii_digit())
}

/// 回乡证: `H` (Hong Kong) or `M` (Macau) followed by 8 digits, or by 10
/// digits on older permits that carried a 2-digit renewal count.
fn parse_hk_macau_permit(s: &str) -> Result<String, Invalid> {
    let n = normalise_code(s);
    let Some(rest) = n.strip_prefix(['H', 'M']) else {
        return match n.chars().next() {
            None => Err(Invalid::Empty),
            Some(c) if c.is_ascii_alphanumeric() => Err(Invalid::BadFormat { hint: HK_MACAU_HINT }),
            Some(c) => Err(Invalid::BadChars { found: c }),
        };
    };
    if let Some(c) = first_non_digit(rest) {
        return Err(Invalid::BadChars { found: c });
    }
    // `rest` is ASCII digits only, so byte length equals char count.
    if rest.len() != 8 && rest.len() != 10 {
        return Err(Invalid::BadFormat { hint: HK_MACAU_HINT });
    }
    Ok(n)
}

/// 台胞证 (issued since 2015): exactly 8 digits.
fn parse_taiwan_permit(s: &str) -> Result<String, Invalid> {
    let n = normalise_code(s);
    if n.is_empty() {
        return Err(Invalid::Empty);
    }
    if let Some(c) = first_non_digit(&n) {
        return Err(Invalid::BadChars { found: c });
    }
    if n.len() != 8 {
        return Err(Invalid::BadLength { expected: 8 });
    }
    Ok(n)
}

/// Passport: 5–17 characters of A–Z / 0–9 (ICAO 9303 allows up to 9 in the
/// machine-readable zone, but some countries print longer numbers). At least
/// one digit is required so a surname typed into the wrong box is caught.
fn parse_passport(s: &str) -> Result<String, Invalid> {
    let n = normalise_code(s);
    if n.is_empty() {
        return Err(Invalid::Empty);
    }
    if let Some(c) = n.chars().find(|c| !(c.is_ascii_uppercase() || c.is_ascii_digit())) {
        return Err(Invalid::BadChars { found: c });
    }
    if n.len() < PASSPORT_MIN {
        return Err(Invalid::TooShort { min: PASSPORT_MIN });
    }
    if n.len() > PASSPORT_MAX {
        return Err(Invalid::TooLong { max: PASSPORT_MAX });
    }
    if !n.bytes().any(|b| b.is_ascii_digit()) {
        return Err(Invalid::BadFormat { hint: PASSPORT_HINT });
    }
    Ok(n)
}

/// HKID check character. `letters` are 1 or 2 upper-case ASCII letters,
/// `digits` 6 ASCII digits. A single-letter prefix is padded on the left with
/// a space worth 36, then the 8 values are weighted 9, 8, …, 2;
/// check = 11 − (sum mod 11), where 10 is written `A` and 11 is written `0`.
fn hkid_check(letters: &[u8], digits: &[u8]) -> char {
    let letter_value = |b: u8| u32::from(b - b'A') + 10;
    let mut values: Vec<u32> = Vec::with_capacity(8);
    if letters.len() == 1 {
        values.push(36);
    }
    values.extend(letters.iter().map(|&b| letter_value(b)));
    values.extend(digits.iter().map(|&b| u32::from(b - b'0')));
    let sum: u32 = values.iter().zip((2..=9u32).rev()).map(|(v, w)| v * w).sum();
    match 11 - sum % 11 {
        10 => 'A',
        11 => '0',
        d => char::from_digit(d, 10).unwrap_or('?'),
    }
}

/// Hong Kong identity card: 1–2 letters, 6 digits and a check character
/// (digit or `A`), the latter optionally in parentheses: `A123456(3)`,
/// `A1234563`, `AB987654(3)`. Returned with parentheses.
fn parse_hkid(s: &str) -> Result<String, Invalid> {
    let n = normalise_code(s);
    if n.is_empty() {
        return Err(Invalid::Empty);
    }
    if let Some(c) = n
        .chars()
        .find(|c| !(c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '(' || *c == ')'))
    {
        return Err(Invalid::BadChars { found: c });
    }
    // From here on `n` is ASCII, so byte slicing is safe.
    let bad = Err(Invalid::BadFormat { hint: HKID_HINT });
    let (body, check) = match n.strip_suffix(')') {
        Some(open) => match open.len().checked_sub(2) {
            Some(i) if open.as_bytes()[i] == b'(' => (&open[..i], open.as_bytes()[i + 1]),
            _ => return bad,
        },
        None => match n.len().checked_sub(1) {
            Some(i) => (&n[..i], n.as_bytes()[i]),
            None => return bad,
        },
    };
    let b = body.as_bytes();
    let letters_len = b.iter().take_while(|c| c.is_ascii_uppercase()).count();
    let digits = &b[letters_len..];
    if !(1..=2).contains(&letters_len)
        || digits.len() != 6
        || !digits.iter().all(u8::is_ascii_digit)
        || !(check.is_ascii_digit() || check == b'A')
    {
        return bad;
    }
    let expected = hkid_check(&b[..letters_len], digits);
    if char::from(check) != expected {
        return Err(Invalid::BadChecksum { expected });
    }
    Ok(format!("{body}({expected})"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as DeError, StrDeserializer};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()
    }

    fn check(doc: DocType, good: &[(&str, &str)], bad: &[(&str, Invalid)]) {
        for (input, want) in good {
            assert_eq!(
                parse_document(doc, input, today()).as_deref(),
                Ok(*want),
                "{doc:?} {input:?}"
            );
        }
        for (input, want) in bad {
            assert_eq!(parse_document(doc, input, today()), Err(want.clone()), "{doc:?} {input:?}");
        }
    }

    #[test]
    fn id_card_dispatch() {
        check(
            DocType::IdCard,
            &[("11010519491231002x", "11010519491231002X")],
            &[("110105194912310021", Invalid::BadChecksum { expected: 'X' }), ("", Invalid::Empty)],
        );
    }

    #[test]
    fn hk_macau_permit() {
        let fmt = Invalid::BadFormat { hint: HK_MACAU_HINT };
        check(
            DocType::HkMacauPermit,
            &[
                ("H12345678", "H12345678"),
                ("m87654321", "M87654321"),
                ("H1234567890", "H1234567890"),
                (" M 0123 4567 89 ", "M0123456789"),
            ],
            &[
                ("", Invalid::Empty),
                ("A12345678", fmt.clone()),
                ("12345678", fmt.clone()),
                ("H1234567", fmt.clone()),
                ("H123456789", fmt.clone()),
                ("H123456789012", fmt.clone()),
                ("H", fmt.clone()),
                ("H1234567X", Invalid::BadChars { found: 'X' }),
                ("HM2345678", Invalid::BadChars { found: 'M' }),
                ("#12345678", Invalid::BadChars { found: '#' }),
            ],
        );
    }

    #[test]
    fn taiwan_permit() {
        check(
            DocType::TaiwanPermit,
            &[("12345678", "12345678"), (" 0000 0001 ", "00000001")],
            &[
                ("", Invalid::Empty),
                ("1234567", Invalid::BadLength { expected: 8 }),
                ("123456789", Invalid::BadLength { expected: 8 }),
                ("T1234567", Invalid::BadChars { found: 'T' }),
                ("1234-5678", Invalid::BadChars { found: '-' }),
            ],
        );
    }

    #[test]
    fn passport() {
        check(
            DocType::Passport,
            &[
                ("E12345678", "E12345678"),
                ("g1234567 8", "G12345678"),
                ("12345", "12345"),
                ("AB1234567890CDEFG", "AB1234567890CDEFG"),
            ],
            &[
                ("", Invalid::Empty),
                ("E123", Invalid::TooShort { min: 5 }),
                ("AB1234567890CDEFGH", Invalid::TooLong { max: 17 }),
                ("ABCDEFGH", Invalid::BadFormat { hint: PASSPORT_HINT }),
                ("E1234-5678", Invalid::BadChars { found: '-' }),
                ("E1234567Ä", Invalid::BadChars { found: 'Ä' }),
            ],
        );
    }

    #[test]
    fn hkid_checksum_by_hand() {
        // A123456: 36×9 + 10×8 + 1×7 + 2×6 + 3×5 + 4×4 + 5×3 + 6×2 = 481;
        // 481 mod 11 = 8; 11 − 8 = 3.
        assert_eq!(hkid_check(b"A", b"123456"), '3');
        // AB987654: 10×9 + 11×8 + 9×7 + 8×6 + 7×5 + 6×4 + 5×3 + 4×2 = 371;
        // 371 mod 11 = 8; 11 − 8 = 3.
        assert_eq!(hkid_check(b"AB", b"987654"), '3');
        // G123456: 324 + 16×8 + 77 = 529; 529 mod 11 = 1; 11 − 1 = 10 → 'A'.
        assert_eq!(hkid_check(b"G", b"123456"), 'A');
        // A100009: 324 + 80 + 7 + 18 = 429 = 39 × 11; 11 − 0 = 11 → '0'.
        assert_eq!(hkid_check(b"A", b"100009"), '0');
    }

    #[test]
    fn hkid() {
        let fmt = Invalid::BadFormat { hint: HKID_HINT };
        check(
            DocType::HkId,
            &[
                ("A123456(3)", "A123456(3)"),
                ("a1234563", "A123456(3)"),
                ("A123456 (3)", "A123456(3)"),
                ("Ａ１２３４５６（３）", "A123456(3)"),
                ("G123456(A)", "G123456(A)"),
                ("g123456a", "G123456(A)"),
                ("A100009(0)", "A100009(0)"),
                ("AB987654(3)", "AB987654(3)"),
                ("XA000000(8)", "XA000000(8)"),
                ("C668668(9)", "C668668(9)"),
                ("R000000(A)", "R000000(A)"),
            ],
            &[
                ("", Invalid::Empty),
                ("A123456(4)", Invalid::BadChecksum { expected: '3' }),
                ("A1234564", Invalid::BadChecksum { expected: '3' }),
                ("G123456(1)", Invalid::BadChecksum { expected: 'A' }),
                ("AB987654(A)", Invalid::BadChecksum { expected: '3' }),
                ("A12345(3)", fmt.clone()),
                ("A1234567(3)", fmt.clone()),
                ("ABC123456(3)", fmt.clone()),
                ("123456(3)", fmt.clone()),
                ("A123456(B)", fmt.clone()),
                ("A123456(3", fmt.clone()),
                ("A123456(33)", fmt.clone()),
                ("A123456)", fmt.clone()),
                (")", fmt.clone()),
                ("A", fmt.clone()),
                ("A123456[3]", Invalid::BadChars { found: '[' }),
            ],
        );
    }

    #[test]
    fn other_keeps_spelling() {
        check(
            DocType::Other,
            &[(" Mil-ID 12/345 ", "Mil-ID 12/345")],
            &[
                ("  ", Invalid::Empty),
                (&"9".repeat(33), Invalid::TooLong { max: 32 }),
                ("AB\u{0}12", Invalid::BadChars { found: '\u{0}' }),
            ],
        );
    }

    #[test]
    fn doc_type_serde_names() {
        let de = |s: &'static str| {
            DocType::deserialize::<StrDeserializer<'_, DeError>>(s.into_deserializer())
        };
        assert_eq!(de("id_card").unwrap(), DocType::IdCard);
        assert_eq!(de("hk_macau_permit").unwrap(), DocType::HkMacauPermit);
        assert_eq!(de("taiwan_permit").unwrap(), DocType::TaiwanPermit);
        assert_eq!(de("passport").unwrap(), DocType::Passport);
        assert_eq!(de("hk_id").unwrap(), DocType::HkId);
        assert_eq!(de("other").unwrap(), DocType::Other);
        assert!(de("IdCard").is_err());
    }
}
