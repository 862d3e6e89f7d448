//! The SOUP inventory in IQ with real Terraform: a working directory whose provider
//! `terraform init` installed from a filesystem mirror (so it writes `.terraform.lock.hcl`),
//! with a local module. The filed report's `soup` records Terraform's version as Terraform
//! gave it in ConfigureProvider, gxp/gxp with its lock-file hashes and the module;
//! `iq.soup_locked` and `iq.soup_versions` pass. A provider installed but not locked fails
//! both and is a requalification reason in the plan, as is its upgrade.
//!
//! An unreadable or malformed lock file (`error`) is tested in the unit and golden tests
//! only: Terraform itself refuses to plan with a corrupt lock file, so a run never reaches
//! the provider with one.

use serde_json::Value;

use crate::harness::workspace::PROVIDER_VERSION;
use crate::harness::{Emulator, Workspace};

const GXP: &str = "registry.terraform.io/gxp/gxp";
const EXTRA: &str = "registry.terraform.io/example/extra";

fn config(evidence: &str, qualification_extra: &str) -> String {
    format!(
        r#"
terraform {{
  required_providers {{
    gxp = {{
      source  = "gxp/gxp"
      version = "= {PROVIDER_VERSION}"
    }}
  }}
}}

provider "gxp" {{
  s3_use_path_style = true
}}

module "m" {{
  source = "./m"
}}

resource "gxp_expected_spec" "s" {{
  name    = "soup"
  version = "1.0"
  system {{
    application_id = "lims"
    environment    = "prod"
    gamp_category  = 1
  }}
  approval {{
    approved_by      = "qa.lead@example.com"
    approved_at      = "2026-01-01T00:00:00Z"
    change_reference = "CR-2026-011"
  }}
  requirement {{
    id       = "URS-SOUP"
    text     = "The infrastructure code runs with approved, pinned software"
    controls = ["Annex11-4"]
    severity = "functional"
  }}
  expected_resource {{
    key        = "data_bucket"
    type       = "AWS::S3::Bucket"
    identifier = "lims-soup-data"
  }}
  expected_soup {{
    terraform_version = ">= 1.5"
    providers = {{
      "{GXP}" = "= {PROVIDER_VERSION}"
    }}
    requirements = ["URS-SOUP"]
  }}
}}

resource "gxp_qualification" "q" {{
  name          = "soup"
  spec_id       = gxp_expected_spec.s.id
  spec_digest   = gxp_expected_spec.s.digest
  spec_document = gxp_expected_spec.s.canonical_json
  stages        = ["IQ"]
  {qualification_extra}
  evidence_store {{
    local_directory = "{evidence}"
  }}
}}
"#
    )
}

/// The filed report of the last apply.
fn filed_report(ws: &Workspace) -> Value {
    let q = ws.resource_values("gxp_qualification.q");
    let filed = std::fs::read(q["report_location"].as_str().expect("report location"))
        .expect("the report is filed in the local store");
    crate::qualification::assert_schema_valid(&filed);
    serde_json::from_slice(&filed).unwrap()
}

/// `(status, actual)` of the result of `check` on sub-item `property`.
fn result(report: &Value, check: &str, property: &str) -> (String, String) {
    let hits: Vec<&Value> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["check_id"] == check && r["property"] == property)
        .collect();
    assert_eq!(
        hits.len(),
        1,
        "{check} {property} in {:#}",
        report["results"]
    );
    let r = hits[0];
    assert_eq!(r["target"], "soup");
    assert_eq!(r["resource_type"], "Terraform::WorkingDirectory");
    (
        r["status"].as_str().unwrap().to_string(),
        r["actual"].as_str().unwrap().to_string(),
    )
}

fn provider<'a>(report: &'a Value, source: &str) -> &'a Value {
    report["soup"]["providers"]
        .as_array()
        .expect("soup.providers")
        .iter()
        .find(|p| p["source"] == source)
        .unwrap_or_else(|| panic!("{source} in {:#}", report["soup"]))
}

