//! End-to-end scenarios of `gxp_expected_spec`: real Terraform runs of the provider
//! binary (configured against moto) creating, updating, importing, replacing and
//! rejecting specifications.

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::harness::{Emulator, TfRun, Workspace};

/// Address of the specification in every configuration of this module.
const ADDR: &str = "gxp_expected_spec.x";

/// `terraform` and `provider` blocks shared by every configuration.
const HEADER: &str = r#"terraform {
  required_providers {
    gxp = { source = "gxp/gxp" }
  }
}

provider "gxp" {
  s3_use_path_style = true
}
"#;

/// The approved template whose SHA-256 the stack expectation holds.
const TEMPLATE_BODY: &str = r#"{"Resources":{"EvidenceBucket":{"Type":"AWS::S3::Bucket"}}}"#;

/// A complete specification: system, approval, two requirements, two expected
/// resources, one expected stack, one suppression.
fn full_spec(name: &str, version: &str) -> String {
    format!(
        r#"{HEADER}
resource "gxp_expected_spec" "x" {{
  name        = "{name}"
  version     = "{version}"
  description = "LIMS production infrastructure"

  system {{
    application_id = "lims"
    environment    = "prod"
    gamp_category  = 1
    risk_class     = "high"
  }}

  approval {{
    approved_by      = "qa@example.com"
    approved_at      = "2026-01-15"
    change_reference = "CR-2026-001"
    reason           = "Initial release"
  }}

  requirement {{
    id       = "URS-001"
    text     = "Audit records are retained and protected."
    controls = ["21CFR11.10(e)", "Annex11-9"]
    severity = "security"
  }}

  requirement {{
    id       = "URS-002"
    text     = "Stored data is encrypted at rest."
    controls = ["21CFR11.10(c)"]
  }}

  expected_resource {{
    key        = "evidence-bucket"
    type       = "AWS::S3::Bucket"
    identifier = "lims-evidence"
    checks     = ["s3.encryption", "s3.object_lock", "s3.versioning"]
    properties = jsonencode({{
      VersioningConfiguration = {{ Status = "Enabled" }}
      ObjectLockEnabled       = "Enabled"
    }})
    check_parameters = {{
      "s3.object_lock.mode"               = "COMPLIANCE"
      "s3.object_lock.min_retention_days" = "365"
    }}
    requirements = ["URS-001", "URS-002"]
  }}

  expected_resource {{
    key              = "audit-logs"
    type             = "AWS::Logs::LogGroup"
    identifier       = "arn:aws:logs:us-east-1:123456789012:log-group:/lims/audit"
    checks           = ["logs.retention"]
    check_parameters = {{ "logs.retention.min_days" = "365" }}
    requirements     = ["URS-001"]
  }}

  expected_stack {{
    name          = "lims-core"
    template_body = {template}
    outputs       = {{ BucketName = "lims-evidence" }}
    parameters    = {{ Environment = "prod" }}
    resources     = {{ EvidenceBucket = "AWS::S3::Bucket" }}
    requirements  = ["URS-002"]
  }}

  suppression {{
    check        = "s3.versioning"
    resource_key = "evidence-bucket"
    reason       = "Versioning is enforced through Object Lock."
    approved_by  = "qa-lead@example.com"
    expires      = "2027-01-01"
  }}
}}
"#,
        template = hcl_string(TEMPLATE_BODY),
    )
}

