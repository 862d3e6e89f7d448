//! A failing fixture for every catalog check, through real Terraform.
//!
//! Each test builds, through the SDK, one compliant resource and one weakened resource per
//! check of a service (fixtures in `fixtures/`), declares them all in one specification and
//! runs one qualification (`enforce = false`, so the apply records the results). Every
//! weakened resource must fail exactly its check; the compliant one must pass.

use std::collections::BTreeMap;

use aws_config::SdkConfig;

use crate::fixtures;
use crate::harness::{Backend, Emulator, Needs, Workspace};
use gxp_core::catalog::emulator_coverage;
use gxp_core::spec::model::ExpectedStack;

/// Every check the fixture modules declare a weakening for (each module's `CHECKS`, the checks
/// its `weaken` covers): the tests of this file make each pass on a compliant fixture and fail
/// on its weakened one. The checks each resource is given are its type's registered checks
/// ([`fixtures::checks_of`]). The account checks are exercised on the account target:
/// `fixtures::iam::CHECKS` pass on one principal and fail on another in
/// `expected_account::expected_account_gives_one_result_per_principal_and_requalifies_on_a_weakened_policy`;
/// `fixtures::account::CHECKS` pass on the hardened account and fail on its weakening in
/// `account_checks::account_checks_pass_on_a_hardened_account_then_fail_each_weakened_check`
/// (Terraform) and `account_checks_collector_each_weakening_fails_only_its_own_check`, but
/// those moto cannot answer on a compliant account ([`fixtures::account::unanswered`]).
/// `ec2.ebs_default_encryption` is exercised there without an expected key: neither emulator
/// has GetEbsDefaultKmsKeyId, so with `kms_key_id` it is `error` (asserted in
/// `modules_account_baseline_*`), and the key comparison passes and fails on recorded
/// answers (gxp-core `observe::ec2` fake-endpoint tests, golden added-checks).
fn exercised_here() -> Vec<&'static str> {
    [
        fixtures::s3::CHECKS,
        fixtures::kms::CHECKS,
        fixtures::cloudtrail::CHECKS,
        fixtures::logs::CHECKS,
        fixtures::config::CHECKS,
        fixtures::ec2::CHECKS,
        fixtures::rds::CHECKS,
        fixtures::stack::CHECKS,
        fixtures::dynamodb::CHECKS,
        fixtures::secretsmanager::CHECKS,
        fixtures::sns::CHECKS,
        fixtures::sqs::CHECKS,
        fixtures::lambda::CHECKS,
        fixtures::efs::CHECKS,
        fixtures::backup::CHECKS,
        // LocalStack only: moto 5.2 does not serve CloudWatch's CBOR protocol.
        fixtures::cloudwatch::CHECKS,
        // moto only: LocalStack's community edition has no ELBv2.
        fixtures::elb::CHECKS,
        fixtures::iam::CHECKS,
    ]
    .concat()
    .into_iter()
    .chain(
        fixtures::account::CHECKS
            .iter()
            .copied()
            .filter(|c| fixtures::account::unanswered(Backend::Moto, c, true).is_none()),
    )
    .collect()
}

/// The catalog checks the tests of this file do not make pass and fail although an emulator
/// can: each is exercised both ways by another test, named with it. The checks an emulator
/// cannot exercise are listed, with the reason and where they are tested instead, in
/// gxp-core's [`emulator_coverage::GAPS`] (rendered in docs/guides/gxp-coverage.md).
const EXERCISED_ELSEWHERE: &[(&str, &str)] = &[
    (
        "iam.password_policy",
        "one account has one password policy: passes in \
         expected_account_gives_one_result_per_principal_and_requalifies_on_a_weakened_policy, \
         whose weakened policy (minimum length 8) is then the drift the plan names, and fails on \
         the weakened account of modules_account_baseline_*; failing branches (not configured, \
         each shortfall) in checks::iam::password_policy",
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
        "iq.soup_locked",
        "a result of the working directory, not of a resource: passes on the mirror-installed \
         gxp/gxp and fails on a provider installed but not locked in \
         soup::soup_is_inventoried_locked_and_an_unlocked_provider_or_its_upgrade_requalifies \
         (the unreadable lock file's error in the unit and golden tests: Terraform refuses to \
         plan with one)",
    ),
    (
        "iq.soup_versions",
        "compares the working directory's SOUP with expected_soup: passes on the approved \
         Terraform and gxp/gxp versions and fails on an unapproved provider in \
         soup::soup_is_inventoried_locked_and_an_unlocked_provider_or_its_upgrade_requalifies",
    ),
    (
        "iq.scope",
        "a result of the run, not of a resource, and only ever `error` (discovery failed or \
         found nothing): discovery_failure_ends_in_error_and_the_next_plan_requalifies, \
         discovery_with_nothing_to_qualify_ends_in_error_until_a_resource_is_tagged",
    ),
];

