//! Reads the asset pipeline's level GLBs into flat draw lists for the quick
//! look (the page's small WebGL2 renderer that shows the coarsest level
//! while the Bevy viewer downloads).
//!
//! It reads what the pipeline writes (`vitrine_pipeline::ladder`): node
//! transforms, indexed triangles, float or normalised-integer attributes,
//! PNG/JPEG images inside the GLB, metallic-roughness materials and
//! `KHR_materials_variants`. Node transforms are baked into the vertices, so
//! a renderer needs no scene graph. Anything else (skins, morph targets,
//! points and lines) is skipped: the full viewer shows it moments later.

use crate::material_variants::MaterialVariants;
use crate::vector::normalize;
use serde_json::Value;

/// Node visits are bounded: instancing could otherwise multiply a tiny file
/// into endless work.
const MAX_NODE_VISITS: usize = 100_000;
/// The quick look shows the coarsest level, a few thousand triangles; a file
/// with more is not what it is for.
const MAX_TRIANGLES: usize = 2_000_000;

/// Why a GLB could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct GlbError(pub String);

impl std::fmt::Display for GlbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot read the model: {}", self.0)
    }
}

impl std::error::Error for GlbError {}

fn error(message: impl Into<String>) -> GlbError {
    GlbError(message.into())
}

/// A model ready to upload: world-space triangles and their materials.
#[derive(Debug, Clone, PartialEq)]
pub struct Scene {
    pub draws: Vec<Draw>,
    /// The glTF's materials, then one default material (glTF's, for
    /// primitives without one).
    pub materials: Vec<Material>,
    pub images: Vec<Image>,
    pub variants: MaterialVariants,
}

/// One primitive of one node, in world space.
#[derive(Debug, Clone, PartialEq)]
pub struct Draw {
    /// Which glTF mesh and primitive it is (material variants map these).
    pub mesh: usize,
    pub primitive: usize,
    pub positions: Vec<[f32; 3]>,
    pub normals: Vec<[f32; 3]>,
    /// `TEXCOORD_0`, when the primitive has one.
    pub uvs: Option<Vec<[f32; 2]>>,
    /// Counter-clockwise triangles (mirroring transforms are undone).
    pub indices: Vec<u32>,
    /// Index into [`Scene::materials`].
    pub material: usize,
}

impl Draw {
    /// The centre of its vertices' bounds (to sort see-through draws).
    pub fn centre(&self) -> [f32; 3] {
        let mut min = [f32::INFINITY; 3];
        let mut max = [f32::NEG_INFINITY; 3];
        for p in &self.positions {
            for axis in 0..3 {
                min[axis] = min[axis].min(p[axis]);
                max[axis] = max[axis].max(p[axis]);
            }
        }
        std::array::from_fn(|axis| (min[axis] + max[axis]) / 2.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AlphaMode {
    Opaque,
    /// Fragments below the cutoff are discarded.
    Mask(f32),
    Blend,
}

/// glTF's metallic-roughness material, as far as the quick look draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct Material {
    /// Linear RGBA.
    pub base_color: [f32; 4],
    /// sRGB.
    pub base_color_texture: Option<TextureRef>,
    pub metallic: f32,
    pub roughness: f32,
    /// Green: roughness, blue: metalness (linear).
    pub metallic_roughness_texture: Option<TextureRef>,
    pub emissive: [f32; 3],
    /// sRGB.
    pub emissive_texture: Option<TextureRef>,
    pub alpha: AlphaMode,
    pub double_sided: bool,
    pub unlit: bool,
}

impl Default for Material {
    /// glTF's default material.
    fn default() -> Self {
        Self {
            base_color: [1.0; 4],
            base_color_texture: None,
            metallic: 1.0,
            roughness: 1.0,
            metallic_roughness_texture: None,
            emissive: [0.0; 3],
            emissive_texture: None,
            alpha: AlphaMode::Opaque,
            double_sided: false,
            unlit: false,
        }
    }
}

/// A material's texture: the image and where on it `TEXCOORD_0` points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextureRef {
    /// Index into [`Scene::images`].
    pub image: usize,
    /// `KHR_texture_transform` as rows of a 2×3 matrix:
    /// `u' = t[0]·u + t[1]·v + t[2]`, `v' = t[3]·u + t[4]·v + t[5]`.
    pub transform: [f32; 6],
}

impl TextureRef {
    pub const IDENTITY: [f32; 6] = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0];
}

