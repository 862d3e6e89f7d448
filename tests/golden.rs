//! Golden files: the reports of fixed runs, byte for byte.
//!
//! A fixed set of observations — every catalog check passing, failing and unevaluable,
//! suppressions applied and expired, stacks complete, broken, missing and unreadable,
//! discovered resources, a failed discovery and an empty scope — is assembled into reports with
//! a fixed clock, report id and run metadata, and rendered in every format. Each rendering must
//! equal its file in `tests/golden/` byte for byte (the PDF renderer is deterministic, so the
//! PDF is compared as bytes too). Restructuring the engine must not change one byte.
//!
//! `GXP_WRITE_GOLDEN=1 cargo test -p gxp-core --test golden` rewrites the files; do that only
//! for an intended change of the report output, and say so in the commit.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{json, Value as Json};

use gxp_core::catalog::{self, Stage};
use gxp_core::checks::Status;
use gxp_core::observe::stack::{PART_DRIFT, PART_STACK};
use gxp_core::observe::{Existence, Observation, StackObservation, Target, TargetOrigin};
use gxp_core::qualification::approve::Approved;
use gxp_core::qualification::assemble::{self, RunRecord};
use gxp_core::qualification::evaluate;
use gxp_core::qualification::observe::{DiscoveryOutcome, Observed};
use gxp_core::report::formats::{render, Format};
use gxp_core::report::{self, *};
use gxp_core::soup::{FileState, SoupInventory, SoupModule, SoupProvider};
use gxp_core::spec::model::{
    Approval, ExpectedResource, ExpectedSoup, ExpectedStack, Requirement, Spec, Suppression, System,
};

/// The run's clock: started and finished.
const STARTED: &str = "2026-01-02T03:04:00Z";
const FINISHED: &str = "2026-01-02T03:04:05Z";
const LOCATION: &str = "s3://gxp-evidence/application=lims/environment=prod/date=2026-01-02/golden/20260102T030405Z-0badc0de.json";

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/golden")
}

fn time(text: &str) -> time::OffsetDateTime {
    gxp_core::util::parse_time(text).expect("fixed timestamp")
}

// ------------------------------------------------------------------ observations

/// A target of the specification (or discovered) with its checks and parameters.
fn target(key: &str, ty: &str, id: &str, checks: &[&str], params: &[(&str, &str)]) -> Target {
    Target {
        key: key.into(),
        resource_type: ty.into(),
        identifier: id.into(),
        origin: TargetOrigin::Spec,
        checks: checks.iter().map(|c| c.to_string()).collect(),
        params: params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        expected_properties: None,
        requirements: vec!["URS-001".into()],
    }
}

/// An existing resource with these properties.
fn seen(t: &Target, arn: Option<&str>, props: Json) -> Observation {
    let mut o = Observation::exists(t);
    o.arn = arn.map(str::to_string);
    for (k, v) in props.as_object().expect("properties object") {
        o.set(k, v.clone());
    }
    o
}

/// An existing resource none of whose `properties` could be read.
fn unreadable(t: &Target, properties: &[&str]) -> Observation {
    let mut o = Observation::exists(t);
    for p in properties {
        o.error(p, format!("AccessDenied: not authorized to read {p}"));
    }
    o
}

fn with_existence(t: &Target, existence: Existence) -> Observation {
    Observation::with_existence(t, existence)
}

/// The check set of the `full` run, pinned in `tests/golden/full.checks` (one id a line): the
/// checks of its time. Its targets select the OQ/PQ checks of their type in this set (as a
/// specification lists its checks), so a check registered later does not change its reports;
/// the runs of the targets files cover it instead (see [`targets_of_file`]).
fn full_checks() -> BTreeSet<String> {
    let path = golden_dir().join(FULL_CHECKS);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// The data files of `tests/golden/` (not renderings).
const FULL_CHECKS: &str = "full.checks";
const README: &str = "README.md";
/// The ending of a targets file: `<scenario>.targets.json` drives the run `<scenario>`.
const TARGETS_FILE: &str = ".targets.json";
/// The type of the account target (`expected_account`).
const ACCOUNT_TYPE: &str = "AWS::::Account";

/// The OQ/PQ check ids of a resource type the `full` run selects, in catalog order.
fn checks_of(ty: &str) -> Vec<&'static str> {
    let pinned = full_checks();
    catalog::for_resource_type(ty)
        .map(|c| c.id)
        .filter(|id| pinned.contains(*id))
        .collect()
}

/// The runs of the checks registered after `full` (every check not in `full.checks`): one
/// run per `tests/golden/<scenario>.targets.json` (e.g. `added-checks`), by file name.
fn targets_files() -> Vec<String> {
    let dir = golden_dir();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let file = e.file_name().to_string_lossy().into_owned();
            file.strip_suffix(TARGETS_FILE).map(str::to_string)
        })
        .collect();
    names.sort();
    names
}

