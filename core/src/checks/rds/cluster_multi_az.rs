//! `rds.cluster_multi_az`: RDS cluster Multi-AZ. Definition and unit tests; the evaluator is
//! [`super::multi_az`]'s, on the cluster's properties.

use super::DB_CLUSTER;
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::Check;

/// The `rds.cluster_multi_az` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "rds.cluster_multi_az",
        title: "RDS cluster Multi-AZ",
        description: "PQ. Calls RDS DescribeDBClusters (DBClusterIdentifier = the cluster). Passes when MultiAZ is true: RDS reports it when the cluster has instances (writer and readers) in more than one Availability Zone, so a reader can take over when the writer's zone fails.",
        stage: Stage::Pq,
        service: "rds",
        resource_types: DB_CLUSTER,
        severity: SeverityClass::Functional,
        iam_actions: &["rds:DescribeDBClusters"],
        controls: &["21CFR11.10(c)", "Annex11-7", "Annex11-16"],
        remediation: "Add a reader instance in another Availability Zone (Terraform aws_rds_cluster_instance with a different availability_zone; CloudFormation a second AWS::RDS::DBInstance with DBClusterIdentifier; RDS CreateDBInstance --db-cluster-identifier).",
        remediation_code: Remediation {
            terraform: "resource \"aws_rds_cluster_instance\" \"reader\" {\n  cluster_identifier = aws_rds_cluster.lims.id\n  instance_class     = \"db.r6g.large\"\n  engine             = aws_rds_cluster.lims.engine\n  availability_zone  = \"eu-west-1b\"\n}",
            cloudformation: "Reader:\n  Type: AWS::RDS::DBInstance\n  Properties:\n    DBClusterIdentifier: !Ref LimsCluster\n    DBInstanceClass: db.r6g.large\n    Engine: aurora-postgresql\n    AvailabilityZone: eu-west-1b",
            cli: "aws rds create-db-instance --db-instance-identifier CLUSTER-reader --db-cluster-identifier CLUSTER \\\n  --engine aurora-postgresql --db-instance-class db.r6g.large --availability-zone eu-west-1b",
        },
        related: Related {
            prowler: &["rds_cluster_multi_az"],
            aws_config: &["rds-cluster-multi-az-enabled"],
        },
        params: &[],
    },
    evaluate: super::multi_az::evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"MultiAZ": true}"#,
        fail: r#"{"MultiAZ": false}"#,
        unreadable: "MultiAZ",
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::rds::fixtures::run;
    use crate::checks::{testing, Status};
    use serde_json::json;

    #[test]
    fn multi_az_on_a_cluster() {
        let cluster = |p| testing::observation("AWS::RDS::DBCluster", "lims-aurora", p);
        let o = run("rds.cluster_multi_az", &cluster(json!({"MultiAZ": true})));
        assert_eq!((o.status, o.actual.as_str()), (Status::Passed, "Multi-AZ"));
        let o = run("rds.cluster_multi_az", &cluster(json!({"MultiAZ": false})));
        assert_eq!((o.status, o.actual.as_str()), (Status::Failed, "single-AZ"));
        let mut e = cluster(json!({}));
        e.error("MultiAZ", "AccessDenied");
        assert_eq!(run("rds.cluster_multi_az", &e).status, Status::Error);
        // The instance check does not apply to a cluster, nor the cluster check to an instance.
        assert_eq!(
            run("rds.multi_az", &cluster(json!({"MultiAZ": true}))).status,
            Status::Error
        );
        let instance =
            testing::observation("AWS::RDS::DBInstance", "lims", json!({"MultiAZ": true}));
        assert_eq!(run("rds.cluster_multi_az", &instance).status, Status::Error);
    }
}
