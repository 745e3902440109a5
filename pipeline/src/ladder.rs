//! The LOD ladder: from one checked GLB, a series of self-contained GLBs,
//! each coarser than the one before, for the viewer to stream coarse-first.
//!
//! Every level is made from the previous one: each primitive's triangles are
//! simplified with meshoptimizer (the geometric error adds up level by
//! level), unused vertices are dropped, and textures are scaled down to the
//! level's largest edge. What the viewer needs stays as it was: node
//! transforms, materials (with `KHR_materials_variants`), plain float
//! attributes, indexed triangles, PNG or JPEG textures.

use crate::inspect::{IngestError, Limits, inspect};
use gltf::Document;
use image::{DynamicImage, ImageFormat, imageops::FilterType};
use meshopt::{SimplifyOptions, VertexDataAdapter};
use serde_json::{Value, json};
use vitrine_domain::viewer::{ModelLevel, ModelManifest};

/// What one level aims for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LevelSpec {
    /// Share of the original triangles to keep (1.0: all).
    pub triangle_ratio: f32,
    /// ...but at least this many (or all the model has): below a thousand
    /// or so, a shape stops being recognisable, whatever the original had.
    pub min_triangles: u64,
    /// Whether normal maps stay lossless (PNG: JPEG artefacts bend
    /// normals). The coarsest level, a stand-in shown while the finer ones
    /// stream, lets them go JPEG: there a 128 px PNG normal map was a third
    /// of the level's bytes, and the geometry it lacks matters more.
    pub lossless_normal_maps: bool,
    /// Textures are scaled down to at most this many pixels on their longer edge.
    pub max_texture_edge: u32,
}

impl LevelSpec {
    /// The triangles this level aims for, for a model with `original`.
    pub fn target_triangles(&self, original: u64) -> u64 {
        let share = (original as f64 * f64::from(self.triangle_ratio)).round() as u64;
        share.max(self.min_triangles.min(original))
    }
}

/// The default ladder: full detail, then roughly a quarter, 6 % and 1.5 %
/// of the triangles, but never under 4,000, 2,000 and 1,000, with textures
/// from 2048 down to 128 pixels. The coarsest level
/// is what shoppers see first: light enough to arrive in a blink (tens of
/// kilobytes), detailed enough to be the product at a glance.
pub const DEFAULT_LADDER: [LevelSpec; 4] = [
    LevelSpec {
        triangle_ratio: 1.0,
        min_triangles: 0,
        lossless_normal_maps: true,
        max_texture_edge: 2048,
    },
    LevelSpec {
        triangle_ratio: 0.25,
        min_triangles: 4_000,
        lossless_normal_maps: true,
        max_texture_edge: 1024,
    },
    LevelSpec {
        triangle_ratio: 0.06,
        min_triangles: 2_000,
        lossless_normal_maps: true,
        max_texture_edge: 512,
    },
    LevelSpec {
        triangle_ratio: 0.015,
        min_triangles: 1_000,
        lossless_normal_maps: false,
        max_texture_edge: 128,
    },
];

/// One rung of the ladder.
#[derive(Debug, Clone)]
pub struct Level {
    pub glb: Vec<u8>,
    pub triangles: u64,
    /// The longest texture edge in this level (0 without textures).
    pub max_texture_edge: u32,
    /// How far (in model units) this level's surface may be from the
    /// original's, summed over the simplifications that made it.
    pub geometric_error: f32,
}

