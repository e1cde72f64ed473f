//! The JSON API, `/api/v1`, is served by each resource's `json` module under the same rules as
//! its pages (the handlers parse, the domain validates, the store writes; errors are
//! `{"error": {"code", "message", "field"?}}`). What lives here is the API's OpenAPI document and its `Idempotency-Key`.

pub mod answers;
pub mod docs;
pub mod idempotency;
pub mod openapi;
pub mod schema;
mod stay_life_doc;