/// The same specification as [`full_spec`] written differently: blocks, attributes,
/// list elements and JSON object members in another order, `properties` as a
/// hand-written JSON string instead of `jsonencode`.
fn full_spec_reordered(name: &str, version: &str) -> String {
    format!(
        r#"{HEADER}
resource "gxp_expected_spec" "x" {{
  suppression {{
    expires      = "2027-01-01"
    approved_by  = "qa-lead@example.com"
    reason       = "Versioning is enforced through Object Lock."
    resource_key = "evidence-bucket"
    check        = "s3.versioning"
  }}

  expected_stack {{
    requirements  = ["URS-002"]
    resources     = {{ EvidenceBucket = "AWS::S3::Bucket" }}
    parameters    = {{ Environment = "prod" }}
    outputs       = {{ BucketName = "lims-evidence" }}
    template_body = {template}
    name          = "lims-core"
  }}

  expected_resource {{
    requirements     = ["URS-001"]
    check_parameters = {{ "logs.retention.min_days" = "365" }}
    checks           = ["logs.retention"]
    identifier       = "arn:aws:logs:us-east-1:123456789012:log-group:/lims/audit"
    type             = "AWS::Logs::LogGroup"
    key              = "audit-logs"
  }}

  requirement {{
    severity = "security"
    controls = ["Annex11-9", "21CFR11.10(e)"]
    text     = "Audit records are retained and protected."
    id       = "URS-001"
  }}

  expected_resource {{
    requirements = ["URS-002", "URS-001"]
    check_parameters = {{
      "s3.object_lock.min_retention_days" = "365"
      "s3.object_lock.mode"               = "COMPLIANCE"
    }}
    properties = <<-JSON
      {{ "ObjectLockEnabled" : "Enabled",
         "VersioningConfiguration" : {{ "Status" : "Enabled" }} }}
    JSON
    checks     = ["s3.versioning", "s3.encryption", "s3.object_lock"]
    identifier = "lims-evidence"
    type       = "AWS::S3::Bucket"
    key        = "evidence-bucket"
  }}

  requirement {{
    controls = ["21CFR11.10(c)"]
    text     = "Stored data is encrypted at rest."
    id       = "URS-002"
  }}

  approval {{
    reason           = "Initial release"
    change_reference = "CR-2026-001"
    approved_at      = "2026-01-15"
    approved_by      = "qa@example.com"
  }}

  system {{
    risk_class     = "high"
    gamp_category  = 1
    environment    = "prod"
    application_id = "lims"
  }}

  description = "LIMS production infrastructure"
  version     = "{version}"
  name        = "{name}"
}}
"#,
        template = hcl_string(TEMPLATE_BODY),
    )
}

/// `text` as an HCL double-quoted string literal.
fn hcl_string(text: &str) -> String {
    serde_json::to_string(text)
        .expect("string to JSON")
        .replace("${", "$${")
        .replace("%{", "%%{")
}

/// Lowercase hex SHA-256 of `bytes`.
fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A started emulator and a workspace whose `main.tf` is `config`.
fn workspace_with(config: &str) -> (Emulator, Workspace) {
    let emulator = Emulator::start();
    let ws = Workspace::new(&emulator);
    ws.write("main.tf", config);
    (emulator, ws)
}

/// A string attribute of resource `values`; panics naming it when absent.
#[track_caller]
fn text<'a>(values: &'a Value, attribute: &str) -> &'a str {
    values
        .get(attribute)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no string `{attribute}` in {values:#}"))
}

/// The `revision` attribute of resource `values`.
#[track_caller]
fn revision(values: &Value) -> i64 {
    values
        .get("revision")
        .and_then(Value::as_i64)
        .unwrap_or_else(|| panic!("no integer `revision` in {values:#}"))
}

/// Asserts the computed attributes of an applied specification are consistent:
/// digest = SHA-256 of canonical_json, canonical format prefix, id = name.
#[track_caller]
fn assert_consistent(values: &Value, name: &str) {
    assert_eq!(text(values, "id"), name, "{values:#}");
    assert_eq!(text(values, "name"), name, "{values:#}");
    let digest = text(values, "digest");
    assert!(
        digest.len() == 64
            && digest
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "digest {digest:?} is not 64 lowercase hex digits"
    );
    let canonical = text(values, "canonical_json");
    assert!(
        canonical.starts_with(r#"{"format":"gxp.spec/v1""#),
        "canonical_json starts with {:?}",
        &canonical[..canonical.len().min(60)]
    );
    assert_eq!(
        sha256_hex(canonical.as_bytes()),
        digest,
        "digest is not the SHA-256 of canonical_json"
    );
}

/// The single entry of `resource_changes` of a plan (as `terraform show -json`).
#[track_caller]
fn only_change(plan: &Value) -> &Value {
    let changes = plan
        .get("resource_changes")
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("no resource_changes in {plan:#}"));
    assert_eq!(changes.len(), 1, "{plan:#}");
    assert_eq!(changes[0]["address"], ADDR, "{plan:#}");
    &changes[0]["change"]
}

