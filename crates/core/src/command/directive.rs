//! Directives (通知、工作方案、管理指引) from the district command to streets, stations and
//! enterprises: a text with attachments and a deadline; each recipient unit reads and confirms
//! it, and the command sees who has not and reminds them.

use crate::validate::date::planned_for;
use chrono::NaiveDate;

use crate::error::{DomainError, OnField};
use crate::validate::{Invalid, parse_choice, parse_int, required_text};

code_enum!(
    /// A draft (seen by its issuers) or published (sent to the units it reaches).
    DirectiveStatus, "directive.status.", [
        Draft => "draft",
        Published => "published",
    ]
);

code_enum!(
    /// What kind of document it is.
    DirectiveKind, "directive.kind.", [
        Notice => "notice",
        WorkPlan => "work_plan",
        Guideline => "guideline",
    ]
);

code_enum!(
    /// Which kind of unit receives it.
    RecipientKind, "directive.recipient.", [
        Street => "street",
        Station => "station",
        Enterprise => "enterprise",
    ]
);

pub const KEY_DEADLINE_PAST: &str = "error.directive_deadline_past";
pub const KEY_NO_RECIPIENTS: &str = "error.directive_no_recipients";
pub const KEY_PUBLISHED: &str = "error.directive_published";
pub const KEY_NOT_PUBLISHED: &str = "error.directive_not_published";
pub const KEY_FILE_TYPE: &str = "error.attachment_type";
pub const KEY_FILE_TOO_LARGE: &str = "error.attachment_too_large";

/// The largest attachment: a scanned work plan fits.
pub const MAX_ATTACHMENT: usize = 20 * 1024 * 1024;
pub const MAX_RECIPIENTS: usize = 5000;

/// The form, read as pairs because `recipient` repeats (`street:3`, `station:12`…).
#[derive(Debug, Clone, Default)]
pub struct DirectiveInput {
    pub title: String,
    pub kind: String,
    pub body: String,
    pub deadline: String,
    pub recipients: Vec<String>,
}

