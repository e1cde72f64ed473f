//! The indicator rules against known figures: months, amounts, % of target, YoY, year to date,
//! the trough, and the import report.

use super::*;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn months_are_parsed_in_the_usual_spellings_and_never_in_the_future() {
    let today = day("2021-01-15");
    for (s, want) in [
        ("2020-03", (2020, 3)),
        ("2020-3", (2020, 3)),
        (" 2020/12 ", (2020, 12)),
        ("2020年3月", (2020, 3)),
        ("２０２０－０３", (2020, 3)),
        ("2021-01", (2021, 1)),
    ] {
        let m = parse_month(s, today).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!((m.year, m.month), want, "{s}");
    }
    assert_eq!(parse_month("2020-03", today).unwrap().to_string(), "2020-03");
    for (s, e) in [
        ("", Invalid::Empty),
        ("2020", Invalid::BadFormat { hint: MONTH_HINT }),
        ("20-03", Invalid::BadFormat { hint: MONTH_HINT }),
        ("2020-003", Invalid::BadFormat { hint: MONTH_HINT }),
        ("2020-1a", Invalid::BadFormat { hint: MONTH_HINT }),
        ("2020-13", Invalid::BadDate),
        ("2020-00", Invalid::BadDate),
        ("2021-02", Invalid::FutureDate),
        ("1999-12", Invalid::OutOfRange { min: "2000-01".into(), max: "2021-01".into() }),
    ] {
        assert_eq!(parse_month(s, today), Err(e), "{s:?}");
    }
}

#[test]
fn amounts_are_exact_hundredths() {
    for (s, want) in [
        ("0", 0),
        ("1234.56", 123_456),
        ("1234.5", 123_450),
        ("12.500", 1_250),
        ("0.01", 1),
        ("1,234.56", 123_456),
        ("１２.３", 1_230),
        ("007", 700),
        ("1000000", MAX_AMOUNT),
    ] {
        assert_eq!(parse_amount(s), Ok(want), "{s}");
    }
    for (s, e) in [
        ("", Invalid::Empty),
        ("12.345", Invalid::TooManyDecimals { max: 2 }),
        ("-1", Invalid::OutOfRange { min: "0".into(), max: "1000000.00".into() }),
        ("1000000.01", Invalid::OutOfRange { min: "0".into(), max: "1000000.00".into() }),
        ("99999999999999999999", Invalid::OutOfRange { min: "0".into(), max: "1000000.00".into() }),
        ("12a", Invalid::BadChars { found: 'a' }),
        ("1.2.3", Invalid::BadFormat { hint: AMOUNT_HINT }),
        (".5", Invalid::BadFormat { hint: AMOUNT_HINT }),
        ("5.", Invalid::BadFormat { hint: AMOUNT_HINT }),
    ] {
        assert_eq!(parse_amount(s), Err(e), "{s:?}");
    }
    assert_eq!(format_amount(123_456), "1234.56");
    assert_eq!(format_amount(5), "0.05");
    assert_eq!(format_permille(-123), "-12.3%");
    assert_eq!(format_permille(-5), "-0.5%");
    assert_eq!(format_permille(1043), "104.3%");
}

#[test]
fn a_figure_is_checked_field_by_field() {
    let today = day("2020-12-01");
    let good = FigureInput {
        indicator: "规上工业增加值".into(),
        month: "2020-03".into(),
        value: "212.34".into(),
        target_value: "".into(),
    };
    assert_eq!(
        validate_figure(&good, today).unwrap(),
        NewFigure {
            indicator: Indicator::IndustrialAddedValue,
            month: Month::new(2020, 3).unwrap(),
            value: 21_234,
            target: None,
        }
    );
    let with_target = FigureInput {
        indicator: "import_export".into(),
        target_value: "200".into(),
        ..good.clone()
    };
    let f = validate_figure(&with_target, today).unwrap();
    assert_eq!((f.indicator, f.target), (Indicator::ImportExport, Some(20_000)));
    for (bad, field) in [
        (FigureInput { indicator: "GDP".into(), ..good.clone() }, "indicator"),
        (FigureInput { month: "2021-01".into(), ..good.clone() }, "month"),
        (FigureInput { value: "-3".into(), ..good.clone() }, "value"),
        (FigureInput { value: "".into(), ..good.clone() }, "value"),
        (FigureInput { target_value: "1.234".into(), ..good.clone() }, "target_value"),
    ] {
        assert_eq!(validate_figure(&bad, today).unwrap_err().field(), Some(field));
    }
    for i in Indicator::ALL {
        assert_eq!(Indicator::from_sheet(i.sheet_names()[0]), Some(*i));
        assert_eq!(Indicator::from_sheet(i.as_str()), Some(*i));
        assert_eq!(i.unit(), Unit::HundredMillionYuan);
    }
}

