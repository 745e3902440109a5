//! Streaming levels of detail: which level a canvas warrants (screen-space
//! error), the order to fetch levels in (coarsest first), and how to retry a
//! failed fetch. Plain Rust: the Bevy plugin only carries out the decisions.

use crate::Orbit;
use vitrine_domain::viewer::ModelManifest;

/// The most a level's surface may stray from the original on screen, in
/// device pixels, before a finer level is worth fetching.
pub const MAX_SCREEN_ERROR_PX: f32 = 1.0;
/// A texture this many times smaller than the canvas's longer edge (device
/// pixels) still looks sharp: the model never fills the whole canvas and
/// its texture is spread over all its sides.
pub const TEXELS_PER_PIXEL: f32 = 0.5;
/// After the coarsest level, a level between it and the target is fetched
/// only if it costs at most this share of the target's bytes: otherwise it
/// would add much to the download and show for a moment only.
pub const MAX_STEP_SHARE: f64 = 0.25;
/// Fetch attempts per level before the view settles on the last good one.
pub const MAX_ATTEMPTS: u32 = 4;
/// The first retry waits this long; each next one twice as long.
pub const FIRST_RETRY_MS: u32 = 500;

/// How the model will be seen: the canvas in device pixels and the camera's
/// opening framing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    pub width_px: f32,
    pub height_px: f32,
    pub fov_y: f32,
    /// Camera distance to the model's centre.
    pub distance: f32,
}

impl View {
    /// The view of `manifest`'s model in a canvas of `css_width` × `css_height`
    /// CSS pixels at `device_pixel_ratio`, from the viewer's opening camera.
    pub fn of(
        manifest: &ModelManifest,
        css_width: f32,
        css_height: f32,
        device_pixel_ratio: f32,
        fov_y: f32,
    ) -> Self {
        let orbit = Orbit::framing(manifest.bounds_min, manifest.bounds_max, fov_y);
        let ratio = device_pixel_ratio.max(0.5);
        Self {
            width_px: css_width.max(1.0) * ratio,
            height_px: css_height.max(1.0) * ratio,
            fov_y,
            distance: orbit.distance,
        }
    }

    /// Screen pixels per model unit at the model's centre.
    pub fn pixels_per_unit(&self) -> f32 {
        self.height_px / (2.0 * self.distance * (self.fov_y / 2.0).tan())
    }
}

/// The finest level `view` warrants: the coarsest whose geometric error
/// stays under [`MAX_SCREEN_ERROR_PX`] and whose textures are sharp enough.
/// Levels are finest first, so a smaller index is finer.
pub fn finest_needed(manifest: &ModelManifest, view: &View) -> usize {
    let longest_px = view.width_px.max(view.height_px);
    let pixels_per_unit = view.pixels_per_unit();
    let enough = |index: usize| {
        let level = &manifest.levels[index];
        let sharp_geometry = level.geometric_error * pixels_per_unit <= MAX_SCREEN_ERROR_PX;
        let sharp_textures = level.max_texture_edge == 0
            || level.max_texture_edge as f32 >= longest_px * TEXELS_PER_PIXEL;
        sharp_geometry && sharp_textures
    };
    (0..manifest.levels.len())
        .rev()
        .find(|&i| enough(i))
        .unwrap_or(0)
}

/// What the streamer should do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Fetch this level now.
    Fetch(usize),
    /// Fetch this level again after a pause (milliseconds).
    Retry { level: usize, after_ms: u32 },
    /// Every level the view warrants is shown.
    Done,
    /// A level kept failing: the view stays on the last good one.
    GaveUp,
}

/// The streaming schedule of one model: coarsest level first, then each
/// finer one down to the finest the view warrants, one fetch at a time.
#[derive(Debug, Clone, PartialEq)]
pub struct Stream {
    /// Levels to fetch, in order (coarsest first).
    order: Vec<usize>,
    /// Position in `order` of the level being fetched.
    position: usize,
    attempts: u32,
    shown: Option<usize>,
    gave_up: bool,
}

