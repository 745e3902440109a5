//! HTTP routes outside the Leptos pages.

pub mod health;
pub mod static_files;
