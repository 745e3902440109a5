//! 3D assets and photos: stored under content-addressed, immutable keys
//! (`<sha256>.<extension>`) and served with year-long cache headers, by
//! the server itself under `/assets` (local store) or by a CDN in front of
//! S3 (production). Which store is used is configuration (`ASSET_STORE`).

pub mod local;
pub mod s3;

pub use local::LocalAssetStore;
pub use s3::{S3AssetStore, S3Location};

use async_trait::async_trait;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use vitrine_domain::viewer::ModelManifest;

/// For content-addressed files: cache for a year, never revalidate.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

#[derive(Debug, thiserror::Error)]
#[error("the asset store failed: {0}")]
pub struct AssetError(pub String);

/// Where models, their levels of detail, manifests, posters and photos live.
#[async_trait]
pub trait AssetStore: Send + Sync {
    /// Stores `bytes` under their content key and returns it. Idempotent,
    /// and never leaves a partial object under a valid key.
    async fn put(&self, bytes: &[u8], extension: &str) -> Result<String, AssetError>;
    /// The bytes under `key`, or `None` when there is no such asset.
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, AssetError>;
    /// Whether the store can be reached (readiness).
    async fn ping(&self) -> Result<(), AssetError>;
    /// The folder the server serves under `/assets`, for a local store.
    fn local_dir(&self) -> Option<&Path> {
        None
    }
}

/// Model manifests read back from an asset store: the admin's level table,
/// and every product page, which names the coarsest level in its head. A
/// manifest's key is the hash of its content, so what was read once can
/// never change: it is kept in memory (up to [`Self::KEPT`] of them).
pub struct AssetManifests {
    store: Arc<dyn AssetStore>,
    kept: Mutex<HashMap<String, ModelManifest>>,
}

impl AssetManifests {
    /// Manifests are a kilobyte or two: this bounds the memory to a few MB.
    pub const KEPT: usize = 4096;

