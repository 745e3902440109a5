//! The orbit camera: drag (or one finger) turns, right-drag (or two
//! fingers) pans, the wheel (or a pinch) zooms, arrow keys / + / - / 0 work
//! when the canvas has focus, and the page's reset button puts the view
//! back. The view turns slowly by itself until the shopper first touches
//! it. The maths lives in `vitrine_viewer_core::Orbit`; this plugin feeds it
//! input and applies it.

use crate::page_bridge::{self, Canvas};
use bevy::core_pipeline::tonemapping::Tonemapping;
use bevy::input::mouse::{AccumulatedMouseMotion, AccumulatedMouseScroll, MouseScrollUnit};
use bevy::input::touch::Touches;
use bevy::prelude::*;
use std::f32::consts::FRAC_PI_4;
use vitrine_viewer_core::orbit::AUTO_ROTATE_RADIANS_PER_SECOND;
use vitrine_viewer_core::{Orbit, ViewKey};

/// Pixels of wheel movement that count as one notch.
const PIXELS_PER_NOTCH: f32 = 100.0;

pub struct OrbitCameraPlugin;

/// The camera's orbit once the model has been framed, and where it started.
#[derive(Resource, Default)]
pub struct OrbitState {
    pub orbit: Option<Orbit>,
    home: Option<Orbit>,
    /// The shopper has moved the view: auto-rotation stops for good.
    interacted: bool,
    /// The page's reset counter last acted on.
    resets_seen: Option<String>,
    /// The page's quick look is drawing: the view is its, not to be turned here.
    following_quick_look: bool,
}

impl OrbitState {
    /// Frames the model: the view starts (and resets to) `orbit`.
    pub fn frame(&mut self, orbit: Orbit) {
        self.orbit = Some(orbit);
        self.home = Some(orbit);
    }
}

impl Plugin for OrbitCameraPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<OrbitState>()
            .add_systems(Startup, spawn_camera)
            .add_systems(Update, (orbit_from_input, auto_rotate, apply_orbit).chain());
    }
}

fn spawn_camera(mut commands: Commands, canvas: Res<Canvas>) {
    commands.spawn((
        Camera3d::default(),
        // The default tonemapper needs lookup-table features we leave out for size.
        Tonemapping::KhronosPbrNeutral,
        Transform::from_xyz(0.0, 0.0, 5.0).looking_at(Vec3::ZERO, Vec3::Y),
    ));
    // The quick look's "moved" stands: the view is not turning by itself.
    if !page_bridge::quick_look_view(&canvas.id).is_some_and(|(_, moved)| moved) {
        page_bridge::report_auto_rotate(&canvas.id, !page_bridge::prefers_reduced_motion());
    }
}

