//! A failing fixture for every catalog check, through real Terraform.
//!
//! Each test builds, through the SDK, one compliant resource and one weakened resource per
//! check of a service (fixtures in `fixtures/`), declares them all in one specification and
//! runs one qualification (`enforce = false`, so the apply records the results). Every
//! weakened resource must fail exactly its check; the compliant one must pass.

use std::collections::BTreeMap;

use aws_config::SdkConfig;

use crate::fixtures;
use crate::harness::{Emulator, Needs, Workspace};
use gxp_core::spec::model::ExpectedStack;

/// The S3 checks: the compliant bucket passes them, each weakened bucket fails its own.
const S3_CHECKS: &[&str] = &[
    "s3.encryption",
    "s3.versioning",
    "s3.public_access_block",
    "s3.tls_only",
    "s3.object_lock",
    "s3.access_logging",
    "s3.replication",
    "s3.acl_disabled",
];
/// The KMS checks: a compliant key, one without rotation, one disabled.
const KMS_CHECKS: &[&str] = &["kms.enabled", "kms.rotation"];
/// The VPC checks: a compliant VPC, one without flow logs, one with an open default group.
const VPC_CHECKS: &[&str] = &["ec2.vpc_flow_logs", "ec2.default_sg_closed"];
/// The security group check: a closed group and one open on port 22.
const SG_CHECKS: &[&str] = &["ec2.sg_no_admin_ingress"];
/// The VPC endpoint check: an available endpoint and a deleted one.
const ENDPOINT_CHECKS: &[&str] = &["ec2.vpc_endpoints_available"];
/// The RDS checks: a compliant instance and one weakened instance per check.
const RDS_CHECKS: &[&str] = &[
    "rds.storage_encrypted",
    "rds.multi_az",
    "rds.backup_retention",
    "rds.deletion_protection",
];
/// The stack checks: a matching expected stack, and one expected stack per check that
/// differs from the deployed one in what that check compares.
const STACK_CHECKS: &[&str] = &[
    "iq.template_hash",
    "iq.stack_outputs",
    "iq.stack_parameters",
    "iq.stack_resources",
];

/// The IAM checks of the account target that
/// `expected_account::expected_account_gives_one_result_per_principal_and_requalifies_on_a_weakened_policy`
/// makes pass on one principal and fail on another.
const ACCOUNT_CHECKS_EXERCISED: &[&str] = &[
    "iam.user_console_mfa",
    "iam.user_no_direct_policies",
    "iam.no_admin_policies",
    "iam.no_kms_decrypt_on_all_keys",
];

/// The account checks of S3 Control, CloudTrail, EC2, GuardDuty and Organizations that
/// `account_checks::account_checks_pass_on_a_hardened_account_then_fail_each_weakened_check`
/// (Terraform) and `account_checks_collector_each_weakening_fails_only_its_own_check` make
/// pass on the hardened account and fail on its weakening (moto; `fixtures::account`).
/// `ec2.ebs_default_encryption` is exercised without an expected key: neither emulator has
/// GetEbsDefaultKmsKeyId, so with `kms_key_id` it is `error` there (asserted in
/// `modules_account_baseline_*`), and the key comparison passes and fails on recorded
/// answers (gxp-core `observe::ec2` fake-endpoint tests, golden added-checks).
const ACCOUNT_SERVICE_CHECKS_EXERCISED: &[&str] = &[
    "s3.account_public_access_block",
    "cloudtrail.management_events",
    "ec2.ebs_default_encryption",
    "guardduty.enabled",
    "organizations.account_member",
];

/// Every list of checks the tests of this file make pass on a compliant fixture and fail on a
/// weakened one.
fn exercised_here() -> Vec<&'static str> {
    [
        S3_CHECKS,
        KMS_CHECKS,
        fixtures::cloudtrail::CHECKS,
        fixtures::logs::CHECKS,
        fixtures::config::CHECKS,
        VPC_CHECKS,
        SG_CHECKS,
        ENDPOINT_CHECKS,
        RDS_CHECKS,
        STACK_CHECKS,
        ACCOUNT_CHECKS_EXERCISED,
        ACCOUNT_SERVICE_CHECKS_EXERCISED,
    ]
    .concat()
}

