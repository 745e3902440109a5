//! Orbit-camera maths: a camera on a sphere around a target, framed from the
//! model's bounding box, turned by drags and zoomed by the wheel within limits.

use std::f32::consts::FRAC_PI_2;

/// Radians of turn per pixel of drag: a full-width drag of ~600 px turns the model about 180°.
pub const RADIANS_PER_PIXEL: f32 = 0.005;
/// Keep the camera off the poles so "up" never flips.
const PITCH_LIMIT: f32 = FRAC_PI_2 - 0.05;
/// Each wheel notch moves the camera this fraction closer or further.
const ZOOM_PER_NOTCH: f32 = 0.1;

/// A camera orbiting `target` at `distance`, turned by `yaw` (around +Y) and `pitch`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Orbit {
    pub target: [f32; 3],
    pub yaw: f32,
    pub pitch: f32,
    pub distance: f32,
    pub min_distance: f32,
    pub max_distance: f32,
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

    /// Turns the view by `radians` around the vertical axis (auto-rotation).
    pub fn spin(&mut self, radians: f32) {
        self.yaw += radians;
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
    fn eye_stays_on_the_sphere_while_orbiting() {
        let mut orbit = Orbit::framing([-1.0; 3], [1.0; 3], 0.8);
        for _ in 0..50 {
            orbit.drag(37.0, 11.0);
            assert!((dist(orbit.eye(), orbit.target) - orbit.distance).abs() < 1e-3);
        }
    }
}
