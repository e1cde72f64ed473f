//! Fuzzing of the importers' pure side: the worker sheet (`map_headers`, `Checker::check`,
//! `sheet_date`), the lab's results sheet (`parse_results`) and the economic indicators sheet
//! (`indicator::check_rows`). Hostile sheets never panic; every problem names a row the sheet has
//! (never a blank one) and a column its header row has (or, for a column it lacks, the template's
//! header); a sheet of generated valid rows, blank rows between, has no problem at all.

mod fuzz_support;

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use yizhan_core::station::sampling::parse_results;
use yizhan_core::validate::with_check_digit;
use yizhan_core::words::words;
use yizhan_core::work::indicator::{self, Indicator, Month, format_amount};
use yizhan_core::work::returning_worker::provinces;
use yizhan_core::work::worker_import::{
    self, Checked, Checker, RowError, header_text, map_headers,
};

use fuzz_support::{config, corpus, nasty, today};

fn employers() -> HashMap<String, i64> {
    HashMap::from([
        ("深圳市某某电子有限公司".to_owned(), 1),
        ("91350100M000100Y43".to_owned(), 1),
        ("宝安制衣厂".to_owned(), 2),
    ])
}

/// A header as a sheet may spell it: any of the names, odd case, spaces, a BOM.
fn header_of(names: &'static [&'static str]) -> impl Strategy<Value = String> {
    (prop::sample::select(names), any::<bool>(), "[ \u{3000}]{0,2}", prop::bool::weighted(0.1))
        .prop_map(|(n, upper, pad, bom)| {
            let n = if upper { n.to_uppercase() } else { n.to_owned() };
            format!("{}{pad}{n}{pad}", if bom { "\u{feff}" } else { "" })
        })
}

type Columns = &'static [(&'static str, &'static [&'static str])];
type Table = LazyLock<Vec<(&'static str, &'static [&'static str])>>;

/// The importers' columns, as the words file names them.
static COLUMNS: Table = LazyLock::new(worker_import::columns);
static INDICATOR_COLUMNS: Table = LazyLock::new(indicator::columns);

/// A header row: the `required` columns and some of the others in any order, maybe with unknown
/// or hostile ones.
fn headers(columns: Columns, required: &'static [&'static str]) -> BoxedStrategy<Vec<String>> {
    let known: Vec<BoxedStrategy<Option<String>>> = columns
        .iter()
        .map(|(f, names)| {
            if required.contains(f) {
                header_of(names).prop_map(Some).boxed()
            } else {
                prop::option::of(header_of(names)).boxed()
            }
        })
        .collect();
    (known, prop::collection::vec(nasty(), 0..3))
        .prop_flat_map(|(known, extra)| {
            let mut row: Vec<String> = known.into_iter().flatten().chain(extra).collect();
            if row.is_empty() {
                row.push(String::new());
            }
            Just(row).prop_shuffle()
        })
        .boxed()
}

/// A cell: hostile text or something a worker sheet holds.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => nasty(),
        1 => Just(String::new()),
        1 => "[ \t\u{3000}]{1,3}",
        2 => prop::sample::select(vec![
            "张三", "11010519491231002X", "13800138000", "云南", "昆明", "宝安制衣厂",
            "91350100M000100Y43", "专列", "自驾", "已抵深", "已上岗", "2020-02-20", "43881",
            "2020/2/20", "阴性", "阳性", "无效", "规上工业增加值", "2020-03", "1234.56",
            "arrived", "registered",
        ].into_iter().map(String::from).collect::<Vec<_>>()),
    ]
}

fn grid(width: usize) -> impl Strategy<Value = Vec<Vec<String>>> {
    prop::collection::vec(prop::collection::vec(cell(), 0..=width + 2), 0..12)
}

fn is_blank(cells: &[String]) -> bool {
    cells.iter().all(|c| c.trim().is_empty())
}

