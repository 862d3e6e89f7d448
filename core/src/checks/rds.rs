//! Evaluators of the `rds.*` checks on DB instance observations made by
//! [`crate::observe::rds`].

use super::support::{boolean, integer, string};
use super::{Outcome, Params};
use crate::observe::Observation;

/// Evaluate an `rds` check; `None` when `id` is not one of them or the observation is not a
/// DB instance.
pub fn evaluate(id: &str, obs: &Observation, params: &Params) -> Option<Outcome> {
    if obs.resource_type != "AWS::RDS::DBInstance" {
        return None;
    }
    Some(match id {
        "rds.storage_encrypted" => storage_encrypted(obs),
        "rds.multi_az" => multi_az(obs),
        "rds.backup_retention" => backup_retention(obs, params),
        "rds.deletion_protection" => flag(obs, "DeletionProtection", "enabled", "disabled"),
        _ => return None,
    })
}

/// A boolean property that must be true: `yes` / `no` / `not reported`.
fn flag(obs: &Observation, property: &str, yes: &str, no: &str) -> Outcome {
    match boolean(obs, property, yes) {
        Err(e) => e,
        Ok(None) => Outcome::verdict(false, yes, "not reported"),
        Ok(Some(b)) => Outcome::verdict(b, yes, if b { yes } else { no }),
    }
}

fn storage_encrypted(obs: &Observation) -> Outcome {
    let out = flag(obs, "StorageEncrypted", "encrypted", "not encrypted");
    match (out.status, string(obs, "KmsKeyId", "")) {
        (super::Status::Passed, Ok(Some(key))) => Outcome {
            actual: format!("encrypted with KMS key {key}"),
            ..out
        },
        _ => out,
    }
}

fn multi_az(obs: &Observation) -> Outcome {
    let out = flag(obs, "MultiAZ", "Multi-AZ", "single-AZ");
    match (out.status, string(obs, "SecondaryAvailabilityZone", "")) {
        (super::Status::Passed, Ok(Some(az))) => Outcome {
            actual: format!("Multi-AZ (standby in {az})"),
            ..out
        },
        _ => out,
    }
}

