//! The domain layer's error type, and the error of decoding a stored code.

use crate::validate::Invalid;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A field's value is malformed.
    #[error("{field}: {error}")]
    Invalid { field: &'static str, error: Invalid },
    /// A business rule refused the request; `key` is a message key in the locale files.
    #[error("{key}")]
    Rule { field: Option<&'static str>, key: &'static str },
    /// Several fields refused at once: a form says everything that is wrong in one answer, not
    /// one error per submit. Never empty, never nested (see [`Refusals`]).
    #[error("{} fields refused", .0.len())]
    Many(Vec<DomainError>),
}

impl DomainError {
    /// The field refused (the first one of several).
    pub fn field(&self) -> Option<&'static str> {
        match self {
            DomainError::Invalid { field, .. } => Some(field),
            DomainError::Rule { field, .. } => *field,
            DomainError::Many(all) => all.first().and_then(DomainError::field),
        }
    }

    /// Each refusal on its own (one for a single error).
    pub fn each(&self) -> Vec<&DomainError> {
        match self {
            DomainError::Many(all) => all.iter().collect(),
            one => vec![one],
        }
    }
}

/// Collects a form's refusals so that validation goes on past the first one.
#[derive(Debug, Default)]
pub struct Refusals(Vec<DomainError>);

impl Refusals {
    /// The value if it was accepted; else the refusal is kept and `None` given.
    pub fn check<T>(&mut self, r: Result<T, DomainError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.refuse(e);
                None
            }
        }
    }

    pub fn refuse(&mut self, e: DomainError) {
        match e {
            DomainError::Many(all) => self.0.extend(all),
            one => self.0.push(one),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Nothing refused, one refusal, or all of them.
    pub fn finish(mut self) -> Result<(), DomainError> {
        match self.0.len() {
            0 => Ok(()),
            1 => Err(self.0.remove(0)),
            _ => Err(DomainError::Many(self.0)),
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

/// A stored code that its enum does not know (a row written by a newer version, or edited by
/// hand): reading the row fails rather than guessing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} code {code:?} in the database")]
pub struct UnknownCode {
    pub kind: &'static str,
    pub code: String,
}

/// A coded value that may be absent, kept in JSON as its code or as "" (the format of a published
/// notice's frozen content): decoded when read, so an unknown code is an error there too.
pub mod code_or_empty {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::UnknownCode;

    pub fn serialize<S: Serializer, T: std::fmt::Display>(
        v: &Option<T>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(code) => s.collect_str(code),
            None => s.serialize_str(""),
        }
    }

    pub fn deserialize<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: TryFrom<String, Error = UnknownCode>,
    {
        let s = String::deserialize(d)?;
        if s.is_empty() {
            return Ok(None);
        }
        T::try_from(s).map(Some).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::UnknownCode;
    use crate::command::task_group::TaskStatus;
    use crate::station::room::RoomState;

    #[test]
    fn a_stored_code_decodes_to_its_variant_and_an_unknown_one_is_an_error() {
        assert_eq!(
            RoomState::try_from("awaiting_disinfection".to_owned()),
            Ok(RoomState::AwaitingDisinfection)
        );
        assert_eq!(
            RoomState::try_from("Maintenance".to_owned()),
            Err(UnknownCode { kind: "RoomState", code: "Maintenance".into() })
        );
        assert_eq!(TaskStatus::try_from("open".to_owned()), Ok(TaskStatus::Open));
        let e = TaskStatus::try_from(String::new()).unwrap_err();
        assert_eq!(e.to_string(), "unknown TaskStatus code \"\" in the database");
    }
}