/// The catalog checks no test of this file makes both pass and fail, each with the written
/// reason and the tests that exercise it instead.
const NOT_EXERCISED_HERE: &[(&str, &str)] = &[
    (
        "iam.root_mfa",
        "moto reports AccountMFAEnabled 0 always and root MFA cannot be set through the SDK: \
         fails in expected_account_gives_one_result_per_principal_and_requalifies_on_a_weakened_policy, \
         passes (also with hardware = true) on recorded GetAccountSummary / ListVirtualMFADevices \
         shapes in checks::iam::root_mfa and the golden added-checks run",
    ),
    (
        "iam.root_no_access_keys",
        "root access keys cannot be created through the SDK: passes or is suppressed in \
         expected_account_gives_one_result_per_principal_and_requalifies_on_a_weakened_policy, \
         fails on recorded GetAccountSummary shapes (unit fixtures, golden added-checks)",
    ),
    (
        "iam.password_policy",
        "one account has one password policy: passes in \
         expected_account_gives_one_result_per_principal_and_requalifies_on_a_weakened_policy, \
         whose weakened policy (minimum length 8) is then the drift the plan names; failing \
         branches (not configured, each shortfall) in checks::iam::password_policy",
    ),
    (
        "iam.access_keys_rotated",
        "moto dates a key at its creation and cannot backdate it: the new key passes in \
         expected_account_gives_one_result_per_principal_and_requalifies_on_a_weakened_policy; \
         old keys fail on recorded ListAccessKeys shapes (checks::iam::access_keys_rotated, golden)",
    ),
    (
        "iam.unused_credentials",
        "moto reports every password and key as just set and cannot age them: passes in \
         expected_account_gives_one_result_per_principal_and_requalifies_on_a_weakened_policy; \
         idle credentials fail on recorded credential-report rows (checks::iam::unused_credentials, golden)",
    ),
    (
        "securityhub.enabled",
        "neither emulator can pass it: moto 5.2 has DescribeHub but no GetEnabledStandards \
         (an enabled hub is `error` in account_checks_pass_on_a_hardened_account_then_fail_each_weakened_check), \
         LocalStack's community runtime has no Security Hub (always `error`); a disabled hub \
         fails on moto there; a READY standard passes and a PENDING one or none fails on recorded \
         DescribeHub / GetEnabledStandards answers (gxp-core observe::securityhub, golden added-checks)",
    ),
    (
        "iq.resource_exists",
        "not a weakening of a resource but its absence: fails on the deleted trail of \
         catalog_fixtures_cloudtrail_and_logs_each_check_fails_on_its_fixture (moto only), \
         passes in qualification_passes_files_report_and_second_plan_is_empty",
    ),
    (
        "iq.resource_properties",
        "compares approved properties, not a hardening: passes in \
         qualification_passes_files_report_and_second_plan_is_empty, fails on drift in \
         qualification_drift_after_pass_names_reason_and_resource_then_failed_run_is_recorded",
    ),
    (
        "iq.scope",
        "a result of the run, not of a resource, and only ever `error` (discovery failed or \
         found nothing): discovery_failure_ends_in_error_and_the_next_plan_requalifies, \
         discovery_with_nothing_to_qualify_ends_in_error_until_a_resource_is_tagged",
    ),
    (
        "iq.stack_status",
        "passes on every stack here; failing needs a stack left in a ROLLBACK or FAILED state, \
         which neither emulator leaves for a template that deploys; unit-tested in checks::iq",
    ),
    (
        "iq.stack_drift",
        "neither moto nor LocalStack detects stack drift (the result is left out, see \
         collect_stack); its evaluator is unit-tested in gxp-core checks::iq",
    ),
];

/// Coverage by construction: every check of the catalog is made to pass and to fail on the
/// emulator by a test of this file, or is listed with the reason it is not; a check added
/// to the registry without either fails here.
#[test]
fn catalog_fixtures_cover_every_catalog_check() {
    let here = exercised_here();
    let mut seen = std::collections::BTreeSet::new();
    for id in here
        .iter()
        .chain(NOT_EXERCISED_HERE.iter().map(|(id, _)| id))
    {
        assert!(seen.insert(*id), "{id} is listed twice");
        assert!(
            gxp_core::catalog::all().iter().any(|d| d.id == *id),
            "{id} is listed but not in the catalog"
        );
    }
    for (id, reason) in NOT_EXERCISED_HERE {
        assert!(reason.len() > 20, "{id} needs a written reason");
    }
    let missing: Vec<&str> = gxp_core::catalog::all()
        .iter()
        .map(|d| d.id)
        .filter(|id| !seen.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "catalog checks without an emulator pass and fail fixture (tests/e2e/catalog_fixtures.rs) \
         or a written reason in NOT_EXERCISED_HERE: {missing:?}"
    );
}

