//! A local holding area for filings that could not reach their evidence store.
//!
//! Layout: one directory per filing, `DIR/<creation time in ns>-<id>/`, holding
//! `manifest.json` (id, intended store, creation time, and per file its key, content type,
//! size, SHA-256 and data file name) and the data files `0.bin`, `1.bin`, ...
//!
//! Invariants (evidence must never be lost):
//! - **All or nothing.** A filing is written to a hidden temporary directory, every file and
//!   the directory are flushed to disk, and only then is it renamed into place. When
//!   [`Spool::spool`] returns `Ok` the filing survives a crash; an interrupted spool leaves
//!   only a `.tmp-*` directory, which [`Spool::pending`] reports and never deletes.
//! - **Verified on read.** Every data file is checked against the size and SHA-256 in the
//!   manifest; a corrupt entry is reported as a warning by [`Spool::pending`], never deleted
//!   and never filed.
//! - **Removed only after filing.** Callers remove a filing with [`Spool::remove`] only after
//!   [`file_all`] succeeded for all of its files. Removal renames the entry to a hidden
//!   `.del-*` name first, so an interrupted removal never leaves a half-deleted filing that
//!   looks pending or corrupt.
//! - **Idempotent re-filing.** [`file_all`] never overwrites: an object already at a key counts
//!   as filed only when its bytes are identical (a crash between filing and removal);
//!   different bytes are an error and the filing stays in the spool.

use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use super::local::sync_dir;
use super::{sanitize, EvidenceStore, Filed, StoreError};
use crate::util::{now_utc, rfc3339, sha256_hex};

/// One file of a filing: key, bytes, content type.
pub type EvidenceFile = (String, Vec<u8>, String);

/// A filing waiting in the spool.
#[derive(Debug, Clone, PartialEq)]
pub struct SpooledFiling {
    /// Identifier of the filing (e.g. the report id); unique within the spool.
    pub id: String,
    /// [`EvidenceStore::describe`] of the store the filing is meant for.
    pub store: String,
    /// The files, in filing order: key, bytes, content type.
    pub files: Vec<EvidenceFile>,
}

const MANIFEST: &str = "manifest.json";
const TMP_PREFIX: &str = ".tmp-";
const DEL_PREFIX: &str = ".del-";

/// A visible spool entry and its manifest (or why it cannot be read).
type Entry = (PathBuf, Result<Manifest, String>);

#[derive(Serialize, Deserialize)]
struct Manifest {
    id: String,
    store: String,
    created: String,
    files: Vec<ManifestFile>,
}

#[derive(Serialize, Deserialize)]
struct ManifestFile {
    key: String,
    content_type: String,
    size: u64,
    sha256: String,
    data: String,
}

/// A spool directory.
#[derive(Debug, Clone)]
pub struct Spool {
    dir: PathBuf,
}

impl Spool {
    /// A spool in `dir` (created on first use).
    pub fn new(dir: impl Into<PathBuf>) -> Spool {
        Spool { dir: dir.into() }
    }

    /// The spool directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Store a filing durably; returns its directory. Spooling an id that is already pending
    /// with identical content returns the existing entry; with different content it fails.
    pub fn spool(&self, filing: SpooledFiling) -> Result<PathBuf, String> {
        if filing.id.is_empty() {
            return Err("a spooled filing needs a non-empty id".into());
        }
        fs::create_dir_all(&self.dir)
            .map_err(|e| format!("cannot create spool {}: {e}", self.dir.display()))?;
        for (path, manifest) in self.entries()? {
            if manifest.is_ok_and(|m| m.id == filing.id) {
                return match load(&path) {
                    Ok(existing) if existing == filing => Ok(path),
                    Ok(_) => Err(format!(
                        "filing {} is already spooled at {} with different content",
                        filing.id,
                        path.display()
                    )),
                    Err(e) => Err(format!(
                        "filing {} is already spooled but unreadable: {e}",
                        filing.id
                    )),
                };
            }
        }
        let (stamp, unique) = unique_stamp();
        let tmp = self.dir.join(format!("{TMP_PREFIX}{unique}"));
        let target = self
            .dir
            .join(format!("{stamp:020}-{}", sanitize(&filing.id)));
        let written = write_entry(&tmp, &filing)
            .and_then(|()| fs::rename(&tmp, &target))
            .and_then(|()| sync_dir(&self.dir));
        match written {
            Ok(()) => Ok(target),
            Err(e) => {
                // Nothing was spooled: the temporary directory is ours to clean up.
                let _ = fs::remove_dir_all(&tmp);
                Err(format!(
                    "cannot spool filing {} in {}: {e}",
                    filing.id,
                    self.dir.display()
                ))
            }
        }
    }