impl Stream {
    pub fn new(level_count: usize, finest: usize) -> Self {
        let finest = finest.min(level_count.saturating_sub(1));
        Self {
            order: (finest..level_count).rev().collect(),
            position: 0,
            attempts: 0,
            shown: None,
            gave_up: false,
        }
    }

    /// The schedule for levels of `bytes` (finest first): the coarsest, then
    /// the levels between it and `finest` that are cheap beside it (see
    /// [`MAX_STEP_SHARE`]), then `finest`.
    pub fn skipping_costly_steps(bytes: &[u64], finest: usize) -> Self {
        let mut stream = Self::new(bytes.len(), finest);
        if let (Some(&coarsest), Some(&target)) = (stream.order.first(), stream.order.last()) {
            let budget = bytes[target] as f64 * MAX_STEP_SHARE;
            stream.order.retain(|&level| {
                level == coarsest || level == target || bytes[level] as f64 <= budget
            });
        }
        stream
    }

    /// The levels this stream will fetch, coarsest first.
    pub fn order(&self) -> &[usize] {
        &self.order
    }

    /// The finest level on screen so far.
    pub fn shown(&self) -> Option<usize> {
        self.shown
    }

    /// What to do now (no retry pending).
    pub fn next(&self) -> Next {
        if self.gave_up {
            return Next::GaveUp;
        }
        match self.order.get(self.position) {
            Some(&level) => Next::Fetch(level),
            None => Next::Done,
        }
    }

    /// `level` arrived and is shown: the next finer one is due.
    pub fn loaded(&mut self, level: usize) -> Next {
        if self.order.get(self.position) == Some(&level) {
            self.shown = Some(level);
            self.position += 1;
            self.attempts = 0;
        }
        self.next()
    }

