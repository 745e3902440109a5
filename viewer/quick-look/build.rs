//! Prefilters the studio light at build time: `Studio::new()` integrates
//! half a million samples, tens of milliseconds of a phone's main thread
//! that would come before the quick look's first frame. The page gets the
//! finished table, the same numbers the viewer and the poster use.

use std::fmt::Write;
use vitrine_viewer_core::studio::Studio;

fn main() {
    let rows = Studio::new().exposed_rgba_rows();
    let mut source = format!(
        "/// `Studio::new().exposed_rgba_rows()`, made by build.rs.\npub static STUDIO_RGBA: [f32; {}] = [\n",
        rows.len()
    );
    for value in &rows {
        // `{:?}` prints the shortest text that reads back as the same f32.
        let _ = writeln!(source, "    {value:?},");
    }
    source.push_str("];\n");
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("studio_table.rs"), source).expect("OUT_DIR is writable");
    println!("cargo::rerun-if-changed=build.rs");
}
