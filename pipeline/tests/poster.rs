//! Posters of real models (every sample model in the repository) and of
//! small models written here to pin one behaviour each: material colour,
//! textures, alpha modes, back faces, and the refusals.

use image::{Rgb, RgbImage, RgbaImage};
use serde_json::{Value, json};
use std::path::Path;
use vitrine_pipeline::poster::PosterError;
use vitrine_pipeline::{PosterSpec, pack_glb, render_poster};

mod common;
use common::models;

/// Small enough that the unoptimised test build stays quick.
const SMALL: PosterSpec = PosterSpec {
    width: 128,
    height: 128,
    background: PosterSpec::DEFAULT.background,
};

fn render(glb: &[u8], spec: &PosterSpec) -> RgbImage {
    let jpeg = render_poster(glb, spec).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(&jpeg[..3], &[0xFF, 0xD8, 0xFF], "a JPEG");
    let picture = image::load_from_memory_with_format(&jpeg, image::ImageFormat::Jpeg)
        .unwrap()
        .to_rgb8();
    assert_eq!(picture.dimensions(), (spec.width, spec.height));
    picture
}

/// Pixels that are clearly not the background (JPEG blurs a few levels).
fn model_pixels(picture: &RgbImage, background: [u8; 3]) -> Vec<(u32, u32, [u8; 3])> {
    picture
        .enumerate_pixels()
        .filter(|(_, _, p)| {
            (0..3).any(|c| (i32::from(p.0[c]) - i32::from(background[c])).abs() > 24)
        })
        .map(|(x, y, p)| (x, y, p.0))
        .collect()
}

fn luminance(p: [u8; 3]) -> f64 {
    0.2126 * f64::from(p[0]) + 0.7152 * f64::from(p[1]) + 0.0722 * f64::from(p[2])
}

#[test]
fn every_sample_model_fills_the_middle_of_its_poster_with_shaded_pixels() {
    let models = models();
    assert!(models.len() >= 3, "the fixtures at least");
    for (name, glb) in models {
        let started = std::time::Instant::now();
        let picture = render(&glb, &SMALL);
        let pixels = model_pixels(&picture, SMALL.background);
        let total = f64::from(SMALL.width * SMALL.height);
        let coverage = pixels.len() as f64 / total;
        assert!(
            (0.05..0.95).contains(&coverage),
            "{name}: the model covers {:.0} % of the picture",
            coverage * 100.0
        );
        let n = pixels.len() as f64;
        let centre = [
            pixels.iter().map(|p| f64::from(p.0)).sum::<f64>() / n / f64::from(SMALL.width),
            pixels.iter().map(|p| f64::from(p.1)).sum::<f64>() / n / f64::from(SMALL.height),
        ];
        assert!(
            centre.iter().all(|c| (c - 0.5).abs() < 0.15),
            "{name}: the model's centre is at {centre:?} of the picture"
        );
        let mean = pixels.iter().map(|p| luminance(p.2)).sum::<f64>() / n;
        let spread = (pixels
            .iter()
            .map(|p| (luminance(p.2) - mean).powi(2))
            .sum::<f64>()
            / n)
            .sqrt();
        assert!(
            spread > 5.0,
            "{name}: the model is flat (spread {spread:.1})"
        );
        eprintln!(
            "{name:<28} {:>3.0} % covered, centre {:.2} {:.2}, spread {spread:>4.1}, {:?}",
            coverage * 100.0,
            centre[0],
            centre[1],
            started.elapsed()
        );
    }
}

#[test]
fn the_default_poster_is_800_pixels_square_on_the_viewer_background() {
    assert_eq!(
        (PosterSpec::DEFAULT.width, PosterSpec::DEFAULT.height),
        (800, 800)
    );
    let picture = render(&cube_glb(json!({})), &PosterSpec::DEFAULT);
    for (x, y) in [(0, 0), (799, 0), (0, 799), (799, 799)] {
        let p = picture.get_pixel(x, y).0;
        assert!(
            (0..3).all(|c| p[c].abs_diff(PosterSpec::DEFAULT.background[c]) <= 2),
            "corner {x},{y} is {p:?}"
        );
    }
}

