//! Vitrine's domain: the types that server, pages and viewer share, and the
//! rules that act on them. Plain Rust with no I/O, so it compiles to both the
//! server and the browser and its rules are unit-tested natively.
//!
//! Storage sits behind the traits in [`store`]; the server supplies the
//! SQL implementations, the pages reach them only through server functions.

pub mod address;
pub mod back_office;
pub mod cart;
pub mod clickstream;
pub mod customer;
pub mod email;
pub mod form;
pub mod merchandising;
pub mod model_desk;
pub mod money;
pub mod order;
pub mod order_desk;
pub mod payment;
pub mod pricing;
pub mod product;
pub mod quantity;
pub mod search;
pub mod shop;
pub mod sku;
pub mod slug;
pub mod store;
pub mod throttle;
pub mod time;
pub mod viewer;

pub use address::ShippingAddress;
pub use customer::Customer;
pub use email::Email;
pub use form::FieldErrors;
pub use money::{Currency, Money};
pub use order::{OrderDetail, OrderStatus, OrderSummary};
pub use product::{Availability, Category, ProductDetail, ProductImage, ProductSummary, Variant};
pub use quantity::Quantity;
pub use search::SearchQuery;
pub use sku::Sku;
pub use slug::Slug;
