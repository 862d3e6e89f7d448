//! A temporary Terraform working directory wired to the provider under test.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

use super::terraform::{run_with_timeout, with_no_color, TERRAFORM_TIMEOUT};
use super::{provider_binary, terraform_path, Emulator, TfRun, PROVIDER_SOURCE};

/// Parent-environment variables never passed to Terraform.
const SCRUBBED_ENV: &[&str] = &["TF_CLI_CONFIG_FILE", "RUST_BACKTRACE", "RUST_LIB_BACKTRACE"];

/// One temporary directory of Terraform configuration plus the CLI config
/// that points Terraform at the freshly built provider binary.
///
/// The directory is deleted on drop; with `GXP_KEEP_WORKDIR=1` it is kept
/// (and its path printed) when the test panics.
pub struct Workspace {
    dir: Option<tempfile::TempDir>,
    work: PathBuf,
    cli_config: PathBuf,
    env: Vec<(String, String)>,
    env_remove: Vec<&'static str>,
    extra_env: Vec<(String, String)>,
    terraform: Option<PathBuf>,
}

impl Workspace {
    /// Creates an empty workspace whose Terraform runs talk to `emulator`.
    pub fn new(emulator: &Emulator) -> Workspace {
        let dir = tempfile::Builder::new()
            .prefix("gxp-e2e-")
            .tempdir()
            .expect("create workspace temp dir");
        let work = dir.path().join("work");
        std::fs::create_dir(&work).expect("create workspace work dir");
        let cli_config = dir.path().join("terraform.tfrc");
        std::fs::write(&cli_config, cli_config_text()).expect("write CLI config");
        let mut env_remove = SCRUBBED_ENV.to_vec();
        env_remove.extend_from_slice(emulator.env_remove());
        Workspace {
            dir: Some(dir),
            work,
            cli_config,
            env: emulator.env(),
            env_remove,
            extra_env: Vec::new(),
            terraform: None,
        }
    }

    /// Like [`new`](Self::new), but Terraform installs the provider from a filesystem mirror
    /// (`terraform init` writes `.terraform.lock.hcl` and `.terraform/providers/`), as
    /// regulated runs do, instead of a development override. Every other provider comes
    /// from its registry (none is reachable here: configurations use only gxp/gxp).
    pub fn with_mirror(emulator: &Emulator) -> Workspace {
        let ws = Workspace::new(emulator);
        let mirror = mirror_dir();
        let text = format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path    = \"{}\"\n    include = [\"{PROVIDER_SOURCE}\"]\n  }}\n  direct {{\n    exclude = [\"registry.terraform.io/gxp/*\"]\n  }}\n}}\n\ndisable_checkpoint = true\n",
            hcl_escape(&mirror.display().to_string())
        );
        std::fs::write(&ws.cli_config, text).expect("write CLI config");
        ws
    }

    /// The Terraform working directory (where `.tf` files go).
    pub fn path(&self) -> &Path {
        &self.work
    }

    /// Writes `contents` to `rel` (relative to [`path`](Self::path)),
    /// creating parent directories.
    pub fn write(&self, rel: &str, contents: &str) {
        let target = self.work.join(rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .unwrap_or_else(|e| panic!("create {}: {e}", parent.display()));
        }
        std::fs::write(&target, contents)
            .unwrap_or_else(|e| panic!("write {}: {e}", target.display()));
    }

    /// Removes the file (or directory tree) `rel`.
    pub fn remove(&self, rel: &str) {
        let target = self.work.join(rel);
        let result = if target.is_dir() {
            std::fs::remove_dir_all(&target)
        } else {
            std::fs::remove_file(&target)
        };
        result.unwrap_or_else(|e| panic!("remove {}: {e}", target.display()));
    }

    /// Sets an extra environment variable for every later Terraform run;
    /// it wins over the emulator environment.
    pub fn set_env(&mut self, k: &str, v: &str) {
        self.extra_env.retain(|(key, _)| key != k);
        self.extra_env.push((k.to_string(), v.to_string()));
    }

    /// Runs every later Terraform command of this workspace with the executable at
    /// `path` instead of [`terraform_path`] (e.g. [`super::identity_terraform`]).
    pub fn set_terraform(&mut self, path: PathBuf) {
        self.terraform = Some(path);
    }

    /// Runs Terraform with `args` in the workspace (adding `-no-color` where
    /// accepted); panics if it runs longer than 300 s.
    pub fn terraform(&self, args: &[&str]) -> TfRun {
        let program = self.terraform.clone().unwrap_or_else(terraform_path);
        let mut cmd = Command::new(program);
        cmd.args(with_no_color(args)).current_dir(&self.work);
        for key in &self.env_remove {
            cmd.env_remove(key);
        }
        cmd.envs(self.env.iter().map(|(k, v)| (k, v)))
            .env("TF_CLI_CONFIG_FILE", &self.cli_config)
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_INPUT", "0")
            .envs(self.extra_env.iter().map(|(k, v)| (k, v)));
        run_with_timeout(cmd, TERRAFORM_TIMEOUT)
    }

    /// `terraform init -input=false`.
    pub fn init(&self) -> TfRun {
        self.terraform(&["init", "-input=false"])
    }

    /// `terraform plan -input=false -detailed-exitcode` (0 = no changes,
    /// 2 = changes, 1 = error).
    pub fn plan(&self) -> TfRun {
        self.terraform(&["plan", "-input=false", "-detailed-exitcode"])
    }

    /// `terraform apply -input=false -auto-approve`.
    pub fn apply(&self) -> TfRun {
        self.terraform(&["apply", "-input=false", "-auto-approve"])
    }

    /// `terraform destroy -input=false -auto-approve`.
    pub fn destroy(&self) -> TfRun {
        self.terraform(&["destroy", "-input=false", "-auto-approve"])
    }

    /// `terraform import -input=false ADDR ID`.
    pub fn import(&self, addr: &str, id: &str) -> TfRun {
        self.terraform(&["import", "-input=false", addr, id])
    }

    /// `terraform validate`.
    pub fn validate(&self) -> TfRun {
        self.terraform(&["validate"])
    }

    /// The current state as `terraform show -json` (panics if it fails).
    pub fn show_json(&self) -> Value {
        parse_json(&self.terraform(&["show", "-json"]))
    }

    /// A saved plan (`plan -out=tfplan`) as `terraform show -json tfplan`.
    pub fn plan_json(&self) -> Value {
        self.terraform(&["plan", "-input=false", "-out=tfplan"])
            .assert_success();
        parse_json(&self.terraform(&["show", "-json", "tfplan"]))
    }

    /// The `values` of the resource at `address` in the current state
    /// (searching the root module and its child modules); panics listing the
    /// addresses present when it is absent.
    #[track_caller]
    pub fn resource_values(&self, address: &str) -> Value {
        let state = self.show_json();
        let mut resources = Vec::new();
        if let Some(root) = state.pointer("/values/root_module") {
            collect_resources(root, &mut resources);
        }
        if let Some(found) = resources
            .iter()
            .find(|r| r.get("address").and_then(Value::as_str) == Some(address))
        {
            return found.get("values").cloned().unwrap_or(Value::Null);
        }
        let available: Vec<&str> = resources
            .iter()
            .filter_map(|r| r.get("address").and_then(Value::as_str))
            .collect();
        panic!("no resource {address:?} in state; available: {available:?}");
    }

    /// Panics with the plan output unless `plan -detailed-exitcode` exits 0.
    #[track_caller]
    pub fn assert_plan_empty(&self) {
        let run = self.plan();
        match run.status {
            0 => {}
            2 => panic!(
                "expected an empty plan, but it has changes:\n{}",
                run.report()
            ),
            code => panic!("plan failed (exit {code}):\n{}", run.report()),
        }
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let keep =
            std::thread::panicking() && std::env::var("GXP_KEEP_WORKDIR").is_ok_and(|v| v == "1");
        if let Some(dir) = self.dir.take() {
            if keep {
                eprintln!("GXP_KEEP_WORKDIR=1: keeping {}", self.work.display());
                let _ = dir.keep();
            }
        }
    }
}

