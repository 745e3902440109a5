//! glTF `KHR_materials_variants`: which material each primitive wears in
//! each named variant ("Navy", "Peacock Velvet"…). Bevy's loader ignores the
//! extension, so the viewer reads it from the glTF JSON and swaps materials
//! itself; this is that table, without Bevy.

use serde_json::Value;
use std::collections::HashMap;

const EXTENSION: &str = "KHR_materials_variants";

#[derive(Debug, Default, Clone, PartialEq)]
pub struct MaterialVariants {
    names: Vec<String>,
    /// (mesh, primitive) → [(variant index, material index)]
    mappings: HashMap<(usize, usize), Vec<(usize, usize)>>,
}

impl MaterialVariants {
    /// Reads the table from a glTF document's JSON root; empty when the
    /// model has no variants (or malformed ones, which are ignored).
    pub fn from_gltf_json(root: &Value) -> Self {
        let names: Vec<String> = root["extensions"][EXTENSION]["variants"]
            .as_array()
            .map(|variants| {
                variants
                    .iter()
                    .map(|v| v["name"].as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default();
        let mut mappings = HashMap::new();
        let meshes = root["meshes"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default();
        for (mesh, mesh_json) in meshes.iter().enumerate() {
            let primitives = mesh_json["primitives"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default();
            for (primitive, primitive_json) in primitives.iter().enumerate() {
                let Some(list) = primitive_json["extensions"][EXTENSION]["mappings"].as_array()
                else {
                    continue;
                };
                let mut pairs = Vec::new();
                for mapping in list {
                    let Some(material) = mapping["material"].as_u64() else {
                        continue;
                    };
                    for variant in mapping["variants"].as_array().into_iter().flatten() {
                        if let Some(variant) =
                            variant.as_u64().filter(|&v| (v as usize) < names.len())
                        {
                            pairs.push((variant as usize, material as usize));
                        }
                    }
                }
                if !pairs.is_empty() {
                    mappings.insert((mesh, primitive), pairs);
                }
            }
        }
        Self { names, mappings }
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The material index `primitive` of `mesh` wears in `variant` (matched
    /// without regard to case), or `None` to keep its default material.
    pub fn material_for(&self, mesh: usize, primitive: usize, variant: &str) -> Option<usize> {
        let index = self
            .names
            .iter()
            .position(|name| name.eq_ignore_ascii_case(variant))?;
        self.mappings
            .get(&(mesh, primitive))?
            .iter()
            .find(|(v, _)| *v == index)
            .map(|(_, material)| *material)
    }
}

/// `(mesh, primitive)` from a Bevy glTF mesh label such as `Mesh3/Primitive0`.
pub fn primitive_of_label(label: &str) -> Option<(usize, usize)> {
    let (mesh, primitive) = label.split_once('/')?;
    Some((
        mesh.strip_prefix("Mesh")?.parse().ok()?,
        primitive.strip_prefix("Primitive")?.parse().ok()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn shoe() -> Value {
        json!({
            "extensions": {"KHR_materials_variants": {"variants": [
                {"name": "midnight"}, {"name": "beach"}, {"name": "street"}
            ]}},
            "meshes": [
                {"primitives": [
                    {"material": 0, "extensions": {"KHR_materials_variants": {"mappings": [
                        {"material": 0, "variants": [0]},
                        {"material": 3, "variants": [1, 2]}
                    ]}}},
                    {"material": 1}
                ]},
                {"primitives": [
                    {"material": 2, "extensions": {"KHR_materials_variants": {"mappings": [
                        {"material": 4, "variants": [2, 9]}
                    ]}}}
                ]}
            ]
        })
    }

    #[test]
    fn maps_each_primitive_to_its_variant_material() {
        let table = MaterialVariants::from_gltf_json(&shoe());
        assert_eq!(table.names(), ["midnight", "beach", "street"]);
        assert_eq!(table.material_for(0, 0, "midnight"), Some(0));
        assert_eq!(table.material_for(0, 0, "Beach"), Some(3));
        assert_eq!(table.material_for(0, 0, "street"), Some(3));
        assert_eq!(table.material_for(1, 0, "street"), Some(4));
        // No mapping: the primitive keeps its default material.
        assert_eq!(table.material_for(1, 0, "beach"), None);
        assert_eq!(table.material_for(0, 1, "beach"), None);
        assert_eq!(table.material_for(0, 0, "neon"), None);
    }

    #[test]
    fn models_without_variants_have_an_empty_table() {
        let table = MaterialVariants::from_gltf_json(&json!({"meshes": [{"primitives": [{}]}]}));
        assert!(table.is_empty());
        assert_eq!(table.material_for(0, 0, "any"), None);
    }

    #[test]
    fn reads_bevy_primitive_labels() {
        assert_eq!(primitive_of_label("Mesh3/Primitive0"), Some((3, 0)));
        assert_eq!(primitive_of_label("Mesh12/Primitive4"), Some((12, 4)));
        assert_eq!(primitive_of_label("Material0/std"), None);
        assert_eq!(primitive_of_label("Mesh1"), None);
    }
}
