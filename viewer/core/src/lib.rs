//! The viewer's decisions, in plain Rust with no Bevy, so they are unit-tested
//! natively in seconds. The Bevy plugins in `vitrine-viewer` only apply them.

pub mod orbit;

pub use orbit::Orbit;
