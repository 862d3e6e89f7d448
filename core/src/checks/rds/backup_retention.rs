//! `rds.backup_retention`: RDS automated backup retention meets the minimum. Definition, evaluator and unit tests.

use super::DB_INSTANCE;
use crate::catalog::{CheckDef, CheckParam, ParamKind, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::integer;
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `rds.backup_retention` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "rds.backup_retention",
        title: "RDS automated backup retention meets the minimum",
        description: "OQ. Calls RDS DescribeDBInstances. Passes when BackupRetentionPeriod is at least min_days \
            (0 means automated backups are disabled and fails).",
        stage: Stage::Oq,
        service: "rds",
        resource_types: DB_INSTANCE,
        severity: SeverityClass::Functional,
        iam_actions: &["rds:DescribeDBInstances"],
        controls: &["21CFR11.10(a)", "21CFR11.10(c)", "Annex11-7.2"],
        remediation: "Terraform aws_db_instance backup_retention_period = <n >= min_days>; CloudFormation \
            BackupRetentionPeriod; or RDS ModifyDBInstance --backup-retention-period.",
        remediation_code: Remediation {
            terraform: "resource \"aws_db_instance\" \"lims\" {\n  # ...\n  backup_retention_period = 7\n}",
            cloudformation: "BackupRetentionPeriod: 7",
            cli: "aws rds modify-db-instance --db-instance-identifier DB --backup-retention-period 7 --apply-immediately",
        },
        related: Related {
            prowler: &["rds_instance_backup_enabled"],
            aws_config: &["db-instance-backup-enabled"],
        },
        params: &[CheckParam {
            name: "min_days",
            description: "Minimum automated backup retention in days (RDS allows 1-35).",
            default: Some("7"),
            kind: ParamKind::Days { min: 1, max: 35 },
        }],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"BackupRetentionPeriod": 7}"#,
        fail: r#"{"BackupRetentionPeriod": 0}"#,
        unreadable: "BackupRetentionPeriod",
    },
};

pub(super) fn evaluate(obs: &Observation, params: &Params) -> Outcome {
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
    use crate::checks::evaluate_id;
    use crate::checks::rds::fixtures::{db, errored, run};
    use crate::checks::Status;
    use serde_json::json;
    use std::collections::BTreeMap;

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
}
