//! The domain layer's one error type.

use crate::validate::Invalid;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A field's value is malformed.
    #[error("{field}: {error}")]
    Invalid { field: &'static str, error: Invalid },
    /// A business rule refused the request; `key` is a message key in the locale files.
    #[error("{key}")]
    Rule {
        field: Option<&'static str>,
        key: &'static str,
    },
}

impl DomainError {
    pub fn field(&self) -> Option<&'static str> {
        match self {
            DomainError::Invalid { field, .. } => Some(field),
            DomainError::Rule { field, .. } => *field,
        }
    }
}

/// Attaches a field name to a validator's error.
pub trait OnField<T> {
    fn on(self, field: &'static str) -> Result<T, DomainError>;
}

impl<T> OnField<T> for Result<T, Invalid> {
    fn on(self, field: &'static str) -> Result<T, DomainError> {
        self.map_err(|error| DomainError::Invalid { field, error })
    }
}
