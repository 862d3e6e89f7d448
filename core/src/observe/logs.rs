//! Collector for `AWS::Logs::LogGroup` (identifier: log group name or ARN).
//!
//! DescribeLogGroups (logGroupNamePrefix = the name, paginated, exact name selected; none →
//! missing) gives `LogGroupName`, `RetentionInDays` (absent: never expire), `KmsKeyId`,
//! `LogGroupClass`, `DeletionProtectionEnabled` and `Arn` (CloudFormation's `Arn` attribute,
//! ending in `:*`); ListTagsForResource on the log group ARN gives `Tags`.

use aws_sdk_cloudwatchlogs::types::LogGroup;
use serde_json::{json, Map, Value as Json};

use crate::aws::{classify, AwsContext, AwsErrorKind};
use crate::catalog::SeverityClass;
use crate::observe::{Existence, Observation, Target};

/// CloudFormation type handled here.
pub const LOG_GROUP: &str = "AWS::Logs::LogGroup";

/// Drift classes of the recorded top-level properties.
pub const PROPERTY_CLASSES: &[(&str, &str, SeverityClass)] = &[
    (LOG_GROUP, "LogGroupName", SeverityClass::Functional),
    (LOG_GROUP, "RetentionInDays", SeverityClass::Security),
    (LOG_GROUP, "KmsKeyId", SeverityClass::Security),
    (LOG_GROUP, "LogGroupClass", SeverityClass::Functional),
    (
        LOG_GROUP,
        "DeletionProtectionEnabled",
        SeverityClass::Security,
    ),
    (LOG_GROUP, "Arn", SeverityClass::Functional),
    (LOG_GROUP, "Tags", SeverityClass::Cosmetic),
];

/// The logs registration (see [`crate::observe::services`]).
pub const SERVICE: crate::observe::services::Service = crate::observe::services::Service {
    name: "logs",
    sdk_client: "aws-sdk-cloudwatchlogs",
    iam_actions: &["logs:DescribeLogGroups", "logs:ListTagsForResource"],
    resource_types: &[LOG_GROUP],
    collect: |aws, target| Box::pin(collect(aws, target)),
    discover,
    property_classes: PROPERTY_CLASSES,
    account_facets: &[],
};

/// Tag-based discovery: `arn:aws:logs:R:A:log-group:NAME[:*]` is log group NAME.
pub fn discover(_arn: &str, rest: &str) -> Option<(&'static str, String)> {
    let name = rest.strip_prefix("log-group:")?;
    let name = name.strip_suffix(":*").unwrap_or(name);
    (!name.is_empty() && !name.contains(':')).then(|| (LOG_GROUP, name.to_string()))
}

/// The log group name of an identifier: the name, or the name in a log group ARN
/// (`arn:aws:logs:REGION:ACCOUNT:log-group:NAME` with an optional `:*`).
pub fn log_group_name(identifier: &str) -> &str {
    match identifier.split_once(":log-group:") {
        Some((head, rest)) if head.starts_with("arn:") => rest.strip_suffix(":*").unwrap_or(rest),
        _ => identifier,
    }
}

/// Observe a log group. Never panics; read failures are recorded in the observation.
pub async fn collect(aws: &AwsContext, target: &Target) -> Observation {
    let client = aws.logs();
    let name = log_group_name(&target.identifier);
    let mut pages = client
        .describe_log_groups()
        .log_group_name_prefix(name)
        .into_paginator()
        .items()
        .send();
    let mut found = None;
    loop {
        match pages.next().await {
            None => break,
            Some(Ok(group)) if group.log_group_name() == Some(name) => {
                found = Some(group);
                break;
            }
            Some(Ok(_)) => {}
            Some(Err(err)) => {
                let c = classify(&err);
                if c.kind == AwsErrorKind::NotFound {
                    break;
                }
                return Observation::with_existence(
                    target,
                    Existence::Unknown(format!("CloudWatch Logs DescribeLogGroups: {c}")),
                );
            }
        }
    }
    let Some(group) = found else {
        return Observation::with_existence(target, Existence::Missing);
    };

    let mut obs = Observation::exists(target);
    for (k, v) in log_group_properties(&group) {
        obs.set(&k, v);
    }
    obs.arn = tag_arn(&group);
    if let Some(arn) = obs.arn.clone() {
        match client
            .list_tags_for_resource()
            .resource_arn(&arn)
            .send()
            .await
        {
            Ok(out) => {
                let mut pairs: Vec<(&String, &String)> = out.tags().into_iter().flatten().collect();
                pairs.sort();
                if !pairs.is_empty() {
                    let tags = pairs
                        .into_iter()
                        .map(|(k, v)| json!({"Key": k, "Value": v}))
                        .collect();
                    obs.set("Tags", Json::Array(tags));
                }
            }
            Err(err) => obs.error(
                "Tags",
                format!("CloudWatch Logs ListTagsForResource: {}", classify(&err)),
            ),
        }
    }
    obs
}

/// The log group ARN without the trailing `:*` (what tagging and discovery use).
fn tag_arn(g: &LogGroup) -> Option<String> {
    g.log_group_arn()
        .or(g.arn())
        .map(|a| a.strip_suffix(":*").unwrap_or(a).to_string())
}

/// CloudFormation properties of a described log group; unset values are left out.
pub fn log_group_properties(g: &LogGroup) -> Map<String, Json> {
    let mut m = Map::new();
    if let Some(n) = g.log_group_name() {
        m.insert("LogGroupName".into(), json!(n));
    }
    if let Some(d) = g.retention_in_days() {
        m.insert("RetentionInDays".into(), json!(d));
    }
    if let Some(k) = g.kms_key_id().filter(|k| !k.is_empty()) {
        m.insert("KmsKeyId".into(), json!(k));
    }
    if let Some(c) = g.log_group_class() {
        m.insert("LogGroupClass".into(), json!(c.as_str()));
    }
    if let Some(p) = g.deletion_protection_enabled() {
        m.insert("DeletionProtectionEnabled".into(), Json::Bool(p));
    }
    let cfn_arn = g
        .arn()
        .map(str::to_string)
        .or_else(|| g.log_group_arn().map(|a| format!("{a}:*")));
    if let Some(a) = cfn_arn {
        m.insert("Arn".into(), json!(a));
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_from_identifier() {
        assert_eq!(log_group_name("/aws/cloudtrail/x"), "/aws/cloudtrail/x");
        assert_eq!(
            log_group_name("arn:aws:logs:us-east-1:111122223333:log-group:/aws/x:*"),
            "/aws/x"
        );
        assert_eq!(
            log_group_name("arn:aws:logs:us-east-1:111122223333:log-group:app"),
            "app"
        );
    }

    #[test]
    fn properties_are_cloudformation_shaped() {
        let g = LogGroup::builder()
            .log_group_name("app")
            .retention_in_days(365)
            .kms_key_id("arn:aws:kms:us-east-1:111122223333:key/k")
            .log_group_arn("arn:aws:logs:us-east-1:111122223333:log-group:app")
            .build();
        let m = log_group_properties(&g);
        assert_eq!(m["RetentionInDays"], json!(365));
        assert_eq!(
            m["Arn"],
            json!("arn:aws:logs:us-east-1:111122223333:log-group:app:*")
        );
        assert_eq!(
            tag_arn(&g).as_deref(),
            Some("arn:aws:logs:us-east-1:111122223333:log-group:app")
        );
        let never = LogGroup::builder().log_group_name("app").build();
        assert!(!log_group_properties(&never).contains_key("RetentionInDays"));
        assert!(!log_group_properties(&never).contains_key("KmsKeyId"));
    }
}
