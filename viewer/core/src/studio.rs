//! The studio every product is shown in: the viewer's environment light.
//!
//! A product page wants neutral, soft light that shows a material as it is:
//! a bright ceiling with an overhead soft box, a neutral horizon and a darker
//! floor. Metals need something to reflect (under lamps alone they look
//! black), rough fabrics need light from all sides.
//!
//! The environment varies only with height (a direction's `y`), so its
//! prefiltered forms are 1-D tables over `y`, computed here once in plain
//! Rust. The viewer writes them into the two cube maps Bevy's
//! `EnvironmentMapLight` samples; the server's poster renderer reads the same
//! tables, so the poster looks like the viewer's first frame.

use std::f32::consts::PI;

/// Bevy's `EnvironmentMapLight::intensity` (cd/m²) for the studio's radiance
/// of 1.0 (the horizon).
pub const INTENSITY: f32 = 450.0;
/// Bevy's default camera exposure (EV100 9.7) in the viewer's light units:
/// lux and cd/m² times this are what the tone mapper sees.
pub const EXPOSURE: f32 = 1.0 / (1.2 * 831.746_8);
/// Edge of the specular cube map's largest level, in texels.
pub const SPECULAR_FACE_SIZE: u32 = 64;
/// Mip levels of the specular cube map (64 px down to 1 px). Bevy reads level
/// `perceptual_roughness × (LEVELS − 1)`, so level `i` holds the environment
/// prefiltered for perceptual roughness `i / (LEVELS − 1)`.
pub const SPECULAR_LEVELS: u32 = 7;
/// Edge of the diffuse (irradiance) cube map, in texels.
pub const DIFFUSE_FACE_SIZE: u32 = 16;

/// A directional lamp of the studio, besides its environment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lamp {
    /// Where the light comes from (it shines towards the origin).
    pub from: [f32; 3],
    /// Its colour, sRGB.
    pub srgb: [f32; 3],
    /// Bevy's `DirectionalLight::illuminance`, lux.
    pub lux: f32,
}

/// A warm key light above and to the front, and a cool fill from behind:
/// they give the shading and highlights a soft environment alone lacks.
pub const LAMPS: [Lamp; 2] = [
    Lamp {
        from: [3.0, 5.0, 4.0],
        srgb: [1.0, 0.97, 0.92],
        lux: 5_000.0,
    },
    Lamp {
        from: [-4.0, 2.0, -3.0],
        srgb: [0.9, 0.95, 1.0],
        lux: 1_500.0,
    },
];

impl Lamp {
    /// Its light as the tone mapper sees it: linear RGB times illuminance
    /// times [`EXPOSURE`].
    pub fn exposed_rgb(&self) -> [f32; 3] {
        self.srgb.map(|c| {
            let linear = if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            };
            linear * self.lux * EXPOSURE
        })
    }
}

/// Entries per table, evenly spaced over y ∈ [−1, 1].
pub const TABLE_SIZE: usize = 129;
/// Importance samples per table entry.
const SAMPLES: u32 = 512;

/// The studio's radiance seen in a direction whose height is `y`
/// (linear RGB, horizon = 1).
pub fn radiance(y: f32) -> [f32; 3] {
    const FLOOR: f32 = 0.35;
    const HORIZON: f32 = 1.0;
    const CEILING: f32 = 1.5;
    const SOFT_BOX: f32 = 4.0;
    let y = y.clamp(-1.0, 1.0);
    let value = FLOOR
        + (HORIZON - FLOOR) * smoothstep(-0.3, 0.05, y)
        + (CEILING - HORIZON) * smoothstep(0.1, 0.7, y)
        + (SOFT_BOX - CEILING) * smoothstep(0.88, 0.96, y);
    [value; 3]
}

/// The studio's light, prefiltered for diffuse and for every specular level.
pub struct Studio {
    /// Cosine-weighted mean radiance around a normal, by the normal's y.
    irradiance: Vec<[f32; 3]>,
    /// Per specular level, GGX-prefiltered radiance by the reflection's y.
    specular: Vec<Vec<[f32; 3]>>,
}

impl Default for Studio {
    fn default() -> Self {
        Self::new()
    }
}

impl Studio {
    /// Prefilters the environment (a few milliseconds).
    pub fn new() -> Self {
        let ys = (0..TABLE_SIZE).map(|i| i as f32 / (TABLE_SIZE - 1) as f32 * 2.0 - 1.0);
        let irradiance = ys.clone().map(diffuse_convolution).collect();
        let specular = (0..SPECULAR_LEVELS)
            .map(|level| {
                let perceptual = level as f32 / (SPECULAR_LEVELS - 1) as f32;
                ys.clone()
                    .map(|y| ggx_convolution(y, perceptual * perceptual))
                    .collect()
            })
            .collect();
        Self {
            irradiance,
            specular,
        }
    }

