//! End-to-end tests of the landing-zone modules' qualification submodules
//! (`modules/<m>/qualification`), applied by real Terraform with the provider under test
//! against moto.
//!
//! Each test builds, through the SDK, the infrastructure a module would build (same names,
//! keys, retention, policies; `tests/e2e/fixtures` builders where they match), applies the
//! qualification submodule with the resources' ids, and checks that every expected check of
//! the module's specification passed and the report was filed in a protected evidence bucket.
//! It then weakens one property per relevant check and applies again: the apply fails with
//! one `Qualification check failed: CHECK on KEY` diagnostic per weakened check.

use std::collections::BTreeMap;

use aws_config::SdkConfig;
use aws_sdk_ec2::types::{
    AttributeBooleanValue, Filter, FlowLogsResourceType, IpPermission, IpRange, LogDestinationType,
    TrafficType, VpcEndpointType,
};
use aws_sdk_s3::types::{
    BucketLoggingStatus, BucketVersioningStatus, DefaultRetention, LoggingEnabled,
    ObjectLockConfiguration, ObjectLockEnabled, ObjectLockRetentionMode, ObjectLockRule,
    ObjectOwnership, OwnershipControls, OwnershipControlsRule, PublicAccessBlockConfiguration,
    ServerSideEncryption, ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration,
    ServerSideEncryptionRule, VersioningConfiguration,
};
use serde_json::{json, Value};

use crate::fixtures;
use crate::harness::{repo_root, Backend, Emulator, Needs, TfRun, Workspace};
use crate::qualification::{assert_filed_reports_valid, protected_bucket, split_s3};

/// Protected bucket (versioning, Object Lock) the module qualifications file their reports to.
const STORE: &str = "gxp-modules-store";
const APPROVAL: &str = "{ approved_by = \"qa.lead@example.com\", approved_at = \"2026-01-01\", change_reference = \"CR-2026-001\" }";
const VPC_CIDR: &str = "10.20.0.0/16";
const LOG_RETENTION_DAYS: i32 = 365;

// ------------------------------------------------------------------ Terraform plumbing

/// Absolute source of a module's qualification submodule.
fn source(module: &str) -> String {
    repo_root()
        .join("modules")
        .join(module)
        .join("qualification")
        .display()
        .to_string()
}

/// Root configuration: the gxp provider, `modules` and the `expected_resources` of each
/// module named in `outputs` as root outputs.
fn root_config(modules: &str, outputs: &[&str]) -> String {
    let mut out = String::from(
        "terraform {\n  required_providers {\n    gxp = { source = \"gxp/gxp\" }\n  }\n}\n\nprovider \"gxp\" {\n  s3_use_path_style = true\n  max_retries       = 1\n}\n\n",
    );
    out.push_str(modules);
    for name in outputs {
        out.push_str(&format!(
            "\noutput \"{name}_expected\" {{\n  value = module.{name}.expected_resources\n}}\n"
        ));
    }
    out
}

/// `KEY = "value"` lines of a module block.
fn args(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("  {k} = {v}\n"))
        .collect()
}

fn q(s: &str) -> String {
    format!("{s:?}")
}

/// Write the configuration, install the modules (`terraform get`: the gxp provider comes
/// from `dev_overrides`, so no `init` is needed) and apply.
fn apply_new(emu: &Emulator, config: &str) -> (Workspace, TfRun) {
    let ws = Workspace::new(emu);
    ws.write("main.tf", config);
    ws.terraform(&["get", "-no-color"]).assert_success();
    let run = ws.apply();
    (ws, run)
}

/// The expected resources of module `name` (root output `<name>_expected`).
fn expected_resources(ws: &Workspace, name: &str) -> Vec<Value> {
    let out = ws.terraform(&["output", "-json", &format!("{name}_expected")]);
    out.assert_success();
    serde_json::from_str::<Value>(&out.stdout)
        .expect("output is JSON")
        .as_array()
        .expect("expected_resources is a list")
        .clone()
}

/// `(target, check_id)` → status of the qualification's results.
fn results(q: &Value) -> BTreeMap<(String, String), Vec<String>> {
    let mut out: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for r in q["results"].as_object().expect("results map").values() {
        let s = |k: &str| r[k].as_str().unwrap_or_default().to_string();
        out.entry((s("target"), s("check_id")))
            .or_default()
            .push(s("status"));
    }
    out
}

/// Checks the emulator cannot evaluate, as `(check, key)`: neither moto 5.2.1 (HTTP 500,
/// NotImplementedError) nor LocalStack 2026.3.0 (HTTP 501) has AWS Config
/// DescribeDeliveryChannelStatus, so `config.delivery_channel` is an error there (never a
/// pass). Empty on real AWS.
fn unsupported(
    emu: &Emulator,
    pairs: &[(&'static str, &'static str)],
) -> Vec<(&'static str, &'static str)> {
    if emu.backend() != Backend::Aws {
        pairs.to_vec()
    } else {
        Vec::new()
    }
}

/// The compliant infrastructure qualified: every catalog check of every expected resource
/// (and its existence) passed, except the `unsupported` ones, which are errors; the apply
/// passed (or failed on those errors only) and the report is filed in `store`.
fn assert_qualified(
    run: &TfRun,
    q: &Value,
    expected: &[Value],
    store: &str,
    unsupported: &[(&str, &str)],
) {
    if unsupported.is_empty() {
        run.assert_success();
        assert_eq!(q["status"], "passed", "{q:#}");
    } else {
        run.assert_failure()
            .assert_not_contains("Qualification check failed");
        for (check, key) in unsupported {
            run.assert_contains(&format!(
                "Qualification check could not be evaluated: {check} on {key}"
            ));
        }
        assert_eq!(q["status"], "error", "{q:#}");
    }
    assert_eq!(q["failed_count"], 0, "{q:#}");
    assert_eq!(q["error_count"], unsupported.len(), "{q:#}");
    let results = results(q);
    for r in expected {
        let key = r["key"].as_str().expect("key");
        let mut checks: Vec<&str> = r["checks"]
            .as_array()
            .expect("checks")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        checks.push("iq.resource_exists");
        for check in checks {
            let statuses = results
                .get(&(key.to_string(), check.to_string()))
                .unwrap_or_else(|| panic!("no result for {check} on {key}: {results:#?}"));
            let want = if unsupported.contains(&(check, key)) {
                "error"
            } else {
                "passed"
            };
            assert!(
                statuses.iter().all(|s| s == want),
                "{check} on {key}: {statuses:?}, expected {want}"
            );
        }
    }
    let (bucket, _) = split_s3(q["report_location"].as_str().expect("report_location"));
    assert_eq!(bucket, store, "{q:#}");
}

/// After a passing qualification the plan is empty; after a first run that ended in errors
/// the plan has changes (Terraform taints a resource whose creation reported errors, so it
/// is replaced: a new run).
fn assert_plan_after(ws: &Workspace, unsupported: &[(&str, &str)]) {
    if unsupported.is_empty() {
        ws.assert_plan_empty();
    } else {
        let plan = ws.plan();
        assert!(plan.plan_has_changes(), "{}", plan.combined());
    }
}

