//! Request extractors whose rejections are our `WebError`, so malformed input gets a clear 4xx in
//! the API's JSON shape (or an HTML page), never axum's plain-text default.

use axum::extract::rejection::{FormRejection, JsonRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use yizhan_core::validate::Invalid;

use crate::error::WebError;

pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = WebError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(JsonBody(v)),
            Err(JsonRejection::JsonDataError(e)) => Err(WebError::BadRequest(e.body_text())),
            Err(JsonRejection::JsonSyntaxError(e)) => Err(WebError::BadRequest(e.body_text())),
            Err(JsonRejection::MissingJsonContentType(_)) => {
                Err(WebError::BadRequest("Content-Type: application/json".into()))
            }
            Err(JsonRejection::BytesRejection(_)) => Err(WebError::TooLarge),
            Err(e) => Err(WebError::BadRequest(e.body_text())),
        }
    }
}

pub struct FormBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for FormBody<T> {
    type Rejection = WebError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(v)) => Ok(FormBody(v)),
            Err(FormRejection::BytesRejection(_)) => Err(WebError::TooLarge),
            Err(e) => Err(WebError::BadRequest(e.body_text())),
        }
    }
}

/// The longest value a query parameter may have. Searches, filters, dates, codes and tokens are
/// all shorter; a 50,000-character `?q=` made SQLite refuse the LIKE pattern ("pattern too
/// complex", a 500).
pub const MAX_QUERY_VALUE: usize = 100;

/// The query string. A malformed one (a parameter given twice, a value of the wrong type) is
/// our 400, in the API's JSON shape or as a page: axum's own rejection is plain text. A value
/// holding a control character is a 422 naming the parameter: no stored text has one, and
/// PostgreSQL cannot even compare with a NUL (`?q=%00` was a 500 there; found by API fuzzing).
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = WebError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(parts.uri.query().unwrap_or_default()).unwrap_or_default();
        for (name, value) in pairs {
            let bad = if let Some(found) = value.chars().find(|c| c.is_control()) {
                Some(Invalid::BadChars { found })
            } else if value.chars().count() > MAX_QUERY_VALUE {
                Some(Invalid::TooLong { max: MAX_QUERY_VALUE })
            } else {
                None
            };
            if let Some(e) = bad {
                return Err(WebError::invalid(&name, e.text()));
            }
        }
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(v)| Query(v))
            .map_err(|e| WebError::BadRequest(e.body_text()))
    }
}

/// A numeric id in the path; anything else is simply "not found".
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = WebError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| WebError::NotFound)?;
        raw.parse::<i64>().ok().filter(|v| *v > 0).map(Id).ok_or(WebError::NotFound)
    }
}

/// Parses a JSON body read earlier as bytes: for handlers that must check object scope before
/// they say anything about the body.
pub fn json_from<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, WebError> {
    serde_json::from_slice(bytes).map_err(|e| WebError::BadRequest(e.to_string()))
}

/// A JSON object read into one of the domain's all-text input structs (the same ones forms
/// fill): numbers and booleans become their text, null becomes empty, so `"minutes": 45` and
/// `"minutes": "45"` are the same request and every error still names its field.
pub fn json_form<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, WebError> {
    use serde_json::Value;
    let v: Value = json_from(bytes)?;
    let Value::Object(map) = v else {
        return Err(WebError::BadRequest("expected a JSON object".into()));
    };
    let map = map
        .into_iter()
        .map(|(k, v)| {
            let v = match v {
                Value::Null => Value::String(String::new()),
                Value::Number(n) => Value::String(n.to_string()),
                Value::Bool(b) => Value::String(b.to_string()),
                other => other,
            };
            (k, v)
        })
        .collect();
    serde_json::from_value(Value::Object(map)).map_err(|e| WebError::BadRequest(e.to_string()))
}

/// The raw body, with the size limit answered as our 413.
pub struct RawBody(pub axum::body::Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = WebError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::body::Bytes::from_request(req, state)
            .await
            .map(RawBody)
            .map_err(|_| WebError::TooLarge)
    }
}