#[test]
fn a_wide_poster_keeps_the_background_and_the_model_in_the_middle() {
    let spec = PosterSpec {
        width: 240,
        height: 120,
        background: [20, 30, 40],
    };
    let picture = render(&cube_glb(json!({})), &spec);
    assert_eq!(picture.get_pixel(2, 2), &Rgb([20, 30, 40]));
    let pixels = model_pixels(&picture, spec.background);
    let n = pixels.len() as f64;
    let x = pixels.iter().map(|p| f64::from(p.0)).sum::<f64>() / n;
    assert!((x - 120.0).abs() < 15.0, "centre x {x}");
    // The vertical field of view stays fixed: the cube is as tall as in a
    // square poster of the same height, so it leaves the sides empty.
    let widest =
        pixels.iter().map(|p| p.0).max().unwrap() - pixels.iter().map(|p| p.0).min().unwrap();
    assert!(widest < 120, "the cube is {widest} pixels wide");
}

#[test]
fn a_red_material_gives_red_pixels() {
    let glb = cube_glb(
        json!({"pbrMetallicRoughness": {"baseColorFactor": [1, 0, 0, 1], "metallicFactor": 0}}),
    );
    let picture = render(&glb, &SMALL);
    let pixels = model_pixels(&picture, SMALL.background);
    let red: Vec<[u8; 3]> = pixels
        .iter()
        .map(|p| p.2)
        .filter(|p| p[0] > 100 && i32::from(p[0]) > i32::from(p[1].max(p[2])) + 60)
        .collect();
    assert!(
        red.len() as f64 > pixels.len() as f64 * 0.9,
        "{} of {} pixels are red",
        red.len(),
        pixels.len()
    );
    // The three faces in view meet the key light at different angles.
    let lightest = red.iter().map(|&p| luminance(p)).fold(0.0, f64::max);
    let darkest = red.iter().map(|&p| luminance(p)).fold(255.0, f64::min);
    assert!(lightest - darkest > 15.0, "{darkest:.0}..{lightest:.0}");
}

#[test]
fn vertex_colours_tint_the_base_colour_and_unindexed_triangles_draw() {
    let mut mesh = Mesh::cube(0.5);
    mesh.colors = Some(vec![[0.0, 1.0, 0.0, 1.0]; mesh.positions.len()]);
    let glb = Builder::default()
        .primitive(&mesh.unindexed(), json!({}))
        .build();
    let pixels = model_pixels(&render(&glb, &SMALL), SMALL.background);
    assert!(!pixels.is_empty());
    let green = pixels
        .iter()
        .filter(|p| i32::from(p.2[1]) > i32::from(p.2[0].max(p.2[2])) + 60)
        .count();
    assert!(
        green as f64 > pixels.len() as f64 * 0.9,
        "{green} of {} pixels are green",
        pixels.len()
    );
}

#[test]
fn a_textured_model_shows_its_texture() {
    // Quarters of red and blue, repeated over each face.
    let texture = RgbaImage::from_fn(8, 8, |x, y| {
        if (x < 4) == (y < 4) {
            image::Rgba([230, 20, 20, 255])
        } else {
            image::Rgba([20, 40, 230, 255])
        }
    });
    let mut builder = Builder::default();
    let index = builder.png_texture(&texture);
    let glb = builder
        .primitive(
            &Mesh::cube(0.5),
            json!({"pbrMetallicRoughness": {"baseColorTexture": {"index": index}, "metallicFactor": 0}}),
        )
        .build();
    let pixels = model_pixels(&render(&glb, &SMALL), SMALL.background);
    let share = |test: fn([u8; 3]) -> bool| {
        pixels.iter().filter(|p| test(p.2)).count() as f64 / pixels.len() as f64
    };
    let red = share(|p| i32::from(p[0]) > i32::from(p[2]) + 80);
    let blue = share(|p| i32::from(p[2]) > i32::from(p[0]) + 80);
    assert!(red > 0.2 && blue > 0.2, "red {red:.2}, blue {blue:.2}");
}

