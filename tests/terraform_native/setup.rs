//! What every Terraform-native test shares: the Terraform CLI, a throwaway filesystem mirror
//! holding the gxp provider under test and the schema-only hashicorp/aws stand-in, and a CLI
//! configuration that installs both from it (and nothing from a registry).
//!
//! The stand-in (`tools/aws-schema-provider`) serves the hashicorp/aws 5.100.0 schema that
//! `make tools` caches in `.tools/aws-schema/schema.json`. It is installed only into this
//! mirror: no lock file is written in the repository (every run works on a copy).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

#[path = "../common/mirror.rs"]
mod mirror;
use mirror::{install, os_arch};

/// The version the stand-in is installed as (what `~> 5.0` resolves to).
pub const AWS_VERSION: &str = "5.100.0";

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("provider crate has a parent")
        .to_path_buf()
}

/// The cached hashicorp/aws schema (written by `make tools`).
pub fn aws_schema_path() -> PathBuf {
    repo_root().join(".tools/aws-schema/schema.json")
}

/// Why the Terraform-native tests cannot run here, if they cannot.
pub fn missing_prerequisite() -> Option<String> {
    if !aws_schema_path().is_file() {
        return Some(format!(
            "{} is missing: run `make tools` (it fetches @cdktf/provider-aws and converts the hashicorp/aws schema)",
            aws_schema_path().display()
        ));
    }
    if let Err(e) = terraform_path() {
        return Some(e);
    }
    None
}

/// The Terraform CLI, as `scripts/terraform.sh` chooses it.
pub fn terraform_path() -> Result<PathBuf, String> {
    static PATH: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    PATH.get_or_init(|| {
        let out = Command::new("bash")
            .arg(repo_root().join("scripts/terraform.sh"))
            .output()
            .map_err(|e| format!("cannot run scripts/terraform.sh: {e}"))?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
        }
        Ok(PathBuf::from(
            String::from_utf8_lossy(&out.stdout).trim().to_string(),
        ))
    })
    .clone()
}

/// `(major, minor, patch)` of the Terraform at `path` from the first line of
/// `terraform version` (`Terraform v1.15.5`); `None` when it does not run or is not
/// Terraform (OpenTofu prints `OpenTofu v…`).
pub fn terraform_version(path: &Path) -> Option<(u64, u64, u64)> {
    let out = Command::new(path)
        .arg("version")
        .env("CHECKPOINT_DISABLE", "1")
        .stdin(std::process::Stdio::null())
        .output()
        .ok()?;
    parse_terraform_version(&String::from_utf8_lossy(&out.stdout))
}

/// `(major, minor, patch)` from `terraform version` output.
pub fn parse_terraform_version(output: &str) -> Option<(u64, u64, u64)> {
    let version = output.lines().next()?.strip_prefix("Terraform v")?;
    let core = version.split(['-', '+', ' ']).next()?;
    let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
    Some((parts.next()??, parts.next()??, parts.next()??))
}

/// The Terraform for configurations that import by resource identity (an `import` block
/// with `identity`, Terraform 1.12 and later): the suite's own ([`terraform_path`]) when it
/// is 1.12 or later, else the bundled `.tools/bin/terraform` (Terraform 1.15.5, `make tools`).
pub fn identity_terraform_path() -> Result<PathBuf, String> {
    static PATH: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    PATH.get_or_init(|| {
        let bundled = repo_root().join(".tools/bin/terraform");
        terraform_path()
            .into_iter()
            .chain([bundled.clone()])
            .find(|p| terraform_version(p).is_some_and(|v| v >= (1, 12, 0)))
            .ok_or_else(|| {
                format!(
                    "importing by resource identity needs Terraform 1.12 or later: neither the suite's Terraform ({}) nor {} is one; run `make tools`",
                    terraform_path().map(|p| p.display().to_string()).unwrap_or_else(|e| e),
                    bundled.display()
                )
            })
    })
    .clone()
}

/// Whether the configuration in `dir` (its `.tf` files) imports by resource identity: an
/// `import` block with an `identity` argument.
pub fn imports_by_identity(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tf"))
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .any(|text| text_imports_by_identity(&text))
}

/// Whether HCL `text` has an `import` block with an `identity` argument.
pub fn text_imports_by_identity(text: &str) -> bool {
    hcl::parse(text).is_ok_and(|body| {
        body.blocks()
            .filter(|b| b.identifier() == "import")
            .any(|b| b.body().attributes().any(|a| a.key() == "identity"))
    })
}

/// The gxp provider version (`provider/Cargo.toml`).
pub fn gxp_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// The stand-in binary: built by `cargo test --workspace` next to the gxp provider; built
/// here when this test runs on its own and it is missing.
fn stand_in_binary() -> Result<PathBuf, String> {
    let gxp = PathBuf::from(env!("CARGO_BIN_EXE_terraform-provider-gxp"));
    let bin = gxp
        .with_file_name("terraform-provider-aws-schema")
        .with_extension(std::env::consts::EXE_EXTENSION);
    if !bin.is_file() {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "-q", "-p", "aws-schema-provider"])
            .current_dir(repo_root())
            .status()
            .map_err(|e| format!("cannot run cargo build -p aws-schema-provider: {e}"))?;
        if !status.success() || !bin.is_file() {
            return Err(format!(
                "cargo build -p aws-schema-provider did not produce {}",
                bin.display()
            ));
        }
    }
    Ok(bin)
}

/// The shared mirror and CLI configuration (created once per test process).
pub struct Env {
    /// Keeps the temporary directory alive.
    _dir: tempfile::TempDir,
    pub root: PathBuf,
    pub cli_config: PathBuf,
    pub terraform: PathBuf,
}