/// What a report may name as a column: a header of the row (trimmed, without its BOM) or the
/// template header of a field no column fills.
fn nameable(columns: Columns, headers: &[String]) -> HashSet<String> {
    let mut ok: HashSet<String> = headers.iter().map(|h| h.trim().to_owned()).collect();
    ok.extend(headers.iter().map(|h| h.trim().trim_start_matches('\u{feff}').to_owned()));
    ok.extend(columns.iter().map(|(_, names)| names[0].to_owned()));
    ok
}

/// Every problem names a data row of `rows` that is not blank, and a nameable column.
fn check_report<'a>(
    errors: impl IntoIterator<Item = (usize, &'a str)>,
    rows: &[Vec<String>],
    ok: &HashSet<String>,
) {
    for (row, column) in errors {
        assert!((2..rows.len() + 2).contains(&row), "row {row} of {} rows", rows.len());
        assert!(!is_blank(&rows[row - 2]), "blank row {row} reported");
        assert!(ok.contains(column), "row {row}: column “{column}” not among {ok:?}");
    }
}

fn places(errors: &[RowError]) -> impl Iterator<Item = (usize, &str)> {
    errors.iter().map(|e| (e.row, e.column.as_str()))
}

fn worker_sheet(
    headers: &[String],
    rows: &[Vec<String>],
) -> Vec<(usize, yizhan_core::work::returning_worker::NewWorker)> {
    let Ok(mapping) = map_headers(headers) else {
        return Vec::new();
    };
    assert_eq!(mapping.fields.len(), headers.len());
    let mut checker = Checker::new(mapping, employers(), today());
    let (mut good, mut errors) = (Vec::new(), Vec::new());
    for (n, cells) in rows.iter().enumerate() {
        let _ = checker.id_number(cells);
        match checker.check(n + 2, cells, &HashSet::new()) {
            Checked::Blank => assert!(is_blank(cells)),
            Checked::Good(w) => good.push((n + 2, w)),
            Checked::Bad(e) => {
                assert!(!e.is_empty(), "row {} bad without a problem", n + 2);
                errors.extend(e);
            }
        }
    }
    check_report(places(&errors), rows, &nameable(&COLUMNS, headers));
    good
}

fn results_sheet(sheet: &[Vec<String>]) {
    let Ok((good, bad)) = parse_results(sheet) else {
        return;
    };
    let headers = &sheet[0];
    let ok: HashSet<String> = headers.iter().cloned().collect();
    check_report(bad.iter().map(|b| (b.row, b.column.as_str())), &sheet[1..], &ok);
    let barcodes: HashSet<&str> = good.iter().map(|g| g.barcode.as_str()).collect();
    assert_eq!(barcodes.len(), good.len(), "a barcode twice among the good rows");
    for g in &good {
        assert!(!g.barcode.is_empty() && g.barcode.trim() == g.barcode);
        assert!(["negative", "positive", "invalid"].contains(&g.result.as_str()));
    }
}

fn indicator_sheet(headers: &[String], rows: &[Vec<String>]) -> usize {
    let Ok(mapping) = indicator::map_headers(headers) else {
        return usize::MAX;
    };
    let (good, errors) = indicator::check_rows(&mapping, rows, today());
    check_report(places(&errors), rows, &nameable(&INDICATOR_COLUMNS, headers));
    assert!(errors.is_empty() || good.len() < rows.len());
    errors.len()
}

#[test]
fn the_corpus_never_panics() {
    let all: Vec<String> = COLUMNS.iter().map(|(_, n)| n[0].to_owned()).collect();
    for s in corpus() {
        let row = vec![s.clone(); all.len()];
        worker_sheet(&all, &[row.clone(), vec![s.clone()]]);
        worker_sheet(&vec![s.clone(); 12], std::slice::from_ref(&row));
        results_sheet(&[vec!["条码".into(), "结果".into()], vec![s.clone(), s.clone()]]);
        results_sheet(&[vec![s.clone()], vec![s.clone()]]);
        let ind: Vec<String> = INDICATOR_COLUMNS.iter().map(|(_, n)| n[0].to_owned()).collect();
        indicator_sheet(&ind, &[vec![s.clone(); 4]]);
        worker_import::sheet_date(&s);
    }
}

