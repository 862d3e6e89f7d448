//! Evidence in a local directory (offline use; no immutability guarantee).
//!
//! A key `a/b/c.json` is the file `DIR/a/b/c.json`. Files are written in full under a
//! temporary name, flushed to disk, then linked to their name, which fails when it exists
//! (create-new), and made read-only; an existing file is never replaced, and a reader never
//! sees a file half written.

use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use async_trait::async_trait;

use super::{EvidenceStore, Filed, Protection, StoreError};

/// A directory evidence is filed in.
#[derive(Debug, Clone)]
pub struct LocalStore {
    root: PathBuf,
}

impl LocalStore {
    /// A store rooted at `dir` (made absolute; created on first filing).
    pub fn new(dir: impl AsRef<Path>) -> LocalStore {
        let dir = dir.as_ref();
        LocalStore {
            root: std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf()),
        }
    }

    /// The absolute root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path_of(&self, key: &str) -> Result<PathBuf, StoreError> {
        key_path(&self.root, key).map_err(StoreError::Unavailable)
    }
}

/// The file of `key` under `root`; refuses keys that would leave `root`
/// (absolute, empty, `.` or `..` segments).
pub fn key_path(root: &Path, key: &str) -> Result<PathBuf, String> {
    let mut path = root.to_path_buf();
    for segment in key.split('/') {
        if segment.is_empty() || segment == "." || segment == ".." || segment.contains('\0') {
            return Err(format!(
                "invalid evidence key {key:?}: segments must be non-empty and not . or .."
            ));
        }
        path.push(segment);
    }
    Ok(path)
}

/// Prefix of the temporary files a filing is written to before it gets its name; listings
/// skip them.
const TEMPORARY_PREFIX: &str = ".gxp-tmp-";

/// Create `path` exclusively with `body`, flush it to disk and make it read-only.
///
/// The body is written in full to a temporary file in the same directory, which is then
/// hard-linked to `path`: the link fails when `path` exists, so of two writers of one key
/// exactly one succeeds, and no reader ever sees a file half written (a chain claim read
/// while it is being written would otherwise look unreadable). Where the file system has no
/// hard links, the file is created exclusively under its name and written there.
fn write_new(path: &Path, body: &[u8]) -> std::io::Result<()> {
    let parent = path.parent().unwrap_or(Path::new("/"));
    fs::create_dir_all(parent)?;
    let temporary = parent.join(format!("{TEMPORARY_PREFIX}{}", unique_suffix()));
    let written = write_file(&temporary, body).and_then(|()| fs::hard_link(&temporary, path));
    let _ = fs::remove_file(&temporary);
    match written {
        Ok(()) => {}
        Err(e) if links_unsupported(&e) => {
            let mut file = OpenOptions::new().write(true).create_new(true).open(path)?;
            if let Err(e) = file.write_all(body).and_then(|()| file.sync_all()) {
                // The file is ours and incomplete: remove it so a retry can file the whole object.
                drop(file);
                let _ = fs::remove_file(path);
                return Err(e);
            }
        }
        Err(e) => return Err(e),
    }
    make_read_only(path)?;
    sync_dir(parent)
}

/// Write `body` to a new file at `path` and flush it to disk.
fn write_file(path: &Path, body: &[u8]) -> std::io::Result<()> {
    let mut file = OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(body)?;
    file.sync_all()
}

/// Whether a failed hard link means the file system has none (FAT, some network shares).
fn links_unsupported(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::Unsupported | ErrorKind::PermissionDenied
    )
}

/// A name no other writer (thread or process) uses at the same time.
fn unique_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!(
        "{}-{nanos}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

#[cfg(unix)]
fn make_read_only(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o444))
}

#[cfg(not(unix))]
fn make_read_only(path: &Path) -> std::io::Result<()> {
    let mut perms = fs::metadata(path)?.permissions();
    perms.set_readonly(true);
    fs::set_permissions(path, perms)
}

/// Flush a directory entry to disk (no-op where directories cannot be opened).
pub(crate) fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Relative keys (with `/`) of all files under `dir`, recursively.
fn walk(root: &Path, dir: &Path, keys: &mut Vec<String>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            walk(root, &path, keys)?;
        } else if entry
            .file_name()
            .to_string_lossy()
            .starts_with(TEMPORARY_PREFIX)
        {
            // A filing being written (or left by a writer that was killed): not evidence.
        } else if let Ok(rel) = path.strip_prefix(root) {
            let key: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            keys.push(key.join("/"));
        }
    }
    Ok(())
}

