//! The studio light every product is shown in: two lamps and an environment
//! map, both defined in `vitrine_viewer_core::studio` (shared with the poster).

use bevy::asset::RenderAssetUsages;
use bevy::prelude::*;
use bevy::render::render_resource::{
    Extent3d, TextureDimension, TextureFormat, TextureViewDescriptor, TextureViewDimension,
};
use vitrine_viewer_core::studio::{self, Studio};

pub struct StudioLightPlugin;

impl Plugin for StudioLightPlugin {
    fn build(&self, app: &mut App) {
        // The environment replaces Bevy's flat ambient light.
        app.insert_resource(GlobalAmbientLight::NONE)
            .add_systems(Startup, spawn_lamps)
            .add_systems(PostStartup, light_cameras_with_the_studio);
    }
}

fn spawn_lamps(mut commands: Commands) {
    for lamp in studio::LAMPS {
        let [r, g, b] = lamp.srgb;
        commands.spawn((
            DirectionalLight {
                illuminance: lamp.lux,
                color: Color::srgb(r, g, b),
                ..default()
            },
            Transform::from_translation(Vec3::from_array(lamp.from))
                .looking_at(Vec3::ZERO, Vec3::Y),
        ));
    }
}

fn light_cameras_with_the_studio(
    mut commands: Commands,
    cameras: Query<Entity, With<Camera3d>>,
    mut images: ResMut<Assets<Image>>,
) {
    let studio = Studio::new();
    let diffuse = images.add(cube_map(
        studio.diffuse_cube(),
        studio::DIFFUSE_FACE_SIZE,
        1,
    ));
    let specular = images.add(cube_map(
        studio.specular_cube(),
        studio::SPECULAR_FACE_SIZE,
        studio::SPECULAR_LEVELS,
    ));
    for camera in &cameras {
        commands.entity(camera).insert(EnvironmentMapLight {
            diffuse_map: diffuse.clone(),
            specular_map: specular.clone(),
            intensity: studio::INTENSITY,
            ..default()
        });
    }
}

/// A cube map of RGBA half floats, faces (+X, −X, +Y, −Y, +Z, −Z) each
/// followed by its smaller levels.
fn cube_map(data: Vec<u8>, size: u32, levels: u32) -> Image {
    let mut image = Image::new_uninit(
        Extent3d {
            width: size,
            height: size,
            depth_or_array_layers: 6,
        },
        TextureDimension::D2,
        TextureFormat::Rgba16Float,
        RenderAssetUsages::RENDER_WORLD,
    );
    image.data = Some(data);
    image.texture_descriptor.mip_level_count = levels;
    image.texture_view_descriptor = Some(TextureViewDescriptor {
        dimension: Some(TextureViewDimension::Cube),
        ..default()
    });
    image
}
