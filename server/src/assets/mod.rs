//! 3D assets: stored under content-addressed, immutable keys and served
//! with year-long cache headers (locally under `/assets`, a CDN in production).

pub mod local;

pub use local::LocalAssetStore;
