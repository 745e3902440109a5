//! HTTP handlers: health checks, the JSON API, form posts, static files.

pub mod admin_forms;
pub mod admin_media;
pub mod admin_pages;
pub mod api;
pub mod api_admin;
pub mod api_shop;
pub mod forms;
pub mod health;
pub mod static_files;
pub mod uploads;
