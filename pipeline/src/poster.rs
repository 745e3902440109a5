//! Poster images: a small CPU rasterizer that draws a GLB the way the 3D
//! viewer's first frame shows it — the same orbit framing, lights, shading
//! model and tone mapping — so a product page can show a JPEG at once and
//! swap in the live viewer without the picture jumping.
//!
//! It is deliberately simple: metallic-roughness shading under the viewer's
//! studio light (two lamps and an environment, `vitrine_viewer_core::studio`,
//! with Bevy's image-based lighting formulas); no shadows, normal maps, sheen
//! or clearcoat. Visibility is sampled on a grid twice the poster's size;
//! each poster pixel is shaded once per triangle that covers it (as MSAA
//! does) and its samples are averaged.

use crate::inspect::{Limits, inspect};
use gltf::mesh::{Mode, Semantic};
use std::collections::HashMap;
use std::f32::consts::{FRAC_PI_4, PI};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use vitrine_viewer_core::orbit::Orbit;
use vitrine_viewer_core::studio::{self, Studio};
use vitrine_viewer_core::vector::{V3, add, cross, dot, normalize, scale, sub};

/// What the poster looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PosterSpec {
    pub width: u32,
    pub height: u32,
    /// The page behind the model, sRGB.
    pub background: [u8; 3],
}

impl PosterSpec {
    /// 800×800 on the viewer's clear colour, sRGB (0.953, 0.957, 0.965).
    pub const DEFAULT: PosterSpec = PosterSpec {
        width: 800,
        height: 800,
        background: [243, 244, 246],
    };
}

impl Default for PosterSpec {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Why no poster could be drawn.
#[derive(Debug, thiserror::Error)]
pub enum PosterError {
    #[error("cannot read the model: {0}")]
    Model(String),
    #[error("the model has no triangles to draw")]
    Empty,
    #[error("cannot decode texture {image}: {message}")]
    Texture { image: usize, message: String },
    #[error("a poster must be 1 to {MAX_EDGE} pixels on each side, not {width}×{height}")]
    Size { width: u32, height: u32 },
    #[error("cannot encode the poster: {0}")]
    Encode(String),
}

/// Draws `glb` (a GLB that passes [`inspect`]) as the viewer first shows it
/// and returns the picture as JPEG bytes.
pub fn render_poster(glb: &[u8], spec: &PosterSpec) -> Result<Vec<u8>, PosterError> {
    let pixels = render_rgb(glb, spec)?;
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY)
        .encode(
            &pixels,
            spec.width,
            spec.height,
            image::ExtendedColorType::Rgb8,
        )
        .map_err(|e| PosterError::Encode(e.to_string()))?;
    Ok(jpeg)
}

/// Bevy's default vertical field of view: the viewer frames with it.
const FOV_Y: f32 = FRAC_PI_4;
/// Visibility samples per poster pixel along each axis.
const SUPERSAMPLE: usize = 2;
/// Textures are sampled from at most this many pixels on their longer edge.
const MAX_TEXTURE_EDGE: usize = 1024;
/// 8192 × 8192 RGBA: larger textures are refused rather than decoded.
const MAX_DECODED_TEXTURE_BYTES: u64 = 8192 * 8192 * 4;
pub(crate) const JPEG_QUALITY: u8 = 85;
const MAX_EDGE: u32 = 4096;
/// Node visits and triangles drawn are bounded: instancing could otherwise
/// multiply a small file into endless work.
const MAX_NODE_VISITS: usize = 1_000_000;
const MAX_TRIANGLES: usize = 30_000_000;
use studio::EXPOSURE;
/// The studio environment's radiance of 1, in the viewer's exposure.
const ENVIRONMENT: f32 = studio::INTENSITY * EXPOSURE;

/// The studio's prefiltered environment, computed once per process.
fn studio_tables() -> &'static Studio {
    static STUDIO: OnceLock<Studio> = OnceLock::new();
    STUDIO.get_or_init(Studio::new)
}

/// The poster as packed RGB8 rows, top row first.
fn render_rgb(glb: &[u8], spec: &PosterSpec) -> Result<Vec<u8>, PosterError> {
    if !(1..=MAX_EDGE).contains(&spec.width) || !(1..=MAX_EDGE).contains(&spec.height) {
        return Err(PosterError::Size {
            width: spec.width,
            height: spec.height,
        });
    }
    let mut scene = read_scene(glb)?;
    let (width, height) = (
        spec.width as usize * SUPERSAMPLE,
        spec.height as usize * SUPERSAMPLE,
    );
    let camera = Camera::framing(scene.min, scene.max, width, height);
    for draw in &mut scene.draws {
        draw.screen = draw.positions.iter().map(|&p| camera.project(p)).collect();
    }
    let mut frame = Frame::new(width, height, spec.background);
    let shader = Shader {
        draws: &scene.draws,
        materials: &scene.materials,
        textures: &scene.textures,
        eye: camera.eye,
        lights: viewer_lights(),
    };
    draw_opaque(&shader, &mut frame);
    resolve_opaque(&shader, &mut frame);
    draw_translucent(&shader, &camera, &mut frame);
    Ok(downsample(
        &frame,
        spec.width as usize,
        spec.height as usize,
    ))
}

// ---------------------------------------------------------------------------
// Small matrix maths (vectors: `vitrine_viewer_core::vector`).

type Matrix = [[f32; 4]; 4];

/// Component by component (colours).
fn mul(a: V3, b: V3) -> V3 {
    [a[0] * b[0], a[1] * b[1], a[2] * b[2]]
}

/// Column-major, as glTF stores matrices: `m[column][row]`.
fn multiply(a: &Matrix, b: &Matrix) -> Matrix {
    let mut out = [[0.0; 4]; 4];
    for (col, out_col) in out.iter_mut().enumerate() {
        for (row, cell) in out_col.iter_mut().enumerate() {
            *cell = (0..4).map(|k| a[k][row] * b[col][k]).sum();
        }
    }
    out
}

fn transform_point(m: &Matrix, p: V3) -> V3 {
    [0, 1, 2].map(|r| m[0][r] * p[0] + m[1][r] * p[1] + m[2][r] * p[2] + m[3][r])
}

/// The upper 3×3's cofactor matrix (its inverse transpose times its
/// determinant), signed so that normals keep pointing outwards; and whether
/// the transform mirrors (which swaps which side of a triangle is its front).
fn normal_matrix(m: &Matrix) -> ([V3; 3], bool) {
    let c = |i: usize| [m[i][0], m[i][1], m[i][2]];
    let (x, y, z) = (c(0), c(1), c(2));
    let mirrored = dot(x, cross(y, z)) < 0.0;
    let sign = if mirrored { -1.0 } else { 1.0 };
    // Columns of the cofactor matrix: n' = yz·n.x + zx·n.y + xy·n.z.
    (
        [
            scale(cross(y, z), sign),
            scale(cross(z, x), sign),
            scale(cross(x, y), sign),
        ],
        mirrored,
    )
}

// ---------------------------------------------------------------------------
// Reading the scene.

/// One mesh primitive placed in the world, ready to draw.
struct Draw {
    material: usize,
    /// World space.
    positions: Vec<V3>,
    /// World space, unit length; flat face normals are used without them.
    normals: Option<Vec<V3>>,
    /// TEXCOORD_0 and TEXCOORD_1.
    uvs: [Option<Vec<[f32; 2]>>; 2],
    colors: Option<Vec<[f32; 4]>>,
    /// Vertex indices, checked against the vertex count.
    triangles: Vec<[u32; 3]>,
    /// A mirroring node transform turns counter-clockwise fronts clockwise.
    mirrored: bool,
    /// The middle of the world-space bounds: translucent draws are sorted by it.
    center: V3,
    /// Sample-grid x, y and 1/depth per vertex (1/depth 0: behind the camera).
    screen: Vec<V3>,
    /// How many triangles the draws before this one have: a triangle's
    /// number in the whole scene is this plus its index here.
    first_triangle: u32,
}

struct Scene {
    draws: Vec<Draw>,
    materials: Vec<Material>,
    textures: Vec<Texture>,
    /// World-space bounds of every primitive, as the viewer frames them.
    min: V3,
    max: V3,
}

