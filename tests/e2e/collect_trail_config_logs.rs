//! Emulator tests of the CloudTrail, AWS Config and CloudWatch Logs collectors and their
//! checks: a compliant fixture passes every check of its type, each weakened fixture fails
//! exactly the check its weakening targets, and a resource that does not exist is `Missing`.
//!
//! moto deviations met here (see the fixtures and collectors for the handling):
//! - DescribeTrails ignores trailNameList (returns every trail): the collector selects the
//!   trail by exact name or ARN.
//! - UpdateTrail stores `""` for a removed KMS key / CloudWatch Logs ARN and returns it:
//!   the collector treats empty strings as not configured.
//! - PutEventSelectors with an empty list is ignored: the fixture removes data events with a
//!   management-only selector.
//! - DescribeDeliveryChannelStatus is not implemented (HTTP 500): the channel's delivery
//!   status is a read error, so `config.delivery_channel` is `error` for a compliant channel
//!   on moto (a wrong or missing bucket still fails).
//! - CloudWatch Logs DisassociateKmsKey is not implemented: the fixture recreates the group.

use std::collections::BTreeMap;

use aws_config::retry::RetryConfig;
use aws_config::SdkConfig;
use gxp_core::aws::AwsContext;
use gxp_core::checks::{evaluate_id, Outcome, Status};
use gxp_core::observe::{collect::collect, Existence, Observation, Target, TargetOrigin};
use serde_json::json;

use crate::fixtures::{cloudtrail, config, logs};
use crate::harness::{Backend, Emulator, Needs};

const TRAIL: &str = "AWS::CloudTrail::Trail";
const RECORDER: &str = "AWS::Config::ConfigurationRecorder";
const CHANNEL: &str = "AWS::Config::DeliveryChannel";
const LOG_GROUP: &str = "AWS::Logs::LogGroup";

fn target(resource_type: &str, identifier: &str) -> Target {
    Target {
        key: identifier.to_string(),
        resource_type: resource_type.to_string(),
        identifier: identifier.to_string(),
        origin: TargetOrigin::Spec,
        checks: vec![],
        params: BTreeMap::new(),
        expected_properties: None,
        requirements: vec![],
    }
}

/// Observe through the collector dispatch. Single attempts: moto answers its unimplemented
/// operations with HTTP 500, which the SDK would otherwise retry with back-off.
async fn observe(sdk: &SdkConfig, resource_type: &str, identifier: &str) -> Observation {
    let sdk = sdk
        .to_builder()
        .retry_config(RetryConfig::standard().with_max_attempts(1))
        .build();
    let aws = AwsContext::from_sdk_config(sdk, true);
    collect(&aws, &target(resource_type, identifier)).await
}

/// Evaluate `checks` with `CHECK_ID.PARAM` overrides.
fn evaluate(
    obs: &Observation,
    checks: &[&str],
    params: &[(&str, &str)],
) -> BTreeMap<String, Outcome> {
    let overrides: BTreeMap<String, String> = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    checks
        .iter()
        .map(|id| (id.to_string(), evaluate_id(id, obs, &overrides)))
        .collect()
}

/// Every check passed, except `failing` which failed.
fn assert_only(label: &str, results: &BTreeMap<String, Outcome>, failing: Option<&str>) {
    for (id, out) in results {
        let want = if Some(id.as_str()) == failing {
            Status::Failed
        } else {
            Status::Passed
        };
        assert_eq!(out.status, want, "{label}: {id} gave {out:?}");
    }
}

