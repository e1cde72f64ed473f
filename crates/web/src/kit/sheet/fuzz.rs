//! Fuzzing of the sheet reader (proptest as the fuzzer): arbitrary bytes, mutated valid CSV and
//! .xlsx files, and .xlsx files whose sheet XML puts rows and cells anywhere in any order. The
//! reader gives rows or a clean `Invalid` on the field `file`, never panics, and takes no
//! pathological time on a small file; a CSV written from a grid of cells (commas, quotes, line
//! breaks, CJK) reads back as the same cells. `PROPTEST_CASES=100000` runs the long form.

use std::io::{Cursor, Read, Write};

use proptest::prelude::*;

use super::*;

const CSV: &str = "sheet.csv";
/// A constant, not a literal in the calls (see the note in `tests`).
const XLSX: &str = "sheet.xlsx";

/// Reads `bytes` as `name`: rows, or an error on the field `file`. (How long a hostile file
/// costs is measured by `yizhan bench bombs`, not asserted here.)
fn read(name: &str, bytes: &[u8]) -> Option<Vec<Vec<String>>> {
    match read_sheet(name, bytes) {
        Ok(rows) => Some(rows),
        Err(WebError::Invalid { field, .. }) if field == "file" => None,
        Err(e) => panic!("not a clean refusal: {e:?}"),
    }
}

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z0-9 ,\"'\n\r\t;\\p{Han}]{0,8}",
        1 => Just(String::new()),
        1 => "[ \u{3000}]{1,2}",
        1 => "\\PC{0,6}".prop_map(|s| s.replace('\u{feff}', "")),
    ]
}

fn grid() -> impl Strategy<Value = Vec<Vec<String>>> {
    prop::collection::vec(prop::collection::vec(cell(), 1..6), 0..12)
}

fn is_blank(cells: &[String]) -> bool {
    cells.iter().all(|c| c.trim().is_empty())
}

/// What `read_sheet` should give for `grid`: from the first non-blank row to the last, blank
/// rows as empty.
fn expected(grid: &[Vec<String>]) -> Vec<Vec<String>> {
    let kept: Vec<usize> = (0..grid.len()).filter(|&i| !is_blank(&grid[i])).collect();
    match (kept.first(), kept.last()) {
        (Some(&a), Some(&b)) => {
            grid[a..=b].iter().map(|r| if is_blank(r) { Vec::new() } else { r.clone() }).collect()
        }
        _ => Vec::new(),
    }
}

fn csv_bytes(grid: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    for row in grid {
        w.write_record(row).unwrap();
    }
    w.into_inner().unwrap()
}

fn xlsx_bytes(grid: &[Vec<String>]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in grid.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write(r as u32, c as u16, v.as_str()).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

/// Byte edits: (position, what) with 0 flip a bit, 1 insert, 2 delete, 3 overwrite.
fn mutate(mut bytes: Vec<u8>, edits: &[(usize, u8, u8)]) -> Vec<u8> {
    for &(at, kind, b) in edits {
        if bytes.is_empty() {
            bytes.push(b);
            continue;
        }
        let at = at % bytes.len();
        match kind % 4 {
            0 => bytes[at] ^= 1 << (b % 8),
            1 => bytes.insert(at, b),
            2 => {
                bytes.remove(at);
            }
            _ => bytes[at] = b,
        }
    }
    bytes
}

fn edits() -> impl Strategy<Value = Vec<(usize, u8, u8)>> {
    prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..8)
}

/// A valid .xlsx whose first sheet's XML is `sheet` (stored, uncompressed, so byte edits of
/// the XML reach the parser intact).
fn xlsx_with_sheet(sheet: &str) -> Vec<u8> {
    let template = xlsx_bytes(&[vec!["x".to_owned()]]);
    let mut zin = zip::ZipArchive::new(Cursor::new(template)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut body = Vec::new();
        f.read_to_end(&mut body).unwrap();
        out.start_file(name.as_str(), stored).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            out.write_all(sheet.as_bytes()).unwrap();
        } else {
            out.write_all(&body).unwrap();
        }
    }
    out.finish().unwrap().into_inner()
}

/// Sheet XML with cells at `(row, column, text)` in the order given, a row element each.
fn sheet_xml(cells: &[(u32, u32, String)]) -> String {
    let mut x = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for (r, c, t) in cells {
        let t = t.replace('&', "&amp;").replace('<', "&lt;");
        x.push_str(&format!(
            r#"<row r="{}"><c r="{}{}" t="inlineStr"><is><t>{t}</t></is></c></row>"#,
            r + 1,
            bombs::column(*c as usize),
            r + 1
        ));
    }
    x.push_str("</sheetData></worksheet>");
    x
}