#[derive(Debug, thiserror::Error)]
pub enum LadderError {
    #[error(transparent)]
    Invalid(#[from] IngestError),
    #[error("{0}")]
    Unsupported(String),
    #[error("a texture could not be processed: {0}")]
    Texture(String),
}

/// A vertex attribute, tightly packed: `count × element_size` bytes.
#[derive(Debug, Clone)]
struct Attribute {
    semantic: String,
    component_type: u64,
    kind: String,
    normalized: bool,
    element_size: usize,
    data: Vec<u8>,
}

#[derive(Debug, Clone)]
struct Primitive {
    mesh: usize,
    index: usize,
    attributes: Vec<Attribute>,
    indices: Vec<u32>,
    /// The largest scale the scene's nodes give this primitive's mesh:
    /// errors are measured in the mesh's units but judged in the scene's.
    world_scale: f32,
}

#[derive(Debug, Clone)]
struct Texture {
    bytes: Vec<u8>,
    mime: String,
    width: u32,
    height: u32,
    /// Normal maps keep their format (JPEG artefacts bend normals).
    keep_format: bool,
}

/// The model between levels: its JSON (without buffers, views and
/// accessors), its primitives and its images.
struct Model {
    json: Value,
    primitives: Vec<Primitive>,
    textures: Vec<Texture>,
    vertex_count_limit: usize,
}

/// Builds the ladder described by `specs` (the first is usually full detail).
pub fn build_ladder(bytes: &[u8], specs: &[LevelSpec]) -> Result<Vec<Level>, LadderError> {
    let limits = Limits::default();
    let original = inspect(bytes, &limits)?.triangles;
    let mut model = read_model(bytes)?;
    model.vertex_count_limit = limits.max_accessor_count;
    let mut levels = Vec::with_capacity(specs.len());
    let mut current = original;
    let mut error = 0.0f32;
    for spec in specs {
        // Each level is simplified from the previous one, by what is left
        // to go (the simplifier does not hit its targets exactly).
        let target = spec.target_triangles(original);
        if target < current {
            error += simplify(&mut model, target as f32 / current as f32);
        }
        scale_textures(&mut model, spec)?;
        let glb = write_glb(&model)?;
        // What we write must pass our own upload check.
        let report = inspect(&glb, &limits)?;
        current = report.triangles;
        levels.push(Level {
            triangles: report.triangles,
            max_texture_edge: model
                .textures
                .iter()
                .map(|t| t.width.max(t.height))
                .max()
                .unwrap_or(0),
            geometric_error: error,
            glb,
        });
    }
    Ok(levels)
}

fn unsupported(message: &str) -> LadderError {
    LadderError::Unsupported(message.to_string())
}

/// Reads the checked GLB into [`Model`].
fn read_model(bytes: &[u8]) -> Result<Model, LadderError> {
    let gltf = gltf::Gltf::from_slice_without_validation(bytes)
        .map_err(|e| IngestError::Json(e.to_string()))?;
    let document: &Document = &gltf.document;
    let bin: &[u8] = gltf.blob.as_deref().unwrap_or_default();
    if document.animations().len() > 0 || document.skins().len() > 0 {
        return Err(unsupported(
            "animated or skinned models cannot be given levels of detail yet",
        ));
    }
    let world_scales = mesh_world_scales(document);
    let mut primitives = Vec::new();
    for mesh in document.meshes() {
        for primitive in mesh.primitives() {
            if primitive.mode() != gltf::mesh::Mode::Triangles {
                return Err(unsupported(
                    "only triangle meshes can be given levels of detail",
                ));
            }
            if primitive.morph_targets().len() > 0 {
                return Err(unsupported(
                    "meshes with morph targets cannot be given levels of detail yet",
                ));
            }
            let mut attributes = Vec::new();
            let mut vertex_count = None;
            for (semantic, accessor) in primitive.attributes() {
                let attribute = read_attribute(&accessor, bin, semantic.to_string())?;
                vertex_count = vertex_count.or(Some(accessor.count()));
                attributes.push(attribute);
            }
            // POSITION first: the simplifier reads it at offset 0.
            attributes.sort_by_key(|a| a.semantic != "POSITION");
            let position = &attributes[0];
            if position.semantic != "POSITION"
                || position.component_type != 5126
                || position.kind != "VEC3"
            {
                return Err(unsupported("vertex positions must be float triples"));
            }
            let vertex_count = vertex_count.unwrap_or(0);
            let indices = match primitive.indices() {
                Some(accessor) => read_indices(&accessor, bin)?,
                None => (0..vertex_count as u32).collect(),
            };
            primitives.push(Primitive {
                world_scale: world_scales.get(&mesh.index()).copied().unwrap_or(1.0),
                mesh: mesh.index(),
                index: primitive.index(),
                attributes,
                indices,
            });
        }
    }
    let normal_maps: Vec<usize> = document
        .materials()
        .filter_map(|m| m.normal_texture().map(|t| t.texture().source().index()))
        .collect();
    let mut textures = Vec::new();
    for image in document.images() {
        let gltf::image::Source::View { view, mime_type } = image.source() else {
            return Err(unsupported("images must be inside the GLB"));
        };
        let bytes = bin[view.offset()..view.offset() + view.length()].to_vec();
        // Headers only: textures are decoded when (and if) they are scaled.
        let (width, height) = image::ImageReader::new(std::io::Cursor::new(&bytes))
            .with_guessed_format()
            .map_err(|e| LadderError::Texture(format!("image {}: {e}", image.index())))?
            .into_dimensions()
            .map_err(|e| LadderError::Texture(format!("image {}: {e}", image.index())))?;
        textures.push(Texture {
            bytes,
            mime: mime_type.to_string(),
            width,
            height,
            keep_format: normal_maps.contains(&image.index()),
        });
    }
    let mut json: Value =
        serde_json::to_value(document.as_json()).map_err(|e| IngestError::Json(e.to_string()))?;
    if let Some(object) = json.as_object_mut() {
        for key in ["accessors", "bufferViews", "buffers"] {
            object.remove(key);
        }
        relax_required_extensions(object);
    }
    Ok(Model {
        json,
        primitives,
        textures,
        vertex_count_limit: 0,
    })
}

/// Material extensions only add to a material: a reader without them shows
/// the base material, so they belong in `extensionsUsed`, not
/// `extensionsRequired`. Some exporters require them anyway, and Bevy
/// refuses a file that requires an extension it does not implement (e.g.
/// the clear-coat sample requires `KHR_materials_clearcoat`).
fn relax_required_extensions(json: &mut serde_json::Map<String, Value>) {
    let Some(Value::Array(required)) = json.get_mut("extensionsRequired") else {
        return;
    };
    required.retain(|name| {
        !name
            .as_str()
            .is_some_and(|n| n.starts_with("KHR_materials_"))
    });
    if required.is_empty() {
        json.remove("extensionsRequired");
    }
}

fn component_size(component_type: u64) -> usize {
    match component_type {
        5120 | 5121 => 1,
        5122 | 5123 => 2,
        _ => 4,
    }
}

fn gl_component_type(data_type: gltf::accessor::DataType) -> u64 {
    use gltf::accessor::DataType::*;
    match data_type {
        I8 => 5120,
        U8 => 5121,
        I16 => 5122,
        U16 => 5123,
        U32 => 5125,
        F32 => 5126,
    }
}

fn kind_name(dimensions: gltf::accessor::Dimensions) -> &'static str {
    use gltf::accessor::Dimensions::*;
    match dimensions {
        Scalar => "SCALAR",
        Vec2 => "VEC2",
        Vec3 => "VEC3",
        Vec4 => "VEC4",
        Mat2 => "MAT2",
        Mat3 => "MAT3",
        Mat4 => "MAT4",
    }
}

