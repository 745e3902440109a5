//! Orbit-camera maths: a camera on a sphere around a target, framed from the
//! model's bounding box, turned by drags and zoomed by the wheel within limits.

use crate::vector::{cross, dot, normalize, sub};
use std::f32::consts::FRAC_PI_2;

/// Radians of turn per pixel of drag: a full-width drag of ~600 px turns the model about 180°.
pub const RADIANS_PER_PIXEL: f32 = 0.005;
/// Keep the camera off the poles so "up" never flips.
const PITCH_LIMIT: f32 = FRAC_PI_2 - 0.05;
/// Each wheel notch moves the camera this fraction closer or further.
const ZOOM_PER_NOTCH: f32 = 0.1;

/// Arrow keys turn the view as far as a drag of this many pixels.
pub const PIXELS_PER_ARROW_KEY: f32 = 30.0;
/// Auto-rotation until the shopper first touches the view: a turn in 30 s.
pub const AUTO_ROTATE_RADIANS_PER_SECOND: f32 = std::f32::consts::TAU / 30.0;

/// What a key does to the view (when the canvas has focus).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewKey {
    Left,
    Right,
    Up,
    Down,
    ZoomIn,
    ZoomOut,
    Reset,
}

impl ViewKey {
    /// The key a browser's `KeyboardEvent.key` names, if it moves the view.
    pub fn from_key(key: &str) -> Option<Self> {
        Some(match key {
            "ArrowLeft" => Self::Left,
            "ArrowRight" => Self::Right,
            "ArrowUp" => Self::Up,
            "ArrowDown" => Self::Down,
            "+" | "=" => Self::ZoomIn,
            "-" | "_" => Self::ZoomOut,
            "0" => Self::Reset,
            _ => return None,
        })
    }
}

/// A camera orbiting `target` at `distance`, turned by `yaw` (around +Y) and `pitch`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Orbit {
    pub target: [f32; 3],
    pub yaw: f32,
    pub pitch: f32,
    pub distance: f32,
    pub min_distance: f32,
    pub max_distance: f32,
    /// Where `target` started: panning stays near it.
    pub home_target: [f32; 3],
}

impl Orbit {
    /// Frames an axis-aligned bounding box so the whole model fits a view with
    /// vertical field of view `fov_y` (radians), seen slightly from above and to the side.
    pub fn framing(min: [f32; 3], max: [f32; 3], fov_y: f32) -> Self {
        let center = [
            (min[0] + max[0]) / 2.0,
            (min[1] + max[1]) / 2.0,
            (min[2] + max[2]) / 2.0,
        ];
        let half = [
            (max[0] - min[0]) / 2.0,
            (max[1] - min[1]) / 2.0,
            (max[2] - min[2]) / 2.0,
        ];
        // The bounding sphere fits the view whatever the orbit angle.
        let radius = (half[0] * half[0] + half[1] * half[1] + half[2] * half[2])
            .sqrt()
            .max(1e-3);
        let distance = radius / (fov_y / 2.0).sin() * 1.05;
        Self {
            target: center,
            yaw: 0.6,
            pitch: -0.25,
            distance,
            min_distance: radius * 1.1,
            max_distance: distance * 4.0,
            home_target: center,
        }
    }

    /// Applies a drag of `dx`, `dy` pixels: right turns the model right, down tilts it towards the viewer.
    pub fn drag(&mut self, dx: f32, dy: f32) {
        self.yaw -= dx * RADIANS_PER_PIXEL;
        self.pitch = (self.pitch - dy * RADIANS_PER_PIXEL).clamp(-PITCH_LIMIT, PITCH_LIMIT);
    }

    /// Applies wheel notches: positive zooms in. The distance stays within its limits.
    pub fn zoom(&mut self, notches: f32) {
        let factor = (1.0 - ZOOM_PER_NOTCH).powf(notches);
        self.distance = (self.distance * factor).clamp(self.min_distance, self.max_distance);
    }

