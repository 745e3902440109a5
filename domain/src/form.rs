//! Field-level validation errors: what a form shows next to each field and
//! what the API returns as `{"error": …, "fields": {…}}`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The form field's name, e.g. `email`.
    pub field: String,
    /// What is wrong, for a person to read.
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn one(field: &str, message: impl ToString) -> Self {
        let mut errors = Self::default();
        errors.add(field, message);
        errors
    }

    pub fn add(&mut self, field: &str, message: impl ToString) {
        self.0.push(FieldError {
            field: field.to_string(),
            message: message.to_string(),
        });
    }

    /// Records the error of a parse, if any, and returns the value if it parsed.
    pub fn check<T, E: ToString>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.add(field, e);
                None
            }
        }
    }

    /// The first message for `field`.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// One sentence listing every problem, for logs and API summaries.
    pub fn summary(&self) -> String {
        self.0
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// A required, trimmed, single-line text field of at most `max` characters.
pub fn required_text(raw: &str, label: &str, max: usize) -> Result<String, String> {
    let value = optional_text(raw, label, max)?;
    if value.is_empty() {
        return Err(format!("enter {label}"));
    }
    Ok(value)
}

/// A trimmed, single-line text field of at most `max` characters (may be empty).
pub fn optional_text(raw: &str, label: &str, max: usize) -> Result<String, String> {
    let value = raw.trim();
    if value.chars().count() > max {
        return Err(format!("{label} can be at most {max} characters"));
    }
    if value.chars().any(char::is_control) {
        return Err(format!("{label} cannot contain control characters"));
    }
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_fields_are_trimmed_bounded_and_single_line() {
        assert_eq!(required_text("  Ada ", "your name", 10), Ok("Ada".into()));
        assert_eq!(
            required_text("   ", "your name", 10),
            Err("enter your name".into())
        );
        assert!(required_text("a".repeat(11).as_str(), "your name", 10).is_err());
        assert!(optional_text("a\nb", "the city", 10).is_err());
        assert_eq!(optional_text("", "line 2", 10), Ok(String::new()));
    }

    #[test]
    fn errors_are_found_by_field() {
        let mut errors = FieldErrors::default();
        assert_eq!(errors.check("n", "4".parse::<u8>()), Some(4));
        assert_eq!(errors.check("m", "x".parse::<u8>()), None);
        assert_eq!(errors.get("m"), Some("invalid digit found in string"));
        assert_eq!(errors.get("n"), None);
        assert!(!errors.is_empty());
    }
}