/// The accessor's elements, tightly packed.
fn read_attribute(
    accessor: &gltf::Accessor<'_>,
    bin: &[u8],
    semantic: String,
) -> Result<Attribute, LadderError> {
    let component_type = gl_component_type(accessor.data_type());
    let kind = kind_name(accessor.dimensions()).to_string();
    let element_size = accessor.size();
    let data = read_elements(accessor, bin, element_size)?;
    Ok(Attribute {
        semantic,
        component_type,
        kind,
        normalized: accessor.normalized(),
        element_size,
        data,
    })
}

fn read_elements(
    accessor: &gltf::Accessor<'_>,
    bin: &[u8],
    element_size: usize,
) -> Result<Vec<u8>, LadderError> {
    let count = accessor.count();
    let Some(view) = accessor.view() else {
        return Ok(vec![0; count * element_size]);
    };
    let stride = view.stride().unwrap_or(element_size);
    let start = view.offset() + accessor.offset();
    let mut out = Vec::with_capacity(count * element_size);
    for i in 0..count {
        let at = start + i * stride;
        let element = bin
            .get(at..at + element_size)
            .ok_or_else(|| unsupported("an accessor reads past the binary chunk"))?;
        out.extend_from_slice(element);
    }
    Ok(out)
}

fn read_indices(accessor: &gltf::Accessor<'_>, bin: &[u8]) -> Result<Vec<u32>, LadderError> {
    let size = component_size(gl_component_type(accessor.data_type()));
    let raw = read_elements(accessor, bin, size)?;
    Ok(match size {
        1 => raw.iter().map(|&b| u32::from(b)).collect(),
        2 => raw
            .chunks_exact(2)
            .map(|c| u32::from(u16::from_le_bytes([c[0], c[1]])))
            .collect(),
        _ => raw
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect(),
    })
}