    /// Slides the view by a drag of `dx`, `dy` pixels in a viewport
    /// `viewport_height` pixels tall with vertical field of view `fov_y`:
    /// the model follows the pointer. The target stays within the model's
    /// reach so it cannot be lost off-screen.
    pub fn pan(&mut self, dx: f32, dy: f32, viewport_height: f32, fov_y: f32) {
        let units_per_pixel = 2.0 * self.distance * (fov_y / 2.0).tan() / viewport_height.max(1.0);
        let (sin_yaw, cos_yaw) = self.yaw.sin_cos();
        let (sin_pitch, cos_pitch) = self.pitch.sin_cos();
        // The camera's right and up vectors.
        let right = [cos_yaw, 0.0, -sin_yaw];
        let up = [sin_pitch * sin_yaw, cos_pitch, sin_pitch * cos_yaw];
        let reach = self.min_distance / 1.1;
        for axis in 0..3 {
            let moved = self.target[axis] - right[axis] * dx * units_per_pixel
                + up[axis] * dy * units_per_pixel;
            let home = self.home_target[axis];
            self.target[axis] = moved.clamp(home - reach, home + reach);
        }
    }

    /// Applies a key press.
    pub fn key(&mut self, key: ViewKey, home: &Orbit) {
        match key {
            ViewKey::Left => self.drag(-PIXELS_PER_ARROW_KEY, 0.0),
            ViewKey::Right => self.drag(PIXELS_PER_ARROW_KEY, 0.0),
            ViewKey::Up => self.drag(0.0, -PIXELS_PER_ARROW_KEY),
            ViewKey::Down => self.drag(0.0, PIXELS_PER_ARROW_KEY),
            ViewKey::ZoomIn => self.zoom(1.0),
            ViewKey::ZoomOut => self.zoom(-1.0),
            ViewKey::Reset => *self = *home,
        }
    }

    /// Turns the view by `radians` around the vertical axis (auto-rotation).
    pub fn spin(&mut self, radians: f32) {
        self.yaw += radians;
    }

    /// The matrix from world space to clip space (column-major, OpenGL's
    /// −1..1 depth) for a viewport of this `aspect` (width / height), with
    /// the vertical field of view `fov_y`: what Bevy's camera at [`eye`]
    /// looking at `target` with +Y up sees.
    ///
    /// [`eye`]: Orbit::eye
    pub fn view_projection(&self, aspect: f32, fov_y: f32) -> [f32; 16] {
        let eye = self.eye();
        let forward = normalize(sub(self.target, eye));
        let right = normalize(cross(forward, [0.0, 1.0, 0.0]));
        let up = cross(right, forward);
        // Near and far planes around the model: it is within `reach` of the target.
        let reach = self.min_distance / 1.1;
        let near = (self.distance - 2.0 * reach).max(self.distance * 0.01);
        let far = self.distance + 2.0 * reach;
        let f = 1.0 / (fov_y / 2.0).tan();
        let (a, b) = ((far + near) / (near - far), 2.0 * far * near / (near - far));
        // projection × view, written out: rows of the view matrix are the
        // camera's axes, then the perspective divides by −z.
        let row = |axis: [f32; 3]| [axis[0], axis[1], axis[2], -dot(axis, eye)];
        let (r, u, back) = (row(right), row(up), row(forward.map(|c| -c)));
        let clip = [
            r.map(|c| c * f / aspect),
            u.map(|c| c * f),
            std::array::from_fn::<f32, 4, _>(|i| back[i] * a + if i == 3 { b } else { 0.0 }),
            back.map(|c| -c),
        ];
        std::array::from_fn(|i| clip[i % 4][i / 4])
    }

    /// The orbit as a short text, to hand a view from the page's quick look
    /// to the full viewer: `yaw pitch distance x y z`.
    pub fn to_handoff(&self) -> String {
        let [x, y, z] = self.target;
        format!("{} {} {} {x} {y} {z}", self.yaw, self.pitch, self.distance)
    }

    /// Takes over a view from [`Orbit::to_handoff`]'s text; the limits stay
    /// this orbit's own. `None` when the text is not one.
    pub fn with_handoff(&self, text: &str) -> Option<Orbit> {
        let numbers: Vec<f32> = text
            .split_ascii_whitespace()
            .map(|n| n.parse().ok().filter(|n: &f32| n.is_finite()))
            .collect::<Option<_>>()?;
        let [yaw, pitch, distance, x, y, z] = numbers.try_into().ok()?;
        let mut orbit = *self;
        orbit.yaw = yaw;
        orbit.pitch = pitch.clamp(-PITCH_LIMIT, PITCH_LIMIT);
        orbit.distance = distance.clamp(self.min_distance, self.max_distance);
        orbit.target = [x, y, z];
        Some(orbit)
    }

