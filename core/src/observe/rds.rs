//! RDS collector: `AWS::RDS::DBInstance` through DescribeDBInstances.
//!
//! The identifier is the DB instance identifier or its ARN (DescribeDBInstances accepts both).
//! CloudFormation-shaped properties plus ours: `DBInstanceStatus`, `SecondaryAvailabilityZone`.

use serde_json::{json, Value as Json};

use crate::aws::{classify, AwsContext, AwsErrorKind};
use crate::catalog::SeverityClass::{self, Cosmetic, Functional, Security};
use crate::observe::{Existence, Observation, Target};

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
    (DB, "Tags", Cosmetic),
];

/// The rds registration (see [`crate::observe::services`]).
pub const SERVICE: crate::observe::services::Service = crate::observe::services::Service {
    name: "rds",
    sdk_client: "aws-sdk-rds",
    iam_actions: &["rds:DescribeDBInstances"],
    resource_types: &[DB],
    collect: |aws, target| Box::pin(collect(aws, target)),
    discover,
    property_classes: PROPERTY_CLASSES,
    account_facets: &[],
};

/// Tag-based discovery: `arn:aws:rds:R:A:db:ID` is DB instance ID.
pub fn discover(_arn: &str, rest: &str) -> Option<(&'static str, String)> {
    crate::observe::services::single_id(rest, "db:").map(|id| (DB, id))
}

/// Observe a DB instance target.
pub async fn collect(aws: &AwsContext, target: &Target) -> Observation {
    let out = aws
        .rds()
        .describe_db_instances()
        .db_instance_identifier(&target.identifier)
        .send()
        .await;
    let db = match out {
        Ok(out) => match out.db_instances().first() {
            Some(db) => db.clone(),
            None => return Observation::with_existence(target, Existence::Missing),
        },
        Err(e) => {
            let err = classify(&e);
            let existence = if err.kind == AwsErrorKind::NotFound {
                Existence::Missing
            } else {
                Existence::Unknown(format!("RDS DescribeDBInstances: {err}"))
            };
            return Observation::with_existence(target, existence);
        }
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
