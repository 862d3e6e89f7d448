//! The SOUP inventory as the report records it.

use serde::{Deserialize, Serialize};

/// What a run found of the infrastructure code's SOUP in its working directory.
#[derive(Serialize, Deserialize, schemars::JsonSchema, Clone, Debug, PartialEq, Default)]
pub struct SoupInventory {
    /// Version of the Terraform (or OpenTofu) binary that drives the provider, as it says in
    /// ConfigureProvider (empty when it said nothing).
    pub terraform_version: String,
    /// The working directory Terraform runs in (the provider process inherits it), or
    /// `unknown: ERROR` when it cannot be read.
    pub working_directory: String,
    /// The dependency lock file `.terraform.lock.hcl` of the working directory.
    pub lock_file: FileState,
    /// Every provider locked or installed, by source address (sorted), and this provider.
    #[serde(default)]
    pub providers: Vec<SoupProvider>,
    /// The module manifest `modules/modules.json` of the data directory.
    pub modules_manifest: FileState,
    /// Every module installed by `terraform init` (the root module left out), by key.
    #[serde(default)]
    pub modules: Vec<SoupModule>,
    /// Why the installed providers (`providers/` of the data directory) could not be listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installed_error: Option<String>,
}

/// What was found of a file of the inventory.
#[derive(Serialize, Deserialize, schemars::JsonSchema, Clone, Debug, PartialEq, Eq, Default)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum FileState {
    /// There is no such file.
    #[default]
    Absent,
    /// Read and parsed; the SHA-256 of its bytes (lowercase hex).
    Read { sha256: String },
    /// It exists but cannot be read (the error).
    Unreadable { error: String },
    /// It was read but is not what it must be (the parse error).
    Malformed { error: String },
}

impl FileState {
    /// The error of an unreadable or malformed file.
    pub fn error(&self) -> Option<&str> {
        match self {
            FileState::Unreadable { error } | FileState::Malformed { error } => Some(error),
            FileState::Absent | FileState::Read { .. } => None,
        }
    }

    /// A short description: `absent`, `read (sha256 …)`, `unreadable: …`, `malformed: …`.
    pub fn describe(&self) -> String {
        match self {
            FileState::Absent => "absent".into(),
            FileState::Read { sha256 } => format!("read (sha256 {sha256})"),
            FileState::Unreadable { error } => format!("unreadable: {error}"),
            FileState::Malformed { error } => format!("malformed: {error}"),
        }
    }
}

/// One provider: what the lock file pins and what `terraform init` installed.
#[derive(Serialize, Deserialize, schemars::JsonSchema, Clone, Debug, PartialEq, Default)]
pub struct SoupProvider {
    /// Source address, e.g. `registry.terraform.io/hashicorp/aws` (`gxp` for this provider
    /// when it is neither locked nor installed).
    pub source: String,
    /// Version the lock file pins, absent when the provider is not locked.
    #[serde(default)]
    pub locked_version: Option<String>,
    /// Version constraints the lock file records.
    #[serde(default)]
    pub constraints: Option<String>,
    /// Package hashes the lock file records (`h1:`, `zh:`).
    #[serde(default)]
    pub hashes: Vec<String>,
    /// Installed packages, `VERSION OS_ARCH` (e.g. `5.100.0 linux_amd64`).
    #[serde(default)]
    pub installed: Vec<String>,
    /// Whether this is the provider that runs the qualification.
    #[serde(default)]
    pub this_provider: bool,
    /// Version of the running binary (this provider only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub running_version: Option<String>,
    /// A remark, e.g. a development override.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl SoupProvider {
    /// Installed versions (without the platform), sorted, without repeats.
    pub fn installed_versions(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .installed
            .iter()
            .map(|i| i.split(' ').next().unwrap_or(i))
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// Whether the provider is in use: installed, or the one running.
    pub fn in_use(&self) -> bool {
        self.this_provider || !self.installed.is_empty()
    }
}

/// One module installed by `terraform init`.
#[derive(Serialize, Deserialize, schemars::JsonSchema, Clone, Debug, PartialEq, Default)]
pub struct SoupModule {
    /// Module key (`vpc`, `app.db` for nested calls).
    pub key: String,
    /// Source address as written (registry, git, local path).
    pub source: String,
    /// Registry version, absent for local and VCS sources.
    #[serde(default)]
    pub version: Option<String>,
    /// Directory it was installed to.
    pub dir: String,
}
