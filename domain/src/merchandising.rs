//! What merchandisers change: products, their variants and stock. The forms'
//! raw text is checked here, field by field, before anything is written; the
//! store only has to refuse what needs the database to know (a slug or SKU
//! already taken).

use crate::form::{FieldErrors, optional_text, required_text};
use crate::money::{Currency, Money};
use crate::{Sku, Slug};
use serde::{Deserialize, Serialize};

/// The highest price a variant may have (a typo guard: 1,000,000.00).
pub const MAX_PRICE_MINOR: i64 = 100_000_000;
/// The most one stock adjustment may move (a typo guard).
pub const MAX_STOCK_CHANGE: i64 = 1_000_000;

/// A product's own fields, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductDraft {
    pub slug: Slug,
    pub title: String,
    pub description: String,
    /// A category's slug.
    pub category: Option<Slug>,
    pub published: bool,
}

/// A variant's fields, checked (its stock is set when it is added, then only
/// moved by adjustments).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantDraft {
    pub sku: Sku,
    pub name: String,
    pub options: Vec<(String, String)>,
    pub price: Money,
    pub material_variant: Option<String>,
}

/// Reads a form field by name ("" when absent).
pub trait Fields {
    fn text(&self, name: &str) -> &str;
}

impl Fields for std::collections::HashMap<String, String> {
    fn text(&self, name: &str) -> &str {
        self.get(name).map_or("", String::as_str)
    }
}

impl ProductDraft {
    /// `title`, `slug` (made from the title when left empty), `description`,
    /// `category` (a slug or empty), `published` (a checkbox: present = on).
    pub fn parse(form: &impl Fields) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let title = errors.check("title", required_text(form.text("title"), "a title", 200));
        let typed_slug = form.text("slug").trim();
        let slug_source = if typed_slug.is_empty() {
            title.as_deref().map(slug_from_title).unwrap_or_default()
        } else {
            typed_slug.to_string()
        };
        let slug = errors.check("slug", Slug::parse(&slug_source));
        let description = form.text("description").trim().replace("\r\n", "\n");
        if description.chars().count() > 5_000 {
            errors.add(
                "description",
                "a description can be at most 5,000 characters",
            );
        }
        let category = match form.text("category").trim() {
            "" => None,
            raw => errors.check("category", Slug::parse(raw)),
        };
        let published = !form.text("published").is_empty();
        match (title, slug) {
            (Some(title), Some(slug)) if errors.is_empty() => Ok(ProductDraft {
                slug,
                title,
                description,
                category,
                published,
            }),
            _ => Err(errors),
        }
    }
}

impl VariantDraft {
    /// `sku`, `name`, `options` (`Colour: Red; Size: M`), `price` (`129.99`),
    /// `currency` (USD, EUR, GBP), `material_variant` (empty: none).
    pub fn parse(form: &impl Fields) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let sku = errors.check("sku", Sku::parse(form.text("sku")));
        let name = errors.check(
            "name",
            required_text(form.text("name"), "a variant name", 100),
        );
        let options = errors.check("options", parse_options(form.text("options")));
        let currency = errors.check("currency", Currency::parse(form.text("currency")));
        let price =
            currency.and_then(|c| errors.check("price", parse_price(form.text("price"), c)));
        let material_variant = errors.check(
            "material_variant",
            optional_text(
                form.text("material_variant"),
                "the 3D material variant",
                100,
            ),
        );
        match (sku, name, options, price, material_variant) {
            (Some(sku), Some(name), Some(options), Some(price), Some(material))
                if errors.is_empty() =>
            {
                Ok(VariantDraft {
                    sku,
                    name,
                    options,
                    price,
                    material_variant: Some(material).filter(|m| !m.is_empty()),
                })
            }
            _ => Err(errors),
        }
    }
}

