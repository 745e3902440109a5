//! Checks an uploaded GLB before anything is stored: the container (sniffed
//! from its bytes, never the file name), the JSON, and every length and
//! index the JSON claims against the bytes really there, so a hostile or
//! broken file is refused with a message a merchandiser understands instead
//! of crashing or exhausting a loader later.

use gltf::Document;
use serde::{Deserialize, Serialize};
use vitrine_viewer_core::MaterialVariants;

const MAGIC: &[u8; 4] = b"glTF";
const CHUNK_JSON: u32 = 0x4E4F_534A;
const CHUNK_BIN: u32 = 0x004E_4942;

/// Extensions the pipeline and the viewer can carry through. A file that
/// *requires* anything else is refused; one that merely uses it is fine
/// (viewers may ignore optional extensions).
pub const SUPPORTED_REQUIRED_EXTENSIONS: &[&str] = &[
    "KHR_materials_clearcoat",
    "KHR_materials_emissive_strength",
    "KHR_materials_ior",
    "KHR_materials_specular",
    "KHR_materials_transmission",
    "KHR_materials_unlit",
    "KHR_materials_volume",
    "KHR_texture_transform",
    "KHR_lights_punctual",
    "KHR_materials_variants",
];

/// Bounds on what one model may declare, so counts in the JSON cannot be
/// used to make the server allocate or loop without end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_bytes: usize,
    pub max_accessor_count: usize,
    pub max_triangles: u64,
    pub max_primitives: usize,
    pub max_nodes: usize,
    pub max_images: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 200 * 1024 * 1024,
            max_accessor_count: 20_000_000,
            max_triangles: 10_000_000,
            max_primitives: 10_000,
            max_nodes: 100_000,
            max_images: 256,
        }
    }
}

/// Why a file was refused. Each message names what is wrong and, where it
/// helps, what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IngestError {
    #[error("this is not a GLB file (it does not start with the glTF signature){0}")]
    NotGlb(String),
    #[error("only glTF 2.0 is supported; this file is version {0}")]
    Version(u32),
    #[error("the file is cut short: its header says {declared} bytes but it has {actual}")]
    Truncated { declared: u64, actual: u64 },
    #[error("the file is {actual} bytes; the limit is {limit}")]
    TooLarge { actual: usize, limit: usize },
    #[error("the GLB's chunks are malformed: {0}")]
    Chunks(String),
    #[error("the glTF JSON is invalid: {0}")]
    Json(String),
    #[error("{0}")]
    Unsupported(String),
    #[error("the file is inconsistent: {0}")]
    OutOfBounds(String),
    #[error("the model is too big to process: {0}")]
    TooComplex(String),
}

/// What an accepted file holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelReport {
    pub bytes: u64,
    pub triangles: u64,
    pub vertices: u64,
    pub primitives: u64,
    pub materials: u64,
    pub textures: u64,
    /// `KHR_materials_variants` names, in the file's order.
    pub material_variants: Vec<String>,
    pub extensions_used: Vec<String>,
}

struct Chunks<'a> {
    json: &'a [u8],
    bin: Option<&'a [u8]>,
}

