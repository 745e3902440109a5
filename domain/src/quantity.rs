//! How many of one variant a cart line or order line holds.

use serde::{Deserialize, Serialize};
use std::fmt;

/// 1 to [`Quantity::MAX`] units: parsed once, trusted afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct Quantity(u32);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuantityError {
    #[error("the quantity must be at least 1")]
    Zero,
    #[error("at most {} of one item per order", Quantity::MAX)]
    TooMany,
    #[error("the quantity must be a whole number")]
    NotANumber,
}

impl Quantity {
    /// Most units of one variant in one cart or order.
    pub const MAX: u32 = 10;
    pub const ONE: Quantity = Quantity(1);

    pub fn new(n: u32) -> Result<Self, QuantityError> {
        match n {
            0 => Err(QuantityError::Zero),
            n if n > Self::MAX => Err(QuantityError::TooMany),
            n => Ok(Self(n)),
        }
    }

    /// Parses form input such as " 3 ".
    pub fn parse(raw: &str) -> Result<Self, QuantityError> {
        let n: i64 = raw.trim().parse().map_err(|_| QuantityError::NotANumber)?;
        if n < 1 {
            return Err(QuantityError::Zero);
        }
        Self::new(u32::try_from(n).map_err(|_| QuantityError::TooMany)?)
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for Quantity {
    type Error = QuantityError;
    fn try_from(n: u32) -> Result<Self, Self::Error> {
        Self::new(n)
    }
}

impl From<Quantity> for u32 {
    fn from(q: Quantity) -> u32 {
        q.0
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_one_to_max() {
        assert_eq!(Quantity::new(1).unwrap().get(), 1);
        assert_eq!(Quantity::new(Quantity::MAX).unwrap().get(), Quantity::MAX);
    }

    #[test]
    fn rejects_zero_negative_huge_and_junk() {
        assert_eq!(Quantity::new(0), Err(QuantityError::Zero));
        assert_eq!(Quantity::parse("-3"), Err(QuantityError::Zero));
        assert_eq!(Quantity::parse("11"), Err(QuantityError::TooMany));
        assert_eq!(
            Quantity::parse("99999999999999"),
            Err(QuantityError::TooMany)
        );
        assert_eq!(Quantity::parse("2.5"), Err(QuantityError::NotANumber));
        assert_eq!(Quantity::parse(" 4 "), Ok(Quantity(4)));
    }

    #[test]
    fn deserialising_validates() {
        assert!(serde_json::from_str::<Quantity>("0").is_err());
        assert_eq!(serde_json::from_str::<Quantity>("3").unwrap().get(), 3);
    }
}
