//! The web layer's one error type. Handlers return it; `render` turns it into JSON for the API
//! (`{"error": {"code", "message", "field"}}`) or an HTML page, in the user's language.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use yizhan_core::error::DomainError;
use yizhan_core::text::Text;
use yizhan_store::StoreError;

use crate::i18n::Tr;

#[derive(Debug, Clone, thiserror::Error)]
pub enum WebError {
    #[error("invalid {field}")]
    Invalid { field: String, text: Text },
    #[error("rule {key}")]
    Rule { field: Option<String>, key: &'static str },
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("unauthenticated")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("csrf")]
    Csrf,
    #[error("not found")]
    NotFound,
    #[error("conflict on {field}")]
    Conflict { field: String },
    /// Someone else got there first (the last bed, a guest already checked in): 409, explained.
    #[error("taken: {key}")]
    Taken { field: String, key: &'static str },
    #[error("too large")]
    TooLarge,
    #[error("throttled")]
    Throttled,
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// The disk under the database is full: 503, and the operator is told what to free.
    #[error("storage full: {0}")]
    StorageFull(String),
    #[error("internal: {0}")]
    Internal(String),
    /// Several fields refused at once (each an `Invalid` or a `Rule`; never nested).
    #[error("{} fields refused", .0.len())]
    Many(Vec<WebError>),
}

/// A person's name is the field `name` in forms and the API like a thing's, but its label is 姓名
/// (a thing's is 名称): its error carries this field inside, and `field()` gives `name` out.
const PERSON_NAME: &str = "person_name";

impl WebError {
    /// The error of a person's form (guest, relative, staff, worker): a refused name is
    /// labelled 姓名.
    pub fn of_person(e: DomainError) -> WebError {
        fn person(e: WebError) -> WebError {
            match e {
                WebError::Invalid { field, text } if field == "name" => {
                    WebError::Invalid { field: PERSON_NAME.into(), text }
                }
                WebError::Many(all) => WebError::Many(all.into_iter().map(person).collect()),
                other => other,
            }
        }
        person(WebError::from(e))
    }

    /// Each refusal on its own (one for a single error).
    pub fn each(&self) -> Vec<&WebError> {
        match self {
            WebError::Many(all) => all.iter().collect(),
            one => vec![one],
        }
    }

    /// A field refused with a message of the locale files.
    pub fn invalid(field: &str, text: Text) -> WebError {
        WebError::Invalid { field: field.to_owned(), text }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            WebError::Invalid { .. } | WebError::Rule { .. } | WebError::Many(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Unauthenticated => StatusCode::UNAUTHORIZED,
            WebError::Forbidden | WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Conflict { .. } | WebError::Taken { .. } => StatusCode::CONFLICT,
            WebError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::Throttled => StatusCode::TOO_MANY_REQUESTS,
            WebError::Unavailable(_) | WebError::StorageFull(_) => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            WebError::Invalid { .. } | WebError::Many(_) => "invalid",
            WebError::Rule { .. } => "rule",
            WebError::BadRequest(_) => "bad_request",
            WebError::Unauthenticated => "unauthenticated",
            WebError::Forbidden => "forbidden",
            WebError::Csrf => "csrf",
            WebError::NotFound => "not_found",
            WebError::Conflict { .. } | WebError::Taken { .. } => "conflict",
            WebError::TooLarge => "too_large",
            WebError::Throttled => "throttled",
            WebError::Unavailable(_) => "unavailable",
            WebError::StorageFull(_) => "storage_full",
            WebError::Internal(_) => "internal",
        }
    }

    /// Errors the person can fix by changing what they typed: forms re-render with the message.
    pub fn is_correctable(&self) -> bool {
        matches!(
            self,
            WebError::Invalid { .. }
                | WebError::Conflict { .. }
                | WebError::Rule { .. }
                | WebError::Taken { .. }
                | WebError::Many(_)
        )
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            WebError::Invalid { field, .. } if field == PERSON_NAME => Some("name"),
            WebError::Invalid { field, .. }
            | WebError::Conflict { field }
            | WebError::Taken { field, .. } => Some(field),
            WebError::Rule { field, .. } => field.as_deref(),
            WebError::Many(all) => all.first().and_then(WebError::field),
            _ => None,
        }
    }

    /// The message to show beside its field: as `message`, without the field's label.
    pub fn detail(&self, tr: &Tr) -> String {
        match self {
            WebError::Invalid { text, .. } => tr.text(text),
            other => other.message(tr),
        }
    }

    /// The message shown to people: names the field, says what to do; never internals.
    pub fn message(&self, tr: &Tr) -> String {
        let field_label = |f: &str| tr.t(&format!("field.{f}")).to_owned();
        match self {
            WebError::Invalid { field, text } => {
                format!("{}{}{}", field_label(field), tr.t("punct.colon"), tr.text(text))
            }
            WebError::Many(all) => {
                all.iter().map(|e| e.message(tr)).collect::<Vec<_>>().join(tr.t("punct.clause_sep"))
            }
            WebError::Rule { key, .. } | WebError::Taken { key, .. } => tr.t(key).to_owned(),
            WebError::BadRequest(detail) => format!("{}{}", tr.t("error.bad_request"), detail),
            WebError::Conflict { field } => {
                tr.f("error.conflict", &[("field", &field_label(field))])
            }
            WebError::Unauthenticated => tr.t("error.unauthenticated").to_owned(),
            WebError::Forbidden => tr.t("error.forbidden").to_owned(),
            WebError::Csrf => tr.t("error.csrf").to_owned(),
            WebError::NotFound => tr.t("error.not_found").to_owned(),
            WebError::TooLarge => tr.t("error.too_large").to_owned(),
            WebError::Throttled => tr.t("error.throttled").to_owned(),
            WebError::Unavailable(_) => tr.t("error.unavailable").to_owned(),
            WebError::StorageFull(_) => tr.t("error.storage_full").to_owned(),
            WebError::Internal(_) => tr.t("error.internal").to_owned(),
        }
    }
}

impl From<DomainError> for WebError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid { field, error } => WebError::invalid(field, error.text()),
            DomainError::Rule { field, key } => {
                WebError::Rule { field: field.map(str::to_owned), key }
            }
            DomainError::Many(all) => WebError::Many(all.into_iter().map(WebError::from).collect()),
        }
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => WebError::NotFound,
            StoreError::Conflict { field, .. } => WebError::Conflict { field },
            StoreError::Unavailable(m) => WebError::Unavailable(m),
            StoreError::StorageFull(m) => WebError::StorageFull(m),
            StoreError::Refused(e) => WebError::from(e),
            StoreError::Config(m) | StoreError::Other(m) => WebError::Internal(m),
        }
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        WebError::Internal(format!("template: {e}"))
    }
}

/// The error travels in the response's extensions; the `render` middleware, which knows the
/// path and the language, writes the body.
impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let mut r = self.status().into_response();
        r.extensions_mut().insert(self);
        r
    }
}
