//! Server functions: the pages' only way to the stores. Each runs on the
//! server; in the browser it is an HTTP call with the same signature.

mod admin;
mod catalog;
mod shop;

pub use admin::*;
pub use catalog::*;
pub use shop::*;