fn model_error(message: impl std::fmt::Display) -> PosterError {
    PosterError::Model(message.to_string())
}

/// Parses the GLB and walks the first scene (the one the viewer loads).
fn read_scene(glb: &[u8]) -> Result<Scene, PosterError> {
    // The upload check makes every index in the JSON safe to follow.
    inspect(glb, &Limits::default()).map_err(model_error)?;
    let gltf = gltf::Gltf::from_slice_without_validation(glb).map_err(model_error)?;
    let bin = gltf.blob.as_deref().unwrap_or_default();
    let scene = gltf.scenes().next().ok_or(PosterError::Empty)?;
    let mut reader = SceneReader {
        bin,
        draws: Vec::new(),
        materials: MaterialTable::default(),
        min: [f32::INFINITY; 3],
        max: [f32::NEG_INFINITY; 3],
        triangles: 0,
    };
    let identity: Matrix = [
        [1.0, 0.0, 0.0, 0.0],
        [0.0, 1.0, 0.0, 0.0],
        [0.0, 0.0, 1.0, 0.0],
        [0.0, 0.0, 0.0, 1.0],
    ];
    let node_count = gltf.nodes().len();
    let mut visits = 0usize;
    let mut stack: Vec<(gltf::Node<'_>, Matrix, usize)> =
        scene.nodes().map(|n| (n, identity, 0)).collect();
    while let Some((node, parent, depth)) = stack.pop() {
        visits += 1;
        if depth > node_count || visits > MAX_NODE_VISITS {
            return Err(model_error("its node hierarchy loops or repeats too often"));
        }
        let world = multiply(&parent, &node.transform().matrix());
        if let Some(mesh) = node.mesh() {
            for primitive in mesh.primitives() {
                reader.add_primitive(&primitive, &world)?;
            }
        }
        stack.extend(node.children().map(|child| (child, world, depth + 1)));
    }
    if reader.draws.is_empty() {
        return Err(PosterError::Empty);
    }
    let textures = decode_textures(&gltf, bin, &reader.materials.textures)?;
    Ok(Scene {
        draws: reader.draws,
        materials: reader.materials.materials,
        textures,
        min: reader.min,
        max: reader.max,
    })
}

struct SceneReader<'a> {
    bin: &'a [u8],
    draws: Vec<Draw>,
    materials: MaterialTable,
    min: V3,
    max: V3,
    triangles: usize,
}

impl SceneReader<'_> {
    fn add_primitive(
        &mut self,
        primitive: &gltf::Primitive<'_>,
        world: &Matrix,
    ) -> Result<(), PosterError> {
        let Some(accessor) = primitive.get(&Semantic::Positions) else {
            return Ok(());
        };
        let local: Vec<V3> = read_vectors(&accessor, self.bin)?;
        // Every primitive counts for the framing, as in the viewer.
        self.grow_bounds(&local, world);
        if primitive.mode() != Mode::Triangles {
            return Ok(());
        }
        let count = local.len();
        let triangles = match primitive.indices() {
            Some(indices) => read_triangles(&indices, self.bin, count)?,
            None => (0..count as u32 / 3)
                .map(|t| [3 * t, 3 * t + 1, 3 * t + 2])
                .collect(),
        };
        if triangles.is_empty() {
            return Ok(());
        }
        let first_triangle = self.triangles as u32;
        self.triangles += triangles.len();
        if self.triangles > MAX_TRIANGLES {
            return Err(model_error("it has too many triangles to draw"));
        }
        let attribute = |semantic: Semantic| primitive.get(&semantic);
        let normals: Option<Vec<V3>> = attribute(Semantic::Normals)
            .map(|a| read_same_count(&a, self.bin, count))
            .transpose()?;
        let uv = |set| {
            attribute(Semantic::TexCoords(set))
                .map(|a| read_same_count(&a, self.bin, count))
                .transpose()
        };
        let uvs = [uv(0)?, uv(1)?];
        let colors = attribute(Semantic::Colors(0))
            .map(|a| read_colors(&a, self.bin, count))
            .transpose()?;

        let (normal_matrix, mirrored) = normal_matrix(world);
        let positions: Vec<V3> = local.iter().map(|&p| transform_point(world, p)).collect();
        let normals = normals.map(|normals| {
            normals
                .iter()
                .map(|n| {
                    let [x, y, z] = normal_matrix;
                    normalize(add(add(scale(x, n[0]), scale(y, n[1])), scale(z, n[2])))
                })
                .collect()
        });
        let (min, max) = bounds(&positions);
        self.draws.push(Draw {
            material: self.materials.index(primitive.material()),
            center: scale(add(min, max), 0.5),
            positions,
            normals,
            uvs,
            colors,
            triangles,
            mirrored,
            screen: Vec::new(),
            first_triangle,
        });
        Ok(())
    }

    /// Grows the scene bounds by the primitive's local box, corners moved
    /// into the world (what Bevy's per-mesh `Aabb` gives the viewer).
    fn grow_bounds(&mut self, local: &[V3], world: &Matrix) {
        let (lo, hi) = bounds(local);
        if lo.iter().chain(&hi).any(|v| !v.is_finite()) {
            return;
        }
        for corner in 0..8 {
            let pick = |axis: usize| {
                if corner >> axis & 1 == 0 {
                    lo[axis]
                } else {
                    hi[axis]
                }
            };
            let p = transform_point(world, [pick(0), pick(1), pick(2)]);
            grow(&mut self.min, &mut self.max, p);
        }
    }
}

fn grow(min: &mut V3, max: &mut V3, p: V3) {
    *min = [0, 1, 2].map(|a| min[a].min(p[a]));
    *max = [0, 1, 2].map(|a| max[a].max(p[a]));
}

fn bounds(points: &[V3]) -> (V3, V3) {
    let mut min = [f32::INFINITY; 3];
    let mut max = [f32::NEG_INFINITY; 3];
    for &p in points {
        grow(&mut min, &mut max, p);
    }
    (min, max)
}

/// Calls `visit` with the bytes of each of the accessor's elements, every
/// read checked against its buffer view; `None` when it has no view (all zeros).
fn visit_elements(
    accessor: &gltf::Accessor<'_>,
    bin: &[u8],
    mut visit: impl FnMut(&[u8]),
) -> Result<Option<()>, PosterError> {
    let Some(view) = accessor.view() else {
        return Ok(None);
    };
    if !matches!(view.buffer().source(), gltf::buffer::Source::Bin) {
        return Err(model_error("it refers to a buffer outside the GLB"));
    }
    let past_end = || model_error(format!("accessor {} reads past its data", accessor.index()));
    let element = accessor.data_type().size() * accessor.dimensions().multiplicity();
    let stride = view.stride().unwrap_or(element);
    let view_end = view
        .offset()
        .checked_add(view.length())
        .ok_or_else(past_end)?;
    let view_bytes = bin.get(..view_end).ok_or_else(past_end)?;
    let start = view
        .offset()
        .checked_add(accessor.offset())
        .ok_or_else(past_end)?;
    for i in 0..accessor.count() {
        let bytes = i
            .checked_mul(stride)
            .and_then(|o| o.checked_add(start))
            .and_then(|at| view_bytes.get(at..at.checked_add(element)?))
            .ok_or_else(past_end)?;
        visit(bytes);
    }
    Ok(Some(()))
}

/// An accessor's elements as floats (normalized integers scaled to 0..1 or
/// -1..1), with the number of components per element.
fn read_floats(
    accessor: &gltf::Accessor<'_>,
    bin: &[u8],
) -> Result<(Vec<f32>, usize), PosterError> {
    let components = accessor.dimensions().multiplicity();
    let (data_type, normalized) = (accessor.data_type(), accessor.normalized());
    let size = data_type.size();
    let mut out = Vec::with_capacity(accessor.count() * components);
    let read = visit_elements(accessor, bin, |bytes| {
        out.extend(
            bytes
                .chunks_exact(size)
                .map(|c| component(data_type, normalized, c)),
        );
    })?;
    if read.is_none() {
        out.resize(accessor.count() * components, 0.0);
    }
    Ok((out, components))
}