/// The apply failed with one diagnostic per `(check, key)`.
fn assert_failed_checks(run: &TfRun, failures: &[(&str, &str)]) {
    run.assert_failure();
    for (check, key) in failures {
        run.assert_contains(&format!("Qualification check failed: {check} on {key}"));
    }
}

/// After a failed run: the state records it, its report is filed in `store` and, when the
/// first run passed (an in-place requalification), it is the second of the chain.
fn assert_failed_run_recorded(
    q: &Value,
    failures: &[(&str, &str)],
    store: &str,
    first_run_passed: bool,
) {
    assert_eq!(q["status"], "failed", "{q:#}");
    if first_run_passed {
        assert_eq!(q["report_sequence"], 2, "{q:#}");
    }
    let (bucket, _) = split_s3(q["report_location"].as_str().expect("report_location"));
    assert_eq!(bucket, store);
    let results = results(q);
    for (check, key) in failures {
        let statuses = results
            .get(&(key.to_string(), check.to_string()))
            .unwrap_or_else(|| panic!("no result for {check} on {key}"));
        assert!(
            statuses.iter().any(|s| s == "failed"),
            "{check} on {key}: {statuses:?}"
        );
    }
}

// ------------------------------------------------------------------ S3 and KMS helpers

fn s3(sdk: &SdkConfig) -> aws_sdk_s3::Client {
    fixtures::s3::client(sdk)
}

async fn key_arn(sdk: &SdkConfig, key_id: &str) -> String {
    aws_sdk_kms::Client::new(sdk)
        .describe_key()
        .key_id(key_id)
        .send()
        .await
        .expect("KMS DescribeKey")
        .key_metadata()
        .and_then(|m| m.arn())
        .expect("key ARN")
        .to_string()
}

/// Replace the bucket policy with `extra` statements plus the TLS-only deny (as the modules'
/// bucket policies do). The TLS deny comes last: moto 5.2.1's PutBucketLogging permission
/// check fails with HTTP 500 on a target-bucket statement whose `Principal` is the string
/// `"*"` unless a logging-service statement precedes it.
async fn put_policy(sdk: &SdkConfig, bucket: &str, extra: Vec<Value>) {
    let mut statements = extra;
    statements.extend(
        fixtures::s3::tls_only_policy(bucket)["Statement"]
            .as_array()
            .expect("statements")
            .iter()
            .cloned(),
    );
    s3(sdk)
        .put_bucket_policy()
        .bucket(bucket)
        .policy(json!({"Version": "2012-10-17", "Statement": statements}).to_string())
        .send()
        .await
        .expect("S3 PutBucketPolicy");
}

async fn put_versioning(sdk: &SdkConfig, bucket: &str) {
    s3(sdk)
        .put_bucket_versioning()
        .bucket(bucket)
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .expect("S3 PutBucketVersioning");
}

async fn put_encryption(sdk: &SdkConfig, bucket: &str, kms_key: Option<&str>) {
    let algorithm = if kms_key.is_some() {
        ServerSideEncryption::AwsKms
    } else {
        ServerSideEncryption::Aes256
    };
    let by_default = ServerSideEncryptionByDefault::builder()
        .sse_algorithm(algorithm)
        .set_kms_master_key_id(kms_key.map(str::to_string))
        .build()
        .expect("ServerSideEncryptionByDefault");
    s3(sdk)
        .put_bucket_encryption()
        .bucket(bucket)
        .server_side_encryption_configuration(
            ServerSideEncryptionConfiguration::builder()
                .rules(
                    ServerSideEncryptionRule::builder()
                        .apply_server_side_encryption_by_default(by_default)
                        .bucket_key_enabled(kms_key.is_some())
                        .build(),
                )
                .build()
                .expect("ServerSideEncryptionConfiguration"),
        )
        .send()
        .await
        .expect("S3 PutBucketEncryption");
}

