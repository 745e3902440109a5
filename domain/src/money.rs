//! Money in minor units (cents), never floats: prices are summed and
//! compared exactly, and formatted only at the edge.

use serde::{Deserialize, Serialize};
use std::fmt;

/// ISO 4217 currencies the store sells in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Currency {
    Usd,
    Eur,
    Gbp,
}

impl Currency {
    pub fn code(self) -> &'static str {
        match self {
            Currency::Usd => "USD",
            Currency::Eur => "EUR",
            Currency::Gbp => "GBP",
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Currency::Usd => "$",
            Currency::Eur => "€",
            Currency::Gbp => "£",
        }
    }

    pub fn parse(code: &str) -> Result<Self, UnknownCurrency> {
        match code.trim().to_ascii_uppercase().as_str() {
            "USD" => Ok(Currency::Usd),
            "EUR" => Ok(Currency::Eur),
            "GBP" => Ok(Currency::Gbp),
            _ => Err(UnknownCurrency(code.to_string())),
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown currency {0:?}: use USD, EUR or GBP")]
pub struct UnknownCurrency(pub String);

/// An amount of money: minor units (e.g. cents) of one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Money {
    pub amount_minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(amount_minor: i64, currency: Currency) -> Self {
        Self {
            amount_minor,
            currency,
        }
    }

    /// The amount as the decimal string schema.org and payment forms expect ("1299.00").
    pub fn decimal_string(&self) -> String {
        let sign = if self.amount_minor < 0 { "-" } else { "" };
        let abs = self.amount_minor.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl fmt::Display for Money {
    /// "$1,299.00": grouped thousands, two decimals.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.amount_minor < 0 { "-" } else { "" };
        let abs = self.amount_minor.unsigned_abs();
        let units = (abs / 100).to_string();
        let mut grouped = String::with_capacity(units.len() + units.len() / 3);
        for (i, digit) in units.chars().enumerate() {
            if i > 0 && (units.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        write!(
            f,
            "{sign}{}{grouped}.{:02}",
            self.currency.symbol(),
            abs % 100
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_grouping_and_two_decimals() {
        assert_eq!(Money::new(129_900, Currency::Usd).to_string(), "$1,299.00");
        assert_eq!(Money::new(5, Currency::Eur).to_string(), "€0.05");
        assert_eq!(
            Money::new(123_456_789, Currency::Gbp).to_string(),
            "£1,234,567.89"
        );
        assert_eq!(Money::new(-250, Currency::Usd).to_string(), "-$2.50");
    }

    #[test]
    fn decimal_string_is_plain() {
        assert_eq!(
            Money::new(129_900, Currency::Usd).decimal_string(),
            "1299.00"
        );
        assert_eq!(Money::new(7, Currency::Usd).decimal_string(), "0.07");
    }

    #[test]
    fn parses_currency_codes() {
        assert_eq!(Currency::parse(" usd "), Ok(Currency::Usd));
        assert!(Currency::parse("XYZ").is_err());
    }

    #[test]
    fn serialises_currency_as_iso_code() {
        let json = serde_json::to_string(&Money::new(100, Currency::Eur)).unwrap();
        assert_eq!(json, r#"{"amount_minor":100,"currency":"EUR"}"#);
    }
}