/// The actions of a planned change, e.g. `["update"]`.
fn actions(change: &Value) -> Vec<&str> {
    change["actions"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn spec_create_computes_digest_revision_and_canonical_form() {
    let (_emulator, ws) = workspace_with(&full_spec("lims-prod", "1.0"));
    ws.apply().assert_success();

    let values = ws.resource_values(ADDR);
    assert_consistent(&values, "lims-prod");
    assert_eq!(revision(&values), 1, "{values:#}");

    // The canonical form carries the whole specification, in canonical order.
    let canonical: Value =
        serde_json::from_str(text(&values, "canonical_json")).expect("canonical_json is JSON");
    let spec = &canonical["spec"];
    assert_eq!(canonical["format"], "gxp.spec/v1");
    assert_eq!(spec["name"], "lims-prod");
    assert_eq!(spec["version"], "1.0");
    assert_eq!(spec["system"]["gamp_category"], 1);
    assert_eq!(spec["approval"]["change_reference"], "CR-2026-001");
    let ids: Vec<&str> = spec["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(ids, ["URS-001", "URS-002"]);
    assert_eq!(spec["requirements"][1]["severity"], "functional");
    let keys: Vec<&str> = spec["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .filter_map(|r| r["key"].as_str())
        .collect();
    assert_eq!(keys, ["audit-logs", "evidence-bucket"]);
    let bucket = &spec["resources"][1];
    assert_eq!(
        bucket["properties"]["VersioningConfiguration"]["Status"],
        "Enabled"
    );
    assert_eq!(
        bucket["check_parameters"]["s3.object_lock.mode"],
        "COMPLIANCE"
    );
    let stack = &spec["stacks"][0];
    assert_eq!(
        stack["template_sha256"],
        sha256_hex(TEMPLATE_BODY.as_bytes()).as_str()
    );
    assert!(stack.get("template_body").is_none(), "{stack:#}");
    assert_eq!(stack["outputs"]["BucketName"], "lims-evidence");
    assert_eq!(stack["parameters"]["Environment"], "prod");
    assert_eq!(stack["resources"]["EvidenceBucket"], "AWS::S3::Bucket");
    assert_eq!(spec["suppressions"][0]["check"], "s3.versioning");
    assert_eq!(
        spec["suppressions"][0]["reason"],
        "Versioning is enforced through Object Lock."
    );

    ws.assert_plan_empty();
}

#[test]
fn spec_digest_is_independent_of_block_and_attribute_order() {
    let (emulator, first) = workspace_with(&full_spec("lims-prod", "1.0"));
    let second = Workspace::new(&emulator);
    second.write("main.tf", &full_spec_reordered("lims-prod", "1.0"));

    first.apply().assert_success();
    second.apply().assert_success();
    let a = first.resource_values(ADDR);
    let b = second.resource_values(ADDR);
    assert_consistent(&a, "lims-prod");
    assert_consistent(&b, "lims-prod");
    assert_eq!(text(&a, "digest"), text(&b, "digest"));
    assert_eq!(text(&a, "canonical_json"), text(&b, "canonical_json"));

    // A different specification has a different digest.
    let third = Workspace::new(&emulator);
    third.write("main.tf", &full_spec_reordered("lims-prod", "1.1"));
    let planned = third.plan_json();
    let after = &only_change(&planned)["after"];
    assert_ne!(text(after, "digest"), text(&a, "digest"));

    first.assert_plan_empty();
    second.assert_plan_empty();
}

#[test]
fn spec_update_increments_revision_only_when_the_digest_changes() {
    let (_emulator, ws) = workspace_with(&full_spec("lims-prod", "1.0"));
    ws.apply().assert_success();
    let v1 = ws.resource_values(ADDR);
    let digest1 = text(&v1, "digest").to_string();
    assert_eq!(revision(&v1), 1);

    // A new version: the plan shows the digest changing and the revision going up.
    ws.write("main.tf", &full_spec("lims-prod", "1.1"));
    let plan = ws.plan();
    assert!(plan.plan_has_changes(), "{}", plan.report());
    plan.assert_contains(r#"version = "1.0" -> "1.1""#)
        .assert_contains(&format!(r#"digest = "{digest1}" -> "#))
        .assert_contains("revision = 1 -> 2");
    let planned = ws.plan_json();
    let change = only_change(&planned);
    assert_eq!(actions(change), ["update"], "{change:#}");
    assert_eq!(revision(&change["before"]), 1);
    assert_eq!(revision(&change["after"]), 2);
    let digest2 = text(&change["after"], "digest").to_string();
    assert_ne!(digest2, digest1);
    assert_eq!(text(&change["before"], "digest"), digest1);
    plan.assert_contains(&format!(r#"digest = "{digest1}" -> "{digest2}""#));

    ws.apply().assert_success();
    let v2 = ws.resource_values(ADDR);
    assert_consistent(&v2, "lims-prod");
    assert_eq!(revision(&v2), 2);
    assert_eq!(text(&v2, "digest"), digest2);
    ws.assert_plan_empty();

    // Rewriting the configuration without changing the specification (attribute
    // and list order, hand-written JSON) changes no digest and no revision.
    // Reordered *blocks* are a change of the configuration's block lists, so
    // Terraform plans an in-place update of the blocks; the digest and revision
    // stay as they are.
    ws.write("main.tf", &full_spec_reordered("lims-prod", "1.1"));
    let planned = ws.plan_json();
    let change = only_change(&planned);
    assert_eq!(text(&change["after"], "digest"), digest2, "{change:#}");
    assert_eq!(revision(&change["after"]), 2, "{change:#}");
    let plan = ws.plan();
    plan.assert_not_contains("revision")
        .assert_not_contains("digest");
    ws.apply().assert_success();
    let v3 = ws.resource_values(ADDR);
    assert_eq!(text(&v3, "digest"), digest2);
    assert_eq!(revision(&v3), 2);
    ws.assert_plan_empty();
}

#[test]
fn spec_import_by_name_then_apply_keeps_revision() {
    let (_emulator, ws) = workspace_with(&full_spec("lims-prod", "1.0"));

    // A name with a space is not a specification name.
    ws.import(ADDR, "lims prod")
        .assert_failure()
        .assert_contains("Error: Invalid import id")
        .assert_contains("`lims prod` is not a valid name");
    let listed = ws.terraform(&["state", "list"]);
    assert!(
        !listed.stdout.contains(ADDR),
        "failed import left state:\n{}",
        listed.report()
    );

    ws.import(ADDR, "lims-prod")
        .assert_success()
        .assert_contains("Import successful");
    let imported = ws.resource_values(ADDR);
    assert_eq!(text(&imported, "id"), "lims-prod");
    assert_eq!(text(&imported, "name"), "lims-prod");
    assert_eq!(revision(&imported), 1);

    ws.apply().assert_success();
    let applied = ws.resource_values(ADDR);
    assert_consistent(&applied, "lims-prod");
    assert_eq!(revision(&applied), 1, "{applied:#}");
    ws.assert_plan_empty();
}

#[test]
fn spec_name_change_plans_a_replacement() {
    let (_emulator, ws) = workspace_with(&full_spec("lims-prod", "1.0"));
    ws.apply().assert_success();

    ws.write("main.tf", &full_spec("lims-prod-v2", "1.0"));
    let plan = ws.plan();
    assert!(plan.plan_has_changes(), "{}", plan.report());
    plan.assert_contains("must be replaced")
        .assert_contains("# forces replacement")
        .assert_contains("1 to add, 0 to change, 1 to destroy");
    let planned = ws.plan_json();
    let mut acts = actions(only_change(&planned));
    acts.sort_unstable();
    assert_eq!(acts, ["create", "delete"]);

    ws.apply().assert_success();
    let values = ws.resource_values(ADDR);
    assert_consistent(&values, "lims-prod-v2");
    assert_eq!(revision(&values), 1, "a new specification starts at 1");
    ws.assert_plan_empty();
}

/// Parts of a small valid specification that invalid-input cases modify.
struct SpecParts {
    /// The `approved_at` line of the approval block.
    approved_at: &'static str,
    requirements: Vec<&'static str>,
    resources: Vec<&'static str>,
    stacks: Vec<&'static str>,
    suppressions: Vec<&'static str>,
}

const REQUIREMENT_1: &str = r#"requirement {
    id       = "URS-001"
    text     = "Audit records are retained."
    controls = ["21CFR11.10(e)"]
  }"#;

const BUCKET: &str = r#"expected_resource {
    key          = "bucket"
    type         = "AWS::S3::Bucket"
    identifier   = "lims-evidence"
    checks       = ["s3.versioning"]
    requirements = ["URS-001"]
  }"#;

impl Default for SpecParts {
    fn default() -> Self {
        SpecParts {
            approved_at: r#"approved_at      = "2026-01-15""#,
            requirements: vec![REQUIREMENT_1],
            resources: vec![BUCKET],
            stacks: vec![],
            suppressions: vec![],
        }
    }
}

impl SpecParts {
    fn render(&self) -> String {
        let blocks: Vec<String> = [
            &self.requirements,
            &self.resources,
            &self.stacks,
            &self.suppressions,
        ]
        .into_iter()
        .flatten()
        .map(|b| format!("  {b}\n"))
        .collect();
        format!(
            r#"{HEADER}
resource "gxp_expected_spec" "x" {{
  name    = "lims-prod"
  version = "1.0"

  system {{
    application_id = "lims"
    environment    = "prod"
  }}

  approval {{
    approved_by      = "qa@example.com"
    {approved_at}
    change_reference = "CR-2026-001"
  }}

{blocks}}}
"#,
            approved_at = self.approved_at,
            blocks = blocks.join("\n"),
        )
    }
}

/// One invalid input: how to break the specification, the diagnostic summary
/// and the attribute whose line the diagnostic must show (marked `# HERE`).
struct InvalidCase {
    name: &'static str,
    edit: fn(&mut SpecParts),
    summary: &'static str,
    attribute: &'static str,
}

const INVALID_CASES: &[InvalidCase] = &[
    InvalidCase {
        name: "duplicate requirement id",
        edit: |p| {
            p.requirements.push(
                r#"requirement {
    id   = "URS-001" # HERE
    text = "Defined twice."
  }"#,
            )
        },
        summary: "Duplicate requirement id",
        attribute: "id",
    },
    InvalidCase {
        name: "duplicate resource key",
        edit: |p| {
            p.resources.push(
                r#"expected_resource {
    key        = "bucket" # HERE
    type       = "AWS::S3::Bucket"
    identifier = "other-bucket"
  }"#,
            )
        },
        summary: "Duplicate resource key",
        attribute: "key",
    },
    InvalidCase {
        name: "expectation tracing to an undefined requirement",
        edit: |p| {
            p.resources[0] = r#"expected_resource {
    key          = "bucket"
    type         = "AWS::S3::Bucket"
    identifier   = "lims-evidence"
    requirements = ["URS-001", "URS-404"] # HERE
  }"#
        },
        summary: "Expectation traces to an undefined requirement",
        attribute: "requirements",
    },
    InvalidCase {
        name: "unknown check id",
        edit: |p| {
            p.resources[0] = r#"expected_resource {
    key        = "bucket"
    type       = "AWS::S3::Bucket"
    identifier = "lims-evidence"
    checks     = ["s3.versioning", "s3.teleportation"] # HERE
  }"#
        },
        summary: "Unknown check id",
        attribute: "checks",
    },
    InvalidCase {
        name: "malformed type",
        edit: |p| {
            p.resources[0] = r#"expected_resource {
    key        = "bucket"
    type       = "AWS::S3" # HERE
    identifier = "lims-evidence"
  }"#
        },
        summary: "Malformed resource type",
        attribute: "type",
    },
    InvalidCase {
        name: "malformed ARN",
        edit: |p| {
            p.resources[0] = r#"expected_resource {
    key        = "bucket"
    type       = "AWS::S3::Bucket"
    identifier = "arn:aws:s3:lims-evidence" # HERE
  }"#
        },
        summary: "Malformed ARN",
        attribute: "identifier",
    },
    InvalidCase {
        name: "suppression without a reason",
        edit: |p| {
            p.suppressions.push(
                r#"suppression {
    check        = "s3.versioning"
    resource_key = "bucket"
    reason       = "  " # HERE
    approved_by  = "qa-lead@example.com"
  }"#,
            )
        },
        summary: "Suppression without a reason",
        attribute: "reason",
    },
    InvalidCase {
        name: "approval dated in the future",
        edit: |p| p.approved_at = r#"approved_at      = "2999-01-01" # HERE"#,
        summary: "Approval dated in the future",
        attribute: "approved_at",
    },
    InvalidCase {
        name: "unknown control reference",
        edit: |p| {
            p.requirements[0] = r#"requirement {
    id       = "URS-001"
    text     = "Audit records are retained."
    controls = ["21CFR11.10(e)", "SOX-404"] # HERE
  }"#
        },
        summary: "Unknown regulatory control reference",
        attribute: "controls",
    },
    InvalidCase {
        name: "invalid JSON properties",
        edit: |p| {
            p.resources[0] = r#"expected_resource {
    key        = "bucket"
    type       = "AWS::S3::Bucket"
    identifier = "lims-evidence"
    properties = "{\"VersioningConfiguration\": " # HERE
  }"#
        },
        summary: "Invalid expected properties",
        attribute: "properties",
    },
    InvalidCase {
        name: "template_sha256 and template_body together",
        edit: |p| {
            p.stacks.push(
                r#"expected_stack {
    name            = "lims-core"
    template_sha256 = "0000000000000000000000000000000000000000000000000000000000000000"
    template_body   = "{}" # HERE
  }"#,
            )
        },
        summary: "Conflicting template expectations",
        attribute: "template_body",
    },
    InvalidCase {
        name: "empty identifier",
        edit: |p| {
            p.resources[0] = r#"expected_resource {
    key        = "bucket"
    type       = "AWS::S3::Bucket"
    identifier = "" # HERE
  }"#
        },
        summary: "Empty identifier",
        attribute: "identifier",
    },
    InvalidCase {
        name: "retention days with a unit",
        edit: |p| {
            p.resources[0] = r#"expected_resource {
    key              = "bucket"
    type             = "AWS::S3::Bucket"
    identifier       = "lims-evidence"
    checks           = ["s3.object_lock"]
    check_parameters = { "s3.object_lock.min_retention_days" = "2555d" } # HERE
  }"#
        },
        summary: "Invalid check parameter value",
        attribute: "check_parameters",
    },
    InvalidCase {
        name: "log retention days that are not a number",
        edit: |p| {
            p.resources[0] = r#"expected_resource {
    key              = "logs"
    type             = "AWS::Logs::LogGroup"
    identifier       = "/gxp/lims"
    checks           = ["logs.retention"]
    check_parameters = { "logs.retention.min_days" = "abc" } # HERE
  }"#
        },
        summary: "Invalid check parameter value",
        attribute: "check_parameters",
    },
];