#[test]
fn a_sample_model_shows_its_base_colour_texture() {
    // The water bottle is yellow-green metal with a red cap, all from its texture.
    let Some((_, glb)) = models().into_iter().find(|(n, _)| n == "WaterBottle.glb") else {
        panic!("seed/models/WaterBottle.glb is missing");
    };
    let pixels = model_pixels(&render(&glb, &SMALL), SMALL.background);
    let yellow = pixels
        .iter()
        .filter(|p| p.2[0] > 80 && p.2[1] > 80 && i32::from(p.2[2]) < i32::from(p.2[1]) - 40)
        .count();
    let red = pixels
        .iter()
        .filter(|p| i32::from(p.2[0]) > i32::from(p.2[1].max(p.2[2])) + 50)
        .count();
    assert!(
        yellow > pixels.len() / 5,
        "{yellow} yellow of {}",
        pixels.len()
    );
    assert!(red > pixels.len() / 50, "{red} red of {}", pixels.len());
}

#[test]
fn up_is_up_and_the_model_is_not_mirrored() {
    let colored = |rgb: [f32; 3]| json!({"pbrMetallicRoughness": {"baseColorFactor": [rgb[0], rgb[1], rgb[2], 1], "metallicFactor": 0}});
    let glb = Builder::default()
        .primitive(
            &Mesh::cube(0.3).moved([0.0, 0.6, 0.0]),
            colored([1.0, 0.0, 0.0]),
        )
        .primitive(
            &Mesh::cube(0.3).moved([0.0, -0.6, 0.0]),
            colored([0.0, 0.0, 1.0]),
        )
        .primitive(
            &Mesh::cube(0.3).moved([0.8, 0.0, 0.0]),
            colored([0.0, 1.0, 0.0]),
        )
        .build();
    let pixels = model_pixels(&render(&glb, &SMALL), SMALL.background);
    let centre_of = |test: fn([u8; 3]) -> bool| {
        let hits: Vec<_> = pixels.iter().filter(|p| test(p.2)).collect();
        assert!(hits.len() > 20);
        let n = hits.len() as f64;
        (
            hits.iter().map(|p| f64::from(p.0)).sum::<f64>() / n,
            hits.iter().map(|p| f64::from(p.1)).sum::<f64>() / n,
        )
    };
    let red = centre_of(|p| i32::from(p[0]) > i32::from(p[1].max(p[2])) + 60);
    let blue = centre_of(|p| i32::from(p[2]) > i32::from(p[0].max(p[1])) + 60);
    let green = centre_of(|p| i32::from(p[1]) > i32::from(p[0].max(p[2])) + 60);
    assert!(
        red.1 + 20.0 < blue.1,
        "+Y is at the top: red {red:?}, blue {blue:?}"
    );
    // The viewer's camera looks from +X+Z, so +X is to the right.
    assert!(
        green.0 > red.0 + 10.0,
        "+X is on the right: green {green:?}, red {red:?}"
    );
}

#[test]
fn node_transforms_place_the_model_and_mirroring_keeps_its_front() {
    // Far from the origin and mirrored in X: still framed, and the
    // single-sided square still shows its front (the mirror flips winding).
    let glb = Builder {
        node: Some(json!({"mesh": 0, "translation": [5.0, 2.0, -3.0], "scale": [-1.0, 1.0, 1.0]})),
        ..Builder::default()
    }
    .primitive(&Mesh::quad(0.0), json!({}))
    .build();
    let pixels = model_pixels(&render(&glb, &SMALL), SMALL.background);
    assert!(pixels.len() > 1000, "{} pixels", pixels.len());
    let n = pixels.len() as f64;
    let x = pixels.iter().map(|p| f64::from(p.0)).sum::<f64>() / n;
    let y = pixels.iter().map(|p| f64::from(p.1)).sum::<f64>() / n;
    assert!(
        (x - 64.0).abs() < 12.0 && (y - 64.0).abs() < 12.0,
        "centre {x} {y}"
    );
}

