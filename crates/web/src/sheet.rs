//! Reading a sheet (.csv or .xlsx) row by row. An import streams the rows over a bounded channel
//! from a thread of its own, so a file of a million rows is never held in memory; a small upload
//! (a results sheet) is read whole through the same reader.

use std::io::{BufReader, Read, Seek};
use std::ops::ControlFlow;
use std::path::PathBuf;

use crate::error::WebError;

/// Excel's last row: a cell placed below it is a forged file (and would make a small upload
/// claim billions of rows).
const MAX_ROWS: u32 = 1 << 20;

/// Rows handed over at a time.
pub const BATCH: usize = 1000;

/// Some rows of a sheet, each with its number in the sheet (1 = the first row), and how far
/// through the file the reader is, in thousandths.
pub struct Batch {
    pub rows: Vec<(usize, Vec<String>)>,
    pub permille: i64,
}

/// Why a file could not be read, in both languages (a message for the `file` field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub zh: String,
    pub en: String,
}

impl Unreadable {
    fn new(zh: impl Into<String>, en: impl Into<String>) -> Unreadable {
        Unreadable {
            zh: zh.into(),
            en: en.into(),
        }
    }

    fn detail(e: impl std::fmt::Display) -> Unreadable {
        Unreadable::new(
            format!("无法读取文件：{e}"),
            format!("cannot read the file: {e}"),
        )
    }
}

impl From<Unreadable> for WebError {
    fn from(u: Unreadable) -> WebError {
        WebError::Invalid {
            field: "file".into(),
            message_zh: u.zh,
            message_en: u.en,
        }
    }
}

fn is_csv(name: &str) -> bool {
    name.to_lowercase().ends_with(".csv")
}

/// Calls `each` with every non-empty row in order (its sheet row, its cells, the permille read).
fn read_rows<R: Read + Seek>(
    source: R,
    size: u64,
    csv: bool,
    mut each: impl FnMut(usize, Vec<String>, i64) -> ControlFlow<()>,
) -> Result<(), Unreadable> {
    let permille =
        |done: u64, total: u64| (done.min(total) * 1000).checked_div(total).unwrap_or(0) as i64;
    if csv {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(BufReader::with_capacity(256 * 1024, source));
        let mut record = csv::StringRecord::new();
        let mut row = 0usize;
        loop {
            match rdr.read_record(&mut record) {
                Ok(false) => return Ok(()),
                Ok(true) => {}
                Err(e) if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) => {
                    return Err(Unreadable::new(
                        format!(
                            "第 {} 行不是 UTF-8 编码：请在 Excel 中另存为“CSV UTF-8”",
                            row + 1
                        ),
                        format!("row {} is not UTF-8: save as \"CSV UTF-8\"", row + 1),
                    ));
                }
                Err(e) => return Err(Unreadable::detail(e)),
            }
            row += 1;
            let cells: Vec<String> = record
                .iter()
                .map(|c| c.trim_start_matches('\u{feff}').to_owned())
                .collect();
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            if each(row, cells, permille(rdr.position().byte(), size)).is_break() {
                return Ok(());
            }
        }
    }
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    let mut wb: Xlsx<_> =
        open_workbook_from_rs(BufReader::new(source)).map_err(Unreadable::detail)?;
    let sheet = wb
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| Unreadable::new("文件里没有工作表", "the file has no sheet"))?;
    let mut cells = wb
        .worksheet_cells_reader(&sheet)
        .map_err(Unreadable::detail)?;
    let last = u64::from(cells.dimensions().end.0);
    let (mut row, mut current): (Option<u32>, Vec<String>) = (None, Vec::new());
    let mut flush = |row: u32, current: &mut Vec<String>| {
        let cells = std::mem::take(current);
        if cells.iter().all(|c| c.trim().is_empty()) {
            return ControlFlow::Continue(());
        }
        each(row as usize + 1, cells, permille(u64::from(row), last))
    };
    while let Some(cell) = cells.next_cell().map_err(Unreadable::detail)? {
        let (r, c) = cell.get_position();
        if r >= MAX_ROWS {
            return Err(Unreadable::new(
                format!("第 {} 行超出了 Excel 的行数上限", u64::from(r) + 1),
                format!("row {} is beyond Excel's last row", u64::from(r) + 1),
            ));
        }
        if row != Some(r) {
            if let Some(prev) = row
                && flush(prev, &mut current).is_break()
            {
                return Ok(());
            }
            row = Some(r);
        }
        let c = c as usize;
        if c >= 256 {
            continue; // no import has that many columns; a stray cell far right is ignored
        }
        if current.len() <= c {
            current.resize(c + 1, String::new());
        }
        current[c] = Data::from(cell.get_value().clone()).to_string();
    }
    if let Some(prev) = row {
        let _ = flush(prev, &mut current);
    }
    Ok(())
}

