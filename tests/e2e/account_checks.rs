//! End-to-end tests of the account checks of S3 Control, EC2, GuardDuty, Security Hub,
//! Organizations and CloudTrail: an `expected_account` block applied by real Terraform with
//! the provider under test against the emulator, on an account hardened through the SDK, then
//! weakened one setting per check.
//!
//! What the emulator cannot do (moto 5.2): EC2 GetEbsDefaultKmsKeyId and Security Hub
//! GetEnabledStandards are not implemented, so `ec2.ebs_default_encryption` with an expected
//! key and `securityhub.enabled` on an enabled hub are `error` there (never `passed`); their
//! other branches (encryption disabled, hub not enabled) are exercised, the rest is
//! unit-tested on recorded response shapes.

use aws_config::SdkConfig;
use aws_sdk_cloudtrail::types::{EventSelector, ReadWriteType};
use aws_sdk_s3control::types::PublicAccessBlockConfiguration;
use serde_json::Value;

use crate::fixtures;
use crate::harness::{Backend, Emulator, Needs, Workspace};
use crate::qualification::{protected_bucket, EVIDENCE};

/// The account checks of this suite, in the order of the specification.
const CHECKS: &[&str] = &[
    "s3.account_public_access_block",
    "ec2.ebs_default_encryption",
    "guardduty.enabled",
    "securityhub.enabled",
    "organizations.account_member",
    "cloudtrail.management_events",
];

/// S3 Control client calling the emulator as given (its endpoint rules would put the account
/// id in front of the host).
fn s3control(emu: &Emulator, sdk: &SdkConfig) -> aws_sdk_s3control::Client {
    #[derive(Debug)]
    struct Fixed(String);
    impl aws_sdk_s3control::config::endpoint::ResolveEndpoint for Fixed {
        fn resolve_endpoint<'a>(
            &'a self,
            _: &'a aws_sdk_s3control::config::endpoint::Params,
        ) -> aws_sdk_s3control::config::endpoint::EndpointFuture<'a> {
            aws_sdk_s3control::config::endpoint::EndpointFuture::ready(Ok(
                aws_smithy_types::endpoint::Endpoint::builder()
                    .url(self.0.clone())
                    .build(),
            ))
        }
    }
    let mut b = aws_sdk_s3control::config::Builder::from(sdk);
    if !emu.endpoint.is_empty() {
        b = b.endpoint_resolver(Fixed(emu.endpoint.clone()));
    }
    aws_sdk_s3control::Client::from_conf(b.build())
}