/// Asserts `run` failed with exactly one error, `summary`, reported on the
/// specification at the line of `config` marked `# HERE`, which sets `attribute`.
#[track_caller]
fn assert_single_diagnostic_at(run: &TfRun, config: &str, summary: &str, attribute: &str) {
    run.assert_failure();
    let output = run.combined();
    let errors = output.matches("Error: ").count();
    assert_eq!(errors, 1, "expected exactly one error:\n{}", run.report());
    run.assert_contains(&format!("Error: {summary}"))
        .assert_contains(&format!("with {ADDR},"));
    let marked = config
        .lines()
        .position(|l| l.contains("# HERE"))
        .map(|i| i + 1)
        .expect("the case marks its offending line with # HERE");
    let marked_line = config.lines().nth(marked - 1).unwrap_or_default();
    assert!(
        marked_line.trim_start().starts_with(attribute),
        "marked line {marked_line:?} does not set {attribute}"
    );
    assert!(
        output.contains(&format!("on main.tf line {marked},")),
        "diagnostic does not point at main.tf line {marked} ({marked_line:?}):\n{}",
        run.report()
    );
    let shown = output
        .lines()
        .find_map(|l| l.trim_start().strip_prefix(&format!("{marked}:")))
        .unwrap_or_else(|| panic!("source line {marked} not shown:\n{}", run.report()));
    assert!(
        shown.trim_start().starts_with(attribute),
        "shown source line {shown:?} does not set {attribute}"
    );
}

