//! Test harness for the end-to-end suite.
//!
//! * [`Emulator`] starts an AWS emulator (moto, LocalStack) or targets real AWS.
//! * [`Workspace`] is a temporary Terraform working directory wired to the
//!   provider binary built by Cargo through `dev_overrides`.
//! * [`TfRun`] is the captured result of one Terraform invocation.
//! * [`faults::FaultProxy`] is a fault-injecting proxy between the provider and the
//!   emulator (throttling, 5xx, resets, held and truncated answers, AccessDenied).
//! * [`HttpRecorder`] is a loopback HTTP server (or recording proxy) that keeps every
//!   request it receives, e.g. SNS deliveries or the STS calls of `configure`.
//!
//! Environment knobs:
//! * `GXP_TEST_BACKEND` — `moto` (default), `localstack` (needs the cargo feature
//!   `localstack` and Docker) or `aws` (ambient credentials, real money; refused
//!   unless `TF_ACC=1`, as `make testacc` sets).
//! * `GXP_MOTO_SERVER` — path of the `moto_server` executable.
//! * `TF_ACC_TERRAFORM_PATH` — Terraform (or OpenTofu) executable to use.
//! * `GXP_KEEP_WORKDIR=1` — keep the workspace directory of a failing test.

// Every scenario module uses a different subset of the harness.
#![allow(dead_code)]

mod emulator;
pub mod faults;
mod http;
#[cfg(feature = "localstack")]
mod localstack;
mod terraform;
mod workspace;

use std::path::{Path, PathBuf};

pub use emulator::{moto_or_skip, skipped, Backend, Emulator};
pub use http::HttpRecorder;
pub(crate) use terraform::normalise;
pub use terraform::{terraform_path, TfRun};
pub use workspace::Workspace;

/// Provider source address used in the `dev_overrides` block; in HCL configs
/// write `source = "gxp/gxp"`.
pub const PROVIDER_SOURCE: &str = "registry.terraform.io/gxp/gxp";

/// Root of the repository (the Cargo workspace).
pub fn repo_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .expect("provider crate has a parent directory")
        .to_path_buf()
}

/// The provider binary Cargo built for this test run.
pub fn provider_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_terraform-provider-gxp"))
}

/// First executable called `name` on `PATH`, if any.
fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

/// Whether `path` is an executable regular file (following symlinks).
fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
            .unwrap_or(false)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

/// The last `lines` lines of `text`.
fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