fn component(data_type: gltf::accessor::DataType, normalized: bool, bytes: &[u8]) -> f32 {
    use gltf::accessor::DataType::*;
    let (value, range) = match data_type {
        F32 => return f32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]),
        U8 => (f32::from(bytes[0]), 255.0),
        I8 => (f32::from(bytes[0] as i8), 127.0),
        U16 => (f32::from(u16::from_le_bytes([bytes[0], bytes[1]])), 65535.0),
        I16 => (f32::from(i16::from_le_bytes([bytes[0], bytes[1]])), 32767.0),
        U32 => return u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as f32,
    };
    if normalized {
        (value / range).max(-1.0)
    } else {
        value
    }
}

/// Elements of exactly `N` components.
fn read_vectors<const N: usize>(
    accessor: &gltf::Accessor<'_>,
    bin: &[u8],
) -> Result<Vec<[f32; N]>, PosterError> {
    let (floats, components) = read_floats(accessor, bin)?;
    if components != N {
        return Err(model_error(format!(
            "accessor {} has {components} components where {N} are needed",
            accessor.index()
        )));
    }
    Ok(floats
        .chunks_exact(N)
        .map(|c| std::array::from_fn(|i| c[i]))
        .collect())
}

/// A vertex attribute, which must have one element per vertex.
fn read_same_count<const N: usize>(
    accessor: &gltf::Accessor<'_>,
    bin: &[u8],
    vertices: usize,
) -> Result<Vec<[f32; N]>, PosterError> {
    let values = read_vectors(accessor, bin)?;
    if values.len() != vertices {
        return Err(model_error(format!(
            "accessor {} has {} elements for {vertices} vertices",
            accessor.index(),
            values.len()
        )));
    }
    Ok(values)
}

/// COLOR_0, RGB or RGBA.
fn read_colors(
    accessor: &gltf::Accessor<'_>,
    bin: &[u8],
    vertices: usize,
) -> Result<Vec<[f32; 4]>, PosterError> {
    let (floats, components) = read_floats(accessor, bin)?;
    let colors: Vec<[f32; 4]> = match components {
        3 => floats
            .chunks_exact(3)
            .map(|c| [c[0], c[1], c[2], 1.0])
            .collect(),
        4 => floats
            .chunks_exact(4)
            .map(|c| [c[0], c[1], c[2], c[3]])
            .collect(),
        _ => return Err(model_error("vertex colours must be RGB or RGBA")),
    };
    if colors.len() != vertices {
        return Err(model_error("vertex colours do not match the vertices"));
    }
    Ok(colors)
}

/// Index triples, every index checked against the vertex count.
fn read_triangles(
    accessor: &gltf::Accessor<'_>,
    bin: &[u8],
    vertices: usize,
) -> Result<Vec<[u32; 3]>, PosterError> {
    use gltf::accessor::DataType::*;
    let data_type = accessor.data_type();
    if !matches!(data_type, U8 | U16 | U32) || accessor.dimensions().multiplicity() != 1 {
        return Err(model_error("indices must be unsigned integer scalars"));
    }
    let mut indices = Vec::with_capacity(accessor.count());
    let read = visit_elements(accessor, bin, |b| {
        indices.push(match data_type {
            U8 => u32::from(b[0]),
            U16 => u32::from(u16::from_le_bytes([b[0], b[1]])),
            _ => u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
        });
    })?;
    if read.is_none() {
        indices.resize(accessor.count(), 0);
    }
    if indices.iter().any(|&i| i as usize >= vertices) {
        return Err(model_error(format!(
            "accessor {} names a vertex that does not exist",
            accessor.index()
        )));
    }
    Ok(indices
        .chunks_exact(3)
        .map(|c| [c[0], c[1], c[2]])
        .collect())
}

// ---------------------------------------------------------------------------
// Materials.

#[derive(Debug, Clone, Copy, PartialEq)]
enum AlphaMode {
    Opaque,
    Mask(f32),
    Blend,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Wrap {
    Repeat,
    Clamp,
    Mirror,
}

/// A texture as one material slot uses it.
#[derive(Debug, Clone, Copy)]
struct TextureRef {
    /// Into [`Scene::textures`].
    slot: usize,
    /// Which TEXCOORD set.
    set: usize,
    /// `KHR_texture_transform` as a 2×3 matrix: u' = a·u + b·v + c, v' = d·u + e·v + f.
    transform: Option<[f32; 6]>,
    wrap: [Wrap; 2],
}

#[derive(Debug, Clone)]
struct Material {
    base: [f32; 4],
    base_texture: Option<TextureRef>,
    metallic: f32,
    roughness: f32,
    /// Blue: metal, green: roughness.
    metal_rough_texture: Option<TextureRef>,
    emissive: V3,
    emissive_texture: Option<TextureRef>,
    alpha: AlphaMode,
    double_sided: bool,
    unlit: bool,
    transmission: f32,
}

impl Material {
    /// Bevy's default material, which the viewer gives primitives without one.
    const VIEWER_DEFAULT: Material = Material {
        base: [1.0; 4],
        base_texture: None,
        metallic: 0.0,
        roughness: 0.5,
        metal_rough_texture: None,
        emissive: [0.0; 3],
        emissive_texture: None,
        alpha: AlphaMode::Opaque,
        double_sided: false,
        unlit: false,
        transmission: 0.0,
    };

    /// Drawn after the opaque pass, over what is behind.
    fn is_translucent(&self) -> bool {
        self.alpha == AlphaMode::Blend || self.transmission > 0.0
    }
}

/// The materials used by the scene's draws, and the textures they sample.
#[derive(Default)]
struct MaterialTable {
    materials: Vec<Material>,
    by_gltf_index: HashMap<Option<usize>, usize>,
    /// (glTF image, colour data in sRGB) per texture slot.
    textures: Vec<(usize, bool)>,
}

impl MaterialTable {
    fn index(&mut self, material: gltf::Material<'_>) -> usize {
        if let Some(&index) = self.by_gltf_index.get(&material.index()) {
            return index;
        }
        let built = match material.index() {
            None => Material::VIEWER_DEFAULT,
            Some(_) => self.build(&material),
        };
        self.materials.push(built);
        let index = self.materials.len() - 1;
        self.by_gltf_index.insert(material.index(), index);
        index
    }

    fn build(&mut self, material: &gltf::Material<'_>) -> Material {
        let pbr = material.pbr_metallic_roughness();
        let extension = |name: &str, field: &str| {
            material
                .extension_value(name)
                .and_then(|e| e.get(field))
                .and_then(serde_json::Value::as_f64)
        };
        let strength =
            extension("KHR_materials_emissive_strength", "emissiveStrength").unwrap_or(1.0) as f32;
        Material {
            base: pbr.base_color_factor(),
            base_texture: pbr
                .base_color_texture()
                .map(|info| self.texture(&info, true)),
            metallic: pbr.metallic_factor(),
            roughness: pbr.roughness_factor(),
            metal_rough_texture: pbr
                .metallic_roughness_texture()
                .map(|info| self.texture(&info, false)),
            emissive: scale(material.emissive_factor(), strength),
            emissive_texture: material
                .emissive_texture()
                .map(|info| self.texture(&info, true)),
            alpha: match material.alpha_mode() {
                gltf::material::AlphaMode::Opaque => AlphaMode::Opaque,
                gltf::material::AlphaMode::Mask => {
                    AlphaMode::Mask(material.alpha_cutoff().unwrap_or(0.5))
                }
                gltf::material::AlphaMode::Blend => AlphaMode::Blend,
            },
            double_sided: material.double_sided(),
            unlit: material.extension_value("KHR_materials_unlit").is_some(),
            transmission: extension("KHR_materials_transmission", "transmissionFactor")
                .unwrap_or(0.0)
                .clamp(0.0, 1.0) as f32,
        }
    }