    /// Fetching `level` failed: retry with exponential backoff, or give up
    /// after [`MAX_ATTEMPTS`] (finer levels are not tried either).
    pub fn failed(&mut self, level: usize) -> Next {
        if self.order.get(self.position) != Some(&level) {
            return self.next();
        }
        self.attempts += 1;
        if self.attempts >= MAX_ATTEMPTS {
            self.gave_up = true;
            return Next::GaveUp;
        }
        Next::Retry {
            level,
            after_ms: FIRST_RETRY_MS << (self.attempts - 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f32::consts::FRAC_PI_4;
    use vitrine_domain::viewer::ModelLevel;

    /// A 1-unit model with the default ladder's shape.
    fn manifest() -> ModelManifest {
        let level = |triangles, max_texture_edge, geometric_error| ModelLevel {
            file: format!("{triangles}.glb"),
            bytes: triangles * 40,
            triangles,
            max_texture_edge,
            geometric_error,
        };
        ModelManifest {
            levels: vec![
                level(100_000, 2048, 0.0),
                level(25_000, 1024, 0.0004),
                level(6_000, 512, 0.002),
                level(1_500, 128, 0.01),
            ],
            bounds_min: [-0.5, -0.5, -0.5],
            bounds_max: [0.5, 0.5, 0.5],
            material_variants: vec![],
            poster: None,
        }
    }

    fn view(css_width: f32, css_height: f32, ratio: f32) -> View {
        View::of(&manifest(), css_width, css_height, ratio, FRAC_PI_4)
    }

    #[test]
    fn a_bigger_or_denser_canvas_warrants_a_finer_level() {
        let m = manifest();
        let thumbnail = finest_needed(&m, &view(160.0, 120.0, 1.0));
        let page = finest_needed(&m, &view(640.0, 480.0, 1.0));
        let retina = finest_needed(&m, &view(640.0, 480.0, 2.0));
        let full_screen = finest_needed(&m, &view(2560.0, 1440.0, 2.0));
        assert_eq!(thumbnail, 3);
        assert!(thumbnail > page && page >= retina && retina >= full_screen);
        assert_eq!(full_screen, 0);
    }

    #[test]
    fn the_chosen_level_keeps_its_error_under_a_pixel() {
        let m = manifest();
        for (w, h, r) in [
            (300.0, 200.0, 1.0),
            (800.0, 600.0, 1.0),
            (800.0, 600.0, 3.0),
        ] {
            let v = view(w, h, r);
            let level = &m.levels[finest_needed(&m, &v)];
            assert!(level.geometric_error * v.pixels_per_unit() <= MAX_SCREEN_ERROR_PX);
            assert!(level.max_texture_edge as f32 >= w.max(h) * r * TEXELS_PER_PIXEL);
        }
    }

    #[test]
    fn pixels_per_unit_follow_the_canvas_height_and_distance() {
        let v = view(400.0, 300.0, 1.0);
        let twice = view(400.0, 600.0, 1.0);
        assert!((twice.pixels_per_unit() / v.pixels_per_unit() - 2.0).abs() < 1e-4);
        // The framed model (radius √0.75) fits within the canvas height.
        let radius = 0.75f32.sqrt();
        assert!(2.0 * radius * v.pixels_per_unit() < 300.0);
        assert!(2.0 * radius * v.pixels_per_unit() > 150.0);
    }

    #[test]
    fn streams_coarsest_first_down_to_the_finest_needed() {
        let mut stream = Stream::new(4, 1);
        assert_eq!(stream.order(), [3, 2, 1]);
        assert_eq!(stream.next(), Next::Fetch(3));
        assert_eq!(stream.loaded(3), Next::Fetch(2));
        assert_eq!(stream.shown(), Some(3));
        assert_eq!(stream.loaded(2), Next::Fetch(1));
        assert_eq!(stream.loaded(1), Next::Done);
        assert_eq!(stream.shown(), Some(1));
        assert_eq!(
            Stream::new(4, 9).order(),
            [3],
            "a finest beyond the ladder is its coarsest"
        );
        assert_eq!(Stream::new(1, 0).order(), [0]);
    }

    #[test]
    fn costly_steps_between_the_coarsest_and_the_target_are_skipped() {
        // The sheen chair's ladder: 4.4 MB, 3.6 MB, 1.7 MB, 0.1 MB.
        let bytes = [4_386_684, 3_580_220, 1_695_224, 96_604];
        assert_eq!(Stream::skipping_costly_steps(&bytes, 1).order(), [3, 1]);
        assert_eq!(Stream::skipping_costly_steps(&bytes, 2).order(), [3, 2]);
        assert_eq!(Stream::skipping_costly_steps(&bytes, 3).order(), [3]);
        // A steep ladder keeps its cheap middle steps.
        let steep = [8_000_000, 1_200_000, 300_000, 25_000];
        assert_eq!(
            Stream::skipping_costly_steps(&steep, 0).order(),
            [3, 2, 1, 0]
        );
        let mut stream = Stream::skipping_costly_steps(&bytes, 0);
        assert_eq!(stream.loaded(3), Next::Fetch(0));
        assert_eq!(stream.loaded(0), Next::Done);
    }

    #[test]
    fn failures_back_off_then_leave_the_last_good_level() {
        let mut stream = Stream::new(4, 0);
        stream.loaded(3);
        assert_eq!(
            stream.failed(2),
            Next::Retry {
                level: 2,
                after_ms: 500
            }
        );
        assert_eq!(
            stream.failed(2),
            Next::Retry {
                level: 2,
                after_ms: 1000
            }
        );
        assert_eq!(
            stream.failed(2),
            Next::Retry {
                level: 2,
                after_ms: 2000
            }
        );
        assert_eq!(stream.failed(2), Next::GaveUp);
        assert_eq!(stream.next(), Next::GaveUp);
        assert_eq!(
            stream.shown(),
            Some(3),
            "the view stays on the coarse level"
        );
    }

    #[test]
    fn a_success_resets_the_retries_and_stale_reports_are_ignored() {
        let mut stream = Stream::new(3, 0);
        assert_eq!(
            stream.failed(2),
            Next::Retry {
                level: 2,
                after_ms: 500
            }
        );
        assert_eq!(stream.loaded(2), Next::Fetch(1));
        assert_eq!(
            stream.failed(1),
            Next::Retry {
                level: 1,
                after_ms: 500
            }
        );
        assert_eq!(
            stream.loaded(2),
            Next::Fetch(1),
            "a late duplicate changes nothing"
        );
        assert_eq!(
            stream.failed(0),
            Next::Fetch(1),
            "not the level being fetched"
        );
    }
}