/// An encoded image inside the GLB: `glb[start..end]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    pub mime: String,
    pub start: usize,
    pub end: usize,
}

/// Reads a GLB (glTF 2.0 binary container).
pub fn read(glb: &[u8]) -> Result<Scene, GlbError> {
    let (json, bin) = split_container(glb)?;
    let root: Value =
        serde_json::from_slice(json).map_err(|e| error(format!("bad glTF JSON: {e}")))?;
    let bin_offset = bin.as_ptr() as usize - glb.as_ptr() as usize;
    let reader = Reader { root: &root, bin };

    let mut materials: Vec<Material> = array(&root, "materials")
        .iter()
        .map(|m| read_material(&root, m))
        .collect();
    let default_material = materials.len();
    materials.push(Material::default());

    let images = array(&root, "images")
        .iter()
        .enumerate()
        .map(|(i, image)| {
            let view = image["bufferView"]
                .as_u64()
                .ok_or_else(|| error(format!("image {i} is not inside the GLB")))?;
            let (start, length, _) = reader.view(view as usize)?;
            Ok(Image {
                mime: image["mimeType"]
                    .as_str()
                    .unwrap_or("image/png")
                    .to_string(),
                start: bin_offset + start,
                end: bin_offset + start + length,
            })
        })
        .collect::<Result<Vec<_>, GlbError>>()?;

    let mut draws = Vec::new();
    let mut visits = 0usize;
    let mut triangles = 0usize;
    let scene = root["scene"].as_u64().unwrap_or(0) as usize;
    let roots: Vec<usize> = match root["scenes"].get(scene) {
        Some(scene) => indices(&scene["nodes"]),
        // No scene: every node that is nobody's child is a root.
        None => {
            let children: Vec<usize> = array(&root, "nodes")
                .iter()
                .flat_map(|n| indices(&n["children"]))
                .collect();
            (0..array(&root, "nodes").len())
                .filter(|n| !children.contains(n))
                .collect()
        }
    };
    let mut stack: Vec<(usize, Matrix)> = roots.into_iter().map(|n| (n, IDENTITY)).collect();
    while let Some((node_index, parent)) = stack.pop() {
        visits += 1;
        if visits > MAX_NODE_VISITS {
            return Err(error("the scene has too many node instances"));
        }
        let node = root["nodes"]
            .get(node_index)
            .ok_or_else(|| error(format!("node {node_index} does not exist")))?;
        let world = multiply(&parent, &local_transform(node));
        if let Some(mesh) = node["mesh"].as_u64() {
            for draw in reader.mesh(mesh as usize, &world, default_material)? {
                triangles += draw.indices.len() / 3;
                if triangles > MAX_TRIANGLES {
                    return Err(error("the model has too many triangles for a quick look"));
                }
                draws.push(draw);
            }
        }
        for child in indices(&node["children"]) {
            stack.push((child, world));
        }
    }
    if draws.is_empty() {
        return Err(error("the model has no triangles"));
    }
    Ok(Scene {
        draws,
        materials,
        images,
        variants: MaterialVariants::from_gltf_json(&root),
    })
}

