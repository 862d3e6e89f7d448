//! Collector for `AWS::Config::ConfigurationRecorder` and `AWS::Config::DeliveryChannel`
//! (identifier: the recorder or channel name; a recorder ARN is accepted too).
//!
//! Recorder: DescribeConfigurationRecorders gives the CloudFormation properties,
//! DescribeConfigurationRecorderStatus gives `Recording`, `LastStatus` and, after a failure,
//! `LastErrorCode` / `LastErrorMessage` (our own properties). Channel:
//! DescribeDeliveryChannels gives the CloudFormation properties, DescribeDeliveryChannelStatus
//! gives `ConfigHistoryDeliveryStatus` and, after a failure, `ConfigHistoryDeliveryError`
//! (our own). `NoSuch...` answers mean the resource is missing.

use aws_sdk_config::types::{
    ConfigurationRecorder, ConfigurationRecorderStatus, DeliveryChannel, RecordingGroup,
    RecordingMode,
};
use serde_json::{json, Map, Value as Json};

use crate::aws::{classify, AwsContext, AwsErrorKind};
use crate::catalog::SeverityClass;
use crate::observe::{Existence, Observation, Target};

/// CloudFormation type of a configuration recorder.
pub const RECORDER: &str = "AWS::Config::ConfigurationRecorder";
/// CloudFormation type of a delivery channel.
pub const CHANNEL: &str = "AWS::Config::DeliveryChannel";

/// Drift classes of the recorded top-level properties.
pub const PROPERTY_CLASSES: &[(&str, &str, SeverityClass)] = &[
    (RECORDER, "Name", SeverityClass::Functional),
    (RECORDER, "RoleARN", SeverityClass::Functional),
    (RECORDER, "RecordingGroup", SeverityClass::Security),
    (RECORDER, "RecordingMode", SeverityClass::Functional),
    (RECORDER, "Recording", SeverityClass::Security),
    (RECORDER, "LastStatus", SeverityClass::Functional),
    (RECORDER, "LastErrorCode", SeverityClass::Functional),
    (RECORDER, "LastErrorMessage", SeverityClass::Functional),
    (CHANNEL, "Name", SeverityClass::Functional),
    (CHANNEL, "S3BucketName", SeverityClass::Security),
    (CHANNEL, "S3KeyPrefix", SeverityClass::Functional),
    (CHANNEL, "S3KmsKeyArn", SeverityClass::Security),
    (CHANNEL, "SnsTopicARN", SeverityClass::Functional),
    (
        CHANNEL,
        "ConfigSnapshotDeliveryProperties",
        SeverityClass::Functional,
    ),
    (
        CHANNEL,
        "ConfigHistoryDeliveryStatus",
        SeverityClass::Functional,
    ),
    (
        CHANNEL,
        "ConfigHistoryDeliveryError",
        SeverityClass::Functional,
    ),
];

/// The config registration (see [`crate::observe::services`]).
pub const SERVICE: crate::observe::services::Service = crate::observe::services::Service {
    name: "config",
    sdk_client: "aws-sdk-config",
    iam_actions: &[
        "config:DescribeConfigurationRecorders",
        "config:DescribeDeliveryChannels",
    ],
    resource_types: &[RECORDER, CHANNEL],
    collect: |aws, target| Box::pin(collect(aws, target)),
    discover,
    property_classes: PROPERTY_CLASSES,
    account_facets: &[],
};

/// Tag-based discovery: `arn:aws:config:R:A:configuration-recorder/NAME/ID` is recorder NAME (delivery channels have no ARN).
pub fn discover(_arn: &str, rest: &str) -> Option<(&'static str, String)> {
    let name = rest.strip_prefix("configuration-recorder/")?;
    let name = name.split('/').next().unwrap_or_default();
    (!name.is_empty()).then(|| (RECORDER, name.to_string()))
}

