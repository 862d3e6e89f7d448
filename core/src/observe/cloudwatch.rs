//! CloudWatch collector: `AWS::CloudWatch::Alarm` (metric alarms) through DescribeAlarms.
//!
//! The identifier is the alarm name (CloudFormation's `Ref`) or its ARN
//! (`arn:aws:cloudwatch:R:A:alarm:NAME`). Properties in CloudFormation shape (`AlarmName`,
//! `ActionsEnabled`, `AlarmActions`, `OKActions`, `InsufficientDataActions`, the metric and
//! its threshold) plus ours: `StateValue`. The alarm's tags are not read (they would need
//! ListTagsForResource, and no check reads them).
//!
//! The CloudWatch API answers in the Smithy RPC v2 CBOR protocol (the SDK speaks nothing
//! else): moto 5.2 does not serve it, LocalStack does.

use aws_sdk_cloudwatch::types::{AlarmType, MetricAlarm};
use serde_json::{json, Value as Json};

use crate::aws::{classify, AwsContext, AwsErrorKind};
use crate::catalog::SeverityClass::{self, Functional, Security};
use crate::observe::{Existence, Observation, Target};

const ALARM: &str = "AWS::CloudWatch::Alarm";

/// Drift class of each top-level property this collector records.
pub const PROPERTY_CLASSES: &[(&str, &str, SeverityClass)] = &[
    (ALARM, "AlarmName", Functional),
    (ALARM, "ActionsEnabled", Security),
    (ALARM, "AlarmActions", Security),
    (ALARM, "OKActions", Functional),
    (ALARM, "InsufficientDataActions", Functional),
    (ALARM, "MetricName", Functional),
    (ALARM, "Namespace", Functional),
    (ALARM, "Threshold", Functional),
    (ALARM, "ComparisonOperator", Functional),
    (ALARM, "StateValue", Functional),
];

/// The cloudwatch registration (see [`crate::observe::services`]).
pub const SERVICE: crate::observe::services::Service = crate::observe::services::Service {
    name: "cloudwatch",
    sdk_client: "aws-sdk-cloudwatch",
    iam_actions: &["cloudwatch:DescribeAlarms"],
    resource_types: &[ALARM],
    collect: |aws, target| Box::pin(collect(aws, target)),
    discover,
    property_classes: PROPERTY_CLASSES,
    account_facets: &[],
};

/// Tag-based discovery: `arn:aws:cloudwatch:R:A:alarm:NAME` is the alarm NAME (alarm names
/// may themselves contain `:`).
pub fn discover(_arn: &str, rest: &str) -> Option<(&'static str, String)> {
    rest.strip_prefix("alarm:")
        .filter(|name| !name.is_empty())
        .map(|name| (ALARM, name.to_string()))
}

/// The alarm name of an identifier: a name or an alarm ARN.
pub fn alarm_name(identifier: &str) -> &str {
    let id = identifier.trim();
    if id.starts_with("arn:") {
        if let Some((_, name)) = id.split_once(":alarm:") {
            return name;
        }
    }
    id
}

/// Observe an alarm target.
pub async fn collect(aws: &AwsContext, target: &Target) -> Observation {
    let name = alarm_name(&target.identifier);
    let out = aws
        .cloudwatch()
        .describe_alarms()
        .alarm_names(name)
        .alarm_types(AlarmType::MetricAlarm)
        .send()
        .await;
    let alarm = match out {
        Ok(out) => match out
            .metric_alarms()
            .iter()
            .find(|a| a.alarm_name() == Some(name))
        {
            Some(alarm) => alarm.clone(),
            None => return Observation::with_existence(target, Existence::Missing),
        },
        Err(e) => {
            let err = classify(&e);
            let existence = if err.kind == AwsErrorKind::NotFound {
                Existence::Missing
            } else {
                Existence::Unknown(format!("CloudWatch DescribeAlarms: {err}"))
            };
            return Observation::with_existence(target, existence);
        }
    };
    let mut obs = Observation::exists(target);
    obs.arn = alarm.alarm_arn().map(str::to_string);
    for (property, value) in alarm_properties(&alarm) {
        obs.set(property, value);
    }
    obs
}

