//! `rds.multi_az`: RDS Multi-AZ on. Definition, evaluator and unit tests.

use super::{flag, DB_INSTANCE};
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::string;
use crate::checks::{Check, Outcome, Params, Status};
use crate::observe::Observation;

/// The `rds.multi_az` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "rds.multi_az",
        title: "RDS Multi-AZ on",
        description: "PQ. Calls RDS DescribeDBInstances. Passes when MultiAZ is true (a synchronous standby runs \
            in a second Availability Zone); SecondaryAvailabilityZone is recorded.",
        stage: Stage::Pq,
        service: "rds",
        resource_types: DB_INSTANCE,
        severity: SeverityClass::Functional,
        iam_actions: &["rds:DescribeDBInstances"],
        controls: &["21CFR11.10(c)", "Annex11-7"],
        remediation: "Terraform aws_db_instance multi_az = true; CloudFormation MultiAZ: true; or RDS \
            ModifyDBInstance --multi-az --apply-immediately (during a change window).",
        remediation_code: Remediation {
            terraform: "resource \"aws_db_instance\" \"lims\" {\n  # ...\n  multi_az = true\n}",
            cloudformation: "MultiAZ: true",
            cli: "aws rds modify-db-instance --db-instance-identifier DB --multi-az --apply-immediately",
        },
        related: Related {
            prowler: &["rds_instance_multi_az"],
            aws_config: &["rds-multi-az-support"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"MultiAZ": true}"#,
        fail: r#"{"MultiAZ": false}"#,
        unreadable: "MultiAZ",
    },
};

pub(super) fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    let out = flag(obs, "MultiAZ", "Multi-AZ", "single-AZ");
    match (out.status, string(obs, "SecondaryAvailabilityZone", "")) {
        (Status::Passed, Ok(Some(az))) => Outcome {
            actual: format!("Multi-AZ (standby in {az})"),
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
    fn missing_unknown_and_wrong_type() {
        use crate::observe::Existence;
        let mut o = db(json!({"MultiAZ": true}));
        o.existence = Existence::Missing;
        assert_eq!(run("rds.multi_az", &o).status, Status::Failed);
        o.existence = Existence::Unknown("throttled".into());
        assert_eq!(run("rds.multi_az", &o).status, Status::Error);
        let mut other = db(json!({"MultiAZ": true}));
        other.resource_type = "AWS::S3::Bucket".into();
        assert_eq!(run("rds.multi_az", &other).status, Status::Error);
        assert_eq!(run("rds.nope", &db(json!({}))).status, Status::Error);
    }
}