#[test]
fn spec_invalid_inputs_each_get_their_own_diagnostic() {
    let emulator = Emulator::start();
    let ws = Workspace::new(&emulator);

    // The unmodified parts are valid: every failure below comes from its edit.
    ws.write("main.tf", &SpecParts::default().render());
    ws.validate().assert_success();

    for case in INVALID_CASES {
        let mut parts = SpecParts::default();
        (case.edit)(&mut parts);
        let config = parts.render();
        ws.write("main.tf", &config);
        let run = ws.validate();
        eprintln!("case: {}", case.name);
        assert_single_diagnostic_at(&run, &config, case.summary, case.attribute);
    }
}

#[test]
fn spec_unparsable_check_parameters_are_plan_time_diagnostics_naming_the_form() {
    let emulator = Emulator::start();
    let ws = Workspace::new(&emulator);
    for (resource, key, value, form) in [
        (
            r#"expected_resource {
    key              = "bucket"
    type             = "AWS::S3::Bucket"
    identifier       = "lims-evidence"
    checks           = ["s3.object_lock"]
    check_parameters = { "s3.object_lock.min_retention_days" = "2555d" }
  }"#,
            "s3.object_lock.min_retention_days",
            "2555d",
            "expected a whole number of days from 1 to 36500",
        ),
        (
            r#"expected_resource {
    key              = "logs"
    type             = "AWS::Logs::LogGroup"
    identifier       = "/gxp/lims"
    checks           = ["logs.retention"]
    check_parameters = { "logs.retention.min_days" = "abc" }
  }"#,
            "logs.retention.min_days",
            "abc",
            "expected a whole number of days from 1 to 3653",
        ),
    ] {
        let parts = SpecParts {
            resources: vec![resource],
            ..Default::default()
        };
        ws.write("main.tf", &parts.render());
        let run = ws.plan();
        run.assert_failure()
            .assert_contains("Error: Invalid check parameter value")
            .assert_contains(&format!("`{value}` is not a valid value for `{key}`"))
            .assert_contains(form)
            .assert_contains(&format!("with {ADDR},"));
        assert_eq!(
            run.combined().matches("Error: ").count(),
            1,
            "{}",
            run.report()
        );
        assert!(
            !ws.path().join("terraform.tfstate").exists()
                || !std::fs::read_to_string(ws.path().join("terraform.tfstate"))
                    .unwrap()
                    .contains("gxp_expected_spec"),
            "nothing is created"
        );
    }
}
