//! RDS collector: `AWS::RDS::DBInstance` through DescribeDBInstances here; DB clusters in
//! [`clusters`], DB and cluster snapshots in [`snapshots`].
//!
//! The identifier is the DB instance identifier or its ARN (DescribeDBInstances accepts both).
//! CloudFormation-shaped properties plus ours: `DBInstanceStatus`, `SecondaryAvailabilityZone`.

use serde_json::{json, Value as Json};

use crate::aws::{classify, AwsContext, AwsErrorKind, ClassifiedError};
use crate::catalog::SeverityClass::{self, Cosmetic, Functional, Security};
use crate::observe::{described, Existence, Observation, Target};

pub mod clusters;
pub mod snapshots;

use clusters::CLUSTER;
use snapshots::{CLUSTER_SNAPSHOT, DB_SNAPSHOT};

const DB: &str = "AWS::RDS::DBInstance";

/// Drift class of each top-level property this collector records.
pub const PROPERTY_CLASSES: &[(&str, &str, SeverityClass)] = &[
    (DB, "DBInstanceIdentifier", Functional),
    (DB, "Engine", Functional),
    (DB, "EngineVersion", Functional),
    (DB, "DBInstanceClass", Functional),
    (DB, "StorageEncrypted", Security),
    (DB, "KmsKeyId", Security),
    (DB, "MultiAZ", Functional),
    (DB, "SecondaryAvailabilityZone", Functional),
    (DB, "BackupRetentionPeriod", Functional),
    (DB, "DeletionProtection", Functional),
    (DB, "PubliclyAccessible", Security),
    (DB, "DBInstanceStatus", Functional),
    (DB, "EnableCloudwatchLogsExports", Security),
    (DB, "Tags", Cosmetic),
    (CLUSTER, "DBClusterIdentifier", Functional),
    (CLUSTER, "Engine", Functional),
    (CLUSTER, "EngineVersion", Functional),
    (CLUSTER, "StorageEncrypted", Security),
    (CLUSTER, "KmsKeyId", Security),
    (CLUSTER, "MultiAZ", Functional),
    (CLUSTER, "AvailabilityZones", Functional),
    (CLUSTER, "BackupRetentionPeriod", Functional),
    (CLUSTER, "DeletionProtection", Functional),
    (CLUSTER, "EnableCloudwatchLogsExports", Security),
    (CLUSTER, "Status", Functional),
    (CLUSTER, "Tags", Cosmetic),
    (DB_SNAPSHOT, "DBInstanceIdentifier", Functional),
    (DB_SNAPSHOT, "Engine", Functional),
    (DB_SNAPSHOT, "Encrypted", Security),
    (DB_SNAPSHOT, "KmsKeyId", Security),
    (DB_SNAPSHOT, "Status", Functional),
    (DB_SNAPSHOT, "SnapshotType", Functional),
    (DB_SNAPSHOT, "RestoreAccounts", Security),
    (DB_SNAPSHOT, "Tags", Cosmetic),
    (CLUSTER_SNAPSHOT, "DBClusterIdentifier", Functional),
    (CLUSTER_SNAPSHOT, "Engine", Functional),
    (CLUSTER_SNAPSHOT, "Encrypted", Security),
    (CLUSTER_SNAPSHOT, "KmsKeyId", Security),
    (CLUSTER_SNAPSHOT, "Status", Functional),
    (CLUSTER_SNAPSHOT, "SnapshotType", Functional),
    (CLUSTER_SNAPSHOT, "RestoreAccounts", Security),
    (CLUSTER_SNAPSHOT, "Tags", Cosmetic),
];

/// The rds registration (see [`crate::observe::services`]).
pub const SERVICE: crate::observe::services::Service = crate::observe::services::Service {
    name: "rds",
    sdk_client: "aws-sdk-rds",
    // Each type's describe call (its existence read), matched to the type by name
    // (`services::service_action_observes`).
    iam_actions: &[
        "rds:DescribeDBInstances",
        "rds:DescribeDBClusters",
        "rds:DescribeDBSnapshots",
        "rds:DescribeDBClusterSnapshots",
    ],
    resource_types: &[DB, CLUSTER, DB_SNAPSHOT, CLUSTER_SNAPSHOT],
    collect: |aws, target| Box::pin(collect(aws, target)),
    discover,
    property_classes: PROPERTY_CLASSES,
    account_facets: &[],
};

/// Tag-based discovery: `arn:aws:rds:R:A:db:ID`, `cluster:ID`, `snapshot:ID` and
/// `cluster-snapshot:ID` are that resource's identifier (automated snapshot identifiers
/// contain `:`, as in `snapshot:rds:lims-2026-01-01-03-04`).
pub fn discover(_arn: &str, rest: &str) -> Option<(&'static str, String)> {
    use crate::observe::services::single_id;
    let snapshot = |prefix: &str| {
        rest.strip_prefix(prefix)
            .filter(|id| !id.is_empty() && !id.contains('/'))
            .map(str::to_string)
    };
    single_id(rest, "db:")
        .map(|id| (DB, id))
        .or_else(|| single_id(rest, "cluster:").map(|id| (CLUSTER, id)))
        .or_else(|| snapshot("snapshot:").map(|id| (DB_SNAPSHOT, id)))
        .or_else(|| snapshot("cluster-snapshot:").map(|id| (CLUSTER_SNAPSHOT, id)))
}

