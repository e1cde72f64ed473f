//! Guests (住客/纳管人员), their relatives (亲友), and the validation of the
//! registration form (DESIGN §3, §8).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, OnField};
use crate::validate::{
    DocType, Invalid, Sex, optional_text, parse_document, parse_hk_plate, parse_id_card,
    parse_phone, parse_plate, required_text,
};

/// Why a person is held at a station.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GuestCategory {
    /// 跨境货车司机 (closed-loop management, carries plates and an exemption).
    CrossBorderDriver,
    /// 入境人员.
    InboundTraveller,
    /// 密切接触者.
    CloseContact,
    /// 密接的密接 (次密接).
    SecondaryContact,
    Other,
}

impl GuestCategory {
    pub const ALL: [GuestCategory; 5] = [
        GuestCategory::CrossBorderDriver,
        GuestCategory::InboundTraveller,
        GuestCategory::CloseContact,
        GuestCategory::SecondaryContact,
        GuestCategory::Other,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            GuestCategory::CrossBorderDriver => "cross_border_driver",
            GuestCategory::InboundTraveller => "inbound_traveller",
            GuestCategory::CloseContact => "close_contact",
            GuestCategory::SecondaryContact => "secondary_contact",
            GuestCategory::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<GuestCategory> {
        GuestCategory::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// A cross-border driver's exemption (豁免) status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExemptionStatus {
    Valid,
    Suspended,
    Revoked,
}

impl ExemptionStatus {
    pub const ALL: [ExemptionStatus; 3] = [
        ExemptionStatus::Valid,
        ExemptionStatus::Suspended,
        ExemptionStatus::Revoked,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ExemptionStatus::Valid => "valid",
            ExemptionStatus::Suspended => "suspended",
            ExemptionStatus::Revoked => "revoked",
        }
    }
    pub fn parse(s: &str) -> Option<ExemptionStatus> {
        ExemptionStatus::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

// `as_str`/`parse` for the document and sex enums of `validate`. They live
// here only because `validate/` was outside this change; moving them next to
// their types later is a pure move (inherent impls may sit in any module).
impl DocType {
    pub const ALL: [DocType; 6] = [
        DocType::IdCard,
        DocType::HkMacauPermit,
        DocType::TaiwanPermit,
        DocType::Passport,
        DocType::HkId,
        DocType::Other,
    ];
    /// The serde name: `id_card`, `hk_macau_permit`, …
    pub fn as_str(self) -> &'static str {
        match self {
            DocType::IdCard => "id_card",
            DocType::HkMacauPermit => "hk_macau_permit",
            DocType::TaiwanPermit => "taiwan_permit",
            DocType::Passport => "passport",
            DocType::HkId => "hk_id",
            DocType::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<DocType> {
        DocType::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

impl Sex {
    pub const ALL: [Sex; 2] = [Sex::Male, Sex::Female];
    /// The serde name: `male` / `female`.
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }
    pub fn parse(s: &str) -> Option<Sex> {
        Sex::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// A `DocType` typed in a form, by its serde name.
pub fn parse_doc_type(s: &str) -> Result<DocType, Invalid> {
    match s.trim() {
        "" => Err(Invalid::Empty),
        t => DocType::parse(t).ok_or(Invalid::BadFormat { hint: "id_card" }),
    }
}

const DATE_HINT: &str = "2021-01-31";

/// A calendar date typed as `YYYY-MM-DD` (full-width digits and surrounding
/// spaces tolerated). A well-formed but impossible date such as 2021-02-30
/// is `BadDate`; anything else that is not the pattern is `BadFormat`.
pub fn parse_date(s: &str) -> Result<NaiveDate, Invalid> {
    let t: String = s
        .trim()
        .chars()
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' | '\u{FF0D}' => {
                char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c)
            }
            _ => c,
        })
        .collect();
    if t.is_empty() {
        return Err(Invalid::Empty);
    }
    let parts: Vec<&str> = t.split('-').collect();
    let shape_ok = parts.len() == 3
        && parts[0].len() == 4
        && (1..=2).contains(&parts[1].len())
        && (1..=2).contains(&parts[2].len())
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()));
    if !shape_ok {
        return Err(Invalid::BadFormat { hint: DATE_HINT });
    }
    let n = |p: &str| p.parse::<u32>().unwrap_or(0);
    let year = i32::try_from(n(parts[0])).map_err(|_| Invalid::BadDate)?;
    NaiveDate::from_ymd_opt(year, n(parts[1]), n(parts[2])).ok_or(Invalid::BadDate)
}

/// Like [`parse_date`], but blank is `None`.
pub fn parse_optional_date(s: &str) -> Result<Option<NaiveDate>, Invalid> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    parse_date(s).map(Some)
}

