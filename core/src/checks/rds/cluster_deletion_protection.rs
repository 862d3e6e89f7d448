//! `rds.cluster_deletion_protection`: RDS cluster deletion protection enabled. Definition and unit tests; the evaluator is
//! [`super::deletion_protection`]'s, on the cluster's properties.

use super::DB_CLUSTER;
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::Check;

/// The `rds.cluster_deletion_protection` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "rds.cluster_deletion_protection",
        title: "RDS cluster deletion protection enabled",
        description: "OQ. Calls RDS DescribeDBClusters (DBClusterIdentifier = the cluster). Passes when DeletionProtection is true.",
        stage: Stage::Oq,
        service: "rds",
        resource_types: DB_CLUSTER,
        severity: SeverityClass::Functional,
        iam_actions: &["rds:DescribeDBClusters"],
        controls: &["21CFR11.10(c)", "Annex11-7"],
        remediation: "Terraform aws_rds_cluster deletion_protection = true; CloudFormation DeletionProtection: true; or RDS ModifyDBCluster --deletion-protection.",
        remediation_code: Remediation {
            terraform: "resource \"aws_rds_cluster\" \"lims\" {\n  # ...\n  deletion_protection = true\n}",
            cloudformation: "DeletionProtection: true",
            cli: "aws rds modify-db-cluster --db-cluster-identifier CLUSTER --deletion-protection --apply-immediately",
        },
        related: Related {
            prowler: &["rds_cluster_deletion_protection"],
            aws_config: &["rds-cluster-deletion-protection-enabled"],
        },
        params: &[],
    },
    evaluate: super::deletion_protection::evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"DeletionProtection": true}"#,
        fail: r#"{"DeletionProtection": false}"#,
        unreadable: "DeletionProtection",
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::rds::fixtures::run;
    use crate::checks::{testing, Status};
    use serde_json::json;

    #[test]
    fn deletion_protection_on_a_cluster() {
        let cluster = |p| testing::observation("AWS::RDS::DBCluster", "lims-aurora", p);
        let o = run(
            "rds.cluster_deletion_protection",
            &cluster(json!({"DeletionProtection": true})),
        );
        assert_eq!((o.status, o.actual.as_str()), (Status::Passed, "enabled"));
        let o = run(
            "rds.cluster_deletion_protection",
            &cluster(json!({"DeletionProtection": false})),
        );
        assert_eq!((o.status, o.actual.as_str()), (Status::Failed, "disabled"));
        let mut e = cluster(json!({}));
        e.error("DeletionProtection", "AccessDenied");
        assert_eq!(
            run("rds.cluster_deletion_protection", &e).status,
            Status::Error
        );
        // The instance check does not apply to a cluster, nor the cluster check to an instance.
        assert_eq!(
            run(
                "rds.deletion_protection",
                &cluster(json!({"DeletionProtection": true}))
            )
            .status,
            Status::Error
        );
        let instance = testing::observation(
            "AWS::RDS::DBInstance",
            "lims",
            json!({"DeletionProtection": true}),
        );
        assert_eq!(
            run("rds.cluster_deletion_protection", &instance).status,
            Status::Error
        );
    }
}