/// One expected resource in the specification.
struct Res {
    key: String,
    ty: &'static str,
    id: String,
    checks: Vec<&'static str>,
}

fn res(key: &str, ty: &'static str, id: &str, checks: &[&'static str]) -> Res {
    Res {
        key: key.into(),
        ty,
        id: id.into(),
        checks: checks.to_vec(),
    }
}

fn hcl_map(m: &BTreeMap<String, String>) -> String {
    let body: Vec<String> = m.iter().map(|(k, v)| format!("{k:?} = {v:?}")).collect();
    format!("{{ {} }}", body.join(", "))
}

fn stack_block(s: &ExpectedStack) -> String {
    format!(
        "  expected_stack {{\n    name = {:?}\n    template_sha256 = {:?}\n    outputs = {}\n    parameters = {}\n    resources = {}\n  }}\n",
        s.name,
        s.template_sha256.clone().unwrap_or_default(),
        hcl_map(&s.outputs),
        hcl_map(&s.parameters),
        hcl_map(&s.resources)
    )
}

fn config(resources: &[Res], stacks: &[ExpectedStack], evidence_dir: &str) -> String {
    let mut spec = String::new();
    for r in resources {
        let checks: Vec<String> = r.checks.iter().map(|c| format!("{c:?}")).collect();
        spec.push_str(&format!(
            "  expected_resource {{\n    key = {:?}\n    type = {:?}\n    identifier = {:?}\n    checks = [{}]\n  }}\n",
            r.key,
            r.ty,
            r.id,
            checks.join(", ")
        ));
    }
    for s in stacks {
        spec.push_str(&stack_block(s));
    }
    format!(
        r#"terraform {{
  required_providers {{
    gxp = {{ source = "gxp/gxp" }}
  }}
}}
provider "gxp" {{
  s3_use_path_style = true
}}
resource "gxp_expected_spec" "s" {{
  name    = "catalog-fixtures"
  version = "1"
  system {{
    application_id = "fixtures"
    environment    = "test"
  }}
  approval {{
    approved_by      = "qa@example.com"
    approved_at      = "2026-01-01T00:00:00Z"
    change_reference = "CR-FIX"
  }}
{spec}}}
resource "gxp_qualification" "q" {{
  name          = "catalog-fixtures"
  spec_id       = gxp_expected_spec.s.id
  spec_digest   = gxp_expected_spec.s.digest
  spec_document = gxp_expected_spec.s.canonical_json
  enforce       = false
  evidence_store {{
    local_directory = "{evidence_dir}"
  }}
}}
"#
    )
}

/// Apply the qualification and return its state results as (target, check, property) → status.
fn qualify(
    emu: &Emulator,
    resources: &[Res],
    stacks: &[ExpectedStack],
) -> BTreeMap<(String, String, String), String> {
    let ws = Workspace::new(emu);
    let evidence = ws.path().join("evidence");
    ws.write(
        "main.tf",
        &config(resources, stacks, &evidence.display().to_string()),
    );
    ws.apply().assert_success();
    let q = ws.resource_values("gxp_qualification.q");
    let filed = std::fs::read(q["report_location"].as_str().expect("report location"))
        .expect("the report is filed in the local store");
    crate::qualification::assert_schema_valid(&filed);
    let mut out = BTreeMap::new();
    for (key, r) in q["results"].as_object().expect("results map") {
        let s = |k: &str| r[k].as_str().unwrap_or_default().to_string();
        // Keyed CHECK_ID@TARGET, with #PROPERTY for property checks.
        let expected_key = match r["property"].as_str() {
            Some(p) => format!("{}@{}#{p}", s("check_id"), s("target")),
            None => format!("{}@{}", s("check_id"), s("target")),
        };
        assert_eq!(key, &expected_key, "{r:#}");
        out.insert((s("target"), s("check_id"), s("property")), s("status"));
    }
    assert_eq!(
        out.len() as u64,
        q["total_count"].as_u64().unwrap(),
        "one state entry per result"
    );
    // A run with failures stays pending ("last qualification failed"); a passing one does not.
    if q["status"] == "passed" {
        ws.assert_plan_empty();
    } else {
        ws.plan().assert_contains("last qualification");
    }
    out
}

