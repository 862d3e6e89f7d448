//! `s3.object_lock`: Bucket Object Lock enabled with default retention. Definition, evaluator and unit tests.

use super::{str_at, truthy, Eval, BUCKET_TYPES};
use crate::catalog::{CheckDef, CheckParam, ParamKind, Related, Remediation, SeverityClass, Stage};
use crate::checks::{support, Check, Outcome, Params};
use crate::observe::Observation;
use serde_json::Value as Json;

/// The `s3.object_lock` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "s3.object_lock",
        title: "Bucket Object Lock enabled with default retention",
        description: "OQ. Calls S3 GetObjectLockConfiguration. Passes when ObjectLockEnabled is Enabled and \
            Rule.DefaultRetention has Mode equal to the mode parameter and a retention period of at least \
            min_retention_days (Years are counted as 365 days). No Object Lock configuration, no default \
            retention, another mode or a shorter period fails.",
        stage: Stage::Oq,
        service: "s3",
        resource_types: BUCKET_TYPES,
        severity: SeverityClass::Security,
        iam_actions: &["s3:GetBucketObjectLockConfiguration"],
        controls: &["21CFR11.10(c)", "Annex11-7"],
        remediation: "Enable Object Lock (requires versioning): Terraform aws_s3_bucket { object_lock_enabled = \
            true } and aws_s3_bucket_object_lock_configuration { rule { default_retention { mode = \
            \"COMPLIANCE\", days = <n> } } }; CloudFormation ObjectLockEnabled: true with \
            ObjectLockConfiguration.Rule.DefaultRetention; or S3 PutObjectLockConfiguration.",
        remediation_code: Remediation {
            terraform: "resource \"aws_s3_bucket\" \"records\" {\n  bucket              = \"lims-records\"\n  object_lock_enabled = true\n}\n\nresource \"aws_s3_bucket_object_lock_configuration\" \"records\" {\n  bucket = aws_s3_bucket.records.id\n  rule {\n    default_retention {\n      mode = \"COMPLIANCE\"\n      days = 365\n    }\n  }\n}",
            cloudformation: "ObjectLockEnabled: true\nObjectLockConfiguration:\n  ObjectLockEnabled: Enabled\n  Rule:\n    DefaultRetention:\n      Mode: COMPLIANCE\n      Days: 365",
            cli: "aws s3api put-object-lock-configuration --bucket BUCKET --object-lock-configuration \\\n  '{\"ObjectLockEnabled\":\"Enabled\",\"Rule\":{\"DefaultRetention\":{\"Mode\":\"COMPLIANCE\",\"Days\":365}}}'",
        },
        related: Related {
            prowler: &["s3_bucket_object_lock"],
            aws_config: &["s3-bucket-default-lock-enabled"],
        },
        params: &[
            CheckParam {
                name: "mode",
                description: "Required default retention mode: COMPLIANCE (cannot be shortened or removed by \
                    any user, including root) or GOVERNANCE.",
                default: Some("COMPLIANCE"),
                kind: ParamKind::OneOf(&["COMPLIANCE", "GOVERNANCE"]),
            },
            CheckParam {
                name: "min_retention_days",
                description: "Minimum default retention period in days.",
                default: Some("1"),
                kind: ParamKind::Days { min: 1, max: 36500 },
            },
        ],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"ObjectLockEnabled": true, "ObjectLockConfiguration": {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 30}}}}"#,
        fail: r#"{}"#,
        unreadable: "ObjectLockConfiguration",
    },
};

fn evaluate(obs: &Observation, params: &Params) -> Outcome {
    object_lock(obs, params).unwrap_or_else(|early| early)
}

