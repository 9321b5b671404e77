//! Uploaded files (photos), kept under the data directory by key. A key is a relative path the
//! platform made up, never one a client chose.

use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct FileStore {
    root: PathBuf,
}

impl FileStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    fn path(&self, key: &str) -> io::Result<PathBuf> {
        let relative = Path::new(key);
        let plain = relative
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        if !plain || key.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("`{key}` is not a storage key"),
            ));
        }
        Ok(self.root.join(relative))
    }

    /// Stores `bytes` under `key`, whole or not at all (written aside, then renamed).
    pub async fn put(&self, key: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.path(key)?;
        if let Some(dir) = path.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        let partial = path.with_extension("partial");
        tokio::fs::write(&partial, bytes).await?;
        tokio::fs::rename(&partial, &path).await
    }

    pub async fn get(&self, key: &str) -> io::Result<Vec<u8>> {
        tokio::fs::read(self.path(key)?).await
    }

    /// Removes `key`; a key already gone is not an error.
    pub async fn delete(&self, key: &str) -> io::Result<()> {
        match tokio::fs::remove_file(self.path(key)?).await {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::FileStore;

    #[tokio::test]
    async fn files_round_trip_and_keys_cannot_leave_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        store.put("photos/ab/x.jpg", b"jpeg").await.unwrap();
        assert_eq!(store.get("photos/ab/x.jpg").await.unwrap(), b"jpeg");
        store.delete("photos/ab/x.jpg").await.unwrap();
        store.delete("photos/ab/x.jpg").await.unwrap();
        for bad in ["../secret.key", "/etc/passwd", "", "photos/../../x"] {
            assert!(store.put(bad, b"x").await.is_err(), "{bad}");
        }
    }
}
