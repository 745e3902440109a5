//! The quick look's GPU side: uploads a [`Scene`] to WebGL2 and draws it
//! from an orbit. Textures are decoded by the browser (`createImageBitmap`),
//! so no image decoder ships in the page's wasm.

use super::shaders;
use js_sys::{Float32Array, Uint32Array};
use std::collections::HashMap;
use vitrine_domain::viewer::dom;
use vitrine_viewer_core::Orbit;
use vitrine_viewer_core::glb::{AlphaMode, Scene, TextureRef};
use vitrine_viewer_core::studio::{self, LAMPS};
use vitrine_viewer_core::vector::normalize;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    HtmlCanvasElement, ImageBitmap, WebGl2RenderingContext as Gl, WebGlBuffer, WebGlProgram,
    WebGlShader, WebGlTexture, WebGlUniformLocation, WebGlVertexArrayObject,
};

/// The viewer's clear colour (sRGB), as in `viewer::model`.
const BACKGROUND: [f32; 3] = [0.953, 0.957, 0.965];
/// Bevy's default vertical field of view: the viewer frames with it.
pub const FOV_Y: f32 = std::f32::consts::FRAC_PI_4;

/// The texture unit the studio table is bound to (0–2: the material's).
const STUDIO_UNIT: u32 = 3;

pub struct Renderer {
    gl: Gl,
    program: WebGlProgram,
    uniforms: HashMap<&'static str, WebGlUniformLocation>,
    meshes: Vec<Mesh>,
    /// (image, sRGB) → texture.
    textures: HashMap<(usize, bool), WebGlTexture>,
    studio: WebGlTexture,
    /// Kept for the view: which material each draw wears per variant.
    scene: Scene,
    /// GPU objects to delete when the quick look ends.
    buffers: Vec<WebGlBuffer>,
}

struct Mesh {
    vao: WebGlVertexArrayObject,
    count: i32,
    centre: [f32; 3],
}

const UNIFORMS: [&str; 21] = [
    "u_base_uv",
    "u_metallic_roughness_uv",
    "u_emissive_uv",
    "u_view_projection",
    "u_eye",
    "u_base_color",
    "u_metallic",
    "u_roughness",
    "u_emissive",
    "u_alpha_mode",
    "u_alpha_cutoff",
    "u_unlit",
    "u_has_base_texture",
    "u_has_metallic_roughness_texture",
    "u_has_emissive_texture",
    "u_base_texture",
    "u_metallic_roughness_texture",
    "u_emissive_texture",
    "u_studio",
    "u_lamp_direction",
    "u_lamp_color",
];

/// The WebGL2 context on `canvas` (the page's script may have made it
/// already), or why there is none.
pub fn context(canvas: &HtmlCanvasElement) -> Result<Gl, String> {
    let options =
        js_sys::JSON::parse(dom::QUICK_LOOK_CONTEXT).map_err(|_| "bad context options")?;
    canvas
        .get_context_with_context_options("webgl2", &options)
        .ok()
        .flatten()
        .and_then(|context| context.dyn_into::<Gl>().ok())
        .ok_or_else(|| "WebGL2 is unavailable".to_string())
}