/// A checkbox or boolean field: absent/blank, `false`, `off`, `0` are false;
/// `true`, `on`, `1` are true; anything else is refused.
pub fn parse_flag(s: &str) -> Result<bool, Invalid> {
    match s.trim() {
        "" | "false" | "off" | "0" => Ok(false),
        "true" | "on" | "1" => Ok(true),
        _ => Err(Invalid::BadFormat { hint: "true" }),
    }
}

fn parse_sex(s: &str) -> Result<Option<Sex>, Invalid> {
    match s.trim() {
        "" => Ok(None),
        t => Sex::parse(t)
            .map(Some)
            .ok_or(Invalid::BadFormat { hint: "male" }),
    }
}

/// Earliest birth date accepted (same bound as the identity card parser).
fn min_birth_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN)
}

fn check_birth_date(d: NaiveDate, today: NaiveDate) -> Result<NaiveDate, Invalid> {
    if d > today {
        return Err(Invalid::FutureDate);
    }
    let min = min_birth_date();
    if d < min {
        return Err(Invalid::OutOfRange {
            min: min.to_string(),
            max: today.to_string(),
        });
    }
    Ok(d)
}

/// Full years of age on `day`. Someone born on 29 February becomes a year
/// older on 1 March in common years. Negative if `day` is before `birth`.
pub fn age_on(birth: NaiveDate, day: NaiveDate) -> i64 {
    let mut years = i64::from(day.year()) - i64::from(birth.year());
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("")
}

/// Raw registration form, all text so that every error can name its field.
/// Optional fields are `Option` so that JSON may send `null` or omit them.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct GuestInput {
    /// Serde name of a `DocType`: `id_card`, `passport`, …
    #[serde(default)]
    pub doc_type: String,
    #[serde(default)]
    pub doc_number: String,
    #[serde(default)]
    pub name: String,
    /// `male` / `female`; may be blank for an identity card (derived).
    #[serde(default)]
    pub sex: Option<String>,
    /// `YYYY-MM-DD`; may be blank for an identity card (derived).
    #[serde(default)]
    pub birth_date: Option<String>,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub phone2: Option<String>,
    /// 户籍/常住地, free text.
    #[serde(default)]
    pub region: String,
    /// Serde name of a `GuestCategory`.
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub chronic_disease: Option<String>,
    /// Checkbox: `true` / `on` / blank.
    #[serde(default)]
    pub pregnant: Option<String>,
    #[serde(default)]
    pub medical_notes: Option<String>,
    /// Drivers only, like every field below.
    #[serde(default)]
    pub employer: Option<String>,
    /// Mainland plate, typically 粤Z····港/澳.
    #[serde(default)]
    pub plate_cn: Option<String>,
    #[serde(default)]
    pub plate_hk: Option<String>,
    /// Serde name of an `ExemptionStatus`; blank means `valid`.
    #[serde(default)]
    pub exemption_status: Option<String>,
    /// When the exemption was suspended or revoked.
    #[serde(default)]
    pub exemption_date: Option<String>,
    #[serde(default)]
    pub exemption_reason: Option<String>,
}

/// What only cross-border drivers carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DriverInfo {
    pub employer: String,
    pub plate_cn: Option<String>,
    pub plate_hk: Option<String>,
    pub exemption_status: ExemptionStatus,
    pub exemption_date: Option<NaiveDate>,
    pub exemption_reason: Option<String>,
}

