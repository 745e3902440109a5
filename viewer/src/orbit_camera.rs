//! The orbit camera: drag to turn, wheel to zoom. The maths lives in
//! `vitrine_viewer_core::Orbit`; this plugin feeds it input and applies it.

use bevy::core_pipeline::tonemapping::Tonemapping;
use bevy::input::mouse::{AccumulatedMouseMotion, AccumulatedMouseScroll, MouseScrollUnit};
use bevy::prelude::*;
use vitrine_viewer_core::Orbit;

/// Pixels of wheel movement that count as one notch.
const PIXELS_PER_NOTCH: f32 = 100.0;

pub struct OrbitCameraPlugin;

/// The camera's orbit, once the model has been framed.
#[derive(Resource, Default)]
pub struct OrbitState(pub Option<Orbit>);

impl Plugin for OrbitCameraPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<OrbitState>()
            .add_systems(Startup, spawn_camera)
            .add_systems(Update, (orbit_from_input, apply_orbit).chain());
    }
}

fn spawn_camera(mut commands: Commands) {
    commands.spawn((
        Camera3d::default(),
        // The default tonemapper needs lookup-table features we leave out for size.
        Tonemapping::KhronosPbrNeutral,
        Transform::from_xyz(0.0, 0.0, 5.0).looking_at(Vec3::ZERO, Vec3::Y),
    ));
}

fn orbit_from_input(
    buttons: Res<ButtonInput<MouseButton>>,
    motion: Res<AccumulatedMouseMotion>,
    scroll: Res<AccumulatedMouseScroll>,
    mut state: ResMut<OrbitState>,
) {
    let Some(orbit) = state.0.as_mut() else {
        return;
    };
    if buttons.pressed(MouseButton::Left) && motion.delta != Vec2::ZERO {
        orbit.drag(motion.delta.x, motion.delta.y);
    }
    if scroll.delta.y != 0.0 {
        let notches = match scroll.unit {
            MouseScrollUnit::Line => scroll.delta.y,
            MouseScrollUnit::Pixel => scroll.delta.y / PIXELS_PER_NOTCH,
        };
        orbit.zoom(notches);
    }
}

fn apply_orbit(state: Res<OrbitState>, mut camera: Query<&mut Transform, With<Camera3d>>) {
    let (Some(orbit), Ok(mut transform)) = (state.0.as_ref(), camera.single_mut()) else {
        return;
    };
    *transform = Transform::from_translation(Vec3::from_array(orbit.eye()))
        .looking_at(Vec3::from_array(orbit.target), Vec3::Y);
}