impl Renderer {
    /// Uploads the scene and collects the program started with
    /// [`start_program`]; `glb` holds the scene's images' bytes.
    pub async fn new(
        gl: Gl,
        program: PendingProgram,
        scene: Scene,
        glb: &[u8],
    ) -> Result<Self, String> {
        let program = finish_program(&gl, program)?;
        crate::mark("program");
        let uniforms = UNIFORMS
            .iter()
            .filter_map(|name| Some((*name, gl.get_uniform_location(&program, name)?)))
            .collect();
        let mut buffers = Vec::new();
        let meshes = scene
            .draws
            .iter()
            .map(|draw| {
                let vao = gl.create_vertex_array().ok_or("no vertex array")?;
                gl.bind_vertex_array(Some(&vao));
                let flat3: Vec<f32> = draw.positions.iter().flatten().copied().collect();
                buffers.push(attribute(&gl, 0, 3, &flat3)?);
                let flat3: Vec<f32> = draw.normals.iter().flatten().copied().collect();
                buffers.push(attribute(&gl, 1, 3, &flat3)?);
                if let Some(uvs) = &draw.uvs {
                    let flat2: Vec<f32> = uvs.iter().flatten().copied().collect();
                    buffers.push(attribute(&gl, 2, 2, &flat2)?);
                }
                let indices = gl.create_buffer().ok_or("no buffer")?;
                gl.bind_buffer(Gl::ELEMENT_ARRAY_BUFFER, Some(&indices));
                gl.buffer_data_with_array_buffer_view(
                    Gl::ELEMENT_ARRAY_BUFFER,
                    &Uint32Array::from(draw.indices.as_slice()),
                    Gl::STATIC_DRAW,
                );
                buffers.push(indices);
                gl.bind_vertex_array(None);
                Ok(Mesh {
                    vao,
                    count: draw.indices.len() as i32,
                    centre: draw.centre(),
                })
            })
            .collect::<Result<Vec<_>, String>>()?;

        // Every image a material samples, decoded by the browser in parallel.
        let mut wanted: Vec<(usize, bool)> = Vec::new();
        for material in &scene.materials {
            for (texture, srgb) in [
                (material.base_color_texture, true),
                (material.metallic_roughness_texture, false),
                (material.emissive_texture, true),
            ] {
                if let Some(image) = texture.map(|t| t.image).filter(|&i| i < scene.images.len())
                    && !wanted.contains(&(image, srgb))
                {
                    wanted.push((image, srgb));
                }
            }
        }
        let mut decoding = Vec::new();
        for &(image, _) in &wanted {
            let image = &scene.images[image];
            decoding.push(decode(&glb[image.start..image.end], &image.mime)?);
        }
        let mut textures = HashMap::new();
        for ((image, srgb), promise) in wanted.into_iter().zip(decoding) {
            let bitmap: ImageBitmap = JsFuture::from(promise)
                .await
                .map_err(|e| format!("image {image} cannot be decoded: {e:?}"))?
                .unchecked_into();
            textures.insert((image, srgb), texture(&gl, &bitmap, srgb)?);
            bitmap.close();
        }
        crate::mark("textures");
        let studio = studio_texture(&gl)?;
        let renderer = Self {
            gl,
            program,
            uniforms,
            meshes,
            textures,
            studio,
            scene,
            buffers,
        };
        renderer.set_fixed_uniforms();
        Ok(renderer)
    }

    /// What no frame changes: the lamps and which texture unit is which
    /// (a program keeps its uniforms' values).
    fn set_fixed_uniforms(&self) {
        self.gl.use_program(Some(&self.program));
        let directions: Vec<f32> = LAMPS.iter().flat_map(|lamp| normalize(lamp.from)).collect();
        let colors: Vec<f32> = LAMPS.iter().flat_map(|lamp| lamp.exposed_rgb()).collect();
        self.vec3("u_lamp_direction", &directions);
        self.vec3("u_lamp_color", &colors);
        self.int("u_studio", STUDIO_UNIT as i32);
        for (unit, name) in [
            "u_base_texture",
            "u_metallic_roughness_texture",
            "u_emissive_texture",
        ]
        .iter()
        .enumerate()
        {
            self.int(name, unit as i32);
        }
    }

