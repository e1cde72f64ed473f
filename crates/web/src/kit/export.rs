//! Lists as .xlsx: every list a worker sees can be taken to Excel.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use crate::error::WebError;

pub enum Cell {
    Text(String),
    Int(i64),
    /// A number with decimals (amounts in 亿元).
    Real(f64),
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}
impl From<f64> for Cell {
    fn from(v: f64) -> Cell {
        Cell::Real(v)
    }
}
impl From<i64> for Cell {
    fn from(v: i64) -> Cell {
        Cell::Int(v)
    }
}

/// Text that a spreadsheet would take for a formula once the cell is edited or the sheet is
/// saved as CSV (`=`, `+`, `-`, `@`, tab, CR first) gets a leading apostrophe, as OWASP's
/// CSV-injection advice says, so a hostile name stays text. A plain number such as "-3.5" is
/// no formula and is left as it is.
pub fn neutralised(s: &str) -> std::borrow::Cow<'_, str> {
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let number = s.parse::<f64>().is_ok_and(f64::is_finite)
        && s.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '-');
    if risky && !number {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

fn build(sheet: &str, headers: &[&str], rows: &[Vec<Cell>]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    head(ws, sheet, headers)?;
    for (r, row) in rows.iter().enumerate() {
        write_row(ws, r as u32 + 1, row)?;
    }
    ws.autofit();
    wb.save_to_buffer()
}

/// The sheet's name, its bold header row, frozen.
fn head(ws: &mut Worksheet, sheet: &str, headers: &[&str]) -> Result<(), XlsxError> {
    ws.set_name(sheet)?;
    let bold = Format::new().set_bold();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn write_row(ws: &mut Worksheet, r: u32, row: &[Cell]) -> Result<(), XlsxError> {
    for (c, cell) in row.iter().enumerate() {
        let c = c as u16;
        match cell {
            Cell::Text(s) => ws.write_string(r, c, neutralised(s).as_ref())?,
            Cell::Int(v) => ws.write_number(r, c, *v as f64)?,
            Cell::Real(v) => ws.write_number(r, c, *v)?,
        };
    }
    Ok(())
}

/// A station's list as .xlsx named "<station>-<title>", headers given as locale keys.
pub fn station_list(
    tr: &crate::i18n::Tr,
    station: &str,
    title_key: &str,
    header_keys: &[&str],
    rows: &[Vec<Cell>],
) -> Result<Response, WebError> {
    let headers: Vec<&str> = header_keys.iter().map(|k| tr.t(k)).collect();
    let title = tr.t(title_key);
    xlsx(&format!("{station}-{title}"), title, &headers, rows)
}

/// An .xlsx download named `file_stem` (a Chinese name is fine: RFC 5987 encoding).
pub fn xlsx(
    file_stem: &str,
    sheet: &str,
    headers: &[&str],
    rows: &[Vec<Cell>],
) -> Result<Response, WebError> {
    let bytes =
        build(sheet, headers, rows).map_err(|e| WebError::Internal(format!("xlsx: {e}")))?;
    Ok((download(file_stem), bytes).into_response())
}

/// The headers of an .xlsx download named `<file_stem>.xlsx` (any script in the name).
fn download(file_stem: &str) -> [(header::HeaderName, String); 2] {
    let encoded = crate::policy::urlencode(&format!("{file_stem}.xlsx")).replace('+', "%20");
    [
        (
            header::CONTENT_TYPE,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
        ),
        (
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"export.xlsx\"; filename*=UTF-8''{encoded}"),
        ),
    ]
}

/// The most data rows a worksheet holds (Excel's limit, less the header).
pub const MAX_ROWS: usize = 1_048_575;

/// A long list written to .xlsx without holding it: pages of rows go over a bounded channel to a
/// thread that owns the workbook, whose worksheet keeps only the row being written in memory
/// (rust_xlsxwriter's constant-memory mode); the file is put together on disk and sent in
/// chunks. A page is written while the next one is read from the database.
pub struct StreamedSheet {
    pages: tokio::sync::mpsc::Sender<Vec<Vec<Cell>>>,
    done: tokio::sync::oneshot::Receiver<Result<std::fs::File, String>>,
    written: usize,
}

impl StreamedSheet {
    pub fn start(sheet: &str, headers: &[&str]) -> StreamedSheet {
        let (pages, mut rx) = tokio::sync::mpsc::channel::<Vec<Vec<Cell>>>(2);
        let (finish, done) = tokio::sync::oneshot::channel();
        let sheet = sheet.to_owned();
        let headers: Vec<String> = headers.iter().map(|h| (*h).to_owned()).collect();
        std::thread::spawn(move || {
            let made = (|| -> Result<std::fs::File, XlsxError> {
                let mut wb = Workbook::new();
                let ws = wb.add_worksheet_with_constant_memory()?;
                let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
                head(ws, &sheet, &headers)?;
                for c in 0..headers.len() {
                    ws.set_column_width(c as u16, 16)?;
                }
                let mut r = 0u32;
                while let Some(page) = rx.blocking_recv() {
                    for row in page {
                        r += 1;
                        write_row(ws, r, &row)?;
                    }
                }
                let path = std::env::temp_dir()
                    .join(format!("yizhan-export-{}.xlsx", rand::random::<u64>()));
                wb.save(&path)?;
                let file = std::fs::File::open(&path).map_err(XlsxError::IoError);
                // Unlinked at once: the open handle is all that is left, gone when it closes.
                let _ = std::fs::remove_file(&path);
                file
            })();
            let _ = finish.send(made.map_err(|e| e.to_string()));
        });
        StreamedSheet { pages, done, written: 0 }
    }

    /// Adds rows (beyond `MAX_ROWS`, they are dropped: callers say so in the page).
    pub async fn write(&mut self, mut rows: Vec<Vec<Cell>>) -> Result<(), WebError> {
        rows.truncate(MAX_ROWS.saturating_sub(self.written));
        self.written += rows.len();
        self.pages.send(rows).await.map_err(|_| WebError::Internal("xlsx writer stopped".into()))
    }

    /// Whether the sheet holds all it can: the caller stops reading rows.
    pub fn is_full(&self) -> bool {
        self.written >= MAX_ROWS
    }

    /// Ends the sheet and answers with the file, read from disk in chunks.
    pub async fn finish(self, file_stem: &str) -> Result<Response, WebError> {
        drop(self.pages);
        let file = self
            .done
            .await
            .map_err(|_| WebError::Internal("xlsx writer stopped".into()))?
            .map_err(|e| WebError::Internal(format!("xlsx: {e}")))?;
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        let chunks = futures_util::stream::unfold(tokio::fs::File::from_std(file), |mut f| async {
            use tokio::io::AsyncReadExt;
            let mut buf = vec![0u8; 64 * 1024];
            match f.read(&mut buf).await {
                Ok(0) => None,
                Ok(n) => {
                    buf.truncate(n);
                    Some((Ok::<_, std::io::Error>(axum::body::Bytes::from(buf)), f))
                }
                Err(e) => Some((Err(e), f)),
            }
        });
        Ok((
            download(file_stem),
            [(header::CONTENT_LENGTH, len.to_string())],
            axum::body::Body::from_stream(chunks),
        )
            .into_response())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_stay_text() {
        for hostile in [
            "=HYPERLINK(\"http://evil.example\",\"点击\")",
            "+1+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1:A9)",
            "\t=1+1",
            "\r=1+1",
            "=",
        ] {
            assert_eq!(neutralised(hostile), format!("'{hostile}"), "{hostile:?}");
        }
        for harmless in ["李春花", "138****8000", "-3.5", "-12", "0", "1=1", "a@b.cn", ""] {
            assert_eq!(neutralised(harmless), harmless, "{harmless:?}");
        }
    }

    #[test]
    fn the_written_sheet_reads_back_as_text() {
        use calamine::{Data, Reader, Xlsx};
        let rows = vec![vec![
            Cell::from("=1+2"),
            Cell::from("@cmd"),
            Cell::from("张三"),
            Cell::from(-4_i64),
        ]];
        let bytes = build("名单", &["a", "b", "c", "d"], &rows).unwrap();
        let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let range = wb.worksheet_range("名单").unwrap();
        let row: Vec<Data> = range.rows().nth(1).unwrap().to_vec();
        assert_eq!(
            row,
            vec![
                Data::String("'=1+2".into()),
                Data::String("'@cmd".into()),
                Data::String("张三".into()),
                Data::Float(-4.0),
            ]
        );
        // No cell of the file holds a formula.
        assert!(wb.worksheet_formula("名单").unwrap().used_cells().next().is_none());
    }
}
