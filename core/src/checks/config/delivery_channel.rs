//! `config.delivery_channel`: AWS Config delivery channel configured. Definition, evaluator and
//! unit tests.

use super::{is_failure, Findings};
use crate::catalog::{CheckDef, CheckParam, ParamKind, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::string;
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `config.delivery_channel` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "config.delivery_channel",
        title: "AWS Config delivery channel configured",
        description: "OQ. Calls AWS Config DescribeDeliveryChannels and DescribeDeliveryChannelStatus. Passes \
            when a delivery channel has an s3BucketName (equal to s3_bucket_name when set) and its \
            configHistoryDeliveryInfo.lastStatus is not FAILURE.",
        stage: Stage::Oq,
        service: "config",
        resource_types: &["AWS::Config::DeliveryChannel"],
        severity: SeverityClass::Functional,
        iam_actions: &["config:DescribeDeliveryChannels", "config:DescribeDeliveryChannelStatus"],
        controls: &["21CFR11.10(k)", "Annex11-7", "Annex11-10"],
        remediation: "Terraform aws_config_delivery_channel { s3_bucket_name = <bucket>, s3_kms_key_arn = <key> } \
            (bucket policy must allow config.amazonaws.com); CloudFormation S3BucketName; or AWS Config \
            PutDeliveryChannel.",
        remediation_code: Remediation {
            terraform: "resource \"aws_config_delivery_channel\" \"main\" {\n  s3_bucket_name = aws_s3_bucket.config.id\n  s3_kms_key_arn = aws_kms_key.config.arn\n}",
            cloudformation: "DeliveryChannel:\n  Type: AWS::Config::DeliveryChannel\n  Properties:\n    S3BucketName: !Ref ConfigBucket",
            cli: "aws configservice put-delivery-channel --delivery-channel name=default,s3BucketName=CONFIG_BUCKET",
        },
        related: Related {
            prowler: &[],
            aws_config: &[],
        },
        params: &[CheckParam {
            name: "s3_bucket_name",
            description: "Expected delivery bucket name. When unset any bucket passes.",
            default: None,
            kind: ParamKind::BucketName,
        }],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"Name": "default", "S3BucketName": "cfg", "ConfigHistoryDeliveryStatus": "Success"}"#,
        fail: r#"{"Name": "default"}"#,
        unreadable: "S3BucketName",
    },
};

fn evaluate(obs: &Observation, params: &Params) -> Outcome {
    delivery_channel(obs, params.text("s3_bucket_name")).unwrap_or_else(|early| early)
}

fn delivery_channel(obs: &Observation, want: Option<&str>) -> Result<Outcome, Outcome> {
    let want = want.map(str::trim).filter(|w| !w.is_empty());
    let expected = match want {
        Some(b) => format!("delivers to S3 bucket {b}, last history delivery not FAILURE"),
        None => "delivers to an S3 bucket, last history delivery not FAILURE".to_string(),
    };
    let Some(bucket) = string(obs, "S3BucketName", &expected)? else {
        return Ok(Outcome::verdict(false, expected, "no S3 bucket configured"));
    };
    let mut f = Findings::default();
    let status = f
        .read(string(obs, "ConfigHistoryDeliveryStatus", &expected))
        .flatten();
    let mut actual = format!("delivers to S3 bucket {bucket}");
    if let Some(s) = status {
        actual.push_str(&format!(", last history delivery {s}"));
    }
    if want.is_some_and(|w| w != bucket) {
        f.problems.push(format!("delivers to S3 bucket {bucket}"));
    }
    if status.is_some_and(is_failure) {
        let mut why = format!("last history delivery {}", status.unwrap_or_default());
        if let Ok(Some(e)) = string(obs, "ConfigHistoryDeliveryError", &expected) {
            why.push_str(&format!(" ({e})"));
        }
        f.problems.push(why);
    }
    Ok(f.outcome(&expected, actual))
}

#[cfg(test)]
mod tests {
    use crate::checks::config::fixtures::{channel, run};
    use crate::checks::Status;
    use serde_json::json;

    #[test]
    fn delivery_channel() {
        let id = "config.delivery_channel";
        let good = json!({"Name": "default", "S3BucketName": "cfg", "ConfigHistoryDeliveryStatus": "Success"});
        assert_eq!(run(id, &channel(good.clone()), &[]).status, Status::Passed);
        assert_eq!(
            run(id, &channel(good.clone()), &[("s3_bucket_name", "cfg")]).status,
            Status::Passed
        );
        let out = run(id, &channel(good), &[("s3_bucket_name", "other")]);
        assert_eq!(out.status, Status::Failed);
        assert_eq!(out.actual, "delivers to S3 bucket cfg");

        // Never delivered yet: no status, passes on the bucket alone.
        let fresh = json!({"Name": "default", "S3BucketName": "cfg"});
        assert_eq!(run(id, &channel(fresh), &[]).status, Status::Passed);

        let failing = json!({"S3BucketName": "cfg", "ConfigHistoryDeliveryStatus": "Failure",
                             "ConfigHistoryDeliveryError": "NoSuchBucket"});
        let out = run(id, &channel(failing), &[]);
        assert_eq!(out.status, Status::Failed);
        assert!(out.actual.contains("NoSuchBucket"));

        let out = run(id, &channel(json!({"Name": "default"})), &[]);
        assert_eq!(out.status, Status::Failed);
        assert_eq!(out.actual, "no S3 bucket configured");
    }

    #[test]
    fn delivery_channel_status_unreadable_is_error() {
        let mut o = channel(json!({"Name": "default", "S3BucketName": "cfg"}));
        o.error(
            "ConfigHistoryDeliveryStatus",
            "DescribeDeliveryChannelStatus: not implemented",
        );
        let out = run("config.delivery_channel", &o, &[]);
        assert_eq!(out.status, Status::Error);
        assert!(out
            .detail
            .unwrap()
            .contains("DescribeDeliveryChannelStatus"));

        // The wrong bucket fails whatever the delivery status.
        let out = run(
            "config.delivery_channel",
            &o,
            &[("s3_bucket_name", "approved")],
        );
        assert_eq!(out.status, Status::Failed);
        assert_eq!(out.actual, "delivers to S3 bucket cfg");

        // The bucket itself unreadable: error.
        let mut b = channel(json!({"Name": "default"}));
        b.error("S3BucketName", "DescribeDeliveryChannels: AccessDenied");
        assert_eq!(
            run("config.delivery_channel", &b, &[]).status,
            Status::Error
        );
    }

    #[test]
    fn a_recorder_is_not_a_delivery_channel() {
        let recorder = crate::checks::config::fixtures::recorder(json!({"S3BucketName": "cfg"}));
        let out = run("config.delivery_channel", &recorder, &[]);
        assert_eq!(out.status, Status::Error, "{out:?}");
        assert!(out
            .detail
            .unwrap()
            .contains("AWS::Config::ConfigurationRecorder"));
    }
}
