//! Body temperature readings.

use std::fmt;

use serde::Serialize;

use super::{Invalid, fold_fullwidth};

/// A temperature in tenths of a degree Celsius (36.5 °C → `Tenths(365)`).
/// Integer storage keeps comparisons such as the fever threshold exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Tenths(pub i64);

/// Lowest and highest plausible body temperatures, inclusive. Readings
/// outside this range are measurement or typing errors.
const MIN: Tenths = Tenths(340);
const MAX: Tenths = Tenths(430);
/// 37.3 °C, the usual fever-clinic screening threshold in mainland China.
const FEVER: Tenths = Tenths(373);
const HINT: &str = "36.5";

impl Tenths {
    /// Whether this reading counts as fever (≥ 37.3 °C).
    pub fn is_fever(&self) -> bool {
        *self >= FEVER
    }
}

impl fmt::Display for Tenths {
    /// Always one decimal place: "36.5", "37.0".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{}", abs / 10, abs % 10)
    }
}

fn out_of_range() -> Invalid {
    Invalid::OutOfRange { min: MIN.to_string(), max: MAX.to_string() }
}

fn check_range(t: Tenths) -> Result<Tenths, Invalid> {
    if (MIN..=MAX).contains(&t) { Ok(t) } else { Err(out_of_range()) }
}

/// Parse a typed reading such as "36.5", "36", " 36.5 " or "36.5℃".
///
/// Decimal arithmetic is done on the digits, never through `f64`, so
/// "37.3" is exactly 373 tenths. Trailing zeros after the first decimal
/// ("36.50") are accepted since they do not add precision; any other second
/// decimal is rejected rather than silently rounded, because thermometers
/// read to 0.1 °C and a second digit usually means a typo. A trailing `℃`,
/// `°C` or `°` is tolerated and full-width digits are folded.
pub fn parse_temperature(s: &str) -> Result<Tenths, Invalid> {
    let folded: String = s.chars().map(fold_fullwidth).collect();
    let mut t = folded.trim();
    if t.is_empty() {
        return Err(Invalid::Empty);
    }
    for unit in ["℃", "°C", "°c", "°"] {
        if let Some(rest) = t.strip_suffix(unit) {
            t = rest.trim_end();
            break;
        }
    }
    if let Some(c) = t.chars().find(|c| !(c.is_ascii_digit() || *c == '.')) {
        return Err(Invalid::BadChars { found: c });
    }
    let (int_part, frac_part) = match t.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (t, None),
    };
    let bad = Err(Invalid::BadFormat { hint: HINT });
    if int_part.is_empty() || frac_part.is_some_and(|f| f.is_empty() || f.contains('.')) {
        return bad;
    }

    // More than three integer digits (after leading zeros) is out of range
    // anyway; checking first keeps the accumulation below from overflowing.
    let significant = int_part.trim_start_matches('0');
    if significant.len() > 3 {
        return Err(out_of_range());
    }
    let whole = significant.bytes().fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0'));

    let tenth = match frac_part {
        None => 0,
        Some(f) => {
            let (first, extra) = f.split_at(1);
            if extra.bytes().any(|b| b != b'0') {
                return Err(Invalid::TooManyDecimals { max: 1 });
            }
            i64::from(first.as_bytes()[0] - b'0')
        }
    };
    check_range(Tenths(whole * 10 + tenth))
}