/// The JSON and BIN chunks of a GLB.
fn split_container(glb: &[u8]) -> Result<(&[u8], &[u8]), GlbError> {
    let word = |at: usize| -> Option<u32> {
        glb.get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    if glb.get(0..4) != Some(b"glTF") {
        return Err(error("not a GLB file"));
    }
    if word(4) != Some(2) {
        return Err(error("only glTF 2.0 is supported"));
    }
    let mut at = 12;
    let (mut json, mut bin) = (None, &[][..]);
    while let (Some(length), Some(kind)) = (word(at), word(at + 4)) {
        let start = at + 8;
        let chunk = glb
            .get(start..start + length as usize)
            .ok_or_else(|| error("a chunk runs past the end of the file"))?;
        match kind {
            0x4E4F_534A => json = Some(chunk),
            0x004E_4942 => bin = chunk,
            _ => {}
        }
        at = start + length as usize;
    }
    Ok((json.ok_or_else(|| error("the GLB has no JSON chunk"))?, bin))
}

fn array<'a>(root: &'a Value, key: &str) -> &'a [Value] {
    root[key].as_array().map(Vec::as_slice).unwrap_or_default()
}

fn indices(value: &Value) -> Vec<usize> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_u64().map(|v| v as usize))
        .collect()
}

fn floats<const N: usize>(value: &Value, default: [f32; N]) -> [f32; N] {
    match value.as_array() {
        Some(list) if list.len() == N => {
            std::array::from_fn(|i| list[i].as_f64().map_or(default[i], |v| v as f32))
        }
        _ => default,
    }
}

fn read_material(root: &Value, json: &Value) -> Material {
    let pbr = &json["pbrMetallicRoughness"];
    // A texture reference → the image it samples, and how.
    let texture = |info: &Value| {
        let texture = info["index"].as_u64()?;
        let source = root["textures"].get(texture as usize)?["source"].as_u64()?;
        Some(TextureRef {
            image: source as usize,
            transform: texture_transform(&info["extensions"]["KHR_texture_transform"]),
        })
    };
    let number = |value: &Value, default: f32| value.as_f64().map_or(default, |v| v as f32);
    let mut emissive = floats(&json["emissiveFactor"], [0.0; 3]);
    let strength = number(
        &json["extensions"]["KHR_materials_emissive_strength"]["emissiveStrength"],
        1.0,
    );
    emissive = emissive.map(|c| c * strength);
    Material {
        base_color: floats(&pbr["baseColorFactor"], [1.0; 4]),
        base_color_texture: texture(&pbr["baseColorTexture"]),
        metallic: number(&pbr["metallicFactor"], 1.0),
        roughness: number(&pbr["roughnessFactor"], 1.0),
        metallic_roughness_texture: texture(&pbr["metallicRoughnessTexture"]),
        emissive,
        emissive_texture: texture(&json["emissiveTexture"]),
        alpha: match json["alphaMode"].as_str() {
            Some("MASK") => AlphaMode::Mask(number(&json["alphaCutoff"], 0.5)),
            Some("BLEND") => AlphaMode::Blend,
            _ => AlphaMode::Opaque,
        },
        double_sided: json["doubleSided"].as_bool().unwrap_or(false),
        unlit: json["extensions"].get("KHR_materials_unlit").is_some(),
    }
}

/// `KHR_texture_transform`: translation · rotation · scale (glTF's order).
fn texture_transform(json: &Value) -> [f32; 6] {
    if json.is_null() {
        return TextureRef::IDENTITY;
    }
    let [ox, oy] = floats(&json["offset"], [0.0; 2]);
    let [sx, sy] = floats(&json["scale"], [1.0; 2]);
    let (sin, cos) = json["rotation"]
        .as_f64()
        .map_or(0.0, |r| r as f32)
        .sin_cos();
    [cos * sx, sin * sy, ox, -sin * sx, cos * sy, oy]
}

/// Column-major 4×4, as glTF writes it.
type Matrix = [f32; 16];

const IDENTITY: Matrix = [
    1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0,
];

fn multiply(a: &Matrix, b: &Matrix) -> Matrix {
    std::array::from_fn(|i| {
        let (column, row) = (i / 4, i % 4);
        (0..4).map(|k| a[k * 4 + row] * b[column * 4 + k]).sum()
    })
}