    pub fn new(store: Arc<dyn AssetStore>) -> Self {
        Self {
            store,
            kept: Mutex::new(HashMap::new()),
        }
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, HashMap<String, ModelManifest>> {
        // A panic elsewhere cannot leave the map half-written: use it as is.
        self.kept
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[async_trait]
impl vitrine_domain::store::ManifestSource for AssetManifests {
    async fn manifest(
        &self,
        key: &str,
    ) -> Result<Option<ModelManifest>, vitrine_domain::store::StoreError> {
        use vitrine_domain::store::StoreError;
        if let Some(manifest) = self.kept().get(key) {
            return Ok(Some(manifest.clone()));
        }
        let Some(bytes) = self
            .store
            .get(key)
            .await
            .map_err(|e| StoreError(e.to_string()))?
        else {
            return Ok(None);
        };
        let manifest: ModelManifest = serde_json::from_slice(&bytes)
            .map_err(|e| StoreError(format!("the manifest {key} cannot be read: {e}")))?;
        let mut kept = self.kept();
        if kept.len() >= Self::KEPT {
            kept.clear();
        }
        kept.insert(key.to_string(), manifest.clone());
        Ok(Some(manifest))
    }
}

/// The key content gets in every store: its SHA-256 and its extension.
pub fn content_key(bytes: &[u8], extension: &str) -> String {
    format!("{}.{extension}", hex::encode(Sha256::digest(bytes)))
}

/// Whether `key` looks like one [`content_key`] made: anything else (paths,
/// `..`) is refused before it reaches a file system or a bucket.
pub fn is_content_key(key: &str) -> bool {
    let Some((hash, extension)) = key.split_once('.') else {
        return false;
    };
    hash.len() == 64
        && hash.bytes().all(|b| b.is_ascii_hexdigit())
        && !extension.is_empty()
        && extension.len() <= 8
        && extension.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The Content-Type browsers and CDNs need for an asset's extension.
pub fn content_type(extension: &str) -> &'static str {
    match extension {
        "glb" => "model/gltf-binary",
        "gltf" => "model/gltf+json",
        "json" => "application/json",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "avif" => "image/avif",
        _ => "application/octet-stream",
    }
}

/// Opens the store `ASSET_STORE` names: `local` (files under the data
/// folder) or `s3://bucket[/prefix]`.
pub async fn open(
    store: &AssetStoreSetting,
    data_dir: &Path,
    aws_endpoint_url: Option<&str>,
) -> Result<Arc<dyn AssetStore>, AssetError> {
    Ok(match store {
        AssetStoreSetting::Local => {
            let dir = data_dir.join("assets");
            let local = LocalAssetStore::open(&dir)
                .map_err(|e| AssetError(format!("cannot use the folder {}: {e}", dir.display())))?;
            Arc::new(local)
        }
        AssetStoreSetting::S3(location) => {
            Arc::new(S3AssetStore::connect(location.clone(), aws_endpoint_url).await)
        }
    })
}

/// The `ASSET_STORE` setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssetStoreSetting {
    Local,
    S3(S3Location),
}

impl AssetStoreSetting {
    pub fn parse(value: &str) -> Result<Self, String> {
        match value {
            "" | "local" => Ok(Self::Local),
            s3 if s3.starts_with("s3://") => S3Location::parse(s3).map(Self::S3),
            other => Err(format!(
                "{other:?} is neither `local` nor an S3 location like s3://bucket/prefix"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_keys_are_hashes_with_extensions() {
        let key = content_key(b"glTF", "glb");
        assert!(is_content_key(&key));
        assert_eq!(key.len(), 64 + 4);
        assert_eq!(key, content_key(b"glTF", "glb"));
        assert!(!is_content_key("../etc/passwd"));
        assert!(!is_content_key(&format!("{}.g/b", &key[..64])));
        assert!(!is_content_key("abc.glb"));
    }

    #[tokio::test]
    async fn manifests_once_read_are_kept() {
        use vitrine_domain::store::ManifestSource;
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(LocalAssetStore::open(dir.path()).unwrap());
        let manifest = ModelManifest {
            levels: Vec::new(),
            bounds_min: [-1.0; 3],
            bounds_max: [1.0; 3],
            material_variants: vec!["beach".into()],
            poster: None,
        };
        let key = store
            .put(&serde_json::to_vec(&manifest).unwrap(), "json")
            .await
            .unwrap();
        let manifests = AssetManifests::new(store);
        assert_eq!(
            manifests.manifest(&key).await.unwrap(),
            Some(manifest.clone())
        );
        // Gone from the store (it never changes, so this is only a test):
        // the second read is from memory.
        std::fs::remove_file(dir.path().join(&key)).unwrap();
        assert_eq!(manifests.manifest(&key).await.unwrap(), Some(manifest));
        let missing = content_key(b"no such manifest", "json");
        assert_eq!(manifests.manifest(&missing).await.unwrap(), None);
    }

    #[test]
    fn content_types_cover_what_the_store_holds() {
        assert_eq!(content_type("glb"), "model/gltf-binary");
        assert_eq!(content_type("json"), "application/json");
        assert_eq!(content_type("jpg"), "image/jpeg");
        assert_eq!(content_type("exe"), "application/octet-stream");
    }

    #[test]
    fn the_setting_names_local_or_a_bucket() {
        assert_eq!(
            AssetStoreSetting::parse("local"),
            Ok(AssetStoreSetting::Local)
        );
        let AssetStoreSetting::S3(location) =
            AssetStoreSetting::parse("s3://shop-assets/models/").unwrap()
        else {
            panic!("an S3 location")
        };
        assert_eq!(location.bucket, "shop-assets");
        assert_eq!(location.prefix, "models/");
        assert!(AssetStoreSetting::parse("ftp://x").is_err());
        assert!(AssetStoreSetting::parse("s3://").is_err());
    }
}
