//! The embedded asset store: files in a local folder, named by their
//! content key, which the server serves itself under `/assets`.

use super::{AssetError, AssetStore, content_key, is_content_key};
use async_trait::async_trait;
use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct LocalAssetStore {
    dir: PathBuf,
}

impl LocalAssetStore {
    pub fn open(dir: impl Into<PathBuf>) -> io::Result<Self> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir)?;
        Ok(Self { dir })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes through a temporary file and a rename, so a crash never
    /// leaves a half-written asset under a valid key.
    fn write(&self, bytes: &[u8], extension: &str) -> io::Result<String> {
        let key = content_key(bytes, extension);
        let target = self.dir.join(&key);
        if !target.exists() {
            let partial = self
                .dir
                .join(format!(".{key}.{}.partial", std::process::id()));
            std::fs::write(&partial, bytes)?;
            std::fs::rename(&partial, &target)?;
        }
        Ok(key)
    }
}

#[async_trait]
impl AssetStore for LocalAssetStore {
    async fn put(&self, bytes: &[u8], extension: &str) -> Result<String, AssetError> {
        // Models are megabytes: write them off the request threads.
        let (store, bytes, extension) = (self.clone(), bytes.to_vec(), extension.to_string());
        tokio::task::spawn_blocking(move || store.write(&bytes, &extension))
            .await
            .map_err(|e| AssetError(e.to_string()))?
            .map_err(|e| AssetError(format!("cannot write to {}: {e}", self.dir.display())))
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, AssetError> {
        if !is_content_key(key) {
            return Ok(None);
        }
        match tokio::fs::read(self.dir.join(key)).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(AssetError(format!("cannot read {key}: {e}"))),
        }
    }

    async fn ping(&self) -> Result<(), AssetError> {
        tokio::fs::metadata(&self.dir)
            .await
            .map(|_| ())
            .map_err(|e| AssetError(format!("{}: {e}", self.dir.display())))
    }

    fn local_dir(&self) -> Option<&Path> {
        Some(&self.dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn keys_are_content_addressed_and_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalAssetStore::open(dir.path().join("assets")).unwrap();
        let first = store.put(b"glTF test", "glb").await.unwrap();
        let second = store.put(b"glTF test", "glb").await.unwrap();
        assert_eq!(first, second);
        assert_eq!(first.len(), 64 + 4);
        assert_eq!(store.get(&first).await.unwrap().unwrap(), b"glTF test");
        let leftovers: Vec<_> = std::fs::read_dir(store.dir()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no partial files remain");
    }

    #[tokio::test]
    async fn unknown_or_odd_keys_are_absent() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalAssetStore::open(dir.path()).unwrap();
        let missing = super::super::content_key(b"nothing", "glb");
        assert_eq!(store.get(&missing).await.unwrap(), None);
        assert_eq!(store.get("../../etc/passwd").await.unwrap(), None);
    }
}
