//! Shows the product variant the page selected: the page sets the canvas's
//! `data-material-variant` to the variant's glTF `KHR_materials_variants`
//! name; this swaps each primitive's material to match (or back to its
//! default), then reports the name in `data-material-variant-shown`. Each
//! level of detail keeps the variants, and gets the selected one as it arrives.

use crate::model::ModelProgress;
use crate::page_bridge::{self, Canvas};
use bevy::gltf::{Gltf, GltfMaterial};
use bevy::platform::collections::HashMap;
use bevy::prelude::*;
use tracing::{info, warn};
use vitrine_viewer_core::MaterialVariants;
use vitrine_viewer_core::material_variants::primitive_of_label;

pub struct MaterialVariantsPlugin;

#[derive(Resource, Default)]
struct VariantState {
    table: Option<MaterialVariants>,
    /// The variant on screen (`None`: default materials), once applied.
    shown: Option<Option<String>>,
    /// Each primitive's own material, to go back to.
    defaults: HashMap<Entity, Handle<StandardMaterial>>,
    /// Variant materials made so far, by glTF material index.
    made: HashMap<usize, Handle<StandardMaterial>>,
    /// The level of detail these belong to ([`ModelProgress::generation`]).
    generation: u64,
}

impl Plugin for MaterialVariantsPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<VariantState>().add_systems(
            Update,
            show_selected_variant.run_if(|p: Res<ModelProgress>| p.framed),
        );
    }
}

fn show_selected_variant(
    canvas: Res<Canvas>,
    progress: Res<ModelProgress>,
    mut gltfs: ResMut<Assets<Gltf>>,
    gltf_materials: Res<Assets<GltfMaterial>>,
    mut standard_materials: ResMut<Assets<StandardMaterial>>,
    mut state: ResMut<VariantState>,
    mut primitives: Query<(Entity, &Mesh3d, &mut MeshMaterial3d<StandardMaterial>)>,
) {
    if state.table.is_none() {
        let Some(mut gltf) = progress.gltf.as_ref().and_then(|h| gltfs.get_mut(h.id())) else {
            return;
        };
        // Read the table once, then drop the parsed document (and its copy of the binary).
        let table = gltf
            .source
            .take()
            .and_then(|source| serde_json::to_value(source.document.as_json()).ok())
            .map(|json| MaterialVariants::from_gltf_json(&json))
            .unwrap_or_default();
        state.table = Some(table);
    }
    if state.generation != progress.generation {
        // Another level of detail is on screen: its primitives and textures
        // are new, so the variant is applied afresh (the table is the same).
        state.generation = progress.generation;
        state.shown = None;
        state.defaults.clear();
        state.made.clear();
    }
    let wanted = page_bridge::requested_material_variant(&canvas.id);
    if state.shown.as_ref() == Some(&wanted) {
        return;
    }
    let state = &mut *state;
    let table = state.table.as_ref().expect("read above");
    let (mut labelled, mut swapped) = (0, 0);
    for (entity, mesh, mut material) in &mut primitives {
        let Some((mesh_index, primitive_index)) = mesh
            .0
            .path()
            .and_then(|path| path.label())
            .and_then(primitive_of_label)
        else {
            continue;
        };
        labelled += 1;
        let default = state
            .defaults
            .entry(entity)
            .or_insert_with(|| material.0.clone())
            .clone();
        let chosen = wanted
            .as_deref()
            .and_then(|variant| table.material_for(mesh_index, primitive_index, variant));
        material.0 = match chosen {
            Some(index) => {
                // Bevy keeps only the materials the scene uses as render
                // materials; variant ones are made from the glTF's own.
                let made = match state.made.get(&index) {
                    Some(handle) => Some(handle.clone()),
                    None => progress
                        .gltf
                        .as_ref()
                        .and_then(|h| gltfs.get(h.id()))
                        .and_then(|gltf| gltf.materials.get(index))
                        .and_then(|h| gltf_materials.get(h.id()))
                        .map(|m| {
                            let handle = standard_materials.add(standard_material(m));
                            state.made.insert(index, handle.clone());
                            handle
                        }),
                };
                match made {
                    Some(handle) => {
                        swapped += 1;
                        handle
                    }
                    None => {
                        warn!("the model has no material {index}");
                        default
                    }
                }
            }
            None => default,
        };
    }
    info!("material variant {wanted:?}: {swapped} of the model's {labelled} primitives changed");
    // Report only what is really on screen: a name the model does not know
    // leaves its default materials.
    let shown = wanted
        .as_deref()
        .filter(|name| table.names().iter().any(|n| n.eq_ignore_ascii_case(name)))
        .unwrap_or("");
    page_bridge::report_material_variant(&canvas.id, shown);
    state.shown = Some(wanted);
}

/// The render material for a glTF material, as Bevy's own glTF support
/// makes it (`bevy_pbr`'s converter is private), for the features we build.
fn standard_material(m: &GltfMaterial) -> StandardMaterial {
    StandardMaterial {
        base_color: m.base_color,
        base_color_channel: m.base_color_channel.clone(),
        base_color_texture: m.base_color_texture.clone(),
        emissive: m.emissive,
        emissive_channel: m.emissive_channel.clone(),
        emissive_texture: m.emissive_texture.clone(),
        perceptual_roughness: m.perceptual_roughness,
        metallic: m.metallic,
        metallic_roughness_channel: m.metallic_roughness_channel.clone(),
        metallic_roughness_texture: m.metallic_roughness_texture.clone(),
        reflectance: m.reflectance,
        specular_tint: m.specular_tint,
        specular_transmission: m.specular_transmission,
        thickness: m.thickness,
        ior: m.ior,
        attenuation_distance: m.attenuation_distance,
        attenuation_color: m.attenuation_color,
        normal_map_channel: m.normal_map_channel.clone(),
        normal_map_texture: m.normal_map_texture.clone(),
        occlusion_channel: m.occlusion_channel.clone(),
        occlusion_texture: m.occlusion_texture.clone(),
        clearcoat: m.clearcoat,
        clearcoat_perceptual_roughness: m.clearcoat_perceptual_roughness,
        anisotropy_strength: m.anisotropy_strength,
        anisotropy_rotation: m.anisotropy_rotation,
        double_sided: m.double_sided,
        cull_mode: m.cull_mode,
        unlit: m.unlit,
        alpha_mode: m.alpha_mode,
        uv_transform: m.uv_transform,
        ..default()
    }
}