#[test]
fn blended_surfaces_mix_with_what_is_behind_them() {
    let glb = Builder::default()
        .primitive(
            &Mesh::quad(-0.5),
            json!({"pbrMetallicRoughness": {"baseColorFactor": [0, 0, 1, 1], "metallicFactor": 0}}),
        )
        .primitive(
            &Mesh::quad(0.5),
            json!({"alphaMode": "BLEND", "pbrMetallicRoughness": {"baseColorFactor": [1, 0, 0, 0.5], "metallicFactor": 0}}),
        )
        .build();
    let picture = render(&glb, &SMALL);
    let [r, g, b] = picture.get_pixel(64, 64).0;
    assert!(
        r > g.saturating_add(30) && b > g.saturating_add(30),
        "red over blue is purple, not {:?}",
        [r, g, b]
    );
}

#[test]
fn masked_surfaces_below_the_cutoff_are_not_drawn() {
    let masked = |alpha: f32| {
        let glb = Builder::default()
            .primitive(
                &Mesh::quad(0.0),
                json!({"alphaMode": "MASK", "alphaCutoff": 0.5,
                       "pbrMetallicRoughness": {"baseColorFactor": [1, 1, 1, alpha]}}),
            )
            .build();
        model_pixels(&render(&glb, &SMALL), SMALL.background).len()
    };
    assert_eq!(masked(0.3), 0);
    assert!(masked(0.8) > 100);
}

#[test]
fn back_faces_show_only_on_double_sided_materials() {
    let away = Mesh::quad(0.0).flipped();
    let drawn = |material: Value| {
        let glb = Builder::default().primitive(&away, material).build();
        model_pixels(&render(&glb, &SMALL), SMALL.background).len()
    };
    assert_eq!(drawn(json!({})), 0, "single-sided: culled");
    assert!(drawn(json!({"doubleSided": true})) > 100);
}

#[test]
fn a_model_without_triangles_is_refused() {
    let points = Builder {
        mode: Some(0), // POINTS
        ..Builder::default()
    };
    let glb = points.primitive(&Mesh::cube(0.5), json!({})).build();
    let error = render_poster(&glb, &SMALL).unwrap_err();
    assert!(matches!(error, PosterError::Empty), "{error}");
    assert_eq!(error.to_string(), "the model has no triangles to draw");
}

#[test]
fn broken_input_is_an_error_not_a_panic() {
    let mut mesh = Mesh::cube(0.5);
    mesh.indices[4] = 999;
    let glb = Builder::default().primitive(&mesh, json!({})).build();
    let error = render_poster(&glb, &SMALL).unwrap_err();
    assert!(matches!(error, PosterError::Model(_)), "{error}");

    let bad = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad");
    for entry in std::fs::read_dir(bad).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "glb") {
            let bytes = std::fs::read(&path).unwrap();
            let error = render_poster(&bytes, &SMALL).unwrap_err();
            assert!(
                error.to_string().starts_with("cannot read the model: "),
                "{}: {error}",
                path.display()
            );
        }
    }

    let spec = PosterSpec { width: 0, ..SMALL };
    let error = render_poster(&cube_glb(json!({})), &spec).unwrap_err();
    assert_eq!(
        error.to_string(),
        "a poster must be 1 to 4096 pixels on each side, not 0×128"
    );
}

