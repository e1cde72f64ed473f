//! Reading a results sheet from the lab: one row per tube, barcode → result. Headers may be
//! Chinese or English; every bad row is reported with its row number and column.

use serde::Serialize;

use crate::text::Text;
use crate::words;

use crate::work::worker_import::header_text;

code_enum!(
    /// The result of a nucleic-acid test, a guest's or a staff member's.
    TestResult, "test.result.", [
        Negative => "negative",
        Positive => "positive",
        /// 无效: the tube must be sampled again.
        Invalid => "invalid",
    ]
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResultRow {
    /// 1-based row number in the sheet (the header is row 1).
    pub row: usize,
    pub barcode: String,
    pub result: TestResult,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    #[serde(skip)]
    pub text: Text,
}

/// 阴性/阳性/无效 and their English names (`results.*` in the words file); anything else is an
/// error.
pub fn parse_result(s: &str) -> Option<TestResult> {
    let s = s.trim();
    TestResult::ALL.iter().copied().find(|r| words::is(&format!("results.{}", r.as_str()), s))
}

/// The column whose header is one of the words under `key`.
fn find(headers: &[String], key: &str) -> Option<usize> {
    headers.iter().position(|h| words::is(key, header_text(h)))
}

/// Splits a sheet (header row first) into good rows and errors. Blank rows are skipped; a
/// barcode appearing twice is an error on its second row.
pub fn parse_results(sheet: &[Vec<String>]) -> Result<(Vec<ResultRow>, Vec<RowError>), RowError> {
    let Some(headers) = sheet.first() else {
        return Err(RowError {
            row: 1,
            column: String::new(),
            text: Text::new("sampling.file_empty"),
        });
    };
    let (Some(bc), Some(rc)) =
        (find(headers, "results.header.barcode"), find(headers, "results.header.result"))
    else {
        return Err(RowError {
            row: 1,
            column: headers.join(","),
            text: Text::new("sampling.columns_missing"),
        });
    };
    let mut good: Vec<ResultRow> = Vec::new();
    let mut bad = Vec::new();
    for (i, row) in sheet.iter().enumerate().skip(1) {
        let n = i + 1;
        let cell = |c: usize| row.get(c).map(|s| s.trim().to_owned()).unwrap_or_default();
        let (barcode, result) = (cell(bc), cell(rc));
        if barcode.is_empty() && result.is_empty() {
            continue;
        }
        if barcode.is_empty() {
            bad.push(RowError {
                row: n,
                column: headers[bc].clone(),
                text: Text::new("sampling.barcode_empty"),
            });
            continue;
        }
        // The rule a barcode is recorded under (`sample`): no control character, so none can
        // match, and PostgreSQL cannot even look up a NUL (a 500 there; found by API fuzzing).
        if let Err(e) = crate::validate::required_text(&barcode, 40) {
            bad.push(RowError {
                row: n,
                column: headers[bc].clone(),
                text: Text::new("sampling.barcode_invalid").with_text("problem", e.text()),
            });
            continue;
        }
        if good.iter().any(|g| g.barcode == barcode) {
            bad.push(RowError {
                row: n,
                column: headers[bc].clone(),
                text: Text::new("sampling.barcode_twice").with("barcode", &barcode),
            });
            continue;
        }
        match parse_result(&result) {
            Some(r) => good.push(ResultRow { row: n, barcode, result: r }),
            None => bad.push(RowError {
                row: n,
                column: headers[rc].clone(),
                text: Text::new("sampling.result_unknown").with("result", &result),
            }),
        }
    }
    Ok((good, bad))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
    }

    /// Found by `tests/fuzz_imports.rs`: a byte order mark before a padded header hid the column.
    #[test]
    fn a_header_after_a_byte_order_mark_and_spaces_is_found() {
        let s = sheet(&[&["\u{feff} 条码", "结果 "], &["T001", "阴性"]]);
        let (good, bad) = parse_results(&s).unwrap();
        assert_eq!((good.len(), bad.len()), (1, 0));
    }

    /// Found by API fuzzing: a NUL in a barcode reached the lookup (a 500 on PostgreSQL).
    #[test]
    fn a_barcode_with_a_control_character_is_a_row_error() {
        let s = sheet(&[&["条码", "结果"], &["T0\u{0}1", "阴性"], &["T002", "阴性"]]);
        let (good, bad) = parse_results(&s).unwrap();
        assert_eq!(good.len(), 1);
        assert_eq!((bad[0].row, bad[0].column.as_str()), (2, "条码"));
        assert_eq!(
            bad[0].text.to_string(),
            "sampling.barcode_invalid{problem=invalid.bad_chars{found=U+0000}}"
        );
    }

    #[test]
    fn chinese_headers_and_every_bad_row_named() {
        let s = sheet(&[
            &["序号", "条码", "结果"],
            &["1", "T001", "阴性"],
            &["2", "T002", "阳性"],
            &["3", "", "阴性"],
            &["4", "T004", "可疑"],
            &["5", "T001", "阴性"],
            &["", "", ""],
            &["7", " T007 ", "Negative"],
        ]);
        let (good, bad) = parse_results(&s).unwrap();
        assert_eq!(
            good.iter().map(|g| (g.row, g.barcode.as_str(), g.result.as_str())).collect::<Vec<_>>(),
            vec![(2, "T001", "negative"), (3, "T002", "positive"), (8, "T007", "negative")]
        );
        assert_eq!(
            bad.iter().map(|b| (b.row, b.column.as_str())).collect::<Vec<_>>(),
            vec![(4, "条码"), (5, "结果"), (6, "条码")]
        );
    }

    #[test]
    fn missing_columns_or_empty_file() {
        assert!(parse_results(&[]).is_err());
        assert_eq!(parse_results(&sheet(&[&["name", "x"]])).unwrap_err().row, 1);
        assert!(parse_results(&sheet(&[&["Barcode", "Result"]])).unwrap().0.is_empty());
    }
}