fn object_lock(obs: &Observation, params: &Params) -> Eval {
    let mode = params.choice("mode").unwrap_or("COMPLIANCE");
    let min_days = params.days("min_retention_days").unwrap_or(1);
    let expected = format!("Enabled, default retention {mode} for at least {min_days} day(s)");
    let flag = support::property(obs, "ObjectLockEnabled", &expected)?;
    let conf = support::property(obs, "ObjectLockConfiguration", &expected)?;
    let enabled = truthy(flag) || truthy(conf.and_then(|c| c.get("ObjectLockEnabled")));
    if !enabled {
        return Ok(Outcome::verdict(false, expected, "not enabled"));
    }
    let Some(retention) = conf.and_then(|c| c.pointer("/Rule/DefaultRetention")) else {
        return Ok(Outcome::verdict(
            false,
            expected,
            "Enabled, no default retention",
        ));
    };
    let actual_mode = str_at(retention, "/Mode").unwrap_or("no mode");
    let number = |k: &str| retention.get(k).and_then(Json::as_i64).unwrap_or(0);
    let (days, years) = (number("Days"), number("Years"));
    let effective = days.max(years.saturating_mul(365));
    let period = if years > 0 && days == 0 {
        format!("{years} year(s) ({effective} days)")
    } else {
        format!("{effective} day(s)")
    };
    Ok(Outcome::verdict(
        actual_mode.eq_ignore_ascii_case(mode) && effective >= min_days,
        expected,
        format!("Enabled, default retention {actual_mode} for {period}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::s3::fixtures::{bucket, errored, run};
    use crate::checks::Status;
    use serde_json::json;

    fn lock(retention: Json) -> Observation {
        bucket(json!({"ObjectLockEnabled": true, "ObjectLockConfiguration":
            {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": retention}}}))
    }

    #[test]
    fn an_unparsable_retention_parameter_is_an_error_not_the_default() {
        // 30-day retention; "2555d" used to be read as the default of 1 day: a pass.
        let o = lock(json!({"Mode": "COMPLIANCE", "Days": 30}));
        let r = run("s3.object_lock", &o, &[("min_retention_days", "2555d")]);
        assert_eq!(r.status, Status::Error, "{r:?}");
        let detail = r.detail.unwrap();
        assert!(
            detail.contains("`s3.object_lock.min_retention_days` = \"2555d\" is not valid")
                && detail.contains("expected a whole number of days from 1 to 36500"),
            "{detail}"
        );
        let r = run("s3.object_lock", &o, &[("mode", "LEGAL_HOLD")]);
        assert_eq!(r.status, Status::Error, "{r:?}");
        assert_eq!(
            run("s3.object_lock", &o, &[("min_retention_days", "2555")]).status,
            Status::Failed
        );
    }

    #[test]
    fn object_lock_checks_mode_and_period() {
        let o = lock(json!({"Mode": "COMPLIANCE", "Days": 1}));
        let r = run(
            "s3.object_lock",
            &o,
            &[("mode", "COMPLIANCE"), ("min_retention_days", "1")],
        );
        assert_eq!(r.status, Status::Passed);
        assert_eq!(
            r.actual,
            "Enabled, default retention COMPLIANCE for 1 day(s)"
        );
        let r = run(
            "s3.object_lock",
            &o,
            &[("mode", "COMPLIANCE"), ("min_retention_days", "30")],
        );
        assert_eq!(r.status, Status::Failed);
        let r = run("s3.object_lock", &o, &[("mode", "GOVERNANCE")]);
        assert_eq!(r.status, Status::Failed);
        let years = lock(json!({"Mode": "COMPLIANCE", "Years": 7}));
        let r = run(
            "s3.object_lock",
            &years,
            &[("mode", "compliance"), ("min_retention_days", "2555")],
        );
        assert_eq!(r.status, Status::Passed);
        assert_eq!(
            r.actual,
            "Enabled, default retention COMPLIANCE for 7 year(s) (2555 days)"
        );
        let r = run("s3.object_lock", &years, &[("min_retention_days", "2556")]);
        assert_eq!(r.status, Status::Failed);
    }

    #[test]
    fn object_lock_not_enabled_no_retention_and_error() {
        let r = run("s3.object_lock", &bucket(json!({})), &[]);
        assert_eq!(
            (r.status, r.actual.as_str()),
            (Status::Failed, "not enabled")
        );
        let bare = bucket(json!({"ObjectLockEnabled": true,
            "ObjectLockConfiguration": {"ObjectLockEnabled": "Enabled"}}));
        let r = run("s3.object_lock", &bare, &[]);
        assert_eq!(
            (r.status, r.actual.as_str()),
            (Status::Failed, "Enabled, no default retention")
        );
        assert_eq!(
            errored("s3.object_lock", "ObjectLockConfiguration", &[]).status,
            Status::Error
        );
        assert_eq!(
            errored("s3.object_lock", "ObjectLockEnabled", &[]).status,
            Status::Error
        );
    }
}
