//! Collector for `AWS::SNS::Topic` (identifier: the topic ARN, what CloudFormation's `Ref`
//! returns).
//!
//! GetTopicAttributes (NotFound → missing) gives `TopicName`, `Arn`, `DisplayName`,
//! `KmsMasterKeyId` (absent: not encrypted at rest), `FifoTopic` and
//! `ContentBasedDeduplication`; ListTagsForResource gives `Tags`.

use std::collections::HashMap;

use serde_json::{json, Map, Value as Json};

use crate::aws::{classify, AwsContext, AwsErrorKind};
use crate::catalog::SeverityClass::{self, Cosmetic, Functional, Security};
use crate::observe::{tag_list, Existence, Observation, Target};

/// CloudFormation type handled here.
pub const TOPIC: &str = "AWS::SNS::Topic";

/// Drift class of each top-level property this collector records.
pub const PROPERTY_CLASSES: &[(&str, &str, SeverityClass)] = &[
    (TOPIC, "TopicName", Functional),
    (TOPIC, "Arn", Functional),
    (TOPIC, "KmsMasterKeyId", Security),
    (TOPIC, "FifoTopic", Functional),
    (TOPIC, "ContentBasedDeduplication", Functional),
    (TOPIC, "DisplayName", Cosmetic),
    (TOPIC, "Tags", Cosmetic),
];

/// The sns registration (see [`crate::observe::services`]).
pub const SERVICE: crate::observe::services::Service = crate::observe::services::Service {
    name: "sns",
    sdk_client: "aws-sdk-sns",
    iam_actions: &["sns:GetTopicAttributes", "sns:ListTagsForResource"],
    resource_types: &[TOPIC],
    collect: |aws, target| Box::pin(collect(aws, target)),
    discover,
    property_classes: PROPERTY_CLASSES,
    account_facets: &[],
};

/// Tag-based discovery: `arn:aws:sns:R:A:NAME` is topic NAME (by its ARN); subscription ARNs
/// (`NAME:ID`) are not topics.
pub fn discover(arn: &str, rest: &str) -> Option<(&'static str, String)> {
    (!rest.is_empty() && !rest.contains([':', '/'])).then(|| (TOPIC, arn.to_string()))
}

/// Observe a topic. Never panics; read failures are recorded in the observation.
pub async fn collect(aws: &AwsContext, target: &Target) -> Observation {
    let arn = target.identifier.trim();
    if !arn.starts_with("arn:") {
        return Observation::with_existence(
            target,
            Existence::Unknown(format!(
                "`{arn}` is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME): SNS reads topics by ARN"
            )),
        );
    }
    let client = aws.sns();
    let (attributes, tags) = futures::join!(
        client.get_topic_attributes().topic_arn(arn).send(),
        client.list_tags_for_resource().resource_arn(arn).send(),
    );
    let attributes = match attributes {
        Ok(out) => out.attributes.unwrap_or_default(),
        Err(e) => {
            let err = classify(&e);
            let existence = if err.kind == AwsErrorKind::NotFound {
                Existence::Missing
            } else {
                Existence::Unknown(format!("SNS GetTopicAttributes: {err}"))
            };
            return Observation::with_existence(target, existence);
        }
    };
    let mut obs = Observation::exists(target);
    obs.arn = Some(arn.to_string());
    for (k, v) in topic_properties(arn, &attributes) {
        obs.set(&k, v);
    }
    match tags {
        Ok(out) => {
            if let Some(tags) = tag_list(out.tags().iter().map(|t| (t.key(), t.value()))) {
                obs.set("Tags", tags);
            }
        }
        Err(e) => obs.error("Tags", format!("SNS ListTagsForResource: {}", classify(&e))),
    }
    obs
}