    fn texture(&mut self, info: &gltf::texture::Info<'_>, srgb: bool) -> TextureRef {
        let texture = info.texture();
        let key = (texture.source().index(), srgb);
        let slot = match self.textures.iter().position(|&k| k == key) {
            Some(slot) => slot,
            None => {
                self.textures.push(key);
                self.textures.len() - 1
            }
        };
        let wrap = |mode| match mode {
            gltf::texture::WrappingMode::ClampToEdge => Wrap::Clamp,
            gltf::texture::WrappingMode::MirroredRepeat => Wrap::Mirror,
            gltf::texture::WrappingMode::Repeat => Wrap::Repeat,
        };
        let sampler = texture.sampler();
        let mut reference = TextureRef {
            slot,
            set: info.tex_coord() as usize,
            transform: None,
            wrap: [wrap(sampler.wrap_s()), wrap(sampler.wrap_t())],
        };
        if let Some(transform) = info.extension_value("KHR_texture_transform") {
            apply_texture_transform(&mut reference, transform);
        }
        reference
    }
}

/// `KHR_texture_transform`: offset · rotation · scale, and maybe another UV set.
fn apply_texture_transform(reference: &mut TextureRef, json: &serde_json::Value) {
    let pair = |key: &str, default: f32| {
        let value = |i: usize| {
            json.get(key)
                .and_then(|v| v.get(i))
                .and_then(serde_json::Value::as_f64)
                .map_or(default, |v| v as f32)
        };
        [value(0), value(1)]
    };
    let [ox, oy] = pair("offset", 0.0);
    let [sx, sy] = pair("scale", 1.0);
    let rotation = json
        .get("rotation")
        .and_then(serde_json::Value::as_f64)
        .unwrap_or(0.0) as f32;
    let (sin, cos) = rotation.sin_cos();
    reference.transform = Some([cos * sx, sin * sy, ox, -sin * sx, cos * sy, oy]);
    if let Some(set) = json.get("texCoord").and_then(serde_json::Value::as_u64) {
        reference.set = set as usize;
    }
}

// ---------------------------------------------------------------------------
// Textures: decoded once, kept as sRGB or linear bytes with a mip chain.

struct MipLevel {
    width: usize,
    height: usize,
    /// RGBA, row by row.
    texels: Vec<u8>,
}

struct Texture {
    /// Largest first; the first is at most [`MAX_TEXTURE_EDGE`] on its longer edge.
    levels: Vec<MipLevel>,
    srgb: bool,
}

/// Decodes the textures the draws use, a few at a time in parallel
/// (decoding dominates the time for textured models).
fn decode_textures(
    gltf: &gltf::Gltf,
    bin: &[u8],
    keys: &[(usize, bool)],
) -> Result<Vec<Texture>, PosterError> {
    let images: Vec<gltf::Image<'_>> = gltf.images().collect();
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(keys.len());
    let decode_next = || {
        let mut done = Vec::new();
        while let Some(&(image, srgb)) = keys.get(next.fetch_add(1, Ordering::Relaxed)) {
            let source = images.get(image).map(gltf::Image::source);
            let texture = decode_texture(source, bin, srgb)
                .map_err(|message| PosterError::Texture { image, message });
            done.push((image, srgb, texture));
        }
        done
    };
    let mut decoded: Vec<_> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads).map(|_| scope.spawn(decode_next)).collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().unwrap_or_default())
            .collect()
    });
    if decoded.len() != keys.len() {
        return Err(model_error("a texture decoder stopped unexpectedly"));
    }
    // Back into slot order.
    decoded.sort_by_key(|&(image, srgb, _)| keys.iter().position(|&k| k == (image, srgb)));
    decoded.into_iter().map(|(_, _, texture)| texture).collect()
}

fn decode_texture(
    source: Option<gltf::image::Source<'_>>,
    bin: &[u8],
    srgb: bool,
) -> Result<Texture, String> {
    let Some(gltf::image::Source::View { view, .. }) = source else {
        return Err("the image is not inside the GLB".into());
    };
    let bytes = view
        .offset()
        .checked_add(view.length())
        .and_then(|end| bin.get(view.offset()..end))
        .ok_or("its buffer view reaches past the binary chunk")?;
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    // Several textures decode at once: bound what each may allocate.
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_DECODED_TEXTURE_BYTES);
    reader.limits(limits);
    let decoded = reader.decode().map_err(|e| e.to_string())?;
    let rgba = decoded.into_rgba8();
    let mut level = MipLevel {
        width: rgba.width() as usize,
        height: rgba.height() as usize,
        texels: rgba.into_raw(),
    };
    if level.width == 0 || level.height == 0 {
        return Err("the image is empty".into());
    }
    while level.width.max(level.height) > MAX_TEXTURE_EDGE {
        level = halve(&level, srgb);
    }
    let mut levels = vec![level];
    while let Some(last) = levels.last().filter(|l| l.width.max(l.height) > 1) {
        let next = halve(last, srgb);
        levels.push(next);
    }
    Ok(Texture { levels, srgb })
}

/// A 2×2 box filter (averaging light, not sRGB codes, for colour).
fn halve(level: &MipLevel, srgb: bool) -> MipLevel {
    let (width, height) = ((level.width / 2).max(1), (level.height / 2).max(1));
    let decode = srgb_table();
    let mut texels = Vec::with_capacity(width * height * 4);
    for y in 0..height {
        let rows = [2 * y, (2 * y + 1).min(level.height - 1)];
        for x in 0..width {
            let columns = [2 * x, (2 * x + 1).min(level.width - 1)];
            let mut sum = [0.0f32; 4];
            for row in rows {
                for column in columns {
                    let at = (row * level.width + column) * 4;
                    let texel = &level.texels[at..at + 4];
                    for c in 0..4 {
                        sum[c] += if srgb && c < 3 {
                            decode[texel[c] as usize]
                        } else {
                            f32::from(texel[c]) / 255.0
                        };
                    }
                }
            }
            texels.extend((0..4).map(|c| {
                let mean = sum[c] / 4.0;
                if srgb && c < 3 {
                    linear_to_srgb_u8(mean)
                } else {
                    (mean * 255.0 + 0.5) as u8
                }
            }));
        }
    }
    MipLevel {
        width,
        height,
        texels,
    }
}

impl Texture {
    /// Bilinear sample, linear RGBA, from the mip level whose texels are
    /// about `footprint` (level-0 texels per poster pixel) apart.
    fn sample(&self, uv: [f32; 2], footprint: f32, wrap: [Wrap; 2]) -> [f32; 4] {
        let lod = footprint.max(1.0).log2().round() as usize;
        let level = &self.levels[lod.min(self.levels.len() - 1)];
        let x = wrap_coordinate(uv[0], wrap[0]) * level.width as f32 - 0.5;
        let y = wrap_coordinate(uv[1], wrap[1]) * level.height as f32 - 0.5;
        let (x0, y0) = (x.floor(), y.floor());
        let (fx, fy) = (x - x0, y - y0);
        let (x0, y0) = (x0 as i64, y0 as i64);
        let xs = [x0, x0 + 1].map(|i| wrap_texel(i, level.width, wrap[0]));
        let ys = [y0, y0 + 1].map(|i| wrap_texel(i, level.height, wrap[1]));
        let tap = |x: usize, y: usize| {
            let at = (y * level.width + x) * 4;
            self.texel([0, 1, 2, 3].map(|c| level.texels[at + c]))
        };
        let top = lerp4(tap(xs[0], ys[0]), tap(xs[1], ys[0]), fx);
        let bottom = lerp4(tap(xs[0], ys[1]), tap(xs[1], ys[1]), fx);
        lerp4(top, bottom, fy)
    }

    fn texel(&self, texel: [u8; 4]) -> [f32; 4] {
        if self.srgb {
            let decode = srgb_table();
            [
                decode[texel[0] as usize],
                decode[texel[1] as usize],
                decode[texel[2] as usize],
                f32::from(texel[3]) / 255.0,
            ]
        } else {
            texel.map(|c| f32::from(c) / 255.0)
        }
    }
}

fn lerp4(a: [f32; 4], b: [f32; 4], t: f32) -> [f32; 4] {
    std::array::from_fn(|i| a[i] + (b[i] - a[i]) * t)
}

