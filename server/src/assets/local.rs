//! The embedded asset store: files in a local folder, named by the SHA-256 of
//! their content so a key never changes meaning and caches never go stale.

use sha2::{Digest, Sha256};
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

    /// Stores a file under `<sha256>.<extension>` and returns that key.
    /// Idempotent; writes through a temporary file so a crash never leaves
    /// a half-written asset under a valid key.
    pub fn put_file(&self, source: &Path, extension: &str) -> io::Result<String> {
        self.put_bytes(&std::fs::read(source)?, extension)
    }

    /// Stores `bytes` under `<sha256>.<extension>` and returns that key (see [`Self::put_file`]).
    pub fn put_bytes(&self, bytes: &[u8], extension: &str) -> io::Result<String> {
        let key = format!("{}.{extension}", hex::encode(Sha256::digest(bytes)));
        let target = self.dir.join(&key);
        if !target.exists() {
            let partial = self.dir.join(format!(".{key}.partial"));
            std::fs::write(&partial, bytes)?;
            std::fs::rename(&partial, &target)?;
        }
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_content_addressed_and_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalAssetStore::open(dir.path().join("assets")).unwrap();
        let source = dir.path().join("a.glb");
        std::fs::write(&source, b"glTF test").unwrap();
        let first = store.put_file(&source, "glb").unwrap();
        let second = store.put_file(&source, "glb").unwrap();
        assert_eq!(first, second);
        assert_eq!(first.len(), 64 + 4);
        assert_eq!(
            std::fs::read(store.dir().join(&first)).unwrap(),
            b"glTF test"
        );
        let leftovers: Vec<_> = std::fs::read_dir(store.dir()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no partial files remain");
    }
}
