//! `inspect` on every shared sample model (accepted, described as the
//! shared manifest says) and on broken files (refused, with the reason).

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use vitrine_pipeline::{IngestError, Limits, inspect, pack_glb};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A model by its file name: the demo catalog's copies, or the fixtures'.
fn model(name: &str) -> Option<Vec<u8>> {
    let seed = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../seed/models")
        .join(name);
    let fixture = fixtures().join("models").join(name);
    std::fs::read(seed).or_else(|_| std::fs::read(fixture)).ok()
}

fn check(bytes: &[u8]) -> Result<vitrine_pipeline::ModelReport, IngestError> {
    inspect(bytes, &Limits::default())
}

#[test]
fn every_shared_model_is_accepted_and_described_as_the_manifest_says() {
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(fixtures().join("manifest.json")).unwrap())
            .unwrap();
    let mut checked = 0;
    for entry in manifest["models"].as_array().unwrap() {
        let name = entry["file"]
            .as_str()
            .unwrap()
            .trim_start_matches("models/");
        let Some(bytes) = model(name) else {
            assert_eq!(
                name, "SpecGlossVsMetalRough.glb",
                "only this one is left out (15 MB)"
            );
            continue;
        };
        let report = check(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            report.triangles,
            entry["triangles"].as_u64().unwrap(),
            "{name} triangles"
        );
        assert_eq!(
            report.vertices,
            entry["vertices"].as_u64().unwrap(),
            "{name} vertices"
        );
        assert_eq!(
            report.primitives,
            entry["primitives"].as_u64().unwrap(),
            "{name} primitives"
        );
        assert_eq!(
            report.materials,
            entry["materials"].as_u64().unwrap(),
            "{name} materials"
        );
        assert_eq!(
            report.textures,
            entry["textures"].as_u64().unwrap(),
            "{name} textures"
        );
        let variants: Vec<String> = serde_json::from_value(entry["variants"].clone()).unwrap();
        assert_eq!(report.material_variants, variants, "{name} variants");
        checked += 1;
    }
    assert_eq!(checked, 11);
}

#[test]
fn the_shared_broken_files_are_refused_with_their_reason() {
    let bad =
        |name: &str| check(&std::fs::read(fixtures().join("bad").join(name)).unwrap()).unwrap_err();
    assert_eq!(
        bad("truncated-half.glb").to_string(),
        "the file is cut short: its header says 122024 bytes but it has 61012"
    );
    assert_eq!(
        bad("buffer-length-lie.glb").to_string(),
        "the file is inconsistent: buffer 0 claims 2147483648 bytes but the file holds 936"
    );
    assert_eq!(
        bad("not-a-glb.glb").to_string(),
        "this is not a GLB file (it does not start with the glTF signature): it looks like a JPEG image"
    );
}

// --- files made here, from the small box model -------------------------

/// The box model's JSON and binary chunk.
fn box_parts() -> (Value, Vec<u8>) {
    let bytes = model("BoxVertexColors.glb").unwrap();
    let json_len = u32::from_le_bytes(bytes[12..16].try_into().unwrap()) as usize;
    let json = serde_json::from_slice(&bytes[20..20 + json_len]).unwrap();
    let bin_at = 20 + json_len;
    let bin_len = u32::from_le_bytes(bytes[bin_at..bin_at + 4].try_into().unwrap()) as usize;
    (json, bytes[bin_at + 8..bin_at + 8 + bin_len].to_vec())
}

/// A GLB with this JSON and binary chunk.
fn glb(json: &Value, bin: &[u8]) -> Vec<u8> {
    pack_glb(&serde_json::to_vec(json).unwrap(), bin)
}

fn with(change: impl FnOnce(&mut Value)) -> Result<vitrine_pipeline::ModelReport, IngestError> {
    let (mut json, bin) = box_parts();
    change(&mut json);
    check(&glb(&json, &bin))
}

#[test]
fn a_rebuilt_box_is_accepted() {
    let report = with(|_| {}).unwrap();
    assert_eq!(report.triangles, 12);
}

#[test]
fn absurd_counts_are_refused_before_anything_is_allocated() {
    let e = with(|j| j["accessors"][0]["count"] = json!(4_000_000_000u64)).unwrap_err();
    assert!(matches!(e, IngestError::TooComplex(_)), "{e}");
    assert!(
        e.to_string().contains("accessor 0 has 4000000000 elements"),
        "{e}"
    );
}

#[test]
fn accessors_reading_past_their_data_are_refused() {
    let e = with(|j| {
        let count = j["accessors"][0]["count"].as_u64().unwrap();
        j["accessors"][0]["count"] = json!(count + 1);
    })
    .unwrap_err();
    assert!(matches!(e, IngestError::OutOfBounds(_)), "{e}");
    let e = with(|j| j["bufferViews"][0]["byteOffset"] = json!(4_000_000)).unwrap_err();
    assert!(
        e.to_string().contains("buffer view 0 reaches past the end"),
        "{e}"
    );
}

#[test]
fn required_extensions_the_pipeline_cannot_handle_are_named() {
    let e = with(|j| {
        j["extensionsUsed"] = json!(["KHR_draco_mesh_compression"]);
        j["extensionsRequired"] = json!(["KHR_draco_mesh_compression"]);
    })
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "Draco-compressed meshes are not supported: export the model without Draco compression"
    );
    let e = with(|j| {
        j["extensionsUsed"] = json!(["KHR_materials_pbrSpecularGlossiness"]);
        j["extensionsRequired"] = json!(["KHR_materials_pbrSpecularGlossiness"]);
    })
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("KHR_materials_pbrSpecularGlossiness"),
        "{e}"
    );
    // Used but not required: fine, viewers may ignore it.
    assert!(with(|j| j["extensionsUsed"] = json!(["KHR_materials_sheen"])).is_ok());
}

#[test]
fn separate_files_and_bad_json_are_refused() {
    let e = with(|j| j["buffers"][0]["uri"] = json!("box.bin")).unwrap_err();
    assert!(
        e.to_string().contains("upload a self-contained .glb"),
        "{e}"
    );
    let e = with(|j| j["meshes"][0]["primitives"][0]["attributes"]["POSITION"] = json!(99))
        .unwrap_err();
    assert!(matches!(e, IngestError::Json(_)), "{e}");
    let e = check(br#"{"asset": {"version": "2.0"}}"#).unwrap_err();
    assert!(e.to_string().contains("a .gltf, not a .glb"), "{e}");
    assert!(matches!(check(b"").unwrap_err(), IngestError::NotGlb(_)));
    let (json, bin) = box_parts();
    let mut v1 = glb(&json, &bin);
    v1[4] = 1;
    assert_eq!(check(&v1).unwrap_err(), IngestError::Version(1));
}

#[test]
fn chunk_lengths_are_checked_against_the_file() {
    let (json, bin) = box_parts();
    let mut lying = glb(&json, &bin);
    // The BIN chunk claims more than the file holds (header total unchanged).
    let json_len = u32::from_le_bytes(lying[12..16].try_into().unwrap()) as usize;
    let bin_at = 20 + json_len;
    lying[bin_at..bin_at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    let e = check(&lying).unwrap_err();
    assert!(matches!(e, IngestError::Chunks(_)), "{e}");
}

#[test]
fn files_over_the_size_limit_are_refused_first() {
    let limits = Limits {
        max_bytes: 100,
        ..Limits::default()
    };
    let e = inspect(&model("BoxVertexColors.glb").unwrap(), &limits).unwrap_err();
    assert_eq!(e.to_string(), "the file is 1924 bytes; the limit is 100");
}
