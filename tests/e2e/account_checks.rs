//! End-to-end tests of the account checks of S3 Control, CloudTrail, EC2, GuardDuty,
//! Security Hub and Organizations ([`fixtures::account::CHECKS`]):
//!
//! - `account_checks_pass_on_a_hardened_account_then_fail_each_weakened_check`: one
//!   `expected_account` qualification applied by real Terraform on an account hardened
//!   through the SDK, then on the account with every setting weakened;
//! - `account_checks_collector_each_weakening_fails_only_its_own_check`: the account
//!   collector on the hardened account, weakened one setting at a time (no Terraform).
//!
//! Where the emulator cannot answer a check ([`fixtures::account::unanswered`]: moto's
//! Security Hub GetEnabledStandards, LocalStack's missing services) the check is asserted
//! `error`, never `passed`; those branches pass and fail on recorded answers in the facets'
//! fake-endpoint tests (`gxp-core observe::{s3,ec2,guardduty,securityhub,organizations,
//! cloudtrail}`).

use std::collections::BTreeMap;

use gxp_core::aws::AwsContext;
use gxp_core::checks::{evaluate_id, Status};
use gxp_core::observe::account;
use gxp_core::spec::model::ExpectedAccount;
use serde_json::Value;

use crate::fixtures;
use crate::fixtures::account::{unanswered, CHECKS};
use crate::harness::{Backend, Emulator, Workspace};
use crate::qualification::{protected_bucket, EVIDENCE};

fn config() -> String {
    let checks: Vec<String> = CHECKS.iter().map(|c| format!("{c:?}")).collect();
    format!(
        r#"
terraform {{
  required_providers {{
    gxp = {{ source = "gxp/gxp" }}
  }}
}}

provider "gxp" {{
  s3_use_path_style = true
  max_retries       = 1
}}

resource "gxp_expected_spec" "s" {{
  name    = "account-checks"
  version = "1.0"
  system {{
    application_id = "landing-zone"
    environment    = "test"
    gamp_category  = 1
  }}
  approval {{
    approved_by      = "qa.lead@example.com"
    approved_at      = "2026-01-01"
    change_reference = "CR-2026-001"
  }}
  requirement {{
    id       = "ACC-001"
    text     = "Account defaults protect data and threats are detected"
    controls = ["21CFR11.10(c)", "Annex11-12"]
    severity = "security"
  }}
  expected_account {{
    checks       = [{}]
    requirements = ["ACC-001"]
  }}
}}

resource "gxp_qualification" "q" {{
  name          = "account-checks"
  spec_id       = gxp_expected_spec.s.id
  spec_digest   = gxp_expected_spec.s.digest
  spec_document = gxp_expected_spec.s.canonical_json
  # The assertions read passed results from state too.
  results_in_state = "all"
  evidence_store {{
    s3_bucket = "{EVIDENCE}"
  }}
}}
"#,
        checks.join(", ")
    )
}

/// `check_id` → statuses of the account target's results.
fn statuses(q: &Value) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in q["results"].as_object().expect("results map").values() {
        if r["target"] == "account" {
            out.entry(r["check_id"].as_str().unwrap_or_default().to_string())
                .or_default()
                .push(r["status"].as_str().unwrap_or_default().to_string());
        }
    }
    out
}

/// What `check` gives on the emulator for an account whose settings are `compliant`.
fn expected(backend: Backend, check: &str, compliant: bool) -> Status {
    match (unanswered(backend, check, compliant), compliant) {
        (Some(_), _) => Status::Error,
        (None, true) => Status::Passed,
        (None, false) => Status::Failed,
    }
}

/// The emulator only: the fixtures change account-wide settings (they delete the
/// organization), which a test must not do to a real account.
fn emulator_or_skip() -> Option<Emulator> {
    let emu = Emulator::start();
    if emu.backend() == Backend::Aws {
        crate::harness::skipped(
            &crate::harness::current_test(),
            "changes account-wide settings (organization, GuardDuty, Security Hub): emulators only",
        );
        return None;
    }
    Some(emu)
}

