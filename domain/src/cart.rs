//! Cart rules: quantities checked against stock, and the merge of an
//! anonymous cart into the customer's when they log in.

use crate::Quantity;
use serde::{Deserialize, Serialize};

pub type VariantId = i64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    pub variant_id: VariantId,
    pub quantity: Quantity,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cart {
    pub lines: Vec<CartLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CartError {
    #[error("this item is out of stock")]
    OutOfStock,
    #[error("only {available} left in stock")]
    NotEnoughStock { available: u32 },
    #[error("at most {} of one item per order", Quantity::MAX)]
    TooMany,
}

/// What a merge changed so the shopper can be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MergeAdjustment {
    /// The combined quantity was capped (by stock or the per-item limit).
    Reduced { variant_id: VariantId, to: Quantity },
    /// Nothing is left in stock: the line was dropped.
    Removed { variant_id: VariantId },
}

impl Cart {
    pub fn quantity_of(&self, variant_id: VariantId) -> u32 {
        self.lines
            .iter()
            .find(|l| l.variant_id == variant_id)
            .map_or(0, |l| l.quantity.get())
    }

    /// Adds `quantity` to the line for `variant_id`, refusing to exceed
    /// `in_stock` or the per-item limit. Returns the line's new quantity.
    pub fn add(
        &mut self,
        variant_id: VariantId,
        quantity: Quantity,
        in_stock: i64,
    ) -> Result<Quantity, CartError> {
        let wanted = self.quantity_of(variant_id) + quantity.get();
        self.set(variant_id, wanted, in_stock)
    }

    /// Sets the line's quantity (0 removes it), checked against stock.
    pub fn set(
        &mut self,
        variant_id: VariantId,
        wanted: u32,
        in_stock: i64,
    ) -> Result<Quantity, CartError> {
        if wanted == 0 {
            self.remove(variant_id);
            return Ok(Quantity::ONE);
        }
        let available = u32::try_from(in_stock.max(0)).unwrap_or(u32::MAX);
        if available == 0 {
            return Err(CartError::OutOfStock);
        }
        if wanted > available {
            return Err(CartError::NotEnoughStock { available });
        }
        let quantity = Quantity::new(wanted).map_err(|_| CartError::TooMany)?;
        match self.lines.iter_mut().find(|l| l.variant_id == variant_id) {
            Some(line) => line.quantity = quantity,
            None => self.lines.push(CartLine {
                variant_id,
                quantity,
            }),
        }
        Ok(quantity)
    }

