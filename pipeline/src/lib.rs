//! Vitrine's 3D asset pipeline: [`inspect`] decides whether an uploaded file
//! is a GLB the pipeline can work with, and describes it; [`build_ladder`]
//! turns it into levels of detail for the viewer to stream coarse-first.
//! Everything here works on bytes in memory; callers do the I/O.

pub mod inspect;
pub mod ladder;

pub use inspect::{IngestError, Limits, ModelReport, inspect};
pub use ladder::{DEFAULT_LADDER, Level, LevelSpec, build_ladder, manifest, pack_glb};