/// Keeps about `step` of every primitive's triangles; returns the largest
/// error (in model units) a primitive's simplification introduced.
fn simplify(model: &mut Model, step: f32) -> f32 {
    let mut worst = 0.0f32;
    for primitive in &mut model.primitives {
        let position = &primitive.attributes[0];
        let Ok(adapter) = VertexDataAdapter::new(&position.data, 12, 0) else {
            continue;
        };
        let target = ((primitive.indices.len() as f32 * step) as usize / 3 * 3).max(3);
        if target >= primitive.indices.len() {
            continue;
        }
        let mut relative_error = 0.0f32;
        // Keep the outline of open surfaces in place; allow any error the
        // target needs (the ratio, not an error budget, sets each level).
        let mut indices = meshopt::simplify(
            &primitive.indices,
            &adapter,
            target,
            f32::MAX,
            SimplifyOptions::LockBorder,
            Some(&mut relative_error),
        );
        if indices.len() > target * 2 {
            // Topology stopped the careful simplifier far from the target:
            // the coarse levels matter more for size than for looks.
            indices = meshopt::simplify_sloppy(
                &primitive.indices,
                &adapter,
                target,
                f32::MAX,
                Some(&mut relative_error),
            );
        }
        if indices.is_empty() {
            continue; // Never drop a whole part of the model.
        }
        let scale = meshopt::simplify_scale(&adapter);
        worst = worst.max(relative_error * scale * primitive.world_scale);
        let vertex_count = position.data.len() / 12;
        let indices = meshopt::optimize_vertex_cache(&indices, vertex_count);
        // Vertices in first-use order, unused ones dropped (what meshopt's
        // vertex-fetch remap does; its Rust wrapper truncates the table).
        let mut remap = vec![u32::MAX; vertex_count];
        let mut kept = 0usize;
        for &index in &indices {
            let slot = &mut remap[index as usize];
            if *slot == u32::MAX {
                *slot = kept as u32;
                kept += 1;
            }
        }
        for attribute in &mut primitive.attributes {
            let size = attribute.element_size;
            let mut data = vec![0u8; kept * size];
            for (old, &new) in remap.iter().enumerate() {
                if new != u32::MAX {
                    let new = new as usize;
                    data[new * size..(new + 1) * size]
                        .copy_from_slice(&attribute.data[old * size..(old + 1) * size]);
                }
            }
            attribute.data = data;
        }
        primitive.indices = indices.iter().map(|&i| remap[i as usize]).collect();
    }
    worst
}

/// Scales every texture down to `max_edge` (never up), re-encoding it as
/// JPEG when it has no transparency and PNG when it does (normal maps keep
/// their format where the level keeps them lossless). Textures are independent: they are scaled in parallel.
fn scale_textures(model: &mut Model, spec: &LevelSpec) -> Result<(), LadderError> {
    let (max_edge, lossless_normal_maps) = (spec.max_texture_edge, spec.lossless_normal_maps);
    std::thread::scope(|scope| {
        let workers: Vec<_> = model
            .textures
            .iter_mut()
            .filter(|t| t.width.max(t.height) > max_edge)
            .map(|texture| {
                scope.spawn(move || scale_texture(texture, max_edge, lossless_normal_maps))
            })
            .collect();
        workers.into_iter().try_for_each(|w| {
            w.join()
                .unwrap_or_else(|_| Err(LadderError::Texture("the scaler panicked".into())))
        })
    })
}