    /// Draws the scene from `orbit` into the whole drawing buffer, wearing
    /// material variant `variant` (`""`: the model's default).
    pub fn draw(&self, orbit: &Orbit, width: i32, height: i32, variant: &str) {
        let gl = &self.gl;
        gl.viewport(0, 0, width, height);
        gl.clear_color(BACKGROUND[0], BACKGROUND[1], BACKGROUND[2], 1.0);
        gl.clear(Gl::COLOR_BUFFER_BIT | Gl::DEPTH_BUFFER_BIT);
        gl.enable(Gl::DEPTH_TEST);
        gl.use_program(Some(&self.program));
        let aspect = width as f32 / height.max(1) as f32;
        self.matrix("u_view_projection", &orbit.view_projection(aspect, FOV_Y));
        let eye = orbit.eye();
        self.vec3("u_eye", &eye);
        gl.active_texture(Gl::TEXTURE0 + STUDIO_UNIT);
        gl.bind_texture(Gl::TEXTURE_2D, Some(&self.studio));

        // Opaque and cut-out draws first, then see-through ones far to near.
        let material_of = |index: usize| {
            let draw = &self.scene.draws[index];
            let chosen = if variant.is_empty() {
                None
            } else {
                self.scene
                    .variants
                    .material_for(draw.mesh, draw.primitive, variant)
            };
            chosen
                .filter(|&m| m < self.scene.materials.len())
                .unwrap_or(draw.material)
        };
        let blended =
            |index: usize| self.scene.materials[material_of(index)].alpha == AlphaMode::Blend;
        let mut order: Vec<usize> = (0..self.meshes.len()).filter(|&i| !blended(i)).collect();
        let mut see_through: Vec<(f32, usize)> = (0..self.meshes.len())
            .filter(|&i| blended(i))
            .map(|i| {
                let c = self.meshes[i].centre;
                let d = (0..3).map(|k| (c[k] - eye[k]).powi(2)).sum::<f32>();
                (d, i)
            })
            .collect();
        see_through.sort_by(|a, b| b.0.total_cmp(&a.0));
        let first_blended = order.len();
        order.extend(see_through.into_iter().map(|(_, i)| i));

        for (position, index) in order.into_iter().enumerate() {
            let blend = position >= first_blended;
            if blend {
                gl.enable(Gl::BLEND);
                gl.blend_func(Gl::SRC_ALPHA, Gl::ONE_MINUS_SRC_ALPHA);
                gl.depth_mask(false);
            } else {
                gl.disable(Gl::BLEND);
                gl.depth_mask(true);
            }
            let material = &self.scene.materials[material_of(index)];
            if material.double_sided {
                gl.disable(Gl::CULL_FACE);
            } else {
                gl.enable(Gl::CULL_FACE);
                gl.cull_face(Gl::BACK);
            }
            self.vec4("u_base_color", &material.base_color);
            self.float("u_metallic", material.metallic);
            self.float("u_roughness", material.roughness);
            self.vec3("u_emissive", &material.emissive);
            let (mode, cutoff) = match material.alpha {
                AlphaMode::Opaque => (0, 0.0),
                AlphaMode::Mask(cutoff) => (1, cutoff),
                AlphaMode::Blend => (2, 0.0),
            };
            self.int("u_alpha_mode", mode);
            self.float("u_alpha_cutoff", cutoff);
            self.int("u_unlit", material.unlit as i32);
            for (unit, (name, uv_name, reference, srgb)) in [
                (
                    "u_has_base_texture",
                    "u_base_uv",
                    material.base_color_texture,
                    true,
                ),
                (
                    "u_has_metallic_roughness_texture",
                    "u_metallic_roughness_uv",
                    material.metallic_roughness_texture,
                    false,
                ),
                (
                    "u_has_emissive_texture",
                    "u_emissive_uv",
                    material.emissive_texture,
                    true,
                ),
            ]
            .into_iter()
            .enumerate()
            {
                let texture = reference.and_then(|r| self.textures.get(&(r.image, srgb)));
                self.int(name, texture.is_some() as i32);
                let [a, b, c, d, e, f] = reference.map_or(TextureRef::IDENTITY, |r| r.transform);
                self.gl.uniform_matrix3fv_with_f32_array(
                    self.uniform(uv_name),
                    false,
                    &[a, d, 0.0, b, e, 0.0, c, f, 1.0],
                );
                gl.active_texture(Gl::TEXTURE0 + unit as u32);
                gl.bind_texture(Gl::TEXTURE_2D, texture);
            }
            let mesh = &self.meshes[index];
            gl.bind_vertex_array(Some(&mesh.vao));
            gl.draw_elements_with_i32(Gl::TRIANGLES, mesh.count, Gl::UNSIGNED_INT, 0);
        }
        gl.bind_vertex_array(None);
        gl.depth_mask(true);
    }

