//! `s3.access_logging`: Bucket server access logging enabled. Definition, evaluator and unit tests.

use super::{param, Eval, BUCKET_TYPES};
use crate::catalog::{CheckDef, CheckParam, ParamKind, Related, Remediation, SeverityClass, Stage};
use crate::checks::{support, Check, Outcome, Params};
use crate::observe::s3::bucket_name;
use crate::observe::Observation;
use serde_json::Value as Json;

/// The `s3.access_logging` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "s3.access_logging",
        title: "Bucket server access logging enabled",
        description: "OQ. Calls S3 GetBucketLogging. Passes when LoggingEnabled is present with a TargetBucket \
            other than the bucket itself and, when target_bucket is set, TargetBucket equals it.",
        stage: Stage::Oq,
        service: "s3",
        resource_types: BUCKET_TYPES,
        severity: SeverityClass::Security,
        iam_actions: &["s3:GetBucketLogging"],
        controls: &["21CFR11.10(e)", "Annex11-9", "HIPAA-164.312(b)"],
        remediation: "Terraform aws_s3_bucket_logging { target_bucket = <log bucket>, target_prefix = \
            \"<bucket>/\" }; CloudFormation LoggingConfiguration.DestinationBucketName; or S3 PutBucketLogging. \
            The target bucket must grant logging.s3.amazonaws.com s3:PutObject.",
        remediation_code: Remediation {
            terraform: "resource \"aws_s3_bucket_logging\" \"records\" {\n  bucket        = aws_s3_bucket.records.id\n  target_bucket = aws_s3_bucket.access_logs.id\n  target_prefix = \"lims-records/\"\n}",
            cloudformation: "LoggingConfiguration:\n  DestinationBucketName: !Ref AccessLogs\n  LogFilePrefix: lims-records/",
            cli: "aws s3api put-bucket-logging --bucket BUCKET --bucket-logging-status \\\n  '{\"LoggingEnabled\":{\"TargetBucket\":\"LOG_BUCKET\",\"TargetPrefix\":\"BUCKET/\"}}'",
        },
        related: Related {
            prowler: &["s3_bucket_server_access_logging_enabled"],
            aws_config: &["s3-bucket-logging-enabled"],
        },
        params: &[CheckParam {
            name: "target_bucket",
            description: "Expected access-log target bucket name. When unset any target other than the bucket \
                itself passes.",
            default: None,
            kind: ParamKind::BucketNameOrArn,
        }],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"LoggingConfiguration": {"DestinationBucketName": "gxp-logs", "LogFilePrefix": "gxp-data/"}}"#,
        fail: r#"{"LoggingConfiguration": {"DestinationBucketName": "gxp-data"}}"#,
        unreadable: "LoggingConfiguration",
    },
};

fn evaluate(obs: &Observation, params: &Params) -> Outcome {
    access_logging(obs, params).unwrap_or_else(|early| early)
}

fn access_logging(obs: &Observation, params: &Params) -> Eval {
    let want = param(params, "target_bucket").map(bucket_name);
    let expected = match want {
        Some(b) => format!("access logs delivered to {b}"),
        None => "access logs delivered to another bucket".to_string(),
    };
    let dest = support::string(obs, "LoggingConfiguration.DestinationBucketName", &expected)?
        .filter(|d| !d.is_empty());
    let Some(dest) = dest else {
        return Ok(Outcome::verdict(false, expected, "not configured"));
    };
    let dest = bucket_name(dest);
    let prefix = obs
        .get("LoggingConfiguration.LogFilePrefix")
        .and_then(Json::as_str)
        .map(|p| format!(" (prefix {p})"))
        .unwrap_or_default();
    let actual = format!("delivered to {dest}{prefix}");
    if dest == bucket_name(&obs.identifier) {
        return Ok(Outcome::verdict(
            false,
            expected,
            format!("{actual}, the bucket itself"),
        ));
    }
    Ok(Outcome::verdict(
        want.is_none_or(|w| w == dest),
        expected,
        actual,
    ))
}

#[cfg(test)]
mod tests {
    use crate::checks::s3::fixtures::{bucket, errored, run};
    use crate::checks::Status;
    use serde_json::json;

    #[test]
    fn access_logging_pass_fail_not_configured_error() {
        let o = bucket(json!({"LoggingConfiguration":
            {"DestinationBucketName": "gxp-logs", "LogFilePrefix": "gxp-data/"}}));
        let r = run("s3.access_logging", &o, &[]);
        assert_eq!(r.status, Status::Passed);
        assert_eq!(r.actual, "delivered to gxp-logs (prefix gxp-data/)");
        let r = run(
            "s3.access_logging",
            &o,
            &[("target_bucket", "arn:aws:s3:::gxp-logs")],
        );
        assert_eq!(r.status, Status::Passed);
        let r = run("s3.access_logging", &o, &[("target_bucket", "audit-logs")]);
        assert_eq!(r.status, Status::Failed);
        let selfish =
            bucket(json!({"LoggingConfiguration": {"DestinationBucketName": "gxp-data"}}));
        assert_eq!(
            run("s3.access_logging", &selfish, &[]).status,
            Status::Failed
        );
        let r = run("s3.access_logging", &bucket(json!({})), &[]);
        assert_eq!(
            (r.status, r.actual.as_str()),
            (Status::Failed, "not configured")
        );
        assert_eq!(
            errored("s3.access_logging", "LoggingConfiguration", &[]).status,
            Status::Error
        );
    }
}