/// Accept a reading that arrives as a number (e.g. from a JSON device feed).
///
/// The value must be within 0.001 of a multiple of 0.1, which absorbs binary
/// floating-point noise (36.6 is stored as 36.600000000000001…) while still
/// rejecting genuine second decimals such as 36.55.
pub fn temperature_from_f64(v: f64) -> Result<Tenths, Invalid> {
    if !v.is_finite() {
        return Err(Invalid::BadFormat { hint: HINT });
    }
    let scaled = v * 10.0;
    // Range-check before converting so the cast below cannot saturate.
    if !(MIN.0 as f64 - 0.5..=MAX.0 as f64 + 0.5).contains(&scaled) {
        return Err(out_of_range());
    }
    let rounded = scaled.round();
    if (scaled - rounded).abs() > 0.01 {
        return Err(Invalid::TooManyDecimals { max: 1 });
    }
    // `rounded` is an integer between 339 and 431, so the cast is exact.
    check_range(Tenths(rounded as i64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_text() {
        let cases = [
            ("36.5", 365),
            ("36", 360),
            (" 36.5 ", 365),
            ("34.0", 340),
            ("34", 340),
            ("43.0", 430),
            ("43", 430),
            ("37.3", 373),
            ("036.5", 365),
            ("36.50", 365),
            ("36.500", 365),
            ("36.5℃", 365),
            ("36.5 °C", 365),
            ("38°", 380),
            ("３６．５", 365),
        ];
        for (input, tenths) in cases {
            assert_eq!(parse_temperature(input), Ok(Tenths(tenths)), "{input:?}");
        }
    }

    #[test]
    fn bad_text() {
        let range = out_of_range();
        let fmt = Invalid::BadFormat { hint: HINT };
        let cases = [
            ("", Invalid::Empty),
            ("   ", Invalid::Empty),
            ("36.55", Invalid::TooManyDecimals { max: 1 }),
            ("36.05", Invalid::TooManyDecimals { max: 1 }),
            ("abc", Invalid::BadChars { found: 'a' }),
            ("36,5", Invalid::BadChars { found: ',' }),
            ("-36.5", Invalid::BadChars { found: '-' }),
            ("+36.5", Invalid::BadChars { found: '+' }),
            ("36.5F", Invalid::BadChars { found: 'F' }),
            ("33.9", range.clone()),
            ("43.1", range.clone()),
            ("0", range.clone()),
            ("365", range.clone()),
            ("99999999999999999999999", range.clone()),
            ("36.", fmt.clone()),
            (".5", fmt.clone()),
            (".", fmt.clone()),
            ("36.5.1", fmt.clone()),
            ("℃", fmt.clone()),
        ];
        for (input, want) in cases {
            assert_eq!(parse_temperature(input), Err(want), "{input:?}");
        }
        assert_eq!(range.to_string(), "invalid.out_of_range{min=34.0, max=43.0}");
    }

    #[test]
    fn from_f64() {
        for (v, t) in [(36.5, 365), (36.6, 366), (37.3, 373), (34.0, 340), (43.0, 430), (36.0, 360)]
        {
            assert_eq!(temperature_from_f64(v), Ok(Tenths(t)), "{v}");
        }
        // 0.1 + 0.2 style noise must not be treated as a second decimal.
        assert_eq!(temperature_from_f64(36.4 + 0.1 + 0.1 - 0.1), Ok(Tenths(365)));
        assert_eq!(temperature_from_f64(36.55), Err(Invalid::TooManyDecimals { max: 1 }));
        assert_eq!(temperature_from_f64(33.9), Err(out_of_range()));
        assert_eq!(temperature_from_f64(43.1), Err(out_of_range()));
        assert_eq!(temperature_from_f64(1e300), Err(out_of_range()));
        assert_eq!(temperature_from_f64(-1e300), Err(out_of_range()));
        assert_eq!(temperature_from_f64(f64::NAN), Err(Invalid::BadFormat { hint: HINT }));
        assert_eq!(temperature_from_f64(f64::INFINITY), Err(Invalid::BadFormat { hint: HINT }));
    }

    #[test]
    fn fever_threshold() {
        assert!(!Tenths(372).is_fever());
        assert!(Tenths(373).is_fever());
        assert!(Tenths(400).is_fever());
        assert!(parse_temperature("37.3").unwrap().is_fever());
        assert!(!parse_temperature("37.2").unwrap().is_fever());
    }

    #[test]
    fn display() {
        assert_eq!(Tenths(365).to_string(), "36.5");
        assert_eq!(Tenths(370).to_string(), "37.0");
        assert_eq!(Tenths(5).to_string(), "0.5");
        assert_eq!(Tenths(-5).to_string(), "-0.5");
    }
}
