//! Streams the product's model: the coarsest level of detail first, then
//! each finer one down to the finest the canvas warrants, each swapped in
//! when it is ready, without moving the camera. The schedule (what to fetch
//! next, when to retry) is `vitrine_viewer_core::lod`; this plugin loads,
//! swaps and reports. A model without levels is one whole GLB.

use crate::orbit_camera::OrbitState;
use crate::page_bridge::{self, Canvas};
use bevy::asset::{LoadState, RecursiveDependencyLoadState};
use bevy::camera::primitives::Aabb;
use bevy::gltf::{Gltf, GltfLoaderSettings};
use bevy::prelude::*;
use bevy::world_serialization::{WorldAssetRoot, WorldInstanceReady};
use std::f32::consts::FRAC_PI_4;
use tracing::{info, warn};
use vitrine_domain::viewer::ModelManifest;
use vitrine_viewer_core::Orbit;
use vitrine_viewer_core::lod::{Next, Stream, View, finest_needed};

/// Frames drawn with the model in place before we call it "shown": gives the
/// renderer time to upload meshes and textures to the GPU.
const FRAMES_BEFORE_SHOWN: u64 = 3;
/// Frames the outgoing level stays drawn under the incoming one, so the
/// swap never shows an empty frame while the new one's pipelines get ready.
const FRAMES_OF_OVERLAP: u32 = 2;

/// What to show: levels of detail from a manifest, or one whole GLB.
#[derive(Clone)]
pub enum ModelSource {
    Levels(ModelManifest),
    /// The GLB's path under the asset root.
    Whole(String),
}

pub struct ModelPlugin {
    pub source: ModelSource,
    /// Stream down to this level whatever the canvas warrants.
    pub pinned_level: Option<usize>,
}

/// One level as the streamer sees it.
#[derive(Clone, Debug)]
struct LevelFile {
    file: String,
    bytes: u64,
    triangles: u64,
}

/// The model on screen and the one on its way.
#[derive(Resource)]
struct Streaming {
    levels: Vec<LevelFile>,
    stream: Stream,
    loading: Option<Loading>,
    /// A retry due at this many seconds of app time.
    retry: Option<(usize, f64)>,
    shown: Option<Entity>,
    /// Outgoing levels, despawned after a few frames.
    retiring: Vec<(Entity, u32)>,
}

struct Loading {
    level: usize,
    gltf: Handle<Gltf>,
    /// The level's scene, spawned hidden once the GLB and its textures are in.
    root: Option<Entity>,
    /// The scene's entities are all spawned.
    ready: bool,
}

/// Where the model is in its life, for the other plugins.
#[derive(Resource, Default, Debug)]
pub struct ModelProgress {
    /// The glTF asset of the level on screen, for its material variants.
    pub gltf: Option<Handle<Gltf>>,
    /// Bumped each time another level replaces the one on screen.
    pub generation: u64,
    pub framed: bool,
    pub frames_drawn: u64,
}

impl Plugin for ModelPlugin {
    fn build(&self, app: &mut App) {
        let (levels, bounds) = match &self.source {
            ModelSource::Levels(manifest) => (
                manifest
                    .levels
                    .iter()
                    .map(|l| LevelFile {
                        file: l.file.clone(),
                        bytes: l.bytes,
                        triangles: l.triangles,
                    })
                    .collect(),
                Some(manifest.clone()),
            ),
            ModelSource::Whole(file) => (
                vec![LevelFile {
                    file: file.clone(),
                    bytes: 0,
                    triangles: 0,
                }],
                None,
            ),
        };
        let count = levels.len();
        app.insert_resource(Streaming {
            levels,
            // Replaced at start-up once the canvas size is known.
            stream: Stream::new(count, 0),
            loading: None,
            retry: None,
            shown: None,
            retiring: Vec::new(),
        })
        .insert_resource(Manifest(bounds, self.pinned_level))
        .init_resource::<ModelProgress>()
        .insert_resource(ClearColor(Color::srgb(0.953, 0.957, 0.965)))
        .add_systems(Startup, plan_stream)
        .add_systems(
            Update,
            (
                stream_levels,
                retire_old_levels,
                frame_camera_on_model.run_if(|p: Res<ModelProgress>| p.generation > 0 && !p.framed),
            ),
        )
        .add_systems(
            Last,
            count_frames.run_if(|p: Res<ModelProgress>| p.framed && p.generation > 0),
        );
    }
}

#[derive(Resource)]
struct Manifest(Option<ModelManifest>, Option<usize>);

/// Chooses the finest level from the canvas and frames the camera from the
/// manifest's bounds, so every level appears in the same place.
fn plan_stream(
    canvas: Res<Canvas>,
    manifest: Res<Manifest>,
    mut streaming: ResMut<Streaming>,
    mut orbit: ResMut<OrbitState>,
    mut progress: ResMut<ModelProgress>,
) {
    let Manifest(Some(manifest), pinned) = &*manifest else {
        return;
    };
    let (width, height, ratio) =
        page_bridge::canvas_size(&canvas.id).unwrap_or((800.0, 600.0, 1.0));
    let view = View::of(manifest, width, height, ratio, FRAC_PI_4);
    streaming.stream = match pinned {
        // QA and the admin preview: every level down to the pinned one.
        Some(level) => Stream::new(manifest.levels.len(), *level),
        None => {
            let bytes: Vec<u64> = manifest.levels.iter().map(|l| l.bytes).collect();
            Stream::skipping_costly_steps(&bytes, finest_needed(manifest, &view))
        }
    };
    let target = streaming.stream.order().last().copied().unwrap_or(0);
    page_bridge::report_lod_target(&canvas.id, target);
    orbit.frame(Orbit::framing(
        manifest.bounds_min,
        manifest.bounds_max,
        FRAC_PI_4,
    ));
    progress.framed = true;
}

