//! Collector for `AWS::CloudTrail::Trail` (identifier: trail name or ARN).
//!
//! DescribeTrails (trailNameList with the identifier, includeShadowTrails = true; the trail
//! whose name or ARN equals the identifier is selected, none → missing) gives the
//! CloudFormation properties; GetTrailStatus gives `IsLogging` plus the delivery errors;
//! GetEventSelectors gives `EventSelectors` / `AdvancedEventSelectors`; ListTags gives `Tags`.
//! Timestamps of GetTrailStatus are not recorded: they change on every read and would show
//! as drift.

use aws_sdk_cloudtrail::types::{AdvancedEventSelector, EventSelector, Tag, Trail};
use serde_json::{json, Map, Value as Json};

use crate::aws::{classify, AwsContext, AwsErrorKind};
use crate::catalog::SeverityClass;
use crate::observe::services::{AccountFacet, FacetProperties};
use crate::observe::{Existence, Observation, Target};

/// CloudFormation type handled here.
pub const TRAIL: &str = "AWS::CloudTrail::Trail";

/// Drift classes of the recorded top-level properties.
pub const PROPERTY_CLASSES: &[(&str, &str, SeverityClass)] = &[
    (TRAIL, "TrailName", SeverityClass::Functional),
    (TRAIL, "S3BucketName", SeverityClass::Security),
    (TRAIL, "S3KeyPrefix", SeverityClass::Functional),
    (TRAIL, "SnsTopicName", SeverityClass::Functional),
    (TRAIL, "IsMultiRegionTrail", SeverityClass::Security),
    (TRAIL, "IncludeGlobalServiceEvents", SeverityClass::Security),
    (TRAIL, "EnableLogFileValidation", SeverityClass::Security),
    (TRAIL, "KMSKeyId", SeverityClass::Security),
    (TRAIL, "CloudWatchLogsLogGroupArn", SeverityClass::Security),
    (TRAIL, "CloudWatchLogsRoleArn", SeverityClass::Security),
    (TRAIL, "IsOrganizationTrail", SeverityClass::Security),
    (TRAIL, "IsLogging", SeverityClass::Security),
    (TRAIL, "LatestDeliveryError", SeverityClass::Security),
    (
        TRAIL,
        "LatestCloudWatchLogsDeliveryError",
        SeverityClass::Functional,
    ),
    (TRAIL, "EventSelectors", SeverityClass::Security),
    (TRAIL, "AdvancedEventSelectors", SeverityClass::Security),
    (TRAIL, "Tags", SeverityClass::Cosmetic),
];

/// The cloudtrail registration (see [`crate::observe::services`]).
pub const SERVICE: crate::observe::services::Service = crate::observe::services::Service {
    name: "cloudtrail",
    sdk_client: "aws-sdk-cloudtrail",
    iam_actions: &["cloudtrail:DescribeTrails", "cloudtrail:ListTags"],
    resource_types: &[TRAIL],
    collect: |aws, target| Box::pin(collect(aws, target)),
    discover,
    property_classes: PROPERTY_CLASSES,
    account_facets: ACCOUNT_FACETS,
};

/// Tag-based discovery: `arn:aws:cloudtrail:R:A:trail/NAME` is the trail, identified by its ARN.
pub fn discover(arn: &str, rest: &str) -> Option<(&'static str, String)> {
    crate::observe::services::single_id(rest, "trail/").map(|_| (TRAIL, arn.to_string()))
}

