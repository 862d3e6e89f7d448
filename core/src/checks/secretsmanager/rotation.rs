//! `secretsmanager.rotation`: Secrets Manager automatic rotation enabled. Definition,
//! evaluator and unit tests.

use super::SECRET;
use crate::catalog::{CheckDef, CheckParam, ParamKind, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::{boolean, integer, string};
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `secretsmanager.rotation` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "secretsmanager.rotation",
        title: "Secrets Manager automatic rotation enabled",
        description: "OQ. Calls Secrets Manager DescribeSecret. Passes when RotationEnabled is true and, \
            when max_days is set, the rotation interval (RotationRules.AutomaticallyAfterDays, or a \
            rate(N days|hours) ScheduleExpression) is at most max_days; a cron schedule cannot be \
            compared with max_days and is an error.",
        stage: Stage::Oq,
        service: "secretsmanager",
        resource_types: SECRET,
        severity: SeverityClass::Security,
        iam_actions: &["secretsmanager:DescribeSecret"],
        controls: &["21CFR11.10(d)", "21CFR11.10(g)", "21CFR11.300", "Annex11-12"],
        remediation: "Terraform aws_secretsmanager_secret_rotation { rotation_rules { automatically_after_days = 30 } }; \
            CloudFormation AWS::SecretsManager::RotationSchedule; or Secrets Manager RotateSecret \
            --rotation-rules AutomaticallyAfterDays=30.",
        remediation_code: Remediation {
            terraform: "resource \"aws_secretsmanager_secret_rotation\" \"db\" {\n  secret_id           = aws_secretsmanager_secret.db.id\n  rotation_lambda_arn = aws_lambda_function.rotate.arn\n  rotation_rules {\n    automatically_after_days = 30\n  }\n}",
            cloudformation: "Type: AWS::SecretsManager::RotationSchedule\nProperties:\n  SecretId: !Ref DbSecret\n  RotationLambdaARN: !GetAtt RotateFunction.Arn\n  RotationRules:\n    AutomaticallyAfterDays: 30",
            cli: "aws secretsmanager rotate-secret --secret-id SECRET --rotation-lambda-arn LAMBDA_ARN --rotation-rules AutomaticallyAfterDays=30",
        },
        related: Related {
            prowler: &[
                "secretsmanager_automatic_rotation_enabled",
                "secretsmanager_secret_rotated_periodically",
            ],
            aws_config: &["secretsmanager-rotation-enabled-check"],
        },
        params: &[CheckParam {
            name: "max_days",
            description: "Longest rotation interval allowed, in days. When unset any interval passes.",
            default: None,
            kind: ParamKind::Days { min: 1, max: 1000 },
        }],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"RotationEnabled": true, "RotationRules": {"AutomaticallyAfterDays": 30}}"#,
        fail: r#"{"RotationEnabled": false}"#,
        unreadable: "RotationEnabled",
    },
};

fn evaluate(obs: &Observation, params: &Params) -> Outcome {
    rotation(obs, params.days("max_days")).unwrap_or_else(|early| early)
}

/// The rotation interval of a `rate(N days)` / `rate(N hours)` expression, in days (hours
/// rounded up).
fn rate_days(expression: &str) -> Option<i64> {
    let inner = expression.trim().strip_prefix("rate(")?.strip_suffix(')')?;
    let (n, unit) = inner.trim().split_once(' ')?;
    let n: i64 = n.parse().ok()?;
    match unit.trim() {
        "day" | "days" => Some(n),
        "hour" | "hours" => Some((n + 23) / 24),
        _ => None,
    }
}

fn rotation(obs: &Observation, max_days: Option<i64>) -> Result<Outcome, Outcome> {
    let expected = match max_days {
        Some(d) => format!("rotation enabled, at most every {d} days"),
        None => "rotation enabled".to_string(),
    };
    if boolean(obs, "RotationEnabled", &expected)? != Some(true) {
        return Ok(Outcome::verdict(false, expected, "rotation disabled"));
    }
    let Some(max) = max_days else {
        return Ok(Outcome::verdict(true, expected, "rotation enabled"));
    };
    let days = match integer(obs, "RotationRules.AutomaticallyAfterDays", &expected)? {
        Some(d) => d,
        None => match string(obs, "RotationRules.ScheduleExpression", &expected)? {
            Some(e) => match rate_days(e) {
                Some(d) => d,
                None => {
                    return Ok(Outcome::error(
                        expected,
                        format!("the rotation schedule {e} cannot be compared with max_days"),
                    ))
                }
            },
            None => {
                return Ok(Outcome::verdict(
                    false,
                    expected,
                    "rotation enabled, no schedule",
                ))
            }
        },
    };
    Ok(Outcome::verdict(
        days <= max,
        expected,
        format!("rotation every {days} days"),
    ))
}

#[cfg(test)]
mod tests {
    use super::rate_days;
    use crate::checks::secretsmanager::fixtures::{run, secret};
    use crate::checks::Status;
    use serde_json::json;

    const ID: &str = "secretsmanager.rotation";

    #[test]
    fn rotation_passes_only_when_enabled() {
        let on = secret(
            json!({"RotationEnabled": true, "RotationRules": {"AutomaticallyAfterDays": 30}}),
        );
        assert_eq!(run(ID, &on, &[]).status, Status::Passed);
        let off = run(ID, &secret(json!({"RotationEnabled": false})), &[]);
        assert_eq!(
            (off.status, off.actual.as_str()),
            (Status::Failed, "rotation disabled")
        );
        assert_eq!(run(ID, &secret(json!({})), &[]).status, Status::Failed);
    }

    #[test]
    fn rotation_interval_is_compared_with_max_days() {
        let every30 = secret(
            json!({"RotationEnabled": true, "RotationRules": {"AutomaticallyAfterDays": 30}}),
        );
        assert_eq!(
            run(ID, &every30, &[("max_days", "30")]).status,
            Status::Passed
        );
        assert_eq!(
            run(ID, &every30, &[("max_days", "29")]).status,
            Status::Failed
        );
        let rate = secret(
            json!({"RotationEnabled": true, "RotationRules": {"ScheduleExpression": "rate(10 days)"}}),
        );
        assert_eq!(run(ID, &rate, &[("max_days", "14")]).status, Status::Passed);
        let cron = secret(
            json!({"RotationEnabled": true, "RotationRules": {"ScheduleExpression": "cron(0 16 1,15 * ? *)"}}),
        );
        assert_eq!(run(ID, &cron, &[]).status, Status::Passed);
        assert_eq!(run(ID, &cron, &[("max_days", "14")]).status, Status::Error);
        let unscheduled = secret(json!({"RotationEnabled": true}));
        assert_eq!(
            run(ID, &unscheduled, &[("max_days", "14")]).status,
            Status::Failed
        );
        assert_eq!(
            run(ID, &every30, &[("max_days", "monthly")]).status,
            Status::Error
        );
        assert_eq!(rate_days("rate(36 hours)"), Some(2));
        assert_eq!(rate_days("rate(1 day)"), Some(1));
        assert_eq!(rate_days("rate(5 minutes)"), None);
    }

    #[test]
    fn rotation_unreadable_is_an_error() {
        let mut o = secret(json!({}));
        o.error("RotationEnabled", "AccessDeniedException: denied");
        assert_eq!(run(ID, &o, &[]).status, Status::Error);
    }
}