/// The targets of the run `scenario`, from `tests/golden/<scenario>.targets.json`: per
/// check, resources passing it, failing it, without the configuration and with it
/// unreadable. An entry names its `check`, or `checks` its targets all select (checked
/// together on the same targets, as one account target runs several checks); its targets
/// have the `resource_type` given (a check of several types; default: the first check's first
/// type) and the entry's check parameter values (`params` or `check_parameters`, optional);
/// `properties` are observed (with the target's `arn`, optional), `unreadable` properties
/// have a read error, `observed_at` fixes the observation time (the clock of age checks). A
/// target of type `AWS::::Account` is the account target of `expected_account`.
fn targets_of_file(scenario: &str) -> Vec<(Target, Observation)> {
    let file = format!("{scenario}{TARGETS_FILE}");
    let path = golden_dir().join(&file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let checks: Json =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()));
    let s = |v: &Json, k: &str| -> String {
        v[k].as_str()
            .unwrap_or_else(|| panic!("{file}: `{k}` missing in {v}"))
            .to_string()
    };
    let mut out = Vec::new();
    for check in checks.as_array().expect("a list of checks") {
        let ids: Vec<String> = match check.get("checks") {
            Some(ids) => ids
                .as_array()
                .unwrap_or_else(|| panic!("{file}: `checks` is not a list in {check}"))
                .iter()
                .map(|id| id.as_str().expect("checks: check ids").to_string())
                .collect(),
            None => vec![s(check, "check")],
        };
        let defs: Vec<&catalog::CheckDef> = ids
            .iter()
            .map(|id| catalog::get(id).unwrap_or_else(|| panic!("{file}: unknown check {id}")))
            .collect();
        let def = defs
            .first()
            .unwrap_or_else(|| panic!("{file}: an entry without checks"));
        let id = &ids[0];
        // A check of several types names the type of its targets; the first type by default.
        let ty: String = match check.get("resource_type") {
            Some(ty) => ty.as_str().expect("resource_type: a string").to_string(),
            None => def
                .resource_types
                .first()
                .copied()
                .unwrap_or_default()
                .to_string(),
        };
        for d in &defs {
            assert!(
                d.resource_types.contains(&ty.as_str()),
                "{file}: {} does not check {ty}, the type of {id}'s targets (its types: {:?})",
                d.id,
                d.resource_types
            );
        }
        let checked: Vec<&str> = defs.iter().map(|d| d.id).collect();
        let params: Vec<(String, String)> = match check
            .get("params")
            .or_else(|| check.get("check_parameters"))
        {
            Some(params) => params
                .as_object()
                .expect("params: an object")
                .iter()
                .map(|(k, v)| {
                    let v = v.as_str().expect("params: string values");
                    (k.clone(), v.to_string())
                })
                .collect(),
            None => vec![],
        };
        let params: Vec<(&str, &str)> = params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        for t in check["targets"].as_array().expect("targets") {
            let mut target = target(&s(t, "key"), &ty, &s(t, "identifier"), &checked, &params);
            if ty == ACCOUNT_TYPE {
                target.origin = TargetOrigin::Account;
            }
            let mut o = match t.get("unreadable") {
                Some(props) => {
                    let props: Vec<&str> = props
                        .as_array()
                        .expect("unreadable: a list")
                        .iter()
                        .map(|p| p.as_str().expect("property name"))
                        .collect();
                    unreadable(&target, &props)
                }
                None => seen(&target, t["arn"].as_str(), t["properties"].clone()),
            };
            if let Some(at) = t.get("observed_at") {
                o.observed_at = Some(at.as_str().expect("observed_at: a timestamp").to_string());
            }
            out.push((target, o));
        }
    }
    out
}

const KEY_ARN: &str = "arn:aws:kms:eu-west-1:123456789012:key/0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6";