fn scale_texture(
    texture: &mut Texture,
    max_edge: u32,
    lossless_normal_maps: bool,
) -> Result<(), LadderError> {
    let image =
        image::load_from_memory(&texture.bytes).map_err(|e| LadderError::Texture(e.to_string()))?;
    let scale = max_edge as f32 / texture.width.max(texture.height) as f32;
    let (width, height) = (
        ((texture.width as f32 * scale).round() as u32).max(1),
        ((texture.height as f32 * scale).round() as u32).max(1),
    );
    let resized = image.resize_exact(width, height, FilterType::Lanczos3);
    let png = if texture.keep_format && lossless_normal_maps {
        texture.mime == "image/png"
    } else {
        has_transparency(&resized)
    };
    let mut bytes = Vec::new();
    let mut cursor = std::io::Cursor::new(&mut bytes);
    if png {
        resized.write_to(&mut cursor, ImageFormat::Png)
    } else {
        let rgb = DynamicImage::ImageRgb8(resized.to_rgb8());
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut cursor, 85).encode_image(&rgb)
    }
    .map_err(|e| LadderError::Texture(e.to_string()))?;
    *texture = Texture {
        bytes,
        mime: if png { "image/png" } else { "image/jpeg" }.to_string(),
        width,
        height,
        keep_format: texture.keep_format,
    };
    Ok(())
}

fn has_transparency(image: &DynamicImage) -> bool {
    image.color().has_alpha() && image.to_rgba8().pixels().any(|p| p.0[3] < 255)
}

/// Writes the model as a GLB: one binary buffer, one view per attribute,
/// index list and image.
fn write_glb(model: &Model) -> Result<Vec<u8>, LadderError> {
    let mut bin: Vec<u8> = Vec::new();
    let mut views: Vec<Value> = Vec::new();
    let mut accessors: Vec<Value> = Vec::new();
    let mut json = model.json.clone();
    let mut push_view =
        |bin: &mut Vec<u8>, data: &[u8], target: Option<u32>, stride: Option<usize>| {
            while !bin.len().is_multiple_of(4) {
                bin.push(0);
            }
            let mut view = json!({"buffer": 0, "byteOffset": bin.len(), "byteLength": data.len()});
            if let Some(target) = target {
                view["target"] = json!(target);
            }
            if let Some(stride) = stride {
                view["byteStride"] = json!(stride);
            }
            bin.extend_from_slice(data);
            views.push(view);
            views.len() - 1
        };
    for primitive in &model.primitives {
        let vertex_count = primitive.attributes[0].data.len() / 12;
        if vertex_count > model.vertex_count_limit {
            return Err(unsupported("a primitive has too many vertices"));
        }
        let target = &mut json["meshes"][primitive.mesh]["primitives"][primitive.index];
        for attribute in &primitive.attributes {
            // Vertex attributes must start on 4-byte boundaries: pad elements if needed.
            let stride = attribute.element_size.next_multiple_of(4);
            let data = if stride == attribute.element_size {
                attribute.data.clone()
            } else {
                attribute
                    .data
                    .chunks_exact(attribute.element_size)
                    .flat_map(|e| {
                        e.iter()
                            .copied()
                            .chain(std::iter::repeat_n(0, stride - attribute.element_size))
                    })
                    .collect()
            };
            let view = push_view(
                &mut bin,
                &data,
                Some(34962),
                (stride != attribute.element_size).then_some(stride),
            );
            let mut accessor = json!({
                "bufferView": view,
                "componentType": attribute.component_type,
                "count": vertex_count,
                "type": attribute.kind,
            });
            if attribute.normalized {
                accessor["normalized"] = json!(true);
            }
            if attribute.semantic == "POSITION" {
                let (min, max) = bounds(&attribute.data);
                accessor["min"] = json!(min);
                accessor["max"] = json!(max);
            }
            accessors.push(accessor);
            target["attributes"][&attribute.semantic] = json!(accessors.len() - 1);
        }
        let (index_bytes, component_type): (Vec<u8>, u32) = if vertex_count <= u16::MAX as usize {
            (
                primitive
                    .indices
                    .iter()
                    .flat_map(|&i| (i as u16).to_le_bytes())
                    .collect(),
                5123,
            )
        } else {
            (
                primitive
                    .indices
                    .iter()
                    .flat_map(|&i| i.to_le_bytes())
                    .collect(),
                5125,
            )
        };
        let view = push_view(&mut bin, &index_bytes, Some(34963), None);
        accessors.push(json!({
            "bufferView": view,
            "componentType": component_type,
            "count": primitive.indices.len(),
            "type": "SCALAR",
        }));
        target["indices"] = json!(accessors.len() - 1);
    }
    for (i, texture) in model.textures.iter().enumerate() {
        let view = push_view(&mut bin, &texture.bytes, None, None);
        let image = &mut json["images"][i];
        let name = image.get("name").cloned();
        *image = json!({"bufferView": view, "mimeType": texture.mime});
        if let Some(name) = name {
            image["name"] = name;
        }
    }
    // The buffer's length counts the padding the container adds.
    let padded_length = bin.len().next_multiple_of(4);
    json["bufferViews"] = Value::Array(views);
    json["accessors"] = Value::Array(accessors);
    json["buffers"] = json!([{"byteLength": padded_length}]);
    if json["asset"]["generator"].is_string() {
        let generator = format!(
            "{} + Vitrine LOD",
            json["asset"]["generator"].as_str().unwrap_or_default()
        );
        json["asset"]["generator"] = json!(generator);
    }
    let json_bytes = serde_json::to_vec(&json).map_err(|e| IngestError::Json(e.to_string()))?;
    Ok(pack_glb(&json_bytes, &bin))
}

