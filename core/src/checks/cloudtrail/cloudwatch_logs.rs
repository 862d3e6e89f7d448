//! `cloudtrail.cloudwatch_logs`: CloudTrail delivers to CloudWatch Logs. Definition, evaluator
//! and unit tests.

use super::TRAIL;
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::string;
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `cloudtrail.cloudwatch_logs` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "cloudtrail.cloudwatch_logs",
        title: "CloudTrail delivers to CloudWatch Logs",
        description: "OQ. Calls CloudTrail DescribeTrails. Passes when CloudWatchLogsLogGroupArn and \
            CloudWatchLogsRoleArn are both set. LatestCloudWatchLogsDeliveryTime from GetTrailStatus is recorded \
            for information.",
        stage: Stage::Oq,
        service: "cloudtrail",
        resource_types: TRAIL,
        severity: SeverityClass::Functional,
        iam_actions: &["cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus"],
        controls: &["21CFR11.10(e)", "Annex11-9", "HIPAA-164.312(b)"],
        remediation: "Terraform aws_cloudtrail cloud_watch_logs_group_arn = \"<log group arn>:*\" and \
            cloud_watch_logs_role_arn = <role allowing logs:CreateLogStream and logs:PutLogEvents>; \
            CloudFormation CloudWatchLogsLogGroupArn / CloudWatchLogsRoleArn.",
        remediation_code: Remediation {
            terraform: "resource \"aws_cloudtrail\" \"audit\" {\n  # ...\n  cloud_watch_logs_group_arn = \"${aws_cloudwatch_log_group.trail.arn}:*\"\n  cloud_watch_logs_role_arn  = aws_iam_role.trail_to_logs.arn\n}",
            cloudformation: "CloudWatchLogsLogGroupArn: !GetAtt TrailLogGroup.Arn\nCloudWatchLogsRoleArn: !GetAtt TrailToLogsRole.Arn",
            cli: "aws cloudtrail update-trail --name TRAIL \\\n  --cloud-watch-logs-log-group-arn LOG_GROUP_ARN --cloud-watch-logs-role-arn ROLE_ARN",
        },
        related: Related {
            prowler: &["cloudtrail_cloudwatch_logging_enabled"],
            aws_config: &["cloud-trail-cloud-watch-logs-enabled"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"CloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:111122223333:log-group:ct:*", "CloudWatchLogsRoleArn": "arn:aws:iam::111122223333:role/ct"}"#,
        fail: r#"{"CloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:111122223333:log-group:ct:*"}"#,
        unreadable: "CloudWatchLogsRoleArn",
    },
};

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    cloudwatch_logs(obs).unwrap_or_else(|early| early)
}

fn cloudwatch_logs(obs: &Observation) -> Result<Outcome, Outcome> {
    let expected = "log group and delivery role configured";
    let group = string(obs, "CloudWatchLogsLogGroupArn", expected)?;
    let role = string(obs, "CloudWatchLogsRoleArn", expected)?;
    let show = |v: Option<&str>| v.unwrap_or("not configured").to_string();
    let actual = format!("log group {}, role {}", show(group), show(role));
    let mut out = Outcome::verdict(group.is_some() && role.is_some(), expected, actual);
    // Informational: a delivery error does not fail this configuration check.
    if let Ok(Some(e)) = string(obs, "LatestCloudWatchLogsDeliveryError", expected) {
        out = out.with_detail(format!("latest CloudWatch Logs delivery error: {e}"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::checks::cloudtrail::fixtures::{obs, run, status};
    use crate::checks::Status;
    use serde_json::json;

    #[test]
    fn cloudwatch_logs() {
        let id = "cloudtrail.cloudwatch_logs";
        let both = json!({
            "CloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:111122223333:log-group:ct:*",
            "CloudWatchLogsRoleArn": "arn:aws:iam::111122223333:role/ct"
        });
        assert_eq!(status(id, &obs(both.clone()), &[]), Status::Passed);
        let mut with_error = both.clone();
        with_error["LatestCloudWatchLogsDeliveryError"] = json!("AccessDenied");
        let out = run(id, &obs(with_error), &[]);
        assert_eq!(out.status, Status::Passed);
        assert!(out.detail.unwrap().contains("AccessDenied"));
        let group_only = json!({"CloudWatchLogsLogGroupArn": "arn:x"});
        let out = run(id, &obs(group_only), &[]);
        assert_eq!(out.status, Status::Failed);
        assert!(out.actual.contains("role not configured"));
        assert_eq!(status(id, &obs(json!({})), &[]), Status::Failed);
        let mut e = obs(json!({"CloudWatchLogsLogGroupArn": "arn:x"}));
        e.error("CloudWatchLogsRoleArn", "denied");
        assert_eq!(status(id, &e, &[]), Status::Error);
    }
}