/// Brings a texture coordinate into 0..=1 (NaN to 0), as the wrap mode says.
fn wrap_coordinate(u: f32, wrap: Wrap) -> f32 {
    if !u.is_finite() {
        return 0.0;
    }
    match wrap {
        Wrap::Repeat => u - u.floor(),
        Wrap::Clamp => u.clamp(0.0, 1.0),
        Wrap::Mirror => {
            let t = u.rem_euclid(2.0);
            if t > 1.0 { 2.0 - t } else { t }
        }
    }
}

/// A texel index one step outside the image, brought back in.
fn wrap_texel(i: i64, size: usize, wrap: Wrap) -> usize {
    let last = size as i64 - 1;
    let i = match wrap {
        Wrap::Repeat => i.rem_euclid(size as i64),
        Wrap::Clamp | Wrap::Mirror => i.clamp(0, last),
    };
    i as usize
}

// ---------------------------------------------------------------------------
// Colour.

fn srgb_to_linear(c: u8) -> f32 {
    let c = f32::from(c) / 255.0;
    if c <= 0.04045 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

fn srgb_table() -> &'static [f32; 256] {
    static TABLE: OnceLock<[f32; 256]> = OnceLock::new();
    TABLE.get_or_init(|| std::array::from_fn(|i| srgb_to_linear(i as u8)))
}

/// Steps in the linear → sRGB table: fine enough that every sRGB code
/// survives a round trip (the background must come out exactly).
const ENCODE_STEPS: usize = 16384;

fn linear_to_srgb_u8(c: f32) -> u8 {
    static TABLE: OnceLock<Vec<u8>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        (0..ENCODE_STEPS)
            .map(|i| {
                let c = i as f32 / (ENCODE_STEPS - 1) as f32;
                let s = if c <= 0.003_130_8 {
                    c * 12.92
                } else {
                    1.055 * c.powf(1.0 / 2.4) - 0.055
                };
                (s * 255.0 + 0.5) as u8
            })
            .collect()
    });
    let index = (c.clamp(0.0, 1.0) * (ENCODE_STEPS - 1) as f32 + 0.5) as usize;
    table[index.min(ENCODE_STEPS - 1)]
}

/// Khronos PBR Neutral, the viewer's tone mapper.
fn tone_map(color: V3) -> V3 {
    const START_COMPRESSION: f32 = 0.8 - 0.04;
    const DESATURATION: f32 = 0.15;
    let x = color[0].min(color[1]).min(color[2]);
    let offset = if x < 0.08 { x - 6.25 * x * x } else { 0.04 };
    let color = color.map(|c| c - offset);
    let peak = color[0].max(color[1]).max(color[2]);
    if peak < START_COMPRESSION {
        return color.map(|c| c.clamp(0.0, 1.0));
    }
    let d = 1.0 - START_COMPRESSION;
    let new_peak = 1.0 - d * d / (peak + d - START_COMPRESSION);
    let g = 1.0 - 1.0 / (DESATURATION * (peak - new_peak) + 1.0);
    color.map(|c| {
        let c = c * new_peak / peak;
        (c + (new_peak - c) * g).clamp(0.0, 1.0)
    })
}

// ---------------------------------------------------------------------------
// Camera.

/// The viewer's opening camera, projecting onto the sample grid.
struct Camera {
    eye: V3,
    right: V3,
    up: V3,
    forward: V3,
    /// Multipliers from view-space x/depth and y/depth to -1..1.
    scale_x: f32,
    scale_y: f32,
    width: f32,
    height: f32,
}

impl Camera {
    /// The orbit the viewer frames the same bounds with: vertical field of
    /// view π/4 whatever the aspect, looking at the target with +Y up.
    fn framing(min: V3, max: V3, width: usize, height: usize) -> Self {
        let orbit = Orbit::framing(min, max, FOV_Y);
        let eye = orbit.eye();
        let forward = normalize(sub(orbit.target, eye));
        let right = normalize(cross(forward, [0.0, 1.0, 0.0]));
        let up = cross(right, forward);
        let tan = (FOV_Y / 2.0).tan();
        let aspect = width as f32 / height as f32;
        Self {
            eye,
            right,
            up,
            forward,
            scale_x: 1.0 / (tan * aspect),
            scale_y: 1.0 / tan,
            width: width as f32,
            height: height as f32,
        }
    }

    /// Sample-grid x (right), y (down) and 1/depth; 1/depth is 0 for points
    /// at or behind the camera.
    fn project(&self, p: V3) -> V3 {
        let d = sub(p, self.eye);
        let depth = dot(d, self.forward);
        if depth.is_nan() || depth <= 1e-6 {
            return [0.0; 3];
        }
        let inv = 1.0 / depth;
        [
            (1.0 + dot(d, self.right) * self.scale_x * inv) * 0.5 * self.width,
            (1.0 - dot(d, self.up) * self.scale_y * inv) * 0.5 * self.height,
            inv,
        ]
    }
}

// ---------------------------------------------------------------------------
// Rasterizing.

/// The sample grid: the nearest opaque surface, then colour.
struct Frame {
    width: usize,
    height: usize,
    /// 1/depth of the nearest opaque surface (0: none).
    depth: Vec<f32>,
    /// 1 + that surface's triangle number in the scene (0: none).
    ids: Vec<u32>,
    /// sRGB bytes, as a GPU's 8-bit sRGB target holds them (the samples
    /// are few bytes each, so the grid stays small).
    color: Vec<[u8; 3]>,
}

impl Frame {
    fn new(width: usize, height: usize, background: [u8; 3]) -> Self {
        let samples = width * height;
        Self {
            width,
            height,
            depth: vec![0.0; samples],
            ids: vec![0; samples],
            color: vec![background; samples],
        }
    }
}

fn encode(color: V3) -> [u8; 3] {
    color.map(linear_to_srgb_u8)
}

fn decode(color: [u8; 3]) -> V3 {
    let table = srgb_table();
    color.map(|c| table[c as usize])
}

/// (x1 - x0)(y2 - y0) - (y1 - y0)(x2 - x0): twice the signed area.
fn edge(a: V3, b: V3, p: [f32; 2]) -> f32 {
    (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])
}

/// The triangle's vertices on the sample grid, or `None` when one is
/// behind the camera.
fn screen_triangle(draw: &Draw, triangle: [u32; 3]) -> Option<[V3; 3]> {
    let s = triangle.map(|i| draw.screen[i as usize]);
    s.iter().all(|v| v[2] > 0.0).then_some(s)
}

/// Whether we see the triangle's front: counter-clockwise in glTF, which on
/// a y-down grid has a negative signed area (unless the node mirrors).
fn front_facing(s: &[V3; 3], mirrored: bool) -> bool {
    (edge(s[0], s[1], [s[2][0], s[2][1]]) < 0.0) != mirrored
}

/// Calls `fragment(sample index, barycentrics)` for every sample centre the
/// triangle covers. Shared edges follow the top-left rule, so a sample is
/// never blended twice.
fn rasterize(s: &[V3; 3], width: usize, height: usize, mut fragment: impl FnMut(usize, [f32; 3])) {
    let area = edge(s[0], s[1], [s[2][0], s[2][1]]);
    if area == 0.0 || !area.is_finite() {
        return;
    }
    let sign = area.signum();
    let inv_area = 1.0 / area.abs();
    let min = |a: usize| s[0][a].min(s[1][a]).min(s[2][a]);
    let max = |a: usize| s[0][a].max(s[1][a]).max(s[2][a]);
    let x_start = (min(0) - 0.5).ceil().max(0.0);
    let x_end = (max(0) - 0.5).floor().min(width as f32 - 1.0);
    let y_start = (min(1) - 0.5).ceil().max(0.0);
    let y_end = (max(1) - 0.5).floor().min(height as f32 - 1.0);
    if x_start > x_end || y_start > y_end {
        return;
    }
    // Edge i is opposite vertex i; its value there is the area, so
    // value / area is vertex i's barycentric weight.
    let edges = [(1, 2), (2, 0), (0, 1)].map(|(a, b)| {
        let (p, q) = (s[a], s[b]);
        let (dx, dy) = (sign * (q[0] - p[0]), sign * (q[1] - p[1]));
        // Top edges run right, left edges run up, on a y-down grid.
        let top_left = (dy == 0.0 && dx > 0.0) || dy < 0.0;
        (p, dx, dy, top_left)
    });
    let (x_start, x_end) = (x_start as usize, x_end as usize);
    for y in y_start as usize..=y_end as usize {
        let py = y as f32 + 0.5;
        let px = x_start as f32 + 0.5;
        let mut values = edges.map(|(p, dx, dy, _)| dx * (py - p[1]) - dy * (px - p[0]));
        let steps = edges.map(|(_, _, dy, _)| -dy);
        let row = y * width;
        for x in x_start..=x_end {
            let inside = (0..3).all(|i| values[i] > 0.0 || (values[i] == 0.0 && edges[i].3));
            if inside {
                fragment(row + x, values.map(|v| v * inv_area));
            }
            for i in 0..3 {
                values[i] += steps[i];
            }
        }
    }
}

