//! Form posts without JavaScript: the server's handlers run the use case and
//! either redirect (success) or render the same page again with the errors
//! next to their fields and the values typed (never passwords or card numbers).

use crate::model::FieldErrors;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormFeedback {
    /// Which form on the page failed, e.g. `checkout`.
    pub form: String,
    pub errors: FieldErrors,
    /// A problem with the whole form (out of stock, card declined…).
    pub message: Option<String>,
    /// The values as typed, to fill the form again.
    pub values: Vec<(String, String)>,
}

impl FormFeedback {
    pub fn value(&self, field: &str) -> Option<String> {
        self.values
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, value)| value.clone())
    }

    pub fn error(&self, field: &str) -> Option<String> {
        self.errors.get(field).map(str::to_string)
    }
}

/// Fields whose values are never sent back into a page.
pub const SECRET_FIELDS: &[&str] = &["password", "card_number", "card_cvc"];