/// "Glam Velvet Sofa!" → "glam-velvet-sofa".
pub fn slug_from_title(title: &str) -> String {
    let mut slug = String::new();
    for c in title.trim().to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    slug.chars()
        .take(crate::slug::MAX_SLUG_LEN)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

/// A price as people type it: `129`, `129.9`, `1,299.00`; never negative,
/// at most two decimals and at most [`MAX_PRICE_MINOR`].
pub fn parse_price(raw: &str, currency: Currency) -> Result<Money, String> {
    let cleaned: String = raw.trim().chars().filter(|c| *c != ',').collect();
    let cleaned = cleaned.trim_start_matches(currency.symbol());
    if cleaned.is_empty() {
        return Err("enter a price".into());
    }
    if cleaned.starts_with('-') {
        return Err("a price cannot be negative".into());
    }
    let (units, cents) = match cleaned.split_once('.') {
        Some((units, cents)) => (units, cents),
        None => (cleaned, ""),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(units) || units.is_empty() && digits(cents)) || !(cents.is_empty() || digits(cents))
    {
        return Err(format!("{raw:?} is not a price: write it like 129.99"));
    }
    if cents.len() > 2 {
        return Err("a price has at most two decimals".into());
    }
    let units: i64 = if units.is_empty() {
        0
    } else {
        units
            .parse()
            .map_err(|_| "that price is too large".to_string())?
    };
    let cents: i64 = format!("{cents:0<2}").parse().unwrap_or(0);
    let minor = units
        .checked_mul(100)
        .and_then(|u| u.checked_add(cents))
        .filter(|m| *m <= MAX_PRICE_MINOR)
        .ok_or_else(|| "that price is too large".to_string())?;
    Ok(Money::new(minor, currency))
}

/// `Colour: Red; Size: M` → `[("Colour", "Red"), ("Size", "M")]`.
pub fn parse_options(raw: &str) -> Result<Vec<(String, String)>, String> {
    let mut options = Vec::new();
    for part in raw.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((name, value)) = part.split_once(':') else {
            return Err(format!(
                "write options as \"Name: value; Name: value\" ({part:?} has no ':')"
            ));
        };
        let (name, value) = (name.trim(), value.trim());
        if name.is_empty() || value.is_empty() {
            return Err(format!("{part:?} needs both a name and a value"));
        }
        if name.chars().count() > 40 || value.chars().count() > 80 {
            return Err("option names are at most 40 characters, values 80".into());
        }
        if options
            .iter()
            .any(|(n, _): &(String, String)| n.eq_ignore_ascii_case(name))
        {
            return Err(format!("the option {name:?} is given twice"));
        }
        options.push((name.to_string(), value.to_string()));
    }
    if options.len() > 5 {
        return Err("a variant has at most 5 options".into());
    }
    Ok(options)
}

/// Options back to the text a form shows.
pub fn options_text(options: &[(String, String)]) -> String {
    options
        .iter()
        .map(|(n, v)| format!("{n}: {v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Why stock moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StockReason {
    /// A delivery came in.
    Received,
    /// A count found a different number.
    Counted,
    /// Broken or lost.
    Damaged,
    /// A customer sent it back.
    Returned,
    /// Fixing an earlier mistake.
    Correction,
}

impl StockReason {
    pub const ALL: [StockReason; 5] = [
        StockReason::Received,
        StockReason::Counted,
        StockReason::Damaged,
        StockReason::Returned,
        StockReason::Correction,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StockReason::Received => "received",
            StockReason::Counted => "counted",
            StockReason::Damaged => "damaged",
            StockReason::Returned => "returned",
            StockReason::Correction => "correction",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StockReason::Received => "Delivery received",
            StockReason::Counted => "Stock count",
            StockReason::Damaged => "Damaged or lost",
            StockReason::Returned => "Customer return",
            StockReason::Correction => "Correction",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == raw.trim())
    }
}

/// A checked stock adjustment: `change` (e.g. `+12`, `-3`), `reason`, `note`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockAdjustment {
    pub change: i64,
    pub reason: StockReason,
    pub note: String,
}

impl StockAdjustment {
    pub fn parse(form: &impl Fields) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let raw = form.text("change").trim().replace('−', "-");
        let change = match raw.trim_start_matches('+').parse::<i64>() {
            Ok(0) => {
                errors.add(
                    "change",
                    "enter how many to add (e.g. 12) or take away (e.g. -3)",
                );
                None
            }
            Ok(n) if n.abs() > MAX_STOCK_CHANGE => {
                errors.add("change", "that is more than one adjustment may move");
                None
            }
            Ok(n) => Some(n),
            Err(_) => {
                errors.add("change", "enter a whole number, e.g. 12 or -3");
                None
            }
        };
        let reason = StockReason::parse(form.text("reason"));
        if reason.is_none() {
            errors.add("reason", "choose why the stock changes");
        }
        let note = errors.check("note", optional_text(form.text("note"), "a note", 200));
        match (change, reason, note) {
            (Some(change), Some(reason), Some(note)) if errors.is_empty() => Ok(StockAdjustment {
                change,
                reason,
                note,
            }),
            _ => Err(errors),
        }
    }

    /// The stock after this adjustment, unless it would go below zero.
    pub fn apply(&self, on_hand: i64) -> Result<i64, String> {
        let after = on_hand + self.change;
        if after < 0 {
            return Err(format!(
                "only {on_hand} in stock: cannot take away {}",
                -self.change
            ));
        }
        Ok(after)
    }
}

