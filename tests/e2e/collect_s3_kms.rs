//! Emulator tests of the S3 bucket and KMS key collectors and their checks: compliant
//! fixtures pass every check, each weakened fixture fails exactly its own check, missing
//! resources are `Missing`, an unreachable endpoint gives `Unknown` and check errors.
//!
//! moto 5.2.1 behaviours that differ from AWS (the collectors cope with both):
//! - GetObjectLockConfiguration returns `Years: 0` next to `Days` (AWS returns one of them);
//!   the collector drops zero periods.
//! - PutBucketVersioning Suspended is accepted on a bucket with Object Lock or replication
//!   (AWS and LocalStack: InvalidBucketState). The tests follow AWS: the bucket with
//!   versioning suspended has neither, and fails those checks too.
//! - A new bucket has no default encryption (AWS: SSE-S3 AES256 since 2023); both fail
//!   `s3.encryption`.
//! - GetKeyRotationStatus on an asymmetric key answers `false` and EnableKeyRotation
//!   succeeds (AWS: UnsupportedOperationException); `kms.rotation` fails either way.
//! - Bucket policies are stored but not enforced, and the replication role is not checked.

use std::collections::BTreeMap;

use gxp_core::aws::AwsContext;
use gxp_core::checks::{evaluate_id, Outcome, Status};
use gxp_core::observe::collect::collect;
use gxp_core::observe::{Existence, Observation, Target, TargetOrigin};
use serde_json::json;

use crate::fixtures::{kms, s3};
use crate::harness::Emulator;

/// The registered checks of a bucket and of a key.
fn s3_checks() -> Vec<&'static str> {
    crate::fixtures::hardenable_checks_of("AWS::S3::Bucket")
}
fn kms_checks() -> Vec<&'static str> {
    crate::fixtures::checks_of("AWS::KMS::Key")
}
const LOG_BUCKET: &str = "gxp-e2e-access-logs";

fn target(resource_type: &str, identifier: &str, params: &[(&str, &str)]) -> Target {
    Target {
        key: identifier.to_string(),
        resource_type: resource_type.to_string(),
        identifier: identifier.to_string(),
        origin: TargetOrigin::Spec,
        checks: vec![],
        params: params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        expected_properties: None,
        requirements: vec![],
    }
}

/// S3 check parameters that pin the key, log bucket and replica of a fixture bucket.
fn bucket_target(name: &str, key: &str) -> Target {
    let replica = s3::replica_name(name);
    target(
        "AWS::S3::Bucket",
        name,
        &[
            ("s3.encryption.kms_key_id", key),
            ("s3.access_logging.target_bucket", LOG_BUCKET),
            ("s3.replication.destination_bucket", &replica),
            ("s3.object_lock.mode", "COMPLIANCE"),
            ("s3.object_lock.min_retention_days", "1"),
        ],
    )
}

/// Outcomes of `checks` on `obs` with the target's parameters.
fn outcomes(checks: &[&str], obs: &Observation, t: &Target) -> BTreeMap<String, Outcome> {
    checks
        .iter()
        .map(|id| (id.to_string(), evaluate_id(id, obs, &t.params)))
        .collect()
}

/// Assert that exactly `failing` fails and every other check passes.
fn assert_only_fails(results: &BTreeMap<String, Outcome>, failing: Option<&str>, label: &str) {
    for (id, outcome) in results {
        let want = if Some(id.as_str()) == failing {
            Status::Failed
        } else {
            Status::Passed
        };
        assert_eq!(outcome.status, want, "{label}: {id} → {outcome:?}");
    }
}

async fn context(emu: &Emulator) -> AwsContext {
    AwsContext::from_sdk_config(emu.sdk_config().await, emu.s3_path_style())
}

