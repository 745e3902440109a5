//! Pieces the pages share.

mod canonical;
mod form_field;
mod layout;
mod model_uploader;
mod product_card;
mod product_grid;
mod product_viewer;
mod quantity_picker;

pub use canonical::{Canonical, PublicUrl};
pub use form_field::{Field, FormAlert};
pub use layout::{SiteFooter, SiteHeader};
pub use model_uploader::ModelUploader;
pub use product_card::ProductCard;
pub use product_grid::ProductGrid;
pub use product_viewer::ProductViewer;
#[cfg(feature = "hydrate")]
pub use product_viewer::after_quick_look;
pub use quantity_picker::QuantityPicker;
