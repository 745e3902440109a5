//! Vitrine's 3D asset pipeline. Today: [`inspect`], which decides whether an
//! uploaded file is a GLB the pipeline can work with, and describes it.
//! Everything here works on bytes in memory; callers do the I/O.

pub mod inspect;

pub use inspect::{IngestError, Limits, ModelReport, inspect};