/// Observe a recorder or a delivery channel. Never panics.
pub async fn collect(aws: &AwsContext, target: &Target) -> Observation {
    if target.resource_type == CHANNEL {
        collect_channel(aws, target).await
    } else {
        collect_recorder(aws, target).await
    }
}

/// The recorder name of an identifier: the name itself, or the name in a recorder ARN
/// (`arn:aws:config:REGION:ACCOUNT:configuration-recorder/NAME/ID`).
pub fn recorder_name(identifier: &str) -> &str {
    if identifier.starts_with("arn:") {
        if let Some((_, rest)) = identifier.split_once(":configuration-recorder/") {
            return rest.split('/').next().unwrap_or(rest);
        }
    }
    identifier
}

async fn collect_recorder(aws: &AwsContext, target: &Target) -> Observation {
    let client = aws.config();
    let name = recorder_name(&target.identifier);
    let described = client
        .describe_configuration_recorders()
        .configuration_recorder_names(name)
        .send()
        .await;
    let recorder = match described {
        Ok(out) => out
            .configuration_recorders()
            .iter()
            .find(|r| r.name() == Some(name))
            .cloned(),
        Err(err) => {
            let c = classify(&err);
            if c.kind != AwsErrorKind::NotFound {
                return Observation::with_existence(
                    target,
                    Existence::Unknown(format!("AWS Config DescribeConfigurationRecorders: {c}")),
                );
            }
            None
        }
    };
    let Some(recorder) = recorder else {
        return Observation::with_existence(target, Existence::Missing);
    };
    let mut obs = Observation::exists(target);
    obs.arn = recorder.arn().map(str::to_string);
    for (k, v) in recorder_properties(&recorder) {
        obs.set(&k, v);
    }

    let status = client
        .describe_configuration_recorder_status()
        .configuration_recorder_names(name)
        .send()
        .await;
    match status {
        Ok(out) => match out
            .configuration_recorders_status()
            .iter()
            .find(|s| s.name() == Some(name))
        {
            Some(s) => {
                for (k, v) in recorder_status_properties(s) {
                    obs.set(&k, v);
                }
            }
            None => {
                let msg = "AWS Config DescribeConfigurationRecorderStatus returned no status for the recorder";
                obs.error("Recording", msg);
                obs.error("LastStatus", msg);
            }
        },
        Err(err) => {
            let msg = format!(
                "AWS Config DescribeConfigurationRecorderStatus: {}",
                classify(&err)
            );
            obs.error("Recording", msg.clone());
            obs.error("LastStatus", msg);
        }
    }
    obs
}

async fn collect_channel(aws: &AwsContext, target: &Target) -> Observation {
    let client = aws.config();
    let name = target.identifier.as_str();
    let described = client
        .describe_delivery_channels()
        .delivery_channel_names(name)
        .send()
        .await;
    let channel = match described {
        Ok(out) => out
            .delivery_channels()
            .iter()
            .find(|c| c.name() == Some(name))
            .cloned(),
        Err(err) => {
            let c = classify(&err);
            if c.kind != AwsErrorKind::NotFound {
                return Observation::with_existence(
                    target,
                    Existence::Unknown(format!("AWS Config DescribeDeliveryChannels: {c}")),
                );
            }
            None
        }
    };
    let Some(channel) = channel else {
        return Observation::with_existence(target, Existence::Missing);
    };
    let mut obs = Observation::exists(target);
    for (k, v) in channel_properties(&channel) {
        obs.set(&k, v);
    }

    let status = client
        .describe_delivery_channel_status()
        .delivery_channel_names(name)
        .customize()
        // Endpoints without this operation answer 5xx: do not spend the whole retry budget.
        .config_override(
            aws_sdk_config::config::Builder::default()
                .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(2)),
        )
        .send()
        .await;
    let history = match status {
        Ok(out) => out
            .delivery_channels_status()
            .iter()
            .find(|s| s.name() == Some(name))
            .map(|s| s.config_history_delivery_info().cloned())
            .ok_or_else(|| {
                "AWS Config DescribeDeliveryChannelStatus returned no status for the channel"
                    .to_string()
            }),
        Err(err) => Err(format!(
            "AWS Config DescribeDeliveryChannelStatus: {}",
            classify(&err)
        )),
    };
    match history {
        Ok(Some(info)) => {
            if let Some(s) = info.last_status() {
                obs.set("ConfigHistoryDeliveryStatus", json!(s.as_str()));
            }
            let code = info.last_error_code().filter(|c| !c.is_empty());
            let message = info.last_error_message().filter(|m| !m.is_empty());
            if code.is_some() || message.is_some() {
                let text = [code, message].into_iter().flatten().collect::<Vec<_>>();
                obs.set("ConfigHistoryDeliveryError", json!(text.join(": ")));
            }
        }
        Ok(None) => {}
        Err(msg) => {
            obs.error("ConfigHistoryDeliveryStatus", msg.clone());
            obs.error("ConfigHistoryDeliveryError", msg);
        }
    }
    obs
}

