//! `rds.no_public_access`: RDS instance not publicly accessible. Definition, evaluator and
//! unit tests.

use super::DB_INSTANCE;
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::boolean;
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `rds.no_public_access` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "rds.no_public_access",
        title: "RDS instance not publicly accessible",
        description: "OQ. Calls RDS DescribeDBInstances. Passes when PubliclyAccessible is false (the endpoint \
            resolves to private addresses only); true or not reported fails.",
        stage: Stage::Oq,
        service: "rds",
        resource_types: DB_INSTANCE,
        severity: SeverityClass::Security,
        iam_actions: &["rds:DescribeDBInstances"],
        controls: &["21CFR11.10(c)", "21CFR11.10(d)", "21CFR11.10(g)", "21CFR11.10(k)", "Annex11-12"],
        remediation: "Terraform aws_db_instance publicly_accessible = false; CloudFormation PubliclyAccessible: \
            false; or RDS ModifyDBInstance --no-publicly-accessible.",
        remediation_code: Remediation {
            terraform: "resource \"aws_db_instance\" \"lims\" {\n  # ...\n  publicly_accessible = false\n}",
            cloudformation: "PubliclyAccessible: false",
            cli: "aws rds modify-db-instance --db-instance-identifier DB --no-publicly-accessible --apply-immediately",
        },
        related: Related {
            prowler: &["rds_instance_no_public_access"],
            aws_config: &["rds-instance-public-access-check"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"PubliclyAccessible": false}"#,
        fail: r#"{"PubliclyAccessible": true}"#,
        unreadable: "PubliclyAccessible",
    },
};

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    let expected = "not publicly accessible";
    match boolean(obs, "PubliclyAccessible", expected) {
        Err(e) => e,
        Ok(None) => Outcome::verdict(false, expected, "not reported"),
        Ok(Some(false)) => Outcome::verdict(true, expected, "not publicly accessible"),
        Ok(Some(true)) => Outcome::verdict(false, expected, "publicly accessible"),
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::rds::fixtures::{db, errored, run};
    use crate::checks::Status;
    use serde_json::json;

    #[test]
    fn no_public_access() {
        let id = "rds.no_public_access";
        assert_eq!(
            run(id, &db(json!({"PubliclyAccessible": false}))).status,
            Status::Passed
        );
        let o = run(id, &db(json!({"PubliclyAccessible": true})));
        assert_eq!(
            (o.status, o.actual.as_str()),
            (Status::Failed, "publicly accessible")
        );
        assert_eq!(run(id, &db(json!({}))).status, Status::Failed);
        assert_eq!(
            run(id, &errored("PubliclyAccessible")).status,
            Status::Error
        );
    }
}
