//! Nullable coded columns (a test's result, a stay's outcome, a finding's rectification): read as text and decoded into
//! their core enum with the row, so that an unknown stored value is an error, never a default.
//! (`#[sqlx(try_from = "String")]` does this for the columns that are never NULL.)

use yizhan_core::command::rectification::{Severity, Status};
use yizhan_core::error::UnknownCode;
use yizhan_core::station::sampling::TestResult;
use yizhan_core::station::stay::Outcome;
use yizhan_core::work::relief::Landlord;
use yizhan_core::work::resumption::Decision;

/// The text of a nullable coded column, before it is decoded.
#[derive(sqlx::Type)]
#[sqlx(transparent)]
pub struct NullableCode(Option<String>);

macro_rules! nullable_code {
    ($($t:ty),+ $(,)?) => {$(
        impl TryFrom<NullableCode> for Option<$t> {
            type Error = UnknownCode;
            fn try_from(c: NullableCode) -> Result<Self, UnknownCode> {
                c.0.map(<$t>::try_from).transpose()
            }
        }
    )+};
}

nullable_code!(TestResult, Outcome, Severity, Status, Decision, Landlord);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_is_none_a_code_is_its_value_anything_else_an_error() {
        let read =
            |s: Option<&str>| Option::<TestResult>::try_from(NullableCode(s.map(Into::into)));
        assert_eq!(read(None).unwrap(), None);
        assert_eq!(read(Some("positive")).unwrap(), Some(TestResult::Positive));
        assert_eq!(read(Some("invalid")).unwrap(), Some(TestResult::Invalid));
        let e = read(Some("maybe")).unwrap_err();
        assert_eq!((e.kind, e.code.as_str()), ("TestResult", "maybe"));
        let out = |s: &str| Option::<Outcome>::try_from(NullableCode(Some(s.into())));
        assert_eq!(out("released").unwrap(), Some(Outcome::Released));
        assert!(out("").is_err());
    }
}
