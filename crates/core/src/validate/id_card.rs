//! 居民身份证号码 (GB 11643-1999, 18-digit citizen identity number).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Invalid, normalise_code};

/// Sex as encoded in an identity number (17th digit: odd = male).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    Male,
    Female,
}

/// A validated identity number plus the facts encoded in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IdCard {
    /// 18 characters, trailing check character upper-cased (`X`, never `x`).
    pub number: String,
    pub birth_date: NaiveDate,
    pub sex: Sex,
}

const LEN: usize = 18;
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Province-level codes that may open an identity number (first two digits).
/// 71 Taiwan, 81 Hong Kong, 82 Macau and 83 (Taiwan residence permits) are
/// included because residence permits for those residents use this format.
/// 91 ("abroad" in some older code tables) is accepted as well.
fn valid_province(code: u32) -> bool {
    matches!(
        code,
        11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65 | 71 | 81 | 82 | 83 | 91
    )
}

/// Check character for the first 17 digits (ISO 7064 MOD 11-2).
/// `body` must be exactly 17 ASCII digits.
fn check_char(body: &[u32; 17]) -> char {
    let sum: u32 = body.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    CHECK_CHARS[(sum % 11) as usize]
}

/// The earliest birth date accepted. Anything earlier is almost certainly a
/// typo in the year (e.g. 1819 for 1981) rather than a living visitor.
fn min_birth_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// The full number for 17 digits (their check character appended), or `None` when they are not
/// 17 digits. For demo data and test fixtures.
pub fn with_check_digit(first17: &str) -> Option<String> {
    let digits: Vec<u32> = first17.chars().map(|c| c.to_digit(10)).collect::<Option<_>>()?;
    let body: [u32; 17] = digits.try_into().ok()?;
    Some(format!("{first17}{}", check_char(&body)))
}

