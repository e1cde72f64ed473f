//! Lists as .xlsx: every list a worker sees can be taken to Excel.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

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

fn build(sheet: &str, headers: &[&str], rows: &[Vec<Cell>]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet)?;
    let bold = Format::new().set_bold();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            match cell {
                Cell::Text(s) => ws.write_string(r, c, s)?,
                Cell::Int(v) => ws.write_number(r, c, *v as f64)?,
                Cell::Real(v) => ws.write_number(r, c, *v)?,
            };
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofit();
    wb.save_to_buffer()
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
    let encoded = crate::policy::urlencode(&format!("{file_stem}.xlsx")).replace('+', "%20");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"export.xlsx\"; filename*=UTF-8''{encoded}"),
            ),
        ],
        bytes,
    )
        .into_response())
}
