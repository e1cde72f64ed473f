//! A refused form: every refused field listed once at the top, each a link to its field, and said
//! again beside the field, so that one submit shows all there is to correct.

use crate::error::WebError;
use crate::i18n::Tr;

/// One refused field (or a refusal of the whole form, with no field).
pub struct RefusedField {
    pub field: String,
    /// With the field's label, for the list at the top.
    pub message: String,
    /// Without it, for beside the field.
    pub detail: String,
}

#[derive(Default)]
pub struct Refused {
    items: Vec<RefusedField>,
    /// The list's heading: how many to correct.
    pub heading: String,
}

impl Refused {
    pub fn of(e: Option<&WebError>, tr: &Tr) -> Refused {
        let Some(e) = e else {
            return Refused::default();
        };
        let items: Vec<RefusedField> = e
            .each()
            .into_iter()
            .map(|one| RefusedField {
                field: one.field().unwrap_or_default().to_owned(),
                message: one.message(tr),
                detail: one.detail(tr),
            })
            .collect();
        let heading = tr.f("form.refused", &[("n", &items.len().to_string())]);
        Refused { items, heading }
    }

    /// A list made by the page itself (refusals that are not one field each).
    pub fn new(heading: String, items: Vec<RefusedField>) -> Refused {
        Refused { items, heading }
    }

    pub fn items(&self) -> &[RefusedField] {
        &self.items
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// What is wrong with `field`, if anything (the first refusal of it).
    pub fn on(&self, field: &str) -> Option<&str> {
        self.items.iter().find(|i| i.field == field).map(|i| i.detail.as_str())
    }
}