async fn block_public_access(sdk: &SdkConfig, bucket: &str) {
    s3(sdk)
        .put_public_access_block()
        .bucket(bucket)
        .public_access_block_configuration(
            PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .expect("S3 PutPublicAccessBlock");
}

/// Object Ownership BucketOwnerEnforced (ACLs disabled), as the modules'
/// `aws_s3_bucket_ownership_controls` set it: moto creates buckets without ownership
/// controls (AWS and LocalStack create them BucketOwnerEnforced already).
async fn enforce_bucket_owner(sdk: &SdkConfig, bucket: &str) {
    s3(sdk)
        .put_bucket_ownership_controls()
        .bucket(bucket)
        .ownership_controls(
            OwnershipControls::builder()
                .rules(
                    OwnershipControlsRule::builder()
                        .object_ownership(ObjectOwnership::BucketOwnerEnforced)
                        .build()
                        .expect("OwnershipControlsRule"),
                )
                .build()
                .expect("OwnershipControls"),
        )
        .send()
        .await
        .expect("S3 PutBucketOwnershipControls");
}

async fn enable_access_logging(sdk: &SdkConfig, bucket: &str, log_bucket: &str) {
    s3(sdk)
        .put_bucket_logging()
        .bucket(bucket)
        .bucket_logging_status(
            BucketLoggingStatus::builder()
                .logging_enabled(
                    LoggingEnabled::builder()
                        .target_bucket(log_bucket)
                        .target_prefix(format!("{bucket}/"))
                        .build()
                        .expect("LoggingEnabled"),
                )
                .build(),
        )
        .send()
        .await
        .expect("S3 PutBucketLogging");
}

/// The access-log bucket of the modules: versioned, SSE-S3, all public access blocked, ACLs
/// disabled (bucket owner enforced), TLS-only, writable by the S3 logging service for
/// `source` only.
async fn harden_log_bucket(sdk: &SdkConfig, log_bucket: &str, source: &str) {
    put_versioning(sdk, log_bucket).await;
    put_encryption(sdk, log_bucket, None).await;
    block_public_access(sdk, log_bucket).await;
    enforce_bucket_owner(sdk, log_bucket).await;
    put_policy(
        sdk,
        log_bucket,
        vec![json!({
            "Sid": "S3ServerAccessLogDelivery",
            "Effect": "Allow",
            "Principal": {"Service": "logging.s3.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": format!("arn:aws:s3:::{log_bucket}/*"),
            "Condition": {"ArnLike": {"aws:SourceArn": format!("arn:aws:s3:::{source}")}}
        })],
    )
    .await;
}

/// Statements of a fixture bucket policy (JSON text).
fn statements(policy: &str) -> Vec<Value> {
    serde_json::from_str::<Value>(policy).expect("policy JSON")["Statement"]
        .as_array()
        .expect("statements")
        .clone()
}

/// Default retention GOVERNANCE instead of COMPLIANCE (fails `s3.object_lock` with mode
/// COMPLIANCE; Object Lock itself cannot be turned off).
async fn weaken_object_lock_mode(sdk: &SdkConfig, bucket: &str) {
    s3(sdk)
        .put_object_lock_configuration()
        .bucket(bucket)
        .object_lock_configuration(
            ObjectLockConfiguration::builder()
                .object_lock_enabled(ObjectLockEnabled::Enabled)
                .rule(
                    ObjectLockRule::builder()
                        .default_retention(
                            DefaultRetention::builder()
                                .mode(ObjectLockRetentionMode::Governance)
                                .days(1)
                                .build(),
                        )
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("S3 PutObjectLockConfiguration (GOVERNANCE)");
}

// ------------------------------------------------------------------ evidence store

/// What the evidence-store module builds.
struct EvidenceStore {
    bucket: String,
    log_bucket: String,
    key_id: String,
    key_arn: String,
}

/// Evidence bucket `name` (Object Lock COMPLIANCE 1 day, versioning, SSE-KMS with a rotating
/// key, public access blocked, TLS-only, access-logged) and its hardened log bucket.
async fn build_evidence_store(sdk: &SdkConfig, name: &str) -> EvidenceStore {
    let key_id = fixtures::kms::compliant_key(sdk).await;
    let log_bucket = format!("{name}-access-logs");
    fixtures::s3::compliant_bucket(sdk, name, &key_id, &log_bucket).await;
    harden_log_bucket(sdk, &log_bucket, name).await;
    EvidenceStore {
        bucket: name.to_string(),
        key_arn: key_arn(sdk, &key_id).await,
        log_bucket,
        key_id,
    }
}

fn evidence_module(ev: &EvidenceStore, enabled: bool, store: Option<&str>) -> String {
    let mut pairs = vec![
        ("source", q(&source("evidence-store"))),
        ("enabled", enabled.to_string()),
        ("name", q("lz-test-evidence-store")),
        ("application_id", q("landing-zone")),
        ("environment", q("test")),
        ("approval", APPROVAL.to_string()),
        ("evidence_bucket_name", q(&ev.bucket)),
        ("evidence_kms_key_arn", q(&ev.key_arn)),
        ("access_log_bucket_name", q(&ev.log_bucket)),
        ("retention_days", "1".to_string()),
    ];
    if let Some(store) = store {
        pairs.push(("evidence_store", format!("{{ s3_bucket = {} }}", q(store))));
    }
    format!("module \"evidence_store\" {{\n{}}}\n", args(&pairs))
}

#[tokio::test(flavor = "multi_thread")]
async fn modules_evidence_store_qualification_passes_then_names_each_weakened_check() {
    let emu = Emulator::start();
    let sdk = emu.sdk_config().await;
    protected_bucket(&sdk, STORE).await;
    let ev = build_evidence_store(&sdk, "lz-test-evidence").await;

    let config = root_config(
        &evidence_module(&ev, true, Some(STORE)),
        &["evidence_store"],
    );
    let (ws, run) = apply_new(&emu, &config);
    let expected = expected_resources(&ws, "evidence_store");
    assert_eq!(expected.len(), 3);
    let address = "module.evidence_store.gxp_qualification.this[0]";
    assert_qualified(&run, &ws.resource_values(address), &expected, STORE, &[]);
    ws.assert_plan_empty();

    // The evidence bucket keeps versioning: AWS (and LocalStack) refuse to suspend it on a
    // bucket with Object Lock (InvalidBucketState; "you can't disable Object Lock or
    // suspend versioning for the bucket",
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html). Its Object
    // Lock mode is weakened instead; the log bucket, without Object Lock, loses versioning.
    weaken_object_lock_mode(&sdk, &ev.bucket).await;
    fixtures::s3::weaken_encryption(&sdk, &ev.bucket).await;
    fixtures::s3::weaken_public_access_block(&sdk, &ev.bucket).await;
    fixtures::s3::weaken_tls_only(&sdk, &ev.bucket).await;
    fixtures::s3::weaken_access_logging(&sdk, &ev.bucket).await;
    fixtures::s3::weaken_versioning(&sdk, &ev.log_bucket).await;
    fixtures::s3::weaken_acl_disabled(&sdk, &ev.log_bucket).await;
    fixtures::kms::weaken_rotation(&sdk, &ev.key_id).await;
    let failures = [
        ("s3.encryption", "evidence_bucket"),
        ("s3.public_access_block", "evidence_bucket"),
        ("s3.tls_only", "evidence_bucket"),
        ("s3.access_logging", "evidence_bucket"),
        ("s3.object_lock", "evidence_bucket"),
        ("s3.versioning", "evidence_access_logs"),
        ("s3.acl_disabled", "evidence_access_logs"),
        ("kms.rotation", "evidence_kms_key"),
    ];
    let run = ws.apply();
    assert_failed_checks(&run, &failures);
    run.assert_contains(
        "Qualification check failed: iq.resource_properties VersioningConfiguration.Status on evidence_access_logs",
    );
    assert_failed_run_recorded(&ws.resource_values(address), &failures, STORE, true);
    // Every report filed (the passing and the failing run) validates against the schema.
    assert_eq!(assert_filed_reports_valid(&sdk, STORE).await.len(), 2);
}

// ------------------------------------------------------------------ audit trail

/// What the audit-trail module builds.
struct AuditTrail {
    name: String,
    arn: String,
    bucket: String,
    log_bucket: String,
    key_id: String,
    key_arn: String,
    log_group: String,
    gxp_bucket_arns: Vec<String>,
}

/// A trail `name` like the module's: multi-region with global events, log-file validation,
/// one rotating KMS key for log files, bucket and log group, CloudWatch Logs delivery to
/// `/aws/cloudtrail/<name>` (365 days), S3 data events for `gxp_buckets` (created here), an
/// Object Lock trail bucket with the CloudTrail and TLS-only policy, access logging, logging on.
async fn build_audit_trail(sdk: &SdkConfig, name: &str, gxp_buckets: &[&str]) -> AuditTrail {
    let account = fixtures::config::account_id(sdk).await;
    let key_id = fixtures::kms::compliant_key(sdk).await;
    let key_arn = key_arn(sdk, &key_id).await;
    let bucket = format!("{name}-audit-trail");
    let log_bucket = format!("{bucket}-access-logs");
    fixtures::s3::compliant_bucket(sdk, &bucket, &key_id, &log_bucket).await;
    harden_log_bucket(sdk, &log_bucket, &bucket).await;
    put_policy(
        sdk,
        &bucket,
        statements(&fixtures::cloudtrail::trail_bucket_policy(
            &bucket, &account,
        )),
    )
    .await;

    let log_group = format!("/aws/cloudtrail/{name}");
    let logs = aws_sdk_cloudwatchlogs::Client::new(sdk);
    logs.create_log_group()
        .log_group_name(&log_group)
        .kms_key_id(&key_arn)
        .send()
        .await
        .expect("CloudWatch Logs CreateLogGroup");
    logs.put_retention_policy()
        .log_group_name(&log_group)
        .retention_in_days(LOG_RETENTION_DAYS)
        .send()
        .await
        .expect("CloudWatch Logs PutRetentionPolicy");
    let log_group_arn = fixtures::logs::log_group_arn(sdk, &log_group).await;

    let mut gxp_bucket_arns = Vec::new();
    for b in gxp_buckets {
        fixtures::config::create_bucket(sdk, b, None).await;
        gxp_bucket_arns.push(format!("arn:aws:s3:::{b}"));
    }
    let ct = aws_sdk_cloudtrail::Client::new(sdk);
    let arn = ct
        .create_trail()
        .name(name)
        .s3_bucket_name(&bucket)
        .is_multi_region_trail(true)
        .include_global_service_events(true)
        .enable_log_file_validation(true)
        .kms_key_id(&key_arn)
        .cloud_watch_logs_log_group_arn(format!("{log_group_arn}:*"))
        .cloud_watch_logs_role_arn(format!("arn:aws:iam::{account}:role/gxp-trail-logs"))
        .send()
        .await
        .expect("CloudTrail CreateTrail")
        .trail_arn()
        .expect("trail ARN")
        .to_string();
    let mut data = aws_sdk_cloudtrail::types::DataResource::builder().r#type("AWS::S3::Object");
    for a in &gxp_bucket_arns {
        data = data.values(format!("{a}/"));
    }
    ct.put_event_selectors()
        .trail_name(name)
        .event_selectors(
            aws_sdk_cloudtrail::types::EventSelector::builder()
                .read_write_type(aws_sdk_cloudtrail::types::ReadWriteType::All)
                .include_management_events(true)
                .data_resources(data.build())
                .build(),
        )
        .send()
        .await
        .expect("CloudTrail PutEventSelectors");
    ct.start_logging()
        .name(name)
        .send()
        .await
        .expect("CloudTrail StartLogging");
    AuditTrail {
        name: name.to_string(),
        arn,
        bucket,
        log_bucket,
        key_id,
        key_arn,
        log_group,
        gxp_bucket_arns,
    }
}

fn audit_trail_module(t: &AuditTrail, enabled: bool, store: Option<&str>) -> String {
    let arns: Vec<String> = t.gxp_bucket_arns.iter().map(|a| q(a)).collect();
    let mut pairs = vec![
        ("source", q(&source("audit-trail"))),
        ("enabled", enabled.to_string()),
        ("name", q("lz-test-audit-trail")),
        ("application_id", q("landing-zone")),
        ("environment", q("test")),
        ("approval", APPROVAL.to_string()),
        ("trail_arn", q(&t.arn)),
        ("trail_bucket_name", q(&t.bucket)),
        ("access_log_bucket_name", q(&t.log_bucket)),
        ("kms_key_arn", q(&t.key_arn)),
        ("log_group_name", q(&t.log_group)),
        ("log_retention_days", LOG_RETENTION_DAYS.to_string()),
        ("trail_retention_days", "1".to_string()),
        ("gxp_bucket_arns", format!("[{}]", arns.join(", "))),
    ];
    if let Some(store) = store {
        pairs.push(("evidence_store", format!("{{ s3_bucket = {} }}", q(store))));
    }
    format!("module \"audit_trail\" {{\n{}}}\n", args(&pairs))
}

#[tokio::test(flavor = "multi_thread")]
async fn modules_audit_trail_qualification_passes_then_names_each_weakened_check() {
    let Some(emu) = Emulator::start_needing(&[Needs::CloudTrail]) else {
        return;
    };
    let sdk = emu.sdk_config().await;
    protected_bucket(&sdk, STORE).await;
    let trail = build_audit_trail(&sdk, "lz-test-trail", &["lz-test-lims-records"]).await;

    let config = root_config(
        &audit_trail_module(&trail, true, Some(STORE)),
        &["audit_trail"],
    );
    let (ws, run) = apply_new(&emu, &config);
    let expected = expected_resources(&ws, "audit_trail");
    assert_eq!(expected.len(), 6, "{expected:#?}");
    let address = "module.audit_trail.gxp_qualification.this[0]";
    assert_qualified(&run, &ws.resource_values(address), &expected, STORE, &[]);
    ws.assert_plan_empty();

    fixtures::cloudtrail::weaken_stop_logging(&sdk, &trail.name).await;
    fixtures::cloudtrail::weaken_single_region(&sdk, &trail.name).await;
    fixtures::cloudtrail::weaken_log_file_validation(&sdk, &trail.name).await;
    fixtures::cloudtrail::weaken_kms(&sdk, &trail.name).await;
    fixtures::cloudtrail::weaken_cloudwatch_logs(&sdk, &trail.name).await;
    fixtures::cloudtrail::weaken_s3_data_events(&sdk, &trail.name).await;
    fixtures::logs::weaken_retention(&sdk, &trail.log_group).await;
    fixtures::s3::weaken_tls_only(&sdk, &trail.bucket).await;
    fixtures::s3::weaken_acl_disabled(&sdk, &trail.bucket).await;
    fixtures::s3::weaken_public_access_block(&sdk, &trail.log_bucket).await;
    fixtures::kms::weaken_rotation(&sdk, &trail.key_id).await;
    let failures = [
        ("cloudtrail.logging", "audit_trail"),
        ("cloudtrail.multi_region", "audit_trail"),
        ("cloudtrail.log_file_validation", "audit_trail"),
        ("cloudtrail.kms", "audit_trail"),
        ("cloudtrail.cloudwatch_logs", "audit_trail"),
        (
            "cloudtrail.s3_data_events",
            "audit_trail_data_events:lz-test-lims-records",
        ),
        ("logs.retention", "audit_trail_log_group"),
        ("s3.tls_only", "audit_trail_bucket"),
        ("s3.acl_disabled", "audit_trail_bucket"),
        ("s3.public_access_block", "audit_trail_access_logs"),
        ("kms.rotation", "audit_trail_kms_key"),
    ];
    let run = ws.apply();
    assert_failed_checks(&run, &failures);
    assert_failed_run_recorded(&ws.resource_values(address), &failures, STORE, true);
    // Every report filed (the passing and the failing run) validates against the schema.
    assert_eq!(assert_filed_reports_valid(&sdk, STORE).await.len(), 2);
}

// ------------------------------------------------------------------ configuration baseline

/// What the config-baseline module builds.
struct ConfigBaseline {
    fx: fixtures::config::ConfigFixture,
    log_bucket: String,
    key_arn: String,
}

/// Recorder, channel and Config bucket (fixture), the bucket hardened like the module's:
/// versioning, SSE-KMS with a rotating key, public access blocked, ACLs disabled (bucket
/// owner enforced), TLS-only plus the AWS Config statements, access logging to a hardened
/// log bucket.
async fn build_config_baseline(sdk: &SdkConfig, prefix: &str) -> ConfigBaseline {
    let account = fixtures::config::account_id(sdk).await;
    let fx = fixtures::config::compliant_config(sdk, prefix).await;
    let key_id = fixtures::kms::compliant_key(sdk).await;
    let log_bucket = format!("{}-access-logs", fx.bucket);
    fixtures::config::create_bucket(sdk, &log_bucket, None).await;
    harden_log_bucket(sdk, &log_bucket, &fx.bucket).await;
    put_versioning(sdk, &fx.bucket).await;
    put_encryption(sdk, &fx.bucket, Some(&key_id)).await;
    block_public_access(sdk, &fx.bucket).await;
    enforce_bucket_owner(sdk, &fx.bucket).await;
    put_policy(
        sdk,
        &fx.bucket,
        statements(&fixtures::config::config_bucket_policy(
            &fx.bucket, &account,
        )),
    )
    .await;
    enable_access_logging(sdk, &fx.bucket, &log_bucket).await;
    ConfigBaseline {
        key_arn: key_arn(sdk, &key_id).await,
        fx,
        log_bucket,
    }
}

fn config_module(c: &ConfigBaseline, enabled: bool, store: Option<&str>) -> String {
    let mut pairs = vec![
        ("source", q(&source("config-baseline"))),
        ("enabled", enabled.to_string()),
        ("name", q("lz-test-config-baseline")),
        ("application_id", q("landing-zone")),
        ("environment", q("test")),
        ("approval", APPROVAL.to_string()),
        ("recorder_name", q(&c.fx.recorder)),
        ("delivery_channel_name", q(&c.fx.channel)),
        ("config_bucket_name", q(&c.fx.bucket)),
        ("access_log_bucket_name", q(&c.log_bucket)),
        ("kms_key_arn", q(&c.key_arn)),
    ];
    if let Some(store) = store {
        pairs.push(("evidence_store", format!("{{ s3_bucket = {} }}", q(store))));
    }
    format!("module \"config_baseline\" {{\n{}}}\n", args(&pairs))
}

#[tokio::test(flavor = "multi_thread")]
async fn modules_config_baseline_qualification_passes_then_names_each_weakened_check() {
    let emu = Emulator::start();
    let sdk = emu.sdk_config().await;
    protected_bucket(&sdk, STORE).await;
    let cfg = build_config_baseline(&sdk, "lz-test").await;

    let config = root_config(
        &config_module(&cfg, true, Some(STORE)),
        &["config_baseline"],
    );
    let (ws, run) = apply_new(&emu, &config);
    let expected = expected_resources(&ws, "config_baseline");
    assert_eq!(expected.len(), 5);
    let address = "module.config_baseline.gxp_qualification.this[0]";
    let unsupported = unsupported(
        &emu,
        &[("config.delivery_channel", "config_delivery_channel")],
    );
    assert_qualified(
        &run,
        &ws.resource_values(address),
        &expected,
        STORE,
        &unsupported,
    );
    assert_plan_after(&ws, &unsupported);

    // The channel delivers elsewhere (the recorder keeps recording), then recording stops.
    fixtures::config::redirect_delivery_channel(&sdk, &cfg.fx, "lz-test-elsewhere").await;
    fixtures::config::weaken_stop_recording(&sdk, &cfg.fx).await;
    fixtures::s3::weaken_encryption(&sdk, &cfg.fx.bucket).await;
    fixtures::s3::weaken_access_logging(&sdk, &cfg.fx.bucket).await;
    fixtures::s3::weaken_acl_disabled(&sdk, &cfg.fx.bucket).await;
    let failures = [
        ("config.delivery_channel", "config_delivery_channel"),
        ("config.recorder_recording", "config_recorder"),
        ("s3.encryption", "config_bucket"),
        ("s3.access_logging", "config_bucket"),
        ("s3.acl_disabled", "config_bucket"),
    ];
    let run = ws.apply();
    assert_failed_checks(&run, &failures);
    assert_failed_run_recorded(
        &ws.resource_values(address),
        &failures,
        STORE,
        unsupported.is_empty(),
    );
    // Every report filed (the passing and the failing run) validates against the schema.
    assert_eq!(assert_filed_reports_valid(&sdk, STORE).await.len(), 2);
}

// ------------------------------------------------------------------ network baseline

/// What the network-baseline module builds.
struct Network {
    vpc_id: String,
    endpoint_sg: String,
    s3_endpoint: String,
    interface_endpoints: BTreeMap<String, String>,
    log_group: String,
    key_arn: String,
}

fn ec2(sdk: &SdkConfig) -> aws_sdk_ec2::Client {
    aws_sdk_ec2::Client::new(sdk)
}

/// A VPC like the module's: DNS on, two private subnets, a private route table, the default
/// security group emptied, flow logs (ALL) to a KMS-encrypted log group kept 365 days (its key
/// rotating), an endpoint security group with HTTPS from the VPC only and no egress, an S3
/// gateway endpoint and KMS, Logs and STS interface endpoints with private DNS.
async fn build_network(sdk: &SdkConfig, name: &str) -> Network {
    let client = ec2(sdk);
    let region = sdk.region().map(|r| r.to_string()).expect("region");
    let account = fixtures::config::account_id(sdk).await;
    let vpc_id = client
        .create_vpc()
        .cidr_block(VPC_CIDR)
        .send()
        .await
        .expect("EC2 CreateVpc")
        .vpc()
        .and_then(|v| v.vpc_id())
        .expect("VPC id")
        .to_string();
    for attribute in [true, false] {
        let on = AttributeBooleanValue::builder().value(true).build();
        let req = client.modify_vpc_attribute().vpc_id(&vpc_id);
        let req = if attribute {
            req.enable_dns_support(on)
        } else {
            req.enable_dns_hostnames(on)
        };
        req.send().await.expect("EC2 ModifyVpcAttribute");
    }
    let mut subnets = Vec::new();
    for (az, cidr) in [("a", "10.20.0.0/20"), ("b", "10.20.16.0/20")] {
        subnets.push(
            client
                .create_subnet()
                .vpc_id(&vpc_id)
                .cidr_block(cidr)
                .availability_zone(format!("{region}{az}"))
                .send()
                .await
                .expect("EC2 CreateSubnet")
                .subnet()
                .and_then(|s| s.subnet_id())
                .expect("subnet id")
                .to_string(),
        );
    }
    let route_table = client
        .create_route_table()
        .vpc_id(&vpc_id)
        .send()
        .await
        .expect("EC2 CreateRouteTable")
        .route_table()
        .and_then(|t| t.route_table_id())
        .expect("route table id")
        .to_string();
    for subnet in &subnets {
        client
            .associate_route_table()
            .route_table_id(&route_table)
            .subnet_id(subnet)
            .send()
            .await
            .expect("EC2 AssociateRouteTable");
    }

    // The default security group without any rule.
    let default_sg = client
        .describe_security_groups()
        .filters(Filter::builder().name("vpc-id").values(&vpc_id).build())
        .filters(
            Filter::builder()
                .name("group-name")
                .values("default")
                .build(),
        )
        .send()
        .await
        .expect("EC2 DescribeSecurityGroups")
        .security_groups()
        .first()
        .cloned()
        .expect("default security group");
    let default_id = default_sg.group_id().expect("group id");
    if !default_sg.ip_permissions().is_empty() {
        client
            .revoke_security_group_ingress()
            .group_id(default_id)
            .set_ip_permissions(Some(default_sg.ip_permissions().to_vec()))
            .send()
            .await
            .expect("EC2 RevokeSecurityGroupIngress");
    }
    if !default_sg.ip_permissions_egress().is_empty() {
        client
            .revoke_security_group_egress()
            .group_id(default_id)
            .set_ip_permissions(Some(default_sg.ip_permissions_egress().to_vec()))
            .send()
            .await
            .expect("EC2 RevokeSecurityGroupEgress");
    }

    // Flow logs to a KMS-encrypted group with a rotating key.
    let group =
        fixtures::logs::compliant_log_group(sdk, &format!("/aws/vpc-flow-logs/{name}")).await;
    aws_sdk_kms::Client::new(sdk)
        .enable_key_rotation()
        .key_id(&group.kms_key_arn)
        .send()
        .await
        .expect("KMS EnableKeyRotation");
    let flow = client
        .create_flow_logs()
        .resource_type(FlowLogsResourceType::Vpc)
        .resource_ids(&vpc_id)
        .traffic_type(TrafficType::All)
        .log_destination_type(LogDestinationType::CloudWatchLogs)
        .log_group_name(&group.name)
        .deliver_logs_permission_arn(format!("arn:aws:iam::{account}:role/gxp-flow-logs"))
        .max_aggregation_interval(60)
        .send()
        .await
        .expect("EC2 CreateFlowLogs");
    assert!(flow.unsuccessful().is_empty(), "{:?}", flow.unsuccessful());

    // Endpoint security group: HTTPS from the VPC only, no egress.
    let endpoint_sg = client
        .create_security_group()
        .group_name(format!("{name}-vpc-endpoints"))
        .description("Interface VPC endpoints: HTTPS from inside the VPC only")
        .vpc_id(&vpc_id)
        .send()
        .await
        .expect("EC2 CreateSecurityGroup")
        .group_id()
        .expect("group id")
        .to_string();
    client
        .authorize_security_group_ingress()
        .group_id(&endpoint_sg)
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(443)
                .to_port(443)
                .ip_ranges(IpRange::builder().cidr_ip(VPC_CIDR).build())
                .build(),
        )
        .send()
        .await
        .expect("EC2 AuthorizeSecurityGroupIngress");
    client
        .revoke_security_group_egress()
        .group_id(&endpoint_sg)
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("-1")
                .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                .build(),
        )
        .send()
        .await
        .expect("EC2 RevokeSecurityGroupEgress");

    let s3_endpoint = fixtures::ec2::compliant_vpc_endpoint(sdk, &vpc_id, &[]).await;
    let mut interface_endpoints = BTreeMap::new();
    for service in ["kms", "logs", "sts"] {
        let id = client
            .create_vpc_endpoint()
            .vpc_id(&vpc_id)
            .vpc_endpoint_type(VpcEndpointType::Interface)
            .service_name(format!("com.amazonaws.{region}.{service}"))
            .set_subnet_ids(Some(subnets.clone()))
            .security_group_ids(&endpoint_sg)
            .private_dns_enabled(true)
            .send()
            .await
            .expect("EC2 CreateVpcEndpoint (Interface)")
            .vpc_endpoint()
            .and_then(|e| e.vpc_endpoint_id())
            .expect("endpoint id")
            .to_string();
        interface_endpoints.insert(service.to_string(), id);
    }
    Network {
        vpc_id,
        endpoint_sg,
        s3_endpoint,
        interface_endpoints,
        log_group: group.name,
        key_arn: group.kms_key_arn,
    }
}

fn network_module(n: &Network, enabled: bool, store: Option<&str>) -> String {
    let endpoints: Vec<String> = n
        .interface_endpoints
        .iter()
        .map(|(k, v)| format!("{k} = {}", q(v)))
        .collect();
    let mut pairs = vec![
        ("source", q(&source("network-baseline"))),
        ("enabled", enabled.to_string()),
        ("name", q("lz-test-network-baseline")),
        ("application_id", q("landing-zone")),
        ("environment", q("test")),
        ("approval", APPROVAL.to_string()),
        ("vpc_id", q(&n.vpc_id)),
        ("endpoint_security_group_id", q(&n.endpoint_sg)),
        ("s3_endpoint_id", q(&n.s3_endpoint)),
        (
            "interface_endpoint_ids",
            format!("{{ {} }}", endpoints.join(", ")),
        ),
        ("flow_log_group_name", q(&n.log_group)),
        ("flow_log_retention_days", LOG_RETENTION_DAYS.to_string()),
        ("kms_key_arn", q(&n.key_arn)),
    ];
    if let Some(store) = store {
        pairs.push(("evidence_store", format!("{{ s3_bucket = {} }}", q(store))));
    }
    format!("module \"network_baseline\" {{\n{}}}\n", args(&pairs))
}

#[tokio::test(flavor = "multi_thread")]
async fn modules_network_baseline_qualification_passes_then_names_each_weakened_check() {
    let emu = Emulator::start();
    let sdk = emu.sdk_config().await;
    protected_bucket(&sdk, STORE).await;
    let net = build_network(&sdk, "lz-test").await;

    let config = root_config(
        &network_module(&net, true, Some(STORE)),
        &["network_baseline"],
    );
    let (ws, run) = apply_new(&emu, &config);
    let expected = expected_resources(&ws, "network_baseline");
    assert_eq!(expected.len(), 8);
    let address = "module.network_baseline.gxp_qualification.this[0]";
    assert_qualified(&run, &ws.resource_values(address), &expected, STORE, &[]);
    ws.assert_plan_empty();

    fixtures::ec2::weaken_vpc_flow_logs(&sdk, &net.vpc_id).await;
    fixtures::ec2::weaken_default_sg(&sdk, &net.vpc_id).await;
    fixtures::ec2::weaken_sg_admin_ingress(&sdk, &net.endpoint_sg).await;
    fixtures::ec2::weaken_vpc_endpoint(&sdk, &net.interface_endpoints["kms"]).await;
    fixtures::logs::weaken_retention(&sdk, &net.log_group).await;
    fixtures::kms::weaken_rotation(&sdk, &net.key_arn).await;
    let failures = [
        ("ec2.vpc_flow_logs", "network_vpc"),
        ("ec2.default_sg_closed", "network_vpc"),
        ("ec2.sg_no_admin_ingress", "network_endpoint_security_group"),
        ("ec2.vpc_endpoints_available", "network_vpce_kms"),
        ("logs.retention", "network_flow_log_group"),
        ("kms.rotation", "network_kms_key"),
    ];
    let run = ws.apply();
    assert_failed_checks(&run, &failures);
    assert_failed_run_recorded(&ws.resource_values(address), &failures, STORE, true);
    // Every report filed (the passing and the failing run) validates against the schema.
    assert_eq!(assert_filed_reports_valid(&sdk, STORE).await.len(), 2);
}

// ------------------------------------------------------------------ landing zone

/// The landing zone's combined qualification: the four submodules as fragments
/// (`enabled = false`) assembled by `landing-zone/qualification`, filing with the evidence
/// key as the landing-zone module does. The store is a separate protected bucket: moto
/// applies the evidence bucket's TLS-only deny to its plain-HTTP endpoint (PutObject 403).
#[tokio::test(flavor = "multi_thread")]
async fn modules_landing_zone_combined_qualification_of_the_four_modules() {
    let Some(emu) = Emulator::start_needing(&[Needs::CloudTrail]) else {
        return;
    };
    let sdk = emu.sdk_config().await;
    protected_bucket(&sdk, STORE).await;
    let ev = build_evidence_store(&sdk, "lz-test-evidence").await;
    let trail = build_audit_trail(&sdk, "lz-test-trail", &["lz-test-lims-records"]).await;
    let cfg = build_config_baseline(&sdk, "lz-test").await;
    let net = build_network(&sdk, "lz-test").await;
    let evidence_arn = format!("arn:aws:s3:::{}", ev.bucket);
    assert!(!trail.gxp_bucket_arns.contains(&evidence_arn));

    let mut modules = String::new();
    modules.push_str(&evidence_module(&ev, false, None));
    modules.push_str(&audit_trail_module(&trail, false, None));
    modules.push_str(&config_module(&cfg, false, None));
    modules.push_str(&network_module(&net, false, None));
    let parts = [
        "evidence_store",
        "audit_trail",
        "config_baseline",
        "network_baseline",
    ];
    let concat = |output: &str| -> String {
        let items: Vec<String> = parts
            .iter()
            .map(|p| format!("module.{p}.{output}"))
            .collect();
        format!("concat({})", items.join(", "))
    };
    modules.push_str(&format!(
        "module \"landing_zone\" {{\n{}}}\n",
        args(&[
            ("source", q(&source("landing-zone"))),
            ("name", q("lz-test-landing-zone")),
            ("application_id", q("landing-zone")),
            ("environment", q("test")),
            ("approval", APPROVAL.to_string()),
            ("requirements", concat("requirements")),
            ("expected_resources", concat("expected_resources")),
            (
                "evidence_store",
                format!(
                    "{{ s3_bucket = {}, s3_prefix = \"gxp-evidence/\", kms_key_id = {} }}",
                    q(STORE),
                    q(&ev.key_arn)
                ),
            ),
        ])
    ));
    let config = root_config(&modules, &["landing_zone"]);
    let (ws, run) = apply_new(&emu, &config);
    let expected = expected_resources(&ws, "landing_zone");
    assert_eq!(expected.len(), 3 + 6 + 5 + 8, "{expected:#?}");
    let address = "module.landing_zone.gxp_qualification.this";
    let unsupported = unsupported(
        &emu,
        &[("config.delivery_channel", "config_delivery_channel")],
    );
    assert_qualified(
        &run,
        &ws.resource_values(address),
        &expected,
        STORE,
        &unsupported,
    );
    let spec = ws.resource_values("module.landing_zone.gxp_expected_spec.this");
    let ids: Vec<&str> = spec["requirement"]
        .as_array()
        .expect("requirements")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(ids.len(), 16, "{ids:?}");
    for id in ["EVD-001", "AUD-005", "CFG-003", "NET-004"] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    // Only the landing zone declares a specification and a qualification.
    let listed = ws.terraform(&["state", "list"]);
    listed.assert_success();
    let gxp: Vec<&str> = listed
        .stdout
        .lines()
        .filter(|l| l.contains(".gxp_"))
        .collect();
    assert_eq!(
        gxp,
        [
            "module.landing_zone.gxp_expected_spec.this",
            "module.landing_zone.gxp_qualification.this"
        ],
        "{}",
        listed.stdout
    );
    assert_plan_after(&ws, &unsupported);

    // One weakened property per module.
    fixtures::s3::weaken_public_access_block(&sdk, &ev.bucket).await;
    fixtures::cloudtrail::weaken_stop_logging(&sdk, &trail.name).await;
    fixtures::config::weaken_stop_recording(&sdk, &cfg.fx).await;
    fixtures::ec2::weaken_vpc_flow_logs(&sdk, &net.vpc_id).await;
    let plan = ws.plan();
    assert!(plan.plan_has_changes(), "{}", plan.combined());
    if unsupported.is_empty() {
        // A passed qualification is updated in place, with the drift as a reason (after a
        // run with errors Terraform replaces the tainted resource instead).
        plan.assert_contains("drift security: evidence_bucket (AWS::S3::Bucket lz-test-evidence)");
    }
    let failures = [
        ("s3.public_access_block", "evidence_bucket"),
        ("cloudtrail.logging", "audit_trail"),
        ("config.recorder_recording", "config_recorder"),
        ("ec2.vpc_flow_logs", "network_vpc"),
    ];
    let run = ws.apply();
    assert_failed_checks(&run, &failures);
    assert_failed_run_recorded(
        &ws.resource_values(address),
        &failures,
        STORE,
        unsupported.is_empty(),
    );
    // Every report filed (the passing and the failing run) validates against the schema.
    assert_eq!(assert_filed_reports_valid(&sdk, STORE).await.len(), 2);
}

// ------------------------------------------------------------------ account baseline

/// The account checks `modules/account-baseline/qualification` selects (with
/// `organization_member_required = true`), and the account-baseline's own account checks
/// of the other services ([`fixtures::account::CHECKS`] less CloudTrail, which the audit
/// trail module qualifies).
const ACCOUNT_BASELINE_IAM_CHECKS: &[&str] = &[
    "iam.password_policy",
    "iam.root_mfa",
    "iam.root_no_access_keys",
    "iam.user_console_mfa",
    "iam.access_keys_rotated",
    "iam.unused_credentials",
    "iam.user_no_direct_policies",
    "iam.no_admin_policies",
    "iam.no_kms_decrypt_on_all_keys",
];

/// What the account-baseline module builds, through the SDK: the password policy it sets,
/// the account public access block, EBS encryption by default with a rotating key as the
/// default key, a GuardDuty detector, Security Hub, and (the account being a member) an
/// organization. Returns the account fixture and the EBS key ARN.
async fn build_account_baseline(
    emu: &Emulator,
    sdk: &SdkConfig,
) -> (fixtures::account::AccountFixture, String) {
    aws_sdk_iam::Client::new(sdk)
        .update_account_password_policy()
        .minimum_password_length(14)
        .require_symbols(true)
        .require_numbers(true)
        .require_uppercase_characters(true)
        .require_lowercase_characters(true)
        .password_reuse_prevention(24)
        .max_password_age(90)
        .send()
        .await
        .expect("IAM UpdateAccountPasswordPolicy");
    let key_id = fixtures::kms::compliant_key(sdk).await;
    let key = key_arn(sdk, &key_id).await;
    let f = fixtures::account::harden(emu, sdk, "lz-test-account-trail").await;
    let set_key = aws_sdk_ec2::Client::new(sdk)
        .modify_ebs_default_kms_key_id()
        .kms_key_id(&key)
        .send()
        .await;
    match set_key {
        Ok(_) => {}
        // LocalStack's EC2 (moto inside) looks the key up in its own KMS, not LocalStack's,
        // and answers InternalError; the default key cannot be read back there anyway.
        Err(e) if emu.backend() == Backend::LocalStack => eprintln!(
            "NOTE: {}: LocalStack's ModifyEbsDefaultKmsKeyId fails ({e}); ec2.ebs_default_encryption with a key is error there regardless",
            crate::harness::current_test()
        ),
        Err(e) => panic!("EC2 ModifyEbsDefaultKmsKeyId: {e:?}"),
    }
    (f, key)
}

fn account_baseline_module(key_arn: &str, store: &str) -> String {
    let pairs = vec![
        ("source", q(&source("account-baseline"))),
        ("name", q("lz-test-account-baseline")),
        ("application_id", q("landing-zone")),
        ("environment", q("test")),
        ("approval", APPROVAL.to_string()),
        ("ebs_kms_key_arn", q(key_arn)),
        ("organization_member_required", "true".into()),
        ("evidence_store", format!("{{ s3_bucket = {} }}", q(store))),
    ];
    format!("module \"account_baseline\" {{\n{}}}\n", args(&pairs))
}

/// What an account check of the module gives on `backend` for an account whose settings are
/// `compliant`: the emulators' gaps are `error`, never `passed`.
fn account_baseline_expected(backend: Backend, check: &str, compliant: bool) -> &'static str {
    match check {
        // moto and LocalStack report root MFA off, always.
        "iam.root_mfa" => "failed",
        // LocalStack 2026.3's GenerateCredentialReport answers InternalError (HTTP 500) in
        // this account (no IAM user, a password policy with a maximum age): the checks
        // reading the credential report are error there, never passed.
        "iam.user_console_mfa" | "iam.unused_credentials" if backend == Backend::LocalStack => {
            "error"
        }
        // The weakened password policy is the only IAM weakening.
        "iam.password_policy" if !compliant => "failed",
        c if c.starts_with("iam.") => "passed",
        // Neither emulator has GetEbsDefaultKmsKeyId: the expected key cannot be compared;
        // disabled encryption fails before the key is read.
        "ec2.ebs_default_encryption" if compliant => "error",
        c => match (
            fixtures::account::unanswered(backend, c, compliant),
            compliant,
        ) {
            (Some(_), _) => "error",
            (None, true) => "passed",
            (None, false) => "failed",
        },
    }
}