/// A validated guest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewGuest {
    pub doc_type: DocType,
    /// Normalised (upper-case, no spaces; HKID as `A123456(3)`).
    pub doc_number: String,
    pub name: String,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    /// Normalised for display (`13800138000`, `+852 91234567`).
    pub phone: String,
    pub phone2: Option<String>,
    pub region: String,
    pub category: GuestCategory,
    pub chronic_disease: Option<String>,
    pub pregnant: bool,
    pub medical_notes: Option<String>,
    /// `Some` exactly when `category` is `CrossBorderDriver`.
    pub driver: Option<DriverInfo>,
}

pub const NAME_MAX: usize = 30;
pub const REGION_MAX: usize = 60;
pub const CHRONIC_MAX: usize = 200;
pub const MEDICAL_NOTES_MAX: usize = 500;
pub const EMPLOYER_MAX: usize = 100;
pub const EXEMPTION_REASON_MAX: usize = 200;
pub const RELATION_MAX: usize = 20;

/// Validate a registration. `today` is the Shanghai date (birth dates and
/// exemption dates may not lie after it).
pub fn validate_guest(i: &GuestInput, today: NaiveDate) -> Result<NewGuest, DomainError> {
    let doc_type = parse_doc_type(&i.doc_type).on("doc_type")?;
    let (doc_number, derived) = if doc_type == DocType::IdCard {
        let card = parse_id_card(&i.doc_number, today).on("doc_number")?;
        (card.number, Some((card.birth_date, card.sex)))
    } else {
        let n = parse_document(doc_type, &i.doc_number, today).on("doc_number")?;
        (n, None)
    };
    let name = required_text(&i.name, NAME_MAX).on("name")?;

    let typed_sex = parse_sex(opt(&i.sex)).on("sex")?;
    let typed_birth = parse_optional_date(opt(&i.birth_date))
        .and_then(|d| d.map(|d| check_birth_date(d, today)).transpose())
        .on("birth_date")?;
    let (sex, birth_date) = match derived {
        Some((card_birth, card_sex)) => {
            if typed_sex.is_some_and(|s| s != card_sex) {
                return Err(DomainError::Rule {
                    field: Some("sex"),
                    key: "error.id_card_sex_mismatch",
                });
            }
            if typed_birth.is_some_and(|d| d != card_birth) {
                return Err(DomainError::Rule {
                    field: Some("birth_date"),
                    key: "error.id_card_birth_mismatch",
                });
            }
            (card_sex, card_birth)
        }
        None => (
            typed_sex.ok_or(Invalid::Empty).on("sex")?,
            typed_birth.ok_or(Invalid::Empty).on("birth_date")?,
        ),
    };

    let phone = parse_phone(&i.phone).on("phone")?.display();
    let phone2 = match opt(&i.phone2).trim() {
        "" => None,
        p => Some(parse_phone(p).on("phone2")?.display()),
    };
    let region = required_text(&i.region, REGION_MAX).on("region")?;
    let category = match i.category.trim() {
        "" => Err(Invalid::Empty),
        c => GuestCategory::parse(c).ok_or(Invalid::BadFormat {
            hint: "close_contact",
        }),
    }
    .on("category")?;
    let chronic_disease =
        optional_text(opt(&i.chronic_disease), CHRONIC_MAX).on("chronic_disease")?;
    let pregnant = parse_flag(opt(&i.pregnant)).on("pregnant")?;
    if pregnant && sex == Sex::Male {
        return Err(DomainError::Rule {
            field: Some("pregnant"),
            key: "error.pregnant_male",
        });
    }
    let medical_notes =
        optional_text(opt(&i.medical_notes), MEDICAL_NOTES_MAX).on("medical_notes")?;

    let driver = if category == GuestCategory::CrossBorderDriver {
        Some(validate_driver(i, today)?)
    } else {
        None
    };

    Ok(NewGuest {
        doc_type,
        doc_number,
        name,
        sex,
        birth_date,
        phone,
        phone2,
        region,
        category,
        chronic_disease,
        pregnant,
        medical_notes,
        driver,
    })
}

