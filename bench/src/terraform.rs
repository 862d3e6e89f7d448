//! A Terraform working directory that qualifies every tagged bench bucket.

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};

use crate::fixture::TAG;

/// What the provider's bench probe recorded for one phase.
pub struct Probe {
    pub millis: f64,
    pub peak_rss_kib: f64,
}

/// Working directory, CLI config and probe log.
pub struct Workspace {
    dir: tempfile::TempDir,
    endpoint: String,
}

fn provider_bin() -> PathBuf {
    std::env::var_os("GXP_PROVIDER_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../target/release/terraform-provider-gxp"
            ))
        })
}

impl Workspace {
    /// Write the configuration.
    pub fn new(endpoint: &str, concurrency: usize) -> Result<Workspace> {
        let dir = tempfile::tempdir()?;
        let bin = provider_bin();
        let bin_dir = bin.parent().context("provider dir")?.display().to_string();
        std::fs::write(
            dir.path().join("cli.tfrc"),
            format!("provider_installation {{\n  dev_overrides {{\n    \"registry.terraform.io/gxp/gxp\" = \"{bin_dir}\"\n  }}\n  direct {{}}\n}}\ndisable_checkpoint = true\n"),
        )?;
        let evidence = dir.path().join("evidence");
        std::fs::write(
            dir.path().join("main.tf"),
            format!(
                r#"terraform {{
  required_providers {{
    gxp = {{ source = "gxp/gxp" }}
  }}
}}
provider "gxp" {{
  s3_use_path_style = true
}}
resource "gxp_expected_spec" "bench" {{
  name    = "bench"
  version = "1"
  system {{
    application_id = "gxp-bench"
    environment    = "bench"
  }}
  approval {{
    approved_by      = "bench"
    approved_at      = "2026-01-01T00:00:00Z"
    change_reference = "BENCH"
  }}
}}
resource "gxp_qualification" "bench" {{
  name          = "bench"
  spec_id       = gxp_expected_spec.bench.id
  spec_digest   = gxp_expected_spec.bench.digest
  spec_document = gxp_expected_spec.bench.canonical_json
  concurrency   = {concurrency}
  enforce       = false
  discovery {{
    tags = {{ {k} = "{v}" }}
  }}
  evidence_store {{
    local_directory = "{evidence}"
  }}
}}
"#,
                k = TAG.0,
                v = TAG.1,
                evidence = evidence.display()
            ),
        )?;
        Ok(Workspace {
            dir,
            endpoint: endpoint.to_string(),
        })
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join("probe.log")
    }

    fn run(&self, args: &[&str]) -> Result<(f64, i32)> {
        self.run_output(args).map(|(ms, code, _)| (ms, code))
    }

    fn run_output(&self, args: &[&str]) -> Result<(f64, i32, String)> {
        let terraform = std::env::var("TERRAFORM").unwrap_or_else(|_| "terraform".into());
        let started = Instant::now();
        let out = Command::new(&terraform)
            .args(args)
            .current_dir(self.dir.path())
            .env("TF_CLI_CONFIG_FILE", self.dir.path().join("cli.tfrc"))
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("GXP_BENCH_LOG", self.log())
            .env_remove("RUST_BACKTRACE")
            .output()
            .with_context(|| format!("run {terraform}"))?;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let code = out.status.code().unwrap_or(-1);
        if code == 1 {
            bail!(
                "terraform {args:?} failed:\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok((ms, code, String::from_utf8_lossy(&out.stdout).into_owned()))
    }

    fn probe(&self, phase: &str) -> Result<Probe> {
        let text = std::fs::read_to_string(self.log()).context("provider bench probe log")?;
        let line = text
            .lines()
            .rev()
            .find(|l| l.starts_with(phase))
            .with_context(|| format!("no {phase} probe"))?;
        let mut parts = line
            .split_whitespace()
            .skip(1)
            .map(|p| p.parse::<f64>().unwrap_or(0.0));
        Ok(Probe {
            millis: parts.next().unwrap_or(0.0),
            peak_rss_kib: parts.next().unwrap_or(0.0),
        })
    }

    /// `terraform apply`: wall time and the provider's qualification probe.
    pub fn apply(&self) -> Result<(f64, Probe)> {
        let (ms, _) = self.run(&["apply", "-auto-approve", "-input=false", "-no-color"])?;
        Ok((ms, self.probe("apply")?))
    }

    /// `terraform plan` (refresh included): wall time and the refresh probe.
    pub fn plan(&self) -> Result<(f64, Probe)> {
        let (ms, code, text) =
            self.run_output(&["plan", "-input=false", "-no-color", "-detailed-exitcode"])?;
        if code != 0 {
            let reasons: Vec<&str> = text
                .lines()
                .filter(|l| {
                    l.contains("requalification_reasons") || l.contains("drift ") || l.contains('~')
                })
                .take(20)
                .collect();
            bail!(
                "plan after apply is not empty (exit {code}):\n{}",
                reasons.join("\n")
            );
        }
        Ok((ms, self.probe("refresh")?))
    }
}