/// A metric alarm's properties in CloudFormation shape (action lists always present, empty
/// when none: DescribeAlarms reports them so).
pub fn alarm_properties(a: &MetricAlarm) -> Vec<(&'static str, Json)> {
    let mut out = Vec::new();
    for (property, value) in [
        ("AlarmName", a.alarm_name()),
        ("AlarmDescription", a.alarm_description()),
        ("MetricName", a.metric_name()),
        ("Namespace", a.namespace()),
        ("Statistic", a.statistic().map(|s| s.as_str())),
        ("ExtendedStatistic", a.extended_statistic()),
        (
            "ComparisonOperator",
            a.comparison_operator().map(|c| c.as_str()),
        ),
        ("TreatMissingData", a.treat_missing_data()),
        ("Unit", a.unit().map(|u| u.as_str())),
        ("StateValue", a.state_value().map(|s| s.as_str())),
    ] {
        if let Some(v) = value {
            out.push((property, json!(v)));
        }
    }
    if let Some(enabled) = a.actions_enabled() {
        out.push(("ActionsEnabled", json!(enabled)));
    }
    out.push(("AlarmActions", json!(a.alarm_actions())));
    out.push(("OKActions", json!(a.ok_actions())));
    out.push((
        "InsufficientDataActions",
        json!(a.insufficient_data_actions()),
    ));
    for (property, value) in [
        ("Period", a.period()),
        ("EvaluationPeriods", a.evaluation_periods()),
        ("DatapointsToAlarm", a.datapoints_to_alarm()),
    ] {
        if let Some(v) = value {
            out.push((property, json!(v)));
        }
    }
    if let Some(t) = a.threshold() {
        out.push(("Threshold", json!(t)));
    }
    if !a.dimensions().is_empty() {
        let dims: Vec<Json> = a
            .dimensions()
            .iter()
            .map(|d| json!({"Name": d.name(), "Value": d.value()}))
            .collect();
        out.push(("Dimensions", Json::Array(dims)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::fake_endpoint::{cut, cut_points, Answer, FakeEndpoint};
    use crate::checks::Status;
    use crate::observe::TargetOrigin;

    #[test]
    fn names_from_identifiers_and_arns() {
        assert_eq!(alarm_name("lims-errors"), "lims-errors");
        assert_eq!(
            alarm_name("arn:aws:cloudwatch:eu-west-1:123456789012:alarm:lims:errors"),
            "lims:errors"
        );
        assert_eq!(
            discover("", "alarm:lims-errors"),
            Some((ALARM, "lims-errors".to_string()))
        );
        assert_eq!(discover("", "alarm:"), None);
        assert_eq!(discover("", "dashboard/x"), None);
    }

    /// A DescribeAlarms answer in CBOR, as CloudWatch sends it (Smithy RPC v2 CBOR).
    fn alarms_answer(actions_enabled: bool, actions: &[&str]) -> Vec<u8> {
        let mut e = minicbor::Encoder::new(Vec::new());
        e.map(2)
            .unwrap()
            .str("MetricAlarms")
            .unwrap()
            .array(1)
            .unwrap();
        e.map(8).unwrap();
        e.str("AlarmName").unwrap().str("lims-errors").unwrap();
        e.str("AlarmArn")
            .unwrap()
            .str("arn:aws:cloudwatch:us-east-1:123456789012:alarm:lims-errors")
            .unwrap();
        e.str("ActionsEnabled")
            .unwrap()
            .bool(actions_enabled)
            .unwrap();
        e.str("AlarmActions")
            .unwrap()
            .array(actions.len() as u64)
            .unwrap();
        for a in actions {
            e.str(a).unwrap();
        }
        e.str("MetricName").unwrap().str("Errors").unwrap();
        e.str("Namespace").unwrap().str("AWS/Lambda").unwrap();
        e.str("Threshold").unwrap().f64(1.0).unwrap();
        e.str("StateValue").unwrap().str("OK").unwrap();
        e.str("CompositeAlarms").unwrap().array(0).unwrap();
        e.into_writer()
    }

    fn cbor(body: Vec<u8>) -> Answer {
        let mut a = Answer::new(200, "application/cbor", String::new());
        a.body = body;
        a.headers
            .push(("smithy-protocol".into(), "rpc-v2-cbor".into()));
        a
    }

    async fn outcome(answer: Answer) -> (Observation, crate::checks::Outcome) {
        let endpoint = FakeEndpoint::start(move |_| answer.clone()).await;
        let target = Target {
            key: "alarm".into(),
            resource_type: ALARM.into(),
            identifier: "lims-errors".into(),
            origin: TargetOrigin::Spec,
            checks: vec![],
            params: Default::default(),
            expected_properties: None,
            requirements: vec![],
        };
        let obs = collect(&endpoint.context(2).await, &target).await;
        let o = crate::checks::evaluate_id("cloudwatch.alarm_actions", &obs, &Default::default());
        (obs, o)
    }

    const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:qa-oncall";

    #[tokio::test]
    async fn cbor_alarm_answers_are_evaluated() {
        let (obs, o) = outcome(cbor(alarms_answer(true, &[TOPIC]))).await;
        assert_eq!(obs.existence, Existence::Exists);
        assert_eq!(
            obs.arn.as_deref(),
            Some("arn:aws:cloudwatch:us-east-1:123456789012:alarm:lims-errors")
        );
        assert_eq!(obs.get("Threshold"), Some(&json!(1.0)));
        assert_eq!(o.status, Status::Passed, "{o:?}");
        let (_, o) = outcome(cbor(alarms_answer(false, &[TOPIC]))).await;
        assert_eq!(o.status, Status::Failed, "{o:?}");
        let (_, o) = outcome(cbor(alarms_answer(true, &[]))).await;
        assert_eq!(o.status, Status::Failed, "{o:?}");
    }

    #[tokio::test]
    async fn no_such_alarm_is_missing_and_cut_answers_are_never_evaluated() {
        let mut e = minicbor::Encoder::new(Vec::new());
        e.map(2).unwrap();
        e.str("MetricAlarms").unwrap().array(0).unwrap();
        e.str("CompositeAlarms").unwrap().array(0).unwrap();
        let (obs, o) = outcome(cbor(e.into_writer())).await;
        assert_eq!(obs.existence, Existence::Missing);
        assert_eq!(o.status, Status::Failed);
        let whole = alarms_answer(true, &[TOPIC]);
        let mut wrong = Vec::new();
        for percent in cut_points() {
            // `cut` works on text: cut the bytes at the same share.
            let n = cut(&"x".repeat(whole.len()), percent).len();
            let (_, o) = outcome(cbor(whole[..n].to_vec())).await;
            if o.status != Status::Error {
                wrong.push(format!("cut at {percent:.0}% ({n} bytes): {o:?}"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}