fn local_transform(node: &Value) -> Matrix {
    if node.get("matrix").is_some() {
        return floats(&node["matrix"], IDENTITY);
    }
    let [tx, ty, tz] = floats(&node["translation"], [0.0; 3]);
    let [x, y, z, w] = floats(&node["rotation"], [0.0, 0.0, 0.0, 1.0]);
    let [sx, sy, sz] = floats(&node["scale"], [1.0; 3]);
    // T · R · S, column-major.
    [
        (1.0 - 2.0 * (y * y + z * z)) * sx,
        (2.0 * (x * y + z * w)) * sx,
        (2.0 * (x * z - y * w)) * sx,
        0.0,
        (2.0 * (x * y - z * w)) * sy,
        (1.0 - 2.0 * (x * x + z * z)) * sy,
        (2.0 * (y * z + x * w)) * sy,
        0.0,
        (2.0 * (x * z + y * w)) * sz,
        (2.0 * (y * z - x * w)) * sz,
        (1.0 - 2.0 * (x * x + y * y)) * sz,
        0.0,
        tx,
        ty,
        tz,
        1.0,
    ]
}

fn transform_point(m: &Matrix, p: [f32; 3]) -> [f32; 3] {
    std::array::from_fn(|r| m[r] * p[0] + m[4 + r] * p[1] + m[8 + r] * p[2] + m[12 + r])
}

/// The inverse transpose of the upper 3×3 (for normals), and whether the
/// transform mirrors (negative determinant).
fn normal_matrix(m: &Matrix) -> ([[f32; 3]; 3], bool) {
    let a = |r: usize, c: usize| m[c * 4 + r];
    // Cofactors of the 3×3 equal the inverse transpose times the determinant;
    // the scale does not matter as normals are normalised afterwards.
    let cof = [
        [
            a(1, 1) * a(2, 2) - a(1, 2) * a(2, 1),
            a(1, 2) * a(2, 0) - a(1, 0) * a(2, 2),
            a(1, 0) * a(2, 1) - a(1, 1) * a(2, 0),
        ],
        [
            a(0, 2) * a(2, 1) - a(0, 1) * a(2, 2),
            a(0, 0) * a(2, 2) - a(0, 2) * a(2, 0),
            a(0, 1) * a(2, 0) - a(0, 0) * a(2, 1),
        ],
        [
            a(0, 1) * a(1, 2) - a(0, 2) * a(1, 1),
            a(0, 2) * a(1, 0) - a(0, 0) * a(1, 2),
            a(0, 0) * a(1, 1) - a(0, 1) * a(1, 0),
        ],
    ];
    let determinant = a(0, 0) * cof[0][0] + a(0, 1) * cof[0][1] + a(0, 2) * cof[0][2];
    // With a negative determinant the cofactors point inwards: flip them.
    let sign = if determinant < 0.0 { -1.0 } else { 1.0 };
    (cof.map(|row| row.map(|v| v * sign)), determinant < 0.0)
}

struct Reader<'a> {
    root: &'a Value,
    bin: &'a [u8],
}

