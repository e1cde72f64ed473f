//! Relief applications (惠企政策): rent reduction (减免租金) for premises, and other support
//! measures, applied for by an enterprise and approved or rejected by the command.

use serde::Deserialize;

use crate::error::{DomainError, OnField};
use crate::validate::{parse_choice, parse_int, required_text};

code_enum!(
    /// Rent reduction, or another measure.
    ReliefKind, "relief.kind.", [
        Rent => "rent",
        Other => "other",
    ]
);

code_enum!(
    /// Who lets the premises: the district's state-owned companies waive rent in full.
    Landlord, "relief.landlord.", [
        StateOwned => "state_owned",
        Other => "other",
    ]
);

code_enum!(
    /// Where an application stands.
    ReliefStatus, "relief.status.", [
        Submitted => "submitted",
        Approved => "approved",
        Rejected => "rejected",
    ]
);

pub const KEY_REJECT_REASON: &str = "error.relief_reject_reason";
pub const KEY_DECIDED: &str = "error.relief_decided";

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReliefInput {
    #[serde(default)]
    pub enterprise_id: String,
    #[serde(default)]
    pub kind: String,
    /// Rent: the premises.
    #[serde(default)]
    pub property: String,
    #[serde(default)]
    pub landlord: String,
    #[serde(default)]
    pub months: String,
    /// Rent: yuan a month.
    #[serde(default)]
    pub monthly_rent: String,
    /// Other: the measure applied for, and the amount (yuan).
    #[serde(default)]
    pub measure: String,
    #[serde(default)]
    pub amount: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRelief {
    pub enterprise_id: i64,
    pub kind: ReliefKind,
    pub property: Option<String>,
    pub landlord: Option<Landlord>,
    pub months: Option<i64>,
    pub monthly_rent: Option<i64>,
    pub measure: Option<String>,
    /// Yuan: for rent, months × monthly rent.
    pub amount: i64,
}

pub fn validate_relief(i: &ReliefInput) -> Result<NewRelief, DomainError> {
    let enterprise_id = parse_int(&i.enterprise_id, 1, i64::MAX, "1").on("enterprise_id")?;
    let kind = parse_choice(&i.kind, ReliefKind::parse, "rent").on("kind")?;
    Ok(match kind {
        ReliefKind::Rent => {
            let months = parse_int(&i.months, 1, 12, "3").on("months")?;
            let monthly_rent =
                parse_int(&i.monthly_rent, 1, 100_000_000, "20000").on("monthly_rent")?;
            NewRelief {
                enterprise_id,
                kind,
                property: Some(required_text(&i.property, 100).on("property")?),
                landlord: Some(
                    parse_choice(&i.landlord, Landlord::parse, "state_owned").on("landlord")?,
                ),
                months: Some(months),
                monthly_rent: Some(monthly_rent),
                measure: None,
                amount: months * monthly_rent,
            }
        }
        ReliefKind::Other => NewRelief {
            enterprise_id,
            kind,
            property: None,
            landlord: None,
            months: None,
            monthly_rent: None,
            measure: Some(required_text(&i.measure, 200).on("measure")?),
            amount: parse_int(&i.amount, 0, 1_000_000_000, "50000").on("amount")?,
        },
    })
}

/// The decision: rejecting needs a reason.
/// submitted → approved or rejected, once: a decided application is not decided again.
pub fn next(status: ReliefStatus, to: ReliefStatus) -> Result<(), DomainError> {
    use ReliefStatus::*;
    match (status, to) {
        (Submitted, Approved | Rejected) => Ok(()),
        _ => Err(DomainError::Rule { field: None, key: KEY_DECIDED }),
    }
}

pub fn validate_decision(
    decision: &str,
    note: &str,
) -> Result<(ReliefStatus, Option<String>), DomainError> {
    let status = match decision {
        "approve" => ReliefStatus::Approved,
        "reject" => ReliefStatus::Rejected,
        _ => return Err(crate::validate::Invalid::BadFormat { hint: "approve" }).on("decision"),
    };
    let note = crate::validate::optional_text(note, 500).on("note")?;
    if status == ReliefStatus::Rejected && note.is_none() {
        return Err(DomainError::Rule { field: Some("note"), key: KEY_REJECT_REASON });
    }
    Ok((status, note))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_application_is_decided_once() {
        use ReliefStatus::*;
        assert!(next(Submitted, Approved).is_ok());
        assert!(next(Submitted, Rejected).is_ok());
        for (from, to) in [(Approved, Rejected), (Rejected, Approved), (Approved, Approved)] {
            assert_eq!(
                next(from, to),
                Err(DomainError::Rule { field: None, key: KEY_DECIDED }),
                "{from} → {to}"
            );
        }
        assert!(next(Submitted, Submitted).is_err());
    }

    #[test]
    fn rent_relief_is_months_times_rent_and_rejection_needs_a_reason() {
        let rent = ReliefInput {
            enterprise_id: "1".into(),
            kind: "rent".into(),
            property: "龙岗区某工业园 3 栋".into(),
            landlord: "state_owned".into(),
            months: "3".into(),
            monthly_rent: "25000".into(),
            ..Default::default()
        };
        assert_eq!(validate_relief(&rent).unwrap().amount, 75_000);
        let too_long = ReliefInput { months: "13".into(), ..rent.clone() };
        assert_eq!(validate_relief(&too_long).unwrap_err().field(), Some("months"));
        let other = ReliefInput {
            kind: "other".into(),
            measure: "稳岗补贴".into(),
            amount: "50000".into(),
            ..Default::default()
        };
        assert_eq!(
            validate_relief(&ReliefInput { enterprise_id: "1".into(), ..other }).unwrap().amount,
            50_000
        );
        assert_eq!(validate_decision("reject", " ").unwrap_err().field(), Some("note"));
        assert_eq!(validate_decision("approve", "").unwrap(), (ReliefStatus::Approved, None));
        assert_eq!(validate_decision("maybe", "").unwrap_err().field(), Some("decision"));
    }
}