/// 1/depth at screen barycentrics `l`.
fn inverse_depth(s: &[V3; 3], l: [f32; 3]) -> f32 {
    l[0] * s[0][2] + l[1] * s[1][2] + l[2] * s[2][2]
}

/// Perspective-correct weights from screen barycentrics.
fn perspective(s: &[V3; 3], l: [f32; 3]) -> [f32; 3] {
    let w = [l[0] * s[0][2], l[1] * s[1][2], l[2] * s[2][2]];
    let sum = w[0] + w[1] + w[2];
    if sum > 0.0 {
        w.map(|x| x / sum)
    } else {
        [1.0 / 3.0; 3]
    }
}

/// Screen barycentrics of any point (outside the triangle too).
fn barycentrics(s: &[V3; 3], p: [f32; 2]) -> [f32; 3] {
    let area = edge(s[0], s[1], [s[2][0], s[2][1]]);
    if area == 0.0 {
        return [1.0 / 3.0; 3];
    }
    [
        edge(s[1], s[2], p) / area,
        edge(s[2], s[0], p) / area,
        edge(s[0], s[1], p) / area,
    ]
}

/// Fills the depth and id buffers with opaque and alpha-tested surfaces.
fn draw_opaque(shader: &Shader<'_>, frame: &mut Frame) {
    let (width, height) = (frame.width, frame.height);
    for draw in shader.draws {
        let material = &shader.materials[draw.material];
        if material.is_translucent() {
            continue;
        }
        for (t, &triangle) in draw.triangles.iter().enumerate() {
            let Some(s) = screen_triangle(draw, triangle) else {
                continue;
            };
            if !material.double_sided && !front_facing(&s, draw.mirrored) {
                continue;
            }
            rasterize(&s, width, height, |index, l| {
                let z = inverse_depth(&s, l);
                if z <= frame.depth[index] {
                    return;
                }
                if let AlphaMode::Mask(cutoff) = material.alpha {
                    let b = perspective(&s, l);
                    if shader.coverage(draw, material, triangle, b) < cutoff {
                        return;
                    }
                }
                frame.depth[index] = z;
                frame.ids[index] = draw.first_triangle + t as u32 + 1;
            });
        }
    }
}

/// Output rows shaded as one piece of work.
const BAND_ROWS: usize = 8;

/// Shades the opaque surfaces, bands of rows in parallel.
fn resolve_opaque(shader: &Shader<'_>, frame: &mut Frame) {
    let (width, ids) = (frame.width, &frame.ids);
    let band_len = width * SUPERSAMPLE * BAND_ROWS;
    let bands = Mutex::new(frame.color.chunks_mut(band_len).enumerate());
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                while let Some((band, color)) = bands.lock().ok().and_then(|mut b| b.next()) {
                    resolve_band(shader, ids, width, band * BAND_ROWS, color);
                }
            });
        }
    });
}

/// Shades each poster pixel of a band once per opaque triangle among its
/// samples, at the centre of the samples that triangle covers.
fn resolve_band(
    shader: &Shader<'_>,
    ids: &[u32],
    width: usize,
    first_row: usize,
    color: &mut [[u8; 3]],
) {
    const N: usize = SUPERSAMPLE * SUPERSAMPLE;
    let rows = color.len() / (width * SUPERSAMPLE);
    let band_start = first_row * SUPERSAMPLE * width;
    for y in first_row..first_row + rows {
        for x in 0..width / SUPERSAMPLE {
            let grid: [(usize, usize); N] = std::array::from_fn(|i| {
                (
                    x * SUPERSAMPLE + i % SUPERSAMPLE,
                    y * SUPERSAMPLE + i / SUPERSAMPLE,
                )
            });
            let index = grid.map(|(gx, gy)| gy * width + gx);
            let mut done = [false; N];
            for first in 0..N {
                let id = ids[index[first]];
                if done[first] || id == 0 {
                    continue;
                }
                let same: [bool; N] = std::array::from_fn(|i| !done[i] && ids[index[i]] == id);
                let (mut centre, mut n) = ([0.0f32; 2], 0.0f32);
                for i in (0..N).filter(|&i| same[i]) {
                    centre[0] += grid[i].0 as f32 + 0.5;
                    centre[1] += grid[i].1 as f32 + 0.5;
                    n += 1.0;
                    done[i] = true;
                }
                let (d, t) = shader.locate(id - 1);
                let shaded = shader.shade(d, t, centre.map(|c| c / n), SUPERSAMPLE as f32);
                let encoded = encode(shaded.add);
                for i in (0..N).filter(|&i| same[i]) {
                    color[index[i] - band_start] = encoded;
                }
            }
        }
    }
}

/// Blended and transmissive draws, farthest first, over the opaque picture;
/// they test against its depth but do not write their own.
fn draw_translucent(shader: &Shader<'_>, camera: &Camera, frame: &mut Frame) {
    let mut order: Vec<(f32, usize)> = shader
        .draws
        .iter()
        .enumerate()
        .filter(|(_, draw)| shader.materials[draw.material].is_translucent())
        .map(|(d, draw)| (dot(sub(draw.center, camera.eye), camera.forward), d))
        .collect();
    order.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (width, height) = (frame.width, frame.height);
    for (_, d) in order {
        let draw = &shader.draws[d];
        let material = &shader.materials[draw.material];
        for (t, &triangle) in draw.triangles.iter().enumerate() {
            let Some(s) = screen_triangle(draw, triangle) else {
                continue;
            };
            if !material.double_sided && !front_facing(&s, draw.mirrored) {
                continue;
            }
            rasterize(&s, width, height, |index, l| {
                if inverse_depth(&s, l) <= frame.depth[index] {
                    return;
                }
                let centre = [(index % width) as f32 + 0.5, (index / width) as f32 + 0.5];
                let shaded = shader.shade(d, t, centre, 1.0);
                let behind = decode(frame.color[index]);
                frame.color[index] = encode(add(mul(behind, shaded.multiply), shaded.add));
            });
        }
    }
}