/// A GLB container around a JSON chunk and a binary chunk, each padded to
/// four bytes as the spec requires (JSON with spaces, binary with zeros).
pub fn pack_glb(json: &[u8], bin: &[u8]) -> Vec<u8> {
    let padded = |len: usize| len.next_multiple_of(4);
    let (json_len, bin_len) = (padded(json.len()), padded(bin.len()));
    let total = 12 + 8 + json_len + 8 + bin_len;
    let mut glb = Vec::with_capacity(total);
    glb.extend_from_slice(b"glTF");
    glb.extend_from_slice(&2u32.to_le_bytes());
    glb.extend_from_slice(&(total as u32).to_le_bytes());
    glb.extend_from_slice(&(json_len as u32).to_le_bytes());
    glb.extend_from_slice(b"JSON");
    glb.extend_from_slice(json);
    glb.resize(glb.len() + json_len - json.len(), b' ');
    glb.extend_from_slice(&(bin_len as u32).to_le_bytes());
    glb.extend_from_slice(b"BIN\0");
    glb.extend_from_slice(bin);
    glb.resize(total, 0);
    glb
}

/// The manifest of a ladder whose levels were stored as `files` (one per level).
pub fn manifest(levels: &[Level], files: &[String]) -> Result<ModelManifest, LadderError> {
    let finest = levels
        .first()
        .ok_or_else(|| unsupported("a ladder needs a level"))?;
    let report = inspect(&finest.glb, &Limits::default())?;
    let (bounds_min, bounds_max) = scene_bounds(&finest.glb)?;
    Ok(ModelManifest {
        levels: levels
            .iter()
            .zip(files)
            .map(|(level, file)| ModelLevel {
                file: file.clone(),
                bytes: level.glb.len() as u64,
                triangles: level.triangles,
                max_texture_edge: level.max_texture_edge,
                geometric_error: level.geometric_error,
            })
            .collect(),
        bounds_min,
        bounds_max,
        material_variants: report.material_variants,
        poster: None,
    })
}

type Matrix = [[f32; 4]; 4];

fn multiply(a: &Matrix, b: &Matrix) -> Matrix {
    let mut out = [[0.0; 4]; 4];
    for (col, out_col) in out.iter_mut().enumerate() {
        for (row, cell) in out_col.iter_mut().enumerate() {
            *cell = (0..4).map(|k| a[k][row] * b[col][k]).sum();
        }
    }
    out
}