impl Reader<'_> {
    /// A buffer view's start and length in the BIN chunk, and its stride.
    fn view(&self, index: usize) -> Result<(usize, usize, Option<usize>), GlbError> {
        let view = self.root["bufferViews"]
            .get(index)
            .ok_or_else(|| error(format!("buffer view {index} does not exist")))?;
        if view["buffer"].as_u64().unwrap_or(0) != 0 {
            return Err(error("only the GLB's own buffer is supported"));
        }
        let start = view["byteOffset"].as_u64().unwrap_or(0) as usize;
        let length = view["byteLength"].as_u64().unwrap_or(0) as usize;
        if start
            .checked_add(length)
            .is_none_or(|end| end > self.bin.len())
        {
            return Err(error(format!("buffer view {index} runs past the data")));
        }
        let stride = view["byteStride"].as_u64().map(|s| s as usize);
        Ok((start, length, stride))
    }

    /// An accessor's elements as floats (normalised integers scaled to 0..1
    /// or −1..1), `N` components each.
    fn floats<const N: usize>(&self, index: usize) -> Result<Vec<[f32; N]>, GlbError> {
        let accessor = &self.root["accessors"][index];
        let components = match accessor["type"].as_str() {
            Some("SCALAR") => 1,
            Some("VEC2") => 2,
            Some("VEC3") => 3,
            Some("VEC4") => 4,
            other => return Err(error(format!("accessor {index} has type {other:?}"))),
        };
        if components < N {
            return Err(error(format!("accessor {index} has too few components")));
        }
        let component_type = accessor["componentType"].as_u64().unwrap_or(0);
        let normalized = accessor["normalized"].as_bool().unwrap_or(false);
        let size = match component_type {
            5120 | 5121 => 1,
            5122 | 5123 => 2,
            5125 | 5126 => 4,
            other => return Err(error(format!("accessor {index}: component type {other}"))),
        };
        let count = accessor["count"].as_u64().unwrap_or(0) as usize;
        let Some(view) = accessor["bufferView"].as_u64() else {
            // No view: all zeros (glTF's rule; sparse accessors are not used here).
            return Ok(vec![[0.0; N]; count]);
        };
        let (start, length, stride) = self.view(view as usize)?;
        let offset = accessor["byteOffset"].as_u64().unwrap_or(0) as usize;
        let element = components * size;
        let stride = stride.unwrap_or(element);
        let data = &self.bin[start..start + length];
        if count > 0 && offset + (count - 1) * stride + element > data.len() {
            return Err(error(format!("accessor {index} runs past its buffer view")));
        }
        let component = |bytes: &[u8]| -> f32 {
            match (component_type, normalized) {
                (5126, _) => f32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]),
                (5121, true) => bytes[0] as f32 / 255.0,
                (5121, false) => bytes[0] as f32,
                (5120, true) => (bytes[0] as i8 as f32 / 127.0).max(-1.0),
                (5120, false) => bytes[0] as i8 as f32,
                (5123, true) => u16::from_le_bytes([bytes[0], bytes[1]]) as f32 / 65535.0,
                (5123, false) => u16::from_le_bytes([bytes[0], bytes[1]]) as f32,
                (5122, true) => {
                    (i16::from_le_bytes([bytes[0], bytes[1]]) as f32 / 32767.0).max(-1.0)
                }
                (5122, false) => i16::from_le_bytes([bytes[0], bytes[1]]) as f32,
                _ => u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as f32,
            }
        };
        Ok((0..count)
            .map(|i| {
                let at = offset + i * stride;
                std::array::from_fn(|c| component(&data[at + c * size..]))
            })
            .collect())
    }

    fn indices(&self, index: usize) -> Result<Vec<u32>, GlbError> {
        let accessor = &self.root["accessors"][index];
        let component_type = accessor["componentType"].as_u64().unwrap_or(0);
        let size = match component_type {
            5121 => 1,
            5123 => 2,
            5125 => 4,
            other => return Err(error(format!("indices of component type {other}"))),
        };
        let count = accessor["count"].as_u64().unwrap_or(0) as usize;
        let view = accessor["bufferView"]
            .as_u64()
            .ok_or_else(|| error(format!("index accessor {index} has no data")))?;
        let (start, length, _) = self.view(view as usize)?;
        let offset = accessor["byteOffset"].as_u64().unwrap_or(0) as usize;
        let bytes = self.bin[start..start + length]
            .get(offset..offset + count * size)
            .ok_or_else(|| error(format!("index accessor {index} runs past its view")))?;
        Ok(bytes
            .chunks_exact(size)
            .map(|b| match size {
                1 => b[0] as u32,
                2 => u16::from_le_bytes([b[0], b[1]]) as u32,
                _ => u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
            })
            .collect())
    }

    /// A mesh's triangle primitives, transformed by `world`.
    fn mesh(
        &self,
        mesh: usize,
        world: &Matrix,
        default_material: usize,
    ) -> Result<Vec<Draw>, GlbError> {
        let json = self.root["meshes"]
            .get(mesh)
            .ok_or_else(|| error(format!("mesh {mesh} does not exist")))?;
        let (normal_matrix, mirrored) = normal_matrix(world);
        let mut draws = Vec::new();
        for (index, primitive) in array(json, "primitives").iter().enumerate() {
            // Triangles only (mode 4, the default).
            if primitive["mode"].as_u64().unwrap_or(4) != 4 {
                continue;
            }
            let attributes = &primitive["attributes"];
            let Some(position) = attributes["POSITION"].as_u64() else {
                continue;
            };
            let positions: Vec<[f32; 3]> = self.floats::<3>(position as usize)?;
            let vertex_count = positions.len() as u32;
            let mut indices = match primitive["indices"].as_u64() {
                Some(accessor) => self.indices(accessor as usize)?,
                None => (0..vertex_count).collect(),
            };
            indices.truncate(indices.len() / 3 * 3);
            if indices.iter().any(|&i| i >= vertex_count) {
                return Err(error(format!("mesh {mesh} indexes a missing vertex")));
            }
            if mirrored {
                for triangle in indices.chunks_exact_mut(3) {
                    triangle.swap(1, 2);
                }
            }
            let positions: Vec<[f32; 3]> = positions
                .iter()
                .map(|&p| transform_point(world, p))
                .collect();
            let normals = match attributes["NORMAL"].as_u64() {
                Some(accessor) => {
                    let normals = self.floats::<3>(accessor as usize)?;
                    if normals.len() != positions.len() {
                        return Err(error(format!(
                            "mesh {mesh}: normals do not match positions"
                        )));
                    }
                    normals
                        .iter()
                        .map(|n| {
                            let n = normalize(std::array::from_fn(|r| {
                                normal_matrix[r][0] * n[0]
                                    + normal_matrix[r][1] * n[1]
                                    + normal_matrix[r][2] * n[2]
                            }));
                            // A zero normal still needs to point somewhere.
                            if n == [0.0; 3] { [0.0, 1.0, 0.0] } else { n }
                        })
                        .collect()
                }
                // glTF asks for flat normals; smooth ones are close enough
                // for a first glance and need no extra vertices.
                None => smooth_normals(&positions, &indices),
            };
            let uvs = match attributes["TEXCOORD_0"].as_u64() {
                Some(accessor) => {
                    let uvs = self.floats::<2>(accessor as usize)?;
                    if uvs.len() != positions.len() {
                        return Err(error(format!("mesh {mesh}: UVs do not match positions")));
                    }
                    Some(uvs)
                }
                None => None,
            };
            let material = primitive["material"]
                .as_u64()
                .map_or(default_material, |m| (m as usize).min(default_material));
            draws.push(Draw {
                mesh,
                primitive: index,
                positions,
                normals,
                uvs,
                indices,
                material,
            });
        }
        Ok(draws)
    }
}

