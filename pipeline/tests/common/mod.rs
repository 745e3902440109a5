//! What the pipeline's test binaries share.

use std::path::Path;

/// Every sample model in the repository: the demo catalog's and the test
/// fixtures', as (file name, bytes), by name.
pub fn models() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in [
        root.join("../seed/models"),
        root.join("tests/fixtures/models"),
    ] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "glb") {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                out.push((name, std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}