/// Observe a trail. Never panics; read failures are recorded in the observation.
pub async fn collect(aws: &AwsContext, target: &Target) -> Observation {
    let client = aws.cloudtrail();
    let id = target.identifier.as_str();
    let described = client
        .describe_trails()
        .trail_name_list(id)
        .include_shadow_trails(true)
        .send()
        .await;
    let trail = match described {
        Ok(out) => out.trail_list().iter().find(|t| is_trail(t, id)).cloned(),
        Err(err) => {
            let c = classify(&err);
            if c.kind == AwsErrorKind::NotFound {
                None
            } else {
                return Observation::with_existence(
                    target,
                    Existence::Unknown(format!("CloudTrail DescribeTrails: {c}")),
                );
            }
        }
    };
    let Some(trail) = trail else {
        return Observation::with_existence(target, Existence::Missing);
    };

    let mut obs = Observation::exists(target);
    obs.arn = trail.trail_arn().map(str::to_string);
    for (k, v) in trail_properties(&trail) {
        obs.set(&k, v);
    }
    // The ARN also reaches a multi-region trail's shadow copy in this region.
    let name = trail.trail_arn().or(trail.name()).unwrap_or(id).to_string();

    match client.get_trail_status().name(&name).send().await {
        Ok(status) => {
            if let Some(logging) = status.is_logging() {
                obs.set("IsLogging", Json::Bool(logging));
            }
            if let Some(e) = non_empty(status.latest_delivery_error()) {
                obs.set("LatestDeliveryError", json!(e));
            }
            if let Some(e) = non_empty(status.latest_cloud_watch_logs_delivery_error()) {
                obs.set("LatestCloudWatchLogsDeliveryError", json!(e));
            }
        }
        Err(err) => {
            let msg = format!("CloudTrail GetTrailStatus: {}", classify(&err));
            for p in [
                "IsLogging",
                "LatestDeliveryError",
                "LatestCloudWatchLogsDeliveryError",
            ] {
                obs.error(p, msg.clone());
            }
        }
    }

    match client.get_event_selectors().trail_name(&name).send().await {
        Ok(out) => {
            let basic: Vec<Json> = out.event_selectors().iter().map(event_selector).collect();
            if !basic.is_empty() {
                obs.set("EventSelectors", Json::Array(basic));
            }
            let advanced: Vec<Json> = out
                .advanced_event_selectors()
                .iter()
                .map(advanced_event_selector)
                .collect();
            if !advanced.is_empty() {
                obs.set("AdvancedEventSelectors", Json::Array(advanced));
            }
        }
        Err(err) => {
            let msg = format!("CloudTrail GetEventSelectors: {}", classify(&err));
            obs.error("EventSelectors", msg.clone());
            obs.error("AdvancedEventSelectors", msg);
        }
    }

    if let Some(arn) = obs.arn.clone() {
        match client.list_tags().resource_id_list(&arn).send().await {
            Ok(out) => {
                let tags: Vec<&Tag> = out
                    .resource_tag_list()
                    .iter()
                    .flat_map(|r| r.tags_list())
                    .collect();
                if !tags.is_empty() {
                    obs.set("Tags", tags_json(tags));
                }
            }
            Err(err) => obs.error("Tags", format!("CloudTrail ListTags: {}", classify(&err))),
        }
    }
    obs
}

/// Whether `t` is the trail named or ARN'd `id`.
fn is_trail(t: &Trail, id: &str) -> bool {
    t.name() == Some(id) || t.trail_arn() == Some(id)
}

/// `Some(s)` when `s` is set and not empty (some endpoints return `""` for "unset").
fn non_empty(s: Option<&str>) -> Option<&str> {
    s.filter(|v| !v.is_empty())
}

/// The CloudFormation properties of a described trail; unset values are left out.
pub fn trail_properties(t: &Trail) -> Map<String, Json> {
    let mut m = Map::new();
    let strings = [
        ("TrailName", t.name()),
        ("S3BucketName", t.s3_bucket_name()),
        ("S3KeyPrefix", t.s3_key_prefix()),
        // CloudFormation's SnsTopicName; the API's SnsTopicName field is deprecated.
        (
            "SnsTopicName",
            t.sns_topic_arn().map(|a| a.rsplit(':').next().unwrap_or(a)),
        ),
        ("KMSKeyId", t.kms_key_id()),
        (
            "CloudWatchLogsLogGroupArn",
            t.cloud_watch_logs_log_group_arn(),
        ),
        ("CloudWatchLogsRoleArn", t.cloud_watch_logs_role_arn()),
    ];
    for (k, v) in strings {
        if let Some(v) = non_empty(v) {
            m.insert(k.into(), json!(v));
        }
    }
    let flags = [
        ("IsMultiRegionTrail", t.is_multi_region_trail()),
        ("EnableLogFileValidation", t.log_file_validation_enabled()),
        (
            "IncludeGlobalServiceEvents",
            t.include_global_service_events(),
        ),
        ("IsOrganizationTrail", t.is_organization_trail()),
    ];
    for (k, v) in flags {
        if let Some(v) = v {
            m.insert(k.into(), Json::Bool(v));
        }
    }
    m
}