    /// The cart's contents as one canonical string (lines sorted), to tell
    /// whether an idempotent checkout retry is for the same cart.
    pub fn fingerprint(&self) -> String {
        let mut lines: Vec<_> = self
            .lines
            .iter()
            .map(|l| (l.variant_id, l.quantity.get()))
            .collect();
        lines.sort_unstable();
        lines
            .iter()
            .map(|(id, n)| format!("{id}x{n}"))
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn item_count(&self) -> u32 {
        self.lines.iter().map(|l| l.quantity.get()).sum()
    }

    pub fn remove(&mut self, variant_id: VariantId) {
        self.lines.retain(|l| l.variant_id != variant_id);
    }

    /// Merges `anonymous` into `self` (the customer's cart): quantities of the
    /// same variant add up, then every line is capped by current stock and the
    /// per-item limit. Lines with nothing in stock are dropped.
    pub fn merge(
        &mut self,
        anonymous: &Cart,
        in_stock: impl Fn(VariantId) -> i64,
    ) -> Vec<MergeAdjustment> {
        let mut wanted: Vec<(VariantId, u32)> = self
            .lines
            .iter()
            .map(|l| (l.variant_id, l.quantity.get()))
            .collect();
        for line in &anonymous.lines {
            match wanted.iter_mut().find(|(id, _)| *id == line.variant_id) {
                Some((_, n)) => *n += line.quantity.get(),
                None => wanted.push((line.variant_id, line.quantity.get())),
            }
        }
        let mut adjustments = Vec::new();
        self.lines.clear();
        for (variant_id, n) in wanted {
            let cap = u32::try_from(in_stock(variant_id).max(0))
                .unwrap_or(u32::MAX)
                .min(Quantity::MAX);
            let kept = n.min(cap);
            match Quantity::new(kept) {
                Err(_) => adjustments.push(MergeAdjustment::Removed { variant_id }),
                Ok(quantity) => {
                    if kept < n {
                        adjustments.push(MergeAdjustment::Reduced {
                            variant_id,
                            to: quantity,
                        });
                    }
                    self.lines.push(CartLine {
                        variant_id,
                        quantity,
                    });
                }
            }
        }
        adjustments
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: u32) -> Quantity {
        Quantity::new(n).unwrap()
    }

    #[test]
    fn adding_accumulates_and_respects_stock() {
        let mut cart = Cart::default();
        assert_eq!(cart.add(1, q(2), 5), Ok(q(2)));
        assert_eq!(cart.add(1, q(3), 5), Ok(q(5)));
        assert_eq!(
            cart.add(1, q(1), 5),
            Err(CartError::NotEnoughStock { available: 5 })
        );
        assert_eq!(cart.quantity_of(1), 5, "a refused add changes nothing");
        assert_eq!(cart.add(2, q(1), 0), Err(CartError::OutOfStock));
        assert_eq!(cart.add(3, q(10), 100), Ok(q(10)));
        assert_eq!(cart.add(3, q(1), 100), Err(CartError::TooMany));
    }

    #[test]
    fn setting_zero_removes_the_line() {
        let mut cart = Cart::default();
        cart.add(1, q(2), 5).unwrap();
        cart.set(1, 0, 5).unwrap();
        assert!(cart.lines.is_empty());
    }

    #[test]
    fn merge_adds_quantities_of_the_same_variant() {
        let mut customer = Cart::default();
        customer.add(1, q(1), 10).unwrap();
        let mut anonymous = Cart::default();
        anonymous.add(1, q(2), 10).unwrap();
        anonymous.add(2, q(1), 10).unwrap();
        let adjustments = customer.merge(&anonymous, |_| 10);
        assert!(adjustments.is_empty());
        assert_eq!(customer.quantity_of(1), 3);
        assert_eq!(customer.quantity_of(2), 1);
    }

    #[test]
    fn merge_caps_by_stock_and_limit_and_drops_sold_out_lines() {
        let mut customer = Cart::default();
        customer.add(1, q(4), 10).unwrap();
        customer.add(3, q(8), 100).unwrap();
        let mut anonymous = Cart::default();
        anonymous.add(1, q(4), 10).unwrap();
        anonymous.add(2, q(1), 10).unwrap();
        anonymous.add(3, q(8), 100).unwrap();
        let stock = |id| match id {
            1 => 6,
            2 => 0,
            _ => 100,
        };
        let adjustments = customer.merge(&anonymous, stock);
        assert_eq!(customer.quantity_of(1), 6);
        assert_eq!(customer.quantity_of(2), 0);
        assert_eq!(customer.quantity_of(3), Quantity::MAX);
        assert_eq!(
            adjustments,
            vec![
                MergeAdjustment::Reduced {
                    variant_id: 1,
                    to: q(6)
                },
                MergeAdjustment::Reduced {
                    variant_id: 3,
                    to: q(Quantity::MAX)
                },
                MergeAdjustment::Removed { variant_id: 2 },
            ]
        );
    }

    #[test]
    fn fingerprints_ignore_line_order() {
        let mut a = Cart::default();
        a.add(2, q(1), 10).unwrap();
        a.add(1, q(3), 10).unwrap();
        let mut b = Cart::default();
        b.add(1, q(3), 10).unwrap();
        b.add(2, q(1), 10).unwrap();
        assert_eq!(a.fingerprint(), "1x3,2x1");
        assert_eq!(a.fingerprint(), b.fingerprint());
        b.add(2, q(1), 10).unwrap();
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert_eq!(b.item_count(), 5);
    }

    #[test]
    fn merging_an_empty_cart_changes_nothing() {
        let mut customer = Cart::default();
        customer.add(1, q(2), 10).unwrap();
        let before = customer.clone();
        assert!(customer.merge(&Cart::default(), |_| 10).is_empty());
        assert_eq!(customer, before);
    }
}
