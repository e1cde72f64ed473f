//! Difficulty tickets (企业困难诉求): an enterprise reports what holds it back — labour, transport,
//! raw materials, other — the command routes it to a department, and the department resolves it;
//! the time to resolve is kept.

use serde::Deserialize;

use crate::error::{DomainError, OnField};
use crate::validate::{parse_choice, required_text};

code_enum!(
    /// What kind of difficulty (seed: 用工紧张、运输不便、原材料短缺).
    Category, "difficulty.category.", [
        Labour => "labour",
        Transport => "transport",
        Materials => "materials",
        Other => "other",
    ]
);

code_enum!(
    /// Where a ticket stands.
    TicketStatus, "difficulty.status.", [
        Open => "open",
        Routed => "routed",
        Resolved => "resolved",
    ]
);

pub const KEY_WRONG_STEP: &str = "error.difficulty_wrong_step";

#[derive(Debug, Clone, Default, Deserialize)]
pub struct TicketInput {
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTicket {
    pub category: Category,
    pub description: String,
}

pub fn validate_ticket(i: &TicketInput) -> Result<NewTicket, DomainError> {
    Ok(NewTicket {
        category: parse_choice(&i.category, Category::parse, "labour").on("category")?,
        description: required_text(&i.description, 1000).on("description")?,
    })
}

/// open → routed (to a department) → resolved (with the resolution); a routed ticket may be
/// routed again to another department.
pub fn next(status: TicketStatus, to: TicketStatus) -> Result<(), DomainError> {
    use TicketStatus::*;
    match (status, to) {
        (Open | Routed, Routed) | (Routed, Resolved) => Ok(()),
        _ => Err(DomainError::Rule { field: None, key: KEY_WRONG_STEP }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_are_routed_before_they_are_resolved() {
        use TicketStatus::*;
        assert!(next(Open, Routed).is_ok());
        assert!(next(Routed, Routed).is_ok());
        assert!(next(Routed, Resolved).is_ok());
        assert!(next(Open, Resolved).is_err());
        assert!(next(Resolved, Routed).is_err());
        assert_eq!(
            validate_ticket(&TicketInput { category: "materials".into(), description: " ".into() })
                .unwrap_err()
                .field(),
            Some("description")
        );
        assert_eq!(
            validate_ticket(&TicketInput { category: "luck".into(), description: "x".into() })
                .unwrap_err()
                .field(),
            Some("category")
        );
    }
}
