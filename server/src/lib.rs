//! The Vitrine server: configuration, start-up, HTTP routes and the
//! storage adapters behind the domain's store traits.

pub mod assets;
pub mod aws;
pub mod clickstream;
pub mod config;
pub mod create_admin;
pub mod cross_origin;
pub mod healthcheck;
pub mod import;
pub mod models;
pub mod observability;
pub mod outbox;
pub mod page_cache;
pub mod passwords;
pub mod routes;
pub mod seed;
pub mod site;
pub mod startup;
pub mod store;
pub mod telemetry;