/// Whether a test of this file makes `check` pass and fail ([`exercised_here`]).
fn is_exercised_here(check: &str) -> bool {
    exercised_here().contains(&check)
}

/// The registered checks of `resource_type` the tests of this file make pass and fail: its
/// [`fixtures::checks_of`] that a fixture module weakens ([`exercised_here`]).
fn exercised_checks_of(resource_type: &str) -> Vec<&'static str> {
    fixtures::checks_of(resource_type)
        .into_iter()
        .filter(|c| is_exercised_here(c))
        .collect()
}

/// Coverage by construction: every check of the catalog (the IQ checks and every registered
/// one) is made to pass and to fail on the emulator by a test of this file (its service's
/// fixture module declares its weakening), or by another test ([`EXERCISED_ELSEWHERE`]), or
/// has a branch no emulator exercises, listed with the reason in gxp-core's
/// [`emulator_coverage::GAPS`]; a check added to the registry without either fails here.
#[test]
fn catalog_fixtures_cover_every_catalog_check() {
    let here = exercised_here();
    let mut seen = std::collections::BTreeSet::new();
    for id in here
        .iter()
        .chain(EXERCISED_ELSEWHERE.iter().map(|(id, _)| id))
    {
        assert!(seen.insert(*id), "{id} is listed twice");
        assert!(
            gxp_core::catalog::get(id).is_some(),
            "{id} is listed but not in the catalog"
        );
    }
    for (id, reason) in EXERCISED_ELSEWHERE {
        assert!(reason.len() > 20, "{id} needs a written reason");
        assert!(
            !emulator_coverage::unexercised_on_every_emulator(id),
            "{id} has a branch no emulator exercises: it is not exercised elsewhere"
        );
    }
    let missing: Vec<&str> = gxp_core::catalog::all()
        .iter()
        .map(|d| d.id)
        .filter(|id| !seen.contains(id) && !emulator_coverage::unexercised_on_every_emulator(id))
        .collect();
    assert!(
        missing.is_empty(),
        "catalog checks without an emulator pass and fail fixture (a weakening in \
         tests/e2e/fixtures/<service>.rs, listed in its CHECKS), a test named in \
         EXERCISED_ELSEWHERE, or a branch no emulator exercises with its reason in \
         gxp-core catalog::emulator_coverage::GAPS: {missing:?}"
    );
}

