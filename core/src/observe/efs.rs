//! Collector for `AWS::EFS::FileSystem` (identifier: file system id or ARN).
//!
//! DescribeFileSystems (FileSystemNotFound → missing) gives `FileSystemId`, `Arn`,
//! `Encrypted`, `KmsKeyId`, `PerformanceMode`, `ThroughputMode`, `LifeCycleState` and
//! `FileSystemTags` (CloudFormation's name for the tags); DescribeBackupPolicy gives
//! `BackupPolicy {Status}` (PolicyNotFound: no backup policy, absent).
//!
//! The service's name is `efs` (the `efs.*` checks); its ARNs and IAM actions use the
//! namespace `elasticfilesystem` ([`crate::observe::services::ARN_NAMESPACES`]).

use aws_sdk_efs::types::FileSystemDescription;
use serde_json::{json, Map, Value as Json};

use crate::aws::{classify, AwsContext, AwsErrorKind};
use crate::catalog::SeverityClass::{self, Cosmetic, Functional, Security};
use crate::observe::{tag_list, Existence, Observation, Target};

/// CloudFormation type handled here.
pub const FILE_SYSTEM: &str = "AWS::EFS::FileSystem";

/// Drift class of each top-level property this collector records.
pub const PROPERTY_CLASSES: &[(&str, &str, SeverityClass)] = &[
    (FILE_SYSTEM, "FileSystemId", Functional),
    (FILE_SYSTEM, "Arn", Functional),
    (FILE_SYSTEM, "Encrypted", Security),
    (FILE_SYSTEM, "KmsKeyId", Security),
    (FILE_SYSTEM, "PerformanceMode", Functional),
    (FILE_SYSTEM, "ThroughputMode", Functional),
    (FILE_SYSTEM, "LifeCycleState", Functional),
    (FILE_SYSTEM, "BackupPolicy", Security),
    (FILE_SYSTEM, "FileSystemTags", Cosmetic),
];

/// The efs registration (see [`crate::observe::services`]).
pub const SERVICE: crate::observe::services::Service = crate::observe::services::Service {
    name: "efs",
    sdk_client: "aws-sdk-efs",
    iam_actions: &["elasticfilesystem:DescribeFileSystems"],
    resource_types: &[FILE_SYSTEM],
    collect: |aws, target| Box::pin(collect(aws, target)),
    discover,
    property_classes: PROPERTY_CLASSES,
    account_facets: &[],
};

/// Tag-based discovery: `arn:aws:elasticfilesystem:R:A:file-system/fs-ID` is file system
/// fs-ID (access points are not file systems).
pub fn discover(_arn: &str, rest: &str) -> Option<(&'static str, String)> {
    crate::observe::services::single_id(rest, "file-system/").map(|id| (FILE_SYSTEM, id))
}

/// The file system id of an identifier: the id, or the id in a file system ARN.
pub fn file_system_id(identifier: &str) -> &str {
    match identifier.split_once(":file-system/") {
        Some((head, id)) if head.starts_with("arn:") => id,
        _ => identifier,
    }
}

/// Observe a file system. Never panics; read failures are recorded in the observation.
pub async fn collect(aws: &AwsContext, target: &Target) -> Observation {
    let client = aws.efs();
    let id = file_system_id(target.identifier.trim());
    let fs = match client
        .describe_file_systems()
        .file_system_id(id)
        .send()
        .await
    {
        Ok(out) => match out.file_systems().first() {
            Some(fs) => fs.clone(),
            None => return Observation::with_existence(target, Existence::Missing),
        },
        Err(e) => {
            let err = classify(&e);
            let existence = if err.kind == AwsErrorKind::NotFound {
                Existence::Missing
            } else {
                Existence::Unknown(format!("EFS DescribeFileSystems: {err}"))
            };
            return Observation::with_existence(target, existence);
        }
    };
    let mut obs = Observation::exists(target);
    obs.arn = fs.file_system_arn().map(str::to_string);
    for (k, v) in file_system_properties(&fs) {
        obs.set(&k, v);
    }
    match client
        .describe_backup_policy()
        .file_system_id(id)
        .send()
        .await
    {
        Ok(out) => match out.backup_policy() {
            Some(p) => obs.set("BackupPolicy", json!({"Status": p.status().as_str()})),
            None => obs.error(
                "BackupPolicy",
                "EFS DescribeBackupPolicy answered without BackupPolicy",
            ),
        },
        Err(e) => {
            let err = classify(&e);
            if err.code.as_deref() != Some("PolicyNotFound") {
                obs.error("BackupPolicy", format!("EFS DescribeBackupPolicy: {err}"));
            }
        }
    }
    obs
}