/// For each resource type: a compliant, a weakened and an unreadable resource; a missing and
/// an unknown one where existence matters.
fn observed_targets() -> Vec<(Target, Observation)> {
    let mut out = Vec::new();
    let mut add = |t: Target, o: Observation| out.push((t, o));

    // S3
    let ty = "AWS::S3::Bucket";
    let s3 = checks_of(ty);
    let mut t = target(
        "bucket-ok",
        ty,
        "lims-data",
        &s3,
        &[
            ("s3.encryption.kms_key_id", "alias/gxp"),
            ("s3.object_lock.min_retention_days", "30"),
            ("s3.access_logging.target_bucket", "lims-logs"),
        ],
    );
    t.expected_properties = Some(json!({
        "VersioningConfiguration": {"Status": "Enabled"},
        "Tags": [{"Key": "gxp:app", "Value": "lims"}]
    }));
    let arn = "arn:aws:s3:::lims-data";
    let o = seen(
        &t,
        Some(arn),
        json!({
            "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": KEY_ARN},
                 "BucketKeyEnabled": true}]},
            "KmsKeyAliases": {"alias/gxp": KEY_ARN},
            "VersioningConfiguration": {"Status": "Enabled"},
            "MfaDelete": "Disabled",
            "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "BlockPublicPolicy": true,
                "IgnorePublicAcls": true, "RestrictPublicBuckets": true},
            "ObjectLockEnabled": true,
            "ObjectLockConfiguration": {"ObjectLockEnabled": "Enabled",
                "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Years": 10}}},
            "LoggingConfiguration": {"DestinationBucketName": "lims-logs", "LogFilePrefix": "lims-data/"},
            "ReplicationConfiguration": {"Role": "arn:aws:iam::123456789012:role/replication",
                "Rules": [{"Status": "Enabled", "Destination": {"Bucket": "arn:aws:s3:::lims-replica"}}]},
            "BucketPolicy": {"Version": "2012-10-17", "Statement": [{"Sid": "DenyInsecure",
                "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                "Resource": [arn, format!("{arn}/*")],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]},
            "Tags": [{"Key": "gxp:app", "Value": "lims"}]
        }),
    );
    add(t, o);
    let mut t = target("bucket-weak", ty, "lims-scratch", &s3, &[]);
    t.expected_properties = Some(json!({"VersioningConfiguration": {"Status": "Enabled"}}));
    let o = seen(
        &t,
        Some("arn:aws:s3:::lims-scratch"),
        json!({
            "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
            "VersioningConfiguration": {"Status": "Suspended"},
            "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "BlockPublicPolicy": false,
                "IgnorePublicAcls": true, "RestrictPublicBuckets": false},
            "LoggingConfiguration": {"DestinationBucketName": "lims-scratch"},
            "ReplicationConfiguration": {"Role": "arn:aws:iam::123456789012:role/replication",
                "Rules": [{"Status": "Disabled", "Destination": {"Bucket": "arn:aws:s3:::lims-replica"}}]},
            "BucketPolicy": {"Version": "2012-10-17", "Statement": [{"Effect": "Deny",
                "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::lims-scratch/*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
        }),
    );
    add(t, o);
    let mut t = target("bucket-denied", ty, "lims-denied", &s3, &[]);
    t.expected_properties = Some(json!({"VersioningConfiguration": {"Status": "Enabled"}}));
    let o = unreadable(
        &t,
        &[
            "BucketEncryption",
            "VersioningConfiguration",
            "MfaDelete",
            "PublicAccessBlockConfiguration",
            "ObjectLockEnabled",
            "ObjectLockConfiguration",
            "LoggingConfiguration",
            "ReplicationConfiguration",
            "BucketPolicy",
            "Tags",
        ],
    );
    add(t, o);
    let t = target("bucket-gone", ty, "lims-gone", &s3, &[]);
    let o = with_existence(&t, Existence::Missing);
    add(t, o);
    let mut t = target(
        "discovered:arn:aws:s3:::lims-found",
        ty,
        "lims-found",
        &s3,
        &[],
    );
    t.origin = TargetOrigin::Discovered;
    t.requirements = vec![];
    let o = seen(
        &t,
        Some("arn:aws:s3:::lims-found"),
        json!({"VersioningConfiguration": {"Status": "Enabled"}}),
    );
    add(t, o);

    // CloudTrail
    let ty = "AWS::CloudTrail::Trail";
    let trail = checks_of(ty);
    let trail_arn = "arn:aws:cloudtrail:eu-west-1:123456789012:trail/org-trail";
    let t = target("trail-ok", ty, trail_arn, &trail, &[]);
    let o = seen(
        &t,
        Some(trail_arn),
        json!({
            "IsLogging": true,
            "IsMultiRegionTrail": true,
            "IncludeGlobalServiceEvents": true,
            "EnableLogFileValidation": true,
            "KMSKeyId": KEY_ARN,
            "CloudWatchLogsLogGroupArn": "arn:aws:logs:eu-west-1:123456789012:log-group:/gxp/trail:*",
            "CloudWatchLogsRoleArn": "arn:aws:iam::123456789012:role/trail-logs",
            "LatestCloudWatchLogsDeliveryError": "ThrottlingException",
            "EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": true,
                "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}],
            "S3BucketName": "org-trail-logs"
        }),
    );
    add(t, o);
    let t = target(
        "trail-weak",
        ty,
        "weak-trail",
        &trail,
        &[("cloudtrail.kms.kms_key_id", "1111-2222")],
    );
    let o = seen(
        &t,
        None,
        json!({
            "IsLogging": false,
            "IsMultiRegionTrail": false,
            "IncludeGlobalServiceEvents": true,
            "EnableLogFileValidation": false,
            "KMSKeyId": KEY_ARN,
            "EventSelectors": [{"ReadWriteType": "ReadOnly", "IncludeManagementEvents": true,
                "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::other/"]}]}]
        }),
    );
    add(t, o);
    let t = target("trail-denied", ty, "denied-trail", &trail, &[]);
    let o = unreadable(
        &t,
        &[
            "IsLogging",
            "LatestDeliveryError",
            "IsMultiRegionTrail",
            "IncludeGlobalServiceEvents",
            "EnableLogFileValidation",
            "KMSKeyId",
            "CloudWatchLogsLogGroupArn",
            "CloudWatchLogsRoleArn",
            "EventSelectors",
            "AdvancedEventSelectors",
        ],
    );
    add(t, o);
    let t = target("trail-gone", ty, "gone-trail", &trail, &[]);
    let o = with_existence(&t, Existence::Missing);
    add(t, o);
    let t = target("trail-unknown", ty, "unknown-trail", &trail, &[]);
    let o = with_existence(
        &t,
        Existence::Unknown("CloudTrail DescribeTrails: ThrottlingException: Rate exceeded".into()),
    );
    add(t, o);

    // KMS
    let ty = "AWS::KMS::Key";
    let kms = checks_of(ty);
    let t = target(
        "key-ok",
        ty,
        "0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6",
        &kms,
        &[],
    );
    let o = seen(
        &t,
        Some(KEY_ARN),
        json!({"Enabled": true, "KeyState": "Enabled", "EnableKeyRotation": true,
               "RotationPeriodInDays": 365, "KeySpec": "SYMMETRIC_DEFAULT", "Origin": "AWS_KMS"}),
    );
    add(t, o);
    let t = target("key-weak", ty, "9999", &kms, &[]);
    let o = seen(
        &t,
        None,
        json!({"Enabled": false, "KeyState": "Disabled", "EnableKeyRotation": false,
               "KeySpec": "SYMMETRIC_DEFAULT", "Origin": "AWS_KMS"}),
    );
    add(t, o);
    let t = target("key-denied", ty, "8888", &kms, &[]);
    let o = unreadable(&t, &["Enabled", "KeyState", "EnableKeyRotation"]);
    add(t, o);

    // AWS Config
    let ty = "AWS::Config::ConfigurationRecorder";
    let rec = checks_of(ty);
    let t = target("recorder-ok", ty, "default", &rec, &[]);
    let o = seen(
        &t,
        None,
        json!({"RecordingGroup": {"AllSupported": true, "IncludeGlobalResourceTypes": true},
               "Recording": true, "LastStatus": "SUCCESS"}),
    );
    add(t, o);
    let t = target("recorder-weak", ty, "weak", &rec, &[]);
    let o = seen(
        &t,
        None,
        json!({"RecordingGroup": {"AllSupported": true, "IncludeGlobalResourceTypes": false},
               "Recording": false, "LastStatus": "FAILURE", "LastErrorCode": "AccessDenied"}),
    );
    add(t, o);
    let t = target("recorder-denied", ty, "denied", &rec, &[]);
    let o = unreadable(&t, &["RecordingGroup", "Recording", "LastStatus"]);
    add(t, o);
    let ty = "AWS::Config::DeliveryChannel";
    let ch = checks_of(ty);
    let t = target("channel-ok", ty, "default", &ch, &[]);
    let o = seen(
        &t,
        None,
        json!({"S3BucketName": "config-history", "ConfigHistoryDeliveryStatus": "SUCCESS"}),
    );
    add(t, o);
    let t = target(
        "channel-weak",
        ty,
        "weak",
        &ch,
        &[("config.delivery_channel.s3_bucket_name", "config-history")],
    );
    let o = seen(
        &t,
        None,
        json!({"S3BucketName": "elsewhere", "ConfigHistoryDeliveryStatus": "FAILURE",
               "ConfigHistoryDeliveryError": "NoSuchBucket"}),
    );
    add(t, o);
    let t = target("channel-denied", ty, "denied", &ch, &[]);
    let o = seen(&t, None, json!({"S3BucketName": "config-history"}));
    let mut o = o;
    o.error(
        "ConfigHistoryDeliveryStatus",
        "AWS Config DescribeDeliveryChannelStatus: not implemented",
    );
    add(t, o);

    // EC2
    let ty = "AWS::EC2::VPC";
    let vpc = checks_of(ty);
    let t = target("vpc-ok", ty, "vpc-0a1b", &vpc, &[]);
    let o = seen(
        &t,
        None,
        json!({
            "FlowLogs": [{"FlowLogId": "fl-1", "FlowLogStatus": "ACTIVE", "TrafficType": "ALL",
                "LogDestinationType": "cloud-watch-logs", "LogGroupName": "/gxp/flow", "DeliverLogsStatus": "SUCCESS"}],
            "DefaultSecurityGroup": {"GroupId": "sg-default", "IngressRules": 0, "EgressRules": 0}
        }),
    );
    add(t, o);
    let t = target("vpc-weak", ty, "vpc-0c2d", &vpc, &[]);
    let o = seen(
        &t,
        None,
        json!({
            "FlowLogs": [{"FlowLogId": "fl-2", "FlowLogStatus": "ACTIVE", "TrafficType": "REJECT",
                "LogDestination": "arn:aws:s3:::flow-logs", "DeliverLogsStatus": "FAILED"}],
            "DefaultSecurityGroup": {"GroupId": "sg-open", "IngressRules": 1, "EgressRules": 1,
                "IpPermissions": [{"IpProtocol": "-1", "SourceSecurityGroupId": "sg-open"}],
                "IpPermissionsEgress": [{"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}]}
        }),
    );
    add(t, o);
    let t = target("vpc-denied", ty, "vpc-0e3f", &vpc, &[]);
    let o = unreadable(&t, &["FlowLogs", "DefaultSecurityGroup"]);
    add(t, o);
    let ty = "AWS::EC2::SecurityGroup";
    let sg = checks_of(ty);
    let t = target("sg-ok", ty, "sg-0a", &sg, &[]);
    let o = seen(
        &t,
        None,
        json!({"SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"}]}),
    );
    add(t, o);
    let t = target(
        "sg-weak",
        ty,
        "sg-0b",
        &sg,
        &[("ec2.sg_no_admin_ingress.admin_ports", "22,3389,5432")],
    );
    let o = seen(
        &t,
        None,
        json!({"SecurityGroupIngress": [
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"},
            {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "CidrIpv6": "::/0"}]}),
    );
    add(t, o);
    let t = target("sg-denied", ty, "sg-0c", &sg, &[]);
    let o = unreadable(&t, &["SecurityGroupIngress"]);
    add(t, o);
    let ty = "AWS::EC2::VPCEndpoint";
    let ep = checks_of(ty);
    let t = target("endpoint-ok", ty, "vpce-0a", &ep, &[]);
    let o = seen(&t, None, json!({"State": "available"}));
    add(t, o);
    let t = target("endpoint-weak", ty, "vpce-0b", &ep, &[]);
    let o = seen(&t, None, json!({"State": "pendingAcceptance"}));
    add(t, o);
    let t = target("endpoint-denied", ty, "vpce-0c", &ep, &[]);
    let o = unreadable(&t, &["State"]);
    add(t, o);

    // CloudWatch Logs
    let ty = "AWS::Logs::LogGroup";
    let lg = checks_of(ty);
    let t = target(
        "logs-ok",
        ty,
        "/gxp/app",
        &lg,
        &[(
            "logs.kms.kms_key_id",
            "0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6",
        )],
    );
    let o = seen(
        &t,
        None,
        json!({"RetentionInDays": 3653, "KmsKeyId": KEY_ARN}),
    );
    add(t, o);
    let t = target("logs-weak", ty, "/gxp/weak", &lg, &[]);
    let o = seen(&t, None, json!({"RetentionInDays": 30}));
    add(t, o);
    let t = target("logs-denied", ty, "/gxp/denied", &lg, &[]);
    let o = unreadable(&t, &["RetentionInDays", "KmsKeyId"]);
    add(t, o);

    // RDS
    let ty = "AWS::RDS::DBInstance";
    let db = checks_of(ty);
    let t = target("db-ok", ty, "lims-db", &db, &[]);
    let o = seen(
        &t,
        Some("arn:aws:rds:eu-west-1:123456789012:db:lims-db"),
        json!({"StorageEncrypted": true, "KmsKeyId": KEY_ARN, "MultiAZ": true,
               "SecondaryAvailabilityZone": "eu-west-1b", "BackupRetentionPeriod": 35,
               "DeletionProtection": true}),
    );
    add(t, o);
    let t = target(
        "db-weak",
        ty,
        "weak-db",
        &db,
        &[("rds.backup_retention.min_days", "14")],
    );
    let o = seen(
        &t,
        None,
        json!({"StorageEncrypted": false, "MultiAZ": false, "BackupRetentionPeriod": 0,
               "DeletionProtection": false}),
    );
    add(t, o);
    let t = target("db-denied", ty, "denied-db", &db, &[]);
    let o = unreadable(
        &t,
        &[
            "StorageEncrypted",
            "MultiAZ",
            "BackupRetentionPeriod",
            "DeletionProtection",
        ],
    );
    add(t, o);
    out.sort_by(|a, b| a.0.key.cmp(&b.0.key));
    out
}

// ------------------------------------------------------------------ stacks

const TEMPLATE: &str = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

fn expected_stack(name: &str) -> ExpectedStack {
    ExpectedStack {
        name: name.into(),
        template_sha256: Some(TEMPLATE.into()),
        outputs: [("BucketName".to_string(), "lims-data".to_string())].into(),
        parameters: [
            ("Environment".to_string(), "prod".to_string()),
            ("DbPassword".to_string(), "secret".to_string()),
        ]
        .into(),
        resources: [
            ("DataBucket".to_string(), "AWS::S3::Bucket".to_string()),
            ("DataKey".to_string(), "AWS::KMS::Key".to_string()),
        ]
        .into(),
        requirements: vec!["URS-002".into()],
    }
}

fn stack_observation(name: &str) -> StackObservation {
    StackObservation {
        name: name.into(),
        status: Some("UPDATE_COMPLETE".into()),
        stack_id: Some(format!(
            "arn:aws:cloudformation:eu-west-1:123456789012:stack/{name}/6a1b"
        )),
        template_sha256: Some(TEMPLATE.into()),
        outputs: [("BucketName".to_string(), "lims-data".to_string())].into(),
        parameters: [
            ("Environment".to_string(), "prod".to_string()),
            ("DbPassword".to_string(), "****".to_string()),
        ]
        .into(),
        resources: [
            (
                "DataBucket".to_string(),
                ("AWS::S3::Bucket".to_string(), "lims-data".to_string()),
            ),
            (
                "DataKey".to_string(),
                ("AWS::KMS::Key".to_string(), "0d1e".to_string()),
            ),
        ]
        .into(),
        last_updated: Some("2025-12-30T08:00:00Z".into()),
        cfn_drift_status: Some("IN_SYNC".into()),
        cfn_drift_note: None,
        errors: BTreeMap::new(),
    }
}

/// A complete stack, a broken one, a missing one, an unreadable one and one whose drift
/// detection failed.
fn stacks() -> Vec<(ExpectedStack, StackObservation)> {
    let ok = (expected_stack("lims-core"), stack_observation("lims-core"));
    let mut broken = stack_observation("lims-broken");
    broken.status = Some("UPDATE_ROLLBACK_COMPLETE".into());
    broken.template_sha256 = Some("ffff".repeat(16));
    broken.outputs.insert("BucketName".into(), "other".into());
    broken.parameters.insert("Environment".into(), "qa".into());
    broken.resources.remove("DataKey");
    broken.resources.insert(
        "Extra".into(),
        ("AWS::SQS::Queue".into(), "https://sqs/extra".into()),
    );
    broken.cfn_drift_status = Some("DRIFTED".into());
    let mut missing = StackObservation {
        name: "lims-missing".into(),
        ..Default::default()
    };
    missing.status = None;
    let mut denied = stack_observation("lims-denied");
    denied.errors.insert(
        PART_STACK.into(),
        "CloudFormation DescribeStacks: AccessDenied".into(),
    );
    let mut drift_error = stack_observation("lims-drift");
    drift_error.cfn_drift_status = None;
    drift_error.errors.insert(
        PART_DRIFT.into(),
        "CloudFormation DetectStackDrift: AccessDenied".into(),
    );
    let mut unsupported = stack_observation("lims-nodrift");
    unsupported.cfn_drift_status = None;
    unsupported.cfn_drift_note = Some("DetectStackDrift is not supported by the endpoint".into());
    vec![
        ok,
        (expected_stack("lims-broken"), broken),
        (expected_stack("lims-missing"), missing),
        (expected_stack("lims-denied"), denied),
        (expected_stack("lims-drift"), drift_error),
        (expected_stack("lims-nodrift"), unsupported),
    ]
}

// ------------------------------------------------------------------ the runs

/// What a fixed run consists of.
struct Scenario {
    name: String,
    spec: Spec,
    discovery_tags: BTreeMap<String, String>,
    discovery: DiscoveryOutcome,
    /// `discovery.enumerate_types`, and the enumerations that failed (type, why).
    enumerate_types: BTreeSet<String>,
    enumeration_failed: Vec<(String, String)>,
    targets: Vec<(Target, Observation)>,
    stacks: Vec<StackObservation>,
    notes: Vec<String>,
    /// The electronic signatures of the specification as verified (the `signed` scenario).
    approved: Approved,
    /// The SOUP inventory of the run's working directory (only the `soup` scenarios).
    soup: Option<gxp_core::soup::SoupInventory>,
}

fn spec(resources: &[&Target], stacks: &[ExpectedStack], suppressions: Vec<Suppression>) -> Spec {
    Spec {
        name: "lims-prod".into(),
        version: "2.0.0".into(),
        description: Some("Golden-file specification".into()),
        system: System {
            application_id: "lims".into(),
            environment: "prod".into(),
            gamp_category: Some(4),
            risk_class: Some("high".into()),
        },
        approval: Approval {
            approved_by: "Jane Doe (QA) <qa@example.com>".into(),
            approved_at: "2025-12-01T09:00:00Z".into(),
            change_reference: "CHG-2025-0099".into(),
            reason: Some("Annual review & re-approval".into()),
        },
        requirements: vec![
            Requirement {
                id: "URS-001".into(),
                text: "Records are protected <encrypted, retained & logged>".into(),
                controls: vec!["21CFR11.10(c)".into(), "Annex11-7.1".into()],
                severity: "security".into(),
            },
            Requirement {
                id: "URS-002".into(),
                text: "Installed as specified".into(),
                controls: vec!["21CFR11.10(a)".into()],
                severity: "functional".into(),
            },
            Requirement {
                id: "URS-003".into(),
                text: "Traced to nothing yet".into(),
                controls: vec![],
                severity: "cosmetic".into(),
            },
        ],
        resources: resources
            .iter()
            .filter(|t| t.origin == TargetOrigin::Spec)
            .map(|t| ExpectedResource {
                key: t.key.clone(),
                resource_type: t.resource_type.clone(),
                identifier: Some(t.identifier.clone()),
                stack_name: None,
                logical_id: None,
                properties: t.expected_properties.clone(),
                checks: t.checks.clone(),
                check_parameters: t.params.clone(),
                requirements: t.requirements.clone(),
            })
            .collect(),
        stacks: stacks.to_vec(),
        suppressions,
        ..Default::default()
    }
}

fn suppression(check: &str, key: &str, expires: Option<&str>) -> Suppression {
    Suppression {
        check: check.into(),
        resource_key: key.into(),
        reason: format!("Compensating control for {check} on {key}; see CAPA-7 \"<memo>\""),
        approved_by: "QA Lead".into(),
        expires: expires.map(str::to_string),
    }
}

fn scenarios() -> Vec<Scenario> {
    let targets = observed_targets();
    let stacks = stacks();
    let resource_refs: Vec<&Target> = targets.iter().map(|(t, _)| t).collect();
    let expected_stacks: Vec<ExpectedStack> = stacks.iter().map(|(e, _)| e.clone()).collect();
    let full = spec(
        &resource_refs,
        &expected_stacks,
        vec![
            // Applied to a failure, applied to an error, expired, and unused (it passes).
            suppression("s3.versioning", "bucket-weak", Some("2027-01-01")),
            suppression("cloudtrail.logging", "trail-denied", None),
            suppression("kms.rotation", "key-weak", Some("2025-06-30")),
            suppression("s3.encryption", "bucket-ok", None),
        ],
    );
    let tags: BTreeMap<String, String> = [("gxp:app", "lims"), ("gxp:env", "prod")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let empty = spec(&[], &[], vec![]);
    let mut scenarios = vec![
        Scenario {
            name: "full".into(),
            spec: full,
            discovery_tags: tags.clone(),
            discovery: DiscoveryOutcome::Found {
                targets: 1,
                unsupported: 1,
            },
            enumerate_types: BTreeSet::new(),
            enumeration_failed: vec![],
            targets,
            stacks: stacks.into_iter().map(|(_, o)| o).collect(),
            notes: vec![
                "stack lims-nodrift: DetectStackDrift is not supported by the endpoint".into(),
                "discovered but no checks for its type: arn:aws:lambda:eu-west-1:123456789012:function:x".into(),
            ],
            approved: Approved::default(),
            soup: None,
        },
        Scenario {
            name: "discovery-failed".into(),
            spec: empty.clone(),
            discovery_tags: tags,
            discovery: DiscoveryOutcome::Failed(
                "Resource Groups Tagging API GetResources: AccessDenied".into(),
            ),
            enumerate_types: BTreeSet::new(),
            enumeration_failed: vec![],
            targets: vec![],
            stacks: vec![],
            notes: vec![],
            approved: Approved::default(),
            soup: None,
        },
        Scenario {
            name: "nothing-to-qualify".into(),
            spec: empty.clone(),
            discovery_tags: BTreeMap::new(),
            discovery: DiscoveryOutcome::NotConfigured,
            enumerate_types: BTreeSet::new(),
            enumeration_failed: vec![],
            targets: vec![],
            stacks: vec![],
            notes: vec![],
            approved: Approved::default(),
            soup: None,
        },
        // The signature page: a verified SSH review, a verified KMS approval and a stale
        // approval, under a met `approved, reviewed` policy.
        Scenario {
            name: "signed".into(),
            spec: empty,
            discovery_tags: BTreeMap::new(),
            discovery: DiscoveryOutcome::NotConfigured,
            enumerate_types: BTreeSet::new(),
            enumeration_failed: vec![],
            targets: vec![],
            stacks: vec![],
            notes: vec![],
            approved: signed(),
            soup: None,
        },
    ];
    scenarios.extend(enumeration_scenarios(&tags_of_enumeration()));
    scenarios.extend(soup_scenarios());
    for name in targets_files() {
        let targets = targets_of_file(&name);
        let refs: Vec<&Target> = targets.iter().map(|(t, _)| t).collect();
        scenarios.push(Scenario {
            spec: spec(&refs, &[], vec![]),
            name,
            discovery_tags: BTreeMap::new(),
            discovery: DiscoveryOutcome::NotConfigured,
            enumerate_types: BTreeSet::new(),
            enumeration_failed: vec![],
            targets,
            stacks: vec![],
            notes: vec![],
            approved: Approved::default(),
            soup: None,
        });
    }
    scenarios
}

fn tags_of_enumeration() -> BTreeMap<String, String> {
    [("gxp:app".to_string(), "lims".to_string())].into()
}

/// `discovery-enumerated`: the Config delivery channel enumerated (`enumerate_types`; no tag
/// filter: the type has no tags) beside a tag-discovered KMS key, the channel's check passed;
/// `discovery-enumeration-failed`: its enumeration denied, an `iq.scope` error on
/// `discovery:AWS::Config::DeliveryChannel` beside the key still qualified.
fn enumeration_scenarios(tags: &BTreeMap<String, String>) -> Vec<Scenario> {
    let channel_type = "AWS::Config::DeliveryChannel";
    let types: BTreeSet<String> = [channel_type.to_string()].into();
    let mut channel = target(
        "discovered:AWS::Config::DeliveryChannel/default",
        channel_type,
        "default",
        &["config.delivery_channel"],
        &[],
    );
    channel.origin = TargetOrigin::Discovered;
    channel.requirements.clear();
    let channel_obs = seen(
        &channel,
        None,
        json!({"Name": "default", "S3BucketName": "lims-config", "ConfigHistoryDeliveryStatus": "Success"}),
    );
    let key_arn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let mut key = target(
        &format!("discovered:{key_arn}"),
        "AWS::KMS::Key",
        "1234abcd-12ab-34cd-56ef-1234567890ab",
        &["kms.rotation"],
        &[],
    );
    key.origin = TargetOrigin::Discovered;
    key.requirements.clear();
    let key_obs = seen(
        &key,
        Some(key_arn),
        json!({"Enabled": true, "KeyState": "Enabled", "EnableKeyRotation": true,
               "RotationPeriodInDays": 365, "KeySpec": "SYMMETRIC_DEFAULT", "Origin": "AWS_KMS"}),
    );
    let empty = spec(&[], &[], vec![]);
    let found = || DiscoveryOutcome::Found {
        targets: 1,
        unsupported: 0,
    };
    vec![
        Scenario {
            name: "discovery-enumerated".into(),
            spec: empty.clone(),
            discovery_tags: tags.clone(),
            discovery: found(),
            enumerate_types: types.clone(),
            enumeration_failed: vec![],
            targets: vec![(channel, channel_obs), (key.clone(), key_obs.clone())],
            stacks: vec![],
            notes: vec![format!(
                "{channel_type} default: enumerated through AWS Config DescribeDeliveryChannels; no tag filter: the type has no tags"
            )],
            approved: Approved::default(),
            soup: None,
        },
        Scenario {
            name: "discovery-enumeration-failed".into(),
            spec: empty,
            discovery_tags: tags.clone(),
            discovery: found(),
            enumerate_types: types,
            enumeration_failed: vec![(
                channel_type.to_string(),
                "AWS Config DescribeDeliveryChannels: AccessDenied (HTTP 400): not authorized".into(),
            )],
            targets: vec![(key, key_obs)],
            stacks: vec![],
            notes: vec![],
            approved: Approved::default(),
            soup: None,
        },
    ]
}

/// The signatures of the `signed` scenario as verification records them: Alice's SSH review
/// and Bob's KMS approval verified, Carol's approval stale; policy `approved, reviewed` met.
fn signed() -> Approved {
    use gxp_core::approval::{SignatureRecord, SignatureStatus};
    let signing = "7d0c4b2f9e8a1d3c5b7a9f0e2d4c6b8a0f1e3d5c7b9a2f4e6d8c0b1a3f5e7d9c";
    let verified = |printed_name: &str, signer: &str, meaning: &str| SignatureRecord {
        signer: signer.into(),
        printed_name: printed_name.into(),
        meaning: meaning.into(),
        signed_at: "2026-01-01T10:00:00Z".into(),
        method: "ssh".into(),
        key: "ssh-ed25519 SHA256:Zx4m0aQ1bW2cE3dR4fT5gY6hU7jI8kO9lP0zA1sD2fG".into(),
        algorithm: None,
        spec_digest: signing.into(),
        statement_sha256: "a3f5e7d9c7d0c4b2f9e8a1d3c5b7a9f0e2d4c6b8a0f1e3d5c7b9a2f4e6d8c0b1".into(),
        status: SignatureStatus::Verified,
        verified_by: "allowed_signers (offline)".into(),
        detail: None,
        value: "-----BEGIN SSH SIGNATURE-----\nU1NIU0lHAAAAAQ==\n-----END SSH SIGNATURE-----"
            .into(),
    };
    let old = "1111222233334444555566667777888899990000aaaabbbbccccddddeeeeffff";
    Approved {
        signing_digest: Some(signing.into()),
        records: vec![
            SignatureRecord {
                method: "kms".into(),
                key: "arn:aws:kms:eu-west-1:123456789012:key/9f8e7d6c-5b4a-3c2d-1e0f-a9b8c7d6e5f4"
                    .into(),
                algorithm: Some("ECDSA_SHA_256".into()),
                verified_by: "KMS Verify".into(),
                value: "MEUCIQC7golden".into(),
                ..verified("Bob Builder", "bob@example.com", "approved")
            },
            SignatureRecord {
                signed_at: "2025-12-20T17:30:00+01:00".into(),
                spec_digest: old.into(),
                status: SignatureStatus::Stale,
                detail: Some(format!(
                    "signed digest {old}; the specification has changed since (now {signing}): \
                     re-sign"
                )),
                value:
                    "-----BEGIN SSH SIGNATURE-----\nU1NIU0lHAAAAAg==\n-----END SSH SIGNATURE-----"
                        .into(),
                ..verified("Carol Quality", "carol@example.com", "approved")
            },
            verified("Alice Example", "alice@example.com", "reviewed"),
        ],
        required: vec!["approved".into(), "reviewed".into()],
        policy_met: Some(true),
    }
}

/// The SOUP of a working directory after `terraform init`: gxp/gxp and hashicorp/aws locked
/// and installed, `example/extra` installed but not locked, a registry and a local module.
fn soup_inventory() -> SoupInventory {
    SoupInventory {
        terraform_version: "1.15.5".into(),
        working_directory: "/builds/lims/infra".into(),
        lock_file: FileState::Read {
            sha256: "5f2b1c0e3d4a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0".into(),
        },
        providers: vec![
            SoupProvider {
                source: "registry.terraform.io/example/extra".into(),
                installed: vec!["1.0.0 linux_amd64".into()],
                ..Default::default()
            },
            SoupProvider {
                source: "registry.terraform.io/gxp/gxp".into(),
                locked_version: Some("0.1.0".into()),
                constraints: Some("= 0.1.0".into()),
                hashes: vec!["h1:dtdUTAS4Gqw9Kr9fYhrNzylzq1H7DDl5CMCIeK9A29g=".into()],
                installed: vec!["0.1.0 linux_amd64".into()],
                this_provider: true,
                running_version: Some("0.1.0".into()),
                note: None,
            },
            SoupProvider {
                source: "registry.terraform.io/hashicorp/aws".into(),
                locked_version: Some("5.100.0".into()),
                constraints: Some("~> 5.0".into()),
                hashes: vec![
                    "h1:Ijt7pOlB7Tr7maGQIqtsLFbl7pSMIj06TVdkoSBcYOw=".into(),
                    "zh:054b8dd49f0549c9a7cc27d159e45327b7b65cf404da5e5a20da154b90b8a644".into(),
                ],
                installed: vec!["5.100.0 linux_amd64".into()],
                ..Default::default()
            },
        ],
        modules_manifest: FileState::Read {
            sha256: "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9".into(),
        },
        modules: vec![
            SoupModule {
                key: "app".into(),
                source: "./modules/app".into(),
                version: None,
                dir: "modules/app".into(),
            },
            SoupModule {
                key: "vpc".into(),
                source: "registry.terraform.io/terraform-aws-modules/vpc/aws".into(),
                version: Some("5.1.0".into()),
                dir: ".terraform/modules/vpc".into(),
            },
        ],
        installed_error: None,
    }
}

/// The `soup` scenarios: the inventory above against an `expected_soup` (every SOUP check
/// passes and fails), and the same run with a malformed lock file (`soup-error`: error).
fn soup_scenarios() -> Vec<Scenario> {
    let mut spec = spec(&[], &[], vec![]);
    spec.soup = Some(ExpectedSoup {
        terraform_version: Some(">= 1.9, < 2.0".into()),
        providers: [
            ("registry.terraform.io/gxp/gxp", "= 0.1.0"),
            ("registry.terraform.io/hashicorp/aws", "~> 5.0"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect(),
        requirements: vec!["URS-002".into()],
    });
    let malformed = SoupInventory {
        lock_file: FileState::Malformed {
            error: "not valid HCL: expected `}` at line 9".into(),
        },
        ..soup_inventory()
    };
    [("soup", soup_inventory()), ("soup-error", malformed)]
        .into_iter()
        .map(|(name, inventory)| Scenario {
            name: name.into(),
            spec: spec.clone(),
            discovery_tags: BTreeMap::new(),
            discovery: DiscoveryOutcome::NotConfigured,
            targets: vec![],
            stacks: vec![],
            notes: vec![],
            enumerate_types: BTreeSet::new(),
            enumeration_failed: vec![],
            approved: Approved::default(),
            soup: Some(inventory),
        })
        .collect()
}

/// Assemble the report of a scenario with the run's own phases (evaluate, assemble), the
/// run's clock, ids and store fixed.
fn assemble_report(s: Scenario) -> Report {
    let stages = Stage::ALL.to_vec();
    let finished = time(FINISHED);
    let observed = Observed {
        targets: s.targets,
        stacks: s.stacks,
        notes: s.notes,
        discovery: s.discovery,
        enumeration_failed: s.enumeration_failed,
        soup: s.soup,
    };
    let evaluated = evaluate::evaluate(&s.spec, &observed, &stages, &s.discovery_tags, finished);
    let record = RunRecord {
        report_id: "20260102T030405Z-0badc0de".into(),
        qualification: QualificationInfo {
            name: "golden".into(),
            stages: stages.clone(),
            enforce: true,
            reasons: vec![
                "initial qualification".into(),
                "drift (security): bucket-ok BucketEncryption".into(),
            ],
            sequence: 3,
            sequenced_at: None,
            discovery_tags: s.discovery_tags.clone(),
            discovery_exclude_checks: Default::default(),
            discovery_enumerate_types: s.enumerate_types.clone(),
        },
        spec_digest: gxp_core::spec::canonical::digest(&s.spec),
        system: SystemInfo {
            application: "lims".into(),
            environment: "prod".into(),
            gamp_category: s.spec.system.gamp_category,
            risk_class: s.spec.system.risk_class.clone(),
        },
        run: RunInfo {
            started_at: STARTED.into(),
            finished_at: FINISHED.into(),
            caller_arn: Some("arn:aws:sts::123456789012:assumed-role/ci/golden".into()),
            account: Some("123456789012".into()),
            region: "eu-west-1".into(),
            provider_version: "0.1.0".into(),
            terraform_version: "1.15.5".into(),
            configuration_commit: Some("4b825dc642cb6eb9a060e54bf8d69288fbee4904".into()),
        },
        evidence_store: StoreInfo {
            location: LOCATION.into(),
            protected: true,
            protection: "versioning enabled; Object Lock COMPLIANCE 3650 days".into(),
            unprotected_store_allowed: false,
        },
        drift: vec![DriftItem {
            target: "bucket-ok".into(),
            resource_type: "AWS::S3::Bucket".into(),
            identifier: "lims-data".into(),
            property: "BucketEncryption".into(),
            class: gxp_core::catalog::SeverityClass::Security,
            qualified: "{\"SSEAlgorithm\":\"AES256\"}".into(),
            current: "{\"SSEAlgorithm\":\"aws:kms\"}".into(),
        }],
        previous_report_sha256: Some(
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".into(),
        ),
        approved: s.approved,
    };
    assemble::report(record, &s.spec, evaluated, observed)
}

/// Every format of one report: (file name, bytes).
fn renderings(name: &str, report: &Report) -> Vec<(String, Vec<u8>)> {
    Format::ALL
        .into_iter()
        .map(|f| {
            let bytes = render(report, f).unwrap_or_else(|e| panic!("{name} {f:?}: {e}"));
            (format!("{name}.{}", f.extension()), bytes)
        })
        .collect()
}

#[test]
fn golden_scenarios_cover_every_check_and_status() {
    let full = assemble_report(scenarios().remove(0));
    let files = targets_files();
    assert!(
        files.iter().any(|f| f == "added-checks"),
        "{files:?}: the added-checks scenario"
    );
    let added: Vec<Report> = scenarios()
        .into_iter()
        .filter(|s| files.contains(&s.name))
        .map(assemble_report)
        .collect();
    // The SOUP checks get their results from the `soup` scenarios.
    let soup: Vec<Report> = soup_scenarios().into_iter().map(assemble_report).collect();
    let pinned = full_checks();
    for r in &full.results {
        assert!(
            pinned.contains(&r.check_id),
            "{} is not in {FULL_CHECKS} but selected by the full run",
            r.check_id
        );
    }
    // Their targets' own checks (each target's IQ existence check aside).
    for r in added
        .iter()
        .flat_map(|a| &a.results)
        .filter(|r| !r.check_id.starts_with("iq."))
    {
        assert!(
            !pinned.contains(&r.check_id),
            "{} is in {FULL_CHECKS}: the full run covers it, not a *{TARGETS_FILE}",
            r.check_id
        );
    }
    for id in &pinned {
        assert!(
            catalog::get(id).is_some(),
            "{id} of {FULL_CHECKS} is no longer in the catalog (ids are permanent)"
        );
    }
    let mut seen: BTreeMap<&str, BTreeSet<Status>> = BTreeMap::new();
    for r in full
        .results
        .iter()
        .chain(added.iter().flat_map(|a| &a.results))
        .chain(soup.iter().flat_map(|a| &a.results))
    {
        seen.entry(catalog::get(&r.check_id).expect("catalog id").id)
            .or_default()
            .insert(r.status);
    }
    // iq.scope never passes or fails: it is an error when the scope is not established
    // (the other scenarios).
    let error_only = ["iq.scope"];
    for def in catalog::all() {
        if error_only.contains(&def.id) {
            continue;
        }
        let statuses = seen.get(def.id).cloned().unwrap_or_default();
        for want in [Status::Passed, Status::Failed, Status::Error] {
            assert!(
                statuses.contains(&want),
                "{} has no {want:?} result in the golden runs: {statuses:?} (a check registered \
                 after `full` needs its targets in a tests/golden/*{TARGETS_FILE}, e.g. \
                 added-checks{TARGETS_FILE}; then \
                 GXP_WRITE_GOLDEN=1 cargo test -p gxp-core --test golden)",
                def.id
            );
        }
    }
    assert!(full.results.iter().any(|r| r.status == Status::Suppressed));
    let states: BTreeSet<&str> = full.suppressions.iter().map(|s| s.state.as_str()).collect();
    assert_eq!(states, BTreeSet::from(["applied", "expired", "unused"]));
    for name in ["discovery-failed", "nothing-to-qualify"] {
        let s = scenarios().into_iter().find(|s| s.name == name).unwrap();
        let r = assemble_report(s);
        assert_eq!(r.results.len(), 1, "{name}");
        assert_eq!(
            (r.results[0].check_id.as_str(), r.results[0].status),
            ("iq.scope", Status::Error)
        );
    }
}

#[test]
fn golden_reports_are_byte_identical() {
    let dir = golden_dir();
    let write = std::env::var("GXP_WRITE_GOLDEN").as_deref() == Ok("1");
    let mut stale = Vec::new();
    let mut expected_files = BTreeSet::new();
    for s in scenarios() {
        let name = s.name.clone();
        let report = assemble_report(s);
        // The JSON rendering is the evidence record: exactly the canonical bytes.
        assert_eq!(
            render(&report, Format::Json).unwrap(),
            report::canonical_bytes(&report)
        );
        for (file, bytes) in renderings(&name, &report) {
            let path = dir.join(&file);
            expected_files.insert(file.clone());
            if write {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &bytes).unwrap();
                continue;
            }
            match std::fs::read(&path) {
                Ok(golden) if golden == bytes => {}
                Ok(golden) => stale.push(format!(
                    "{file}: {} bytes rendered, {} in the golden file (first difference at byte {})",
                    bytes.len(),
                    golden.len(),
                    golden
                        .iter()
                        .zip(&bytes)
                        .position(|(a, b)| a != b)
                        .unwrap_or(golden.len().min(bytes.len()))
                )),
                Err(e) => stale.push(format!("{file}: {e}")),
            }
        }
    }
    if !write {
        let present: BTreeSet<String> = std::fs::read_dir(&dir)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| ![README, FULL_CHECKS].contains(&n.as_str()))
                    .filter(|n| !n.ends_with(TARGETS_FILE))
                    .collect()
            })
            .unwrap_or_default();
        for extra in present.difference(&expected_files) {
            stale.push(format!("{extra}: not produced by any scenario"));
        }
    }
    assert!(
        stale.is_empty(),
        "reports differ from tests/golden/ (GXP_WRITE_GOLDEN=1 rewrites them, for an intended change only):\n{}",
        stale.join("\n")
    );
}

#[test]
fn golden_pdf_is_deterministic() {
    let report = assemble_report(scenarios().remove(0));
    assert_eq!(
        render(&report, Format::Pdf).unwrap(),
        render(&report, Format::Pdf).unwrap()
    );
}
