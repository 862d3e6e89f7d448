//! End-to-end: continuous validation with `gxp_requalification` in a `check` block. A
//! qualification of a bucket is applied; a monitoring configuration (no resources, only the
//! check) then plans cleanly while the qualified state holds and warns, naming the reason,
//! once the bucket drifts, the specification changes, or nothing was ever qualified.

use aws_sdk_s3::types::BucketVersioningStatus;
use serde_json::Value;

use crate::harness::{Emulator, TfRun, Workspace};
use crate::qualification::{
    config, data_bucket, protected_bucket, set_versioning, DATA, EVIDENCE, S3_STORE,
};

const FAILED: &str = "Warning: Check block assertion failed";
const DRIFT: &str = "drift security: data_bucket (AWS::S3::Bucket lims-data) VersioningConfiguration.Status: Enabled -> Suspended";

/// The provider with the evidence store, reading the specification document from `spec.json`.
const PROVIDER: &str = r#"
terraform {
  required_providers {
    gxp = { source = "gxp/gxp" }
  }
}

provider "gxp" {
  s3_use_path_style = true
  evidence_store {
    s3_bucket = "gxp-evidence-store"
  }
}
"#;

/// A `check "qualified"` block around the data source, with `inputs` as its arguments.
fn check(inputs: &str) -> String {
    format!(
        r#"
check "qualified" {{
  data "gxp_requalification" "q" {{
    name = "lims-prod"
    {inputs}
  }}

  assert {{
    condition     = length(data.gxp_requalification.q.reasons) == 0
    error_message = "lims-prod needs requalification: ${{join("; ", data.gxp_requalification.q.reasons)}}"
  }}
}}
"#
    )
}

const FROM_FILE: &str = r#"spec_document = file("${path.module}/spec.json")"#;

/// A monitoring workspace: the provider and the check, the specification from a file.
fn monitor(emu: &Emulator, spec: &str) -> Workspace {
    let ws = Workspace::new(emu);
    ws.write("spec.json", spec);
    ws.write("main.tf", &format!("{PROVIDER}{}", check(FROM_FILE)));
    ws
}

/// The plans that evaluate a check block: `terraform plan` and the refresh-only plan a health
/// assessment runs. Both must succeed whatever the check says: a failed check is a warning.
struct Plans(Vec<TfRun>);

impl Plans {
    #[track_caller]
    fn assert_contains(&self, needle: &str) -> &Self {
        for run in &self.0 {
            run.assert_contains(needle);
        }
        self
    }

    #[track_caller]
    fn assert_not_contains(&self, needle: &str) -> &Self {
        for run in &self.0 {
            run.assert_not_contains(needle);
        }
        self
    }
}

/// `terraform plan` exits 0 (it plans to read the check's data source again at apply, so
/// with `-detailed-exitcode` it would exit 2 even for a passing check) and
/// `terraform plan -refresh-only -detailed-exitcode` exits 0: no change.
#[track_caller]
fn clean_plan(ws: &Workspace) -> Plans {
    let plan = ws.terraform(&["plan", "-input=false"]);
    assert_eq!(plan.status, 0, "{}", plan.combined());
    plan.assert_contains("0 to add, 0 to change, 0 to destroy");
    let assessment = ws.terraform(&[
        "plan",
        "-refresh-only",
        "-input=false",
        "-detailed-exitcode",
    ]);
    assert_eq!(assessment.status, 0, "{}", assessment.combined());
    Plans(vec![plan, assessment])
}

/// The data source's attributes, read outside a check block (`terraform apply` of outputs).
fn read_outside_a_check(emu: &Emulator, spec: &str, inputs: &str) -> (TfRun, Value) {
    let ws = Workspace::new(emu);
    ws.write("spec.json", spec);
    ws.write(
        "main.tf",
        &format!(
            r#"{PROVIDER}
data "gxp_requalification" "q" {{
  name = "lims-prod"
  {FROM_FILE}
  {inputs}
}}

output "q" {{
  value = data.gxp_requalification.q
}}
"#
        ),
    );
    let apply = ws.apply();
    if !apply.success() {
        return (apply, Value::Null);
    }
    let out = ws.terraform(&["output", "-json"]);
    out.assert_success();
    let json: Value = serde_json::from_str(&out.stdout).expect("output -json");
    (apply, json["q"]["value"].clone())
}

