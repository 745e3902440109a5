//! Vitrine's 3D asset pipeline: [`inspect`] decides whether an uploaded file
//! is a GLB the pipeline can work with, and describes it; [`build_ladder`]
//! turns it into levels of detail for the viewer to stream coarse-first;
//! [`render_poster`] draws a JPEG of the model as the viewer first frames it,
//! for the page to show until the 3D view is ready; [`check_photo`] and
//! [`fit_poster`] read the photos merchandisers upload.
//! Everything here works on bytes in memory; callers do the I/O.

pub mod inspect;
pub mod ladder;
pub mod photo;
pub mod poster;

pub use inspect::{IngestError, Limits, ModelReport, inspect};
pub use ladder::{DEFAULT_LADDER, Level, LevelSpec, build_ladder, manifest, pack_glb};
pub use photo::{Photo, PhotoError, PhotoFormat, check_photo, fit_poster};
pub use poster::{PosterSpec, render_poster};
