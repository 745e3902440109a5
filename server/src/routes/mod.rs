//! HTTP routes outside the Leptos pages.

pub mod api;
pub mod health;
pub mod static_files;