/// Checks `bytes` as an upload and describes the model, or says why not.
pub fn inspect(bytes: &[u8], limits: &Limits) -> Result<ModelReport, IngestError> {
    if bytes.len() > limits.max_bytes {
        return Err(IngestError::TooLarge {
            actual: bytes.len(),
            limit: limits.max_bytes,
        });
    }
    let chunks = container(bytes)?;
    let mut json: serde_json::Value =
        serde_json::from_slice(chunks.json).map_err(|e| IngestError::Json(e.to_string()))?;
    let variants = MaterialVariants::from_gltf_json(&json).names().to_vec();
    // Required extensions are checked here, by name, so the refusal can say
    // what to do; the glTF crate would only call them unknown.
    if let Some(required) = json["extensionsRequired"].as_array() {
        for name in required {
            let name = name.as_str().unwrap_or_default();
            if !SUPPORTED_REQUIRED_EXTENSIONS.contains(&name) {
                return Err(IngestError::Unsupported(unsupported_extension(name)));
            }
        }
    }
    if let Some(object) = json.as_object_mut() {
        object.remove("extensionsRequired");
    }
    let document = document(json)?;
    let document = &document;

    // Buffers: only the GLB's own binary chunk; its declared length must fit.
    let mut buffer_lengths = Vec::new();
    for buffer in document.buffers() {
        match buffer.source() {
            gltf::buffer::Source::Bin => {
                let actual = chunks.bin.map_or(0, <[u8]>::len);
                if buffer.length() > actual {
                    return Err(IngestError::OutOfBounds(format!(
                        "buffer {} claims {} bytes but the file holds {actual}",
                        buffer.index(),
                        buffer.length()
                    )));
                }
                buffer_lengths.push(buffer.length());
            }
            gltf::buffer::Source::Uri(_) => {
                return Err(IngestError::Unsupported(
                    "this glTF refers to separate buffer files: upload a self-contained .glb"
                        .into(),
                ));
            }
        }
    }
    for view in document.views() {
        let end = view.offset().checked_add(view.length());
        let buffer_length = buffer_lengths[view.buffer().index()];
        if end.is_none_or(|end| end > buffer_length) {
            return Err(IngestError::OutOfBounds(format!(
                "buffer view {} reaches past the end of its buffer",
                view.index()
            )));
        }
    }
    for accessor in document.accessors() {
        check_accessor(&accessor, limits)?;
    }

    if document.nodes().len() > limits.max_nodes {
        return Err(IngestError::TooComplex(format!(
            "{} nodes (the limit is {})",
            document.nodes().len(),
            limits.max_nodes
        )));
    }
    let images = document.images().len();
    if images > limits.max_images {
        return Err(IngestError::TooComplex(format!(
            "{images} images (the limit is {})",
            limits.max_images
        )));
    }
    for image in document.images() {
        match image.source() {
            gltf::image::Source::View { mime_type, .. } => {
                if !matches!(mime_type, "image/png" | "image/jpeg") {
                    return Err(IngestError::Unsupported(format!(
                        "image {} is {mime_type}: textures must be PNG or JPEG",
                        image.index()
                    )));
                }
            }
            gltf::image::Source::Uri { .. } => {
                return Err(IngestError::Unsupported(
                    "this glTF refers to separate image files: upload a self-contained .glb".into(),
                ));
            }
        }
    }

    let (mut triangles, mut vertices, mut primitives) = (0u64, 0u64, 0u64);
    for mesh in document.meshes() {
        for primitive in mesh.primitives() {
            primitives += 1;
            if primitives > limits.max_primitives as u64 {
                return Err(IngestError::TooComplex(format!(
                    "more than {} mesh primitives",
                    limits.max_primitives
                )));
            }
            let position = primitive.get(&gltf::Semantic::Positions).ok_or_else(|| {
                IngestError::OutOfBounds(format!(
                    "a primitive of mesh {} has no vertex positions",
                    mesh.index()
                ))
            })?;
            vertices += position.count() as u64;
            let corners = primitive
                .indices()
                .map_or(position.count(), |indices| indices.count())
                as u64;
            if primitive.mode() == gltf::mesh::Mode::Triangles {
                triangles += corners / 3;
            }
        }
    }
    if triangles > limits.max_triangles {
        return Err(IngestError::TooComplex(format!(
            "{triangles} triangles (the limit is {})",
            limits.max_triangles
        )));
    }

    Ok(ModelReport {
        bytes: bytes.len() as u64,
        triangles,
        vertices,
        primitives,
        materials: document.materials().len() as u64,
        textures: document.textures().len() as u64,
        material_variants: variants,
        extensions_used: document.extensions_used().map(str::to_string).collect(),
    })
}

/// The glTF document, validated (indices, required fields, enums).
fn document(json: serde_json::Value) -> Result<Document, IngestError> {
    let invalid = |e: &dyn std::fmt::Display| IngestError::Json(e.to_string());
    check_primitive_indices(&json)?;
    let root: gltf::json::Root = serde_json::from_value(json).map_err(|e| invalid(&e))?;
    // The glTF crate's validation indexes some arrays without checking
    // (e.g. a POSITION accessor index); the pre-check above covers the known
    // case, and a panic in any other becomes a refusal, not a crash.
    std::panic::catch_unwind(move || Document::from_json(root))
        .map_err(|_| IngestError::Json("an index points outside its array".into()))?
        .map_err(|e| invalid(&e))
}

