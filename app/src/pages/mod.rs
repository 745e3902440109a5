//! One file per route.

mod account;
mod admin;
mod cart;
mod category;
pub(crate) mod checkout;
mod home;
mod not_found;
mod order;
mod product;
mod search;

pub use account::{AccountPage, LoginPage, RegisterPage};
pub use admin::{
    AdminAuditPage, AdminDashboardPage, AdminModelPage, AdminNewProductPage, AdminOrderPage,
    AdminOrdersPage, AdminProductPage, AdminProductsPage, AdminStaffPage,
};
pub use cart::CartPage;
pub use category::CategoryPage;
pub use checkout::CheckoutPage;
pub use home::HomePage;
pub use not_found::NotFound;
pub use order::OrderPage;
pub use product::ProductPage;
pub use search::SearchPage;