/// CloudFormation properties of a recorder.
pub fn recorder_properties(r: &ConfigurationRecorder) -> Map<String, Json> {
    let mut m = Map::new();
    if let Some(n) = r.name() {
        m.insert("Name".into(), json!(n));
    }
    if let Some(a) = r.role_arn().filter(|a| !a.is_empty()) {
        m.insert("RoleARN".into(), json!(a));
    }
    if let Some(g) = r.recording_group() {
        m.insert("RecordingGroup".into(), recording_group(g));
    }
    if let Some(mode) = r.recording_mode() {
        m.insert("RecordingMode".into(), recording_mode(mode));
    }
    m
}

fn recording_group(g: &RecordingGroup) -> Json {
    let types = |t: &[aws_sdk_config::types::ResourceType]| {
        t.iter().map(|x| x.as_str().to_string()).collect::<Vec<_>>()
    };
    let mut m = Map::new();
    m.insert("AllSupported".into(), Json::Bool(g.all_supported()));
    m.insert(
        "IncludeGlobalResourceTypes".into(),
        Json::Bool(g.include_global_resource_types()),
    );
    m.insert("ResourceTypes".into(), json!(types(g.resource_types())));
    if let Some(ex) = g
        .exclusion_by_resource_types()
        .filter(|e| !e.resource_types().is_empty())
    {
        m.insert(
            "ExclusionByResourceTypes".into(),
            json!({"ResourceTypes": types(ex.resource_types())}),
        );
    }
    if let Some(u) = g.recording_strategy().and_then(|s| s.use_only()) {
        m.insert("RecordingStrategy".into(), json!({"UseOnly": u.as_str()}));
    }
    Json::Object(m)
}

fn recording_mode(mode: &RecordingMode) -> Json {
    let overrides: Vec<Json> = mode
        .recording_mode_overrides()
        .iter()
        .map(|o| {
            let mut m = Map::new();
            if let Some(d) = o.description() {
                m.insert("Description".into(), json!(d));
            }
            m.insert(
                "ResourceTypes".into(),
                json!(o
                    .resource_types()
                    .iter()
                    .map(|t| t.as_str())
                    .collect::<Vec<_>>()),
            );
            m.insert(
                "RecordingFrequency".into(),
                json!(o.recording_frequency().as_str()),
            );
            Json::Object(m)
        })
        .collect();
    let mut m = Map::new();
    m.insert(
        "RecordingFrequency".into(),
        json!(mode.recording_frequency().as_str()),
    );
    if !overrides.is_empty() {
        m.insert("RecordingModeOverrides".into(), Json::Array(overrides));
    }
    Json::Object(m)
}