#[path = "../../common/mirror.rs"]
mod mirror;
pub use mirror::os_arch;

/// The version of the provider under test (`provider/Cargo.toml`).
pub const PROVIDER_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The filesystem mirror holding the provider under test as
/// `registry.terraform.io/gxp/gxp/VERSION/OS_ARCH/terraform-provider-gxp_vVERSION`, built
/// once per test process (hard link, or copy).
pub fn mirror_dir() -> PathBuf {
    static MIRROR: OnceLock<PathBuf> = OnceLock::new();
    MIRROR
        .get_or_init(|| {
            let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
                .join(format!("gxp-e2e-mirror-{}", std::process::id()));
            let dir = root.join(format!(
                "{PROVIDER_SOURCE}/{PROVIDER_VERSION}/{}",
                mirror::os_arch()
            ));
            mirror::install(
                &provider_binary(),
                &dir,
                &format!("terraform-provider-gxp_v{PROVIDER_VERSION}"),
            )
            .unwrap_or_else(|e| panic!("build the provider mirror: {e}"));
            root
        })
        .clone()
}

/// The CLI configuration: `dev_overrides` for the provider, no checkpoint.
fn cli_config_text() -> String {
    let binary = provider_binary();
    let dir = binary
        .parent()
        .expect("provider binary has a parent directory")
        .display()
        .to_string();
    format!(
        "provider_installation {{\n  dev_overrides {{\n    \"{PROVIDER_SOURCE}\" = \"{}\"\n  }}\n  direct {{}}\n}}\n\ndisable_checkpoint = true\n",
        hcl_escape(&dir)
    )
}

/// Escapes a string for an HCL double-quoted literal.
fn hcl_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace("${", "$${")
        .replace("%{", "%%{")
}

/// Parses the stdout of a successful run as JSON.
#[track_caller]
fn parse_json(run: &TfRun) -> Value {
    run.assert_success();
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("terraform output is not JSON ({e}):\n{}", run.report()))
}

/// Appends every resource of `module` and its `child_modules` to `out`.
fn collect_resources<'a>(module: &'a Value, out: &mut Vec<&'a Value>) {
    if let Some(resources) = module.get("resources").and_then(Value::as_array) {
        out.extend(resources);
    }
    if let Some(children) = module.get("child_modules").and_then(Value::as_array) {
        for child in children {
            collect_resources(child, out);
        }
    }
}