async fn put_account_block(emu: &Emulator, sdk: &SdkConfig, account: &str, policy: bool) {
    s3control(emu, sdk)
        .put_public_access_block()
        .account_id(account)
        .public_access_block_configuration(
            PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(policy)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .expect("S3 Control PutPublicAccessBlock");
}

fn management_events(rw: ReadWriteType) -> EventSelector {
    EventSelector::builder()
        .read_write_type(rw)
        .include_management_events(true)
        .build()
}

/// The account hardened: account public access block, EBS encryption by default, an enabled
/// GuardDuty detector, Security Hub, an organization, a logging trail with every management
/// event. Returns the detector id.
async fn harden(emu: &Emulator, sdk: &SdkConfig, account: &str, trail: &str) -> String {
    put_account_block(emu, sdk, account, true).await;
    aws_sdk_ec2::Client::new(sdk)
        .enable_ebs_encryption_by_default()
        .send()
        .await
        .expect("EC2 EnableEbsEncryptionByDefault");
    let detector = aws_sdk_guardduty::Client::new(sdk)
        .create_detector()
        .enable(true)
        .send()
        .await
        .expect("GuardDuty CreateDetector")
        .detector_id()
        .expect("detector id")
        .to_string();
    aws_sdk_securityhub::Client::new(sdk)
        .enable_security_hub()
        .send()
        .await
        .expect("Security Hub EnableSecurityHub");
    aws_sdk_organizations::Client::new(sdk)
        .create_organization()
        .feature_set(aws_sdk_organizations::types::OrganizationFeatureSet::All)
        .send()
        .await
        .expect("Organizations CreateOrganization");
    fixtures::cloudtrail::compliant_trail(sdk, trail).await;
    aws_sdk_cloudtrail::Client::new(sdk)
        .put_event_selectors()
        .trail_name(trail)
        .event_selectors(management_events(ReadWriteType::All))
        .send()
        .await
        .expect("CloudTrail PutEventSelectors");
    detector
}

/// One setting per check weakened.
async fn weaken(emu: &Emulator, sdk: &SdkConfig, account: &str, trail: &str, detector: &str) {
    put_account_block(emu, sdk, account, false).await;
    aws_sdk_ec2::Client::new(sdk)
        .disable_ebs_encryption_by_default()
        .send()
        .await
        .expect("EC2 DisableEbsEncryptionByDefault");
    aws_sdk_guardduty::Client::new(sdk)
        .update_detector()
        .detector_id(detector)
        .enable(false)
        .send()
        .await
        .expect("GuardDuty UpdateDetector");
    aws_sdk_securityhub::Client::new(sdk)
        .disable_security_hub()
        .send()
        .await
        .expect("Security Hub DisableSecurityHub");
    aws_sdk_organizations::Client::new(sdk)
        .delete_organization()
        .send()
        .await
        .expect("Organizations DeleteOrganization");
    aws_sdk_cloudtrail::Client::new(sdk)
        .put_event_selectors()
        .trail_name(trail)
        .event_selectors(management_events(ReadWriteType::WriteOnly))
        .send()
        .await
        .expect("CloudTrail PutEventSelectors (WriteOnly)");
}

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
  evidence_store {{
    s3_bucket = "{EVIDENCE}"
  }}
}}
"#,
        checks.join(", ")
    )
}

/// `check_id` → statuses of the account target's results.
fn statuses(q: &Value) -> std::collections::BTreeMap<String, Vec<String>> {
    let mut out: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for r in q["results"].as_object().expect("results map").values() {
        if r["target"] == "account" {
            out.entry(r["check_id"].as_str().unwrap_or_default().to_string())
                .or_default()
                .push(r["status"].as_str().unwrap_or_default().to_string());
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn account_checks_pass_on_a_hardened_account_then_name_each_weakened_check() {
    let Some(emu) = Emulator::start_needing(&[Needs::CloudTrail]) else {
        return;
    };
    let sdk = emu.sdk_config().await;
    protected_bucket(&sdk, EVIDENCE).await;
    let account = fixtures::config::account_id(&sdk).await;
    let trail = "acct-mgmt-trail";
    let detector = harden(&emu, &sdk, &account, trail).await;

    let ws = Workspace::new(&emu);
    ws.write("main.tf", &config());
    let run = ws.apply();
    let q = ws.resource_values("gxp_qualification.q");
    let got = statuses(&q);
    // moto 5.2 has no Security Hub GetEnabledStandards: an enabled hub is an error, never a pass.
    let unsupported: &[&str] = if emu.backend() == Backend::Aws {
        &[]
    } else {
        &["securityhub.enabled"]
    };
    for check in CHECKS {
        let want = if unsupported.contains(check) { "error" } else { "passed" };
        assert_eq!(got.get(*check).map(Vec::as_slice), Some(&[want.to_string()][..]), "{check}: {q:#}");
    }
    if unsupported.is_empty() {
        run.assert_success();
    } else {
        run.assert_failure()
            .assert_not_contains("Qualification check failed")
            .assert_contains("Qualification check could not be evaluated: securityhub.enabled on account");
    }

    weaken(&emu, &sdk, &account, trail, &detector).await;
    let run = ws.apply();
    run.assert_failure();
    let q = ws.resource_values("gxp_qualification.q");
    let got = statuses(&q);
    for check in CHECKS {
        run.assert_contains(&format!("Qualification check failed: {check} on account"));
        assert_eq!(got.get(*check).map(Vec::as_slice), Some(&["failed".to_string()][..]), "{check}: {q:#}");
    }
}
