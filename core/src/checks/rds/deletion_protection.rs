//! `rds.deletion_protection`: RDS deletion protection enabled. Definition, evaluator and unit tests.

use super::{flag, DB_INSTANCE};
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `rds.deletion_protection` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "rds.deletion_protection",
        title: "RDS deletion protection enabled",
        description: "OQ. Calls RDS DescribeDBInstances. Passes when DeletionProtection is true.",
        stage: Stage::Oq,
        service: "rds",
        resource_types: DB_INSTANCE,
        severity: SeverityClass::Functional,
        iam_actions: &["rds:DescribeDBInstances"],
        controls: &["21CFR11.10(c)", "Annex11-7"],
        remediation: "Terraform aws_db_instance deletion_protection = true; CloudFormation DeletionProtection: \
            true; or RDS ModifyDBInstance --deletion-protection.",
        remediation_code: Remediation {
            terraform: "resource \"aws_db_instance\" \"lims\" {\n  # ...\n  deletion_protection = true\n}",
            cloudformation: "DeletionProtection: true",
            cli: "aws rds modify-db-instance --db-instance-identifier DB --deletion-protection",
        },
        related: Related {
            prowler: &["rds_instance_deletion_protection"],
            aws_config: &["rds-instance-deletion-protection-enabled"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"DeletionProtection": true}"#,
        fail: r#"{"DeletionProtection": false}"#,
        unreadable: "DeletionProtection",
    },
};

pub(super) fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    flag(obs, "DeletionProtection", "enabled", "disabled")
}

#[cfg(test)]
mod tests {
    use crate::checks::rds::fixtures::{db, errored, run};
    use crate::checks::Status;
    use serde_json::json;

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
}