/// Assert the applied qualification's account results and diagnostics.
fn assert_applied(run: &crate::harness::TfRun, q: &Value, backend: Backend, compliant: bool) {
    let got = statuses(q);
    let mut errors = Vec::new();
    for check in CHECKS {
        let want = expected(backend, check, compliant);
        assert_eq!(
            got.get(*check).map(Vec::as_slice),
            Some(&[want.as_str().to_string()][..]),
            "{check} on {backend:?} (compliant: {compliant}): {q:#}"
        );
        match want {
            Status::Failed => {
                run.assert_contains(&format!("Qualification check failed: {check} on account"));
            }
            Status::Error => {
                errors.push(*check);
                run.assert_contains(&format!(
                    "Qualification check could not be evaluated: {check} on account"
                ));
            }
            _ => {}
        }
    }
    if compliant {
        run.assert_not_contains("Qualification check failed");
        if errors.is_empty() {
            run.assert_success();
        } else {
            run.assert_failure();
        }
    } else {
        run.assert_failure();
    }
    for check in &errors {
        eprintln!(
            "NOTE: {}: {check} is error on {backend:?}: {}",
            crate::harness::current_test(),
            unanswered(backend, check, compliant).unwrap_or_default()
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn account_checks_pass_on_a_hardened_account_then_fail_each_weakened_check() {
    let Some(emu) = emulator_or_skip() else {
        return;
    };
    let sdk = emu.sdk_config().await;
    protected_bucket(&sdk, EVIDENCE).await;
    let mut f = fixtures::account::harden(&emu, &sdk, "acct-mgmt-trail").await;

    let ws = Workspace::new(&emu);
    ws.write("main.tf", &config());
    let run = ws.apply();
    let q = ws.resource_values("gxp_qualification.q");
    assert_applied(&run, &q, emu.backend(), true);

    for check in CHECKS {
        fixtures::account::set(&sdk, &mut f, check, false).await;
    }
    let run = ws.apply();
    let q = ws.resource_values("gxp_qualification.q");
    assert_applied(&run, &q, emu.backend(), false);
    assert_eq!(q["status"], "failed", "{q:#}");
}

/// The account collector and the six checks on the hardened account, then with one setting
/// weakened at a time: each weakening fails exactly its own check.
#[tokio::test(flavor = "multi_thread")]
async fn account_checks_collector_each_weakening_fails_only_its_own_check() {
    let Some(emu) = emulator_or_skip() else {
        return;
    };
    let sdk = emu.sdk_config().await;
    let mut f = fixtures::account::harden(&emu, &sdk, "acct-collect-trail").await;
    let mut aws = AwsContext::from_sdk_config(sdk.clone(), emu.s3_path_style());
    aws.identity.account = Some(f.account.clone());
    let expected_account = ExpectedAccount {
        checks: CHECKS.iter().map(|c| c.to_string()).collect(),
        ..Default::default()
    };
    let (target, _) = account::target(&expected_account, Ok(f.account.clone()), &emu.region);
    let backend = emu.backend();
    let outcomes = |aws: AwsContext, target: gxp_core::observe::Target| async move {
        let obs = account::collect(&aws, &target).await;
        CHECKS
            .iter()
            .map(|c| (*c, evaluate_id(c, &obs, &target.params)))
            .collect::<Vec<_>>()
    };
    let mut wrong = Vec::new();
    for (check, out) in outcomes(aws.clone(), target.clone()).await {
        if out.status != expected(backend, check, true) {
            wrong.push(format!("hardened: {check} {out:?}"));
        }
    }
    for weakened in CHECKS {
        fixtures::account::set(&sdk, &mut f, weakened, false).await;
        for (check, out) in outcomes(aws.clone(), target.clone()).await {
            let want = expected(backend, check, check != *weakened);
            if out.status != want {
                wrong.push(format!(
                    "{weakened} weakened: {check} {} (expected {}): {out:?}",
                    out.status.as_str(),
                    want.as_str()
                ));
            }
        }
        fixtures::account::set(&sdk, &mut f, weakened, true).await;
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
