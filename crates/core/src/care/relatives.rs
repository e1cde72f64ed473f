//! The triangle of station, guest and relatives (三角沟通): a log of contacts, and relatives'
//! deliveries (亲友送物) that are received, disinfected and only then delivered to the room.

use serde::Deserialize;

use crate::error::{DomainError, OnField};
use crate::validate::{optional_text, parse_choice, parse_int, required_text};

code_enum!(
    /// How the contact happened.
    Channel, "relatives.channel.", [
        Phone => "phone",
        Wechat => "wechat",
        Video => "video",
        InPerson => "in_person",
        Other => "other",
    ]
);

code_enum!(
    /// Who called whom.
    Direction, "relatives.direction.", [
        Incoming => "incoming",
        Outgoing => "outgoing",
    ]
);

code_enum!(
    /// Where a delivery stands.
    DeliveryStatus, "deliveries.status.", [
        Received => "received",
        Disinfected => "disinfected",
        Delivered => "delivered",
        Refused => "refused",
    ]
);

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ContactInput {
    #[serde(default)]
    pub stay_id: String,
    #[serde(default)]
    pub relative_name: String,
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub direction: String,
    #[serde(default)]
    pub topic: String,
    #[serde(default)]
    pub outcome: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewContact {
    pub stay_id: i64,
    pub relative_name: String,
    pub channel: Channel,
    pub direction: Direction,
    pub topic: String,
    pub outcome: Option<String>,
}

pub fn validate_contact(i: &ContactInput) -> Result<NewContact, DomainError> {
    Ok(NewContact {
        stay_id: parse_int(&i.stay_id, 1, i64::MAX, "1").on("stay_id")?,
        relative_name: required_text(&i.relative_name, 30).on("relative_name")?,
        channel: parse_choice(&i.channel, Channel::parse, "phone").on("channel")?,
        direction: parse_choice(&i.direction, Direction::parse, "incoming").on("direction")?,
        topic: required_text(&i.topic, 100).on("topic")?,
        outcome: optional_text(&i.outcome, 500).on("contact_outcome")?,
    })
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct DeliveryInput {
    #[serde(default)]
    pub stay_id: String,
    #[serde(default)]
    pub sender: String,
    #[serde(default)]
    pub item: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDelivery {
    pub stay_id: i64,
    pub sender: String,
    pub item: String,
}

pub fn validate_delivery(i: &DeliveryInput) -> Result<NewDelivery, DomainError> {
    Ok(NewDelivery {
        stay_id: parse_int(&i.stay_id, 1, i64::MAX, "1").on("stay_id")?,
        sender: required_text(&i.sender, 30).on("sender")?,
        item: required_text(&i.item, 100).on("item")?,
    })
}

pub const KEY_DISINFECT_FIRST: &str = "error.delivery_disinfect_first";
pub const KEY_DELIVERY_CLOSED: &str = "error.delivery_closed";
pub const KEY_DELIVERY_STEP: &str = "error.delivery_step";
pub const KEY_REFUSAL_REASON: &str = "error.delivery_refusal_reason";
pub const RULE_KEYS: &[&str] =
    &[KEY_DISINFECT_FIRST, KEY_DELIVERY_CLOSED, KEY_DELIVERY_STEP, KEY_REFUSAL_REASON];

/// received → disinfected → delivered; refused (with a reason) from either open step.
pub fn check_delivery_step(
    from: DeliveryStatus,
    to: DeliveryStatus,
    note: Option<&str>,
) -> Result<(), DomainError> {
    use DeliveryStatus::*;
    let rule = |key| DomainError::Rule { field: Some("status"), key };
    match (from, to) {
        (Delivered | Refused, _) => Err(rule(KEY_DELIVERY_CLOSED)),
        (Received, Disinfected) | (Disinfected, Delivered) => Ok(()),
        (Received, Delivered) => Err(rule(KEY_DISINFECT_FIRST)),
        (Received | Disinfected, Refused) if note.is_some_and(|n| !n.trim().is_empty()) => Ok(()),
        (Received | Disinfected, Refused) => {
            Err(DomainError::Rule { field: Some("note"), key: KEY_REFUSAL_REASON })
        }
        _ => Err(rule(KEY_DELIVERY_STEP)),
    }
}

#[cfg(test)]
mod tests {
    use super::DeliveryStatus::*;
    use super::*;

    #[test]
    fn deliveries_are_disinfected_before_they_reach_a_room() {
        assert!(check_delivery_step(Received, Disinfected, None).is_ok());
        assert!(check_delivery_step(Disinfected, Delivered, None).is_ok());
        assert!(check_delivery_step(Received, Refused, Some("违禁物品")).is_ok());
        let key = |r: Result<(), DomainError>| match r.unwrap_err() {
            DomainError::Rule { key, .. } => key,
            e => panic!("{e:?}"),
        };
        assert_eq!(key(check_delivery_step(Received, Delivered, None)), KEY_DISINFECT_FIRST);
        assert_eq!(key(check_delivery_step(Delivered, Refused, Some("x"))), KEY_DELIVERY_CLOSED);
        assert_eq!(key(check_delivery_step(Refused, Disinfected, None)), KEY_DELIVERY_CLOSED);
        assert_eq!(key(check_delivery_step(Disinfected, Received, None)), KEY_DELIVERY_STEP);
        assert_eq!(key(check_delivery_step(Received, Refused, Some(" "))), KEY_REFUSAL_REASON);
    }

    #[test]
    fn contacts_and_deliveries_name_their_fields() {
        let good = ContactInput {
            stay_id: "3".into(),
            relative_name: "李女士".into(),
            channel: "phone".into(),
            direction: "incoming".into(),
            topic: "询问解除日期".into(),
            outcome: "已告知".into(),
        };
        assert_eq!(validate_contact(&good).unwrap().channel, Channel::Phone);
        for (bad, field) in [
            (ContactInput { stay_id: String::new(), ..good.clone() }, "stay_id"),
            (ContactInput { relative_name: String::new(), ..good.clone() }, "relative_name"),
            (ContactInput { channel: "fax".into(), ..good.clone() }, "channel"),
            (ContactInput { direction: "up".into(), ..good.clone() }, "direction"),
            (ContactInput { topic: String::new(), ..good.clone() }, "topic"),
        ] {
            assert_eq!(validate_contact(&bad).unwrap_err().field(), Some(field));
        }
        let d = DeliveryInput {
            stay_id: "3".into(),
            sender: "李女士".into(),
            item: "降压药一盒".into(),
        };
        assert_eq!(validate_delivery(&d).unwrap().item, "降压药一盒");
        assert_eq!(
            validate_delivery(&DeliveryInput { item: String::new(), ..d }).unwrap_err().field(),
            Some("item")
        );
    }
}
