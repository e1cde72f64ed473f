//! Mobile / telephone numbers for mainland China, Hong Kong and Macau.

use serde::{Deserialize, Serialize};

use super::{Invalid, fold_fullwidth};

/// Where a phone number belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PhoneRegion {
    /// Mainland mobile, 11 digits starting 13–19.
    Mainland,
    /// Hong Kong, 8 digits starting 2–9.
    HongKong,
    /// Macau, 8 digits starting 6.
    Macau,
}

/// A validated phone number: `digits` holds the national number only,
/// without country code or separators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Phone {
    pub region: PhoneRegion,
    pub digits: String,
}

impl Phone {
    /// Human-readable form. Mainland numbers are shown bare because that is
    /// how they are dialled and read at a mainland station; Hong Kong and
    /// Macau numbers get their country code so they are not mistaken for
    /// local numbers: "13800138000", "+852 91234567", "+853 61234567".
    pub fn display(&self) -> String {
        match self.region {
            PhoneRegion::Mainland => self.digits.clone(),
            PhoneRegion::HongKong => format!("+852 {}", self.digits),
            PhoneRegion::Macau => format!("+853 {}", self.digits),
        }
    }
}

const HINT: &str = "13800138000 / +852 91234567 / +853 61234567";

// The helpers below take a string already known to be ASCII digits only, so
// byte indexing and byte lengths equal character positions and counts.

fn is_mainland(d: &str) -> bool {
    let d = d.as_bytes();
    d.len() == 11 && d[0] == b'1' && (b'3'..=b'9').contains(&d[1])
}

fn is_hong_kong(d: &str) -> bool {
    let d = d.as_bytes();
    d.len() == 8 && (b'2'..=b'9').contains(&d[0])
}

fn is_macau(d: &str) -> bool {
    d.len() == 8 && d.starts_with('6')
}