/// Existence after a failed describe call of `api`: not found → missing, anything else →
/// unknown, naming the API that failed.
fn existence_after(api: &str, err: ClassifiedError) -> Existence {
    if err.kind == AwsErrorKind::NotFound {
        Existence::Missing
    } else {
        Existence::Unknown(format!("RDS {api}: {err}"))
    }
}

/// Observe a target of one of the RDS types.
pub async fn collect(aws: &AwsContext, target: &Target) -> Observation {
    match target.resource_type.as_str() {
        CLUSTER => clusters::collect_cluster(aws, target).await,
        DB_SNAPSHOT => snapshots::collect_db_snapshot(aws, target).await,
        CLUSTER_SNAPSHOT => snapshots::collect_cluster_snapshot(aws, target).await,
        _ => collect_instance(aws, target).await,
    }
}

/// Observe a DB instance target.
async fn collect_instance(aws: &AwsContext, target: &Target) -> Observation {
    let out = aws
        .rds()
        .describe_db_instances()
        .db_instance_identifier(&target.identifier)
        .send()
        .await;
    let answer = out
        .map(|out| out.db_instances().first().cloned())
        .map_err(|e| existence_after("DescribeDBInstances", classify(&e)));
    let db = match described(target, answer) {
        Ok(db) => db,
        Err(obs) => return *obs,
    };
    let mut obs = Observation::exists(target);
    obs.arn = db.db_instance_arn().map(str::to_string);
    for (prop, value) in [
        ("DBInstanceIdentifier", db.db_instance_identifier()),
        ("Engine", db.engine()),
        ("EngineVersion", db.engine_version()),
        ("DBInstanceClass", db.db_instance_class()),
        ("KmsKeyId", db.kms_key_id()),
        (
            "SecondaryAvailabilityZone",
            db.secondary_availability_zone(),
        ),
        ("DBInstanceStatus", db.db_instance_status()),
    ] {
        if let Some(v) = value {
            obs.set(prop, json!(v));
        }
    }
    for (prop, value) in [
        ("StorageEncrypted", db.storage_encrypted()),
        ("MultiAZ", db.multi_az()),
        ("DeletionProtection", db.deletion_protection()),
        ("PubliclyAccessible", db.publicly_accessible()),
    ] {
        if let Some(v) = value {
            obs.set(prop, json!(v));
        }
    }
    if let Some(days) = db.backup_retention_period() {
        obs.set("BackupRetentionPeriod", json!(days));
    }
    let mut logs: Vec<&str> = db
        .enabled_cloudwatch_logs_exports()
        .iter()
        .map(String::as_str)
        .collect();
    logs.sort_unstable();
    obs.set("EnableCloudwatchLogsExports", json!(logs));
    if let Some(tags) = tags_json(db.tag_list()) {
        obs.set("Tags", tags);
    }
    obs
}

/// CloudFormation `Tags` from an RDS `TagList`, sorted by key; `None` when empty.
fn tags_json(tags: &[aws_sdk_rds::types::Tag]) -> Option<Json> {
    let mut pairs: Vec<(&str, &str)> = tags
        .iter()
        .filter_map(|t| Some((t.key()?, t.value().unwrap_or(""))))
        .collect();
    if pairs.is_empty() {
        return None;
    }
    pairs.sort();
    Some(Json::Array(
        pairs
            .into_iter()
            .map(|(k, v)| json!({"Key": k, "Value": v}))
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_rds::types::Tag;

    #[test]
    fn discovery_maps_instances_clusters_and_snapshots() {
        for (rest, ty, id) in [
            ("db:lims", DB, "lims"),
            ("cluster:lims-aurora", CLUSTER, "lims-aurora"),
            ("snapshot:lims-manual", DB_SNAPSHOT, "lims-manual"),
            (
                "snapshot:rds:lims-2026-01-01-03-04",
                DB_SNAPSHOT,
                "rds:lims-2026-01-01-03-04",
            ),
            ("cluster-snapshot:lims-c-1", CLUSTER_SNAPSHOT, "lims-c-1"),
        ] {
            assert_eq!(discover("arn", rest), Some((ty, id.to_string())), "{rest}");
        }
        for rest in [
            "db:",
            "cluster:a:b",
            "snapshot:",
            "pg:x",
            "og:y",
            "db-proxy:p",
        ] {
            assert_eq!(discover("arn", rest), None, "{rest}");
        }
    }

    #[test]
    fn tags_sorted_by_key_and_absent_when_empty() {
        let tags = [
            Tag::builder().key("z").value("1").build(),
            Tag::builder().key("a").build(),
        ];
        assert_eq!(
            tags_json(&tags),
            Some(json!([{"Key": "a", "Value": ""}, {"Key": "z", "Value": "1"}]))
        );
        assert_eq!(tags_json(&[]), None);
    }
}
