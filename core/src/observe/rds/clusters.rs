//! RDS DB cluster collector: `AWS::RDS::DBCluster` through DescribeDBClusters (identifier or
//! ARN). CloudFormation-shaped properties plus ours: `Status` and `AvailabilityZones` of its
//! members; `MultiAZ` is what RDS reports for the cluster.

use serde_json::json;

use super::{existence_after, tags_json};
use crate::aws::{classify, AwsContext};
use crate::observe::{described, Observation, Target};

/// The DB cluster type.
pub(super) const CLUSTER: &str = "AWS::RDS::DBCluster";

pub(super) async fn collect_cluster(aws: &AwsContext, target: &Target) -> Observation {
    let out = aws
        .rds()
        .describe_db_clusters()
        .db_cluster_identifier(&target.identifier)
        .send()
        .await;
    let answer = out
        .map(|out| out.db_clusters().first().cloned())
        .map_err(|e| existence_after("DescribeDBClusters", classify(&e)));
    let c = match described(target, answer) {
        Ok(c) => c,
        Err(obs) => return *obs,
    };
    let mut obs = Observation::exists(target);
    obs.arn = c.db_cluster_arn().map(str::to_string);
    for (k, v) in [
        ("DBClusterIdentifier", c.db_cluster_identifier()),
        ("Engine", c.engine()),
        ("EngineVersion", c.engine_version()),
        ("KmsKeyId", c.kms_key_id()),
        ("Status", c.status()),
    ] {
        if let Some(v) = v {
            obs.set(k, json!(v));
        }
    }
    for (k, v) in [
        ("StorageEncrypted", c.storage_encrypted()),
        ("MultiAZ", c.multi_az()),
        ("DeletionProtection", c.deletion_protection()),
    ] {
        if let Some(v) = v {
            obs.set(k, json!(v));
        }
    }
    if let Some(days) = c.backup_retention_period() {
        obs.set("BackupRetentionPeriod", json!(days));
    }
    let mut zones: Vec<&str> = c.availability_zones().iter().map(String::as_str).collect();
    zones.sort_unstable();
    if !zones.is_empty() {
        obs.set("AvailabilityZones", json!(zones));
    }
    let mut logs: Vec<&str> = c
        .enabled_cloudwatch_logs_exports()
        .iter()
        .map(String::as_str)
        .collect();
    logs.sort_unstable();
    obs.set("EnableCloudwatchLogsExports", json!(logs));
    if let Some(tags) = tags_json(c.tag_list()) {
        obs.set("Tags", tags);
    }
    obs
}
