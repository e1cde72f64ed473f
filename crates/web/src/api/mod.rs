//! The JSON API, `/api/v1`. Same rules as the pages: the handlers parse, the domain validates,
//! the store writes. Errors are `{"error": {"code", "message", "field"?}}`.

pub mod account;
pub mod guests;
pub mod health;
pub mod openapi;
pub mod rooms;
pub mod stations;
pub mod users;

/// `201 Created` with the new record's id, for the API routes that record something.
pub fn created(id: i64) -> axum::response::Response {
    use axum::response::IntoResponse;
    (axum::http::StatusCode::CREATED, axum::Json(serde_json::json!({ "id": id }))).into_response()
}