    /// The camera position in world space.
    pub fn eye(&self) -> [f32; 3] {
        let (sin_yaw, cos_yaw) = self.yaw.sin_cos();
        let (sin_pitch, cos_pitch) = self.pitch.sin_cos();
        [
            self.target[0] + self.distance * cos_pitch * sin_yaw,
            self.target[1] - self.distance * sin_pitch,
            self.target[2] + self.distance * cos_pitch * cos_yaw,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dist(a: [f32; 3], b: [f32; 3]) -> f32 {
        ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
    }

    #[test]
    fn framing_centres_on_the_box_and_keeps_it_in_view() {
        let orbit = Orbit::framing([-1.0, 0.0, -1.0], [1.0, 2.0, 1.0], 0.8);
        assert_eq!(orbit.target, [0.0, 1.0, 0.0]);
        let radius = 3.0f32.sqrt();
        // The bounding sphere subtends at most the field of view.
        assert!((radius / orbit.distance).asin() * 2.0 <= 0.8);
        assert!((dist(orbit.eye(), orbit.target) - orbit.distance).abs() < 1e-4);
    }

    #[test]
    fn degenerate_boxes_still_frame() {
        let orbit = Orbit::framing([0.0; 3], [0.0; 3], 0.8);
        assert!(orbit.distance > 0.0 && orbit.distance.is_finite());
    }

    #[test]
    fn drag_turns_and_pitch_is_clamped() {
        let mut orbit = Orbit::framing([-1.0; 3], [1.0; 3], 0.8);
        let yaw = orbit.yaw;
        orbit.drag(100.0, 0.0);
        assert!((orbit.yaw - (yaw - 0.5)).abs() < 1e-5);
        orbit.drag(0.0, -100_000.0);
        assert!(orbit.pitch <= PITCH_LIMIT && orbit.pitch > 1.0);
        orbit.drag(0.0, 100_000.0);
        assert!(orbit.pitch >= -PITCH_LIMIT && orbit.pitch < -1.0);
    }

    #[test]
    fn zoom_is_clamped_both_ways() {
        let mut orbit = Orbit::framing([-1.0; 3], [1.0; 3], 0.8);
        let start = orbit.distance;
        orbit.zoom(1.0);
        assert!(orbit.distance < start);
        orbit.zoom(1000.0);
        assert_eq!(orbit.distance, orbit.min_distance);
        orbit.zoom(-1000.0);
        assert_eq!(orbit.distance, orbit.max_distance);
    }

    #[test]
    fn pan_follows_the_pointer_and_stays_near_the_model() {
        let mut orbit = Orbit::framing([-1.0; 3], [1.0; 3], 0.8);
        orbit.yaw = 0.0;
        orbit.pitch = 0.0;
        // Camera on +Z looking at the origin: dragging right moves the model
        // right, so the target (what the camera looks at) moves left (−X).
        orbit.pan(10.0, 0.0, 500.0, 0.8);
        assert!(orbit.target[0] < 0.0 && orbit.target[1].abs() < 1e-6);
        let units_per_pixel = 2.0 * orbit.distance * 0.4f32.tan() / 500.0;
        assert!((orbit.target[0] + 10.0 * units_per_pixel).abs() < 1e-5);
        // Dragging down moves the model down: the target goes up.
        orbit.pan(0.0, 10.0, 500.0, 0.8);
        assert!(orbit.target[1] > 0.0);
        orbit.pan(1e6, -1e6, 500.0, 0.8);
        let reach = orbit.min_distance / 1.1;
        assert!(orbit.target[0] >= -reach - 1e-4 && orbit.target[1] >= -reach - 1e-4);
    }

    #[test]
    fn keys_turn_zoom_and_reset_the_view() {
        let home = Orbit::framing([-1.0; 3], [1.0; 3], 0.8);
        let mut orbit = home;
        orbit.key(ViewKey::from_key("ArrowRight").unwrap(), &home);
        assert!(orbit.yaw < home.yaw);
        orbit.key(ViewKey::from_key("ArrowUp").unwrap(), &home);
        assert!(orbit.pitch > home.pitch);
        orbit.key(ViewKey::from_key("+").unwrap(), &home);
        assert!(orbit.distance < home.distance);
        orbit.key(ViewKey::from_key("-").unwrap(), &home);
        orbit.key(ViewKey::from_key("-").unwrap(), &home);
        assert!(orbit.distance > home.distance);
        orbit.pan(50.0, 50.0, 400.0, 0.8);
        orbit.key(ViewKey::from_key("0").unwrap(), &home);
        assert_eq!(orbit, home);
        assert_eq!(ViewKey::from_key("a"), None);
    }

    /// A world point through a column-major matrix, to normalised device coordinates.
    fn project(m: &[f32; 16], p: [f32; 3]) -> [f32; 3] {
        let clip: [f32; 4] =
            std::array::from_fn(|r| m[r] * p[0] + m[4 + r] * p[1] + m[8 + r] * p[2] + m[12 + r]);
        [clip[0] / clip[3], clip[1] / clip[3], clip[2] / clip[3]]
    }

    #[test]
    fn the_view_projection_centres_the_target_and_keeps_the_model_in_depth() {
        let mut orbit = Orbit::framing([-1.0; 3], [1.0, 3.0, 1.0], 0.8);
        orbit.drag(123.0, -40.0);
        let m = orbit.view_projection(1.5, 0.8);
        let centre = project(&m, orbit.target);
        assert!(
            centre[0].abs() < 1e-4 && centre[1].abs() < 1e-4,
            "{centre:?}"
        );
        // Every corner of the box is between the near and far planes, on screen.
        for corner in 0..8 {
            let p = [
                if corner & 1 == 0 { -1.0 } else { 1.0 },
                if corner & 2 == 0 { -1.0 } else { 3.0 },
                if corner & 4 == 0 { -1.0 } else { 1.0 },
            ];
            let ndc = project(&m, p);
            assert!(ndc.iter().all(|c| c.abs() <= 1.0), "{p:?} → {ndc:?}");
        }
        // +Y is up on screen, and the camera's right is +X on screen.
        let above = project(
            &m,
            [orbit.target[0], orbit.target[1] + 0.5, orbit.target[2]],
        );
        assert!(above[1] > 0.0);
        let (sin, cos) = orbit.yaw.sin_cos();
        let right = project(
            &m,
            [
                orbit.target[0] + cos * 0.5,
                orbit.target[1],
                orbit.target[2] - sin * 0.5,
            ],
        );
        assert!(right[0] > 0.0);
    }

    #[test]
    fn a_view_handed_over_comes_back_the_same_within_this_orbits_limits() {
        let home = Orbit::framing([-1.0; 3], [1.0; 3], 0.8);
        let mut moved = home;
        moved.drag(-75.0, 20.0);
        moved.zoom(2.0);
        moved.pan(5.0, 5.0, 400.0, 0.8);
        let back = home.with_handoff(&moved.to_handoff()).unwrap();
        assert!((back.yaw - moved.yaw).abs() < 1e-6 && (back.pitch - moved.pitch).abs() < 1e-6);
        assert!((back.distance - moved.distance).abs() < 1e-5);
        assert!(dist(back.target, moved.target) < 1e-6);
        assert_eq!(back.home_target, home.home_target);
        // Out of range: clamped to this orbit's limits. Not an orbit: refused.
        let far = home.with_handoff("0 9 1e9 0 0 0").unwrap();
        assert_eq!(far.distance, home.max_distance);
        assert!(far.pitch < FRAC_PI_2);
        assert_eq!(home.with_handoff("1 2 3"), None);
        assert_eq!(home.with_handoff("1 2 NaN 0 0 0"), None);
        assert_eq!(home.with_handoff(""), None);
    }

    #[test]
    fn eye_stays_on_the_sphere_while_orbiting() {
        let mut orbit = Orbit::framing([-1.0; 3], [1.0; 3], 0.8);
        for _ in 0..50 {
            orbit.drag(37.0, 11.0);
            assert!((dist(orbit.eye(), orbit.target) - orbit.distance).abs() < 1e-3);
        }
    }
}