    /// Frees the GPU memory and the context: the full viewer has taken over.
    pub fn release(self) {
        let gl = &self.gl;
        for mesh in &self.meshes {
            gl.delete_vertex_array(Some(&mesh.vao));
        }
        for buffer in &self.buffers {
            gl.delete_buffer(Some(buffer));
        }
        for texture in self.textures.values().chain([&self.studio]) {
            gl.delete_texture(Some(texture));
        }
        gl.delete_program(Some(&self.program));
        lose_context(gl);
    }

    fn uniform(&self, name: &str) -> Option<&WebGlUniformLocation> {
        self.uniforms.get(name)
    }

    fn matrix(&self, name: &str, value: &[f32; 16]) {
        self.gl
            .uniform_matrix4fv_with_f32_array(self.uniform(name), false, value);
    }

    fn vec3(&self, name: &str, value: &[f32]) {
        self.gl.uniform3fv_with_f32_array(self.uniform(name), value);
    }

    fn vec4(&self, name: &str, value: &[f32]) {
        self.gl.uniform4fv_with_f32_array(self.uniform(name), value);
    }

    fn float(&self, name: &str, value: f32) {
        self.gl.uniform1f(self.uniform(name), value);
    }

    fn int(&self, name: &str, value: i32) {
        self.gl.uniform1i(self.uniform(name), value);
    }
}

/// The quick look's shader program while the browser builds it. WebGL only
/// queues compiling and linking (the GPU process does the work); asking for
/// the result waits for it. So the quick look starts the build before its
/// fetches and asks after them: on a software renderer the build takes
/// longer than the fetches.
pub struct PendingProgram {
    program: WebGlProgram,
    shaders: [WebGlShader; 2],
}

/// Starts building the shader program (see [`PendingProgram`]).
pub fn start_program(gl: &Gl) -> Result<PendingProgram, String> {
    let shader = |kind: u32, source: &str| {
        let shader = gl.create_shader(kind).ok_or("no shader")?;
        gl.shader_source(&shader, source);
        gl.compile_shader(&shader);
        Ok::<_, String>(shader)
    };
    let vertex = shader(Gl::VERTEX_SHADER, shaders::VERTEX)?;
    let fragment = shader(Gl::FRAGMENT_SHADER, shaders::FRAGMENT)?;
    let program = gl.create_program().ok_or("no program")?;
    gl.attach_shader(&program, &vertex);
    gl.attach_shader(&program, &fragment);
    gl.link_program(&program);
    Ok(PendingProgram {
        program,
        shaders: [vertex, fragment],
    })
}

/// Waits for the program; a build error comes with the driver's logs.
fn finish_program(gl: &Gl, pending: PendingProgram) -> Result<WebGlProgram, String> {
    let linked = gl
        .get_program_parameter(&pending.program, Gl::LINK_STATUS)
        .as_bool()
        .unwrap_or(false);
    let result = if linked {
        Ok(pending.program)
    } else {
        let mut logs: Vec<String> = pending
            .shaders
            .iter()
            .filter_map(|shader| gl.get_shader_info_log(shader))
            .collect();
        logs.extend(gl.get_program_info_log(&pending.program));
        gl.delete_program(Some(&pending.program));
        logs.retain(|log| !log.trim().is_empty());
        Err(format!(
            "the quick look's shaders did not build: {}",
            logs.join("; ")
        ))
    };
    for shader in &pending.shaders {
        gl.delete_shader(Some(shader));
    }
    result
}