    /// What Bevy's diffuse map holds for a normal whose height is `y`: the
    /// cosine-weighted mean radiance (a white surface's outgoing radiance).
    pub fn irradiance(&self, y: f32) -> [f32; 3] {
        lookup(&self.irradiance, y)
    }

    /// What the specular map's `level` holds for a reflection whose height is `y`.
    pub fn specular_level(&self, level: usize, y: f32) -> [f32; 3] {
        lookup(&self.specular[level.min(self.specular.len() - 1)], y)
    }

    /// What the GPU reads for a perceptual roughness: the two nearest levels,
    /// blended (trilinear filtering).
    pub fn specular(&self, perceptual_roughness: f32, y: f32) -> [f32; 3] {
        let at = perceptual_roughness.clamp(0.0, 1.0) * (SPECULAR_LEVELS - 1) as f32;
        let below = at.floor() as usize;
        let t = at - below as f32;
        let a = self.specular_level(below, y);
        let b = self.specular_level(below + 1, y);
        std::array::from_fn(|i| a[i] + (b[i] - a[i]) * t)
    }

    /// The diffuse cube map: 6 faces of `DIFFUSE_FACE_SIZE`², RGBA half floats.
    pub fn diffuse_cube(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        write_faces(&mut bytes, DIFFUSE_FACE_SIZE, |y| self.irradiance(y));
        bytes
    }

    /// The specular cube map, layer-major: each face with all its levels.
    pub fn specular_cube(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        for face in 0..6 {
            for level in 0..SPECULAR_LEVELS {
                let size = (SPECULAR_FACE_SIZE >> level).max(1);
                write_face(&mut bytes, face, size, |y| {
                    self.specular_level(level as usize, y)
                });
            }
        }
        bytes
    }
}

impl Studio {
    /// Every table as one RGBA float image for a GPU (the page's quick look):
    /// [`TABLE_SIZE`] texels wide, row 0 the irradiance and rows
    /// `1..=SPECULAR_LEVELS` the specular levels, in the viewer's exposure.
    /// Texel `i` of a row holds height `y = i / (TABLE_SIZE − 1) × 2 − 1`.
    pub fn exposed_rgba_rows(&self) -> Vec<f32> {
        let scale = INTENSITY * EXPOSURE;
        std::iter::once(&self.irradiance)
            .chain(&self.specular)
            .flat_map(|row| row.iter())
            .flat_map(|rgb| [rgb[0] * scale, rgb[1] * scale, rgb[2] * scale, 1.0])
            .collect()
    }
}