#[test]
fn a_texture_that_does_not_decode_is_named() {
    let mut builder = Builder::default();
    let view = builder.view(b"\x89PNG but not really");
    builder
        .images
        .push(json!({"bufferView": view, "mimeType": "image/png"}));
    builder.textures.push(json!({"source": 0}));
    let glb = builder
        .primitive(
            &Mesh::cube(0.5),
            json!({"pbrMetallicRoughness": {"baseColorTexture": {"index": 0}}}),
        )
        .build();
    let error = render_poster(&glb, &SMALL).unwrap_err();
    assert!(
        error.to_string().starts_with("cannot decode texture 0: "),
        "{error}"
    );
}

// ---------------------------------------------------------------------------
// Writing small GLBs.

#[derive(Clone)]
struct Mesh {
    positions: Vec<[f32; 3]>,
    normals: Vec<[f32; 3]>,
    uvs: Vec<[f32; 2]>,
    colors: Option<Vec<[f32; 4]>>,
    indices: Vec<u32>,
}

impl Mesh {
    /// An axis-aligned cube around the origin, four vertices per face,
    /// counter-clockwise seen from outside.
    fn cube(half: f32) -> Self {
        let faces: [([f32; 3], [f32; 3], [f32; 3]); 6] = [
            ([1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]),
            ([-1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]),
            ([0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]),
            ([0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]),
            ([0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]),
            ([0.0, 0.0, -1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0]),
        ];
        let mut mesh = Mesh {
            positions: Vec::new(),
            normals: Vec::new(),
            uvs: Vec::new(),
            colors: None,
            indices: Vec::new(),
        };
        for (n, u, v) in faces {
            let base = mesh.positions.len() as u32;
            for (su, sv) in [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)] {
                mesh.positions.push(std::array::from_fn(|i| {
                    half * (n[i] + su * u[i] + sv * v[i])
                }));
                mesh.normals.push(n);
                mesh.uvs.push([(su + 1.0) / 2.0, (1.0 - sv) / 2.0]);
            }
            mesh.indices
                .extend([base, base + 1, base + 2, base, base + 2, base + 3]);
        }
        mesh
    }

    /// A 2×2 square in the plane z = `z`, facing +Z (towards the camera).
    fn quad(z: f32) -> Self {
        Mesh {
            positions: vec![
                [-1.0, -1.0, z],
                [1.0, -1.0, z],
                [1.0, 1.0, z],
                [-1.0, 1.0, z],
            ],
            normals: vec![[0.0, 0.0, 1.0]; 4],
            uvs: vec![[0.0, 1.0], [1.0, 1.0], [1.0, 0.0], [0.0, 0.0]],
            colors: None,
            indices: vec![0, 1, 2, 0, 2, 3],
        }
    }

    fn moved(mut self, by: [f32; 3]) -> Self {
        for p in &mut self.positions {
            *p = std::array::from_fn(|i| p[i] + by[i]);
        }
        self
    }

    /// The same surface facing the other way.
    fn flipped(mut self) -> Self {
        for triangle in self.indices.chunks_exact_mut(3) {
            triangle.swap(1, 2);
        }
        for n in &mut self.normals {
            *n = n.map(|c| -c);
        }
        self
    }

    /// One vertex per triangle corner and no index list.
    fn unindexed(&self) -> Self {
        let pick = |i: &u32| *i as usize;
        Mesh {
            positions: self
                .indices
                .iter()
                .map(|i| self.positions[pick(i)])
                .collect(),
            normals: self.indices.iter().map(|i| self.normals[pick(i)]).collect(),
            uvs: self.indices.iter().map(|i| self.uvs[pick(i)]).collect(),
            colors: self
                .colors
                .as_ref()
                .map(|c| self.indices.iter().map(|i| c[pick(i)]).collect()),
            indices: Vec::new(),
        }
    }
}