/// A product as the edit page shows it (published or not).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EditableProduct {
    pub slug: Slug,
    pub title: String,
    pub description: String,
    pub category: Option<Slug>,
    pub published: bool,
    pub variants: Vec<crate::product::Variant>,
    /// Its 3D model's files in the asset store, if it has one.
    pub model: Option<crate::store::ProductModel>,
    /// The still shown until the 3D view's first frame.
    pub model_poster_url: Option<String>,
    /// Its photos, in the order the product page shows them.
    pub images: Vec<EditableImage>,
    /// The latest stock movements of its variants, newest first.
    pub stock_log: Vec<StockMovement>,
}

/// A product photo in the editor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditableImage {
    pub id: i64,
    pub url: String,
    pub alt: String,
}

/// The longest alt text a photo may have.
pub const MAX_ALT_TEXT: usize = 300;

/// What a merchandiser does to one photo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageEdit {
    /// New alt text (empty: the photo is decorative).
    Describe(String),
    MoveEarlier,
    MoveLater,
    Remove,
}

impl ImageEdit {
    /// Reads the photo form: `action` is `describe` (with `alt`), `earlier`,
    /// `later` or `remove`.
    pub fn parse(form: &impl Fields) -> Result<Self, FieldErrors> {
        match form.text("action") {
            "describe" => alt_text(form.text("alt")).map(Self::Describe),
            "earlier" => Ok(Self::MoveEarlier),
            "later" => Ok(Self::MoveLater),
            "remove" => Ok(Self::Remove),
            _ => Err(FieldErrors::one(
                "action",
                "choose what to do with the photo",
            )),
        }
    }

    /// The audit log's wording.
    pub fn describe(&self) -> &'static str {
        match self {
            Self::Describe(_) => "changed a photo's description",
            Self::MoveEarlier => "moved a photo earlier",
            Self::MoveLater => "moved a photo later",
            Self::Remove => "removed a photo",
        }
    }
}

/// Alt text as typed: trimmed, one line, at most [`MAX_ALT_TEXT`] characters.
pub fn alt_text(raw: &str) -> Result<String, FieldErrors> {
    let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() > MAX_ALT_TEXT {
        return Err(FieldErrors::one(
            "alt",
            format!("keep the description under {MAX_ALT_TEXT} characters"),
        ));
    }
    Ok(text)
}

/// The photos' order after moving `id` one place (`earlier` or later);
/// `None` when it cannot move (first, last, or not one of them).
pub fn move_image(order: &[i64], id: i64, earlier: bool) -> Option<Vec<i64>> {
    let at = order.iter().position(|i| *i == id)?;
    let to = if earlier {
        at.checked_sub(1)?
    } else {
        Some(at + 1).filter(|to| *to < order.len())?
    };
    let mut moved = order.to_vec();
    moved.swap(at, to);
    Some(moved)
}

/// One recorded change of a variant's stock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockMovement {
    pub sku: String,
    pub change: i64,
    pub after: i64,
    /// A [`StockReason`], or `order`/`cancel` for stock orders took and gave back.
    pub reason: String,
    pub note: String,
    pub actor_email: String,
    pub at: i64,
}