fn status<'a>(
    results: &'a BTreeMap<(String, String, String), String>,
    target: &str,
    check: &str,
) -> &'a str {
    results
        .iter()
        .find(|((t, c, _), _)| t == target && c == check)
        .map(|(_, s)| s.as_str())
        .unwrap_or_else(|| panic!("no result for {check} on {target}: {results:#?}"))
}

/// The compliant target passes every check; each weakened target fails its own check and
/// passes the others.
fn assert_one_failure_each(
    results: &BTreeMap<(String, String, String), String>,
    ok: &str,
    weakened: &[(&str, &str)],
    checks: &[&str],
) {
    for c in checks {
        assert_eq!(status(results, ok, c), "passed", "{c} on compliant {ok}");
    }
    for (target, failing) in weakened {
        for c in checks {
            let expected = if c == failing { "failed" } else { "passed" };
            assert_eq!(
                status(results, target, c),
                expected,
                "{c} on {target} (weakened for {failing})"
            );
        }
    }
}

async fn sdk(emu: &Emulator) -> SdkConfig {
    emu.sdk_config().await
}

#[tokio::test(flavor = "multi_thread")]
async fn catalog_fixtures_s3_and_kms_each_check_fails_on_its_fixture() {
    let emu = Emulator::start();
    let sdk = sdk(&emu).await;
    let key = fixtures::kms::compliant_key(&sdk).await;
    let logs = "fx-access-logs";
    let s3_checks = S3_CHECKS;
    let mut resources = vec![res(
        "ok",
        "AWS::S3::Bucket",
        &fixtures::s3::compliant_bucket(&sdk, "fx-ok", &key, logs).await,
        s3_checks,
    )];
    let mut weakened = Vec::new();
    // Versioning cannot be suspended on a bucket with Object Lock or replication (AWS, and
    // LocalStack; see fixtures::s3): that bucket fails three checks and is asserted apart.
    let suspended =
        fixtures::s3::versioning_suspended_bucket(&sdk, "fx-versioning", &key, logs).await;
    resources.push(res(&suspended, "AWS::S3::Bucket", &suspended, s3_checks));
    for &check in s3_checks {
        let name = format!("fx-{}", check.trim_start_matches("s3.").replace('_', "-"));
        if check == "s3.versioning" {
            continue;
        }
        if check == "s3.object_lock" {
            fixtures::s3::noncompliant_object_lock_bucket(&sdk, &name, &key, logs).await;
        } else {
            fixtures::s3::compliant_bucket(&sdk, &name, &key, logs).await;
            match check {
                "s3.encryption" => fixtures::s3::weaken_encryption(&sdk, &name).await,
                "s3.public_access_block" => {
                    fixtures::s3::weaken_public_access_block(&sdk, &name).await
                }
                "s3.tls_only" => fixtures::s3::weaken_tls_only(&sdk, &name).await,
                "s3.access_logging" => fixtures::s3::weaken_access_logging(&sdk, &name).await,
                "s3.replication" => fixtures::s3::weaken_replication(&sdk, &name).await,
                "s3.acl_disabled" => fixtures::s3::weaken_acl_disabled(&sdk, &name).await,
                other => panic!("no fixture for {other}"),
            }
        }
        resources.push(res(&name, "AWS::S3::Bucket", &name, s3_checks));
        weakened.push((name, check));
    }
    let kms_checks = KMS_CHECKS;
    let rot = fixtures::kms::compliant_key(&sdk).await;
    fixtures::kms::weaken_rotation(&sdk, &rot).await;
    let off = fixtures::kms::compliant_key(&sdk).await;
    fixtures::kms::disable_key(&sdk, &off).await;
    resources.push(res("key-ok", "AWS::KMS::Key", &key, kms_checks));
    resources.push(res("key-rotation", "AWS::KMS::Key", &rot, kms_checks));
    resources.push(res("key-disabled", "AWS::KMS::Key", &off, kms_checks));

    let results = qualify(&emu, &resources, &[]);
    let weak: Vec<(&str, &str)> = weakened.iter().map(|(n, c)| (n.as_str(), *c)).collect();
    assert_one_failure_each(&results, "ok", &weak, s3_checks);
    for &c in s3_checks {
        let failing = fixtures::s3::VERSIONING_SUSPENDED_FAILS.contains(&c);
        let expected = if failing { "failed" } else { "passed" };
        assert_eq!(
            status(&results, &suspended, c),
            expected,
            "{c} on {suspended}"
        );
    }
    assert_eq!(status(&results, "key-ok", "kms.enabled"), "passed");
    assert_eq!(status(&results, "key-ok", "kms.rotation"), "passed");
    assert_eq!(status(&results, "key-rotation", "kms.rotation"), "failed");
    assert_eq!(status(&results, "key-disabled", "kms.enabled"), "failed");
}

