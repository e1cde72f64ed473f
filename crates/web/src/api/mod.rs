//! The JSON API, `/api/v1`. Same rules as the pages: the handlers parse, the domain validates,
//! the store writes. Errors are `{"error": {"code", "message", "field"?}}`.

pub mod account;
pub mod guests;
pub mod health;
pub mod openapi;
pub mod rooms;
pub mod stations;
pub mod users;