/// Area-weighted vertex normals of counter-clockwise triangles.
fn smooth_normals(positions: &[[f32; 3]], indices: &[u32]) -> Vec<[f32; 3]> {
    let mut sums = vec![[0.0f32; 3]; positions.len()];
    for triangle in indices.chunks_exact(3) {
        let [a, b, c] = [0, 1, 2].map(|k| positions[triangle[k] as usize]);
        let u: [f32; 3] = std::array::from_fn(|i| b[i] - a[i]);
        let v: [f32; 3] = std::array::from_fn(|i| c[i] - a[i]);
        let n = [
            u[1] * v[2] - u[2] * v[1],
            u[2] * v[0] - u[0] * v[2],
            u[0] * v[1] - u[1] * v[0],
        ];
        for &k in triangle {
            for axis in 0..3 {
                sums[k as usize][axis] += n[axis];
            }
        }
    }
    sums.into_iter().map(normalize).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Packs JSON and BIN chunks into a GLB.
    fn glb(json: &Value, bin: &[u8]) -> Vec<u8> {
        let mut json = serde_json::to_vec(json).unwrap();
        while !json.len().is_multiple_of(4) {
            json.push(b' ');
        }
        let mut bin = bin.to_vec();
        while !bin.len().is_multiple_of(4) {
            bin.push(0);
        }
        let total = 12 + 8 + json.len() + 8 + bin.len();
        let mut out = Vec::new();
        out.extend_from_slice(b"glTF");
        out.extend_from_slice(&2u32.to_le_bytes());
        out.extend_from_slice(&(total as u32).to_le_bytes());
        out.extend_from_slice(&(json.len() as u32).to_le_bytes());
        out.extend_from_slice(&0x4E4F_534Au32.to_le_bytes());
        out.extend_from_slice(&json);
        out.extend_from_slice(&(bin.len() as u32).to_le_bytes());
        out.extend_from_slice(&0x004E_4942u32.to_le_bytes());
        out.extend_from_slice(&bin);
        out
    }

    /// One triangle in the XY plane facing +Z, with u8 normalised UVs
    /// (padded to 4-byte strides, as the pipeline writes them) and an image.
    fn triangle(node: Value) -> Vec<u8> {
        let mut bin = Vec::new();
        for p in [[0.0f32, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]] {
            for c in p {
                bin.extend_from_slice(&c.to_le_bytes());
            }
        }
        // UVs: (0,0) (255,0) (0,255), each padded to 4 bytes.
        bin.extend_from_slice(&[0, 0, 0, 0, 255, 0, 0, 0, 0, 255, 0, 0]);
        for i in [0u16, 1, 2, 0] {
            bin.extend_from_slice(&i.to_le_bytes());
        }
        bin.extend_from_slice(b"\x89PNG");
        glb(
            &json!({
                "asset": {"version": "2.0"},
                "scene": 0,
                "scenes": [{"nodes": [0]}],
                "nodes": [node],
                "meshes": [{"primitives": [
                    {"attributes": {"POSITION": 0, "TEXCOORD_0": 1}, "indices": 2, "material": 0},
                    {"attributes": {"POSITION": 0}, "mode": 1}
                ]}],
                "materials": [{
                    "pbrMetallicRoughness": {
                        "baseColorFactor": [0.5, 0.25, 1.0, 0.5],
                        "baseColorTexture": {"index": 0, "extensions": {"KHR_texture_transform": {
                            "offset": [0.5, 0.25], "scale": [2.0, 2.0]
                        }}},
                        "metallicFactor": 0.0
                    },
                    "alphaMode": "BLEND",
                    "doubleSided": true
                }],
                "textures": [{"source": 0}],
                "images": [{"bufferView": 3, "mimeType": "image/png"}],
                "accessors": [
                    {"bufferView": 0, "componentType": 5126, "count": 3, "type": "VEC3"},
                    {"bufferView": 1, "componentType": 5121, "normalized": true, "count": 3, "type": "VEC2"},
                    {"bufferView": 2, "componentType": 5123, "count": 3, "type": "SCALAR"}
                ],
                "bufferViews": [
                    {"buffer": 0, "byteOffset": 0, "byteLength": 36},
                    {"buffer": 0, "byteOffset": 36, "byteLength": 12, "byteStride": 4},
                    {"buffer": 0, "byteOffset": 48, "byteLength": 6},
                    {"buffer": 0, "byteOffset": 56, "byteLength": 4}
                ],
                "buffers": [{"byteLength": 60}]
            }),
            &bin,
        )
    }

    fn close(a: [f32; 3], b: [f32; 3]) -> bool {
        (0..3).all(|i| (a[i] - b[i]).abs() < 1e-5)
    }

    #[test]
    fn reads_triangles_uvs_materials_and_images() {
        let file = triangle(json!({"mesh": 0}));
        let scene = read(&file).unwrap();
        // The line primitive is skipped.
        assert_eq!(scene.draws.len(), 1);
        let draw = &scene.draws[0];
        assert_eq!(draw.indices, [0, 1, 2]);
        assert_eq!(draw.positions[1], [1.0, 0.0, 0.0]);
        // No NORMAL: computed from the counter-clockwise winding.
        assert!(close(draw.normals[0], [0.0, 0.0, 1.0]));
        assert_eq!(draw.uvs.as_ref().unwrap()[1], [1.0, 0.0]);
        assert_eq!(draw.material, 0);
        let material = &scene.materials[0];
        assert_eq!(material.base_color, [0.5, 0.25, 1.0, 0.5]);
        let texture = material.base_color_texture.unwrap();
        assert_eq!(texture.image, 0);
        // Tiled 2×, moved by (0.5, 0.25): (1, 1) → (2.5, 2.25).
        let [a, b, c, d, e, f] = texture.transform;
        assert_eq!((a + b + c, d + e + f), (2.5, 2.25));
        assert_eq!((material.metallic, material.roughness), (0.0, 1.0));
        assert_eq!(material.alpha, AlphaMode::Blend);
        assert!(material.double_sided);
        // The default material follows the file's own.
        assert_eq!(scene.materials[1], Material::default());
        let image = &scene.images[0];
        assert_eq!(image.mime, "image/png");
        assert_eq!(&file[image.start..image.end], b"\x89PNG");
    }

    #[test]
    fn bakes_node_transforms_into_vertices() {
        // Rotated 90° about +Y (quaternion), scaled ×2, moved +5 on X.
        let half = std::f32::consts::FRAC_1_SQRT_2;
        let file = triangle(json!({"children": [1], "translation": [5.0, 0.0, 0.0]}));
        let mut root: Value = {
            let (json, _) = split_container(&file).unwrap();
            serde_json::from_slice(json).unwrap()
        };
        root["nodes"] = json!([
            {"children": [1], "translation": [5.0, 0.0, 0.0]},
            {"mesh": 0, "rotation": [0.0, half, 0.0, half], "scale": [2.0, 2.0, 2.0]}
        ]);
        let (_, bin) = split_container(&file).unwrap();
        let scene = read(&glb(&root, bin)).unwrap();
        let draw = &scene.draws[0];
        // (1,0,0) → rotated to (0,0,−1), ×2, +5 on X.
        assert!(close(draw.positions[1], [5.0, 0.0, -2.0]));
        // The normal (+Z) turns to +X.
        assert!(close(draw.normals[0], [1.0, 0.0, 0.0]));
    }

    #[test]
    fn mirroring_transforms_keep_triangles_counter_clockwise() {
        let file = triangle(json!({"mesh": 0, "scale": [-1.0, 1.0, 1.0]}));
        let draw = &read(&file).unwrap().draws[0];
        assert_eq!(draw.indices, [0, 2, 1]);
        // The face still points to +Z (towards the viewer of the mirrored copy).
        assert!(close(draw.normals[0], [0.0, 0.0, 1.0]));
    }

    #[test]
    fn matrices_and_trs_agree() {
        let node = json!({"translation": [1.0, 2.0, 3.0], "scale": [2.0, 3.0, 4.0]});
        let m = local_transform(&node);
        assert_eq!(transform_point(&m, [1.0, 1.0, 1.0]), [3.0, 5.0, 7.0]);
        let same = local_transform(&json!({ "matrix": m.to_vec() }));
        assert_eq!(m, same);
    }

    #[test]
    fn refuses_what_is_not_a_glb() {
        assert!(read(b"not a model").is_err());
        let file = triangle(json!({"mesh": 0}));
        assert!(read(&file[..40]).is_err());
        let mut root: Value = serde_json::from_slice(split_container(&file).unwrap().0).unwrap();
        root["accessors"][0]["count"] = json!(1000);
        let (_, bin) = split_container(&file).unwrap();
        let message = read(&glb(&root, bin)).unwrap_err().to_string();
        assert!(message.contains("runs past"), "{message}");
    }
}