/// A valid worker row for `headers` (fields looked up by header), ID numbers unique by `n`.
fn worker_row(headers: &[String], n: usize, v: &WorkerValues) -> Vec<String> {
    let mapping = map_headers(headers).unwrap();
    let body = format!(
        "{:02}{:04}{}{:03}",
        v.province_code,
        n % 10_000,
        v.birth.format("%Y%m%d"),
        n / 10_000
    );
    mapping
        .fields
        .iter()
        .map(|f| match f.unwrap_or("") {
            "name" => v.name.clone(),
            "id_number" => with_check_digit(&body).unwrap(),
            "phone" => v.phone.clone(),
            "province" => v.province.to_owned(),
            "city" => v.city.clone(),
            "employer" => v.employer.to_owned(),
            "transport" => v.transport.to_owned(),
            "arrival_date" => v.arrival.clone(),
            // An arrived worker needs the arrival column.
            "status" if !mapping.fields.contains(&Some("arrival_date")) => "registered".into(),
            "status" => v.status.to_owned(),
            "health" => String::new(),
            _ => String::new(),
        })
        .collect()
}

#[derive(Debug, Clone)]
struct WorkerValues {
    province_code: u32,
    birth: NaiveDate,
    name: String,
    phone: String,
    province: &'static str,
    city: String,
    employer: &'static str,
    transport: &'static str,
    arrival: String,
    status: &'static str,
}

fn worker_values() -> impl Strategy<Value = WorkerValues> {
    let first = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
    (
        prop::sample::select(vec![11u32, 44, 53, 81]),
        0u64..40_000,
        "[\\p{Han}]{1,4}|[A-Za-z ]{1,20}[a-z]",
        "1[3-9][0-9]{9}",
        prop::sample::select(provinces().to_vec()),
        "[\\p{Han}]{1,6}",
        prop::sample::select(vec!["深圳市某某电子有限公司", "91350100m000100y43", "宝安制衣厂"]),
        prop::sample::select(vec!["", "专列", "包车", "自驾", "train", "other"]),
        0u64..60,
        prop::sample::select(vec!["", "已登记", "registered", "已安排", "已抵深", "at_work"]),
    )
        .prop_map(
            move |(p, b, name, phone, province, city, employer, transport, ago, status)| {
                let arrival = today() - Days::new(ago);
                WorkerValues {
                    province_code: p,
                    birth: first + Days::new(b),
                    name,
                    phone,
                    province,
                    city,
                    employer,
                    transport,
                    arrival: if ago % 3 == 0 {
                        ((arrival - NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()).num_days())
                            .to_string()
                    } else {
                        arrival.format("%Y/%-m/%-d").to_string()
                    },
                    status,
                }
            },
        )
}

