//! Fuzzing of every validator (proptest as the fuzzer: the stable toolchain has no libFuzzer).
//! Hostile strings never panic; whatever a validator accepts it accepts again unchanged (the
//! normalised form is a fixed point); generated valid values (ID numbers, USCCs, phones,
//! plates, temperatures, months, amounts …) are accepted with what they encode; a wrong check
//! character is refused naming the right one. `PROPTEST_CASES=100000` runs the long form.

mod fuzz_support;

use chrono::{DateTime, Datelike, Days, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use yizhan_core::station::guest::{parse_date, parse_doc_type, parse_flag};
use yizhan_core::validate::*;
use yizhan_core::work::indicator::{MAX_AMOUNT, Month, format_amount, parse_amount, parse_month};
use yizhan_core::work::returning_worker::parse_province;

use fuzz_support::{config, corpus, nasty, today};

const PROVINCES: &[u32] = &[
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91,
];
const USCC_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2020, 3, 15, 4, 0, 0).unwrap()
}

/// A valid ID number: a real province, any district digits, a birth date from 1900-01-01 to
/// today, any sequence; with its birth date.
fn id_number() -> impl Strategy<Value = (String, NaiveDate)> {
    let first = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
    let span = (today() - first).num_days() as u64;
    (prop::sample::select(PROVINCES), 0u32..10_000, 0..=span, 0u32..1000).prop_map(
        move |(p, district, d, seq)| {
            let birth = first + Days::new(d);
            let body = format!("{p:02}{district:04}{}{seq:03}", birth.format("%Y%m%d"));
            (with_check_digit(&body).unwrap(), birth)
        },
    )
}

fn uscc() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(USCC_CHARS.chars().collect::<Vec<_>>()), 17)
        .prop_map(|cs| with_check_char(&cs.into_iter().collect::<String>()).unwrap())
}

/// Full-width forms of the ASCII letters and digits in `s`, as a Chinese input method types them.
fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                char::from_u32(u32::from(c) + 0xFEE0).unwrap()
            } else {
                c
            }
        })
        .collect()
}

/// Every validator on one input: none may panic, and each accepted value is a fixed point.
fn all_validators(s: &str) {
    let day = today();
    if let Ok(c) = parse_id_card(s, day) {
        assert_eq!(c.number.len(), 18);
        assert!(c.birth_date <= day);
        assert_eq!(parse_id_card(&c.number, day), Ok(c.clone()));
        assert_eq!(with_check_digit(&c.number[..17]), Some(c.number));
    }
    if let Some(n) = with_check_digit(s) {
        assert_eq!(n.len(), 18);
        assert!(n.starts_with(s));
    }
    if let Ok(u) = parse_uscc(s) {
        assert_eq!(parse_uscc(&u), Ok(u.clone()));
        assert_eq!(with_check_char(&u[..17]), Some(u));
    }
    if let Some(u) = with_check_char(s) {
        assert_eq!(parse_uscc(&u), Ok(u));
    }
    if let Ok(p) = parse_phone(s) {
        assert!(p.digits.bytes().all(|b| b.is_ascii_digit()));
        assert_eq!(parse_phone(&p.display()), Ok(p));
    }
    for parse in [parse_plate, parse_hk_plate] {
        if let Ok(p) = parse(s) {
            assert_eq!(parse(&p), Ok(p));
        }
    }
    if let Ok(t) = parse_temperature(s) {
        assert!((340..=430).contains(&t.0));
        assert_eq!(parse_temperature(&t.to_string()), Ok(t));
    }
    for max in [0, 1, 40, 200] {
        if let Ok(t) = required_text(s, max) {
            assert_eq!(t.trim(), t);
            assert!(!t.is_empty() && t.chars().count() <= max);
            assert!(!t.chars().any(char::is_control));
            assert_eq!(required_text(&t, max), Ok(t));
        }
        match optional_text(s, max) {
            Ok(None) => assert!(s.trim().is_empty()),
            Ok(Some(t)) => assert_eq!(required_text(s, max), Ok(t)),
            Err(e) => assert_eq!(required_text(s, max), Err(e)),
        }
    }
    for doc in DocType::ALL {
        if let Ok(n) = parse_document(doc, s, day) {
            assert_eq!(parse_document(doc, &n, day), Ok(n));
        }
    }
    for (min, max) in [(0, 100), (1, i64::MAX), (i64::MIN, i64::MAX), (-5, 5)] {
        if let Ok(v) = parse_int(s, min, max, "1") {
            assert!((min..=max).contains(&v));
            assert_eq!(parse_int(&v.to_string(), min, max, "1"), Ok(v));
        }
    }
    if let Ok(at) = parse_local_datetime(s, now()) {
        assert!(at <= now() + chrono::Duration::minutes(5));
    }
    if let Ok(d) = parse_date(s) {
        assert_eq!(parse_date(&d.to_string()), Ok(d));
    }
    let _ = (parse_doc_type(s), parse_flag(s), parse_optional_date(s));
    if let Ok(p) = parse_province(s) {
        assert_eq!(parse_province(p), Ok(p));
    }
    if let Ok(m) = parse_month(s, day) {
        assert!(m <= Month::of(day) && m.year >= 2000);
        assert_eq!(parse_month(&m.to_string(), day), Ok(m));
    }
    if let Ok(v) = parse_amount(s) {
        assert!((0..=MAX_AMOUNT).contains(&v));
        assert_eq!(parse_amount(&format_amount(v)), Ok(v));
    }
    let _ = (
        yizhan_core::station::room::parse_room_number(s),
        yizhan_core::station::room::parse_floor(s),
        yizhan_core::station::room::parse_beds(s),
        yizhan_core::station::stations::parse_id(s),
        yizhan_core::station::stations::parse_count(s, 1000),
        yizhan_core::access::parse_scope(s),
        yizhan_core::access::parse_grant(s, s),
        yizhan_core::command::directive::parse_recipient(s),
        yizhan_core::station::sampling::parse_result(s),
        yizhan_core::work::worker_import::sheet_date(s),
    );
}