/// Why a change was not saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// Fix these fields (e.g. the slug or SKU is taken): nothing was saved.
    #[error("{}", .0.summary())]
    Refused(FieldErrors),
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn photos_move_one_place_within_the_list() {
        assert_eq!(move_image(&[1, 2, 3], 2, true), Some(vec![2, 1, 3]));
        assert_eq!(move_image(&[1, 2, 3], 2, false), Some(vec![1, 3, 2]));
        assert_eq!(move_image(&[1, 2, 3], 1, true), None);
        assert_eq!(move_image(&[1, 2, 3], 3, false), None);
        assert_eq!(move_image(&[1, 2, 3], 9, true), None);
    }

    #[test]
    fn photo_forms_read_their_action() {
        let edit = ImageEdit::parse(&form(&[("action", "describe"), ("alt", "  Red\n chair ")]));
        assert_eq!(edit, Ok(ImageEdit::Describe("Red chair".into())));
        assert_eq!(
            ImageEdit::parse(&form(&[("action", "remove")])),
            Ok(ImageEdit::Remove)
        );
        assert!(ImageEdit::parse(&form(&[("action", "rotate")])).is_err());
        let long = "x".repeat(MAX_ALT_TEXT + 1);
        assert!(ImageEdit::parse(&form(&[("action", "describe"), ("alt", &long)])).is_err());
    }

    fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_product_gets_its_slug_from_its_title() {
        let draft = ProductDraft::parse(&form(&[
            ("title", "  Glam Velvet Sofa! "),
            ("description", "Soft.\r\nDeep."),
            ("category", "furniture"),
            ("published", "on"),
        ]))
        .unwrap();
        assert_eq!(draft.slug.as_str(), "glam-velvet-sofa");
        assert_eq!(draft.title, "Glam Velvet Sofa!");
        assert_eq!(draft.description, "Soft.\nDeep.");
        assert!(draft.published);
        assert_eq!(slug_from_title("Ça va -- très bien"), "a-va-tr-s-bien");
    }

    #[test]
    fn a_bad_product_form_names_every_wrong_field() {
        let errors = ProductDraft::parse(&form(&[
            ("title", ""),
            ("slug", "Bad Slug"),
            ("category", "X"),
        ]))
        .unwrap_err();
        assert!(errors.get("title").is_some());
        assert!(errors.get("slug").is_some());
        assert!(errors.get("category").is_some());
        assert!(
            !ProductDraft::parse(&form(&[("title", "Lamp")]))
                .unwrap()
                .published
        );
    }

    #[test]
    fn prices_read_as_people_type_them() {
        let usd = |raw| parse_price(raw, Currency::Usd).map(|m| m.amount_minor);
        assert_eq!(usd("129"), Ok(12_900));
        assert_eq!(usd("129.9"), Ok(12_990));
        assert_eq!(usd("1,299.00"), Ok(129_900));
        assert_eq!(usd("$5.05"), Ok(505));
        assert_eq!(usd(".5"), Ok(50));
        assert_eq!(usd("0"), Ok(0));
        for bad in [
            "",
            "-1",
            "12.345",
            "abc",
            "1.2.3",
            "99999999999999999999",
            "2000000",
        ] {
            assert!(usd(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn options_are_name_value_pairs() {
        assert_eq!(
            parse_options("Colour: Red; Size : M ;").unwrap(),
            vec![("Colour".into(), "Red".into()), ("Size".into(), "M".into())]
        );
        assert_eq!(parse_options("").unwrap(), vec![]);
        assert!(parse_options("Red").is_err());
        assert!(parse_options("Colour: Red; colour: Blue").is_err());
        assert_eq!(
            options_text(&parse_options("A: 1; B: 2").unwrap()),
            "A: 1; B: 2"
        );
    }

    #[test]
    fn a_variant_form_is_checked_field_by_field() {
        let draft = VariantDraft::parse(&form(&[
            ("sku", "lamp-red"),
            ("name", "Red"),
            ("options", "Colour: Red"),
            ("price", "49.50"),
            ("currency", "USD"),
            ("material_variant", ""),
        ]))
        .unwrap();
        assert_eq!(draft.sku.as_str(), "LAMP-RED");
        assert_eq!(draft.price.amount_minor, 4_950);
        assert_eq!(draft.material_variant, None);
        let errors = VariantDraft::parse(&form(&[
            ("sku", "bad sku"),
            ("price", "-3"),
            ("currency", "USD"),
        ]))
        .unwrap_err();
        assert!(errors.get("sku").is_some() && errors.get("name").is_some());
        assert_eq!(errors.get("price"), Some("a price cannot be negative"));
    }

    #[test]
    fn stock_adjustments_never_go_below_zero() {
        let adjust =
            StockAdjustment::parse(&form(&[("change", "−3"), ("reason", "damaged")])).unwrap();
        assert_eq!(adjust.change, -3);
        assert_eq!(adjust.apply(5), Ok(2));
        assert!(adjust.apply(2).unwrap_err().contains("only 2 in stock"));
        let plus =
            StockAdjustment::parse(&form(&[("change", "+12"), ("reason", "received")])).unwrap();
        assert_eq!(plus.apply(0), Ok(12));
        let errors =
            StockAdjustment::parse(&form(&[("change", "0"), ("reason", "bogus")])).unwrap_err();
        assert!(errors.get("change").is_some() && errors.get("reason").is_some());
    }
}