/// The version `terraform version -json` gives.
fn terraform_version(ws: &Workspace) -> String {
    let run = ws.terraform(&["version", "-json"]);
    run.assert_success();
    let v: Value = serde_json::from_str(&run.stdout).expect("terraform version -json");
    v["terraform_version"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn soup_is_inventoried_locked_and_an_unlocked_provider_or_its_upgrade_requalifies() {
    let emu = Emulator::start();
    let sdk = emu.sdk_config().await;
    crate::qualification::s3(&sdk)
        .create_bucket()
        .bucket("lims-soup-data")
        .send()
        .await
        .expect("create bucket");
    let ws = Workspace::with_mirror(&emu);
    let evidence = ws.path().join("evidence").display().to_string();
    ws.write("m/main.tf", "# An empty local module.\n");
    ws.write("main.tf", &config(&evidence, ""));
    ws.init().assert_success();
    let lock = std::fs::read_to_string(ws.path().join(".terraform.lock.hcl"))
        .expect("terraform init wrote the lock file");
    assert!(lock.contains(&format!("provider \"{GXP}\"")), "{lock}");

    // 1. Everything locked and approved.
    ws.apply().assert_success();
    let report = filed_report(&ws);
    let soup = &report["soup"];
    let tf = terraform_version(&ws);
    // Measured: what Terraform hands the provider (ConfigureProvider) and its working directory.
    eprintln!(
        "soup: terraform_version from ConfigureProvider {:?}, `terraform version -json` {tf:?}; working_directory {:?}",
        soup["terraform_version"], soup["working_directory"]
    );
    assert_eq!(soup["terraform_version"], tf.as_str(), "{soup:#}");
    assert_eq!(
        soup["working_directory"],
        ws.path().canonicalize().unwrap().display().to_string()
    );
    assert_eq!(soup["lock_file"]["state"], "read");
    assert_eq!(
        soup["lock_file"]["sha256"],
        crate::qualification::sha256_hex(lock.as_bytes())
    );
    let gxp = provider(&report, GXP);
    assert_eq!(gxp["locked_version"], PROVIDER_VERSION);
    assert_eq!(gxp["this_provider"], true);
    assert_eq!(gxp["running_version"], PROVIDER_VERSION);
    let hashes = gxp["hashes"].as_array().unwrap();
    assert!(
        hashes
            .iter()
            .any(|h| h.as_str().unwrap().starts_with("h1:")),
        "{gxp:#}"
    );
    let installed = gxp["installed"].as_array().unwrap();
    assert_eq!(installed.len(), 1, "{gxp:#}");
    assert!(installed[0]
        .as_str()
        .unwrap()
        .starts_with(&format!("{PROVIDER_VERSION} ")));
    assert_eq!(soup["modules_manifest"]["state"], "read");
    let modules = soup["modules"].as_array().unwrap();
    assert_eq!(modules.len(), 1, "{soup:#}");
    assert_eq!(
        (&modules[0]["key"], &modules[0]["source"]),
        (&"m".into(), &"./m".into())
    );
    assert!(modules[0]["version"].is_null());
    assert_eq!(
        result(&report, "iq.soup_locked", GXP),
        (
            "passed".into(),
            format!("locked {PROVIDER_VERSION} with {} hash(es)", hashes.len())
        )
    );
    assert_eq!(result(&report, "iq.soup_versions", GXP).0, "passed");
    assert_eq!(
        result(&report, "iq.soup_versions", "terraform"),
        ("passed".into(), format!("Terraform {tf}"))
    );
    let trace = report["traceability"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["requirement"] == "URS-SOUP")
        .unwrap();
    assert_eq!(trace["status"], "passed", "{trace:#}");
    // Nothing changed: no requalification.
    ws.assert_plan_empty();

    // 2. A provider installed but not locked.
    let platform = crate::harness::workspace::os_arch();
    let extra = |v: &str| format!(".terraform/providers/{EXTRA}/{v}/{platform}");
    std::fs::create_dir_all(ws.path().join(extra("1.0.0"))).unwrap();
    let plan = ws.plan();
    assert!(plan.plan_has_changes(), "{}", plan.combined());
    plan.assert_contains(&format!("SOUP changed: provider {EXTRA} installed 1.0.0"));
    ws.write("main.tf", &config(&evidence, "enforce = false"));
    ws.apply().assert_success();
    let report = filed_report(&ws);
    assert_eq!(
        result(&report, "iq.soup_locked", EXTRA),
        ("failed".into(), "not in the lock file".into())
    );
    assert_eq!(
        result(&report, "iq.soup_versions", EXTRA),
        (
            "failed".into(),
            "in use but not approved in expected_soup.providers".into()
        )
    );
    assert_eq!(result(&report, "iq.soup_locked", GXP).0, "passed");
    assert_eq!(report["summary"]["status"], "failed");

    // 3. Its upgrade is a requalification reason.
    std::fs::rename(
        ws.path()
            .join(format!(".terraform/providers/{EXTRA}/1.0.0")),
        ws.path()
            .join(format!(".terraform/providers/{EXTRA}/1.1.0")),
    )
    .unwrap();
    let plan = ws.plan();
    plan.assert_contains(&format!(
        "SOUP changed: provider {EXTRA} installed 1.0.0 -> 1.1.0"
    ));
}

/// A development override (every other e2e test): the report records the SOUP with this
/// provider noted, and `iq.soup_locked` has nothing to check (no result, a note).
#[tokio::test(flavor = "multi_thread")]
async fn soup_of_a_development_override_is_noted_without_a_lock_result() {
    let emu = Emulator::start();
    let (ws, _sdk) = crate::qualification::passing(&emu, "", "").await;
    let q = ws.resource_values("gxp_qualification.q");
    let location = q["report_location"].as_str().unwrap();
    let (bucket, key) = crate::qualification::split_s3(location);
    let sdk = emu.sdk_config().await;
    let report: Value =
        serde_json::from_slice(&crate::qualification::object(&sdk, &bucket, &key).await).unwrap();
    let soup = &report["soup"];
    assert_eq!(soup["lock_file"]["state"], "absent", "{soup:#}");
    let providers = soup["providers"].as_array().unwrap();
    assert_eq!(providers.len(), 1, "{soup:#}");
    assert_eq!(providers[0]["source"], "gxp");
    assert_eq!(providers[0]["this_provider"], true);
    assert!(providers[0]["note"]
        .as_str()
        .unwrap()
        .contains("development override"));
    let results = report["results"].as_array().unwrap();
    assert!(
        !results
            .iter()
            .any(|r| r["check_id"].as_str().unwrap().starts_with("iq.soup")),
        "{results:#?}"
    );
    let notes = report["notes"].to_string();
    assert!(
        notes.contains("iq.soup_locked had nothing to check"),
        "{notes}"
    );
}