/// Averages each poster pixel's samples and encodes them as sRGB bytes.
fn downsample(frame: &Frame, width: usize, height: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(width * height * 3);
    let n = (SUPERSAMPLE * SUPERSAMPLE) as f32;
    for y in 0..height {
        for x in 0..width {
            let mut sum = [0.0f32; 3];
            for sy in 0..SUPERSAMPLE {
                let row = (y * SUPERSAMPLE + sy) * frame.width;
                for sx in 0..SUPERSAMPLE {
                    sum = add(sum, decode(frame.color[row + x * SUPERSAMPLE + sx]));
                }
            }
            out.extend(sum.map(|c| linear_to_srgb_u8(c / n)));
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Shading.

/// A directional light: unit vector towards it, and its colour × intensity.
struct Light {
    direction: V3,
    color: V3,
}

/// The viewer's lamps, in its exposure.
fn viewer_lights() -> [Light; 2] {
    studio::LAMPS.map(|lamp| Light {
        direction: normalize(lamp.from),
        color: lamp
            .srgb
            .map(|c| srgb_to_linear((c * 255.0).round() as u8) * lamp.lux * EXPOSURE),
    })
}

/// What a shaded fragment does to the colour behind it:
/// `behind × multiply + add`.
struct Shaded {
    add: V3,
    multiply: V3,
}

/// A surface point: interpolated attributes and their change per pixel.
struct Fragment {
    position: V3,
    normal: V3,
    uv: [[f32; 2]; 2],
    /// Texture-coordinate change over one poster pixel, x and y, per set.
    uv_dx: [[f32; 2]; 2],
    uv_dy: [[f32; 2]; 2],
    color: [f32; 4],
}

struct Shader<'a> {
    draws: &'a [Draw],
    materials: &'a [Material],
    textures: &'a [Texture],
    eye: V3,
    lights: [Light; 2],
}

impl Shader<'_> {
    /// The draw and triangle index of a triangle's number in the scene.
    fn locate(&self, triangle: u32) -> (usize, usize) {
        let d = self
            .draws
            .partition_point(|draw| draw.first_triangle <= triangle)
            .saturating_sub(1);
        (d, (triangle - self.draws[d].first_triangle) as usize)
    }

    /// The base colour's alpha, for alpha testing while rasterizing.
    fn coverage(&self, draw: &Draw, material: &Material, triangle: [u32; 3], b: [f32; 3]) -> f32 {
        let mut alpha = material.base[3];
        if let Some(colors) = &draw.colors {
            alpha *= interpolate(colors, triangle, b)[3];
        }
        if let Some(reference) = material.base_texture {
            let uv = draw.uvs[reference.set.min(1)].as_ref();
            let uv = uv.map_or([0.0; 2], |uvs| interpolate(uvs, triangle, b));
            let texture = &self.textures[reference.slot];
            alpha *= texture.sample(transform_uv(&reference, uv), 1.0, reference.wrap)[3];
        }
        alpha
    }

    /// The colour of triangle `t` of draw `d` at sample-grid point `p`;
    /// `step` is the width of a poster pixel there, in samples.
    fn shade(&self, d: usize, t: usize, p: [f32; 2], step: f32) -> Shaded {
        let draw = &self.draws[d];
        let material = &self.materials[draw.material];
        let triangle = draw.triangles[t];
        let s = triangle.map(|i| draw.screen[i as usize]);
        let front = front_facing(&s, draw.mirrored);
        let fragment = fragment(draw, triangle, &s, p, step);
        let base = self.base_color(material, &fragment);
        let alpha = match material.alpha {
            AlphaMode::Blend => base[3].clamp(0.0, 1.0),
            _ => 1.0,
        };
        let rgb = [base[0], base[1], base[2]];
        let light = if material.unlit {
            rgb
        } else {
            let view = normalize(sub(self.eye, fragment.position));
            let normal = if front {
                fragment.normal
            } else {
                scale(fragment.normal, -1.0)
            };
            let surface = self.surface(material, &fragment, rgb);
            self.light(&surface, normal, view)
        };
        let transmitted = scale(rgb, material.transmission * (1.0 - material.metallic));
        Shaded {
            add: scale(tone_map(light), alpha),
            multiply: add([1.0 - alpha; 3], scale(transmitted, alpha)),
        }
    }

    fn sample(&self, reference: &TextureRef, fragment: &Fragment) -> [f32; 4] {
        let set = reference.set.min(1);
        let texture = &self.textures[reference.slot];
        let uv = transform_uv(reference, fragment.uv[set]);
        let size = &texture.levels[0];
        let footprint = |d: [f32; 2]| {
            let d = transform_vector(reference, d);
            let (x, y) = (d[0] * size.width as f32, d[1] * size.height as f32);
            (x * x + y * y).sqrt()
        };
        let footprint = footprint(fragment.uv_dx[set]).max(footprint(fragment.uv_dy[set]));
        texture.sample(uv, footprint, reference.wrap)
    }

    fn base_color(&self, material: &Material, fragment: &Fragment) -> [f32; 4] {
        let mut base = material.base;
        if let Some(reference) = &material.base_texture {
            let texel = self.sample(reference, fragment);
            base = std::array::from_fn(|i| base[i] * texel[i]);
        }
        std::array::from_fn(|i| base[i] * fragment.color[i])
    }

    fn surface(&self, material: &Material, fragment: &Fragment, base: V3) -> Surface {
        let (mut metallic, mut roughness) = (material.metallic, material.roughness);
        if let Some(reference) = &material.metal_rough_texture {
            let texel = self.sample(reference, fragment);
            metallic *= texel[2];
            roughness *= texel[1];
        }
        let mut emissive = material.emissive;
        if let Some(reference) = &material.emissive_texture {
            let texel = self.sample(reference, fragment);
            emissive = mul(emissive, [texel[0], texel[1], texel[2]]);
        }
        Surface {
            base,
            metallic: metallic.clamp(0.0, 1.0),
            roughness,
            emissive,
            transmission: material.transmission,
        }
    }

    /// Bevy's standard material under the viewer's lights, without shadows.
    fn light(&self, s: &Surface, n: V3, v: V3) -> V3 {
        let nov = dot(n, v).max(1e-4);
        let diffuse = scale(s.base, (1.0 - s.metallic) * (1.0 - s.transmission));
        let f0 = add(
            scale([0.04; 3], 1.0 - s.metallic),
            scale(s.base, s.metallic),
        );
        let perceptual = s.roughness.clamp(0.089, 1.0);
        let roughness = perceptual * perceptual;
        let mut out = environment(s, diffuse, perceptual, n, v, nov);
        for light in &self.lights {
            let l = light.direction;
            let nol = dot(n, l);
            if nol <= 0.0 {
                continue;
            }
            let h = normalize(add(l, v));
            let noh = dot(n, h).clamp(0.0, 1.0);
            let loh = dot(l, h).clamp(0.0, 1.0);
            let specular = scale(
                fresnel(f0, loh),
                d_ggx(roughness, noh) * v_smith_ggx(roughness, nov, nol),
            );
            let diffuse = scale(diffuse, fd_burley(roughness, nov, nol, loh));
            out = add(out, scale(mul(add(diffuse, specular), light.color), nol));
        }
        add(out, s.emissive)
    }
}

/// What the lighting needs to know about a surface point.
struct Surface {
    base: V3,
    metallic: f32,
    roughness: f32,
    emissive: V3,
    transmission: f32,
}

/// Interpolates draw attributes at sample-grid point `p`, with their change
/// over `step` samples for texture filtering.
fn fragment(draw: &Draw, triangle: [u32; 3], s: &[V3; 3], p: [f32; 2], step: f32) -> Fragment {
    let b = perspective(s, barycentrics(s, p));
    let bx = perspective(s, barycentrics(s, [p[0] + step, p[1]]));
    let by = perspective(s, barycentrics(s, [p[0], p[1] + step]));
    let position = interpolate(&draw.positions, triangle, b);
    let normal = match &draw.normals {
        Some(normals) => normalize(interpolate(normals, triangle, b)),
        None => {
            let [a, b, c] = triangle.map(|i| draw.positions[i as usize]);
            let n = normalize(cross(sub(b, a), sub(c, a)));
            if draw.mirrored { scale(n, -1.0) } else { n }
        }
    };
    let mut uv = [[0.0; 2]; 2];
    let mut uv_dx = [[0.0; 2]; 2];
    let mut uv_dy = [[0.0; 2]; 2];
    for (set, uvs) in draw.uvs.iter().enumerate() {
        if let Some(uvs) = uvs {
            let at = interpolate(uvs, triangle, b);
            let dx = interpolate(uvs, triangle, bx);
            let dy = interpolate(uvs, triangle, by);
            uv[set] = at;
            uv_dx[set] = [dx[0] - at[0], dx[1] - at[1]];
            uv_dy[set] = [dy[0] - at[0], dy[1] - at[1]];
        }
    }
    let color = draw
        .colors
        .as_ref()
        .map_or([1.0; 4], |colors| interpolate(colors, triangle, b));
    Fragment {
        position,
        normal,
        uv,
        uv_dx,
        uv_dy,
        color,
    }
}

fn interpolate<const N: usize>(values: &[[f32; N]], triangle: [u32; 3], b: [f32; 3]) -> [f32; N] {
    let [p, q, r] = triangle.map(|i| values[i as usize]);
    std::array::from_fn(|i| p[i] * b[0] + q[i] * b[1] + r[i] * b[2])
}

fn transform_uv(reference: &TextureRef, uv: [f32; 2]) -> [f32; 2] {
    match reference.transform {
        Some([a, b, c, d, e, f]) => [a * uv[0] + b * uv[1] + c, d * uv[0] + e * uv[1] + f],
        None => uv,
    }
}

/// The transform without its offset, for texture-coordinate differences.
fn transform_vector(reference: &TextureRef, v: [f32; 2]) -> [f32; 2] {
    match reference.transform {
        Some([a, b, _, d, e, _]) => [a * v[0] + b * v[1], d * v[0] + e * v[1]],
        None => v,
    }
}

/// Bevy's environment-map light (split sum with multiple scattering) in the
/// studio environment.
fn environment(s: &Surface, diffuse: V3, perceptual_roughness: f32, n: V3, v: V3, nov: f32) -> V3 {
    let [fa, fb] = f_ab(perceptual_roughness, nov);
    let ems = 1.0 - (fa + fb);
    let f0_metallic = s.base;
    let f0_surface = add(
        scale([0.04; 3], 1.0 - s.metallic),
        scale(f0_metallic, s.metallic),
    );
    let specular_occlusion = dot(f0_surface, [50.0 * 0.33; 3]).clamp(0.0, 1.0);
    // Per channel: (single-scattering, multiple-scattering, diffuse) energy.
    let scatter = |f0: f32| {
        let fss_ess = (f0 * fa + fb) * specular_occlusion;
        let f_avg = f0 + (1.0 - f0) / 21.0;
        let fms_ems = fss_ess * f_avg / (1.0 - ems * f_avg) * ems;
        (fss_ess, fms_ems, 1.0 - (fss_ess + fms_ems))
    };
    let dielectric = scatter(0.04);
    let metal = f0_metallic.map(scatter);
    let mix = |d: f32, m: f32| d + (m - d) * s.metallic;
    let fss_ess: V3 = std::array::from_fn(|i| mix(dielectric.0, metal[i].0));
    let fms_ems: V3 = std::array::from_fn(|i| mix(dielectric.1, metal[i].1));
    let kd = scale(diffuse, dielectric.2);

    let tables = studio_tables();
    let irradiance = scale(tables.irradiance(n[1]), ENVIRONMENT);
    // Bevy reads the reflection bent towards the normal as roughness grows.
    let roughness = perceptual_roughness * perceptual_roughness;
    let r = sub(scale(n, 2.0 * dot(n, v)), v);
    let smoothness = (1.0 - roughness).clamp(0.0, 1.0);
    let bend = smoothness * (smoothness.sqrt() + roughness);
    let direction = normalize(add(scale(n, 1.0 - bend), scale(r, bend)));
    let radiance = scale(
        tables.specular(perceptual_roughness, direction[1]),
        ENVIRONMENT,
    );
    add(mul(add(fms_ems, kd), irradiance), mul(fss_ess, radiance))
}

fn f_ab(perceptual_roughness: f32, nov: f32) -> [f32; 2] {
    let c0 = [-1.0, -0.0275, -0.572, 0.022];
    let c1 = [1.0, 0.0425, 1.04, -0.04];
    let r: [f32; 4] = std::array::from_fn(|i| perceptual_roughness * c0[i] + c1[i]);
    let a004 = (r[0] * r[0]).min((-9.28 * nov).exp2()) * r[0] + r[1];
    [-1.04 * a004 + r[2], 1.04 * a004 + r[3]]
}

fn d_ggx(roughness: f32, noh: f32) -> f32 {
    let one_minus = 1.0 - noh * noh;
    let a = noh * roughness;
    let k = roughness / (one_minus + a * a);
    k * k / PI
}

fn v_smith_ggx(roughness: f32, nov: f32, nol: f32) -> f32 {
    let a2 = roughness * roughness;
    let lambda_v = nol * ((nov - a2 * nov) * nov + a2).sqrt();
    let lambda_l = nov * ((nol - a2 * nol) * nol + a2).sqrt();
    0.5 / (lambda_v + lambda_l)
}

fn fresnel(f0: V3, loh: f32) -> V3 {
    let f90 = dot(f0, [50.0 * 0.33; 3]).clamp(0.0, 1.0);
    let k = (1.0 - loh).powi(5);
    f0.map(|f| f + (f90 - f) * k)
}

fn fd_burley(roughness: f32, nov: f32, nol: f32, loh: f32) -> f32 {
    let f90 = 0.5 + 2.0 * roughness * loh * loh;
    let schlick = |n: f32| 1.0 + (f90 - 1.0) * (1.0 - n).powi(5);
    schlick(nol) * schlick(nov) / PI
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_orbit_target_lands_in_the_middle_of_the_picture() {
        for (width, height) in [(1600, 1600), (1600, 900), (300, 1200)] {
            let camera = Camera::framing([-1.0, 0.0, -2.0], [3.0, 1.0, 0.5], width, height);
            let orbit = Orbit::framing([-1.0, 0.0, -2.0], [3.0, 1.0, 0.5], FOV_Y);
            let [x, y, inv] = camera.project(orbit.target);
            assert!((x - width as f32 / 2.0).abs() < 1e-2, "{x}");
            assert!((y - height as f32 / 2.0).abs() < 1e-2, "{y}");
            assert!((1.0 / inv - orbit.distance).abs() < 1e-3);
        }
    }

    #[test]
    fn up_is_up_and_the_vertical_field_of_view_is_a_quarter_turn_over_two() {
        let camera = Camera::framing([-1.0; 3], [1.0; 3], 800, 400);
        let orbit = Orbit::framing([-1.0; 3], [1.0; 3], FOV_Y);
        // A point on the edge of the vertical field of view, straight above
        // the target as the camera sees it, lands on the top row.
        let above = add(
            orbit.target,
            scale(camera.up, orbit.distance * (FOV_Y / 2.0).tan()),
        );
        let [x, y, _] = camera.project(above);
        assert!((x - 400.0).abs() < 1e-2 && y.abs() < 1e-2, "{x} {y}");
        // The whole bounding sphere fits vertically.
        let radius = 3.0f32.sqrt();
        let top = add(orbit.target, scale(camera.up, radius));
        assert!(camera.project(top)[1] > 0.0);
    }

    #[test]
    fn srgb_codes_survive_the_round_trip() {
        for code in 0..=255u8 {
            assert_eq!(linear_to_srgb_u8(srgb_to_linear(code)), code);
        }
    }

    #[test]
    fn tone_mapping_keeps_darks_and_compresses_brights() {
        let dark = tone_map([0.3, 0.2, 0.1]);
        assert!(dark.iter().all(|&c| c < 0.31));
        let bright = tone_map([8.0, 8.0, 8.0]);
        assert!(bright.iter().all(|&c| c > 0.95 && c <= 1.0));
    }

    #[test]
    fn a_shared_edge_is_covered_once() {
        let mut hits = vec![0u8; 16 * 16];
        let quad = [
            [1.0, 1.0, 1.0],
            [15.0, 1.0, 1.0],
            [15.0, 15.0, 1.0],
            [1.0, 15.0, 1.0],
        ];
        for triangle in [[0, 1, 2], [0, 2, 3]] {
            rasterize(&triangle.map(|i| quad[i]), 16, 16, |i, _| hits[i] += 1);
        }
        assert!(hits.iter().all(|&h| h <= 1));
        assert_eq!(hits.iter().filter(|&&h| h == 1).count(), 14 * 14);
    }

    #[test]
    fn textures_wrap_as_their_sampler_says() {
        assert_eq!(wrap_coordinate(1.25, Wrap::Repeat), 0.25);
        assert_eq!(wrap_coordinate(1.25, Wrap::Clamp), 1.0);
        assert_eq!(wrap_coordinate(1.25, Wrap::Mirror), 0.75);
        assert_eq!(wrap_coordinate(f32::NAN, Wrap::Repeat), 0.0);
        assert_eq!(wrap_texel(-1, 4, Wrap::Repeat), 3);
        assert_eq!(wrap_texel(4, 4, Wrap::Clamp), 3);
    }
}
