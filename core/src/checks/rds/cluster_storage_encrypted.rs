//! `rds.cluster_storage_encrypted`: RDS cluster storage encrypted. Definition and unit tests; the evaluator is
//! [`super::storage_encrypted`]'s, on the cluster's properties.

use super::DB_CLUSTER;
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::Check;

/// The `rds.cluster_storage_encrypted` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "rds.cluster_storage_encrypted",
        title: "RDS cluster storage encrypted",
        description: "OQ. Calls RDS DescribeDBClusters (DBClusterIdentifier = the cluster). Passes when StorageEncrypted is true; KmsKeyId is recorded. Aurora and Multi-AZ DB clusters encrypt all their instances and snapshots with the cluster key.",
        stage: Stage::Oq,
        service: "rds",
        resource_types: DB_CLUSTER,
        severity: SeverityClass::Security,
        iam_actions: &["rds:DescribeDBClusters"],
        controls: &["21CFR11.10(c)", "21CFR11.30", "Annex11-7.1", "Annex11-12"],
        remediation: "Encryption cannot be enabled in place: snapshot the cluster, restore it with a KMS key (RDS RestoreDBClusterFromSnapshot --kms-key-id) and cut over. In IaC set Terraform aws_rds_cluster storage_encrypted = true and kms_key_id, or CloudFormation StorageEncrypted: true.",
        remediation_code: Remediation {
            terraform: "resource \"aws_rds_cluster\" \"lims\" {\n  # ...\n  storage_encrypted = true\n  kms_key_id        = aws_kms_key.rds.arn\n}",
            cloudformation: "StorageEncrypted: true\nKmsKeyId: !GetAtt RdsKey.Arn",
            cli: "aws rds create-db-cluster-snapshot --db-cluster-identifier CLUSTER --db-cluster-snapshot-identifier CLUSTER-pre-encryption\naws rds restore-db-cluster-from-snapshot --db-cluster-identifier CLUSTER-encrypted \\\n  --snapshot-identifier CLUSTER-pre-encryption --engine ENGINE --kms-key-id KEY_ARN",
        },
        related: Related {
            prowler: &["rds_cluster_storage_encrypted"],
            aws_config: &["rds-cluster-encrypted-at-rest"],
        },
        params: &[],
    },
    evaluate: super::storage_encrypted::evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"StorageEncrypted": true, "KmsKeyId": "arn:k"}"#,
        fail: r#"{"StorageEncrypted": false}"#,
        unreadable: "StorageEncrypted",
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::rds::fixtures::run;
    use crate::checks::{testing, Status};
    use serde_json::json;

    #[test]
    fn storage_encrypted_on_a_cluster() {
        let cluster = |p| testing::observation("AWS::RDS::DBCluster", "lims-aurora", p);
        let o = run(
            "rds.cluster_storage_encrypted",
            &cluster(json!({"StorageEncrypted": true, "KmsKeyId": "arn:k"})),
        );
        assert_eq!(
            (o.status, o.actual.as_str()),
            (Status::Passed, "encrypted with KMS key arn:k")
        );
        let o = run(
            "rds.cluster_storage_encrypted",
            &cluster(json!({"StorageEncrypted": false})),
        );
        assert_eq!(
            (o.status, o.actual.as_str()),
            (Status::Failed, "not encrypted")
        );
        let mut e = cluster(json!({}));
        e.error("StorageEncrypted", "AccessDenied");
        assert_eq!(
            run("rds.cluster_storage_encrypted", &e).status,
            Status::Error
        );
        // The instance check does not apply to a cluster, nor the cluster check to an instance.
        assert_eq!(
            run(
                "rds.storage_encrypted",
                &cluster(json!({"StorageEncrypted": true, "KmsKeyId": "arn:k"}))
            )
            .status,
            Status::Error
        );
        let instance = testing::observation(
            "AWS::RDS::DBInstance",
            "lims",
            json!({"StorageEncrypted": true, "KmsKeyId": "arn:k"}),
        );
        assert_eq!(
            run("rds.cluster_storage_encrypted", &instance).status,
            Status::Error
        );
    }
}
