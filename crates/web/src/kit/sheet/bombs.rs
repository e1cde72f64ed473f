//! Hostile .xlsx files of the kinds the [`caps`](super::caps) refuse: a few hundred KB that
//! inflate to millions of cells or shared strings. For the tests and `yizhan bench bombs`; the
//! XML is written straight into the zip, so a bomb of ten million strings costs no memory to
//! make.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;

type Part<'a> = &'a mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>;

/// The smallest workbook a reader opens: one sheet, and shared strings when given.
fn workbook(sheet: Part, shared: Option<Part>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    let fixed = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#,
        ),
    ];
    let build = || -> zip::result::ZipResult<Vec<u8>> {
        for (name, xml) in fixed {
            zip.start_file(name, opts)?;
            zip.write_all(xml.as_bytes())?;
        }
        zip.start_file("xl/worksheets/sheet1.xml", opts)?;
        sheet(&mut zip)?;
        if let Some(shared) = shared {
            zip.start_file("xl/sharedStrings.xml", opts)?;
            shared(&mut zip)?;
        }
        Ok(zip.finish()?.into_inner())
    };
    build().expect("writing to memory")
}

const SHEET_START: &str = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#;
const SHEET_END: &str = "</sheetData></worksheet>";

/// Column letters of a 0-based column (0 → A, 26 → AA).
pub fn column(mut c: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// `rows` × `columns` numeric cells. The cells carry no reference (a reader takes them in
/// order), so the XML repeats and deflates a thousandfold, as a hostile file's would.
pub fn cells(rows: usize, columns: usize) -> Vec<u8> {
    let row = "<c><v>1</v></c>".repeat(columns);
    workbook(
        &mut |w| {
            w.write_all(SHEET_START.as_bytes())?;
            for r in 1..=rows {
                write!(w, r#"<row r="{r}">{row}</row>"#)?;
            }
            w.write_all(SHEET_END.as_bytes())
        },
        None,
    )
}

/// A sheet of one cell that uses the last of `strings` shared strings.
pub fn shared_strings(strings: usize) -> Vec<u8> {
    long_shared_strings(strings, 1)
}

/// A sheet of one cell that uses the last of `strings` shared strings of `chars` characters
/// each (the last one its number).
pub fn long_shared_strings(strings: usize, chars: usize) -> Vec<u8> {
    let text = "x".repeat(chars);
    workbook(
        &mut |w| {
            w.write_all(SHEET_START.as_bytes())?;
            let last = strings.saturating_sub(1);
            write!(w, r#"<row r="1"><c r="A1" t="s"><v>{last}</v></c></row>"#)?;
            w.write_all(SHEET_END.as_bytes())
        },
        Some(&mut |w| {
            write!(
                w,
                r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{strings}" uniqueCount="{strings}">"#
            )?;
            // The same text over and over (a table need not be distinct), then the one used.
            for _ in 1..strings {
                write!(w, "<si><t>{text}</t></si>")?;
            }
            write!(w, "<si><t>{:08}</t></si></sst>", strings.saturating_sub(1))
        }),
    )
}

/// A sheet of `rows` rows of text cells (a header, then `name n`, `n`), as a legitimate file.
pub fn texts(rows: usize) -> Vec<u8> {
    workbook(
        &mut |w| {
            w.write_all(SHEET_START.as_bytes())?;
            for r in 1..=rows {
                write!(
                    w,
                    r#"<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>name {r}</t></is></c><c r="B{r}"><v>{r}</v></c></row>"#
                )?;
            }
            w.write_all(SHEET_END.as_bytes())
        },
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_are_excels() {
        assert_eq!(column(0), "A");
        assert_eq!(column(25), "Z");
        assert_eq!(column(26), "AA");
        assert_eq!(column(255), "IV");
        assert_eq!(column(16_383), "XFD");
    }

    /// A constant, not a literal in the calls (the locale scan reads dotted literals as keys).
    const NAME: &str = "b.xlsx";

    #[test]
    fn the_bombs_are_real_workbooks_below_the_caps() {
        let rows = super::super::read_sheet(NAME, &cells(3, 2)).unwrap();
        assert_eq!(rows, vec![vec!["1", "1"]; 3]);
        let rows = super::super::read_sheet(NAME, &shared_strings(7)).unwrap();
        assert_eq!(rows, vec![vec!["00000006"]]);
        let rows = super::super::read_sheet(NAME, &texts(2)).unwrap();
        assert_eq!(rows, vec![vec!["name 1", "1"], vec!["name 2", "2"]]);
    }
}