fn smoothstep(edge0: f32, edge1: f32, x: f32) -> f32 {
    let t = ((x - edge0) / (edge1 - edge0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

fn lookup(table: &[[f32; 3]], y: f32) -> [f32; 3] {
    let at = (y.clamp(-1.0, 1.0) + 1.0) * 0.5 * (table.len() - 1) as f32;
    let below = (at.floor() as usize).min(table.len() - 2);
    let t = at - below as f32;
    let (a, b) = (table[below], table[below + 1]);
    std::array::from_fn(|i| a[i] + (b[i] - a[i]) * t)
}

/// The i-th of n points of the Hammersley set in the unit square.
fn hammersley(i: u32, n: u32) -> (f32, f32) {
    (
        (i as f32 + 0.5) / n as f32,
        i.reverse_bits() as f32 / 4_294_967_296.0,
    )
}

/// A unit normal with height `y` (the environment is the same all around).
fn normal_with_height(y: f32) -> [f32; 3] {
    [(1.0 - y * y).max(0.0).sqrt(), y, 0.0]
}

/// Two unit vectors that make an orthonormal basis with `n`.
fn basis(n: [f32; 3]) -> ([f32; 3], [f32; 3]) {
    // n = (x, y, 0): the z axis is always perpendicular.
    let t = [0.0, 0.0, 1.0];
    let b = [
        n[1] * t[2] - n[2] * t[1],
        n[2] * t[0] - n[0] * t[2],
        n[0] * t[1] - n[1] * t[0],
    ];
    (t, b)
}

fn add_scaled(sum: &mut [f32; 3], c: [f32; 3], w: f32) {
    for i in 0..3 {
        sum[i] += c[i] * w;
    }
}

fn diffuse_convolution(y: f32) -> [f32; 3] {
    let n = normal_with_height(y);
    let (t, b) = basis(n);
    let mut sum = [0.0; 3];
    for i in 0..SAMPLES {
        // Cosine-weighted hemisphere: the mean of these samples is ∫L cosθ / π.
        let (u1, u2) = hammersley(i, SAMPLES);
        let r = u1.sqrt();
        let phi = 2.0 * PI * u2;
        let (x, z) = (r * phi.cos(), r * phi.sin());
        let up = (1.0 - u1).max(0.0).sqrt();
        let ly = t[1] * x + b[1] * z + n[1] * up;
        add_scaled(&mut sum, radiance(ly), 1.0);
    }
    sum.map(|c| c / SAMPLES as f32)
}

/// The split-sum prefilter (normal = view = reflection), weighted by n·l.
fn ggx_convolution(y: f32, alpha: f32) -> [f32; 3] {
    if alpha <= 0.0 {
        return radiance(y);
    }
    let n = normal_with_height(y);
    let (t, b) = basis(n);
    let (mut sum, mut weight) = ([0.0; 3], 0.0);
    let a2 = alpha * alpha;
    for i in 0..SAMPLES {
        let (u1, u2) = hammersley(i, SAMPLES);
        let cos_theta = ((1.0 - u1) / (1.0 + (a2 - 1.0) * u1)).sqrt();
        let sin_theta = (1.0 - cos_theta * cos_theta).max(0.0).sqrt();
        let phi = 2.0 * PI * u2;
        let local = [sin_theta * phi.cos(), sin_theta * phi.sin(), cos_theta];
        let h: [f32; 3] =
            std::array::from_fn(|k| t[k] * local[0] + b[k] * local[1] + n[k] * local[2]);
        // l = reflect(−v, h) with v = n.
        let voh = n[0] * h[0] + n[1] * h[1] + n[2] * h[2];
        let l: [f32; 3] = std::array::from_fn(|k| 2.0 * voh * h[k] - n[k]);
        let nol = n[0] * l[0] + n[1] * l[1] + n[2] * l[2];
        if nol > 0.0 {
            add_scaled(&mut sum, radiance(l[1]), nol);
            weight += nol;
        }
    }
    sum.map(|c| c / weight.max(1e-6))
}

/// The height (y) of the direction through texel (x, y) of a cube face, faces
/// in the order +X, −X, +Y, −Y, +Z, −Z.
pub fn texel_height(face: u32, x: u32, y: u32, size: u32) -> f32 {
    let u = 2.0 * (x as f32 + 0.5) / size as f32 - 1.0;
    let v = 2.0 * (y as f32 + 0.5) / size as f32 - 1.0;
    let (height, len) = match face {
        2 => (1.0, (1.0 + u * u + v * v).sqrt()),
        3 => (-1.0, (1.0 + u * u + v * v).sqrt()),
        _ => (-v, (1.0 + u * u + v * v).sqrt()),
    };
    height / len
}

fn write_faces(bytes: &mut Vec<u8>, size: u32, color: impl Fn(f32) -> [f32; 3]) {
    for face in 0..6 {
        write_face(bytes, face, size, &color);
    }
}

fn write_face(bytes: &mut Vec<u8>, face: u32, size: u32, color: impl Fn(f32) -> [f32; 3]) {
    for y in 0..size {
        for x in 0..size {
            let [r, g, b] = color(texel_height(face, x, y, size));
            for c in [r, g, b, 1.0] {
                bytes.extend_from_slice(&f16_bits(c).to_le_bytes());
            }
        }
    }
}

/// An f32 as an IEEE half float (round to nearest; tiny values flush to 0).
pub fn f16_bits(value: f32) -> u16 {
    let bits = value.to_bits();
    let sign = ((bits >> 16) & 0x8000) as u16;
    let exponent = ((bits >> 23) & 0xff) as i32 - 127 + 15;
    if value.is_nan() {
        return sign | 0x7e00;
    }
    if exponent <= 0 {
        return sign;
    }
    if exponent >= 31 {
        return sign | 0x7c00;
    }
    let half = ((exponent as u32) << 10) | ((bits & 0x7f_ffff) >> 13);
    // Round to nearest: a carry into the exponent is still the right value.
    let rounded = half + ((bits >> 12) & 1);
    sign | rounded.min(0x7c00) as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gpu_table_holds_every_table_in_the_viewers_exposure() {
        let studio = Studio::new();
        let rows = studio.exposed_rgba_rows();
        assert_eq!(rows.len(), TABLE_SIZE * (1 + SPECULAR_LEVELS as usize) * 4);
        let scale = INTENSITY * EXPOSURE;
        // Row 0, the last texel: the irradiance straight up.
        let up = studio.irradiance(1.0);
        assert!(close(rows[(TABLE_SIZE - 1) * 4], up[0] * scale, 1e-6));
        // Row 1 + level 3, texel 0: the specular level straight down.
        let down = studio.specular_level(3, -1.0);
        let at = (4 * TABLE_SIZE) * 4;
        assert!(close(rows[at + 1], down[1] * scale, 1e-6));
        assert_eq!(rows[at + 3], 1.0);
    }

    #[test]
    fn lamps_are_exposed_like_the_poster_lights_them() {
        let white = Lamp {
            from: [0.0, 1.0, 0.0],
            srgb: [1.0; 3],
            lux: 1000.0,
        };
        assert!(close(white.exposed_rgb()[0], 1000.0 * EXPOSURE, 1e-6));
        let grey = Lamp {
            srgb: [0.5; 3],
            ..white
        };
        // sRGB 0.5 is about 21.4 % linear.
        assert!(close(
            grey.exposed_rgb()[1] / white.exposed_rgb()[1],
            0.214,
            1e-3
        ));
    }

    fn close(a: f32, b: f32, tolerance: f32) -> bool {
        (a - b).abs() <= tolerance
    }

    #[test]
    fn the_ceiling_is_brighter_than_the_horizon_and_the_floor_darker() {
        assert!(radiance(1.0)[0] > radiance(0.0)[0]);
        assert!(radiance(0.0)[0] > radiance(-1.0)[0]);
        assert_eq!(radiance(0.0), [radiance(0.0)[0]; 3], "neutral grey");
    }

    #[test]
    fn a_mirror_sees_the_environment_itself() {
        let studio = Studio::new();
        for y in [-0.9, -0.2, 0.0, 0.3, 0.8] {
            assert!(
                close(studio.specular(0.0, y)[0], radiance(y)[0], 0.02),
                "y={y}"
            );
        }
    }

    #[test]
    fn rougher_levels_blur_the_soft_box() {
        let studio = Studio::new();
        let peaks: Vec<f32> = (0..SPECULAR_LEVELS as usize)
            .map(|level| studio.specular_level(level, 1.0)[0])
            .collect();
        assert!(peaks.windows(2).all(|w| w[1] <= w[0] + 1e-3), "{peaks:?}");
        assert!(peaks[6] < peaks[0] * 0.7, "{peaks:?}");
    }

    #[test]
    fn irradiance_is_the_cosine_weighted_mean() {
        // Facing straight up or down, a surface sees a mix, brighter upwards.
        let studio = Studio::new();
        let up = studio.irradiance(1.0)[0];
        let down = studio.irradiance(-1.0)[0];
        assert!(up > down);
        assert!(up < radiance(1.0)[0] && up > radiance(0.0)[0]);
        assert!(down > radiance(-1.0)[0] && down < radiance(0.0)[0]);
    }

    #[test]
    fn a_uniform_part_of_the_environment_is_kept_by_prefiltering() {
        // Near the floor's middle the environment is flat: every filter agrees.
        let studio = Studio::new();
        let floor = radiance(-1.0)[0];
        assert!(close(studio.specular_level(3, -1.0)[0], floor, 0.02));
    }

    #[test]
    fn cube_faces_point_where_wgpu_expects() {
        assert!(close(texel_height(2, 8, 8, 16), 1.0, 0.01), "+Y is up");
        assert!(close(texel_height(3, 8, 8, 16), -1.0, 0.01), "−Y is down");
        for face in [0, 1, 4, 5] {
            assert!(
                texel_height(face, 8, 0, 16) > 0.9 * (1.0 / 2f32.sqrt()),
                "row 0 looks up"
            );
            assert!(
                texel_height(face, 8, 15, 16) < 0.0,
                "the last row looks down"
            );
        }
    }

    #[test]
    fn cube_maps_have_the_size_bevy_expects() {
        let studio = Studio::new();
        assert_eq!(studio.diffuse_cube().len(), 6 * 16 * 16 * 8);
        let texels: u32 = (0..SPECULAR_LEVELS).map(|l| (64u32 >> l).pow(2)).sum();
        assert_eq!(studio.specular_cube().len(), 6 * texels as usize * 8);
    }

    #[test]
    fn half_floats_round_trip_common_values() {
        assert_eq!(f16_bits(1.0), 0x3c00);
        assert_eq!(f16_bits(0.5), 0x3800);
        assert_eq!(f16_bits(2.0), 0x4000);
        assert_eq!(f16_bits(0.0), 0);
        assert_eq!(f16_bits(65504.0), 0x7bff);
        assert_eq!(f16_bits(1e9), 0x7c00);
    }
}
