//! `cloudwatch.alarm_actions`: the alarm's actions are enabled and it notifies someone.
//! Definition, evaluator and unit tests.

use super::ALARM;
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::{support, Check, Outcome, Params};
use crate::observe::Observation;
use serde_json::Value as Json;

/// The `cloudwatch.alarm_actions` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "cloudwatch.alarm_actions",
        title: "CloudWatch alarm actions enabled with an alarm target",
        description: "OQ. Calls CloudWatch DescribeAlarms. Passes when the metric alarm's ActionsEnabled is \
            true and AlarmActions names at least one target (SNS topic, Auto Scaling, EC2 or Systems Manager \
            action), so that entering the ALARM state notifies or acts. Actions disabled, no alarm action, \
            or ActionsEnabled not reported fails.",
        stage: Stage::Oq,
        service: "cloudwatch",
        resource_types: ALARM,
        severity: SeverityClass::Security,
        iam_actions: &["cloudwatch:DescribeAlarms"],
        controls: &["21CFR11.10(a)", "Annex11-13"],
        remediation: "Enable the alarm's actions and give it an ALARM target: Terraform \
            aws_cloudwatch_metric_alarm { actions_enabled = true, alarm_actions = [aws_sns_topic.oncall.arn] }; \
            CloudFormation ActionsEnabled: true with AlarmActions; or CloudWatch EnableAlarmActions (and \
            PutMetricAlarm with --alarm-actions for an alarm without a target).",
        remediation_code: Remediation {
            terraform: "resource \"aws_cloudwatch_metric_alarm\" \"lims_errors\" {\n  # ...\n  actions_enabled = true\n  alarm_actions   = [aws_sns_topic.qa_oncall.arn]\n}",
            cloudformation: "ActionsEnabled: true\nAlarmActions:\n  - !Ref QaOncallTopic",
            cli: "aws cloudwatch enable-alarm-actions --alarm-names ALARM",
        },
        related: Related {
            prowler: &[
                "cloudwatch_alarm_actions_enabled",
                "cloudwatch_alarm_actions_alarm_state_configured",
            ],
            aws_config: &[
                "cloudwatch-alarm-action-check",
                "cloudwatch-alarm-action-enabled-check",
            ],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"ActionsEnabled": true, "AlarmActions": ["arn:aws:sns:us-east-1:123456789012:qa"]}"#,
        fail: r#"{"ActionsEnabled": false, "AlarmActions": ["arn:aws:sns:us-east-1:123456789012:qa"]}"#,
        unreadable: "AlarmActions",
    },
};

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    alarm_actions(obs).unwrap_or_else(|early| early)
}

fn alarm_actions(obs: &Observation) -> Result<Outcome, Outcome> {
    const EXPECTED: &str = "actions enabled, at least one alarm action";
    let enabled = support::boolean(obs, "ActionsEnabled", EXPECTED)?;
    let actions: Vec<&str> = support::property(obs, "AlarmActions", EXPECTED)?
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(Json::as_str)
        .filter(|a| !a.trim().is_empty())
        .collect();
    let state = match enabled {
        Some(true) => "actions enabled",
        Some(false) => "actions disabled",
        None => "actions enabled not reported",
    };
    let targets = if actions.is_empty() {
        "no alarm action".to_string()
    } else {
        format!("alarm actions {}", actions.join(", "))
    };
    Ok(Outcome::verdict(
        enabled == Some(true) && !actions.is_empty(),
        EXPECTED,
        format!("{state}, {targets}"),
    ))
}

#[cfg(test)]
mod tests {
    use crate::checks::{evaluate_id, testing, Status};
    use serde_json::json;

    const ID: &str = "cloudwatch.alarm_actions";
    const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:qa";

    fn run(props: serde_json::Value) -> crate::checks::Outcome {
        let o = testing::observation("AWS::CloudWatch::Alarm", "lims-errors", props);
        evaluate_id(ID, &o, &Default::default())
    }

    #[test]
    fn enabled_actions_with_a_target_pass() {
        let r = run(json!({"ActionsEnabled": true, "AlarmActions": [TOPIC]}));
        assert_eq!(r.status, Status::Passed, "{r:?}");
        assert_eq!(r.actual, format!("actions enabled, alarm actions {TOPIC}"));
    }

    #[test]
    fn disabled_actions_or_no_target_fail() {
        let r = run(json!({"ActionsEnabled": false, "AlarmActions": [TOPIC]}));
        assert_eq!(r.status, Status::Failed);
        assert!(r.actual.starts_with("actions disabled"), "{r:?}");
        let r = run(json!({"ActionsEnabled": true, "AlarmActions": [], "OKActions": [TOPIC]}));
        assert_eq!(
            (r.status, r.actual.as_str()),
            (Status::Failed, "actions enabled, no alarm action")
        );
        let r = run(json!({"AlarmActions": [TOPIC]}));
        assert_eq!(r.status, Status::Failed);
        assert!(
            r.actual.starts_with("actions enabled not reported"),
            "{r:?}"
        );
    }

    #[test]
    fn unreadable_alarm_is_an_error() {
        for property in ["ActionsEnabled", "AlarmActions"] {
            let mut o = testing::observation("AWS::CloudWatch::Alarm", "a", json!({}));
            o.error(property, "AccessDenied: not allowed");
            assert_eq!(
                evaluate_id(ID, &o, &Default::default()).status,
                Status::Error,
                "{property}"
            );
        }
    }
}