#[tokio::test(flavor = "multi_thread")]
async fn collect_s3_compliant_bucket_and_key_pass_every_check() {
    let emu = Emulator::start();
    let sdk = emu.sdk_config().await;
    let aws = context(&emu).await;
    let key = kms::compliant_key(&sdk).await;
    kms::alias_key(&sdk, &key, "alias/gxp-e2e").await;
    let name = s3::compliant_bucket(&sdk, "gxp-e2e-compliant", &key, LOG_BUCKET).await;

    let t = bucket_target(&name, &key);
    let obs = collect(&aws, &t).await;
    assert_eq!(obs.existence, Existence::Exists);
    assert!(obs.errors.is_empty(), "read errors: {:?}", obs.errors);
    assert_eq!(obs.arn.as_deref(), Some("arn:aws:s3:::gxp-e2e-compliant"));
    assert_eq!(
        obs.get("VersioningConfiguration"),
        Some(&json!({"Status": "Enabled"}))
    );
    assert_eq!(obs.get("ObjectLockEnabled"), Some(&json!(true)));
    assert_eq!(
        obs.get("ObjectLockConfiguration"),
        Some(&json!({"ObjectLockEnabled": "Enabled",
                     "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 1}}}))
    );
    assert_eq!(
        obs.get("BucketEncryption.ServerSideEncryptionConfiguration[0]"),
        Some(&json!({"ServerSideEncryptionByDefault":
                        {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key},
                     "BucketKeyEnabled": true}))
    );
    assert_eq!(
        obs.get("LoggingConfiguration"),
        Some(&json!({"DestinationBucketName": LOG_BUCKET, "LogFilePrefix": format!("{name}/")}))
    );
    assert_eq!(
        obs.get("ReplicationConfiguration.Rules[0].Destination.Bucket"),
        Some(&json!("arn:aws:s3:::gxp-e2e-compliant-replica"))
    );
    assert_eq!(obs.get("BucketPolicy"), Some(&s3::tls_only_policy(&name)));
    assert_eq!(
        obs.get("Tags"),
        Some(&json!([{"Key": "gxp:app", "Value": "qualification"},
                     {"Key": "gxp:purpose", "Value": "e2e"}]))
    );
    assert_only_fails(&outcomes(&s3_checks(), &obs, &t), None, "compliant bucket");

    // The same bucket by ARN, with the expected key given as an alias the collector resolves.
    let by_arn = target(
        "AWS::S3::Bucket",
        "arn:aws:s3:::gxp-e2e-compliant",
        &[("s3.encryption.kms_key_id", "alias/gxp-e2e")],
    );
    let obs = collect(&aws, &by_arn).await;
    assert!(obs
        .get("KmsKeyAliases.alias/gxp-e2e")
        .and_then(|v| v.as_str())
        .is_some_and(|arn| arn.ends_with(&format!("key/{key}"))));
    let outcome = evaluate_id("s3.encryption", &obs, &by_arn.params);
    assert_eq!(outcome.status, Status::Passed, "{outcome:?}");
    let wrong = target(
        "AWS::S3::Bucket",
        &name,
        &[("s3.encryption.kms_key_id", "alias/gxp-e2e-unknown")],
    );
    let obs = collect(&aws, &wrong).await;
    assert!(obs.errors.contains_key("KmsKeyAliases"), "{:?}", obs.errors);
    let outcome = evaluate_id("s3.encryption", &obs, &wrong.params);
    assert_eq!(outcome.status, Status::Error, "{outcome:?}");

    // The key, by id and by alias.
    for identifier in [key.as_str(), "alias/gxp-e2e"] {
        let t = target("AWS::KMS::Key", identifier, &[]);
        let obs = collect(&aws, &t).await;
        assert_eq!(obs.existence, Existence::Exists, "{identifier}");
        assert!(obs.errors.is_empty(), "read errors: {:?}", obs.errors);
        assert_eq!(obs.get("KeyId"), Some(&json!(key)));
        assert!(obs.arn.as_deref().is_some_and(|a| a.ends_with(&key)));
        assert_eq!(obs.get("KeySpec"), Some(&json!("SYMMETRIC_DEFAULT")));
        assert_eq!(obs.get("EnableKeyRotation"), Some(&json!(true)));
        assert_eq!(
            obs.get("Tags"),
            Some(&json!([{"Key": "gxp:purpose", "Value": "e2e"}]))
        );
        assert_only_fails(&outcomes(&kms_checks(), &obs, &t), None, identifier);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn collect_s3_weakened_buckets_fail_only_their_own_check() {
    let emu = Emulator::start();
    let sdk = emu.sdk_config().await;
    let aws = context(&emu).await;
    let key = kms::compliant_key(&sdk).await;

    let mut buckets = Vec::new();
    for check in s3_checks() {
        let name = format!(
            "gxp-e2e-weak-{}",
            check.trim_start_matches("s3.").replace('_', "-")
        );
        let name = s3::weakened_bucket(&sdk, &name, check, &key, LOG_BUCKET)
            .await
            .unwrap_or_else(|| panic!("{check} has no weakening in fixtures::s3::weakened_bucket"));
        buckets.push((check, name));
    }
    for (check, name) in &buckets {
        let t = bucket_target(name, &key);
        let obs = collect(&aws, &t).await;
        assert_eq!(obs.existence, Existence::Exists, "{name}");
        assert!(obs.errors.is_empty(), "{name}: {:?}", obs.errors);
        let results = outcomes(&s3_checks(), &obs, &t);
        if *check == "s3.versioning" {
            for (id, outcome) in &results {
                let failing = s3::VERSIONING_SUSPENDED_FAILS.contains(&id.as_str());
                let want = if failing {
                    Status::Failed
                } else {
                    Status::Passed
                };
                assert_eq!(outcome.status, want, "{name}: {id} → {outcome:?}");
            }
        } else {
            assert_only_fails(&results, Some(check), name);
        }
        eprintln!("{check}: actual = {}", results[*check].actual);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn collect_kms_weakened_keys_fail_only_their_own_check() {
    let emu = Emulator::start();
    let sdk = emu.sdk_config().await;
    let aws = context(&emu).await;

    let mut disabled = None;
    for failing in kms_checks() {
        let key = kms::weakened_key(&sdk, failing)
            .await
            .unwrap_or_else(|| panic!("{failing} has no weakening in fixtures::kms::weakened_key"));
        let t = target("AWS::KMS::Key", &key, &[]);
        let obs = collect(&aws, &t).await;
        assert_eq!(obs.existence, Existence::Exists);
        assert!(obs.errors.is_empty(), "{key}: {:?}", obs.errors);
        assert_only_fails(&outcomes(&kms_checks(), &obs, &t), Some(failing), failing);
        if failing == "kms.enabled" {
            disabled = Some(key);
        }
    }
    let disabled = disabled.expect("the disabled key");
    let t = target("AWS::KMS::Key", &disabled, &[]);
    let obs = collect(&aws, &t).await;
    assert_eq!(
        evaluate_id("kms.enabled", &obs, &t.params).actual,
        "Disabled"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn collect_s3_and_kms_missing_or_unreachable_resources() {
    let emu = Emulator::start();
    let aws = context(&emu).await;
    let missing = [
        (
            target("AWS::S3::Bucket", "gxp-e2e-no-such-bucket", &[]),
            s3_checks(),
        ),
        (
            target(
                "AWS::S3::Bucket",
                "arn:aws:s3:::gxp-e2e-no-such-bucket",
                &[],
            ),
            s3_checks(),
        ),
        (
            target("AWS::KMS::Key", "1234abcd-12ab-34cd-56ef-1234567890ab", &[]),
            kms_checks(),
        ),
        (
            target("AWS::KMS::Key", "alias/gxp-e2e-no-such-alias", &[]),
            kms_checks(),
        ),
    ];
    for (t, checks) in &missing {
        let obs = collect(&aws, t).await;
        assert_eq!(obs.existence, Existence::Missing, "{}", t.identifier);
        for (id, outcome) in outcomes(checks, &obs, t) {
            assert_eq!(outcome.status, Status::Failed, "{}: {id}", t.identifier);
            assert_eq!(outcome.actual, "resource not found");
        }
    }

    // Nothing listens on the endpoint: existence unknown, checks error (never pass).
    drop(emu);
    let dead = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_credential_types::Credentials::new(
            "testing", "testing", None, None, "dead",
        ))
        .endpoint_url("http://127.0.0.1:9")
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .load()
        .await;
    let aws = AwsContext::from_sdk_config(dead, true);
    for (t, checks) in &missing[..3] {
        let obs = collect(&aws, t).await;
        assert!(
            matches!(obs.existence, Existence::Unknown(_)),
            "{:?}",
            obs.existence
        );
        for (id, outcome) in outcomes(checks, &obs, t) {
            assert_eq!(outcome.status, Status::Error, "{}: {id}", t.identifier);
        }
    }
}