/// Run blocking file-system work off the async executor.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| StoreError::Unavailable(format!("file-system task failed: {e}")))?
}

#[async_trait]
impl EvidenceStore for LocalStore {
    fn describe(&self) -> String {
        format!("{}{}", self.root.display(), std::path::MAIN_SEPARATOR)
    }

    async fn protection(&self) -> Result<Protection, StoreError> {
        Ok(Protection {
            versioning: false,
            object_lock_mode: None,
            object_lock: false,
            retention_days: None,
            summary: "local directory (no immutability guarantee)".into(),
        })
    }

    async fn put_new(
        &self,
        key: &str,
        body: &[u8],
        _content_type: &str,
    ) -> Result<Filed, StoreError> {
        let path = self.path_of(key)?;
        let body = body.to_vec();
        blocking(move || {
            let location = path.display().to_string();
            match write_new(&path, &body) {
                Ok(()) => Ok(Filed {
                    location,
                    version_id: None,
                }),
                Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                    Err(StoreError::AlreadyExists(location))
                }
                Err(e) => Err(StoreError::Unavailable(format!(
                    "cannot write {location}: {e}"
                ))),
            }
        })
        .await
    }

    async fn get(&self, key: &str) -> Result<Vec<u8>, StoreError> {
        let path = self.path_of(key)?;
        blocking(move || {
            fs::read(&path).map_err(|e| {
                let location = path.display().to_string();
                if e.kind() == ErrorKind::NotFound {
                    StoreError::NotFound(location)
                } else {
                    StoreError::Unavailable(format!("cannot read {location}: {e}"))
                }
            })
        })
        .await
    }

    async fn list(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let root = self.root.clone();
        let prefix = prefix.to_string();
        blocking(move || {
            let mut keys = Vec::new();
            match walk(&root, &root, &mut keys) {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::NotFound && !root.exists() => {}
                Err(e) => {
                    return Err(StoreError::Unavailable(format!(
                        "cannot list {}: {e}",
                        root.display()
                    )))
                }
            }
            keys.retain(|k| k.starts_with(&prefix));
            keys.sort();
            Ok(keys)
        })
        .await
    }

    fn location_of(&self, key: &str) -> String {
        let mut path = self.root.clone();
        path.extend(key.split('/'));
        path.display().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_stay_inside_the_root() {
        let root = Path::new("/ev");
        assert_eq!(
            key_path(root, "a=1/b/r.json").unwrap(),
            PathBuf::from("/ev/a=1/b/r.json")
        );
        for bad in ["", "/abs", "a//b", "a/../../etc", "./a", "a/"] {
            assert!(key_path(root, bad).is_err(), "{bad:?} accepted");
        }
    }

    #[tokio::test]
    async fn files_are_created_once_read_only_and_listed() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::new(dir.path());
        let filed = store
            .put_new("x/y/r.json", b"{}", "application/json")
            .await
            .unwrap();
        assert_eq!(
            filed.location,
            dir.path().join("x/y/r.json").display().to_string()
        );
        assert_eq!(filed.location, store.location_of("x/y/r.json"));
        assert_eq!(
            store
                .put_new("x/y/r.json", b"other", "application/json")
                .await,
            Err(StoreError::AlreadyExists(filed.location.clone()))
        );
        assert_eq!(store.get("x/y/r.json").await.unwrap(), b"{}");
        assert!(fs::metadata(&filed.location)
            .unwrap()
            .permissions()
            .readonly());
        store.put_new("x/a.txt", b"a", "text/plain").await.unwrap();
        store.put_new("z.txt", b"z", "text/plain").await.unwrap();
        assert_eq!(
            store.list("").await.unwrap(),
            vec!["x/a.txt", "x/y/r.json", "z.txt"]
        );
        assert_eq!(
            store.list("x/").await.unwrap(),
            vec!["x/a.txt", "x/y/r.json"]
        );
        assert!(matches!(
            store.get("nope").await,
            Err(StoreError::NotFound(_))
        ));
        assert!(!store.protection().await.unwrap().is_protected());
    }

    #[tokio::test]
    async fn listing_a_missing_directory_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::new(dir.path().join("not-yet"));
        assert!(store.list("").await.unwrap().is_empty());
    }
}
