//! How much a sheet may hold, and the look at an .xlsx before it is opened.
//!
//! An .xlsx is a zip: a few hundred KB can inflate to gigabytes of XML, millions of cells or
//! millions of shared strings (which a reader keeps in memory). The sizes a zip declares are
//! the sender's word, so every part is inflated once through a counter, in constant memory,
//! and the scan stops at the first cap passed, before any reader keeps anything.

use std::io::{Read, Seek};

use yizhan_core::text::Text;

use super::Unreadable;

/// The limits for one kind of upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    /// Inflated bytes of the whole .xlsx.
    pub inflated: u64,
    /// Inflated bytes of any one part other than a worksheet (shared strings, styles, …): the
    /// parts a reader holds whole.
    pub part: u64,
    /// Parts in the zip.
    pub parts: usize,
    /// Cells in the worksheets (in a .csv: fields).
    pub cells: u64,
    /// The last row a cell may sit in (1-based).
    pub rows: u64,
    /// Shared strings in the workbook.
    pub shared_strings: u64,
    /// Bytes of one .csv record (a quote left open makes the rest of the file one field).
    pub record: u64,
    /// The rows are held in memory: a .csv's rows and cells are counted too. (A streamed .csv
    /// costs time in proportion to its size, which the upload limit bounds, and any number of
    /// rows is fine.)
    pub whole: bool,
}

/// A results or indicators sheet, read whole into memory: a station's guests, a list of
/// indicators.
pub const SMALL: Caps = Caps {
    inflated: 64 << 20,
    part: 16 << 20,
    parts: 200,
    cells: 200_000,
    rows: 20_000,
    shared_strings: 200_000,
    record: 64 << 10,
    whole: true,
};

/// A worker import, streamed a thousand rows at a time: in an .xlsx, Excel's own row limit, and
/// shared strings bounded so that the table a reader keeps stays within the memory an import may use.
pub const IMPORT: Caps = Caps {
    inflated: 2 << 30,
    part: 64 << 20,
    parts: 1_000,
    cells: 20_000_000,
    rows: 1 << 20,
    shared_strings: 1_000_000,
    record: 1 << 20,
    whole: false,
};

/// Which limit a file passed, with the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Over {
    Inflated(u64),
    Part(u64),
    Parts(usize),
    Cells(u64),
    Rows(u64),
    SharedStrings(u64),
    Record(u64),
}

impl Over {
    /// The refusal, naming the file and the limit.
    pub fn unreadable(self, file: &str) -> Unreadable {
        let mib = |b: u64| b >> 20;
        let over = match self {
            Over::Inflated(n) => Text::new("sheet.over.inflated").with("mb", mib(n)),
            Over::Part(n) => Text::new("sheet.over.part").with("mb", mib(n)),
            Over::Parts(n) => Text::new("sheet.over.parts").with("n", n),
            Over::Cells(n) => Text::new("sheet.over.cells").with("n", n),
            Over::Rows(n) => Text::new("sheet.over.rows").with("n", n),
            Over::SharedStrings(n) => Text::new("sheet.over.shared_strings").with("n", n),
            Over::Record(n) => Text::new("sheet.over.record").with("kb", n >> 10),
        };
        Unreadable(Text::new("sheet.too_large").with("file", file).with_text("over", over))
    }
}

/// Counts the start tags with a given local name (`<c …>`, `<x:c>`) in XML fed in pieces, in
/// constant memory.
struct Tags {
    name: &'static [u8],
    /// Bytes of the tag name read so far, when inside one.
    current: Option<Vec<u8>>,
    count: u64,
}

impl Tags {
    fn new(name: &'static [u8]) -> Tags {
        Tags { name, current: None, count: 0 }
    }

    fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            match &mut self.current {
                None => {
                    if b == b'<' {
                        self.current = Some(Vec::with_capacity(16));
                    }
                }
                Some(tag) => {
                    if b.is_ascii_whitespace() || b == b'>' || b == b'/' {
                        let local = match tag.iter().rposition(|&c| c == b':') {
                            Some(i) => &tag[i + 1..],
                            None => &tag[..],
                        };
                        if !tag.is_empty() && local == self.name {
                            self.count += 1;
                        }
                        self.current = None;
                    } else if tag.len() < 32 {
                        tag.push(b);
                    } else {
                        self.current = None; // not a name we count
                    }
                }
            }
        }
    }
}

fn is_worksheet(part: &str) -> bool {
    part.starts_with("xl/worksheets/") && part.ends_with(".xml")
}

fn is_shared_strings(part: &str) -> bool {
    part.eq_ignore_ascii_case("xl/sharedStrings.xml")
}