proptest! {
    #![proptest_config(config("proptest-regressions/fuzz_imports.txt"))]

    #[test]
    fn a_hostile_worker_sheet_is_reported_by_row_and_column(h in headers(&COLUMNS, &[]), rows in grid(10)) {
        worker_sheet(&h, &rows);
    }

    #[test]
    fn a_sheet_of_valid_workers_has_no_problem(
        h in headers(&COLUMNS, worker_import::REQUIRED),
        values in prop::collection::vec((worker_values(), prop::bool::weighted(0.2)), 1..30),
    ) {
        let rows: Vec<Vec<String>> = values
            .iter()
            .enumerate()
            .map(|(n, (v, blank))| if *blank { vec![" ".into(); h.len()] } else { worker_row(&h, n, v) })
            .collect();
        let good = worker_sheet(&h, &rows);
        let expected: Vec<usize> = (0..rows.len()).filter(|n| !values[*n].1).map(|n| n + 2).collect();
        prop_assert_eq!(good.iter().map(|(r, _)| *r).collect::<Vec<_>>(), expected);
    }

    #[test]
    fn any_sheet_date_is_answered(s in nasty(), serial in 20_000u32..80_000, d in 0u64..60_000) {
        let _ = worker_import::sheet_date(&s);
        let base = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
        prop_assert_eq!(worker_import::sheet_date(&serial.to_string()), (base + Days::new(serial.into())).to_string());
        let day = base + Days::new(d);
        prop_assert_eq!(worker_import::sheet_date(&day.format("%Y/%-m/%-d 0:00").to_string()), day.to_string());
    }

    #[test]
    fn a_hostile_results_sheet_is_reported_by_row_and_column(h in headers(&RESULT_COLUMNS, &[]), rows in grid(4)) {
        let sheet: Vec<Vec<String>> = std::iter::once(h).chain(rows).collect();
        results_sheet(&sheet);
    }

    #[test]
    fn a_sheet_of_valid_results_has_no_problem(
        h in headers(&RESULT_COLUMNS, &["barcode", "result"]),
        rows in prop::collection::vec((0u32..1000, prop::sample::select(vec!["阴性", "阳性", "无效", "Negative", "+", "-"]), prop::bool::weighted(0.2)), 0..40),
    ) {
        let (bc, rc) = (position(&h, RESULT_COLUMNS[0].1).unwrap(), position(&h, RESULT_COLUMNS[1].1).unwrap());
        let mut seen = HashSet::new();
        let rows: Vec<(u32, &str, bool)> = rows.into_iter().filter(|r| seen.insert(r.0)).collect();
        let mut sheet = vec![h.clone()];
        for (code, result, blank) in &rows {
            let mut r = vec![String::new(); h.len()];
            if !blank {
                r[bc] = format!(" T{code:06} ");
                r[rc] = result.to_string();
            }
            sheet.push(r);
        }
        let (good, bad) = parse_results(&sheet).unwrap();
        prop_assert!(bad.is_empty(), "{bad:?}");
        prop_assert_eq!(good.len(), rows.iter().filter(|r| !r.2).count());
    }

    #[test]
    fn a_hostile_indicator_sheet_is_reported_by_row_and_column(h in headers(&INDICATOR_COLUMNS, &[]), rows in grid(4)) {
        indicator_sheet(&h, &rows);
    }

    #[test]
    fn a_sheet_of_valid_indicators_has_no_problem(
        h in headers(&INDICATOR_COLUMNS, indicator::REQUIRED),
        figures in prop::collection::vec((0usize..5, 0u32..240, 0i64..=indicator::MAX_AMOUNT, prop::option::of(0i64..=1_000_000), prop::bool::weighted(0.2)), 0..30),
    ) {
        let mapping = indicator::map_headers(&h).unwrap();
        let mut seen = HashSet::new();
        let rows: Vec<Vec<String>> = figures
            .iter()
            .filter(|(i, m, ..)| seen.insert((*i, *m)))
            .map(|(i, m, value, target, blank)| {
                let month = Month::new(2000 + (m / 12) as i32, m % 12 + 1).unwrap();
                let indicator = Indicator::ALL[*i];
                mapping
                    .fields
                    .iter()
                    .map(|f| match f.unwrap_or("") {
                        _ if *blank => String::new(),
                        "indicator" => indicator.sheet_names()[0].to_owned(),
                        "month" => month.to_string(),
                        "value" => format_amount(*value),
                        "target_value" => target.map(format_amount).unwrap_or_default(),
                        _ => String::new(),
                    })
                    .collect()
            })
            .collect();
        prop_assert_eq!(indicator_sheet(&h, &rows), 0);
    }
}

/// The results sheet's columns as `parse_results` knows them.
static RESULT_COLUMNS: Table = LazyLock::new(|| {
    vec![("barcode", words("results.header.barcode")), ("result", words("results.header.result"))]
});

/// The first column whose header is one of `names` (as `parse_results` finds it).
fn position(headers: &[String], names: &[&str]) -> Option<usize> {
    headers.iter().position(|h| names.iter().any(|n| header_text(h).eq_ignore_ascii_case(n)))
}
