//! What every area shares: the page layout and rendering, forms, .xlsx exports, reading sheets,
//! .docx, photos and uploads; the day it is at the station, and the choices of a select.

pub mod docx;
pub mod export;
pub mod extract;
pub mod layout;
pub mod listing;
pub mod pager;
pub mod photo;
pub mod refused;
pub mod render;
pub mod sheet;
pub mod tone;
pub mod upload;

use crate::i18n::Tr;

/// Today in Asia/Shanghai: the day every record is filed under.
pub fn today() -> chrono::NaiveDate {
    yizhan_core::time::local_date(yizhan_store::db::now())
}

/// (code, label) pairs for a select, from an enum's list of values.
pub fn options<T: Copy>(
    tr: &Tr,
    all: &[T],
    code: fn(T) -> &'static str,
    key: fn(T) -> &'static str,
) -> Vec<(&'static str, String)> {
    all.iter().map(|v| (code(*v), tr.t(key(*v)).to_owned())).collect()
}

/// `201 Created` with the new record's id, for the API routes that record something.
pub fn created(id: i64) -> axum::response::Response {
    use axum::response::IntoResponse;
    (axum::http::StatusCode::CREATED, axum::Json(Created { id })).into_response()
}

/// The id of what was recorded.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct Created {
    pub id: i64,
}