#[test]
fn shares_and_growth_are_rounded_half_away_from_zero() {
    assert_eq!(pct_of_target(10_450, Some(10_000)), Some(1045));
    assert_eq!(pct_of_target(9_999, Some(10_000)), Some(1000), "99.99% shows as 100.0%");
    assert_eq!(pct_of_target(5, Some(0)), None);
    assert_eq!(pct_of_target(5, None), None);
    assert_eq!(growth(11_000, Some(10_000)), Some(100));
    assert_eq!(growth(8_765, Some(10_000)), Some(-124), "-12.35% → -12.4%");
    assert_eq!(growth(8_766, Some(10_000)), Some(-123));
    assert_eq!(growth(1, None), None);
    assert_eq!(growth(1, Some(0)), None);
    assert_eq!(growth(MAX_AMOUNT, Some(1)), Some(99_999_999_000));
}

#[test]
fn troughs_are_where_falling_growth_turns_up() {
    let s = |v: &[Option<i64>]| {
        troughs(v).iter().enumerate().filter(|(_, t)| **t).map(|(i, _)| i).collect::<Vec<_>>()
    };
    assert_eq!(s(&[Some(50), Some(30), Some(10), Some(20)]), [2]);
    assert_eq!(s(&[Some(-100), Some(-300), Some(-200), Some(-50)]), [1]);
    assert_eq!(s(&[Some(50), Some(30), Some(30), Some(40)]), [2], "flat bottom");
    assert_eq!(s(&[Some(1), Some(2), Some(3)]), Vec::<usize>::new(), "rising only");
    assert_eq!(s(&[Some(3), Some(2), Some(1)]), Vec::<usize>::new(), "still falling");
    assert_eq!(s(&[Some(30), Some(10), None, Some(20)]), Vec::<usize>::new(), "gap");
    assert_eq!(s(&[None, Some(10), Some(20)]), Vec::<usize>::new(), "no fall seen");
    assert_eq!(s(&[Some(5), Some(1), Some(4), Some(2), Some(6)]), [1, 3], "W: two troughs");
    assert!(troughs(&[]).is_empty());
}

#[test]
fn the_year_table_compares_with_target_and_last_year() {
    let f = |y, m, value, target| Figure { month: Month::new(y, m).unwrap(), value, target };
    let figures = [
        f(2019, 1, 10_000, None),
        f(2019, 2, 10_000, None),
        f(2019, 3, 10_000, None),
        f(2019, 4, 10_000, None),
        f(2020, 1, 9_000, Some(10_000)),
        f(2020, 2, 6_000, Some(8_000)),
        f(2020, 3, 10_500, Some(10_000)),
        f(2020, 5, 11_000, Some(10_000)),
        f(2018, 1, 1, None),
    ];
    let t = year_table(2020, &figures);
    assert_eq!(t.len(), 12);
    assert_eq!(t[0].month.to_string(), "2020-01");
    assert_eq!(
        (t[0].pct_of_target, t[0].met, t[0].yoy, t[0].ytd),
        (Some(900), Some(false), Some(-100), Some(9_000))
    );
    assert_eq!((t[1].yoy, t[1].ytd, t[1].ytd_yoy), (Some(-400), Some(15_000), Some(-250)));
    assert_eq!(
        (t[2].met, t[2].yoy, t[2].ytd, t[2].ytd_last_year, t[2].ytd_yoy),
        (Some(true), Some(50), Some(25_500), Some(30_000), Some(-150))
    );
    assert!(t[1].trough && !t[0].trough && !t[2].trough);
    // April missing: no year to date from there on; May has no last year.
    assert_eq!((t[3].value, t[3].ytd, t[3].last_year), (None, None, Some(10_000)));
    assert_eq!((t[4].ytd, t[4].yoy, t[4].met), (None, None, Some(true)));
    assert_eq!(t[11].value, None);
}

#[test]
fn an_import_reports_every_problem_of_every_row() {
    let today = day("2020-12-31");
    let text = |v: &[&str]| v.iter().map(|c| (*c).to_owned()).collect::<Vec<String>>();
    assert_eq!(map_headers(&text(&["指标", "本月值"])).unwrap_err(), ["月份"]);
    let mapping = map_headers(&text(&["指标", "月份", "完成值", "目标值", "备注"])).unwrap();
    let rows = vec![
        text(&["规上工业增加值", "2020-03", "212.5", "200", "x"]),
        text(&["", "", "", "", ""]),
        text(&["GDP", "2020-13", "-1", "1.234", ""]),
        text(&["进出口总额", "43891", "300", "", ""]),
        text(&["industrial_added_value", "2020年3月", "1", "", ""]),
        text(&["出口总额", "2021-01", "12", ""]),
    ];
    let (good, errors) = check_rows(&mapping, &rows, today);
    assert_eq!(
        good.iter().map(|(r, f)| (*r, f.month.to_string(), f.value)).collect::<Vec<_>>(),
        [(2, "2020-03".to_owned(), 21_250), (5, "2020-03".to_owned(), 30_000)]
    );
    let got: Vec<(usize, &str, Option<&str>)> = errors
        .iter()
        .map(|e| {
            (
                e.row,
                e.column.as_str(),
                match &e.error {
                    Problem::Field(d) => d.field(),
                    _ => None,
                },
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (4, "指标", Some("indicator")),
            (4, "月份", Some("month")),
            (4, "完成值", Some("value")),
            (4, "目标值", Some("target_value")),
            (6, "月份", None),
            (7, "月份", Some("month")),
        ]
    );
    assert_eq!(errors[4].error, Problem::DuplicateInFile(2));
}