fn backup_retention(obs: &Observation, params: &Params) -> Outcome {
    let min = params.days("min_days").unwrap_or(7);
    let expected = format!("at least {min} days");
    match integer(obs, "BackupRetentionPeriod", &expected) {
        Err(e) => e,
        Ok(None) => Outcome::verdict(false, expected, "not reported"),
        Ok(Some(0)) => Outcome::verdict(min <= 0, expected, "0 days (automated backups disabled)"),
        Ok(Some(days)) => Outcome::verdict(days >= min, expected, format!("{days} days")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{evaluate_id, Status};
    use crate::observe::{Existence, Target, TargetOrigin};
    use serde_json::{json, Value as Json};
    use std::collections::BTreeMap;

    fn db(props: Json) -> Observation {
        let t = Target {
            key: "db".into(),
            resource_type: "AWS::RDS::DBInstance".into(),
            identifier: "lims".into(),
            origin: TargetOrigin::Spec,
            checks: vec![],
            params: BTreeMap::new(),
            expected_properties: None,
            requirements: vec![],
        };
        let mut o = Observation::exists(&t);
        if let Json::Object(m) = props {
            o.properties = m;
        }
        o
    }

    fn run(id: &str, o: &Observation) -> crate::checks::Outcome {
        evaluate_id(id, o, &BTreeMap::new())
    }

    fn errored(property: &str) -> Observation {
        let mut o = db(json!({}));
        o.error(property, "AccessDenied: not allowed");
        o
    }

    #[test]
    fn storage_encrypted() {
        let o = run(
            "rds.storage_encrypted",
            &db(json!({"StorageEncrypted": true, "KmsKeyId": "arn:k"})),
        );
        assert_eq!(
            (o.status, o.actual.as_str()),
            (Status::Passed, "encrypted with KMS key arn:k")
        );
        let o = run(
            "rds.storage_encrypted",
            &db(json!({"StorageEncrypted": false})),
        );
        assert_eq!(
            (o.status, o.actual.as_str()),
            (Status::Failed, "not encrypted")
        );
        let o = run("rds.storage_encrypted", &db(json!({})));
        assert_eq!(
            (o.status, o.actual.as_str()),
            (Status::Failed, "not reported")
        );
        assert_eq!(
            run("rds.storage_encrypted", &errored("StorageEncrypted")).status,
            Status::Error
        );
    }

    #[test]
    fn multi_az() {
        let o = run(
            "rds.multi_az",
            &db(json!({"MultiAZ": true, "SecondaryAvailabilityZone": "eu-west-1b"})),
        );
        assert_eq!(
            (o.status, o.actual.as_str()),
            (Status::Passed, "Multi-AZ (standby in eu-west-1b)")
        );
        assert_eq!(
            run("rds.multi_az", &db(json!({"MultiAZ": true}))).actual,
            "Multi-AZ"
        );
        let o = run("rds.multi_az", &db(json!({"MultiAZ": false})));
        assert_eq!((o.status, o.actual.as_str()), (Status::Failed, "single-AZ"));
        assert_eq!(run("rds.multi_az", &db(json!({}))).status, Status::Failed);
        assert_eq!(
            run("rds.multi_az", &errored("MultiAZ")).status,
            Status::Error
        );
    }

    #[test]
    fn backup_retention() {
        let o = run(
            "rds.backup_retention",
            &db(json!({"BackupRetentionPeriod": 7})),
        );
        assert_eq!(
            (o.status, o.expected.as_str(), o.actual.as_str()),
            (Status::Passed, "at least 7 days", "7 days")
        );
        assert_eq!(
            run(
                "rds.backup_retention",
                &db(json!({"BackupRetentionPeriod": 1}))
            )
            .status,
            Status::Failed
        );
        let o = run(
            "rds.backup_retention",
            &db(json!({"BackupRetentionPeriod": 0})),
        );
        assert_eq!(
            (o.status, o.actual.as_str()),
            (Status::Failed, "0 days (automated backups disabled)")
        );
        assert_eq!(
            run("rds.backup_retention", &db(json!({}))).status,
            Status::Failed
        );
        assert_eq!(
            run("rds.backup_retention", &errored("BackupRetentionPeriod")).status,
            Status::Error
        );

        let mut p = BTreeMap::new();
        p.insert(
            "rds.backup_retention.min_days".to_string(),
            "14".to_string(),
        );
        assert_eq!(
            evaluate_id(
                "rds.backup_retention",
                &db(json!({"BackupRetentionPeriod": 7})),
                &p
            )
            .status,
            Status::Failed
        );
        p.insert("rds.backup_retention.min_days".to_string(), "1".to_string());
        assert_eq!(
            evaluate_id(
                "rds.backup_retention",
                &db(json!({"BackupRetentionPeriod": 1})),
                &p
            )
            .status,
            Status::Passed
        );
        p.insert(
            "rds.backup_retention.min_days".to_string(),
            "a week".to_string(),
        );
        assert_eq!(
            evaluate_id(
                "rds.backup_retention",
                &db(json!({"BackupRetentionPeriod": 35})),
                &p
            )
            .status,
            Status::Error
        );
    }

    #[test]
    fn deletion_protection() {
        let o = run(
            "rds.deletion_protection",
            &db(json!({"DeletionProtection": true})),
        );
        assert_eq!((o.status, o.actual.as_str()), (Status::Passed, "enabled"));
        let o = run(
            "rds.deletion_protection",
            &db(json!({"DeletionProtection": false})),
        );
        assert_eq!((o.status, o.actual.as_str()), (Status::Failed, "disabled"));
        assert_eq!(
            run("rds.deletion_protection", &db(json!({}))).status,
            Status::Failed
        );
        assert_eq!(
            run("rds.deletion_protection", &errored("DeletionProtection")).status,
            Status::Error
        );
    }

    #[test]
    fn missing_unknown_and_wrong_type() {
        let mut o = db(json!({"MultiAZ": true}));
        o.existence = Existence::Missing;
        assert_eq!(run("rds.multi_az", &o).status, Status::Failed);
        o.existence = Existence::Unknown("throttled".into());
        assert_eq!(run("rds.multi_az", &o).status, Status::Error);
        let mut other = db(json!({"MultiAZ": true}));
        other.resource_type = "AWS::S3::Bucket".into();
        assert_eq!(run("rds.multi_az", &other).status, Status::Error);
        assert!(evaluate("rds.nope", &db(json!({})), &Params::default()).is_none());
    }
}
