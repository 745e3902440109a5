-- The 3D model's levels of detail: the key of their manifest in the asset store.
ALTER TABLE products ADD COLUMN model_manifest_key TEXT;