#[tokio::test(flavor = "multi_thread")]
async fn requalification_check_block_warns_on_drift_spec_change_and_no_report() {
    let emu = Emulator::start();
    let sdk = emu.sdk_config().await;
    protected_bucket(&sdk, EVIDENCE).await;
    data_bucket(&sdk, DATA).await;
    let ws = Workspace::new(&emu);
    ws.write("main.tf", &config("", "", S3_STORE));
    ws.terraform(&[
        "apply",
        "-input=false",
        "-auto-approve",
        "-target=gxp_expected_spec.s",
    ])
    .assert_success();
    let spec = ws.resource_values("gxp_expected_spec.s")["canonical_json"]
        .as_str()
        .expect("canonical_json")
        .to_string();

    // Nothing qualified yet: the check fails, it never passes.
    let mon = monitor(&emu, &spec);
    clean_plan(&mon)
        .assert_contains(FAILED)
        .assert_contains("lims-prod needs requalification: never qualified: no report of qualification `lims-prod` (application lims, environment prod) in s3://gxp-evidence-store/gxp-evidence/");
    let (_, never) = read_outside_a_check(&emu, &spec, "");
    assert_eq!(never["qualified"], false, "{never:#}");
    assert!(never["report_id"].is_null(), "{never:#}");

    // Qualified: the check passes, without a warning.
    ws.apply().assert_success();
    let q = ws.resource_values("gxp_qualification.q");
    assert_eq!(q["status"], "passed", "{q:#}");
    clean_plan(&mon)
        .assert_not_contains(FAILED)
        .assert_not_contains("needs requalification");
    let (_, held) = read_outside_a_check(&emu, &spec, "");
    assert_eq!(held["qualified"], true, "{held:#}");
    assert_eq!(held["reasons"], serde_json::json!([]), "{held:#}");
    assert_eq!(held["drift"], serde_json::json!([]), "{held:#}");
    for (out, state) in [
        ("report_id", "report_id"),
        ("report_location", "report_location"),
        ("report_sha256", "report_sha256"),
        ("report_sequence", "report_sequence"),
        ("report_status", "status"),
        ("report_finished_at", "qualified_at"),
    ] {
        assert_eq!(held[out], q[state], "{out}: {held:#}");
    }
    assert!(held["observed_at"].as_str().is_some_and(|t| !t.is_empty()));
    // The check beside the qualification, in its own configuration, passes too.
    ws.write(
        "check.tf",
        &check("spec_document = gxp_expected_spec.s.canonical_json"),
    );
    let plan = ws.terraform(&["plan", "-input=false"]);
    assert_eq!(plan.status, 0, "{}", plan.combined());
    plan.assert_contains("0 to add, 0 to change, 0 to destroy")
        .assert_not_contains(FAILED);

    // Drift: the monitoring plan warns with the reason, changes nothing and exits 0.
    set_versioning(&sdk, DATA, BucketVersioningStatus::Suspended).await;
    clean_plan(&mon)
        .assert_contains(FAILED)
        .assert_contains(&format!("lims-prod needs requalification: {DRIFT}"));
    let (_, drifted) = read_outside_a_check(&emu, &spec, "");
    assert_eq!(drifted["qualified"], false, "{drifted:#}");
    let reasons = drifted["reasons"].as_array().expect("reasons");
    assert!(
        reasons.contains(&Value::from(DRIFT))
            && reasons
                .iter()
                .all(|r| r.as_str().is_some_and(|r| r.starts_with("drift "))),
        "{drifted:#}"
    );
    // Beside the qualification the check is read at plan too (not deferred by the pending
    // requalification): the same warning, and the qualification's own reason.
    let plan = ws.plan();
    assert!(plan.plan_has_changes(), "{}", plan.combined());
    plan.assert_contains(FAILED)
        .assert_contains(&format!("lims-prod needs requalification: {DRIFT}"));
    // Drift of a class outside requalify_on is listed, but no reason.
    let (_, cosmetic_only) = read_outside_a_check(&emu, &spec, r#"requalify_on = ["cosmetic"]"#);
    assert_eq!(cosmetic_only["qualified"], true, "{cosmetic_only:#}");
    assert!(
        cosmetic_only["drift"]
            .as_array()
            .expect("drift")
            .iter()
            .any(|d| d
                .as_str()
                .is_some_and(|d| d.starts_with("security: data_bucket"))),
        "{cosmetic_only:#}"
    );

    // Reverted: qualified again.
    set_versioning(&sdk, DATA, BucketVersioningStatus::Enabled).await;
    clean_plan(&mon).assert_not_contains(FAILED);

    // Another specification than the qualified one is a reason.
    let mut changed: Value = serde_json::from_str(&spec).expect("canonical_json is JSON");
    changed["spec"]["version"] = Value::from("1.1");
    let changed = serde_json::to_string(&changed).unwrap();
    mon.write("spec.json", &changed);
    clean_plan(&mon)
        .assert_contains(FAILED)
        .assert_contains("lims-prod needs requalification: specification changed: digest");

    // Other stages than the qualified ones are a scope change.
    mon.write("spec.json", &spec);
    mon.write(
        "main.tf",
        &format!(
            "{PROVIDER}{}",
            check(&format!("{FROM_FILE}\n    stages = [\"IQ\"]"))
        ),
    );
    clean_plan(&mon).assert_contains("qualification scope changed: stages");

    // A store that cannot be read is an error, never an empty list of reasons: outside a
    // check block the read fails; inside one Terraform reports it as a warning of the check.
    let unreadable = "evidence_store {\n    s3_bucket = \"no-such-evidence-bucket\"\n  }";
    let (apply, _) = read_outside_a_check(&emu, &spec, unreadable);
    apply
        .assert_failure()
        .assert_contains("Cannot tell whether the qualification still holds");
    mon.write(
        "main.tf",
        &format!(
            "{PROVIDER}{}",
            check(&format!("{FROM_FILE}\n    {unreadable}"))
        ),
    );
    clean_plan(&mon)
        .assert_contains("Cannot tell whether the qualification still holds")
        .assert_not_contains("Check block assertion failed");
}
