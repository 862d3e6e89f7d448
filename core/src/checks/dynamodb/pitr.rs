//! `dynamodb.pitr`: DynamoDB point-in-time recovery enabled. Definition, evaluator and unit tests.

use super::TABLE;
use crate::catalog::{CheckDef, CheckParam, ParamKind, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::{boolean, integer};
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `dynamodb.pitr` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "dynamodb.pitr",
        title: "DynamoDB point-in-time recovery enabled",
        description: "OQ. Calls DynamoDB DescribeContinuousBackups. Passes when point-in-time recovery \
            is ENABLED and, when min_recovery_days is set, its recovery period (35 days unless \
            configured shorter) is at least that many days.",
        stage: Stage::Oq,
        service: "dynamodb",
        resource_types: TABLE,
        severity: SeverityClass::Functional,
        iam_actions: &["dynamodb:DescribeContinuousBackups"],
        controls: &["21CFR11.10(a)", "21CFR11.10(c)", "Annex11-7.2", "Annex11-16", "Annex11-17"],
        remediation: "Terraform aws_dynamodb_table point_in_time_recovery { enabled = true }; CloudFormation \
            PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled: true; or DynamoDB \
            UpdateContinuousBackups.",
        remediation_code: Remediation {
            terraform: "resource \"aws_dynamodb_table\" \"records\" {\n  # ...\n  point_in_time_recovery {\n    enabled = true\n  }\n}",
            cloudformation: "PointInTimeRecoverySpecification:\n  PointInTimeRecoveryEnabled: true",
            cli: "aws dynamodb update-continuous-backups --table-name TABLE --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true",
        },
        related: Related {
            prowler: &["dynamodb_tables_pitr_enabled"],
            aws_config: &["dynamodb-pitr-enabled"],
        },
        params: &[CheckParam {
            name: "min_recovery_days",
            description: "Minimum point-in-time recovery period in days (DynamoDB allows 1-35). When unset any period passes.",
            default: None,
            kind: ParamKind::Days { min: 1, max: 35 },
        }],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true, "RecoveryPeriodInDays": 35}}"#,
        fail: r#"{"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": false}}"#,
        unreadable: "PointInTimeRecoverySpecification",
    },
};

/// The recovery period DynamoDB keeps when none is configured.
const DEFAULT_RECOVERY_DAYS: i64 = 35;

fn evaluate(obs: &Observation, params: &Params) -> Outcome {
    pitr(obs, params.days("min_recovery_days")).unwrap_or_else(|early| early)
}

fn pitr(obs: &Observation, min_days: Option<i64>) -> Result<Outcome, Outcome> {
    let expected = match min_days {
        Some(d) => format!("point-in-time recovery enabled, at least {d} days"),
        None => "point-in-time recovery enabled".to_string(),
    };
    let enabled = boolean(
        obs,
        "PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled",
        &expected,
    )?;
    if enabled != Some(true) {
        let actual = if enabled.is_none() {
            "not configured"
        } else {
            "disabled"
        };
        return Ok(Outcome::verdict(false, expected, actual));
    }
    let days = integer(
        obs,
        "PointInTimeRecoverySpecification.RecoveryPeriodInDays",
        &expected,
    )?
    .unwrap_or(DEFAULT_RECOVERY_DAYS);
    Ok(Outcome::verdict(
        min_days.is_none_or(|m| days >= m),
        expected,
        format!("enabled, {days} days"),
    ))
}

#[cfg(test)]
mod tests {
    use crate::checks::dynamodb::fixtures::{run, table};
    use crate::checks::Status;
    use serde_json::json;

    const ID: &str = "dynamodb.pitr";

    fn with(spec: serde_json::Value) -> crate::observe::Observation {
        table(json!({ "PointInTimeRecoverySpecification": spec }))
    }

    #[test]
    fn pitr_passes_only_when_enabled() {
        let on = run(ID, &with(json!({"PointInTimeRecoveryEnabled": true})), &[]);
        assert_eq!(
            (on.status, on.actual.as_str()),
            (Status::Passed, "enabled, 35 days")
        );
        let off = run(ID, &with(json!({"PointInTimeRecoveryEnabled": false})), &[]);
        assert_eq!(
            (off.status, off.actual.as_str()),
            (Status::Failed, "disabled")
        );
        let none = run(ID, &table(json!({})), &[]);
        assert_eq!(
            (none.status, none.actual.as_str()),
            (Status::Failed, "not configured")
        );
    }

    #[test]
    fn pitr_min_recovery_days_compares_the_period() {
        let short = with(json!({"PointInTimeRecoveryEnabled": true, "RecoveryPeriodInDays": 7}));
        assert_eq!(run(ID, &short, &[]).status, Status::Passed);
        assert_eq!(
            run(ID, &short, &[("min_recovery_days", "7")]).status,
            Status::Passed
        );
        assert_eq!(
            run(ID, &short, &[("min_recovery_days", "14")]).status,
            Status::Failed
        );
        let default = with(json!({"PointInTimeRecoveryEnabled": true}));
        assert_eq!(
            run(ID, &default, &[("min_recovery_days", "35")]).status,
            Status::Passed
        );
        assert_eq!(
            run(ID, &default, &[("min_recovery_days", "36")]).status,
            Status::Error
        );
    }

    #[test]
    fn pitr_unreadable_is_an_error() {
        let mut o = table(json!({}));
        o.error(
            "PointInTimeRecoverySpecification",
            "AccessDeniedException: denied",
        );
        assert_eq!(run(ID, &o, &[]).status, Status::Error);
    }
}