#[tokio::test(flavor = "multi_thread")]
async fn catalog_fixtures_cloudtrail_and_logs_each_check_fails_on_its_fixture() {
    let Some(emu) = Emulator::start_needing(&[Needs::CloudTrail]) else {
        return;
    };
    let sdk = sdk(&emu).await;
    let trail_checks = fixtures::cloudtrail::CHECKS;
    let ok = fixtures::cloudtrail::compliant_trail(&sdk, "fx-trail-ok").await;
    let mut resources = vec![res(
        "trail-ok",
        "AWS::CloudTrail::Trail",
        &ok.name,
        trail_checks,
    )];
    let mut weakened = Vec::new();
    for (i, check) in trail_checks.iter().enumerate() {
        let name = format!("fx-trail-{i}");
        fixtures::cloudtrail::compliant_trail(&sdk, &name).await;
        assert!(
            fixtures::cloudtrail::weaken(&sdk, &name, check).await,
            "fixture for {check}"
        );
        resources.push(res(&name, "AWS::CloudTrail::Trail", &name, trail_checks));
        weakened.push((name, *check));
    }
    let log_checks = fixtures::logs::CHECKS;
    let lg = fixtures::logs::compliant_log_group(&sdk, "fx-logs-ok").await;
    let _ = lg;
    resources.push(res(
        "logs-ok",
        "AWS::Logs::LogGroup",
        "fx-logs-ok",
        log_checks,
    ));
    let mut log_weakened = Vec::new();
    for (i, check) in log_checks.iter().enumerate() {
        let name = format!("fx-logs-{i}");
        fixtures::logs::compliant_log_group(&sdk, &name).await;
        assert!(
            fixtures::logs::weaken(&sdk, &name, check).await,
            "fixture for {check}"
        );
        resources.push(res(&name, "AWS::Logs::LogGroup", &name, log_checks));
        log_weakened.push((name, *check));
    }
    let results = qualify(&emu, &resources, &[]);
    for (target, check) in &weakened {
        // A deleted trail fails every check; the others fail exactly one.
        if *check == "cloudtrail.exists" {
            assert_eq!(status(&results, target, check), "failed");
            assert_eq!(status(&results, target, "iq.resource_exists"), "failed");
        }
    }
    let narrow: Vec<(&str, &str)> = weakened
        .iter()
        .filter(|(_, c)| *c != "cloudtrail.exists")
        .map(|(n, c)| (n.as_str(), *c))
        .collect();
    assert_one_failure_each(&results, "trail-ok", &narrow, trail_checks);
    let lw: Vec<(&str, &str)> = log_weakened.iter().map(|(n, c)| (n.as_str(), *c)).collect();
    assert_one_failure_each(&results, "logs-ok", &lw, log_checks);
}