fn assert_exists(obs: &Observation) {
    assert_eq!(
        obs.existence,
        Existence::Exists,
        "{}: {:?}",
        obs.identifier,
        obs
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn collect_trail_compliant_weakened_and_missing() {
    let Some(emu) = Emulator::start_needing(&[Needs::CloudTrail]) else {
        return;
    };
    let sdk = emu.sdk_config().await;
    let checks = cloudtrail::CHECKS;

    let ok = cloudtrail::compliant_trail(&sdk, "gxp-trail-ok").await;
    let obs = observe(&sdk, TRAIL, &ok.name).await;
    assert_exists(&obs);
    assert!(obs.errors.is_empty(), "read errors: {:?}", obs.errors);
    assert_eq!(obs.arn.as_deref(), Some(ok.arn.as_str()));
    let p = &obs.properties;
    assert_eq!(p["TrailName"], json!(ok.name));
    assert_eq!(p["S3BucketName"], json!(ok.bucket));
    assert_eq!(p["KMSKeyId"], json!(ok.kms_key_arn));
    assert_eq!(p["CloudWatchLogsLogGroupArn"], json!(ok.log_group_arn));
    assert_eq!(p["CloudWatchLogsRoleArn"], json!(ok.cloudwatch_role_arn));
    assert_eq!(p["IsMultiRegionTrail"], json!(true));
    assert_eq!(p["IncludeGlobalServiceEvents"], json!(true));
    assert_eq!(p["EnableLogFileValidation"], json!(true));
    assert_eq!(p["IsOrganizationTrail"], json!(false));
    assert_eq!(p["IsLogging"], json!(true));
    assert_eq!(
        p["EventSelectors"],
        json!([{"ReadWriteType": "All", "IncludeManagementEvents": true,
                "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}])
    );
    assert!(!p.contains_key("AdvancedEventSelectors"));
    assert_eq!(
        p["Tags"],
        json!([{"Key": "env", "Value": "test"}, {"Key": "gxp:app", "Value": "qms"}])
    );
    let bucket_arn = format!("arn:aws:s3:::{}", ok.bucket);
    let params = [
        ("cloudtrail.kms.kms_key_id", ok.kms_key_arn.as_str()),
        ("cloudtrail.s3_data_events.bucket_arn", bucket_arn.as_str()),
    ];
    assert_only("compliant trail", &evaluate(&obs, checks, &params), None);
    // The expected key is checked, not just any key.
    let other_key = [(
        "cloudtrail.kms.kms_key_id",
        "00000000-0000-0000-0000-000000000000",
    )];
    let kms = &evaluate(&obs, &["cloudtrail.kms"], &other_key)["cloudtrail.kms"];
    assert_eq!(kms.status, Status::Failed, "{kms:?}");

    // The trail ARN is an identifier too.
    let by_arn = observe(&sdk, TRAIL, &ok.arn).await;
    assert_exists(&by_arn);
    assert_eq!(by_arn.properties, obs.properties);

    for (i, check) in checks.iter().enumerate() {
        let name = format!("gxp-trail-weak-{i}");
        cloudtrail::compliant_trail(&sdk, &name).await;
        assert!(cloudtrail::weaken(&sdk, &name, check).await, "{check}");
        let weak = observe(&sdk, TRAIL, &name).await;
        let results = evaluate(&weak, checks, &[]);
        if *check == "cloudtrail.exists" {
            assert_eq!(weak.existence, Existence::Missing, "{weak:?}");
            let out = &results["cloudtrail.exists"];
            assert_eq!(
                (out.status, out.actual.as_str()),
                (Status::Failed, "resource not found")
            );
        } else {
            assert_exists(&weak);
            assert!(weak.errors.is_empty(), "{check}: {:?}", weak.errors);
            assert_only(
                &format!("trail weakened for {check}"),
                &results,
                Some(check),
            );
        }
    }

    let missing = observe(&sdk, TRAIL, "gxp-trail-never-created").await;
    assert_eq!(missing.existence, Existence::Missing);
    let missing_arn = "arn:aws:cloudtrail:us-east-1:123456789012:trail/gxp-trail-never-created";
    assert_eq!(
        observe(&sdk, TRAIL, missing_arn).await.existence,
        Existence::Missing
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn collect_config_recorder_and_channel_compliant_weakened_and_missing() {
    let emu = Emulator::start();
    let base = emu.sdk_config().await;
    // Neither moto 5.2.1 nor LocalStack 2026.3.0 has DescribeDeliveryChannelStatus.
    let channel_status_readable = emu.backend() == Backend::Aws;
    let recorder_check = ["config.recorder_recording"];
    let channel_check = ["config.delivery_channel"];

    // Compliant, in the emulator's region.
    let ok = config::compliant_config(&base, "gxp-ok").await;
    let rec = observe(&base, RECORDER, &ok.recorder).await;
    assert_exists(&rec);
    assert!(rec.errors.is_empty(), "{:?}", rec.errors);
    assert_eq!(rec.properties["Name"], json!(ok.recorder));
    assert_eq!(rec.properties["RoleARN"], json!(ok.role_arn));
    assert_eq!(rec.properties["Recording"], json!(true));
    assert_eq!(
        rec.properties["RecordingGroup"]["AllSupported"],
        json!(true)
    );
    assert_eq!(
        rec.properties["RecordingGroup"]["IncludeGlobalResourceTypes"],
        json!(true)
    );
    assert!(rec.properties.contains_key("LastStatus"));
    assert_only(
        "compliant recorder",
        &evaluate(&rec, &recorder_check, &[]),
        None,
    );

    let chan = observe(&base, CHANNEL, &ok.channel).await;
    assert_exists(&chan);
    assert_eq!(chan.properties["S3BucketName"], json!(ok.bucket));
    assert_eq!(
        chan.properties["ConfigSnapshotDeliveryProperties"],
        json!({"DeliveryFrequency": "TwentyFour_Hours"})
    );
    let bucket_param = [("config.delivery_channel.s3_bucket_name", ok.bucket.as_str())];
    let out = &evaluate(&chan, &channel_check, &bucket_param)["config.delivery_channel"];
    if channel_status_readable {
        assert_eq!(out.status, Status::Passed, "{out:?}");
    } else {
        assert_eq!(out.status, Status::Error, "{out:?}");
        let detail = out.detail.as_deref().unwrap_or_default();
        assert!(detail.contains("DescribeDeliveryChannelStatus"), "{detail}");
        assert!(chan.errors.contains_key("ConfigHistoryDeliveryStatus"));
    }

    // One recorder and one channel per region: each weakening in its own region.
    let stopped = config::in_region(&base, "us-east-2");
    let fx = config::compliant_config(&stopped, "gxp-stopped").await;
    config::weaken_stop_recording(&stopped, &fx).await;
    let obs = observe(&stopped, RECORDER, &fx.recorder).await;
    assert_eq!(obs.properties["Recording"], json!(false));
    let results = evaluate(&obs, &recorder_check, &[]);
    assert_only(
        "stopped recorder",
        &results,
        Some("config.recorder_recording"),
    );
    assert_eq!(results["config.recorder_recording"].actual, "not recording");

    let some = config::in_region(&base, "us-west-1");
    let fx = config::compliant_config(&some, "gxp-some").await;
    config::weaken_not_all_supported(&some, &fx).await;
    let obs = observe(&some, RECORDER, &fx.recorder).await;
    assert_eq!(
        obs.properties["RecordingGroup"]["ResourceTypes"],
        json!(["AWS::S3::Bucket"])
    );
    let results = evaluate(&obs, &recorder_check, &[]);
    assert_only(
        "partial recorder",
        &results,
        Some("config.recorder_recording"),
    );
    assert!(results["config.recorder_recording"]
        .actual
        .contains("not all supported"));

    let regional = config::in_region(&base, "us-west-2");
    let fx = config::compliant_config(&regional, "gxp-regional").await;
    config::weaken_no_global_resource_types(&regional, &fx).await;
    let obs = observe(&regional, RECORDER, &fx.recorder).await;
    assert_only(
        "recorder without global types",
        &evaluate(&obs, &recorder_check, &[]),
        Some("config.recorder_recording"),
    );
    let relaxed = [(
        "config.recorder_recording.include_global_resource_types",
        "false",
    )];
    assert_only(
        "recorder without global types, secondary region",
        &evaluate(&obs, &recorder_check, &relaxed),
        None,
    );

    let deleted = config::in_region(&base, "eu-west-1");
    let fx = config::compliant_config(&deleted, "gxp-deleted").await;
    config::weaken_delivery_channel(&deleted, &fx).await;
    let obs = observe(&deleted, CHANNEL, &fx.channel).await;
    assert_eq!(obs.existence, Existence::Missing);
    assert_eq!(
        evaluate(&obs, &channel_check, &[])["config.delivery_channel"].status,
        Status::Failed
    );

    let redirected = config::in_region(&base, "eu-west-2");
    let fx = config::compliant_config(&redirected, "gxp-redirected").await;
    config::redirect_delivery_channel(&redirected, &fx, "gxp-redirected-unapproved").await;
    let obs = observe(&redirected, CHANNEL, &fx.channel).await;
    let approved = [("config.delivery_channel.s3_bucket_name", fx.bucket.as_str())];
    let out = &evaluate(&obs, &channel_check, &approved)["config.delivery_channel"];
    assert_eq!(out.status, Status::Failed, "{out:?}");
    assert_eq!(
        out.actual,
        "delivers to S3 bucket gxp-redirected-unapproved"
    );
    let rec = observe(&redirected, RECORDER, &fx.recorder).await;
    assert_only(
        "recorder beside the redirected channel",
        &evaluate(&rec, &recorder_check, &[]),
        None,
    );

    // Nothing of that name.
    let none = observe(&base, RECORDER, "gxp-no-such-recorder").await;
    assert_eq!(none.existence, Existence::Missing);
    let none = observe(&base, CHANNEL, "gxp-no-such-channel").await;
    assert_eq!(none.existence, Existence::Missing);
}

#[tokio::test(flavor = "multi_thread")]
async fn collect_logs_compliant_weakened_and_missing() {
    let emu = Emulator::start();
    let sdk = emu.sdk_config().await;
    let checks = logs::CHECKS;

    let ok = logs::compliant_log_group(&sdk, "/gxp/app/audit").await;
    // A sibling sharing the prefix must not be picked up.
    logs::compliant_log_group(&sdk, "/gxp/app/audit-archive").await;
    let obs = observe(&sdk, LOG_GROUP, &ok.name).await;
    assert_exists(&obs);
    assert!(obs.errors.is_empty(), "{:?}", obs.errors);
    assert_eq!(obs.arn.as_deref(), Some(ok.arn.as_str()));
    let p = &obs.properties;
    assert_eq!(p["LogGroupName"], json!(ok.name));
    assert_eq!(p["RetentionInDays"], json!(logs::COMPLIANT_RETENTION_DAYS));
    assert_eq!(p["KmsKeyId"], json!(ok.kms_key_arn));
    assert_eq!(p["Arn"], json!(format!("{}:*", ok.arn)));
    assert_eq!(
        p["Tags"],
        json!([{"Key": "env", "Value": "test"}, {"Key": "gxp:app", "Value": "qms"}])
    );
    let key_param = [("logs.kms.kms_key_id", ok.kms_key_arn.as_str())];
    assert_only(
        "compliant log group",
        &evaluate(&obs, checks, &key_param),
        None,
    );

    // Both ARN forms identify the group.
    for arn in [ok.arn.clone(), format!("{}:*", ok.arn)] {
        let by_arn = observe(&sdk, LOG_GROUP, &arn).await;
        assert_eq!(by_arn.properties, obs.properties, "{arn}");
    }

    for check in checks {
        let name = format!("/gxp/app/weak-{}", check.replace('.', "-"));
        logs::compliant_log_group(&sdk, &name).await;
        assert!(logs::weaken(&sdk, &name, check).await, "{check}");
        let weak = observe(&sdk, LOG_GROUP, &name).await;
        assert_exists(&weak);
        assert!(weak.errors.is_empty(), "{check}: {:?}", weak.errors);
        let results = evaluate(&weak, checks, &[]);
        assert_only(
            &format!("log group weakened for {check}"),
            &results,
            Some(check),
        );
    }

    // No retention policy: never expires, which keeps records and passes.
    let forever = "/gxp/app/forever";
    aws_sdk_cloudwatchlogs::Client::new(&sdk)
        .create_log_group()
        .log_group_name(forever)
        .send()
        .await
        .expect("CreateLogGroup");
    let obs = observe(&sdk, LOG_GROUP, forever).await;
    assert!(!obs.properties.contains_key("RetentionInDays"));
    let out = &evaluate(&obs, &["logs.retention"], &[])["logs.retention"];
    assert_eq!(out.status, Status::Passed);
    assert!(out.actual.contains("never expire"), "{}", out.actual);

    // A prefix of existing groups is not a group.
    let missing = observe(&sdk, LOG_GROUP, "/gxp/app/aud").await;
    assert_eq!(missing.existence, Existence::Missing);
}