#[test]
fn cells_out_of_row_order_are_read_without_panicking() {
    // Found by `any_placement_of_cells_is_read`: a later row before an earlier one in the
    // sheet XML made the reader subtract past zero.
    let cells = [(4, 0, "后".to_owned()), (1, 1, "前".to_owned())];
    let rows = read(XLSX, &xlsx_with_sheet(&sheet_xml(&cells))).unwrap();
    assert_eq!(rows, vec![vec!["", "前"], vec![], vec![], vec!["后"]]);
    // One row in two pieces, apart: laid over each other, not the second replacing the first.
    let cells = [(1, 0, "甲".to_owned()), (2, 0, "乙".to_owned()), (1, 2, "丙".to_owned())];
    let rows = read(XLSX, &xlsx_with_sheet(&sheet_xml(&cells))).unwrap();
    assert_eq!(rows, vec![vec!["甲", "", "丙"], vec!["乙"]]);
}

#[test]
fn a_cell_below_the_last_row_is_refused() {
    let cells = [(0, 0, "x".to_owned()), (4_000_000_000, 0, "y".to_owned())];
    assert_eq!(read(XLSX, &xlsx_with_sheet(&sheet_xml(&cells))), None);
    // A sheet read whole may reach row 20,000 (its cap), not one further.
    let row = |r: u32| [(0, 0, "x".to_owned()), (r - 1, 0, "y".to_owned())];
    let last = read(XLSX, &xlsx_with_sheet(&sheet_xml(&row(20_000)))).unwrap();
    assert_eq!(last.len(), 20_000);
    assert_eq!(read(XLSX, &xlsx_with_sheet(&sheet_xml(&row(20_001)))), None);
}

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::SourceParallel("proptest-regressions"),
        )),
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_bytes_are_rows_or_a_clean_refusal(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        read(CSV, &bytes);
        read(XLSX, &bytes);
    }

    #[test]
    fn a_csv_reads_back_as_the_cells_written(g in grid()) {
        prop_assert_eq!(read(CSV, &csv_bytes(&g)), Some(expected(&g)));
        let mut bom = "\u{feff}".as_bytes().to_vec();
        bom.extend(csv_bytes(&g));
        prop_assert_eq!(read(CSV, &bom), Some(expected(&g)));
    }

    #[test]
    fn a_mutated_csv_is_rows_or_a_clean_refusal(g in grid(), e in edits()) {
        read(CSV, &mutate(csv_bytes(&g), &e));
    }

    #[test]
    fn an_xlsx_reads_back_its_cells(g in grid()) {
        let rows = read(XLSX, &xlsx_bytes(&g)).unwrap();
        let first = g.iter().position(|r| !is_blank(r)).unwrap_or(0);
        for (r, row) in g.iter().enumerate() {
            for (c, v) in row.iter().enumerate().filter(|(_, v)| !is_blank(std::slice::from_ref(*v))) {
                let got = rows.get(r - first).and_then(|row| row.get(c));
                prop_assert_eq!(got, Some(v), "row {} column {}", r, c);
            }
        }
    }

    #[test]
    fn a_mutated_xlsx_is_rows_or_a_clean_refusal(g in grid(), e in edits()) {
        read(XLSX, &mutate(xlsx_bytes(&g), &e));
        read(XLSX, &mutate(xlsx_with_sheet(&sheet_xml(&[(0, 0, "x".into())])), &e));
    }

    #[test]
    fn any_placement_of_cells_is_read(
        cells in prop::collection::vec(
            (prop_oneof![9 => 0u32..40, 1 => 0u32..u32::MAX - 1], 0u32..300, "[a-z\\p{Han}]{1,4}"),
            0..20,
        ),
    ) {
        let Some(rows) = read(XLSX, &xlsx_with_sheet(&sheet_xml(&cells))) else {
            // Refused only for a cell past the last row a sheet read whole may reach.
            prop_assert!(cells.iter().any(|(r, ..)| u64::from(*r) >= caps::SMALL.rows));
            return Ok(());
        };
        // Every cell at its place, the last written of a place winning (a column past 256 is
        // ignored, and with it a row holding nothing else).
        let first = cells.iter().filter(|(_, c, _)| *c < 256).map(|(r, ..)| *r).min().unwrap_or(0);
        for (i, (r, c, t)) in cells.iter().enumerate() {
            if c >= &256 || cells[i + 1..].iter().any(|(r2, c2, _)| (r2, c2) == (r, c)) {
                continue;
            }
            let got = rows.get((r - first) as usize).and_then(|row| row.get(*c as usize));
            prop_assert_eq!(got, Some(t), "row {} column {}", r, c);
        }
    }
}