/// Gives the context's GPU memory back at once (rather than when the
/// canvas is collected).
pub fn lose_context(gl: &Gl) {
    if let Ok(Some(extension)) = gl.get_extension("WEBGL_lose_context") {
        let _ = js_sys::Reflect::get(&extension, &"loseContext".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            .map(|f| f.call0(&extension));
    }
}

/// A float vertex attribute at `location`, `size` components per vertex.
fn attribute(gl: &Gl, location: u32, size: i32, data: &[f32]) -> Result<WebGlBuffer, String> {
    let buffer = gl.create_buffer().ok_or("no buffer")?;
    gl.bind_buffer(Gl::ARRAY_BUFFER, Some(&buffer));
    gl.buffer_data_with_array_buffer_view(
        Gl::ARRAY_BUFFER,
        &Float32Array::from(data),
        Gl::STATIC_DRAW,
    );
    gl.enable_vertex_attrib_array(location);
    gl.vertex_attrib_pointer_with_i32(location, size, Gl::FLOAT, false, 0, 0);
    Ok(buffer)
}

/// Starts decoding an encoded image; resolves to an `ImageBitmap` with its
/// values as stored (no premultiplied alpha, no colour conversion).
fn decode(bytes: &[u8], mime: &str) -> Result<js_sys::Promise, String> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let kind = web_sys::BlobPropertyBag::new();
    kind.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &kind)
        .map_err(|e| format!("{e:?}"))?;
    let options = web_sys::ImageBitmapOptions::new();
    options.set_premultiply_alpha(web_sys::PremultiplyAlpha::None);
    options.set_color_space_conversion(web_sys::ColorSpaceConversion::None);
    web_sys::window()
        .ok_or("no window")?
        .create_image_bitmap_with_blob_and_image_bitmap_options(&blob, &options)
        .map_err(|e| format!("{e:?}"))
}

fn texture(gl: &Gl, bitmap: &ImageBitmap, srgb: bool) -> Result<WebGlTexture, String> {
    let texture = gl.create_texture().ok_or("no texture")?;
    gl.bind_texture(Gl::TEXTURE_2D, Some(&texture));
    gl.pixel_storei(Gl::UNPACK_FLIP_Y_WEBGL, 0);
    gl.pixel_storei(Gl::UNPACK_PREMULTIPLY_ALPHA_WEBGL, 0);
    gl.pixel_storei(Gl::UNPACK_COLORSPACE_CONVERSION_WEBGL, Gl::NONE as i32);
    let internal = if srgb { Gl::SRGB8_ALPHA8 } else { Gl::RGBA8 };
    gl.tex_image_2d_with_u32_and_u32_and_image_bitmap(
        Gl::TEXTURE_2D,
        0,
        internal as i32,
        Gl::RGBA,
        Gl::UNSIGNED_BYTE,
        bitmap,
    )
    .map_err(|e| format!("{e:?}"))?;
    gl.generate_mipmap(Gl::TEXTURE_2D);
    gl.tex_parameteri(
        Gl::TEXTURE_2D,
        Gl::TEXTURE_MIN_FILTER,
        Gl::LINEAR_MIPMAP_LINEAR as i32,
    );
    gl.tex_parameteri(Gl::TEXTURE_2D, Gl::TEXTURE_MAG_FILTER, Gl::LINEAR as i32);
    Ok(texture)
}

// The studio's prefiltered light (`STUDIO_RGBA`), computed by build.rs.
include!(concat!(env!("OUT_DIR"), "/studio_table.rs"));
const _: () =
    assert!(STUDIO_RGBA.len() == studio::TABLE_SIZE * (1 + studio::SPECULAR_LEVELS as usize) * 4);

/// The studio's prefiltered light as a float texture (see the shader's `studio`).
fn studio_texture(gl: &Gl) -> Result<WebGlTexture, String> {
    let height = 1 + studio::SPECULAR_LEVELS as i32;
    let texture = gl.create_texture().ok_or("no texture")?;
    gl.bind_texture(Gl::TEXTURE_2D, Some(&texture));
    gl.tex_image_2d_with_i32_and_i32_and_i32_and_format_and_type_and_opt_array_buffer_view(
        Gl::TEXTURE_2D,
        0,
        Gl::RGBA16F as i32,
        studio::TABLE_SIZE as i32,
        height,
        0,
        Gl::RGBA,
        Gl::FLOAT,
        Some(&Float32Array::from(&STUDIO_RGBA[..])),
    )
    .map_err(|e| format!("{e:?}"))?;
    for (parameter, value) in [
        (Gl::TEXTURE_MIN_FILTER, Gl::LINEAR),
        (Gl::TEXTURE_MAG_FILTER, Gl::LINEAR),
        (Gl::TEXTURE_WRAP_S, Gl::CLAMP_TO_EDGE),
        (Gl::TEXTURE_WRAP_T, Gl::CLAMP_TO_EDGE),
    ] {
        gl.tex_parameteri(Gl::TEXTURE_2D, parameter, value as i32);
    }
    Ok(texture)
}