/// Starts fetches, notices arrivals and failures, and swaps levels in.
fn stream_levels(
    mut commands: Commands,
    asset_server: Res<AssetServer>,
    gltfs: Res<Assets<Gltf>>,
    canvas: Res<Canvas>,
    time: Res<Time>,
    mut streaming: ResMut<Streaming>,
    mut progress: ResMut<ModelProgress>,
) {
    let streaming = &mut *streaming;
    let now = time.elapsed_secs_f64();
    if let Some(loading) = &mut streaming.loading {
        if loading.ready {
            let loading = streaming.loading.take().expect("checked above");
            let root = loading.root.expect("ready means spawned");
            commands.entity(root).insert(Visibility::Inherited);
            if let Some(old) = streaming.shown.replace(root) {
                streaming.retiring.push((old, FRAMES_OF_OVERLAP));
            }
            progress.gltf = Some(loading.gltf);
            progress.generation += 1;
            let level = &streaming.levels[loading.level];
            page_bridge::report_lod_shown(&canvas.id, loading.level, level.bytes, level.triangles);
            let next = streaming.stream.loaded(loading.level);
            after(next, streaming, &canvas, now);
        } else if let Some(error) = load_failure(&asset_server, &loading.gltf) {
            let loading = streaming.loading.take().expect("checked above");
            if let Some(root) = loading.root {
                commands.entity(root).despawn();
            }
            warn!("level {} failed: {error}", loading.level);
            let next = streaming.stream.failed(loading.level);
            if next == Next::GaveUp && streaming.shown.is_none() {
                page_bridge::report_error(
                    &canvas.id,
                    &format!("The 3D model could not be loaded: {error}"),
                );
            }
            after(next, streaming, &canvas, now);
        } else if loading.root.is_none() && asset_server.is_loaded_with_dependencies(&loading.gltf)
        {
            // Textures included: the level never appears half-dressed.
            let Some(scene) = gltfs.get(&loading.gltf).and_then(|g| g.scenes.first()) else {
                return;
            };
            // Hidden until the whole scene is in, then swapped for the old level.
            let root = commands
                .spawn((WorldAssetRoot(scene.clone()), Visibility::Hidden))
                .id();
            commands.entity(root).observe(
                move |_: On<WorldInstanceReady>, mut streaming: ResMut<Streaming>| {
                    if let Some(loading) =
                        streaming.loading.as_mut().filter(|l| l.root == Some(root))
                    {
                        loading.ready = true;
                    }
                },
            );
            loading.root = Some(root);
        }
        return;
    }
    let level = match (streaming.retry, streaming.stream.next()) {
        (Some((level, at)), _) if now >= at => level,
        (Some(_), _) => return,
        (None, Next::Fetch(level)) => level,
        (None, _) => return,
    };
    streaming.retry = None;
    page_bridge::report_lod_loading(&canvas.id, true);
    // One request per level; the glTF JSON is kept for the material variants.
    let gltf = asset_server
        .load_builder()
        .with_settings(|settings: &mut GltfLoaderSettings| settings.include_source = true)
        .load(streaming.levels[level].file.clone());
    streaming.loading = Some(Loading {
        level,
        gltf,
        root: None,
        ready: false,
    });
}

/// Why a level's GLB (or one of its textures) failed to load, if it did.
fn load_failure(asset_server: &AssetServer, gltf: &Handle<Gltf>) -> Option<String> {
    if let Some(LoadState::Failed(error)) = asset_server.get_load_state(gltf) {
        return Some(error.to_string());
    }
    match asset_server.get_recursive_dependency_load_state(gltf) {
        Some(RecursiveDependencyLoadState::Failed(error)) => Some(error.to_string()),
        _ => None,
    }
}

/// Acts on the schedule's answer after an arrival or a failure.
fn after(next: Next, streaming: &mut Streaming, canvas: &Canvas, now: f64) {
    match next {
        Next::Fetch(_) => {}
        Next::Retry { level, after_ms } => {
            streaming.retry = Some((level, now + f64::from(after_ms) / 1000.0));
        }
        Next::Done => page_bridge::report_lod_loading(&canvas.id, false),
        Next::GaveUp => {
            page_bridge::report_lod_loading(&canvas.id, false);
            if streaming.shown.is_some() {
                page_bridge::report_lod_error(
                    &canvas.id,
                    "A more detailed version of the model could not be loaded.",
                );
            }
        }
    }
}

fn retire_old_levels(mut commands: Commands, mut streaming: ResMut<Streaming>) {
    streaming.retiring.retain_mut(|(entity, frames)| {
        if *frames == 0 {
            commands.entity(*entity).despawn();
            false
        } else {
            *frames -= 1;
            true
        }
    });
}

/// A whole model has no manifest: once every mesh has its bounds, fits the
/// orbit camera to their union.
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
        _ => FRAC_PI_4,
    };
    orbit.frame(Orbit::framing(min.to_array(), max.to_array(), fov));
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
