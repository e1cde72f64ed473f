//! Reading a multipart upload (the page's `file` field and its text fields) and checking a
//! document attachment (size, and a type decided by its bytes).

use axum::extract::Multipart;
use axum::extract::multipart::MultipartRejection;
use sha2::{Digest, Sha256};
use yizhan_core::command::directive::{
    KEY_FILE_TOO_LARGE, KEY_FILE_TYPE, MAX_ATTACHMENT, attachment_type, clean_file_name,
    stored_name,
};

use crate::error::WebError;

/// What a multipart handler receives.
pub type Form = Result<Multipart, MultipartRejection>;

pub struct Upload {
    /// The file's own name, without path or quotes.
    pub name: String,
    pub bytes: Vec<u8>,
    /// The form's other fields.
    pub fields: Vec<(String, String)>,
}

impl Upload {
    pub fn field(&self, name: &str) -> &str {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or_default()
    }
}

/// The upload, or a field error on `file` when no (non-empty) file was chosen.
pub async fn read(form: Form) -> Result<Upload, WebError> {
    let mut form = form.map_err(|_| WebError::BadRequest("multipart/form-data".into()))?;
    let mut file = None;
    let mut fields = Vec::new();
    while let Some(field) = form.next_field().await.map_err(|_| WebError::TooLarge)? {
        let key = field.name().unwrap_or_default().to_owned();
        if key == "file" {
            let name = clean_file_name(field.file_name().unwrap_or_default());
            let bytes = field.bytes().await.map_err(|_| WebError::TooLarge)?.to_vec();
            file = Some((name, bytes));
        } else {
            fields.push((key, field.text().await.map_err(|_| WebError::TooLarge)?));
        }
    }
    match file {
        Some((name, bytes)) if !bytes.is_empty() => Ok(Upload { name, bytes, fields }),
        _ => Err(WebError::invalid("file", yizhan_core::text::Text::new("invalid.choose_file"))),
    }
}

/// A document attachment (PDF, .docx, .xlsx, picture) within the size limit: its content type,
/// SHA-256 and the name to keep it under (with the extension of its type).
pub fn document(u: &Upload) -> Result<(&'static str, String, String), WebError> {
    let refuse = |key| WebError::Rule { field: Some("file".into()), key };
    if u.bytes.len() > MAX_ATTACHMENT {
        return Err(refuse(KEY_FILE_TOO_LARGE));
    }
    let content_type = attachment_type(&u.bytes, &u.name).ok_or_else(|| refuse(KEY_FILE_TYPE))?;
    Ok((content_type, hex::encode(Sha256::digest(&u.bytes)), stored_name(&u.name, content_type)))
}
