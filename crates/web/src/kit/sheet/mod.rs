//! Reading a sheet (.csv or .xlsx) row by row. An import streams the rows over a bounded channel
//! from a thread of its own, so a file of a million rows is never held in memory; a small upload
//! (a results sheet) is read whole through the same reader, off the async runtime. Both are
//! held to their [`caps`] before anything is kept.

pub mod bombs;
pub mod caps;

use std::cell::Cell;
use std::io::{BufReader, Read, Seek};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::rc::Rc;

use caps::{Caps, Over};

use yizhan_core::text::Text;

use crate::error::WebError;
use crate::i18n::{Lang, Tr};

/// Excel's last row: a cell placed below it is a forged file (and would make a small upload
/// claim billions of rows).
const MAX_ROWS: u32 = 1 << 20;

/// Columns kept of a row: no import has that many; a stray cell far right is ignored.
const MAX_COLUMNS: usize = 256;

/// Rows handed over at a time.
pub const BATCH: usize = 1000;

/// Some rows of a sheet, each with its number in the sheet (1 = the first row), and how far
/// through the file the reader is, in thousandths.
pub struct Batch {
    pub rows: Vec<(usize, Vec<String>)>,
    pub permille: i64,
}

/// Why a file could not be read (a message for the `file` field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable(pub Text);

impl Unreadable {
    fn detail(e: impl std::fmt::Display) -> Unreadable {
        Unreadable(Text::new("sheet.unreadable").with("detail", e))
    }

    /// Said in Chinese and in English (tests, and the benchmark's table).
    pub fn zh(&self) -> String {
        Tr::new(Lang::Zh).text(&self.0)
    }

    pub fn en(&self) -> String {
        Tr::new(Lang::En).text(&self.0)
    }
}

impl From<Unreadable> for WebError {
    fn from(u: Unreadable) -> WebError {
        WebError::invalid("file", u.0)
    }
}

fn is_csv(name: &str) -> bool {
    name.to_lowercase().ends_with(".csv")
}

/// A reader that refuses to give more than `cap` bytes between two `reset`s: a .csv record
/// cannot grow past it, whatever the file.
struct Capped<R> {
    inner: R,
    since: Rc<Cell<u64>>,
    cap: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.since.get() > self.cap {
            return Err(std::io::Error::other("record too long"));
        }
        let n = self.inner.read(buf)?;
        self.since.set(self.since.get() + n as u64);
        Ok(n)
    }
}