/// A GLB with one node whose mesh has the given primitives.
#[derive(Default)]
struct Builder {
    bin: Vec<u8>,
    views: Vec<Value>,
    accessors: Vec<Value>,
    primitives: Vec<Value>,
    materials: Vec<Value>,
    images: Vec<Value>,
    textures: Vec<Value>,
    /// Primitive mode; triangles when `None`.
    mode: Option<u32>,
    /// The one node; `{"mesh": 0}` when `None`.
    node: Option<Value>,
}

impl Builder {
    fn view(&mut self, bytes: &[u8]) -> usize {
        while !self.bin.len().is_multiple_of(4) {
            self.bin.push(0);
        }
        self.views
            .push(json!({"buffer": 0, "byteOffset": self.bin.len(), "byteLength": bytes.len()}));
        self.bin.extend_from_slice(bytes);
        self.views.len() - 1
    }

    fn floats<const N: usize>(&mut self, values: &[[f32; N]], kind: &str) -> usize {
        let bytes: Vec<u8> = values
            .iter()
            .flatten()
            .flat_map(|f| f.to_le_bytes())
            .collect();
        let view = self.view(&bytes);
        let mut accessor =
            json!({"bufferView": view, "componentType": 5126, "count": values.len(), "type": kind});
        if kind == "VEC3" {
            let bound = |pick: fn(f32, f32) -> f32| {
                (0..N)
                    .map(|i| values.iter().map(|v| v[i]).fold(values[0][i], pick))
                    .collect::<Vec<f32>>()
            };
            accessor["min"] = json!(bound(f32::min));
            accessor["max"] = json!(bound(f32::max));
        }
        self.accessors.push(accessor);
        self.accessors.len() - 1
    }

    fn primitive(mut self, mesh: &Mesh, material: Value) -> Self {
        let mut attributes = json!({
            "POSITION": self.floats(&mesh.positions, "VEC3"),
            "NORMAL": self.floats(&mesh.normals, "VEC3"),
            "TEXCOORD_0": self.floats(&mesh.uvs, "VEC2"),
        });
        if let Some(colors) = &mesh.colors {
            attributes["COLOR_0"] = json!(self.floats(colors, "VEC4"));
        }
        self.materials.push(material);
        let mut primitive = json!({"attributes": attributes, "material": self.materials.len() - 1});
        if !mesh.indices.is_empty() {
            let bytes: Vec<u8> = mesh.indices.iter().flat_map(|i| i.to_le_bytes()).collect();
            let view = self.view(&bytes);
            self.accessors.push(json!({"bufferView": view, "componentType": 5125, "count": mesh.indices.len(), "type": "SCALAR"}));
            primitive["indices"] = json!(self.accessors.len() - 1);
        }
        if let Some(mode) = self.mode {
            primitive["mode"] = json!(mode);
        }
        self.primitives.push(primitive);
        self
    }

    /// Embeds `image` as a PNG texture; returns the texture's index.
    fn png_texture(&mut self, image: &RgbaImage) -> usize {
        let mut png = Vec::new();
        image
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let view = self.view(&png);
        self.images
            .push(json!({"bufferView": view, "mimeType": "image/png"}));
        self.textures.push(json!({"source": self.images.len() - 1}));
        self.textures.len() - 1
    }

    fn build(&self) -> Vec<u8> {
        let mut json = json!({
            "asset": {"version": "2.0"},
            "scene": 0,
            "scenes": [{"nodes": [0]}],
            "nodes": [self.node.clone().unwrap_or(json!({"mesh": 0}))],
            "meshes": [{"primitives": self.primitives}],
            "materials": self.materials,
            "accessors": self.accessors,
            "bufferViews": self.views,
            "buffers": [{"byteLength": self.bin.len().next_multiple_of(4)}],
        });
        if !self.images.is_empty() {
            json["images"] = json!(self.images);
            json["textures"] = json!(self.textures);
        }
        pack_glb(&serde_json::to_vec(&json).unwrap(), &self.bin)
    }
}

fn cube_glb(material: Value) -> Vec<u8> {
    Builder::default()
        .primitive(&Mesh::cube(0.5), material)
        .build()
}
