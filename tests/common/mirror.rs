//! A Terraform filesystem mirror of provider binaries, shared by the Terraform-native tests
//! and the e2e harness (included by both with `#[path]`).

use std::path::Path;

/// Terraform's `OS_ARCH` of this machine (`linux_amd64`, `darwin_arm64`, ...).
pub fn os_arch() -> String {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    };
    format!("{os}_{arch}")
}

/// Put `binary` into `dest_dir` as `file`: a hard link where possible (the gxp binary is
/// large), else a copy. An existing `file` is replaced.
pub fn install(binary: &Path, dest_dir: &Path, file: &str) -> Result<(), String> {
    std::fs::create_dir_all(dest_dir).map_err(|e| e.to_string())?;
    let dest = dest_dir.join(file);
    let _ = std::fs::remove_file(&dest);
    if std::fs::hard_link(binary, &dest).is_err() {
        std::fs::copy(binary, &dest).map_err(|e| format!("copy {}: {e}", binary.display()))?;
    }
    Ok(())
}