/// CloudFormation properties from a topic's attributes; empty values are left out.
pub fn topic_properties(arn: &str, attributes: &HashMap<String, String>) -> Map<String, Json> {
    let mut m = Map::new();
    m.insert(
        "TopicName".into(),
        json!(arn.rsplit(':').next().unwrap_or(arn)),
    );
    m.insert(
        "Arn".into(),
        json!(attributes.get("TopicArn").map_or(arn, String::as_str)),
    );
    let text = |k: &str| attributes.get(k).filter(|v| !v.is_empty());
    for k in ["DisplayName", "KmsMasterKeyId"] {
        if let Some(v) = text(k) {
            m.insert(k.into(), json!(v));
        }
    }
    for k in ["FifoTopic", "ContentBasedDeduplication"] {
        if let Some(v) = text(k) {
            m.insert(k.into(), json!(v.eq_ignore_ascii_case("true")));
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

    const TOPIC_ARN: &str = "arn:aws:sns:us-east-1:111122223333:gxp-alerts";

    fn attributes() -> String {
        format!(
            "<GetTopicAttributesResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><GetTopicAttributesResult><Attributes>\
             <entry><key>TopicArn</key><value>{TOPIC_ARN}</value></entry>\
             <entry><key>KmsMasterKeyId</key><value>alias/gxp-alerts</value></entry>\
             <entry><key>DisplayName</key><value>GxP</value></entry>\
             </Attributes></GetTopicAttributesResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetTopicAttributesResponse>"
        )
    }

    const TAGS: &str = "<ListTagsForResourceResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><ListTagsForResourceResult><Tags><member><Key>gxp:app</Key><Value>qms</Value></member></Tags></ListTagsForResourceResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListTagsForResourceResponse>";

    fn answer(op: &str, cut_op: &str, percent: f64) -> Answer {
        let body = match op {
            "GetTopicAttributes" => attributes(),
            "ListTagsForResource" => TAGS.to_string(),
            _ => "<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>".into(),
        };
        let body = if op == cut_op {
            cut(&body, percent)
        } else {
            body
        };
        Answer::xml(body)
    }

    fn target(identifier: &str) -> Target {
        Target {
            key: "t".into(),
            resource_type: TOPIC.into(),
            identifier: identifier.into(),
            origin: TargetOrigin::Spec,
            checks: vec![],
            params: Default::default(),
            expected_properties: None,
            requirements: vec![],
        }
    }

    #[test]
    fn discovery_maps_topics_not_subscriptions() {
        assert_eq!(
            discover(TOPIC_ARN, "gxp-alerts"),
            Some((TOPIC, TOPIC_ARN.to_string()))
        );
        assert_eq!(
            discover("", "gxp-alerts:0c8b8f33-1c0f-4e0c-9d7e-6d6b5a4f3e2d"),
            None
        );
        assert_eq!(discover("", ""), None);
    }

    #[tokio::test]
    async fn complete_sns_answers_are_evaluated() {
        let endpoint = FakeEndpoint::start(|r| answer(&r.operation(), "", 100.0)).await;
        let obs = collect(&endpoint.context(1).await, &target(TOPIC_ARN)).await;
        assert_eq!(obs.existence, Existence::Exists, "{obs:?}");
        assert_eq!(obs.get("TopicName"), Some(&json!("gxp-alerts")));
        assert_eq!(obs.get("KmsMasterKeyId"), Some(&json!("alias/gxp-alerts")));
        assert_eq!(obs.get("Tags[0].Value"), Some(&json!("qms")));
        let o = evaluate_id("sns.kms", &obs, &Default::default());
        assert_eq!(o.status, Status::Passed, "{o:?}");
    }

    #[tokio::test]
    async fn sns_answers_cut_short_are_errors_never_made_up_values() {
        for percent in cut_points() {
            let endpoint =
                FakeEndpoint::start(move |r| answer(&r.operation(), "GetTopicAttributes", percent))
                    .await;
            let obs = collect(&endpoint.context(1).await, &target(TOPIC_ARN)).await;
            let o = evaluate_id("sns.kms", &obs, &Default::default());
            assert_eq!(o.status, Status::Error, "cut at {percent}%: {o:?}");
        }
    }

    #[tokio::test]
    async fn a_topic_name_is_not_an_identifier() {
        let endpoint = FakeEndpoint::start(|r| answer(&r.operation(), "", 100.0)).await;
        let obs = collect(&endpoint.context(1).await, &target("gxp-alerts")).await;
        assert!(
            matches!(obs.existence, Existence::Unknown(ref m) if m.contains("not an SNS topic ARN")),
            "{obs:?}"
        );
        assert!(endpoint.requests().is_empty());
    }
}
