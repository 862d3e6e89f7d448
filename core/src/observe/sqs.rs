//! Collector for `AWS::SQS::Queue` (identifier: the queue URL, what CloudFormation's `Ref`
//! returns, or the queue ARN or name).
//!
//! An ARN or a name is turned into the queue URL with GetQueueUrl (QueueDoesNotExist →
//! missing); GetQueueAttributes (All) gives `QueueName`, `Arn`, `KmsMasterKeyId`,
//! `KmsDataKeyReusePeriodSeconds`, `SqsManagedSseEnabled`, `FifoQueue`,
//! `MessageRetentionPeriod`, `VisibilityTimeout` and `DelaySeconds`; ListQueueTags gives
//! `Tags`.

use std::collections::HashMap;

use aws_sdk_sqs::types::QueueAttributeName;
use serde_json::{json, Map, Value as Json};

use crate::aws::{classify, AwsContext, AwsErrorKind, ClassifiedError};
use crate::catalog::SeverityClass::{self, Cosmetic, Functional, Security};
use crate::observe::{tag_list, Existence, Observation, Target};

/// CloudFormation type handled here.
pub const QUEUE: &str = "AWS::SQS::Queue";

/// Drift class of each top-level property this collector records.
pub const PROPERTY_CLASSES: &[(&str, &str, SeverityClass)] = &[
    (QUEUE, "QueueName", Functional),
    (QUEUE, "Arn", Functional),
    (QUEUE, "KmsMasterKeyId", Security),
    (QUEUE, "KmsDataKeyReusePeriodSeconds", Security),
    (QUEUE, "SqsManagedSseEnabled", Security),
    (QUEUE, "FifoQueue", Functional),
    (QUEUE, "MessageRetentionPeriod", Functional),
    (QUEUE, "VisibilityTimeout", Functional),
    (QUEUE, "DelaySeconds", Functional),
    (QUEUE, "Tags", Cosmetic),
];

/// The sqs registration (see [`crate::observe::services`]).
pub const SERVICE: crate::observe::services::Service = crate::observe::services::Service {
    name: "sqs",
    sdk_client: "aws-sdk-sqs",
    iam_actions: &[
        "sqs:GetQueueUrl",
        "sqs:GetQueueAttributes",
        "sqs:ListQueueTags",
    ],
    resource_types: &[QUEUE],
    collect: |aws, target| Box::pin(collect(aws, target)),
    discover,
    property_classes: PROPERTY_CLASSES,
    account_facets: &[],
};

/// Tag-based discovery: `arn:aws:sqs:R:A:NAME` is queue NAME (by its ARN).
pub fn discover(arn: &str, rest: &str) -> Option<(&'static str, String)> {
    (!rest.is_empty() && !rest.contains([':', '/'])).then(|| (QUEUE, arn.to_string()))
}

/// Whether an SQS error says the queue does not exist (JSON protocol `QueueDoesNotExist`,
/// query protocol `AWS.SimpleQueueService.NonExistentQueue`).
fn queue_missing(err: &ClassifiedError) -> bool {
    err.kind == AwsErrorKind::NotFound
        || matches!(
            err.code.as_deref(),
            Some("QueueDoesNotExist" | "AWS.SimpleQueueService.NonExistentQueue")
        )
}

/// Observe a queue. Never panics; read failures are recorded in the observation.
pub async fn collect(aws: &AwsContext, target: &Target) -> Observation {
    let client = aws.sqs();
    let id = target.identifier.trim();
    let url = if id.starts_with("https://") || id.starts_with("http://") {
        id.to_string()
    } else {
        // arn:PARTITION:sqs:REGION:ACCOUNT:NAME, or a bare name in the configured account.
        let parts: Vec<&str> = id.splitn(6, ':').collect();
        let (name, owner) = match parts.as_slice() {
            ["arn", _, "sqs", _, account, name] => (*name, Some(*account)),
            _ => (id, None),
        };
        match client
            .get_queue_url()
            .queue_name(name)
            .set_queue_owner_aws_account_id(owner.map(str::to_string))
            .send()
            .await
        {
            Ok(out) => match out.queue_url {
                Some(u) => u,
                None => {
                    return Observation::with_existence(
                        target,
                        Existence::Unknown("SQS GetQueueUrl answered without a QueueUrl".into()),
                    )
                }
            },
            Err(e) => {
                let err = classify(&e);
                let existence = if queue_missing(&err) {
                    Existence::Missing
                } else {
                    Existence::Unknown(format!("SQS GetQueueUrl: {err}"))
                };
                return Observation::with_existence(target, existence);
            }
        }
    };
    let (attributes, tags) = futures::join!(
        client
            .get_queue_attributes()
            .queue_url(&url)
            .attribute_names(QueueAttributeName::All)
            .send(),
        client.list_queue_tags().queue_url(&url).send(),
    );
    let attributes = match attributes {
        Ok(out) => out
            .attributes
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (k.as_str().to_string(), v))
            .collect::<HashMap<String, String>>(),
        Err(e) => {
            let err = classify(&e);
            let existence = if queue_missing(&err) {
                Existence::Missing
            } else {
                Existence::Unknown(format!("SQS GetQueueAttributes: {err}"))
            };
            return Observation::with_existence(target, existence);
        }
    };
    let mut obs = Observation::exists(target);
    obs.arn = attributes.get("QueueArn").cloned();
    for (k, v) in queue_properties(&url, &attributes) {
        obs.set(&k, v);
    }
    match tags {
        Ok(out) => {
            if let Some(tags) = out.tags.and_then(tag_list) {
                obs.set("Tags", tags);
            }
        }
        Err(e) => obs.error("Tags", format!("SQS ListQueueTags: {}", classify(&e))),
    }
    obs
}

