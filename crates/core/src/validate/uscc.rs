//! 统一社会信用代码 (GB 32100-2015, unified social credit code of an organisation).

use super::{Invalid, normalise_code};

const LEN: usize = 18;
/// The 31 code characters; I, O, S, V and Z are left out to avoid confusion
/// with 1, 0, 5, U and 2.
const CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// Value of a code character (its index in [`CHARSET`]), or `None`.
fn value(c: char) -> Option<u32> {
    CHARSET.find(c).and_then(|i| u32::try_from(i).ok())
}

/// Check character for the first 17 characters: `(31 - sum mod 31) mod 31`.
fn check_char(values: &[u32; 17]) -> char {
    let sum: u32 = values.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    let idx = ((31 - sum % 31) % 31) as usize;
    CHARSET.as_bytes()[idx] as char
}

/// Validate a unified social credit code and return it upper-cased.
///
/// Only the character set and the check character are verified; the
/// registration-authority and region sub-fields are not, because their code
/// tables change over time and a stale table would reject real organisations.
pub fn parse_uscc(s: &str) -> Result<String, Invalid> {
    let code = normalise_code(s);
    if code.is_empty() {
        return Err(Invalid::Empty);
    }
    let chars: Vec<char> = code.chars().collect();
    if chars.len() != LEN {
        return Err(Invalid::BadLength { expected: LEN });
    }
    let mut values = [0u32; 17];
    for (slot, &c) in values.iter_mut().zip(&chars[..17]) {
        *slot = value(c).ok_or(Invalid::BadChars { found: c })?;
    }
    let last = chars[17];
    if value(last).is_none() {
        return Err(Invalid::BadChars { found: last });
    }
    let expected = check_char(&values);
    if last != expected {
        return Err(Invalid::BadChecksum { expected });
    }
    Ok(code)
}

/// The full code for 17 code characters (their check character appended), or `None` when a
/// character is outside the code set. For demo data and test fixtures.
pub fn with_check_char(first17: &str) -> Option<String> {
    let chars: Vec<char> = first17.chars().collect();
    if chars.len() != 17 {
        return None;
    }
    let mut values = [0u32; 17];
    for (slot, &c) in values.iter_mut().zip(&chars) {
        *slot = value(c)?;
    }
    Some(format!("{first17}{}", check_char(&values)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_completed_code_validates() {
        assert_eq!(with_check_char("91350100M000100Y4").as_deref(), Some("91350100M000100Y43"));
        let made = with_check_char("91440307MA5F00001").unwrap();
        assert_eq!(parse_uscc(&made), Ok(made.clone()));
        assert_eq!(with_check_char("91440307MA5F0000I"), None, "I is not a code character");
        assert_eq!(with_check_char("123"), None);
    }

    #[test]
    fn good_vectors() {
        let cases = [
            ("91350100M000100Y43", "91350100M000100Y43"),
            ("91350100m000100y43", "91350100M000100Y43"),
            ("  91350100M000100Y43\t", "91350100M000100Y43"),
            ("91110000600037341L", "91110000600037341L"),
            ("91440300MA5EXAMPLA", "91440300MA5EXAMPLA"),
            // Check value 0 (sum ≡ 0 mod 31) must map to '0', not '31'.
            ("121000004000003980", "121000004000003980"),
            ("311100003583284360", "311100003583284360"),
        ];
        for (input, want) in cases {
            assert_eq!(parse_uscc(input).as_deref(), Ok(want), "{input:?}");
        }
    }

    #[test]
    fn bad_vectors() {
        let cases = [
            ("", Invalid::Empty),
            (" \t ", Invalid::Empty),
            ("91350100M000100Y44", Invalid::BadChecksum { expected: '3' }),
            ("91350100M000100Y4Y", Invalid::BadChecksum { expected: '3' }),
            ("91350100M000100Y4", Invalid::BadLength { expected: 18 }),
            ("91350100M000100Y433", Invalid::BadLength { expected: 18 }),
            ("91350100I000100Y43", Invalid::BadChars { found: 'I' }),
            ("91350100O000100Y43", Invalid::BadChars { found: 'O' }),
            ("91350100M000100Y4S", Invalid::BadChars { found: 'S' }),
            ("91350100M000100Y4Z", Invalid::BadChars { found: 'Z' }),
            ("91350100M000100-43", Invalid::BadChars { found: '-' }),
        ];
        for (input, want) in cases {
            assert_eq!(parse_uscc(input), Err(want), "{input:?}");
        }
    }
}
