//! `rds.storage_encrypted`: RDS storage encrypted. Definition, evaluator and unit tests.

use super::{flag, DB_INSTANCE};
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::string;
use crate::checks::{Check, Outcome, Params, Status};
use crate::observe::Observation;

/// The `rds.storage_encrypted` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "rds.storage_encrypted",
        title: "RDS storage encrypted",
        description: "OQ. Calls RDS DescribeDBInstances (DBInstanceIdentifier). Passes when StorageEncrypted is \
            true; KmsKeyId is recorded.",
        stage: Stage::Oq,
        service: "rds",
        resource_types: DB_INSTANCE,
        severity: SeverityClass::Security,
        iam_actions: &["rds:DescribeDBInstances"],
        controls: &["21CFR11.10(c)", "21CFR11.30", "Annex11-7", "Annex11-12", "HIPAA-164.312(a)(2)(iv)"],
        remediation: "Encryption cannot be enabled in place: snapshot the instance, copy the snapshot with a KMS \
            key (RDS CopyDBSnapshot --kms-key-id), restore from it and cut over. In IaC set Terraform \
            aws_db_instance storage_encrypted = true and kms_key_id, or CloudFormation StorageEncrypted: true.",
        remediation_code: Remediation {
            terraform: "resource \"aws_db_instance\" \"lims\" {\n  # ...\n  storage_encrypted = true\n  kms_key_id        = aws_kms_key.rds.arn\n}",
            cloudformation: "StorageEncrypted: true\nKmsKeyId: !GetAtt RdsKey.Arn",
            cli: "aws rds copy-db-snapshot --source-db-snapshot-identifier SNAPSHOT \\\n  --target-db-snapshot-identifier SNAPSHOT-encrypted --kms-key-id KEY_ARN\naws rds restore-db-instance-from-db-snapshot --db-instance-identifier DB-encrypted \\\n  --db-snapshot-identifier SNAPSHOT-encrypted",
        },
        related: Related {
            prowler: &["rds_instance_storage_encrypted"],
            aws_config: &["rds-storage-encrypted"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"StorageEncrypted": true, "KmsKeyId": "arn:k"}"#,
        fail: r#"{"StorageEncrypted": false}"#,
        unreadable: "StorageEncrypted",
    },
};

pub(super) fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    let out = flag(obs, "StorageEncrypted", "encrypted", "not encrypted");
    match (out.status, string(obs, "KmsKeyId", "")) {
        (Status::Passed, Ok(Some(key))) => Outcome {
            actual: format!("encrypted with KMS key {key}"),
            ..out
        },
        _ => out,
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::rds::fixtures::{db, errored, run};
    use crate::checks::Status;
    use serde_json::json;

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
}
