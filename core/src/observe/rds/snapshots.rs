//! RDS snapshot collectors: `AWS::RDS::DBSnapshot` (DescribeDBSnapshots and
//! DescribeDBSnapshotAttributes) and `AWS::RDS::DBClusterSnapshot`
//! (DescribeDBClusterSnapshots and DescribeDBClusterSnapshotAttributes).
//!
//! CloudFormation has no snapshot resources; the type names are AWS Config's. Both record
//! `Encrypted` (a cluster snapshot's `StorageEncrypted`), `KmsKeyId`, `Status`, `SnapshotType`,
//! the source (`DBInstanceIdentifier` / `DBClusterIdentifier`), `Tags`, and ours,
//! `RestoreAccounts`: the values of the `restore` attribute (account ids, or `all` when any
//! AWS account can restore it).

use serde_json::{json, Value as Json};

use super::{existence_after, tags_json};
use crate::aws::{classify, AwsContext};
use crate::observe::{described, Observation, Target};
use aws_sdk_rds::types::{DbClusterSnapshotAttribute, DbSnapshotAttribute};

/// The snapshot types.
pub(super) const DB_SNAPSHOT: &str = "AWS::RDS::DBSnapshot";
pub(super) const CLUSTER_SNAPSHOT: &str = "AWS::RDS::DBClusterSnapshot";

/// `RestoreAccounts`: the sorted values of the `restore` attributes among `attributes`
/// ((name, values) pairs).
pub(super) fn restore_accounts<'a>(
    attributes: impl Iterator<Item = (Option<&'a str>, &'a [String])>,
) -> Json {
    let mut values: Vec<&str> = attributes
        .filter(|(name, _)| *name == Some("restore"))
        .flat_map(|(_, v)| v.iter().map(String::as_str))
        .collect();
    values.sort_unstable();
    values.dedup();
    json!(values)
}

fn db_attribute(a: &DbSnapshotAttribute) -> (Option<&str>, &[String]) {
    (a.attribute_name(), a.attribute_values())
}

fn cluster_attribute(a: &DbClusterSnapshotAttribute) -> (Option<&str>, &[String]) {
    (a.attribute_name(), a.attribute_values())
}

fn set_strings(obs: &mut Observation, pairs: [(&str, Option<&str>); 5]) {
    for (k, v) in pairs {
        if let Some(v) = v {
            obs.set(k, json!(v));
        }
    }
}

pub(super) async fn collect_db_snapshot(aws: &AwsContext, target: &Target) -> Observation {
    let rds = aws.rds();
    let out = rds
        .describe_db_snapshots()
        .db_snapshot_identifier(&target.identifier)
        .send()
        .await;
    let answer = out
        .map(|out| out.db_snapshots().first().cloned())
        .map_err(|e| existence_after("DescribeDBSnapshots", classify(&e)));
    let s = match described(target, answer) {
        Ok(s) => s,
        Err(obs) => return *obs,
    };
    let mut obs = Observation::exists(target);
    obs.arn = s.db_snapshot_arn().map(str::to_string);
    set_strings(
        &mut obs,
        [
            ("DBInstanceIdentifier", s.db_instance_identifier()),
            ("Engine", s.engine()),
            ("KmsKeyId", s.kms_key_id()),
            ("Status", s.status()),
            ("SnapshotType", s.snapshot_type()),
        ],
    );
    if let Some(enc) = s.encrypted() {
        obs.set("Encrypted", json!(enc));
    }
    if let Some(tags) = tags_json(s.tag_list()) {
        obs.set("Tags", tags);
    }
    let attrs = rds
        .describe_db_snapshot_attributes()
        .db_snapshot_identifier(&target.identifier)
        .send()
        .await;
    match attrs {
        Ok(a) => {
            let list = a
                .db_snapshot_attributes_result()
                .map(|r| r.db_snapshot_attributes())
                .unwrap_or_default();
            obs.set(
                "RestoreAccounts",
                restore_accounts(list.iter().map(db_attribute)),
            );
        }
        Err(e) => obs.error(
            "RestoreAccounts",
            format!("DescribeDBSnapshotAttributes: {}", classify(&e)),
        ),
    }
    obs
}

pub(super) async fn collect_cluster_snapshot(aws: &AwsContext, target: &Target) -> Observation {
    let rds = aws.rds();
    let out = rds
        .describe_db_cluster_snapshots()
        .db_cluster_snapshot_identifier(&target.identifier)
        .send()
        .await;
    let answer = out
        .map(|out| out.db_cluster_snapshots().first().cloned())
        .map_err(|e| existence_after("DescribeDBClusterSnapshots", classify(&e)));
    let s = match described(target, answer) {
        Ok(s) => s,
        Err(obs) => return *obs,
    };
    let mut obs = Observation::exists(target);
    obs.arn = s.db_cluster_snapshot_arn().map(str::to_string);
    set_strings(
        &mut obs,
        [
            ("DBClusterIdentifier", s.db_cluster_identifier()),
            ("Engine", s.engine()),
            ("KmsKeyId", s.kms_key_id()),
            ("Status", s.status()),
            ("SnapshotType", s.snapshot_type()),
        ],
    );
    if let Some(enc) = s.storage_encrypted() {
        obs.set("Encrypted", json!(enc));
    }
    if let Some(tags) = tags_json(s.tag_list()) {
        obs.set("Tags", tags);
    }
    let attrs = rds
        .describe_db_cluster_snapshot_attributes()
        .db_cluster_snapshot_identifier(&target.identifier)
        .send()
        .await;
    match attrs {
        Ok(a) => {
            let list = a
                .db_cluster_snapshot_attributes_result()
                .map(|r| r.db_cluster_snapshot_attributes())
                .unwrap_or_default();
            obs.set(
                "RestoreAccounts",
                restore_accounts(list.iter().map(cluster_attribute)),
            );
        }
        Err(e) => obs.error(
            "RestoreAccounts",
            format!("DescribeDBClusterSnapshotAttributes: {}", classify(&e)),
        ),
    }
    obs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restore_accounts_are_the_sorted_restore_values_only() {
        let restore = ["222".to_string(), "all".to_string(), "111".to_string()];
        let other = ["x".to_string()];
        let attrs = [(Some("restore"), &restore[..]), (Some("other"), &other[..])];
        assert_eq!(
            restore_accounts(attrs.into_iter()),
            json!(["111", "222", "all"])
        );
        assert_eq!(restore_accounts(std::iter::empty()), json!([]));
    }
}