fn build_env() -> Result<Env, String> {
    if let Some(why) = missing_prerequisite() {
        return Err(why);
    }
    let dir = tempfile::Builder::new()
        .prefix("gxp-tf-native-")
        .tempdir()
        .map_err(|e| e.to_string())?;
    let root = dir.path().to_path_buf();
    let mirror = root.join("mirror");
    let platform = os_arch();
    install(
        Path::new(env!("CARGO_BIN_EXE_terraform-provider-gxp")),
        &mirror.join(format!(
            "registry.terraform.io/gxp/gxp/{}/{platform}",
            gxp_version()
        )),
        &format!("terraform-provider-gxp_v{}", gxp_version()),
    )?;
    install(
        &stand_in_binary()?,
        &mirror.join(format!(
            "registry.terraform.io/hashicorp/aws/{AWS_VERSION}/{platform}"
        )),
        &format!("terraform-provider-aws_v{AWS_VERSION}"),
    )?;
    let cli_config = root.join("terraform.tfrc");
    std::fs::write(
        &cli_config,
        format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path    = \"{}\"\n    include = [\"registry.terraform.io/gxp/gxp\", \"registry.terraform.io/hashicorp/aws\"]\n  }}\n}}\ndisable_checkpoint = true\n",
            mirror.display()
        ),
    )
    .map_err(|e| e.to_string())?;
    Ok(Env {
        _dir: dir,
        root,
        cli_config,
        terraform: terraform_path()?,
    })
}

/// The shared environment, or why it cannot be built.
pub fn env() -> Result<&'static Env, String> {
    static ENV: OnceLock<Result<Env, String>> = OnceLock::new();
    ENV.get_or_init(build_env).as_ref().map_err(Clone::clone)
}

/// The output of one Terraform command.
pub struct Run {
    pub success: bool,
    pub output: String,
}

impl Env {
    /// Run `terraform ARGS` in `dir` with the mirror's CLI configuration. Standard output
    /// and error go to one file, so diagnostics stay next to the lines they follow.
    pub fn terraform(&self, dir: &Path, args: &[&str]) -> Run {
        self.terraform_with(&self.terraform, dir, args)
    }

    /// [`Env::terraform`] with the Terraform executable at `program`.
    pub fn terraform_with(&self, program: &Path, dir: &Path, args: &[&str]) -> Run {
        let log = match tempfile::NamedTempFile::new_in(&self.root) {
            Ok(f) => f,
            Err(e) => {
                return Run {
                    success: false,
                    output: format!("cannot create a log file: {e}"),
                }
            }
        };
        // Duplicates of one descriptor share its offset: the two streams interleave, in order.
        let (Ok(out), Ok(err)) = (log.as_file().try_clone(), log.as_file().try_clone()) else {
            return Run {
                success: false,
                output: "cannot open the log file".into(),
            };
        };
        let status = Command::new(program)
            .args(args)
            .current_dir(dir)
            .env("TF_CLI_CONFIG_FILE", &self.cli_config)
            .env("GXP_AWS_SCHEMA", aws_schema_path())
            .env("TF_IN_AUTOMATION", "1")
            .env("TF_INPUT", "0")
            .env("CHECKPOINT_DISABLE", "1")
            .env_remove("TF_PLUGIN_CACHE_DIR")
            .env_remove("TF_CLI_ARGS")
            .stdin(std::process::Stdio::null())
            .stdout(out)
            .stderr(err)
            .status();
        let output = std::fs::read_to_string(log.path()).unwrap_or_default();
        match status {
            Ok(status) => Run {
                success: status.success(),
                output,
            },
            Err(e) => Run {
                success: false,
                output: format!("cannot run {}: {e}", program.display()),
            },
        }
    }

    /// `terraform init` then `terraform validate` in `dir`: Ok, or the failing output. A
    /// configuration that imports by identity is validated with
    /// [`identity_terraform_path`].
    pub fn validate(&self, dir: &Path) -> Result<(), String> {
        let program = if imports_by_identity(dir) {
            identity_terraform_path()?
        } else {
            self.terraform.clone()
        };
        let init = self.terraform_with(
            &program,
            dir,
            &["init", "-backend=false", "-input=false", "-no-color"],
        );
        if !init.success {
            return Err(format!("terraform init failed:\n{}", init.output));
        }
        let validate = self.terraform_with(&program, dir, &["validate", "-no-color"]);
        if !validate.success {
            return Err(format!("terraform validate failed:\n{}", validate.output));
        }
        Ok(())
    }

    /// A fresh working directory under the environment's root.
    pub fn scratch(&self, name: &str) -> PathBuf {
        let dir = self.root.join("scratch").join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        dir
    }
}

/// Copy a directory tree, skipping `.terraform` directories and lock files.
pub fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        let name_str = name.to_string_lossy();
        if name_str == ".terraform" || name_str == ".terraform.lock.hcl" {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            copy_tree(&path, &to.join(&name))?;
        } else {
            std::fs::copy(&path, to.join(&name))?;
        }
    }
    Ok(())
}

/// The repository's `modules/` and `examples/` trees, copied once, so that relative module
/// sources resolve and no `.terraform` directory or lock file lands in the repository.
pub fn repo_copy() -> Result<&'static Path, String> {
    static COPY: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    COPY.get_or_init(|| {
        let env = env()?;
        let root = env.root.join("repo");
        for tree in ["modules", "examples"] {
            copy_tree(&repo_root().join(tree), &root.join(tree))
                .map_err(|e| format!("copy {tree}: {e}"))?;
        }
        Ok(root)
    })
    .as_deref()
    .map_err(Clone::clone)
}
