//! Loads the product's GLB, frames the camera on it once its meshes have
//! bounds, and reports the first frame that shows it.

use crate::orbit_camera::OrbitState;
use crate::page_bridge::{self, Canvas};
use bevy::asset::LoadState;
use bevy::camera::primitives::Aabb;
use bevy::gltf::{Gltf, GltfLoaderSettings};
use bevy::prelude::*;
use bevy::world_serialization::{WorldAssetRoot, WorldInstanceReady};
use vitrine_viewer_core::Orbit;

/// Frames drawn with the model in place before we call it "shown": gives the
/// renderer time to upload meshes and textures to the GPU.
const FRAMES_BEFORE_SHOWN: u64 = 3;

pub struct ModelPlugin {
    /// Path of the GLB under the asset root.
    pub file: String,
}

/// The GLB's path under the asset root.
#[derive(Resource)]
pub struct ModelFile(pub String);

/// Where the model is in its life: spawned → framed → shown.
#[derive(Resource, Default, Debug)]
pub struct ModelProgress {
    handle: Option<Handle<WorldAsset>>,
    /// The whole glTF asset (the same load as the scene), for its material variants.
    pub gltf: Option<Handle<Gltf>>,
    pub spawned: bool,
    pub framed: bool,
    pub frames_drawn: u64,
    pub failed: bool,
}

impl Plugin for ModelPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(ModelFile(self.file.clone()))
            .init_resource::<ModelProgress>()
            .insert_resource(ClearColor(Color::srgb(0.953, 0.957, 0.965)))
            .add_systems(Startup, (spawn_model, spawn_lights))
            .add_systems(
                Update,
                (
                    report_load_failure,
                    frame_camera_on_model.run_if(|p: Res<ModelProgress>| p.spawned && !p.framed),
                ),
            )
            .add_systems(Last, count_frames.run_if(|p: Res<ModelProgress>| p.framed));
    }
}

fn spawn_model(
    mut commands: Commands,
    asset_server: Res<AssetServer>,
    file: Res<ModelFile>,
    mut progress: ResMut<ModelProgress>,
) {
    // Keep the glTF JSON: material variants are read from it (see `variants`).
    let handle = asset_server
        .load_builder()
        .with_settings(|settings: &mut GltfLoaderSettings| settings.include_source = true)
        .load(GltfAssetLabel::Scene(0).from_asset(file.0.clone()));
    progress.handle = Some(handle.clone());
    // The same settings on both requests: whichever the asset server acts
    // on, the glTF JSON is kept.
    progress.gltf = Some(
        asset_server
            .load_builder()
            .with_settings(|settings: &mut GltfLoaderSettings| settings.include_source = true)
            .load(file.0.clone()),
    );
    commands.spawn(WorldAssetRoot(handle)).observe(
        |_: On<WorldInstanceReady>, mut progress: ResMut<ModelProgress>| {
            progress.spawned = true;
        },
    );
}

/// Neutral studio lighting: a warm key light, a cool fill and soft ambient.
fn spawn_lights(mut commands: Commands) {
    commands.insert_resource(GlobalAmbientLight {
        color: Color::WHITE,
        brightness: 500.0,
        ..default()
    });
    commands.spawn((
        DirectionalLight {
            illuminance: 7_000.0,
            color: Color::srgb(1.0, 0.97, 0.92),
            ..default()
        },
        Transform::from_xyz(3.0, 5.0, 4.0).looking_at(Vec3::ZERO, Vec3::Y),
    ));
    commands.spawn((
        DirectionalLight {
            illuminance: 2_500.0,
            color: Color::srgb(0.9, 0.95, 1.0),
            ..default()
        },
        Transform::from_xyz(-4.0, 2.0, -3.0).looking_at(Vec3::ZERO, Vec3::Y),
    ));
}

fn report_load_failure(
    asset_server: Res<AssetServer>,
    canvas: Res<Canvas>,
    mut progress: ResMut<ModelProgress>,
) {
    if progress.failed {
        return;
    }
    let Some(handle) = &progress.handle else {
        return;
    };
    if let Some(LoadState::Failed(error)) = asset_server.get_load_state(handle.id()) {
        progress.failed = true;
        page_bridge::report_error(
            &canvas.id,
            &format!("The 3D model could not be loaded: {error}"),
        );
    }
}

/// Once every mesh has its bounds, fits the orbit camera to their union.
fn frame_camera_on_model(
    meshes: Query<(&Aabb, &GlobalTransform), With<Mesh3d>>,
    camera: Query<&Projection, With<Camera3d>>,
    mut orbit: ResMut<OrbitState>,
    mut progress: ResMut<ModelProgress>,
) {
    let mut min = Vec3::splat(f32::INFINITY);
    let mut max = Vec3::splat(f32::NEG_INFINITY);
    for (aabb, transform) in &meshes {
        let (center, half) = (Vec3::from(aabb.center), Vec3::from(aabb.half_extents));
        for corner in 0..8 {
            let sign = Vec3::new(
                if corner & 1 == 0 { -1.0 } else { 1.0 },
                if corner & 2 == 0 { -1.0 } else { 1.0 },
                if corner & 4 == 0 { -1.0 } else { 1.0 },
            );
            let world = transform.transform_point(center + half * sign);
            min = min.min(world);
            max = max.max(world);
        }
    }
    if !min.is_finite() || !max.is_finite() {
        return; // Bounds are computed a frame after the meshes arrive.
    }
    let fov = match camera.single() {
        Ok(Projection::Perspective(p)) => p.fov,
        _ => std::f32::consts::FRAC_PI_4,
    };
    orbit.0 = Some(Orbit::framing(min.to_array(), max.to_array(), fov));
    progress.framed = true;
}

fn count_frames(canvas: Res<Canvas>, mut progress: ResMut<ModelProgress>) {
    progress.frames_drawn += 1;
    if progress.frames_drawn == FRAMES_BEFORE_SHOWN {
        let ms = page_bridge::report_first_frame(&canvas.id);
        info!("first model frame {ms} ms after navigation");
    }
    if progress.frames_drawn >= FRAMES_BEFORE_SHOWN {
        page_bridge::report_frames(&canvas.id, progress.frames_drawn - FRAMES_BEFORE_SHOWN);
    }
}