/// The axis-aligned bounds of the default scene, node transforms applied.
fn scene_bounds(glb: &[u8]) -> Result<([f32; 3], [f32; 3]), LadderError> {
    let gltf = gltf::Gltf::from_slice_without_validation(glb)
        .map_err(|e| IngestError::Json(e.to_string()))?;
    let scene = gltf
        .default_scene()
        .or_else(|| gltf.scenes().next())
        .ok_or_else(|| unsupported("the model has no scene"))?;
    let identity: Matrix = [
        [1.0, 0.0, 0.0, 0.0],
        [0.0, 1.0, 0.0, 0.0],
        [0.0, 0.0, 1.0, 0.0],
        [0.0, 0.0, 0.0, 1.0],
    ];
    let mut min = [f32::INFINITY; 3];
    let mut max = [f32::NEG_INFINITY; 3];
    let mut stack: Vec<(gltf::Node<'_>, Matrix)> = scene.nodes().map(|n| (n, identity)).collect();
    while let Some((node, parent)) = stack.pop() {
        let world = multiply(&parent, &node.transform().matrix());
        if let Some(mesh) = node.mesh() {
            for primitive in mesh.primitives() {
                let bounds = primitive.bounding_box();
                for corner in 0..8 {
                    let local = [
                        if corner & 1 == 0 {
                            bounds.min[0]
                        } else {
                            bounds.max[0]
                        },
                        if corner & 2 == 0 {
                            bounds.min[1]
                        } else {
                            bounds.max[1]
                        },
                        if corner & 4 == 0 {
                            bounds.min[2]
                        } else {
                            bounds.max[2]
                        },
                    ];
                    for axis in 0..3 {
                        let v = world[0][axis] * local[0]
                            + world[1][axis] * local[1]
                            + world[2][axis] * local[2]
                            + world[3][axis];
                        min[axis] = min[axis].min(v);
                        max[axis] = max[axis].max(v);
                    }
                }
            }
        }
        stack.extend(node.children().map(|child| (child, world)));
    }
    if min[0].is_finite() {
        Ok((min, max))
    } else {
        Err(unsupported("the model's scene has no meshes"))
    }
}

/// Each mesh's largest scale in the default scene (a mesh used by several
/// nodes takes the largest): how far a unit of the mesh reaches in the scene.
fn mesh_world_scales(document: &Document) -> std::collections::HashMap<usize, f32> {
    let mut scales = std::collections::HashMap::new();
    let Some(scene) = document
        .default_scene()
        .or_else(|| document.scenes().next())
    else {
        return scales;
    };
    let identity: Matrix = [
        [1.0, 0.0, 0.0, 0.0],
        [0.0, 1.0, 0.0, 0.0],
        [0.0, 0.0, 1.0, 0.0],
        [0.0, 0.0, 0.0, 1.0],
    ];
    let mut stack: Vec<(gltf::Node<'_>, Matrix)> = scene.nodes().map(|n| (n, identity)).collect();
    // Bounded like the upload check's node limit: a cyclic file was refused before.
    let mut visits = 0;
    while let Some((node, parent)) = stack.pop() {
        visits += 1;
        if visits > Limits::default().max_nodes {
            break;
        }
        let world = multiply(&parent, &node.transform().matrix());
        if let Some(mesh) = node.mesh() {
            let scale = (0..3)
                .map(|c| (world[c][0].powi(2) + world[c][1].powi(2) + world[c][2].powi(2)).sqrt())
                .fold(0.0f32, f32::max);
            let entry = scales.entry(mesh.index()).or_insert(0.0f32);
            *entry = entry.max(scale);
        }
        stack.extend(node.children().map(|child| (child, world)));
    }
    scales
}

/// Component-wise min and max of packed float triples.
fn bounds(data: &[u8]) -> ([f32; 3], [f32; 3]) {
    let mut min = [f32::INFINITY; 3];
    let mut max = [f32::NEG_INFINITY; 3];
    for vertex in data.chunks_exact(12) {
        for axis in 0..3 {
            let v = f32::from_le_bytes(vertex[axis * 4..axis * 4 + 4].try_into().expect("4 bytes"));
            min[axis] = min[axis].min(v);
            max[axis] = max[axis].max(v);
        }
    }
    (min, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_level_keeps_its_share_of_triangles_but_never_fewer_than_its_floor() {
        let coarsest = DEFAULT_LADDER[3];
        // Big models: the share rules (1.5 % of 200,000).
        assert_eq!(coarsest.target_triangles(200_000), 3_000);
        // Small ones: the floor rules (1.5 % of 4,196 would be 63).
        assert_eq!(coarsest.target_triangles(4_196), 1_000);
        // Tiny ones keep everything they have.
        assert_eq!(coarsest.target_triangles(12), 12);
        assert_eq!(DEFAULT_LADDER[0].target_triangles(4_196), 4_196);
    }

    #[test]
    fn the_default_ladder_falls_level_by_level_for_any_size() {
        for original in [0, 12, 900, 1_500, 4_196, 22_700, 108_936, 2_000_000] {
            let targets: Vec<u64> = DEFAULT_LADDER
                .iter()
                .map(|spec| spec.target_triangles(original))
                .collect();
            assert_eq!(targets[0], original);
            assert!(
                targets.windows(2).all(|w| w[1] <= w[0]),
                "{original}: {targets:?}"
            );
        }
    }
}