    /// Pending filings in creation order, and warnings about entries that cannot be read.
    pub fn pending(&self) -> (Vec<SpooledFiling>, Vec<String>) {
        let mut filings = Vec::new();
        let mut warnings = Vec::new();
        let entries = match fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == ErrorKind::NotFound => return (filings, warnings),
            Err(e) => {
                warnings.push(format!("cannot read spool {}: {e}", self.dir.display()));
                return (filings, warnings);
            }
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for name in names {
            let path = self.dir.join(&name);
            if name.starts_with(DEL_PREFIX) {
                continue;
            }
            if name.starts_with(TMP_PREFIX) {
                warnings.push(format!(
                    "incomplete spool entry {} (interrupted while spooling) was ignored",
                    path.display()
                ));
                continue;
            }
            match load(&path) {
                Ok(filing) => filings.push(filing),
                Err(e) => warnings.push(format!(
                    "spool entry {} is unreadable and was skipped (kept for inspection): {e}",
                    path.display()
                )),
            }
        }
        (filings, warnings)
    }

    /// Remove the filing `id` (call only after it was filed). Returns whether it was there.
    pub fn remove(&self, id: &str) -> Result<bool, String> {
        let mut removed = false;
        for (path, manifest) in self.entries()? {
            if !manifest.is_ok_and(|m| m.id == id) {
                continue;
            }
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let doomed = self.dir.join(format!("{DEL_PREFIX}{name}"));
            fs::rename(&path, &doomed)
                .map_err(|e| format!("cannot remove spooled filing {id}: {e}"))?;
            removed = true;
            fs::remove_dir_all(&doomed)
                .map_err(|e| format!("cannot delete {}: {e}", doomed.display()))?;
        }
        self.purge_deleted();
        Ok(removed)
    }