/// A basic event selector in CloudFormation shape.
pub fn event_selector(s: &EventSelector) -> Json {
    let mut m = Map::new();
    if let Some(rw) = s.read_write_type() {
        m.insert("ReadWriteType".into(), json!(rw.as_str()));
    }
    if let Some(b) = s.include_management_events() {
        m.insert("IncludeManagementEvents".into(), Json::Bool(b));
    }
    let resources: Vec<Json> = s
        .data_resources()
        .iter()
        .map(|r| {
            let mut d = Map::new();
            if let Some(t) = r.r#type() {
                d.insert("Type".into(), json!(t));
            }
            d.insert("Values".into(), json!(r.values()));
            Json::Object(d)
        })
        .collect();
    m.insert("DataResources".into(), Json::Array(resources));
    if !s.exclude_management_event_sources().is_empty() {
        m.insert(
            "ExcludeManagementEventSources".into(),
            json!(s.exclude_management_event_sources()),
        );
    }
    Json::Object(m)
}

/// An advanced event selector in CloudFormation shape (empty operator lists left out).
pub fn advanced_event_selector(s: &AdvancedEventSelector) -> Json {
    let mut m = Map::new();
    if let Some(n) = s.name() {
        m.insert("Name".into(), json!(n));
    }
    let fields: Vec<Json> = s
        .field_selectors()
        .iter()
        .map(|f| {
            let mut d = Map::new();
            d.insert("Field".into(), json!(f.field()));
            let ops = [
                ("Equals", f.equals()),
                ("StartsWith", f.starts_with()),
                ("EndsWith", f.ends_with()),
                ("NotEquals", f.not_equals()),
                ("NotStartsWith", f.not_starts_with()),
                ("NotEndsWith", f.not_ends_with()),
            ];
            for (k, v) in ops {
                if !v.is_empty() {
                    d.insert(k.into(), json!(v));
                }
            }
            Json::Object(d)
        })
        .collect();
    m.insert("FieldSelectors".into(), Json::Array(fields));
    Json::Object(m)
}

/// Tags as CloudFormation lists them: `[{"Key":..,"Value":..}]` sorted by key.
fn tags_json(tags: Vec<&Tag>) -> Json {
    let mut pairs: Vec<(&str, &str)> = tags
        .iter()
        .map(|t| (t.key(), t.value().unwrap_or("")))
        .collect();
    pairs.sort();
    Json::Array(
        pairs
            .into_iter()
            .map(|(k, v)| json!({"Key": k, "Value": v}))
            .collect(),
    )
}

// ---------------------------------------------------------------- account facet

/// Account property: every trail the region sees (its own and other regions' multi-region
/// trails) with `Name`, `TrailARN`, `HomeRegion`, `IsMultiRegionTrail`, `IsLogging`,
/// `EventSelectors`, `AdvancedEventSelectors`.
pub const MANAGEMENT_EVENT_TRAILS: &str = "ManagementEventTrails";

/// The account facet of `cloudtrail.management_events`.
pub const ACCOUNT_FACETS: &[AccountFacet] = &[AccountFacet {
    properties: &[(MANAGEMENT_EVENT_TRAILS, SeverityClass::Security)],
    checks: &["cloudtrail.management_events"],
    read: |aws| Box::pin(read_management_event_trails(aws)),
}];

/// DescribeTrails (with shadow trails), then GetTrailStatus and GetEventSelectors per trail
/// (by ARN, which also reaches a multi-region trail of another home region).
async fn read_management_event_trails(aws: &AwsContext) -> FacetProperties {
    vec![(MANAGEMENT_EVENT_TRAILS, management_event_trails(aws).await)]
}