#[allow(clippy::too_many_arguments)] // one system reads every input device
fn orbit_from_input(
    canvas: Res<Canvas>,
    buttons: Res<ButtonInput<MouseButton>>,
    keys: Res<ButtonInput<KeyCode>>,
    motion: Res<AccumulatedMouseMotion>,
    scroll: Res<AccumulatedMouseScroll>,
    touches: Res<Touches>,
    windows: Query<&Window>,
    mut state: ResMut<OrbitState>,
) {
    let state = &mut *state;
    let (Some(orbit), Some(home)) = (state.orbit.as_mut(), state.home) else {
        return;
    };
    // Until the viewer's first frame the page's quick look is on screen and
    // takes the input: follow its view.
    if let Some((view, moved)) = page_bridge::quick_look_view(&canvas.id) {
        if let Some(followed) = home.with_handoff(&view) {
            *orbit = followed;
        }
        state.interacted |= moved;
        state.following_quick_look = true;
        return;
    }
    state.following_quick_look = false;
    let height = windows.iter().next().map_or(600.0, |w| w.height());
    let mut moved = false;
    if buttons.pressed(MouseButton::Left) && motion.delta != Vec2::ZERO {
        orbit.drag(motion.delta.x, motion.delta.y);
        moved = true;
    }
    if buttons.pressed(MouseButton::Right) && motion.delta != Vec2::ZERO {
        orbit.pan(motion.delta.x, motion.delta.y, height, FRAC_PI_4);
        moved = true;
    }
    if scroll.delta.y != 0.0 {
        let notches = match scroll.unit {
            MouseScrollUnit::Line => scroll.delta.y,
            MouseScrollUnit::Pixel => scroll.delta.y / PIXELS_PER_NOTCH,
        };
        orbit.zoom(notches);
        moved = true;
    }
    moved |= touch(orbit, &touches, height);
    for (code, key) in KEYS {
        if keys.just_pressed(code) {
            orbit.key(key, &home);
            moved = true;
        }
    }
    // The page's reset button bumps a counter on the canvas.
    let resets = page_bridge::view_resets(&canvas.id);
    if state.resets_seen.is_some() && resets != state.resets_seen {
        *orbit = home;
        moved = true;
    }
    state.resets_seen = resets.or(Some(String::new()));
    if moved && !state.interacted {
        state.interacted = true;
        page_bridge::report_auto_rotate(&canvas.id, false);
    }
}

const KEYS: [(KeyCode, ViewKey); 11] = [
    (KeyCode::ArrowLeft, ViewKey::Left),
    (KeyCode::ArrowRight, ViewKey::Right),
    (KeyCode::ArrowUp, ViewKey::Up),
    (KeyCode::ArrowDown, ViewKey::Down),
    (KeyCode::Equal, ViewKey::ZoomIn),
    (KeyCode::NumpadAdd, ViewKey::ZoomIn),
    (KeyCode::Minus, ViewKey::ZoomOut),
    (KeyCode::NumpadSubtract, ViewKey::ZoomOut),
    (KeyCode::Digit0, ViewKey::Reset),
    (KeyCode::Numpad0, ViewKey::Reset),
    (KeyCode::Home, ViewKey::Reset),
];

/// One finger turns; two fingers pinch to zoom and slide to pan.
fn touch(orbit: &mut Orbit, touches: &Touches, height: f32) -> bool {
    let fingers: Vec<_> = touches.iter().collect();
    match fingers.as_slice() {
        [one] if one.delta() != Vec2::ZERO => {
            orbit.drag(one.delta().x, one.delta().y);
            true
        }
        [a, b] => {
            let before = a.previous_position().distance(b.previous_position());
            let now = a.position().distance(b.position());
            let slide = (a.delta() + b.delta()) / 2.0;
            if before > 0.0 && now > 0.0 {
                orbit.zoom((now / before).ln() / (1.0f32 / 0.9).ln());
            }
            orbit.pan(slide.x, slide.y, height, FRAC_PI_4);
            now != before || slide != Vec2::ZERO
        }
        _ => false,
    }
}

/// Turns the model slowly until the shopper takes over (not for people who
/// ask their system for reduced motion).
fn auto_rotate(time: Res<Time>, mut state: ResMut<OrbitState>, mut reduced: Local<Option<bool>>) {
    let reduced = *reduced.get_or_insert_with(page_bridge::prefers_reduced_motion);
    if state.interacted || reduced || state.following_quick_look {
        return;
    }
    if let Some(orbit) = state.orbit.as_mut() {
        orbit.spin(AUTO_ROTATE_RADIANS_PER_SECOND * time.delta_secs());
    }
}

fn apply_orbit(state: Res<OrbitState>, mut camera: Query<&mut Transform, With<Camera3d>>) {
    let (Some(orbit), Ok(mut transform)) = (state.orbit.as_ref(), camera.single_mut()) else {
        return;
    };
    *transform = Transform::from_translation(Vec3::from_array(orbit.eye()))
        .looking_at(Vec3::from_array(orbit.target), Vec3::Y);
}