/// The emulators' missing services agree in the harness and in gxp-core: a service a
/// backend lacks ([`Needs::service`], [`Backend::lacks`]) leaves every check of it
/// unexercised there both ways in [`emulator_coverage::GAPS`], and a service-wide gap there
/// is a need the backend lacks (so its scenarios are skipped, loudly).
#[test]
fn emulator_coverage_agrees_with_the_harness_needs() {
    use emulator_coverage::{blocking, Branch, Checks, Emulator, GAPS};
    let pairs = [
        (Backend::Moto, Emulator::Moto),
        (Backend::LocalStack, Emulator::LocalStack),
    ];
    for (backend, emulator) in pairs {
        for need in Needs::ALL {
            let Some(service) = need.service() else {
                continue;
            };
            if !backend.lacks(need) {
                continue;
            }
            for c in gxp_core::catalog::all()
                .iter()
                .filter(|c| c.service == service)
            {
                assert!(
                    blocking(emulator, c.id, true).is_some()
                        && blocking(emulator, c.id, false).is_some(),
                    "{backend:?} lacks {need:?}: {} needs a gap on {emulator:?}",
                    c.id
                );
            }
        }
        for g in GAPS {
            if let (Checks::Service(service), Branch::Both) = (g.checks, g.branch) {
                if g.emulators.contains(&emulator) {
                    assert!(
                        Needs::ALL
                            .iter()
                            .any(|n| n.service() == Some(service) && backend.lacks(*n)),
                        "{emulator:?} lacks {service} in gxp-core but not in the harness"
                    );
                }
            }
        }
    }
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
  # The assertions read passed results from state too.
  results_in_state = "all"
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
    let s3_checks = &fixtures::hardenable_checks_of("AWS::S3::Bucket")[..];
    let mut resources = vec![res(
        "ok",
        "AWS::S3::Bucket",
        &fixtures::s3::compliant_bucket(&sdk, "fx-ok", &key, logs).await,
        s3_checks,
    )];
    let mut weakened = Vec::new();
    // Versioning cannot be suspended on a bucket with Object Lock or replication (AWS, and
    // LocalStack; see fixtures::s3): that bucket fails three checks and is asserted apart.
    let mut suspended = String::new();
    for &check in s3_checks {
        let name = format!("fx-{}", check.trim_start_matches("s3.").replace('_', "-"));
        let name = fixtures::s3::weakened_bucket(&sdk, &name, check, &key, logs)
            .await
            .unwrap_or_else(|| {
                panic!("no e2e fixture for {check} (fixtures::s3::weakened_bucket)")
            });
        resources.push(res(&name, "AWS::S3::Bucket", &name, s3_checks));
        if check == "s3.versioning" {
            suspended = name;
        } else {
            weakened.push((name, check));
        }
    }
    // A lifecycle that expires current objects on the versioned bucket and keeps noncurrent
    // versions 2555 days passes every check, s3.lifecycle_retention included.
    let kept = "fx-lifecycle-kept";
    fixtures::s3::compliant_bucket(&sdk, kept, &key, logs).await;
    fixtures::s3::keep_versions_lifecycle(&sdk, kept).await;
    resources.push(res(kept, "AWS::S3::Bucket", kept, s3_checks));
    let kms_checks = &fixtures::checks_of("AWS::KMS::Key")[..];
    resources.push(res("key-ok", "AWS::KMS::Key", &key, kms_checks));
    let mut weak_keys = Vec::new();
    for &check in kms_checks {
        let id = fixtures::kms::weakened_key(&sdk, check)
            .await
            .unwrap_or_else(|| panic!("no e2e fixture for {check} (fixtures::kms::weakened_key)"));
        let target = format!("key-{}", check.trim_start_matches("kms."));
        resources.push(res(&target, "AWS::KMS::Key", &id, kms_checks));
        weak_keys.push((target, check));
    }

    let results = qualify(&emu, &resources, &[]);
    let weak: Vec<(&str, &str)> = weakened.iter().map(|(n, c)| (n.as_str(), *c)).collect();
    assert_one_failure_each(&results, "ok", &weak, s3_checks);
    for &c in s3_checks {
        assert_eq!(status(&results, kept, c), "passed", "{c} on {kept}");
    }
    for &c in s3_checks {
        let failing = fixtures::s3::VERSIONING_SUSPENDED_FAILS.contains(&c);
        let expected = if failing { "failed" } else { "passed" };
        assert_eq!(
            status(&results, &suspended, c),
            expected,
            "{c} on {suspended}"
        );
    }
    let weak: Vec<(&str, &str)> = weak_keys.iter().map(|(t, c)| (t.as_str(), *c)).collect();
    assert_one_failure_each(&results, "key-ok", &weak, kms_checks);
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
    let vpc_ok = fixtures::ec2::compliant_vpc(&sdk, "10.10.0.0/16", &[]).await;
    let sg_ok = fixtures::ec2::compliant_security_group(&sdk, &vpc_ok, "fx-sg-ok", &[]).await;
    let ep_ok = fixtures::ec2::compliant_vpc_endpoint(&sdk, &vpc_ok, &[]).await;
    let db_ok = fixtures::rds::compliant_db_instance(&sdk, "fx-db-ok", &[]).await;
    let cluster_ok = fixtures::rds::compliant_db_cluster(&sdk, "fx-cluster-ok").await;
    let mut compliant = vec![
        ("vpc-ok", "AWS::EC2::VPC", vpc_ok.clone()),
        ("sg-ok", "AWS::EC2::SecurityGroup", sg_ok),
        ("ep-ok", "AWS::EC2::VPCEndpoint", ep_ok),
        ("db-ok", "AWS::RDS::DBInstance", db_ok),
        ("cluster-ok", "AWS::RDS::DBCluster", cluster_ok),
    ];
    for (ok, ty) in ["dbsnap-ok", "clsnap-ok"]
        .into_iter()
        .zip(fixtures::rds::SNAPSHOT_TYPES)
    {
        let id = fixtures::rds::compliant_snapshot(&sdk, ty, &format!("fx-{ok}")).await;
        compliant.push((ok, ty, id));
    }
    let mut resources = Vec::new();
    // Per compliant resource: (weakened target, its check).
    let mut weakened: Vec<Vec<(String, &'static str)>> = Vec::new();
    for (ok, ty, id) in &compliant {
        let checks = exercised_checks_of(ty);
        resources.push(res(ok, ty, id, &checks));
        let mut weak = Vec::new();
        for (j, &check) in checks.iter().enumerate() {
            let target = format!(
                "{ok}-{}",
                check.split('.').nth(1).unwrap().replace('_', "-")
            );
            let prefix = ok.trim_end_matches("-ok");
            let id = match *ty {
                "AWS::RDS::DBInstance" => {
                    fixtures::rds::weakened_db_instance(&sdk, &format!("fx-db-{j}"), check).await
                }
                "AWS::RDS::DBCluster" => {
                    let id = format!("fx-cluster-{j}");
                    fixtures::rds::weakened_db_cluster(&sdk, &id, check).await
                }
                "AWS::RDS::DBSnapshot" | "AWS::RDS::DBClusterSnapshot" => {
                    let id = format!("fx-{prefix}-{j}");
                    fixtures::rds::weakened_snapshot(&sdk, ty, &id, check).await
                }
                _ => {
                    let id = match *ty {
                        "AWS::EC2::VPC" => {
                            let cidr = format!("10.{}.0.0/16", 11 + j);
                            fixtures::ec2::compliant_vpc(&sdk, &cidr, &[]).await
                        }
                        "AWS::EC2::SecurityGroup" => {
                            let name = format!("fx-sg-{j}");
                            fixtures::ec2::compliant_security_group(&sdk, &vpc_ok, &name, &[]).await
                        }
                        "AWS::EC2::VPCEndpoint" => {
                            let cidr = format!("10.{}.0.0/16", 31 + j);
                            let vpc = fixtures::ec2::compliant_vpc(&sdk, &cidr, &[]).await;
                            fixtures::ec2::compliant_vpc_endpoint(&sdk, &vpc, &[]).await
                        }
                        other => panic!("no compliant fixture for {other}"),
                    };
                    fixtures::ec2::weaken(&sdk, &id, check).await.then_some(id)
                }
            };
            let id = id.unwrap_or_else(|| panic!("no e2e fixture for {check} on {ty}"));
            resources.push(res(&target, ty, &id, &checks));
            weak.push((target, check));
        }
        weakened.push(weak);
    }
    let results = qualify(&emu, &resources, &[]);
    for ((ok, ty, _), weak) in compliant.iter().zip(&weakened) {
        let weak: Vec<(&str, &str)> = weak.iter().map(|(t, c)| (t.as_str(), *c)).collect();
        assert_one_failure_each(&results, ok, &weak, &exercised_checks_of(ty));
    }
}

/// The instance, subnet, EBS, route table and network ACL checks: one compliant resource of
/// each type ([`fixtures::ec2::compliant_network`]) and one weakened per registered check of
/// its type ([`fixtures::ec2::weakened_in_network`]), in one qualification (EC2 only: runs on
/// LocalStack too).
#[tokio::test(flavor = "multi_thread")]
async fn catalog_fixtures_ec2_network_each_check_fails_on_its_fixture() {
    let emu = Emulator::start();
    let sdk = sdk(&emu).await;
    let fx = fixtures::ec2::compliant_network(&sdk, "10.60").await;
    let compliant = fx.compliant();
    assert_eq!(
        compliant.iter().map(|(ty, _)| *ty).collect::<Vec<_>>(),
        fixtures::ec2::NETWORK_TYPES
    );
    let mut resources = Vec::new();
    // Per compliant resource: (its target, its checks, the weakened targets with their check).
    let mut groups = Vec::new();
    for (ty, id) in compliant {
        let checks = exercised_checks_of(ty);
        assert!(!checks.is_empty(), "{ty} has no registered check");
        let ok = format!("{}-ok", ty.trim_start_matches("AWS::EC2::").to_lowercase());
        resources.push(res(&ok, ty, id, &checks));
        let mut weak = Vec::new();
        for &check in &checks {
            let id = fixtures::ec2::weakened_in_network(&sdk, &fx, check)
                .await
                .unwrap_or_else(|| {
                    panic!(
                        "no e2e fixture for {check} on {ty} (fixtures::ec2::weakened_in_network)"
                    )
                });
            let target = format!(
                "{ok}-{}",
                check.trim_start_matches("ec2.").replace('_', "-")
            );
            resources.push(res(&target, ty, &id, &checks));
            weak.push((target, check));
        }
        groups.push((ok, checks, weak));
    }
    let results = qualify(&emu, &resources, &[]);
    for (ok, checks, weak) in &groups {
        let weak: Vec<(&str, &str)> = weak.iter().map(|(t, c)| (t.as_str(), *c)).collect();
        assert_one_failure_each(&results, ok, &weak, checks);
    }
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
    let mut stacks = vec![ok];
    for (name, check) in ["fx-tpl", "fx-out", "fx-par", "fx-res"]
        .into_iter()
        .zip(fixtures::stack::CHECKS)
    {
        let mut expected = fixtures::stack::expected_stack(name, &params);
        assert!(
            fixtures::stack::weaken_expectation(&mut expected, check),
            "no expectation for {check}"
        );
        stacks.push(expected);
    }
    assert_eq!(
        stacks.len(),
        5,
        "one stack per check of fixtures::stack::CHECKS"
    );
    let results = qualify(&emu, &[], &stacks);
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
    // The checks asserted above, both ways, are the ones fixtures::stack::CHECKS declares.
    let asserted = [
        "iq.template_hash",
        "iq.stack_outputs",
        "iq.stack_parameters",
        "iq.stack_resources",
    ];
    assert_eq!(asserted, fixtures::stack::CHECKS);
}

/// One resource type's fixtures in a qualification: the compliant resource and, per registered
/// check of the type ([`fixtures::checks_of`]), the weakened resources its fixture module
/// builds (each resource's key is its identifier).
struct ServiceFixtures {
    ty: &'static str,
    checks: Vec<&'static str>,
    compliant: String,
    weakened: Vec<(String, &'static str)>,
}

impl ServiceFixtures {
    fn new(ty: &'static str, compliant: String) -> Self {
        ServiceFixtures {
            ty,
            checks: fixtures::checks_of(ty),
            compliant,
            weakened: Vec::new(),
        }
    }

    /// Record the resources weakened for `check` (`None`: `fixture` has no weakening for it).
    fn weakened(&mut self, check: &'static str, ids: Option<Vec<String>>, fixture: &str) {
        let ids = ids.unwrap_or_else(|| panic!("no e2e fixture for {check} ({fixture})"));
        assert!(!ids.is_empty(), "{fixture}: no resource for {check}");
        self.weakened.extend(ids.into_iter().map(|id| (id, check)));
    }

    /// The checks weakened here (the type's checks a fixture module weakens).
    fn exercised(&self) -> Vec<&'static str> {
        self.checks
            .iter()
            .copied()
            .filter(|c| is_exercised_here(c))
            .collect()
    }

    fn resources(&self) -> Vec<Res> {
        std::iter::once(&self.compliant)
            .chain(self.weakened.iter().map(|(id, _)| id))
            .map(|id| res(id, self.ty, id, &self.checks))
            .collect()
    }

    /// The compliant resource passes every weakened check, each weakened resource fails its
    /// own and passes the others.
    fn assert(&self, results: &BTreeMap<(String, String, String), String>) {
        let weak: Vec<(&str, &str)> = self
            .weakened
            .iter()
            .map(|(id, c)| (id.as_str(), *c))
            .collect();
        assert_one_failure_each(results, &self.compliant, &weak, &self.exercised());
    }
}

/// SNS, SQS and Lambda: one qualification, each weakened resource fails exactly its check,
/// the compliant ones pass.
#[tokio::test(flavor = "multi_thread")]
async fn catalog_fixtures_sns_sqs_lambda_each_check_fails_on_its_fixture() {
    let emu = Emulator::start();
    let sdk = sdk(&emu).await;
    let key = fixtures::logs::create_kms_key(&sdk, "messaging").await;
    let account = fixtures::config::account_id(&sdk).await;
    let role = fixtures::lambda::execution_role(&sdk, "fx-lambda-role").await;
    let ok = fixtures::sns::topic(&sdk, "fx-topic-ok", Some(&key)).await;
    let mut topics = ServiceFixtures::new("AWS::SNS::Topic", ok);
    let ok = fixtures::sqs::queue(&sdk, "fx-queue-ok", Some(&key)).await;
    let mut queues = ServiceFixtures::new("AWS::SQS::Queue", ok);
    let ok = fixtures::lambda::compliant_function(&sdk, "fx-fn-ok", &role, &account).await;
    let mut functions = ServiceFixtures::new("AWS::Lambda::Function", ok);
    for (i, check) in topics.exercised().into_iter().enumerate() {
        let id = fixtures::sns::weakened_topic(&sdk, &format!("fx-topic-{i}"), check).await;
        topics.weakened(
            check,
            id.map(|id| vec![id]),
            "fixtures::sns::weakened_topic",
        );
    }
    for (i, check) in queues.exercised().into_iter().enumerate() {
        let id = fixtures::sqs::weakened_queue(&sdk, &format!("fx-queue-{i}"), check).await;
        queues.weakened(
            check,
            id.map(|id| vec![id]),
            "fixtures::sqs::weakened_queue",
        );
    }
    for (i, check) in functions.exercised().into_iter().enumerate() {
        let name = format!("fx-fn-{i}");
        let ids = fixtures::lambda::weakened_functions(&sdk, &name, &role, &account, check).await;
        functions.weakened(check, ids, "fixtures::lambda::weakened_functions");
    }
    let services = [topics, queues, functions];
    let resources: Vec<Res> = services
        .iter()
        .flat_map(ServiceFixtures::resources)
        .collect();
    let results = qualify(&emu, &resources, &[]);
    for s in &services {
        s.assert(&results);
    }
}

/// DynamoDB and Secrets Manager: one qualification, each weakened resource fails exactly its
/// check, the compliant ones pass.
#[tokio::test(flavor = "multi_thread")]
async fn catalog_fixtures_dynamodb_and_secrets_each_check_fails_on_its_fixture() {
    let Some(emu) = Emulator::start_needing(&[Needs::DynamoDb, Needs::SecretRotationWithoutLambda])
    else {
        return;
    };
    let sdk = sdk(&emu).await;
    let key = fixtures::logs::create_kms_key(&sdk, "data services").await;
    let ok = fixtures::dynamodb::compliant_table(&sdk, "fx-ddb-ok", &key).await;
    let mut tables = ServiceFixtures::new("AWS::DynamoDB::Table", ok);
    let ok = fixtures::secretsmanager::compliant_secret(&sdk, "fx-secret-ok", &key).await;
    let mut secrets = ServiceFixtures::new("AWS::SecretsManager::Secret", ok);
    for (i, check) in tables.exercised().into_iter().enumerate() {
        let name = format!("fx-ddb-{i}");
        let id = fixtures::dynamodb::weakened_table(&sdk, &name, &key, check).await;
        tables.weakened(
            check,
            id.map(|id| vec![id]),
            "fixtures::dynamodb::weakened_table",
        );
    }
    for (i, check) in secrets.exercised().into_iter().enumerate() {
        let name = format!("fx-secret-{i}");
        let id = fixtures::secretsmanager::weakened_secret(&sdk, &name, &key, check).await;
        let fixture = "fixtures::secretsmanager::weakened_secret";
        secrets.weakened(check, id.map(|id| vec![id]), fixture);
    }
    let services = [tables, secrets];
    let resources: Vec<Res> = services
        .iter()
        .flat_map(ServiceFixtures::resources)
        .collect();
    let results = qualify(&emu, &resources, &[]);
    for s in &services {
        s.assert(&results);
    }
}

/// EFS and AWS Backup (not in LocalStack's community edition): one qualification. The
/// recovery-point checks (moto's gaps in [`emulator_coverage::GAPS`]) read ListRecoveryPointsByBackupVault,
/// which moto does not implement: on the vaults they are `error`, never `passed`.
#[tokio::test(flavor = "multi_thread")]
async fn catalog_fixtures_efs_and_backup_each_check_fails_on_its_fixture() {
    let Some(emu) = Emulator::start_needing(&[Needs::Efs, Needs::Backup]) else {
        return;
    };
    let sdk = sdk(&emu).await;
    let key = fixtures::logs::create_kms_key(&sdk, "efs and backup").await;
    let ok = fixtures::efs::compliant_file_system(&sdk, "fx-efs-ok", &key).await;
    let mut file_systems = ServiceFixtures::new("AWS::EFS::FileSystem", ok);
    for (i, check) in file_systems.exercised().into_iter().enumerate() {
        let token = format!("fx-efs-{i}");
        let id = fixtures::efs::weakened_file_system(&sdk, &token, &key, check).await;
        let fixture = "fixtures::efs::weakened_file_system";
        file_systems.weakened(check, id.map(|id| vec![id]), fixture);
    }
    let vault_ok = fixtures::backup::vault(&sdk, "fx-vault-ok", &key, true).await;
    let mut vaults = ServiceFixtures::new("AWS::Backup::BackupVault", vault_ok.clone());
    for (i, check) in vaults.exercised().into_iter().enumerate() {
        let name = format!("fx-vault-{i}");
        let id = fixtures::backup::weakened_vault(&sdk, &name, &key, check).await;
        vaults.weakened(
            check,
            id.map(|id| vec![id]),
            "fixtures::backup::weakened_vault",
        );
    }
    let ok = fixtures::backup::compliant_plan(&sdk, "fx-plan-ok", &vault_ok).await;
    let mut plans = ServiceFixtures::new("AWS::Backup::BackupPlan", ok);
    for (i, check) in plans.exercised().into_iter().enumerate() {
        let name = format!("fx-plan-{i}");
        let ids = fixtures::backup::weakened_plans(&sdk, &name, &vault_ok, check).await;
        plans.weakened(check, ids, "fixtures::backup::weakened_plans");
    }
    let services = [file_systems, vaults, plans];
    let resources: Vec<Res> = services
        .iter()
        .flat_map(ServiceFixtures::resources)
        .collect();
    let results = qualify(&emu, &resources, &[]);
    for s in &services {
        s.assert(&results);
    }
    // The vault checks without a weakening here: no recovery point to read.
    let vaults = &services[1];
    let unexercised: Vec<&str> = vaults
        .checks
        .iter()
        .copied()
        .filter(|c| !vaults.exercised().contains(c))
        .collect();
    for c in unexercised {
        let targets =
            std::iter::once(&vaults.compliant).chain(vaults.weakened.iter().map(|(id, _)| id));
        for vault in targets {
            let got = status(&results, vault, c);
            // moto: no ListRecoveryPointsByBackupVault; AWS: the fixture vaults are empty.
            let allowed = if emu.backend() == Backend::Moto {
                "error"
            } else {
                "failed"
            };
            assert_eq!(got, allowed, "{c} on {vault}");
        }
    }
}

/// CloudWatch alarms (LocalStack only: moto 5.2 does not serve the CBOR protocol of the
/// CloudWatch SDK): one qualification; each weakened alarm fails exactly its check, an alarm
/// without alarm actions fails `cloudwatch.alarm_actions` too.
#[tokio::test(flavor = "multi_thread")]
async fn catalog_fixtures_cloudwatch_alarm_fails_without_actions() {
    let Some(emu) = Emulator::start_needing(&[Needs::CloudWatchCbor]) else {
        return;
    };
    let sdk = sdk(&emu).await;
    let ty = "AWS::CloudWatch::Alarm";
    let topic = fixtures::cloudwatch::oncall_topic(&sdk, "fx-qa-oncall").await;
    let ok = fixtures::cloudwatch::compliant_alarm(&sdk, "fx-alarm-ok", &topic).await;
    let mut alarms = ServiceFixtures::new(ty, ok);
    for (i, check) in alarms.exercised().into_iter().enumerate() {
        let name = format!("fx-alarm-{i}");
        fixtures::cloudwatch::compliant_alarm(&sdk, &name, &topic).await;
        let weakened = fixtures::cloudwatch::weaken(&sdk, &name, check).await;
        alarms.weakened(
            check,
            weakened.then(|| vec![name]),
            "fixtures::cloudwatch::weaken",
        );
    }
    let silent = fixtures::cloudwatch::alarm_without_actions(&sdk, "fx-alarm-silent").await;
    let mut resources = alarms.resources();
    resources.push(res(&silent, ty, &silent, &alarms.checks));
    let results = qualify(&emu, &resources, &[]);
    alarms.assert(&results);
    assert_eq!(
        status(&results, &silent, "cloudwatch.alarm_actions"),
        "failed"
    );
}

/// Application load balancers (moto only: LocalStack's community edition has no ELBv2): one
/// qualification, each weakened load balancer fails exactly its check; discovery through the
/// tagging API makes the tagged one a target with its type's registered checks.
#[tokio::test(flavor = "multi_thread")]
async fn catalog_fixtures_elb_each_check_fails_on_its_fixture() {
    let Some(emu) = Emulator::start_needing(&[Needs::Elbv2]) else {
        return;
    };
    let sdk = sdk(&emu).await;
    let ty = "AWS::ElasticLoadBalancingV2::LoadBalancer";
    let tags = [("gxp:app", "fx-elb")];
    let ok = fixtures::elb::compliant_load_balancer(&sdk, "fx-lb-ok", "10.40.0.0/16", &tags).await;
    let mut lbs = ServiceFixtures::new(ty, ok.clone());
    for (i, check) in lbs.exercised().into_iter().enumerate() {
        let name = format!("fx-lb-{i}");
        let cidr = format!("10.{}.0.0/16", 41 + i);
        let arn = fixtures::elb::compliant_load_balancer(&sdk, &name, &cidr, &[]).await;
        let weakened = fixtures::elb::weaken(&sdk, &arn, check).await;
        lbs.weakened(check, weakened.then(|| vec![arn]), "fixtures::elb::weaken");
    }
    let results = qualify(&emu, &lbs.resources(), &[]);
    lbs.assert(&results);

    // Discovery: the tagging API lists the load balancer, which becomes a target with the
    // registered checks of its type.
    let aws = gxp_core::aws::AwsContext::from_sdk_config(sdk.clone(), emu.s3_path_style());
    let tags = BTreeMap::from([("gxp:app".to_string(), "fx-elb".to_string())]);
    let found = gxp_core::observe::discovery::discover(&aws, &tags)
        .await
        .expect("discovery answers");
    let target = found
        .targets
        .iter()
        .find(|t| t.identifier == ok)
        .unwrap_or_else(|| panic!("load balancer not discovered: {found:?}"));
    assert_eq!(target.resource_type, ty);
    assert_eq!(target.checks, fixtures::checks_of(ty));
}