/// CloudFormation properties from a queue's attributes; empty values are left out.
pub fn queue_properties(url: &str, a: &HashMap<String, String>) -> Map<String, Json> {
    let mut m = Map::new();
    m.insert(
        "QueueName".into(),
        json!(url.trim_end_matches('/').rsplit('/').next().unwrap_or(url)),
    );
    let text = |k: &str| a.get(k).filter(|v| !v.is_empty());
    if let Some(v) = text("QueueArn") {
        m.insert("Arn".into(), json!(v));
    }
    if let Some(v) = text("KmsMasterKeyId") {
        m.insert("KmsMasterKeyId".into(), json!(v));
    }
    for k in ["SqsManagedSseEnabled", "FifoQueue"] {
        if let Some(v) = text(k) {
            m.insert(k.into(), json!(v.eq_ignore_ascii_case("true")));
        }
    }
    for k in [
        "KmsDataKeyReusePeriodSeconds",
        "MessageRetentionPeriod",
        "VisibilityTimeout",
        "DelaySeconds",
    ] {
        if let Some(n) = text(k).and_then(|v| v.parse::<i64>().ok()) {
            m.insert(k.into(), json!(n));
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::fake_endpoint::{cut, cut_points, Answer, FakeEndpoint};
    use crate::checks::{evaluate_id, Status};
    use crate::observe::TargetOrigin;

    const QUEUE_ARN: &str = "arn:aws:sqs:us-east-1:111122223333:gxp-events";

    fn answer(op: &str, cut_op: &str, percent: f64, url: &str) -> Answer {
        let body = match op {
            "GetQueueUrl" => json!({"QueueUrl": url}).to_string(),
            "GetQueueAttributes" => json!({"Attributes": {
                "QueueArn": QUEUE_ARN, "KmsMasterKeyId": "alias/gxp-events",
                "KmsDataKeyReusePeriodSeconds": "300", "MessageRetentionPeriod": "345600"
            }})
            .to_string(),
            "ListQueueTags" => json!({"Tags": {"gxp:app": "qms"}}).to_string(),
            _ => r#"{"__type": "UnknownOperationException"}"#.into(),
        };
        let body = if op == cut_op {
            cut(&body, percent)
        } else {
            body
        };
        Answer::new(200, "application/x-amz-json-1.0", body)
    }

    fn target(identifier: &str) -> Target {
        Target {
            key: "t".into(),
            resource_type: QUEUE.into(),
            identifier: identifier.into(),
            origin: TargetOrigin::Spec,
            checks: vec![],
            params: Default::default(),
            expected_properties: None,
            requirements: vec![],
        }
    }

    #[test]
    fn discovery_maps_queue_arns() {
        assert_eq!(
            discover(QUEUE_ARN, "gxp-events"),
            Some((QUEUE, QUEUE_ARN.to_string()))
        );
        assert_eq!(discover("", ""), None);
    }

    #[tokio::test]
    async fn complete_sqs_answers_are_evaluated_from_an_arn() {
        let endpoint = FakeEndpoint::start(|r| {
            answer(
                &r.operation(),
                "",
                100.0,
                "https://sqs.us-east-1.amazonaws.com/111122223333/gxp-events",
            )
        })
        .await;
        let obs = collect(&endpoint.context(1).await, &target(QUEUE_ARN)).await;
        assert_eq!(obs.existence, Existence::Exists, "{obs:?}");
        assert_eq!(obs.arn.as_deref(), Some(QUEUE_ARN));
        assert_eq!(obs.get("QueueName"), Some(&json!("gxp-events")));
        assert_eq!(obs.get("KmsDataKeyReusePeriodSeconds"), Some(&json!(300)));
        assert_eq!(obs.get("Tags[0].Key"), Some(&json!("gxp:app")));
        let get_url = endpoint
            .requests()
            .into_iter()
            .find(|r| r.operation() == "GetQueueUrl")
            .expect("GetQueueUrl called");
        assert!(
            get_url.text().contains("111122223333"),
            "{}",
            get_url.text()
        );
        let o = evaluate_id("sqs.kms", &obs, &Default::default());
        assert_eq!(o.status, Status::Passed, "{o:?}");
    }

    #[tokio::test]
    async fn sqs_answers_cut_short_are_errors_never_made_up_values() {
        for op in ["GetQueueUrl", "GetQueueAttributes"] {
            for percent in cut_points() {
                let endpoint = FakeEndpoint::start(move |r| {
                    answer(
                        &r.operation(),
                        op,
                        percent,
                        "https://sqs.us-east-1.amazonaws.com/111122223333/gxp-events",
                    )
                })
                .await;
                let obs = collect(&endpoint.context(1).await, &target(QUEUE_ARN)).await;
                let o = evaluate_id("sqs.kms", &obs, &Default::default());
                assert_eq!(o.status, Status::Error, "{op} cut at {percent}%: {o:?}");
            }
        }
    }

    #[tokio::test]
    async fn a_missing_queue_is_missing() {
        let endpoint = FakeEndpoint::start(|_| {
            Answer::new(
                400,
                "application/x-amz-json-1.0",
                r#"{"__type": "com.amazonaws.sqs#QueueDoesNotExist", "message": "The specified queue does not exist."}"#,
            )
        })
        .await;
        let obs = collect(&endpoint.context(1).await, &target("gone")).await;
        assert_eq!(obs.existence, Existence::Missing, "{obs:?}");
    }
}
