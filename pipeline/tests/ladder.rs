//! The LOD ladder built for every shared sample model: each level is a GLB
//! that passes the upload check, keeps the material variants, and is no
//! bigger and no finer than the one before.

use std::path::Path;
use vitrine_pipeline::{DEFAULT_LADDER, Limits, build_ladder, inspect, manifest};

mod common;
use common::models;

/// Runs the Khronos glTF validator (npm `gltf-validator`, installed by
/// `./x setup`) over a folder; `None` when it is not installed.
fn khronos_validator(dir: &Path) -> Option<std::process::Output> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    if !root.join("node_modules/gltf-validator").exists() {
        if std::env::var("VITRINE_REQUIRE_NODE_TOOLS").as_deref() == Ok("1") {
            panic!("node_modules/gltf-validator is missing: run ./x setup");
        }
        eprintln!(
            "\n*** SKIPPING the Khronos validator: node_modules/gltf-validator is missing (./x setup installs it) ***\n"
        );
        return None;
    }
    let script = root.join("pipeline/tests/validate-gltf.mjs");
    Some(
        std::process::Command::new("node")
            .arg(script)
            .arg(dir)
            .output()
            .expect("node runs"),
    )
}

#[test]
fn every_sample_gets_a_ladder_that_falls_level_by_level() {
    let written = tempfile::tempdir().unwrap();
    let models = models();
    assert_eq!(models.len(), 11);
    for (name, bytes) in models {
        let original = inspect(&bytes, &Limits::default()).unwrap();
        let started = std::time::Instant::now();
        let levels =
            build_ladder(&bytes, &DEFAULT_LADDER).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(levels.len(), DEFAULT_LADDER.len());
        assert_eq!(
            levels[0].triangles, original.triangles,
            "{name}: level 0 keeps every triangle"
        );
        let mut line = format!(
            "{name:<28} {:>9} B {:>7} tris |",
            bytes.len(),
            original.triangles
        );
        for pair in levels.windows(2) {
            assert!(
                pair[1].triangles <= pair[0].triangles,
                "{name}: triangles fall"
            );
            assert!(
                pair[1].glb.len() <= pair[0].glb.len() + 1024,
                "{name}: bytes fall"
            );
            assert!(
                pair[1].max_texture_edge <= pair[0].max_texture_edge,
                "{name}: textures shrink"
            );
            assert!(
                pair[1].geometric_error >= pair[0].geometric_error,
                "{name}: error accumulates"
            );
        }
        for (i, level) in levels.iter().enumerate() {
            let stem = name.trim_end_matches(".glb");
            std::fs::write(
                written.path().join(format!("{stem}.lod{i}.glb")),
                &level.glb,
            )
            .unwrap();
        }
        for level in &levels {
            let report = inspect(&level.glb, &Limits::default()).unwrap();
            assert_eq!(
                report.material_variants, original.material_variants,
                "{name}: variants kept"
            );
            assert_eq!(
                report.materials, original.materials,
                "{name}: materials kept"
            );
            // The page's quick look reads every level too (it shows the coarsest).
            let quick = vitrine_viewer_core::glb::read(&level.glb)
                .unwrap_or_else(|e| panic!("{name}: the quick look cannot read a level: {e}"));
            // Each mesh once (the quick look draws every instance of it).
            let mut meshes = std::collections::BTreeMap::new();
            for draw in &quick.draws {
                meshes.insert((draw.mesh, draw.primitive), draw.indices.len() as u64 / 3);
            }
            let quick_triangles: u64 = meshes.values().sum();
            assert_eq!(
                quick_triangles, level.triangles,
                "{name}: quick-look triangles"
            );
            line += &format!(
                " {:>8} B {:>6} t {:>4}px |",
                level.glb.len(),
                level.triangles,
                level.max_texture_edge
            );
        }
        let files: Vec<String> = (0..levels.len()).map(|i| format!("lod{i}.glb")).collect();
        let manifest = manifest(&levels, &files).unwrap();
        assert_eq!(manifest.levels.len(), levels.len());
        assert_eq!(manifest.material_variants, original.material_variants);
        for axis in 0..3 {
            assert!(
                manifest.bounds_min[axis] < manifest.bounds_max[axis],
                "{name}: bounds {manifest:?}"
            );
        }
        // The coarsest level, what shoppers see first: about its target
        // (a share of the original, never under the floor that keeps the
        // shape recognisable), and small beside a big original.
        let coarsest = levels.last().unwrap();
        let target = DEFAULT_LADDER[3].target_triangles(original.triangles);
        assert!(
            coarsest.triangles * 2 >= target && coarsest.triangles <= target * 2,
            "{name}: the coarsest level has {} triangles for a target of {target}",
            coarsest.triangles
        );
        if original.triangles >= 20_000 {
            assert!(
                coarsest.triangles * 10 < original.triangles,
                "{name}: the coarsest level is much lighter"
            );
        }
        if bytes.len() > 2_000_000 {
            assert!(
                coarsest.glb.len() * 20 <= bytes.len(),
                "{name}: the coarsest level is {} bytes, over 5 % of the original",
                coarsest.glb.len()
            );
        }
        println!("{line} {:.2}s", started.elapsed().as_secs_f32());
    }
    // Every level of every model passes the Khronos validator with no error.
    if let Some(output) = khronos_validator(written.path()) {
        let said = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "the Khronos validator found errors:\n{said}"
        );
        assert_eq!(said.lines().count(), 44, "{said}");
    }
}

/// Bevy refuses files that require extensions it lacks: levels require no
/// material extension (the clear-coat sample's source requires one), but
/// still use it.
#[test]
fn levels_require_no_material_extensions() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models/ClearCoatCarPaint.glb");
    let source = std::fs::read(path).unwrap();
    let json_of = |glb: &[u8]| -> serde_json::Value {
        let length = u32::from_le_bytes(glb[12..16].try_into().unwrap()) as usize;
        serde_json::from_slice(&glb[20..20 + length]).unwrap()
    };
    assert!(
        json_of(&source)["extensionsRequired"]
            .to_string()
            .contains("KHR_materials_clearcoat")
    );
    for level in build_ladder(&source, &DEFAULT_LADDER).unwrap() {
        let json = json_of(&level.glb);
        assert_eq!(
            json["extensionsRequired"],
            serde_json::json!(["KHR_texture_transform"])
        );
        assert!(
            json["extensionsUsed"]
                .to_string()
                .contains("KHR_materials_clearcoat")
        );
    }
}