#[test]
fn the_corpus_never_panics() {
    for s in corpus() {
        all_validators(&s);
    }
}

proptest! {
    #![proptest_config(config("proptest-regressions/fuzz_validators.txt"))]

    #[test]
    fn hostile_strings_never_panic_and_what_is_accepted_is_a_fixed_point(s in nasty()) {
        all_validators(&s);
    }

    #[test]
    fn a_generated_id_number_parses_with_its_birth_date((n, birth) in id_number(), ws in 0usize..18) {
        let c = parse_id_card(&n, today()).unwrap();
        prop_assert_eq!(&c.number, &n);
        prop_assert_eq!(c.birth_date, birth);
        let odd = n.as_bytes()[16] % 2 == 1;
        prop_assert_eq!(c.sex, if odd { Sex::Male } else { Sex::Female });
        // Typed with a lower-case x, in full width, or with a space: the same number.
        let spaced = format!(" {} {} ", &n[..ws], &n[ws..]);
        for typed in [n.to_lowercase(), full_width(&n), spaced] {
            prop_assert_eq!(parse_id_card(&typed, today()), Ok(c.clone()));
        }
        prop_assert_eq!(parse_document(DocType::IdCard, &n, today()), Ok(n.clone()));
    }

    #[test]
    fn an_id_number_with_another_check_char_is_refused_naming_the_right_one(
        (n, _) in id_number(),
        shift in 1usize..11,
    ) {
        let checks: Vec<char> = "0123456789X".chars().collect();
        let right = n.chars().last().unwrap();
        let at = checks.iter().position(|c| *c == right).unwrap();
        let other = checks[(at + shift) % checks.len()];
        let wrong = format!("{}{other}", &n[..17]);
        prop_assert_eq!(
            parse_id_card(&wrong, today()),
            Err(Invalid::BadChecksum { expected: right })
        );
    }

    #[test]
    fn a_generated_uscc_parses_and_another_check_char_is_refused(
        u in uscc(),
        other in prop::sample::select(USCC_CHARS.chars().collect::<Vec<_>>()),
    ) {
        prop_assert_eq!(parse_uscc(&u), Ok(u.clone()));
        prop_assert_eq!(parse_uscc(&u.to_lowercase()), Ok(u.clone()));
        prop_assert_eq!(parse_uscc(&full_width(&u)), Ok(u.clone()));
        let right = u.chars().last().unwrap();
        if other != right {
            let wrong = format!("{}{other}", &u[..17]);
            prop_assert_eq!(parse_uscc(&wrong), Err(Invalid::BadChecksum { expected: right }));
        }
    }

    #[test]
    fn a_valid_phone_always_passes(
        second in 3u8..=9,
        rest in "[0-9]{9}",
        hk in "[2-9][0-9]{7}",
        mo in "6[0-9]{7}",
        sep in prop::sample::select(vec!["", " ", "-", "\u{3000}"]),
    ) {
        let mobile = format!("1{second}{rest}");
        let mainland = Phone { region: PhoneRegion::Mainland, digits: mobile.clone() };
        for typed in [
            mobile.clone(),
            format!("+86{sep}{mobile}"),
            format!("0086{sep}{}{sep}{}", &mobile[..3], &mobile[3..]),
            format!("86{mobile}"),
            full_width(&mobile),
        ] {
            prop_assert_eq!(parse_phone(&typed), Ok(mainland.clone()));
        }
        let hong_kong = Phone { region: PhoneRegion::HongKong, digits: hk.clone() };
        prop_assert_eq!(parse_phone(&hk), Ok(hong_kong.clone()));
        prop_assert_eq!(parse_phone(&format!("+852{sep}{hk}")), Ok(hong_kong));
        let macau = Phone { region: PhoneRegion::Macau, digits: mo.clone() };
        prop_assert_eq!(parse_phone(&format!("+853{sep}{mo}")), Ok(macau.clone()));
        prop_assert_eq!(parse_phone(&macau.display()), Ok(macau));
    }

    #[test]
    fn a_valid_plate_always_passes(
        province in prop::sample::select("京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼".chars().collect::<Vec<_>>()),
        office in "[A-HJ-NP-Z]",
        serial in "[0-9A-HJ-NP-Z]{5,6}",
        hk in "[0-9A-HJ-NPR-Z]{1,8}",
    ) {
        let plate = format!("{province}{office}{serial}");
        prop_assert_eq!(parse_plate(&plate), Ok(plate.clone()));
        let dotted = format!("{province}{}·{}", office.to_lowercase(), serial.to_lowercase());
        prop_assert_eq!(parse_plate(&dotted), Ok(plate));
        prop_assert_eq!(parse_hk_plate(&hk.to_lowercase()), Ok(hk));
    }

    #[test]
    fn every_reading_in_range_round_trips(tenths in 340i64..=430, unit in prop::sample::select(vec!["", "℃", " °C", "°"])) {
        let t = Tenths(tenths);
        let typed = format!("{}.{}{unit}", tenths / 10, tenths % 10);
        prop_assert_eq!(parse_temperature(&typed), Ok(t));
        prop_assert_eq!(parse_temperature(&format!("{t}0")), Ok(t));
        prop_assert_eq!(parse_temperature(&full_width(&t.to_string())), Ok(t));
        prop_assert_eq!(temperature_from_f64(tenths as f64 / 10.0), Ok(t));
    }

    #[test]
    fn any_float_reading_is_answered(v in any::<f64>()) {
        if let Ok(t) = temperature_from_f64(v) {
            prop_assert!((340..=430).contains(&t.0));
            prop_assert!((v * 10.0 - t.0 as f64).abs() <= 0.01);
        }
    }

    #[test]
    fn an_hkid_body_has_exactly_one_check_character(letters in "[A-Z]{1,2}", digits in "[0-9]{6}", check in "[0-9A]") {
        let typed = format!("{letters}{digits}({check})");
        match parse_document(DocType::HkId, &typed, today()) {
            Ok(n) => prop_assert_eq!(n, typed),
            Err(Invalid::BadChecksum { expected }) => {
                prop_assert_ne!(check.chars().next(), Some(expected));
                let right = format!("{letters}{digits}{expected}");
                prop_assert_eq!(
                    parse_document(DocType::HkId, &right, today()),
                    Ok(format!("{letters}{digits}({expected})"))
                );
            }
            Err(e) => prop_assert!(false, "{typed}: {e:?}"),
        }
    }

    #[test]
    fn every_whole_number_round_trips(v in any::<i64>()) {
        let all = |s: &str| parse_int(s, i64::MIN, i64::MAX, "1");
        prop_assert_eq!(all(&v.to_string()), Ok(v));
        prop_assert_eq!(all(&full_width(&v.to_string())), Ok(v));
        prop_assert_eq!(all(&format!("\u{3000}{v} ")), Ok(v));
    }

    #[test]
    fn any_date_time_shape_is_answered(y in -300_000i32..300_000, mo in 0u32..14, d in 0u32..33, h in 0u32..25, mi in 0u32..61, t in any::<bool>()) {
        let sep = if t { 'T' } else { ' ' };
        let s = format!("{y:04}-{mo:02}-{d:02}{sep}{h:02}:{mi:02}");
        if let Ok(at) = parse_local_datetime(&s, now()) {
            prop_assert!(at <= now() + chrono::Duration::minutes(5));
        }
    }

    #[test]
    fn every_month_since_2000_parses_in_every_spelling(n in 0u32..(20 * 12 + 3)) {
        let m = Month::new(2000 + (n / 12) as i32, n % 12 + 1).unwrap();
        let (y, mm) = (m.year, m.month);
        for typed in [format!("{y}-{mm:02}"), format!("{y}-{mm}"), format!("{y}/{mm}"), format!("{y}.{mm}"), format!("{y}年{mm}月"), full_width(&format!("{y}-{mm}"))] {
            prop_assert_eq!(parse_month(&typed, today()), Ok(m));
        }
    }

    #[test]
    fn every_amount_in_range_round_trips(v in 0..=MAX_AMOUNT) {
        let text = format_amount(v);
        prop_assert_eq!(parse_amount(&text), Ok(v));
        let (whole, frac) = text.split_once('.').unwrap();
        let grouped = whole
            .as_bytes()
            .rchunks(3)
            .rev()
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join(",");
        prop_assert_eq!(parse_amount(&format!("{grouped}.{frac}0")), Ok(v));
    }

    #[test]
    fn every_calendar_date_round_trips(n in 0u64..(366 * 300)) {
        let d = NaiveDate::from_ymd_opt(1850, 1, 1).unwrap() + Days::new(n);
        prop_assert_eq!(parse_date(&d.to_string()), Ok(d));
        prop_assert_eq!(parse_date(&format!("{}-{}-{}", d.year(), d.month(), d.day())), Ok(d));
    }
}