/// Reads a whole (small) sheet into memory: rows from the first non-empty one, blank rows kept
/// as empty so an index still points at its row.
///
/// An .xlsx may hold its rows in any order, and one row in several pieces: each row goes to its
/// own place, the pieces laid over each other.
pub fn read_sheet(name: &str, bytes: &[u8]) -> Result<Vec<Vec<String>>, WebError> {
    let mut numbered: Vec<(usize, Vec<String>)> = Vec::new();
    read_rows(
        std::io::Cursor::new(bytes),
        bytes.len() as u64,
        is_csv(name),
        |row, cells, _| {
            numbered.push((row, cells));
            ControlFlow::Continue(())
        },
    )?;
    numbered.sort_by_key(|(row, _)| *row);
    let first = numbered.first().map_or(0, |(row, _)| *row);
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (row, cells) in numbered {
        let at = row - first;
        if rows.len() <= at {
            rows.resize(at + 1, Vec::new());
        }
        let place = &mut rows[at];
        if place.len() < cells.len() {
            place.resize(cells.len(), String::new());
        }
        for (slot, cell) in place.iter_mut().zip(cells) {
            if !cell.is_empty() {
                *slot = cell;
            }
        }
    }
    Ok(rows)
}

/// Streams the sheet at `path` from a thread of its own: batches of `BATCH` rows, at most a few
/// in flight. The last message is `Err` if the file turned out unreadable. Dropping the receiver
/// stops the reader.
pub fn stream(path: PathBuf, name: &str) -> tokio::sync::mpsc::Receiver<Result<Batch, Unreadable>> {
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let csv = is_csv(name);
    std::thread::spawn(move || {
        let result = std::fs::File::open(&path)
            .and_then(|f| Ok((f.metadata()?.len(), f)))
            .map_err(Unreadable::detail)
            .and_then(|(size, file)| {
                let mut batch = Vec::with_capacity(BATCH);
                let mut last = 0;
                let r = read_rows(file, size, csv, |row, cells, permille| {
                    batch.push((row, cells));
                    last = permille;
                    if batch.len() < BATCH {
                        return ControlFlow::Continue(());
                    }
                    let rows = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    match tx.blocking_send(Ok(Batch { rows, permille })) {
                        Ok(()) => ControlFlow::Continue(()),
                        Err(_) => ControlFlow::Break(()),
                    }
                });
                if r.is_ok() && !batch.is_empty() {
                    let _ = tx.blocking_send(Ok(Batch {
                        rows: batch,
                        permille: last,
                    }));
                }
                r
            });
        if let Err(e) = result {
            let _ = tx.blocking_send(Err(e));
        }
    });
    rx
}

#[cfg(test)]
#[path = "sheet_fuzz.rs"]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_keep_their_numbers_and_skip_blank_lines() {
        let text = "\u{feff}姓名,身份证号\n李春花,1\n,\n王五,\"2\n3\"\n";
        let mut seen = Vec::new();
        read_rows(
            std::io::Cursor::new(text.as_bytes()),
            text.len() as u64,
            true,
            |row, cells, permille| {
                seen.push((row, cells, permille));
                ControlFlow::Continue(())
            },
        )
        .unwrap();
        let rows: Vec<(usize, Vec<String>)> =
            seen.iter().map(|(r, c, _)| (*r, c.clone())).collect();
        assert_eq!(
            rows,
            vec![
                (1, vec!["姓名".to_owned(), "身份证号".to_owned()]),
                (2, vec!["李春花".to_owned(), "1".to_owned()]),
                (4, vec!["王五".to_owned(), "2\n3".to_owned()]),
            ]
        );
        assert!(seen.last().unwrap().2 > 900, "{seen:?}");
    }

    #[test]
    fn a_csv_in_gbk_is_refused_naming_the_row() {
        // "姓名" in GBK.
        let bytes: &[u8] = b"id\n\xD0\xD5\xC3\xFB\n";
        let e = read_rows(std::io::Cursor::new(bytes), 8, true, |_, _, _| {
            ControlFlow::Continue(())
        })
        .unwrap_err();
        assert!(e.zh.contains("第 2 行") && e.zh.contains("UTF-8"), "{e:?}");
    }

    /// A constant, not a literal in the calls: the locale scan reads a call with a dotted literal
    /// as a message key.
    const XLSX: &str = "x.xlsx";

    #[test]
    fn an_xlsx_streams_by_absolute_row_and_column() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.write(0, 0, "姓名").unwrap();
        ws.write(0, 2, "手机号").unwrap();
        ws.write(1, 0, "李春花").unwrap();
        ws.write(1, 2, 13800138000_f64).unwrap();
        ws.write(4, 1, "远处").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let rows = read_sheet(XLSX, &bytes).unwrap();
        assert_eq!(rows.len(), 5);
        assert_eq!(rows[0], vec!["姓名", "", "手机号"]);
        assert_eq!(rows[1], vec!["李春花", "", "13800138000"]);
        assert!(rows[2].is_empty() && rows[3].is_empty());
        assert_eq!(rows[4], vec!["", "远处"]);
        let e = read_sheet(XLSX, b"not a zip").unwrap_err();
        assert!(matches!(e, WebError::Invalid { ref field, .. } if field == "file"));
    }
}