async fn management_event_trails(aws: &AwsContext) -> Result<Option<Json>, String> {
    let client = aws.cloudtrail();
    let trails = client
        .describe_trails()
        .include_shadow_trails(true)
        .send()
        .await
        .map_err(|e| format!("CloudTrail DescribeTrails: {}", classify(&e)))?;
    let mut out = Vec::new();
    for t in trails.trail_list() {
        let Some(arn) = t.trail_arn().or(t.name()) else {
            return Err("CloudTrail DescribeTrails: a trail without TrailARN and Name".into());
        };
        let status = client
            .get_trail_status()
            .name(arn)
            .send()
            .await
            .map_err(|e| format!("CloudTrail GetTrailStatus {arn}: {}", classify(&e)))?;
        let selectors = client
            .get_event_selectors()
            .trail_name(arn)
            .send()
            .await
            .map_err(|e| format!("CloudTrail GetEventSelectors {arn}: {}", classify(&e)))?;
        out.push(serde_json::json!({
            "Name": t.name(),
            "TrailARN": t.trail_arn(),
            "HomeRegion": t.home_region(),
            "IsMultiRegionTrail": t.is_multi_region_trail(),
            "IsLogging": status.is_logging(),
            "EventSelectors": selectors.event_selectors().iter().map(event_selector).collect::<Vec<_>>(),
            "AdvancedEventSelectors": selectors.advanced_event_selectors().iter().map(advanced_event_selector).collect::<Vec<_>>(),
        }));
    }
    Ok(Some(Json::Array(out)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudtrail::types::{AdvancedFieldSelector, DataResource, ReadWriteType};

    #[test]
    fn trail_properties_are_cloudformation_shaped_and_skip_empty_strings() {
        let t = Trail::builder()
            .name("audit")
            .s3_bucket_name("logs")
            .is_multi_region_trail(true)
            .log_file_validation_enabled(false)
            .include_global_service_events(true)
            .kms_key_id("arn:aws:kms:us-east-1:111122223333:key/k")
            .cloud_watch_logs_log_group_arn("")
            .build();
        let m = trail_properties(&t);
        assert_eq!(m["TrailName"], json!("audit"));
        assert_eq!(m["S3BucketName"], json!("logs"));
        assert_eq!(m["IsMultiRegionTrail"], json!(true));
        assert_eq!(m["EnableLogFileValidation"], json!(false));
        assert_eq!(m["IncludeGlobalServiceEvents"], json!(true));
        assert_eq!(
            m["KMSKeyId"],
            json!("arn:aws:kms:us-east-1:111122223333:key/k")
        );
        assert!(!m.contains_key("CloudWatchLogsLogGroupArn"));
        assert!(!m.contains_key("IsOrganizationTrail"));
    }

    #[test]
    fn selectors_are_cloudformation_shaped() {
        let s = EventSelector::builder()
            .read_write_type(ReadWriteType::All)
            .include_management_events(true)
            .data_resources(
                DataResource::builder()
                    .r#type("AWS::S3::Object")
                    .values("arn:aws:s3")
                    .build(),
            )
            .build();
        assert_eq!(
            event_selector(&s),
            json!({"ReadWriteType": "All", "IncludeManagementEvents": true,
                   "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]})
        );
        let a = AdvancedEventSelector::builder()
            .name("s3")
            .field_selectors(
                AdvancedFieldSelector::builder()
                    .field("eventCategory")
                    .equals("Data")
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap();
        assert_eq!(
            advanced_event_selector(&a),
            json!({"Name": "s3", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]}]})
        );
    }

    #[test]
    fn tags_sorted_by_key() {
        let b = Tag::builder().key("b").value("2").build().unwrap();
        let a = Tag::builder().key("a").value("1").build().unwrap();
        assert_eq!(
            tags_json(vec![&b, &a]),
            json!([{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
        );
    }
}

/// The account facet against documented CloudTrail answers.
#[cfg(test)]
mod account_facet_tests {
    use crate::aws::fake_endpoint::{Answer, Request};
    use crate::checks::Status;
    use crate::observe::account::testing::{outcome, whole_passes_and_cut_short_errors};

    const ID: &str = "cloudtrail.management_events";
    const ARN: &str = "arn:aws:cloudtrail:eu-west-1:123456789012:trail/org-audit";

    fn error(code: &str) -> Answer {
        Answer::new(
            400,
            "application/x-amz-json-1.1",
            format!("{{\"__type\":\"{code}\",\"Message\":\"{code}\"}}"),
        )
    }

    /// A multi-region trail of another home region (a shadow trail here), logging all
    /// management events.
    fn all_events(r: &Request) -> Answer {
        match r.operation().as_str() {
            "DescribeTrails" => Answer::json(format!("{{\"trailList\":[{{\"Name\":\"org-audit\",\"S3BucketName\":\"audit-logs\",\"IncludeGlobalServiceEvents\":true,\"IsMultiRegionTrail\":true,\"HomeRegion\":\"eu-west-1\",\"TrailARN\":\"{ARN}\",\"LogFileValidationEnabled\":true,\"HasCustomEventSelectors\":false,\"HasInsightSelectors\":false,\"IsOrganizationTrail\":false}}]}}")),
            // Status and selectors of a shadow trail are asked by ARN.
            "GetTrailStatus" if r.text().contains(ARN) => Answer::json("{\"IsLogging\":true,\"LatestDeliveryTime\":1767225600}"),
            "GetEventSelectors" if r.text().contains(ARN) => Answer::json(format!("{{\"TrailARN\":\"{ARN}\",\"EventSelectors\":[{{\"ReadWriteType\":\"All\",\"IncludeManagementEvents\":true,\"DataResources\":[],\"ExcludeManagementEventSources\":[]}}]}}")),
            _ => error("TrailNotFoundException"),
        }
    }

    #[tokio::test]
    async fn trails_are_read_whole_or_not_at_all() {
        for op in ["DescribeTrails", "GetTrailStatus", "GetEventSelectors"] {
            let is_cut: fn(&Request) -> bool = match op {
                "DescribeTrails" => |r| r.operation() == "DescribeTrails",
                "GetTrailStatus" => |r| r.operation() == "GetTrailStatus",
                _ => |r| r.operation() == "GetEventSelectors",
            };
            whole_passes_and_cut_short_errors(all_events, is_cut, ID, &[]).await;
        }
    }

    #[tokio::test]
    async fn write_only_or_no_trail_fails_and_unreadable_errors() {
        let write_only = |r: &Request| {
            match r.operation().as_str() {
            "GetEventSelectors" => Answer::json(format!("{{\"TrailARN\":\"{ARN}\",\"EventSelectors\":[{{\"ReadWriteType\":\"WriteOnly\",\"IncludeManagementEvents\":true,\"DataResources\":[]}}]}}")),
            _ => all_events(r),
        }
        };
        let out = outcome(write_only, ID, &[]).await;
        assert_eq!(
            (out.status, out.actual.as_str()),
            (Status::Failed, "org-audit: management events WriteOnly")
        );
        let advanced = |r: &Request| {
            match r.operation().as_str() {
            "GetEventSelectors" => Answer::json(format!("{{\"TrailARN\":\"{ARN}\",\"AdvancedEventSelectors\":[{{\"Name\":\"Management events selector\",\"FieldSelectors\":[{{\"Field\":\"eventCategory\",\"Equals\":[\"Management\"]}}]}}]}}")),
            _ => all_events(r),
        }
        };
        assert_eq!(outcome(advanced, ID, &[]).await.status, Status::Passed);
        let none = |_: &Request| Answer::json("{\"trailList\":[]}");
        let out = outcome(none, ID, &[]).await;
        assert_eq!(
            (out.status, out.actual.as_str()),
            (Status::Failed, "no trail")
        );
        for failing in ["DescribeTrails", "GetTrailStatus", "GetEventSelectors"] {
            let answer = move |r: &Request| {
                if r.operation() == failing {
                    error("AccessDeniedException")
                } else {
                    all_events(r)
                }
            };
            let out = outcome(answer, ID, &[]).await;
            assert_eq!(out.status, Status::Error, "{failing}: {out:?}");
            assert!(out.detail.unwrap_or_default().contains(failing));
        }
    }
}