fn validate_driver(i: &GuestInput, today: NaiveDate) -> Result<DriverInfo, DomainError> {
    let employer = required_text(opt(&i.employer), EMPLOYER_MAX).on("employer")?;
    let plate_cn = match opt(&i.plate_cn).trim() {
        "" => None,
        p => Some(parse_plate(p).on("plate_cn")?),
    };
    let plate_hk = match opt(&i.plate_hk).trim() {
        "" => None,
        p => Some(parse_hk_plate(p).on("plate_hk")?),
    };
    if plate_cn.is_none() && plate_hk.is_none() {
        return Err(DomainError::Rule {
            field: Some("plate_cn"),
            key: "error.driver_plate_required",
        });
    }
    let exemption_status = match opt(&i.exemption_status).trim() {
        "" => ExemptionStatus::Valid,
        s => ExemptionStatus::parse(s)
            .ok_or(Invalid::BadFormat { hint: "valid" })
            .on("exemption_status")?,
    };
    let exemption_date = parse_optional_date(opt(&i.exemption_date))
        .and_then(|d| match d {
            Some(d) if d > today => Err(Invalid::FutureDate),
            d => Ok(d),
        })
        .on("exemption_date")?;
    let exemption_reason =
        optional_text(opt(&i.exemption_reason), EXEMPTION_REASON_MAX).on("exemption_reason")?;
    if exemption_status != ExemptionStatus::Valid {
        if exemption_date.is_none() {
            return Err(DomainError::Invalid {
                field: "exemption_date",
                error: Invalid::Empty,
            });
        }
        if exemption_reason.is_none() {
            return Err(DomainError::Invalid {
                field: "exemption_reason",
                error: Invalid::Empty,
            });
        }
    }
    Ok(DriverInfo {
        employer,
        plate_cn,
        plate_hk,
        exemption_status,
        exemption_date,
        exemption_reason,
    })
}

/// A relative or friend (亲友) to contact.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RelativeInput {
    #[serde(default)]
    pub name: String,
    /// 关系, e.g. 配偶, 父亲.
    #[serde(default)]
    pub relation: String,
    #[serde(default)]
    pub phone: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewRelative {
    pub name: String,
    pub relation: String,
    /// Normalised for display.
    pub phone: String,
}