/// Inflates every part of the .xlsx once, counting, and says which cap it passes first. A file
/// that is not a zip passes (the reader refuses it in its own words).
pub fn check_xlsx<R: Read + Seek>(source: R, caps: &Caps) -> Result<(), Over> {
    let Ok(mut zip) = zip::ZipArchive::new(source) else {
        return Ok(());
    };
    if zip.len() > caps.parts {
        return Err(Over::Parts(caps.parts));
    }
    let (mut inflated, mut cells, mut rows, mut strings) = (0u64, 0u64, 0u64, 0u64);
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let Ok(mut part) = zip.by_index(i) else {
            continue;
        };
        let name = part.name().map(|n| n.into_owned()).unwrap_or_default();
        let sheet = is_worksheet(&name);
        let shared = is_shared_strings(&name);
        let (mut c, mut r, mut s) = (Tags::new(b"c"), Tags::new(b"row"), Tags::new(b"si"));
        let mut this = 0u64;
        loop {
            let n = match part.read(&mut buf) {
                Ok(0) | Err(_) => break, // a broken part is the reader's to refuse
                Ok(n) => n,
            };
            this += n as u64;
            inflated += n as u64;
            if inflated > caps.inflated {
                return Err(Over::Inflated(caps.inflated));
            }
            if !sheet && this > caps.part {
                return Err(Over::Part(caps.part));
            }
            if sheet {
                c.feed(&buf[..n]);
                r.feed(&buf[..n]);
                if cells + c.count > caps.cells {
                    return Err(Over::Cells(caps.cells));
                }
                if rows + r.count > caps.rows {
                    return Err(Over::Rows(caps.rows));
                }
            } else if shared {
                s.feed(&buf[..n]);
                if strings + s.count > caps.shared_strings {
                    return Err(Over::SharedStrings(caps.shared_strings));
                }
            }
        }
        cells += c.count;
        rows += r.count;
        strings += s.count;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Write};

    use super::*;

    fn count(name: &'static [u8], xml: &str, piece: usize) -> u64 {
        let mut t = Tags::new(name);
        for chunk in xml.as_bytes().chunks(piece) {
            t.feed(chunk);
        }
        t.count
    }

    #[test]
    fn start_tags_are_counted_whatever_the_prefix_and_the_pieces() {
        let xml = r#"<sheetData><row r="1"><c r="A1"><v>1</v></c><x:c r="B1"/><col/><cc/></row><row><c>
            </c></row></sheetData>"#;
        for piece in [1, 2, 3, 7, 1000] {
            assert_eq!(count(b"c", xml, piece), 3, "piece {piece}");
            assert_eq!(count(b"row", xml, piece), 2, "piece {piece}");
        }
        assert_eq!(count(b"si", "<sst><si><t>a</t></si><si\n/><sis/></sst>", 2), 2);
        assert_eq!(count(b"c", "<c", 1), 0, "a tag cut off at the end is not a cell");
    }

    /// A zip of the given parts, deflated.
    fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in parts {
            zip.start_file(*name, opts).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    const TINY: Caps = Caps {
        inflated: 10_000,
        part: 2_000,
        parts: 4,
        cells: 10,
        rows: 3,
        shared_strings: 5,
        record: 100,
        whole: true,
    };

    fn check(parts: &[(&str, &[u8])]) -> Result<(), Over> {
        check_xlsx(Cursor::new(zip_of(parts)), &TINY)
    }

    #[test]
    fn each_cap_is_enforced_at_its_limit_and_not_below() {
        let sheet = "xl/worksheets/sheet1.xml";
        let rows = |n: usize, per: usize| {
            (0..n)
                .map(|_| format!("<row>{}</row>", "<c><v>1</v></c>".repeat(per)))
                .collect::<String>()
        };
        assert_eq!(check(&[(sheet, rows(3, 3).as_bytes())]), Ok(()));
        assert_eq!(check(&[(sheet, rows(4, 1).as_bytes())]), Err(Over::Rows(3)));
        assert_eq!(check(&[(sheet, rows(2, 6).as_bytes())]), Err(Over::Cells(10)));
        let sst = |n: usize| format!("<sst>{}</sst>", "<si><t>x</t></si>".repeat(n));
        assert_eq!(check(&[("xl/sharedStrings.xml", sst(5).as_bytes())]), Ok(()));
        assert_eq!(
            check(&[("xl/sharedStrings.xml", sst(6).as_bytes())]),
            Err(Over::SharedStrings(5))
        );
        // A part other than a sheet is held whole by the reader: its own cap.
        let styles = vec![b' '; 2_001];
        assert_eq!(check(&[("xl/styles.xml", &styles)]), Err(Over::Part(2_000)));
        // Inflated bytes add up over the parts; the sheets are not held, so only the total.
        let spaces = vec![b' '; 6_000];
        assert_eq!(check(&[(sheet, &spaces)]), Ok(()));
        assert_eq!(
            check(&[(sheet, &spaces), ("xl/worksheets/sheet2.xml", &spaces)]),
            Err(Over::Inflated(10_000))
        );
        let many: Vec<(String, &[u8])> = (0..5).map(|i| (format!("p{i}"), &b""[..])).collect();
        let many: Vec<(&str, &[u8])> = many.iter().map(|(n, b)| (n.as_str(), *b)).collect();
        assert_eq!(check(&many), Err(Over::Parts(4)));
        // Not a zip: the reader's own refusal says so.
        assert_eq!(check_xlsx(Cursor::new(b"plain".to_vec()), &TINY), Ok(()));
    }

    #[test]
    fn the_refusal_names_the_file_and_the_limit() {
        let u = Over::Cells(200_000).unreadable("结果.xlsx");
        assert!(
            u.zh().starts_with("表格过大：结果.xlsx") && u.zh().contains("200000 个单元格"),
            "{}",
            u.zh()
        );
        assert!(u.en().contains("结果.xlsx") && u.en().contains("200000 cells"), "{}", u.en());
    }
}
