//! Builds the default LOD ladder for each GLB named on the command line and
//! prints one JSON line per model: its size, each level's bytes, triangles
//! and texture edge, and how long the ladder took. Used by
//! `bench/lod-ladder.sh`; `--out DIR` also writes the levels.
//!
//!     cargo run --release -p vitrine-pipeline --example ladder -- [--out DIR] FILE...

use std::time::Instant;
use vitrine_pipeline::{DEFAULT_LADDER, build_ladder};

fn main() {
    let mut args = std::env::args().skip(1).peekable();
    let mut out = None;
    if args.peek().map(String::as_str) == Some("--out") {
        args.next();
        out = args.next();
    }
    for file in args {
        let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
        let started = Instant::now();
        let levels =
            build_ladder(&bytes, &DEFAULT_LADDER).unwrap_or_else(|e| panic!("{file}: {e}"));
        let seconds = started.elapsed().as_secs_f64();
        let name = std::path::Path::new(&file)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if let Some(dir) = &out {
            for (i, level) in levels.iter().enumerate() {
                std::fs::write(format!("{dir}/{name}.lod{i}.glb"), &level.glb).unwrap();
            }
        }
        let levels: Vec<_> = levels
            .iter()
            .zip(DEFAULT_LADDER)
            .map(|(level, spec)| {
                serde_json::json!({
                    "ratio": spec.triangle_ratio,
                    "min_triangles": spec.min_triangles,
                    "bytes": level.glb.len(),
                    "triangles": level.triangles,
                    "texture_edge": level.max_texture_edge,
                    "error": level.geometric_error,
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::json!({"model": name, "bytes": bytes.len(), "seconds": seconds, "levels": levels})
        );
    }
}
