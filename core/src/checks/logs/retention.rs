//! `logs.retention`: Log group retention meets the minimum. Definition, evaluator and unit
//! tests.

use super::LOG_GROUP;
use crate::catalog::{CheckDef, CheckParam, ParamKind, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::integer;
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// Minimum retention when `min_days` is not set (the catalog default).
const DEFAULT_MIN_DAYS: i64 = 365;

/// The `logs.retention` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "logs.retention",
        title: "Log group retention meets the minimum",
        description: "OQ. Calls CloudWatch Logs DescribeLogGroups (logGroupNamePrefix = the name, exact match \
            selected). Passes when retentionInDays is at least min_days, or is absent (never expire, records \
            are kept indefinitely).",
        stage: Stage::Oq,
        service: "logs",
        resource_types: LOG_GROUP,
        severity: SeverityClass::Security,
        iam_actions: &["logs:DescribeLogGroups"],
        controls: &["21CFR11.10(c)", "21CFR11.10(e)", "Annex11-7", "Annex11-9"],
        remediation: "Terraform aws_cloudwatch_log_group retention_in_days = <n >= min_days> (or 0 for never \
            expire); CloudFormation RetentionInDays; or CloudWatch Logs PutRetentionPolicy.",
        remediation_code: Remediation {
            terraform: "resource \"aws_cloudwatch_log_group\" \"app\" {\n  name              = \"/gxp/app\"\n  retention_in_days = 365\n}",
            cloudformation: "RetentionInDays: 365",
            cli: "aws logs put-retention-policy --log-group-name LOG_GROUP --retention-in-days 365",
        },
        related: Related {
            prowler: &["cloudwatch_log_group_retention_policy_specific_days_enabled"],
            aws_config: &["cw-loggroup-retention-period-check"],
        },
        params: &[CheckParam {
            name: "min_days",
            description: "Minimum retention in days.",
            default: Some("365"),
            kind: ParamKind::Days { min: 1, max: 3653 },
        }],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"RetentionInDays": 365}"#,
        fail: r#"{"RetentionInDays": 7}"#,
        unreadable: "RetentionInDays",
    },
};

fn evaluate(obs: &Observation, params: &Params) -> Outcome {
    let min_days = params.days("min_days").unwrap_or(DEFAULT_MIN_DAYS);
    retention(obs, min_days).unwrap_or_else(|early| early)
}

fn retention(obs: &Observation, min_days: i64) -> Result<Outcome, Outcome> {
    let expected = format!("retention at least {min_days} days");
    Ok(match integer(obs, "RetentionInDays", &expected)? {
        None => Outcome::verdict(true, expected, "never expire (records kept indefinitely)"),
        Some(days) => Outcome::verdict(days >= min_days, expected, format!("{days} days")),
    })
}

#[cfg(test)]
mod tests {
    use crate::checks::logs::fixtures::{obs, run};
    use crate::checks::Status;
    use serde_json::json;

    #[test]
    fn an_unparsable_min_days_is_an_error_not_the_default() {
        // "abc" used to be checked as the default, 365 days.
        let out = run(
            "logs.retention",
            &obs(json!({"RetentionInDays": 400})),
            &[("min_days", "abc")],
        );
        assert_eq!(out.status, Status::Error, "{out:?}");
        assert!(out
            .detail
            .unwrap()
            .contains("`logs.retention.min_days` = \"abc\" is not valid"),);
        let out = run("logs.retention", &obs(json!({})), &[("min_days", "0")]);
        assert_eq!(out.status, Status::Error, "out of range: {out:?}");
    }

    #[test]
    fn retention() {
        let id = "logs.retention";
        let year = obs(json!({"RetentionInDays": 365}));
        let out = run(id, &year, &[]);
        assert_eq!(out.status, Status::Passed);
        assert_eq!(out.expected, "retention at least 365 days");
        let week = run(id, &obs(json!({"RetentionInDays": 7})), &[]);
        assert_eq!(
            (week.status, week.actual.as_str()),
            (Status::Failed, "7 days")
        );
        assert_eq!(
            run(
                id,
                &obs(json!({"RetentionInDays": 7})),
                &[("min_days", "7")]
            )
            .status,
            Status::Passed
        );
        assert_eq!(
            run(id, &year, &[("min_days", "3653")]).status,
            Status::Failed
        );
        let never = run(id, &obs(json!({})), &[]);
        assert_eq!(never.status, Status::Passed);
        assert!(never.actual.contains("never expire"));
        let mut e = obs(json!({}));
        e.error("RetentionInDays", "DescribeLogGroups: AccessDenied");
        assert_eq!(run(id, &e, &[]).status, Status::Error);
    }
}