/// Validate a phone number.
///
/// Spaces, dashes and parentheses are ignored, as are full-width digits. A
/// country code may be given as `+86`/`+852`/`+853`, `0086`/`00852`/`00853`,
/// or without a prefix when the length makes it unambiguous (`86` + 11 digits,
/// `852`/`853` + 8 digits). Without a country code, 11 digits are read as a
/// mainland mobile and 8 digits as Hong Kong: Macau numbers (6xxxxxxx) are
/// also valid Hong Kong numbers, so they need an explicit `+853`.
pub fn parse_phone(s: &str) -> Result<Phone, Invalid> {
    let cleaned: String = s
        .chars()
        .map(fold_fullwidth)
        .filter(|c| !(c.is_whitespace() || matches!(c, '-' | '(' | ')')))
        .collect();
    if cleaned.is_empty() {
        return Err(Invalid::Empty);
    }

    let (explicit, rest) = if let Some(r) = cleaned.strip_prefix('+') {
        (true, r)
    } else if let Some(r) = cleaned.strip_prefix("00") {
        (true, r)
    } else {
        (false, cleaned.as_str())
    };
    if let Some(c) = rest.chars().find(|c| !c.is_ascii_digit()) {
        return Err(Invalid::BadChars { found: c });
    }
    let d = rest;

    let bad = Err(Invalid::BadFormat { hint: HINT });
    let (region, national) = if explicit {
        if let Some(n) = d.strip_prefix("852") {
            (PhoneRegion::HongKong, n)
        } else if let Some(n) = d.strip_prefix("853") {
            (PhoneRegion::Macau, n)
        } else if let Some(n) = d.strip_prefix("86") {
            (PhoneRegion::Mainland, n)
        } else {
            return bad;
        }
    } else if is_mainland(d) {
        (PhoneRegion::Mainland, d)
    } else if is_hong_kong(d) {
        (PhoneRegion::HongKong, d)
    } else if d.len() == 13 && d.starts_with("86") {
        (PhoneRegion::Mainland, &d[2..])
    } else if d.len() == 11 && d.starts_with("852") {
        (PhoneRegion::HongKong, &d[3..])
    } else if d.len() == 11 && d.starts_with("853") {
        (PhoneRegion::Macau, &d[3..])
    } else {
        return bad;
    };

    let ok = match region {
        PhoneRegion::Mainland => is_mainland(national),
        PhoneRegion::HongKong => is_hong_kong(national),
        PhoneRegion::Macau => is_macau(national),
    };
    if !ok {
        return bad;
    }
    let digits = national.to_owned();
    Ok(Phone { region, digits })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as DeError, StrDeserializer};

    fn phone(region: PhoneRegion, digits: &str) -> Phone {
        Phone { region, digits: digits.to_owned() }
    }

    #[test]
    fn good_vectors() {
        use PhoneRegion::*;
        let cases = [
            ("13800138000", Mainland, "13800138000"),
            ("19912345678", Mainland, "19912345678"),
            ("+86 138 0013 8000", Mainland, "13800138000"),
            ("+86-138-0013-8000", Mainland, "13800138000"),
            ("8613800138000", Mainland, "13800138000"),
            ("008613800138000", Mainland, "13800138000"),
            ("(+86) 13800138000", Mainland, "13800138000"),
            ("１３８００１３８０００", Mainland, "13800138000"),
            ("91234567", HongKong, "91234567"),
            ("2345 6789", HongKong, "23456789"),
            ("+852 91234567", HongKong, "91234567"),
            ("+852-6123-4567", HongKong, "61234567"),
            ("85291234567", HongKong, "91234567"),
            ("00852 91234567", HongKong, "91234567"),
            // Without +853 a 6xxxxxxx number is indistinguishable from HK.
            ("61234567", HongKong, "61234567"),
            ("+853 61234567", Macau, "61234567"),
            ("85366123456", Macau, "66123456"),
        ];
        for (input, region, digits) in cases {
            assert_eq!(parse_phone(input), Ok(phone(region, digits)), "{input:?}");
        }
    }

    #[test]
    fn bad_vectors() {
        let fmt = Invalid::BadFormat { hint: HINT };
        let cases = [
            ("", Invalid::Empty),
            (" - ", Invalid::Empty),
            ("12800138000", fmt.clone()),
            ("1380013800", fmt.clone()),
            ("138001380001", fmt.clone()),
            ("23800138000", fmt.clone()),
            ("+86 91234567", fmt.clone()),
            ("+852 13800138000", fmt.clone()),
            ("+852 01234567", fmt.clone()),
            ("+852 1234567", fmt.clone()),
            ("+853 91234567", fmt.clone()),
            ("+1 4155552671", fmt.clone()),
            ("01234567", fmt.clone()),
            ("11234567", fmt.clone()),
            ("+", fmt.clone()),
            ("138OO138000", Invalid::BadChars { found: 'O' }),
            ("138.0013.8000", Invalid::BadChars { found: '.' }),
            ("++8613800138000", Invalid::BadChars { found: '+' }),
            ("abc", Invalid::BadChars { found: 'a' }),
        ];
        for (input, want) in cases {
            assert_eq!(parse_phone(input), Err(want), "{input:?}");
        }
    }

    #[test]
    fn display() {
        assert_eq!(parse_phone("+86 13800138000").unwrap().display(), "13800138000");
        assert_eq!(parse_phone("91234567").unwrap().display(), "+852 91234567");
        assert_eq!(parse_phone("+853 61234567").unwrap().display(), "+853 61234567");
    }

    #[test]
    fn region_serde_names() {
        let de = |s: &'static str| {
            PhoneRegion::deserialize::<StrDeserializer<'_, DeError>>(s.into_deserializer())
        };
        assert_eq!(de("mainland").unwrap(), PhoneRegion::Mainland);
        assert_eq!(de("hong_kong").unwrap(), PhoneRegion::HongKong);
        assert_eq!(de("macau").unwrap(), PhoneRegion::Macau);
    }
}
