//! Guests (住客/纳管人员), their relatives (亲友), and the validation of the
//! registration form (docs/design.md §3, §8).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, OnField, Refusals};
use crate::validate::{
    DocType, Invalid, Sex, optional_text, parse_document, parse_hk_plate, parse_id_card,
    parse_phone, parse_plate, required_text,
};

/// Why a person is held at a station.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
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
stored_code!(GuestCategory);

/// A cross-border driver's exemption (豁免) status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExemptionStatus {
    Valid,
    Suspended,
    Revoked,
}

impl ExemptionStatus {
    pub const ALL: [ExemptionStatus; 3] =
        [ExemptionStatus::Valid, ExemptionStatus::Suspended, ExemptionStatus::Revoked];
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
stored_code!(ExemptionStatus);

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
stored_code!(DocType);

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
stored_code!(Sex);

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
        t => Sex::parse(t).map(Some).ok_or(Invalid::BadFormat { hint: "male" }),
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
        return Err(Invalid::OutOfRange { min: min.to_string(), max: today.to_string() });
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
/// exemption dates may not lie after it). Every refused field is reported at
/// once (`DomainError::Many`), in the order of the form.
pub fn validate_guest(i: &GuestInput, today: NaiveDate) -> Result<NewGuest, DomainError> {
    let mut r = Refusals::default();
    let doc_type = r.check(parse_doc_type(&i.doc_type).on("doc_type"));
    // Only a mainland identity card says who its holder is; any other document needs sex and
    // birth date typed.
    let from_card = doc_type == Some(DocType::IdCard);
    let doc = doc_type.and_then(|t| {
        r.check(if t == DocType::IdCard {
            parse_id_card(&i.doc_number, today)
                .map(|card| (card.number, Some((card.birth_date, card.sex))))
                .on("doc_number")
        } else {
            parse_document(t, &i.doc_number, today).map(|n| (n, None)).on("doc_number")
        })
    });
    let name = r.check(required_text(&i.name, NAME_MAX).on("name"));

    let typed_sex = r.check(parse_sex(opt(&i.sex)).on("sex"));
    let typed_birth = r.check(
        parse_optional_date(opt(&i.birth_date))
            .and_then(|d| d.map(|d| check_birth_date(d, today)).transpose())
            .on("birth_date"),
    );
    let derived = doc.as_ref().and_then(|(_, d)| *d);
    let (sex, birth_date) = match derived {
        Some((card_birth, card_sex)) => {
            if typed_sex.flatten().is_some_and(|s| s != card_sex) {
                r.refuse(DomainError::Rule {
                    field: Some("sex"),
                    key: "error.id_card_sex_mismatch",
                });
            }
            if typed_birth.flatten().is_some_and(|d| d != card_birth) {
                r.refuse(DomainError::Rule {
                    field: Some("birth_date"),
                    key: "error.id_card_birth_mismatch",
                });
            }
            (Some(card_sex), Some(card_birth))
        }
        // A card whose number was refused will say both once it is right: asking for them now
        // would be wrong.
        None if from_card => (None, None),
        None => (
            typed_sex.and_then(|s| r.check(s.ok_or(Invalid::Empty).on("sex"))),
            typed_birth.and_then(|d| r.check(d.ok_or(Invalid::Empty).on("birth_date"))),
        ),
    };

    let phone = r.check(parse_phone(&i.phone).on("phone")).map(|p| p.display());
    let phone2 = r.check(match opt(&i.phone2).trim() {
        "" => Ok(None),
        p => parse_phone(p).map(|p| Some(p.display())).on("phone2"),
    });
    let region = r.check(required_text(&i.region, REGION_MAX).on("region"));
    let category = r.check(
        match i.category.trim() {
            "" => Err(Invalid::Empty),
            c => GuestCategory::parse(c).ok_or(Invalid::BadFormat { hint: "close_contact" }),
        }
        .on("category"),
    );
    let chronic_disease =
        r.check(optional_text(opt(&i.chronic_disease), CHRONIC_MAX).on("chronic_disease"));
    let pregnant = r.check(parse_flag(opt(&i.pregnant)).on("pregnant"));
    if pregnant == Some(true) && sex == Some(Sex::Male) {
        r.refuse(DomainError::Rule { field: Some("pregnant"), key: "error.pregnant_male" });
    }
    let medical_notes =
        r.check(optional_text(opt(&i.medical_notes), MEDICAL_NOTES_MAX).on("medical_notes"));

    let driver = match category {
        Some(GuestCategory::CrossBorderDriver) => r.check(validate_driver(i, today)).map(Some),
        _ => Some(None),
    };

    r.finish()?;
    // Every `None` came with a refusal, so past `finish` each value is there.
    let accepted = || {
        Some(NewGuest {
            doc_type: doc_type?,
            doc_number: doc?.0,
            name: name?,
            sex: sex?,
            birth_date: birth_date?,
            phone: phone?,
            phone2: phone2?,
            region: region?,
            category: category?,
            chronic_disease: chronic_disease?,
            pregnant: pregnant?,
            medical_notes: medical_notes?,
            driver: driver?,
        })
    };
    accepted().ok_or(DomainError::Invalid { field: "doc_type", error: Invalid::Empty })
}

fn validate_driver(i: &GuestInput, today: NaiveDate) -> Result<DriverInfo, DomainError> {
    let mut r = Refusals::default();
    let employer = r.check(required_text(opt(&i.employer), EMPLOYER_MAX).on("employer"));
    let plate_cn = r.check(match opt(&i.plate_cn).trim() {
        "" => Ok(None),
        p => parse_plate(p).map(Some).on("plate_cn"),
    });
    let plate_hk = r.check(match opt(&i.plate_hk).trim() {
        "" => Ok(None),
        p => parse_hk_plate(p).map(Some).on("plate_hk"),
    });
    if opt(&i.plate_cn).trim().is_empty() && opt(&i.plate_hk).trim().is_empty() {
        r.refuse(DomainError::Rule { field: Some("plate_cn"), key: "error.driver_plate_required" });
    }
    let exemption_status = r.check(match opt(&i.exemption_status).trim() {
        "" => Ok(ExemptionStatus::Valid),
        s => ExemptionStatus::parse(s)
            .ok_or(Invalid::BadFormat { hint: "valid" })
            .on("exemption_status"),
    });
    let exemption_date = r.check(
        parse_optional_date(opt(&i.exemption_date))
            .and_then(|d| {
                crate::validate::date::optional(d, today, crate::validate::date::happened_on)
            })
            .on("exemption_date"),
    );
    let exemption_reason = r.check(
        optional_text(opt(&i.exemption_reason), EXEMPTION_REASON_MAX).on("exemption_reason"),
    );
    if exemption_status.is_some_and(|s| s != ExemptionStatus::Valid) {
        if exemption_date == Some(None) {
            r.refuse(DomainError::Invalid { field: "exemption_date", error: Invalid::Empty });
        }
        if exemption_reason == Some(None) {
            r.refuse(DomainError::Invalid { field: "exemption_reason", error: Invalid::Empty });
        }
    }
    r.finish()?;
    // As in `validate_guest`: past `finish` each value is there.
    let accepted = || {
        Some(DriverInfo {
            employer: employer?,
            plate_cn: plate_cn?,
            plate_hk: plate_hk?,
            exemption_status: exemption_status?,
            exemption_date: exemption_date?,
            exemption_reason: exemption_reason?,
        })
    };
    accepted().ok_or(DomainError::Invalid { field: "employer", error: Invalid::Empty })
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
mod tests;