pub fn validate_relative(i: &RelativeInput) -> Result<NewRelative, DomainError> {
    Ok(NewRelative {
        name: required_text(&i.name, NAME_MAX).on("name")?,
        relation: required_text(&i.relation, RELATION_MAX).on("relation")?,
        phone: parse_phone(&i.phone).on("phone")?.display(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn today() -> NaiveDate {
        date(2021, 6, 1)
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_owned())
    }

    /// A valid male identity card: 1985-06-15, sequence 001 (odd = male).
    const MALE_ID: &str = "440304198506150015";
    /// The example from DESIGN §8: 1949-12-31, female.
    const FEMALE_ID: &str = "11010519491231002X";

    fn driver() -> GuestInput {
        GuestInput {
            doc_type: "hk_macau_permit".into(),
            doc_number: " h1234 5678 ".into(),
            name: " 陈大文 ".into(),
            sex: s("male"),
            birth_date: s("1975-03-08"),
            phone: "+852 9123 4567".into(),
            phone2: s("138 0013 8000"),
            region: "香港".into(),
            category: "cross_border_driver".into(),
            chronic_disease: s("高血压"),
            pregnant: None,
            medical_notes: s(""),
            employer: s("深港货运有限公司"),
            plate_cn: s("粤z·ab12港"),
            plate_hk: s("ab 1234"),
            exemption_status: s(""),
            exemption_date: None,
            exemption_reason: None,
        }
    }

    fn traveller() -> GuestInput {
        GuestInput {
            doc_type: "passport".into(),
            doc_number: "e1234567 8".into(),
            name: "John Smith".into(),
            sex: s("male"),
            birth_date: s("1990-01-31"),
            phone: "13800138000".into(),
            region: "英国伦敦".into(),
            category: "inbound_traveller".into(),
            // Driver fields are ignored for other categories, even if bad.
            employer: s("x".repeat(500).as_str()),
            plate_cn: s("nonsense"),
            exemption_status: s("whatever"),
            ..GuestInput::default()
        }
    }

    #[test]
    fn a_good_driver_is_normalised() {
        let g = validate_guest(&driver(), today()).unwrap();
        assert_eq!(g.doc_type, DocType::HkMacauPermit);
        assert_eq!(g.doc_number, "H12345678");
        assert_eq!(g.name, "陈大文");
        assert_eq!(g.sex, Sex::Male);
        assert_eq!(g.birth_date, date(1975, 3, 8));
        assert_eq!(g.phone, "+852 91234567");
        assert_eq!(g.phone2.as_deref(), Some("13800138000"));
        assert_eq!(g.category, GuestCategory::CrossBorderDriver);
        assert_eq!(g.chronic_disease.as_deref(), Some("高血压"));
        assert!(!g.pregnant);
        assert_eq!(g.medical_notes, None);
        let d = g.driver.unwrap();
        assert_eq!(d.employer, "深港货运有限公司");
        assert_eq!(d.plate_cn.as_deref(), Some("粤ZAB12港"));
        assert_eq!(d.plate_hk.as_deref(), Some("AB1234"));
        assert_eq!(d.exemption_status, ExemptionStatus::Valid);
        assert_eq!(d.exemption_date, None);
    }

    #[test]
    fn a_driver_with_one_plate_is_enough() {
        let mut i = driver();
        i.plate_cn = None;
        let d = validate_guest(&i, today()).unwrap().driver.unwrap();
        assert_eq!(d.plate_cn, None);
        assert_eq!(d.plate_hk.as_deref(), Some("AB1234"));
        let mut i = driver();
        i.plate_hk = s("  ");
        assert!(validate_guest(&i, today()).is_ok());
    }

    #[test]
    fn a_revoked_exemption_needs_date_and_reason() {
        let mut i = driver();
        i.exemption_status = s("revoked");
        i.exemption_date = s("2021-05-30");
        i.exemption_reason = s("核酸阳性密接");
        let d = validate_guest(&i, today()).unwrap().driver.unwrap();
        assert_eq!(d.exemption_status, ExemptionStatus::Revoked);
        assert_eq!(d.exemption_date, Some(date(2021, 5, 30)));
        assert_eq!(d.exemption_reason.as_deref(), Some("核酸阳性密接"));
    }

    #[test]
    fn a_good_traveller_has_no_driver_info() {
        let g = validate_guest(&traveller(), today()).unwrap();
        assert_eq!(g.doc_type, DocType::Passport);
        assert_eq!(g.doc_number, "E12345678");
        assert_eq!(g.category, GuestCategory::InboundTraveller);
        assert_eq!(g.phone2, None);
        assert_eq!(g.driver, None);
    }

    #[test]
    fn each_bad_field_is_named() {
        type Spoil = fn(&mut GuestInput);
        let cases: &[(&str, Spoil)] = &[
            ("doc_type", |i| i.doc_type = "visa".into()),
            ("doc_type", |i| i.doc_type = " ".into()),
            ("doc_number", |i| i.doc_number = "A12345678".into()),
            ("doc_number", |i| i.doc_number = String::new()),
            ("name", |i| i.name = "  ".into()),
            ("name", |i| i.name = "名".repeat(31)),
            ("sex", |i| i.sex = None),
            ("sex", |i| i.sex = s("M")),
            ("birth_date", |i| i.birth_date = s("")),
            ("birth_date", |i| i.birth_date = s("1975/03/08")),
            ("birth_date", |i| i.birth_date = s("1975-02-30")),
            ("birth_date", |i| i.birth_date = s("2021-06-02")),
            ("birth_date", |i| i.birth_date = s("1899-12-31")),
            ("phone", |i| i.phone = "12345".into()),
            ("phone", |i| i.phone = String::new()),
            ("phone2", |i| i.phone2 = s("12345")),
            ("region", |i| i.region = String::new()),
            ("region", |i| i.region = "区".repeat(61)),
            ("category", |i| i.category = String::new()),
            ("category", |i| i.category = "tourist".into()),
            ("chronic_disease", |i| {
                i.chronic_disease = s(&"病".repeat(201))
            }),
            ("pregnant", |i| i.pregnant = s("maybe")),
            ("pregnant", |i| i.pregnant = s("on")),
            ("medical_notes", |i| i.medical_notes = s("a\u{0}b")),
            ("employer", |i| i.employer = None),
            ("employer", |i| i.employer = s(&"司".repeat(101))),
            ("plate_cn", |i| i.plate_cn = s("粤Z123")),
            ("plate_hk", |i| i.plate_hk = s("IO1234")),
            ("plate_cn", |i| {
                i.plate_cn = None;
                i.plate_hk = s("");
            }),
            ("exemption_status", |i| i.exemption_status = s("expired")),
            ("exemption_date", |i| {
                i.exemption_status = s("suspended");
                i.exemption_reason = s("待核查");
            }),
            ("exemption_date", |i| i.exemption_date = s("2021-13-01")),
            ("exemption_date", |i| i.exemption_date = s("2021-06-02")),
            ("exemption_reason", |i| {
                i.exemption_status = s("revoked");
                i.exemption_date = s("2021-05-01");
            }),
            ("exemption_reason", |i| {
                i.exemption_reason = s(&"因".repeat(201));
            }),
        ];
        for (field, spoil) in cases {
            let mut i = driver();
            spoil(&mut i);
            let e = validate_guest(&i, today()).unwrap_err();
            assert_eq!(e.field(), Some(*field), "{e:?}");
        }
    }

    #[test]
    fn rule_keys() {
        let mut i = driver();
        i.plate_cn = None;
        i.plate_hk = None;
        assert_eq!(
            validate_guest(&i, today()),
            Err(DomainError::Rule {
                field: Some("plate_cn"),
                key: "error.driver_plate_required"
            })
        );
        let mut i = driver();
        i.pregnant = s("true");
        assert_eq!(
            validate_guest(&i, today()),
            Err(DomainError::Rule {
                field: Some("pregnant"),
                key: "error.pregnant_male"
            })
        );
        i.sex = s("female");
        assert!(validate_guest(&i, today()).unwrap().pregnant);
    }

    #[test]
    fn id_card_derives_birth_date_and_sex() {
        let mut i = traveller();
        i.doc_type = "id_card".into();
        i.doc_number = "11010519491231002x".into();
        i.sex = None;
        i.birth_date = s("  ");
        let g = validate_guest(&i, today()).unwrap();
        assert_eq!(g.doc_number, FEMALE_ID);
        assert_eq!(g.birth_date, date(1949, 12, 31));
        assert_eq!(g.sex, Sex::Female);

        i.doc_number = MALE_ID.into();
        let g = validate_guest(&i, today()).unwrap();
        assert_eq!(g.birth_date, date(1985, 6, 15));
        assert_eq!(g.sex, Sex::Male);

        // Typing the same values as the card is fine.
        i.sex = s("male");
        i.birth_date = s("1985-06-15");
        assert!(validate_guest(&i, today()).is_ok());
    }

    #[test]
    fn id_card_mismatches_are_refused() {
        let mut i = traveller();
        i.doc_type = "id_card".into();
        i.doc_number = FEMALE_ID.into();
        i.sex = s("male");
        i.birth_date = None;
        assert_eq!(
            validate_guest(&i, today()),
            Err(DomainError::Rule {
                field: Some("sex"),
                key: "error.id_card_sex_mismatch"
            })
        );
        i.sex = s("female");
        i.birth_date = s("1949-12-30");
        assert_eq!(
            validate_guest(&i, today()),
            Err(DomainError::Rule {
                field: Some("birth_date"),
                key: "error.id_card_birth_mismatch"
            })
        );
        // A malformed typed date is reported as malformed, not as a mismatch.
        i.birth_date = s("1949-12-32");
        assert_eq!(
            validate_guest(&i, today()),
            Err(DomainError::Invalid {
                field: "birth_date",
                error: Invalid::BadDate
            })
        );
        // A bad card number is the number's fault.
        i.birth_date = None;
        i.doc_number = "110105194912310021".into();
        let e = validate_guest(&i, today()).unwrap_err();
        assert_eq!(e.field(), Some("doc_number"));
    }

    #[test]
    fn age_around_birthdays() {
        let b = date(1990, 6, 15);
        assert_eq!(age_on(b, date(2020, 6, 14)), 29);
        assert_eq!(age_on(b, date(2020, 6, 15)), 30);
        assert_eq!(age_on(b, date(2020, 12, 31)), 30);
        assert_eq!(age_on(b, b), 0);
        assert_eq!(age_on(b, date(1990, 6, 14)), -1);
        let leap = date(2000, 2, 29);
        assert_eq!(age_on(leap, date(2001, 2, 28)), 0);
        assert_eq!(age_on(leap, date(2001, 3, 1)), 1);
        assert_eq!(age_on(leap, date(2004, 2, 28)), 3);
        assert_eq!(age_on(leap, date(2004, 2, 29)), 4);
        assert_eq!(age_on(leap, date(2070, 3, 1)), 70);
        assert_eq!(age_on(date(1949, 12, 31), date(2021, 1, 1)), 71);
    }

    #[test]
    fn dates_and_flags() {
        assert_eq!(parse_date("2021-1-5"), Ok(date(2021, 1, 5)));
        assert_eq!(parse_date("２０２１－０１－０５"), Ok(date(2021, 1, 5)));
        assert_eq!(parse_date(""), Err(Invalid::Empty));
        assert_eq!(parse_date("2021-02-29"), Err(Invalid::BadDate));
        assert_eq!(
            parse_date("21-01-05"),
            Err(Invalid::BadFormat { hint: DATE_HINT })
        );
        assert_eq!(
            parse_date("2021-01-05T00:00"),
            Err(Invalid::BadFormat { hint: DATE_HINT })
        );
        assert_eq!(parse_optional_date(" "), Ok(None));
        assert_eq!(parse_flag("on"), Ok(true));
        assert_eq!(parse_flag(""), Ok(false));
        assert!(parse_flag("yes").is_err());
    }

    #[test]
    fn enum_names_round_trip() {
        for c in GuestCategory::ALL {
            assert_eq!(GuestCategory::parse(c.as_str()), Some(c));
        }
        for e in ExemptionStatus::ALL {
            assert_eq!(ExemptionStatus::parse(e.as_str()), Some(e));
        }
        assert_eq!(GuestCategory::parse("Other"), None);
        for (name, d) in [
            ("id_card", DocType::IdCard),
            ("hk_macau_permit", DocType::HkMacauPermit),
            ("taiwan_permit", DocType::TaiwanPermit),
            ("passport", DocType::Passport),
            ("hk_id", DocType::HkId),
            ("other", DocType::Other),
        ] {
            assert_eq!(parse_doc_type(name), Ok(d));
            assert_eq!(d.as_str(), name);
        }
        assert_eq!(DocType::ALL.len(), 6);
        for x in Sex::ALL {
            assert_eq!(Sex::parse(x.as_str()), Some(x));
        }
        assert_eq!(
            parse_doc_type("IdCard"),
            Err(Invalid::BadFormat { hint: "id_card" })
        );
    }

    #[test]
    fn relatives() {
        let good = RelativeInput {
            name: " 李四 ".into(),
            relation: "配偶".into(),
            phone: "+853 6123 4567".into(),
        };
        assert_eq!(
            validate_relative(&good),
            Ok(NewRelative {
                name: "李四".into(),
                relation: "配偶".into(),
                phone: "+853 61234567".into(),
            })
        );
        type Spoil = fn(&mut RelativeInput);
        let cases: [(&str, Spoil); 4] = [
            ("name", |i| i.name = String::new()),
            ("relation", |i| i.relation = " ".into()),
            ("relation", |i| i.relation = "亲".repeat(21)),
            ("phone", |i| i.phone = "110".into()),
        ];
        for (field, spoil) in cases {
            let mut i = good.clone();
            spoil(&mut i);
            assert_eq!(validate_relative(&i).unwrap_err().field(), Some(field));
        }
    }
}