/// Calls `each` with every non-empty row in order (its sheet row, its cells, the permille read),
/// or refuses the file `name` at the first of `caps` it passes.
fn read_rows<R: Read + Seek>(
    mut source: R,
    size: u64,
    name: &str,
    caps: &Caps,
    mut each: impl FnMut(usize, Vec<String>, i64) -> ControlFlow<()>,
) -> Result<(), Unreadable> {
    let permille =
        |done: u64, total: u64| (done.min(total) * 1000).checked_div(total).unwrap_or(0) as i64;
    let over = |o: Over| o.unreadable(name);
    let mut cells_seen = 0u64;
    if is_csv(name) {
        // Between the reader and its buffer, so that what it counts is at most a buffer ahead.
        let since = Rc::new(Cell::new(0));
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(8 * 1024)
            .from_reader(Capped {
                inner: BufReader::with_capacity(256 * 1024, source),
                since: since.clone(),
                cap: caps.record,
            });
        let mut record = csv::StringRecord::new();
        let mut row = 0usize;
        loop {
            match rdr.read_record(&mut record) {
                Ok(false) => return Ok(()),
                Ok(true) => since.set(0),
                Err(_) if since.get() > caps.record => return Err(over(Over::Record(caps.record))),
                Err(e) if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) => {
                    return Err(Unreadable(Text::new("sheet.not_utf8").with("row", row + 1)));
                }
                Err(e) => return Err(Unreadable::detail(e)),
            }
            row += 1;
            cells_seen += record.len() as u64;
            if caps.whole && row as u64 > caps.rows {
                return Err(over(Over::Rows(caps.rows)));
            }
            if caps.whole && cells_seen > caps.cells {
                return Err(over(Over::Cells(caps.cells)));
            }
            let cells: Vec<String> = record
                .iter()
                .take(MAX_COLUMNS)
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
    caps::check_xlsx(&mut source, caps).map_err(over)?;
    source.rewind().map_err(Unreadable::detail)?;
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    let mut wb: Xlsx<_> =
        open_workbook_from_rs(BufReader::new(source)).map_err(Unreadable::detail)?;
    let sheet =
        wb.sheet_names().first().cloned().ok_or_else(|| Unreadable(Text::new("sheet.no_sheet")))?;
    let mut cells = wb.worksheet_cells_reader(&sheet).map_err(Unreadable::detail)?;
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
            return Err(Unreadable(
                Text::new("sheet.beyond_last_row").with("row", u64::from(r) + 1),
            ));
        }
        if u64::from(r) >= caps.rows {
            return Err(over(Over::Rows(caps.rows)));
        }
        cells_seen += 1;
        if cells_seen > caps.cells {
            return Err(over(Over::Cells(caps.cells)));
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
        if c >= MAX_COLUMNS {
            continue;
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
        name,
        &caps::SMALL,
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

/// [`read_sheet`] on a blocking thread: a large sheet takes the CPU for a while, and the
/// runtime's threads keep answering other requests meanwhile.
pub async fn read_upload(name: String, bytes: Vec<u8>) -> Result<Vec<Vec<String>>, WebError> {
    tokio::task::spawn_blocking(move || read_sheet(&name, &bytes))
        .await
        .map_err(|e| WebError::Internal(format!("sheet reader: {e}")))?
}

/// Streams the sheet at `path` from a thread of its own: batches of `BATCH` rows, at most a few
/// in flight. The last message is `Err` if the file turned out unreadable. Dropping the receiver
/// stops the reader.
pub fn stream(path: PathBuf, name: &str) -> tokio::sync::mpsc::Receiver<Result<Batch, Unreadable>> {
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let name = name.to_owned();
    std::thread::spawn(move || {
        let result = std::fs::File::open(&path)
            .and_then(|f| Ok((f.metadata()?.len(), f)))
            .map_err(Unreadable::detail)
            .and_then(|(size, file)| {
                let mut batch = Vec::with_capacity(BATCH);
                let mut last = 0;
                let r = read_rows(file, size, &name, &caps::IMPORT, |row, cells, permille| {
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
                    let _ = tx.blocking_send(Ok(Batch { rows: batch, permille: last }));
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
            CSV,
            &caps::SMALL,
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
        let e = read_csv(bytes, &caps::SMALL).unwrap_err();
        assert!(e.zh().contains("第 2 行") && e.zh().contains("UTF-8"), "{e:?}");
    }

    const CSV: &str = "x.csv";

    fn read_csv(bytes: &[u8], caps: &Caps) -> Result<usize, Unreadable> {
        let mut rows = 0;
        read_rows(std::io::Cursor::new(bytes), bytes.len() as u64, CSV, caps, |_, _, _| {
            rows += 1;
            ControlFlow::Continue(())
        })
        .map(|()| rows)
    }

    #[test]
    fn a_csv_is_held_to_its_caps() {
        let caps = Caps { cells: 12, rows: 4, record: 20_000, ..caps::SMALL };
        assert_eq!(read_csv(b"a,b,c\n1,2,3\n4,5,6\n7,8,9\n", &caps), Ok(4));
        let e = read_csv(b"a,b,c\n1,2,3\n4,5,6\n7,8,9\n0,0,0\n", &caps).unwrap_err();
        assert!(e.zh().starts_with("表格过大：x.csv") && e.zh().contains("超过 4 行"), "{e:?}");
        let e = read_csv(b"a,b,c,d\n1,2,3,4\n4,5,6,7\n1\n", &caps).unwrap_err();
        assert!(e.zh().contains("超过 12 个单元格"), "{e:?}");
        // A quote left open: the rest of the file is one field, refused as it grows, not
        // after it has been read whole.
        let mut open = b"a,\"".to_vec();
        open.extend(std::iter::repeat_n(b'x', 1_000_000));
        let e = read_csv(&open, &caps).unwrap_err();
        assert!(e.zh().contains("有一行超过 19 KB"), "{e:?}");
        // Long rows under the cap pass.
        let long = format!("{}\n", "y".repeat(19_000));
        assert_eq!(read_csv(long.as_bytes(), &caps), Ok(1));
    }

    /// The message of a refusal on the field `file`.
    fn refusal(r: Result<Vec<Vec<String>>, WebError>) -> String {
        match r {
            Err(WebError::Invalid { field, text }) if field == "file" => {
                Tr::new(Lang::Zh).text(&text)
            }
            other => panic!("not a refusal on file: {other:?}"),
        }
    }

    #[test]
    fn an_xlsx_past_a_cap_is_refused_naming_the_file() {
        // 20,000 rows × 256 cells: the file of the review (5.7 s and 256 MB before the caps).
        let bomb = bombs::cells(20_000, 256);
        assert!(bomb.len() < 600_000, "{} bytes", bomb.len());
        let m = refusal(read_sheet(XLSX, &bomb));
        assert!(m.starts_with("表格过大：x.xlsx") && m.contains("200000 个单元格"), "{m}");
        let m = refusal(read_sheet(XLSX, &bombs::shared_strings(200_001)));
        assert!(m.contains("200000 个文本（共享字符串）"), "{m}");
        // At the cap exactly, the file is read.
        assert_eq!(
            read_sheet(XLSX, &bombs::shared_strings(200_000)).unwrap(),
            vec![vec!["00199999"]]
        );
        // The last row a small sheet may use.
        let m = refusal(read_sheet(XLSX, &bombs::cells(20_001, 1)));
        assert!(m.contains("超过 20000 行"), "{m}");
        assert_eq!(read_sheet(XLSX, &bombs::cells(20_000, 1)).unwrap().len(), 20_000);
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
