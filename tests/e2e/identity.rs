//! Resource identity (plugin protocol 6.9+, Terraform 1.12 and later): `gxp_expected_spec`
//! is identified by its name, `gxp_qualification` by its name and the application and
//! environment of its reports. Run with a Terraform that has identities — the suite's own
//! when it is 1.12 or later, else the bundled Terraform 1.15.5 (`.tools/bin/terraform`);
//! import by id with the suite's Terraform (1.11 on these machines) is covered in
//! `spec.rs` and `qualification.rs`.

use serde_json::{json, Value};

use crate::harness::{identity_terraform, skipped, terraform_version, Emulator, Workspace};
use crate::qualification::{config, data_bucket, protected_bucket, DATA, EVIDENCE, S3_STORE};

const SPEC: &str = "gxp_expected_spec.s";
const QUAL: &str = "gxp_qualification.q";

/// The resource at `address` in `terraform show -json` (values, identity, ...).
fn resource(ws: &Workspace, address: &str) -> Value {
    let state = ws.show_json();
    state["values"]["root_module"]["resources"]
        .as_array()
        .and_then(|all| all.iter().find(|r| r["address"] == address))
        .cloned()
        .unwrap_or_else(|| panic!("no {address} in state: {state:#}"))
}

/// The `before` value of the change to `address` in a saved plan's JSON.
fn planned_before<'a>(plan: &'a Value, address: &str) -> &'a Value {
    plan["resource_changes"]
        .as_array()
        .and_then(|all| all.iter().find(|c| c["address"] == address))
        .map(|c| &c["change"]["before"])
        .unwrap_or_else(|| panic!("no change to {address}: {plan:#}"))
}

/// A workspace on a Terraform with identities, or `None` after a SKIPPED line.
fn identity_workspace(emu: &Emulator, test: &str) -> Option<Workspace> {
    let Some(terraform) = identity_terraform() else {
        skipped(
            test,
            "needs Terraform 1.12 or later (TF_ACC_TERRAFORM_PATH, terraform on PATH, or .tools/bin/terraform from `make tools`)",
        );
        return None;
    };
    let version = terraform_version(&terraform);
    eprintln!("{test}: {} ({version:?})", terraform.display());
    let mut ws = Workspace::new(emu);
    ws.set_terraform(terraform);
    Some(ws)
}

const IMPORT_BY_IDENTITY: &str = r#"
import {
  to       = gxp_expected_spec.s
  identity = { name = "lims-prod" }
}

import {
  to = gxp_qualification.q
  identity = {
    name        = "lims-prod"
    application = "lims"
    environment = "prod"
  }
}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn identity_import_ends_in_the_state_of_import_by_id_and_refresh_keeps_it() {
    const TEST: &str =
        "identity::identity_import_ends_in_the_state_of_import_by_id_and_refresh_keeps_it";
    let emu = Emulator::start();
    let Some(ws) = identity_workspace(&emu, TEST) else {
        return;
    };
    let sdk = emu.sdk_config().await;
    protected_bucket(&sdk, EVIDENCE).await;
    data_bucket(&sdk, DATA).await;
    ws.write("main.tf", &config("", "", S3_STORE));
    ws.apply().assert_success();

    let spec_identity = json!({ "name": "lims-prod" });
    let qual_identity =
        json!({ "name": "lims-prod", "application": "lims", "environment": "prod" });
    let applied_spec = resource(&ws, SPEC);
    let applied = resource(&ws, QUAL);
    assert_eq!(applied_spec["identity"], spec_identity, "{applied_spec:#}");
    assert_eq!(applied["identity"], qual_identity, "{applied:#}");
    assert_eq!(applied["values"]["status"], "passed");
    let location = applied["values"]["report_location"]
        .as_str()
        .expect("report_location")
        .to_string();

    // A refresh keeps both identities.
    ws.terraform(&["apply", "-refresh-only", "-auto-approve", "-input=false"])
        .assert_success();
    assert_eq!(resource(&ws, SPEC)["identity"], spec_identity);
    assert_eq!(resource(&ws, QUAL)["identity"], qual_identity);

    // Import by id on this Terraform: the identity is the report's qualification's.
    ws.terraform(&["state", "rm", QUAL]).assert_success();
    ws.import(QUAL, &location).assert_success();
    let by_id = resource(&ws, QUAL);
    assert_eq!(by_id["identity"], qual_identity, "{by_id:#}");
    assert_eq!(by_id["values"]["report_location"], location.as_str());

    // Import by identity: the latest report of the chain, the same state as import by id.
    ws.terraform(&["state", "rm", QUAL, SPEC]).assert_success();
    ws.write("import.tf", IMPORT_BY_IDENTITY);
    let plan = ws.plan_json();
    assert_eq!(
        planned_before(&plan, QUAL),
        &by_id["values"],
        "import by identity and import by id give the same state"
    );
    let spec_before = planned_before(&plan, SPEC);
    assert_eq!(spec_before["name"], "lims-prod", "{spec_before:#}");
    assert_eq!(spec_before["revision"], 1, "{spec_before:#}");
    ws.terraform(&["apply", "-input=false", "tfplan"])
        .assert_success();

    let spec = resource(&ws, SPEC);
    let qual = resource(&ws, QUAL);
    assert_eq!(spec["identity"], spec_identity, "{spec:#}");
    assert_eq!(qual["identity"], qual_identity, "{qual:#}");
    assert_eq!(
        spec["values"], applied_spec["values"],
        "the imported spec plans back to the applied one"
    );
    for attribute in [
        "report_location",
        "report_sha256",
        "report_sequence",
        "status",
        "results",
        "spec_digest",
        "qualified_spec_digest",
    ] {
        assert_eq!(
            qual["values"][attribute], applied["values"][attribute],
            "{attribute}: no new run after import by identity"
        );
    }
    ws.assert_plan_empty();
    // Refreshed again, the identities do not move.
    ws.terraform(&["apply", "-refresh-only", "-auto-approve", "-input=false"])
        .assert_success();
    assert_eq!(resource(&ws, SPEC)["identity"], spec_identity);
    assert_eq!(resource(&ws, QUAL)["identity"], qual_identity);
    ws.assert_plan_empty();

    // An identity whose chain has no report is refused, naming the store.
    ws.write(
        "other.tf",
        r#"
resource "gxp_qualification" "other" {
  name          = "lims-prod-pq"
  spec_id       = gxp_expected_spec.s.id
  spec_digest   = gxp_expected_spec.s.digest
  spec_document = gxp_expected_spec.s.canonical_json
}

import {
  to = gxp_qualification.other
  identity = {
    name        = "lims-prod-pq"
    application = "lims"
    environment = "prod"
  }
}
"#,
    );
    ws.plan()
        .assert_failure()
        .assert_contains("Cannot import the qualification")
        .assert_contains(
            "holds no report of the qualification with name `lims-prod-pq`, application `lims`, environment `prod`",
        );
}