/// Validate an 18-character identity number.
///
/// Whitespace is removed, full-width characters are folded and a trailing `x`
/// is upper-cased. Checks are applied in the order length → characters →
/// region → birth date → check character, so the error names the first thing
/// a worker should look at. `today` is passed in (not read from the clock) to
/// keep the function pure and testable.
pub fn parse_id_card(s: &str, today: NaiveDate) -> Result<IdCard, Invalid> {
    let number = normalise_code(s);
    if number.is_empty() {
        return Err(Invalid::Empty);
    }
    let chars: Vec<char> = number.chars().collect();
    if chars.len() != LEN {
        return Err(Invalid::BadLength { expected: LEN });
    }

    let mut body = [0u32; 17];
    for (slot, &c) in body.iter_mut().zip(&chars[..17]) {
        *slot = c.to_digit(10).ok_or(Invalid::BadChars { found: c })?;
    }
    let last = chars[17];
    if !(last.is_ascii_digit() || last == 'X') {
        return Err(Invalid::BadChars { found: last });
    }

    if !valid_province(body[0] * 10 + body[1]) {
        return Err(Invalid::BadRegion);
    }

    let num = |r: std::ops::Range<usize>| body[r].iter().fold(0u32, |acc, d| acc * 10 + d);
    let year = i32::try_from(num(6..10)).map_err(|_| Invalid::BadDate)?;
    let birth_date =
        NaiveDate::from_ymd_opt(year, num(10..12), num(12..14)).ok_or(Invalid::BadDate)?;
    if birth_date > today {
        return Err(Invalid::FutureDate);
    }
    let min = min_birth_date();
    if birth_date < min {
        return Err(Invalid::OutOfRange { min: min.to_string(), max: today.to_string() });
    }

    let expected = check_char(&body);
    if last != expected {
        return Err(Invalid::BadChecksum { expected });
    }

    let sex = if body[16] % 2 == 1 { Sex::Male } else { Sex::Female };
    Ok(IdCard { number, birth_date, sex })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_completed_number_validates() {
        let n = with_check_digit("11010519491231002").unwrap();
        assert_eq!(n, "11010519491231002X");
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        assert!(parse_id_card(&n, today).is_ok());
        assert_eq!(with_check_digit("1101051949123100"), None);
        assert_eq!(with_check_digit("1101051949123100A"), None);
    }
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as DeError, StrDeserializer};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn good_vectors() {
        // (input, normalised, birth date, sex) — check digits computed with the
        // MOD 11-2 algorithm and cross-checked independently.
        let cases = [
            ("11010519491231002X", "11010519491231002X", date(1949, 12, 31), Sex::Female),
            ("11010519491231002x", "11010519491231002X", date(1949, 12, 31), Sex::Female),
            ("440308199901011234", "440308199901011234", date(1999, 1, 1), Sex::Male),
            ("440307199001011232", "440307199001011232", date(1990, 1, 1), Sex::Male),
            ("110101200002290026", "110101200002290026", date(2000, 2, 29), Sex::Female),
            ("810000190001010018", "810000190001010018", date(1900, 1, 1), Sex::Male),
            ("650102202403150041", "650102202403150041", date(2024, 3, 15), Sex::Female),
            ("51010719850630181X", "51010719850630181X", date(1985, 6, 30), Sex::Male),
            (" 330102 19800101 5679 ", "330102198001015679", date(1980, 1, 1), Sex::Male),
            (
                "１１０１０５１９４９１２３１００２ｘ",
                "11010519491231002X",
                date(1949, 12, 31),
                Sex::Female,
            ),
        ];
        for (input, number, birth_date, sex) in cases {
            let got = parse_id_card(input, today()).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(got, IdCard { number: number.to_owned(), birth_date, sex }, "{input}");
        }
    }

    #[test]
    fn born_today_is_accepted() {
        // 20250601 with check digit computed for this body.
        let body = "11010120250601001";
        let digits: Vec<u32> = body.chars().map(|c| c.to_digit(10).unwrap()).collect();
        let check = check_char(&digits.try_into().unwrap());
        let n = format!("{body}{check}");
        assert_eq!(parse_id_card(&n, today()).unwrap().birth_date, today());
    }

    #[test]
    fn bad_vectors() {
        let cases = [
            ("", Invalid::Empty),
            ("   ", Invalid::Empty),
            ("110105194912310021", Invalid::BadChecksum { expected: 'X' }),
            ("440308199901011235", Invalid::BadChecksum { expected: '4' }),
            // 1999-02-30 does not exist.
            ("110105199902300021", Invalid::BadDate),
            ("110105199913010021", Invalid::BadDate),
            ("110105199900010021", Invalid::BadDate),
            // 2001-02-29: not a leap year.
            ("110105200102290021", Invalid::BadDate),
            ("110101203001010011", Invalid::FutureDate),
            ("110101202506020011", Invalid::FutureDate),
            (
                "110101189912310011",
                Invalid::OutOfRange { min: "1900-01-01".into(), max: "2025-06-01".into() },
            ),
            ("990105194912310021", Invalid::BadRegion),
            ("000105194912310021", Invalid::BadRegion),
            ("160105194912310021", Invalid::BadRegion),
            ("11010519491231002", Invalid::BadLength { expected: 18 }),
            ("11010519491231002X1", Invalid::BadLength { expected: 18 }),
            ("1101051949A231002X", Invalid::BadChars { found: 'A' }),
            ("X10105194912310021", Invalid::BadChars { found: 'X' }),
            ("11010519491231002Y", Invalid::BadChars { found: 'Y' }),
            ("11010519491231002-", Invalid::BadChars { found: '-' }),
            ("11010519491231002中", Invalid::BadChars { found: '中' }),
        ];
        for (input, want) in cases {
            assert_eq!(parse_id_card(input, today()), Err(want), "{input:?}");
        }
    }

    #[test]
    fn sex_serde_names() {
        let de = |s: &'static str| {
            Sex::deserialize::<StrDeserializer<'_, DeError>>(s.into_deserializer())
        };
        assert_eq!(de("male").unwrap(), Sex::Male);
        assert_eq!(de("female").unwrap(), Sex::Female);
        assert!(de("Male").is_err());
    }
}
