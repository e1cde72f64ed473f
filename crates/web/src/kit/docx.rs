//! A small .docx writer (WordprocessingML in a zip): headings, paragraphs and tables, enough
//! for a report or a notice that opens in Word, WPS and LibreOffice.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;

use crate::error::WebError;

#[derive(Default)]
pub struct Docx {
    body: String,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn run(text: &str, bold: bool, size_half_points: u32) -> String {
    let b = if bold { "<w:b/>" } else { "" };
    format!(
        "<w:r><w:rPr>{b}<w:rFonts w:eastAsia=\"SimSun\"/><w:sz w:val=\"{size_half_points}\"/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r>",
        esc(text)
    )
}

impl Docx {
    pub fn new() -> Docx {
        Docx::default()
    }

    /// A centred title.
    pub fn title(mut self, text: &str) -> Docx {
        self.body.push_str(&format!(
            "<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr>{}</w:p>",
            run(text, true, 36)
        ));
        self
    }

    pub fn heading(mut self, text: &str) -> Docx {
        self.body.push_str(&format!("<w:p>{}</w:p>", run(text, true, 28)));
        self
    }

    pub fn para(mut self, text: &str) -> Docx {
        self.body.push_str(&format!("<w:p>{}</w:p>", run(text, false, 24)));
        self
    }

    /// A bordered table with a bold header row.
    pub fn table(mut self, headers: &[String], rows: &[Vec<String>]) -> Docx {
        let border = "<w:tblBorders><w:top w:val=\"single\" w:sz=\"4\"/><w:left w:val=\"single\" w:sz=\"4\"/><w:bottom w:val=\"single\" w:sz=\"4\"/><w:right w:val=\"single\" w:sz=\"4\"/><w:insideH w:val=\"single\" w:sz=\"4\"/><w:insideV w:val=\"single\" w:sz=\"4\"/></w:tblBorders>";
        let row = |cells: &[String], bold: bool| {
            let cells: String = cells
                .iter()
                .map(|c| format!("<w:tc><w:p>{}</w:p></w:tc>", run(c, bold, 18)))
                .collect();
            format!("<w:tr>{cells}</w:tr>")
        };
        self.body.push_str(&format!(
            "<w:tbl><w:tblPr><w:tblW w:w=\"5000\" w:type=\"pct\"/>{border}</w:tblPr>{}",
            row(headers, true)
        ));
        for r in rows {
            self.body.push_str(&row(r, false));
        }
        self.body.push_str("</w:tbl><w:p/>");
        self
    }

    pub fn finish(self) -> Result<Vec<u8>, WebError> {
        let document = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{}\
<w:sectPr><w:pgSz w:w=\"16838\" w:h=\"11906\" w:orient=\"landscape\"/><w:pgMar w:top=\"1000\" w:right=\"1000\" w:bottom=\"1000\" w:left=\"1000\"/></w:sectPr></w:body></w:document>",
            self.body
        );
        let parts = [
            (
                "[Content_Types].xml",
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
</Types>"
                    .to_owned(),
            ),
            (
                "_rels/.rels",
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
</Relationships>"
                    .to_owned(),
            ),
            ("word/document.xml", document),
        ];
        let fail = |e: &dyn std::fmt::Display| WebError::Internal(format!("docx: {e}"));
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, text) in parts {
            zip.start_file(name, SimpleFileOptions::default()).map_err(|e| fail(&e))?;
            zip.write_all(text.as_bytes()).map_err(|e| fail(&e))?;
        }
        Ok(zip.finish().map_err(|e| fail(&e))?.into_inner())
    }
}

/// The text of a .docx's paragraphs and cells, in order (for tests and imports).
pub fn text_of(bytes: &[u8]) -> Result<String, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("word/document.xml").map_err(|e| e.to_string())?,
        &mut xml,
    )
    .map_err(|e| e.to_string())?;
    let mut out = String::new();
    for piece in xml.split("<w:t").skip(1) {
        // `<w:tbl>`, `<w:tc>`, `<w:tr>`… start the same way; a text run is `<w:t>` or `<w:t …>`.
        if !(piece.starts_with('>') || piece.starts_with(' ')) {
            continue;
        }
        let Some((_, rest)) = piece.split_once('>') else {
            continue;
        };
        let text = rest.split("</w:t>").next().unwrap_or_default();
        out.push_str(
            &text
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&amp;", "&"),
        );
        out.push('\n');
    }
    Ok(out)
}

/// A .docx download named `file_stem`.
pub fn download(file_stem: &str, bytes: Vec<u8>) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    let encoded = crate::policy::urlencode(&format!("{file_stem}.docx")).replace('+', "%20");
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                    .to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"export.docx\"; filename*=UTF-8''{encoded}"),
            ),
        ],
        bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_reads_back_with_its_text_escaped() {
        let bytes = Docx::new()
            .title("龙岗区疫情防控日报")
            .para("截至 3月9日24时 <全区> & 各驿站")
            .table(
                &["驿站".to_owned(), "在住".to_owned()],
                &[vec!["卓汇".to_owned(), "12".to_owned()]],
            )
            .finish()
            .unwrap();
        assert!(bytes.starts_with(b"PK"));
        let text = text_of(&bytes).unwrap();
        assert_eq!(
            text,
            "龙岗区疫情防控日报\n截至 3月9日24时 <全区> & 各驿站\n驿站\n在住\n卓汇\n12\n"
        );
    }
}
