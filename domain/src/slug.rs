//! URL slugs: parsed once at the edge, trusted everywhere after.

use serde::{Deserialize, Serialize};
use std::fmt;

pub const MAX_SLUG_LEN: usize = 80;

/// A product or category slug: 1-80 of `a-z`, `0-9` and single inner hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Slug(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SlugError {
    #[error("a slug cannot be empty")]
    Empty,
    #[error("a slug can be at most {MAX_SLUG_LEN} characters")]
    TooLong,
    #[error("a slug may contain only lowercase letters, digits and single hyphens between them")]
    InvalidCharacters,
}

impl Slug {
    pub fn parse(raw: &str) -> Result<Self, SlugError> {
        if raw.is_empty() {
            return Err(SlugError::Empty);
        }
        if raw.len() > MAX_SLUG_LEN {
            return Err(SlugError::TooLong);
        }
        let valid_chars = raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !valid_chars || raw.starts_with('-') || raw.ends_with('-') || raw.contains("--") {
            return Err(SlugError::InvalidCharacters);
        }
        Ok(Self(raw.to_string()))
    }

    /// Derives a slug from a title: "Glam Velvet Sofa" → "glam-velvet-sofa".
    pub fn from_title(title: &str) -> Result<Self, SlugError> {
        let mut slug = String::new();
        for c in title.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_alphanumeric() {
                slug.push(c);
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        // Only ASCII was pushed, so cutting at a byte index is safe.
        let cut = &slug[..slug.len().min(MAX_SLUG_LEN)];
        Self::parse(cut.trim_end_matches('-'))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Slug {
    type Error = SlugError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Slug::parse(&value)
    }
}

impl From<Slug> for String {
    fn from(slug: Slug) -> String {
        slug.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_simple_slugs() {
        assert_eq!(Slug::parse("sheen-chair").unwrap().as_str(), "sheen-chair");
        assert!(Slug::parse("a1").is_ok());
    }

    #[test]
    fn rejects_bad_slugs() {
        assert_eq!(Slug::parse(""), Err(SlugError::Empty));
        assert_eq!(Slug::parse("Sofa"), Err(SlugError::InvalidCharacters));
        assert_eq!(Slug::parse("-sofa"), Err(SlugError::InvalidCharacters));
        assert_eq!(Slug::parse("so--fa"), Err(SlugError::InvalidCharacters));
        assert_eq!(Slug::parse("<script>"), Err(SlugError::InvalidCharacters));
        assert_eq!(Slug::parse(&"a".repeat(81)), Err(SlugError::TooLong));
    }

    #[test]
    fn derives_from_titles() {
        assert_eq!(
            Slug::from_title("Glam Velvet Sofa").unwrap().as_str(),
            "glam-velvet-sofa"
        );
        assert_eq!(
            Slug::from_title("  Spec/Gloss vs. Metal ")
                .unwrap()
                .as_str(),
            "spec-gloss-vs-metal"
        );
        assert!(Slug::from_title("!!!").is_err());
    }
}
