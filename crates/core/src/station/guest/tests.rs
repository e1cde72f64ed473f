//! Good and bad vectors for guest input.

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
/// The example from docs/design.md §8: 1949-12-31, female.
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
        ("chronic_disease", |i| i.chronic_disease = s(&"病".repeat(201))),
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

fn fields(e: &DomainError) -> Vec<&'static str> {
    e.each().into_iter().filter_map(DomainError::field).collect()
}

#[test]
fn every_refused_field_is_reported_at_once_in_the_order_of_the_form() {
    let mut i = driver();
    i.doc_number = "A1".into();
    i.name = String::new();
    i.phone = "12345".into();
    i.region = String::new();
    i.employer = None;
    i.plate_cn = s("粤Z123");
    let e = validate_guest(&i, today()).unwrap_err();
    assert_eq!(fields(&e), ["doc_number", "name", "phone", "region", "employer", "plate_cn"]);

    // A form sent empty: each required field once (sex and birth date too, as no card says
    // them), nothing about a driver's fields until the category is chosen.
    let e = validate_guest(&GuestInput::default(), today()).unwrap_err();
    assert_eq!(
        fields(&e),
        ["doc_type", "name", "sex", "birth_date", "phone", "region", "category"]
    );

    // One refusal is itself, not a list of one.
    let mut i = driver();
    i.region = String::new();
    assert_eq!(
        validate_guest(&i, today()),
        Err(DomainError::Invalid { field: "region", error: Invalid::Empty })
    );
}

#[test]
fn only_a_mainland_card_says_sex_and_birth_date() {
    // An HK permit left to "derive" them is asked for both.
    let mut i = driver();
    i.sex = s("");
    i.birth_date = None;
    let e = validate_guest(&i, today()).unwrap_err();
    assert_eq!(fields(&e), ["sex", "birth_date"]);

    // A mistyped card number is the only error: sex and birth date will come from the card.
    let mut i = traveller();
    i.doc_type = "id_card".into();
    i.doc_number = "440304198506150016".into();
    i.sex = None;
    i.birth_date = None;
    let e = validate_guest(&i, today()).unwrap_err();
    assert_eq!(fields(&e), ["doc_number"]);
}

#[test]
fn rule_keys() {
    let mut i = driver();
    i.plate_cn = None;
    i.plate_hk = None;
    assert_eq!(
        validate_guest(&i, today()),
        Err(DomainError::Rule { field: Some("plate_cn"), key: "error.driver_plate_required" })
    );
    let mut i = driver();
    i.pregnant = s("true");
    assert_eq!(
        validate_guest(&i, today()),
        Err(DomainError::Rule { field: Some("pregnant"), key: "error.pregnant_male" })
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
        Err(DomainError::Rule { field: Some("sex"), key: "error.id_card_sex_mismatch" })
    );
    i.sex = s("female");
    i.birth_date = s("1949-12-30");
    assert_eq!(
        validate_guest(&i, today()),
        Err(DomainError::Rule { field: Some("birth_date"), key: "error.id_card_birth_mismatch" })
    );
    // A malformed typed date is reported as malformed, not as a mismatch.
    i.birth_date = s("1949-12-32");
    assert_eq!(
        validate_guest(&i, today()),
        Err(DomainError::Invalid { field: "birth_date", error: Invalid::BadDate })
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
    assert_eq!(parse_date("21-01-05"), Err(Invalid::BadFormat { hint: DATE_HINT }));
    assert_eq!(parse_date("2021-01-05T00:00"), Err(Invalid::BadFormat { hint: DATE_HINT }));
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
    assert_eq!(parse_doc_type("IdCard"), Err(Invalid::BadFormat { hint: "id_card" }));
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
