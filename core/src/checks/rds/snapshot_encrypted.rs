//! `rds.snapshot_encrypted`: RDS DB or cluster snapshot encrypted. Definition, evaluator and
//! unit tests.

use super::{flag, SNAPSHOTS};
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::string;
use crate::checks::{Check, Outcome, Params, Status};
use crate::observe::Observation;

/// The `rds.snapshot_encrypted` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "rds.snapshot_encrypted",
        title: "RDS snapshot encrypted",
        description: "OQ. Calls RDS DescribeDBSnapshots (Encrypted) or DescribeDBClusterSnapshots \
            (StorageEncrypted). Passes when the snapshot is encrypted; KmsKeyId is recorded.",
        stage: Stage::Oq,
        service: "rds",
        resource_types: SNAPSHOTS,
        severity: SeverityClass::Security,
        iam_actions: &["rds:DescribeDBSnapshots", "rds:DescribeDBClusterSnapshots"],
        controls: &["21CFR11.10(c)", "21CFR11.30", "Annex11-7.1", "Annex11-12"],
        remediation: "Copy the snapshot with a KMS key (RDS CopyDBSnapshot / CopyDBClusterSnapshot --kms-key-id) \
            and delete the unencrypted one; encrypt the source instance or cluster so its next snapshots are \
            encrypted.",
        remediation_code: Remediation {
            terraform: "resource \"aws_db_snapshot_copy\" \"encrypted\" {\n  source_db_snapshot_identifier = aws_db_snapshot.lims.db_snapshot_arn\n  target_db_snapshot_identifier = \"lims-release-1-encrypted\"\n  kms_key_id                    = aws_kms_key.rds.arn\n}",
            cloudformation: "# CloudFormation has no snapshot copy resource; encrypt the source:\nStorageEncrypted: true\nKmsKeyId: !GetAtt RdsKey.Arn",
            cli: "aws rds copy-db-snapshot --source-db-snapshot-identifier SNAPSHOT \\\n  --target-db-snapshot-identifier SNAPSHOT-encrypted --kms-key-id KEY_ARN",
        },
        related: Related {
            prowler: &["rds_snapshots_encrypted"],
            aws_config: &["rds-snapshot-encrypted"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"Encrypted": true, "KmsKeyId": "arn:k"}"#,
        fail: r#"{"Encrypted": false}"#,
        unreadable: "Encrypted",
    },
};

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    let out = flag(obs, "Encrypted", "encrypted", "not encrypted");
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
    use crate::checks::rds::fixtures::run;
    use crate::checks::{testing, Status};
    use serde_json::json;

    #[test]
    fn snapshot_encryption_on_db_and_cluster_snapshots() {
        let id = "rds.snapshot_encrypted";
        for ty in ["AWS::RDS::DBSnapshot", "AWS::RDS::DBClusterSnapshot"] {
            let snap = |p| testing::observation(ty, "s", p);
            let o = run(id, &snap(json!({"Encrypted": true, "KmsKeyId": "arn:k"})));
            assert_eq!(
                (o.status, o.actual.as_str()),
                (Status::Passed, "encrypted with KMS key arn:k")
            );
            let o = run(id, &snap(json!({"Encrypted": false})));
            assert_eq!(
                (o.status, o.actual.as_str()),
                (Status::Failed, "not encrypted")
            );
            let mut e = snap(json!({}));
            e.error("Encrypted", "AccessDenied");
            assert_eq!(run(id, &e).status, Status::Error);
        }
    }
}
