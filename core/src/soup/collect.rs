//! Reading the SOUP inventory of a working directory (I/O): the lock file, the providers
//! `terraform init` installed in the data directory, and the module manifest.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::model::{FileState, SoupInventory, SoupModule, SoupProvider};
use super::{lock, modules};

/// Name of the dependency lock file in the working directory.
pub const LOCK_FILE: &str = ".terraform.lock.hcl";

/// Note on this provider when `terraform init` neither locked nor installed it.
pub const NOT_INSTALLED_NOTE: &str =
    "not installed by terraform init: development override or unmanaged binary";

/// The data directory: `TF_DATA_DIR` when set (and not empty), else `.terraform`; relative
/// paths are relative to the working directory, as for Terraform.
pub fn data_dir(tf_data_dir: Option<OsString>) -> PathBuf {
    tf_data_dir
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(".terraform"))
}

/// The data directory of this process ([`data_dir`] of its `TF_DATA_DIR`).
pub fn data_dir_from_env() -> PathBuf {
    data_dir(std::env::var_os("TF_DATA_DIR"))
}

/// Read a file of the inventory: its state and, when read, its text.
fn read(path: &Path) -> (FileState, Option<String>) {
    match std::fs::read(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (FileState::Absent, None),
        Err(e) => (
            FileState::Unreadable {
                error: format!("{}: {e}", path.display()),
            },
            None,
        ),
        Ok(bytes) => {
            let sha256 = crate::util::sha256_hex(&bytes);
            match String::from_utf8(bytes) {
                Ok(text) => (FileState::Read { sha256 }, Some(text)),
                Err(_) => (
                    FileState::Malformed {
                        error: format!("{}: not UTF-8", path.display()),
                    },
                    None,
                ),
            }
        }
    }
}

/// The names of the entries of a directory, sorted.
fn names(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        out.push(entry?.file_name().to_string_lossy().into_owned());
    }
    out.sort();
    Ok(out)
}

/// Installed packages under `providers/`: source → `VERSION OS_ARCH`. Absent → none.
fn installed(providers: &Path) -> Result<BTreeMap<String, Vec<String>>, String> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if !providers.exists() && std::fs::symlink_metadata(providers).is_err() {
        return Ok(out);
    }
    let err = |p: &Path, e: std::io::Error| format!("{}: {e}", p.display());
    let level = |p: &Path| names(p).map_err(|e| err(p, e));
    for host in level(providers)? {
        let h = providers.join(&host);
        for ns in level(&h)? {
            let n = h.join(&ns);
            for ty in level(&n)? {
                let t = n.join(&ty);
                for version in level(&t)? {
                    let v = t.join(&version);
                    // A plain directory or a symlink into the plugin cache.
                    for os_arch in level(&v)? {
                        out.entry(format!("{host}/{ns}/{ty}"))
                            .or_default()
                            .push(format!("{version} {os_arch}"));
                    }
                }
            }
        }
    }
    Ok(out)
}

/// Whether a source address names this provider (its type segment is `gxp`).
pub fn is_this_provider(source: &str) -> bool {
    source.rsplit('/').next() == Some("gxp")
}