impl DirectiveInput {
    pub fn from_pairs(pairs: Vec<(String, String)>) -> DirectiveInput {
        let mut f = DirectiveInput::default();
        for (k, v) in pairs {
            match k.as_str() {
                "title" => f.title = v,
                "kind" => f.kind = v,
                "body" => f.body = v,
                "deadline" => f.deadline = v,
                "recipient" if !v.is_empty() => f.recipients.push(v),
                _ => {}
            }
        }
        f
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDirective {
    pub title: String,
    pub kind: DirectiveKind,
    pub body: String,
    pub deadline: NaiveDate,
    pub recipients: Vec<(RecipientKind, i64)>,
}

/// The recipients this person reads directives as, and whether they may confirm for each
/// (who may is decided in `access::Principal::directive_units`).
pub fn units_of(p: &crate::access::Principal) -> Vec<(RecipientKind, i64, bool)> {
    use crate::access::Scope;
    p.directive_units()
        .into_iter()
        .filter_map(|(scope, ack)| match scope {
            Scope::Station(id) => Some((RecipientKind::Station, id, ack)),
            Scope::Street(id) => Some((RecipientKind::Street, id, ack)),
            Scope::Enterprise(id) => Some((RecipientKind::Enterprise, id, ack)),
            _ => None,
        })
        .collect()
}

/// `street:3` → (Street, 3).
pub fn parse_recipient(s: &str) -> Result<(RecipientKind, i64), Invalid> {
    let (kind, id) = s.split_once(':').ok_or(Invalid::BadFormat { hint: "station:1" })?;
    Ok((
        RecipientKind::parse(kind).ok_or(Invalid::BadFormat { hint: "station:1" })?,
        parse_int(id, 1, i64::MAX, "1")?,
    ))
}

pub fn validate_directive(
    i: &DirectiveInput,
    today: NaiveDate,
) -> Result<NewDirective, DomainError> {
    let deadline = crate::station::guest::parse_date(&i.deadline)
        .and_then(|d| planned_for(d, today))
        .on("deadline")?;
    if deadline < today {
        return Err(DomainError::Rule { field: Some("deadline"), key: KEY_DEADLINE_PAST });
    }
    let mut recipients = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for r in &i.recipients {
        let r = parse_recipient(r).on("recipient")?;
        if seen.insert(r) {
            recipients.push(r);
        }
    }
    if recipients.is_empty() {
        return Err(DomainError::Rule { field: Some("recipient"), key: KEY_NO_RECIPIENTS });
    }
    if recipients.len() > MAX_RECIPIENTS {
        return Err(Invalid::OutOfRange { min: "1".into(), max: MAX_RECIPIENTS.to_string() })
            .on("recipient");
    }
    Ok(NewDirective {
        title: required_text(&i.title, 100).on("title")?,
        kind: parse_choice(&i.kind, DirectiveKind::parse, "notice").on("kind")?,
        body: required_text(&i.body, 20_000).on("body")?,
        deadline,
        recipients,
    })
}

/// Not confirmed and past the deadline.
pub fn is_overdue(acknowledged: bool, deadline: NaiveDate, today: NaiveDate) -> bool {
    !acknowledged && deadline < today
}

/// What an attachment is, from its bytes (and, for Office files, which are zips, its name).
pub fn attachment_type(bytes: &[u8], name: &str) -> Option<&'static str> {
    let lower = name.to_lowercase();
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(b"PK\x03\x04") {
        if lower.ends_with(".docx") {
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        } else if lower.ends_with(".xlsx") {
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        } else {
            None
        }
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else {
        None
    }
}

/// The name a document is kept and offered under: its own name with the extension of the type
/// its bytes were judged to be, so a PDF uploaded as `plan.html` downloads as `plan.pdf` and is
/// never opened as a page.
pub fn stored_name(name: &str, content_type: &str) -> String {
    let ext = match content_type {
        "application/pdf" => "pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "docx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "xlsx",
        "image/jpeg" => "jpg",
        "image/png" => "png",
        _ => return name.to_owned(),
    };
    let lower = name.to_lowercase();
    if lower.ends_with(&format!(".{ext}")) || (ext == "jpg" && lower.ends_with(".jpeg")) {
        return name.to_owned();
    }
    let stem = match name.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => name,
    };
    format!("{stem}.{ext}")
}

/// A file name safe to show and to put in a header: no path, no control or quote characters.
pub fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\'' | '<' | '>' | ';'))
        .take(100)
        .collect();
    let cleaned = cleaned.trim().to_owned();
    if cleaned.is_empty() { crate::words::word("directive.attachment").to_owned() } else { cleaned }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> DirectiveInput {
        DirectiveInput::from_pairs(
            [
                ("title", "关于做好企业复工复产疫情防控工作的通知"),
                ("kind", "notice"),
                ("body", "各街道、各驿站：……"),
                ("deadline", "2026-03-12"),
                ("recipient", "street:1"),
                ("recipient", "station:7"),
                ("recipient", "station:7"),
                ("recipient", ""),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        )
    }

    #[test]
    fn a_directive_names_its_recipients_once_and_has_a_future_deadline() {
        let today: NaiveDate = "2026-03-10".parse().unwrap();
        let d = validate_directive(&input(), today).unwrap();
        assert_eq!(d.recipients, vec![(RecipientKind::Street, 1), (RecipientKind::Station, 7)]);
        let mut none = input();
        none.recipients.clear();
        assert_eq!(validate_directive(&none, today).unwrap_err().field(), Some("recipient"));
        let mut bad = input();
        bad.recipients = vec!["town:3".into()];
        assert_eq!(validate_directive(&bad, today).unwrap_err().field(), Some("recipient"));
        let mut late = input();
        late.deadline = "2026-03-09".into();
        assert_eq!(validate_directive(&late, today).unwrap_err().field(), Some("deadline"));
        let mut empty = input();
        empty.body = " ".into();
        assert_eq!(validate_directive(&empty, today).unwrap_err().field(), Some("body"));
    }

    #[test]
    fn attachments_are_judged_by_their_bytes() {
        assert_eq!(attachment_type(b"%PDF-1.7 ...", "plan.pdf"), Some("application/pdf"));
        assert!(
            attachment_type(b"PK\x03\x04....", "方案.DOCX").unwrap().contains("wordprocessingml")
        );
        assert_eq!(attachment_type(b"PK\x03\x04....", "x.zip"), None);
        assert_eq!(attachment_type(b"<html><script>", "plan.pdf"), None);
        assert_eq!(attachment_type(b"MZ\x90\x00", "setup.exe"), None);
        assert_eq!(attachment_type(&[0xFF, 0xD8, 0xFF, 0xE0], "a.jpg"), Some("image/jpeg"));
    }

    #[test]
    fn file_names_lose_paths_and_quotes() {
        assert_eq!(clean_file_name("C:\\Users\\x\\工作方案.docx"), "工作方案.docx");
        assert_eq!(clean_file_name("../../etc/\"passwd\";"), "passwd");
        assert_eq!(clean_file_name("\u{0007}"), "附件");
        assert!(is_overdue(false, "2026-03-09".parse().unwrap(), "2026-03-10".parse().unwrap()));
        assert!(!is_overdue(true, "2026-03-09".parse().unwrap(), "2026-03-10".parse().unwrap()));
    }

    #[test]
    fn a_document_keeps_the_extension_of_its_type() {
        let pdf = "application/pdf";
        assert_eq!(stored_name("防控方案.html", pdf), "防控方案.pdf");
        assert_eq!(stored_name("防控方案.PDF", pdf), "防控方案.PDF");
        assert_eq!(stored_name("plan", pdf), "plan.pdf");
        assert_eq!(stored_name(".htaccess", pdf), ".htaccess.pdf");
        assert_eq!(stored_name("a.b.svg", "image/png"), "a.b.png");
        assert_eq!(stored_name("photo.JPEG", "image/jpeg"), "photo.JPEG");
        assert_eq!(
            stored_name(
                "名单.xlsx.exe",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            ),
            "名单.xlsx.xlsx"
        );
    }
}
