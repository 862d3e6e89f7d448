//! `rds.cluster_backup_retention`: RDS cluster automated backup retention meets the minimum. Definition and unit tests; the evaluator is
//! [`super::backup_retention`]'s, on the cluster's properties.

use super::DB_CLUSTER;
use crate::catalog::{CheckDef, CheckParam, ParamKind, Related, Remediation, SeverityClass, Stage};
use crate::checks::Check;

/// The `rds.cluster_backup_retention` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "rds.cluster_backup_retention",
        title: "RDS cluster automated backup retention meets the minimum",
        description: "OQ. Calls RDS DescribeDBClusters (DBClusterIdentifier = the cluster). Passes when BackupRetentionPeriod is at least min_days (clusters always keep automated backups for 1 to 35 days).",
        stage: Stage::Oq,
        service: "rds",
        resource_types: DB_CLUSTER,
        severity: SeverityClass::Functional,
        iam_actions: &["rds:DescribeDBClusters"],
        controls: &["21CFR11.10(a)", "21CFR11.10(c)", "Annex11-7.2"],
        remediation: "Terraform aws_rds_cluster backup_retention_period = <n >= min_days>; CloudFormation BackupRetentionPeriod; or RDS ModifyDBCluster --backup-retention-period.",
        remediation_code: Remediation {
            terraform: "resource \"aws_rds_cluster\" \"lims\" {\n  # ...\n  backup_retention_period = 7\n}",
            cloudformation: "BackupRetentionPeriod: 7",
            cli: "aws rds modify-db-cluster --db-cluster-identifier CLUSTER --backup-retention-period 7 --apply-immediately",
        },
        related: Related {
            prowler: &[],
            aws_config: &["rds-cluster-backup-retention-check"],
        },
        params: &[CheckParam {
            name: "min_days",
            description: "Minimum automated backup retention in days (RDS allows 1-35).",
            default: Some("7"),
            kind: ParamKind::Days { min: 1, max: 35 },
        }],
    },
    evaluate: super::backup_retention::evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"BackupRetentionPeriod": 7}"#,
        fail: r#"{"BackupRetentionPeriod": 1}"#,
        unreadable: "BackupRetentionPeriod",
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::rds::fixtures::run;
    use crate::checks::{testing, Status};
    use serde_json::json;

    #[test]
    fn backup_retention_on_a_cluster() {
        let cluster = |p| testing::observation("AWS::RDS::DBCluster", "lims-aurora", p);
        let o = run(
            "rds.cluster_backup_retention",
            &cluster(json!({"BackupRetentionPeriod": 7})),
        );
        assert_eq!((o.status, o.actual.as_str()), (Status::Passed, "7 days"));
        let o = run(
            "rds.cluster_backup_retention",
            &cluster(json!({"BackupRetentionPeriod": 1})),
        );
        assert_eq!((o.status, o.actual.as_str()), (Status::Failed, "1 days"));
        let mut e = cluster(json!({}));
        e.error("BackupRetentionPeriod", "AccessDenied");
        assert_eq!(
            run("rds.cluster_backup_retention", &e).status,
            Status::Error
        );
        // The instance check does not apply to a cluster, nor the cluster check to an instance.
        assert_eq!(
            run(
                "rds.backup_retention",
                &cluster(json!({"BackupRetentionPeriod": 7}))
            )
            .status,
            Status::Error
        );
        let instance = testing::observation(
            "AWS::RDS::DBInstance",
            "lims",
            json!({"BackupRetentionPeriod": 7}),
        );
        assert_eq!(
            run("rds.cluster_backup_retention", &instance).status,
            Status::Error
        );
    }
}