/// The inventory of working directory `dir` with data directory `data_dir` (relative to
/// `dir` unless absolute), driven by Terraform `terraform_version`, this provider being
/// `own_version`. Never fails: what cannot be read is recorded as such.
pub fn collect(
    dir: &Path,
    data_dir: &Path,
    terraform_version: &str,
    own_version: &str,
) -> SoupInventory {
    let data = dir.join(data_dir);
    let mut providers: BTreeMap<String, SoupProvider> = BTreeMap::new();

    let (mut lock_file, text) = read(&dir.join(LOCK_FILE));
    if let Some(text) = text {
        match lock::parse(&text) {
            Ok(locked) => {
                for l in locked {
                    providers.insert(
                        l.source.clone(),
                        SoupProvider {
                            source: l.source,
                            locked_version: Some(l.version),
                            constraints: l.constraints,
                            hashes: l.hashes,
                            ..Default::default()
                        },
                    );
                }
            }
            Err(error) => lock_file = FileState::Malformed { error },
        }
    }

    let installed_error = match installed(&data.join("providers")) {
        Ok(found) => {
            for (source, packages) in found {
                let p = providers
                    .entry(source.clone())
                    .or_insert_with(|| SoupProvider {
                        source,
                        ..Default::default()
                    });
                p.installed = packages;
            }
            None
        }
        Err(e) => Some(e),
    };

    let mut this_found = false;
    for p in providers.values_mut() {
        if is_this_provider(&p.source) {
            p.this_provider = true;
            p.running_version = Some(own_version.to_string());
            this_found = true;
        }
    }
    let mut providers: Vec<SoupProvider> = providers.into_values().collect();
    if !this_found {
        providers.push(SoupProvider {
            source: "gxp".into(),
            this_provider: true,
            running_version: Some(own_version.to_string()),
            note: Some(NOT_INSTALLED_NOTE.into()),
            ..Default::default()
        });
    }

    let (mut modules_manifest, text) = read(&data.join("modules").join("modules.json"));
    let mut found_modules: Vec<SoupModule> = Vec::new();
    if let Some(text) = text {
        match modules::parse(&text) {
            Ok(m) => found_modules = m,
            Err(error) => modules_manifest = FileState::Malformed { error },
        }
    }

    SoupInventory {
        terraform_version: terraform_version.to_string(),
        working_directory: dir.display().to_string(),
        lock_file,
        providers,
        modules_manifest,
        modules: found_modules,
        installed_error,
    }
}

