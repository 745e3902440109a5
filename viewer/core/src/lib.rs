//! The viewer's decisions, in plain Rust with no Bevy, so they are unit-tested
//! natively in seconds. The Bevy plugins in `vitrine-viewer` only apply them
//! (and the server's poster renderer shares the studio light).

pub mod glb;
pub mod lod;
pub mod material_variants;
pub mod orbit;
pub mod studio;
pub mod vector;

pub use lod::{Next, Stream, View, finest_needed};
pub use material_variants::MaterialVariants;
pub use orbit::{Orbit, ViewKey};