/// Our status properties of a recorder: `Recording`, `LastStatus`, last error.
pub fn recorder_status_properties(s: &ConfigurationRecorderStatus) -> Map<String, Json> {
    let mut m = Map::new();
    m.insert("Recording".into(), Json::Bool(s.recording()));
    if let Some(st) = s.last_status() {
        m.insert("LastStatus".into(), json!(st.as_str()));
    }
    if let Some(c) = s.last_error_code().filter(|c| !c.is_empty()) {
        m.insert("LastErrorCode".into(), json!(c));
    }
    if let Some(c) = s.last_error_message().filter(|c| !c.is_empty()) {
        m.insert("LastErrorMessage".into(), json!(c));
    }
    m
}

/// CloudFormation properties of a delivery channel.
pub fn channel_properties(c: &DeliveryChannel) -> Map<String, Json> {
    let mut m = Map::new();
    let strings = [
        ("Name", c.name()),
        ("S3BucketName", c.s3_bucket_name()),
        ("S3KeyPrefix", c.s3_key_prefix()),
        ("S3KmsKeyArn", c.s3_kms_key_arn()),
        ("SnsTopicARN", c.sns_topic_arn()),
    ];
    for (k, v) in strings {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            m.insert(k.into(), json!(v));
        }
    }
    if let Some(f) = c
        .config_snapshot_delivery_properties()
        .and_then(|p| p.delivery_frequency())
    {
        m.insert(
            "ConfigSnapshotDeliveryProperties".into(),
            json!({"DeliveryFrequency": f.as_str()}),
        );
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_config::types::{
        ConfigSnapshotDeliveryProperties, MaximumExecutionFrequency, RecorderStatus,
        RecordingStrategy, RecordingStrategyType,
    };

    #[test]
    fn recorder_name_from_arn() {
        assert_eq!(recorder_name("default"), "default");
        assert_eq!(
            recorder_name(
                "arn:aws:config:us-east-1:111122223333:configuration-recorder/default/abc"
            ),
            "default"
        );
    }

    #[test]
    fn recorder_is_cloudformation_shaped() {
        let r = ConfigurationRecorder::builder()
            .name("default")
            .role_arn("arn:aws:iam::111122223333:role/config")
            .recording_group(
                RecordingGroup::builder()
                    .all_supported(true)
                    .include_global_resource_types(true)
                    .recording_strategy(
                        RecordingStrategy::builder()
                            .use_only(RecordingStrategyType::AllSupportedResourceTypes)
                            .build(),
                    )
                    .build(),
            )
            .build();
        let m = recorder_properties(&r);
        assert_eq!(m["Name"], json!("default"));
        assert_eq!(
            m["RecordingGroup"],
            json!({"AllSupported": true, "IncludeGlobalResourceTypes": true, "ResourceTypes": [],
                   "RecordingStrategy": {"UseOnly": "ALL_SUPPORTED_RESOURCE_TYPES"}})
        );
        let s = ConfigurationRecorderStatus::builder()
            .name("default")
            .recording(true)
            .last_status(RecorderStatus::Failure)
            .last_error_code("AccessDenied")
            .build();
        let m = recorder_status_properties(&s);
        assert_eq!(m["Recording"], json!(true));
        assert_eq!(m["LastStatus"], json!("Failure"));
        assert_eq!(m["LastErrorCode"], json!("AccessDenied"));
    }

    #[test]
    fn channel_is_cloudformation_shaped() {
        let c = DeliveryChannel::builder()
            .name("default")
            .s3_bucket_name("config-bucket")
            .s3_key_prefix("")
            .config_snapshot_delivery_properties(
                ConfigSnapshotDeliveryProperties::builder()
                    .delivery_frequency(MaximumExecutionFrequency::TwentyFourHours)
                    .build(),
            )
            .build();
        let m = channel_properties(&c);
        assert_eq!(m["S3BucketName"], json!("config-bucket"));
        assert!(!m.contains_key("S3KeyPrefix"));
        assert_eq!(
            m["ConfigSnapshotDeliveryProperties"],
            json!({"DeliveryFrequency": "TwentyFour_Hours"})
        );
    }
}