/// The inventory when the working directory itself cannot be read: nothing can be found.
pub fn unknown_directory(error: &str, terraform_version: &str, own_version: &str) -> SoupInventory {
    let error = format!("the working directory cannot be read: {error}");
    SoupInventory {
        terraform_version: terraform_version.to_string(),
        working_directory: format!("unknown: {error}"),
        lock_file: FileState::Unreadable {
            error: error.clone(),
        },
        providers: vec![SoupProvider {
            source: "gxp".into(),
            this_provider: true,
            running_version: Some(own_version.to_string()),
            note: Some(NOT_INSTALLED_NOTE.into()),
            ..Default::default()
        }],
        modules_manifest: FileState::Unreadable {
            error: error.clone(),
        },
        modules: vec![],
        installed_error: Some(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = include_str!("fixtures/landing-zone.terraform.lock.hcl");
    const MODULES: &str = include_str!("fixtures/landing-zone.modules.json");

    fn install(data: &Path, source: &str, version: &str) -> PathBuf {
        let d = data
            .join("providers")
            .join(source)
            .join(version)
            .join("linux_amd64");
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn a_working_directory_after_init_gives_locked_and_installed_providers_and_modules() {
        let wd = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        std::fs::write(wd.path().join(LOCK_FILE), LOCK).unwrap();
        let data = wd.path().join(".terraform");
        install(&data, "registry.terraform.io/gxp/gxp", "0.1.0");
        // hashicorp/aws through the plugin cache: a symlink.
        let cached = cache.path().join("linux_amd64");
        std::fs::create_dir_all(&cached).unwrap();
        let v = data.join("providers/registry.terraform.io/hashicorp/aws/5.100.0");
        std::fs::create_dir_all(&v).unwrap();
        std::os::unix::fs::symlink(&cached, v.join("linux_amd64")).unwrap();
        std::fs::create_dir_all(data.join("modules")).unwrap();
        std::fs::write(data.join("modules/modules.json"), MODULES).unwrap();

        let inv = collect(wd.path(), Path::new(".terraform"), "1.15.5", "0.1.0");
        assert_eq!(inv.terraform_version, "1.15.5");
        assert_eq!(inv.working_directory, wd.path().display().to_string());
        assert_eq!(
            inv.lock_file,
            FileState::Read {
                sha256: crate::util::sha256_hex(LOCK.as_bytes())
            }
        );
        assert_eq!(inv.installed_error, None);
        assert_eq!(inv.providers.len(), 2, "{:#?}", inv.providers);
        let gxp = &inv.providers[0];
        assert_eq!(gxp.source, "registry.terraform.io/gxp/gxp");
        assert!(gxp.this_provider);
        assert_eq!(gxp.running_version.as_deref(), Some("0.1.0"));
        assert_eq!(gxp.locked_version.as_deref(), Some("0.1.0"));
        assert_eq!(gxp.installed, ["0.1.0 linux_amd64"]);
        assert_eq!(gxp.note, None);
        let aws = &inv.providers[1];
        assert!(!aws.this_provider);
        assert_eq!(
            aws.installed,
            ["5.100.0 linux_amd64"],
            "the symlinked install"
        );
        assert_eq!(aws.hashes.len(), 1);
        assert!(matches!(inv.modules_manifest, FileState::Read { .. }));
        assert_eq!(inv.modules.len(), 13);
    }

    #[test]
    fn a_development_override_has_only_this_provider_noted() {
        let wd = tempfile::tempdir().unwrap();
        let inv = collect(wd.path(), Path::new(".terraform"), "1.11.4", "0.1.0");
        assert_eq!(inv.lock_file, FileState::Absent);
        assert_eq!(inv.modules_manifest, FileState::Absent);
        assert_eq!(inv.installed_error, None);
        assert_eq!(inv.providers.len(), 1);
        let p = &inv.providers[0];
        assert!(p.this_provider && p.installed.is_empty() && p.locked_version.is_none());
        assert_eq!(p.source, "gxp");
        assert_eq!(p.note.as_deref(), Some(NOT_INSTALLED_NOTE));
    }

    #[test]
    fn unreadable_and_malformed_files_are_recorded_not_fatal() {
        let wd = tempfile::tempdir().unwrap();
        // The lock file is a directory: it exists but cannot be read as a file.
        std::fs::create_dir(wd.path().join(LOCK_FILE)).unwrap();
        let data = wd.path().join(".terraform");
        std::fs::create_dir_all(data.join("modules")).unwrap();
        std::fs::write(data.join("modules/modules.json"), "{").unwrap();
        // A file where a directory of providers must be.
        std::fs::create_dir_all(data.join("providers")).unwrap();
        std::fs::write(data.join("providers/registry.terraform.io"), "").unwrap();
        let inv = collect(wd.path(), Path::new(".terraform"), "1.15.5", "0.1.0");
        assert!(
            matches!(inv.lock_file, FileState::Unreadable { .. }),
            "{:?}",
            inv.lock_file
        );
        assert!(matches!(inv.modules_manifest, FileState::Malformed { .. }));
        let e = inv.installed_error.expect("providers dir unreadable");
        assert!(e.contains("registry.terraform.io"), "{e}");

        let wd = tempfile::tempdir().unwrap();
        std::fs::write(wd.path().join(LOCK_FILE), "provider \"x\" {").unwrap();
        let inv = collect(wd.path(), Path::new(".terraform"), "1.15.5", "0.1.0");
        assert!(matches!(inv.lock_file, FileState::Malformed { .. }));
        std::fs::write(wd.path().join(LOCK_FILE), [0xff, 0xfe]).unwrap();
        let inv = collect(wd.path(), Path::new(".terraform"), "1.15.5", "0.1.0");
        assert!(inv.lock_file.error().unwrap().contains("UTF-8"));
    }

    #[test]
    fn tf_data_dir_overrides_the_data_directory() {
        assert_eq!(data_dir(None), PathBuf::from(".terraform"));
        assert_eq!(data_dir(Some("".into())), PathBuf::from(".terraform"));
        assert_eq!(data_dir(Some("tfdata".into())), PathBuf::from("tfdata"));
        let wd = tempfile::tempdir().unwrap();
        install(
            &wd.path().join("tfdata"),
            "registry.terraform.io/example/extra",
            "1.0.0",
        );
        install(
            &wd.path().join(".terraform"),
            "registry.terraform.io/example/other",
            "2.0.0",
        );
        let inv = collect(
            wd.path(),
            &data_dir(Some("tfdata".into())),
            "1.15.5",
            "0.1.0",
        );
        let sources: Vec<&str> = inv.providers.iter().map(|p| p.source.as_str()).collect();
        assert_eq!(sources, ["registry.terraform.io/example/extra", "gxp"]);
        // An absolute data directory is taken as it is.
        let abs = wd.path().join(".terraform");
        let inv = collect(Path::new("/nonexistent"), &abs, "1.15.5", "0.1.0");
        assert_eq!(
            inv.providers[0].source,
            "registry.terraform.io/example/other"
        );
    }

    #[test]
    fn an_unknown_working_directory_is_unreadable_everywhere() {
        let inv = unknown_directory("No such file or directory", "1.15.5", "0.1.0");
        assert!(inv.working_directory.starts_with("unknown: "));
        assert!(inv.lock_file.error().is_some() && inv.installed_error.is_some());
    }
}
