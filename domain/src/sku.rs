//! Stock-keeping units: the merchant's code for one variant.

use serde::{Deserialize, Serialize};
use std::fmt;

/// 1-64 characters of `A-Z`, `0-9`, `-`, `_`, `.`; stored upper-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Sku(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SkuError {
    #[error("a SKU cannot be empty")]
    Empty,
    #[error("a SKU can be at most 64 characters")]
    TooLong,
    #[error("a SKU may contain only letters, digits, '-', '_' and '.'")]
    InvalidCharacters,
}

impl Sku {
    pub fn parse(raw: &str) -> Result<Self, SkuError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(SkuError::Empty);
        }
        if raw.len() > 64 {
            return Err(SkuError::TooLong);
        }
        if !raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        {
            return Err(SkuError::InvalidCharacters);
        }
        Ok(Self(raw.to_ascii_uppercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Sku {
    type Error = SkuError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Sku::parse(&value)
    }
}

impl From<Sku> for String {
    fn from(sku: Sku) -> String {
        sku.0
    }
}

impl fmt::Display for Sku {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_whitespace() {
        assert_eq!(
            Sku::parse(" sofa-glam_01.blue ").unwrap().as_str(),
            "SOFA-GLAM_01.BLUE"
        );
    }

    #[test]
    fn rejects_empty_long_and_odd_characters() {
        assert_eq!(Sku::parse(""), Err(SkuError::Empty));
        assert_eq!(Sku::parse(&"A".repeat(65)), Err(SkuError::TooLong));
        assert_eq!(Sku::parse("SOFA 1"), Err(SkuError::InvalidCharacters));
        assert_eq!(Sku::parse("<b>"), Err(SkuError::InvalidCharacters));
    }
}
