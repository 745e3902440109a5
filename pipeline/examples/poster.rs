//! Renders a GLB's poster and prints how long it took; `--png` also writes
//! the picture as a PNG next to the JPEG (for tools that only show PNG).
//!
//!     cargo run --release -p vitrine-pipeline --example poster -- [--png] IN.glb OUT.jpg [SIZE]

use std::time::Instant;
use vitrine_pipeline::{PosterSpec, render_poster};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let png = args.first().is_some_and(|a| a == "--png");
    if png {
        args.remove(0);
    }
    let (Some(input), Some(output)) = (args.first(), args.get(1)) else {
        eprintln!("usage: poster [--png] IN.glb OUT.jpg [SIZE]");
        std::process::exit(2);
    };
    let size = args.get(2).map_or(PosterSpec::DEFAULT.width, |s| {
        s.parse().unwrap_or_else(|e| panic!("SIZE {s}: {e}"))
    });
    let spec = PosterSpec {
        width: size,
        height: size,
        ..PosterSpec::DEFAULT
    };
    let glb = std::fs::read(input).unwrap_or_else(|e| panic!("{input}: {e}"));
    let started = Instant::now();
    let jpeg = render_poster(&glb, &spec).unwrap_or_else(|e| {
        eprintln!("{input}: {e}");
        std::process::exit(1);
    });
    let elapsed = started.elapsed();
    std::fs::write(output, &jpeg).unwrap_or_else(|e| panic!("{output}: {e}"));
    if png {
        let path = std::path::Path::new(output).with_extension("png");
        image::load_from_memory(&jpeg)
            .and_then(|picture| picture.save(&path))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    println!(
        "{input}: {size}×{size} in {:.0} ms, {} bytes",
        elapsed.as_secs_f64() * 1000.0,
        jpeg.len()
    );
}