/// CloudFormation properties of a described file system; unset values are left out.
pub fn file_system_properties(fs: &FileSystemDescription) -> Map<String, Json> {
    let mut m = Map::new();
    m.insert("FileSystemId".into(), json!(fs.file_system_id()));
    if let Some(a) = fs.file_system_arn() {
        m.insert("Arn".into(), json!(a));
    }
    m.insert("Encrypted".into(), json!(fs.encrypted().unwrap_or(false)));
    if let Some(k) = fs.kms_key_id().filter(|k| !k.is_empty()) {
        m.insert("KmsKeyId".into(), json!(k));
    }
    m.insert(
        "PerformanceMode".into(),
        json!(fs.performance_mode().as_str()),
    );
    if let Some(t) = fs.throughput_mode() {
        m.insert("ThroughputMode".into(), json!(t.as_str()));
    }
    m.insert(
        "LifeCycleState".into(),
        json!(fs.life_cycle_state().as_str()),
    );
    if let Some(tags) = tag_list(fs.tags().iter().map(|t| (t.key(), t.value()))) {
        m.insert("FileSystemTags".into(), tags);
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::fake_endpoint::{cut, cut_points, Answer, FakeEndpoint};
    use crate::checks::{evaluate_id, Status};
    use crate::observe::TargetOrigin;

    const FS_ARN: &str =
        "arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/fs-0123456789abcdef0";

    fn answer(r: &crate::aws::fake_endpoint::Request, cut_op: &str, percent: f64) -> Answer {
        let backup = r.target.contains("/backup-policy");
        let op = if backup {
            "DescribeBackupPolicy"
        } else {
            "DescribeFileSystems"
        };
        let body = if backup {
            json!({"BackupPolicy": {"Status": "ENABLED"}}).to_string()
        } else {
            json!({"FileSystems": [{
                "OwnerId": "111122223333", "CreationToken": "t", "FileSystemId": "fs-0123456789abcdef0",
                "FileSystemArn": FS_ARN, "CreationTime": 1.7e9, "LifeCycleState": "available",
                "NumberOfMountTargets": 0, "SizeInBytes": {"Value": 0}, "PerformanceMode": "generalPurpose",
                "Encrypted": true, "KmsKeyId": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                "ThroughputMode": "bursting", "Tags": [{"Key": "gxp:app", "Value": "lims"}]
            }]})
            .to_string()
        };
        let body = if op == cut_op {
            cut(&body, percent)
        } else {
            body
        };
        Answer::new(200, "application/json", body)
    }

    fn target(identifier: &str) -> Target {
        Target {
            key: "t".into(),
            resource_type: FILE_SYSTEM.into(),
            identifier: identifier.into(),
            origin: TargetOrigin::Spec,
            checks: vec![],
            params: Default::default(),
            expected_properties: None,
            requirements: vec![],
        }
    }

    #[test]
    fn identifiers_and_discovery() {
        assert_eq!(file_system_id(FS_ARN), "fs-0123456789abcdef0");
        assert_eq!(file_system_id("fs-1"), "fs-1");
        assert_eq!(
            discover(FS_ARN, "file-system/fs-0123456789abcdef0"),
            Some((FILE_SYSTEM, "fs-0123456789abcdef0".to_string()))
        );
        assert_eq!(discover("", "access-point/fsap-1"), None);
    }

    #[tokio::test]
    async fn complete_efs_answers_are_evaluated() {
        let endpoint = FakeEndpoint::start(|r| answer(r, "", 100.0)).await;
        let obs = collect(&endpoint.context(1).await, &target(FS_ARN)).await;
        assert_eq!(obs.existence, Existence::Exists, "{obs:?}");
        assert_eq!(obs.arn.as_deref(), Some(FS_ARN));
        assert_eq!(obs.get("FileSystemTags[0].Key"), Some(&json!("gxp:app")));
        for check in ["efs.encrypted", "efs.backup_policy"] {
            let o = evaluate_id(check, &obs, &Default::default());
            assert_eq!(o.status, Status::Passed, "{check}: {o:?}");
        }
    }

    #[tokio::test]
    async fn efs_answers_cut_short_are_errors_never_made_up_values() {
        for (op, check) in [
            ("DescribeFileSystems", "efs.encrypted"),
            ("DescribeBackupPolicy", "efs.backup_policy"),
        ] {
            for percent in cut_points() {
                let endpoint = FakeEndpoint::start(move |r| answer(r, op, percent)).await;
                let obs =
                    collect(&endpoint.context(1).await, &target("fs-0123456789abcdef0")).await;
                let o = evaluate_id(check, &obs, &Default::default());
                assert_eq!(o.status, Status::Error, "{op} cut at {percent}%: {o:?}");
            }
        }
    }

    #[tokio::test]
    async fn no_backup_policy_is_not_configured() {
        let endpoint = FakeEndpoint::start(|r| {
            if r.target.contains("/backup-policy") {
                let mut a = Answer::new(
                    404,
                    "application/json",
                    r#"{"ErrorCode": "PolicyNotFound", "Message": "none"}"#,
                );
                a.headers
                    .push(("x-amzn-errortype".into(), "PolicyNotFound".into()));
                a
            } else {
                answer(r, "", 100.0)
            }
        })
        .await;
        let obs = collect(&endpoint.context(1).await, &target("fs-0123456789abcdef0")).await;
        assert!(!obs.properties.contains_key("BackupPolicy"), "{obs:?}");
        let o = evaluate_id("efs.backup_policy", &obs, &Default::default());
        assert_eq!(
            (o.status, o.actual.as_str()),
            (Status::Failed, "not configured"),
            "{o:?}"
        );
    }
}
