//! One file per route.

mod category;
mod home;
mod not_found;
mod product;
mod search;

pub use category::CategoryPage;
pub use home::HomePage;
pub use not_found::NotFound;
pub use product::ProductPage;
pub use search::SearchPage;