fn assert_account_baseline(q: &Value, backend: Backend, compliant: bool) {
    let results = results(q);
    let account_checks = ACCOUNT_BASELINE_IAM_CHECKS.iter().chain(
        fixtures::account::CHECKS
            .iter()
            .filter(|c| **c != "cloudtrail.management_events"),
    );
    let mut wrong = Vec::new();
    for check in account_checks {
        let want = account_baseline_expected(backend, check, compliant);
        let got = results
            .get(&("account".to_string(), check.to_string()))
            .cloned()
            .unwrap_or_default();
        if got.is_empty() || got.iter().any(|s| s != want) {
            wrong.push(format!("{check}: {got:?}, expected {want}"));
        }
    }
    let key_status = if compliant { "passed" } else { "failed" };
    for (check, want) in [
        ("iq.resource_exists", "passed"),
        ("kms.enabled", "passed"),
        ("kms.rotation", key_status),
    ] {
        let got = results
            .get(&("account_ebs_kms_key".to_string(), check.to_string()))
            .cloned()
            .unwrap_or_default();
        if got != [want] {
            wrong.push(format!(
                "{check} on account_ebs_kms_key: {got:?}, expected {want}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}\n{q:#}", wrong.join("\n"));
}

#[tokio::test(flavor = "multi_thread")]
async fn modules_account_baseline_qualification_passes_then_names_each_weakened_check() {
    let emu = Emulator::start();
    if emu.backend() == Backend::Aws {
        crate::harness::skipped(
            &crate::harness::current_test(),
            "changes account-wide settings (password policy, organization): emulators only",
        );
        return;
    }
    let sdk = emu.sdk_config().await;
    protected_bucket(&sdk, STORE).await;
    let (mut f, key) = build_account_baseline(&emu, &sdk).await;

    let config = root_config(&account_baseline_module(&key, STORE), &["account_baseline"]);
    let (ws, run) = apply_new(&emu, &config);
    let expected = expected_resources(&ws, "account_baseline");
    assert_eq!(expected.len(), 1, "{expected:?}");
    let address = "module.account_baseline.gxp_qualification.this[0]";
    let q = ws.resource_values(address);
    assert_account_baseline(&q, emu.backend(), true);
    // Root MFA (and the emulators' gaps) keep the hardened account from passing here.
    run.assert_failure()
        .assert_contains("Qualification check failed: iam.root_mfa on account")
        .assert_contains(
            "Qualification check could not be evaluated: ec2.ebs_default_encryption on account",
        );
    let (bucket, _) = split_s3(q["report_location"].as_str().expect("report_location"));
    assert_eq!(bucket, STORE, "{q:#}");

    // Weakened: a short password policy, every account setting of the other services, and
    // the EBS key's rotation.
    aws_sdk_iam::Client::new(&sdk)
        .update_account_password_policy()
        .minimum_password_length(8)
        .require_symbols(true)
        .require_numbers(true)
        .require_uppercase_characters(true)
        .require_lowercase_characters(true)
        .password_reuse_prevention(24)
        .max_password_age(90)
        .send()
        .await
        .expect("IAM UpdateAccountPasswordPolicy");
    for check in fixtures::account::CHECKS {
        fixtures::account::set(&sdk, &mut f, check, false).await;
    }
    fixtures::kms::weaken_rotation(&sdk, &key).await;
    let run = ws.apply();
    let q = ws.resource_values(address);
    assert_account_baseline(&q, emu.backend(), false);
    let mut failures = vec![
        ("iam.password_policy", "account"),
        ("kms.rotation", "account_ebs_kms_key"),
    ];
    for check in fixtures::account::CHECKS {
        if account_baseline_expected(emu.backend(), check, false) == "failed"
            && *check != "cloudtrail.management_events"
        {
            failures.push((check, "account"));
        }
    }
    assert_failed_checks(&run, &failures);
    assert_eq!(q["status"], "failed", "{q:#}");
}
