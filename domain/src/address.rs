//! Where an order ships: validated once, stored with the order.

use crate::form::{FieldErrors, optional_text, required_text};
use serde::{Deserialize, Serialize};

/// Countries the store ships to (ISO 3166-1 alpha-2), with their names.
pub const SHIPPING_COUNTRIES: &[(&str, &str)] = &[
    ("US", "United States"),
    ("CA", "Canada"),
    ("GB", "United Kingdom"),
    ("IE", "Ireland"),
    ("FR", "France"),
    ("DE", "Germany"),
    ("NL", "Netherlands"),
    ("ES", "Spain"),
    ("IT", "Italy"),
    ("AU", "Australia"),
];

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShippingAddress {
    pub name: String,
    pub line1: String,
    #[serde(default)]
    pub line2: String,
    pub city: String,
    #[serde(default)]
    pub region: String,
    pub postal_code: String,
    /// ISO 3166-1 alpha-2, e.g. `US`.
    pub country: String,
}

impl ShippingAddress {
    /// Checks every field, trimming and normalising; errors are keyed by
    /// field name (`name`, `line1`, …) so a form can show them in place.
    pub fn parse(raw: &ShippingAddress) -> Result<ShippingAddress, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = errors.check(
            "name",
            required_text(&raw.name, "the recipient's name", 100),
        );
        let line1 = errors.check(
            "line1",
            required_text(&raw.line1, "the street address", 200),
        );
        let line2 = errors.check("line2", optional_text(&raw.line2, "address line 2", 200));
        let city = errors.check("city", required_text(&raw.city, "the city", 100));
        let region = errors.check(
            "region",
            optional_text(&raw.region, "the state or region", 100),
        );
        let postal_code = errors.check("postal_code", postal_code(&raw.postal_code));
        let country = errors.check("country", country(&raw.country));
        match (name, line1, line2, city, region, postal_code, country) {
            (
                Some(name),
                Some(line1),
                Some(line2),
                Some(city),
                Some(region),
                Some(postal_code),
                Some(country),
            ) if errors.is_empty() => Ok(ShippingAddress {
                name,
                line1,
                line2,
                city,
                region,
                postal_code,
                country,
            }),
            _ => Err(errors),
        }
    }

    pub fn country_name(&self) -> &str {
        SHIPPING_COUNTRIES
            .iter()
            .find(|(code, _)| *code == self.country)
            .map_or(self.country.as_str(), |(_, name)| name)
    }
}

fn postal_code(raw: &str) -> Result<String, String> {
    let value = required_text(raw, "the postal code", 12)?;
    if !value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
    {
        return Err("a postal code has only letters, digits, spaces and dashes".into());
    }
    Ok(value.to_ascii_uppercase())
}

fn country(raw: &str) -> Result<String, String> {
    let code = raw.trim().to_ascii_uppercase();
    if code.is_empty() {
        return Err("choose the country".into());
    }
    SHIPPING_COUNTRIES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(c, _)| c.to_string())
        .ok_or_else(|| "we do not ship to that country yet".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw() -> ShippingAddress {
        ShippingAddress {
            name: " Ada Lovelace ".into(),
            line1: "12 St James's Square".into(),
            line2: String::new(),
            city: "London".into(),
            region: String::new(),
            postal_code: "sw1y 4jh".into(),
            country: "gb".into(),
        }
    }

    #[test]
    fn a_good_address_is_normalised() {
        let address = ShippingAddress::parse(&raw()).unwrap();
        assert_eq!(address.name, "Ada Lovelace");
        assert_eq!(address.postal_code, "SW1Y 4JH");
        assert_eq!(address.country, "GB");
        assert_eq!(address.country_name(), "United Kingdom");
    }

    #[test]
    fn every_bad_field_is_reported_by_name() {
        let bad = ShippingAddress {
            name: String::new(),
            city: "x".repeat(101),
            postal_code: "<script>".into(),
            country: "ZZ".into(),
            ..raw()
        };
        let errors = ShippingAddress::parse(&bad).unwrap_err();
        assert_eq!(errors.get("name"), Some("enter the recipient's name"));
        assert!(errors.get("city").unwrap().contains("at most 100"));
        assert!(errors.get("postal_code").is_some());
        assert_eq!(
            errors.get("country"),
            Some("we do not ship to that country yet")
        );
        assert_eq!(errors.get("line1"), None);
    }
}
