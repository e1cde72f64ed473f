//! Vehicle registration plates: mainland China and Hong Kong.

use super::{Invalid, fold_fullwidth};

/// Upper-case, fold full-width forms, and drop spaces and the middle dot
/// (plates are printed as "京A·12345" and often typed with a space).
fn normalise_plate(s: &str) -> String {
    s.chars()
        .map(fold_fullwidth)
        .filter(|c| !(c.is_whitespace() || matches!(c, '·' | '•' | '・')))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Letters used on mainland plates: A–Z without I and O, which GA 36 leaves
/// out so they cannot be confused with 1 and 0.
fn is_plate_letter(c: char) -> bool {
    c.is_ascii_uppercase() && c != 'I' && c != 'O'
}

fn is_plate_alnum(c: char) -> bool {
    c.is_ascii_digit() || is_plate_letter(c)
}

/// Validate a mainland plate and return it without separators.
///
/// Accepted forms (after the province character and issuing-office letter):
/// 5 letters/digits (ordinary, `京A12345`), 6 (new-energy, `京AD12345`), or
/// the Guangdong cross-border form `粤Z` + 4 + `港`/`澳` (`粤ZAB12港`).
/// I and O are rejected everywhere (the standard omits them so they cannot be
/// confused with 1 and 0). Special-purpose suffixes such as 学, 警 or 挂 are
/// not accepted.
pub fn parse_plate(s: &str) -> Result<String, Invalid> {
    let plate = normalise_plate(s);
    let chars: Vec<char> = plate.chars().collect();
    let Some(&province) = chars.first() else {
        return Err(Invalid::Empty);
    };
    if !crate::words::word("plate.province").contains(province) {
        return Err(Invalid::BadRegion);
    }
    let bad = Err(Invalid::BadFormat { hint: crate::words::word("plate.hint") });
    let Some(&office) = chars.get(1) else {
        return bad;
    };
    if !is_plate_letter(office) {
        return if office.is_ascii_alphanumeric() {
            bad
        } else {
            Err(Invalid::BadChars { found: office })
        };
    }

    let rest = &chars[2..];
    let cross_border =
        province == '粤' && office == 'Z' && rest.len() == 5 && matches!(rest[4], '港' | '澳');
    let serial = if cross_border { &rest[..4] } else { rest };
    if let Some(&c) = serial.iter().find(|&&c| !is_plate_alnum(c)) {
        // A stray I/O or letter-like character is a format problem; anything
        // else (punctuation, other Chinese characters) is simply not allowed.
        return if c.is_ascii_alphanumeric() { bad } else { Err(Invalid::BadChars { found: c }) };
    }
    if !(cross_border || serial.len() == 5 || serial.len() == 6) {
        return bad;
    }
    Ok(plate)
}

/// Longest Hong Kong plate (personalised marks allow up to 8 characters).
const HK_PLATE_MAX: usize = 8;

/// Validate a Hong Kong plate: 1–8 of A–Z and 0–9, without I, O and Q
/// (excluded by the Transport Department to avoid confusion with 1 and 0).
pub fn parse_hk_plate(s: &str) -> Result<String, Invalid> {
    let plate = normalise_plate(s);
    if plate.is_empty() {
        return Err(Invalid::Empty);
    }
    if let Some(c) = plate.chars().find(|&c| {
        !(c.is_ascii_digit() || (c.is_ascii_uppercase() && !matches!(c, 'I' | 'O' | 'Q')))
    }) {
        return Err(Invalid::BadChars { found: c });
    }
    // ASCII only from here, so byte length equals char count.
    if plate.len() > HK_PLATE_MAX {
        return Err(Invalid::TooLong { max: HK_PLATE_MAX });
    }
    Ok(plate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mainland_good() {
        let cases = [
            ("京A12345", "京A12345"),
            ("京a·12345", "京A12345"),
            (" 沪 B 8J 9K7 ", "沪B8J9K7"),
            ("粤B D12345", "粤BD12345"),
            ("浙AF12345", "浙AF12345"),
            ("粤ZAB12港", "粤ZAB12港"),
            ("粤z·1234澳", "粤Z1234澳"),
            ("琼ＡＢ１２３４", "琼AB1234"),
            ("藏Z12345", "藏Z12345"),
        ];
        for (input, want) in cases {
            assert_eq!(parse_plate(input).as_deref(), Ok(want), "{input:?}");
        }
    }

    #[test]
    fn mainland_bad() {
        let fmt = Invalid::BadFormat { hint: crate::words::word("plate.hint") };
        let cases = [
            ("", Invalid::Empty),
            (" · ", Invalid::Empty),
            ("港A12345", Invalid::BadRegion),
            ("AA12345", Invalid::BadRegion),
            ("京", fmt.clone()),
            ("京I12345", fmt.clone()),
            ("京O12345", fmt.clone()),
            ("京112345", fmt.clone()),
            ("京A1234", fmt.clone()),
            ("京A1234567", fmt.clone()),
            ("京A12O45", fmt.clone()),
            ("京A1234港", Invalid::BadChars { found: '港' }),
            ("沪ZAB12港", Invalid::BadChars { found: '港' }),
            ("粤ZAB123港", Invalid::BadChars { found: '港' }),
            ("京A12-45", Invalid::BadChars { found: '-' }),
            ("京京12345", Invalid::BadChars { found: '京' }),
        ];
        for (input, want) in cases {
            assert_eq!(parse_plate(input), Err(want), "{input:?}");
        }
    }

    #[test]
    fn hong_kong() {
        let good = [
            ("AB1234", "AB1234"),
            ("ab 1234", "AB1234"),
            ("1", "1"),
            ("HK2024", "HK2024"),
            ("ZZ999999", "ZZ999999"),
        ];
        for (input, want) in good {
            assert_eq!(parse_hk_plate(input).as_deref(), Ok(want), "{input:?}");
        }
        let bad = [
            ("", Invalid::Empty),
            ("AB12345678", Invalid::TooLong { max: 8 }),
            ("IO1234", Invalid::BadChars { found: 'I' }),
            ("Q1234", Invalid::BadChars { found: 'Q' }),
            ("AO1234", Invalid::BadChars { found: 'O' }),
            ("AB-1234", Invalid::BadChars { found: '-' }),
            ("粤AB1234", Invalid::BadChars { found: '粤' }),
        ];
        for (input, want) in bad {
            assert_eq!(parse_hk_plate(input), Err(want), "{input:?}");
        }
    }
}
