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
//! * `GXP_TEST_BACKEND` — `moto` (default), `localstack` or `aws` (ambient credentials,
//!   real money; refused unless `TF_ACC=1`, as `make testacc` sets).
//! * `GXP_MOTO_SERVER` — path of the `moto_server` executable.
//! * `GXP_LOCALSTACK_PYTHON` — Python of the LocalStack venv (default
//!   `.tools/localstack/venv/bin/python`, made by `make tools`).
//! * `TF_ACC_TERRAFORM_PATH` — Terraform (or OpenTofu) executable to use. The identity
//!   import tests need Terraform 1.12 or later: that one when it is, else the bundled
//!   `.tools/bin/terraform` (Terraform 1.15.5, `make tools`; [`identity_terraform`]).
//! * `GXP_KEEP_WORKDIR=1` — keep the workspace directory of a failing test.
//!
//! Backends. moto: one `moto_server` per [`Emulator`]. LocalStack: its community runtime
//! on the host (`python -m localstack.runtime.main`, `GATEWAY_LISTEN=127.0.0.1:PORT`, the
//! certificate from `make tools` in `CUSTOM_SSL_CERT_PATH`), also one per [`Emulator`],
//! with its own state directory; a spare is started in the background so the next test
//! does not wait for it, and a launcher kills it when the test process goes away. A failing
//! test keeps LocalStack's log and prints its path. With the cargo feature `localstack` and
//! a Docker engine, the LocalStack container is used instead.
//!
//! What a backend lacks. A scenario that needs something not every backend offers starts
//! with `let Some(emu) = Emulator::start_needing(&[Needs::…]) else { return };`: on a
//! backend lacking it, the test prints `SKIPPED: <test>: needs [...], which the … backend
//! does not offer` and returns, and `make test` counts it as skipped. [`Needs`] lists
//! what LocalStack 2026.3.0 lacks (CloudTrail, RDS, S3 buckets in the tagging API, a stack
//! update that changes no resource); `harness_declared_needs_match_what_the_backend_offers`
//! probes each through its API, so the list cannot go stale. Tests for moto-only features
//! (`start_with_env`, several servers) use [`moto_or_skip`].
//!
//! Where the backends differ from AWS the tests follow AWS's documentation and say so, e.g.
//! LocalStack and AWS block public access on new buckets and refuse to suspend versioning
//! on a bucket with Object Lock or replication, send a SubscriptionConfirmation to a new
//! SNS http subscription, and create stacks asynchronously; moto does none of these.

// Every scenario module uses a different subset of the harness.
#![allow(dead_code)]

mod emulator;
pub mod faults;
mod http;
mod localstack;
mod terraform;
pub mod workspace;

use std::path::{Path, PathBuf};

pub use emulator::{current_test, moto_or_skip, skipped, Backend, Emulator, Needs};
pub use http::HttpRecorder;
pub(crate) use terraform::normalise;
pub use terraform::{identity_terraform, terraform_path, terraform_version, TfRun};
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