/// Every accessor index a mesh primitive names must exist.
fn check_primitive_indices(json: &serde_json::Value) -> Result<(), IngestError> {
    let accessors = json["accessors"].as_array().map_or(0, Vec::len) as u64;
    let meshes = json["meshes"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    for (m, mesh) in meshes.iter().enumerate() {
        let primitives = mesh["primitives"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default();
        for primitive in primitives {
            let attributes = primitive["attributes"]
                .as_object()
                .into_iter()
                .flat_map(|a| a.values());
            for index in attributes.chain(primitive.get("indices")) {
                if index.as_u64().is_none_or(|i| i >= accessors) {
                    return Err(IngestError::Json(format!(
                        "mesh {m} names accessor {index}, which does not exist"
                    )));
                }
            }
        }
    }
    Ok(())
}

/// The GLB header and chunk table, every length checked against the bytes.
fn container(bytes: &[u8]) -> Result<Chunks<'_>, IngestError> {
    if bytes.len() < 12 || &bytes[..4] != MAGIC {
        return Err(IngestError::NotGlb(sniff(bytes)));
    }
    let word = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
    let version = word(4);
    if version != 2 {
        return Err(IngestError::Version(version));
    }
    let declared = u64::from(word(8));
    if declared != bytes.len() as u64 {
        return Err(IngestError::Truncated {
            declared,
            actual: bytes.len() as u64,
        });
    }
    let mut at = 12;
    let mut json = None;
    let mut bin = None;
    while at < bytes.len() {
        if bytes.len() - at < 8 {
            return Err(IngestError::Chunks("a chunk header is cut off".into()));
        }
        let length = word(at) as usize;
        let kind = word(at + 4);
        let start = at + 8;
        let end = start
            .checked_add(length)
            .filter(|&end| end <= bytes.len())
            .ok_or_else(|| {
                IngestError::Chunks(format!(
                    "a chunk claims {length} bytes but only {} remain",
                    bytes.len() - start
                ))
            })?;
        match (kind, json.is_some()) {
            (CHUNK_JSON, false) => json = Some(&bytes[start..end]),
            (CHUNK_BIN, true) if bin.is_none() => bin = Some(&bytes[start..end]),
            (CHUNK_JSON, true) => return Err(IngestError::Chunks("two JSON chunks".into())),
            (_, false) => return Err(IngestError::Chunks("the first chunk is not JSON".into())),
            // Unknown chunk types are allowed by the spec and skipped.
            _ => {}
        }
        // Chunks are 4-byte aligned.
        at = end.next_multiple_of(4);
    }
    let json = json.ok_or_else(|| IngestError::Chunks("there is no JSON chunk".into()))?;
    Ok(Chunks { json, bin })
}

/// A hint at what the file really is, for the error message.
fn sniff(bytes: &[u8]) -> String {
    let kind = match bytes {
        [0xFF, 0xD8, 0xFF, ..] => "a JPEG image",
        [0x89, b'P', b'N', b'G', ..] => "a PNG image",
        [b'P', b'K', 3, 4, ..] => "a ZIP archive",
        [b'{', ..] => "JSON (a .gltf, not a .glb: export as binary glTF)",
        _ if bytes.starts_with(b"Kaydara FBX") => "an FBX file (export as .glb)",
        _ if bytes.starts_with(b"solid")
            || bytes.starts_with(b"o ")
            || bytes.starts_with(b"v ") =>
        {
            "a text model format such as OBJ or STL (export as .glb)"
        }
        [] => "empty",
        _ => return String::new(),
    };
    format!(": it looks like {kind}")
}

fn unsupported_extension(name: &str) -> String {
    match name {
        "KHR_draco_mesh_compression" => {
            "Draco-compressed meshes are not supported: export the model without Draco compression"
                .into()
        }
        "EXT_meshopt_compression" | "KHR_meshopt_compression" => {
            "meshopt-compressed buffers are not supported: export the model without compression"
                .into()
        }
        "KHR_mesh_quantization" => {
            "quantized meshes are not supported: export with float positions and normals".into()
        }
        "KHR_texture_basisu" | "EXT_texture_webp" | "EXT_texture_avif" => {
            format!("{name} textures are not supported: use PNG or JPEG textures")
        }
        other => {
            format!("the model requires the glTF extension {other}, which Vitrine cannot process")
        }
    }
}

fn check_accessor(accessor: &gltf::Accessor<'_>, limits: &Limits) -> Result<(), IngestError> {
    let count = accessor.count();
    if count > limits.max_accessor_count {
        return Err(IngestError::TooComplex(format!(
            "accessor {} has {count} elements (the limit is {})",
            accessor.index(),
            limits.max_accessor_count
        )));
    }
    if accessor.sparse().is_some() {
        return Err(IngestError::Unsupported(
            "sparse accessors (morph-target style data) are not supported".into(),
        ));
    }
    let Some(view) = accessor.view() else {
        return Ok(()); // All zeros by definition: nothing to read.
    };
    let element = accessor.size();
    let stride = view.stride().unwrap_or(element);
    let needed = match count {
        0 => Some(0),
        n => (n - 1)
            .checked_mul(stride)
            .and_then(|s| s.checked_add(element))
            .and_then(|s| s.checked_add(accessor.offset())),
    };
    if needed.is_none_or(|needed| needed > view.length()) {
        return Err(IngestError::OutOfBounds(format!(
            "accessor {} reads past the end of buffer view {}",
            accessor.index(),
            view.index()
        )));
    }
    Ok(())
}