    /// Visible entries with their manifests (or why the manifest cannot be read).
    fn entries(&self) -> Result<Vec<Entry>, String> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(format!("cannot read spool {}: {e}", self.dir.display())),
        };
        Ok(entries
            .filter_map(Result::ok)
            .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
            .map(|e| {
                let path = e.path();
                let manifest = read_manifest(&path);
                (path, manifest)
            })
            .collect())
    }

    /// Finish removals interrupted by a crash.
    fn purge_deleted(&self) {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.filter_map(Result::ok) {
            if entry.file_name().to_string_lossy().starts_with(DEL_PREFIX) {
                let _ = fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// Nanoseconds since the epoch, and a name unique to this process and call.
fn unique_stamp() -> (u128, String) {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    (nanos, format!("{}-{nanos}-{n}", std::process::id()))
}

/// Write a file exclusively and flush it to disk.
fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Write a complete entry (data files, then manifest) into `dir`.
fn write_entry(dir: &Path, filing: &SpooledFiling) -> std::io::Result<()> {
    fs::create_dir(dir)?;
    let mut files = Vec::with_capacity(filing.files.len());
    for (i, (key, bytes, content_type)) in filing.files.iter().enumerate() {
        let data = format!("{i}.bin");
        write_synced(&dir.join(&data), bytes)?;
        files.push(ManifestFile {
            key: key.clone(),
            content_type: content_type.clone(),
            size: bytes.len() as u64,
            sha256: sha256_hex(bytes),
            data,
        });
    }
    let manifest = Manifest {
        id: filing.id.clone(),
        store: filing.store.clone(),
        created: rfc3339(now_utc()),
        files,
    };
    let json = serde_json::to_vec_pretty(&manifest).map_err(std::io::Error::other)?;
    write_synced(&dir.join(MANIFEST), &json)?;
    sync_dir(dir)
}

fn read_manifest(dir: &Path) -> Result<Manifest, String> {
    let text = fs::read(dir.join(MANIFEST)).map_err(|e| format!("{MANIFEST}: {e}"))?;
    serde_json::from_slice(&text).map_err(|e| format!("{MANIFEST}: {e}"))
}

/// Read an entry and verify every data file against the manifest.
fn load(dir: &Path) -> Result<SpooledFiling, String> {
    let manifest = read_manifest(dir)?;
    let mut files = Vec::with_capacity(manifest.files.len());
    for f in manifest.files {
        if f.data.contains('/') || f.data.contains('\\') || f.data.starts_with('.') {
            return Err(format!("invalid data file name {:?}", f.data));
        }
        let bytes = fs::read(dir.join(&f.data)).map_err(|e| format!("{}: {e}", f.data))?;
        if bytes.len() as u64 != f.size || sha256_hex(&bytes) != f.sha256 {
            return Err(format!(
                "{} (key {}) does not match its size and SHA-256 in the manifest",
                f.data, f.key
            ));
        }
        files.push((f.key, bytes, f.content_type));
    }
    Ok(SpooledFiling {
        id: manifest.id,
        store: manifest.store,
        files,
    })
}

/// File every file into `store`, in order. An object already at a key with identical bytes
/// counts as filed (idempotent re-filing after a crash); anything else that fails, including
/// an existing object with different bytes (`AlreadyExists`), stops and is returned.
pub async fn file_all(
    store: &dyn EvidenceStore,
    files: &[EvidenceFile],
) -> Result<Vec<Filed>, StoreError> {
    let mut filed = Vec::with_capacity(files.len());
    for (key, bytes, content_type) in files {
        match store.put_new(key, bytes, content_type).await {
            Ok(f) => filed.push(f),
            Err(StoreError::AlreadyExists(location)) => {
                if store.get(key).await? != *bytes {
                    return Err(StoreError::AlreadyExists(location));
                }
                filed.push(Filed {
                    location: store.location_of(key),
                    version_id: None,
                });
            }
            Err(e) => return Err(e),
        }
    }
    Ok(filed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::local::LocalStore;

    fn filing(id: &str, body: &[u8]) -> SpooledFiling {
        SpooledFiling {
            id: id.into(),
            store: "s3://b/gxp-evidence/".into(),
            files: vec![
                (
                    format!("{id}/report.json"),
                    body.to_vec(),
                    "application/json".into(),
                ),
                (
                    format!("{id}/report.md"),
                    b"# r".to_vec(),
                    "text/markdown".into(),
                ),
            ],
        }
    }

    #[test]
    fn spooled_filings_come_back_in_order_and_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::new(dir.path().join("spool"));
        assert_eq!(spool.pending(), (vec![], vec![]));
        let a = filing("r/1", b"{\"a\":1}");
        let b = filing("r2", b"{}");
        let path = spool.spool(a.clone()).unwrap();
        spool.spool(b.clone()).unwrap();
        assert_eq!(
            spool.spool(a.clone()).unwrap(),
            path,
            "same content is idempotent"
        );
        assert!(spool.spool(filing("r/1", b"changed")).is_err());
        assert_eq!(spool.pending(), (vec![a.clone(), b.clone()], vec![]));
        assert!(spool.remove("r/1").unwrap());
        assert!(!spool.remove("r/1").unwrap());
        assert_eq!(spool.pending(), (vec![b], vec![]));
    }

    #[test]
    fn corrupt_and_incomplete_entries_are_reported_not_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::new(dir.path());
        let bad = spool.spool(filing("bad", b"original")).unwrap();
        let good = filing("good", b"{}");
        spool.spool(good.clone()).unwrap();
        fs::write(bad.join("0.bin"), b"tampered").unwrap();
        fs::create_dir(dir.path().join(".tmp-123")).unwrap();
        fs::create_dir(dir.path().join(".del-x")).unwrap();
        let (filings, warnings) = spool.pending();
        assert_eq!(filings, vec![good]);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(
            warnings.iter().any(|w| w.contains("SHA-256")),
            "{warnings:?}"
        );
        assert!(
            warnings.iter().any(|w| w.contains(".tmp-123")),
            "{warnings:?}"
        );
        assert!(bad.exists());
        spool.remove("good").unwrap();
        assert!(
            !dir.path().join(".del-x").exists(),
            "interrupted removals are finished"
        );
    }

    #[tokio::test]
    async fn refiling_identical_files_succeeds_and_different_files_fail() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::new(dir.path());
        let f = filing("r1", b"{\"v\":1}");
        let first = file_all(&store, &f.files).await.unwrap();
        let again = file_all(&store, &f.files).await.unwrap();
        assert_eq!(first, again);
        let changed = filing("r1", b"{\"v\":2}");
        assert_eq!(
            file_all(&store, &changed.files).await,
            Err(StoreError::AlreadyExists(
                store.location_of("r1/report.json")
            ))
        );
        assert_eq!(store.get("r1/report.json").await.unwrap(), b"{\"v\":1}");
    }
}