#[tokio::test(flavor = "multi_thread")]
async fn catalog_fixtures_config_recorder_and_channel_fail_when_weakened() {
    let emu = Emulator::start();
    let sdk = sdk(&emu).await;
    let fx = fixtures::config::compliant_config(&sdk, "fx").await;
    let resources = [
        res(
            "recorder",
            "AWS::Config::ConfigurationRecorder",
            &fx.recorder,
            &["config.recorder_recording"],
        ),
        res(
            "channel",
            "AWS::Config::DeliveryChannel",
            &fx.channel,
            &["config.delivery_channel"],
        ),
    ];
    let results = qualify(&emu, &resources, &[]);
    assert_eq!(
        status(&results, "recorder", "config.recorder_recording"),
        "passed"
    );
    // moto has no DescribeDeliveryChannelStatus: the compliant channel cannot be fully
    // evaluated there, and that is an error, never a pass.
    let channel = status(&results, "channel", "config.delivery_channel");
    assert!(
        channel == "passed" || channel == "error",
        "compliant channel: {channel}"
    );

    assert!(fixtures::config::weaken(&sdk, &fx, "config.recorder_recording").await);
    assert!(fixtures::config::weaken(&sdk, &fx, "config.delivery_channel").await);
    let results = qualify(&emu, &resources, &[]);
    assert_eq!(
        status(&results, "recorder", "config.recorder_recording"),
        "failed"
    );
    assert_eq!(
        status(&results, "channel", "config.delivery_channel"),
        "failed"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn catalog_fixtures_ec2_and_rds_each_check_fails_on_its_fixture() {
    let Some(emu) = Emulator::start_needing(&[Needs::Rds]) else {
        return;
    };
    let sdk = sdk(&emu).await;
    let vpc_checks = VPC_CHECKS;
    let vpc_ok = fixtures::ec2::compliant_vpc(&sdk, "10.10.0.0/16", &[]).await;
    let vpc_nolog = fixtures::ec2::compliant_vpc(&sdk, "10.11.0.0/16", &[]).await;
    fixtures::ec2::weaken_vpc_flow_logs(&sdk, &vpc_nolog).await;
    let vpc_opensg = fixtures::ec2::compliant_vpc(&sdk, "10.12.0.0/16", &[]).await;
    fixtures::ec2::weaken_default_sg(&sdk, &vpc_opensg).await;
    let sg_ok = fixtures::ec2::compliant_security_group(&sdk, &vpc_ok, "fx-sg-ok", &[]).await;
    let sg_ssh = fixtures::ec2::compliant_security_group(&sdk, &vpc_ok, "fx-sg-ssh", &[]).await;
    fixtures::ec2::weaken_sg_admin_ingress(&sdk, &sg_ssh).await;
    let ep_ok = fixtures::ec2::compliant_vpc_endpoint(&sdk, &vpc_ok, &[]).await;
    let ep_gone = fixtures::ec2::compliant_vpc_endpoint(&sdk, &vpc_nolog, &[]).await;
    fixtures::ec2::weaken_vpc_endpoint(&sdk, &ep_gone).await;

    let rds_checks = RDS_CHECKS;
    let db_ok = fixtures::rds::compliant_db_instance(&sdk, "fx-db-ok", &[]).await;
    let db_plain = fixtures::rds::unencrypted_db_instance(&sdk, "fx-db-plain", &[]).await;
    let db_single = fixtures::rds::compliant_db_instance(&sdk, "fx-db-single", &[]).await;
    fixtures::rds::weaken_multi_az(&sdk, &db_single).await;
    let db_short = fixtures::rds::compliant_db_instance(&sdk, "fx-db-short", &[]).await;
    fixtures::rds::weaken_backup_retention(&sdk, &db_short).await;
    let db_open = fixtures::rds::compliant_db_instance(&sdk, "fx-db-open", &[]).await;
    fixtures::rds::weaken_deletion_protection(&sdk, &db_open).await;

    let resources = [
        res("vpc-ok", "AWS::EC2::VPC", &vpc_ok, vpc_checks),
        res("vpc-nolog", "AWS::EC2::VPC", &vpc_nolog, vpc_checks),
        res("vpc-opensg", "AWS::EC2::VPC", &vpc_opensg, vpc_checks),
        res("sg-ok", "AWS::EC2::SecurityGroup", &sg_ok, SG_CHECKS),
        res("sg-ssh", "AWS::EC2::SecurityGroup", &sg_ssh, SG_CHECKS),
        res("ep-ok", "AWS::EC2::VPCEndpoint", &ep_ok, ENDPOINT_CHECKS),
        res(
            "ep-gone",
            "AWS::EC2::VPCEndpoint",
            &ep_gone,
            ENDPOINT_CHECKS,
        ),
        res("db-ok", "AWS::RDS::DBInstance", &db_ok, rds_checks),
        res("db-plain", "AWS::RDS::DBInstance", &db_plain, rds_checks),
        res("db-single", "AWS::RDS::DBInstance", &db_single, rds_checks),
        res("db-short", "AWS::RDS::DBInstance", &db_short, rds_checks),
        res("db-open", "AWS::RDS::DBInstance", &db_open, rds_checks),
    ];
    let results = qualify(&emu, &resources, &[]);
    assert_one_failure_each(
        &results,
        "vpc-ok",
        &[
            ("vpc-nolog", "ec2.vpc_flow_logs"),
            ("vpc-opensg", "ec2.default_sg_closed"),
        ],
        vpc_checks,
    );
    assert_one_failure_each(
        &results,
        "sg-ok",
        &[("sg-ssh", "ec2.sg_no_admin_ingress")],
        SG_CHECKS,
    );
    assert_eq!(
        status(&results, "ep-ok", "ec2.vpc_endpoints_available"),
        "passed"
    );
    assert_eq!(
        status(&results, "ep-gone", "ec2.vpc_endpoints_available"),
        "failed"
    );
    assert_one_failure_each(
        &results,
        "db-ok",
        &[
            ("db-plain", "rds.storage_encrypted"),
            ("db-single", "rds.multi_az"),
            ("db-short", "rds.backup_retention"),
            ("db-open", "rds.deletion_protection"),
        ],
        rds_checks,
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn catalog_fixtures_stack_iq_template_output_parameter_and_resources() {
    let emu = Emulator::start();
    let sdk = sdk(&emu).await;
    let params = [("Environment", "qa")];
    for name in ["fx-ok", "fx-tpl", "fx-out", "fx-par", "fx-res"] {
        fixtures::stack::create_stack(&sdk, name, &params).await;
    }
    let ok = fixtures::stack::expected_stack("fx-ok", &params);
    let mut tpl = fixtures::stack::expected_stack("fx-tpl", &params);
    fixtures::stack::expect_other_template(&mut tpl);
    let mut out = fixtures::stack::expected_stack("fx-out", &params);
    fixtures::stack::expect_missing_output(&mut out);
    let mut par = fixtures::stack::expected_stack("fx-par", &params);
    fixtures::stack::expect_wrong_parameter(&mut par);
    let mut rs = fixtures::stack::expected_stack("fx-res", &params);
    fixtures::stack::expect_missing_resource(&mut rs);
    let results = qualify(&emu, &[], &[ok, tpl, out, par, rs]);
    let failed_checks = |stack: &str| -> Vec<String> {
        results
            .iter()
            .filter(|((t, _, _), s)| t == &format!("stack:{stack}") && s.as_str() != "passed")
            .map(|((_, c, p), s)| format!("{c}[{p}]={s}"))
            .collect()
    };
    assert!(
        failed_checks("fx-ok").is_empty(),
        "{:?}",
        failed_checks("fx-ok")
    );
    assert_eq!(status(&results, "stack:fx-ok", "iq.stack_status"), "passed");
    let tpl = failed_checks("fx-tpl");
    assert!(
        tpl.len() == 1 && tpl[0].starts_with("iq.template_hash"),
        "{tpl:?}"
    );
    let out = failed_checks("fx-out");
    assert!(
        out.len() == 1 && out[0].starts_with("iq.stack_outputs"),
        "{out:?}"
    );
    let par = failed_checks("fx-par");
    assert!(
        par.len() == 1 && par[0].starts_with("iq.stack_parameters"),
        "{par:?}"
    );
    let res = failed_checks("fx-res");
    assert!(
        res.len() == 1 && res[0].starts_with("iq.stack_resources"),
        "{res:?}"
    );
    // The checks asserted above, both ways, are the ones STACK_CHECKS declares.
    let asserted = [
        "iq.template_hash",
        "iq.stack_outputs",
        "iq.stack_parameters",
        "iq.stack_resources",
    ];
    assert_eq!(asserted, STACK_CHECKS);
}
