//! The viewer's decisions, in plain Rust with no Bevy, so they are unit-tested
//! natively in seconds. The Bevy plugins in `vitrine-viewer` only apply them.

pub mod lod;
pub mod material_variants;
pub mod orbit;

pub use lod::{Next, Stream, View, finest_needed};
pub use material_variants::MaterialVariants;
pub use orbit::{Orbit, ViewKey};
